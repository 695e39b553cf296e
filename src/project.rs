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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectInput {
    /// The path as the user gave it (or as found under a folder they gave).
    pub source: String,
    pub files: Vec<PathBuf>,
    /// The project folder's own mapping file (`dossier.yaml`, `mapping.yaml`), if any.
    pub mapping: Option<PathBuf>,
    /// What the folder walk left out here, and why: reported with the project.
    pub skipped: Vec<Skipped>,
}

impl ProjectInput {
    pub fn new(source: String, files: Vec<PathBuf>) -> ProjectInput {
        ProjectInput { source, files, ..ProjectInput::default() }
    }
}

/// A path the folder walk did not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skipped {
    /// Not a regular file or folder: a named pipe, a socket, a device (which).
    Special(PathBuf, L10n),
    /// A link to a folder or file already read under another path (that path).
    Again(PathBuf, PathBuf),
    /// A link that points nowhere.
    Dangling(PathBuf),
    /// A folder dossier wrote (it holds dossier's `manifest.json`): documents, not forms.
    Output(PathBuf),
    /// A folder that cannot be listed: the error's kind and text. (A file that cannot be
    /// read is reported by its reader.)
    Unreadable(PathBuf, std::io::ErrorKind, String),
}

const NO_PATH: L10n = L10n::new("{path}:{problem}", "{path}:{problem}", "{path}: {problem}");

/// Finds the projects under `paths`: a file is a project; a folder with input files is a
/// project; a folder of folders is a batch (searched recursively). Order is deterministic
/// (sorted by name). A project folder's own mapping file comes with it (for a file given
/// alone, the mapping file beside it). Fails with a message naming a path that does not
/// exist, in `lang`.
///
/// The walk reads regular files only (named pipes, sockets and devices are skipped with a
/// note, never opened). Links are followed, but every real folder and file is read once:
/// a link back to a folder already read (a cycle) or to a file already read is skipped with
/// a note. A folder holding dossier's `manifest.json` is an output folder and is skipped. A
/// folder that cannot be listed becomes a project of its own with an error, and the walk
/// goes on. Notes found in a folder with no input files go to the nearest project above it,
/// else to a project named after the path given, holding only those notes.
pub fn discover(paths: &[PathBuf], lang: Lang) -> Result<Vec<ProjectInput>, String> {
    let mut out = Vec::new();
    let mut seen = Seen::default();
    for path in paths {
        let meta = match fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(
                    NO_PATH.fill(lang, &[("path", &path.display().to_string()), ("problem", &io_message(&e, lang))])
                );
            }
            Err(e) => {
                out.push(unreadable(path, &e));
                continue;
            }
        };
        let root = out.len();
        let mut notes = Vec::new();
        if meta.is_file() {
            match seen.first(path, &meta) {
                Some(first) => notes.push(Skipped::Again(path.clone(), first)),
                None => {
                    let mut input = ProjectInput::new(path.display().to_string(), vec![path.clone()]);
                    input.mapping = path.parent().and_then(project_mapping);
                    out.push(input);
                }
            }
        } else if meta.is_dir() {
            if let Some(first) = seen.first(path, &meta) {
                notes.push(Skipped::Again(path.clone(), first));
            } else {
                walk(path, &mut seen, &mut out, None, &mut notes);
            }
        } else {
            notes.push(Skipped::Special(path.clone(), special_kind(&meta)));
        }
        if !notes.is_empty() {
            out.insert(root, ProjectInput { source: path.display().to_string(), skipped: notes, ..Default::default() });
        }
    }
    Ok(out)
}

/// The mapping file of a project folder, if it has one.
fn project_mapping(dir: &Path) -> Option<PathBuf> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    mapping::PROJECT_FILES.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

/// Real folders and files met so far, with the path each was first met under.
#[derive(Default)]
struct Seen(std::collections::HashMap<FileId, PathBuf>);

impl Seen {
    /// None the first time `path`'s folder or file is met; else the path it was met under.
    fn first(&mut self, path: &Path, meta: &fs::Metadata) -> Option<PathBuf> {
        let id = file_id(path, meta)?;
        match self.0.get(&id) {
            Some(first) => Some(first.clone()),
            None => {
                self.0.insert(id, path.to_path_buf());
                None
            }
        }
    }
}

#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

#[cfg(unix)]
fn file_id(_path: &Path, meta: &fs::Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path, _meta: &fs::Metadata) -> Option<FileId> {
    fs::canonicalize(path).ok()
}

fn special_kind(meta: &fs::Metadata) -> L10n {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return L10n::new("命名管道", "具名管道", "a named pipe");
        }
        if t.is_socket() {
            return L10n::new("套接字", "通訊端", "a socket");
        }
        if t.is_block_device() || t.is_char_device() {
            return L10n::new("设备文件", "裝置檔案", "a device");
        }
    }
    let _ = meta;
    L10n::new("特殊文件", "特殊檔案", "a special file")
}

fn unreadable(dir: &Path, e: &std::io::Error) -> ProjectInput {
    ProjectInput {
        source: dir.display().to_string(),
        skipped: vec![Skipped::Unreadable(dir.to_path_buf(), e.kind(), e.to_string())],
        ..Default::default()
    }
}

/// Whether `dir` is an output folder of dossier: its `manifest.json` names dossier as generator.
fn is_output(dir: &Path) -> bool {
    let Ok(f) = fs::File::open(dir.join(crate::output::MANIFEST)) else { return false };
    let mut head = Vec::new();
    let _ = std::io::Read::read_to_end(&mut std::io::Read::take(f, 1024), &mut head);
    let head = String::from_utf8_lossy(&head);
    head.split_whitespace().collect::<String>().contains("\"generator\":\"dossier")
}

