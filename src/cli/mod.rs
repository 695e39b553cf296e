//! The command line: clap definitions, resolved options, and the commands' output.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::diag::{Diagnostic, Severity, Tally};
use crate::ingest::Ctx;
use crate::json;
use crate::mapping::Mapping;
use crate::model::{L10n, Lang};
use crate::project::{self, Checked, ProjectInput};
use crate::schema::{self, Schema};

mod build;
mod cache;
mod convert;
mod map;
mod progress;
mod sign;

/// dossier — checks PMO project forms (Excel, Markdown) against the collaboration rules
/// and compiles standardized documents.
#[derive(Debug, Parser)]
#[command(name = "dossier", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read projects and report every problem found, with file, sheet and cell or line.
    Check(CheckArgs),
    /// Compile the documents of projects without errors as PDF, HTML and XLSX, with an index,
    /// a portfolio summary and a manifest of every file's SHA-256.
    Build(build::BuildArgs),
    /// Re-hash every file of an output folder (or a BagIt package) against its manifest; signed
    /// PDFs and a signed manifest are understood. Exit 1 on any missing, changed or extra file.
    Verify(sign::VerifyArgs),
    /// Sign the PDFs of an output folder (PAdES, as incremental revisions) and its manifest
    /// (manifest.json.p7s).
    Sign(sign::SignArgs),
    /// Package an output folder, the inputs it was built from and scans (--add) as a BagIt
    /// bag (RFC 8493) for an archive.
    Archive(sign::ArchiveArgs),
    /// Write the built-in HTML templates to a folder, to edit and pass back with `--templates`.
    Templates(build::TemplatesArgs),
    /// Print the JSON Schema of a project as `check --format json` writes it.
    Schema(SchemaArgs),
    /// Write a blank input workbook (drop-downs, instructions, one example per form),
    /// Markdown examples and a README into a folder.
    Init(convert::InitArgs),
    /// Mapping files for a team's own column names.
    Map(map::MapArgs),
    /// Write projects in the standard form (the `init` workbook, or Markdown), read back to
    /// prove nothing was lost.
    Convert(convert::ConvertArgs),
    /// Reads one workbook and exits: dossier runs itself this way to read .xls and .ods files
    /// in a child process with a memory limit (see `ingest::isolate`).
    #[command(name = "__read-probe", hide = true)]
    ReadProbe { path: PathBuf },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Workbooks (.xlsx .xlsm .xls .ods), Markdown files, project folders, or folders of project folders.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Options `check` and `build` share.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    /// "Today" for every date rule and for the documents, as YYYY-MM-DD
    /// (default: the date of SOURCE_DATE_EPOCH when set, else today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Fail (exit 1) on warnings too, not only on errors.
    #[arg(long)]
    pub strict: bool,
    /// A mapping file for every project: a team's column names, sheet kinds, value words,
    /// date order (see README, "Mapping files"). A project folder's own `dossier.yaml` or
    /// `mapping.yaml` applies to that project and wins over it.
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Language of messages and documents: zh-CN, zh-TW or en (default: DOSSIER_LANG, else the
    /// locale: LC_ALL, LC_MESSAGES, LANG).
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Hide the progress bar (drawn on stderr when it is a terminal); the report is the same.
    #[arg(short, long)]
    pub quiet: bool,
}

/// The language of a run: `--lang`, else `DOSSIER_LANG`, else the locale (`LC_ALL`, then
/// `LC_MESSAGES`, then `LANG`: zh_TW and zh_HK are zh-TW, any other zh is zh-CN, anything else
/// en).
pub fn resolve_lang(given: Option<Lang>) -> Lang {
    if let Some(lang) = given {
        return lang;
    }
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(lang) = var("DOSSIER_LANG").and_then(|v| Lang::parse(&v)) {
        return lang;
    }
    let locale = var("LC_ALL").or_else(|| var("LC_MESSAGES")).or_else(|| var("LANG")).unwrap_or_default();
    lang_of_locale(&locale)
}

