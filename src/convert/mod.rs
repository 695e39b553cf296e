//! Moving existing sheets onto dossier: `init` (a blank standard workbook and Markdown
//! examples) and `convert` (any
//! accepted input written in the standard form, as a workbook or as Markdown, read back to
//! prove nothing was lost).
//!
//! Stages: records (read and typed by `ingest`, grouped by `project`) → [`standard_xlsx`] or
//! [`markdown_out`] (values spelled by [`encode`]) → `output::write_atomic`.

pub mod encode;
pub mod init;
pub mod markdown_out;
pub mod standard_xlsx;

use std::path::PathBuf;

use chrono::NaiveDate;
use serde_json::Value as Json;

use crate::ingest::Ctx;
use crate::json;
use crate::model::{Lang, Project, Record};
use crate::output::safe_name;

/// The standard forms `convert` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// One workbook per project, in the layout of `dossier init`.
    Xlsx,
    /// Markdown files with front matter, one per kind (one per meeting).
    Md,
}

/// A project in the standard form: files relative to the project's output folder, and notes
/// on anything that could not be written as it was.
#[derive(Debug, Default)]
pub struct Converted {
    pub files: Vec<(PathBuf, Vec<u8>)>,
    pub notes: Vec<String>,
}

/// Writes `project` in the standard form. `stem` names the workbook; `ctx` gives the
/// language of labels and the date for the workbook's properties.
pub fn convert(project: &Project, target: Target, stem: &str, ctx: &Ctx) -> Result<Converted, String> {
    let mut out = Converted::default();
    match target {
        Target::Xlsx => {
            let opts = standard_xlsx::Options { lang: ctx.lang, spare_rows: 3, created: ctx.as_of };
            let bytes = standard_xlsx::workbook(project, &opts).map_err(|e| e.to_string())?;
            out.files.push((PathBuf::from(format!("{stem}.xlsx")), bytes));
        }
        Target::Md => {
            let opts = markdown_out::MdOptions { lang: ctx.lang, annotate: false };
            // Checked as they will be read: with the catalogue alone, whatever mapping read the input.
            let plain = plain_ctx(ctx.lang, ctx.as_of);
            for f in markdown_out::files(project, opts, &plain, &mut out.notes) {
                out.files.push((PathBuf::from(f.name), f.text.into_bytes()));
            }
        }
    }
    Ok(out)
}

/// A folder name for a project: its requirement id, else the name of its file or folder.
pub fn project_stem(project: &Project) -> String {
    let id = project.requirement.as_ref().and_then(Record::id).map(str::to_string);
    let from_source = || {
        let p = std::path::Path::new(&project.source);
        let name = if p.extension().is_some() { p.file_stem() } else { p.file_name() };
        name.map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    };
    safe_name(&id.unwrap_or_else(from_source))
}

/// A project's JSON without its source: what must survive a conversion.
pub fn comparable(p: &Project) -> Json {
    let mut j = json::project(p);
    if let Some(o) = j.as_object_mut() {
        o.remove("source");
    }
    j
}

/// The first difference between two projects' records, as `tasks[2].owner: a ≠ b`.
pub fn project_difference(a: &Project, b: &Project) -> Option<String> {
    json_difference("", &comparable(a), &comparable(b))
}

/// The first difference between two lists of records.
pub fn first_difference(a: &[Record], b: &[Record]) -> Option<String> {
    let ja: Vec<Json> = a.iter().map(json::record).collect();
    let jb: Vec<Json> = b.iter().map(json::record).collect();
    json_difference("", &Json::Array(ja), &Json::Array(jb))
}

/// The first place two JSON values differ, as a path (`tasks[2].owner: a ≠ b`).
pub fn json_difference(path: &str, a: &Json, b: &Json) -> Option<String> {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                json_difference(&p, x.get(k).unwrap_or(&Json::Null), y.get(k).unwrap_or(&Json::Null))
            })
        }
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (u, v))| json_difference(&format!("{path}[{i}]"), u, v))
        }
        (Json::Array(x), Json::Array(y)) => Some(format!("{path}: {} ≠ {} records", x.len(), y.len())),
        _ if a == b => None,
        _ => Some(format!("{path}: {a} ≠ {b}")),
    }
}

/// "Today" for commands without `--as-of`: `SOURCE_DATE_EPOCH`'s date when set, else today.
pub(crate) fn today() -> NaiveDate {
    crate::ingest::source_date_epoch().ok().flatten().map_or_else(|| chrono::Local::now().date_naive(), |at| at.date())
}

/// A Ctx reading with the catalogue alone (no mapping): how converted files are read back.
pub fn plain_ctx(lang: Lang, as_of: NaiveDate) -> Ctx {
    Ctx::new(lang, as_of, crate::schema::Schema::default())
}
