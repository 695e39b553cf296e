//! Records as Markdown files with YAML front matter, one file per kind (one per meeting):
//! canonical keys, canonical values (ISO dates, enumeration codes, `80%`, `部门/人`), kept
//! extra columns under their own header, and long Markdown text (`summary`, `notes`) as a
//! `## label` section of the body. Each file is read back with the Markdown reader before it
//! is returned; a file that would not read back identically is written again with every value
//! in the front matter, and anything still different is reported.

use std::sync::Arc;

use super::encode;
use super::standard_xlsx::{input_fields, records_of, top_kinds};
use crate::ingest::{Ctx, markdown, values};
use crate::model::{L10n, Lang, Project, Record, Value};
use crate::output::safe_name;
use crate::schema::{FieldDef, KindDef, Shape, Type};

/// A Markdown file to write: its name inside the project folder and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MdFile {
    pub name: String,
    pub text: String,
}

/// How the files are written.
#[derive(Clone, Copy, Debug)]
pub struct MdOptions {
    /// Language of the comments and section headings.
    pub lang: Lang,
    /// A `# label: help` comment above every key (the examples of `init`).
    pub annotate: bool,
}

const KEPT_NOWHERE: L10n = L10n::new(
    "{file}：附加列“{header}”与字段或 `kind` 同名，无法写入 Markdown，已略过（值：{value}）",
    "{file}：附加欄「{header}」與欄位或 `kind` 同名，無法寫入 Markdown，已略過（值：{value}）",
    "{file}: the extra column “{header}” has the name of a field or of `kind` and cannot be written to Markdown; skipped (value: {value})",
);
const DIFFERS: L10n = L10n::new(
    "{file}：读回后与原记录不同：{what}",
    "{file}：讀回後與原記錄不同：{what}",
    "{file}: does not read back identically: {what}",
);

/// The Markdown files of a project; `notes` receives what could not be written as it was.
pub fn files(project: &Project, opts: MdOptions, ctx: &Ctx, notes: &mut Vec<String>) -> Vec<MdFile> {
    let mut out = Vec::new();
    for kind in top_kinds() {
        let records = records_of(project, kind);
        if records.is_empty() {
            continue;
        }
        match kind.shape {
            Shape::Table => {
                let name = format!("{}.md", kind.collection.unwrap_or(kind.key));
                out.push(checked(&name, records, opts, ctx, notes, |w, name, notes| {
                    w.list_file(kind, records, name, notes)
                }));
            }
            Shape::Form => {
                let width = records.len().to_string().len();
                for (i, rec) in records.iter().enumerate() {
                    let name = if records.len() == 1 && kind.key != "meeting" {
                        format!("{}.md", kind.key)
                    } else {
                        let id = rec.id().map(safe_name).unwrap_or_default();
                        let stem = format!("{}-{:0width$}", kind.key, i + 1);
                        if id.is_empty() { format!("{stem}.md") } else { format!("{stem}-{id}.md") }
                    };
                    let one = std::slice::from_ref(rec);
                    out.push(checked(&name, one, opts, ctx, notes, |w, name, notes| {
                        w.form_file(kind, rec, name, notes)
                    }));
                }
            }
        }
    }
    out
}

/// Writes a file, reads it back, and falls back to front matter only when the body did not
/// read back identically.
fn checked(
    name: &str,
    records: &[Record],
    opts: MdOptions,
    ctx: &Ctx,
    notes: &mut Vec<String>,
    write: impl Fn(&Writer, &str, &mut Vec<String>) -> String,
) -> MdFile {
    let mut first_notes = Vec::new();
    let text = write(&Writer { opts, body: true }, name, &mut first_notes);
    let mut diff = differences(&text, name, records, ctx);
    let text = if diff.is_some() {
        let mut plain_notes = Vec::new();
        let plain = write(&Writer { opts, body: false }, name, &mut plain_notes);
        diff = differences(&plain, name, records, ctx);
        first_notes = plain_notes;
        plain
    } else {
        text
    };
    notes.extend(first_notes);
    if let Some(what) = diff {
        notes.push(DIFFERS.fill(opts.lang, &[("file", name), ("what", &what)]));
    }
    MdFile { name: name.to_string(), text }
}

