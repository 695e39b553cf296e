//! `dossier map suggest`: a mapping skeleton for the columns and keys that matched no field.
//! Each unmatched header becomes a line `"Their header": field` under its kind's collection
//! (`tasks:`, `risks:` …), with the closest fields of the catalogue in a comment; the user
//! edits it and passes it back with `--map`.

use std::collections::BTreeSet;

use crate::diag::Diagnostic;
use crate::model::{L10n, Lang, Record, Value};
use crate::project::Checked;
use crate::schema::{self, FieldDef, KINDS, KindDef, Mapping};

/// One header that matched no field, with the fields closest to it.
#[derive(Clone, Debug)]
pub struct Suggestion {
    pub kind: &'static KindDef,
    pub header: String,
    /// Closest fields, best first (empty when nothing is close).
    pub fields: Vec<&'static FieldDef>,
}

/// The name a mapping file uses for a kind: its collection (`tasks`), else its key (`action`).
pub fn group_name(kind: &KindDef) -> &'static str {
    kind.collection.unwrap_or(kind.key)
}

/// Unmatched headers of checked projects, in the order met, each once per kind.
pub fn suggestions(projects: &[Checked], ctx: &crate::ingest::Ctx) -> Vec<Suggestion> {
    let schema = &ctx.schema;
    let mut seen: BTreeSet<(&'static str, String)> = BTreeSet::new();
    let mut out = Vec::new();
    let mut add = |kind: &'static KindDef, header: &str, out: &mut Vec<Suggestion>| {
        let header = header.trim();
        if header.is_empty() || schema.field(kind.key, header).is_some() {
            return;
        }
        if seen.insert((kind.key, schema::normalize(header))) {
            out.push(Suggestion { kind, header: header.to_string(), fields: schema.suggest(kind.key, header) });
        }
    };
    for c in projects {
        // Sheets no kind claimed that still hold a table: every header of theirs.
        let mut files: Vec<&str> = c.diags.iter().filter(|d| d.code == "sheet-skipped").map(|d| &*d.loc.file).collect();
        files.dedup();
        for file in files {
            let display: std::sync::Arc<str> = file.into();
            for r in crate::ingest::xlsx::resemblances(std::path::Path::new(file), &display, ctx) {
                for (_, header) in &r.headers {
                    add(r.kind, header, &mut out);
                }
            }
        }
        let records = all_records(&c.project);
        // The diagnostics first: they come in column order, and name columns without values.
        for d in c.diags.iter().filter(|d| d.code == "extra" && d.field.is_none()) {
            let (Some(header), Some(kind)) = (d.value.as_deref(), kind_near(d, &records)) else { continue };
            add(kind, header, &mut out);
        }
        for r in &records {
            if let Some(kind) = schema::kind(r.kind) {
                for h in r.extra.keys() {
                    add(kind, h, &mut out);
                }
            }
        }
    }
    out
}

