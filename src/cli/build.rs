//! `dossier build`, `dossier verify` and `dossier templates`.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use rayon::prelude::*;

use super::cache::{self, CacheWriter, CachedProject, CheckCache};
use super::progress::{self, Progress};
use super::{BatchIds, CommonArgs, Style, resolve, write_late, write_text, write_total};
use crate::diag::Tally;
use crate::ingest::Ctx;
use crate::model::L10n;
use crate::model::Project;
use crate::output::{self, Entry, FontEntry, InputFile, Manifest, OutDir, ProjectRecord, WriteError};
use crate::project::{self, Checked, ProjectInput};
use crate::render::Renderer;
use crate::render::html::{HtmlRenderer, write_default_templates};
use crate::render::pdf::{PdfOptions, PdfRenderer, fonts_embedded_by};
use crate::render::xlsx::XlsxRenderer;
use crate::report::index::{IndexDoc, IndexProject, IndexView, Link, problem_counts};
use crate::report::{self, DocMeta, ProjectSummary};
use crate::spool::{At, Spool};

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
    /// Render every project again, even those whose inputs and options are the same as in
    /// the earlier build in the output folder.
    #[arg(long)]
    pub force: bool,
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

const NOT_WRITTEN: L10n = L10n::new(
    "{error}；该项目未生成，其余项目照常生成",
    "{error}；該專案未產生，其餘專案照常產生",
    "{error}; this project was not built, the others are",
);

/// One project's files, named, waiting to be written: (place in the batch, folder,
/// [(path, document number, bytes)]).
type Pending = (usize, String, Vec<(String, String, Vec<u8>)>);

/// Projects rendered at once: every core busy, memory bounded whatever the batch size.
const CHUNK: usize = 64;

/// One document rendered in every format: (format, bytes).
struct RenderedDoc {
    stem: String,
    title: String,
    number: String,
    files: Vec<(&'static str, Vec<u8>)>,
}

/// A project ready to be written once its chunk's folders are settled.
struct Ready<'a> {
    here: usize,
    docs: Vec<RenderedDoc>,
    /// The earlier build's folder whose files it keeps.
    reused: Option<String>,
    /// With `reused`: where its record is, and the project, to render it after all (with the
    /// input to check again and the project's id when the project is a stub of the cache).
    kept_project: Option<KeptProject<'a>>,
}

/// A kept project, should it be rendered after all: where its record is, the project, and
/// for a stub of the check cache the input to check again and the project's id.
type KeptProject<'a> = (usize, Project, Option<(&'a ProjectInput, String)>);

/// A project of the batch in the summary and index: where its row is in the spool, its
/// place in the batch, its rank in the summary ([`report::summary_rank`]), and whether it was
/// built.
struct Row {
    here: usize,
    at: At,
    rank: u8,
    built: bool,
}

/// Rows handed to the HTML renderer at once.
const SLICE: usize = 256;

/// One project after checking and rendering, before its files are written.
struct Built {
    checked: Checked,
    /// The documents, or the render error.
    docs: Result<Vec<RenderedDoc>, String>,
    summary: Option<ProjectSummary>,
    id: String,
    name: String,
    /// The project's input files with their hashes, for the manifest (folder set when written).
    record: ProjectRecord,
    /// Only notes of the folder walk, no input files: nothing to build or index.
    notes_only: bool,
    /// The folder of an earlier build whose files this project keeps (nothing was rendered).
    reused: Option<String>,
    /// The check cache's key of the project's input, and the project's entry in it (none for a
    /// project with errors: its input is read again next time).
    input_key: String,
    cache_line: Option<String>,
    /// Taken from the check cache: the input was neither read nor checked.
    cached: bool,
}

const WROTE: L10n = L10n::new(
    "已写入 {files} 个文件到 {dir}：{built} 个项目已生成，{skipped} 个因错误未生成",
    "已寫入 {files} 個檔案到 {dir}：{built} 個專案已產生，{skipped} 個因錯誤未產生",
    "wrote {files} files to {dir}: {built} project(s) built, {skipped} not built because of errors",
);

