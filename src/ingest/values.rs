//! Typing raw cells against the schema: dates, ranges, percentages, quantities, parties,
//! lists, enumerations, sub-records; computed fields (`delay_days`, `achievement`) and the
//! `required` check. The parsers are public so that writers and converters read text the
//! same way ingest does.
//!
//! Placeholders (`/`, `-`, `无`, `N/A`, `TBD`, `待定`, … INGEST-NOTES §5 rule 3) mean "not
//! filled in" for every type, free text included: a 存在问题 of `无` is no problem described,
//! an owner of `待定` is no owner. The required check then names the placeholder it saw.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use crate::diag::Diagnostic;
use crate::ingest::{Cell, Ctx, RawField, RawRecord, trim_float};
use crate::model::{Field, L10n, Lang, Location, Party, Quantity, Record, Value};
use crate::schema::{EnumDef, EnumValue, FieldDef, KindDef, Type, halfwidth};

// ---------------------------------------------------------------------------------------
// Messages

const MSG_TYPE: L10n = L10n::new(
    "“{field}”的值“{value}”无法识别为{expected}",
    "「{field}」的值「{value}」無法識別為{expected}",
    "{field}: cannot read `{value}` as a {expected}",
);
const MSG_ERROR_CELL: L10n = L10n::new(
    "“{field}”单元格是错误值 {value}",
    "「{field}」儲存格是錯誤值 {value}",
    "{field}: the cell holds the error {value}",
);
const HINT_ERROR_CELL: L10n = L10n::new(
    "修正该单元格的公式或引用，或直接填写值",
    "修正該儲存格的公式或參照，或直接填寫值",
    "fix the formula or reference in this cell, or type the value",
);
const MSG_PERCENT_RANGE: L10n = L10n::new(
    "“{field}”的值“{value}”超出 0–100% 范围",
    "「{field}」的值「{value}」超出 0–100% 範圍",
    "{field}: `{value}` is outside 0–100%",
);
const MSG_PERCENT_ONE: L10n = L10n::new(
    "“{field}”的值 1 既可能是 1% 也可能是 100%，按 100% 读取",
    "「{field}」的值 1 既可能是 1% 也可能是 100%，按 100% 讀取",
    "{field}: 1 may mean 1% or 100%; read as 100%",
);
const HINT_PERCENT_ONE: L10n = L10n::new("写成 100% 或 1%", "寫成 100% 或 1%", "write 100% or 1%");
const MSG_NEGATIVE: L10n = L10n::new(
    "“{field}”的值“{value}”不能为负数",
    "「{field}」的值「{value}」不能為負數",
    "{field}: `{value}` cannot be negative",
);
const MSG_DATE_YEAR: L10n = L10n::new(
    "“{field}”的日期“{value}”没有写年份，按 {year} 年读作 {date}",
    "「{field}」的日期「{value}」沒有寫年份，按 {year} 年讀作 {date}",
    "{field}: `{value}` has no year; read as {date}",
);
const HINT_DATE_YEAR: L10n =
    L10n::new("写完整日期，如 {date}", "寫完整日期，如 {date}", "write the full date, e.g. {date}");
const MSG_SERIAL: L10n = L10n::new(
    "“{field}”的数字 {value} 按 Excel 日期序号读作 {date}",
    "「{field}」的數字 {value} 按 Excel 日期序號讀作 {date}",
    "{field}: the number {value} was read as the Excel date serial {date}",
);
const HINT_SERIAL: L10n = L10n::new(
    "把单元格设为日期格式，或写成 YYYY-MM-DD",
    "把儲存格設為日期格式，或寫成 YYYY-MM-DD",
    "format the cell as a date, or write YYYY-MM-DD",
);
const HINT_SERIAL_RANGE: L10n = L10n::new(
    "Excel 的日期从 1900-01-01 到 9999-12-31（序号 1 到 2958465）；请填写这个范围内的日期",
    "Excel 的日期從 1900-01-01 到 9999-12-31（序號 1 到 2958465）；請填寫這個範圍內的日期",
    "Excel dates run from 1900-01-01 to 9999-12-31 (serials 1 to 2958465); enter a date in that range",
);
/// The serial of 9999-12-31, Excel's last date.
const MAX_EXCEL_SERIAL: f64 = 2_958_465.0;
const HINT_DATE_NUMBER: L10n = L10n::new(
    "{value} 像是把“月.日”写成了数字；请写完整日期，如 {example}",
    "{value} 像是把「月.日」寫成了數字；請寫完整日期，如 {example}",
    "{value} looks like month.day typed as a number; write a full date such as {example}",
);
const MSG_ENUM: L10n = L10n::new(
    "“{field}”的值“{value}”不是可选值",
    "「{field}」的值「{value}」不是可選值",
    "{field}: `{value}` is not one of the allowed values",
);
const HINT_ENUM: L10n =
    L10n::new("是否应为“{label}”（{code}）？", "是否應為「{label}」（{code}）？", "did you mean `{code}` ({label})?");
const HINT_ENUM_NONE: L10n =
    L10n::new("从可选值中选一个：{allowed}", "從可選值中選一個：{allowed}", "use one of: {allowed}");
const MSG_REQUIRED: L10n =
    L10n::new("{who}缺少必填项“{field}”", "{who}缺少必填項「{field}」", "{who}: required field “{field}” is missing");
const MSG_REQUIRED_PLACEHOLDER: L10n = L10n::new(
    "{who}的必填项“{field}”只写了“{value}”，视为未填写",
    "{who}的必填項「{field}」只寫了「{value}」，視為未填寫",
    "{who}: required field “{field}” only says `{value}`, which counts as not filled in",
);
const HINT_REQUIRED: L10n =
    L10n::new("请填写“{field}”：{help}", "請填寫「{field}」：{help}", "fill in “{field}”: {help}");
const HINT_REQUIRED_BARE: L10n = L10n::new("请填写“{field}”", "請填寫「{field}」", "fill in “{field}”");

const EXP_DATE: L10n = L10n::new("日期 YYYY-MM-DD", "日期 YYYY-MM-DD", "date YYYY-MM-DD");
const EXP_DATE_RANGE: L10n = L10n::new(
    "日期 YYYY-MM-DD 或区间 YYYY-MM-DD至YYYY-MM-DD",
    "日期 YYYY-MM-DD 或區間 YYYY-MM-DD至YYYY-MM-DD",
    "date YYYY-MM-DD or range YYYY-MM-DD to YYYY-MM-DD",
);
const EXP_DATETIME: L10n =
    L10n::new("日期时间 YYYY-MM-DD HH：MM", "日期時間 YYYY-MM-DD HH：MM", "date-time YYYY-MM-DD HH:MM");
const EXP_DATETIME_RANGE: L10n = L10n::new(
    "日期时间 YYYY-MM-DD HH：MM 或区间 YYYY-MM-DD HH：MM-HH：MM",
    "日期時間 YYYY-MM-DD HH：MM 或區間 YYYY-MM-DD HH：MM-HH：MM",
    "date-time YYYY-MM-DD HH:MM or range YYYY-MM-DD HH:MM-HH:MM",
);
const EXP_INT: L10n = L10n::new(
    "整数（分钟），如 30 或 30分钟",
    "整數（分鐘），如 30 或 30分鐘",
    "whole number of minutes, e.g. 30 or 30 min",
);
const EXP_PERCENT: L10n = L10n::new("百分比 0–100，如 80%", "百分比 0–100，如 80%", "percentage 0–100, e.g. 80%");
const EXP_QUANTITY: L10n =
    L10n::new("数值加单位，如 500万元", "數值加單位，如 500萬元", "number with a unit, e.g. 500万元 or 1,200 件");
const EXP_PARTY: L10n =
    L10n::new("部门/姓名，如 市场部/张三", "部門/姓名，如 市場部/張三", "department / name, e.g. Marketing / Li Na");
const EXP_TEXT: L10n = L10n::new("文本", "文字", "text");

const HINT_DATE: L10n = L10n::new(
    "写成 2024-07-15 这样的完整日期，或把单元格设为日期格式",
    "寫成 2024-07-15 這樣的完整日期，或把儲存格設為日期格式",
    "write a full date such as 2024-07-15, or format the cell as a date",
);
const HINT_DATETIME: L10n = L10n::new(
    "写成 2024-07-15 14:00 这样的日期时间",
    "寫成 2024-07-15 14:00 這樣的日期時間",
    "write a date and time such as 2024-07-15 14:00",
);
const HINT_INT: L10n = L10n::new("只写分钟数，如 30", "只寫分鐘數，如 30", "write the number of minutes, e.g. 30");
const HINT_PERCENT: L10n = L10n::new(
    "写成 0 到 100 之间的百分比，如 80%",
    "寫成 0 到 100 之間的百分比，如 80%",
    "write a percentage between 0 and 100, e.g. 80%",
);
const HINT_QUANTITY: L10n = L10n::new(
    "先写数字再写单位，如 500万元、15万人次、1,200 件",
    "先寫數字再寫單位，如 500萬元、15萬人次、1,200 件",
    "write the number, then the unit: 500万元, 15万人次, 1,200 件",
);
const HINT_PARTY: L10n = L10n::new(
    "写成“部门/姓名”，如 市场部/张三",
    "寫成「部門/姓名」，如 市場部/張三",
    "write “department / name”, e.g. Marketing / Li Na",
);
const MSG_TOO_LONG: L10n = L10n::new(
    "“{field}”的值有 {n} 个字符，超过一个 Excel 单元格可容纳的 32767 个字符（开头为“{start}”）",
    "「{field}」的值有 {n} 個字元，超過一個 Excel 儲存格可容納的 32767 個字元（開頭為「{start}」）",
    "{field}: the value has {n} characters, more than the 32,767 an Excel cell holds (it starts “{start}”)",
);
const EXP_TOO_LONG: L10n = L10n::new("至多 32767 个字符", "至多 32767 個字元", "at most 32,767 characters");
const HINT_TOO_LONG: L10n = L10n::new(
    "缩短该内容，或把详细内容放到附件中、这里只写摘要",
    "縮短該內容，或把詳細內容放到附件中、這裡只寫摘要",
    "shorten it, or keep the details in an attachment and write a summary here",
);

/// Excel's limit on the text of one cell. Every field must fit one: the documents write
/// each into an XLSX cell, and a longer text is an error when read, never cut silently.
pub const MAX_CELL_CHARS: usize = 32_767;

/// The number of characters of a cell's text when it is over [`MAX_CELL_CHARS`].
fn too_long(cell: &Cell) -> Option<usize> {
    let chars = |s: &str| if s.len() <= MAX_CELL_CHARS { 0 } else { s.chars().count() };
    let n = match cell {
        Cell::Text(s) | Cell::Error(s) => chars(s),
        // Items are shown joined by one separator.
        Cell::List(items) => items.iter().map(|c| too_long(c).unwrap_or_else(|| c.display().chars().count()) + 1).sum(),
        _ => 0,
    };
    (n > MAX_CELL_CHARS).then_some(n)
}

// ---------------------------------------------------------------------------------------
// Text cleanup

/// Trims and removes what cannot be seen: NBSP and U+3000 become spaces, zero-width
/// characters go, line ends become `\n`, spaces at line ends go (INGEST-NOTES §5 rule 1).
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{00A0}' | '\u{3000}' => out.push(' '),
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            _ => out.push(c),
        }
    }
    out.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_string()
}

/// The unified ideograph a Kangxi radical, a CJK radicals-supplement character or a
/// compatibility ideograph stands for (`⼈` U+2F08 → `人`), when `c` is one.
pub fn unified_ideograph(c: char) -> Option<char> {
    if !matches!(c, '\u{2E80}'..='\u{2FDF}' | '\u{F900}'..='\u{FAFF}' | '\u{2F800}'..='\u{2FA1F}') {
        return None;
    }
    let table = super::ideographs::UNIFIED;
    table.binary_search_by_key(&c, |(v, _)| *v).ok().map(|i| table[i].1)
}

/// `s` with every radical or compatibility ideograph replaced by its unified ideograph, and
/// the replacements made; `None` when there was nothing to replace (the common case).
pub fn unify_ideographs(s: &str) -> Option<(String, Vec<(char, char)>)> {
    if s.is_ascii() || !s.chars().any(|c| unified_ideograph(c).is_some()) {
        return None;
    }
    let mut swaps: Vec<(char, char)> = Vec::new();
    let out = s
        .chars()
        .map(|c| match unified_ideograph(c) {
            Some(u) => {
                if !swaps.contains(&(c, u)) {
                    swaps.push((c, u));
                }
                u
            }
            None => c,
        })
        .collect();
    Some((out, swaps))
}

const MSG_UNIFIED: L10n = L10n::new(
    "{swaps} 已替换为统一汉字：它们看起来一样，但在 PDF 中复制或搜索时是另一个字符",
    "{swaps} 已替換為統一漢字：它們看起來一樣，但在 PDF 中複製或搜尋時是另一個字元",
    "{swaps} replaced with the unified ideograph: they look the same, but copy and search as another character",
);
const HINT_UNIFIED: L10n = L10n::new(
    "这些部首或兼容汉字多来自复制粘贴；在源文件中改成普通汉字，提示就会消失",
    "這些部首或相容漢字多來自複製貼上；在來源檔案中改成一般漢字，提示就會消失",
    "such radicals and compatibility ideographs usually come from copy and paste; type the ordinary character in the source file and this note goes away",
);

/// Normalises the text cells of a record (SPEC §4 PDF: Kangxi radicals and compatibility
/// ideographs become unified ideographs at ingest), with an `info` per cell naming it.
fn unify_record(raw: &mut RawRecord, lang: Lang, diags: &mut Vec<Diagnostic>) {
    fn unify_cell(cell: &mut Cell, swaps: &mut Vec<(char, char)>) {
        match cell {
            Cell::Text(s) => {
                if let Some((out, found)) = unify_ideographs(s) {
                    *s = out;
                    swaps.extend(found);
                }
            }
            Cell::List(items) => items.iter_mut().for_each(|c| unify_cell(c, swaps)),
            _ => {}
        }
    }
    for rf in &mut raw.fields {
        let before = rf.cell.display();
        let mut swaps = Vec::new();
        unify_cell(&mut rf.cell, &mut swaps);
        if swaps.is_empty() {
            continue;
        }
        swaps.dedup();
        let list: Vec<String> =
            swaps.iter().map(|(v, u)| format!("“{v}” (U+{:04X}) → “{u}” (U+{:04X})", *v as u32, *u as u32)).collect();
        let msg = MSG_UNIFIED.fill(lang, &[("swaps", &list.join(", "))]);
        diags.push(
            Diagnostic::info("unified-ideograph", rf.loc.clone(), msg)
                .field(rf.key)
                .value(before)
                .expected(rf.cell.display())
                .hint(HINT_UNIFIED.get(lang)),
        );
    }
    for (_, text) in &mut raw.extra {
        if let Some((out, _)) = unify_ideographs(text) {
            *text = out;
        }
    }
}

/// [`clean_text`] plus full-width ASCII to half width, for numbers, dates, enums and IDs.
fn norm(s: &str) -> String {
    clean_text(s)
        .chars()
        .map(|c| match c {
            '￥' => '¥',
            '〜' => '~',
            '−' => '-',
            c => halfwidth(c),
        })
        .collect()
}

const PLACEHOLDERS: &[&str] = &[
    "/",
    "//",
    "\\",
    "-",
    "--",
    "---",
    "—",
    "——",
    "–",
    "_",
    "n/a",
    "na",
    "n.a.",
    "none",
    "null",
    "nil",
    "无",
    "無",
    "没有",
    "沒有",
    "不适用",
    "不適用",
    "tbd",
    "tba",
    "待定",
    "待商定",
    "待确认",
    "待確認",
    "暂无",
    "暫無",
    "?",
    "??",
    "???",
    "未更新",
    "未填写",
    "未填寫",
];

/// Whether a text is a placeholder for "not filled in" (`/`, `无`, `N/A`, `TBD`, `待定` …).
pub fn is_placeholder(text: &str) -> bool {
    // Every placeholder is a few characters; most cells are longer, so skip the work.
    let t = text.trim();
    // A template's `<Summarize the content>`, `<dd/mm/yyyy>`.
    if t.starts_with('<') && t.ends_with('>') && t.chars().count() <= 48 && !t.contains("</") {
        return true;
    }
    if t.len() > 12 {
        return false;
    }
    // Every placeholder starts with one of these (after width folding): a cheap test that
    // lets ordinary short cells (`市场部*`, `1.1`, `P0`) through without any work.
    let first = t.chars().next().map(|c| crate::schema::halfwidth(c).to_ascii_lowercase());
    if !first.is_some_and(|c| "/\\-—–_nt?无無没沒不待暂暫未".contains(c)) {
        return false;
    }
    let t = norm(text).to_lowercase();
    PLACEHOLDERS.contains(&t.as_str())
}

// ---------------------------------------------------------------------------------------
// Lists

fn is_open(c: char) -> bool {
    matches!(c, '(' | '（' | '[' | '【' | '《' | '「' | '『' | '“' | '{')
}

