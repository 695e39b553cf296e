//! The record model: typed values, records, projects, and where each value came from.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Language of messages, labels and documents (`--lang`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "zh-TW")]
    ZhTw,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Parses `zh-CN`, `zh-TW`, `en` (and a few common spellings).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "zh-cn" | "zh" | "zh-hans" | "cn" | "zh-sg" => Some(Lang::ZhCn),
            "zh-tw" | "zh-hant" | "zh-hk" | "tw" | "zh-mo" => Some(Lang::ZhTw),
            "en" | "en-us" | "en-gb" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::ZhTw => "zh-TW",
            Lang::En => "en",
        }
    }
}

/// A text in the three languages dossier speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct L10n {
    pub zh_cn: &'static str,
    pub zh_tw: &'static str,
    pub en: &'static str,
}

impl L10n {
    pub const fn new(zh_cn: &'static str, zh_tw: &'static str, en: &'static str) -> L10n {
        L10n { zh_cn, zh_tw, en }
    }

    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => self.zh_cn,
            Lang::ZhTw => self.zh_tw,
            Lang::En => self.en,
        }
    }

    /// Fills `{name}` placeholders of the text in `lang` with `args`.
    pub fn fill(&self, lang: Lang, args: &[(&str, &str)]) -> String {
        fill(self.get(lang), args)
    }
}

/// `2024-07-15`: chrono's `Display` of a date is this ISO form, written without a format
/// string to parse (`format("%Y-%m-%d")` parses its string on every call).
pub fn iso_date(d: chrono::NaiveDate) -> String {
    d.to_string()
}

/// `2024-07-15 14:00`.
pub fn iso_minute(dt: chrono::NaiveDateTime) -> String {
    use chrono::Timelike;
    format!("{} {:02}:{:02}", dt.date(), dt.hour(), dt.minute())
}

/// Replaces every `{name}` in `template` with its value from `args`; unknown names stay as they are.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The one `&'static str` for a text: codes, tones and keys are static in the program, and
/// reading them back (the build's check cache) gives each distinct text once, for good.
pub fn intern(s: &str) -> &'static str {
    static SEEN: std::sync::Mutex<Option<std::collections::HashSet<&'static str>>> = std::sync::Mutex::new(None);
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let seen = seen.get_or_insert_with(Default::default);
    if let Some(found) = seen.get(s) {
        return found;
    }
    let leaked: &'static str = Box::leak(s.to_string().into_boxed_str());
    seen.insert(leaked);
    leaked
}

/// Where a value was found: a workbook cell or a Markdown line.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The path as the user gave it (or as found under a folder they gave).
    pub file: Arc<str>,
    pub sheet: Option<Arc<str>>,
    /// A1-style cell reference, e.g. `F7`.
    pub cell: Option<String>,
    /// 1-based line in a Markdown file.
    pub line: Option<u32>,
}

impl Location {
    pub fn file(file: &Arc<str>) -> Location {
        Location { file: file.clone(), ..Location::default() }
    }

    pub fn cell(file: &Arc<str>, sheet: &Arc<str>, row: u32, col: u32) -> Location {
        Location { file: file.clone(), sheet: Some(sheet.clone()), cell: Some(cell_name(row, col)), line: None }
    }

    pub fn line(file: &Arc<str>, line: u32) -> Location {
        Location { file: file.clone(), sheet: None, cell: None, line: Some(line) }
    }
}

impl fmt::Display for Location {
    /// `计划表.xlsx › 任务分工 › F7` or `minutes.md:12`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(sheet) = &self.sheet {
            write!(f, " › {sheet}")?;
        }
        if let Some(cell) = &self.cell {
            write!(f, " › {cell}")?;
        }
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        Ok(())
    }
}

/// `(0, 0)` → `A1`; rows and columns are 0-based. (Called for every value read: no
/// formatting machinery, one allocation.)
pub fn cell_name(row: u32, col: u32) -> String {
    let mut letters = [0u8; 4];
    let mut n = 0;
    let mut c = col + 1;
    while c > 0 && n < letters.len() {
        letters[n] = b'A' + ((c - 1) % 26) as u8;
        c = (c - 1) / 26;
        n += 1;
    }
    let mut digits = [0u8; 10];
    let mut d = 0;
    let mut r = u64::from(row) + 1;
    while r > 0 {
        digits[d] = b'0' + (r % 10) as u8;
        r /= 10;
        d += 1;
    }
    let mut out = String::with_capacity(n + d);
    out.extend(letters[..n].iter().rev().map(|&b| b as char));
    out.extend(digits[..d].iter().rev().map(|&b| b as char));
    out
}

