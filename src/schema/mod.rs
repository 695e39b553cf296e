//! The schema: one declarative catalogue of kinds → fields → type, aliases, enumeration,
//! required flag. It drives ingest (alias lookup), validation (types, required),
//! `dossier schema`, `init` templates and document labels.

mod catalogue;
pub mod json_schema;
pub mod lexicon;

use rustc_hash::FxHashMap;

use crate::model::{L10n, Lang};

pub use catalogue::{ENUMS, KINDS};

/// Texts longer than this (in bytes) are never compared for "did you mean" hints: names
/// are short, and edit distance costs the product of the two lengths.
const MAX_SUGGEST_BYTES: usize = 120;
/// Longer texts (in bytes) name no field or kind, however much bracketed help a header
/// carries; a cell of text is not looked up as a label.
const MAX_LABEL_BYTES: usize = 512;

/// How a kind is laid out in a sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Label → value rows (requirement, meeting, retrospective), possibly followed by sub-tables.
    Form,
    /// A header row and one record per row (tasks, risks, sign-offs, and sub-tables).
    Table,
}

/// The type of a field (SPEC §1 "Types").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Text,
    /// Free text rendered as Markdown in documents.
    Markdown,
    /// Split on 、，,；;/ and new lines.
    List,
    /// ISO `YYYY-MM-DD`.
    Date,
    /// ISO `YYYY-MM-DDTHH:MM`.
    DateTime,
    Int,
    /// Number 0–100.
    Percent,
    /// Number + unit (`500万元` → 5000000 元).
    Quantity,
    Party,
    /// A list of parties.
    Parties,
    Enum(&'static EnumDef),
    /// Rows of a sub-kind (attendee, agenda_item, action, metric, milestone).
    Sub(&'static str),
}

/// One field of a kind.
#[derive(Clone, Copy, Debug)]
pub struct FieldDef {
    /// Canonical snake_case key.
    pub key: &'static str,
    /// Label used in documents, templates and messages.
    pub label: L10n,
    /// Extra aliases accepted on input (the labels above are always accepted).
    pub aliases: &'static [&'static str],
    pub ty: Type,
    pub required: bool,
    /// Computed by dossier, never read from input (`delay_days`, `achievement`).
    pub computed: bool,
    /// A companion field one cell may also fill: the end of a range (`start` → `end`),
    /// or the comment after an enumeration label (`优秀(方案执行到位)`).
    pub pair: Option<&'static str>,
    /// The seed's 填写说明 for this field.
    pub help: L10n,
}

impl FieldDef {
    const fn new(key: &'static str, label: L10n, ty: Type) -> FieldDef {
        FieldDef {
            key,
            label,
            aliases: &[],
            ty,
            required: false,
            computed: false,
            pair: None,
            help: L10n::new("", "", ""),
        }
    }

    const fn req(mut self) -> FieldDef {
        self.required = true;
        self
    }

    const fn aka(mut self, aliases: &'static [&'static str]) -> FieldDef {
        self.aliases = aliases;
        self
    }

    const fn pair(mut self, other: &'static str) -> FieldDef {
        self.pair = Some(other);
        self
    }

    const fn computed(mut self) -> FieldDef {
        self.computed = true;
        self
    }

    const fn help(mut self, help: L10n) -> FieldDef {
        self.help = help;
        self
    }

    /// Every name this field answers to in the catalogue (labels, then aliases, then the key).
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        [self.label.zh_cn, self.label.zh_tw, self.label.en, self.key]
            .into_iter()
            .chain(self.aliases.iter().copied())
            .filter(|s| !s.is_empty())
    }
}

/// A record kind.
#[derive(Clone, Copy, Debug)]
pub struct KindDef {
    pub key: &'static str,
    pub label: L10n,
    pub shape: Shape,
    /// Key of the project's JSON member holding this kind (`tasks`), or `None` for sub-kinds.
    pub collection: Option<&'static str>,
    /// Sheet names (and sub-table titles) that name this kind.
    pub sheet_aliases: &'static [&'static str],
    pub fields: &'static [FieldDef],
}

impl KindDef {
    pub fn field(&self, key: &str) -> Option<&'static FieldDef> {
        let fields: &'static [FieldDef] = self.fields;
        fields.iter().find(|f| f.key == key)
    }

    /// Names of the kind: labels, then sheet aliases.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        [self.label.zh_cn, self.label.zh_tw, self.label.en, self.key]
            .into_iter()
            .chain(self.sheet_aliases.iter().copied())
            .filter(|s| !s.is_empty())
    }
}

/// An enumeration: codes with labels and input aliases.
#[derive(Debug)]
pub struct EnumDef {
    pub name: &'static str,
    pub values: &'static [EnumValue],
}