fn is_close(c: char) -> bool {
    matches!(c, ')' | '）' | ']' | '】' | '》' | '」' | '』' | '”' | '}')
}

/// Splits on separators outside brackets; pieces are trimmed, empty ones dropped.
fn split_top(s: &str, sep: impl Fn(char) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        if is_open(c) {
            depth += 1;
        } else if is_close(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && sep(c) {
            push_piece(&mut out, &cur);
            cur.clear();
            continue;
        }
        cur.push(c);
    }
    push_piece(&mut out, &cur);
    out
}

fn push_piece(out: &mut Vec<String>, piece: &str) {
    let p = trim_item(piece);
    if !p.is_empty() {
        out.push(p.to_string());
    }
}

/// Trims white space and the punctuation that ends an item (`;` `,` `。` `、`).
fn trim_item(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, ';' | '；' | ',' | '，' | '。' | '、'))
}

/// An item-number marker at `i`: `1.` `1、` `1)` `(1)` `①`; gives the number and where the
/// item's text starts. `1.1` and `2.0` are numbers, not markers.
fn marker_at(cs: &[char], i: usize) -> Option<(u32, usize)> {
    let c = *cs.get(i)?;
    if ('①'..='⑳').contains(&c) {
        return Some((c as u32 - '①' as u32 + 1, i + 1));
    }
    if matches!(c, '(' | '（') {
        let j = digit_end(cs, i + 1);
        if (1..=2).contains(&(j - i - 1)) && matches!(cs.get(j), Some(')' | '）')) {
            return Some((digits_value(cs, i + 1, j), j + 1));
        }
        return None;
    }
    let j = digit_end(cs, i);
    if !(1..=2).contains(&(j - i)) {
        return None;
    }
    match cs.get(j) {
        Some('.' | '．' | '、' | ')' | '）') if !cs.get(j + 1).is_some_and(|c| c.is_ascii_digit()) => {
            Some((digits_value(cs, i, j), j + 1))
        }
        _ => None,
    }
}

/// Splits `1.xxx 2.yyy 3.zzz` written in one line into its numbered items (markers
/// removed); a line without a leading marker comes back whole.
fn split_numbered(line: &str) -> Vec<String> {
    let cs: Vec<char> = line.chars().collect();
    let Some((first, body)) = marker_at(&cs, 0) else {
        return vec![line.to_string()];
    };
    let mut items = Vec::new();
    let mut start = body;
    let mut next = first + 1;
    let mut i = body;
    while i < cs.len() {
        let boundary = i == 0 || !(cs[i - 1].is_ascii_alphanumeric() || cs[i - 1] == '.');
        if boundary
            && let Some((n, after)) = marker_at(&cs, i)
            && n == next
        {
            items.push(cs[start..i].iter().collect());
            start = after;
            next += 1;
            i = after;
            continue;
        }
        i += 1;
    }
    items.push(cs[start..].iter().collect());
    items
}

fn strip_bullet(line: &str) -> &str {
    let t = line.trim_start();
    for b in ["- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(b) {
            return rest;
        }
    }
    t.trim_start_matches(['•', '·', '●', '○', '◆', '■', '▪', '◦', '►', '▶'])
}

fn has_marker(line: &str) -> bool {
    let t = line.trim_start();
    let cs: Vec<char> = t.chars().collect();
    marker_at(&cs, 0).is_some() || strip_bullet(t).len() != t.len()
}

/// Items of a multi-line or numbered text: one per line, per number (`1.xxx 2.yyy`) and
/// per `;`; bullets and numbers removed.
fn split_items(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in clean_text(text).lines() {
        for piece in split_numbered(strip_bullet(line).trim()) {
            for item in split_top(&piece, |c| matches!(c, ';' | '；')) {
                if !is_placeholder(&item) {
                    out.push(item);
                }
            }
        }
    }
    out
}

