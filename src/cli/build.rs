//! `dossier build`, `dossier verify` and `dossier templates`.

use std::collections::BTreeSet;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use rayon::prelude::*;

use super::{BatchIds, CommonArgs, Style, resolve, write_text, write_total};
use crate::diag::Tally;
use crate::ingest::Ctx;
use crate::model::L10n;
use crate::output::{self, Entry, FontEntry, OutDir, ProjectRecord, WriteError};
use crate::project::{self, Checked, ProjectInput};
use crate::render::Renderer;
use crate::render::html::{HtmlRenderer, write_default_templates};
use crate::render::pdf::{PdfOptions, PdfRenderer};
use crate::render::xlsx::XlsxRenderer;
use crate::report::index::{IndexDoc, IndexProject, IndexView, Link, problem_counts};
use crate::report::{self, DocMeta, ProjectSummary};

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Workbooks, Markdown files, project folders, or folders of project folders.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The output folder: OUT/<project>/<document>.<ext>, OUT/summary.*, OUT/index.html, OUT/manifest.json.
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Formats to write, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [OutFormat::Pdf, OutFormat::Html, OutFormat::Xlsx])]
    pub to: Vec<OutFormat>,
    /// A font for PDF output (repeatable: a fallback chain tried in order before the system's
    /// CJK fonts), e.g. --font NotoSansCJK-Regular.ttc.
    #[arg(long, value_name = "FILE")]
    pub font: Vec<PathBuf>,
    /// Write PDF/A-2u (archival: fonts embedded, every character with its Unicode text, XMP metadata, sRGB output intent).
    #[arg(long)]
    pub pdfa: bool,
    /// A folder of HTML templates overriding the built-in ones file by file (see `dossier templates`).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Projects built at once (default: every core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, clap::Args)]
pub struct TemplatesArgs {
    /// Where to write the built-in templates (files already there are kept).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum OutFormat {
    Pdf,
    Html,
    Xlsx,
}

/// One project's files, rendered and named, waiting to be written.
struct Pending {
    entry: IndexProject,
    summary: Option<ProjectSummary>,
    record: ProjectRecord,
    folder: String,
    files: Vec<(String, Vec<u8>)>,
}

const NOT_WRITTEN: L10n = L10n::new(
    "{error};该项目未生成,其余项目照常生成",
    "{error};該專案未產生,其餘專案照常產生",
    "{error}; this project was not built, the others are",
);

/// Projects rendered at once: every core busy, memory bounded whatever the batch size.
const CHUNK: usize = 64;