const KEPT: L10n = L10n::new(
    "其中 {kept} 个项目自上次生成以来没有变化，沿用原文件",
    "其中 {kept} 個專案自上次產生以來沒有變化，沿用原檔案",
    "{kept} of them unchanged since the last build (their files kept, not rendered again)",
);
const SEMICOLON: L10n = L10n::new("；", "；", "; ");
const REMOVED: L10n = L10n::new(
    "删除了上次生成、这次不再生成的 {removed} 个文件",
    "刪除了上次產生、這次不再產生的 {removed} 個檔案",
    "{removed} file(s) of the last build that this one no longer writes removed",
);
const FOREIGN: L10n = L10n::new(
    "{path} 不是 dossier 生成的文件，保持原样（verify 会把它列为多余文件）",
    "{path} 不是 dossier 產生的檔案，維持原樣（verify 會把它列為多餘檔案）",
    "{path} was not written by dossier and is left as it is (verify lists it as extra)",
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
    let formats: BTreeSet<OutFormat> = args.to.iter().copied().collect();
    // index.html is always written; the documents' templates only with --to html.
    let templates = args.templates.as_deref();
    let html = if formats.contains(&OutFormat::Html) {
        HtmlRenderer::new(templates)
    } else {
        HtmlRenderer::index_only(templates)
    };
    let html = match html {
        Ok(h) => h,
        Err(e) => {
            eprintln!("dossier: {e:#}");
            return Ok(ExitCode::from(2));
        }
    };
    let xlsx = XlsxRenderer::new();
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
    let pool = super::worker_pool(jobs)?;
    let mut out =
        OutDir::new(&args.out).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", args.out.display())))?;
    let options = options_key(&args, &formats, &ctx);
    let earlier = Earlier::read(&args.out, &options, args.force);
    let root = out.root().to_path_buf();
    let cache = if args.force { CheckCache::default() } else { CheckCache::open(&root, &options) };
    // A cache that cannot be written only makes the next build slower.
    let mut writer = CacheWriter::create(&root, &options).ok();
    // The `--map` file shapes what every project reads: an input of each, hashed once.
    let map = args.common.map.as_ref().and_then(|m| InputFile::hash_all(std::slice::from_ref(m)).pop());
    let job = Job {
        ctx: &ctx,
        renderers: &renderers,
        pdf: pdf.as_ref(),
        earlier: &earlier,
        cache: &cache,
        root: &root,
        map: map.as_ref(),
    };
    // Projects whose files were kept from the earlier build.
    let mut kept = 0usize;

    let progress = Progress::new(inputs.len(), progress::BUILDING, ctx.lang, args.common.quiet);
    let stdout = io::stdout();
    let mut text = io::BufWriter::new(stdout.lock());
    let style = Style::detect();
    let mut tally = Tally::default();
    // Projects with errors, projects rendered or written in vain, notes-only entries.
    let (mut failed, mut broken, mut notes_only) = (0usize, 0usize, 0usize);
    // Projects whose files could not all be written: left out of the index and summary.
    let mut unwritten = std::collections::HashSet::new();
    let mut folders = Folders::default();
    let mut ids = BatchIds::default();
    // What the batch files need of each project goes to disk at the end of its chunk: its
    // summary row and index entry, its record for the manifest (folders set at the end: a
    // later project sharing a name can still move a folder), its files (`out`).
    let mut spool = Spool::new()?;
    let mut rows: Vec<Row> = Vec::new();
    let mut records: Vec<(usize, At)> = Vec::with_capacity(inputs.len());
    // Warnings a later project's id clash adds to an earlier project's index entry.
    let mut late_warnings: HashMap<usize, usize> = HashMap::new();
    let mut totals = report::Totals::default();
    // The fonts of the files the folder holds: every written or kept project's.
    let mut fonts: BTreeSet<String> = BTreeSet::new();
    let mut projects = 0usize;

    for chunk in inputs.chunks(CHUNK) {
        release_free_memory();
        // This chunk's projects for the batch files (place, summary row, index entry) and
        // their records, until they go to the spool.
        let mut entries: Vec<(usize, ProjectSummary, IndexProject)> = Vec::new();
        let mut places: HashMap<usize, usize> = HashMap::new();
        let mut chunk_records: Vec<(usize, ProjectRecord)> = Vec::new();
        // The workers find kept projects' files intact; a folder renamed after that is looked at again.
        let renames = out.renames();
        let built: Vec<Vec<Built>> = pool.install(|| chunk.par_iter().map(|input| build_one(input, &job)).collect());
        progress.recount(chunk.len(), built.iter().map(Vec::len).sum());
        // Names are given in input order, and decided by content (a clash renames both
        // projects' folders); the files are then written in parallel.
        let mut ready: Vec<Ready> = Vec::new();
        for (at, group) in built.into_iter().enumerate() {
            // The input's entry in the check cache: every project of it, or none.
            let lines: Option<Vec<&str>> = group.iter().map(|b| b.cache_line.as_deref()).collect();
            let from_cache = !group.is_empty() && group.iter().all(|b| b.cached);
            if let (Some(key), Some(w)) = (group.first().map(|b| b.input_key.as_str()), writer.as_mut()) {
                let written = match lines.filter(|l| !l.is_empty()) {
                    Some(lines) => w.add(key, &lines),
                    None if from_cache => w.copy(&cache, key),
                    None => Ok(()),
                };
                if written.is_err() {
                    writer = None;
                }
            }
            let input = &chunk[at];
            for mut b in group {
                let here = projects;
                projects += 1;
                for (earlier, d) in ids.check(here, &mut b.checked, &ctx) {
                    tally.add(d.severity);
                    progress.write(&mut text, |text| write_late(text, &d, ctx.lang, &style))?;
                    *late_warnings.entry(earlier).or_default() += 1;
                }
                let record = b.record;
                let t = Tally::of(&b.checked.diags);
                tally.merge(t);
                progress.write(&mut text, |text| write_text(text, &b.checked, ctx.lang, &style))?;
                let mut entry = IndexProject {
                    id: b.id.clone(),
                    name: b.name.clone(),
                    source: b.checked.project.source.clone(),
                    docs: Vec::new(),
                    errors: t.errors,
                    warnings: t.warnings,
                    problems: problem_counts(ctx.lang, t.errors, t.warnings),
                    first: Vec::new(),
                };
                if t.errors > 0 {
                    failed += 1;
                    let s = report::not_built(&b.checked.project, &b.checked.diags, &ctx);
                    entry.first = s.problems.clone();
                    entries.push((here, s, entry));
                    chunk_records.push((here, record));
                    progress.inc(1);
                    continue;
                }
                if b.notes_only {
                    notes_only += 1;
                    progress.inc(1);
                    continue;
                }
                if b.docs.is_ok() {
                    for (member, old, new) in folders.claim(here, &output::safe_name(&b.id), &b.checked.project.source)
                    {
                        // A project of an earlier chunk moves: its folder on disk and every link
                        // to it (those of this chunk are made after, those spooled when read).
                        out.rename_dir(&old, &new)?;
                        if let Some(i) = places.get(&member) {
                            let (_, summary, entry) = &mut entries[*i];
                            relink(entry, summary, &old, &new);
                        }
                    }
                }
                let docs = match b.docs {
                    Ok(docs) => docs,
                    Err(e) => {
                        broken += 1;
                        progress.suspend(|| eprintln!("dossier: {}: {e}", b.checked.project.source));
                        unwritten.insert(here);
                        chunk_records.push((here, record));
                        progress.inc(1);
                        continue;
                    }
                };
                entry.docs = docs.iter().map(|d| IndexDoc { title: d.title.clone(), links: Vec::new() }).collect();
                places.insert(here, entries.len());
                let mut s = b.summary.take().unwrap_or_else(|| report::project_summary(&b.checked.project, &ctx));
                s.warnings = t.warnings as u32;
                entries.push((here, s, entry));
                // A project whose earlier files are kept brings itself along, in case it must be
                // rendered after all (its folder changed and the old one cannot move).
                // (A project from the check cache is only a stub: its input is checked again then.)
                let again = b.cached.then(|| (input, b.id.clone()));
                let kept_project = b.reused.as_ref().map(|_| (chunk_records.len(), b.checked.project, again));
                chunk_records.push((here, record));
                ready.push(Ready { here, docs, reused: b.reused, kept_project });
            }
        }
        let mut pending: Vec<Pending> = Vec::new();
        for Ready { here, mut docs, reused, kept_project } in ready {
            let folder = folders.folder(here).to_string();
            // Kept files live in the earlier build's folder. When the project's folder is now
            // another (a namesake came or went), they move there if no project of this build
            // took the old one; else the project is rendered after all.
            let mut keep = false;
            if let Some(prev) = &reused {
                let unmoved = *prev == folder && out.renames() == renames;
                keep = (unmoved || earlier.intact(prev, &root))
                    && (*prev == folder || (!folders.is_taken(prev) && out.rename_dir(prev, &folder).is_ok()));
                if keep {
                    kept += 1;
                    for e in earlier.by_folder.get(prev).into_iter().flatten() {
                        let path = format!("{folder}{}", &e.path[prev.len()..]);
                        out.record(Entry { path, ..e.clone() });
                    }
                } else if let Some((at, stub, again)) = kept_project {
                    let project = match again {
                        Some((input, id)) => project::check(input, &ctx)
                            .into_iter()
                            .map(|c| c.project)
                            .find(|p| p.source == stub.source && DocMeta::new(p, &ctx).project_id == id)
                            .unwrap_or(stub),
                        None => stub,
                    };
                    let meta = DocMeta::new(&project, &ctx);
                    let (again, fonts) =
                        fonts_embedded_by(|| render(&project, &meta, &ctx, &renderers, pdf.as_ref(), true));
                    chunk_records[at].1.fonts = fonts;
                    match again {
                        Ok(d) => docs = d,
                        Err(e) => {
                            broken += 1;
                            progress.suspend(|| eprintln!("dossier: {}: {e}", project.source));
                            unwritten.insert(here);
                            progress.inc(1);
                            continue;
                        }
                    }
                }
            }
            let (_, summary, entry) = &mut entries[places[&here]];
            summary.link = Some(format!("{folder}/"));
            let mut files = Vec::new();
            for (k, RenderedDoc { stem, number, files: formats, .. }) in docs.into_iter().enumerate() {
                for (format, bytes) in formats {
                    let rel = format!("{folder}/{}", output::file_name(&stem, format));
                    entry.docs[k].links.push(Link { format: format.to_uppercase(), href: rel.clone() });
                    files.push((rel, number.clone(), bytes));
                }
            }
            if keep {
                progress.inc(1);
            } else {
                pending.push((here, folder, files));
            }
        }
        let written: Vec<Vec<io::Result<Entry>>> = pool.install(|| {
            pending
                .par_iter()
                .map(|(_, _, files)| {
                    files
                        .par_iter()
                        .map(|(rel, number, bytes)| {
                            out.write_unrecorded(rel, bytes).map(|e| e.numbered(Some(number.clone())))
                        })
                        .collect()
                })
                .collect()
        });
        // A project whose files cannot all be written is reported and left out whole (index,
        // summary, its folder in the manifest); the batch goes on.
        for ((here, folder, _), results) in pending.into_iter().zip(written) {
            progress.inc(1);
            if let Some(e) = results.iter().find_map(|r| r.as_ref().err()) {
                broken += 1;
                let error = WriteError::describe(e, ctx.lang);
                let msg = NOT_WRITTEN.fill(ctx.lang, &[("error", &error)]);
                let source = &entries[places[&here]].2.source;
                progress.suspend(|| eprintln!("dossier: {source}: {msg}"));
                for entry in results.iter().flatten() {
                    let _ = std::fs::remove_file(out.root().join(&entry.path));
                }
                let _ = std::fs::remove_dir(out.root().join(&folder));
                unwritten.insert(here);
                continue;
            }
            for entry in results.into_iter().flatten() {
                out.record(entry);
            }
        }
        // The chunk's rows go to disk; the projects whose files could not all be written are
        // left out of the index and summary.
        for (here, summary, entry) in entries {
            if !unwritten.contains(&here) {
                totals.add(&summary);
                let (built, rank) = (summary.built, report::summary_rank(&summary));
                rows.push(Row { here, at: spool.push(&(summary, entry))?, rank, built });
            }
        }
        for (here, record) in chunk_records {
            if !folders.folder(here).is_empty() && !unwritten.contains(&here) {
                fonts.extend(record.fonts.iter().cloned());
            }
            records.push((here, spool.push(&record)?));
        }
        out.spool_folders()?;
    }
    // What the chunks freed goes back before the batch files are written.
    release_free_memory();
    progress.set_stage(progress::WRITING_BATCH);
    // The rows back from the spool, as they are now: links to folders moved since, warnings
    // added by later projects.
    let row = |r: &Row| -> io::Result<(ProjectSummary, IndexProject)> {
        let (mut summary, mut entry): (ProjectSummary, IndexProject) = spool.get(r.at)?;
        if let Some(old) = summary.link.clone() {
            let new = folders.folder(r.here);
            let old = old.trim_end_matches('/');
            if old != new {
                relink(&mut entry, &mut summary, old, new);
            }
        }
        if let Some(n) = late_warnings.get(&r.here) {
            entry.warnings += n;
            entry.problems = problem_counts(ctx.lang, entry.errors, entry.warnings);
        }
        Ok((summary, entry))
    };
    // The summary's rows by rank, the index's by whether they were built, a slice at a time.
    let ranked = || (0..4).flat_map(|rank| rows.iter().filter(move |r| r.rank == rank));
    let summary_row = |r: &Row| Ok(report::summary_row(&row(r)?.0, ctx.lang));
    let summary_rows = |f: &mut dyn FnMut(serde_json::Value) -> anyhow::Result<()>| -> anyhow::Result<()> {
        slices(ranked(), summary_row, f)
    };
    let (rows, row) = (&rows, &row);
    let index_rows = |built: bool| {
        move |f: &mut dyn FnMut(serde_json::Value) -> anyhow::Result<()>| -> anyhow::Result<()> {
            slices(rows.iter().filter(|r| r.built == built), |r| Ok(row(r)?.1), f)
        }
    };
    let (skipped_rows, built_rows) = (index_rows(false), index_rows(true));

    let localized = |e: io::Error| io::Error::new(e.kind(), WriteError::describe(&e, ctx.lang));
    let batch_meta = DocMeta::batch(&ctx);
    let summary_view = totals.view(&ctx);
    let summary_links: Vec<Link> = renderers
        .iter()
        .map(|r| Link { format: r.format().to_uppercase(), href: format!("summary.{}", r.format()) })
        .collect();
    let mut index = IndexView::new(ctx.lang, summary_links, Vec::new(), Vec::new());
    index.skipped_count = rows.iter().filter(|r| !r.built).count();
    // The files written a slice of rows at a time (HTML summary, index), and the summaries
    // laid out whole (PDF, XLSX) one after the other: the next lays its summary out afresh in
    // the memory the last one freed.
    let streamed = || -> io::Result<Vec<Entry>> {
        let mut written = Vec::new();
        if renderers.iter().any(|r| r.format() == "html") {
            written.push(out.write_unrecorded_with("summary.html", &mut |w| {
                html.write_summary(&summary_view, &summary_rows, &batch_meta, w)
                    .map_err(|e| io::Error::other(format!("summary: {e:#}")))
            })?);
        }
        written.push(out.write_unrecorded_with("index.html", &mut |w| {
            html.write_index(&index, &skipped_rows, &built_rows, &batch_meta, w)
                .map_err(|e| io::Error::other(format!("index: {e:#}")))
        })?);
        Ok(written)
    };
    let laid_out = || -> io::Result<(Vec<Entry>, Vec<String>)> {
        let (mut written, mut fonts) = (Vec::new(), Vec::new());
        let mut whole: Option<report::SummaryView> = None;
        for r in renderers.iter().filter(|r| r.format() != "html") {
            if whole.is_none() {
                let all = ranked().map(summary_row).collect::<io::Result<_>>()?;
                whole = Some(report::SummaryView { rows: all, ..summary_view.clone() });
            }
            let view = whole.as_ref().unwrap_or(&summary_view);
            let (bytes, used) = fonts_embedded_by(|| r.render_summary(view, &batch_meta));
            fonts.extend(used);
            let bytes = bytes.map_err(|e| io::Error::other(format!("summary: {e:#}")))?;
            written.push(out.write_unrecorded(&format!("summary.{}", r.format()), &bytes)?);
            drop(bytes);
            release_free_memory();
        }
        Ok((written, fonts))
    };
    // The two go to two threads when the batch is large; a small batch's files are written on
    // this thread, with no second thread's memory to set up for them.
    let (streamed, laid_out) =
        if rows.len() >= CHUNK { pool.install(|| rayon::join(streamed, laid_out)) } else { (streamed(), laid_out()) };
    let (laid_out, used) = laid_out.map_err(localized)?;
    fonts.extend(used);
    for e in streamed.map_err(localized)?.into_iter().chain(laid_out) {
        let number = (e.path != "index.html").then(|| summary_view.number.clone());
        out.record(e.numbered(number));
    }
    let dir = out.root().display().to_string();
    let mut records = records.iter().map(|(n, at)| {
        let mut r: ProjectRecord = spool.get(*at)?;
        r.folder = Some(folders.folder(*n)).filter(|f| !f.is_empty() && !unwritten.contains(n)).map(str::to_string);
        Ok(r)
    });
    // The fonts of the files the folder holds, as the renderer or the earlier manifest
    // describes them.
    let known: HashMap<String, FontEntry> = earlier
        .fonts
        .iter()
        .cloned()
        .chain(pdf.iter().flat_map(|p| p.fonts_used()).map(|f| FontEntry {
            family: f.family,
            file: f.file,
            sha256: f.sha256,
        }))
        .map(|f| (f.file.clone(), f))
        .collect();
    let fonts = fonts.iter().filter_map(|f| known.get(f).cloned()).collect();
    let as_of = ctx.as_of.format("%Y-%m-%d").to_string();
    let lang = Some(ctx.lang.code().to_string());
    let listed = out.finish(&as_of, Some(options), lang, fonts, &mut records).map_err(localized)?;
    if let Some(w) = writer {
        let _ = w.finish();
    }
    let pruned = output::prune(&root, &earlier.files, &out).map_err(localized)?;
    progress.finish();
    for f in &pruned.foreign {
        let msg = FOREIGN.fill(ctx.lang, &[("path", &root.join(f).display().to_string())]);
        eprintln!("dossier: {msg}");
    }

    write_total(&mut text, projects - notes_only, failed, tally, ctx.lang)?;
    let line = WROTE.fill(
        ctx.lang,
        &[
            ("files", &(listed + 1).to_string()),
            ("dir", &dir),
            ("built", &(projects - failed - notes_only - broken).to_string()),
            ("skipped", &failed.to_string()),
        ],
    );
    writeln!(text, "{line}")?;
    // Said only when there is something to say: files kept, files removed.
    let kept_line = (kept > 0).then(|| KEPT.fill(ctx.lang, &[("kept", &kept.to_string())]));
    let removed = pruned.removed.len();
    let removed_line = (removed > 0).then(|| REMOVED.fill(ctx.lang, &[("removed", &removed.to_string())]));
    let said: Vec<String> = kept_line.into_iter().chain(removed_line).collect();
    if !said.is_empty() {
        writeln!(text, "{}", said.join(SEMICOLON.get(ctx.lang)))?;
    }
    text.flush()?;
    Ok(if broken > 0 {
        ExitCode::from(2)
    } else if tally.errors > 0 || (args.common.strict && tally.warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Hands `rows`, made by `make`, to `f` as JSON arrays of up to [`SLICE`] rows.
fn slices<'r, T: serde::Serialize>(
    rows: impl Iterator<Item = &'r Row>,
    make: impl Fn(&Row) -> io::Result<T>,
    f: &mut dyn FnMut(serde_json::Value) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut slice = Vec::with_capacity(SLICE);
    for r in rows {
        slice.push(make(r)?);
        if slice.len() == SLICE {
            f(serde_json::to_value(&slice)?)?;
            slice.clear();
        }
    }
    if !slice.is_empty() {
        f(serde_json::to_value(&slice)?)?;
    }
    Ok(())
}

/// Checks one project input and, for each of its projects without errors, renders the
/// documents in every format, and with PDF the project dossier (every document in one file).
fn build_one(input: &ProjectInput, job: &Job<'_>) -> Vec<Built> {
    // The folder's own mapping file and the `--map` file shape what is read: inputs too.
    let files: Vec<PathBuf> = input.files.iter().chain(&input.mapping).cloned().collect();
    let mut hashed = InputFile::hash_all(&files);
    hashed.extend(job.map.filter(|m| !hashed.iter().any(|h| h.path == m.path)).cloned());
    let key = cache::key(&hashed);
    if let Some(kept) = job.cache.get(&key).and_then(|projects| from_cache(projects, &hashed, &key, job)) {
        return kept;
    }
    project::check(input, job.ctx)
        .into_iter()
        .map(|checked| build_checked(input, &hashed, &key, checked, job))
        .collect()
}

/// Gives the memory the last chunk freed back to the system. glibc's allocator keeps freed
/// memory in per-thread arenas, so without this a batch's resident memory grows with its size
/// although what it holds does not.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the allocator's arenas to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// What every project of a build shares.
struct Job<'a> {
    ctx: &'a Ctx,
    renderers: &'a [&'a dyn Renderer],
    pdf: Option<&'a PdfRenderer>,
    earlier: &'a Earlier,
    cache: &'a CheckCache,
    root: &'a Path,
    /// The `--map` file, hashed.
    map: Option<&'a InputFile>,
}