/// Splits a list cell (SPEC §1 `list`). A cell with several lines or numbered items
/// (`1.《总结报告》2.《统计表》3.反馈分析`) gives one item per line / number, and commas
/// inside an item stay (they are sentences); a one-line cell splits on 、，,；;/.
/// Separators inside brackets never split.
pub fn split_list(text: &str) -> Vec<String> {
    let t = clean_text(text);
    let lines: Vec<&str> = t.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() > 1 || lines.iter().any(|l| has_marker(l)) {
        return split_items(&t);
    }
    split_top(&t, |c| matches!(c, '、' | '，' | ',' | '；' | ';' | '/' | '／'))
        .into_iter()
        .filter(|s| !is_placeholder(s))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Numbers

fn digit_end(cs: &[char], i: usize) -> usize {
    let mut j = i;
    while j < cs.len() && cs[j].is_ascii_digit() {
        j += 1;
    }
    j
}

fn digits_value(cs: &[char], i: usize, j: usize) -> u32 {
    cs[i..j].iter().fold(0u32, |a, c| a.saturating_mul(10).saturating_add(c.to_digit(10).unwrap_or(0)))
}

fn skip_space(cs: &[char], mut i: usize) -> usize {
    while i < cs.len() && cs[i].is_whitespace() {
        i += 1;
    }
    i
}

/// A decimal number at `i` (`-1,200.5`); thousands separators allowed between digits.
fn scan_number(cs: &[char], i: usize) -> Option<(f64, usize)> {
    let mut j = i;
    let mut s = String::new();
    if let Some(c @ ('-' | '+')) = cs.get(j) {
        s.push(*c);
        j += 1;
    }
    let start = j;
    while j < cs.len() {
        let c = cs[j];
        if c.is_ascii_digit() {
            s.push(c);
            j += 1;
        } else if c == ',' && j > start && cs.get(j + 1).is_some_and(|d| d.is_ascii_digit()) {
            j += 1;
        } else {
            break;
        }
    }
    if j == start {
        return None;
    }
    if cs.get(j) == Some(&'.') && cs.get(j + 1).is_some_and(|d| d.is_ascii_digit()) {
        s.push('.');
        j += 1;
        while j < cs.len() && cs[j].is_ascii_digit() {
            s.push(cs[j]);
            j += 1;
        }
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite()).map(|v| (v, j))
}

/// `cs[i..]` starts with `word` (an ASCII word must end there).
fn eat(cs: &[char], i: usize, word: &str) -> Option<usize> {
    let mut j = i;
    for w in word.chars() {
        if cs.get(j).map(|c| c.to_lowercase().eq(w.to_lowercase())) != Some(true) {
            return None;
        }
        j += 1;
    }
    if word.chars().last().is_some_and(|c| c.is_ascii_alphabetic())
        && cs.get(j).is_some_and(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    Some(j)
}

fn eat_any(cs: &[char], i: usize, words: &[&str]) -> Option<usize> {
    words.iter().find_map(|w| eat(cs, i, w))
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A whole number, with an optional minutes or hours unit (the one input integer is agenda
/// minutes): `30`, `30分钟`, `30 min`, `1小时`, `1.5h`, `1小时30分钟` → minutes.
pub fn parse_int(text: &str) -> Option<i64> {
    let t = norm(text);
    if matches!(t.as_str(), "半小时" | "半小時") {
        return Some(30);
    }
    let cs: Vec<char> = t.chars().collect();
    let mut i = skip_space(&cs, 0);
    let mut total = 0.0;
    let mut tokens = 0;
    let mut bare = false;
    while i < cs.len() {
        let (v, j) = scan_number(&cs, i)?;
        let j = skip_space(&cs, j);
        let minutes = ["分钟", "分鐘", "minutes", "minute", "mins", "min", "分", "m"];
        let hours = ["个小时", "個小時", "小时", "小時", "hours", "hour", "hrs", "hr", "h"];
        if let Some(k) = eat_any(&cs, j, &minutes) {
            total += v;
            i = k;
        } else if let Some(k) = eat_any(&cs, j, &hours) {
            total += v * 60.0;
            i = k;
        } else {
            total += v;
            bare = true;
            i = j;
        }
        tokens += 1;
        i = skip_space(&cs, i);
        if bare && i < cs.len() {
            return None;
        }
    }
    if tokens == 0 || (bare && tokens > 1) || (total - total.round()).abs() > 1e-6 {
        return None;
    }
    Some(total.round() as i64)
}

/// A percentage as a number 0–100 (range not checked): `80%`, `80％`, `80`, `0.8` (a bare
/// number up to 1 is a fraction, so `1` reads as 100), `完成`/`已完成` → 100, `未开始` → 0.
pub fn parse_percent(text: &str) -> Option<f64> {
    let t = norm(text).to_lowercase();
    match t.as_str() {
        "完成" | "已完成" | "全部完成" | "done" | "complete" | "completed" | "finished" => return Some(100.0),
        "未开始" | "未開始" | "待开始" | "待開始" | "not started" => return Some(0.0),
        _ => {}
    }
    let cs: Vec<char> = t.chars().collect();
    let (v, i) = scan_number(&cs, 0)?;
    let mut i = skip_space(&cs, i);
    let percent = cs.get(i) == Some(&'%');
    if percent {
        i += 1;
    }
    if skip_space(&cs, i) != cs.len() {
        return None;
    }
    Some(round6(if percent { v } else { bare_percent(v) }))
}

/// A bare number in a percentage field: 0–1 is a fraction (Excel's 80 % is 0.8), above is %.
fn bare_percent(v: f64) -> f64 {
    if v > 0.0 && v <= 1.0 { v * 100.0 } else { v }
}

const MAGNITUDES: &[(&str, f64)] = &[
    ("万亿", 1e12),
    ("萬億", 1e12),
    ("百万", 1e6),
    ("百萬", 1e6),
    ("千万", 1e7),
    ("千萬", 1e7),
    ("万", 1e4),
    ("萬", 1e4),
    ("亿", 1e8),
    ("億", 1e8),
    ("千", 1e3),
    ("k", 1e3),
];

const CURRENCIES: &[(&str, &str)] =
    &[("¥", "元"), ("RMB", "元"), ("CNY", "元"), ("$", "$"), ("USD", "$"), ("€", "€"), ("£", "£")];

/// A quantity at `i`: currency, number, magnitude (万 亿 千 k) and unit up to a separator.
/// Gives the quantity and where it ends.
fn scan_quantity(cs: &[char], i: usize) -> Option<(Quantity, usize)> {
    let mut i = skip_space(cs, i);
    if let Some(j) = eat_any(cs, i, &["大约", "大約", "约", "約", "~", "≈"]) {
        i = skip_space(cs, j);
    }
    let mut currency = None;
    if let Some((j, unit)) = CURRENCIES.iter().find_map(|(sym, unit)| eat(cs, i, sym).map(|j| (j, *unit))) {
        currency = Some(unit);
        i = skip_space(cs, j);
    }
    let (mut value, j) = scan_number(cs, i)?;
    let mut j = skip_space(cs, j);
    if let Some((k, mult)) = MAGNITUDES.iter().find_map(|(w, m)| eat(cs, j, w).map(|k| (k, *m))) {
        value *= mult;
        j = skip_space(cs, k);
    }
    let start = j;
    while j < cs.len() {
        let c = cs[j];
        if c.is_ascii_digit()
            || c.is_whitespace()
            || is_open(c)
            || is_close(c)
            || matches!(c, ',' | '，' | ';' | '；' | '、' | ':' | '：')
        {
            break;
        }
        j += 1;
    }
    let unit: String = cs[start..j].iter().collect();
    if unit.chars().count() > 12 {
        return None;
    }
    let unit = if unit.is_empty() { currency.unwrap_or("").to_string() } else { unit };
    Some((Quantity { value: round6(value), unit }, j))
}

/// A number with its unit (SPEC §1 `quantity`): `500万元` → 5000000 元, `15万人次` →
/// 150000 人次, `20%`, `1,200 件`, `¥3.5万` → 35000 元, `3.5亿` → 350000000, `500` → 500.
pub fn parse_quantity(text: &str) -> Option<Quantity> {
    let cs: Vec<char> = norm(text).chars().collect();
    let (q, end) = scan_quantity(&cs, 0)?;
    (skip_space(&cs, end) == cs.len()).then_some(q)
}

// ---------------------------------------------------------------------------------------
// Dates

/// A date read from text; `year_inferred` when it was written without a year (`7月15日`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedDate {
    pub date: NaiveDate,
    pub year_inferred: bool,
}

/// A date-time read from text; `has_time` is false for a date alone (then 00:00).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedDateTime {
    pub at: NaiveDateTime,
    pub has_time: bool,
    pub year_inferred: bool,
}

/// Both ends of a range such as `2024-07-15至2024-09-30` or `2023年9月15日14:00-16:00`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedRange {
    pub start: ParsedDateTime,
    pub end: ParsedDateTime,
}

#[derive(Clone, Copy, Debug)]
struct Ymd {
    y: Option<i32>,
    m: u32,
    d: u32,
}

type Hms = (u32, u32, u32);

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | '○' => 0,
        '一' => 1,
        '二' | '两' | '兩' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// `二〇二四年七月十五日` → `2024年7月15日`; texts without 年/月/日 are left alone.
fn cn_numerals(s: &str) -> String {
    if !s.contains(['年', '月', '日', '号', '號']) {
        return s.to_string();
    }
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < cs.len() {
        let is_num = |c: char| cn_digit(c).is_some() || c == '十';
        if !is_num(cs[i]) {
            out.push(cs[i]);
            i += 1;
            continue;
        }
        let mut j = i;
        while j < cs.len() && is_num(cs[j]) {
            j += 1;
        }
        let run = &cs[i..j];
        match run.iter().position(|&c| c == '十') {
            Some(k) if k <= 1 && run.len() - k <= 2 => {
                let tens = if k == 0 { 1 } else { cn_digit(run[0]).unwrap_or(0) };
                let ones = run.get(k + 1).and_then(|&c| cn_digit(c)).unwrap_or(0);
                out.push_str(&(tens * 10 + ones).to_string());
            }
            Some(_) => out.extend(run.iter()),
            None => out.extend(run.iter().map(|&c| char::from_digit(cn_digit(c).unwrap_or(0), 10).unwrap_or('0'))),
        }
        i = j;
    }
    out
}

/// Drops a weekday written after a date: `7月15日(周一)`, `2024-07-15 星期一`.
fn strip_weekday(s: &str) -> String {
    // Most dates name no weekday: nothing to do (this runs on every date cell).
    if !s.contains(['星', '礼', '禮', '周', '週']) {
        return s.to_string();
    }
    let mut out = s.to_string();
    for prefix in ["星期", "礼拜", "禮拜", "周", "週"] {
        for day in ["一", "二", "三", "四", "五", "六", "日", "天"] {
            for form in [format!("({prefix}{day})"), format!("（{prefix}{day}）"), format!("{prefix}{day}")] {
                out = out.replace(&form, "");
            }
        }
    }
    out
}

fn date_chars(text: &str) -> Vec<char> {
    cn_numerals(&strip_weekday(&norm(text))).chars().collect()
}

/// A date at `i`: `2024-07-15` `2024/7/15` `2024.7.15` `20240715` `2024年7月15日`,
/// and without a year `7月15日` `7/15` `07-15` `7.15`; `15/7/2024` when the order is clear.
fn scan_ymd(cs: &[char], i: usize) -> Option<(Ymd, usize)> {
    let at = |k: usize| cs.get(k).copied();
    let j = digit_end(cs, i);
    let n = j - i;
    // Day: one or two digits; a longer run is the day followed by a time (`2023-09-1017:00`).
    let day = |k: usize| -> Option<(u32, usize)> {
        let e = digit_end(cs, k);
        match e - k {
            1 | 2 => Some((digits_value(cs, k, e), e)),
            n if n > 2 => Some((digits_value(cs, k, k + 2), k + 2)),
            _ => None,
        }
    };
    let day_suffix = |k: usize| if matches!(at(k), Some('日' | '号' | '號')) { k + 1 } else { k };
    match n {
        4 => {
            let y = digits_value(cs, i, j) as i32;
            match at(j)? {
                sep @ ('-' | '/' | '.') => {
                    let k = digit_end(cs, j + 1);
                    if !(1..=2).contains(&(k - j - 1)) || at(k) != Some(sep) {
                        return None;
                    }
                    let m = digits_value(cs, j + 1, k);
                    let (d, e) = day(k + 1)?;
                    Some((Ymd { y: Some(y), m, d }, e))
                }
                '年' => {
                    let k = digit_end(cs, j + 1);
                    if !(1..=2).contains(&(k - j - 1)) || at(k) != Some('月') {
                        return None;
                    }
                    let m = digits_value(cs, j + 1, k);
                    let (d, e) = day(k + 1)?;
                    Some((Ymd { y: Some(y), m, d }, day_suffix(e)))
                }
                _ => None,
            }
        }
        8 => Some((
            Ymd {
                y: Some(digits_value(cs, i, i + 4) as i32),
                m: digits_value(cs, i + 4, i + 6),
                d: digits_value(cs, i + 6, j),
            },
            j,
        )),
        1 | 2 => {
            let a = digits_value(cs, i, j);
            match at(j)? {
                '月' => {
                    let (d, e) = day(j + 1)?;
                    Some((Ymd { y: None, m: a, d }, day_suffix(e)))
                }
                sep @ ('/' | '-' | '.') => {
                    let k = digit_end(cs, j + 1);
                    if !(1..=2).contains(&(k - j - 1)) {
                        return None;
                    }
                    let b = digits_value(cs, j + 1, k);
                    if at(k) == Some(sep) && at(k + 1).is_some_and(|c| c.is_ascii_digit()) {
                        let e = digit_end(cs, k + 1);
                        if e - k - 1 != 4 {
                            // `7-15-7-20` is a range of two dates; `7/15/24` has a two-digit year.
                            return (sep == '-').then_some((Ymd { y: None, m: a, d: b }, k));
                        }
                        let y = Some(digits_value(cs, k + 1, e) as i32);
                        return match (a > 12, b > 12) {
                            (true, false) => Some((Ymd { y, m: b, d: a }, e)),
                            (false, true) => Some((Ymd { y, m: a, d: b }, e)),
                            _ => None,
                        };
                    }
                    Some((Ymd { y: None, m: a, d: b }, day_suffix(k)))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// A time at `i`: `14:00`, `14:00:30`, `14点`, `14点30分`, `下午2点`, `9点半`.
fn scan_time(cs: &[char], i: usize) -> Option<(Hms, usize)> {
    let mut i = i;
    // Hours to add below 12 (`下午2点` is 14:00; `中午1点` is 13:00 but `中午11点` is 11:00).
    let mut shift: fn(u32) -> u32 = |h| h;
    if let Some(j) = eat_any(cs, i, &["上午", "早上", "凌晨"]) {
        i = skip_space(cs, j);
    } else if let Some(j) = eat_any(cs, i, &["下午", "晚上", "傍晚"]) {
        shift = |h| if h < 12 { h + 12 } else { h };
        i = skip_space(cs, j);
    } else if let Some(j) = eat(cs, i, "中午") {
        shift = |h| if h <= 3 { h + 12 } else { h };
        i = skip_space(cs, j);
    }
    let j = digit_end(cs, i);
    if !(1..=2).contains(&(j - i)) {
        return None;
    }
    let h = shift(digits_value(cs, i, j));
    let (m, s, end) = match cs.get(j) {
        Some(':') => {
            let k = digit_end(cs, j + 1);
            if k - j - 1 != 2 {
                return None;
            }
            let m = digits_value(cs, j + 1, k);
            if cs.get(k) == Some(&':') && digit_end(cs, k + 1) - k - 1 == 2 {
                let l = digit_end(cs, k + 1);
                let s = digits_value(cs, k + 1, l);
                let mut e = l;
                if cs.get(e) == Some(&'.') {
                    e = digit_end(cs, e + 1);
                }
                (m, s, e)
            } else {
                (m, 0, k)
            }
        }
        Some('点' | '點' | '时' | '時') => {
            let k = digit_end(cs, j + 1);
            if cs.get(j + 1) == Some(&'半') {
                (30, 0, j + 2)
            } else if (1..=2).contains(&(k - j - 1)) {
                let m = digits_value(cs, j + 1, k);
                (m, 0, if matches!(cs.get(k), Some('分')) { k + 1 } else { k })
            } else {
                (0, 0, j + 1)
            }
        }
        _ => return None,
    };
    (h < 24 && m < 60 && s < 60).then_some(((h, m, s), end))
}

/// A date with an optional time after it (`T`, a space or nothing between).
fn scan_datetime(cs: &[char], i: usize) -> Option<(Ymd, Option<Hms>, usize)> {
    let (d, j) = scan_ymd(cs, i)?;
    let mut k = skip_space(cs, j);
    if cs.get(k) == Some(&'T') {
        k += 1;
    }
    if let Some((t, mut e)) = scan_time(cs, k) {
        if cs.get(e) == Some(&'Z') {
            e += 1;
        }
        return Some((d, Some(t), e));
    }
    Some((d, None, j))
}

fn resolve(d: Ymd, default_year: Option<i32>) -> Option<(NaiveDate, bool)> {
    let (y, inferred) = match d.y {
        Some(y) => (y, false),
        None => (default_year?, true),
    };
    NaiveDate::from_ymd_opt(y, d.m, d.d).map(|date| (date, inferred))
}

fn with_time(date: NaiveDate, t: Option<Hms>) -> Option<NaiveDateTime> {
    let time = match t {
        Some((h, m, s)) => NaiveTime::from_hms_opt(h, m, s)?,
        None => NaiveTime::MIN,
    };
    Some(date.and_time(time))
}

/// A date-time in the forms of [`parse_date`], optionally followed by a time
/// (`2024-07-15T14:00`, `2024-07-15 14:00`, `2023年9月15日14:00`); a date alone is 00:00.
/// Without a year, `default_year` is used (`None`: such dates are refused).
pub fn parse_datetime(text: &str, default_year: Option<i32>) -> Option<ParsedDateTime> {
    if text.bytes().any(|b| b.is_ascii_alphabetic())
        && let Some(date) = english_date(text)
    {
        return Some(ParsedDateTime { at: date.and_time(NaiveTime::MIN), has_time: false, year_inferred: false });
    }
    let cs = date_chars(text);
    let (d, t, end) = scan_datetime(&cs, 0)?;
    if skip_space(&cs, end) != cs.len() {
        return None;
    }
    let (date, year_inferred) = resolve(d, default_year)?;
    Some(ParsedDateTime { at: with_time(date, t)?, has_time: t.is_some(), year_inferred })
}

/// A date: `2024-07-15`, `2024/7/15`, `2024.7.15`, `20240715`, `2024年7月15日` (or 号),
/// full-width digits, `二〇二四年七月十五日`; `7月15日`, `7/15`, `07-15` take `default_year`.
/// A time after the date is allowed and dropped.
pub fn parse_date(text: &str, default_year: Option<i32>) -> Option<ParsedDate> {
    parse_datetime(text, default_year).map(|p| ParsedDate { date: p.at.date(), year_inferred: p.year_inferred })
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The month a word names: its full name, its first three letters, or `sept`.
fn month_of(word: &str) -> Option<u32> {
    let i = MONTHS.iter().position(|m| {
        *m == word || (word.len() == 3 && m.starts_with(word)) || (word == "sept" && *m == "september")
    })?;
    Some(i as u32 + 1)
}

/// A date with an English month name: `5th June, 2025`, `June 5, 2025`, `05-Jun-2025`,
/// `Thu 5 Jun 25` (a two-digit year is 20xx). Ordinal suffixes need not be right (`3th`).
fn english_date(text: &str) -> Option<NaiveDate> {
    let (mut month, mut day, mut year) = (None, None, None);
    for token in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty()) {
        let lower = token.to_ascii_lowercase();
        if lower.chars().all(|c| c.is_ascii_alphabetic()) {
            if let Some(m) = month_of(&lower) {
                if month.replace(m).is_some() {
                    return None;
                }
            } else if !WEEKDAYS.iter().any(|w| lower.starts_with(w)) {
                return None;
            }
            continue;
        }
        let digits: String = lower.chars().take_while(char::is_ascii_digit).collect();
        let suffix = &lower[digits.len()..];
        if !suffix.is_empty() && !["st", "nd", "rd", "th"].contains(&suffix) {
            return None;
        }
        let n: i32 = digits.parse().ok()?;
        match (digits.len(), suffix.is_empty()) {
            (4, true) if year.is_none() => year = Some(n),
            (1 | 2, false) if day.is_none() => day = Some(n as u32),
            (1 | 2, true) if day.is_none() && (month.is_some() || year.is_none()) => day = Some(n as u32),
            (2, true) if year.is_none() => year = Some(2000 + n),
            _ => return None,
        }
    }
    NaiveDate::from_ymd_opt(year?, month?, day?)
}

const RANGE_SEPARATORS: &[&str] = &["至", "到", "~", "——", "—", "–", "-", "to"];

/// A range: `2024-07-15至2024-09-30`, `到`, `~`, `～`, `—`, `–`, ` - `; the end may omit
/// what it shares with the start (`2024年7月15日至8月30日`, `9月15日至20日`,
/// `2023年9月15日14:00-16:00`: the end takes the start's date).
pub fn parse_range(text: &str, default_year: Option<i32>) -> Option<ParsedRange> {
    let cs = date_chars(text);
    let (a, ta, i) = scan_datetime(&cs, 0)?;
    let i = skip_space(&cs, i);
    let i = RANGE_SEPARATORS.iter().find_map(|s| eat(&cs, i, s))?;
    let i = skip_space(&cs, i);
    let (start_date, year_inferred) = resolve(a, default_year)?;
    let start = with_time(start_date, ta)?;
    let (end_date, tb, end) = if let Some((b, tb, e)) = scan_datetime(&cs, i) {
        let date = match b.y {
            Some(_) => resolve(b, None)?.0,
            None => {
                let d = NaiveDate::from_ymd_opt(start_date.year(), b.m, b.d)?;
                if d < start_date { NaiveDate::from_ymd_opt(start_date.year() + 1, b.m, b.d)? } else { d }
            }
        };
        (date, tb, e)
    } else if let Some((t, e)) = scan_time(&cs, i) {
        (start_date, Some(t), e)
    } else {
        let e = digit_end(&cs, i);
        if !(1..=2).contains(&(e - i)) || !matches!(cs.get(e), Some('日' | '号' | '號')) {
            return None;
        }
        let d = NaiveDate::from_ymd_opt(start_date.year(), start_date.month(), digits_value(&cs, i, e))?;
        (d, None, e + 1)
    };
    if skip_space(&cs, end) != cs.len() {
        return None;
    }
    let mut end_at = with_time(end_date, tb)?;
    if end_at < start && tb.is_some() && end_date == start_date {
        end_at += TimeDelta::days(1);
    }
    Some(ParsedRange {
        start: ParsedDateTime { at: start, has_time: ta.is_some(), year_inferred },
        end: ParsedDateTime { at: end_at, has_time: tb.is_some(), year_inferred },
    })
}

/// An Excel serial (days since 1899-12-30, fraction = time of day), to the minute.
pub fn from_excel_serial(v: f64) -> Option<NaiveDateTime> {
    if !v.is_finite() || !(1.0..=2_958_465.0).contains(&v) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    base.checked_add_signed(TimeDelta::minutes((v * 1440.0).round() as i64))
}

/// `20240715` typed as a number.
fn from_yyyymmdd(v: f64) -> Option<NaiveDate> {
    if v.fract() != 0.0 || !(19_000_101.0..=21_001_231.0).contains(&v) {
        return None;
    }
    let n = v as i64;
    NaiveDate::from_ymd_opt((n / 10_000) as i32, ((n / 100) % 100) as u32, (n % 100) as u32)
}

// ---------------------------------------------------------------------------------------
// Parties

const DEPT_SUFFIXES: &[&str] = &[
    "部门",
    "部門",
    "中心",
    "公司",
    "团队",
    "團隊",
    "集团",
    "集團",
    "委员会",
    "委員會",
    "小组",
    "小組",
    "工作室",
    "部",
    "组",
    "組",
    "处",
    "處",
    "科",
    "室",
    "办",
    "辦",
];

const DEPT_WORDS: &[&str] = &[
    "marketing",
    "sales",
    "finance",
    "hr",
    "it",
    "legal",
    "operations",
    "ops",
    "product",
    "design",
    "engineering",
    "r&d",
    "procurement",
    "purchasing",
    "support",
    "customer service",
    "pmo",
    "qa",
    "compliance",
    "logistics",
    "admin",
    "administration",
    "research",
    "development",
    "production",
    "manufacturing",
    "security",
    "data",
];

const DEPT_ENDINGS: &[&str] = &[
    " dept",
    " dept.",
    " department",
    " team",
    " office",
    " group",
    " division",
    " center",
    " centre",
    " unit",
    " inc",
    " inc.",
    " ltd",
    " ltd.",
    " co.",
    " company",
];

const TITLES: &[&str] = &[
    "pm",
    "po",
    "lead",
    "owner",
    "manager",
    "director",
    "项目经理",
    "項目經理",
    "專案經理",
    "经理",
    "經理",
    "组长",
    "組長",
    "负责人",
    "負責人",
    "主管",
    "总监",
    "總監",
    "主持人",
    "记录人",
    "記錄人",
    "专员",
    "專員",
    "主任",
    "接口人",
    "对接人",
    "對接人",
];

/// Whether a name is a department: ends in 部 中心 组 处 科 室 办 公司 团队 (SPEC §1
/// Parties) or their traditional forms, or is a common English department name.
pub fn is_department(s: &str) -> bool {
    let s = s.trim();
    let n = s.chars().count();
    let lower = s.to_lowercase();
    if DEPT_WORDS.contains(&lower.as_str()) || DEPT_ENDINGS.iter().any(|e| lower.ends_with(e)) {
        return true;
    }
    DEPT_SUFFIXES.iter().any(|suf| {
        let k = suf.chars().count();
        // 王科, 李处 are names; a one-character suffix other than 部 needs two before it.
        let min = if k > 1 || *suf == "部" { k + 1 } else { k + 2 };
        s.ends_with(suf) && n >= min
    })
}

fn is_title(s: &str) -> bool {
    TITLES.contains(&s.trim().to_lowercase().as_str())
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// A Chinese personal name, masked ones included (`孙文强`, `张*`).
fn is_cjk_name(s: &str) -> bool {
    let n = s.chars().count();
    (2..=4).contains(&n)
        && s.chars().all(|c| is_cjk(c) || c == '*' || c == '·')
        && s.chars().any(is_cjk)
        && !is_department(s)
        && !is_title(s)
}

fn dept(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn party(department: Option<&str>, person: Option<&str>) -> Party {
    Party { department: department.and_then(dept), person: person.and_then(dept) }
}

/// The longest department name looked for at the start of a name (`上海市浦东新区人民政府办公室`
/// has 14 characters).
const MAX_DEPT_PREFIX: usize = 32;

/// One party written without list separators; several when `/` or spaces join names.
fn parse_one(s: &str) -> Vec<Party> {
    let s = s.trim();
    if s.is_empty() {
        return Vec::new();
    }
    if s.chars().all(|c| c == '*') {
        return vec![party(None, Some(s))];
    }
    // `张三(市场部)`, `市场部(张三)`, `张三(PM)`, `Li Na (Marketing)`.
    if s.ends_with(')')
        && let Some(open) = s.rfind('(')
    {
        let x = s[..open].trim();
        let y = s[open + 1..s.len() - 1].trim();
        if x.is_empty() {
            return parse_one(y);
        }
        if y.is_empty() || is_title(y) {
            return parse_one(x);
        }
        if is_department(x) && !is_department(y) {
            return vec![party(Some(x), Some(y))];
        }
        return vec![party(Some(y), Some(x))];
    }
    if s.contains('/') {
        let parts: Vec<&str> = s.split('/').map(str::trim).filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            [] => return Vec::new(),
            [one] => return parse_one(one),
            [a, b] => {
                let (da, db) = (is_department(a), is_department(b));
                return match (da, db) {
                    (true, false) if is_title(b) => vec![party(Some(a), None)],
                    (true, false) => vec![party(Some(a), Some(b))],
                    (false, true) => vec![party(Some(b), Some(a))],
                    (true, true) => vec![party(Some(a), None), party(Some(b), None)],
                    _ if is_title(b) => parse_one(a),
                    _ if is_cjk_name(a) && is_cjk_name(b) => vec![party(None, Some(a)), party(None, Some(b))],
                    _ => vec![party(Some(a), Some(b))],
                };
            }
            many => return many.iter().flat_map(|p| parse_one(p)).collect(),
        }
    }
    // A whole text that names a department (`Customer Service`) is one, spaces and all.
    if is_department(s) {
        return vec![party(Some(s), None)];
    }
    if let Some((first, rest)) = s.split_once(char::is_whitespace) {
        let rest = rest.trim();
        let tokens: Vec<&str> = s.split_whitespace().collect();
        if is_department(first) {
            return vec![party(Some(first), Some(rest))];
        }
        if tokens.len() > 1 && tokens.iter().all(|t| is_cjk_name(t)) {
            return tokens.iter().map(|t| party(None, Some(t))).collect();
        }
        if let Some((head, last)) = s.rsplit_once(char::is_whitespace)
            && is_department(last)
        {
            return vec![party(Some(last), Some(head))];
        }
        return vec![party(None, Some(s))];
    }
    if is_department(s) {
        return vec![party(Some(s), None)];
    }
    let unstarred = s.trim_end_matches('*');
    if unstarred.len() < s.len() && is_department(unstarred) {
        return vec![party(Some(unstarred), Some(&s[unstarred.len()..]))];
    }
    // `市场部经理*`, `市场部张三`: the longest department prefix (Chinese suffixes only:
    // English words inside names are not departments), among the first
    // [`MAX_DEPT_PREFIX`] characters, so a long text costs linear time.
    let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).skip(1).take(MAX_DEPT_PREFIX).collect();
    for &i in bounds.iter().rev() {
        let (head, rest) = s.split_at(i);
        if head.ends_with(is_cjk) && is_department(head) && !rest.starts_with(['长', '長', '门', '門']) {
            return vec![party(Some(head), Some(rest))];
        }
    }
    vec![party(None, Some(s))]
}

/// Splits on 和 when both sides are at least two characters (`孙文强和雷邓君`, not `张和平`).
fn split_and(s: &str) -> Vec<String> {
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &c) in cs.iter().enumerate() {
        if c == '和' && i >= start + 2 && cs.len() >= i + 3 {
            out.push(cs[start..i].iter().collect::<String>());
            start = i + 1;
        }
    }
    out.push(cs[start..].iter().collect());
    out
}

/// Parties of a cell (SPEC §1 Parties): split on 、,，;；, new lines and 和, each read as
/// `市场部*`, `市场部/张三`, `市场部 张三`, `张三(市场部)`, `Marketing / Li Na`, `张三`, `市场部`.
/// `孙文强/雷邓君` (two names, no department) gives two parties.
pub fn parse_parties(text: &str) -> Vec<Party> {
    let t: String = clean_text(text)
        .chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '\\' => '/',
            c => halfwidth(c),
        })
        .collect();
    let mut out = Vec::new();
    for piece in split_top(&t, |c| matches!(c, '、' | ',' | '，' | ';' | '；' | '\n')) {
        for p in split_and(&piece) {
            let p = trim_item(&p);
            if !p.is_empty() && !is_placeholder(p) {
                out.extend(parse_one(p));
            }
        }
    }
    out
}

/// The party a cell names, when it names exactly one (else use [`parse_parties`]).
pub fn parse_party(text: &str) -> Option<Party> {
    let mut ps = parse_parties(text);
    if ps.len() == 1 { ps.pop() } else { None }
}

// ---------------------------------------------------------------------------------------
// Enumerations

/// The head of `优秀(方案执行到位)` / `已解决,更换供应商` and the rest (brackets removed).
fn split_head(text: &str) -> Option<(String, String)> {
    let t = clean_text(text);
    let (pos, _) = t.char_indices().find(|(_, c)| {
        matches!(c, '(' | '（' | '[' | '【' | ':' | '：' | ',' | '，' | ';' | '；' | '。' | '-' | '—')
            || c.is_whitespace()
    })?;
    let head = t[..pos].trim().to_string();
    let mut rest = t[pos..].trim();
    let bracketed = rest.starts_with(['(', '（', '[', '【']);
    rest = rest.trim_start_matches(['(', '（', '[', '【', ':', '：', ',', '，', ';', '；', '。', '-', '—', ' ']);
    if bracketed {
        rest = rest.strip_suffix([')', '）', ']', '】']).unwrap_or(rest);
    }
    Some((head, rest.trim().to_string()))
}

/// The value a text names: the whole text, else its head (`高(P0)`, `优秀(…)`), with the rest.
/// A head is taken only when the rest has a place to go (the field's companion, such as a
/// quality's comment) or is a short remark in brackets: a sentence that happens to start with
/// `High` is not the code `high`.
fn lookup_enum(e: &'static EnumDef, text: &str, keeps_rest: bool) -> Option<(&'static EnumValue, Option<String>)> {
    if let Some(v) = e.lookup(text) {
        return Some((v, None));
    }
    let (head, rest) = split_head(text)?;
    let t = clean_text(text);
    let remark = t[head.len()..].trim_start().starts_with(['(', '（', '[', '【']) && rest.chars().count() <= 12;
    if !keeps_rest && !remark && !rest.is_empty() {
        return None;
    }
    e.lookup(&head).map(|v| (v, (!rest.is_empty()).then_some(rest)))
}

// ---------------------------------------------------------------------------------------
// Sub-tables written as text

fn text_field(key: &'static str, text: &str, loc: &Location) -> RawField {
    RawField { key, cell: Cell::Text(text.to_string()), loc: loc.clone() }
}

fn sub_record(kind: &'static KindDef, loc: &Location, fields: Vec<(&'static str, String)>) -> RawRecord {
    let mut r = RawRecord::new(kind, loc.clone());
    r.fields = fields.into_iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| text_field(k, &v, loc)).collect();
    r
}

fn starts_with_date(s: &str) -> bool {
    let cs: Vec<char> = norm(s).chars().collect();
    scan_ymd(&cs, 0).is_some()
}

/// `10月15日:方案初稿;10月25日:终稿确认` (seed 003 任务申请表) → (date text, name) pairs.
fn parse_milestones(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for item in split_items(text) {
        let parts = split_top(&item, |c| matches!(c, ',' | '，' | '、'));
        let parts = if parts.len() > 1 && parts.iter().all(|p| starts_with_date(p)) { parts } else { vec![item] };
        for p in parts {
            let cs: Vec<char> = norm(&p).chars().collect();
            if let Some((_, _, end)) = scan_datetime(&cs, 0) {
                let date: String = cs[..end].iter().collect();
                let rest: String = cs[end..].iter().collect();
                let mut rest = rest.trim_start_matches([' ', ':', '-', '—', '~']).trim();
                for pre in ["之前", "以前", "前"] {
                    if let Some(r) = rest.strip_prefix(pre) {
                        rest = r.trim_start_matches([' ', ':', ',']);
                        break;
                    }
                }
                out.push((date, rest.trim().to_string()));
            } else if let Some((name, date)) = p.rsplit_once([':', '：'])
                && starts_with_date(date)
            {
                out.push((date.trim().to_string(), name.trim().to_string()));
            } else {
                out.push((String::new(), p));
            }
        }
    }
    out
}

/// Splits `A(…)B(…)` run together into `A(…)` and `B(…)`.
fn split_after_brackets(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        cur.push(c);
        if is_open(c) {
            depth += 1;
        } else if is_close(c) {
            depth = depth.saturating_sub(1);
            if depth == 0 && matches!(c, ')' | '）') {
                push_piece(&mut out, &cur);
                cur.clear();
            }
        }
    }
    push_piece(&mut out, &cur);
    out
}

