//! Markdown files with YAML front matter: the front matter is split by hand, parsed with
//! serde-saphyr into a tree that keeps every node's line, then mapped onto the catalogue;
//! `##` sections of the body fill text fields, the rest becomes `notes`.

use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{Event, HeadingLevel, Options as MdOptions, Parser, Tag, TagEnd};
use serde_saphyr::{Error as YamlError, MessageFormatter, UserMessageFormatter};

use crate::diag::Diagnostic;
use crate::ingest::{Cell, Ctx, FileRead, RawField, RawRecord, file_error};
use crate::model::{L10n, Lang, Location};
use crate::schema::{FieldDef, KINDS, KindDef, Shape, Type, normalize};
use crate::yaml::{
    FULLWIDTH_COLON_HINT, IDEOGRAPHIC_INDENT_HINT, Key, Lints, SYNTAX_HINT, Y, YV, lift, md_line, parse as parse_yaml,
    syntax_hint, unwrap_error,
};

/// Larger files are refused before reading: a PMO form is a few KB of text.
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Reads one Markdown file. Never panics; an unreadable file gives one `file` diagnostic.
pub fn read(path: &Path, display: &Arc<str>, ctx: &Ctx) -> FileRead {
    match load(path) {
        Ok(text) => read_text(&text, display, ctx),
        Err(d) => FileRead { records: Vec::new(), diags: vec![d.into_diag(ctx.lang, display)] },
    }
}

/// Reads Markdown text already in memory, as [`read`] does after loading the file.
pub fn read_text(text: &str, display: &Arc<str>, ctx: &Ctx) -> FileRead {
    let mut r = Reader { ctx, display, out: FileRead::default() };
    r.file(text);
    r.out
}

// ---------------------------------------------------------------------------------------
// Loading: size guard, binary and encoding checks.

const NOT_UTF8: L10n = L10n::new(
    "文件不是 UTF-8 文本（第{line}行附近有无效字节）",
    "檔案不是 UTF-8 文字（第{line}行附近有無效位元組）",
    "the file is not UTF-8 text (invalid bytes near line {line})",
);
const UTF16: L10n = L10n::new("文件是 UTF-16 编码", "檔案是 UTF-16 編碼", "the file is UTF-16 encoded");
const SAVE_AS_UTF8: L10n = L10n::new(
    "请用 UTF-8 编码另存该文件（记事本、VS Code 等均可选择编码；GBK/Big5 文件需转换）",
    "請用 UTF-8 編碼另存該檔案（記事本、VS Code 等均可選擇編碼；GBK/Big5 檔案需轉換）",
    "save the file as UTF-8 (any editor can choose the encoding; convert GBK/Big5 files)",
);
const BINARY: L10n = L10n::new(
    "文件含有 NUL 字节，是二进制文件，不是 Markdown",
    "檔案含有 NUL 位元組，是二進位檔案，不是 Markdown",
    "the file contains NUL bytes: it is binary, not Markdown",
);
const BINARY_HINT: L10n = L10n::new(
    "确认 .md 文件是纯文本；Word 文档等请先另存为 Markdown",
    "確認 .md 檔案是純文字；Word 文件等請先另存為 Markdown",
    "check that the .md file is plain text; export Word documents and the like to Markdown first",
);
const TOO_BIG: L10n = L10n::new(
    "文件大小 {size} MiB，超过 Markdown 表单 16 MiB 的上限",
    "檔案大小 {size} MiB，超過 Markdown 表單 16 MiB 的上限",
    "the file is {size} MiB, over the 16 MiB limit for a Markdown form",
);
const TOO_BIG_HINT: L10n = L10n::new(
    "Markdown 表单应是小的纯文本文件；请检查是否把别的文件命名成了 .md，或拆分该文件",
    "Markdown 表單應是小的純文字檔案；請檢查是否把別的檔案命名成了 .md，或拆分該檔案",
    "a Markdown form is a small text file: check that no other file was named .md, or split it",
);

/// Why a file could not be loaded; turned into the one `file` diagnostic.
enum LoadError {
    Io(String),
    TooBig(u64),
    Binary,
    Utf16,
    NotUtf8 { line: usize },
}

impl LoadError {
    fn into_diag(self, lang: Lang, display: &Arc<str>) -> Diagnostic {
        let (problem, hint) = match self {
            LoadError::Io(e) => return file_error(lang, display, &e),
            LoadError::TooBig(bytes) => {
                let size = format!("{:.1}", bytes as f64 / (1024.0 * 1024.0));
                (TOO_BIG.fill(lang, &[("size", &size)]), TOO_BIG_HINT)
            }
            LoadError::Binary => (BINARY.get(lang).to_string(), BINARY_HINT),
            LoadError::Utf16 => (UTF16.get(lang).to_string(), SAVE_AS_UTF8),
            LoadError::NotUtf8 { line } => (NOT_UTF8.fill(lang, &[("line", &line.to_string())]), SAVE_AS_UTF8),
        };
        file_error(lang, display, &problem).hint(hint.get(lang))
    }
}

fn load(path: &Path) -> Result<String, LoadError> {
    let file = std::fs::File::open(path).map_err(|e| LoadError::Io(e.to_string()))?;
    let mut bytes = Vec::new();
    // `take` guards even when the metadata lies (a FIFO, a growing file).
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes).map_err(|e| LoadError::Io(e.to_string()))?;
    if bytes.len() as u64 > MAX_BYTES {
        let real = std::fs::metadata(path).map(|m| m.len()).unwrap_or(bytes.len() as u64);
        return Err(LoadError::TooBig(real.max(bytes.len() as u64)));
    }
    decode(bytes)
}

fn decode(bytes: Vec<u8>) -> Result<String, LoadError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(LoadError::Utf16);
    }
    if bytes.contains(&0) {
        return Err(LoadError::Binary);
    }
    String::from_utf8(bytes).map_err(|e| {
        let upto = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..upto].iter().filter(|&&b| b == b'\n').count() + 1;
        LoadError::NotUtf8 { line }
    })
}

// ---------------------------------------------------------------------------------------
// Splitting the front matter (INGEST-NOTES §2b).

/// The parts of a file with front matter; lines are 1-based Markdown lines.
#[derive(Debug)]
struct Split<'a> {
    yaml: &'a str,
    /// Markdown line of the first YAML line.
    yaml_line: u32,
    body: &'a str,
    /// Markdown line of the first body line.
    body_line: u32,
}

#[derive(Debug, PartialEq)]
enum SplitError {
    /// No front matter; `Some(line)` when a `---` fence appears below blank lines.
    Missing(Option<u32>),
    Toml,
    Unclosed,
}

fn is_fence(line: &str, fence: &str) -> bool {
    line.trim_end_matches(['\n', '\r']).trim_end_matches([' ', '\t']) == fence
}