/// An input's projects as the check cache has them, when every one of them can keep its
/// files from the earlier build (else the input is read and checked again).
fn from_cache(projects: Vec<CachedProject>, hashed: &[InputFile], key: &str, job: &Job<'_>) -> Option<Vec<Built>> {
    let mut out = Vec::with_capacity(projects.len());
    for p in projects {
        let (folder, earlier) = job.earlier.reusable(&p.source, &p.id, hashed, job.root)?;
        let docs: Vec<RenderedDoc> = p
            .docs
            .iter()
            .map(|(stem, title, number, formats)| RenderedDoc {
                stem: stem.clone(),
                title: title.clone(),
                number: number.clone(),
                files: formats.iter().map(|f| (crate::model::intern(f), Vec::new())).collect(),
            })
            .collect();
        if file_names(&docs) != job.earlier.names(folder) {
            return None;
        }
        let record = ProjectRecord { folder: None, ..earlier.clone() };
        let project = CachedProject::stub(p.source.clone(), p.requirement.clone());
        out.push(Built {
            checked: Checked { project, diags: p.diags },
            docs: Ok(docs),
            summary: Some(p.summary),
            id: p.id,
            name: p.name,
            record,
            notes_only: false,
            reused: Some(folder.to_string()),
            input_key: key.to_string(),
            cache_line: None,
            cached: true,
        });
    }
    Some(out)
}

