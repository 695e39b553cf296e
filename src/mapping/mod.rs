//! Mapping files: what a team's sheets say that the catalogue cannot (`--map FILE`, or
//! `dossier.yaml` / `mapping.yaml` in a project folder). Parsed and checked against the
//! catalogue here ([`parse`]); the readers consult the result ([`Mapping::rule`] and the
//! [`SheetRule`] methods) — this module never reads a sheet itself.
//!
//! ```yaml
//! tasks:                      # the old form: aliases for every sheet of a kind
//!   "Task title": name
//! sheets:
//!   "Risk Register":          # a sheet name, a glob ("Sprint *"), or "file › sheet"
//!     file: "RAID*.xlsx"      # optional: only in files whose name matches
//!     kind: risks             # or requirements, tasks, meetings, actions, skip …
//!     header_row: 3
//!     columns: { "Risk ID": id, "Risk Rating": ~ }
//!     values: { status: { Monitoring: in_progress }, impact: { "5": high } }
//!     set: { type: issue }
//!     ids: "R-{row}"
//!     dates: DMY
//! ```

mod parse;

use std::path::Path;
use std::sync::Arc;

use crate::model::{L10n, Lang};
use crate::schema::{self, EnumValue, FieldDef, KindDef, Type, normalize};

pub use parse::MappingError;

/// Separates a file glob from a sheet name in a sheet rule's key: `"plan.xlsx › Sheet1"`.
pub const FILE_SHEET: &str = " › ";

/// File names that make a mapping apply to the project folder holding them.
pub const PROJECT_FILES: &[&str] = &["dossier.yaml", "dossier.yml", "mapping.yaml", "mapping.yml"];

/// A team's mapping: aliases for every sheet of a kind, and rules for named sheets.
#[derive(Clone, Debug, Default)]
pub struct Mapping {
    pub aliases: Vec<Alias>,
    pub sheets: Vec<Arc<SheetRule>>,
}

/// `tasks: { "Task title": name }`: a header naming a field (or, with `~`, no field) in every
/// sheet of a kind.
#[derive(Clone, Debug)]
pub struct Alias {
    pub kind: &'static KindDef,
    pub header: String,
    pub field: Option<&'static FieldDef>,
}

/// What one sheet (or every sheet matching a glob) holds and how to read it.
#[derive(Clone, Debug, Default)]
pub struct SheetRule {
    /// The sheet name or glob, as written.
    pub pattern: String,
    /// A glob on the file name: the rule applies only in matching files.
    pub file: Option<String>,
    pub kind: Option<SheetKind>,
    /// 1-based row of the header (the upper row of a two-row header).
    pub header_row: Option<u32>,
    pub columns: Vec<ColumnRule>,
    pub values: Vec<ValueMap>,
    /// Constants for every record of the sheet: (field, text as a cell would hold it).
    pub set: Vec<(Target, String)>,
    /// A pattern making ids where the sheet has none: `{row}` is the row number, `{n}` the
    /// record's number in the sheet.
    pub ids: Option<String>,
    pub dates: Option<DateOrder>,
}

/// The form a sheet holds, or `skip`.
#[derive(Clone, Copy, Debug)]
pub enum SheetKind {
    Skip,
    /// Records of `kind`; `table` when the sheet holds one per row although the kind is a
    /// form (a requirements register) or a sub-kind (an action-item log).
    Read {
        kind: &'static KindDef,
        table: bool,
    },
}

impl PartialEq for SheetKind {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (SheetKind::Skip, SheetKind::Skip) => true,
            (SheetKind::Read { kind: a, table: x }, SheetKind::Read { kind: b, table: y }) => a.key == b.key && x == y,
            _ => false,
        }
    }
}

impl SheetKind {
    /// The name a mapping file uses: `tasks`, `requirements` (a register), `actions`, `skip` …
    pub fn name(&self) -> &'static str {
        match self {
            SheetKind::Skip => "skip",
            SheetKind::Read { kind, table } => {
                KIND_NAMES.iter().find(|(_, k, t)| *k == kind.key && t == table).map_or(kind.key, |(n, _, _)| n)
            }
        }
    }

    /// A name of [`KIND_NAMES`] (singular or plural), or `skip`.
    pub fn parse(name: &str) -> Option<SheetKind> {
        let n = name.trim().to_ascii_lowercase();
        if n == "skip" {
            return Some(SheetKind::Skip);
        }
        let (_, key, table) = KIND_NAMES.iter().chain(KIND_SYNONYMS).find(|(name, _, _)| *name == n)?;
        Some(SheetKind::Read { kind: schema::kind(key)?, table: *table })
    }
}

/// (name in a mapping file, catalogue kind, one record per row). The first name of a kind is
/// the one `map suggest` writes.
pub const KIND_NAMES: &[(&str, &str, bool)] = &[
    ("requirement", "requirement", false),
    ("requirements", "requirement", true),
    ("tasks", "task", true),
    ("risks", "risk", true),
    ("meetings", "meeting", false),
    ("actions", "action", true),
    ("retrospective", "retrospective", false),
    ("signoffs", "signoff", true),
];
const KIND_SYNONYMS: &[(&str, &str, bool)] = &[
    ("task", "task", true),
    ("risk", "risk", true),
    ("meeting", "meeting", false),
    ("action", "action", true),
    ("signoff", "signoff", true),
];

