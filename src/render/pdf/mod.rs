//! PDF (SPEC §4 PDF): A4 pages laid out by our own engine ([`layout`]) — portrait, or
//! landscape where the Gantt chart or a wide table needs it — with a header (project,
//! number) and footer (`第 1 页 / 共 3 页`) on every page, bookmarks, metadata, fonts
//! embedded as subsets ([`fonts`], [`writer`]), and, with `--pdfa`, PDF/A-2u.
//!
//! ```no_run
//! # use dossier::render::pdf::{PdfOptions, PdfRenderer};
//! // `--font FILE` (repeatable) and `--pdfa` from the command line:
//! let pdf = PdfRenderer::new(PdfOptions { fonts: vec!["my.ttf".into()], pdfa: false })?;
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod bundled;
pub mod charts;
pub mod docs;
pub mod draw;
pub mod fonts;
pub mod hashes;
pub mod layout;
pub mod stamp;
pub mod writer;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use self::draw::{Bookmark, Op, Page, Stroke};
use self::fonts::{FontChain, FontInfo};
use self::layout::{Flow, Geometry, INK, MUTED, RULE, Shaper, Style, paginate};
use super::{DocMeta, Renderer};
use crate::model::{L10n, Lang};
use crate::report::{Document, SummaryView};

/// What the command line decides about PDFs.
#[derive(Clone, Debug, Default)]
pub struct PdfOptions {
    /// `--font FILE`, in order: a fallback chain tried before the bundled and system fonts.
    pub fonts: Vec<PathBuf>,
    /// `--pdfa`: PDF/A-2u (XMP metadata, sRGB output intent).
    pub pdfa: bool,
}

/// Renders documents as PDF. Fonts are resolved per language on first use and shared by
/// every document of the run (and every thread).
pub struct PdfRenderer {
    opts: PdfOptions,
    chains: [OnceLock<FontChain>; 3],
    used: Mutex<BTreeMap<(String, u32), FontInfo>>,
}

const DOSSIER: L10n = L10n::new("项目档案", "專案檔案", "Project dossier");
const CONTENTS: L10n = L10n::new("目录", "目錄", "Contents");
const DOCUMENTS: L10n = L10n::new("收录文档", "收錄文件", "Documents");
const PAGES: L10n = L10n::new("页数", "頁數", "Pages");

fn lang_of(meta: &DocMeta) -> Lang {
    Lang::parse(meta.lang).unwrap_or(Lang::ZhCn)
}

/// The font chain for a document: the TC face for Traditional-Chinese text, the SC face for
/// Simplified, the UI language's choice for English.
fn face_of(meta: &DocMeta) -> Lang {
    match meta.content_lang {
        "zh-Hant" => Lang::ZhTw,
        "zh-Hans" => Lang::ZhCn,
        _ => lang_of(meta),
    }
}

/// One document laid out: its pages and bookmarks (page indexes relative to the section),
/// and the number its page headers show.
struct Section {
    title: String,
    number: String,
    pages: Vec<Page>,
    marks: Vec<Bookmark>,
}

impl PdfRenderer {
    /// Checks that every `--font` file is a font it can use (the first error names the file).
    pub fn new(opts: PdfOptions) -> anyhow::Result<PdfRenderer> {
        FontChain::check_user_fonts(&opts.fonts, Lang::ZhCn).map_err(anyhow::Error::msg)?;
        Ok(PdfRenderer { opts, chains: Default::default(), used: Mutex::new(BTreeMap::new()) })
    }

    fn chain(&self, lang: Lang) -> &FontChain {
        let i = match lang {
            Lang::ZhCn => 0,
            Lang::ZhTw => 1,
            Lang::En => 2,
        };
        self.chains[i].get_or_init(|| FontChain::resolve(&self.opts.fonts, lang))
    }

    /// The fonts embedded so far (family, file, SHA-256 of the file), for `manifest.json`.
    pub fn fonts_used(&self) -> Vec<FontInfo> {
        self.used.lock().unwrap_or_else(|e| e.into_inner()).values().cloned().collect()
    }

    fn layout(&self, sh: &mut Shaper, doc: &Document, meta: &DocMeta, lang: Lang) -> anyhow::Result<Section> {
        let g = Geometry::a4(doc.view.landscape());
        let mut flow = Flow::new(sh, g.content_width());
        docs::document(&mut flow, doc, meta, lang, &g);
        let laid = std::mem::take(&mut flow.laid);
        let (pages, marks) = paginate(laid, &g);
        check_glyphs(sh, &doc.title, lang)?;
        Ok(Section { title: doc.title.clone(), number: doc.number.clone(), pages, marks })
    }

