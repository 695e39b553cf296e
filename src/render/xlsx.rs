//! XLSX: one workbook per document (rust_xlsxwriter). Data sheets are clean tables under the
//! catalogue's own headers in the run's language, so a workbook dossier wrote reads back into
//! the same records (SPEC §4 "round trip"); KPI blocks and charts sit on a separate overview
//! sheet. Real types (dates, % numbers, ints), drop-downs for enumerations, overdue and blocked
//! rows highlighted, print setup, document properties — and the same bytes for the same input.

use anyhow::Context as _;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{
    Chart, ChartFont, ChartFormat, ChartLine, ChartPatternFill, ChartPatternFillType, ChartPoint, ChartSolidFill,
    ChartType, Color, ConditionalFormatFormula, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime,
    Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, utility::column_number_to_name,
};

use super::{DocMeta, Renderer};
use crate::model::{L10n, Lang};
use crate::report::plan::OVERDUE_STROKE;
use crate::report::{
    ActionsView, Badge, DocView, Document, Kpi, MinutesView, PlanView, RetroView, RisksView, Row, SignGrid,
    SignoffView, SummaryView, format,
};
use crate::schema::{self, EnumDef, Type};

/// Renders workbooks. The creation date in the document properties is the documents'
/// stamp ([`DocMeta::stamp`]: `SOURCE_DATE_EPOCH` or the as-of date), never the wall clock.
#[derive(Clone, Debug, Default)]
pub struct XlsxRenderer;

impl XlsxRenderer {
    pub fn new() -> XlsxRenderer {
        XlsxRenderer
    }

    /// The creation date-time of the document properties.
    fn created(&self, meta: &DocMeta) -> ExcelDateTime {
        excel_datetime(meta.stamp)
            .unwrap_or_else(|_| ExcelDateTime::from_ymd(2000, 1, 1).expect("a valid constant date"))
    }
}

impl Renderer for XlsxRenderer {
    fn format(&self) -> &'static str {
        "xlsx"
    }

    fn render(&self, doc: &Document, meta: &DocMeta) -> anyhow::Result<Vec<u8>> {
        let mut book = Book::new(meta, &doc.title, &doc.number);
        let company = match &doc.view {
            DocView::Plan(v) => {
                plan(&mut book, v)?;
                None
            }
            DocView::Risks(v) => {
                risks(&mut book, v)?;
                None
            }
            DocView::Signoff(v) => {
                signoff(&mut book, v)?;
                form_value(&v.form, "department")
            }
            DocView::Minutes(v) => {
                minutes(&mut book, v)?;
                None
            }
            DocView::Retrospective(v) => {
                retrospective(&mut book, v)?;
                form_value(&v.info, "department")
            }
            DocView::Actions(v) => {
                actions(&mut book, v)?;
                None
            }
        };
        book.finish(self.created(meta), doc.view.kind(), company).with_context(|| format!("writing {}.xlsx", doc.stem))
    }

    fn render_summary(&self, summary: &SummaryView, meta: &DocMeta) -> anyhow::Result<Vec<u8>> {
        let mut book = Book::new(meta, &summary.title, &summary.number);
        portfolio(&mut book, summary)?;
        book.finish(self.created(meta), "summary", None).context("writing summary.xlsx")
    }
}

fn form_value(rows: &[Row], key: &str) -> Option<String> {
    rows.iter().find(|r| r.key == key).map(|r| r.value.clone()).filter(|v| !v.is_empty())
}

// ---------------------------------------------------------------------------------------------
// Words of the workbook furniture

const OVERVIEW: L10n = L10n::new("概览", "概覽", "Summary");
const LISTS: &str = "Lists";
const PAGE: L10n = L10n::new("第 &P 页 / 共 &N 页", "第 &P 頁 / 共 &N 頁", "Page &P of &N");
const AS_OF: L10n = L10n::new("截至 {date}", "截至 {date}", "As of {date}");
const CHART_DATA: L10n = L10n::new("图表数据", "圖表數據", "Chart data");
const DAYS: L10n = L10n::new("天数", "天數", "Days");
const START: L10n = L10n::new("开始", "開始", "Start");
const UNIT: L10n = L10n::new("单位", "單位", "Unit");
const PENDING: L10n = L10n::new(
    "注：{progress}。以下部门尚待签字，签字确认后请登记到上表",
    "注：{progress}。以下部門尚待簽字，簽字確認後請登記到上表",
    "Note: {progress}. The departments below have yet to sign; record their sign-off in the table above",
);
const ALL_SIGNED: L10n = L10n::new("注：{progress}", "注：{progress}", "Note: {progress}");
const HOST_LINE: L10n = L10n::new(
    "{label}：{name}    签字：____________    日期：____________",
    "{label}：{name}    簽字：____________    日期：____________",
    "{label}: {name}    Signature: ____________    Date: ____________",
);
const VALIDATION_TITLE: L10n = L10n::new("请从列表中选择", "請從清單中選擇", "Pick from the list");
const VALIDATION_MESSAGE: L10n = L10n::new("可选值：{values}", "可選值：{values}", "Allowed values: {values}");
const KPI_HEAD: L10n = L10n::new("指标", "指標", "Figure");
const VALUE_HEAD: L10n = L10n::new("数值", "數值", "Value");
const NOTE_HEAD: L10n = L10n::new("说明", "說明", "Note");