/// Splits `text` (BOM stripped, `\n` line ends) into front matter and body.
fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if is_fence(first, "+++") {
        return Err(SplitError::Toml);
    }
    if !is_fence(first, "---") {
        let mut misplaced = None;
        for (n, line) in (1u32..).zip(std::iter::once(first).chain(lines)) {
            if is_fence(line, "---") {
                misplaced = Some(n);
                break;
            }
            if !line.trim().is_empty() {
                break;
            }
        }
        return Err(SplitError::Missing(misplaced));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (line_no, line) in (2u32..).zip(lines) {
        if is_fence(line, "---") || is_fence(line, "...") {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unclosed)
}

// ---------------------------------------------------------------------------------------
// Messages of the `front-matter` and `extra` diagnostics.

const NO_FRONT_MATTER: L10n = L10n::new(
    "缺少 YAML 头部（front matter）：需要用 `kind:` 说明这是哪种表单",
    "缺少 YAML 頭部（front matter）：需要用 `kind:` 說明這是哪種表單",
    "no YAML front matter: dossier needs `kind:` to know which form this is",
);
const NO_FRONT_MATTER_HINT: L10n = L10n::new(
    "在文件第1行写 `---`，接着写 `kind: {kind}` 和各字段，再写一行 `---`，正文写在其后；例如：`---` / `kind: meeting` / `会议主题: “双十一大促方案”评审会` / `会议时间: 2023年9月15日14:00-16:00` / `---`",
    "在檔案第1行寫 `---`，接著寫 `kind: {kind}` 和各欄位，再寫一行 `---`，正文寫在其後；例如：`---` / `kind: meeting` / `會議主題: 「雙十一大促方案」評審會` / `會議時間: 2023年9月15日14:00-16:00` / `---`",
    "start the file with a line `---`, then `kind: {kind}` and the fields, then a line `---`, then the text; e.g. `---` / `kind: meeting` / `title: Q3 budget review` / `start: 2023-09-15 14:00-16:00` / `---`",
);
const FENCE_NOT_FIRST: L10n = L10n::new(
    "YAML 头部的 `---` 必须在文件第1行，这里在第{line}行",
    "YAML 頭部的 `---` 必須在檔案第1行，這裡在第{line}行",
    "the front matter's `---` must be the file's first line; here it is on line {line}",
);
const FENCE_NOT_FIRST_HINT: L10n =
    L10n::new("删除 `---` 之前的空行", "刪除 `---` 之前的空行", "delete the blank lines above `---`");
const TOML: L10n =
    L10n::new("不支持 TOML 头部（`+++`）", "不支援 TOML 頭部（`+++`）", "TOML front matter (`+++`) is not supported");
const TOML_HINT: L10n = L10n::new(
    "改用 YAML：用 `---` 开始和结束，字段写成 `键: 值`",
    "改用 YAML：用 `---` 開始和結束，欄位寫成 `鍵: 值`",
    "use YAML instead: open and close with `---`, write fields as `key: value`",
);
const UNCLOSED: L10n = L10n::new(
    "YAML 头部没有结束：第1行的 `---` 之后找不到结束的 `---`",
    "YAML 頭部沒有結束：第1行的 `---` 之後找不到結束的 `---`",
    "the front matter is not closed: no `---` line after the opening `---` on line 1",
);
const UNCLOSED_HINT: L10n = L10n::new(
    "在字段之后加一行 `---`（或 `...`），正文写在它下面",
    "在欄位之後加一行 `---`（或 `...`），正文寫在它下面",
    "add a line `---` (or `...`) after the fields; the text goes below it",
);
const SYNTAX: L10n = L10n::new(
    "YAML 头部语法错误：{problem}",
    "YAML 頭部語法錯誤：{problem}",
    "YAML syntax error in the front matter: {problem}",
);
const FULLWIDTH_COLON: L10n = L10n::new(
    "`{key}：` 用了全角冒号，没有被读作字段“{key}”",
    "`{key}：` 用了全形冒號，沒有被讀作欄位「{key}」",
    "`{key}：` uses a full-width colon, so it was not read as the field `{key}`",
);
const IDEOGRAPHIC_INDENT: L10n = L10n::new(
    "`{key}` 前面的缩进是全角空格（U+3000），层级被读错了",
    "`{key}` 前面的縮排是全形空格（U+3000），層級被讀錯了",
    "`{key}` is indented with an ideographic space (U+3000), so its nesting is wrong",
);
const DUPLICATE_KEY: L10n =
    L10n::new("键 `{key}` 出现了两次", "鍵 `{key}` 出現了兩次", "the key `{key}` appears twice");
const DUPLICATE_KEY_HINT: L10n =
    L10n::new("删除或合并重复的键", "刪除或合併重複的鍵", "delete or merge the repeated key");
const DUPLICATE_FIELD: L10n = L10n::new(
    "字段“{label}”填写了两次：第{first}行的 `{a}` 和这里的 `{b}`；保留第一个",
    "欄位「{label}」填寫了兩次：第{first}行的 `{a}` 和這裡的 `{b}`；保留第一個",
    "the field `{label}` is given twice: `{a}` on line {first} and `{b}` here; the first is kept",
);
const BUDGET: L10n = L10n::new(
    "YAML 头部过大或嵌套过深，已停止解析（{problem}）",
    "YAML 頭部過大或巢狀過深，已停止解析（{problem}）",
    "the front matter is too large or too deeply nested; parsing stopped ({problem})",
);
const BUDGET_HINT: L10n = L10n::new(
    "表单不需要锚点（&）和别名（*）的大量展开；删除它们，或把内容拆到多个文件",
    "表單不需要錨點（&）和別名（*）的大量展開；刪除它們，或把內容拆到多個檔案",
    "a form needs no mass expansion of anchors (&) and aliases (*); remove them or split the file",
);
const NOT_A_MAP: L10n = L10n::new(
    "YAML 头部应是一组 `键: 值`，这里读到的是{what}",
    "YAML 頭部應是一組 `鍵: 值`，這裡讀到的是{what}",
    "the front matter should be `key: value` lines; found {what}",
);
const WHAT_SCALAR: L10n = L10n::new("一段文字", "一段文字", "a single text");
const WHAT_LIST: L10n = L10n::new("一个列表", "一個列表", "a list");
const NO_KIND: L10n = L10n::new(
    "YAML 头部缺少 `kind:`，无法判断这是哪种表单",
    "YAML 頭部缺少 `kind:`，無法判斷這是哪種表單",
    "the front matter has no `kind:`, so the form cannot be identified",
);
const NO_KIND_HINT: L10n = L10n::new(
    "在头部加一行 `kind: {kind}`；可选：{kinds}",
    "在頭部加一行 `kind: {kind}`；可選：{kinds}",
    "add a line `kind: {kind}`; one of: {kinds}",
);
const BAD_KIND: L10n =
    L10n::new("未知的表单类型 `kind: {value}`", "未知的表單類型 `kind: {value}`", "unknown form kind `kind: {value}`");
const BAD_KIND_HINT: L10n =
    L10n::new("`kind:` 可以是：{kinds}", "`kind:` 可以是：{kinds}", "`kind:` is one of: {kinds}");
const NESTED: L10n = L10n::new(
    "字段“{label}”应是一个值或一列值，这里是一组 `键: 值`",
    "欄位「{label}」應是一個值或一列值，這裡是一組 `鍵: 值`",
    "the field `{label}` should be a value or a list of values, not `key: value` pairs",
);
const NESTED_HINT: L10n = L10n::new(
    "写成一行文字，例如 `{key}: 市场部/张三`",
    "寫成一行文字，例如 `{key}: 市場部/張三`",
    "write it as one line of text, e.g. `{key}: Marketing / Li Na`",
);
const MIXED_LIST: L10n = L10n::new(
    "“{label}”的列表混用了文字项和 `键: 值` 项；文字项 `{value}` 被忽略",
    "「{label}」的列表混用了文字項和 `鍵: 值` 項；文字項 `{value}` 被忽略",
    "the `{label}` list mixes plain items and `key: value` items; the plain item `{value}` is ignored",
);
const MIXED_LIST_HINT: L10n = L10n::new(
    "每一项都写成 `- {field}: …` 的形式",
    "每一項都寫成 `- {field}: …` 的形式",
    "write every item as `- {field}: …`",
);
const NOT_RECORD: L10n = L10n::new(
    "“{kind}”列表的每一项应是一组 `键: 值`，这一项是 `{value}`",
    "「{kind}」列表的每一項應是一組 `鍵: 值`，這一項是 `{value}`",
    "each item of the `{kind}` list should be `key: value` pairs; this one is `{value}`",
);
const NOT_RECORD_HINT: L10n = L10n::new(
    "例如：`- id: 1.1` 换行 `  name: 活动方案设计`（同一项的字段对齐缩进）",
    "例如：`- id: 1.1` 換行 `  name: 活動方案設計`（同一項的欄位對齊縮排）",
    "e.g. `- id: 1.1` then `  name: Campaign plan` on the next line, aligned",
);
const NO_LIST: L10n = L10n::new(
    "“{kind}”文件的头部没有 `{collection}:` 列表，也没有任何字段",
    "「{kind}」檔案的頭部沒有 `{collection}:` 列表，也沒有任何欄位",
    "the `{kind}` file has no `{collection}:` list and no fields",
);
const NO_LIST_HINT: L10n = L10n::new(
    "在 `{collection}:` 下逐项列出，每项以 `- ` 开头，例如 `{collection}:` / `  - id: 1.1` / `    name: 活动方案设计`",
    "在 `{collection}:` 下逐項列出，每項以 `- ` 開頭，例如 `{collection}:` / `  - id: 1.1` / `    name: 活動方案設計`",
    "list the records under `{collection}:`, each starting with `- `, e.g. `{collection}:` / `  - id: 1.1` / `    name: Campaign plan`",
);
const TWO_LISTS: L10n = L10n::new(
    "头部有两个记录列表（`{a}` 和 `{b}`）；只读取第一个",
    "頭部有兩個記錄列表（`{a}` 和 `{b}`）；只讀取第一個",
    "the front matter has two record lists (`{a}` and `{b}`); only the first is read",
);
const TWO_LISTS_HINT: L10n =
    L10n::new("把记录合并到同一个列表里", "把記錄合併到同一個列表裡", "merge the records into one list");
const SECTION_TWICE: L10n = L10n::new(
    "正文小节“{heading}”与已填写的字段“{label}”重复；保留先填写的值，该小节不读取",
    "正文小節「{heading}」與已填寫的欄位「{label}」重複；保留先填寫的值，該小節不讀取",
    "the section `{heading}` repeats the field `{label}`, which is already set; the first value is kept and the section is not read",
);
const SECTION_TWICE_HINT: L10n = L10n::new(
    "删除头部的 `{key}:` 或合并这两处内容",
    "刪除頭部的 `{key}:` 或合併這兩處內容",
    "delete `{key}:` from the front matter or merge the two",
);
const EXTRA: L10n = L10n::new(
    "未知字段 `{key}`，已保留为附加信息",
    "未知欄位 `{key}`，已保留為附加資訊",
    "unknown key `{key}`, kept as extra",
);
const EXTRA_COLUMN: L10n = L10n::new(
    "表格列 `{key}` 不是“{kind}”的字段，已保留为附加信息",
    "表格欄 `{key}` 不是「{kind}」的欄位，已保留為附加資訊",
    "the column `{key}` is not a field of `{kind}`; kept as extra",
);
const EXTRA_HINT: L10n = L10n::new("是否指：{fields}？", "是否指：{fields}？", "did you mean: {fields}?");
const EXTRA_HINT_NONE: L10n = L10n::new(
    "运行 `dossier schema` 查看“{kind}”的字段",
    "執行 `dossier schema` 查看「{kind}」的欄位",
    "run `dossier schema` to see the fields of `{kind}`",
);
const EXTRA_TOP: L10n = L10n::new(
    "未知字段 `{key}`，已忽略（“{kind}”文件的头部只读取记录列表和各记录共用的字段）",
    "未知欄位 `{key}`，已忽略（「{kind}」檔案的頭部只讀取記錄列表和各記錄共用的欄位）",
    "unknown key `{key}`, ignored (a `{kind}` file's front matter holds the record list and fields shared by every record)",
);
const BODY_IGNORED: L10n = L10n::new(
    "“{kind}”文件的正文不会被读取，只读取头部的记录列表",
    "「{kind}」檔案的正文不會被讀取，只讀取頭部的記錄列表",
    "the text of a `{kind}` file is not read, only the records in its front matter",
);
const BODY_IGNORED_HINT: L10n = L10n::new(
    "需要保留的说明请写进某条记录的字段",
    "需要保留的說明請寫進某條記錄的欄位",
    "put anything worth keeping into a field of a record",
);

// ---------------------------------------------------------------------------------------
// Mapping the tree onto the catalogue.

/// The word a user writes after `kind:` for a top-level kind (`tasks`, `meeting`).
fn kind_word(k: &KindDef) -> &'static str {
    match k.shape {
        Shape::Table => k.collection.unwrap_or(k.key),
        Shape::Form => k.key,
    }
}

