//! Projects: finding them under the paths a user gives, and assembling one from its files
//! (read → type → group by kind → validate).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Severity, io_message};
use crate::ingest::{self, Ctx, values};
use crate::mapping::{self, Mapping};
use crate::model::{L10n, Lang, Location, Project, Record, Value};
use crate::schema;
use crate::validate;

/// One project to read: a workbook, a Markdown file, or a folder of input files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectInput {
    /// The path as the user gave it (or as found under a folder they gave).
    pub source: String,
    pub files: Vec<PathBuf>,
    /// The project folder's own mapping file (`dossier.yaml`, `mapping.yaml`), if any.
    pub mapping: Option<PathBuf>,
}

impl ProjectInput {
    pub fn new(source: String, files: Vec<PathBuf>) -> ProjectInput {
        ProjectInput { source, files, mapping: None }
    }
}

const NO_PATH: L10n = L10n::new("{path}:{problem}", "{path}:{problem}", "{path}: {problem}");

/// Finds the projects under `paths`: a file is a project; a folder with input files is a
/// project; a folder of folders is a batch (searched recursively). Order is deterministic
/// (sorted by name). A project folder's own mapping file comes with it (for a file given
/// alone, the mapping file beside it). Fails with a message naming the path that does not
/// exist, in `lang`.
pub fn discover(paths: &[PathBuf], lang: Lang) -> Result<Vec<ProjectInput>, String> {
    let mut out = Vec::new();
    let fail = |path: &Path, e: std::io::Error| {
        NO_PATH.fill(lang, &[("path", &path.display().to_string()), ("problem", &io_message(&e, lang))])
    };
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| fail(path, e))?;
        if meta.is_file() {
            let mut input = ProjectInput::new(path.display().to_string(), vec![path.clone()]);
            input.mapping = path.parent().and_then(project_mapping);
            out.push(input);
        } else {
            discover_dir(path, &mut out).map_err(|e| fail(path, e))?;
        }
    }
    Ok(out)
}

/// The mapping file of a project folder, if it has one.
fn project_mapping(dir: &Path) -> Option<PathBuf> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    mapping::PROJECT_FILES.iter().map(|n| dir.join(n)).find(|p| p.is_file())
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
        let mut input = ProjectInput::new(dir.display().to_string(), files);
        input.mapping = project_mapping(dir);
        out.push(input);
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

/// Reads, types and validates one project input. Never fails: problems are diagnostics.
/// Usually one project; a requirements register gives one more project per row (named by
/// its requirement id), and the input's own project only when it holds other records.
pub fn check(input: &ProjectInput, ctx: &Ctx) -> Vec<Checked> {
    let mut diags = Vec::new();
    let local;
    let ctx = match &input.mapping {
        None => ctx,
        Some(path) => match Mapping::load(path, ctx.lang) {
            Ok(m) => {
                local = ctx.for_project(&m);
                &local
            }
            Err(e) => {
                diags.push(mapping_error(&e));
                ctx
            }
        },
    };
    let (project, registered) = load_all(input, ctx, &mut diags);
    if registered.is_empty() && is_empty(&project) && !diags.iter().any(|d| d.severity == Severity::Error) {
        diags.push(no_records(input, ctx.lang));
    }
    let mut out = Vec::new();
    // A register row's own findings (its cells) go with its project.
    let rows: Vec<Vec<Diagnostic>> = registered.iter().map(|req| take_row_diags(&mut diags, req)).collect();
    let mut rows = registered.into_iter().zip(rows);
    if rows.len() > 0 && is_empty(&project) {
        // The register's rows are the projects; what the files said goes with the first.
        for (i, (req, mut own)) in rows.enumerate() {
            if i == 0 {
                own.splice(0..0, std::mem::take(&mut diags));
            }
            out.push(check_project(register_project(&project.source, req), ctx, own));
        }
        return out;
    }
    out.push(check_project(project, ctx, diags));
    out.extend(rows.by_ref().map(|(req, own)| check_project(register_project(&input.source, req), ctx, own)));
    out
}

fn check_project(project: Project, ctx: &Ctx, mut diags: Vec<Diagnostic>) -> Checked {
    diags.extend(validate::check(&project, ctx));
    Checked { project, diags }
}