/// Every record of a project, sub-table rows included.
fn all_records(p: &crate::model::Project) -> Vec<&Record> {
    fn walk<'a>(r: &'a Record, out: &mut Vec<&'a Record>) {
        out.push(r);
        for f in r.fields.values() {
            if let Value::Records(rows) = &f.value {
                for s in rows {
                    walk(s, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    let tops = p
        .requirement
        .iter()
        .chain(&p.tasks)
        .chain(&p.risks)
        .chain(&p.meetings)
        .chain(p.retrospective.iter())
        .chain(&p.signoffs);
    for r in tops {
        walk(r, &mut out);
    }
    out
}

/// The kind of the records a diagnostic's header belongs to: in a workbook, the first record
/// below the header row on the same sheet; in a Markdown file, the last record starting at or
/// before its line.
fn kind_near(d: &Diagnostic, records: &[&Record]) -> Option<&'static KindDef> {
    let same_file = records.iter().filter(|r| r.loc.file == d.loc.file);
    let found = match (&d.loc.sheet, d.loc.cell.as_deref().and_then(row_of), d.loc.line) {
        (Some(sheet), Some(row), _) => same_file
            .filter(|r| r.loc.sheet.as_ref() == Some(sheet))
            .filter_map(|r| r.loc.cell.as_deref().and_then(row_of).filter(|&rr| rr > row).map(|rr| (rr, *r)))
            .min_by_key(|(rr, _)| *rr)
            .map(|(_, r)| r),
        (None, _, Some(line)) => same_file
            .filter_map(|r| r.loc.line.filter(|&l| l <= line).map(|l| (l, *r)))
            .max_by_key(|(l, _)| *l)
            .map(|(_, r)| r),
        _ => None,
    };
    found.and_then(|r| schema::kind(r.kind))
}

/// The row number of an A1 reference (`F7` → 7).
fn row_of(cell: &str) -> Option<u32> {
    cell.trim_start_matches(|c: char| c.is_ascii_alphabetic()).parse().ok()
}

const HEAD: L10n = L10n::new(
    "# dossier 映射文件：把你们的列名对应到 dossier 的字段（由 `dossier map suggest` 生成）。\n\
     # 逐行检查：保留建议的字段，或改写为其他字段键（见行尾注释或 `dossier schema`），或删除该行。\n\
     # 被注释且值为 `~` 的行没有相近字段：填上字段键并去掉 `#` 即可读取该列。\n\
     # 使用：dossier check --map mapping.yaml …",
    "# dossier 對應檔：把你們的欄名對應到 dossier 的欄位（由 `dossier map suggest` 產生）。\n\
     # 逐行檢查：保留建議的欄位，或改寫為其他欄位鍵（見行尾註解或 `dossier schema`），或刪除該行。\n\
     # 被註解且值為 `~` 的行沒有相近欄位：填上欄位鍵並去掉 `#` 即可讀取該欄。\n\
     # 使用：dossier check --map mapping.yaml …",
    "# dossier mapping: your column names → dossier's fields (written by `dossier map suggest`).\n\
     # Check each line: keep the suggested field, write another field key (see the comment or\n\
     # `dossier schema`), or delete the line. Commented lines with `~` have no close field: write\n\
     # a field key and remove the `#` to read that column.\n\
     # Use: dossier check --map mapping.yaml …",
);
const NOTHING: L10n = L10n::new(
    "# 所有列都已对应到字段，无需映射。",
    "# 所有欄都已對應到欄位，無需對應。",
    "# Every column matched a field: nothing to map.",
);
const KEPT: L10n = L10n::new("已有映射", "既有對應", "existing mapping");
const NO_CLOSE: L10n = L10n::new("没有相近的字段", "沒有相近的欄位", "no field is close");

/// The YAML skeleton: the existing mapping's entries, then one line per suggestion, grouped
/// by kind in catalogue order.
pub fn skeleton(existing: &Mapping, suggestions: &[Suggestion], lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(HEAD.get(lang));
    out.push('\n');
    if suggestions.is_empty() && existing.entries.is_empty() {
        out.push_str(NOTHING.get(lang));
        out.push('\n');
        return out;
    }
    for kind in KINDS {
        let group = group_name(kind);
        let old: Vec<&(String, String, String)> =
            existing.entries.iter().filter(|(k, _, _)| k == kind.key || kind.collection == Some(k.as_str())).collect();
        let new: Vec<&Suggestion> = suggestions.iter().filter(|s| s.kind.key == kind.key).collect();
        if old.is_empty() && new.is_empty() {
            continue;
        }
        let active = old.len() + new.iter().filter(|s| !s.fields.is_empty()).count();
        out.push_str(&format!("\n# {}\n", kind.label.get(lang)));
        out.push_str(&if active == 0 { format!("{group}: {{}}\n") } else { format!("{group}:\n") });
        for (_, header, key) in old {
            out.push_str(&format!("  {}: {key}  # {}\n", quote(header), KEPT.get(lang)));
        }
        for s in new {
            let names: Vec<String> = s.fields.iter().map(|f| format!("{} ({})", f.label.get(lang), f.key)).collect();
            match s.fields.first() {
                Some(best) => out.push_str(&format!("  {}: {}  # {}\n", quote(&s.header), best.key, names.join(", "))),
                None => out.push_str(&format!("  # {}: ~  # {}\n", quote(&s.header), NO_CLOSE.get(lang))),
            }
        }
    }
    out
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}