fn top_kinds() -> impl Iterator<Item = &'static KindDef> {
    KINDS.iter().filter(|k| k.collection.is_some())
}

/// `requirement（跨部门协作需求登记表）、tasks（…）…` in `lang`.
fn kinds_list(lang: Lang) -> String {
    top_kinds()
        .map(|k| match lang {
            Lang::En => kind_word(k).to_string(),
            _ => format!("{}（{}）", kind_word(k), k.label.get(lang)),
        })
        .collect::<Vec<_>>()
        .join(if lang == Lang::En { ", " } else { "、" })
}

/// The sign-off stage a sign-off list inside a form means when it names none.
fn default_stage(form: &str) -> Option<&'static str> {
    match form {
        "requirement" => Some("requirement_review"),
        "meeting" => Some("minutes"),
        "retrospective" => Some("acceptance"),
        _ => None,
    }
}

fn text_of(y: &Y) -> String {
    match &y.v {
        YV::Null => String::new(),
        YV::Scalar(s) => s.clone(),
        YV::Seq(items) => items.iter().map(text_of).collect::<Vec<_>>().join("、"),
        YV::Map(entries) => {
            entries.iter().map(|(k, v)| format!("{}: {}", k.text, text_of(v))).collect::<Vec<_>>().join("; ")
        }
    }
}

struct Reader<'a> {
    ctx: &'a Ctx,
    display: &'a Arc<str>,
    out: FileRead,
}