/// A department and/or a person (`市场部/张三`, `张三(市场部)`, `Marketing / Li Na`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Party {
    pub department: Option<String>,
    pub person: Option<String>,
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.department, &self.person) {
            (Some(d), Some(p)) if p == "*" => write!(f, "{d}{p}"),
            (Some(d), Some(p)) => write!(f, "{d}/{p}"),
            (Some(d), None) => f.write_str(d),
            (None, Some(p)) => f.write_str(p),
            (None, None) => Ok(()),
        }
    }
}

/// A number with its unit: `500万元` is `{ value: 5000000, unit: "元" }`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quantity {
    pub value: f64,
    pub unit: String,
}

/// A typed field value, after parsing against the schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    List(Vec<String>),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Int(i64),
    /// 0–100.
    Percent(f64),
    Quantity(Quantity),
    Party(Party),
    Parties(Vec<Party>),
    /// An enumeration code such as `in_progress`.
    Enum(&'static str),
    /// Rows of a sub-table (attendees, agenda, actions, metrics, milestones).
    Records(Vec<Record>),
}

/// One field of a record: its typed value, the text it was read from and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub value: Value,
    /// The text as found in the input, for diagnostics.
    pub raw: String,
    pub loc: Location,
}

/// One record of a kind (`task`, `risk`, …), fields keyed by canonical key.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Kind key from the schema catalogue (`requirement`, `task`, `action`, …).
    pub kind: &'static str,
    /// Where the record starts (its row, or its front matter line).
    pub loc: Location,
    pub fields: BTreeMap<&'static str, Field>,
    /// Columns or keys that matched no field, by their header as written.
    pub extra: BTreeMap<String, String>,
}

impl Record {
    pub fn new(kind: &'static str, loc: Location) -> Record {
        Record { kind, loc, fields: BTreeMap::new(), extra: BTreeMap::new() }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key).map(|f| &f.value)
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.get(key)
    }

    /// Location of a field, or of the record when the field is absent.
    pub fn loc_of(&self, key: &str) -> &Location {
        self.fields.get(key).map_or(&self.loc, |f| &f.loc)
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn list(&self, key: &str) -> &[String] {
        match self.get(key) {
            Some(Value::List(v)) => v,
            _ => &[],
        }
    }

    pub fn date(&self, key: &str) -> Option<NaiveDate> {
        match self.get(key)? {
            Value::Date(d) => Some(*d),
            Value::DateTime(dt) => Some(dt.date()),
            _ => None,
        }
    }

    pub fn datetime(&self, key: &str) -> Option<NaiveDateTime> {
        match self.get(key)? {
            Value::DateTime(dt) => Some(*dt),
            Value::Date(d) => d.and_hms_opt(0, 0, 0),
            _ => None,
        }
    }

    pub fn percent(&self, key: &str) -> Option<f64> {
        match self.get(key)? {
            Value::Percent(p) => Some(*p),
            _ => None,
        }
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        match self.get(key)? {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn code(&self, key: &str) -> Option<&'static str> {
        match self.get(key)? {
            Value::Enum(c) => Some(c),
            _ => None,
        }
    }

    pub fn party(&self, key: &str) -> Option<&Party> {
        match self.get(key)? {
            Value::Party(p) => Some(p),
            Value::Parties(ps) => ps.first(),
            _ => None,
        }
    }

    pub fn parties(&self, key: &str) -> &[Party] {
        match self.get(key) {
            Some(Value::Parties(ps)) => ps,
            Some(Value::Party(p)) => std::slice::from_ref(p),
            _ => &[],
        }
    }

    pub fn quantity(&self, key: &str) -> Option<&Quantity> {
        match self.get(key)? {
            Value::Quantity(q) => Some(q),
            _ => None,
        }
    }

    pub fn records(&self, key: &str) -> &[Record] {
        match self.get(key) {
            Some(Value::Records(r)) => r,
            _ => &[],
        }
    }

    /// The record's `id` as text, for naming it in diagnostics.
    pub fn id(&self) -> Option<&str> {
        self.text("id")
    }
}

/// Everything read for one project: one workbook, or one folder of inputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Project {
    /// The path as given (or found in a batch folder).
    pub source: String,
    pub requirement: Option<Record>,
    pub tasks: Vec<Record>,
    pub risks: Vec<Record>,
    pub meetings: Vec<Record>,
    pub retrospective: Option<Record>,
    pub signoffs: Vec<Record>,
    /// The action register: action items read from a log outside any minutes.
    pub actions: Vec<Record>,
}