    /// Plans the file of `sections[which]`, whose pages are `starts[i]..` in the pages of the
    /// set: every page with its header and footer (page `n` of the file's), the bookmarks, and
    /// the metadata of a file numbered `number` (its subject and keywords).
    #[allow(clippy::too_many_arguments)]
    fn plan(
        &self,
        sh: &mut Shaper,
        sections: &[Section],
        which: Range<usize>,
        starts: &[usize],
        meta: &DocMeta,
        title: &str,
        number: &str,
    ) -> anyhow::Result<FilePlan> {
        let total: usize = sections[which.clone()].iter().map(|s| s.pages.len()).sum();
        let mut pages = Vec::with_capacity(total);
        let mut marks = Vec::new();
        for i in which {
            let s = &sections[i];
            let offset = pages.len();
            marks.extend(s.marks.iter().map(|m| Bookmark { page: m.page + offset, ..m.clone() }));
            for (k, p) in s.pages.iter().enumerate() {
                let n = pages.len() + 1;
                let decoration = if s.title.is_empty() {
                    Vec::new()
                } else {
                    decoration(sh, p, meta, &s.title, &s.number, n, total)
                };
                pages.push((starts[i] + k, decoration));
            }
        }
        check_glyphs(sh, title, lang_of(meta))?;
        let info = writer::Meta {
            title: title.to_string(),
            subject: joined(&[&meta.project_name, number], " · "),
            author: if meta.project_name.is_empty() { meta.generator.to_string() } else { meta.project_name.clone() },
            keywords: joined(&[number, &meta.project_id], " "),
            creator: meta.generator.to_string(),
            lang: meta.content_lang.to_string(),
            date: meta.stamp,
            pdfa: self.opts.pdfa,
        };
        Ok(FilePlan { pages, marks, info })
    }

    /// Writes files that share laid-out pages: the fonts are subset once for all of them, and
    /// each page's content stream is made once and listed in every file that shows the page.
    fn write_set(&self, sh: &Shaper, pages: &[&Page], files: &[FilePlan]) -> anyhow::Result<Vec<Vec<u8>>> {
        let chain = sh.chain();
        let decorations = files.iter().flat_map(|f| f.pages.iter().flat_map(|(_, d)| d));
        let fonts = writer::Fonts::subset(chain, pages.iter().flat_map(|p| &p.ops).chain(decorations))?;
        self.record_fonts(chain, &fonts);
        let bodies: Vec<writer::Stream> = pages.iter().map(|p| writer::content(&p.ops, p.height, &fonts)).collect();
        Ok(files.iter().map(|f| write_file(f, pages, &bodies, &fonts)).collect())
    }

    /// Sections written as one file.
    fn write_one(
        &self,
        sh: &mut Shaper,
        sections: &[Section],
        meta: &DocMeta,
        title: &str,
        number: &str,
    ) -> anyhow::Result<Vec<u8>> {
        let starts: Vec<usize> = page_starts(sections);
        let file = self.plan(sh, sections, 0..sections.len(), &starts, meta, title, number)?;
        let pages: Vec<&Page> = sections.iter().flat_map(|s| &s.pages).collect();
        Ok(self.write_set(sh, &pages, &[file])?.remove(0))
    }

    /// Remembers the fonts embedded, for [`PdfRenderer::fonts_used`].
    fn record_fonts(&self, chain: &FontChain, fonts: &writer::Fonts) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        for i in fonts.places() {
            if let Some(f) = chain.font(usize::from(i)) {
                EMBEDDED.with(|e| e.borrow_mut().insert(f.source.clone()));
                used.entry((f.source.clone(), f.index)).or_insert_with(|| FontInfo {
                    family: if chain.is_bold(usize::from(i)) && !f.family.ends_with("Bold") {
                        format!("{} Bold", f.family)
                    } else {
                        f.family.clone()
                    },
                    file: f.source.clone(),
                    sha256: f.sha256().to_string(),
                });
            }
        }
    }

    /// Every PDF of a project: each document's (in the order of `documents`), and the project
    /// dossier — cover, table of contents with page numbers, every document, bookmarks for
    /// each document and its sections. Each document is laid out once for both files, each
    /// font subset once for all of them (to every glyph the project's files draw).
    pub fn render_project(&self, documents: &[Document], meta: &DocMeta) -> anyhow::Result<(Vec<Vec<u8>>, Vec<u8>)> {
        let lang = lang_of(meta);
        let mut sh = Shaper::new(self.chain(face_of(meta)));
        let mut docs = Vec::with_capacity(documents.len());
        for d in documents {
            docs.push(self.layout(&mut sh, d, meta, lang)?);
        }
        let number = meta.dossier_number();
        let mut sections = front_matter(&mut sh, &docs, meta, &number, lang);
        let front = sections.len();
        sections.extend(docs);
        let starts = page_starts(&sections);
        let mut files = Vec::with_capacity(documents.len() + 1);
        for (i, d) in documents.iter().enumerate() {
            let at = front + i;
            files.push(self.plan(&mut sh, &sections, at..at + 1, &starts, meta, &doc_title(d, meta), &d.number)?);
        }
        let title = DOSSIER.get(lang);
        let full_title =
            if meta.project_name.is_empty() { title.to_string() } else { format!("{title} · {}", meta.project_name) };
        files.push(self.plan(&mut sh, &sections, 0..sections.len(), &starts, meta, &full_title, &number)?);
        let pages: Vec<&Page> = sections.iter().flat_map(|s| &s.pages).collect();
        let mut out = self.write_set(&sh, &pages, &files)?;
        let dossier = out.pop().unwrap_or_default();
        Ok((out, dossier))
    }

    /// The project dossier alone (see [`PdfRenderer::render_project`]).
    pub fn render_dossier(&self, documents: &[Document], meta: &DocMeta) -> anyhow::Result<Vec<u8>> {
        Ok(self.render_project(documents, meta)?.1)
    }
}