impl PartialEq for EnumDef {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for EnumDef {}

#[derive(Clone, Copy, Debug)]
pub struct EnumValue {
    pub code: &'static str,
    pub label: L10n,
    pub aliases: &'static [&'static str],
}

impl EnumValue {
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        [self.code, self.label.zh_cn, self.label.zh_tw, self.label.en]
            .into_iter()
            .chain(self.aliases.iter().copied())
            .filter(|s| !s.is_empty())
    }
}

impl EnumDef {
    /// Finds the value a text names (code, label or alias, after [`normalize`]).
    pub fn lookup(&self, text: &str) -> Option<&'static EnumValue> {
        let n = normalize(text);
        if n.is_empty() {
            return None;
        }
        enum_index().get(&(self.name, n)).copied()
    }

    /// The code whose names are close to `text`, for "did you mean" hints: a slip of a
    /// letter or two (`进行种`, `Compelted`), or a name inside a slightly longer word. None
    /// when nothing is close — a hint that points at an unrelated code misleads
    /// (`ESCALATED` is not `closed`).
    pub fn nearest(&self, text: &str) -> Option<&'static EnumValue> {
        if text.len() > MAX_SUGGEST_BYTES {
            return None;
        }
        let n = normalize(text);
        let len = n.chars().count();
        let values: &'static [EnumValue] = self.values;
        values
            .iter()
            .filter_map(|v| {
                let best = v
                    .names()
                    .map(|name| {
                        let m = normalize(name);
                        let mlen = m.chars().count();
                        let d = strsim::normalized_damerau_levenshtein(&n, &m);
                        let contains =
                            mlen >= 2 && (n.contains(&m) || m.contains(&n)) && mlen.min(len) * 2 >= mlen.max(len);
                        if contains { d.max(0.75) } else { d }
                    })
                    .fold(0.0_f64, f64::max);
                (best >= 0.6).then_some((best, v))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, v)| v)
    }

    pub fn value(&self, code: &str) -> Option<&'static EnumValue> {
        let values: &'static [EnumValue] = self.values;
        values.iter().find(|v| v.code == code)
    }

    /// `待评审（pending_review）、已确认（confirmed）…` in Chinese, the codes in English.
    pub fn describe(&self, lang: Lang) -> String {
        let parts: Vec<String> = self
            .values
            .iter()
            .map(|v| match lang {
                Lang::En => v.code.to_string(),
                _ => format!("{}（{}）", v.label.get(lang), v.code),
            })
            .collect();
        parts.join(if lang == Lang::En { ", " } else { "、" })
    }
}

/// Every enumeration's names, normalised once per process: (enum name, name) → value.
/// The first value to claim a name keeps it, as a linear search would.
fn enum_index() -> &'static FxHashMap<(&'static str, String), &'static EnumValue> {
    static INDEX: std::sync::OnceLock<FxHashMap<(&'static str, String), &'static EnumValue>> =
        std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = FxHashMap::default();
        for e in ENUMS.iter().copied() {
            for v in e.values {
                for name in v.names() {
                    index.entry((e.name, normalize(name))).or_insert(v);
                }
            }
        }
        index
    })
}

/// Looks up a kind of the catalogue by key.
pub fn kind(key: &str) -> Option<&'static KindDef> {
    KINDS.iter().find(|k| k.key == key)
}

/// Normalises a label or an enumeration text for matching: full-width ASCII to half width,
/// traditional to simplified Chinese, lower case, no white space or line breaks, no
/// required markers (`*`, `(必填)`), no brackets (their content stays), no trailing colon.
pub fn normalize(s: &str) -> String {
    // The same few hundred labels, enumeration words and help texts come back in every row
    // of every sheet of every project: remember them per thread (bounded, so a sheet of
    // unique cells cannot grow it without limit).
    thread_local! {
        static MEMO: std::cell::RefCell<FxHashMap<String, String>> = std::cell::RefCell::new(FxHashMap::default());
    }
    const MEMO_MAX_KEY: usize = 96;
    const MEMO_MAX_ENTRIES: usize = 8192;
    if s.len() > MEMO_MAX_KEY {
        return normalize_uncached(s);
    }
    MEMO.with(|memo| {
        if let Some(hit) = memo.borrow().get(s) {
            return hit.clone();
        }
        let n = normalize_uncached(s);
        let mut memo = memo.borrow_mut();
        if memo.len() >= MEMO_MAX_ENTRIES {
            memo.clear();
        }
        memo.insert(s.to_string(), n.clone());
        n
    })
}