impl Reader<'_> {
    fn lang(&self) -> Lang {
        self.ctx.lang
    }

    fn loc(&self, line: u32) -> Location {
        Location::line(self.display, line)
    }

    fn error(&mut self, line: u32, message: String) -> &mut Diagnostic {
        self.out.diags.push(Diagnostic::error("front-matter", self.loc(line), message));
        self.out.diags.last_mut().expect("just pushed")
    }

    fn file(&mut self, text: &str) {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let text = if text.contains('\r') { text.replace("\r\n", "\n") } else { text.to_string() };
        let lang = self.lang();
        let split = match split(&text) {
            Ok(s) => s,
            Err(SplitError::Toml) => {
                let hint = TOML_HINT.get(lang);
                self.error(1, TOML.get(lang).to_string()).hint = Some(hint.to_string());
                return;
            }
            Err(SplitError::Unclosed) => {
                let hint = UNCLOSED_HINT.get(lang);
                self.error(1, UNCLOSED.get(lang).to_string()).hint = Some(hint.to_string());
                return;
            }
            Err(SplitError::Missing(Some(line))) => {
                let msg = FENCE_NOT_FIRST.fill(lang, &[("line", &line.to_string())]);
                self.error(line, msg).hint = Some(FENCE_NOT_FIRST_HINT.get(lang).to_string());
                return;
            }
            Err(SplitError::Missing(None)) => {
                let hint = NO_FRONT_MATTER_HINT.fill(lang, &[("kind", &self.guess_kind())]);
                self.error(1, NO_FRONT_MATTER.get(lang).to_string()).hint = Some(hint);
                return;
            }
        };
        let Some((root, lints)) = self.parse(&split) else { return };
        let entries = match root.v {
            YV::Map(entries) => entries,
            YV::Null => Vec::new(),
            other => {
                let what = if matches!(other, YV::Seq(_)) { WHAT_LIST } else { WHAT_SCALAR };
                let hint = lints
                    .fullwidth_colon
                    .first()
                    .map(|(line, key)| FULLWIDTH_COLON_HINT.fill(lang, &[("line", &line.to_string()), ("key", key)]))
                    .unwrap_or_else(|| SYNTAX_HINT.get(lang).to_string());
                let msg = NOT_A_MAP.fill(lang, &[("what", what.get(lang))]);
                self.error(root.line, msg).hint = Some(hint);
                return;
            }
        };
        let Some(kind) = self.kind(&entries) else { return };
        self.lint_after_parse(kind, &lints);
        match kind.shape {
            Shape::Form => self.form(kind, entries, &split),
            Shape::Table => self.list_file(kind, entries, &split),
        }
    }

    /// The kind the file name suggests (`会议纪要.md` → meeting), for hints.
    fn guess_kind(&self) -> String {
        let stem = Path::new(&**self.display).file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
        self.ctx
            .schema
            .kind_for_sheet(&stem)
            .filter(|k| k.collection.is_some())
            .map_or("meeting".to_string(), |k| kind_word(k).to_string())
    }

    fn parse(&mut self, split: &Split) -> Option<(Y, Lints)> {
        let lang = self.lang();
        if split.yaml.trim().is_empty() {
            return Some((Y { v: YV::Null, line: split.yaml_line }, Lints::default()));
        }
        match parse_yaml(split.yaml) {
            Ok(node) => {
                let mut lints = Lints::default();
                let root = lift(split.yaml, node, split.yaml_line, &mut lints);
                Some((root, lints))
            }
            Err(err) => {
                let original = unwrap_error(&err);
                let line = err.location().or_else(|| original.location()).map_or(1, |l| md_line(split.yaml_line, &l));
                let problem = UserMessageFormatter.format_message(original).into_owned();
                let (msg, hint, line) = match original {
                    YamlError::DuplicateMappingKey { key, .. } => {
                        let key = key.clone().unwrap_or_default();
                        (DUPLICATE_KEY.fill(lang, &[("key", &key)]), DUPLICATE_KEY_HINT.get(lang).to_string(), line)
                    }
                    YamlError::Budget { .. }
                    | YamlError::AliasReplayLimitExceeded { .. }
                    | YamlError::AliasExpansionLimitExceeded { .. }
                    | YamlError::AliasReplayStackDepthExceeded { .. }
                    | YamlError::AliasReplayCounterOverflow { .. } => {
                        (BUDGET.fill(lang, &[("problem", &problem)]), BUDGET_HINT.get(lang).to_string(), line)
                    }
                    _ => {
                        let (hint, at) = syntax_hint(split.yaml, split.yaml_line, line, lang);
                        (SYNTAX.fill(lang, &[("problem", &problem)]), hint, at)
                    }
                };
                let d = self.error(line, msg);
                d.hint = Some(hint);
                None
            }
        }
    }

    /// Warnings for IME slips the parser accepted (a full-width colon inside a plain value,
    /// an ideographic space before a key).
    fn lint_after_parse(&mut self, kind: &'static KindDef, lints: &Lints) {
        let lang = self.lang();
        for (line, key) in &lints.ideographic_indent {
            let msg = IDEOGRAPHIC_INDENT.fill(lang, &[("key", key)]);
            let hint = IDEOGRAPHIC_INDENT_HINT.fill(lang, &[("line", &line.to_string())]);
            self.error(*line, msg).hint = Some(hint);
        }
        for (line, key) in &lints.fullwidth_colon {
            if !self.names_a_field(kind, key) {
                continue;
            }
            let msg = FULLWIDTH_COLON.fill(lang, &[("key", key)]);
            let hint = FULLWIDTH_COLON_HINT.fill(lang, &[("line", &line.to_string()), ("key", key)]);
            let d = Diagnostic::warning("front-matter", self.loc(*line), msg).value(format!("{key}：")).hint(hint);
            self.out.diags.push(d);
        }
    }

    /// Whether `key` names `kind`, a field of it, of one of its sub-kinds, or of a sign-off.
    fn names_a_field(&self, kind: &KindDef, key: &str) -> bool {
        if normalize(key) == "kind" || self.ctx.schema.field(kind.key, key).is_some() {
            return true;
        }
        let subs = kind.fields.iter().filter_map(|f| if let Type::Sub(s) = f.ty { Some(s) } else { None });
        subs.chain(["signoff"]).any(|s| self.ctx.schema.field(s, key).is_some())
    }

    fn kind(&mut self, entries: &[(Key, Y)]) -> Option<&'static KindDef> {
        let lang = self.lang();
        let Some((key, value)) = entries.iter().find(|(k, _)| normalize(&k.text) == "kind") else {
            let hint = NO_KIND_HINT.fill(lang, &[("kind", &self.guess_kind()), ("kinds", &kinds_list(lang))]);
            let line = entries.first().map_or(1, |(k, _)| k.line.saturating_sub(1).max(1));
            self.error(line, NO_KIND.get(lang).to_string()).hint = Some(hint);
            return None;
        };
        let word = match &value.v {
            YV::Scalar(s) => s.trim().to_string(),
            _ => text_of(value),
        };
        let n = normalize(&word);
        // Exact names only: `kind: minutes-of-doom` must not pass for minutes by containment.
        let found = top_kinds().find(|k| !n.is_empty() && k.names().any(|name| normalize(name) == n));
        if found.is_none() {
            let kinds = kinds_list(lang);
            let msg = BAD_KIND.fill(lang, &[("value", &word)]);
            let line = if matches!(value.v, YV::Null) { key.line } else { value.line };
            let d = self.error(line, msg);
            d.field = Some("kind".into());
            d.value = Some(word);
            d.expected = Some(kinds.clone());
            d.hint = Some(BAD_KIND_HINT.fill(lang, &[("kinds", &kinds)]));
        }
        found
    }

    // ---- form files (requirement, meeting, retrospective) -----------------------------

    fn form(&mut self, kind: &'static KindDef, entries: Vec<(Key, Y)>, split: &Split) {
        let mut rec = RawRecord::new(kind, self.loc(1));
        let mut keys: Vec<(&'static str, String, u32)> = Vec::new();
        let mut signoffs = Vec::new();
        for (key, value) in entries {
            if normalize(&key.text) == "kind" {
                continue;
            }
            if let Some(f) = self.ctx.schema.field(kind.key, &key.text) {
                self.put(&mut rec, &mut keys, f, &key, value);
            } else if let Some(list) = self.signoff_list(kind, &key, &value) {
                signoffs.extend(self.records(list, &key, value, default_stage(kind.key)));
            } else {
                self.extra(&mut rec, &key, &value, EXTRA);
            }
        }
        self.body(&mut rec, &mut keys, split);
        self.out.records.push(rec);
        self.out.records.extend(signoffs);
    }

    /// The sign-off kind when `key` introduces a list of sign-offs inside another kind's file.
    fn signoff_list(&self, kind: &KindDef, key: &Key, value: &Y) -> Option<&'static KindDef> {
        if kind.key == "signoff" || !matches!(value.v, YV::Seq(_) | YV::Map(_)) {
            return None;
        }
        self.ctx.schema.kind_for_sheet(&key.text).filter(|k| k.key == "signoff")
    }

    /// Records of `kind` from a list (each item `key: value` pairs) under `key`.
    fn records(&mut self, kind: &'static KindDef, key: &Key, value: Y, stage: Option<&'static str>) -> Vec<RawRecord> {
        let items = match value.v {
            YV::Seq(items) => items,
            YV::Map(_) => vec![value],
            YV::Null => Vec::new(),
            YV::Scalar(_) => vec![value],
        };
        let mut out = Vec::new();
        for item in items {
            let line = item.line;
            match item.v {
                YV::Map(entries) => {
                    let mut rec = RawRecord::new(kind, self.loc(line));
                    let mut keys = Vec::new();
                    for (k, v) in entries {
                        match self.ctx.schema.field(kind.key, &k.text) {
                            Some(f) => self.put(&mut rec, &mut keys, f, &k, v),
                            None => self.extra(&mut rec, &k, &v, EXTRA),
                        }
                    }
                    if let Some(stage) = stage
                        && kind.key == "signoff"
                        && !rec.fields.iter().any(|f| f.key == "stage")
                    {
                        // A sign-off list inside minutes signs the minutes (seed 001 (三)), inside a
                        // requirement the review (seed 000 (一)), inside a retrospective the acceptance.
                        rec.fields.push(RawField {
                            key: "stage",
                            cell: Cell::Text(stage.into()),
                            loc: self.loc(key.line),
                        });
                    }
                    out.push(rec);
                }
                YV::Null => {}
                other => {
                    let lang = self.lang();
                    let value = text_of(&Y { v: other, line });
                    let msg = NOT_RECORD.fill(lang, &[("kind", kind.label.get(lang)), ("value", &value)]);
                    let d = self.error(line, msg);
                    d.value = Some(value);
                    d.hint = Some(NOT_RECORD_HINT.get(lang).to_string());
                }
            }
        }
        out
    }

    /// Puts one field into a record; `keys` remembers which key set which field, for repeats.
    fn put(
        &mut self,
        rec: &mut RawRecord,
        keys: &mut Vec<(&'static str, String, u32)>,
        f: &'static FieldDef,
        key: &Key,
        value: Y,
    ) {
        let lang = self.lang();
        if let Some((_, first, first_line)) = keys.iter().find(|(k, _, _)| *k == f.key) {
            let msg = DUPLICATE_FIELD.fill(
                lang,
                &[("label", f.label.get(lang)), ("first", &first_line.to_string()), ("a", first), ("b", &key.text)],
            );
            let d = self.error(key.line, msg);
            d.field = Some(f.key.into());
            d.hint = Some(DUPLICATE_KEY_HINT.get(lang).to_string());
            return;
        }
        keys.push((f.key, key.text.clone(), key.line));
        let line = if matches!(value.v, YV::Null) { key.line } else { value.line };
        if let Type::Sub(sub) = f.ty
            && let Some(sub_kind) = crate::schema::kind(sub)
            && let Some(subs) = self.sub_records(f, sub_kind, &value)
        {
            rec.subs.push((f.key, subs));
            return;
        }
        let cell = match value.v {
            YV::Map(entries) => match map_as_text(f.ty, &entries) {
                Some(text) => Cell::Text(text),
                None => {
                    let msg = NESTED.fill(lang, &[("label", f.label.get(lang))]);
                    let d = self.error(value.line, msg);
                    d.field = Some(f.key.into());
                    d.value = Some(text_of(&Y { v: YV::Map(entries), line: value.line }));
                    d.hint = Some(NESTED_HINT.fill(lang, &[("key", &key.text)]));
                    return;
                }
            },
            other => cell_of(other),
        };
        rec.fields.push(RawField { key: f.key, cell, loc: self.loc(line) });
    }

    /// Sub-records (attendees, actions, …) when the value is a list of `key: value` items, or
    /// a mapping (one record, or `date: name` pairs for two-field kinds such as milestones).
    /// `None` when the value is text for `values` to parse.
    fn sub_records(&mut self, f: &FieldDef, sub: &'static KindDef, value: &Y) -> Option<Vec<RawRecord>> {
        let lang = self.lang();
        match &value.v {
            YV::Seq(items) if items.iter().any(|i| matches!(i.v, YV::Map(_))) => {
                let mut out = Vec::new();
                for item in items {
                    match &item.v {
                        YV::Map(entries) => out.push(self.sub_record(sub, entries, item.line)),
                        YV::Null => {}
                        _ => {
                            let first = sub.fields.first().map_or("name", |f| f.key);
                            let value = text_of(item);
                            let msg = MIXED_LIST.fill(lang, &[("label", f.label.get(lang)), ("value", &value)]);
                            let d = self.error(item.line, msg);
                            d.field = Some(f.key.into());
                            d.value = Some(value);
                            d.hint = Some(MIXED_LIST_HINT.fill(lang, &[("field", first)]));
                        }
                    }
                }
                Some(out)
            }
            YV::Map(entries) => {
                let all_fields = entries.iter().all(|(k, _)| self.ctx.schema.field(sub.key, &k.text).is_some());
                let inputs: Vec<&FieldDef> = sub.fields.iter().filter(|f| !f.computed).collect();
                if all_fields {
                    Some(vec![self.sub_record(sub, entries, value.line)])
                } else if let [first, second] = inputs.as_slice() {
                    // `milestones: {2024-10-15: 方案初稿}`: key and value fill the two fields.
                    let out = entries
                        .iter()
                        .map(|(k, v)| {
                            let mut r = RawRecord::new(sub, self.loc(k.line));
                            r.fields.push(RawField {
                                key: first.key,
                                cell: Cell::Text(k.text.clone()),
                                loc: self.loc(k.line),
                            });
                            let line = if matches!(v.v, YV::Null) { k.line } else { v.line };
                            r.fields.push(RawField {
                                key: second.key,
                                cell: cell_of(v.v.clone()),
                                loc: self.loc(line),
                            });
                            r
                        })
                        .collect();
                    Some(out)
                } else {
                    Some(vec![self.sub_record(sub, entries, value.line)])
                }
            }
            _ => None,
        }
    }

    fn sub_record(&mut self, sub: &'static KindDef, entries: &[(Key, Y)], line: u32) -> RawRecord {
        let mut rec = RawRecord::new(sub, self.loc(line));
        let mut keys = Vec::new();
        for (k, v) in entries {
            match self.ctx.schema.field(sub.key, &k.text) {
                Some(f) => self.put(&mut rec, &mut keys, f, k, v.clone()),
                None => self.extra(&mut rec, k, v, EXTRA),
            }
        }
        rec
    }

    fn extra(&mut self, rec: &mut RawRecord, key: &Key, value: &Y, msg: L10n) {
        rec.extra.push((key.text.clone(), text_of(value)));
        let d = self.extra_diag(rec.kind, &key.text, key.line, msg);
        self.out.diags.push(d);
    }

    fn extra_diag(&self, kind: &KindDef, key: &str, line: u32, msg: L10n) -> Diagnostic {
        let lang = self.lang();
        let label = kind.label.get(lang);
        let suggestions = self.ctx.schema.suggest(kind.key, key);
        let hint = if suggestions.is_empty() {
            EXTRA_HINT_NONE.fill(lang, &[("kind", label)])
        } else {
            let fields: Vec<String> = suggestions
                .iter()
                .map(|f| match lang {
                    Lang::En => format!("{} ({})", f.label.get(lang), f.key),
                    _ => format!("{}（{}）", f.label.get(lang), f.key),
                })
                .collect();
            EXTRA_HINT.fill(lang, &[("fields", &fields.join(if lang == Lang::En { ", " } else { "、" }))])
        };
        let message = msg.fill(lang, &[("key", key), ("kind", label)]);
        Diagnostic::info("extra", self.loc(line), message).value(key).hint(hint)
    }

    // ---- list files (tasks, risks, signoffs) ------------------------------------------

    fn list_file(&mut self, kind: &'static KindDef, entries: Vec<(Key, Y)>, split: &Split) {
        let lang = self.lang();
        let collection = kind.collection.unwrap_or(kind.key);
        let mut shared = RawRecord::new(kind, self.loc(1));
        let mut shared_keys = Vec::new();
        let mut list: Option<(Key, Y)> = None;
        let mut signoffs = Vec::new();
        for (key, value) in entries {
            let n = normalize(&key.text);
            if n == "kind" {
                continue;
            }
            // A single mapping under `tasks:` is a list of one.
            let is_list = matches!(value.v, YV::Seq(_) | YV::Map(_))
                && (n == collection || n == "items" || n == kind.key || kind.names().any(|name| normalize(name) == n));
            if is_list {
                if let Some((first, _)) = &list {
                    let msg = TWO_LISTS.fill(lang, &[("a", &first.text), ("b", &key.text)]);
                    self.error(key.line, msg).hint = Some(TWO_LISTS_HINT.get(lang).to_string());
                } else {
                    list = Some((key, value));
                }
            } else if let Some(f) = self.ctx.schema.field(kind.key, &key.text) {
                self.put(&mut shared, &mut shared_keys, f, &key, value);
            } else if let Some(so) = self.signoff_list(kind, &key, &value) {
                signoffs.extend(self.records(so, &key, value, None));
            } else {
                let d = self.extra_diag(kind, &key.text, key.line, EXTRA_TOP);
                self.out.diags.push(d);
            }
        }
        match list {
            Some((key, value)) => {
                let mut records = self.records(kind, &key, value, None);
                // Fields written above the list apply to every record that leaves them out
                // (`stage: 需求评审` once for a whole sign-off sheet).
                for rec in &mut records {
                    for f in &shared.fields {
                        if !rec.fields.iter().any(|g| g.key == f.key) {
                            rec.fields.push(f.clone());
                        }
                    }
                }
                self.out.records.extend(records);
            }
            None if !shared.fields.is_empty() => self.out.records.push(shared),
            None => {
                let label = kind.label.get(lang);
                let msg = NO_LIST.fill(lang, &[("kind", label), ("collection", collection)]);
                self.error(1, msg).hint = Some(NO_LIST_HINT.fill(lang, &[("collection", collection)]));
            }
        }
        self.out.records.extend(signoffs);
        if !split.body.trim().is_empty() {
            let line = split.body_line + leading_blank_lines(split.body);
            let msg = BODY_IGNORED.fill(lang, &[("kind", kind.label.get(lang))]);
            let d = Diagnostic::info("extra", self.loc(line), msg).hint(BODY_IGNORED_HINT.get(lang));
            self.out.diags.push(d);
        }
    }

    // ---- the body of form files ----------------------------------------------------------

    /// `## 讨论内容摘要` fills `summary`, `## 决议事项` fills `decisions`, `## 行动项` with a
    /// table fills `actions`; the rest of the body becomes `notes` (or `extra` `body`).
    fn body(&mut self, rec: &mut RawRecord, keys: &mut Vec<(&'static str, String, u32)>, split: &Split) {
        let lang = self.lang();
        let body = split.body;
        if body.trim().is_empty() {
            return;
        }
        let lines = LineIndex::new(body, split.body_line);
        let sections = sections(body);
        let mut rest: Vec<Range<usize>> = Vec::new();
        let mut cursor = 0;
        for s in &sections {
            let Some(f) = self.section_field(rec.kind, &s.title) else { continue };
            let heading_line = lines.line(s.heading.start);
            if let Some((_, first, _)) = keys.iter().find(|(k, _, _)| *k == f.key) {
                let msg = SECTION_TWICE.fill(lang, &[("heading", &s.title), ("label", f.label.get(lang))]);
                let d = Diagnostic::warning("front-matter", self.loc(heading_line), msg)
                    .field(f.key)
                    .value(s.title.clone())
                    .hint(SECTION_TWICE_HINT.fill(lang, &[("key", first)]));
                self.out.diags.push(d);
                continue;
            }
            keys.push((f.key, s.title.clone(), heading_line));
            rest.push(cursor..s.heading.start);
            cursor = s.content.end;
            let content = &body[s.content.clone()];
            self.fill_section(rec, f, content, s.content.start, &lines, heading_line);
        }
        rest.push(cursor..body.len());
        let rest: Vec<&str> =
            rest.iter().map(|r| body[r.clone()].trim_matches('\n')).filter(|t| !t.trim().is_empty()).collect();
        if rest.is_empty() {
            return;
        }
        let text = rest.join("\n\n").trim().to_string();
        let first = sections_first_line(body, &lines);
        match rec.kind.field("notes").filter(|f| !keys.iter().any(|(k, _, _)| *k == f.key)) {
            Some(f) => rec.fields.push(RawField { key: f.key, cell: Cell::Text(text), loc: self.loc(first) }),
            None => rec.extra.push(("body".to_string(), text)),
        }
    }

    /// The field a `##` heading names: a text, Markdown, list or sub-table field of the kind.
    fn section_field(&self, kind: &KindDef, title: &str) -> Option<&'static FieldDef> {
        let f = self
            .ctx
            .schema
            .field(kind.key, title)
            .or_else(|| self.ctx.schema.field(kind.key, strip_numbering(title)))?;
        matches!(f.ty, Type::Text | Type::Markdown | Type::List | Type::Sub(_)).then_some(f)
    }

    fn fill_section(
        &mut self,
        rec: &mut RawRecord,
        f: &'static FieldDef,
        content: &str,
        offset: usize,
        lines: &LineIndex,
        heading_line: u32,
    ) {
        let loc = self.loc(heading_line);
        let cell = match f.ty {
            Type::Sub(sub) => {
                let Some(sub_kind) = crate::schema::kind(sub) else { return };
                if let Some(table) = first_table(content) {
                    let records = self.table_records(sub_kind, content, offset, &table, lines);
                    rec.subs.push((f.key, records));
                    return;
                }
                list_or_text(content)
            }
            Type::List => list_or_text(content),
            _ => Cell::Text(content.trim().to_string()),
        };
        if !cell.is_empty() {
            rec.fields.push(RawField { key: f.key, cell, loc });
        }
    }

    /// Rows of a Markdown table as records of `sub`; header cells name the fields.
    fn table_records(
        &mut self,
        sub: &'static KindDef,
        content: &str,
        offset: usize,
        table: &Table,
        lines: &LineIndex,
    ) -> Vec<RawRecord> {
        let header_line = lines.line(offset + table.header_start);
        let columns: Vec<Option<&'static FieldDef>> =
            table.header.iter().map(|h| self.ctx.schema.field(sub.key, &cell_text(content, h))).collect();
        for (h, f) in table.header.iter().zip(&columns) {
            let text = cell_text(content, h);
            if f.is_none() && !text.is_empty() {
                let d = self.extra_diag(sub, &text, header_line, EXTRA_COLUMN);
                self.out.diags.push(d);
            }
        }
        let mut out = Vec::new();
        for row in &table.rows {
            let line = lines.line(offset + row.start);
            let mut rec = RawRecord::new(sub, self.loc(line));
            for (i, cell) in row.cells.iter().enumerate() {
                let text = cell_text(content, cell);
                if text.is_empty() {
                    continue;
                }
                match columns.get(i).copied().flatten() {
                    Some(f) if !rec.fields.iter().any(|g| g.key == f.key) => {
                        rec.fields.push(RawField { key: f.key, cell: Cell::Text(text), loc: self.loc(line) })
                    }
                    _ => {
                        let header = table.header.get(i).map(|h| cell_text(content, h)).unwrap_or_default();
                        rec.extra.push((header, text));
                    }
                }
            }
            if !rec.fields.is_empty() || !rec.extra.is_empty() {
                out.push(rec);
            }
        }
        out
    }
}