/// A file planned from laid-out pages: its pages (place in the set's pages, and the header
/// and footer drawn over it), bookmarks, and metadata.
struct FilePlan {
    pages: Vec<(usize, Vec<Op>)>,
    marks: Vec<Bookmark>,
    info: writer::Meta,
}

/// Writes a planned file: its pages (`pages[i]` drawn by `bodies[i]`), each with its header
/// and footer.
fn write_file(f: &FilePlan, pages: &[&Page], bodies: &[writer::Stream], fonts: &writer::Fonts) -> Vec<u8> {
    let decorations: Vec<Option<writer::Stream>> =
        f.pages.iter().map(|(i, d)| (!d.is_empty()).then(|| writer::content(d, pages[*i].height, fonts))).collect();
    let out: Vec<writer::PageOut> = f
        .pages
        .iter()
        .zip(&decorations)
        .map(|((i, _), d)| writer::PageOut { page: pages[*i], body: &bodies[*i], decoration: d.as_ref() })
        .collect();
    writer::write(&out, &f.marks, fonts, &f.info)
}

/// Where each section's pages start when the sections are laid end to end.
fn page_starts(sections: &[Section]) -> Vec<usize> {
    sections
        .iter()
        .scan(0, |n, s| {
            let at = *n;
            *n += s.pages.len();
            Some(at)
        })
        .collect()
}

/// The title of a document's file: the document's, and the project's name.
fn doc_title(doc: &Document, meta: &DocMeta) -> String {
    if meta.project_name.is_empty() { doc.title.clone() } else { format!("{} · {}", doc.title, meta.project_name) }
}

/// The cover and the table of contents of a dossier holding `docs`.
fn front_matter(sh: &mut Shaper, docs: &[Section], meta: &DocMeta, number: &str, lang: Lang) -> Vec<Section> {
    // Pages of the contents, with numbers of the right width, then the real numbers.
    let body: usize = docs.iter().map(|s| s.pages.len()).sum();
    let toc_pages = contents(sh, docs, 2, body + 3, lang).len();
    let first = 1 + toc_pages + 1;
    let toc = contents(sh, docs, first, first + body, lang);
    let cover = cover(sh, meta, number, docs.len(), body + 1 + toc.len(), lang);
    let toc_marks = vec![Bookmark { title: CONTENTS.get(lang).to_string(), level: 0, page: 0, y: 0.0 }];
    vec![
        Section { title: String::new(), number: number.to_string(), pages: vec![cover], marks: vec![] },
        Section { title: CONTENTS.get(lang).to_string(), number: number.to_string(), pages: toc, marks: toc_marks },
    ]
}

thread_local! {
    /// The font files the PDFs written on this thread embed, while [`fonts_embedded_by`] runs.
    static EMBEDDED: std::cell::RefCell<std::collections::BTreeSet<String>> = Default::default();
}

/// Runs `f` and returns with its result the font files (as the manifest names them) that the
/// PDFs it wrote on this thread embed: what one project's documents use.
pub fn fonts_embedded_by<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let before = EMBEDDED.with(|e| std::mem::take(&mut *e.borrow_mut()));
    let result = f();
    let fonts = EMBEDDED.with(|e| std::mem::replace(&mut *e.borrow_mut(), before));
    (result, fonts.into_iter().collect())
}

/// The non-empty parts, joined.
fn joined(parts: &[&str], sep: &str) -> String {
    parts.iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(sep)
}

fn check_glyphs(sh: &Shaper, doc: &str, lang: Lang) -> anyhow::Result<()> {
    match sh.missing {
        Some(c) => Err(anyhow::anyhow!(fonts::missing_glyph(c, doc, sh.chain(), lang))),
        None => Ok(()),
    }
}

/// Header (project, document number) and footer (document, page n of N, date) of a page.
fn decoration(
    sh: &mut Shaper,
    page: &Page,
    meta: &DocMeta,
    title: &str,
    number: &str,
    n: usize,
    total: usize,
) -> Vec<Op> {
    let mut ops = Vec::with_capacity(7);
    let landscape = page.width > page.height;
    let g = Geometry::a4(landscape);
    let (l, r) = (g.left, g.width - g.right);
    let size = 7.5;
    let style = Style::new(size, MUTED);
    let mut put = |sh: &mut Shaper, s: &str, x: f32, y: f32, anchor: f32, max: f32, style: Style| {
        if s.is_empty() {
            return;
        }
        let s = fit_text(sh, s, max, style.size);
        let glyphs = sh.glyphs_as(&s, style.bold);
        let w = glyphs.iter().map(|g| g.advance).sum::<f32>() * style.size / 1000.0;
        ops.push(Op::Text { x: x - w * anchor, y, size: style.size, color: style.color, bold: style.bold, glyphs });
    };
    let width = r - l;
    let ui = &meta.ui;
    let project = if meta.project_name.is_empty() {
        String::new()
    } else {
        format!("{}{}{}", ui.project, ui.colon, meta.project_name)
    };
    let number = if number.is_empty() { String::new() } else { format!("{}{}{number}", ui.number, ui.colon) };
    put(sh, &project, l, 34.0, 0.0, width * 0.6, style);
    put(sh, &number, r, 34.0, 1.0, width * 0.35, style);
    let fy = page.height - 30.0;
    put(sh, title, l, fy, 0.0, width * 0.38, style);
    let page_of = crate::model::fill(&meta.ui.page_of, &[("n", &n.to_string()), ("of", &total.to_string())]);
    put(sh, &page_of, (l + r) / 2.0, fy, 0.5, width * 0.2, Style::new(size, INK));
    let date = format!("{}{}{}", ui.generated, ui.colon, meta.generated);
    put(sh, &date, r, fy, 1.0, width * 0.3, style);
    ops.push(Op::Line { x1: l, y1: 40.0, x2: r, y2: 40.0, stroke: Stroke::solid(RULE, 0.6) });
    ops.push(Op::Line { x1: l, y1: fy - 11.0, x2: r, y2: fy - 11.0, stroke: Stroke::solid(RULE, 0.6) });
    ops
}