/// The diagnostics about cells of a register row, taken out of `diags`.
fn take_row_diags(diags: &mut Vec<Diagnostic>, req: &Record) -> Vec<Diagnostic> {
    let row =
        |l: &Location| l.cell.as_deref().map(|c| c.trim_start_matches(|ch: char| ch.is_ascii_alphabetic()).to_string());
    let (sheet, at) = (req.loc.sheet.clone(), row(&req.loc));
    let (own, rest): (Vec<Diagnostic>, Vec<Diagnostic>) = std::mem::take(diags)
        .into_iter()
        .partition(|d| d.loc.file == req.loc.file && d.loc.sheet == sheet && at.is_some() && row(&d.loc) == at);
    *diags = rest;
    own
}

/// The project of one register row: `source › id` (or the row's cell when it has no id).
fn register_project(source: &str, req: Record) -> Project {
    let name = req.id().map(str::to_string).unwrap_or_else(|| req.loc.cell.clone().unwrap_or_default());
    Project { source: format!("{source} › {name}"), requirement: Some(req), ..Project::default() }
}

/// Whether a project holds no record at all.
pub fn is_empty(p: &Project) -> bool {
    p.requirement.is_none()
        && p.retrospective.is_none()
        && p.tasks.is_empty()
        && p.risks.is_empty()
        && p.meetings.is_empty()
        && p.signoffs.is_empty()
        && p.actions.is_empty()
}

const NO_RECORDS: L10n = L10n::new(
    "这个项目没有读到任何记录（文件：{files}）",
    "這個專案沒有讀到任何記錄（檔案：{files}）",
    "no record was read for this project (files: {files})",
);
const NO_RECORDS_HINT: L10n = L10n::new(
    "Markdown 文件需要 YAML 头部（kind：…）和字段；工作簿可用 dossier map suggest 生成映射",
    "Markdown 檔案需要 YAML 頭部（kind：…）和欄位；活頁簿可用 dossier map suggest 產生對應",
    "a Markdown file needs front matter (kind: …) and fields; for a workbook, dossier map suggest writes a mapping",
);

/// A project that gave nothing, when no file of it already said why.
fn no_records(input: &ProjectInput, lang: Lang) -> Diagnostic {
    let files: Vec<String> = input.files.iter().map(|f| f.display().to_string()).collect();
    let file: Arc<str> = input.source.as_str().into();
    Diagnostic::error("no-records", Location::file(&file), NO_RECORDS.fill(lang, &[("files", &files.join(", "))]))
        .hint(NO_RECORDS_HINT.get(lang))
}

/// A mapping file that cannot be used, as the project's diagnostic.
fn mapping_error(e: &mapping::MappingError) -> Diagnostic {
    let file: Arc<str> = e.file.as_str().into();
    let loc = match e.line {
        Some(line) => Location::line(&file, line),
        None => Location::file(&file),
    };
    let mut d = Diagnostic::error("mapping", loc, e.message.clone());
    d.hint = e.hint.clone();
    d
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

/// Reads every file of a project and groups the typed records by kind (rows of a
/// requirements register become requirements of the project too: see [`check`] for one
/// project per row).
pub fn load(input: &ProjectInput, ctx: &Ctx, diags: &mut Vec<Diagnostic>) -> Project {
    let (mut project, registered) = load_all(input, ctx, diags);
    if project.requirement.is_none() && registered.len() == 1 {
        project.requirement = registered.into_iter().next();
    }
    project
}

/// The project and, apart, the requirements read from register rows.
fn load_all(input: &ProjectInput, ctx: &Ctx, diags: &mut Vec<Diagnostic>) -> (Project, Vec<Record>) {
    let mut raws = Vec::new();
    for path in &input.files {
        let display: Arc<str> = path.display().to_string().into();
        let read = ingest::read_file(path, &display, ctx);
        diags.extend(read.diags);
        raws.extend(read.records);
    }
    let year_hint = values::find_year(&raws);
    let mut project = Project { source: input.source.clone(), ..Project::default() };
    let mut registered = Vec::new();
    for raw in raws {
        let register = raw.register;
        let record = values::type_record(raw, ctx, year_hint, diags);
        if register {
            registered.push(record);
        } else {
            place(&mut project, record, ctx, diags);
        }
    }
    dedupe_meeting_ids(&mut project.meetings);
    (project, registered)
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
        // An action-item log outside any minutes.
        "action" => project.actions.push(record),
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