/// One document rendered in every format: (format, bytes).
struct RenderedDoc {
    stem: String,
    title: String,
    files: Vec<(&'static str, Vec<u8>)>,
}

/// One project after checking and rendering, before its files are written.
struct Built {
    checked: Checked,
    /// The documents, or the render error.
    docs: Result<Vec<RenderedDoc>, String>,
    summary: Option<ProjectSummary>,
    id: String,
    /// The project's input files with their hashes, for the manifest (folder set when written).
    record: ProjectRecord,
    /// Only notes of the folder walk, no input files: nothing to build or index.
    notes_only: bool,
}

const WROTE: L10n = L10n::new(
    "已写入 {files} 个文件到 {dir}:{built} 个项目已生成,{skipped} 个因错误未生成",
    "已寫入 {files} 個檔案到 {dir}:{built} 個專案已產生,{skipped} 個因錯誤未產生",
    "wrote {files} files to {dir}: {built} project(s) built, {skipped} not built because of errors",
);

pub fn build(args: BuildArgs) -> io::Result<ExitCode> {
    let (mut inputs, ctx) = match resolve(&args.paths, &args.common) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dossier: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    // The output folder is never input, even before it holds a manifest (an interrupted run).
    if let Ok(out) = std::fs::canonicalize(&args.out) {
        let inside = |p: &std::path::Path| std::fs::canonicalize(p).is_ok_and(|p| p.starts_with(&out));
        inputs.retain(|i| i.files.is_empty() || !i.files.iter().all(|f| inside(f)));
    }
    let html = match HtmlRenderer::new(args.templates.as_deref()) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("dossier: {e:#}");
            return Ok(ExitCode::from(2));
        }
    };
    let xlsx = XlsxRenderer::new();
    let formats: BTreeSet<OutFormat> = args.to.iter().copied().collect();
    let pdf = if formats.contains(&OutFormat::Pdf) {
        match PdfRenderer::new(PdfOptions { fonts: args.font.clone(), pdfa: args.pdfa }) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("dossier: {e:#}");
                return Ok(ExitCode::from(2));
            }
        }
    } else {
        None
    };
    let renderers: Vec<&dyn Renderer> = formats
        .iter()
        .filter_map(|f| -> Option<&dyn Renderer> {
            match f {
                OutFormat::Pdf => pdf.as_ref().map(|p| p as &dyn Renderer),
                OutFormat::Html => Some(&html),
                OutFormat::Xlsx => Some(&xlsx),
            }
        })
        .collect();
    let jobs = args.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().map_err(io::Error::other)?;
    let mut out =
        OutDir::new(&args.out).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", args.out.display())))?;

    let progress = indicatif::ProgressBar::with_draw_target(
        Some(inputs.len() as u64),
        if io::stderr().is_terminal() {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        },
    );
    let stdout = io::stdout();
    let mut text = io::BufWriter::new(stdout.lock());
    let style = Style::detect();
    let mut tally = Tally::default();
    // Projects with errors, projects rendered or written in vain, notes-only entries.
    let (mut failed, mut broken, mut notes_only) = (0usize, 0usize, 0usize);
    let mut names = BTreeSet::new();
    let mut ids = BatchIds::default();
    let mut summaries = Vec::new();
    let mut index_projects = Vec::new();
    let mut skipped = Vec::new();
    let mut records = Vec::with_capacity(inputs.len());
    let mut projects = 0usize;

    for chunk in inputs.chunks(CHUNK) {
        let built: Vec<Vec<Built>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|input| {
                    let b = build_one(input, &ctx, &renderers, pdf.as_ref());
                    progress.inc(1);
                    b
                })
                .collect()
        });
        // Names are given in input order (deterministic); the files are then written in parallel.
        let mut pending: Vec<Pending> = Vec::new();
        for mut b in built.into_iter().flatten() {
            projects += 1;
            ids.check(&mut b.checked, &ctx);
            let record = b.record;
            let t = Tally::of(&b.checked.diags);
            tally.merge(t);
            progress.suspend(|| write_text(&mut text, &b.checked, ctx.lang, &style))?;
            let problems = problem_counts(ctx.lang, t.errors, t.warnings);
            let mut entry = IndexProject {
                id: b.id.clone(),
                name: b.summary.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
                source: b.checked.project.source.clone(),
                docs: Vec::new(),
                errors: t.errors,
                warnings: t.warnings,
                problems,
            };
            if t.errors > 0 {
                failed += 1;
                skipped.push(entry);
                records.push(record);
                continue;
            }
            if b.notes_only {
                notes_only += 1;
                continue;
            }
            let docs = match b.docs {
                Ok(docs) => docs,
                Err(e) => {
                    broken += 1;
                    progress.suspend(|| eprintln!("dossier: {}: {e}", b.checked.project.source));
                    records.push(record);
                    continue;
                }
            };
            let folder = unique(&mut names, &output::safe_name(&b.id));
            let mut files = Vec::new();
            for RenderedDoc { stem, title, files: formats } in docs {
                let mut links = Vec::new();
                for (format, bytes) in formats {
                    let rel = format!("{folder}/{}", output::file_name(&stem, format));
                    links.push(Link { format: format.to_uppercase(), href: rel.clone() });
                    files.push((rel, bytes));
                }
                entry.docs.push(IndexDoc { title, links });
            }
            let summary = b.summary.map(|mut s| {
                s.link = Some(format!("{folder}/"));
                s
            });
            pending.push(Pending { entry, summary, record, folder, files });
        }
        let written: Vec<Vec<io::Result<Entry>>> = pool.install(|| {
            pending
                .par_iter()
                .map(|p| p.files.par_iter().map(|(rel, bytes)| out.write_unrecorded(rel, bytes)).collect())
                .collect()
        });
        // A project whose files cannot all be written is reported and left out whole (index,
        // summary, its folder in the manifest); the batch goes on.
        for (mut p, results) in pending.into_iter().zip(written) {
            if let Some(e) = results.iter().find_map(|r| r.as_ref().err()) {
                broken += 1;
                let error = WriteError::describe(e, ctx.lang);
                let msg = NOT_WRITTEN.fill(ctx.lang, &[("error", &error)]);
                progress.suspend(|| eprintln!("dossier: {}: {msg}", p.entry.source));
                for entry in results.iter().flatten() {
                    let _ = std::fs::remove_file(out.root().join(&entry.path));
                }
                let _ = std::fs::remove_dir(out.root().join(&p.folder));
                records.push(p.record);
                continue;
            }
            for entry in results.into_iter().flatten() {
                out.record(entry);
            }
            p.record.folder = Some(p.folder);
            records.push(p.record);
            summaries.extend(p.summary);
            index_projects.push(p.entry);
        }
    }
    progress.finish_and_clear();

    let localized = |e: io::Error| io::Error::new(e.kind(), WriteError::describe(&e, ctx.lang));
    let batch_meta = DocMeta::batch(&ctx);
    let summary_view = report::summary(&summaries, &ctx);
    let mut summary_links = Vec::new();
    for r in &renderers {
        let bytes =
            r.render_summary(&summary_view, &batch_meta).map_err(|e| io::Error::other(format!("summary: {e:#}")))?;
        let rel = format!("summary.{}", r.format());
        out.write(&rel, &bytes).map_err(localized)?;
        summary_links.push(Link { format: r.format().to_uppercase(), href: rel });
    }
    let index = IndexView::new(ctx.lang, summary_links, index_projects, skipped);
    let index_bytes = html.render_index(&index, &batch_meta).map_err(|e| io::Error::other(format!("index: {e:#}")))?;
    out.write("index.html", &index_bytes).map_err(localized)?;
    let dir = out.root().display().to_string();
    let fonts = pdf
        .as_ref()
        .map(|p| {
            p.fonts_used().into_iter().map(|f| FontEntry { family: f.family, file: f.file, sha256: f.sha256 }).collect()
        })
        .unwrap_or_default();
    let manifest = out.finish(&ctx.as_of.format("%Y-%m-%d").to_string(), fonts, records).map_err(localized)?;

    write_total(&mut text, projects - notes_only, failed, tally, ctx.lang)?;
    let line = WROTE.fill(
        ctx.lang,
        &[
            ("files", &(manifest.files.len() + 1).to_string()),
            ("dir", &dir),
            ("built", &(projects - failed - notes_only - broken).to_string()),
            ("skipped", &failed.to_string()),
        ],
    );
    writeln!(text, "{line}")?;
    text.flush()?;
    Ok(if broken > 0 {
        ExitCode::from(2)
    } else if tally.errors > 0 || (args.common.strict && tally.warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Checks one project input and, for each of its projects without errors, renders the
/// documents in every format, and with PDF the project dossier (every document in one file).
fn build_one(input: &ProjectInput, ctx: &Ctx, renderers: &[&dyn Renderer], pdf: Option<&PdfRenderer>) -> Vec<Built> {
    project::check(input, ctx).into_iter().map(|checked| build_checked(input, checked, ctx, renderers, pdf)).collect()
}

fn build_checked(
    input: &ProjectInput,
    checked: Checked,
    ctx: &Ctx,
    renderers: &[&dyn Renderer],
    pdf: Option<&PdfRenderer>,
) -> Built {
    let meta = DocMeta::new(&checked.project, ctx);
    let id = meta.project_id.clone();
    // The folder's own mapping file shapes what is read: it is an input too.
    let files: Vec<std::path::PathBuf> = input.files.iter().chain(&input.mapping).cloned().collect();
    let mut record = ProjectRecord::new(&checked.project.source, &files);
    let req = checked.project.requirement.as_ref();
    record.id = meta.project_id.clone();
    record.name = meta.project_name.clone();
    record.department = req.and_then(|q| q.text("department")).map(str::to_string);
    let date = |k| req.and_then(|q| q.date(k)).map(|d| d.format("%Y-%m-%d").to_string());
    record.period = match (date("start"), date("end")) {
        (None, None) => None,
        (s, e) => Some(format!("{}/{}", s.unwrap_or_default(), e.unwrap_or_default())),
    };
    let notes_only = input.files.is_empty();
    if checked.has_errors() || notes_only {
        return Built { checked, docs: Ok(Vec::new()), summary: None, id, record, notes_only };
    }
    let documents = report::documents(&checked.project, ctx);
    let rendered = (|| {
        let mut docs = Vec::new();
        for doc in &documents {
            let mut files = Vec::new();
            for r in renderers {
                let bytes = r.render(doc, &meta).map_err(|e| format!("{}.{}: {e:#}", doc.stem, r.format()))?;
                files.push((r.format(), bytes));
            }
            docs.push(RenderedDoc { stem: doc.stem.clone(), title: doc.title.clone(), files });
        }
        if let Some(pdf) = pdf.filter(|_| !documents.is_empty()) {
            let bytes = pdf.render_dossier(&documents, &meta).map_err(|e| format!("dossier.pdf: {e:#}"))?;
            docs.push(RenderedDoc {
                stem: "dossier".into(),
                title: DOSSIER.get(ctx.lang).into(),
                files: vec![("pdf", bytes)],
            });
        }
        Ok(docs)
    })();
    let summary = Some(report::project_summary(&checked.project, ctx));
    Built { checked, docs: rendered, summary, id, record, notes_only }
}

const DOSSIER: L10n = L10n::new("项目档案", "專案檔案", "Project dossier");

/// `name`, or `name-2`, `name-3` … when a project of the batch already took it.
fn unique(taken: &mut BTreeSet<String>, name: &str) -> String {
    let mut candidate = name.to_string();
    let mut n = 1;
    while taken.contains(&candidate.to_lowercase()) || matches!(candidate.as_str(), "index.html" | "manifest.json") {
        n += 1;
        candidate = format!("{name}-{n}");
    }
    taken.insert(candidate.to_lowercase());
    candidate
}

pub fn templates(args: TemplatesArgs) -> io::Result<ExitCode> {
    match write_default_templates(&args.dir) {
        Ok(written) => {
            let mut out = io::stdout().lock();
            for p in written {
                writeln!(out, "{}", p.display())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("dossier: {e:#}");
            Ok(ExitCode::from(2))
        }
    }
}