const TARGET_WORDS: &[&str] = &["目标值", "目標值", "目标", "目標", "计划", "計劃", "target", "plan"];
const ACTUAL_WORDS: &[&str] = &["实际值", "實際值", "实际", "實際", "达成", "達成", "完成", "实现", "實現", "actual"];

/// The quantity after a keyword (`目标500万元`), as written.
fn quantity_after(cs: &[char], words: &[&str]) -> Option<(usize, String)> {
    for i in 0..cs.len() {
        if let Some(j) = eat_any(cs, i, words) {
            let k = skip_space(cs, j);
            let k = if matches!(cs.get(k), Some(':' | '：' | '=' | '为' | '為' | '是')) {
                skip_space(cs, k + 1)
            } else {
                k
            };
            if let Some((_, e)) = scan_quantity(cs, k) {
                return Some((i, cs[k..e].iter().collect::<String>().trim().to_string()));
            }
        }
    }
    None
}

/// `销售额520万元(目标500万元,超额4%)` (seed 000 模板4) → (name, target, actual) texts.
/// The typed `超额4%` is ignored: achievement is computed.
fn parse_metrics(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for item in split_items(text).iter().flat_map(|i| split_after_brackets(i)) {
        let t = norm(&item);
        let (outside, inside) = match (t.find('('), t.rfind(')')) {
            (Some(o), Some(c)) if o < c => (format!("{}{}", &t[..o], &t[c + 1..]), t[o + 1..c].to_string()),
            _ => (t.clone(), String::new()),
        };
        let out_cs: Vec<char> = outside.chars().collect();
        let in_cs: Vec<char> = inside.chars().collect();
        let target_inside = quantity_after(&in_cs, TARGET_WORDS);
        let target_outside = if target_inside.is_none() { quantity_after(&out_cs, TARGET_WORDS) } else { None };
        let actual = quantity_after(&out_cs, ACTUAL_WORDS);
        // Without a keyword, the actual value is the last number before the target's keyword.
        let limit = target_outside.as_ref().map_or(out_cs.len(), |t| t.0);
        let last_number = (0..limit)
            .rfind(|&i| {
                out_cs[i].is_ascii_digit()
                    && (i == 0
                        || !(out_cs[i - 1].is_ascii_alphanumeric() || out_cs[i - 1] == '.' || out_cs[i - 1] == ','))
            })
            .map(|i| if i > 0 && matches!(out_cs[i - 1], '¥' | '$' | '€' | '£' | '-') { i - 1 } else { i });
        // The name ends where the first keyword or that number starts.
        let name_end = [target_outside.as_ref().map(|t| t.0), actual.as_ref().map(|a| a.0), last_number]
            .into_iter()
            .flatten()
            .fold(out_cs.len(), usize::min);
        let target = target_inside.or(target_outside);
        let actual = actual.map(|a| a.1).or_else(|| {
            let start = last_number?;
            scan_quantity(&out_cs, start).map(|(_, e)| out_cs[start..e].iter().collect::<String>())
        });
        let name: String = out_cs[..name_end].iter().collect();
        let mut name = name.trim().trim_end_matches([':', '：', ',', '，', '=']).trim();
        for w in ["达成", "達成", "实现", "實現", "为", "為", "实际", "實際"] {
            name = name.strip_suffix(w).unwrap_or(name).trim();
        }
        out.push((name.to_string(), target.map(|t| t.1).unwrap_or_default(), actual.unwrap_or_default()));
    }
    out
}

/// `上次行动项进展回顾(10分钟,**)` (seed 001 步骤3), one per line → (topic, minutes, owner, goal).
fn parse_agenda(text: &str) -> Vec<[String; 4]> {
    let mut out = Vec::new();
    for item in split_items(text) {
        let t = item.replace('（', "(").replace('）', ")");
        let (topic, inside) = match (t.find('('), t.rfind(')')) {
            (Some(o), Some(c)) if o < c => (format!("{}{}", &t[..o], &t[c + 1..]), t[o + 1..c].to_string()),
            _ => (t.clone(), String::new()),
        };
        let (mut minutes, mut owner, mut goal) = (String::new(), String::new(), Vec::new());
        for part in split_top(&inside, |c| matches!(c, ',' | '，' | '、' | ';' | '；')) {
            if minutes.is_empty() && parse_int(&part).is_some() {
                minutes = part;
            } else if owner.is_empty() {
                owner = part;
            } else {
                goal.push(part);
            }
        }
        let topic = topic.trim().trim_end_matches([':', '：', '-', '—']).trim().to_string();
        out.push([topic, minutes, owner, goal.join(",")]);
    }
    out
}

/// `张三(市场部)、李四`, `张三(市场部,核心决策者)` → (name, department, role).
fn parse_attendees(text: &str, roles: Option<&'static EnumDef>) -> Vec<[String; 3]> {
    let mut out = Vec::new();
    for line in split_items(text) {
        for item in split_top(&line, |c| matches!(c, '、' | ',' | '，')) {
            let t = item.replace('（', "(").replace('）', ")");
            let mut role = String::new();
            let mut person = t.clone();
            if let (Some(o), Some(c)) = (t.find('('), t.rfind(')'))
                && o < c
            {
                let mut kept = Vec::new();
                for part in split_top(&t[o + 1..c], |c| matches!(c, ',' | '，' | '、' | '/' | ';')) {
                    match roles.and_then(|e| e.lookup(&part)) {
                        Some(_) if role.is_empty() => role = part,
                        _ => kept.push(part),
                    }
                }
                let inner = kept.join("/");
                person = if inner.is_empty() {
                    format!("{}{}", &t[..o], &t[c + 1..])
                } else {
                    format!("{}({inner})", &t[..o])
                };
            }
            for p in parse_parties(&person) {
                out.push([p.person.unwrap_or_default(), p.department.unwrap_or_default(), role.clone()]);
            }
        }
    }
    out
}

/// Sub-records from a text cell, typed later like rows of a sub-table.
fn subs_from_text(sub: &'static KindDef, text: &str, loc: &Location) -> Vec<RawRecord> {
    match sub.key {
        "milestone" => parse_milestones(text)
            .into_iter()
            .map(|(d, n)| sub_record(sub, loc, vec![("date", d), ("name", n)]))
            .collect(),
        "metric" => parse_metrics(text)
            .into_iter()
            .map(|(n, t, a)| sub_record(sub, loc, vec![("name", n), ("target", t), ("actual", a)]))
            .collect(),
        "agenda_item" => parse_agenda(text)
            .into_iter()
            .map(|[t, m, o, g]| sub_record(sub, loc, vec![("topic", t), ("minutes", m), ("owner", o), ("goal", g)]))
            .collect(),
        "attendee" => {
            let roles = sub.field("role").and_then(|f| if let Type::Enum(e) = f.ty { Some(e) } else { None });
            parse_attendees(text, roles)
                .into_iter()
                .map(|[n, d, r]| sub_record(sub, loc, vec![("name", n), ("department", d), ("role", r)]))
                .collect()
        }
        _ => {
            let key = sub
                .fields
                .iter()
                .find(|f| f.required && f.ty == Type::Text)
                .or(sub.fields.first())
                .map_or("description", |f| f.key);
            split_items(text).into_iter().map(|i| sub_record(sub, loc, vec![(key, i)])).collect()
        }
    }
}

// ---------------------------------------------------------------------------------------
// Typing records

/// The year of the first full date in the records (a date cell, or a date or range written
/// with a four-digit year in a date field): the year for dates written without one.
pub fn find_year(records: &[RawRecord]) -> Option<i32> {
    records.iter().find_map(year_of_record)
}

fn year_of_record(r: &RawRecord) -> Option<i32> {
    let own = r.fields.iter().find_map(|f| {
        let def = r.kind.field(f.key)?;
        if !matches!(def.ty, Type::Date | Type::DateTime) {
            return None;
        }
        let year = match &f.cell {
            Cell::DateTime { value, .. } => Some(value.year()),
            Cell::Text(s) => {
                parse_datetime(s, None).map(|p| p.at.year()).or_else(|| parse_range(s, None).map(|r| r.start.at.year()))
            }
            _ => None,
        }?;
        (1950..=2200).contains(&year).then_some(year)
    });
    own.or_else(|| r.subs.iter().flat_map(|(_, v)| v).find_map(year_of_record))
}

/// The outcome of typing one cell.
#[derive(Default)]
struct Typed {
    value: Option<Value>,
    failed: bool,
    /// A value for the field's companion (`pair`): the end of a range, a comment, a status.
    companion: Option<(&'static str, Value)>,
    /// The placeholder written instead of a value (`待定`).
    placeholder: Option<String>,
}

impl Typed {
    fn value(v: Value) -> Typed {
        Typed { value: Some(v), ..Typed::default() }
    }

    fn failed() -> Typed {
        Typed { failed: true, ..Typed::default() }
    }
}

struct Typer<'a> {
    ctx: &'a Ctx,
    kind: &'static KindDef,
    year_hint: Option<i32>,
    /// `actions.` for the rows of a sub-table.
    prefix: String,
    diags: Vec<Diagnostic>,
}