fn build_checked(input: &ProjectInput, hashed: &[InputFile], key: &str, checked: Checked, job: &Job<'_>) -> Built {
    let Job { ctx, renderers, pdf, earlier, root, .. } = *job;
    let meta = DocMeta::new(&checked.project, ctx);
    let (id, name) = (meta.project_id.clone(), meta.project_name.clone());
    let mut record = ProjectRecord::of(&checked.project.source, hashed.to_vec());
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
        return Built {
            checked,
            docs: Ok(Vec::new()),
            summary: None,
            id,
            name,
            record,
            notes_only,
            reused: None,
            input_key: key.to_string(),
            cache_line: None,
            cached: false,
        };
    }
    // Unchanged since the earlier build, the same files planned: they are kept, nothing is
    // rendered.
    let reused = earlier.reusable(&record.source, &record.id, &record.inputs, root).and_then(|(folder, built)| {
        let plan = render(&checked.project, &meta, ctx, renderers, pdf, false).ok()?;
        (file_names(&plan) == earlier.names(folder)).then(|| (folder.to_string(), built.fonts.clone(), plan))
    });
    let (reused, docs) = match reused {
        Some((folder, fonts, plan)) => {
            record.fonts = fonts;
            (Some(folder), Ok(plan))
        }
        None => {
            let (docs, fonts) = fonts_embedded_by(|| render(&checked.project, &meta, ctx, renderers, pdf, true));
            record.fonts = fonts;
            (None, docs)
        }
    };
    let summary = report::project_summary(&checked.project, ctx);
    let requirement = CachedProject::requirement_of(checked.project.requirement.as_ref());
    // What a rebuild needs to skip reading and checking this input again.
    let cache_line = docs.as_ref().ok().and_then(|docs| {
        let cached = CachedProject {
            source: checked.project.source.clone(),
            id: id.clone(),
            name: name.clone(),
            requirement: requirement.clone(),
            diags: checked.diags.clone(),
            summary: summary.clone(),
            docs: docs
                .iter()
                .map(|d| {
                    let formats = d.files.iter().map(|(f, _)| f.to_string()).collect();
                    (d.stem.clone(), d.title.clone(), d.number.clone(), formats)
                })
                .collect(),
        };
        serde_json::to_string(&cached).ok()
    });
    // A rendered project's records are freed here, on the thread that read them: the batch
    // goes on with its source and requirement id, as for a project from the check cache. (A
    // kept project's are kept, should it have to be rendered after all.)
    let checked = match reused {
        Some(_) => checked,
        None => Checked { project: CachedProject::stub(checked.project.source, requirement), diags: checked.diags },
    };
    Built {
        checked,
        docs,
        summary: Some(summary),
        id,
        name,
        record,
        notes_only,
        reused,
        input_key: key.to_string(),
        cache_line,
        cached: false,
    }
}