/// A field a column, constant or value map is about: a field of the sheet's kind, or of one of
/// its sub-kinds (`actions.owner` in a meeting form).
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// The kind the field belongs to (the sub-kind for dotted keys).
    pub kind: &'static KindDef,
    pub field: &'static FieldDef,
    /// The parent field for a sub-kind's field (`actions`), else None.
    pub parent: Option<&'static str>,
}

impl PartialEq for Target {
    fn eq(&self, other: &Self) -> bool {
        self.kind.key == other.kind.key && self.field.key == other.field.key && self.parent == other.parent
    }
}

impl Target {
    /// `owner`, or `actions.owner` for a sub-kind's field.
    pub fn key(&self) -> String {
        match self.parent {
            Some(p) => format!("{p}.{}", self.field.key),
            None => self.field.key.to_string(),
        }
    }
}

/// `"Risk ID": id` or `"Risk Rating": ~`.
#[derive(Clone, Debug)]
pub struct ColumnRule {
    /// The header as written in the mapping.
    pub header: String,
    /// None: not a field (kept as extra, never suggested again).
    pub target: Option<Target>,
}

/// `status: { Monitoring: in_progress, 新增: not_started }`.
#[derive(Clone, Debug)]
pub struct ValueMap {
    pub target: Target,
    /// (the sheet's word as written, its value; None for `~`: no code fits).
    pub words: Vec<(String, Option<&'static EnumValue>)>,
}

/// The order of day, month and year in ambiguous text dates (`05/02/25`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    Dmy,
    Mdy,
    Ymd,
}

impl DateOrder {
    pub fn parse(s: &str) -> Option<DateOrder> {
        match s.trim().to_ascii_uppercase().as_str() {
            "DMY" => Some(DateOrder::Dmy),
            "MDY" => Some(DateOrder::Mdy),
            "YMD" => Some(DateOrder::Ymd),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DateOrder::Dmy => "DMY",
            DateOrder::Mdy => "MDY",
            DateOrder::Ymd => "YMD",
        }
    }
}

/// A column without a header is named `(column A)` in a mapping.
pub fn column_name(col: u32) -> String {
    let letters = crate::model::cell_name(0, col);
    format!("(column {})", letters.trim_end_matches('1'))
}

const MSG_READ: L10n =
    L10n::new("无法读取映射文件：{detail}", "無法讀取對應檔：{detail}", "cannot read the mapping file: {detail}");

impl Mapping {
    /// Reads and checks a mapping file; errors name the file and line, in `lang`.
    pub fn load(path: &Path, lang: Lang) -> Result<Mapping, MappingError> {
        let display = path.display().to_string();
        let text = std::fs::read(path).map_err(|e| MappingError {
            file: display.clone(),
            line: None,
            message: MSG_READ.fill(lang, &[("detail", &crate::diag::io_message(&e, lang))]),
            hint: None,
        })?;
        let text = String::from_utf8_lossy(&text);
        parse::parse(&text, &display, lang)
    }

    /// Parses mapping text (`display` names it in errors).
    pub fn parse(text: &str, display: &str, lang: Lang) -> Result<Mapping, MappingError> {
        parse::parse(text, display, lang)
    }

    pub fn is_empty(&self) -> bool {
        self.aliases.is_empty() && self.sheets.is_empty()
    }

    /// This mapping with `local`'s entries taking precedence (a project folder's own mapping
    /// over `--map`).
    pub fn overlaid(&self, local: &Mapping) -> Mapping {
        Mapping {
            aliases: local.aliases.iter().chain(&self.aliases).cloned().collect(),
            sheets: local.sheets.iter().chain(&self.sheets).cloned().collect(),
        }
    }

    /// The rule for a sheet of a file: an exact (normalised) name first, then the first glob
    /// that matches; a rule with `file:` applies only when the file name matches too.
    pub fn rule(&self, file: &str, sheet: &str) -> Option<&Arc<SheetRule>> {
        let name = Path::new(file).file_name().and_then(|n| n.to_str()).unwrap_or(file);
        let in_file = |r: &SheetRule| r.file.as_deref().is_none_or(|g| glob_match(g, name));
        let n = normalize(sheet);
        self.sheets
            .iter()
            .find(|r| !is_glob(&r.pattern) && normalize(&r.pattern) == n && in_file(r))
            .or_else(|| self.sheets.iter().find(|r| is_glob(&r.pattern) && glob_match(&r.pattern, sheet) && in_file(r)))
    }