/// A cell from a YAML value: text as written, lists of text, empty for null.
fn cell_of(v: YV) -> Cell {
    match v {
        YV::Null => Cell::Empty,
        YV::Scalar(s) => Cell::Text(s),
        YV::Seq(items) => {
            let mut out = Vec::new();
            for item in items {
                match cell_of(item.v) {
                    Cell::List(inner) => out.extend(inner),
                    Cell::Empty => {}
                    c => out.push(c),
                }
            }
            Cell::List(out)
        }
        YV::Map(entries) => Cell::Text(text_of(&Y { v: YV::Map(entries), line: 0 })),
    }
}

/// A party written as `{department: 市场部, person: 张三}` or a quantity as
/// `{value: 500, unit: 万元}` — the shapes of the JSON output — as the text `values` parses.
fn map_as_text(ty: Type, entries: &[(Key, Y)]) -> Option<String> {
    let get = |names: &[&str]| {
        entries
            .iter()
            .find(|(k, _)| names.contains(&normalize(&k.text).as_str()))
            .map(|(_, v)| text_of(v))
            .filter(|s| !s.trim().is_empty())
    };
    match ty {
        Type::Party | Type::Parties => {
            let dept = get(&["department", "dept", "部门", "单位"]);
            let person = get(&["person", "name", "姓名", "人员", "负责人"]);
            if entries.len() > 2 || (dept.is_none() && person.is_none()) {
                return None;
            }
            Some(match (dept, person) {
                (Some(d), Some(p)) => format!("{d}/{p}"),
                (Some(d), None) => d,
                (None, Some(p)) => p,
                (None, None) => String::new(),
            })
        }
        Type::Quantity => {
            let value = get(&["value", "数值", "值"])?;
            let unit = get(&["unit", "单位"]).unwrap_or_default();
            Some(format!("{value}{unit}"))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Body helpers (pulldown-cmark without the metadata option, INGEST-NOTES §2c).

/// Maps byte offsets of the body to Markdown lines.
struct LineIndex {
    starts: Vec<usize>,
    first: u32,
}

impl LineIndex {
    fn new(text: &str, first: u32) -> LineIndex {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { starts, first }
    }

    fn line(&self, offset: usize) -> u32 {
        let idx = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        self.first + idx as u32
    }
}

fn leading_blank_lines(text: &str) -> u32 {
    text.lines().take_while(|l| l.trim().is_empty()).count() as u32
}

/// The line of the body's first non-blank text.
fn sections_first_line(body: &str, lines: &LineIndex) -> u32 {
    let offset = body.len() - body.trim_start().len();
    lines.line(offset)
}

#[derive(Debug)]
struct Section {
    title: String,
    heading: Range<usize>,
    content: Range<usize>,
}

fn md_options() -> MdOptions {
    MdOptions::ENABLE_TABLES | MdOptions::ENABLE_STRIKETHROUGH | MdOptions::ENABLE_TASKLISTS
}

/// `##` (ATX) sections of the body: each runs to the next heading of level 1 or 2.
fn sections(body: &str) -> Vec<Section> {
    let mut heads: Vec<(HeadingLevel, Range<usize>, String)> = Vec::new();
    let mut current: Option<(HeadingLevel, Range<usize>, String)> = None;
    for (ev, range) in Parser::new_ext(body, md_options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => current = Some((level, range, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, title)) = current.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => heads.extend(current.take()),
            _ => {}
        }
    }
    let bounds: Vec<usize> = heads.iter().filter(|(l, _, _)| *l <= HeadingLevel::H2).map(|(_, r, _)| r.start).collect();
    heads
        .into_iter()
        .filter(|(level, range, _)| *level == HeadingLevel::H2 && body[range.start..].trim_start().starts_with('#'))
        .map(|(_, range, title)| {
            let end = bounds.iter().copied().find(|&b| b > range.start).unwrap_or(body.len());
            let content_start = range.end.min(end);
            Section {
                title: title.trim().to_string(),
                heading: range.start..content_start,
                content: content_start..end,
            }
        })
        .collect()
}

/// `一、讨论内容摘要`, `1. 决议事项`, `(三)行动项` → the title without its numbering.
fn strip_numbering(title: &str) -> &str {
    let t = title.trim_start_matches(|c: char| {
        c.is_ascii_digit() || c.is_whitespace() || "一二三四五六七八九十.．、)）(（".contains(c)
    });
    if t.is_empty() { title } else { t }
}

/// Top-level list items as a list, else the whole text (for `values` to split).
fn list_or_text(content: &str) -> Cell {
    let items = list_items(content);
    if items.is_empty() {
        Cell::Text(content.trim().to_string())
    } else {
        Cell::List(items.into_iter().map(Cell::Text).collect())
    }
}

/// The source text of each top-level list item, without its marker (`-`, `1.`).
fn list_items(content: &str) -> Vec<String> {
    let mut depth = 0usize;
    let mut items = Vec::new();
    for (ev, range) in Parser::new_ext(content, md_options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) if depth == 1 => {
                let text = strip_marker(&content[range]);
                if !text.is_empty() {
                    items.push(text);
                }
            }
            _ => {}
        }
    }
    items
}

