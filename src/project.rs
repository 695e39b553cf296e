//! Projects: finding them under the paths a user gives, and assembling one from its files
//! (read → type → group by kind → validate).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::ingest::{self, Ctx, values};
use crate::model::{L10n, Project, Record, Value};
use crate::schema::{self, Mapping};
use crate::validate;

/// One project to read: a workbook, a Markdown file, or a folder of input files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectInput {
    /// The path as the user gave it (or as found under a folder they gave).
    pub source: String,
    pub files: Vec<PathBuf>,
}

/// Finds the projects under `paths`: a file is a project; a folder with input files is a
/// project; a folder of folders is a batch (searched recursively). Order is deterministic
/// (sorted by name). Fails with a message naming the path that does not exist.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<ProjectInput>, String> {
    let mut out = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.is_file() {
            out.push(ProjectInput { source: path.display().to_string(), files: vec![path.clone()] });
        } else {
            discover_dir(path, &mut out).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(out)
}

fn discover_dir(dir: &Path, out: &mut Vec<ProjectInput>) -> std::io::Result<()> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Hidden files, and Office's `~$` lock files beside an open workbook.
        // A README beside the data documents the folder; it is not a form.
        if name.starts_with('.') || name.starts_with("~$") || is_readme(&name) {
            continue;
        }
        let path = entry.path();
        let ft = entry.file_type()?;
        let is_dir = ft.is_dir() || (ft.is_symlink() && path.is_dir());
        if is_dir {
            dirs.push(path);
        } else if ingest::is_input(&path) {
            files.push(path);
        }
    }
    files.sort();
    dirs.sort();
    if !files.is_empty() {
        out.push(ProjectInput { source: dir.display().to_string(), files });
    }
    for d in dirs {
        discover_dir(&d, out)?;
    }
    Ok(())
}

fn is_readme(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "readme.md" || lower == "readme.markdown"
}

/// A project read, typed and checked.
#[derive(Debug)]
pub struct Checked {
    pub project: Project,
    pub diags: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.severity == crate::diag::Severity::Error)
    }
}

/// Reads, types and validates one project. Never fails: problems are diagnostics.
pub fn check(input: &ProjectInput, ctx: &Ctx) -> Checked {
    let mut diags = Vec::new();
    let project = load(input, ctx, &mut diags);
    diags.extend(validate::check(&project, ctx));
    Checked { project, diags }
}

const TOO_MANY: L10n = L10n::new(
    "一个项目只能有一份{kind}，这里又出现一份（第一份在 {first}）",
    "一個專案只能有一份{kind}，這裡又出現一份（第一份在 {first}）",
    "a project holds at most one {kind}; another one is here (the first is at {first})",
);
const TOO_MANY_HINT: L10n = L10n::new(
    "把两份合并，或把它们分到两个项目文件夹",
    "把兩份合併，或把它們分到兩個專案資料夾",
    "merge the two, or put them in two project folders",
);

/// Reads every file of a project and groups the typed records by kind.
pub fn load(input: &ProjectInput, ctx: &Ctx, diags: &mut Vec<Diagnostic>) -> Project {
    let mut raws = Vec::new();
    for path in &input.files {
        let display: Arc<str> = path.display().to_string().into();
        let read = ingest::read_file(path, &display, ctx);
        diags.extend(read.diags);
        raws.extend(read.records);
    }
    let year_hint = values::find_year(&raws);
    let mut project = Project { source: input.source.clone(), ..Project::default() };
    for raw in raws {
        let record = values::type_record(raw, ctx, year_hint, diags);
        place(&mut project, record, ctx, diags);
    }
    dedupe_meeting_ids(&mut project.meetings);
    project
}

fn place(project: &mut Project, record: Record, ctx: &Ctx, diags: &mut Vec<Diagnostic>) {
    let single = |slot: &mut Option<Record>, record: Record, diags: &mut Vec<Diagnostic>| match slot {
        None => *slot = Some(record),
        Some(first) => {
            let kind = schema::kind(record.kind).map_or(record.kind, |k| k.label.get(ctx.lang));
            let first = first.loc.to_string();
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    record.loc.clone(),
                    TOO_MANY.fill(ctx.lang, &[("kind", kind), ("first", &first)]),
                )
                .record(record.id())
                .hint(TOO_MANY_HINT.get(ctx.lang)),
            );
        }
    };
    match record.kind {
        "requirement" => single(&mut project.requirement, record, diags),
        "retrospective" => single(&mut project.retrospective, record, diags),
        "task" => project.tasks.push(record),
        "risk" => project.risks.push(record),
        "meeting" => project.meetings.push(record),
        "signoff" => project.signoffs.push(record),
        // Sub-kinds only arrive inside their parent; a reader that hands one out alone is
        // a bug, and dropping it silently would hide data, so keep it visible.
        other => diags.push(Diagnostic::info(
            "extra",
            record.loc.clone(),
            format!("{other}: record outside its form was ignored"),
        )),
    }
}

/// Meetings without an id get their date; two on one day become `2023-09-15`, `2023-09-15-2`.
fn dedupe_meeting_ids(meetings: &mut [Record]) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for m in meetings.iter_mut() {
        let Some(id) = m.id().map(str::to_string) else { continue };
        let n = seen.entry(id.clone()).or_insert(0);
        *n += 1;
        if *n > 1
            && let Some(f) = m.fields.get_mut("id")
            && f.raw.is_empty()
        {
            f.value = Value::Text(format!("{id}-{n}"));
        }
    }
}

/// Reads a `--map` file: `{ kind or collection: { "Their header": field_key } }`.
pub fn read_mapping(path: &Path) -> Result<Mapping, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let parsed: BTreeMap<String, BTreeMap<String, String>> =
        serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut entries = Vec::new();
    for (kind, headers) in parsed {
        for (header, key) in headers {
            entries.push((kind.clone(), header, key));
        }
    }
    Ok(Mapping { entries })
}