/// What differs between `records` and the records `text` reads back as (None when nothing).
fn differences(text: &str, name: &str, records: &[Record], ctx: &Ctx) -> Option<String> {
    let display: Arc<str> = name.into();
    let read = markdown::read_text(text, &display, ctx);
    let mut diags = Vec::new();
    let back: Vec<Record> = read.records.into_iter().map(|r| values::type_record(r, ctx, None, &mut diags)).collect();
    super::first_difference(records, &back)
}

struct Writer {
    opts: MdOptions,
    /// Long Markdown text goes to the body as `## label` sections.
    body: bool,
}

/// A front-matter value.
enum Y {
    Scalar(String),
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
}

impl Writer {
    fn lang(&self) -> Lang {
        self.opts.lang
    }

    fn form_file(&self, kind: &'static KindDef, rec: &Record, name: &str, notes: &mut Vec<String>) -> String {
        let mut fm = String::new();
        fm.push_str(&format!("kind: {}\n", kind.key));
        let mut sections: Vec<(&'static FieldDef, &str)> = Vec::new();
        for f in kind.fields.iter().filter(|f| !f.computed) {
            let Some(v) = rec.get(f.key) else { continue };
            if self.body
                && let (Type::Markdown, Value::Text(s)) = (f.ty, v)
                && body_safe(s)
            {
                sections.push((f, s));
                continue;
            }
            self.comment(&mut fm, 0, f);
            emit(&mut fm, 0, f.key, &self.value(f, v), true);
        }
        let mut body_text: Option<&str> = None;
        for (h, v) in &rec.extra {
            if h == "body" && kind.field("notes").is_none() && self.body && body_safe(v) {
                body_text = Some(v);
                continue;
            }
            if collides(kind, h) {
                notes.push(KEPT_NOWHERE.fill(self.lang(), &[("file", name), ("header", h), ("value", v)]));
                continue;
            }
            emit(&mut fm, 0, &quoted(h), &Y::Scalar(v.clone()), true);
        }
        let mut text = format!("---\n{fm}---\n");
        if let Some(b) = body_text {
            text.push('\n');
            text.push_str(b);
            text.push('\n');
        }
        for (f, s) in sections {
            text.push_str(&format!("\n## {}\n\n{s}\n", f.label.get(self.lang())));
        }
        text
    }

    fn list_file(&self, kind: &'static KindDef, records: &[Record], name: &str, notes: &mut Vec<String>) -> String {
        let collection = kind.collection.unwrap_or(kind.key);
        let mut fm = format!("kind: {collection}\n");
        if self.opts.annotate {
            for f in input_fields(kind) {
                self.comment(&mut fm, 0, f);
            }
        }
        fm.push_str(&format!("{collection}:\n"));
        for rec in records {
            let entries = self.entries(kind, rec, name, notes);
            emit_item(&mut fm, 2, &Y::Map(entries));
        }
        format!("---\n{fm}---\n")
    }

    /// A record's fields (catalogue order) and extras as front-matter entries.
    fn entries(&self, kind: &'static KindDef, rec: &Record, name: &str, notes: &mut Vec<String>) -> Vec<(String, Y)> {
        let mut out = Vec::new();
        for f in kind.fields.iter().filter(|f| !f.computed) {
            if let Some(v) = rec.get(f.key) {
                out.push((f.key.to_string(), self.value(f, v)));
            }
        }
        for (h, v) in &rec.extra {
            if collides(kind, h) {
                notes.push(KEPT_NOWHERE.fill(self.lang(), &[("file", name), ("header", h), ("value", v)]));
                continue;
            }
            out.push((quoted(h), Y::Scalar(v.clone())));
        }
        out
    }

    /// Canonical front-matter value of a field.
    fn value(&self, f: &FieldDef, v: &Value) -> Y {
        match v {
            Value::Text(s) => Y::Scalar(s.clone()),
            Value::List(items) => Y::Seq(items.iter().map(|s| Y::Scalar(s.clone())).collect()),
            Value::Date(d) => Y::Scalar(encode::date(*d)),
            Value::DateTime(dt) => Y::Scalar(encode::datetime(*dt)),
            Value::Int(n) => Y::Scalar(n.to_string()),
            Value::Percent(p) => Y::Scalar(encode::percent(*p)),
            // Canonical: the whole number and its unit (`5000000元`), whatever the language.
            Value::Quantity(q) => Y::Scalar(encode::quantity(q, Lang::En)),
            Value::Party(p) => Y::Scalar(encode::party(p)),
            Value::Parties(ps) => Y::Seq(ps.iter().map(|p| Y::Scalar(encode::party(p))).collect()),
            Value::Enum(code) => Y::Scalar(code.to_string()),
            Value::Records(rows) => {
                let sub = match f.ty {
                    Type::Sub(s) => crate::schema::kind(s),
                    _ => None,
                };
                let Some(sub) = sub else { return Y::Seq(Vec::new()) };
                let mut ignored = Vec::new();
                Y::Seq(rows.iter().map(|r| Y::Map(self.entries(sub, r, "", &mut ignored))).collect())
            }
        }
    }

    /// `# 协作主题:需求核心内容(简洁明了)` above a key, in annotated files.
    fn comment(&self, out: &mut String, indent: usize, f: &FieldDef) {
        if !self.opts.annotate {
            return;
        }
        let lang = self.lang();
        let help = super::standard_xlsx::help(f, lang);
        let sep = if lang == Lang::En { ": " } else { ":" };
        let mut line = if help.is_empty() {
            format!("{} ({})", f.label.get(lang), f.key)
        } else {
            format!("{} ({}){sep}{help}", f.label.get(lang), f.key)
        };
        // Markdown files hold codes: name them beside their labels.
        if let Type::Enum(e) = f.ty {
            line.push_str(&format!(" → {}", e.describe(lang)));
        }
        out.push_str(&format!("{}# {}\n", " ".repeat(indent), line.replace('\n', " ")));
        // Sub-tables: their columns.
        if let Type::Sub(s) = f.ty
            && let Some(sub) = crate::schema::kind(s)
        {
            let cols: Vec<String> = input_fields(sub).map(|g| format!("{} ({})", g.label.get(lang), g.key)).collect();
            out.push_str(&format!("{}#   {}\n", " ".repeat(indent), cols.join(", ")));
        }
    }
}

/// Whether an extra header cannot be a front-matter key of `kind` (it names a field, `kind`,
/// or a sub-table's sign-off list), so writing it would change what the file means.
fn collides(kind: &'static KindDef, header: &str) -> bool {
    let schema = default_schema();
    let n = crate::schema::normalize(header);
    n.is_empty()
        || n == "kind"
        || schema.field(kind.key, header).is_some()
        || (kind.shape == Shape::Table && kind.names().any(|name| crate::schema::normalize(name) == n))
        || n == "items"
        || schema.kind_for_sheet(header).is_some_and(|k| k.key == "signoff")
}

fn default_schema() -> &'static crate::schema::Schema {
    static SCHEMA: std::sync::OnceLock<crate::schema::Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(crate::schema::Schema::default)
}