fn strip_marker(item: &str) -> String {
    let t = item.trim_start();
    let t = t
        .strip_prefix(['-', '*', '+'])
        .or_else(|| {
            let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            (digits > 0).then(|| &t[digits..]).and_then(|r| r.strip_prefix(['.', ')']))
        })
        .unwrap_or(t);
    let lines: Vec<&str> = t.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines.join("\n")
}

#[derive(Debug)]
struct Table {
    header: Vec<Range<usize>>,
    header_start: usize,
    rows: Vec<Row>,
}

#[derive(Debug)]
struct Row {
    start: usize,
    cells: Vec<Range<usize>>,
}

/// The first GFM table in `content`, with the source range of every cell.
fn first_table(content: &str) -> Option<Table> {
    let mut table: Option<Table> = None;
    let mut in_head = false;
    for (ev, range) in Parser::new_ext(content, md_options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Table(_)) if table.is_none() => {
                table = Some(Table { header: Vec::new(), header_start: range.start, rows: Vec::new() })
            }
            Event::End(TagEnd::Table) if table.is_some() => return table,
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => {
                if let Some(t) = table.as_mut() {
                    t.rows.push(Row { start: range.start, cells: Vec::new() });
                }
            }
            Event::Start(Tag::TableCell) => {
                if let Some(t) = table.as_mut() {
                    if in_head {
                        t.header.push(range);
                    } else if let Some(row) = t.rows.last_mut() {
                        row.cells.push(range);
                    }
                }
            }
            _ => {}
        }
    }
    table
}

/// A table cell's source text: trimmed, `|` escapes undone, `<br>` as a line break.
fn cell_text(content: &str, range: &Range<usize>) -> String {
    let raw = content.get(range.clone()).unwrap_or("");
    raw.trim().trim_matches('|').trim().replace("\\|", "|").replace("<br>", "\n").replace("<br/>", "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use crate::schema::Schema;
    use chrono::NaiveDate;

    fn ctx() -> Ctx {
        Ctx::new(Lang::ZhCn, NaiveDate::from_ymd_opt(2024, 8, 1).unwrap(), Schema::default())
    }

    fn read_as(name: &str, text: &str) -> FileRead {
        let display: Arc<str> = name.into();
        read_text(text, &display, &ctx())
    }

    fn field<'a>(r: &'a RawRecord, key: &str) -> &'a RawField {
        r.fields.iter().find(|f| f.key == key).unwrap_or_else(|| panic!("no field {key} in {:?}", r.fields))
    }

    fn text(r: &RawRecord, key: &str) -> String {
        field(r, key).cell.display()
    }

    fn line(r: &RawRecord, key: &str) -> u32 {
        field(r, key).loc.line.unwrap()
    }

    fn errors(read: &FileRead) -> Vec<&Diagnostic> {
        read.diags.iter().filter(|d| d.severity == Severity::Error).collect()
    }

    fn only_error(read: &FileRead) -> &Diagnostic {
        let e = errors(read);
        assert_eq!(e.len(), 1, "{:#?}", read.diags);
        e[0]
    }

    // seed 003 三(三) 会议纪要与行动项表, with the actions of seed 001 步骤1 行动项表格.
    const MEETING: &str = "---
kind: 会议纪要
会议主题: “双十一大促方案”评审会
会议时间: 2023年9月15日14:00-16:00
参与部门: 市场部、销售部、电商部、财务部
主持人: 市场部/张三
行动项:
  - 任务描述: 整理Q3预算分配表
    负责人: 赵六
    截止日期: 2023-06-30
    交付标准: 包含各部门额度、使用场景、KPI
    优先级: 高
  - 任务描述: 优化数据对接流程方案
    负责人: '**'
    截止日期: 2023-07-07
    交付标准: 输出流程图+时效承诺
    优先级: 中
签字确认:
  - {姓名: 张三, 部门: 市场部, 意见: 同意, 日期: 2023-09-16}
---

# “双十一大促方案”评审会

## 讨论内容摘要

1. 市场部汇报活动整体框架;
2. 销售部提出渠道分成优化建议;
3. 财务部明确预算上限

## 决议事项

1. 活动周期定为11.1-11.11;
2. 渠道分成比例提高2个百分点;
3. 总预算控制在500万元以内

## 其他