#[cfg(test)]
mod tests {
    /// Half-width punctuation in a Chinese string that ought to be full-width: `,` `;` `:`
    /// `(` `)` `?` `!` outside code (between backticks) and placeholders (between braces),
    /// except in times (`14:00`), addresses (`https://`) and numbers (`1,000`).
    pub(crate) fn half_width_marks(s: &str) -> Vec<char> {
        let chars: Vec<char> = s.chars().collect();
        let (mut code, mut brace) = (false, 0usize);
        let mut found = Vec::new();
        for (i, &c) in chars.iter().enumerate() {
            match c {
                '`' => code = !code,
                '{' => brace += 1,
                '}' => brace = brace.saturating_sub(1),
                ',' | ';' | ':' | '(' | ')' | '?' | '!' if !code && brace == 0 => {
                    let prev = i.checked_sub(1).map(|p| chars[p]);
                    let next = chars.get(i + 1).copied();
                    let digits = prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
                    if !((c == ':' || c == ',') && digits) && !(c == ':' && next == Some('/')) {
                        found.push(c);
                    }
                }
                _ => {}
            }
        }
        found
    }

    /// The Chinese strings of every `L10n::new(…)` and `l(…)` of the source: (file, text).
    fn chinese_strings() -> Vec<(String, String)> {
        fn literal(s: &[char], mut i: usize) -> Option<(String, usize)> {
            while s.get(i).is_some_and(|c| c.is_whitespace()) {
                i += 1;
            }
            if s.get(i) != Some(&'"') {
                return None;
            }
            let mut out = String::new();
            i += 1;
            while let Some(&c) = s.get(i) {
                match c {
                    '"' => return Some((out, i + 1)),
                    '\\' => {
                        // A line continuation drops the new line and the indent after it.
                        if s.get(i + 1) == Some(&'\n') {
                            i += 2;
                            while s.get(i).is_some_and(|c| c.is_whitespace()) {
                                i += 1;
                            }
                            continue;
                        }
                        out.push(c);
                        out.extend(s.get(i + 1));
                        i += 2;
                        continue;
                    }
                    _ => out.push(c),
                }
                i += 1;
            }
            None
        }
        let mut out = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                let s: Vec<char> = text.chars().collect();
                let mut i = 0;
                while i < s.len() {
                    let at = |t: &str| s[i..].iter().take(t.chars().count()).copied().eq(t.chars());
                    let start = if at("L10n::new(") {
                        Some(i + 10)
                    } else if at("l(") && i > 0 && !(s[i - 1].is_alphanumeric() || s[i - 1] == '_') {
                        Some(i + 2)
                    } else {
                        None
                    };
                    if let Some(start) = start
                        && let Some((zh_cn, next)) = literal(&s, start)
                    {
                        let mut j = next;
                        while s.get(j).is_some_and(|c| c.is_whitespace() || *c == ',') {
                            j += 1;
                        }
                        let name = p.display().to_string();
                        if let Some((zh_tw, _)) = literal(&s, j) {
                            out.push((name.clone(), zh_tw));
                        }
                        out.push((name, zh_cn));
                    }
                    i += 1;
                }
            }
        }
        out
    }

    #[test]
    fn chinese_text_uses_full_width_punctuation() {
        // What the tool writes in Chinese (messages, labels, documents) punctuates as Chinese
        // does: ，；：（）？！ — never the half-width marks of Latin text.
        let cjk = |c: char| matches!(c, '\u{3400}'..='\u{9fff}');
        let strings = chinese_strings();
        assert!(strings.len() > 300, "the source's L10n strings are found: {}", strings.len());
        let bad: Vec<String> = strings
            .iter()
            .filter(|(_, s)| s.chars().any(cjk) && !half_width_marks(s).is_empty())
            .map(|(f, s)| format!("{f}: {s}"))
            .collect();
        assert!(bad.is_empty(), "half-width punctuation in Chinese text:\n{}", bad.join("\n"));
        assert_eq!(half_width_marks("时间 14:00，见 https://x.cn，`kind: x`，{a:b}"), Vec::<char>::new());
        assert_eq!(half_width_marks("已写入,完成(共3个)"), vec![',', '(', ')']);
    }

    use super::*;

    #[test]
    fn cell_names_follow_excel() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 5), "F7");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(9, 16383), "XFD10");
    }

    #[test]
    fn fill_replaces_named_placeholders() {
        assert_eq!(fill("{a} < {b} {c}", &[("a", "1"), ("b", "2")]), "1 < 2 {c}");
        assert_eq!(fill("open { brace", &[]), "open { brace");
    }

    #[test]
    fn locations_print_like_the_spec() {
        let file: Arc<str> = "计划表.xlsx".into();
        let sheet: Arc<str> = "任务分工".into();
        assert_eq!(Location::cell(&file, &sheet, 6, 5).to_string(), "计划表.xlsx › 任务分工 › F7");
        assert_eq!(Location::line(&file, 12).to_string(), "计划表.xlsx:12");
    }
}