/// `zh_TW.UTF-8` → zh-TW, `zh_CN.GB18030` → zh-CN, `C.UTF-8` → en.
fn lang_of_locale(locale: &str) -> Lang {
    let l = locale.split(['.', '@']).next().unwrap_or("").to_ascii_lowercase().replace('-', "_");
    if l == "zh_tw" || l == "zh_hk" || l == "zh_mo" || l.starts_with("zh_hant") {
        Lang::ZhTw
    } else if l == "zh" || l.starts_with("zh_") {
        Lang::ZhCn
    } else {
        Lang::En
    }
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Print the schema of the whole `check --format json` document (projects and diagnostics).
    #[arg(long)]
    pub document: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date; expected YYYY-MM-DD, e.g. 2024-08-15"))
}

pub(crate) fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("`{s}` is not a supported language; expected zh-CN, zh-TW or en"))
}

/// Runs the command line; the exit code is decided here and nowhere else.
pub fn run(cli: Cli) -> ExitCode {
    if let Command::ReadProbe { path } = &cli.command {
        return crate::ingest::isolate::read_in_child(path);
    }
    if let Ok(exe) = std::env::current_exe() {
        crate::ingest::isolate::enable(exe);
    }
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Build(args) => build::build(args),
        Command::Verify(args) => sign::verify(args),
        Command::Sign(args) => sign::sign(args),
        Command::Archive(args) => sign::archive(args),
        Command::Templates(args) => build::templates(args),
        Command::Schema(args) => schema_cmd(args),
        Command::Init(args) => convert::init(args),
        Command::Map(args) => map::map(args),
        Command::Convert(args) => convert::convert(args),
        Command::ReadProbe { .. } => Ok(ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dossier: {e}");
            ExitCode::from(2)
        }
    }
}

fn schema_cmd(args: SchemaArgs) -> io::Result<ExitCode> {
    let s = if args.document { schema::json_schema::document_schema() } else { schema::json_schema::project_schema() };
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &s)?;
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}

/// Options of `check` once resolved: no more raw arguments past this point.
struct CheckOptions {
    inputs: Vec<ProjectInput>,
    ctx: Ctx,
    format: Format,
    strict: bool,
}

/// The projects to read and the context to read them in, from the shared options.
pub fn resolve(paths: &[PathBuf], common: &CommonArgs) -> Result<(Vec<ProjectInput>, Ctx), String> {
    let lang = resolve_lang(common.lang);
    let mapping = match &common.map {
        Some(path) => Mapping::load(path, lang).map_err(|e| e.to_string())?,
        None => Mapping::default(),
    };
    // An unusable SOURCE_DATE_EPOCH matters only when it would give "today".
    let epoch = match crate::ingest::source_date_epoch() {
        Ok(epoch) => epoch,
        Err(_) if common.as_of.is_some() => None,
        Err(e) => return Err(e),
    };
    let as_of = match common.as_of {
        Some(d) => d,
        None => epoch.map_or_else(|| chrono::Local::now().date_naive(), |at| at.date()),
    };
    let inputs = project::discover(paths, lang)?;
    if inputs.is_empty() {
        return Err(NO_PROJECT.get(lang).to_string());
    }
    Ok((inputs, Ctx::new(lang, as_of, Schema::default()).with_mapping(mapping.into()).with_stamp(epoch)))
}

/// Requirement ids seen so far in a batch. A PMO numbers requirements across projects, so two
/// projects sharing one each get a `duplicate-id` warning naming the other (SPEC §3): the
/// same two warnings whichever was read first, and neither project is dropped for it.
#[derive(Default)]
pub(crate) struct BatchIds {
    /// By normalised id: every project that has it, as the warnings name it.
    seen: std::collections::HashMap<String, Vec<Seen>>,
}