/// Sheet names of the data sheets: the catalogue's kind labels, which the reader matches back
/// to their kind. `Requirement` alone names no kind in English, so the plural alias is used.
fn data_sheet(kind: &str, lang: Lang) -> String {
    match (kind, lang) {
        ("requirement", Lang::En) => "Requirements".to_string(),
        ("meeting_agenda", Lang::En) => "Meeting agenda".to_string(),
        ("meeting_agenda", Lang::ZhCn) => "会议议程".to_string(),
        ("meeting_agenda", Lang::ZhTw) => "會議議程".to_string(),
        _ => schema::kind(kind).map_or_else(|| kind.to_string(), |k| k.label.get(lang).to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// Cell values and column types

/// One cell as written: real Excel types wherever the view has them.
#[derive(Clone, Debug, PartialEq)]
enum V {
    Empty,
    Text(String),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Int(i64),
    /// A number with its number format.
    Num(f64, &'static str),
    /// A ratio (0.8 for 80 %) shown with the given number of decimals.
    Pct(f64, u8),
    /// A whole number shown with its unit by its number format (`0" 分钟"`): still a number.
    Unit(i64, &'static str),
}

impl V {
    fn text(s: &str) -> V {
        let s = s.trim();
        if s.is_empty() { V::Empty } else { V::Text(s.to_string()) }
    }

    /// A date or date-time as the views format them (`2024-07-15`, `2024-07-15 14:00`).
    fn when(s: &str) -> V {
        let s = s.trim();
        // A date alone is too short to be a `2024-07-15 14:00` (a format parse costs more than a date).
        if s.len() >= 16
            && let Ok(dt) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        {
            return V::DateTime(dt);
        }
        match parse_date(s) {
            Some(d) => V::Date(d),
            None => V::text(s),
        }
    }

    /// A KPI value as the views format it: `4` → 4, `66.7%` → 0.667 as a percentage.
    fn figure(s: &str) -> V {
        let s = s.trim();
        if let Ok(n) = s.parse::<i64>() {
            return V::Int(n);
        }
        if let Some(p) = s.strip_suffix('%').and_then(|p| p.trim().parse::<f64>().ok()) {
            return V::Pct(p / 100.0, 1);
        }
        V::text(s)
    }

    fn int(n: Option<i64>) -> V {
        n.map_or(V::Empty, V::Int)
    }

    /// Columns this value needs (East-Asian wide characters count two).
    fn width(&self) -> f64 {
        match self {
            V::Empty => 0.0,
            V::Text(s) => s.lines().map(display_width).fold(0.0, f64::max),
            V::Date(_) => 10.0,
            V::DateTime(_) => 16.0,
            V::Int(n) => n.to_string().len() as f64,
            V::Unit(n, fmt) => n.to_string().len() as f64 + display_width(fmt) - 3.0,
            V::Num(v, _) => format!("{v:.0}").len() as f64 * 1.35,
            V::Pct(..) => 6.0,
        }
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn excel_datetime(at: NaiveDateTime) -> anyhow::Result<ExcelDateTime> {
    let (y, m, d) = (at.year(), at.month(), at.day());
    let year = u16::try_from(y).context("year out of range")?;
    let date = ExcelDateTime::from_ymd(year, m as u8, d as u8)?;
    Ok(date.and_hms(at.hour() as u16, at.minute() as u8, at.second())?)
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    excel_datetime(d.and_time(chrono::NaiveTime::MIN)).ok()
}

/// East-Asian wide and full-width characters (UAX #11 W/F) take two columns.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD)
}

/// Width of a line of text in character columns of the default font.
fn display_width(s: &str) -> f64 {
    s.chars().map(|c| if is_wide(c) { 2.0 } else { 1.0 }).sum()
}

/// Lines a text takes in a column `width` wide (wrapped, with its own line breaks).
fn lines_in(s: &str, width: f64) -> u32 {
    let usable = (width - 1.0).max(1.0);
    s.lines().map(|l| ((display_width(l) / usable).ceil() as u32).max(1)).sum::<u32>().max(1)
}

/// Widest column before text wraps: a sheet of a dozen columns still prints legibly when
/// fitted to the page's width.
const MAX_WIDTH: f64 = 40.0;
const MIN_WIDTH: f64 = 6.0;
/// Points per line of 11 pt text, CJK glyphs included.
const LINE_HEIGHT: f64 = 16.0;
/// Rows under a table that keep its drop-downs and highlighting, for rows users add.
const SPARE_ROWS: u32 = 200;
/// Excel's limit on the text of one cell.
const MAX_CELL_CHARS: usize = 32_000;

/// Text as a cell can hold it: control characters other than line breaks and tabs dropped
/// (XML 1.0 has no place for them), at most [`MAX_CELL_CHARS`] characters.
fn clip(s: &str) -> String {
    let clean = |c: &char| !c.is_control() || matches!(c, '\n' | '\t');
    if s.len() <= MAX_CELL_CHARS && !s.chars().any(|c| !clean(&c)) {
        return s.to_string();
    }
    let mut out: String = s.chars().filter(clean).take(MAX_CELL_CHARS).collect();
    if s.chars().filter(clean).nth(MAX_CELL_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// A label cut to `max` columns with an ellipsis.
fn shorten(s: &str, max: f64) -> String {
    if display_width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 1.0;
    for c in s.chars() {
        w += if is_wide(c) { 2.0 } else { 1.0 };
        if w > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// How a column's values are typed and formatted.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ty {
    Text,
    Date,
    DateTime,
    Int,
    Pct0,
    Pct1,
    Num,
}

#[derive(Clone, Debug)]
struct Column {
    /// The field key (or a view key) the rules refer to.
    key: &'static str,
    header: String,
    ty: Ty,
    /// Labels of an enumeration in the run's language: a drop-down.
    list: Option<&'static EnumDef>,
}

fn column(key: &'static str, header: &str, ty: Ty) -> Column {
    Column { key, header: header.to_string(), ty, list: None }
}

/// A column of a catalogue field: its label, its type, its enumeration.
fn field_column(kind: &str, key: &'static str, lang: Lang) -> Column {
    let def = schema::kind(kind).and_then(|k| k.field(key));
    let ty = match def.map(|f| f.ty) {
        Some(Type::Date) => Ty::Date,
        Some(Type::DateTime) => Ty::DateTime,
        Some(Type::Int) => Ty::Int,
        Some(Type::Percent) => Ty::Pct0,
        Some(Type::Quantity) => Ty::Num,
        _ => Ty::Text,
    };
    let list = def.and_then(|f| match f.ty {
        Type::Enum(e) => Some(e),
        _ => None,
    });
    Column { key, header: format::label(kind, key, lang), ty, list }
}

struct Table {
    cols: Vec<Column>,
    rows: Vec<Vec<V>>,
    /// Indent level of each row's text in the column keyed `name` (task hierarchy).
    indents: Vec<u8>,
}

impl Table {
    fn new(cols: Vec<Column>) -> Table {
        Table { cols, rows: Vec::new(), indents: Vec::new() }
    }

    fn push(&mut self, row: Vec<V>, indent: u8) {
        debug_assert_eq!(row.len(), self.cols.len());
        self.rows.push(row);
        self.indents.push(indent);
    }
}

/// Where a table landed on its sheet.
struct Placed {
    header: u32,
    first: u32,
    /// Last data row; equals `header` when the table has no rows.
    last: u32,
    keys: Vec<&'static str>,
    widths: Vec<f64>,
    /// Drop-downs and highlighting reach [`SPARE_ROWS`] past the data, for rows users add.
    spare: bool,
}

impl Placed {
    fn col(&self, key: &str) -> Option<u16> {
        self.keys.iter().position(|k| *k == key).map(|c| c as u16)
    }

    /// `$E2`: the column of `key` on the first data row, for row-wise formula rules.
    fn cell(&self, key: &str) -> Option<String> {
        self.col(key).map(|c| format!("${}{}", column_number_to_name(c), self.first + 1))
    }

    fn last_col(&self) -> u16 {
        self.keys.len().saturating_sub(1) as u16
    }

    /// Last row of drop-downs and highlighting.
    fn reach(&self) -> u32 {
        self.last.max(self.first) + if self.spare { SPARE_ROWS } else { 0 }
    }
}

// ---------------------------------------------------------------------------------------------
// Styles

const HEADER_FILL: u32 = 0xDDEBF7;
const LABEL_FILL: u32 = 0xF2F2F2;
const GRID: u32 = 0xBFBFBF;
const BAD_FILL: u32 = 0xFFC7CE;
const BAD_FONT: u32 = 0x9C0006;
const WARN_FILL: u32 = 0xFFEB9C;
const WARN_FONT: u32 = 0x9C5700;

fn tone_color(tone: &str) -> u32 {
    match tone {
        "ok" => 0x548235,
        "warn" => 0xBF8F00,
        "bad" => 0xC00000,
        "info" => 0x2F5597,
        _ => 0x7F7F7F,
    }
}

/// `#3b82d6` → `0x3b82d6`.
fn hex_color(s: &str) -> u32 {
    u32::from_str_radix(s.trim_start_matches('#'), 16).unwrap_or(0xA5A5A5)
}

fn bar_color(tone: &str) -> u32 {
    match tone {
        "ok" => 0x70AD47,
        "warn" => 0xFFC000,
        "bad" => 0xC00000,
        "info" => 0x4472C4,
        _ => 0xA5A5A5,
    }
}

struct Styles {
    header: Format,
    text: Format,
    wrap: Format,
    date: Format,
    datetime: Format,
    int: Format,
    pct0: Format,
    pct1: Format,
    num: Format,
    num2: Format,
    title: Format,
    subtitle: Format,
    caption: Format,
    label: Format,
    note: Format,
    boxed: Format,
}

impl Styles {
    fn new() -> Styles {
        let cell = Format::new().set_border(FormatBorder::Thin).set_border_color(GRID).set_align(FormatAlign::Top);
        Styles {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(HEADER_FILL)
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap(),
            date: cell.clone().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Left),
            datetime: cell.clone().set_num_format("yyyy-mm-dd hh:mm").set_align(FormatAlign::Left),
            int: cell.clone().set_num_format("0"),
            pct0: cell.clone().set_num_format("0%"),
            pct1: cell.clone().set_num_format("0.0%"),
            num: cell.clone().set_num_format("#,##0"),
            num2: cell.clone().set_num_format("#,##0.00"),
            title: Format::new().set_bold().set_font_size(16),
            subtitle: Format::new().set_font_color(0x595959),
            caption: Format::new().set_bold().set_font_size(12),
            label: cell.clone().set_bold().set_background_color(LABEL_FILL).set_text_wrap(),
            note: Format::new().set_italic().set_font_color(0x595959).set_text_wrap().set_align(FormatAlign::Top),
            boxed: Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter),
        }
    }

    fn of(&self, v: &V, ty: Ty, wrap: bool) -> &Format {
        match v {
            V::Date(_) => &self.date,
            V::DateTime(_) => &self.datetime,
            V::Int(_) | V::Unit(..) => &self.int,
            V::Pct(_, 0) => &self.pct0,
            V::Pct(..) => &self.pct1,
            V::Num(..) if ty == Ty::Num => &self.num,
            V::Num(..) => &self.num2,
            V::Text(_) | V::Empty if wrap => &self.wrap,
            V::Text(_) | V::Empty => &self.text,
        }
    }
}

/// Fill and font colours of a highlighted row.
type Tone = (u32, u32);
const BAD: Tone = (BAD_FILL, BAD_FONT);
const WARN: Tone = (WARN_FILL, WARN_FONT);

/// Highlights whole rows of a table (data and spare rows) where `rule` holds; the first rule
/// added that holds wins.
fn highlight(ws: &mut Worksheet, p: &Placed, rule: String, (fill, font): Tone) -> anyhow::Result<()> {
    let cf = ConditionalFormatFormula::new()
        .set_rule(rule.as_str())
        .set_format(Format::new().set_background_color(fill).set_font_color(font))
        .set_stop_if_true(true);
    ws.add_conditional_format(p.first, 0, p.reach(), p.last_col(), &cf)?;
    Ok(())
}

/// `"阻塞"` as a formula string literal.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `DATE(2024,8,10)`: "today" of the documents, so highlighting matches them.
fn date_formula(d: NaiveDate) -> String {
    format!("DATE({},{},{})", d.year(), d.month(), d.day())
}

fn enum_label(e: &EnumDef, code: &str, lang: Lang) -> String {
    e.values.iter().find(|v| v.code == code).map_or_else(|| code.to_string(), |v| v.label.get(lang).to_string())
}

fn field_enum(kind: &str, key: &str) -> Option<&'static EnumDef> {
    schema::kind(kind).and_then(|k| k.field(key)).and_then(|f| match f.ty {
        Type::Enum(e) => Some(e),
        _ => None,
    })
}

// ---------------------------------------------------------------------------------------------
// The workbook

struct Book<'a> {
    meta: &'a DocMeta,
    lang: Lang,
    as_of: NaiveDate,
    title: String,
    /// The document's number (`2024-MKT-001-PLAN`): in every page header and the properties.
    number: String,
    st: Styles,
    /// Enumerations listed on the hidden `Lists` sheet, one column each, with their labels.
    lists: Vec<(&'static str, Vec<String>)>,
    sheets: Vec<Worksheet>,
}

impl<'a> Book<'a> {
    fn new(meta: &'a DocMeta, title: &str, number: &str) -> Book<'a> {
        let lang = Lang::parse(meta.lang).unwrap_or_default();
        let as_of = parse_date(&meta.generated).unwrap_or_default();
        Book {
            meta,
            lang,
            as_of,
            title: title.to_string(),
            number: number.to_string(),
            st: Styles::new(),
            lists: Vec::new(),
            sheets: Vec::new(),
        }
    }

    /// A new sheet with the page set up: A4, header (project, document) and footer (page n of m).
    fn sheet(&self, name: &str) -> anyhow::Result<Worksheet> {
        let mut ws = Worksheet::new();
        ws.set_name(sheet_name(name))?;
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        let header = format!(
            "&L{}&R{}",
            hf(&project_line(self.meta, " "), 100),
            hf(&format!("{} {}{}{}", self.title, self.meta.ui.number, self.meta.ui.colon, self.number), 120)
        );
        ws.set_header(header);
        let footer =
            format!("&L{}&C{}&R{}", hf(self.meta.generator, 40), PAGE.get(self.lang), hf(&self.meta.generated, 20));
        ws.set_footer(footer);
        ws.set_margins(0.5, 0.5, 0.75, 0.75, 0.3, 0.3);
        Ok(ws)
    }

    /// A drop-down of an enumeration's labels: inline when short and ASCII, else from the
    /// hidden `Lists` sheet (Chinese labels and long lists).
    fn validation(&mut self, e: &'static EnumDef) -> anyhow::Result<DataValidation> {
        let labels: Vec<String> = e.values.iter().map(|v| v.label.get(self.lang).to_string()).collect();
        let joined = labels.join(",");
        let dv = if joined.is_ascii() && joined.len() <= 255 {
            DataValidation::new().allow_list_strings(&labels)?
        } else {
            let col = match self.lists.iter().position(|(n, _)| *n == e.name) {
                Some(i) => i,
                None => {
                    self.lists.push((e.name, labels.clone()));
                    self.lists.len() - 1
                }
            };
            let letter = column_number_to_name(col as u16);
            DataValidation::new()
                .allow_list_formula(Formula::new(format!("={LISTS}!${letter}$1:${letter}${}", labels.len())))
        };
        // A warning, not a stop: the readers also accept the aliases (完成, P0, H …).
        let message = VALIDATION_MESSAGE.fill(self.lang, &[("values", &labels.join(" / "))]);
        let message: String = message.chars().take(250).collect();
        Ok(dv
            .ignore_blank(true)
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title(VALIDATION_TITLE.get(self.lang))?
            .set_error_message(message)?)
    }

    /// Writes a table with its header at `top`; returns where it landed. Column widths fit the
    /// content (wide characters count double, capped, longer text wraps) and rows grow to fit.
    fn table(&mut self, ws: &mut Worksheet, top: u32, left: u16, t: &Table, spare: bool) -> anyhow::Result<Placed> {
        let widths = widths(t);
        let wraps: Vec<bool> = t
            .cols
            .iter()
            .enumerate()
            .map(|(c, _)| {
                t.rows
                    .iter()
                    .any(|r| matches!(&r[c], V::Text(s) if display_width(s) + 2.0 > widths[c] || s.contains('\n')))
            })
            .collect();
        let mut head_lines = 1;
        for (c, col) in t.cols.iter().enumerate() {
            ws.write_string_with_format(top, left + c as u16, &col.header, &self.st.header)?;
            head_lines = head_lines.max(lines_in(&col.header, widths[c]));
        }
        ws.set_row_height(top, LINE_HEIGHT * f64::from(head_lines) + 4.0)?;
        for (i, row) in t.rows.iter().enumerate() {
            let r = top + 1 + i as u32;
            let mut lines = 1;
            for (c, v) in row.iter().enumerate() {
                let col = &t.cols[c];
                let indent = if col.key == "name" { t.indents.get(i).copied().unwrap_or(0) } else { 0 };
                let fmt = self.st.of(v, col.ty, wraps[c]);
                let fmt = if indent > 0 { &fmt.clone().set_indent(indent.min(8)) } else { fmt };
                put(ws, r, left + c as u16, v, fmt)?;
                if let V::Text(s) = v
                    && wraps[c]
                {
                    lines = lines.max(lines_in(s, widths[c] - f64::from(indent) * 2.0));
                }
            }
            if lines > 1 {
                ws.set_row_height(r, (LINE_HEIGHT * f64::from(lines.min(25))).min(409.0))?;
            }
        }
        let placed = Placed {
            header: top,
            first: top + 1,
            last: top + t.rows.len() as u32,
            keys: t.cols.iter().map(|c| c.key).collect(),
            widths: widths.clone(),
            spare,
        };
        for (c, col) in t.cols.iter().enumerate() {
            if let Some(e) = col.list {
                let dv = self.validation(e)?;
                ws.add_data_validation(placed.first, left + c as u16, placed.reach(), left + c as u16, &dv)?;
            }
        }
        Ok(placed)
    }

    /// A data sheet's furniture: widths, frozen header (and first columns), autofilter, header
    /// rows repeated on every printed page, landscape when the table is wide.
    fn furnish(&self, ws: &mut Worksheet, p: &Placed, freeze_cols: u16) -> anyhow::Result<()> {
        for (c, w) in p.widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        ws.set_freeze_panes(p.first, freeze_cols)?;
        ws.autofilter(p.header, 0, p.last, p.last_col())?;
        ws.set_repeat_rows(p.header, p.header)?;
        if p.keys.len() >= 8 {
            ws.set_landscape();
        }
        Ok(())
    }

    /// The overview sheet's title block: document title, project, as-of date. Returns the next row.
    fn title_block(&self, ws: &mut Worksheet) -> anyhow::Result<u32> {
        ws.write_string_with_format(0, 0, &self.title, &self.st.title)?;
        ws.set_row_height(0, 24)?;
        let project = project_line(self.meta, " · ");
        let mut r = 1;
        if !project.is_empty() {
            ws.write_string_with_format(r, 0, &project, &self.st.subtitle)?;
            r += 1;
        }
        let as_of = AS_OF.fill(self.lang, &[("date", &self.meta.generated)]);
        ws.write_string_with_format(r, 0, &as_of, &self.st.subtitle)?;
        Ok(r + 2)
    }

    /// KPI cards as rows: label, typed value (coloured by its tone), note. Returns the next row.
    fn kpis(&self, ws: &mut Worksheet, top: u32, cards: &[Kpi]) -> anyhow::Result<u32> {
        let lang = self.lang;
        for (c, h) in [KPI_HEAD, VALUE_HEAD, NOTE_HEAD].iter().enumerate() {
            ws.write_string_with_format(top, c as u16, h.get(lang), &self.st.header)?;
        }
        for (i, k) in cards.iter().enumerate() {
            let r = top + 1 + i as u32;
            ws.write_string_with_format(r, 0, &k.label, &self.st.label)?;
            let v = V::figure(&k.value);
            let fmt = self.st.of(&v, Ty::Text, false).clone().set_bold().set_font_color(tone_color(k.tone));
            put(ws, r, 1, &v, &fmt)?;
            put(ws, r, 2, &V::text(&k.note), &self.st.text)?;
        }
        Ok(top + 2 + cards.len() as u32)
    }

    /// Assembles the workbook: sheets in order, the very hidden `Lists` sheet, properties.
    fn finish(self, created: ExcelDateTime, kind: &str, company: Option<String>) -> anyhow::Result<Vec<u8>> {
        let mut wb = Workbook::new();
        // Faster than the default (6) for a few percent in size; PMO workbooks are small.
        wb.set_zip_compression_level(1);
        let mut props = DocProperties::new()
            .set_title(&self.title)
            .set_author("dossier")
            .set_comment(self.meta.generator)
            .set_category(kind)
            .set_creation_datetime(&created);
        let subject = project_line(self.meta, " ");
        if !subject.is_empty() {
            props = props.set_subject(&subject);
        }
        if !self.number.is_empty() {
            props = props.set_keywords(&self.number);
        }
        if let Some(c) = company {
            props = props.set_company(c);
        }
        wb.set_properties(&props);
        for ws in self.sheets {
            wb.push_worksheet(ws);
        }
        if !self.lists.is_empty() {
            let mut ws = Worksheet::new();
            ws.set_name(LISTS)?;
            for (c, (_, labels)) in self.lists.iter().enumerate() {
                for (r, label) in labels.iter().enumerate() {
                    ws.write_string(r as u32, c as u16, label)?;
                }
            }
            // Very hidden: out of the way, and skipped by dossier's own reader.
            ws.set_very_hidden(true);
            wb.push_worksheet(ws);
        }
        Ok(wb.save_to_buffer()?)
    }
}

/// A sheet name Excel accepts: ≤ 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let s: String = name.chars().map(|c| if "[]:*?/\\".contains(c) { '-' } else { c }).take(31).collect();
    let s = s.trim_matches('\'').trim().to_string();
    if s.is_empty() { "Sheet".to_string() } else { s }
}

/// Text for a page header or footer: `&` doubled, length capped (Excel allows 255 in all).
fn hf(s: &str, max: usize) -> String {
    s.chars().take(max).collect::<String>().replace('&', "&&")
}

fn put(ws: &mut Worksheet, r: u32, c: u16, v: &V, fmt: &Format) -> anyhow::Result<()> {
    match v {
        V::Empty => {
            ws.write_blank(r, c, fmt)?;
        }
        V::Text(s) => {
            ws.write_string_with_format(r, c, clip(s), fmt)?;
        }
        V::Date(d) => match excel_date(*d) {
            Some(x) => {
                ws.write_datetime_with_format(r, c, &x, fmt)?;
            }
            None => {
                ws.write_string_with_format(r, c, format::date(Some(*d)), fmt)?;
            }
        },
        V::DateTime(dt) => match excel_datetime(*dt) {
            Ok(x) => {
                ws.write_datetime_with_format(r, c, &x, fmt)?;
            }
            Err(_) => {
                ws.write_string_with_format(r, c, format::datetime(*dt), fmt)?;
            }
        },
        V::Int(n) => {
            ws.write_number_with_format(r, c, *n as f64, fmt)?;
        }
        V::Unit(n, unit) => {
            ws.write_number_with_format(r, c, *n as f64, &fmt.clone().set_num_format(*unit))?;
        }
        V::Num(x, _) | V::Pct(x, _) => {
            ws.write_number_with_format(r, c, *x, fmt)?;
        }
    }
    Ok(())
}

/// Column widths: the header (bold, so a little wider) and every value, plus padding,
/// between [`MIN_WIDTH`] and [`MAX_WIDTH`].
fn widths(t: &Table) -> Vec<f64> {
    t.cols
        .iter()
        .enumerate()
        .map(|(c, col)| {
            let head = col.header.lines().map(display_width).fold(0.0, f64::max) * 1.1;
            let cells = t
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let indent =
                        if col.key == "name" { f64::from(t.indents.get(i).copied().unwrap_or(0)) * 2.0 } else { 0.0 };
                    r[c].width() + indent
                })
                .fold(0.0, f64::max);
            let drop_down = if col.list.is_some() { 2.0 } else { 0.0 };
            (head.max(cells) + 2.0 + drop_down).clamp(MIN_WIDTH, MAX_WIDTH)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Plan and progress report

fn plan(book: &mut Book, v: &PlanView) -> anyhow::Result<()> {
    let lang = book.lang;
    let present = |k: &str| v.present.contains(&k);
    // The catalogue's order; optional columns only when some task fills them.
    const KEYS: [&str; 16] = [
        "id",
        "name",
        "owner",
        "collaborators",
        "planned_start",
        "planned_end",
        "actual_end",
        "status",
        "progress",
        "delay_days",
        "priority",
        "depends_on",
        "deliverable",
        "problem",
        "next_step",
        "updated_at",
    ];
    let cols = KEYS
        .iter()
        .filter(|k| match **k {
            "id" | "name" | "owner" | "planned_start" | "planned_end" | "status" => true,
            "delay_days" => present("delay"),
            k => present(k),
        })
        .map(|k| field_column("task", k, lang))
        .collect();
    let mut t = Table::new(cols);
    for r in &v.rows {
        let row = t
            .cols
            .iter()
            .map(|c| match c.key {
                "id" => V::text(&r.id),
                "name" => V::text(&r.name),
                "owner" => V::text(&r.owner),
                "collaborators" => V::text(&r.collaborators),
                "planned_start" => V::when(&r.planned_start),
                "planned_end" => V::when(&r.planned_end),
                "actual_end" => V::when(&r.actual_end),
                "status" => V::text(r.status.as_ref().map_or("", |b| b.label.as_str())),
                "progress" => r.progress_value.map_or(V::Empty, |p| V::Pct(p / 100.0, 0)),
                "delay_days" => V::int(r.delay_days.filter(|d| *d > 0)),
                "priority" => V::text(&r.priority),
                "depends_on" => V::text(&r.depends_on),
                "deliverable" => V::text(&r.deliverable),
                "problem" => V::text(&r.problem),
                "next_step" => V::text(&r.next_step),
                "updated_at" => V::when(&r.updated_at),
                _ => V::Empty,
            })
            .collect();
        t.push(row, r.depth.min(8) as u8);
    }

    let mut data = book.sheet(&data_sheet("task", lang))?;
    let p = book.table(&mut data, 0, 0, &t, true)?;
    book.furnish(&mut data, &p, 2)?;
    // Whole rows light up: blocked first, then overdue (open past the planned end), then
    // more than 2 days late (seed 000 四(三): a dedicated meeting is due), then late.
    let status = field_enum("task", "status");
    let label = |code: &str| status.map_or_else(|| code.to_string(), |e| enum_label(e, code, lang));
    if let Some(s) = p.cell("status") {
        highlight(&mut data, &p, format!("={s}={}", quoted(&label("blocked"))), BAD)?;
        if let Some(end) = p.cell("planned_end") {
            let rule = format!("=AND({end}<>\"\",{end}<{},{s}<>{})", date_formula(book.as_of), quoted(&label("done")));
            highlight(&mut data, &p, rule, BAD)?;
        }
    }
    if let Some(d) = p.cell("delay_days") {
        highlight(&mut data, &p, format!("=AND(ISNUMBER({d}),{d}>2)"), BAD)?;
        highlight(&mut data, &p, format!("=AND(ISNUMBER({d}),{d}>0)"), WARN)?;
    }

    let mut ov = book.sheet(OVERVIEW.get(lang))?;
    let mut r = book.title_block(&mut ov)?;
    ov.write_string_with_format(r, 0, &v.labels.kpis, &book.st.caption)?;
    r = book.kpis(&mut ov, r + 1, &v.cards)?;
    if !v.labels.late_note.is_empty() {
        ov.merge_range(r, 0, r, 5, &v.labels.late_note, &book.st.note)?;
        ov.set_row_height(r, LINE_HEIGHT * 2.0)?;
        r += 2;
    }
    // Column A holds the KPI labels and the chart data's task labels (the chart's categories).
    let task_w =
        v.gantt.as_ref().map_or(0.0, |g| g.rows.iter().map(|r| display_width(&gantt_label(r))).fold(0.0, f64::max));
    let label_w = display_width(&v.labels.kpis).max(task_w);
    let kpi_w = v.cards.iter().map(|k| display_width(&k.label)).fold(label_w.min(40.0), f64::max);
    let widths = [(kpi_w + 2.0).clamp(12.0, 42.0), 12.0, 18.0];
    for (c, w) in widths.iter().enumerate() {
        ov.set_column_width(c as u16, *w)?;
    }
    let mut printed = (r, 2);
    if let Some(g) = &v.gantt {
        // The chart and the print area are exactly GANTT_PX wide: columns past C, the last
        // one trimmed to end where the chart does.
        let mut cols: Vec<u32> = widths.iter().map(|w| column_px(*w)).collect();
        while cols.iter().sum::<u32>() < GANTT_PX {
            let px = (GANTT_PX - cols.iter().sum::<u32>()).min(EXTRA_COL_PX);
            ov.set_column_width_pixels(cols.len() as u16, px)?;
            cols.push(px);
        }
        // At 100 %, not fitted to the page: Excel and LibreOffice ignore manual page breaks
        // on a sheet fitted to pages, and the chart is split onto pages by them.
        ov.set_print_scale(100);
        // What the rows above the chart take: the title row is 24 pt, the note 2 lines; a
        // tenth more for renderers that draw rows with CJK text taller.
        let above = (r * DEFAULT_ROW_PX + 12 + if v.labels.late_note.is_empty() { 0 } else { 23 }) * 11 / 10;
        let chart_px = cols.iter().sum::<u32>();
        let chart_end = gantt(book, &mut ov, r, g, &v.labels.gantt, (above, PAGE_H_PX), chart_px)?;
        printed = (chart_end, cols.len() as u16 - 1);
    }
    // The figures and the chart print; the chart's data below them does not.
    ov.set_print_area(0, 0, printed.0, printed.1)?;
    ov.set_landscape();
    book.sheets.push(ov);
    book.sheets.push(data);
    Ok(())
}

/// A task's label in the chart data: id and name, cut to 36 columns.
fn gantt_label(row: &crate::report::GanttRow) -> String {
    shorten(format!("{} {}", row.id, row.name).trim(), 36.0)
}

/// Pixels of a column `w` characters wide (Excel's default font: 7 px a character, 5 of padding).
fn column_px(w: f64) -> u32 {
    (w * 7.0 + 5.0).round() as u32
}

/// The Gantt chart's width in pixels of Excel's default font (Calibri 11: 7 px a character).
/// The printable width of a landscape A4 page with the sheets' half-inch side margins is
/// 770 pt (1026 px); the chart takes three quarters of it at 100 %, so that it still fits
/// where a renderer's default font is wider than Calibri and the columns with it
/// (LibreOffice without Carlito draws them in DejaVu Sans, a third wider).
const GANTT_PX: u32 = 760;
/// Printable height of a landscape A4 page (595 pt less 0.75 in top and bottom: 650 px),
/// with a little slack.
const PAGE_H_PX: u32 = 630;
const EXTRA_COL_PX: u32 = 64;
const DEFAULT_ROW_PX: u32 = 20;
/// Pixels a task takes in the chart, and what a chart takes besides its tasks (title, axis).
const GANTT_ROW_PX: u32 = 20;
const GANTT_PAD_PX: u32 = 60;
/// Fewest tasks worth a chart of their own below the figures on the first page.
const GANTT_MIN_ROWS: u32 = 8;

/// The sizes of the charts a Gantt of `n` tasks is split into, and whether the first shares
/// the first page: it fills what is left there (`first_room` px) when enough tasks fit;
/// the others get a page of `page_px` px each, the tasks spread evenly over them. A chart
/// takes its caption row, its own rows and a blank row.
fn gantt_chunks(n: u32, first_room: u32, page_px: u32) -> (Vec<u32>, bool) {
    let cap = |px: u32| px.saturating_sub(GANTT_PAD_PX + 2 * DEFAULT_ROW_PX) / GANTT_ROW_PX;
    let first = cap(first_room);
    if n <= first {
        return (vec![n], true);
    }
    let mut out = Vec::new();
    let mut rest = n;
    let shared = first >= GANTT_MIN_ROWS;
    if shared {
        out.push(first);
        rest -= first;
    }
    let pages = rest.div_ceil(cap(page_px).max(1));
    for i in 0..pages {
        // Even shares, the larger ones first.
        out.push(rest / pages + u32::from(i < rest % pages));
    }
    (out, shared)
}

/// The Gantt chart as stacked bar charts (an invisible bar up to the start, then the planned
/// span coloured by status), its data below them (outside the print area). A long plan is
/// split by rows into one chart a page, each with its title and its own date axis, on the
/// same scale: the first below the figures when enough tasks fit there, the others each on
/// a page of its own (manual page breaks). `page` is the height the rows above the chart
/// take and the height of a printed page, in pixels. Returns the chart's last row.
fn gantt(
    book: &mut Book,
    ws: &mut Worksheet,
    top: u32,
    g: &crate::report::Gantt,
    caption: &str,
    (above, page_px): (u32, u32),
    width_px: u32,
) -> anyhow::Result<u32> {
    let lang = book.lang;
    let Some(start) = parse_date(&g.start) else { return Ok(top) };
    let Some(origin) = excel_date(start).map(|d| d.to_excel()) else { return Ok(top) };
    let n = g.rows.len() as u32;
    let (chunks, shared) = gantt_chunks(n, page_px.saturating_sub(above), page_px);
    // Rows each chart covers, and where each starts: a page break before every chart that
    // does not share the first page, its caption row with it.
    let rows_of = |k: u32| (GANTT_PAD_PX + GANTT_ROW_PX * k).div_ceil(DEFAULT_ROW_PX) + 1;
    let mut breaks = Vec::new();
    let mut at = Vec::new();
    let mut row = top;
    for (i, k) in chunks.iter().enumerate() {
        if i > 0 || !shared {
            breaks.push(row);
        }
        at.push(row);
        // Rows of a set height (15 pt), so the chart, anchored to them, keeps its height in
        // renderers that would size empty rows by their own default font.
        for r in row..row + rows_of(*k) {
            ws.set_row_height(r, 15)?;
        }
        row += rows_of(*k);
    }
    let chart_end = row.saturating_sub(1).max(top);
    let data_top = row + 1;
    let sheet = sheet_name(OVERVIEW.get(lang));
    ws.write_string_with_format(data_top, 0, CHART_DATA.get(lang), &book.st.caption)?;
    let head = data_top + 1;
    for (c, h) in ["", START.get(lang), DAYS.get(lang)].iter().enumerate() {
        ws.write_string_with_format(head, c as u16, *h, &book.st.header)?;
    }
    let mut points = Vec::new();
    for (i, row) in g.rows.iter().enumerate() {
        let r = head + 1 + i as u32;
        ws.write_string_with_format(r, 0, gantt_label(row), &book.st.text)?;
        // Serials from the dates themselves: day offsets added to a serial would be a day off
        // across Excel's phantom 1900-02-29.
        let serial = |offset: i64| {
            start.checked_add_signed(chrono::Duration::days(offset)).and_then(excel_date).map(|d| d.to_excel())
        };
        match (row.start.and_then(serial), row.end.and_then(|e| serial(e + 1))) {
            (Some(s), Some(e)) => {
                ws.write_number_with_format(r, 1, s, &book.st.date)?;
                ws.write_number_with_format(r, 2, e - s, &book.st.int)?;
            }
            _ => {
                ws.write_blank(r, 1, &book.st.date)?;
                ws.write_blank(r, 2, &book.st.int)?;
            }
        }
        // The status's colour, as in the PDF and HTML charts; overdue bars hatched and outlined.
        let mut f = ChartFormat::new();
        let color = Color::RGB(hex_color(row.fill));
        if row.overdue {
            let mut pattern = ChartPatternFill::new();
            pattern
                .set_pattern(ChartPatternFillType::DiagonalStripesWideUpwards)
                .set_foreground_color(Color::RGB(hex_color(OVERDUE_STROKE)))
                .set_background_color(color);
            f.set_pattern_fill(&pattern);
            f.set_border(ChartLine::new().set_color(Color::RGB(hex_color(OVERDUE_STROKE))).set_width(1.25));
        } else {
            let mut fill = ChartSolidFill::new();
            fill.set_color(color);
            f.set_solid_fill(&fill);
        }
        points.push(ChartPoint::new().set_format(&mut f));
    }
    if n == 0 {
        ws.write_string_with_format(top, 0, caption, &book.st.caption)?;
        return Ok(top);
    }
    let end = start
        .checked_add_signed(chrono::Duration::days(g.days))
        .and_then(excel_date)
        .map_or(origin + g.days as f64, |d| d.to_excel());
    let (unit, fmt) = match g.days {
        ..=124 => (7.0, "m/d"),
        125..=800 => (30.0, "yyyy-mm"),
        d => (((d as f64 / 10.0) / 365.0).ceil() * 365.0, "yyyy"),
    };
    let mut first = 0u32;
    for (k, row) in chunks.iter().zip(&at) {
        let (a, b) = (head + 1 + first, head + first + k);
        // One caption per page: the chart's name, and which of the tasks it shows.
        let title = if chunks.len() > 1 {
            GANTT_PART.fill(
                lang,
                &[
                    ("caption", caption),
                    ("from", &(first + 1).to_string()),
                    ("to", &(first + k).to_string()),
                    ("n", &n.to_string()),
                ],
            )
        } else {
            caption.to_string()
        };
        ws.write_string_with_format(*row, 0, &title, &book.st.caption)?;
        let mut chart = Chart::new(ChartType::BarStacked);
        chart
            .add_series()
            .set_categories((sheet.as_str(), a, 0, b, 0))
            .set_values((sheet.as_str(), a, 1, b, 1))
            .set_format(ChartFormat::new().set_no_fill().set_no_border());
        chart
            .add_series()
            .set_name(PLANNED_NAME.get(lang))
            .set_categories((sheet.as_str(), a, 0, b, 0))
            .set_values((sheet.as_str(), a, 2, b, 2))
            .set_points(&points[first as usize..(first + k) as usize])
            .set_gap(40);
        // The caption row above names it: no title inside the chart to say it twice.
        chart.title().set_hidden();
        chart.legend().set_hidden();
        // In a bar chart the categories run up the y axis: reversed, the first task is on top
        // and the date axis above the bars.
        // Every task labelled, in a size that fits its row.
        chart.y_axis().set_reverse().set_label_interval(1).set_font(ChartFont::new().set_size(9));
        // The same dates on every page, so bars line up from one page to the next.
        chart.x_axis().set_min(origin).set_max(end).set_num_format(fmt).set_major_unit(unit);
        chart.set_width(width_px).set_height(GANTT_PAD_PX + GANTT_ROW_PX * k);
        ws.insert_chart(row + 1, 0, &chart)?;
        first += k;
    }
    if !breaks.is_empty() {
        ws.set_page_breaks(&breaks)?;
    }
    Ok(chart_end)
}

const GANTT_PART: L10n = L10n::new(
    "{caption}（第 {from}–{to} 项，共 {n} 项）",
    "{caption}（第 {from}–{to} 項，共 {n} 項）",
    "{caption} (tasks {from}–{to} of {n})",
);
/// The number format of agenda minutes: the number with its unit.
const MINUTES: L10n = L10n::new("0\" 分钟\"", "0\" 分鐘\"", "0\" min\"");

const PLANNED_NAME: L10n = L10n::new("计划", "計劃", "Planned");

// ---------------------------------------------------------------------------------------------
// Risk and issue register

/// The action register: one table (the reader reads it back as the register), the meeting of
/// each action in its own column; open actions past due in red; the figures on an overview.
fn actions(book: &mut Book, v: &ActionsView) -> anyhow::Result<()> {
    let lang = book.lang;
    let keys = ["id", "description", "owner", "due", "standard", "priority", "status", "meeting"];
    let cols: Vec<Column> = keys.iter().map(|k| field_column("action", k, lang)).collect();
    let mut t = Table::new(cols);
    for g in &v.groups {
        for a in &g.rows {
            t.push(
                vec![
                    V::text(&a.id),
                    V::text(&a.description),
                    V::text(&a.owner),
                    V::when(&a.due),
                    V::text(&a.standard),
                    V::text(&a.priority),
                    V::text(a.status.as_ref().map_or("", |b| b.label.as_str())),
                    V::text(&g.meeting),
                ],
                0,
            );
        }
    }
    let mut data = book.sheet(&data_sheet("action", lang))?;
    let p = book.table(&mut data, 0, 0, &t, true)?;
    book.furnish(&mut data, &p, 1)?;
    if let (Some(due), Some(s)) = (p.cell("due"), p.cell("status")) {
        let done = field_enum("action", "status").map_or_else(|| "done".to_string(), |e| enum_label(e, "done", lang));
        let rule = format!("=AND({due}<>\"\",{due}<{},{s}<>{})", date_formula(book.as_of), quoted(&done));
        highlight(&mut data, &p, rule, BAD)?;
    }
    let mut ov = book.sheet(OVERVIEW.get(lang))?;
    let r = book.title_block(&mut ov)?;
    book.kpis(&mut ov, r, &v.cards)?;
    book.sheets.push(ov);
    book.sheets.push(data);
    Ok(())
}

fn risks(book: &mut Book, v: &RisksView) -> anyhow::Result<()> {
    let lang = book.lang;
    let present = |k: &str| v.present.contains(&k);
    let keys = [
        "id",
        "type",
        "description",
        "impact",
        "owner",
        "raised_on",
        "due",
        "resolved_on",
        "measures",
        "status",
        "result",
    ];
    let cols: Vec<Column> = keys
        .iter()
        .filter(|k| !["type", "raised_on", "resolved_on", "measures", "result"].contains(k) || present(k))
        .map(|k| field_column("risk", k, lang))
        .collect();
    let mut t = Table::new(cols);
    let badge = |b: &Option<Badge>| V::text(b.as_ref().map_or("", |b| b.label.as_str()));
    for r in &v.rows {
        let row = t
            .cols
            .iter()
            .map(|c| match c.key {
                "id" => V::text(&r.id),
                "type" => V::text(&r.r#type),
                "description" => V::text(&r.description),
                "impact" => badge(&r.impact),
                "owner" => V::text(&r.owner),
                "raised_on" => V::when(&r.raised_on),
                "due" => V::when(&r.due),
                "resolved_on" => V::when(&r.resolved_on),
                "measures" => V::text(&r.measures),
                "status" => badge(&r.status),
                "result" => V::text(&r.result),
                _ => V::Empty,
            })
            .collect();
        t.push(row, 0);
    }
    let mut data = book.sheet(&data_sheet("risk", lang))?;
    let p = book.table(&mut data, 0, 0, &t, true)?;
    book.furnish(&mut data, &p, 1)?;
    // Unresolved past the planned resolution date: red for high impact, amber otherwise
    // (seed 000 (五)); a risk without status counts as open unless it has a resolution date.
    if let (Some(due), Some(s)) = (p.cell("due"), p.cell("status")) {
        let label = |key: &str, code: &str| {
            field_enum("risk", key).map_or_else(|| code.to_string(), |e| enum_label(e, code, lang))
        };
        let mut open =
            format!("{s}<>{},{s}<>{}", quoted(&label("status", "resolved")), quoted(&label("status", "closed")));
        if let Some(res) = p.cell("resolved_on") {
            open.push_str(&format!(",OR({s}<>\"\",{res}=\"\")"));
        }
        let overdue = format!("{due}<>\"\",{due}<{},{open}", date_formula(book.as_of));
        if let Some(imp) = p.cell("impact") {
            let rule = format!("=AND({overdue},{imp}={})", quoted(&label("impact", "high")));
            highlight(&mut data, &p, rule, BAD)?;
        }
        highlight(&mut data, &p, format!("=AND({overdue})"), WARN)?;
    }

    let mut ov = book.sheet(OVERVIEW.get(lang))?;
    let mut r = book.title_block(&mut ov)?;
    r = book.kpis(&mut ov, r, &v.cards)?;
    // The matrix: impact × status counts, with totals.
    let m = &v.matrix;
    ov.write_string_with_format(r, 0, &m.caption, &book.st.caption)?;
    let head = r + 1;
    ov.write_string_with_format(head, 0, &m.corner, &book.st.header)?;
    for (c, col) in m.columns.iter().enumerate() {
        ov.write_string_with_format(head, 1 + c as u16, &col.label, &book.st.header)?;
    }
    let total_col = 1 + m.columns.len() as u16;
    ov.write_string_with_format(head, total_col, &m.total_label, &book.st.header)?;
    for (i, row) in m.rows.iter().enumerate() {
        let rr = head + 1 + i as u32;
        ov.write_string_with_format(rr, 0, &row.impact.label, &book.st.label)?;
        for (c, n) in row.counts.iter().enumerate() {
            ov.write_number_with_format(rr, 1 + c as u16, f64::from(*n), &book.st.int)?;
        }
        ov.write_number_with_format(rr, total_col, f64::from(row.total), &book.st.int.clone().set_bold())?;
    }
    let tr = head + 1 + m.rows.len() as u32;
    ov.write_string_with_format(tr, 0, &m.total_label, &book.st.label)?;
    for (c, n) in m.totals.iter().enumerate() {
        ov.write_number_with_format(tr, 1 + c as u16, f64::from(*n), &book.st.int.clone().set_bold())?;
    }
    ov.write_number_with_format(tr, total_col, f64::from(m.total), &book.st.int.clone().set_bold())?;
    if m.total > 0 && !m.rows.is_empty() {
        let sheet = sheet_name(OVERVIEW.get(lang));
        let mut chart = Chart::new(ChartType::ColumnStacked);
        for (c, col) in m.columns.iter().enumerate() {
            let cc = 1 + c as u16;
            let mut fill = ChartSolidFill::new();
            fill.set_color(Color::RGB(bar_color(col.tone)));
            chart
                .add_series()
                .set_name((sheet.as_str(), head, cc))
                .set_categories((sheet.as_str(), head + 1, 0, head + m.rows.len() as u32, 0))
                .set_values((sheet.as_str(), head + 1, cc, head + m.rows.len() as u32, cc))
                .set_format(ChartFormat::new().set_solid_fill(&fill));
        }
        chart.title().set_name(&m.caption);
        let most = m.rows.iter().map(|r| r.total).max().unwrap_or(1);
        chart.y_axis().set_major_unit((f64::from(most) / 5.0).ceil().max(1.0));
        chart.set_width(560).set_height(300);
        ov.insert_chart(tr + 2, 0, &chart)?;
    }
    let first_w = v.cards.iter().map(|k| display_width(&k.label)).fold(display_width(&m.corner), f64::max);
    ov.set_column_width(0, (first_w + 2.0).clamp(12.0, 40.0))?;
    for c in 1..=total_col {
        let w = m.columns.get(usize::from(c) - 1).map_or(display_width(&m.total_label), |b| display_width(&b.label));
        ov.set_column_width(c, (w + 3.0).max(10.0))?;
    }
    book.sheets.push(ov);
    book.sheets.push(data);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Forms: the requirement, the meeting, the retrospective

/// A form sheet being written: label in column A, value in B (merged across to `span` columns
/// for long text), sub-tables under it. Tracks the widths its columns need.
struct Form {
    ws: Worksheet,
    row: u32,
    span: u16,
    widths: Vec<f64>,
}

impl Form {
    fn new(ws: Worksheet, span: u16) -> Form {
        Form { ws, row: 0, span, widths: vec![MIN_WIDTH; usize::from(span)] }
    }

    fn need(&mut self, col: u16, w: f64) {
        let c = usize::from(col);
        if c >= self.widths.len() {
            self.widths.resize(c + 1, MIN_WIDTH);
        }
        self.widths[c] = self.widths[c].max(w.min(MAX_WIDTH));
    }

    /// Width of the value area (columns B to the span's end).
    fn value_width(&self) -> f64 {
        self.widths.iter().skip(1).take(usize::from(self.span) - 1).sum::<f64>().max(40.0)
    }

    fn title(&mut self, st: &Styles, title: &str, subtitle: &str) -> anyhow::Result<()> {
        self.ws.write_string_with_format(self.row, 0, title, &st.title)?;
        self.ws.set_row_height(self.row, 24)?;
        self.row += 1;
        if !subtitle.is_empty() {
            self.ws.write_string_with_format(self.row, 0, subtitle, &st.subtitle)?;
            self.row += 1;
        }
        self.row += 1;
        Ok(())
    }

    /// One label/value row; the value typed by the field's catalogue type.
    fn field(&mut self, st: &Styles, label: &str, value: V) -> anyhow::Result<()> {
        let r = self.row;
        self.need(0, display_width(label) * 1.1 + 2.0);
        self.ws.write_string_with_format(r, 0, label, &st.label)?;
        match &value {
            V::Text(s) => {
                let width = self.value_width();
                let lines = lines_in(s, width);
                if self.span > 2 {
                    self.ws.merge_range(r, 1, r, self.span - 1, &clip(s), &st.wrap)?;
                } else {
                    self.ws.write_string_with_format(r, 1, clip(s), &st.wrap)?;
                }
                if lines > 1 {
                    self.ws.set_row_height(r, (LINE_HEIGHT * f64::from(lines.min(25))).min(409.0))?;
                }
            }
            other => {
                // Merged like text values, the value written over the first cell.
                let fmt = st.of(other, Ty::Num, false);
                if self.span > 2 {
                    self.ws.merge_range(r, 1, r, self.span - 1, "", fmt)?;
                }
                put(&mut self.ws, r, 1, other, fmt)?;
                self.need(1, other.width() + 2.0);
            }
        }
        self.row += 1;
        Ok(())
    }

    /// A list field: the label, then one item per row below it (the reader joins them back).
    fn list(&mut self, st: &Styles, label: &str, items: &[String]) -> anyhow::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        self.need(0, display_width(label) * 1.1 + 2.0);
        for (i, item) in items.iter().enumerate() {
            let r = self.row;
            let label_fmt = if i == 0 { &st.label } else { &st.text };
            if i == 0 {
                self.ws.write_string_with_format(r, 0, label, label_fmt)?;
            } else {
                self.ws.write_blank(r, 0, label_fmt)?;
            }
            let width = self.value_width();
            if self.span > 2 {
                self.ws.merge_range(r, 1, r, self.span - 1, &clip(item), &st.wrap)?;
            } else {
                self.ws.write_string_with_format(r, 1, clip(item), &st.wrap)?;
            }
            let lines = lines_in(item, width);
            if lines > 1 {
                self.ws.set_row_height(r, LINE_HEIGHT * f64::from(lines.min(25)))?;
            }
            self.row += 1;
        }
        Ok(())
    }

    /// A caption row above a sub-table (a label the reader takes as the parent field).
    fn caption(&mut self, st: &Styles, text: &str) -> anyhow::Result<()> {
        self.ws.write_string_with_format(self.row, 0, text, &st.caption)?;
        self.need(0, display_width(text) * 1.2 + 2.0);
        self.row += 1;
        Ok(())
    }

    fn gap(&mut self) {
        self.row += 1;
    }
}

/// Writes rows of a form from a view's form rows, typing values by the catalogue.
fn form_rows(f: &mut Form, st: &Styles, kind: &str, rows: &[Row]) -> anyhow::Result<()> {
    for row in rows {
        let ty = schema::kind(kind).and_then(|k| k.field(row.key)).map(|d| d.ty);
        let value = match ty {
            Some(Type::Date | Type::DateTime) => V::when(&row.value),
            Some(Type::Int) => row.value.trim().parse().map_or_else(|_| V::text(&row.value), V::Int),
            _ => V::text(&row.value),
        };
        f.field(st, &row.label, value)?;
    }
    Ok(())
}

/// A sub-table inside a form, starting at column A; returns where it landed.
fn sub_table(book: &mut Book, f: &mut Form, t: &Table) -> anyhow::Result<Placed> {
    let p = book.table(&mut f.ws, f.row, 0, t, false)?;
    for (c, w) in p.widths.iter().enumerate() {
        f.need(c as u16, *w);
    }
    f.row = p.last + 1;
    Ok(p)
}

fn finish_form(f: &mut Form) -> anyhow::Result<()> {
    for (c, w) in f.widths.iter().enumerate() {
        f.ws.set_column_width(c as u16, *w)?;
    }
    if f.widths.len() >= 8 {
        f.ws.set_landscape();
    }
    Ok(())
}

/// `2024-MKT-001 · 2024年Q3新品上市推广`: the project's id and name (once when they are the
/// same), empty for batch documents.
fn project_line(meta: &DocMeta, sep: &str) -> String {
    let mut parts = vec![meta.project_id.trim()];
    if meta.project_name.trim() != meta.project_id.trim() {
        parts.push(meta.project_name.trim());
    }
    parts.retain(|s| !s.is_empty());
    parts.join(sep)
}

// ---------------------------------------------------------------------------------------------
// Requirement sign-off sheet

fn signoff(book: &mut Book, v: &SignoffView) -> anyhow::Result<()> {
    let lang = book.lang;
    let mut f = Form::new(book.sheet(&data_sheet("requirement", lang))?, 4);
    f.need(1, 16.0);
    f.need(2, 16.0);
    f.need(3, 16.0);
    f.title(&book.st, &book.title, &project_line(book.meta, " · "))?;
    form_rows(&mut f, &book.st, "requirement", &v.form)?;
    finish_form(&mut f)?;
    book.sheets.push(f.ws);
    let grid = sign_sheet(book, &v.grid, "requirement_review")?;
    book.sheets.push(grid);
    Ok(())
}

/// The sign-off sheet, a form to print and sign: recorded sign-offs under the catalogue's
/// headers (they read back as sign-off records), then, below a notes line the reader stops
/// at, every expected signatory who has not signed yet; every row tall enough to sign in,
/// a signature box at its end, grid lines all round, the whole on one printed page.
fn sign_sheet(book: &mut Book, grid: &SignGrid, stage: &str) -> anyhow::Result<Worksheet> {
    let lang = book.lang;
    let keys = ["stage", "department", "name", "role", "decision", "date", "comment"];
    let mut cols: Vec<Column> = keys.iter().map(|k| field_column("signoff", k, lang)).collect();
    // Not a field (the reader keeps it aside): the box signed by hand.
    cols.push(column("signature", SIGN_BOX.get(lang), Ty::Text));
    let stage_label = field_enum("signoff", "stage").map_or_else(|| stage.to_string(), |e| enum_label(e, stage, lang));
    let mut t = Table::new(cols);
    let (signed, pending): (Vec<_>, Vec<_>) = grid.rows.iter().partition(|r| r.signed);
    for r in &signed {
        t.push(
            vec![
                V::text(&stage_label),
                V::text(&r.department),
                V::text(&r.name),
                V::text(&r.role),
                V::text(r.decision.as_ref().map_or("", |b| b.label.as_str())),
                V::when(&r.date),
                V::text(&r.comment),
                V::Empty,
            ],
            0,
        );
    }
    let mut ws = book.sheet(&data_sheet("signoff", lang))?;
    let mut p = book.table(&mut ws, 0, 0, &t, true)?;
    // Room to write and sign by hand.
    for w in p.widths.iter_mut().skip(2) {
        *w = w.max(12.0);
    }
    if let Some(d) = p.col("department") {
        let w = pending.iter().map(|r| display_width(&r.department) + 2.0).fold(p.widths[usize::from(d)], f64::max);
        p.widths[usize::from(d)] = w.min(MAX_WIDTH);
    }
    let last = usize::from(p.last_col());
    p.widths[last] = p.widths[last].max(22.0);
    book.furnish(&mut ws, &p, 0)?;
    for r in p.first..=p.last {
        ws.set_row_height(r, SIGN_ROW)?;
    }
    if let Some(cell) = p.cell("decision") {
        let e = field_enum("signoff", "decision");
        let label = |code: &str| e.map_or_else(|| code.to_string(), |e| enum_label(e, code, lang));
        highlight(&mut ws, &p, format!("={cell}={}", quoted(&label("rejected"))), BAD)?;
        highlight(&mut ws, &p, format!("={cell}={}", quoted(&label("conditional"))), WARN)?;
    }
    let mut r = p.last + 1;
    let note = if pending.is_empty() {
        ALL_SIGNED.fill(lang, &[("progress", &grid.progress)])
    } else {
        PENDING.fill(lang, &[("progress", &grid.progress)])
    };
    ws.merge_range(r, 0, r, p.last_col(), &note, &book.st.note)?;
    ws.set_row_height(r, LINE_HEIGHT * 2.0)?;
    r += 1;
    for row in &pending {
        ws.write_string_with_format(r, 0, &stage_label, &book.st.boxed)?;
        ws.write_string_with_format(r, 1, &row.department, &book.st.boxed)?;
        for c in 2..=p.last_col() {
            ws.write_blank(r, c, &book.st.boxed)?;
        }
        ws.set_row_height(r, SIGN_ROW)?;
        r += 1;
    }
    let last_row = r.saturating_sub(1).max(p.last);
    ws.set_print_area(0, 0, last_row, p.last_col())?;
    // One page: portrait unless the columns need the width.
    ws.set_print_fit_to_pages(1, 1);
    if p.widths.iter().sum::<f64>() > 100.0 {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_gridlines(false);
    ws.set_print_center_horizontally(true);
    Ok(ws)
}

/// Height of a row to sign in, in points.
const SIGN_ROW: f64 = 36.0;
const SIGN_BOX: L10n = L10n::new("亲笔签字", "親筆簽字", "Signature");

// ---------------------------------------------------------------------------------------------
// Meeting agenda / minutes

fn minutes(book: &mut Book, v: &MinutesView) -> anyhow::Result<()> {
    let lang = book.lang;
    let sheet = if v.is_minutes { data_sheet("meeting", lang) } else { data_sheet("meeting_agenda", lang) };
    let mut f = Form::new(book.sheet(&sheet)?, 7);
    f.title(&book.st, &book.title, &project_line(book.meta, " · "))?;
    // Basic information; the meeting time is written as start and end date-times.
    for row in &v.info {
        if row.key == "start" {
            let (start, end) = split_span(&row.value);
            f.field(&book.st, &row.label, start)?;
            if end != V::Empty {
                f.field(&book.st, &format::label("meeting", "end", lang), end)?;
            }
        } else {
            form_rows(&mut f, &book.st, "meeting", std::slice::from_ref(row))?;
        }
    }
    if !v.attendees.is_empty() {
        f.gap();
        f.caption(&book.st, &v.labels.attendees)?;
        let cols = ["name", "department", "role"].iter().map(|k| field_column("attendee", k, lang)).collect();
        let mut t = Table::new(cols);
        for a in &v.attendees {
            t.push(vec![V::text(&a.name), V::text(&a.department), V::text(&a.role)], 0);
        }
        sub_table(book, &mut f, &t)?;
    }
    if !v.agenda.is_empty() {
        f.gap();
        f.caption(&book.st, &v.labels.agenda)?;
        let cols = ["topic", "goal", "minutes", "owner"].iter().map(|k| field_column("agenda_item", k, lang)).collect();
        let mut t = Table::new(cols);
        for a in &v.agenda {
            // Numbers with their unit, as the PDF and HTML minutes show them (`15 分钟`).
            let minutes = a.minutes_value.map_or_else(|| V::text(&a.minutes), |m| V::Unit(m, MINUTES.get(lang)));
            t.push(vec![V::text(&a.topic), V::text(&a.goal), minutes, V::text(&a.owner)], 0);
        }
        sub_table(book, &mut f, &t)?;
        if !v.agenda_total.is_empty() {
            // After a blank row, which ends the sub-table for the reader.
            f.gap();
            f.ws.write_string_with_format(f.row, 0, &v.agenda_total, &book.st.note)?;
            f.row += 1;
        }
    }
    if let Some(md) = &v.summary_html {
        f.gap();
        f.field(&book.st, &v.labels.summary, V::text(&md.text()))?;
    }
    if !v.decisions.is_empty() {
        f.gap();
        f.list(&book.st, &v.labels.decisions, &v.decisions)?;
    }
    if !v.actions.is_empty() {
        f.gap();
        f.caption(&book.st, &v.labels.actions)?;
        let keys = ["id", "description", "owner", "due", "standard", "priority", "status"];
        let cols = keys.iter().map(|k| field_column("action", k, lang)).collect();
        let mut t = Table::new(cols);
        for a in &v.actions {
            t.push(
                vec![
                    V::text(&a.id),
                    V::text(&a.description),
                    V::text(&a.owner),
                    V::when(&a.due),
                    V::text(&a.standard),
                    V::text(&a.priority),
                    V::text(a.status.as_ref().map_or("", |b| b.label.as_str())),
                ],
                0,
            );
        }
        let p = sub_table(book, &mut f, &t)?;
        // Open past the due date (against the documents' "today").
        if let (Some(due), Some(s)) = (p.cell("due"), p.cell("status")) {
            let done =
                field_enum("action", "status").map_or_else(|| "done".to_string(), |e| enum_label(e, "done", lang));
            let rule = format!("=AND({due}<>\"\",{due}<{},{s}<>{})", date_formula(book.as_of), quoted(&done));
            highlight(&mut f.ws, &p, rule, BAD)?;
        }
        f.gap();
        f.ws.write_string_with_format(f.row, 0, &v.actions_note, &book.st.note)?;
        f.row += 1;
    }
    if !v.next_meeting.is_empty() {
        f.gap();
        f.field(&book.st, &v.labels.next_meeting, V::when(&v.next_meeting))?;
    }
    // The host's confirmation: one line the reader does not take for a field.
    f.gap();
    f.gap();
    let h = &v.host;
    let line = if h.signed {
        let decision = h.decision.as_ref().map_or("", |b| b.label.as_str());
        format!("{}{}{} · {} · {}", v.labels.host_signoff, book.meta.ui.colon, h.name, decision, h.date)
    } else {
        HOST_LINE.fill(lang, &[("label", &v.labels.host_signoff), ("name", &h.name)])
    };
    f.ws.merge_range(f.row, 0, f.row, f.span - 1, &line, &book.st.boxed)?;
    f.ws.set_row_height(f.row, 30)?;
    f.row += 1;
    finish_form(&mut f)?;
    book.sheets.push(f.ws);
    Ok(())
}

/// `2023-09-15 14:00–16:00` or `A – B` back into start and end.
fn split_span(s: &str) -> (V, V) {
    let s = s.trim();
    if let Some((a, b)) = s.split_once(" – ") {
        return (V::when(a), V::when(b));
    }
    if let Some((a, b)) = s.split_once('–') {
        let start = V::when(a);
        if let V::DateTime(dt) = start
            && let Ok(t) = chrono::NaiveTime::parse_from_str(b.trim(), "%H:%M")
        {
            return (start, V::DateTime(dt.date().and_time(t)));
        }
        return (V::text(s), V::Empty);
    }
    (V::when(s), V::Empty)
}

// ---------------------------------------------------------------------------------------------
// Acceptance and retrospective report

fn retrospective(book: &mut Book, v: &RetroView) -> anyhow::Result<()> {
    let lang = book.lang;
    let mut f = Form::new(book.sheet(&data_sheet("retrospective", lang))?, 5);
    f.title(&book.st, &book.title, &project_line(book.meta, " · "))?;
    form_rows(&mut f, &book.st, "retrospective", &v.info)?;
    let mut metric_rows: Option<(u32, u32)> = None;
    if !v.metrics.is_empty() {
        f.gap();
        f.caption(&book.st, &v.labels.metrics)?;
        // Quantities as numbers, the unit beside them (rows may differ in unit).
        let cols = vec![
            field_column("metric", "name", lang),
            column("unit", UNIT.get(lang), Ty::Text),
            field_column("metric", "target", lang),
            field_column("metric", "actual", lang),
            Column { ty: Ty::Pct1, ..field_column("metric", "achievement", lang) },
        ];
        let mut t = Table::new(cols);
        for m in &v.metrics {
            let (target, actual) =
                (crate::ingest::values::parse_quantity(&m.target), crate::ingest::values::parse_quantity(&m.actual));
            let unit = target.as_ref().or(actual.as_ref()).map(|q| q.unit.clone()).unwrap_or_default();
            let num = |q: Option<crate::model::Quantity>, text: &str| match q {
                Some(q) => V::Num(q.value, if q.value.fract() == 0.0 { "#,##0" } else { "#,##0.00" }),
                None => V::text(text),
            };
            t.push(
                vec![
                    V::text(&m.name),
                    V::text(&unit),
                    num(target, &m.target),
                    num(actual, &m.actual),
                    m.achievement.map_or(V::Empty, |a| V::Pct(a / 100.0, 1)),
                ],
                0,
            );
        }
        let p = sub_table(book, &mut f, &t)?;
        metric_rows = Some((p.first, p.last));
    }
    if !v.deliverables.is_empty() {
        f.gap();
        f.list(&book.st, &v.labels.deliverables, &v.deliverables)?;
    }
    if let Some(q) = &v.quality {
        f.gap();
        f.field(&book.st, &v.labels.quality, V::text(&q.label))?;
        if !v.quality_comment.is_empty() {
            let label = format::label("retrospective", "quality_comment", lang);
            f.field(&book.st, &label, V::text(&v.quality_comment))?;
        }
    }
    for (label, items) in [
        (&v.labels.highlights, &v.highlights),
        (&v.labels.problems, &v.problems),
        (&v.labels.improvements, &v.improvements),
    ] {
        if !items.is_empty() {
            f.gap();
            f.list(&book.st, label, items)?;
        }
    }
    finish_form(&mut f)?;
    let form_name = sheet_name(&data_sheet("retrospective", lang));

    // Overview: achievement chart and sign-off progress.
    let mut ov = book.sheet(OVERVIEW.get(lang))?;
    let mut r = book.title_block(&mut ov)?;
    let mut cards = Vec::new();
    if let Some(q) = &v.quality {
        cards.push(Kpi {
            key: "quality",
            label: v.labels.quality.clone(),
            value: q.label.clone(),
            tone: q.tone,
            note: v.quality_comment.clone(),
        });
    }
    cards.push(Kpi {
        key: "signed",
        label: v.grid.caption.clone(),
        value: format!("{} / {}", v.grid.signed, v.grid.expected),
        tone: if v.grid.signed == v.grid.expected { "ok" } else { "warn" },
        note: v.grid.progress.clone(),
    });
    r = book.kpis(&mut ov, r, &cards)?;
    if let Some((first, last)) = metric_rows
        && last >= first
    {
        let mut chart = Chart::new(ChartType::Bar);
        let mut points = Vec::new();
        for m in &v.metrics {
            let mut fill = ChartSolidFill::new();
            fill.set_color(Color::RGB(bar_color(m.tone)));
            let mut cf = ChartFormat::new();
            cf.set_solid_fill(&fill);
            points.push(ChartPoint::new().set_format(&mut cf));
        }
        chart
            .add_series()
            .set_name(v.labels.achievement.as_str())
            .set_categories((form_name.as_str(), first, 0, last, 0))
            .set_values((form_name.as_str(), first, 4, last, 4))
            .set_points(&points);
        chart.title().set_name(&v.labels.chart);
        chart.legend().set_hidden();
        chart.y_axis().set_reverse();
        chart.x_axis().set_min(0.0).set_num_format("0%");
        chart.set_width(620).set_height((100 + 40 * v.metrics.len() as u32).min(900));
        ov.insert_chart(r, 0, &chart)?;
    }
    let w = cards.iter().map(|k| display_width(&k.label)).fold(12.0, f64::max);
    ov.set_column_width(0, (w + 2.0).min(40.0))?;
    ov.set_column_width(1, 14)?;
    ov.set_column_width(2, 30)?;
    book.sheets.push(ov);
    book.sheets.push(f.ws);
    let grid = sign_sheet(book, &v.grid, "acceptance")?;
    book.sheets.push(grid);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Portfolio summary

const NO: L10n = L10n::new("序号", "序號", "No.");
// Not 问题: that word names a task's problem column, and the sheet must not read as tasks.
const PROBLEMS: L10n = L10n::new("检查结果", "檢查結果", "Check results");
const PROJECTS_SHEET: L10n = L10n::new("项目", "專案", "Projects");
const DEPARTMENTS_SHEET: L10n = L10n::new("部门", "部門", "Departments");

fn portfolio(book: &mut Book, v: &SummaryView) -> anyhow::Result<()> {
    let lang = book.lang;
    let c = &v.columns;
    // A row number first: a sheet starting 编号 | 项目名称 | 状态 would read as a requirement form.
    let cols = vec![
        column("n", NO.get(lang), Ty::Int),
        column("id", &c.id, Ty::Text),
        column("name", &c.name, Ty::Text),
        Column { list: field_enum("requirement", "status"), ..column("status", &c.status, Ty::Text) },
        column("tasks_done", &c.tasks, Ty::Int),
        column("tasks_total", &c.task_count, Ty::Int),
        column("on_time", &c.on_time, Ty::Pct1),
        column("overdue", &c.overdue, Ty::Int),
        column("blocked", &c.blocked, Ty::Int),
        column("open_high_risks", &c.open_high_risks, Ty::Int),
        column("actions", &c.actions, Ty::Pct1),
        column("problems", PROBLEMS.get(lang), Ty::Text),
    ];
    let mut t = Table::new(cols);
    let rate = |r: &crate::report::RateView| r.ratio.map_or(V::Empty, |x| V::Pct(x, 1));
    for (i, r) in v.rows.iter().enumerate() {
        // A project not built: no figures, its counts and first errors instead.
        let mut problems = vec![r.counts.clone()];
        problems
            .extend(r.problems.iter().map(|p| format!("{}[{}] {} — {}", p.severity, p.code, p.message, p.location)));
        let problems = V::text(problems.join("\n").trim());
        let n = |x: u32| if r.built { V::Int(i64::from(x)) } else { V::Empty };
        t.push(
            vec![
                V::Int(i as i64 + 1),
                V::text(&r.id),
                V::text(&r.name),
                V::text(r.status.as_ref().map_or("", |b| b.label.as_str())),
                n(r.tasks_done),
                n(r.tasks_total),
                rate(&r.on_time),
                n(r.overdue),
                n(r.blocked),
                n(r.open_high_risks),
                rate(&r.actions),
                problems,
            ],
            0,
        );
    }
    let mut projects = book.sheet(PROJECTS_SHEET.get(lang))?;
    let p = book.table(&mut projects, 0, 0, &t, false)?;
    book.furnish(&mut projects, &p, 3)?;
    // The view's tone: overdue tasks or open high risks are bad, on-time under 80 % a warning.
    if let (Some(o), Some(h), Some(ot), Some(st)) =
        (p.cell("overdue"), p.cell("open_high_risks"), p.cell("on_time"), p.cell("status"))
    {
        // Projects not built are flagged too (their status says so; they have no figures).
        let not_built = v.rows.iter().find(|r| !r.built).and_then(|r| r.status.as_ref()).map_or("", |b| &b.label);
        highlight(&mut projects, &p, format!("=OR({o}>0,{h}>0,{st}={})", quoted(not_built)), BAD)?;
        highlight(&mut projects, &p, format!("=AND(ISNUMBER({ot}),{ot}<0.8)"), WARN)?;
    }

    let cols = vec![
        column("rank", &c.rank, Ty::Int),
        column("department", &c.department, Ty::Text),
        column("tasks", &c.task_count, Ty::Int),
        column("done", &c.done, Ty::Int),
        column("on_time", &c.on_time, Ty::Pct1),
        column("overdue", &c.overdue, Ty::Int),
    ];
    let mut t = Table::new(cols);
    for d in &v.departments {
        t.push(
            vec![
                V::Int(d.rank as i64),
                V::text(&d.department),
                V::Int(i64::from(d.tasks)),
                V::Int(i64::from(d.done)),
                rate(&d.on_time),
                V::Int(i64::from(d.overdue)),
            ],
            0,
        );
    }
    let dept_name = sheet_name(DEPARTMENTS_SHEET.get(lang));
    let mut depts = book.sheet(&dept_name)?;
    let dp = book.table(&mut depts, 0, 0, &t, false)?;
    book.furnish(&mut depts, &dp, 2)?;
    if let Some(o) = dp.cell("overdue") {
        highlight(&mut depts, &dp, format!("={o}>0"), BAD)?;
    }

    let mut ov = book.sheet(OVERVIEW.get(lang))?;
    let mut r = book.title_block(&mut ov)?;
    r = book.kpis(&mut ov, r, &v.cards)?;
    ov.write_string_with_format(r, 0, &v.departments_caption, &book.st.caption)?;
    ov.write_string_with_format(r + 1, 0, &v.departments_note, &book.st.subtitle)?;
    let shown = v.departments.len().min(15) as u32;
    if shown > 0 {
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_name((dept_name.as_str(), 0, 5))
            .set_categories((dept_name.as_str(), 1, 1, shown, 1))
            .set_values((dept_name.as_str(), 1, 5, shown, 5))
            .set_format(
                ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(bar_color("bad")))),
            );
        chart
            .add_series()
            .set_name((dept_name.as_str(), 0, 2))
            .set_categories((dept_name.as_str(), 1, 1, shown, 1))
            .set_values((dept_name.as_str(), 1, 2, shown, 2))
            .set_format(
                ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(bar_color("info")))),
            );
        chart.title().set_name(&v.departments_caption);
        chart.y_axis().set_reverse();
        chart.set_width(640).set_height((120 + 36 * shown).min(900));
        ov.insert_chart(r + 2, 0, &chart)?;
    }
    let w = v.cards.iter().map(|k| display_width(&k.label)).fold(12.0, f64::max);
    ov.set_column_width(0, (w + 2.0).min(40.0))?;
    ov.set_column_width(1, 14)?;
    ov.set_column_width(2, 18)?;
    book.sheets.push(ov);
    book.sheets.push(projects);
    book.sheets.push(depts);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::ingest::Ctx;
    use crate::model::{Project, Record, Value};
    use crate::project::{self, ProjectInput};
    use crate::report::fixtures::{ctx, day, seed_project};
    use crate::report::{self, project_summary, summary};

    /// Every document of `p` written to `dir` as `<stem>.xlsx`.
    fn write_all(p: &Project, c: &Ctx, dir: &Path) -> Vec<PathBuf> {
        let r = XlsxRenderer::new();
        let meta = DocMeta::new(p, c);
        report::documents(p, c)
            .iter()
            .map(|d| {
                let bytes = r.render(d, &meta).unwrap_or_else(|e| panic!("{}: {e:#}", d.stem));
                let path = dir.join(format!("{}.xlsx", d.stem));
                std::fs::write(&path, bytes).expect("write");
                path
            })
            .collect()
    }

    fn load(files: Vec<PathBuf>, c: &Ctx) -> (Project, Vec<crate::diag::Diagnostic>) {
        let mut diags = Vec::new();
        let input = ProjectInput::new("out".into(), files);
        let p = project::load(&input, c, &mut diags);
        (p, diags)
    }

    /// Every field of `want` reads back with the same value; nothing else but computed fields.
    fn same_record(want: &Record, got: &Record) {
        let id = want.id().unwrap_or(want.kind);
        for (k, f) in &want.fields {
            match (&f.value, got.get(k)) {
                (Value::Records(w), Some(Value::Records(g))) => same_records(&w.iter().collect::<Vec<_>>(), g),
                (w, g) => assert_eq!(g, Some(w), "{} {id}: field {k}", want.kind),
            }
        }
        let computed = |k: &str| schema::kind(got.kind).and_then(|d| d.field(k)).is_some_and(|f| f.computed);
        for k in got.fields.keys() {
            assert!(want.fields.contains_key(k) || computed(k), "{} {id}: unexpected field {k}", want.kind);
        }
    }

    fn same_records(want: &[&Record], got: &[Record]) {
        assert_eq!(
            want.len(),
            got.len(),
            "{:?} vs {:?}",
            want.iter().map(|r| r.id()).collect::<Vec<_>>(),
            got.iter().map(|r| r.id()).collect::<Vec<_>>()
        );
        for (w, g) in want.iter().zip(got) {
            same_record(w, g);
        }
    }

    /// The action tracker workbook reads back as the action register, meetings included.
    #[test]
    fn the_action_tracker_reads_back_as_the_action_register() {
        use crate::report::fixtures::{code, date, party, rec, text};
        for lang in [Lang::ZhCn, Lang::En] {
            let c = ctx(lang);
            let action = |id: &str, meeting: Option<&str>, status: &'static str| {
                let mut b = rec("action")
                    .f("id", text(id))
                    .f("description", text("确认预热视频脚本"))
                    .f("owner", party("市场部/李娜"))
                    .f("due", date("2024-08-05"))
                    .f("standard", text("脚本终稿"))
                    .f("status", code(status));
                if let Some(m) = meeting {
                    b = b.f("meeting", text(m));
                }
                b.build()
            };
            let p = Project {
                source: "x".into(),
                actions: vec![action("A1", Some("2024-08-01"), "done"), action("A2", None, "in_progress")],
                ..Project::default()
            };
            let dir = tempfile::tempdir().expect("tempdir");
            let (back, diags) = load(write_all(&p, &c, dir.path()), &c);
            assert!(diags.iter().all(|d| d.severity == crate::diag::Severity::Info), "{diags:#?}");
            // Grouped by meeting on paper; one register on the sheet.
            same_records(&p.actions.iter().collect::<Vec<_>>(), &back.actions);
        }
    }

    /// SPEC §4: a workbook dossier wrote reads back into the same records, in every language.
    #[test]
    fn plan_risks_and_signoff_workbooks_read_back_into_the_same_records() {
        for lang in [Lang::ZhCn, Lang::ZhTw, Lang::En] {
            let c = ctx(lang);
            let seed = seed_project();
            let dir = tempfile::tempdir().expect("tempdir");
            let files = write_all(&seed, &c, dir.path());
            let pick = |stem: &str| {
                files.iter().filter(|f| f.file_stem().is_some_and(|s| s == stem)).cloned().collect::<Vec<_>>()
            };
            let (back, diags) = load([pick("plan"), pick("risks"), pick("signoff")].concat(), &c);
            let loud: Vec<_> = diags.iter().filter(|d| d.severity != crate::diag::Severity::Info).collect();
            assert!(loud.is_empty(), "{lang:?}: {loud:#?}");
            same_records(&seed.tasks.iter().collect::<Vec<_>>(), &back.tasks);
            same_records(&seed.risks.iter().collect::<Vec<_>>(), &back.risks);
            let reviews: Vec<&Record> =
                seed.signoffs.iter().filter(|s| s.code("stage") == Some("requirement_review")).collect();
            same_records(&reviews, &back.signoffs);
            same_record(
                seed.requirement.as_ref().expect("seed requirement"),
                back.requirement.as_ref().expect("requirement read back"),
            );
            // Only the overview sheet (no PMO form) and the columns computed by dossier are noted.
            for d in &diags {
                assert!(matches!(d.code, "sheet-skipped" | "extra"), "{lang:?}: {d:?}");
            }
        }
    }

    #[test]
    fn minutes_and_retrospective_workbooks_read_back_as_forms() {
        let c = ctx(Lang::ZhCn);
        let seed = seed_project();
        let dir = tempfile::tempdir().expect("tempdir");
        let files = write_all(&seed, &c, dir.path());
        let pick = |stem: &str| {
            files
                .iter()
                .filter(|f| f.file_stem().is_some_and(|s| s.to_string_lossy().starts_with(stem)))
                .cloned()
                .collect::<Vec<_>>()
        };
        let (back, diags) = load([pick("minutes"), pick("retrospective")].concat(), &c);
        let loud: Vec<_> = diags.iter().filter(|d| d.severity != crate::diag::Severity::Info).collect();
        assert!(loud.is_empty(), "{loud:#?}");
        same_record(&seed.meetings[0], &back.meetings[0]);
        let acceptance: Vec<&Record> = seed.signoffs.iter().filter(|s| s.code("stage") == Some("acceptance")).collect();
        same_records(&acceptance, &back.signoffs);
        let (want, got) = (seed.retrospective.as_ref().expect("seed"), back.retrospective.as_ref().expect("read back"));
        for k in want.fields.keys().filter(|k| **k != "metrics") {
            // A list item that holds a separator (`高效,信息同步`) reads back as two, as it
            // would from any cell.
            let want = match want.get(k) {
                Some(Value::List(items)) => {
                    Some(Value::List(items.iter().flat_map(|i| crate::ingest::values::split_list(i)).collect()))
                }
                other => other.cloned(),
            };
            assert_eq!(got.get(k), want.as_ref(), "retrospective {k}");
        }
        // Metrics come back as numbers; the unit sits in its own column.
        let m = got.records("metrics");
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].text("name"), Some("销售额"));
        assert_eq!(
            (m[0].quantity("target").map(|q| q.value), m[0].quantity("actual").map(|q| q.value)),
            (Some(5e6), Some(5.2e6))
        );
    }

    #[test]
    fn the_same_input_gives_the_same_bytes_and_no_wall_clock() {
        let c = ctx(Lang::ZhCn);
        let p = seed_project();
        let meta = DocMeta::new(&p, &c);
        let r = XlsxRenderer::new();
        let docs = report::documents(&p, &c);
        let s = summary(&[project_summary(&p, &c)], &c);
        let batch = DocMeta::batch(&c);
        let all = || {
            let mut out: Vec<Vec<u8>> = docs.iter().map(|d| r.render(d, &meta).expect("render")).collect();
            out.push(r.render_summary(&s, &batch).expect("summary"));
            out
        };
        let first = all();
        // Across a second boundary: a wall-clock stamp would show.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert!(first == all(), "two renders differ");
        let mut epoch_meta = meta.clone();
        epoch_meta.stamp = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("in range").naive_utc();
        let stamped = r.render(&docs[1], &epoch_meta).expect("render");
        assert!(first[1] != stamped, "SOURCE_DATE_EPOCH is stamped");
        // The creation date is the as-of date, or SOURCE_DATE_EPOCH (2023-11-14T22:13:20Z).
        let as_of = excel_date(day("2024-08-10")).map(|d| d.to_excel());
        assert_eq!(Some(r.created(&meta).to_excel()), as_of);
        let epoch = r.created(&epoch_meta).to_excel();
        let want = excel_datetime(day("2023-11-14").and_hms_opt(22, 13, 20).expect("time")).expect("date").to_excel();
        assert!((epoch - want).abs() < 1e-9);
    }

    #[test]
    fn hostile_values_are_written_as_text_and_dates_at_the_calendar_ends_survive() {
        let c = ctx(Lang::ZhCn);
        let p = hostile_project();
        let dir = tempfile::tempdir().expect("tempdir");
        let files = write_all(&p, &c, dir.path());
        let plan = files.iter().filter(|f| f.ends_with("plan.xlsx")).cloned().collect();
        let (back, diags) = load(plan, &c);
        assert!(diags.iter().all(|d| d.severity == crate::diag::Severity::Info), "{diags:#?}");
        let t = back.tasks.iter().find(|t| t.id() == Some("9.9.9.9")).expect("task 9.9.9.9");
        // A name that looks like a formula stays text.
        assert_eq!(t.text("name"), Some("=SUM(A1:A2)"));
        assert_eq!(
            (t.date("planned_start"), t.date("planned_end")),
            (Some(day("1900-01-01")), Some(day("9999-12-31")))
        );
        let long = back.tasks.iter().find(|t| t.id() == Some("10")).expect("task 10");
        assert_eq!(long.text("name").map(|n| n.chars().count()), Some(2400));
        // Control characters have no place in a cell; the text around them stays.
        assert_eq!(long.text("problem"), Some("abc"));
    }

    #[test]
    fn sheet_names_read_back_as_their_kind_and_the_overview_as_none() {
        let schema = crate::schema::Schema::default();
        for lang in [Lang::ZhCn, Lang::ZhTw, Lang::En] {
            for kind in ["task", "risk", "signoff", "requirement", "meeting", "retrospective"] {
                let name = data_sheet(kind, lang);
                assert_eq!(schema.kind_for_sheet(&name).map(|k| k.key), Some(kind), "{lang:?} {name}");
            }
            assert_eq!(schema.kind_for_sheet(&data_sheet("meeting_agenda", lang)).map(|k| k.key), Some("meeting"));
            for other in [OVERVIEW.get(lang), LISTS, PROJECTS_SHEET.get(lang), DEPARTMENTS_SHEET.get(lang)] {
                assert!(schema.kind_for_sheet(other).is_none(), "{other} must not name a kind");
            }
        }
    }

    #[test]
    fn wide_characters_count_double_in_column_widths() {
        assert_eq!(display_width("任务ID"), 6.0);
        assert_eq!(display_width("Ｐ0，"), 5.0);
        let mut t = Table::new(vec![column("name", "子任务名称", Ty::Text), column("id", "ID", Ty::Text)]);
        t.push(vec![V::text("宣传物料制作"), V::text("2.1")], 0);
        t.push(vec![V::text(&"很长".repeat(50)), V::text("x")], 2);
        let w = widths(&t);
        assert_eq!(w[0], MAX_WIDTH, "long text is capped and wraps");
        assert_eq!(w[1], MIN_WIDTH);
        t.rows.pop();
        t.indents.pop();
        assert_eq!(widths(&t)[0], 14.0, "12 columns of text + padding");
        assert_eq!(lines_in("很长".repeat(30).as_str(), 31.0), 4);
        assert_eq!(shorten("活动方案设计与执行", 10.0), "活动方案…");
    }

    #[test]
    fn meeting_spans_split_into_start_and_end() {
        let at = |s: &str| V::DateTime(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("dt"));
        assert_eq!(split_span("2023-09-15 14:00–16:00"), (at("2023-09-15 14:00"), at("2023-09-15 16:00")));
        assert_eq!(split_span("2023-09-15 14:00 – 2023-09-16 09:00"), (at("2023-09-15 14:00"), at("2023-09-16 09:00")));
        assert_eq!(split_span("2023-09-15 14:00"), (at("2023-09-15 14:00"), V::Empty));
        assert_eq!(split_span("下周一"), (V::text("下周一"), V::Empty));
    }

    /// `dossier check` on an output folder must not take the summary for a form.
    #[test]
    fn the_summary_workbook_reads_as_no_records() {
        for lang in [Lang::ZhCn, Lang::ZhTw, Lang::En] {
            let c = ctx(lang);
            let p = seed_project();
            let s = summary(&[project_summary(&p, &c)], &c);
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("summary.xlsx");
            std::fs::write(&path, XlsxRenderer::new().render_summary(&s, &DocMeta::batch(&c)).expect("summary"))
                .expect("write");
            let read = crate::ingest::read_file(&path, &path.display().to_string().into(), &c);
            assert!(
                read.records.is_empty(),
                "{lang:?}: {:?}",
                read.records.iter().map(|r| r.kind.key).collect::<Vec<_>>()
            );
            // Nothing read is said once, as the no-records error; nothing else is an error.
            let errors: Vec<&str> =
                read.diags.iter().filter(|d| d.severity != crate::diag::Severity::Info).map(|d| d.code).collect();
            assert_eq!(errors, ["no-records"], "{:#?}", read.diags);
        }
    }

    #[test]
    fn sparse_projects_and_empty_batches_render() {
        use crate::report::fixtures::{rec, text};
        let c = ctx(Lang::En);
        let r = XlsxRenderer::new();
        let bare = Project {
            source: "in/x".into(),
            tasks: vec![rec("task").f("id", text("1")).build()],
            risks: vec![rec("risk").f("id", text("1")).build()],
            meetings: vec![rec("meeting").build()],
            retrospective: Some(rec("retrospective").build()),
            requirement: Some(rec("requirement").build()),
            signoffs: Vec::new(),
            actions: Vec::new(),
        };
        let meta = DocMeta::new(&bare, &c);
        for d in report::documents(&bare, &c) {
            let bytes = r.render(&d, &meta).unwrap_or_else(|e| panic!("{}: {e:#}", d.stem));
            assert!(bytes.starts_with(b"PK"), "{}", d.stem);
        }
        let empty = summary(&[], &c);
        assert!(r.render_summary(&empty, &DocMeta::batch(&c)).expect("summary").starts_with(b"PK"));
    }

    /// Time per workbook: `cargo test --release --lib render::xlsx::tests::speed -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a check"]
    fn speed() {
        let c = ctx(Lang::ZhCn);
        let p = seed_project();
        let meta = DocMeta::new(&p, &c);
        let docs = report::documents(&p, &c);
        let r = XlsxRenderer::new();
        let rounds = 200;
        let t0 = std::time::Instant::now();
        let mut bytes = 0;
        for _ in 0..rounds {
            for d in &docs {
                bytes += r.render(d, &meta).expect("render").len();
            }
        }
        let per = t0.elapsed().as_secs_f64() * 1000.0 / (rounds * docs.len()) as f64;
        eprintln!("{per:.2} ms per workbook, {} bytes on average", bytes / (rounds * docs.len()));
        for d in &docs {
            let t0 = std::time::Instant::now();
            for _ in 0..rounds {
                r.render(d, &meta).expect("render");
            }
            eprintln!("  {}: {:.2} ms", d.stem, t0.elapsed().as_secs_f64() * 1000.0 / rounds as f64);
        }
    }

    /// Workbooks of every kind, in every language, plus a batch summary, written to `dir`.
    fn write_samples(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for lang in [Lang::ZhCn, Lang::ZhTw, Lang::En] {
            let c = ctx(lang);
            let sub = dir.join(lang.code());
            std::fs::create_dir_all(&sub).expect("mkdir");
            let p = seed_project();
            files.extend(write_all(&p, &c, &sub));
            let s = summary(&[project_summary(&p, &c), project_summary(&hostile_project(), &c)], &c);
            let bytes = XlsxRenderer::new().render_summary(&s, &DocMeta::batch(&c)).expect("summary");
            let path = sub.join("summary.xlsx");
            std::fs::write(&path, bytes).expect("write");
            files.push(path);
        }
        let hostile = dir.join("hostile");
        std::fs::create_dir_all(&hostile).expect("mkdir");
        files.extend(write_all(&hostile_project(), &ctx(Lang::ZhCn), &hostile));
        files
    }

    /// Names with `&` and quotes, formula-like text, long text, a control character, dates at
    /// the ends of the calendar, a deep hierarchy.
    fn hostile_project() -> Project {
        use crate::report::fixtures::{rec, text};
        let mut p = seed_project();
        if let Some(r) = p.requirement.as_mut() {
            r.fields.get_mut("title").expect("title").value = Value::Text("R&D \"新品\" <推广> &P &N".into());
        }
        let long = "很长的描述,".repeat(400);
        p.tasks.push(crate::report::fixtures::task(
            "9.9.9.9",
            "=SUM(A1:A2)",
            "技术部*",
            "1900-01-01",
            "9999-12-31",
            None,
            "blocked",
        ));
        let mut t =
            crate::report::fixtures::task("10", &long, "市场部*", "2024-07-01", "2024-07-02", None, "in_progress");
        t.fields.insert(
            "problem",
            crate::model::Field { value: text("a\u{1}b\u{7}c"), raw: String::new(), loc: t.loc.clone() },
        );
        p.tasks.push(t);
        p.risks.push(rec("risk").f("id", text("'004")).f("description", text(&long)).build());
        p
    }

    /// The checks with real clients (issue 4): every workbook opens in openpyxl with its
    /// furniture in place, and LibreOffice converts it to PDF. Skipped, with a note, where
    /// `python3 -c "import openpyxl"` or `soffice` is missing.
    #[test]
    fn workbooks_open_in_openpyxl_and_convert_with_libreoffice() {
        let keep = std::env::var_os("DOSSIER_XLSX_OUT").map(PathBuf::from);
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
        let files = write_samples(&dir);
        let has_openpyxl = std::process::Command::new("python3")
            .args(["-c", "import openpyxl"])
            .output()
            .is_ok_and(|o| o.status.success());
        if has_openpyxl {
            let out = std::process::Command::new("python3")
                .arg("-c")
                .arg(OPENPYXL_CHECK)
                .args(&files)
                .output()
                .expect("python3 runs");
            assert!(out.status.success(), "openpyxl: {}", String::from_utf8_lossy(&out.stderr));
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
            let plan = &report[dir.join("zh-CN/plan.xlsx").display().to_string()];
            let data = &plan["sheets"]["任务分工与进度跟踪表"];
            assert_eq!(data["freeze"], "C2");
            assert_eq!(data["filter"], "A1:J5");
            assert_eq!(data["orientation"], "landscape");
            assert_eq!(data["paper"], 9);
            assert_eq!((&data["fit"], &data["fit_width"], &data["fit_height"]), (&true.into(), &1.into(), &0.into()));
            assert_eq!(data["title_rows"], "$1:$1");
            assert_eq!(data["A1"], "任务ID");
            // Dates are dates, progress a percentage, delays numbers.
            assert_eq!(data["dates"], serde_json::json!(["yyyy-mm-dd"]));
            let lists = data["validations"].as_array().expect("validations");
            assert!(lists.iter().any(|v| v.as_str().is_some_and(|f| f.starts_with("Lists!"))), "{lists:?}");
            assert!(data["conditional"].as_u64().is_some_and(|n| n >= 3), "{data}");
            assert_eq!(plan["sheets"]["Lists"]["state"], "veryHidden");
            assert_eq!(plan["creator"], "dossier");
            assert_eq!(plan["created"], "2024-08-10T00:00:00");
            assert_eq!(plan["title"], "任务分工与进度报告");
            let projects = &report[dir.join("zh-CN/summary.xlsx").display().to_string()]["sheets"]["项目"];
            assert_eq!(
                projects["row2"],
                serde_json::json!([
                    "0", "General", "General", "General", "0", "0", "0.0%", "0", "0", "0", "0.0%", "General"
                ])
            );
            let retro = &report[dir.join("zh-CN/retrospective.xlsx").display().to_string()];
            assert_eq!(retro["sheets"]["签字确认"]["A1"], "阶段");
            assert_eq!(retro["sheets"]["成果验收与复盘表"]["dates"], serde_json::json!(["yyyy-mm-dd"]));
            let en = &report[dir.join("en/risks.xlsx").display().to_string()]["sheets"]["Risks and issues"];
            assert!(en["validations"].as_array().expect("list").iter().any(|v| v == "\"High,Medium,Low\""), "{en}");
        } else {
            eprintln!("note: python3 has no openpyxl (pip install openpyxl); openpyxl check skipped");
        }
        let soffice = ["soffice", "libreoffice"]
            .into_iter()
            .find(|b| std::process::Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()));
        let Some(soffice) = soffice else {
            eprintln!("note: LibreOffice is not installed; PDF conversion check skipped");
            return;
        };
        let profile = tmp.path().join("lo-profile");
        // One output folder per input folder: the stems repeat across languages.
        let mut folders: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
        folders.dedup();
        for folder in folders {
            let batch: Vec<&PathBuf> = files.iter().filter(|f| f.parent() == Some(folder)).collect();
            let pdf = folder.join("pdf");
            let out = std::process::Command::new(soffice)
                .arg(format!("-env:UserInstallation=file://{}", profile.display()))
                .args(["--headless", "--convert-to", "pdf", "--outdir"])
                .arg(&pdf)
                .args(&batch)
                .output()
                .expect("soffice runs");
            assert!(out.status.success(), "soffice: {}", String::from_utf8_lossy(&out.stderr));
            for f in batch {
                let converted = pdf.join(f.with_extension("pdf").file_name().expect("name"));
                let size = std::fs::metadata(&converted).map(|m| m.len()).unwrap_or(0);
                assert!(size > 1000, "{} did not convert to PDF", f.display());
            }
        }
    }

    /// Prints, per workbook, what a spreadsheet user would see of dossier's furniture.
    const OPENPYXL_CHECK: &str = r#"
import json, sys, openpyxl
out = {}
for path in sys.argv[1:]:
    wb = openpyxl.load_workbook(path)
    sheets = {}
    for ws in wb.worksheets:
        dates = sorted({c.number_format for row in ws.iter_rows() for c in row if getattr(c, "is_date", False)})
        sheets[ws.title] = {
            "state": ws.sheet_state,
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "orientation": ws.page_setup.orientation,
            "paper": int(ws.page_setup.paperSize) if ws.page_setup.paperSize else None,
            "fit": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
            "fit_width": ws.page_setup.fitToWidth or 1,
            "fit_height": ws.page_setup.fitToHeight,
            "title_rows": ws.print_title_rows,
            "validations": [d.formula1 for d in ws.data_validations.dataValidation],
            "conditional": sum(len(r.rules) for r in ws.conditional_formatting),
            "dates": dates,
            "A1": ws["A1"].value,
            "row2": [c.number_format for c in ws[2]] if ws.max_row >= 2 else [],
        }
    p = wb.properties
    out[path] = {"sheets": sheets, "creator": p.creator, "title": p.title,
                 "created": p.created.isoformat() if p.created else None}
print(json.dumps(out, ensure_ascii=False, default=str))
"#;
}