    /// What the mapping says of a header in a sheet: the field key it names (`owner`,
    /// `actions.owner`), or None (no field). Falls back to the kind's aliases and the
    /// catalogue when the sheet's rule does not list the header.
    pub fn column_decision(&self, file: &str, sheet: &str, header: &str) -> Option<String> {
        let rule = self.rule(file, sheet)?;
        if let Some(target) = rule.column(header) {
            return target.map(|t| t.key());
        }
        let kind = match rule.kind? {
            SheetKind::Read { kind, .. } => kind,
            SheetKind::Skip => return None,
        };
        let n = normalize(header);
        if let Some(a) = self.aliases.iter().find(|a| a.kind.key == kind.key && normalize(&a.header) == n) {
            return a.field.map(|f| f.key.to_string());
        }
        schema::Schema::default().field(kind.key, header).map(|f| f.key.to_string())
    }

    /// The code a word of a sheet's enumeration column reads as: the sheet's value map first,
    /// then the catalogue's names. `field` may be dotted (`actions.status`).
    pub fn enum_code(&self, file: &str, sheet: &str, kind: &str, field: &str, word: &str) -> Option<String> {
        let rule = self.rule(file, sheet);
        if let Some(rule) = rule
            && let Some(found) = rule.code(field, word)
        {
            return found.map(|v| v.code.to_string());
        }
        let kind = schema::kind(kind)?;
        let def = match field.split_once('.') {
            Some((parent, sub)) => match kind.field(parent)?.ty {
                Type::Sub(s) => schema::kind(s)?.field(sub)?,
                _ => return None,
            },
            None => kind.field(field)?,
        };
        match def.ty {
            Type::Enum(e) => e.lookup(word).map(|v| v.code.to_string()),
            _ => None,
        }
    }
}

impl SheetRule {
    /// The rule's decision for a header: Some(Some(target)) maps it, Some(None) says it is no
    /// field, None says nothing.
    pub fn column(&self, header: &str) -> Option<Option<Target>> {
        let n = normalize(header);
        if n.is_empty() {
            return None;
        }
        self.columns.iter().find(|c| normalize(&c.header) == n).map(|c| c.target)
    }

    /// Columns named `(column A)`: headerless columns the mapping reads.
    pub fn headerless(&self) -> impl Iterator<Item = (u32, &ColumnRule)> {
        self.columns.iter().filter_map(|c| column_index(&c.header).map(|i| (i, c)))
    }

    /// The value a word reads as in a field's value map: Some(Some(v)) a code, Some(None) no
    /// code fits (`~`), None the map does not list the word. `field` may be dotted.
    pub fn code(&self, field: &str, word: &str) -> Option<Option<&'static EnumValue>> {
        let n = normalize(word);
        let map = self.values.iter().find(|m| m.target.key() == field || m.target.field.key == field)?;
        map.words.iter().find(|(w, _)| normalize(w) == n).map(|(_, v)| *v)
    }

    /// The id the `ids:` pattern makes for a record at 1-based `row`, the `n`th of the sheet.
    pub fn make_id(&self, row: u32, n: usize) -> Option<String> {
        let p = self.ids.as_ref()?;
        Some(p.replace("{row}", &row.to_string()).replace("{n}", &n.to_string()))
    }

    /// A text date in this sheet's `dates:` order as ISO (`05/02/25` with DMY →
    /// `2025-02-05`), keeping any time after it. None when the text is not such a date.
    pub fn reorder_date(&self, text: &str) -> Option<String> {
        reorder_date(text, self.dates?)
    }
}

/// `05/02/25`, `5.2.2025`, `2025-2-5` as ISO in the given order. Two-digit years are 20xx
/// below 70, else 19xx.
pub fn reorder_date(text: &str, order: DateOrder) -> Option<String> {
    let t = text.trim();
    let end = t.find(|c: char| c.is_whitespace() || c == 'T').unwrap_or(t.len());
    let (date, rest) = t.split_at(end);
    let sep = date.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = date.split(sep).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let num = |s: &str| s.parse::<u32>().ok();
    let year = |s: &str| -> Option<i32> {
        let y = num(s)? as i32;
        match s.len() {
            4 => Some(y),
            2 => Some(if y < 70 { 2000 + y } else { 1900 + y }),
            _ => None,
        }
    };
    let (y, m, d) = match order {
        DateOrder::Dmy => (year(parts[2])?, num(parts[1])?, num(parts[0])?),
        DateOrder::Mdy => (year(parts[2])?, num(parts[0])?, num(parts[1])?),
        DateOrder::Ymd => (year(parts[0])?, num(parts[1])?, num(parts[2])?),
    };
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d)?;
    Some(format!("{}{}", date.format("%Y-%m-%d"), rest))
}

/// `(column A)` → 0.
fn column_index(header: &str) -> Option<u32> {
    let letters = header.trim().strip_prefix("(column ")?.strip_suffix(')')?.trim();
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Some(letters.bytes().fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1)) - 1)
}

fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// A glob on a sheet or file name (`*`, `?`, `[abc]`), case-insensitive; an invalid
/// glob matches nothing (the parser has already refused it).
fn glob_match(pattern: &str, text: &str) -> bool {
    globset::GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(false)
        .build()
        .is_ok_and(|g| g.compile_matcher().is_match(text))
}

#[cfg(test)]
mod tests;