/// A project's documents in every format, and with PDF the project dossier (every document
/// in one file). Without `bytes`, only what they are (names, titles, numbers, formats), for a
/// project whose earlier files are kept.
fn render(
    project: &Project,
    meta: &DocMeta,
    ctx: &Ctx,
    renderers: &[&dyn Renderer],
    pdf: Option<&PdfRenderer>,
    bytes: bool,
) -> Result<Vec<RenderedDoc>, String> {
    let documents = report::documents(project, ctx);
    // Every PDF of the project at once: documents laid out and fonts subset once for all.
    let (mut pdfs, mut dossier) = match pdf.filter(|_| bytes && !documents.is_empty()) {
        Some(pdf) => {
            let (docs, dossier) = pdf.render_project(&documents, meta).map_err(|e| format!("pdf: {e:#}"))?;
            (docs, dossier)
        }
        None => (Vec::new(), Vec::new()),
    };
    let mut docs = Vec::new();
    for (k, doc) in documents.iter().enumerate() {
        let mut files = Vec::new();
        for r in renderers {
            let out = match pdfs.get_mut(k).filter(|_| r.format() == "pdf") {
                Some(out) => std::mem::take(out),
                None if bytes => r.render(doc, meta).map_err(|e| format!("{}.{}: {e:#}", doc.stem, r.format()))?,
                None => Vec::new(),
            };
            files.push((r.format(), out));
        }
        docs.push(RenderedDoc { stem: doc.stem.clone(), title: doc.title.clone(), number: doc.number.clone(), files });
    }
    if pdf.is_some() && !documents.is_empty() {
        let out = std::mem::take(&mut dossier);
        docs.push(RenderedDoc {
            stem: "dossier".into(),
            title: DOSSIER.get(ctx.lang).into(),
            number: meta.dossier_number(),
            files: vec![("pdf", out)],
        });
    }
    Ok(docs)
}