fn fit_text(sh: &mut Shaper, s: &str, max: f32, size: f32) -> String {
    if sh.width(s, size) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = sh.width("…", size);
    for c in s.chars() {
        let cw = sh.width(c.encode_utf8(&mut [0; 4]), size);
        if w + cw > max {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push('…');
    out
}

/// The cover of a dossier: what the archive files it under (numbers, department, period,
/// filer, retention, what it holds), all inside the printable area; what the project's
/// records do not say (the retention period unless the requirement gives it, sometimes the
/// filer) says it is to be filled in, with room to write it by hand.
fn cover(sh: &mut Shaper, meta: &DocMeta, number: &str, docs: usize, pages: usize, lang: Lang) -> Page {
    let g = Geometry::a4(false);
    let mut flow = Flow::new(sh, g.content_width());
    let accent = layout::ACCENT;
    let band = Op::Rect { x: 0.0, y: 0.0, w: flow.width, h: 6.0, fill: Some(accent), stroke: None, radius: 0.0 };
    flow.push(layout::Item { height: 120.0, ops: vec![band], ..layout::Item::default() });
    flow.para(DOSSIER.get(lang), Style::new(14.0, accent).bold());
    flow.space(8.0);
    let name = if meta.project_name.is_empty() { meta.project_id.as_str() } else { meta.project_name.as_str() };
    flow.para(name, Style::new(24.0, INK).bold());
    let rule = Op::Line { x1: 0.0, y1: 8.0, x2: 120.0, y2: 8.0, stroke: Stroke::solid(accent, 2.0) };
    flow.push(layout::Item { height: 30.0, ops: vec![rule], ..layout::Item::default() });
    let ui = &meta.ui;
    let value = |s: &str| {
        if s.is_empty() {
            layout::Cell::text(&meta.ui.to_fill, Style::new(9.0, MUTED))
        } else {
            layout::Cell::text(s, Style::new(10.5, INK))
        }
    };
    let rows = [
        (ui.number.as_str(), number.to_string()),
        (ui.project_id.as_str(), meta.project_id.clone()),
        (ui.department.as_str(), meta.department.clone()),
        (ui.period.as_str(), meta.period.clone()),
        (ui.filer.as_str(), meta.filer.clone()),
        (ui.retention.as_str(), meta.retention.clone()),
        (DOCUMENTS.get(lang), docs.to_string()),
        (PAGES.get(lang), pages.to_string()),
        (ui.generated.as_str(), meta.generated.clone()),
    ];
    let cells: Vec<(String, layout::Cell)> = rows.iter().map(|(l, v)| (l.to_string(), value(v))).collect();
    flow.form_with(&cells, 10.5, 24.0);
    flow.space(20.0);
    flow.para(meta.generator, Style::new(8.0, MUTED));
    let laid = std::mem::take(&mut flow.laid);
    paginate(laid, &g).0.into_iter().next().unwrap_or(Page { width: g.width, height: g.height, ops: Vec::new() })
}

/// The table of contents: one line per document (and per section) with dotted leaders to its
/// page number, each line a link to that page.
fn contents(sh: &mut Shaper, sections: &[Section], first_page: usize, _end: usize, lang: Lang) -> Vec<Page> {
    let g = Geometry::a4(false);
    let mut flow = Flow::new(sh, g.content_width());
    docs::title_block(&mut flow, CONTENTS.get(lang), "");
    // The title block's bookmark is the section's; the contents mark it themselves.
    if let Some(first) = flow.laid.items.first_mut() {
        first.bookmark = None;
    }
    flow.space(10.0);
    let mut page = first_page;
    let size = 11.0;
    let width = flow.width;
    for s in sections {
        let num = page.to_string();
        let nw = flow.sh.width(&num, size);
        let title = charts::fit(&mut flow, &s.title, width - nw - 40.0, size);
        let (t, tw) = charts::text(&mut flow, 0.0, 14.0, &title, Style::new(size, INK));
        let (n, _) = charts::text(&mut flow, width - nw, 14.0, &num, Style::new(size, INK));
        let dots = Op::Line {
            x1: tw + 6.0,
            y1: 13.0,
            x2: width - nw - 6.0,
            y2: 13.0,
            stroke: Stroke::dashed(layout::RULE, 0.8, 0.8, 2.4),
        };
        // The whole line links to the document's first page (numbers are 1-based).
        let link = Op::Link { x: 0.0, y: 2.0, w: width, h: 18.0, page: page - 1, to_y: 0.0 };
        flow.push(layout::Item { height: 22.0, ops: vec![t, dots, n, link], ..layout::Item::default() });
        for m in s.marks.iter().filter(|m| m.level == 1) {
            let num = (page + m.page).to_string();
            let nw = flow.sh.width(&num, 9.0);
            let label = charts::fit(&mut flow, &m.title, width - nw - 60.0, 9.0);
            let (t, tw) = charts::text(&mut flow, 16.0, 11.0, &label, Style::new(9.0, MUTED));
            let (n, _) = charts::text(&mut flow, width - nw, 11.0, &num, Style::new(9.0, MUTED));
            let dots = Op::Line {
                x1: 16.0 + tw + 6.0,
                y1: 10.0,
                x2: width - nw - 6.0,
                y2: 10.0,
                stroke: Stroke::dashed(layout::RULE, 0.6, 0.6, 2.4),
            };
            let link = Op::Link { x: 16.0, y: 1.0, w: width - 16.0, h: 14.0, page: page + m.page - 1, to_y: m.y };
            flow.push(layout::Item { height: 16.0, ops: vec![t, dots, n, link], ..layout::Item::default() });
        }
        flow.space(4.0);
        page += s.pages.len();
    }
    let laid = std::mem::take(&mut flow.laid);
    paginate(laid, &g).0
}

impl Renderer for PdfRenderer {
    fn format(&self) -> &'static str {
        "pdf"
    }

    fn render(&self, doc: &Document, meta: &DocMeta) -> anyhow::Result<Vec<u8>> {
        let lang = lang_of(meta);
        let mut sh = Shaper::new(self.chain(face_of(meta)));
        let section = self.layout(&mut sh, doc, meta, lang)?;
        self.write_one(&mut sh, &[section], meta, &doc_title(doc, meta), &doc.number)
    }

    /// The summary of a batch of any size, laid out twice and never held whole: once to find
    /// where every item goes and which glyphs the pages draw, then again to fill the pages,
    /// each made into its content stream as soon as it is full. The same bytes as laying it
    /// out once ([`PdfRenderer::write_one`]).
    fn render_summary(&self, summary: &SummaryView, meta: &DocMeta) -> anyhow::Result<Vec<u8>> {
        let lang = lang_of(meta);
        let mut sh = Shaper::new(self.chain(face_of(meta)));
        let g = Geometry::a4(true);
        let mut glyphs = writer::Glyphs::default();
        let laid = {
            let mut flow = Flow::streaming(&mut sh, g.content_width(), &mut glyphs);
            docs::summary(&mut flow, summary, meta);
            std::mem::take(&mut flow.laid)
        };
        let placement = layout::placement(&laid, &g);
        check_glyphs(&sh, &summary.title, lang)?;
        // Headers and footers need the page count only: planned over blank pages.
        let blank = Page { width: g.width, height: g.height, ops: Vec::new() };
        let section = Section {
            title: summary.title.clone(),
            number: summary.number.clone(),
            pages: vec![blank; placement.pages],
            marks: placement.marks.clone(),
        };
        let file = self.plan(&mut sh, &[section], 0..1, &[0], meta, &summary.title, &summary.number)?;
        glyphs.add(file.pages.iter().flat_map(|(_, d)| d));
        let chain = sh.chain();
        let fonts = writer::Fonts::embed(chain, &glyphs)?;
        self.record_fonts(chain, &fonts);
        // Each full page becomes its content stream; what the writer still needs of it (its
        // size, links and signature boxes) stays.
        let mut pages = Vec::with_capacity(placement.pages);
        let mut bodies = Vec::with_capacity(placement.pages);
        let mut fill = layout::PageFill::new(&placement, &laid.headers, &g, |mut p: Page| {
            bodies.push(writer::content(&p.ops, p.height, &fonts));
            p.ops.retain(|op| matches!(op, Op::Link { .. } | Op::SignBox { .. }));
            p.ops.shrink_to_fit();
            pages.push(p);
        });
        {
            let mut flow = Flow::streaming(&mut sh, g.content_width(), &mut fill);
            docs::summary(&mut flow, summary, meta);
        }
        fill.finish();
        let pages: Vec<&Page> = pages.iter().collect();
        Ok(write_file(&file, &pages, &bodies, &fonts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    use crate::ingest::Ctx;
    use crate::report::fixtures::{ctx, seed_project};
    use crate::schema::Schema;

    fn renderer() -> Option<PdfRenderer> {
        fonts::tests::test_chain(Lang::ZhCn)?;
        PdfRenderer::new(PdfOptions::default()).ok()
    }

    /// Every sample project, every document, the dossier and the summary, in three languages,
    /// written to `$DOSSIER_PDF_PREVIEW` (e.g. /tmp/pdf-preview) for a look.
    #[test]
    #[ignore = "writes files: DOSSIER_PDF_PREVIEW=/tmp/pdf-preview cargo test --lib preview -- --ignored"]
    fn preview() {
        let Some(out) = std::env::var_os("DOSSIER_PDF_PREVIEW").map(PathBuf::from) else { return };
        std::fs::create_dir_all(&out).unwrap();
        let pdf = renderer().expect("fonts");
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
        let inputs = crate::project::discover(&[root], Lang::ZhCn).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2024, 10, 20).unwrap();
        let mut summaries = Vec::new();
        for input in &inputs {
            let lang = if input.source.contains("en-") {
                Lang::En
            } else if input.source.contains("tw-") {
                Lang::ZhTw
            } else {
                Lang::ZhCn
            };
            let ctx = Ctx::new(lang, as_of, Schema::default());
            let checked = crate::project::check(input, &ctx).remove(0);
            let meta = DocMeta::new(&checked.project, &ctx);
            let docs = crate::report::documents(&checked.project, &ctx);
            let dir = out.join(crate::report::stem_part(&meta.project_id));
            std::fs::create_dir_all(&dir).unwrap();
            for d in &docs {
                let t = std::time::Instant::now();
                let bytes = pdf.render(d, &meta).unwrap();
                eprintln!("{}/{}.pdf {} bytes {:?}", dir.display(), d.stem, bytes.len(), t.elapsed());
                std::fs::write(dir.join(format!("{}.pdf", d.stem)), bytes).unwrap();
                std::fs::write(dir.join(format!("{}.json", d.stem)), serde_json::to_vec(d).unwrap()).unwrap();
            }
            let bytes = pdf.render_dossier(&docs, &meta).unwrap();
            std::fs::write(dir.join("dossier.pdf"), bytes).unwrap();
            summaries.push(crate::report::project_summary(&checked.project, &ctx));
        }
        let ctx = Ctx::new(Lang::ZhCn, as_of, Schema::default());
        let view = crate::report::summary(&summaries, &ctx);
        let bytes = pdf.render_summary(&view, &DocMeta::batch(&ctx)).unwrap();
        std::fs::write(out.join("summary.pdf"), bytes).unwrap();
        eprintln!("fonts: {:?}", pdf.fonts_used());
    }

    /// The summary of a large batch is laid out twice and each page made into its stream as
    /// soon as it is full, so that its memory does not grow with the batch: the file is the
    /// one laying it out at once gives, header row repeated on every page, byte for byte.
    #[test]
    fn a_long_summary_written_page_by_page_is_the_file_laid_out_at_once() {
        let Some(pdf) = renderer() else { return };
        let ctx = ctx(Lang::ZhCn);
        let one = crate::report::project_summary(&seed_project(), &ctx);
        let summaries: Vec<_> =
            (0..400).map(|i| crate::report::ProjectSummary { id: format!("2024-MKT-{i:03}"), ..one.clone() }).collect();
        let view = crate::report::summary(&summaries, &ctx);
        let meta = DocMeta::batch(&ctx);
        let streamed = pdf.render_summary(&view, &meta).unwrap();

        let mut sh = Shaper::new(pdf.chain(face_of(&meta)));
        let g = Geometry::a4(true);
        let mut flow = Flow::new(&mut sh, g.content_width());
        docs::summary(&mut flow, &view, &meta);
        let laid = std::mem::take(&mut flow.laid);
        let (pages, marks) = paginate(laid, &g);
        assert!(pages.len() > 5, "{} pages", pages.len());
        let section = Section { title: view.title.clone(), number: view.number.clone(), pages, marks };
        let whole = pdf.write_one(&mut sh, &[section], &meta, &view.title, &view.number).unwrap();
        assert!(streamed == whole, "the streamed summary differs from the one laid out at once");
    }

    /// A plan of `n` tasks in four phases, with owners, dependencies, problems and delays.
    pub(crate) fn big_project(n: usize) -> crate::model::Project {
        use crate::report::fixtures::{list, task, text};
        let depts = ["市场部*", "产品部*", "设计部*", "销售部*", "技术部/王工", "渠道商A公司*"];
        let names = [
            "需求调研与访谈",
            "方案设计",
            "物料制作与审核",
            "渠道对接",
            "数据监测看板搭建",
            "上线前联调测试",
            "复盘总结",
        ];
        let status = ["done", "done", "in_progress", "not_started", "blocked", "delayed", "in_review"];
        let day0 = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
        let mut p = seed_project();
        p.tasks = (0..n)
            .map(|i| {
                let id = if i % 8 == 0 { format!("{}", i / 8 + 1) } else { format!("{}.{}", i / 8 + 1, i % 8) };
                let s = day0 + chrono::Duration::days((i * 2) as i64);
                let e = s + chrono::Duration::days(5 + (i % 9) as i64);
                let done = status[i % 7] == "done";
                let actual =
                    done.then(|| (e + chrono::Duration::days((i % 3) as i64 - 1)).format("%Y-%m-%d").to_string());
                let mut t = task(
                    &id,
                    &format!("{}({}期)", names[i % 7], i + 1),
                    depts[i % 6],
                    &s.format("%Y-%m-%d").to_string(),
                    &e.format("%Y-%m-%d").to_string(),
                    actual.as_deref(),
                    status[i % 7],
                );
                let loc = t.loc.clone();
                if i > 0 && i % 3 == 0 {
                    let prev = if (i - 1) % 8 == 0 {
                        format!("{}", (i - 1) / 8 + 1)
                    } else {
                        format!("{}.{}", (i - 1) / 8 + 1, (i - 1) % 8)
                    };
                    t.fields.insert(
                        "depends_on",
                        crate::model::Field { value: list(&[&prev]), raw: String::new(), loc: loc.clone() },
                    );
                }
                if i % 5 == 4 {
                    t.fields.insert(
                        "problem",
                        crate::model::Field {
                            value: text("供应商排期冲突，需协调资源并调整上线时间（见风险003）。"),
                            raw: String::new(),
                            loc,
                        },
                    );
                }
                t
            })
            .collect();
        p
    }

    /// `cargo test --release --lib render::pdf::tests::speed -- --ignored --nocapture`
    #[test]
    #[ignore = "a benchmark"]
    fn speed() {
        let pdf = renderer().expect("fonts");
        let p = big_project(60);
        let c = ctx(Lang::ZhCn);
        let meta = DocMeta::new(&p, &c);
        let docs = crate::report::documents(&p, &c);
        let plan = docs.iter().find(|d| d.stem == "plan").unwrap();
        let bytes = pdf.render(plan, &meta).unwrap();
        if let Some(dir) = std::env::var_os("DOSSIER_PDF_PREVIEW") {
            std::fs::write(PathBuf::from(&dir).join("plan-60.pdf"), &bytes).unwrap();
            // The same content as HTML, to time another tool (a browser printing it).
            let html = crate::render::html::HtmlRenderer::new(None).unwrap().render(plan, &meta).unwrap();
            std::fs::write(PathBuf::from(&dir).join("plan-60.html"), html).unwrap();
        }
        let mut times: Vec<f64> = (0..40)
            .map(|_| {
                let t = std::time::Instant::now();
                std::hint::black_box(pdf.render(plan, &meta).unwrap());
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        eprintln!("60-task plan: {} bytes, median {:.2} ms, min {:.2} ms", bytes.len(), times[20], times[0]);
        // Where the time goes: layout, then subsetting, then the rest of writing.
        let lang = Lang::ZhCn;
        let mut lay = Vec::new();
        let mut sub = Vec::new();
        for _ in 0..20 {
            let t = std::time::Instant::now();
            let mut sh = Shaper::new(pdf.chain(lang));
            let section = pdf.layout(&mut sh, plan, &meta, lang).unwrap();
            lay.push(t.elapsed().as_secs_f64() * 1000.0);
            let font = pdf.chain(lang).font(0).unwrap();
            let mut remapper = subsetter::GlyphRemapper::new();
            for p in &section.pages {
                for op in &p.ops {
                    if let Op::Text { glyphs, .. } = op {
                        for g in glyphs {
                            remapper.remap(g.gid);
                        }
                    }
                }
            }
            let t = std::time::Instant::now();
            std::hint::black_box(subsetter::subset(font.data(), font.index, &remapper).unwrap());
            sub.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        lay.sort_by(f64::total_cmp);
        sub.sort_by(f64::total_cmp);
        eprintln!("  layout median {:.2} ms, subset median {:.2} ms", lay[10], sub[10]);
        let t = std::time::Instant::now();
        let rounds = 20;
        for _ in 0..rounds {
            for d in &docs {
                std::hint::black_box(pdf.render(d, &meta).unwrap());
            }
            std::hint::black_box(pdf.render_dossier(&docs, &meta).unwrap());
        }
        let per = t.elapsed().as_secs_f64() * 1000.0 / f64::from(rounds);
        eprintln!("all {} documents + dossier of a 60-task project: {per:.1} ms on one core", docs.len());
    }

    #[test]
    fn every_document_stays_inside_its_margins() {
        // SPEC §4 PDF: no text overflows; nothing is drawn past the bottom margin.
        let Some(pdf) = renderer() else { return };
        for (p, lang) in [(seed_project(), Lang::ZhCn), (big_project(60), Lang::ZhTw), (seed_project(), Lang::En)] {
            let c = ctx(lang);
            let meta = DocMeta::new(&p, &c);
            let mut sh = Shaper::new(pdf.chain(lang));
            for d in crate::report::documents(&p, &c) {
                let s = pdf.layout(&mut sh, &d, &meta, lang).unwrap();
                for (i, page) in s.pages.iter().enumerate() {
                    let g = Geometry::a4(page.width > page.height);
                    for op in &page.ops {
                        let (l, t, r, b) = op.bounds();
                        let inside = l >= g.left - 0.5
                            && r <= g.width - g.right + 0.5
                            && t >= g.top - 0.5
                            && b <= g.bottom_y() + 0.5;
                        assert!(inside, "{} page {}: {:?} at {:?}", d.stem, i + 1, op.text(), (l, t, r, b));
                    }
                }
            }
        }
    }

    #[test]
    fn the_same_input_gives_the_same_bytes() {
        let Some(pdf) = renderer() else { return };
        let p = seed_project();
        let c = ctx(Lang::ZhCn);
        let meta = DocMeta::new(&p, &c);
        for d in crate::report::documents(&p, &c) {
            let a = pdf.render(&d, &meta).unwrap();
            let b = pdf.render(&d, &meta).unwrap();
            assert_eq!(a, b, "{}", d.stem);
            assert!(a.starts_with(b"%PDF-1.7"));
            let text = String::from_utf8_lossy(&a);
            assert!(text.contains("/Lang (zh-Hans)") && text.contains("/CreationDate (D:20240810000000Z)"));
            assert!(!text.contains("/Metadata"), "no XMP without --pdfa");
        }
    }

    #[test]
    fn font_files_come_first_and_truetype_fonts_embed_too() {
        let dejavu = PathBuf::from("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
        if !dejavu.exists() || renderer().is_none() {
            return;
        }
        let pdf = PdfRenderer::new(PdfOptions { fonts: vec![dejavu], pdfa: false }).unwrap();
        let p = seed_project();
        let c = ctx(Lang::En);
        let docs = crate::report::documents(&p, &c);
        let bytes = pdf.render(&docs[0], &DocMeta::new(&p, &c)).unwrap();
        if let Some(dir) = std::env::var_os("DOSSIER_PDF_PREVIEW") {
            std::fs::write(PathBuf::from(dir).join("truetype.pdf"), &bytes).unwrap();
        }
        let text = String::from_utf8_lossy(&bytes);
        // Latin from DejaVu (TrueType), the Chinese values from the system's CJK font (CFF).
        assert!(text.contains("/CIDFontType2") && text.contains("/CIDToGIDMap /Identity"));
        assert!(text.contains("+DejaVuSans /Encoding /Identity-H"));
        assert!(text.contains("/CIDFontType0C"));
        let families: Vec<String> = pdf.fonts_used().into_iter().map(|f| f.family).collect();
        assert!(families.contains(&"DejaVu Sans".to_string()), "{families:?}");
    }

    #[test]
    fn pdfa_adds_xmp_and_an_output_intent() {
        let Some(_) = renderer() else { return };
        let pdf = PdfRenderer::new(PdfOptions { fonts: vec![], pdfa: true }).unwrap();
        let p = seed_project();
        let c = ctx(Lang::En);
        let docs = crate::report::documents(&p, &c);
        let bytes = pdf.render(&docs[0], &DocMeta::new(&p, &c)).unwrap();
        if let Some(dir) = std::env::var_os("DOSSIER_PDF_PREVIEW") {
            std::fs::write(PathBuf::from(dir).join("pdfa.pdf"), &bytes).unwrap();
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("<pdfaid:part>2</pdfaid:part>")
                && text.contains("<pdfaid:conformance>U</pdfaid:conformance>")
        );
        assert!(text.contains("/OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1"));
        assert!(text.contains("<xmp:CreateDate>2024-08-10T00:00:00Z</xmp:CreateDate>"));
    }

    #[test]
    fn the_dossier_holds_every_document_with_bookmarks() {
        let Some(pdf) = renderer() else { return };
        let p = seed_project();
        let c = ctx(Lang::ZhCn);
        let docs = crate::report::documents(&p, &c);
        let bytes = pdf.render_dossier(&docs, &DocMeta::new(&p, &c)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/Outlines") && text.contains("/PageMode /UseOutlines"));
        // One outline entry per document, the contents and their sections.
        assert!(text.matches("/Dest [").count() > docs.len() + 1);
        assert!(!pdf.fonts_used().is_empty());
    }

    #[test]
    fn a_projects_files_share_one_subset_of_each_font_and_the_dossier_holds_their_pages() {
        let Some(pdf) = renderer() else { return };
        let p = seed_project();
        let c = ctx(Lang::ZhCn);
        let meta = DocMeta::new(&p, &c);
        let docs = crate::report::documents(&p, &c);
        let (files, dossier) = pdf.render_project(&docs, &meta).unwrap();
        assert_eq!(files.len(), docs.len());
        assert_eq!(pdf.render_project(&docs, &meta).unwrap(), (files.clone(), dossier.clone()), "same bytes");
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let pages = |b: &[u8]| text(b).matches("/Type /Page /Parent").count();
        // The cover and one page of contents, then every document's pages.
        assert_eq!(pages(&dossier), 2 + files.iter().map(|f| pages(f)).sum::<usize>());
        let programs = |b: &[u8]| -> Vec<String> {
            let t = text(b);
            t.split("/FontDescriptor /FontName /").skip(1).map(|s| s[..s.find(' ').unwrap()].to_string()).collect()
        };
        for f in &files {
            assert!(f.starts_with(b"%PDF-1.7"));
            assert_eq!(programs(f), programs(&dossier), "the same subsets in every file");
        }
    }

    #[test]
    fn a_character_no_font_draws_is_an_error_naming_it() {
        let Some(pdf) = renderer() else { return };
        let mut p = seed_project();
        let c = ctx(Lang::En);
        let t = &mut p.tasks[0];
        let f = t.fields.get_mut("name").unwrap();
        f.value = crate::model::Value::Text("Linear B 𐀀 tablet".into());
        if pdf.chain(Lang::En).find('𐀀').is_some() {
            return;
        }
        let docs = crate::report::documents(&p, &c);
        let plan = docs.iter().find(|d| d.stem == "plan").unwrap();
        let e = pdf.render(plan, &DocMeta::new(&p, &c)).unwrap_err().to_string();
        assert!(e.contains("U+10000") && e.contains(&plan.title) && e.contains("--font"), "{e}");
    }
}