会后24小时内分发纪要。
";

    #[test]
    fn seed_meeting_reads_fields_subs_sections_and_signoffs() {
        let read = read_as("纪要.md", MEETING);
        assert!(errors(&read).is_empty(), "{:#?}", read.diags);
        assert_eq!(read.records.len(), 2);
        let m = &read.records[0];
        assert_eq!(m.kind.key, "meeting");
        assert_eq!(text(m, "title"), "“双十一大促方案”评审会");
        // the range stays one text; values splits it into start and end (the `pair`)
        assert_eq!(text(m, "start"), "2023年9月15日14:00-16:00");
        assert_eq!(line(m, "start"), 4);
        assert_eq!(text(m, "host"), "市场部/张三");
        let (key, actions) = &m.subs[0];
        assert_eq!(*key, "actions");
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[0].kind.key, "action");
        assert_eq!(actions[0].loc.line, Some(8));
        assert_eq!(text(&actions[0], "description"), "整理Q3预算分配表");
        assert_eq!(text(&actions[0], "due"), "2023-06-30");
        assert_eq!(line(&actions[0], "due"), 10);
        assert_eq!(text(&actions[1], "owner"), "**");
        assert_eq!(text(&actions[1], "priority"), "中");
        // body sections fill the Markdown and list fields, at their heading's line
        assert!(text(m, "summary").starts_with("1. 市场部汇报活动整体框架"));
        assert_eq!(line(m, "summary"), 24);
        let Cell::List(decisions) = &field(m, "decisions").cell else { panic!("decisions not a list") };
        assert_eq!(decisions.len(), 3);
        assert_eq!(decisions[2], Cell::Text("总预算控制在500万元以内".into()));
        // meetings have no notes field: the rest of the body is kept as extra
        let body = &m.extra.iter().find(|(k, _)| k == "body").expect("body kept").1;
        assert!(body.contains("# “双十一大促方案”评审会") && body.contains("## 其他"), "{body}");
        assert!(!body.contains("讨论内容摘要"));
        // a sign-off list inside minutes signs the minutes
        let s = &read.records[1];
        assert_eq!(s.kind.key, "signoff");
        assert_eq!(text(s, "stage"), "minutes");
        assert_eq!(text(s, "decision"), "同意");
        assert_eq!(s.loc.line, Some(19));
    }

    #[test]
    fn seed_tasks_list_keeps_ids_as_written() {
        // seed 000 模板2
        let md = "---
kind: tasks
tasks:
  - 任务ID: 1.1
    子任务名称: 活动方案设计
    负责部门/人: 市场部*
    协作部门/人: 产品部*
    计划开始时间: 2024-07-15
    计划结束时间: 2024-07-25
    实际完成时间: 2024-07-24
    当前状态: 已完成
    交付成果: 《推廣活動方案V1.0》
    优先级: P0
  - {任务ID: 1.10, 子任务名称: 产品卖点提炼, 负责部门/人: 产品部*, 完成比例: 0.8}
  - id: 001
    name: 宣传物料制作
    owner: 设计部*
    depends_on: [1.1, 1.10]
    confirmed: yes
---
";
        let read = read_as("tasks.md", md);
        assert!(errors(&read).is_empty(), "{:#?}", read.diags);
        assert_eq!(read.records.len(), 3);
        let t = &read.records;
        assert!(t.iter().all(|r| r.kind.key == "task"));
        assert_eq!(text(&t[0], "id"), "1.1");
        assert_eq!(text(&t[0], "owner"), "市场部*");
        assert_eq!(text(&t[0], "status"), "已完成");
        assert_eq!(t[0].loc.line, Some(4));
        assert_eq!(line(&t[0], "planned_end"), 9);
        assert_eq!(text(&t[1], "id"), "1.10");
        assert_eq!(text(&t[1], "progress"), "0.8");
        assert_eq!(text(&t[2], "id"), "001");
        assert_eq!(
            field(&t[2], "depends_on").cell,
            Cell::List(vec![Cell::Text("1.1".into()), Cell::Text("1.10".into())])
        );
        // an unknown key is kept as extra and reported as info with suggestions
        assert_eq!(t[2].extra, vec![("confirmed".to_string(), "yes".to_string())]);
        let info = read.diags.iter().find(|d| d.code == "extra").unwrap();
        assert_eq!(info.severity, Severity::Info);
        assert_eq!(info.loc.line, Some(19));
    }

    #[test]
    fn chinese_aliases_and_traditional_kind_names() {
        let md = "---\nkind: 風險與問題登記表\n風險:\n  - 記錄ID: '001'\n    風險/問題描述: 宣傳物料設計不符合品牌規範\n    影響等級: 高\n    責任部門/人: 設計部*\n---\n";
        let read = read_as("r.md", md);
        assert!(errors(&read).is_empty(), "{:#?}", read.diags);
        let r = &read.records[0];
        assert_eq!(r.kind.key, "risk");
        assert_eq!(text(r, "id"), "001");
        assert_eq!(text(r, "impact"), "高");
        assert_eq!(text(r, "owner"), "設計部*");
    }

    #[test]
    fn crlf_and_bom_are_accepted_and_lines_stay_right() {
        let md =
            "\u{FEFF}---\r\nkind: requirement\r\nid: 2024-MKT-001\r\n协作主题: 2024年Q3新品上市推广\r\n---\r\n正文\r\n";
        let read = read_as("req.md", md);
        assert!(errors(&read).is_empty(), "{:#?}", read.diags);
        let r = &read.records[0];
        assert_eq!(text(r, "id"), "2024-MKT-001");
        assert_eq!(text(r, "title"), "2024年Q3新品上市推广");
        assert_eq!(line(r, "title"), 4);
        // requirements have notes: the body goes there, at its line
        assert_eq!(text(r, "notes"), "正文");
        assert_eq!(line(r, "notes"), 6);
    }

    #[test]
    fn unclosed_fence_is_an_error_at_line_1() {
        let read = read_as("x.md", "---\nkind: meeting\ntitle: x\n\nbody\n");
        let e = only_error(&read);
        assert_eq!((e.code, e.loc.line), ("front-matter", Some(1)));
        assert!(e.message.contains("没有结束"), "{}", e.message);
        assert!(read.records.is_empty());
    }

    #[test]
    fn toml_front_matter_is_refused() {
        let read = read_as("x.md", "+++\nkind = \"meeting\"\n+++\n");
        let e = only_error(&read);
        assert_eq!(e.code, "front-matter");
        assert!(e.message.contains("TOML"));
    }

    #[test]
    fn no_front_matter_explains_kind_with_an_example() {
        let read = read_as("会议纪要.md", "# 周例会\n\n讨论了进度。\n");
        let e = only_error(&read);
        assert_eq!((e.code, e.loc.line), ("front-matter", Some(1)));
        assert!(e.message.contains("kind:"));
        let hint = e.hint.as_deref().unwrap();
        assert!(hint.contains("kind: meeting") && hint.contains("---"), "{hint}");

        let read = read_as("x.md", "\n\n---\nkind: meeting\n---\n");
        assert_eq!(only_error(&read).loc.line, Some(3));
    }

    #[test]
    fn empty_front_matter_and_unknown_kind_list_the_kinds() {
        let read = read_as("x.md", "---\n---\n");
        let e = only_error(&read);
        assert!(e.message.contains("kind"));
        assert!(e.hint.as_deref().unwrap().contains("signoffs"));

        let read = read_as("x.md", "---\nkind: minutes-of-doom\n---\n");
        let e = only_error(&read);
        assert_eq!(e.loc.line, Some(2));
        assert_eq!(e.value.as_deref(), Some("minutes-of-doom"));
        assert!(e.expected.as_deref().unwrap().contains("retrospective"));
    }

    #[test]
    fn duplicate_keys_are_errors_with_their_line() {
        let read = read_as("x.md", "---\nkind: meeting\ntitle: a\nplace: 301\ntitle: b\n---\n");
        let e = only_error(&read);
        assert_eq!((e.code, e.loc.line), ("front-matter", Some(5)));
        assert!(e.message.contains("title"), "{}", e.message);
        assert!(read.records.is_empty());

        // two aliases of one field are a repeat too; the first is kept
        let read = read_as("x.md", "---\nkind: meeting\ntitle: a\n会议主题: b\n---\n");
        let e = only_error(&read);
        assert_eq!(e.loc.line, Some(4));
        assert_eq!(e.field.as_deref(), Some("title"));
        assert_eq!(text(&read.records[0], "title"), "a");
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut md = String::from(
            "---\nkind: meeting\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let refs = vec![format!("*{}", w[0]); 9].join(",");
            md.push_str(&format!("{}: &{} [{}]\n", w[1], w[1], refs));
        }
        md.push_str("---\n");
        let start = std::time::Instant::now();
        let read = read_as("bomb.md", &md);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        let e = only_error(&read);
        assert_eq!(e.code, "front-matter");
        assert!(e.loc.line.unwrap() >= 2, "{e:?}");
        assert!(read.records.is_empty());
    }

    #[test]
    fn binary_and_non_utf8_files_are_one_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let display: Arc<str> = "x.md".into();
        for (bytes, needle) in [
            (b"---\nkind: meeting\n\x00\x01\x02---\n".to_vec(), "NUL"),
            (b"---\nkind: meeting\ntitle: \xc4\xe3\xba\xc3\n---\n".to_vec(), "UTF-8"),
            (vec![0xFF, 0xFE, b'-', 0, b'-', 0], "UTF-16"),
        ] {
            let path = dir.path().join("x.md");
            std::fs::write(&path, &bytes).unwrap();
            let read = read(&path, &display, &ctx());
            assert_eq!(read.diags.len(), 1);
            let d = &read.diags[0];
            assert_eq!(d.code, "file");
            assert!(d.message.contains(needle), "{}", d.message);
            assert!(d.hint.is_some());
        }
        let read = read(&dir.path().join("missing.md"), &display, &ctx());
        assert_eq!(read.diags[0].code, "file");
    }

    #[test]
    fn horizontal_rules_in_the_body_are_not_metadata() {
        let md = "---\nkind: requirement\nid: 2024-MKT-001\n---\n\n第一段\n\n---\n\ntitle: 不是字段\n\n---\n\n第三段\n";
        let read = read_as("x.md", md);
        assert!(errors(&read).is_empty(), "{:#?}", read.diags);
        let r = &read.records[0];
        assert_eq!(r.fields.iter().filter(|f| f.key == "title").count(), 0);
        let notes = text(r, "notes");
        assert!(notes.contains("title: 不是字段") && notes.contains("第三段"), "{notes}");
    }

    #[test]
    fn sections_stop_at_the_next_heading_and_accept_numbering() {
        let md = "---\nkind: retrospective\n项目名称: 2024年Q3新品上市推广活动\n---\n## 一、协作亮点\n\n- 跨部门周例会机制高效\n- 风险预案完善\n  场地问题2小时内解决\n\n### 细节\n\n仍属亮点一节\n\n## 存在问题\n\n数据监测反饋延遲\n";
        let read = read_as("retro.md", md);
        assert!(errors(&read).is_empty(), "{:#?}", read.diags);
        let r = &read.records[0];
        let Cell::List(items) = &field(r, "highlights").cell else { panic!() };
        // the `###` block belongs to the section but is no top-level item
        assert_eq!(items.len(), 2);
        assert_eq!(items[1], Cell::Text("风险预案完善\n场地问题2小时内解决".into()));
        assert_eq!(line(r, "highlights"), 5);
        assert_eq!(text(r, "problems"), "数据监测反饋延遲");
        assert_eq!(line(r, "problems"), 15);
    }

    #[test]
    fn markdown_table_under_a_sub_heading_gives_sub_records() {
        // seed 001 步骤1 示例行动项表格
        let md = "---\nkind: meeting\ntitle: 预算会\n---\n\n## 行动项\n\n| 任务描述 | 负责人 | 截止日期 | 交付标准 | 优先级 | 备注 |\n|---|---|---|---|---|---|\n| 整理Q3预算分配表 | 赵六 | 2023-06-30 | 包含各部门额度、使用场景、KPI | 高 | x |\n| 收集销售终端反馈 | 孙七 | 2023-07-05 | 提交10个典型案例及改进建议 | 高 | |\n";
        let read = read_as("m.md", md);
        assert!(errors(&read).is_empty(), "{:#?}", read.diags);
        let m = &read.records[0];
        let (key, actions) = &m.subs[0];
        assert_eq!(*key, "actions");
        assert_eq!(actions.len(), 2);
        assert_eq!(text(&actions[1], "owner"), "孙七");
        assert_eq!(actions[1].loc.line, Some(11));
        assert_eq!(actions[0].extra, vec![("备注".to_string(), "x".to_string())]);
        assert!(read.diags.iter().any(|d| d.code == "extra" && d.loc.line == Some(8)));
    }

    #[test]
    fn section_repeating_a_front_matter_field_keeps_the_first() {
        let md = "---\nkind: meeting\ntitle: x\nsummary: 头部摘要\n---\n## 讨论内容摘要\n正文摘要\n";
        let read = read_as("m.md", md);
        let w = read.diags.iter().find(|d| d.severity == Severity::Warning).expect("warning");
        assert_eq!((w.code, w.loc.line), ("front-matter", Some(6)));
        assert_eq!(text(&read.records[0], "summary"), "头部摘要");
    }

    #[test]
    fn ime_mistakes_get_a_helpful_hint() {
        // a full-width colon after a key breaks the YAML
        let read = read_as("m.md", "---\nkind: meeting\n会议主题：周例会\n地点: 301\n---\n");
        let e = only_error(&read);
        assert_eq!(e.loc.line, Some(3));
        let hint = e.hint.as_deref().unwrap();
        assert!(hint.contains("全角冒号") && hint.contains("会议主题: "), "{hint}");

        // in a list item it parses, but the slip is flagged when it names a field
        let md = "---\nkind: meeting\ntitle: x\nattendees:\n  - 姓名：张三\n---\n";
        let read = read_as("m.md", md);
        let w = read.diags.iter().find(|d| d.severity == Severity::Warning).expect("warning");
        assert_eq!(w.loc.line, Some(5));

        // an ideographic space before a key silently changes the nesting: an error
        let md = "---\nkind: meeting\ntitle: x\nplace:\n\u{3000}building: A\n---\n";
        let read = read_as("m.md", md);
        let e = only_error(&read);
        assert_eq!(e.loc.line, Some(5));
        assert!(e.hint.as_deref().unwrap().contains("全角空格"));
    }

    #[test]
    fn yaml_syntax_errors_point_at_the_markdown_line() {
        let read = read_as("m.md", "---\nkind: meeting\ntitle: [a, b\nplace: 301\n---\n");
        let e = only_error(&read);
        assert_eq!(e.code, "front-matter");
        assert!((3..=4).contains(&e.loc.line.unwrap()), "{e:?}");

        let read = read_as("m.md", "---\nkind: meeting\ntitle: x\n\tplace: 301\n---\n");
        let e = only_error(&read);
        assert_eq!(e.loc.line, Some(4));
        assert!(e.hint.as_deref().unwrap().contains("Tab"), "{e:?}");
    }

    #[test]
    fn list_files_share_top_level_fields_and_accept_items() {
        let md = "---\nkind: signoffs\nstage: 需求评审\nitems:\n  - {name: 张三, department: 市场部, decision: 同意}\n  - {name: 李四, department: 产品部, decision: 有条件同意, stage: 方案审批}\n  - 王五\n---\n";
        let read = read_as("s.md", md);
        let e = only_error(&read);
        assert_eq!(e.loc.line, Some(7));
        assert_eq!(read.records.len(), 2);
        assert_eq!(text(&read.records[0], "stage"), "需求评审");
        assert_eq!(line(&read.records[0], "stage"), 3);
        assert_eq!(text(&read.records[1], "stage"), "方案审批");

        let read = read_as("r.md", "---\nkind: risk\nid: '002'\ndescription: 数据监测系统响应延迟\n---\n");
        assert_eq!(read.records.len(), 1);
        assert_eq!(text(&read.records[0], "id"), "002");

        let read = read_as("t.md", "---\nkind: tasks\ntasks: {id: 1, name: x}\n---\n");
        assert_eq!((read.records.len(), read.diags.len()), (1, 0));
        // a list-valued field of a single record is no record list (`依赖任务` contains `任务`)
        let read = read_as("t.md", "---\nkind: task\nid: '3'\n依赖任务: [1.1, 2.1]\n---\n");
        assert_eq!(read.records.len(), 1);
        assert_eq!(field(&read.records[0], "depends_on").cell.display(), "1.1、2.1");

        let read = read_as("t.md", "---\nkind: tasks\n---\n");
        assert!(only_error(&read).hint.as_deref().unwrap().contains("tasks:"));
    }

    #[test]
    fn structured_values_become_text_for_values() {
        let md = "---\nkind: retrospective\nproject: x\nreviewer: {department: 市场部, person: 张三}\n目标达成情况:\n  - {指标: 销售额, 目标值: 500万元, 实际值: 520万元}\nmilestones_unused: 1\n---\n";
        let read = read_as("r.md", md);
        let r = &read.records[0];
        assert_eq!(text(r, "reviewer"), "市场部/张三");
        assert_eq!(r.subs[0].0, "metrics");
        assert_eq!(text(&r.subs[0].1[0], "target"), "500万元");

        let md = "---\nkind: requirement\n关键时间节点:\n  2024-10-15: 方案初稿\n  2024-10-25: 终稿确认\nowner: {a: 1, b: 2, c: 3}\n---\n";
        let read = read_as("q.md", md);
        let r = &read.records[0];
        let ms = &r.subs[0].1;
        assert_eq!(ms.len(), 2);
        assert_eq!(text(&ms[1], "date"), "2024-10-25");
        assert_eq!(text(&ms[1], "name"), "终稿确认");
        assert_eq!(ms[1].loc.line, Some(5));
        // a mapping where a party is expected and nothing matches: error at its line
        let e = only_error(&read);
        assert_eq!((e.loc.line, e.field.as_deref()), (Some(6), Some("initiator")));

        // a scalar sub-field stays a cell for values to parse
        let read = read_as("q.md", "---\nkind: requirement\n关键时间节点: 10月15日:方案初稿;10月25日:终稿确认\n---\n");
        assert_eq!(text(&read.records[0], "milestones"), "10月15日:方案初稿;10月25日:终稿确认");
    }

    #[test]
    fn english_messages_follow_the_language() {
        let display: Arc<str> = "x.md".into();
        let ctx = Ctx::new(Lang::En, NaiveDate::from_ymd_opt(2024, 8, 1).unwrap(), Schema::default());
        let read = read_text("---\nkind: nope\n---\n", &display, &ctx);
        assert!(read.diags[0].message.starts_with("unknown form kind"));
    }

    #[test]
    fn split_follows_the_fence_rules() {
        let s = split("---\na: 1\n...\nbody\n").unwrap();
        assert_eq!((s.yaml, s.body, s.body_line), ("a: 1\n", "body\n", 4));
        let s = split("--- \t\n---\n").unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(split("----\n---\n").unwrap_err(), SplitError::Missing(None));
        assert_eq!(split("---").unwrap_err(), SplitError::Unclosed);
        assert_eq!(split("").unwrap_err(), SplitError::Missing(None));
    }
}