impl Typer<'_> {
    fn lang(&self) -> Lang {
        self.ctx.lang
    }

    fn year(&self) -> i32 {
        self.year_hint.unwrap_or(self.ctx.as_of.year())
    }

    fn key(&self, def: &FieldDef) -> String {
        format!("{}{}", self.prefix, def.key)
    }

    fn error(&self, code: &'static str, def: &FieldDef, rf: &RawField, msg: String, value: &str) -> Diagnostic {
        Diagnostic::error(code, rf.loc.clone(), msg).field(self.key(def)).value(value)
    }

    fn type_error(&mut self, def: &FieldDef, rf: &RawField, expected: L10n, hint: String) -> Typed {
        let lang = self.lang();
        let value = rf.cell.display();
        let label = def.label.get(lang);
        let msg = MSG_TYPE.fill(lang, &[("field", label), ("value", &value), ("expected", expected.get(lang))]);
        let d = self.error("type", def, rf, msg, &value).expected(expected.get(lang)).hint(hint);
        self.diags.push(d);
        Typed::failed()
    }

    /// A text longer than an Excel cell holds; the value shown is its start.
    fn too_long(&mut self, def: &FieldDef, rf: &RawField, n: usize) {
        let lang = self.lang();
        let start: String = match &rf.cell {
            Cell::Text(s) => s.chars().take(40).collect(),
            c => c.display().chars().take(40).collect(),
        };
        let msg = MSG_TOO_LONG.fill(lang, &[("field", def.label.get(lang)), ("n", &n.to_string()), ("start", &start)]);
        let d = self
            .error("type", def, rf, msg, &format!("{start}…"))
            .expected(EXP_TOO_LONG.get(lang))
            .hint(HINT_TOO_LONG.get(lang));
        self.diags.push(d);
    }

    fn warn(&mut self, code: &'static str, def: &FieldDef, rf: &RawField, msg: String, hint: String) {
        let d = Diagnostic::warning(code, rf.loc.clone(), msg).field(self.key(def)).value(rf.cell.display()).hint(hint);
        self.diags.push(d);
    }

    fn date_year_warning(&mut self, def: &FieldDef, rf: &RawField, date: NaiveDate) {
        let lang = self.lang();
        let date = date.format("%Y-%m-%d").to_string();
        let msg = MSG_DATE_YEAR.fill(
            lang,
            &[
                ("field", def.label.get(lang)),
                ("value", &rf.cell.display()),
                ("year", &self.year().to_string()),
                ("date", &date),
            ],
        );
        let d = Diagnostic::warning("date-year", rf.loc.clone(), msg)
            .field(self.key(def))
            .value(rf.cell.display())
            .expected(EXP_DATE.get(lang))
            .hint(HINT_DATE_YEAR.fill(lang, &[("date", &date)]));
        self.diags.push(d);
    }

    /// Types one cell against its field.
    fn field(&mut self, def: &'static FieldDef, rf: &RawField) -> Typed {
        let lang = self.lang();
        match &rf.cell {
            c if c.is_empty() => return Typed::default(),
            Cell::Error(e) => {
                let msg = MSG_ERROR_CELL.fill(lang, &[("field", def.label.get(lang)), ("value", e)]);
                let d = self
                    .error("type", def, rf, msg, e)
                    .expected(expected(def).get(lang))
                    .hint(HINT_ERROR_CELL.get(lang));
                self.diags.push(d);
                return Typed::failed();
            }
            Cell::Text(s) if is_placeholder(s) && !matches!(def.ty, Type::Enum(e) if e.lookup(s).is_some()) => {
                return Typed { placeholder: Some(clean_text(s)), ..Typed::default() };
            }
            _ => {}
        }
        match def.ty {
            Type::Text | Type::Markdown => self.text(def, rf),
            Type::List => {
                let items: Vec<String> = match &rf.cell {
                    Cell::List(items) => items
                        .iter()
                        .map(|c| clean_text(&c.display()))
                        .filter(|s| !s.is_empty() && !is_placeholder(s))
                        .collect(),
                    c => split_list(&c.display()),
                };
                let items: Vec<String> = if def.key == "depends_on" {
                    items.iter().map(|s| norm(s).replace(' ', "")).collect()
                } else {
                    items
                };
                if items.is_empty() { Typed::default() } else { Typed::value(Value::List(items)) }
            }
            Type::Date => self.date(def, rf, false),
            Type::DateTime => self.date(def, rf, true),
            Type::Int => self.int(def, rf),
            Type::Percent => self.percent(def, rf),
            Type::Quantity => self.quantity(def, rf),
            Type::Party | Type::Parties => self.parties(def, rf),
            Type::Enum(e) => self.enumeration(def, rf, e),
            Type::Sub(_) => Typed::default(),
        }
    }

    fn text(&mut self, def: &'static FieldDef, rf: &RawField) -> Typed {
        let text = match (&rf.cell, def.ty) {
            // Markdown keeps its line-end spaces (hard breaks) and indentation.
            (Cell::Text(s), Type::Markdown) => {
                s.replace("\r\n", "\n").trim_matches(['\n', '\r']).trim_end().to_string()
            }
            (Cell::Text(s), _) => clean_text(s),
            (c, _) => clean_text(&c.display()),
        };
        let text = if def.key == "id" { norm(&text).split_whitespace().collect::<Vec<_>>().join(" ") } else { text };
        if text.is_empty() {
            return Typed::default();
        }
        let mut typed = Typed::value(Value::Text(text.clone()));
        // A 处理结果 reading 已解决 also sets the status (the companion is an enumeration).
        if let Some(p) = def.pair
            && let Some(Type::Enum(e)) = self.kind.field(p).map(|f| f.ty)
            && let Some((v, _)) = lookup_enum(e, &text, true)
        {
            typed.companion = Some((p, Value::Enum(v.code)));
        }
        typed
    }

    fn date(&mut self, def: &'static FieldDef, rf: &RawField, want_time: bool) -> Typed {
        let lang = self.lang();
        let make = |at: NaiveDateTime, time: bool| if time { Value::DateTime(at) } else { Value::Date(at.date()) };
        let pair_ty = def
            .pair
            .and_then(|p| self.kind.field(p))
            .map(|f| f.ty)
            .filter(|t| matches!(t, Type::Date | Type::DateTime));
        let (exp, hint) = match (want_time, pair_ty.is_some()) {
            (false, false) => (EXP_DATE, HINT_DATE),
            (false, true) => (EXP_DATE_RANGE, HINT_DATE),
            (true, false) => (EXP_DATETIME, HINT_DATETIME),
            (true, true) => (EXP_DATETIME_RANGE, HINT_DATETIME),
        };
        match &rf.cell {
            Cell::DateTime { value, .. } => Typed::value(make(*value, want_time)),
            Cell::Number { value, percent: false } => {
                let v = *value;
                if let Some(d) = from_yyyymmdd(v) {
                    return Typed::value(make(d.and_time(NaiveTime::MIN), want_time));
                }
                if v > 20_000.0
                    && v < 80_000.0
                    && let Some(at) = from_excel_serial(v)
                {
                    let shown = if want_time { at.format("%Y-%m-%d %H:%M") } else { at.format("%Y-%m-%d") }.to_string();
                    let msg = MSG_SERIAL
                        .fill(lang, &[("field", def.label.get(lang)), ("value", &trim_float(v)), ("date", &shown)]);
                    self.warn("type", def, rf, msg, HINT_SERIAL.get(lang).to_string());
                    return Typed::value(make(at, want_time));
                }
                let shown = trim_float(v);
                let example = shown
                    .split_once('.')
                    .and_then(|(m, d)| NaiveDate::from_ymd_opt(self.year(), m.parse().ok()?, d.parse().ok()?))
                    .map(|d| d.format("%Y-%m-%d").to_string());
                let hint = match example {
                    Some(example) => HINT_DATE_NUMBER.fill(lang, &[("value", &shown), ("example", &example)]),
                    // A date cell whose serial lies outside Excel's calendar (xlsx ingest reads
                    // it as its number).
                    None if !(1.0..=MAX_EXCEL_SERIAL).contains(&v) => HINT_SERIAL_RANGE.get(lang).to_string(),
                    None => hint.get(lang).to_string(),
                };
                self.type_error(def, rf, exp, hint)
            }
            Cell::Text(s) => {
                if let Some(ty) = pair_ty
                    && let Some(r) = parse_range(s, Some(self.year()))
                {
                    if r.start.year_inferred {
                        self.date_year_warning(def, rf, r.start.at.date());
                    }
                    let mut typed = Typed::value(make(r.start.at, want_time));
                    typed.companion = def.pair.map(|p| (p, make(r.end.at, ty == Type::DateTime)));
                    return typed;
                }
                match parse_datetime(s, Some(self.year())) {
                    Some(p) => {
                        if p.year_inferred {
                            self.date_year_warning(def, rf, p.at.date());
                        }
                        Typed::value(make(p.at, want_time))
                    }
                    None => self.type_error(def, rf, exp, hint.get(lang).to_string()),
                }
            }
            _ => self.type_error(def, rf, exp, hint.get(lang).to_string()),
        }
    }

    fn int(&mut self, def: &'static FieldDef, rf: &RawField) -> Typed {
        let lang = self.lang();
        let n = match &rf.cell {
            Cell::Number { value, percent: false } if value.fract() == 0.0 && value.abs() < 1e15 => Some(*value as i64),
            Cell::Text(s) => parse_int(s),
            _ => None,
        };
        match n {
            Some(n) if n < 0 => {
                let value = rf.cell.display();
                let msg = MSG_NEGATIVE.fill(lang, &[("field", def.label.get(lang)), ("value", &value)]);
                let d = self.error("type", def, rf, msg, &value).expected(EXP_INT.get(lang)).hint(HINT_INT.get(lang));
                self.diags.push(d);
                Typed::failed()
            }
            Some(n) => Typed::value(Value::Int(n)),
            None => self.type_error(def, rf, EXP_INT, HINT_INT.get(lang).to_string()),
        }
    }

    fn percent(&mut self, def: &'static FieldDef, rf: &RawField) -> Typed {
        let lang = self.lang();
        let (p, bare_one) = match &rf.cell {
            Cell::Number { value, percent: true } => (Some(round6(value * 100.0)), false),
            Cell::Number { value, percent: false } => (Some(round6(bare_percent(*value))), *value == 1.0),
            Cell::Text(s) => {
                let bare_one = norm(s).parse::<f64>().is_ok_and(|v| v == 1.0);
                (parse_percent(s), bare_one)
            }
            _ => (None, false),
        };
        match p {
            Some(p) if (0.0..=100.0).contains(&p) => {
                if bare_one {
                    let msg = MSG_PERCENT_ONE.fill(lang, &[("field", def.label.get(lang))]);
                    self.warn("type", def, rf, msg, HINT_PERCENT_ONE.get(lang).to_string());
                }
                Typed::value(Value::Percent(p))
            }
            Some(_) => {
                let value = rf.cell.display();
                let msg = MSG_PERCENT_RANGE.fill(lang, &[("field", def.label.get(lang)), ("value", &value)]);
                let d = self
                    .error("type", def, rf, msg, &value)
                    .expected(EXP_PERCENT.get(lang))
                    .hint(HINT_PERCENT.get(lang));
                self.diags.push(d);
                Typed::failed()
            }
            None => self.type_error(def, rf, EXP_PERCENT, HINT_PERCENT.get(lang).to_string()),
        }
    }

    fn quantity(&mut self, def: &'static FieldDef, rf: &RawField) -> Typed {
        let q = match &rf.cell {
            Cell::Number { value, percent: true } => Some(Quantity { value: round6(value * 100.0), unit: "%".into() }),
            Cell::Number { value, percent: false } => Some(Quantity { value: *value, unit: String::new() }),
            Cell::Text(s) => parse_quantity(s),
            _ => None,
        };
        match q {
            Some(q) => Typed::value(Value::Quantity(q)),
            None => self.type_error(def, rf, EXP_QUANTITY, HINT_QUANTITY.get(self.lang()).to_string()),
        }
    }

    fn parties(&mut self, def: &'static FieldDef, rf: &RawField) -> Typed {
        let ps: Vec<Party> = match &rf.cell {
            Cell::List(items) => items.iter().flat_map(|c| parse_parties(&c.display())).collect(),
            Cell::Text(s) => parse_parties(s),
            Cell::Number { .. } => parse_parties(&rf.cell.display()),
            _ => return self.type_error(def, rf, EXP_PARTY, HINT_PARTY.get(self.lang()).to_string()),
        };
        match (def.ty, ps.len()) {
            (_, 0) => self.type_error(def, rf, EXP_PARTY, HINT_PARTY.get(self.lang()).to_string()),
            // Several owners in a party field stay visible, for the single-owner rule (seed 003 四.1).
            (Type::Party, 1) => Typed::value(Value::Party(ps.into_iter().next().unwrap_or_default())),
            _ => Typed::value(Value::Parties(ps)),
        }
    }

    fn enumeration(&mut self, def: &'static FieldDef, rf: &RawField, e: &'static EnumDef) -> Typed {
        let lang = self.lang();
        let text = match &rf.cell {
            Cell::Bool(true) => "yes".to_string(),
            Cell::Bool(false) => "no".to_string(),
            c => c.display(),
        };
        let keeps_rest =
            def.pair.and_then(|p| self.kind.field(p)).is_some_and(|f| matches!(f.ty, Type::Text | Type::Markdown));
        if let Some((v, rest)) = lookup_enum(e, &text, keeps_rest) {
            let mut typed = Typed::value(Value::Enum(v.code));
            if let (Some(p), Some(rest)) = (def.pair, rest)
                && self.kind.field(p).is_some_and(|f| matches!(f.ty, Type::Text | Type::Markdown))
            {
                typed.companion = Some((p, Value::Text(rest)));
            }
            return typed;
        }
        let value = clean_text(&text);
        let allowed = e.describe(lang);
        let msg = MSG_ENUM.fill(lang, &[("field", def.label.get(lang)), ("value", &value)]);
        let hint = match e.nearest(&value) {
            Some(v) => HINT_ENUM.fill(lang, &[("label", v.label.get(lang)), ("code", v.code)]),
            None => HINT_ENUM_NONE.fill(lang, &[("allowed", &allowed)]),
        };
        let d = self.error("enum", def, rf, msg, &value).expected(allowed).hint(hint);
        self.diags.push(d);
        Typed::failed()
    }
}

fn expected(def: &FieldDef) -> L10n {
    match def.ty {
        Type::Date => EXP_DATE,
        Type::DateTime => EXP_DATETIME,
        Type::Int => EXP_INT,
        Type::Percent => EXP_PERCENT,
        Type::Quantity => EXP_QUANTITY,
        Type::Party | Type::Parties => EXP_PARTY,
        _ => EXP_TEXT,
    }
}

/// Joins a department-only and a person-only value of one field given twice
/// (seed 003 进度跟踪表: 负责部门 `市场部` and 负责人 `*` → `市场部*`).
fn merge_parties(a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::Party(x), Value::Party(y)) => match (x, y) {
            (Party { department: Some(d), person: None }, Party { department: None, person: Some(p) })
            | (Party { department: None, person: Some(p) }, Party { department: Some(d), person: None }) => {
                Some(Value::Party(Party { department: Some(d.clone()), person: Some(p.clone()) }))
            }
            _ => None,
        },
        _ => None,
    }
}

fn who(lang: Lang, kind: &KindDef, id: Option<&str>) -> String {
    let label = kind.label.get(lang);
    match (lang, id) {
        (_, None) => label.to_string(),
        (Lang::En, Some(id)) => format!("{label} {id}"),
        (_, Some(id)) => format!("{label} {id} "),
    }
}

/// Types one raw record; problems become `type` / `enum` diagnostics and the field is left out.
/// `year_hint` is the year for dates written without one (`7月15日`; else the `--as-of` year).
/// Computed fields are added (task `delay_days`, metric `achievement`, a meeting's `id` from
/// its date), then every required field that is missing gives a `required` error.
pub fn type_record(raw: RawRecord, ctx: &Ctx, year_hint: Option<i32>, diags: &mut Vec<Diagnostic>) -> Record {
    type_inner(raw, ctx, year_hint, "", None, diags)
}

