//! HTML: one self-contained file per document (inline CSS and SVG, no external requests),
//! from Tera templates embedded in the binary and overridable file by file (`--templates DIR`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;
use tera::{Context, Tera};

use super::gantt::{RowSpans, Rows, route};
use super::{DocMeta, Renderer};
use crate::report::index::IndexView;
use crate::report::{DocView, Document, Gantt, RetroView, SummaryView};

/// The built-in templates, by name. `base.html` lays out every page, `style.css` is inlined
/// into it, `macros.html` holds badges, KPI cards and signature grids.
pub static TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("style.css", include_str!("../../templates/style.css")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("signoff.html", include_str!("../../templates/signoff.html")),
    ("plan.html", include_str!("../../templates/plan.html")),
    ("risks.html", include_str!("../../templates/risks.html")),
    ("minutes.html", include_str!("../../templates/minutes.html")),
    ("retrospective.html", include_str!("../../templates/retrospective.html")),
    ("actions.html", include_str!("../../templates/actions.html")),
    ("summary.html", include_str!("../../templates/summary.html")),
    ("summary_rows.html", include_str!("../../templates/summary_rows.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("index_rows.html", include_str!("../../templates/index_rows.html")),
];

/// The templates `index.html` is made from; with those they name (`extends`, `include`,
/// `import`), all an index needs.
const INDEX_ROOTS: &[&str] = &["index.html", "index_rows.html"];

/// The function a template without Tera syntax becomes a call of (see [`HtmlRenderer::new`]).
const TEXT_FN: &str = "__dossier_text";

/// Whether Tera would find anything but text in `t`: a `{{`, `{%` or `{#`.
fn has_tera_syntax(t: &str) -> bool {
    t.contains("{{") || t.contains("{%") || t.contains("{#")
}

/// Rows handed out a slice at a time, as Tera values: a page of any length is written without
/// holding them all.
pub type Slices<'a> = &'a dyn Fn(&mut dyn FnMut(serde_json::Value) -> anyhow::Result<()>) -> anyhow::Result<()>;

/// What a streamed page holds where a part's rows go.
fn mark(part: &str) -> String {
    format!("\u{1}dossier:{part}\u{1}")
}

/// Renders documents with Tera.
pub struct HtmlRenderer {
    tera: Tera,
}

impl HtmlRenderer {
    /// The built-in templates, with every `.html`, `.css` or `.svg` file of `dir` added: a file
    /// named like a built-in replaces only that one, other files are available to `include`.
    /// Fails with the file and line of a template that does not parse.
    pub fn new(dir: Option<&Path>) -> anyhow::Result<HtmlRenderer> {
        HtmlRenderer::with(dir, None)
    }

    /// Only what [`HtmlRenderer::render_index`] needs: for a build that writes no document as
    /// HTML, which need not compile the documents' templates (Tera's parser takes ~0.2 ms a KB).
    pub fn index_only(dir: Option<&Path>) -> anyhow::Result<HtmlRenderer> {
        HtmlRenderer::with(dir, Some(INDEX_ROOTS))
    }

    /// The built-in templates and the files of `dir`; with `roots`, only those and the
    /// templates they name, and those these name, and so on.
    fn with(dir: Option<&Path>, roots: Option<&[&str]>) -> anyhow::Result<HtmlRenderer> {
        let mut files: BTreeMap<String, String> =
            TEMPLATES.iter().map(|(name, text)| (name.to_string(), text.to_string())).collect();
        if let Some(dir) = dir {
            let entries =
                fs::read_dir(dir).with_context(|| format!("{}: cannot read the templates folder", dir.display()))?;
            for entry in entries {
                let path = entry.with_context(|| format!("{}: cannot list the folder", dir.display()))?.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
                if !path.is_file() || !(name.ends_with(".html") || name.ends_with(".css") || name.ends_with(".svg")) {
                    continue;
                }
                let text = fs::read_to_string(&path)
                    .with_context(|| format!("{}: cannot read the template", path.display()))?;
                files.insert(name.to_string(), text);
            }
        }
        if let Some(roots) = roots {
            let named =
                |text: &str, name: &str| text.contains(&format!("\"{name}\"")) || text.contains(&format!("'{name}'"));
            let mut keep: BTreeSet<&str> = roots.iter().copied().filter(|r| files.contains_key(*r)).collect();
            let mut todo: Vec<&str> = keep.iter().copied().collect();
            while let Some(at) = todo.pop() {
                for name in files.keys() {
                    if !keep.contains(name.as_str()) && named(&files[at], name) {
                        keep.insert(name);
                        todo.push(name);
                    }
                }
            }
            let keep: BTreeSet<String> = keep.into_iter().map(str::to_string).collect();
            files.retain(|name, _| keep.contains(name));
        }
        let mut tera = Tera::default();
        // Every value is escaped, in CSS too, so a project name can never close a tag.
        tera.autoescape_on(vec![".html", ".css", ".svg"]);
        tera.set_escape_fn(escape);
        // A file without Tera syntax (the 10 KB style sheet) is its own text: Tera's parser
        // would take longer over it than over every other template of a build, so it becomes
        // a one-call template that writes the text as it is.
        let (mut texts, mut sources) = (Vec::new(), Vec::with_capacity(files.len()));
        for (name, text) in files {
            if has_tera_syntax(&text) {
                sources.push((name, text));
            } else {
                sources.push((name, format!("{{{{ {TEXT_FN}(n={}) | safe }}}}", texts.len())));
                texts.push(text);
            }
        }
        tera.register_function(TEXT_FN, move |args: &std::collections::HashMap<String, tera::Value>| {
            let text = args.get("n").and_then(tera::Value::as_u64).and_then(|n| texts.get(n as usize));
            Ok(tera::Value::String(text.cloned().unwrap_or_default()))
        });
        tera.add_raw_templates(sources).map_err(|e| {
            let at = dir.map_or_else(|| "built-in templates".to_string(), |d| d.display().to_string());
            anyhow::Error::new(e).context(format!("{at}: a template does not parse"))
        })?;
        Ok(HtmlRenderer { tera })
    }

    /// `index.html` of an output folder.
    pub fn render_index(&self, index: &IndexView, meta: &DocMeta) -> anyhow::Result<Vec<u8>> {
        let mut out = Vec::new();
        let skipped = serde_json::to_value(&index.skipped)?;
        let projects = serde_json::to_value(&index.projects)?;
        self.write_index(index, &|f| f(skipped.clone()), &|f| f(projects.clone()), meta, &mut out)?;
        Ok(out)
    }

    /// `index.html` with the rows of projects not built (`skipped`) and of the others
    /// (`projects`) given a slice at a time; `index` holds neither.
    pub fn write_index(
        &self,
        index: &IndexView,
        skipped: Slices,
        projects: Slices,
        meta: &DocMeta,
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<()> {
        #[derive(Serialize)]
        struct IndexPage<'a> {
            meta: &'a DocMeta,
            kind: &'static str,
            title: &'a str,
            stem: &'static str,
            number: &'static str,
            view: &'a IndexView,
            print: Print,
        }
        let print = Print::new(meta, &index.title, "", false);
        let page =
            IndexPage { meta, kind: "index", title: &index.title, stem: "index", number: "", view: index, print };
        self.stream("index.html", "index_rows.html", &page, &[("skipped", skipped), ("projects", projects)], out)
    }

    /// The portfolio summary with its project rows given a slice at a time (`summary` holds none).
    pub fn write_summary(
        &self,
        summary: &SummaryView,
        rows: Slices,
        meta: &DocMeta,
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<()> {
        let print = Print::new(meta, &summary.title, &summary.number, true);
        let page = SummaryPage {
            meta,
            kind: "summary",
            title: &summary.title,
            stem: "summary",
            number: &summary.number,
            view: summary,
            print,
        };
        self.stream("summary.html", "summary_rows.html", &page, &[("rows", rows)], out)
    }

    /// Writes `template` with `page`, each of `parts` (named like the field of the page's view
    /// that would hold its rows) rendered by `rows_template` a slice at a time where the
    /// template says `{{ parts.NAME | safe }}` (a part it leaves out is not rendered). A
    /// template of `--templates` without any part, which loops over the view's fields itself,
    /// is given the rows whole.
    fn stream(
        &self,
        template: &str,
        rows_template: &str,
        page: &impl Serialize,
        parts: &[(&str, Slices)],
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<()> {
        use serde_json::{Value, json};
        let mut value = serde_json::to_value(page).context("the view does not serialize")?;
        value["parts"] = parts.iter().map(|(name, _)| (name.to_string(), Value::String(mark(name)))).collect();
        let html = self.render_value(template, value.clone())?;
        // The parts the page shows (a part may sit inside a condition), in order.
        let mut pieces = Vec::new();
        let mut rest = html.as_str();
        for part in parts {
            if let Some((head, tail)) = rest.split_once(&mark(part.0)) {
                pieces.push((part, head));
                rest = tail;
            }
        }
        if !pieces.is_empty() {
            for ((name, slices), head) in pieces {
                out.write_all(head.as_bytes())?;
                slices(&mut |rows| {
                    let html = self.render_value(rows_template, json!({ "part": name, "rows": rows }))?;
                    out.write_all(html.as_bytes())?;
                    Ok(())
                })?;
            }
            out.write_all(rest.as_bytes())?;
            return Ok(());
        }
        for (name, slices) in parts {
            let mut all = Vec::new();
            slices(&mut |rows| {
                if let Value::Array(rows) = rows {
                    all.extend(rows);
                }
                Ok(())
            })?;
            let all = Value::Array(all);
            let html = self.render_value(rows_template, json!({ "part": name, "rows": all }))?;
            value["parts"][name] = Value::String(html);
            value["view"][name] = all;
        }
        out.write_all(self.render_value(template, value)?.as_bytes())?;
        Ok(())
    }

    fn render_value(&self, template: &str, value: serde_json::Value) -> anyhow::Result<String> {
        let ctx = Context::from_value(value).context("the view does not serialize")?;
        self.tera.render(template, &ctx).with_context(|| format!("rendering {template}"))
    }

    fn page(&self, template: &str, page: &impl Serialize) -> anyhow::Result<Vec<u8>> {
        let ctx = Context::from_serialize(page).context("the view does not serialize")?;
        let html = self.tera.render(template, &ctx).with_context(|| format!("rendering {template}"))?;
        Ok(html.into_bytes())
    }
}

/// Writes the built-in templates to `dir` (created if needed) for editing; files already
/// there are left alone. Returns the files written.
pub fn write_default_templates(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir).with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    let mut written = Vec::new();
    for (name, text) in TEMPLATES {
        let path = dir.join(name);
        if path.exists() {
            continue;
        }
        fs::write(&path, text).with_context(|| format!("{}: cannot write", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// HTML escaping of text and attribute values (`&`, `<`, `>`, `"`, `'`).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
struct Page<'a> {
    meta: &'a DocMeta,
    kind: &'static str,
    title: &'a str,
    stem: &'a str,
    /// The document's number (`2024-MKT-001-PLAN`).
    number: &'a str,
    view: &'a DocView,
    /// Chart geometry in SVG user units, laid out here from the view's day offsets.
    chart: Option<Chart>,
    print: Print,
}

/// The printed page, as CSS paged media: size and orientation (those of the PDF), and the
/// running header and footer in the page margins, their texts already CSS strings.
#[derive(Serialize)]
struct Print {
    landscape: bool,
    top_left: String,
    top_right: String,
    bottom_left: String,
    /// `"第 " counter(page) " 页 / 共 " counter(pages) " 页"`.
    bottom_center: String,
    bottom_right: String,
}

impl Print {
    fn new(meta: &DocMeta, title: &str, number: &str, landscape: bool) -> Print {
        let ui = &meta.ui;
        let labelled = |label: &str, value: &str| {
            if value.is_empty() { String::new() } else { format!("{label}{}{value}", ui.colon) }
        };
        let page_of =
            css_string(&ui.page_of).replace("{n}", "\" counter(page) \"").replace("{of}", "\" counter(pages) \"");
        Print {
            landscape,
            top_left: css_string(&labelled(&ui.project, &meta.project_name)),
            top_right: css_string(&labelled(&ui.number, number)),
            bottom_left: css_string(title),
            bottom_center: page_of,
            bottom_right: css_string(&labelled(&ui.generated, &meta.generated)),
        }
    }
}

/// A CSS string literal of any text: quotes, backslashes and line breaks escaped, and `<`
/// too, so that nothing can close the `<style>` element it sits in.
fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push_str("\\A "),
            '<' => out.push_str("\\3C "),
            '>' => out.push_str("\\3E "),
            '&' => out.push_str("\\26 "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Serialize)]
#[serde(untagged)]
enum Chart {
    Gantt(GanttSvg),
    Metrics(MetricSvg),
}

#[derive(Serialize)]
struct SummaryPage<'a> {
    meta: &'a DocMeta,
    kind: &'static str,
    title: &'a str,
    stem: &'static str,
    number: &'a str,
    view: &'a SummaryView,
    print: Print,
}

impl Renderer for HtmlRenderer {
    fn format(&self) -> &'static str {
        "html"
    }

    fn render(&self, doc: &Document, meta: &DocMeta) -> anyhow::Result<Vec<u8>> {
        let chart = match &doc.view {
            DocView::Plan(p) => p.gantt.as_ref().map(|g| Chart::Gantt(gantt_svg(g))),
            DocView::Retrospective(r) if !r.metrics.is_empty() => Some(Chart::Metrics(metric_svg(r))),
            _ => None,
        };
        let kind = doc.view.kind();
        let print = Print::new(meta, &doc.title, &doc.number, doc.view.landscape());
        let page =
            Page { meta, kind, title: &doc.title, stem: &doc.stem, number: &doc.number, view: &doc.view, chart, print };
        self.page(&format!("{kind}.html"), &page)
    }

    fn render_summary(&self, summary: &SummaryView, meta: &DocMeta) -> anyhow::Result<Vec<u8>> {
        let mut out = Vec::new();
        let rows = serde_json::to_value(&summary.rows)?;
        let view = SummaryView { rows: Vec::new(), ..summary.clone() };
        self.write_summary(&view, &|f| f(rows.clone()), meta, &mut out)?;
        Ok(out)
    }
}

/// Width of text in SVG units: ideographs and full-width forms count one em, the rest about half.
fn text_width(s: &str, font: f64) -> f64 {
    s.chars().map(|c| if is_wide(c) { 1.0 } else { 0.56 }).sum::<f64>() * font
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// The text cut to `max` units with an ellipsis.
fn fit(s: &str, max: f64, font: f64) -> String {
    if text_width(s, font) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = font;
    for c in s.chars() {
        w += if is_wide(c) { font } else { font * 0.56 };
        if w > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The Gantt chart as SVG pages of rows: each repeats the time axis, so that printed it is
/// split between rows onto pages, never through a row.
#[derive(Serialize)]
struct GanttSvg {
    width: f64,
    /// Left edge of the time axis.
    axis_x: f64,
    pages: Vec<GanttPage>,
}

#[derive(Serialize)]
struct GanttPage {
    height: f64,
    top: f64,
    bottom: f64,
    stripes: Vec<Rect>,
    ticks: Vec<TickSvg>,
    rows: Vec<BarSvg>,
    arrows: Vec<String>,
    today: Option<TodaySvg>,
}

#[derive(Clone, Serialize)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

#[derive(Clone, Serialize)]
struct TickSvg {
    x: f64,
    /// Empty when the label has no room (its line stays).
    label: String,
    major: bool,
}

#[derive(Clone, Serialize)]
struct TodaySvg {
    /// The line, absent when today lies outside the chart (the label then says where).
    x: Option<f64>,
    label_x: f64,
    label: String,
    anchor: &'static str,
}

#[derive(Serialize)]
struct BarSvg {
    label: String,
    full: String,
    label_x: f64,
    text_y: f64,
    bar: Option<Rect>,
    fill: &'static str,
    overdue: bool,
    /// A diamond at the end of the actual finish day: its x, and its path once placed.
    #[serde(skip)]
    actual_x: Option<f64>,
    actual: Option<String>,
    status: String,
    status_x: f64,
    /// The status says the task is late: written in red.
    late: bool,
    /// The row is striped: the label's halo takes the stripe's colour.
    striped: bool,
    tooltip: String,
}

const CHART_W: f64 = 1000.0;
const LABEL_W: f64 = 250.0;
const ROW_H: f64 = 26.0;
const HEAD_H: f64 = 36.0;
const FONT: f64 = 12.0;
const SMALL: f64 = 10.5;
/// Rows on the first printed page (under the KPI cards) and on each page after it.
const FIRST_PAGE_ROWS: usize = 12;
const PAGE_ROWS: usize = 22;

/// Lays out a Gantt chart: label column on the left, one day = `(width − labels) / days`.
fn gantt_svg(g: &Gantt) -> GanttSvg {
    let right_pad = 10.0;
    let axis_w = CHART_W - LABEL_W - right_pad;
    let day = axis_w / g.days.max(1) as f64;
    let x_of = |offset: i64| r1(LABEL_W + offset as f64 * day);
    let bar_h = 12.0;

    let today = match (&g.today, &g.today_edge) {
        (Some(t), _) => {
            let x = r1(LABEL_W + (*t as f64 + 0.5) * day);
            // Bold digits run wider than the estimate: keep a margin before the right edge.
            let anchor = if x + text_width(&g.today_label, SMALL) * 0.6 > CHART_W { "end" } else { "middle" };
            Some(TodaySvg { x: Some(x), label_x: x, label: g.today_label.clone(), anchor })
        }
        (None, Some(e)) if e.side == "right" => {
            Some(TodaySvg { x: None, label_x: CHART_W - 2.0, label: e.label.clone(), anchor: "end" })
        }
        (None, Some(e)) => Some(TodaySvg { x: None, label_x: LABEL_W + 4.0, label: e.label.clone(), anchor: "start" }),
        _ => None,
    };
    // The today label's span (bold, so a little wider than the estimate): weekly labels,
    // on the line just above it, give way to it.
    let today_span = today.as_ref().map(|t| {
        let w = text_width(&t.label, SMALL) * 1.08;
        let start = match t.anchor {
            "end" => t.label_x - w,
            "middle" => t.label_x - w / 2.0,
            _ => t.label_x,
        };
        (start, start + w)
    });

    // Month labels that have room, weekly labels that run into no month label or the today label.
    let majors: Vec<(f32, f32)> = g
        .ticks
        .iter()
        .filter(|t| t.major)
        .map(|t| ((x_of(t.offset) + 3.0) as f32, (text_width(&t.label, SMALL) * 1.08) as f32))
        .collect();
    let partial_first = g.ticks.first().is_some_and(|t| t.major && t.offset == 0);
    let keep = crate::render::gantt::fitting(&majors, 8.0, CHART_W as f32, partial_first);
    let mut mi = 0;
    let ticks: Vec<TickSvg> = g
        .ticks
        .iter()
        .map(|t| {
            let x = x_of(t.offset);
            let mut label = t.label.clone();
            if t.major {
                if !keep.get(mi).copied().unwrap_or(false) {
                    label.clear();
                }
                mi += 1;
            } else if majors.iter().any(|(m, w)| {
                x + 3.0 < f64::from(m + w) + 4.0 && x + 3.0 + text_width(&label, SMALL) > f64::from(*m) - 4.0
            }) || x + 3.0 + text_width(&label, SMALL) > CHART_W
                || today_span.is_some_and(|(a, b)| x + 3.0 < b + 4.0 && x + 3.0 + text_width(&label, SMALL) > a - 4.0)
            {
                label.clear();
            }
            TickSvg { x, label, major: t.major }
        })
        .collect();

    // Rows with an arrow leaving their bar write their status past the arrow's first bend.
    let leaves: Vec<bool> =
        (0..g.rows.len()).map(|i| g.rows.iter().any(|r| r.depends_on.iter().any(|d| d.row == i))).collect();
    let mut spans: Vec<RowSpans> = Vec::with_capacity(g.rows.len());
    let rows: Vec<BarSvg> = g
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let indent = 6.0 + r.depth.min(4) as f64 * 10.0;
            let full = format!("{} {}", r.id, r.name);
            let label = fit(&full, LABEL_W - indent - 8.0, FONT);
            let bar = match (r.start, r.end) {
                (Some(s), Some(e)) => {
                    Some(Rect { x: x_of(s), y: 0.0, w: r1(((e - s + 1) as f64 * day).max(2.0)), h: bar_h })
                }
                _ => None,
            };
            let actual_x = r.actual_end.map(|a| x_of(a + 1));
            let mut status = r.status.as_ref().map(|s| s.label.clone()).unwrap_or_default();
            if !r.delay.is_empty() {
                if !status.is_empty() {
                    status.push_str(" · ");
                }
                status.push_str(&r.delay);
            }
            let right = [bar.as_ref().map(|b| b.x + b.w), actual_x.map(|x| x + 5.0)]
                .into_iter()
                .flatten()
                .fold(LABEL_W, f64::max);
            let left = bar.as_ref().map_or(LABEL_W, |b| b.x);
            let gap = if leaves[i] { 14.0 } else { 6.0 };
            let gap_in = if r.depends_on.is_empty() { 6.0 } else { 14.0 };
            let sw = text_width(&status, SMALL);
            let status_x = if bar.is_none() && actual_x.is_none() {
                LABEL_W + 6.0
            } else if right + gap + sw <= CHART_W {
                r1(right + gap)
            } else if left - gap_in - sw >= LABEL_W {
                r1(left - gap_in - sw)
            } else {
                r1((CHART_W - sw).max(LABEL_W + 2.0))
            };
            let mut taken = Vec::new();
            if let Some(b) = &bar {
                taken.push((b.x as f32, (b.x + b.w) as f32));
            }
            if let Some(x) = actual_x {
                taken.push(((x - 5.0) as f32, (x + 5.0) as f32));
            }
            if !status.is_empty() {
                taken.push(((status_x - 2.0) as f32, (status_x + sw + 2.0) as f32));
            }
            spans.push(RowSpans { taken });
            let mut tooltip = format!("{} {}", r.id, r.name);
            if !r.owner.is_empty() {
                tooltip.push_str(&format!(" · {}", r.owner));
            }
            if !r.planned_start.is_empty() || !r.planned_end.is_empty() {
                tooltip.push_str(&format!(" · {} – {}", r.planned_start, r.planned_end));
            }
            if !r.actual_end_date.is_empty() {
                tooltip.push_str(&format!(" · ✓ {}", r.actual_end_date));
            }
            BarSvg {
                label,
                full,
                label_x: indent,
                text_y: 0.0,
                bar,
                fill: r.fill,
                overdue: r.overdue,
                actual_x,
                actual: None,
                status,
                status_x,
                late: !r.delay.is_empty(),
                striped: false,
                tooltip,
            }
        })
        .collect();

    // Pages of rows; y positions relative to each page's own SVG.
    let mut rows = rows.into_iter();
    let mut pages = Vec::new();
    let mut start = 0;
    let n = g.rows.len();
    while start < n {
        let count = (if pages.is_empty() { FIRST_PAGE_ROWS } else { PAGE_ROWS }).min(n - start);
        let range = start..start + count;
        let mid = |i: usize| HEAD_H + (i - start) as f64 * ROW_H + ROW_H / 2.0;
        let bottom = HEAD_H + count as f64 * ROW_H;
        let mut page_rows = Vec::with_capacity(count);
        for (k, mut r) in rows.by_ref().take(count).enumerate() {
            let y = mid(start + k);
            r.text_y = r1(y + 4.0);
            r.striped = k % 2 == 1;
            if let Some(b) = r.bar.as_mut() {
                b.y = r1(y - bar_h / 2.0);
            }
            r.actual = r.actual_x.map(|x| format!("M{x} {} l5 7 l-5 7 l-5 -7 z", r1(y - 7.0)));
            page_rows.push(r);
        }
        // Dependency arrows: from the end of the prerequisite's bar to the start of the task's,
        // along the gaps between rows.
        let lanes = Rows { top: (HEAD_H - start as f64 * ROW_H) as f32, height: ROW_H as f32 };
        let mut arrows = Vec::new();
        for i in range.clone() {
            let Some(to) = page_rows[i - start].bar.as_ref() else { continue };
            for dep in &g.rows[i].depends_on {
                if !range.contains(&dep.row) {
                    continue;
                }
                let Some(from) = page_rows[dep.row - start].bar.as_ref() else { continue };
                let pts = route(
                    lanes,
                    &spans,
                    (dep.row, (from.x + from.w) as f32),
                    (i, to.x as f32),
                    (((from.x) as f32, (from.x + from.w) as f32), (to.x as f32, (to.x + to.w) as f32)),
                    (LABEL_W as f32, CHART_W as f32),
                );
                let d: Vec<String> = pts
                    .iter()
                    .enumerate()
                    .map(|(k, (x, y))| {
                        format!("{}{} {}", if k == 0 { "M" } else { "L" }, r1(f64::from(*x)), r1(f64::from(*y)))
                    })
                    .collect();
                arrows.push(d.join(" "));
            }
        }
        let stripes = (0..count)
            .filter(|k| k % 2 == 1)
            .map(|k| Rect { x: 0.0, y: HEAD_H + k as f64 * ROW_H, w: CHART_W, h: ROW_H })
            .collect();
        pages.push(GanttPage {
            height: bottom + 8.0,
            top: HEAD_H - 6.0,
            bottom,
            stripes,
            ticks: ticks.clone(),
            rows: page_rows,
            arrows,
            today: today.clone(),
        });
        start += count;
    }
    GanttSvg { width: CHART_W, axis_x: LABEL_W, pages }
}

#[derive(Serialize)]
struct MetricSvg {
    width: f64,
    height: f64,
    /// Where 100 % is.
    target_x: f64,
    top: f64,
    bottom: f64,
    target_label: String,
    bars: Vec<MetricBar>,
}

#[derive(Serialize)]
struct MetricBar {
    label: String,
    full: String,
    text_y: f64,
    bar: Option<Rect>,
    tone: &'static str,
    value: String,
    value_x: f64,
}

/// Horizontal achievement bars on one scale, with a line at 100 %.
fn metric_svg(v: &RetroView) -> MetricSvg {
    let (width, label_w, right_pad, row_h, top) = (720.0, 170.0, 70.0, 30.0, 22.0);
    let axis = width - label_w - right_pad;
    let scale = v.metrics_scale.max(100.0);
    let x_of = |p: f64| r1(label_w + p.clamp(0.0, scale) / scale * axis);
    let bars = v
        .metrics
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let y = top + i as f64 * row_h + row_h / 2.0;
            let bar = m.achievement.map(|p| Rect { x: label_w, y: r1(y - 8.0), w: r1(x_of(p) - label_w), h: 16.0 });
            let value_x = bar.as_ref().map_or(label_w + 4.0, |b| b.x + b.w + 6.0);
            let value = if m.achievement_text.is_empty() { "—".to_string() } else { m.achievement_text.clone() };
            MetricBar {
                label: fit(&m.name, label_w - 12.0, FONT),
                full: format!("{}: {} / {}", m.name, m.actual, m.target),
                text_y: r1(y + 4.0),
                bar,
                tone: m.tone,
                value,
                value_x: r1(value_x),
            }
        })
        .collect::<Vec<_>>();
    let bottom = top + bars.len() as f64 * row_h;
    MetricSvg {
        width,
        height: bottom + 6.0,
        target_x: x_of(100.0),
        top: top - 6.0,
        bottom,
        target_label: "100%".into(),
        bars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Lang, Value};
    use crate::report::fixtures::*;
    use crate::report::{documents, project_summary, summary};

    fn render_all(lang: Lang) -> Vec<(String, String)> {
        let p = seed_project();
        let c = ctx(lang);
        let r = HtmlRenderer::new(None).unwrap();
        let meta = DocMeta::new(&p, &c);
        documents(&p, &c)
            .iter()
            .map(|d| (d.stem.clone(), String::from_utf8(r.render(d, &meta).unwrap()).unwrap()))
            .collect()
    }

    #[test]
    fn every_document_is_a_self_contained_accessible_page() {
        for lang in [Lang::ZhCn, Lang::ZhTw, Lang::En] {
            for (stem, html) in render_all(lang) {
                assert!(html.starts_with("<!DOCTYPE html>"), "{stem}");
                assert!(html.contains(&format!("<html lang=\"{}\">", lang.code())), "{stem}");
                assert!(html.contains("<caption>"), "{stem}: no caption");
                assert!(html.contains("<th scope=\"col\">"), "{stem}: no column headers");
                assert!(html.contains("@media print"), "{stem}: no print style");
                for banned in ["http://", "https://", "<link", "<script", "src=", "@import", "url(http"] {
                    assert!(!html.contains(banned), "{stem} ({lang:?}) contains {banned}");
                }
                assert!(!html.contains("{{") && !html.contains("{%"), "{stem}: template syntax left");
            }
        }
    }

    #[test]
    fn status_is_text_as_well_as_colour() {
        let docs = render_all(Lang::ZhCn);
        let plan = &docs.iter().find(|(s, _)| s == "plan").unwrap().1;
        assert!(plan.contains("<span class=\"badge tone-bad\">阻塞</span>"), "{plan}");
        // The blocked task's bar in the blocked colour, with the overdue mark over it.
        assert!(plan.contains("class=\"bar\" fill=\"#d94343\""), "{plan}");
        assert!(plan.contains("<rect class=\"overdue\""));
        assert!(plan.contains("阻塞 · 延期1天"), "the Gantt writes the status beside the bar");
        assert!(plan.contains("<line class=\"today\""));
        assert!(plan.contains("marker-end=\"url(#arrow)\""), "dependency 2.1 ← 1.1 is drawn");
    }

    #[test]
    fn values_are_escaped_and_markdown_html_stays_text() {
        let mut p = seed_project();
        p.tasks[0].fields.get_mut("name").unwrap().value = Value::Text("<script>alert('x')</script>".into());
        p.meetings[0].fields.get_mut("summary").unwrap().value =
            Value::Text("讨论 <img src=x onerror=alert(1)>\n\n<iframe src=\"https://evil\"></iframe>".into());
        // Values inside macros (the signature grid) are escaped too.
        p.signoffs[0].fields.get_mut("name").unwrap().value = Value::Text("<b>张三</b>".into());
        let c = ctx(Lang::ZhCn);
        let r = HtmlRenderer::new(None).unwrap();
        let meta = DocMeta::new(&p, &c);
        for d in documents(&p, &c) {
            let html = String::from_utf8(r.render(&d, &meta).unwrap()).unwrap();
            assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<iframe"), "{}", d.stem);
            assert!(!html.contains("<b>"), "{}", d.stem);
            if d.stem == "signoff" {
                assert!(html.contains("&lt;b&gt;张三&lt;/b&gt;"), "{html}");
            }
            if d.stem == "plan" {
                assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "{html}");
            }
            if d.stem.starts_with("minutes") {
                assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "{html}");
            }
        }
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(render_all(Lang::ZhCn), render_all(Lang::ZhCn));
        let c = ctx(Lang::En);
        let r = HtmlRenderer::new(None).unwrap();
        let s = summary(&[project_summary(&seed_project(), &c)], &c);
        let a = r.render_summary(&s, &DocMeta::batch(&c)).unwrap();
        assert_eq!(a, r.render_summary(&s, &DocMeta::batch(&c)).unwrap());
        let html = String::from_utf8(a).unwrap();
        assert!(
            html.contains("<html lang=\"en\">") && html.contains("Portfolio summary") && html.contains("<caption>")
        );
    }

    #[test]
    fn user_templates_override_one_file_and_defaults_can_be_exported() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_default_templates(dir.path()).unwrap();
        assert_eq!(written.len(), TEMPLATES.len());
        fs::write(dir.path().join("style.css"), "body { color: rebeccapurple }").unwrap();
        for (name, _) in TEMPLATES.iter().filter(|(n, _)| *n != "style.css") {
            fs::remove_file(dir.path().join(name)).unwrap();
        }
        // Exporting again leaves the edited file alone.
        assert_eq!(write_default_templates(dir.path()).unwrap().len(), TEMPLATES.len() - 1);
        fs::remove_file(dir.path().join("plan.html")).unwrap();
        let r = HtmlRenderer::new(Some(dir.path())).unwrap();
        let c = ctx(Lang::ZhCn);
        let p = seed_project();
        let doc = documents(&p, &c).into_iter().find(|d| d.stem == "plan").unwrap();
        let html = String::from_utf8(r.render(&doc, &DocMeta::new(&p, &c)).unwrap()).unwrap();
        assert!(html.contains("rebeccapurple") && html.contains("甘特图"));
    }

    #[test]
    fn a_template_without_tera_syntax_is_written_as_it_is_and_one_with_it_is_rendered() {
        let c = ctx(Lang::ZhCn);
        let p = seed_project();
        let doc = documents(&p, &c).into_iter().find(|d| d.stem == "signoff").unwrap();
        let page = |css: &str| {
            let dir = tempfile::tempdir().unwrap();
            fs::write(dir.path().join("style.css"), css).unwrap();
            let r = HtmlRenderer::new(Some(dir.path())).unwrap();
            String::from_utf8(r.render(&doc, &DocMeta::new(&p, &c)).unwrap()).unwrap()
        };
        // Plain CSS comes through byte for byte, characters the escaping would change included.
        let plain = "a > b::after { content: \"&<'\" }\n";
        assert!(page(plain).contains(plain));
        // With Tera syntax it is a template: the comment goes, the text around it stays.
        let html = page("a { x: 1 }{# gone #}b { y: 2 }");
        assert!(html.contains("a { x: 1 }b { y: 2 }") && !html.contains("gone"), "{html}");
    }

    #[test]
    fn a_build_without_html_documents_compiles_only_the_index() {
        let c = ctx(Lang::ZhCn);
        let index = IndexView::new(Lang::ZhCn, Vec::new(), Vec::new(), Vec::new());
        let r = HtmlRenderer::index_only(None).unwrap();
        assert!(r.tera.get_template("plan.html").is_err() && r.tera.get_template("summary.html").is_err());
        let html = String::from_utf8(r.render_index(&index, &DocMeta::batch(&c)).unwrap()).unwrap();
        assert!(html.contains(&index.title));
        // A user's index.html still replaces the built-in one.
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("index.html"),
            "{% extends \"base.html\" %}{% block content %}mine{% endblock content %}",
        )
        .unwrap();
        let r = HtmlRenderer::index_only(Some(dir.path())).unwrap();
        let html = String::from_utf8(r.render_index(&index, &DocMeta::batch(&c)).unwrap()).unwrap();
        assert!(html.contains("mine"), "{html}");
        // Only the templates the index names are compiled: the macros only when one imports them.
        assert!(r.tera.get_template("base.html").is_ok() && r.tera.get_template("style.css").is_ok());
        assert!(r.tera.get_template("macros.html").is_err());
        fs::write(
            dir.path().join("index.html"),
            "{% extends 'base.html' %}{% import \"macros.html\" as m %}{% block content %}{{ m::badge(b=view.badge) }}{% endblock content %}",
        )
        .unwrap();
        let r = HtmlRenderer::index_only(Some(dir.path())).unwrap();
        assert!(r.tera.get_template("macros.html").is_ok());
        // A broken document template is not the index's business.
        fs::write(dir.path().join("plan.html"), "{% if %}").unwrap();
        assert!(HtmlRenderer::index_only(Some(dir.path())).is_ok());
        assert!(HtmlRenderer::new(Some(dir.path())).is_err());
    }

    #[test]
    fn rows_given_a_slice_at_a_time_make_the_same_page_and_old_templates_still_get_them_whole() {
        let c = ctx(Lang::ZhCn);
        let p = seed_project();
        let mut second = project_summary(&p, &c);
        second.id = "2024-OPS-999".into();
        let s = summary(&[project_summary(&p, &c), second], &c);
        let r = HtmlRenderer::new(None).unwrap();
        let whole = r.render_summary(&s, &DocMeta::batch(&c)).unwrap();
        // One row per slice, as a large batch hands them over.
        let rows: Vec<serde_json::Value> = s.rows.iter().map(|row| serde_json::to_value([row]).unwrap()).collect();
        let view = SummaryView { rows: Vec::new(), ..s.clone() };
        let mut sliced = Vec::new();
        let each =
            |f: &mut dyn FnMut(serde_json::Value) -> anyhow::Result<()>| rows.iter().try_for_each(|v| f(v.clone()));
        r.write_summary(&view, &each, &DocMeta::batch(&c), &mut sliced).unwrap();
        assert_eq!(String::from_utf8(sliced).unwrap(), String::from_utf8(whole).unwrap());

        // The index of a batch where every project was built leaves out the part of those not
        // built: its rows are never asked for, and the others are still streamed.
        let index = IndexView::new(Lang::ZhCn, Vec::new(), Vec::new(), Vec::new());
        let none = |_: &mut dyn FnMut(serde_json::Value) -> anyhow::Result<()>| -> anyhow::Result<()> {
            anyhow::bail!("the rows of a part the page leaves out were asked for")
        };
        let project = serde_json::json!([{ "id": "2024-OPS-999", "name": "n", "source": "s", "docs": [], "errors": 0,
            "warnings": 0, "problems": "", "first": [] }]);
        let mut page = Vec::new();
        r.write_index(&index, &none, &|f| f(project.clone()), &DocMeta::batch(&c), &mut page).unwrap();

        // A summary.html of `--templates` written before the rows had their own template loops
        // over view.rows: it is given every row.
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("summary.html"), "{% for r in view.rows %}<p>{{ r.id }}</p>{% endfor %}").unwrap();
        let r = HtmlRenderer::new(Some(dir.path())).unwrap();
        let mut old = Vec::new();
        r.write_summary(&view, &each, &DocMeta::batch(&c), &mut old).unwrap();
        let old = String::from_utf8(old).unwrap();
        assert!(old.contains(&format!("<p>{}</p>", s.rows[0].id)) && old.contains("<p>2024-OPS-999</p>"), "{old}");
    }

    #[test]
    fn a_broken_user_template_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("plan.html"), "{% if %}").unwrap();
        let err = format!("{:#}", HtmlRenderer::new(Some(dir.path())).err().unwrap());
        assert!(err.contains("plan.html"), "{err}");
    }

    #[test]
    fn long_labels_are_cut_to_fit_the_chart() {
        assert_eq!(fit("活动方案设计", 100.0, 12.0), "活动方案设计");
        assert_eq!(fit("一二三四五六七八九十", 60.0, 12.0), "一二三四…");
        assert!(text_width("ab", 10.0) < text_width("中", 10.0) * 2.0);
    }

    #[test]
    fn no_week_label_runs_into_the_today_label() {
        // Seed document 2 (任务分工与进度跟踪表): the plan ends in August; "today", months later,
        // is written at the right edge, on the line of the weekly labels.
        let mut c = ctx(Lang::En);
        c.as_of = crate::report::fixtures::day("2024-10-20");
        let p = seed_project();
        let plan = documents(&p, &c).into_iter().find(|d| d.stem == "plan").unwrap();
        let DocView::Plan(v) = &plan.view else { unreachable!() };
        let svg = gantt_svg(v.gantt.as_ref().unwrap());
        let page = &svg.pages[0];
        let today = page.today.as_ref().unwrap();
        assert_eq!((today.x, today.anchor), (None, "end"));
        let start = today.label_x - text_width(&today.label, SMALL);
        let weeks: Vec<&TickSvg> = page.ticks.iter().filter(|t| !t.major && !t.label.is_empty()).collect();
        assert!(!weeks.is_empty(), "weeks left of the label keep theirs");
        for t in weeks {
            assert!(t.x + 3.0 + text_width(&t.label, SMALL) < start, "{} under {:?}", t.label, today.label);
        }
    }

    /// Writes one HTML file per kind to `$DOSSIER_PREVIEW` (e.g. /tmp/html-preview), to look at.
    #[test]
    #[ignore]
    fn preview() {
        let Ok(dir) = std::env::var("DOSSIER_PREVIEW") else { return };
        let dir = Path::new(&dir);
        fs::create_dir_all(dir).unwrap();
        let r = HtmlRenderer::new(None).unwrap();
        for lang in [Lang::ZhCn, Lang::En] {
            let c = ctx(lang);
            let p = seed_project();
            let meta = DocMeta::new(&p, &c);
            for d in documents(&p, &c) {
                fs::write(dir.join(format!("{}.{}.html", d.stem, lang.code())), r.render(&d, &meta).unwrap()).unwrap();
            }
            let s = summary(&[project_summary(&p, &c)], &c);
            fs::write(
                dir.join(format!("summary.{}.html", lang.code())),
                r.render_summary(&s, &DocMeta::batch(&c)).unwrap(),
            )
            .unwrap();
        }
    }
}