/// What a warning names of an earlier project's requirement: where it starts and its `id`
/// field. A batch of thousands keeps only this (the requirement's other fields would make a
/// record of a few kilobytes each, and memory would grow with the batch).
struct Seen {
    /// The project's place in the batch.
    n: usize,
    kind: &'static str,
    loc: crate::model::Location,
    id: crate::model::Field,
}

impl Seen {
    /// The requirement as far as the warnings read it.
    fn record(&self) -> crate::model::Record {
        let mut r = crate::model::Record::new(self.kind, self.loc.clone());
        r.fields.insert("id", self.id.clone());
        r
    }
}

impl BatchIds {
    /// Checks the requirement of project `n` (its place in the batch) against those seen
    /// before: its own warnings go into `c`, the returned ones belong to earlier projects.
    pub(crate) fn check(&mut self, n: usize, c: &mut Checked, ctx: &Ctx) -> Vec<(usize, Diagnostic)> {
        let Some(req) = &c.project.requirement else { return Vec::new() };
        let Some(field) = req.fields.get("id") else { return Vec::new() };
        let Some(id) = req.id().map(str::trim).filter(|s| !s.is_empty()) else { return Vec::new() };
        let others = self.seen.entry(schema::normalize(id)).or_default();
        let others_before: Vec<(usize, Diagnostic)> = others
            .iter()
            .map(|seen| (seen.n, seen.record()))
            .filter(|(_, other)| other.id().is_some_and(|o| crate::validate::same_id(o, id)))
            .map(|(m, other)| {
                c.diags.push(crate::validate::duplicate_across_projects(req, &other, ctx));
                (m, crate::validate::duplicate_across_projects(&other, req, ctx))
            })
            .collect();
        others.push(Seen { n, kind: req.kind, loc: req.loc.clone(), id: field.clone() });
        others_before
    }
}

/// The threads that check and build projects: `jobs` of them (0: one per core), this one
/// among them. A lone project is then checked and built on this thread, without starting
/// another or warming up another heap; in a batch this thread works between its chunks too.
pub(crate) fn worker_pool(jobs: usize) -> io::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new().num_threads(jobs).use_current_thread().build().map_err(io::Error::other)
}

/// Projects checked at once: enough to keep every core busy, few enough that memory stays
/// flat however many projects a batch holds.
const CHUNK: usize = 64;