/// Reads one folder: its input files make a project; its folders are walked in turn.
/// `home` is the nearest project above (an index into `out`), for notes.
fn walk(dir: &Path, seen: &mut Seen, out: &mut Vec<ProjectInput>, home: Option<usize>, notes: &mut Vec<Skipped>) {
    if is_output(dir) {
        note(out, home, notes, Skipped::Output(dir.to_path_buf()));
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            out.push(unreadable(dir, &e));
            return;
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => names.push(entry.file_name()),
            Err(e) => {
                out.push(unreadable(dir, &e));
                return;
            }
        }
    }
    names.sort();
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let mut here = Vec::new();
    for name in names {
        let shown = name.to_string_lossy();
        // Hidden files, and Office's `~$` lock files beside an open workbook.
        // A README beside the data documents the folder; it is not a form.
        if shown.starts_with('.') || shown.starts_with("~$") || is_readme(&shown) {
            continue;
        }
        let path = dir.join(&name);
        let meta = match fs::metadata(&path) {
            Ok(meta) => meta,
            // A link that points nowhere; any other entry that vanished is not worth a note.
            Err(_) => {
                if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                    here.push(Skipped::Dangling(path));
                }
                continue;
            }
        };
        if meta.is_dir() {
            match seen.first(&path, &meta) {
                Some(first) => here.push(Skipped::Again(path, first)),
                None => dirs.push(path),
            }
        } else if !ingest::is_input(&path) {
            continue;
        } else if !meta.is_file() {
            here.push(Skipped::Special(path, special_kind(&meta)));
        } else {
            match seen.first(&path, &meta) {
                Some(first) => here.push(Skipped::Again(path, first)),
                None => files.push(path),
            }
        }
    }
    let home = if files.is_empty() {
        home
    } else {
        let mut input = ProjectInput::new(dir.display().to_string(), files);
        input.mapping = project_mapping(dir);
        out.push(input);
        Some(out.len() - 1)
    };
    for n in here {
        note(out, home, notes, n);
    }
    for d in dirs {
        walk(&d, seen, out, home, notes);
    }
}

/// Files a note with the project `home`, or with the notes of the path given.
fn note(out: &mut [ProjectInput], home: Option<usize>, notes: &mut Vec<Skipped>, n: Skipped) {
    match home.and_then(|i| out.get_mut(i)) {
        Some(p) => p.skipped.push(n),
        None => notes.push(n),
    }
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
    let has_files = !input.files.is_empty();
    if has_files && registered.is_empty() && is_empty(&project) && !diags.iter().any(|d| d.severity == Severity::Error)
    {
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

const SKIPPED_SPECIAL: L10n = L10n::new(
    "已跳过：这是{kind}，不是普通文件",
    "已略過：這是{kind}，不是一般檔案",
    "skipped: this is {kind}, not a regular file",
);
const SKIPPED_AGAIN: L10n = L10n::new(
    "已跳过：它指向已读取的 {first}（链接）",
    "已略過：它指向已讀取的 {first}（連結）",
    "skipped: it leads to {first}, which is read already (a link)",
);
const SKIPPED_DANGLING: L10n =
    L10n::new("已跳过：链接指向的文件不存在", "已略過：連結指向的檔案不存在", "skipped: a link to nothing");
const SKIPPED_OUTPUT: L10n = L10n::new(
    "已跳过：这是 dossier 生成的输出文件夹（含 manifest.json），不是表单",
    "已略過：這是 dossier 產生的輸出資料夾（含 manifest.json），不是表單",
    "skipped: an output folder of dossier (it holds manifest.json), not forms",
);
const SKIPPED_OUTPUT_HINT: L10n = L10n::new(
    "把输出文件夹（-o）放在输入文件夹之外",
    "把輸出資料夾（-o）放在輸入資料夾之外",
    "keep the output folder (-o) outside the input folders",
);
const UNREADABLE_DIR: L10n =
    L10n::new("无法列出文件夹内容：{error}", "無法列出資料夾內容：{error}", "cannot list the folder: {error}");
const UNREADABLE_DIR_HINT: L10n = L10n::new(
    "检查该文件夹的读取和执行权限，或以有权限的用户运行",
    "檢查該資料夾的讀取與執行權限，或以有權限的使用者執行",
    "check the folder's read and execute permissions, or run as a user who may read it",
);

impl Skipped {
    /// The note (or, for a folder that cannot be listed, the error) in `lang`.
    pub fn diagnostic(&self, lang: Lang) -> Diagnostic {
        let at = |p: &Path| Location::file(&Arc::from(p.display().to_string().as_str()));
        match self {
            Skipped::Special(p, kind) => {
                Diagnostic::info("skipped", at(p), SKIPPED_SPECIAL.fill(lang, &[("kind", kind.get(lang))]))
            }
            Skipped::Again(p, first) => {
                Diagnostic::info("skipped", at(p), SKIPPED_AGAIN.fill(lang, &[("first", &first.display().to_string())]))
            }
            Skipped::Dangling(p) => Diagnostic::info("skipped", at(p), SKIPPED_DANGLING.get(lang).to_string()),
            Skipped::Output(p) => Diagnostic::info("skipped", at(p), SKIPPED_OUTPUT.get(lang).to_string())
                .hint(SKIPPED_OUTPUT_HINT.get(lang)),
            Skipped::Unreadable(p, kind, text) => {
                let error = io_message(&std::io::Error::new(*kind, text.clone()), lang);
                Diagnostic::error("file", at(p), UNREADABLE_DIR.fill(lang, &[("error", &error)]))
                    .hint(UNREADABLE_DIR_HINT.get(lang))
            }
        }
    }
}

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
    diags.extend(input.skipped.iter().map(|s| s.diagnostic(ctx.lang)));
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