/// The file names of a project's documents, inside its folder.
fn file_names(docs: &[RenderedDoc]) -> BTreeSet<String> {
    docs.iter().flat_map(|d| d.files.iter().map(|(format, _)| output::file_name(&d.stem, format))).collect()
}

/// What an earlier build left in the output folder (its manifest): the files to remove when
/// this build no longer writes them, and the projects whose files can be kept.
#[derive(Default)]
struct Earlier {
    /// Every file its manifest lists.
    files: BTreeSet<String>,
    /// Projects it built with the same options (each with its inputs, folder and fonts), by
    /// (source, id).
    built: HashMap<(String, String), ProjectRecord>,
    /// The fonts its manifest lists.
    fonts: Vec<FontEntry>,
    /// Its files by project folder, as its manifest lists them (signature revisions too).
    by_folder: HashMap<String, Vec<Entry>>,
}

impl Earlier {
    /// The manifest in `out`, if any; with `force`, or options that differ, no project is kept.
    fn read(out: &Path, options: &str, force: bool) -> Earlier {
        let Ok(m) = Manifest::read(out) else { return Earlier::default() };
        let mut earlier =
            Earlier { files: m.files.iter().map(|f| f.path.clone()).collect(), fonts: m.fonts, ..Earlier::default() };
        if force || m.options.as_deref() != Some(options) {
            return earlier;
        }
        for f in m.files {
            if let Some((folder, _)) = f.path.split_once('/') {
                earlier.by_folder.entry(folder.to_string()).or_default().push(f);
            }
        }
        for r in m.projects.into_iter().filter(|r| r.folder.is_some()) {
            earlier.built.insert((r.source.clone(), r.id.clone()), r);
        }
        earlier
    }