fn type_inner(
    raw: RawRecord,
    ctx: &Ctx,
    year_hint: Option<i32>,
    prefix: &str,
    parent_id: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Record {
    let mut raw = raw;
    unify_record(&mut raw, ctx.lang, diags);
    let kind = raw.kind;
    let lang = ctx.lang;
    let mut t = Typer { ctx, kind, year_hint, prefix: prefix.to_string(), diags: Vec::new() };
    let mut rec = Record::new(kind.key, raw.loc.clone());
    let mut failed: HashSet<&'static str> = HashSet::new();
    let mut placeholders: Vec<(&'static str, String)> = Vec::new();
    // Fields written in their own cell: a companion value never overrides them.
    let written: HashSet<&str> = raw
        .fields
        .iter()
        .filter(|f| !f.cell.is_empty() && !matches!(&f.cell, Cell::Text(s) if is_placeholder(s)))
        .map(|f| f.key)
        .collect();
    let mut sub_texts: Vec<&RawField> = Vec::new();

    for rf in &raw.fields {
        let Some(def) = kind.field(rf.key) else {
            rec.extra.entry(rf.key.to_string()).or_insert_with(|| rf.cell.display());
            continue;
        };
        if def.computed {
            continue;
        }
        if let Some(n) = too_long(&rf.cell) {
            t.too_long(def, rf, n);
            failed.insert(def.key);
            continue;
        }
        if matches!(def.ty, Type::Sub(_)) {
            if !rf.cell.is_empty() {
                sub_texts.push(rf);
            }
            continue;
        }
        let typed = t.field(def, rf);
        if typed.failed {
            failed.insert(def.key);
            if let Some(p) = def.pair.filter(|p| !written.contains(p)) {
                failed.insert(p);
            }
        }
        if let Some(p) = typed.placeholder {
            placeholders.push((def.key, p));
        }
        if let Some(value) = typed.value {
            let field = Field { value, raw: rf.cell.display(), loc: rf.loc.clone() };
            match rec.fields.get_mut(def.key) {
                None => {
                    rec.fields.insert(def.key, field);
                }
                Some(existing) => {
                    if let Some(merged) = merge_parties(&existing.value, &field.value) {
                        existing.value = merged;
                        existing.raw = format!("{} {}", existing.raw, field.raw);
                    }
                }
            }
        }
        if let Some((p, value)) = typed.companion
            && !written.contains(p)
            && !rec.fields.contains_key(p)
            && let Some(pdef) = kind.field(p)
        {
            rec.fields.insert(pdef.key, Field { value, raw: rf.cell.display(), loc: rf.loc.clone() });
        }
    }
    for (header, text) in raw.extra {
        rec.extra.entry(header).or_insert(text);
    }

    // A meeting without a number is known by its date.
    if kind.key == "meeting"
        && !rec.fields.contains_key("id")
        && let Some(start) = rec.date("start")
        && let Some(def) = kind.field("id")
    {
        let id = start.format("%Y-%m-%d").to_string();
        let loc = rec.loc_of("start").clone();
        // `raw` stays empty: nothing was written, so project assembly may number same-day meetings.
        rec.fields.insert(def.key, Field { value: Value::Text(id), raw: String::new(), loc });
    }
    let own_id = rec.id().map(str::to_string);
    let id_for_diags = own_id.clone().or_else(|| parent_id.map(str::to_string));

    // Sub-tables: rows read as a table, and rows written as text in the form's cell.
    let mut subs = raw.subs;
    for def in kind.fields {
        let Type::Sub(sub_key) = def.ty else { continue };
        let Some(sub_kind) = crate::schema::kind(sub_key) else { continue };
        let mut rows: Vec<RawRecord> = Vec::new();
        let mut first_loc = None;
        let mut raw_text = String::new();
        for rf in sub_texts.iter().filter(|f| f.key == def.key) {
            let text = match &rf.cell {
                Cell::List(items) => items.iter().map(Cell::display).collect::<Vec<_>>().join("\n"),
                Cell::Error(e) => {
                    let msg = MSG_ERROR_CELL.fill(lang, &[("field", def.label.get(lang)), ("value", e)]);
                    let d = t.error("type", def, rf, msg, e).hint(HINT_ERROR_CELL.get(lang));
                    t.diags.push(d);
                    failed.insert(def.key);
                    continue;
                }
                c => c.display(),
            };
            if is_placeholder(&text) {
                continue;
            }
            first_loc.get_or_insert_with(|| rf.loc.clone());
            raw_text = text.clone();
            rows.extend(subs_from_text(sub_kind, &text, &rf.loc));
        }
        for (_, table) in subs.iter_mut().filter(|(k, _)| *k == def.key) {
            if let Some(first) = table.first() {
                first_loc.get_or_insert_with(|| first.loc.clone());
            }
            rows.append(table);
        }
        if rows.is_empty() {
            continue;
        }
        let sub_prefix = format!("{prefix}{}.", def.key);
        let records: Vec<Record> = rows
            .into_iter()
            .map(|r| type_inner(r, ctx, year_hint, &sub_prefix, id_for_diags.as_deref(), &mut t.diags))
            .collect();
        let loc = first_loc.unwrap_or_else(|| rec.loc.clone());
        rec.fields.insert(def.key, Field { value: Value::Records(records), raw: raw_text, loc });
    }

    computed(&mut rec, kind, ctx);

    // Required fields: missing, and not already reported as unreadable. Action items are
    // the `action-complete` rule's (seed 001 步骤3), which names everything missing at once.
    let required = kind.fields.iter().filter(|f| f.required && !f.computed && kind.key != "action");
    for def in required {
        if rec.fields.contains_key(def.key) || failed.contains(def.key) {
            continue;
        }
        let label = def.label.get(lang);
        let whom = who(lang, kind, id_for_diags.as_deref());
        let placeholder = placeholders.iter().find(|(k, _)| *k == def.key).map(|(_, p)| p.clone());
        let msg = match &placeholder {
            Some(p) => MSG_REQUIRED_PLACEHOLDER.fill(lang, &[("who", &whom), ("field", label), ("value", p)]),
            None => MSG_REQUIRED.fill(lang, &[("who", &whom), ("field", label)]),
        };
        let help = def.help.get(lang);
        let hint = if help.is_empty() {
            HINT_REQUIRED_BARE.fill(lang, &[("field", label)])
        } else {
            HINT_REQUIRED.fill(lang, &[("field", label), ("help", help)])
        };
        let loc = raw.fields.iter().find(|f| f.key == def.key).map_or_else(|| rec.loc.clone(), |f| f.loc.clone());
        let mut d = Diagnostic::error("required", loc, msg)
            .field(format!("{prefix}{}", def.key))
            .expected(expected(def).get(lang))
            .hint(hint);
        if let Some(p) = placeholder {
            d = d.value(p);
        }
        t.diags.push(d);
    }

    for mut d in t.diags {
        if d.record.is_none() {
            d.record = id_for_diags.clone();
        }
        diags.push(d);
    }
    rec
}

/// Fields dossier computes: a task's days late, a metric's achievement.
fn computed(rec: &mut Record, kind: &KindDef, ctx: &Ctx) {
    let is_computed = |key: &str| kind.field(key).is_some_and(|f| f.computed);
    if is_computed("delay_days")
        && let Some(planned) = rec.date("planned_end")
    {
        let days = match rec.date("actual_end") {
            Some(actual) => (actual - planned).num_days().max(0),
            None if rec.code("status") != Some("done") && ctx.as_of > planned => (ctx.as_of - planned).num_days(),
            None => 0,
        };
        let loc = rec.loc_of("planned_end").clone();
        rec.fields.insert("delay_days", Field { value: Value::Int(days), raw: days.to_string(), loc });
    }
    if is_computed("achievement")
        && let (Some(target), Some(actual)) = (rec.quantity("target"), rec.quantity("actual"))
        && target.unit == actual.unit
        && target.value != 0.0
    {
        let p = (actual.value / target.value * 1000.0).round() / 10.0;
        let loc = rec.loc_of("actual").clone();
        rec.fields.insert("achievement", Field { value: Value::Percent(p), raw: format!("{}%", trim_float(p)), loc });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diag::Severity;
    use crate::model::Location;
    use crate::schema::{self, Schema};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        day(y, m, d).and_hms_opt(h, min, 0).unwrap()
    }

    fn ctx_in(lang: Lang) -> Ctx {
        Ctx::new(lang, day(2024, 8, 10), Schema::default())
    }

    fn ctx() -> Ctx {
        ctx_in(Lang::ZhCn)
    }

    fn loc(row: u32, col: u32) -> Location {
        let file: Arc<str> = "计划表.xlsx".into();
        let sheet: Arc<str> = "任务分工".into();
        Location::cell(&file, &sheet, row, col)
    }

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    fn num(v: f64) -> Cell {
        Cell::Number { value: v, percent: false }
    }

    fn raw(kind: &str, fields: Vec<(&'static str, Cell)>) -> RawRecord {
        let kind = schema::kind(kind).unwrap();
        let mut r = RawRecord::new(kind, loc(1, 0));
        r.fields = fields
            .into_iter()
            .enumerate()
            .map(|(i, (key, cell))| RawField { key, cell, loc: loc(1, i as u32) })
            .collect();
        r
    }

    fn type_with(r: RawRecord, ctx: &Ctx, year: Option<i32>) -> (Record, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let rec = type_record(r, ctx, year, &mut diags);
        (rec, diags)
    }

    /// Typed with every diagnostic.
    fn typed_all(kind: &str, fields: Vec<(&'static str, Cell)>) -> (Record, Vec<Diagnostic>) {
        type_with(raw(kind, fields), &ctx(), None)
    }

    /// Typed, without the `required` errors of the fields a test leaves out.
    fn typed(kind: &str, fields: Vec<(&'static str, Cell)>) -> (Record, Vec<Diagnostic>) {
        let (r, d) = typed_all(kind, fields);
        (r, d.into_iter().filter(|d| d.code != "required").collect())
    }

    fn codes(diags: &[Diagnostic]) -> Vec<(&'static str, String)> {
        diags.iter().map(|d| (d.code, d.field.clone().unwrap_or_default())).collect()
    }

    fn p(d: Option<&str>, person: Option<&str>) -> Party {
        Party { department: d.map(str::to_string), person: person.map(str::to_string) }
    }

    // ---- lists

    #[test]
    fn lists_split_on_separators_lines_and_numbers() {
        // seed 000 模板1 涉及部门
        assert_eq!(split_list("产品部、销售部、设计部、渠道商A公司"), ["产品部", "销售部", "设计部", "渠道商A公司"]);
        assert_eq!(split_list("a, b;c；d/e，f"), ["a", "b", "c", "d", "e", "f"]);
        // seed 000 模板4 交付成果清单: three numbered items in one cell
        assert_eq!(
            split_list("1.《推廣活動總結報告》2.《銷售數據統計表》3.用戶反饋分析報告"),
            ["《推廣活動總結報告》", "《銷售數據統計表》", "用戶反饋分析報告"]
        );
        // seed 000 模板4 协作亮点: commas inside numbered items are sentences, not separators
        assert_eq!(
            split_list("1.跨部门周例会机制高效,信息同步及时2.风险预案完善,场地问题2小时内解决"),
            ["跨部门周例会机制高效,信息同步及时", "风险预案完善,场地问题2小时内解决"]
        );
        // seed 003 会议纪要 决议事项: `11.1-11.11` is no item number
        assert_eq!(
            split_list("1.活动周期定为11.1-11.11;2.渠道分成比例提高2个百分点;3.总预算控制在500万元以内"),
            ["活动周期定为11.1-11.11", "渠道分成比例提高2个百分点", "总预算控制在500万元以内"]
        );
        assert_eq!(
            split_list("建立数据日报机制,指定专人\n提前3天启动物料设计"),
            ["建立数据日报机制,指定专人", "提前3天启动物料设计"]
        );
        assert_eq!(split_list("1、方案\n2、物料\n- 海报"), ["方案", "物料", "海报"]);
        assert_eq!(split_list("① 方案 ② 物料"), ["方案", "物料"]);
        assert_eq!(split_list("活动方案(含预算,排期)、宣传物料"), ["活动方案(含预算,排期)", "宣传物料"]);
        // task ids are not item numbers
        assert_eq!(split_list("1.1、1.2"), ["1.1", "1.2"]);
        assert_eq!(split_list("1、2、3"), ["1", "2", "3"]);
        assert_eq!(split_list("市场部、/、销售部"), ["市场部", "销售部"]);
        assert!(split_list("  ").is_empty());
    }

    #[test]
    fn radicals_and_compatibility_ideographs_become_unified_ideographs() {
        // Kangxi radical, radicals supplement, compatibility ideographs (BMP and astral).
        assert_eq!(unified_ideograph('⼈'), Some('人'));
        assert_eq!(unified_ideograph('\u{2E8C}'), Some('小'));
        assert_eq!(unified_ideograph('\u{F900}'), Some('豈'));
        assert_eq!(unified_ideograph('\u{2F800}'), Some('丽'));
        // Unified ideographs inside the compatibility block stay.
        assert_eq!(unified_ideograph('\u{FA0E}'), None);
        assert_eq!(unified_ideograph('人'), None);
        let (text, swaps) = unify_ideographs("项目⼈员会议").unwrap();
        assert_eq!(text, "项目人员会议");
        assert_eq!(swaps, [('⼈', '人')]);
        assert!(unify_ideographs("项目人员会议").is_none());
    }

    #[test]
    fn cleanup_removes_invisible_characters() {
        assert_eq!(clean_text("\u{FEFF} 市场部\u{200B}\u{00A0}\r\n第二行\u{3000}"), "市场部\n第二行");
        assert!(is_placeholder(" N/A "));
        assert!(is_placeholder("／"));
        assert!(is_placeholder("待定"));
        assert!(is_placeholder("\\"));
        assert!(!is_placeholder("无锡分公司"));
    }

    // ---- dates

    #[test]
    fn dates_with_english_month_names() {
        let d = |t: &str| parse_date(t, None).map(|p| p.date.format("%Y-%m-%d").to_string());
        assert_eq!(d("5th June, 2025").as_deref(), Some("2025-06-05"));
        assert_eq!(d("1th July, 2025").as_deref(), Some("2025-07-01"));
        assert_eq!(d("June 5, 2025").as_deref(), Some("2025-06-05"));
        assert_eq!(d("05-Jun-2025").as_deref(), Some("2025-06-05"));
        assert_eq!(d("Thu 5 Sept 24").as_deref(), Some("2024-09-05"));
        assert_eq!(d("Ongoing"), None);
        assert_eq!(d("June"), None);
        assert_eq!(d("Phase 2 June 2025"), None);
    }

    #[test]
    fn dates_in_common_forms() {
        let want = day(2024, 7, 15);
        for s in [
            "2024-07-15",
            "2024/7/15",
            "2024.7.15",
            "20240715",
            "2024年7月15日",
            "2024年7月15号",
            "２０２４－０７－１５",
            "2024年７月１５日",
            "二〇二四年七月十五日",
            " 2024-7-15 ",
            "2024-07-15 14:00",
            "2024-07-15（周一）",
            "15/7/2024",
            "7/15/2024",
        ] {
            assert_eq!(parse_date(s, None), Some(ParsedDate { date: want, year_inferred: false }), "{s}");
        }
        for s in ["7月15日", "7月15号", "7/15", "07-15", "7.15"] {
            assert_eq!(parse_date(s, Some(2024)), Some(ParsedDate { date: want, year_inferred: true }), "{s}");
            assert_eq!(parse_date(s, None), None, "{s} has no year");
        }
        for s in [
            "2024-02-30",
            "05/02/25",
            "18.8.27",
            "本周梳理完毕",
            "预计8月4号之前完",
            "2024年7月",
            "45488",
            "7/7/2024",
            "2024-07-155",
            "",
        ] {
            assert_eq!(parse_date(s, Some(2024)), None, "{s}");
        }
    }

    #[test]
    fn datetimes_with_and_without_time() {
        let want = at(2024, 7, 15, 14, 0);
        for s in [
            "2024-07-15T14:00",
            "2024-07-15 14:00",
            "2024-07-15 14:00:00",
            "2024/7/15 14点",
            "2024年7月15日14:00",
            "2024年7月15日 下午2点",
            "2024-07-15T14:00Z",
        ] {
            let got = parse_datetime(s, None).unwrap_or_else(|| panic!("{s}"));
            assert_eq!((got.at, got.has_time), (want, true), "{s}");
        }
        // seed 003 进度跟踪表 更新时间, glued in the seed's text
        assert_eq!(parse_datetime("2023-09-1017:00", None).map(|p| p.at), Some(at(2023, 9, 10, 17, 0)));
        assert_eq!(parse_datetime("9点半", None), None);
        let d = parse_datetime("2024-07-15", None).unwrap();
        assert_eq!((d.at, d.has_time), (at(2024, 7, 15, 0, 0), false));
        assert_eq!(parse_datetime("2024-07-15 25:00", None), None);
    }

    #[test]
    fn ranges_fill_start_and_end() {
        let (s, e) = (at(2024, 7, 15, 0, 0), at(2024, 9, 30, 0, 0));
        // seed 000 模板1 时间节点
        for text in [
            "2024-07-15至2024-09-30",
            "2024-07-15到2024-09-30",
            "2024-07-15~2024-09-30",
            "2024-07-15～2024-09-30",
            "2024-07-15—2024-09-30",
            "2024-07-15–2024-09-30",
            "2024-07-15 - 2024-09-30",
            "2024年7月15日至9月30日",
            "2024/7/15 to 2024/9/30",
        ] {
            let r = parse_range(text, None).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((r.start.at, r.end.at), (s, e), "{text}");
        }
        // seed 003 会议纪要: the end takes the start's date
        let r = parse_range("2023年9月15日14:00-16:00", None).unwrap();
        assert_eq!((r.start.at, r.end.at), (at(2023, 9, 15, 14, 0), at(2023, 9, 15, 16, 0)));
        assert!(r.start.has_time && r.end.has_time);
        let r = parse_range("12月28日至1月5日", Some(2024)).unwrap();
        assert_eq!((r.start.at.date(), r.end.at.date()), (day(2024, 12, 28), day(2025, 1, 5)));
        assert!(r.start.year_inferred);
        let r = parse_range("9月15日至20日", Some(2024)).unwrap();
        assert_eq!(r.end.at.date(), day(2024, 9, 20));
        assert_eq!(parse_range("2024-07-15", None), None);
        assert_eq!(parse_range("2024-07-15至下周", None), None);
    }

    #[test]
    fn excel_serials() {
        assert_eq!(from_excel_serial(45488.0), Some(at(2024, 7, 15, 0, 0)));
        assert_eq!(from_excel_serial(45488.5), Some(at(2024, 7, 15, 12, 0)));
        assert_eq!(from_excel_serial(f64::NAN), None);
    }

    // ---- numbers

    #[test]
    fn ints_are_minutes() {
        for (s, want) in [
            ("30", 30),
            ("30分钟", 30),
            ("30 min", 30),
            ("30mins", 30),
            ("1小时", 60),
            ("1.5h", 90),
            ("1小时30分钟", 90),
            ("半小时", 30),
            ("３０", 30),
        ] {
            assert_eq!(parse_int(s), Some(want), "{s}");
        }
        for s in ["", "abc", "30 apples", "30 40", "2.5"] {
            assert_eq!(parse_int(s), None, "{s}");
        }
    }

    #[test]
    fn percents_are_0_to_100() {
        for (s, want) in [
            ("80%", 80.0),
            ("80％", 80.0),
            ("80 %", 80.0),
            ("80", 80.0),
            ("0.8", 80.0),
            ("0", 0.0),
            ("100%", 100.0),
            ("1", 100.0),
            ("完成", 100.0),
            ("已完成", 100.0),
            ("未开始", 0.0),
            ("12.5%", 12.5),
            ("120%", 120.0),
        ] {
            assert_eq!(parse_percent(s), Some(want), "{s}");
        }
        for s in ["", "八成", "80%%", "80% 左右"] {
            assert_eq!(parse_percent(s), None, "{s}");
        }
    }

    #[test]
    fn quantities_keep_their_unit() {
        let q = |v: f64, u: &str| Some(Quantity { value: v, unit: u.to_string() });
        assert_eq!(parse_quantity("500万元"), q(5_000_000.0, "元"));
        assert_eq!(parse_quantity("15万人次"), q(150_000.0, "人次"));
        assert_eq!(parse_quantity("20%"), q(20.0, "%"));
        assert_eq!(parse_quantity("1,200 件"), q(1200.0, "件"));
        assert_eq!(parse_quantity("¥3.5万"), q(35_000.0, "元"));
        assert_eq!(parse_quantity("￥3.5万"), q(35_000.0, "元"));
        assert_eq!(parse_quantity("3.5亿"), q(350_000_000.0, ""));
        assert_eq!(parse_quantity("500"), q(500.0, ""));
        assert_eq!(parse_quantity("5.2百万元"), q(5_200_000.0, "元"));
        assert_eq!(parse_quantity("$12k"), q(12_000.0, "$"));
        assert_eq!(parse_quantity("约500万元"), q(5_000_000.0, "元"));
        assert_eq!(parse_quantity("-3 天"), q(-3.0, "天"));
        for s in ["", "很多", "500万元(目标)", "1 2"] {
            assert_eq!(parse_quantity(s), None, "{s}");
        }
    }

    // ---- parties

    #[test]
    fn parties_as_in_the_spec() {
        // SPEC §1 Parties
        assert_eq!(parse_party("市场部*"), Some(p(Some("市场部"), Some("*"))));
        assert_eq!(parse_party("市场部/张三"), Some(p(Some("市场部"), Some("张三"))));
        assert_eq!(parse_party("市场部 张三"), Some(p(Some("市场部"), Some("张三"))));
        assert_eq!(parse_party("张三(市场部)"), Some(p(Some("市场部"), Some("张三"))));
        assert_eq!(parse_party("张三（市场部）"), Some(p(Some("市场部"), Some("张三"))));
        assert_eq!(parse_party("Marketing / Li Na"), Some(p(Some("Marketing"), Some("Li Na"))));
        assert_eq!(parse_party("张三"), Some(p(None, Some("张三"))));
        assert_eq!(parse_party("市场部"), Some(p(Some("市场部"), None)));
        // seed 000 模板2 / 模板3, seed 003 任务申请表
        assert_eq!(parse_party("渠道商A公司*"), Some(p(Some("渠道商A公司"), Some("*"))));
        assert_eq!(parse_party("市场部经理*"), Some(p(Some("市场部"), Some("经理*"))));
        assert_eq!(parse_party("*"), Some(p(None, Some("*"))));
        assert_eq!(parse_party("**"), Some(p(None, Some("**"))));
        assert_eq!(parse_party("張三(市場部)"), Some(p(Some("市場部"), Some("張三"))));
        assert_eq!(parse_party("设计組*"), Some(p(Some("设计組"), Some("*"))));
        assert_eq!(parse_party("张三/市场部"), Some(p(Some("市场部"), Some("张三"))));
        assert_eq!(parse_party("张三(PM)"), Some(p(None, Some("张三"))));
        assert_eq!(parse_party("Li Na (Marketing)"), Some(p(Some("Marketing"), Some("Li Na"))));
        assert_eq!(parse_party("Li Na"), Some(p(None, Some("Li Na"))));
        assert_eq!(parse_party("Itsuki"), Some(p(None, Some("Itsuki"))));
        assert_eq!(parse_party("王科"), Some(p(None, Some("王科"))));
        assert_eq!(parse_party("张和平"), Some(p(None, Some("张和平"))));
        assert_eq!(parse_party("市场部部长"), Some(p(Some("市场部"), Some("部长"))));
    }

    #[test]
    fn several_owners_in_one_cell() {
        // INGEST-NOTES §5: `孙文强/雷邓君` names two people
        assert_eq!(parse_parties("孙文强/雷邓君"), [p(None, Some("孙文强")), p(None, Some("雷邓君"))]);
        assert_eq!(parse_parties("张三、李四"), [p(None, Some("张三")), p(None, Some("李四"))]);
        assert_eq!(parse_parties("张三,李四"), [p(None, Some("张三")), p(None, Some("李四"))]);
        assert_eq!(parse_parties("孙文强和雷邓君"), [p(None, Some("孙文强")), p(None, Some("雷邓君"))]);
        assert_eq!(parse_parties("张三 李四"), [p(None, Some("张三")), p(None, Some("李四"))]);
        assert_eq!(parse_parties("市场部/销售部"), [p(Some("市场部"), None), p(Some("销售部"), None)]);
        assert_eq!(
            parse_parties("产品部*\n市场部/张三"),
            [p(Some("产品部"), Some("*")), p(Some("市场部"), Some("张三"))]
        );
        assert_eq!(parse_party("张三、李四"), None);
        assert!(parse_parties("、 ,").is_empty());
    }

    // ---- records

    #[test]
    fn seed_task_row_types_every_column() {
        // seed 000 模板2, row 1.1
        let (r, diags) = typed(
            "task",
            vec![
                ("id", num(1.1)),
                ("name", t("活动方案设计")),
                ("owner", t("市场部*")),
                ("collaborators", t("产品部*")),
                ("planned_start", t("2024-07-15")),
                ("planned_end", t("2024-07-25")),
                ("actual_end", t("2024-07-24")),
                ("status", t("已完成")),
                ("deliverable", t("《推广活动方案V1.0》")),
                ("priority", t("P0")),
            ],
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(r.id(), Some("1.1"));
        assert_eq!(r.party("owner"), Some(&p(Some("市场部"), Some("*"))));
        assert_eq!(r.get("collaborators"), Some(&Value::Parties(vec![p(Some("产品部"), Some("*"))])));
        assert_eq!(r.date("planned_end"), Some(day(2024, 7, 25)));
        assert_eq!(r.code("status"), Some("done"));
        assert_eq!(r.code("priority"), Some("P0"));
        assert_eq!(r.int("delay_days"), Some(0));
        assert_eq!(r.field("owner").unwrap().raw, "市场部*");
        assert_eq!(r.field("owner").unwrap().loc, loc(1, 2));
    }

    #[test]
    fn numeric_ids_lose_their_float_tail() {
        let (r, _) = typed("task", vec![("id", num(1.0)), ("depends_on", num(1.1))]);
        assert_eq!(r.id(), Some("1"));
        assert_eq!(r.list("depends_on"), ["1.1"]);
        let (r, _) = typed("task", vec![("id", t("２.１ ")), ("depends_on", t("1.1、１.２"))]);
        assert_eq!(r.id(), Some("2.1"));
        assert_eq!(r.list("depends_on"), ["1.1", "1.2"]);
    }

    #[test]
    fn delay_days_against_actual_end_or_as_of() {
        // seed 000 模板2 row 2.1: planned 08-05, done 08-06 → one day late
        let (r, _) = typed(
            "task",
            vec![("planned_end", t("2024-08-05")), ("actual_end", t("2024-08-06")), ("status", t("阻塞"))],
        );
        assert_eq!(r.int("delay_days"), Some(1));
        let (r, _) = typed("task", vec![("planned_end", t("2024-07-25")), ("actual_end", t("2024-07-24"))]);
        assert_eq!(r.int("delay_days"), Some(0));
        // not done and past due on --as-of 2024-08-10
        let (r, _) = typed("task", vec![("planned_end", t("2024-08-05")), ("status", t("进行中"))]);
        assert_eq!(r.int("delay_days"), Some(5));
        let (r, _) = typed("task", vec![("planned_end", t("2024-08-05")), ("status", t("已完成"))]);
        assert_eq!(r.int("delay_days"), Some(0));
        let (r, _) = typed("task", vec![("planned_end", t("2024-08-20"))]);
        assert_eq!(r.int("delay_days"), Some(0));
        let (r, _) = typed("task", vec![("status", t("进行中"))]);
        assert_eq!(r.int("delay_days"), None);
    }

    #[test]
    fn several_owners_stay_visible_for_the_single_owner_rule() {
        // seed 003 四.1: one main owner; INGEST-NOTES §5 `孙文强/雷邓君`
        let (r, _) = typed("task", vec![("owner", t("孙文强/雷邓君"))]);
        assert_eq!(r.get("owner"), Some(&Value::Parties(vec![p(None, Some("孙文强")), p(None, Some("雷邓君"))])));
        let (r, _) = typed("task", vec![("owner", t("市场部、销售部"))]);
        assert_eq!(r.parties("owner").len(), 2);
    }

    #[test]
    fn department_and_person_columns_join() {
        // seed 003 项目进度跟踪表: 负责部门 and 负责人 are two columns of one owner
        let (r, diags) = typed(
            "task",
            vec![("id", t("1")), ("name", t("用户调研问卷设计")), ("owner", t("市场部")), ("owner", t("*"))],
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(r.get("owner"), Some(&Value::Party(p(Some("市场部"), Some("*")))));
    }

    #[test]
    fn seed_progress_row_with_percent_and_placeholders() {
        // seed 003 项目进度跟踪表, last row: 存在问题 written, 更新时间 `未更新`
        let (r, diags) = typed(
            "task",
            vec![
                ("id", t("3")),
                ("name", t("渠道促销政策制定")),
                ("owner", t("销售部*")),
                ("status", t("待开始")),
                ("progress", t("0%")),
                ("next_step", t("9月13日启动讨论")),
                ("problem", t("需财务部确认预算")),
                ("updated_at", t("未更新")),
            ],
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(r.code("status"), Some("not_started"));
        assert_eq!(r.percent("progress"), Some(0.0));
        assert_eq!(r.get("updated_at"), None);
        let (r, _) =
            typed("task", vec![("problem", t("无")), ("updated_at", t("2023-09-1114:30")), ("progress", t("60%"))]);
        assert_eq!(r.get("problem"), None);
        assert_eq!(r.datetime("updated_at"), Some(at(2023, 9, 11, 14, 30)));
        assert_eq!(r.percent("progress"), Some(60.0));
    }

    #[test]
    fn percent_cells() {
        let (r, d) = typed("task", vec![("progress", Cell::Number { value: 0.8, percent: true })]);
        assert_eq!((r.percent("progress"), d.len()), (Some(80.0), 0));
        let (r, d) = typed("task", vec![("progress", num(0.8))]);
        assert_eq!((r.percent("progress"), d.len()), (Some(80.0), 0));
        let (r, d) = typed("task", vec![("progress", num(80.0))]);
        assert_eq!((r.percent("progress"), d.len()), (Some(80.0), 0));
        let (r, d) = typed("task", vec![("progress", num(1.0))]);
        assert_eq!(r.percent("progress"), Some(100.0));
        assert_eq!((d[0].severity, d[0].code), (Severity::Warning, "type"));
        let (r, d) = typed("task", vec![("progress", t("120%"))]);
        assert_eq!(r.percent("progress"), None);
        assert_eq!(codes(&d), [("type", "progress".to_string())]);
        assert!(d[0].message.contains("120%") && d[0].message.contains("完成比例"), "{}", d[0].message);
        let (_, d) = typed("task", vec![("progress", num(-5.0))]);
        assert_eq!(codes(&d), [("type", "progress".to_string())]);
        let (_, d) = typed("task", vec![("progress", t("大半"))]);
        assert_eq!(d[0].expected.as_deref(), Some("百分比 0–100，如 80%"));
    }

    #[test]
    fn dates_without_year_warn_and_take_the_hint() {
        let (r, d) = type_with(
            raw("task", vec![("id", t("1")), ("name", t("x")), ("owner", t("y")), ("planned_end", t("7月25日"))]),
            &ctx(),
            Some(2023),
        );
        assert_eq!(r.date("planned_end"), Some(day(2023, 7, 25)));
        assert_eq!(codes(&d), [("date-year", "planned_end".to_string())]);
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(d[0].message.contains("2023-07-25"), "{}", d[0].message);
        assert_eq!(d[0].loc, loc(1, 3));
        assert_eq!(d[0].record.as_deref(), Some("1"));
        // no hint: the --as-of year
        let (r, _) = typed("task", vec![("planned_end", t("07-25"))]);
        assert_eq!(r.date("planned_end"), Some(day(2024, 7, 25)));
    }

    #[test]
    fn date_cells_serials_and_bad_numbers() {
        let (r, d) = typed("task", vec![("planned_end", Cell::DateTime { value: at(2024, 7, 25, 0, 0), time: false })]);
        assert_eq!((r.date("planned_end"), d.len()), (Some(day(2024, 7, 25)), 0));
        let (r, d) = typed("task", vec![("planned_end", num(45488.0))]);
        assert_eq!(r.date("planned_end"), Some(day(2024, 7, 15)));
        assert_eq!((d[0].code, d[0].severity), ("type", Severity::Warning));
        let (r, d) = typed("task", vec![("planned_end", num(20240715.0))]);
        assert_eq!((r.date("planned_end"), d.len()), (Some(day(2024, 7, 15)), 0));
        // INGEST-NOTES §5.4: 7.15 meaning 7月15日 is refused with a hint
        let (r, d) = typed("task", vec![("planned_end", num(7.15))]);
        assert_eq!(r.date("planned_end"), None);
        assert_eq!((d[0].code, d[0].severity), ("type", Severity::Error));
        assert!(d[0].hint.as_deref().unwrap_or("").contains("2024-07-15"), "{:?}", d[0].hint);
    }

    #[test]
    fn type_errors_name_field_value_and_format() {
        let (r, d) = typed("task", vec![("id", t("1")), ("planned_end", t("本周梳理完毕"))]);
        assert_eq!(r.date("planned_end"), None);
        assert_eq!(codes(&d).first(), Some(&("type", "planned_end".to_string())));
        let e = &d[0];
        assert!(e.message.contains("计划结束时间") && e.message.contains("本周梳理完毕"), "{}", e.message);
        assert_eq!(e.value.as_deref(), Some("本周梳理完毕"));
        assert_eq!(e.expected.as_deref(), Some("日期 YYYY-MM-DD"));
        assert_eq!(e.record.as_deref(), Some("1"));
        assert_eq!(e.loc, loc(1, 1));
        assert!(e.hint.is_some());
        let en = ctx_in(Lang::En);
        let (_, d) = type_with(raw("task", vec![("planned_end", t("soon"))]), &en, None);
        assert_eq!(d[0].message, "Planned end: cannot read `soon` as a date YYYY-MM-DD");
        assert_eq!(d[0].expected.as_deref(), Some("date YYYY-MM-DD"));
        let tw = ctx_in(Lang::ZhTw);
        let (_, d) = type_with(raw("task", vec![("planned_end", t("下週"))]), &tw, None);
        assert!(d[0].message.contains("計劃結束時間"), "{}", d[0].message);
    }

    #[test]
    fn error_cells_are_type_errors_not_missing_values() {
        let (r, d) = typed_all("task", vec![("id", t("1")), ("name", Cell::Error("#N/A".into()))]);
        assert_eq!(r.get("name"), None);
        // one `type` error for the cell; no `required` for the same field
        let named: Vec<_> = d.iter().filter(|d| d.field.as_deref() == Some("name")).collect();
        assert_eq!(named.len(), 1);
        assert_eq!(named[0].code, "type");
        assert!(named[0].message.contains("#N/A"));
    }

    #[test]
    fn enum_errors_list_allowed_values_and_suggest() {
        let (r, d) = typed("task", vec![("id", t("1")), ("status", t("进展中"))]);
        assert_eq!(r.code("status"), None);
        let e = d.iter().find(|d| d.code == "enum").unwrap();
        assert!(e.message.contains("当前状态") && e.message.contains("进展中"), "{}", e.message);
        assert!(e.expected.as_deref().unwrap_or("").contains("进行中（in_progress）"));
        assert!(e.hint.as_deref().unwrap_or("").contains("in_progress"), "{:?}", e.hint);
        // seed 000 模板1: 高(P0)/中(P1)/低(P2)
        for (s, code) in [("高(P0)", "P0"), ("高", "P0"), ("p1", "P1"), ("低（P2）", "P2")] {
            let (r, d) = typed("task", vec![("priority", t(s))]);
            assert_eq!((r.code("priority"), d.len()), (Some(code), 0), "{s}");
        }
        let (r, _) = typed("task", vec![("status", t("阻塞(等待预算)"))]);
        assert_eq!(r.code("status"), Some("blocked"));
    }

    #[test]
    fn required_fields_are_named_with_kind_record_and_help() {
        let (_, d) = typed_all("task", vec![("id", t("2.1")), ("name", t("宣传物料制作"))]);
        assert_eq!(codes(&d), [("required", "owner".to_string())]);
        let e = &d[0];
        assert_eq!(e.message, "任务分工与进度跟踪表 2.1 缺少必填项“负责部门/人”");
        assert_eq!(e.record.as_deref(), Some("2.1"));
        assert_eq!(e.loc, loc(1, 0));
        assert!(e.hint.as_deref().unwrap_or("").contains("唯一主负责人"), "{:?}", e.hint);
        // a placeholder is named
        let (_, d) = typed_all("task", vec![("id", t("2.1")), ("name", t("x")), ("owner", t("待定"))]);
        assert_eq!(d[0].code, "required");
        assert_eq!(d[0].value.as_deref(), Some("待定"));
        assert_eq!(d[0].loc, loc(1, 2));
        assert!(d[0].message.contains("待定"));
        let en = ctx_in(Lang::En);
        let (_, d) = type_with(raw("risk", vec![("id", t("001"))]), &en, None);
        let msgs: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert!(msgs.contains(&"Risks and issues 001: required field “Impact” is missing"), "{msgs:?}");
    }

    #[test]
    fn seed_risk_rows_set_status_from_result() {
        // seed 000 模板3 row 001: 处理结果 `已解决`
        let (r, d) = typed(
            "risk",
            vec![
                ("id", t("001")),
                ("description", t("宣传物料设计不符合品牌规范")),
                ("impact", t("高")),
                ("owner", t("设计部*")),
                ("raised_on", t("2024-08-06")),
                ("due", t("2024-08-07")),
                ("resolved_on", t("2024-08-07")),
                ("measures", t("重新设计,增加品牌审核环节")),
                ("result", t("已解决")),
            ],
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(r.id(), Some("001"));
        assert_eq!(r.code("impact"), Some("high"));
        assert_eq!(r.code("status"), Some("resolved"));
        assert_eq!(r.text("result"), Some("已解决"));
        assert_eq!(r.field("status").unwrap().loc, loc(1, 8));
        assert_eq!(r.text("measures"), Some("重新设计,增加品牌审核环节"));
        // an explicit status wins
        let (r, _) = typed("risk", vec![("status", t("处理中")), ("result", t("已解决"))]);
        assert_eq!(r.code("status"), Some("in_progress"));
        let (r, _) = typed("risk", vec![("result", t("已解决,更换供应商"))]);
        assert_eq!(r.code("status"), Some("resolved"));
        let (r, _) = typed("risk", vec![("result", t("客户同意延期"))]);
        assert_eq!(r.code("status"), None);
    }

    #[test]
    fn seed_requirement_form() {
        // seed 000 模板1 示例列
        let (r, d) = typed(
            "requirement",
            vec![
                ("id", t("2024-MKT-001")),
                ("department", t("市场部")),
                ("initiator", t("*")),
                ("contact", num(1385678.0)),
                ("title", t("2024年Q3新品上市推广")),
                ("goal", t("3个月内实现新品销售额500万元")),
                ("departments", t("产品部、销售部、设计部、渠道商A公司")),
                ("deliverables", t("活动方案、宣传物料、销售数据报告")),
                ("start", t("2024-07-15至2024-09-30")),
                ("resources", t("预算20万元,设计师2名,线下场地5个")),
                ("priority", t("P0")),
                ("status", t("待评审")),
                ("notes", t("需保证活动符合最新广告法规定")),
            ],
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(r.date("start"), Some(day(2024, 7, 15)));
        assert_eq!(r.date("end"), Some(day(2024, 9, 30)));
        assert_eq!(r.field("end").unwrap().loc, loc(1, 8));
        assert_eq!(r.list("departments").len(), 4);
        assert_eq!(r.text("contact"), Some("1385678"));
        assert_eq!(r.code("status"), Some("pending_review"));
        assert_eq!(r.party("initiator"), Some(&p(None, Some("*"))));
        // an explicit end wins over the range's end
        let (r, _) = typed("requirement", vec![("start", t("2024-07-15至2024-09-30")), ("end", t("2024-10-01"))]);
        assert_eq!(r.date("end"), Some(day(2024, 10, 1)));
        // a broken range is one type error, not also a missing end
        let (_, d) = typed("requirement", vec![("start", t("七月中旬至九月底"))]);
        assert!(d.iter().any(|d| d.code == "type" && d.field.as_deref() == Some("start")));
        assert!(!d.iter().any(|d| d.field.as_deref() == Some("end")));
    }

    #[test]
    fn seed_application_form_milestones() {
        // seed 003 跨部门协作任务申请表 关键时间节点
        let (r, d) = type_with(
            raw(
                "requirement",
                vec![("id", t("2023-MKT-002")), ("milestones", t("10月15日:方案初稿;10月25日:终稿确认"))],
            ),
            &ctx(),
            Some(2023),
        );
        let ms = r.records("milestones");
        assert_eq!(ms.len(), 2);
        assert_eq!(ms[0].date("date"), Some(day(2023, 10, 15)));
        assert_eq!(ms[0].text("name"), Some("方案初稿"));
        assert_eq!(ms[1].date("date"), Some(day(2023, 10, 25)));
        assert_eq!(ms[1].text("name"), Some("终稿确认"));
        let warns: Vec<_> = d.iter().filter(|d| d.code == "date-year").collect();
        assert_eq!(warns.len(), 2);
        assert_eq!(warns[0].field.as_deref(), Some("milestones.date"));
        assert_eq!(warns[0].record.as_deref(), Some("2023-MKT-002"));
        // seed 003 prose: `9月10日前完成市场部数据提报,9月15日前完成方案整合`
        let (r, _) = type_with(
            raw("requirement", vec![("milestones", t("9月10日前完成市场部数据提报,9月15日前完成方案整合"))]),
            &ctx(),
            Some(2023),
        );
        let ms = r.records("milestones");
        assert_eq!(ms.len(), 2);
        assert_eq!(ms[1].text("name"), Some("完成方案整合"));
        let (r, d) = typed_all("requirement", vec![("milestones", t("方案初稿"))]);
        assert_eq!(r.records("milestones").len(), 1);
        assert!(d.iter().any(|d| d.code == "required" && d.field.as_deref() == Some("milestones.date")));
    }

    #[test]
    fn seed_meeting_form_with_agenda_attendees_and_actions() {
        let agenda = "上次行动项进展回顾(10分钟,**)\nQ3市场推广预算分配方案讨论(30分钟,**)\n跨部门数据对接流程优化(20分钟,**)\n下一步行动计划确认(10分钟,主持人)";
        let (r, d) = typed_all(
            "meeting",
            vec![
                ("title", t("“双十一大促方案”评审会")),
                ("start", t("2023年9月15日14:00-16:00")),
                ("departments", t("市场部、销售部、电商部、财务部")),
                ("attendees", t("张三(市场部,核心决策者)、李四(财务部)、王五")),
                ("agenda", t(agenda)),
                ("summary", t("1.市场部汇报活动整体框架;2.销售部提出渠道分成优化建议;3.财务部明确预算上限")),
                ("decisions", t("1.活动周期定为11.1-11.11;2.渠道分成比例提高2个百分点;3.总预算控制在500万元以内")),
                ("actions", t("调整促销政策方案\n修改Banner设计稿")),
            ],
        );
        // seed 003 会议纪要: the time fills start and end; the date names the meeting
        assert_eq!(r.datetime("start"), Some(at(2023, 9, 15, 14, 0)));
        assert_eq!(r.datetime("end"), Some(at(2023, 9, 15, 16, 0)));
        assert_eq!(r.id(), Some("2023-09-15"));
        assert_eq!(r.list("decisions").len(), 3);
        assert!(r.text("summary").unwrap().starts_with("1.市场部"));
        // seed 001 步骤3 议程
        let items = r.records("agenda");
        assert_eq!(items.len(), 4);
        assert_eq!(items.iter().map(|i| i.int("minutes").unwrap()).collect::<Vec<_>>(), [10, 30, 20, 10]);
        assert_eq!(items[0].text("topic"), Some("上次行动项进展回顾"));
        assert_eq!(items[0].party("owner"), Some(&p(None, Some("**"))));
        assert_eq!(items[3].party("owner"), Some(&p(None, Some("主持人"))));
        let people = r.records("attendees");
        assert_eq!(people.len(), 3);
        assert_eq!(
            (people[0].text("name"), people[0].text("department"), people[0].code("role")),
            (Some("张三"), Some("市场部"), Some("decision_maker"))
        );
        assert_eq!((people[1].text("name"), people[1].text("department")), (Some("李四"), Some("财务部")));
        assert_eq!(people[2].text("name"), Some("王五"));
        // actions written as text: description only; what is missing is the
        // `action-complete` rule's to report (seed 001 步骤3), not a `required` error here
        let actions = r.records("actions");
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[1].text("description"), Some("修改Banner设计稿"));
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn action_rows_from_a_sub_table() {
        // seed 001 (三) 示例行动项表格
        let mut m = raw(
            "meeting",
            vec![("title", t("预算会")), ("start", t("2023-06-20 10:00")), ("end", t("2023-06-20 11:00"))],
        );
        let action = schema::kind("action").unwrap();
        let mut a1 = RawRecord::new(action, loc(10, 0));
        a1.fields = vec![
            RawField { key: "description", cell: t("整理Q3预算分配表"), loc: loc(10, 0) },
            RawField { key: "owner", cell: t("赵六"), loc: loc(10, 1) },
            RawField { key: "due", cell: t("2023-06-30"), loc: loc(10, 2) },
            RawField { key: "standard", cell: t("包含各部门额度、使用场景、KPI"), loc: loc(10, 3) },
            RawField { key: "priority", cell: t("高"), loc: loc(10, 4) },
        ];
        let mut a2 = RawRecord::new(action, loc(11, 0));
        a2.fields = vec![
            RawField { key: "description", cell: t("收集销售终端反馈"), loc: loc(11, 0) },
            RawField { key: "owner", cell: t("孙七"), loc: loc(11, 1) },
            RawField { key: "standard", cell: t("提交10个典型案例及改进建议"), loc: loc(11, 3) },
        ];
        m.subs.push(("actions", vec![a1, a2]));
        let (r, d) = type_with(m, &ctx(), None);
        let actions = r.records("actions");
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[0].code("priority"), Some("P0"));
        assert_eq!(actions[0].date("due"), Some(day(2023, 6, 30)));
        assert_eq!(r.field("actions").unwrap().loc, loc(10, 0));
        // the missing due date is left to the `action-complete` rule
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(actions[1].date("due"), None);
    }

    #[test]
    fn english_department_names_with_spaces_stay_departments() {
        assert_eq!(
            parse_parties("Customer Service"),
            vec![Party { department: Some("Customer Service".into()), person: None }]
        );
    }

    #[test]
    fn seed_retrospective_form() {
        // seed 000 模板4
        let (r, d) = typed(
            "retrospective",
            vec![
                ("project", t("2024年Q3新品上市推广活动")),
                ("accepted_on", t("2024-10-10")),
                ("department", t("市场部")),
                ("panel", t("市场部、销售部、产品部*")),
                ("metrics", t("销售额520万元(目标500万元,超额4%)用户参与量15万人次(目标12万人次,超额25%)")),
                ("deliverables", t("1.《推廣活動總結報告》2.《銷售數據統計表》3.用戶反饋分析報告")),
                ("quality", t("优秀(方案执行到位,数据完整)")),
                ("highlights", t("1.跨部门周例会机制高效,信息同步及时2.风险预案完善,场地问题2小时内解决")),
                ("problems", t("1.数据监测反馈延迟,影响实时决策2.部分物料制作周期紧张,设计修改耗时较长")),
                (
                    "improvements",
                    t("1.建立“数据日报机制”,指定技术部*专人负责监测2.提前3天启动物料设计,预留1天修改缓冲期"),
                ),
                ("reviewer", t("市场部*")),
            ],
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(r.list("panel").len(), 3);
        assert_eq!(r.list("deliverables").len(), 3);
        assert_eq!(r.list("highlights").len(), 2);
        assert_eq!(r.list("improvements").len(), 2);
        assert_eq!(r.code("quality"), Some("excellent"));
        assert_eq!(r.text("quality_comment"), Some("方案执行到位,数据完整"));
        assert_eq!(r.party("reviewer"), Some(&p(Some("市场部"), Some("*"))));
        let ms = r.records("metrics");
        assert_eq!(ms.len(), 2);
        assert_eq!(ms[0].text("name"), Some("销售额"));
        assert_eq!(ms[0].quantity("actual"), Some(&Quantity { value: 5_200_000.0, unit: "元".into() }));
        assert_eq!(ms[0].quantity("target"), Some(&Quantity { value: 5_000_000.0, unit: "元".into() }));
        assert_eq!(ms[0].percent("achievement"), Some(104.0));
        assert_eq!(ms[1].text("name"), Some("用户参与量"));
        assert_eq!(ms[1].quantity("target"), Some(&Quantity { value: 120_000.0, unit: "人次".into() }));
        assert_eq!(ms[1].percent("achievement"), Some(125.0));
        // a quality comment in its own cell wins
        let (r, _) = typed("retrospective", vec![("quality", t("良好,有延误")), ("quality_comment", t("见附件"))]);
        assert_eq!((r.code("quality"), r.text("quality_comment")), (Some("good"), Some("见附件")));
    }

    #[test]
    fn metrics_in_other_spellings() {
        let (r, _) =
            typed("retrospective", vec![("metrics", t("销售额:目标500万元,实际520万元；GMV提升35%(目标30%)"))]);
        let ms = r.records("metrics");
        assert_eq!(ms.len(), 2);
        assert_eq!(ms[0].text("name"), Some("销售额"));
        assert_eq!(ms[0].percent("achievement"), Some(104.0));
        assert_eq!(ms[1].text("name"), Some("GMV提升"));
        assert_eq!(ms[1].quantity("actual").map(|q| q.value), Some(35.0));
        assert_eq!(ms[1].percent("achievement"), Some(116.7));
        // different units: no achievement (the metric-units rule reports it)
        let (r, _) = typed("retrospective", vec![("metrics", t("销售额520万(目标500万元)"))]);
        assert_eq!(r.records("metrics")[0].percent("achievement"), None);
    }

    #[test]
    fn yaml_lists_map_item_by_item() {
        let list = Cell::List(vec![t("市场部"), t("销售部, 华东区"), Cell::Empty]);
        let (r, _) = typed("requirement", vec![("departments", list)]);
        assert_eq!(r.list("departments"), ["市场部", "销售部, 华东区"]);
        let (r, _) = typed("task", vec![("collaborators", Cell::List(vec![t("产品部*"), t("Marketing / Li Na")]))]);
        assert_eq!(r.parties("collaborators"), [p(Some("产品部"), Some("*")), p(Some("Marketing"), Some("Li Na"))]);
        let (r, _) = typed("meeting", vec![("attendees", Cell::List(vec![t("张三(市场部)"), t("李四")]))]);
        assert_eq!(r.records("attendees").len(), 2);
    }

    #[test]
    fn extra_columns_are_kept() {
        let mut r = raw("task", vec![("id", t("1"))]);
        r.extra.push(("工时(天)".into(), "3".into()));
        let (rec, _) = type_with(r, &ctx(), None);
        assert_eq!(rec.extra.get("工时(天)").map(String::as_str), Some("3"));
    }

    #[test]
    fn find_year_reads_the_first_full_date() {
        let a = raw("task", vec![("id", t("1")), ("planned_end", t("7月25日")), ("name", t("2022年计划"))]);
        let b = raw("task", vec![("planned_start", t("2023-09-10")), ("updated_at", t("2021-01-01 10:00"))]);
        assert_eq!(find_year(&[a.clone(), b]), Some(2023));
        let c = raw("requirement", vec![("start", t("2022-07-15至2022-09-30"))]);
        assert_eq!(find_year(&[a.clone(), c]), Some(2022));
        let d = raw("task", vec![("actual_end", Cell::DateTime { value: at(2021, 3, 1, 0, 0), time: false })]);
        assert_eq!(find_year(&[d]), Some(2021));
        assert_eq!(find_year(&[a]), None);
        let mut m = raw("meeting", vec![("title", t("x"))]);
        let mut act = RawRecord::new(schema::kind("action").unwrap(), loc(3, 0));
        act.fields.push(RawField { key: "due", cell: t("2020-05-01"), loc: loc(3, 2) });
        m.subs.push(("actions", vec![act]));
        assert_eq!(find_year(&[m]), Some(2020));
    }

    #[test]
    fn odd_input_never_panics() {
        let odd = [
            "",
            " ",
            "(",
            ")",
            "（",
            "1.",
            "①",
            "/",
            "//",
            "和",
            "**",
            "2024-",
            "2024年",
            "12月",
            "-",
            "--5",
            "¥",
            "万",
            "1,",
            ",1",
            "9999999999999999999999",
            "1e400",
            "至",
            "14:00-",
            "2024-07-15至",
            "年月日",
            "十十十年",
            "张三(",
            "(市场部",
            "市场部/",
            "/张三",
            "中午",
            "下午99点",
            "\u{200B}",
            "\r\n\r\n",
            "1.2.3.4.5",
            "①②③",
        ];
        for s in odd {
            let _ =
                (split_list(s), parse_date(s, Some(2024)), parse_datetime(s, Some(2024)), parse_range(s, Some(2024)));
            let _ = (parse_percent(s), parse_quantity(s), parse_int(s), parse_parties(s), parse_party(s));
            let _ = (parse_milestones(s), parse_metrics(s), parse_agenda(s), parse_attendees(s, None));
            for k in schema::KINDS {
                let fields: Vec<(&'static str, Cell)> = k.fields.iter().map(|f| (f.key, t(s))).collect();
                let _ = typed(k.key, fields);
            }
        }
    }
}