fn normalize_uncached(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = halfwidth(c);
        if c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}') {
            continue;
        }
        if matches!(
            c,
            '*' | '('
                | ')'
                | '['
                | ']'
                | '【'
                | '】'
                | '《'
                | '》'
                | '<'
                | '>'
                | '"'
                | '\''
                | '“'
                | '”'
                | '‘'
                | '’'
                | '「'
                | '」'
                | '_'
                | '-'
                | '·'
                | '•'
        ) {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    for marker in ["必填", "required", "选填", "optional"] {
        if out.len() > marker.len() && out.ends_with(marker) {
            out.truncate(out.len() - marker.len());
        }
    }
    while out.ends_with(':') || out.ends_with('：') {
        out.pop();
    }
    // Traditional → simplified only matters for CJK text; most labels are short either way.
    if out.is_ascii() { out } else { fast2s::convert(&out) }
}

/// Like [`normalize`], but drops bracketed text entirely (`影响等级(高/中/低)` → `影响等级`).
pub fn normalize_without_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match halfwidth(c) {
            '(' | '[' | '【' => depth += 1,
            ')' | ']' | '】' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    normalize(&out)
}

/// Full-width ASCII (U+FF01–U+FF5E) and the ideographic space to their half-width forms.
pub fn halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' => ' ',
        _ => c,
    }
}

/// The catalogue's names, normalised once per process: (kind, name) → field, and sheet names.
struct Index {
    fields: FxHashMap<(&'static str, String), &'static FieldDef>,
    sheets: Vec<(String, &'static KindDef)>,
}

fn index() -> &'static Index {
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut fields = FxHashMap::default();
        let mut sheets = Vec::new();
        for k in KINDS {
            for name in k.names() {
                sheets.push((normalize(name), k));
            }
            for f in k.fields.iter().filter(|f| !f.computed) {
                for name in f.names() {
                    for n in [normalize(name), normalize_without_brackets(name)] {
                        fields.entry((k.key, n)).or_insert(f);
                    }
                }
            }
        }
        Index { fields, sheets }
    })
}

/// The catalogue plus a team's aliases (a mapping's `tasks: { "Task title": name }`), for
/// lookups by normalised name. The catalogue's index is built once per process; a schema
/// holds only the aliases, so one per project costs next to nothing.
#[derive(Debug, Default)]
pub struct Schema {
    /// (kind, normalised header) → the field, or None for "not a field".
    aliases: FxHashMap<(&'static str, String), Option<&'static FieldDef>>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Index({} names)", self.fields.len())
    }
}

impl Schema {
    /// The catalogue with a team's aliases: (kind, header, field or None for "not a field").
    /// An alias wins over the catalogue: that is why the team wrote it.
    pub fn with_aliases<'a>(
        aliases: impl IntoIterator<Item = (&'static KindDef, &'a str, Option<&'static FieldDef>)>,
    ) -> Schema {
        let mut map = FxHashMap::default();
        for (k, header, f) in aliases {
            map.entry((k.key, normalize(header))).or_insert(f);
        }
        Schema { aliases: map }
    }