fn check(args: CheckArgs) -> io::Result<ExitCode> {
    let opts = match resolve(&args.paths, &args.common) {
        Ok((inputs, ctx)) => CheckOptions { inputs, ctx, format: args.format, strict: args.common.strict },
        Err(e) => {
            eprintln!("dossier: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let style = Style::detect();
    let mut tally = Tally::default();
    let mut failed_projects = 0usize;
    // JSON puts every diagnostic after every project; they wait in a temporary file so that
    // memory stays flat however many projects a batch holds.
    let mut json_diags = match opts.format {
        Format::Json => Some(Spill::new()?),
        Format::Text => None,
    };
    if opts.format == Format::Json {
        out.write_all(b"{\"projects\":[")?;
    }
    let mut first = true;
    let mut ids = BatchIds::default();
    let mut projects = 0usize;
    let progress = progress::Progress::new(opts.inputs.len(), progress::CHECKING, opts.ctx.lang, args.common.quiet);
    let pool = worker_pool(0)?;
    for chunk in opts.inputs.chunks(CHUNK) {
        let checked: Vec<Vec<Checked>> =
            pool.install(|| chunk.par_iter().map(|input| project::check(input, &opts.ctx)).collect());
        progress.recount(chunk.len(), checked.iter().map(Vec::len).sum());
        for mut c in checked.into_iter().flatten() {
            // Warnings for projects already written out come after them, each with its file.
            for (_, d) in ids.check(projects, &mut c, &opts.ctx) {
                tally.add(d.severity);
                match json_diags.as_mut() {
                    Some(spill) => spill.push(&json::diagnostic(&d))?,
                    None => progress.write(&mut out, |out| write_late(out, &d, opts.ctx.lang, &style))?,
                }
            }
            projects += 1;
            let t = Tally::of(&c.diags);
            if t.errors > 0 {
                failed_projects += 1;
            }
            tally.merge(t);
            match opts.format {
                Format::Json => {
                    progress.write(&mut out, |out| {
                        out.write_all(if first { b"\n" } else { b",\n" })?;
                        Ok(serde_json::to_writer(out, &json::project(&c.project))?)
                    })?;
                    if let Some(spill) = json_diags.as_mut() {
                        for d in &c.diags {
                            spill.push(&json::diagnostic(d))?;
                        }
                    }
                }
                Format::Text => progress.write(&mut out, |out| write_text(out, &c, opts.ctx.lang, &style))?,
            }
            first = false;
            progress.inc(1);
        }
    }
    progress.finish();
    match opts.format {
        Format::Json => {
            out.write_all(b"\n],\"diagnostics\":[")?;
            if let Some(spill) = json_diags.take() {
                spill.copy_to(&mut out)?;
            }
            out.write_all(b"\n]}\n")?;
        }
        Format::Text => write_total(&mut out, projects, failed_projects, tally, opts.ctx.lang)?,
    }
    out.flush()?;
    let failed = tally.errors > 0 || (opts.strict && tally.warnings > 0);
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Compact JSON values, comma-separated, parked in an unnamed temporary file.
struct Spill {
    file: io::BufWriter<std::fs::File>,
    count: usize,
}

impl Spill {
    fn new() -> io::Result<Spill> {
        Ok(Spill { file: io::BufWriter::new(crate::spool::temp_file("check")?), count: 0 })
    }

    fn push(&mut self, v: &serde_json::Value) -> io::Result<()> {
        self.file.write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut self.file, v)?;
        self.count += 1;
        Ok(())
    }

    fn copy_to(self, out: &mut impl Write) -> io::Result<()> {
        use std::io::Seek;
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.seek(io::SeekFrom::Start(0))?;
        io::copy(&mut file, out)?;
        Ok(())
    }
}

const FOUND: L10n = L10n::new("发现", "發現", "found");
const EXPECTED: L10n = L10n::new("期望", "期望", "expected");
const HINT: L10n = L10n::new("提示", "提示", "hint");
const RECORD: L10n = L10n::new("记录", "記錄", "record");
const FIELD: L10n = L10n::new("字段", "欄位", "field");
const PROJECT_SUMMARY: L10n = L10n::new(
    "{source}：{errors} 个错误，{warnings} 个警告，{infos} 条提示",
    "{source}：{errors} 個錯誤，{warnings} 個警告，{infos} 條提示",
    "{source}: {errors} error(s), {warnings} warning(s), {infos} note(s)",
);
const TOTAL: L10n = L10n::new(
    "共 {projects} 个项目，{failed} 个有错误；{errors} 个错误，{warnings} 个警告",
    "共 {projects} 個專案，{failed} 個有錯誤；{errors} 個錯誤，{warnings} 個警告",
    "{projects} project(s), {failed} with errors; {errors} error(s), {warnings} warning(s)",
);
const NO_PROJECT: L10n = L10n::new(
    "没有找到输入文件（.xlsx .xlsm .xls .ods .md）",
    "沒有找到輸入檔案（.xlsx .xlsm .xls .ods .md）",
    "no input files found (.xlsx .xlsm .xls .ods .md)",
);

/// Colours on a terminal only, and never when `NO_COLOR` is set.
pub(crate) struct Style {
    color: bool,
}

impl Style {
    pub(crate) fn detect() -> Style {
        Style { color: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }
}

/// One project's diagnostics, grouped by file in the order the files were read.
pub(crate) fn write_text(out: &mut impl Write, c: &Checked, lang: Lang, style: &Style) -> io::Result<()> {
    let mut files: Vec<&str> = Vec::new();
    for d in &c.diags {
        if !files.contains(&&*d.loc.file) {
            files.push(&d.loc.file);
        }
    }
    for file in files {
        writeln!(out, "{}", style.paint("1", file))?;
        for d in c.diags.iter().filter(|d| &*d.loc.file == file) {
            write_diag(out, d, lang, style)?;
        }
        writeln!(out)?;
    }
    let t = Tally::of(&c.diags);
    let line = PROJECT_SUMMARY.fill(
        lang,
        &[
            ("source", &c.project.source),
            ("errors", &t.errors.to_string()),
            ("warnings", &t.warnings.to_string()),
            ("infos", &t.infos.to_string()),
        ],
    );
    let code = if t.errors > 0 {
        "31"
    } else if t.warnings > 0 {
        "33"
    } else {
        "32"
    };
    writeln!(out, "{}", style.paint(code, &line))?;
    writeln!(out)
}

/// A diagnostic of a project already reported (a batch-wide finding), with its file.
pub(crate) fn write_late(out: &mut impl Write, d: &Diagnostic, lang: Lang, style: &Style) -> io::Result<()> {
    writeln!(out, "{}", style.paint("1", &d.loc.file))?;
    write_diag(out, d, lang, style)?;
    writeln!(out)
}

fn write_diag(out: &mut impl Write, d: &Diagnostic, lang: Lang, style: &Style) -> io::Result<()> {
    let (word, color) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
        Severity::Info => ("info", "1;36"),
    };
    writeln!(out, "{}: {}", style.paint(color, &format!("{word}[{}]", d.code)), d.message)?;
    let mut at = format!("  --> {}", d.loc);
    let mut what = Vec::new();
    if let Some(r) = &d.record {
        what.push(format!("{} {r}", RECORD.get(lang)));
    }
    if let Some(f) = &d.field {
        what.push(format!("{} {f}", FIELD.get(lang)));
    }
    if !what.is_empty() {
        match lang {
            Lang::En => at.push_str(&format!("  ({})", what.join(", "))),
            _ => at.push_str(&format!("  （{}）", what.join("，"))),
        }
    }
    writeln!(out, "{}", style.paint("2", &at))?;
    let colon = if lang == Lang::En { ": " } else { "：" };
    for (label, v) in [(FOUND, &d.value), (EXPECTED, &d.expected), (HINT, &d.hint)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            writeln!(out, "   = {}{colon}{}", label.get(lang), v.replace('\n', " ⏎ "))?;
        }
    }
    Ok(())
}

pub(crate) fn write_total(
    out: &mut impl Write,
    projects: usize,
    failed: usize,
    t: Tally,
    lang: Lang,
) -> io::Result<()> {
    if projects > 1 {
        let line = TOTAL.fill(
            lang,
            &[
                ("projects", &projects.to_string()),
                ("failed", &failed.to_string()),
                ("errors", &t.errors.to_string()),
                ("warnings", &t.warnings.to_string()),
            ],
        );
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_locale_picks_the_language() {
        assert_eq!(lang_of_locale("zh_TW.UTF-8"), Lang::ZhTw);
        assert_eq!(lang_of_locale("zh_HK"), Lang::ZhTw);
        assert_eq!(lang_of_locale("zh_CN.GB18030"), Lang::ZhCn);
        assert_eq!(lang_of_locale("zh_SG.UTF-8"), Lang::ZhCn);
        assert_eq!(lang_of_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(lang_of_locale("C.UTF-8"), Lang::En);
        assert_eq!(lang_of_locale(""), Lang::En);
        assert_eq!(resolve_lang(Some(Lang::ZhTw)), Lang::ZhTw);
    }

    #[test]
    fn bad_dates_and_languages_are_explained() {
        assert!(parse_date("2024/8/15").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_lang("fr").unwrap_err().contains("zh-CN"));
        assert_eq!(parse_lang("zh-tw"), Ok(Lang::ZhTw));
    }
}
