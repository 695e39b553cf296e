//! The evidence comments of a suggested mapping, in the user's language.

use crate::model::{L10n, Lang};

const fn l(zh_cn: &'static str, zh_tw: &'static str, en: &'static str) -> L10n {
    L10n::new(zh_cn, zh_tw, en)
}

/// Between the parts of a comment.
pub const SEP: L10n = l("；", "；", "; ");
pub const KEPT: L10n = l("已有映射", "既有對應", "existing mapping");
pub const SKIP_NAME: L10n = l(
    "工作表名称表明它不含记录（“{sheet}”）",
    "工作表名稱表明它不含記錄（「{sheet}」）",
    "the sheet name says it holds no records (“{sheet}”)",
);
pub const FEW_ROWS: L10n =
    l("没有表格：有内容的行少于两行", "沒有表格：有內容的列少於兩列", "no table: fewer than two rows with values");
pub const WEAK: L10n = l(
    "没有足够吻合的表单（最接近：{kind}，得分 {score}）",
    "沒有足夠吻合的表單（最接近：{kind}，得分 {score}）",
    "no form fits well enough (best: {kind} at {score})",
);
pub const NO_HEADER: L10n = l(
    "没有哪一行表头对应到 dossier 的字段",
    "沒有哪一列表頭對應到 dossier 的欄位",
    "no header row names dossier's fields",
);
pub const TABLE: L10n = l(
    "{n} 列中有 {m} 列对应到字段；{rows} 行",
    "{n} 欄中有 {m} 欄對應到欄位；{rows} 列",
    "{m} of {n} columns name its fields; {rows} rows",
);
pub const FORM: L10n =
    l("表单：{n} 个标签对应到字段", "表單：{n} 個標籤對應到欄位", "a form: {n} labels name its fields");
pub const IDS_NO_HEADER: L10n = l("{k}/{n} 个编号，无表头", "{k}/{n} 個編號，無表頭", "{k}/{n} ids, no header");
pub const IDS_UNIQUE: L10n = l("{k}/{n} 个编号，互不重复", "{k}/{n} 個編號，互不重複", "{k}/{n} ids, unique");
pub const HEADER: L10n = l("表头 ≈ “{phrase}”", "表頭 ≈ 「{phrase}」", "header ≈ “{phrase}”");
pub const LABEL: L10n = l("标签 ≈ “{phrase}”", "標籤 ≈ 「{phrase}」", "label ≈ “{phrase}”");
pub const DATES: L10n = l("{k}/{n} 个日期", "{k}/{n} 個日期", "{k}/{n} dates");
pub const NUMBERS: L10n = l("{k}/{n} 个数值", "{k}/{n} 個數值", "{k}/{n} numbers");
pub const NAMES: L10n = l("{k}/{n} 个人名或部门", "{k}/{n} 個人名或部門", "{k}/{n} names");
pub const WORDS: L10n = l("{k} 种取值", "{k} 種取值", "{k} distinct words");
pub const IDS: L10n = l("{k}/{n} 个编号", "{k}/{n} 個編號", "{k}/{n} ids");
pub const VALUES: L10n = l("{n} 个值", "{n} 個值", "{n} values");
pub const EMPTY: L10n = l("空列", "空欄", "empty column");
pub const NO_FIELD_FOR: L10n = l("dossier 没有这类字段", "dossier 沒有這類欄位", "no field for this");
pub const NO_FIELD_FITS: L10n = l("没有合适的字段", "沒有合適的欄位", "no field fits");
pub const UNREAD_WORDS: L10n =
    l("其取值读不成 {field} 的代码", "其取值讀不成 {field} 的代碼", "its words read as no {field} code");
pub const ONLY_END: L10n = l("计划中唯一的结束日期", "計劃中唯一的結束日期", "the plan's only end date");
pub const BRACKET: L10n = l("末尾括号里的“{inner}”", "末尾括號裡的「{inner}」", "“({inner})” at its end");
pub const MEANS: L10n = l("“{word}”即 {code}", "「{word}」即 {code}", "“{word}” means {code}");
pub const CLOSE: L10n = l("接近“{code}”", "接近「{code}」", "close to “{code}”");
pub const NO_CODE: L10n = l("没有合适的代码", "沒有合適的代碼", "no code fits");
pub const SCALE: L10n = l("1–{k} 分制中的 {word}", "1–{k} 分制中的 {word}", "{word} of a 1–{k} scale");
pub const RANK: L10n = l("程度词，按高低排序", "程度詞，按高低排序", "level word, by rank");
pub const DATE_ORDER: L10n =
    l("文本日期，如“{example}”", "文字日期，如「{example}」", "text dates such as “{example}”");
pub const DATE_EITHER: L10n = l(
    "文本日期，如“{example}”，日月顺序都说得通",
    "文字日期，如「{example}」，日月順序都說得通",
    "text dates such as “{example}” could be either order",
);
pub const ISSUE_SHEET: L10n =
    l("工作表名称“{sheet}”表明是问题", "工作表名稱「{sheet}」表明是問題", "the sheet name “{sheet}” says issues");
pub const ISSUE_HEADERS: L10n = l("表头表明是问题", "表頭表明是問題", "the headers say issues");
pub const ISSUE_FILE: L10n =
    l("文件名“{stem}”表明是问题", "檔名「{stem}」表明是問題", "the file name “{stem}” says issues");
pub const STATUS_SHEET: L10n =
    l("工作表名称“{sheet}”即状态", "工作表名稱「{sheet}」即狀態", "the sheet name “{sheet}” is a status");
pub const IDS_MADE: L10n =
    l("没有编号列：按行号生成", "沒有編號欄：按列號產生", "no column holds ids: made from the row number");

/// `text` in `lang` with its placeholders filled.
pub fn say(text: L10n, lang: Lang, args: &[(&str, &str)]) -> String {
    text.fill(lang, args)
}