/// Whether a Markdown text can be a `##` section of the body and read back unchanged: no
/// heading of its own, no leading indentation, no front-matter fence.
fn body_safe(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(char::is_whitespace)
        && s.lines().all(|l| {
            let t = l.trim();
            !t.starts_with('#')
                && !(t.len() >= 2 && (t.chars().all(|c| c == '=') || t.chars().all(|c| c == '-')))
                && !(l.starts_with("---") || l.starts_with("..."))
        })
}

/// A key or value as a YAML double-quoted scalar (JSON escaping is valid YAML).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A scalar as plain YAML when that reads back as the same text, else double-quoted.
fn scalar(s: &str) -> String {
    if plain_ok(s) { s.to_string() } else { quoted(s) }
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    let last = s.chars().last().unwrap_or(first);
    let reserved = ["null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"];
    !first.is_whitespace()
        && !last.is_whitespace()
        && !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.chars().any(|c| {
            c.is_control()
                || matches!(c, '：' | '\u{3000}' | '\u{A0}' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}')
        })
        && !reserved.contains(&s.to_ascii_lowercase().as_str())
}

/// Whether a multi-line text can be a literal block (`|-`) and read back unchanged.
fn literal_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\t', '\n'])
        && !s.ends_with(['\n', ' ', '\t'])
        && !s.chars().any(|c| {
            (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}')
        })
        && s.lines().all(|l| !l.trim().is_empty() || l.is_empty())
}