    /// The names of the files in one of its project folders.
    fn names(&self, folder: &str) -> BTreeSet<String> {
        let prefix = folder.len() + 1;
        self.by_folder.get(folder).into_iter().flatten().map(|e| e.path[prefix..].to_string()).collect()
    }

    /// The folder whose files a project can keep, and the earlier build's record of it: built
    /// from the same input files, byte for byte, and [`Earlier::intact`].
    fn reusable(&self, source: &str, id: &str, inputs: &[InputFile], root: &Path) -> Option<(&str, &ProjectRecord)> {
        let built = self.built.get(&(source.to_string(), id.to_string()))?;
        let folder = built.folder.as_deref()?;
        if built.inputs != inputs {
            return None;
        }
        self.intact(folder, root).then_some((folder, built))
    }

    /// Whether every file of one of its project folders is still there, at the size its
    /// manifest gives (`verify` checks the bytes; `--force` renders again).
    fn intact(&self, folder: &str, root: &Path) -> bool {
        let Some(files) = self.by_folder.get(folder) else { return false };
        files.iter().all(|f| {
            let size = f.revisions.last().map_or(f.size, |r| r.size);
            std::fs::metadata(root.join(&f.path)).is_ok_and(|m| m.is_file() && m.len() == size)
        })
    }
}