    /// The field a header or label names within a kind.
    pub fn field(&self, kind: &str, label: &str) -> Option<&'static FieldDef> {
        if label.len() > MAX_LABEL_BYTES {
            return None;
        }
        let kind = KINDS.iter().find(|k| k.key == kind)?.key;
        let n = normalize(label);
        if n.is_empty() {
            return None;
        }
        if let Some(hit) = self.aliases.get(&(kind, n.clone())) {
            return *hit;
        }
        let fields = &index().fields;
        fields.get(&(kind, n)).or_else(|| fields.get(&(kind, normalize_without_brackets(label)))).copied()
    }

    /// The kind a sheet name (or sub-table title) names: exact match first, then containment
    /// (`2024任务分工与进度跟踪表(更新)` names tasks).
    pub fn kind_for_sheet(&self, name: &str) -> Option<&'static KindDef> {
        if name.len() > MAX_LABEL_BYTES {
            return None;
        }
        let n = normalize(name);
        if n.is_empty() {
            return None;
        }
        let sheets = &index().sheets;
        if let Some((_, k)) = sheets.iter().find(|(s, _)| *s == n) {
            return Some(k);
        }
        sheets
            .iter()
            .filter(|(s, _)| s.chars().count() >= 2 && n.contains(s.as_str()))
            .max_by_key(|(s, _)| s.len())
            .map(|(_, k)| *k)
    }

    /// The closest fields of a kind to an unmatched header, best first.
    pub fn suggest(&self, kind: &str, label: &str) -> Vec<&'static FieldDef> {
        if label.len() > MAX_SUGGEST_BYTES {
            return Vec::new();
        }
        let n = normalize(label);
        let mut scored: Vec<(f64, &'static FieldDef)> = Vec::new();
        let aliases = self.aliases.iter().filter_map(|(key, f)| f.map(|f| (key, f)));
        for ((k, name), f) in index().fields.iter().map(|(key, f)| (key, *f)).chain(aliases) {
            if *k != kind {
                continue;
            }
            let mut s = strsim::normalized_levenshtein(&n, name);
            if !name.is_empty() && (n.contains(name.as_str()) || name.contains(n.as_str())) {
                s = s.max(0.6);
            }
            if s >= 0.4 {
                match scored.iter_mut().find(|(_, g)| g.key == f.key) {
                    Some(entry) if entry.0 < s => entry.0 = s,
                    Some(_) => {}
                    None => scored.push((s, f)),
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.key.cmp(b.1.key)));
        scored.into_iter().take(3).map(|(_, f)| f).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_width_case_space_brackets_and_script() {
        assert_eq!(normalize(" 任务ＩＤ\n"), "任务id");
        assert_eq!(normalize("負責部門/人"), normalize("负责部门/人"));
        assert_eq!(normalize("标题*"), "标题");
        assert_eq!(normalize("需求编号（必填）"), "需求编号");
        assert_eq!(normalize_without_brackets("影响等级(高/中/低)"), "影响等级");
    }

    #[test]
    fn every_field_type_and_sub_kind_resolves() {
        for k in KINDS {
            for f in k.fields {
                if let Type::Sub(sub) = f.ty {
                    assert!(kind(sub).is_some(), "{}.{} names unknown sub-kind {sub}", k.key, f.key);
                }
                if let Type::Enum(e) = f.ty {
                    assert!(
                        ENUMS.iter().any(|x| x.name == e.name),
                        "{}.{}: enum {} is not in ENUMS",
                        k.key,
                        f.key,
                        e.name
                    );
                }
                if let Some(p) = f.pair {
                    assert!(k.field(p).is_some(), "{}.{} pairs with unknown {p}", k.key, f.key);
                }
            }
        }
    }

    #[test]
    fn labels_of_one_kind_do_not_collide() {
        for k in KINDS {
            let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
            for f in k.fields.iter().filter(|f| !f.computed) {
                for name in f.names() {
                    let n = normalize(name);
                    if let Some(other) = seen.insert(n.clone(), f.key) {
                        assert_eq!(other, f.key, "{}: `{name}` names both {other} and {}", k.key, f.key);
                    }
                }
            }
        }
    }

    #[test]
    fn seed_headers_find_their_fields() {
        let s = Schema::default();
        // seed 000 模板2 header row
        for (h, key) in [
            ("任务ID", "id"),
            ("子任务名称", "name"),
            ("负责部门/人", "owner"),
            ("協作部門/人", "collaborators"),
            ("计划开始时间", "planned_start"),
            ("實際完成時間", "actual_end"),
            ("当前状态", "status"),
            ("完成比例", "progress"),
        ] {
            assert_eq!(s.field("task", h).map(|f| f.key), Some(key), "{h}");
        }
        assert_eq!(s.kind_for_sheet("任务分工与进度跟踪表").map(|k| k.key), Some("task"));
        assert_eq!(s.kind_for_sheet("風險與問題登記表").map(|k| k.key), Some("risk"));
        assert_eq!(s.kind_for_sheet("Tasks").map(|k| k.key), Some("task"));
    }

    #[test]
    fn aliases_win_over_the_catalogue() {
        let task = kind("task").unwrap();
        let s = Schema::with_aliases([(task, "Task title", task.field("name")), (task, "负责人", None)]);
        assert_eq!(s.field("task", "task  TITLE").map(|f| f.key), Some("name"));
        assert!(s.field("task", "负责人").is_none(), "an alias to no field hides the catalogue's");
        assert_eq!(Schema::default().field("task", "负责人").map(|f| f.key), Some("owner"));
    }

    #[test]
    fn enums_find_labels_and_suggest_nearest() {
        let e = kind("task").unwrap().field("status").unwrap();
        let Type::Enum(e) = e.ty else { panic!() };
        assert_eq!(e.lookup("進行中").map(|v| v.code), Some("in_progress"));
        assert_eq!(e.lookup("待开始").map(|v| v.code), Some("not_started"));
        assert_eq!(e.lookup("In Progress").map(|v| v.code), Some("in_progress"));
        assert_eq!(e.nearest("进行").map(|v| v.code), Some("in_progress"));
        assert_eq!(e.nearest("Compelted").map(|v| v.code), Some("done"));
        let Type::Enum(rs) = kind("risk").unwrap().field("status").unwrap().ty else { panic!() };
        assert!(rs.nearest("ESCALATED").is_none(), "no hint pointing at an unrelated code");
    }
}