/// `key: value` at `indent`; `block` allows a literal block for multi-line text.
fn emit(out: &mut String, indent: usize, key: &str, v: &Y, block: bool) {
    let pad = " ".repeat(indent);
    match v {
        Y::Scalar(s) if block && literal_ok(s) => {
            out.push_str(&format!("{pad}{key}: |-\n"));
            for line in s.split('\n') {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("{pad}  {line}\n"));
                }
            }
        }
        Y::Scalar(s) => out.push_str(&format!("{pad}{key}: {}\n", scalar(s))),
        Y::Seq(items) => {
            out.push_str(&format!("{pad}{key}:\n"));
            for item in items {
                emit_item(out, indent + 2, item);
            }
        }
        Y::Map(entries) => {
            out.push_str(&format!("{pad}{key}:\n"));
            for (k, v) in entries {
                emit(out, indent + 2, k, v, false);
            }
        }
    }
}

/// `- item` at `indent`; a map's first entry shares the dash's line.
fn emit_item(out: &mut String, indent: usize, v: &Y) {
    let pad = " ".repeat(indent);
    match v {
        Y::Scalar(s) => out.push_str(&format!("{pad}- {}\n", scalar(s))),
        Y::Map(entries) if !entries.is_empty() => {
            let mut inner = String::new();
            for (k, v) in entries {
                emit(&mut inner, indent + 2, k, v, false);
            }
            // Replace the first entry's indentation with the dash.
            let cut = indent + 2;
            out.push_str(&format!("{pad}- {}", &inner[cut.min(inner.len())..]));
        }
        Y::Map(_) => out.push_str(&format!("{pad}- {{}}\n")),
        Y::Seq(items) => {
            out.push_str(&format!("{pad}-\n"));
            for item in items {
                emit_item(out, indent + 2, item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_plain_only_when_they_read_back_as_text() {
        assert_eq!(scalar("市场部/张三"), "市场部/张三");
        assert_eq!(scalar("2024-07-15"), "2024-07-15");
        assert_eq!(scalar("null"), "\"null\"");
        assert_eq!(scalar("*"), "\"*\"");
        assert_eq!(scalar("会议主题：x"), "\"会议主题：x\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("行1\n行2"), "\"行1\\n行2\"");
    }

    fn meeting_from(md: &str) -> (Project, Ctx) {
        let ctx = super::super::plain_ctx(Lang::ZhCn, chrono::NaiveDate::from_ymd_opt(2024, 10, 20).unwrap());
        let display: Arc<str> = "m.md".into();
        let read = markdown::read_text(md, &display, &ctx);
        assert!(read.diags.is_empty(), "{:#?}", read.diags);
        let mut diags = Vec::new();
        let meetings = read.records.into_iter().map(|r| values::type_record(r, &ctx, None, &mut diags)).collect();
        (Project { meetings, ..Project::default() }, ctx)
    }

    #[test]
    fn free_text_of_minutes_and_their_sections_read_back_unchanged() {
        // seed 001 (三): minutes often start with free text before their 讨论内容摘要
        let (p, ctx) = meeting_from(
            "---\nkind: meeting\n会议主题: 周例会\n会议时间: 2024-07-12 14:00-15:00\n---\n开场说明背景,\n主持人: 张三。\n\n## 讨论内容摘要\n\n- 进度正常\n- 风险已关闭\n",
        );
        assert_eq!(p.meetings[0].extra.get("body").map(String::as_str), Some("开场说明背景,\n主持人: 张三。"));
        let mut notes = Vec::new();
        let files = files(&p, MdOptions { lang: Lang::ZhCn, annotate: false }, &ctx, &mut notes);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(files.len(), 1);
        assert!(files[0].text.contains("\n## 讨论内容摘要\n\n- 进度正常"), "{}", files[0].text);
    }

    #[test]
    fn body_sections_avoid_headings_and_fences() {
        assert!(body_safe("开场时主持人说明会议背景。\n\n**1. 回顾** 已协调对接。"));
        assert!(!body_safe("## 决议事项"));
        assert!(!body_safe("标题\n----"));
        assert!(!body_safe("    缩进代码"));
    }
}