/// What besides its inputs decides a project's files, hashed (the manifest's `options`):
/// dossier's version, the formats, language, as-of date, PDF/A, the `--map` file, the
/// templates, and with PDF the font files (path, size, modification time).
fn options_key(args: &BuildArgs, formats: &BTreeSet<OutFormat>, ctx: &Ctx) -> String {
    let mut parts = vec![
        concat!("dossier ", env!("CARGO_PKG_VERSION")).to_string(),
        format!("{formats:?}"),
        ctx.lang.code().to_string(),
        ctx.as_of.to_string(),
        format!("pdfa={}", args.pdfa),
    ];
    let identity = |p: &Path| -> String {
        let m = std::fs::metadata(p).ok();
        let mtime =
            m.as_ref().and_then(|m| m.modified().ok()).and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        format!("{}:{:?}:{:?}", p.display(), m.map(|m| m.len()), mtime)
    };
    if let Some(map) = &args.common.map {
        parts.push(format!("map={}", output::sha256_file(map).map(|(_, h)| h).unwrap_or_default()));
    }
    if let Some(dir) = &args.templates {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            parts.push(format!(
                "template={}:{}",
                f.display(),
                output::sha256_file(&f).map(|(_, h)| h).unwrap_or_default()
            ));
        }
    }
    if formats.contains(&OutFormat::Pdf) {
        parts.extend(crate::render::pdf::fonts::files_in_use(&args.font).iter().map(|p| identity(p)));
    }
    output::sha256_hex(parts.join("\n").as_bytes())
}

const DOSSIER: L10n = L10n::new("项目档案", "專案檔案", "Project dossier");

/// The output folders of the projects of a batch. A project takes the folder named after its
/// id; projects that would share one (the same requirement id, or files of the same name)
/// each get `name-<what tells their sources apart>` instead, whichever came first, so the
/// names depend on the projects, never on the order they were read in.
#[derive(Default)]
struct Folders {
    /// By lower-case base name: the projects wanting it (place in the batch, source).
    wanted: std::collections::HashMap<String, Vec<(usize, String)>>,
    /// Each project's folder, by place in the batch.
    given: std::collections::HashMap<usize, String>,
    /// Lower-case names taken.
    taken: BTreeSet<String>,
}

impl Folders {
    /// Gives project `n` a folder under `name`; returns the projects that move because of it
    /// (place, old folder, new folder).
    fn claim(&mut self, n: usize, name: &str, source: &str) -> Vec<(usize, String, String)> {
        let group = self.wanted.entry(name.to_lowercase()).or_default();
        group.push((n, source.to_string()));
        let members = group.clone();
        if members.len() == 1 {
            let folder = unique(&mut self.taken, name);
            self.given.insert(n, folder);
            return Vec::new();
        }
        let sources: Vec<&str> = members.iter().map(|(_, s)| s.as_str()).collect();
        let names = distinct_folders(name, &sources);
        let mut moved = Vec::new();
        for ((m, _), new) in members.iter().zip(names) {
            let old = self.given.remove(m);
            if let Some(o) = &old {
                self.taken.remove(&o.to_lowercase());
            }
            let new = unique(&mut self.taken, &new);
            if let Some(old) = old.filter(|o| *o != new) {
                moved.push((*m, old, new.clone()));
            }
            self.given.insert(*m, new);
        }
        moved
    }

    /// Whether a project of this batch has the folder `name`.
    fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(&name.to_lowercase())
    }

    fn folder(&self, n: usize) -> &str {
        self.given.get(&n).map_or("", String::as_str)
    }
}

/// `name-<parts>` for each source: as few of the last parts of the source paths as tell them
/// apart (`2024-MKT-001-p1-project`, `2024-MKT-001-p5-project`).
fn distinct_folders(name: &str, sources: &[&str]) -> Vec<String> {
    let parts: Vec<Vec<String>> = sources
        .iter()
        .map(|s| {
            let p = std::path::Path::new(s);
            let mut parts: Vec<String> = p
                .components()
                .filter_map(|c| match c {
                    std::path::Component::Normal(x) => Some(x.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect();
            if p.extension().is_some()
                && let Some(last) = parts.last_mut()
            {
                *last = p.file_stem().map_or(last.clone(), |s| s.to_string_lossy().into_owned());
            }
            parts.retain(|x| !x.eq_ignore_ascii_case(name));
            parts
        })
        .collect();
    let most = parts.iter().map(Vec::len).max().unwrap_or(0);
    let names_at = |k: usize| -> Vec<String> {
        parts
            .iter()
            .map(|p| {
                let tail = p[p.len().saturating_sub(k)..].join("-");
                if tail.is_empty() { name.to_string() } else { output::safe_name(&format!("{name}-{tail}")) }
            })
            .collect()
    };
    for k in 1..=most {
        let names = names_at(k);
        let distinct: BTreeSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
        if distinct.len() == names.len() {
            return names;
        }
    }
    names_at(most)
}

/// Moves the links of a project whose folder was renamed.
fn relink(entry: &mut IndexProject, summary: &mut ProjectSummary, old: &str, new: &str) {
    let (old, new) = (format!("{old}/"), format!("{new}/"));
    for l in entry.docs.iter_mut().flat_map(|d| d.links.iter_mut()) {
        if let Some(rest) = l.href.strip_prefix(&old) {
            l.href = format!("{new}{rest}");
        }
    }
    if summary.link.is_some() {
        summary.link = Some(new);
    }
}

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
