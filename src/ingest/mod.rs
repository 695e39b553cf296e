//! Reading inputs: workbooks and Markdown files become raw records (cells with their
//! locations), which [`values`] then types against the schema.

pub mod csv;
pub mod grid;
pub mod guard;
pub mod ideographs;
pub mod isolate;
pub mod markdown;
pub mod sheet;
pub mod values;
pub mod workbook;

use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::diag::Diagnostic;
use crate::mapping::Mapping;
use crate::model::{Lang, Location};
use crate::schema::{KindDef, Schema};

/// Settings every stage reads: language, "today", the schema with the team's mapping.
#[derive(Debug)]
pub struct Ctx {
    pub lang: Lang,
    /// "Today" for date rules and documents (`--as-of`).
    pub as_of: NaiveDate,
    pub schema: Schema,
    /// The instant stamped into files' metadata: `SOURCE_DATE_EPOCH` when the run has one
    /// ([`Ctx::with_stamp`]), else `as_of` at 00:00 — never the wall clock.
    pub stamp: NaiveDateTime,
    /// The team's mapping (`--map`, overlaid by a project folder's own): rules for named
    /// sheets; its aliases are in `schema`.
    pub mapping: Arc<Mapping>,
}

impl Ctx {
    pub fn new(lang: Lang, as_of: NaiveDate, schema: Schema) -> Ctx {
        Ctx { lang, as_of, schema, stamp: as_of.and_time(NaiveTime::MIN), mapping: Arc::default() }
    }

    /// This context reading with `mapping` (its aliases and sheet rules).
    pub fn with_mapping(mut self, mapping: Arc<Mapping>) -> Ctx {
        self.schema = schema_of(&mapping);
        self.mapping = mapping;
        self
    }

    /// The context for a project folder with its own mapping, which wins over this one's.
    pub fn for_project(&self, local: &Mapping) -> Ctx {
        let mapping = Arc::new(self.mapping.overlaid(local));
        Ctx { lang: self.lang, as_of: self.as_of, schema: schema_of(&mapping), stamp: self.stamp, mapping }
    }

    /// Stamps files with `epoch` (from [`source_date_epoch`]) instead of the as-of date.
    pub fn with_stamp(mut self, epoch: Option<NaiveDateTime>) -> Ctx {
        if let Some(at) = epoch {
            self.stamp = at;
        }
        self
    }
}

fn schema_of(mapping: &Mapping) -> Schema {
    Schema::with_aliases(mapping.aliases.iter().map(|a| (a.kind, a.header.as_str(), a.field)))
}

/// `SOURCE_DATE_EPOCH` (reproducible builds) as a UTC date-time, when set; an error names a
/// value that is not a number of seconds in range.
pub fn source_date_epoch() -> Result<Option<NaiveDateTime>, String> {
    let Ok(v) = std::env::var("SOURCE_DATE_EPOCH") else { return Ok(None) };
    let secs: i64 = v.trim().parse().map_err(|_| format!("SOURCE_DATE_EPOCH=`{v}` is not a number of seconds"))?;
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|dt| Some(dt.naive_utc()))
        .ok_or_else(|| format!("SOURCE_DATE_EPOCH=`{v}` is out of range"))
}

/// A value as found in the input, before typing.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number; `percent` when the cell's number format is a percentage (then 0.8 means 80 %).
    Number {
        value: f64,
        percent: bool,
    },
    /// A real date or date-time (Excel date cell, ODS date, YAML timestamp); `time` is false
    /// when the cell carries a date only.
    DateTime {
        value: NaiveDateTime,
        time: bool,
    },
    Bool(bool),
    /// An error cell (`#N/A`, `#DIV/0!`) or a formula without a cached value.
    Error(String),
    /// A YAML sequence of scalars.
    List(Vec<Cell>),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            Cell::List(v) => v.iter().all(Cell::is_empty),
            _ => false,
        }
    }

    /// The value as the user would read it, for diagnostics (`value` in JSON).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number { value, percent: true } => format!("{}%", trim_float(value * 100.0)),
            Cell::Number { value, .. } => trim_float(*value),
            Cell::DateTime { value, time: false } => crate::model::iso_date(value.date()),
            Cell::DateTime { value, .. } => crate::model::iso_minute(*value),
            Cell::Bool(b) => b.to_string(),
            Cell::Error(e) => e.clone(),
            Cell::List(v) => v.iter().map(Cell::display).collect::<Vec<_>>().join("、"),
        }
    }
}

/// `3.0` → `3`, `0.25` → `0.25`, without float noise.
pub fn trim_float(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{:.6}", v);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// One field of a raw record: which field, the cell, where, and the header or label it came under.
#[derive(Clone, Debug, PartialEq)]
pub struct RawField {
    pub key: &'static str,
    pub cell: Cell,
    pub loc: Location,
}

/// A record as read, before typing.
#[derive(Clone, Debug)]
pub struct RawRecord {
    pub kind: &'static KindDef,
    /// Where the record starts: its row's first cell, or its front matter line.
    pub loc: Location,
    pub fields: Vec<RawField>,
    /// Sub-table rows by the parent's field key (`attendees`, `actions`, `metrics`, …).
    pub subs: Vec<(&'static str, Vec<RawRecord>)>,
    /// Columns or keys that matched no field: (header as written, value as text).
    pub extra: Vec<(String, String)>,
    /// A requirement read from a row of a requirements register: a project of its own.
    pub register: bool,
}

impl RawRecord {
    pub fn new(kind: &'static KindDef, loc: Location) -> RawRecord {
        RawRecord { kind, loc, fields: Vec::new(), subs: Vec::new(), extra: Vec::new(), register: false }
    }
}

/// What reading one file gave: its records (all kinds, in file order) and its diagnostics.
#[derive(Debug, Default)]
pub struct FileRead {
    pub records: Vec<RawRecord>,
    pub diags: Vec<Diagnostic>,
}

impl FileRead {
    /// A file that could not be read at all: its one diagnostic.
    pub fn failed(d: Diagnostic) -> FileRead {
        FileRead { records: Vec::new(), diags: vec![d] }
    }
}

/// Input files dossier reads, by extension.
pub fn is_input(path: &Path) -> bool {
    is_workbook(path) || is_markdown(path) || is_csv(path)
}

/// CSV and TSV exports; a `.txt` file only when it is a table (Excel's "Unicode text":
/// UTF-16 with a BOM, or lines split by tabs), not notes or expected output beside the data.
pub fn is_csv(path: &Path) -> bool {
    match ext(path).as_str() {
        "csv" | "tsv" => true,
        "txt" => csv::is_tab_table(path),
        _ => false,
    }
}

pub fn is_workbook(path: &Path) -> bool {
    matches!(ext(path).as_str(), "xlsx" | "xlsm" | "xls" | "ods" | "xlsb")
}

pub fn is_markdown(path: &Path) -> bool {
    matches!(ext(path).as_str(), "md" | "markdown")
}

fn ext(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

thread_local! {
    static READING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keeps panics inside a reader off the terminal: [`read_file`] turns them into a `file`
/// diagnostic (calamine can panic on malformed workbooks). Other panics print as usual.
pub fn install_quiet_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !READING.with(|r| r.get()) {
            default(info);
        }
    }));
}

/// Reads one input file. Never panics: a broken file gives one file-level diagnostic.
pub fn read_file(path: &Path, display: &Arc<str>, ctx: &Ctx) -> FileRead {
    let read = quietly(|| {
        if is_markdown(path) {
            markdown::read(path, display, ctx)
        } else if is_csv(path) {
            csv::read(path, display, ctx)
        } else {
            workbook::read(path, display, ctx)
        }
    });
    read.unwrap_or_else(|| {
        let mut read = FileRead::default();
        read.diags.push(file_error(ctx.lang, display, DAMAGED.get(ctx.lang)).hint(RESAVE.get(ctx.lang)));
        read
    })
}

/// Runs a reader; `None` when it panicked (a reader's panic is a damaged file, and its
/// message, internal to the reader, is not the user's business).
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    let was = READING.with(|r| r.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    READING.with(|r| r.set(was));
    result.ok()
}

const DAMAGED: crate::model::L10n = crate::model::L10n::new(
    "文件已损坏，读取器无法读取它",
    "檔案已損毀，讀取器無法讀取它",
    "the file is damaged and the reader could not read it",
);
const RESAVE: crate::model::L10n = crate::model::L10n::new(
    "用 Excel 或 LibreOffice 打开它并另存为新的 .xlsx，或重新复制该文件",
    "用 Excel 或 LibreOffice 開啟它並另存為新的 .xlsx，或重新複製該檔案",
    "open it in Excel or LibreOffice and save it as a new .xlsx, or copy the file again",
);

/// The one diagnostic for a file that cannot be read at all.
pub fn file_error(lang: Lang, display: &Arc<str>, problem: &str) -> Diagnostic {
    let msg = crate::model::L10n::new(
        "无法读取文件：{problem}",
        "無法讀取檔案：{problem}",
        "cannot read the file: {problem}",
    );
    let hint = crate::model::L10n::new(
        "请确认文件是未加密、完整的 Excel 工作簿（.xlsx/.xls/.ods）或 Markdown 文件，然后重试",
        "請確認檔案是未加密、完整的 Excel 活頁簿（.xlsx/.xls/.ods）或 Markdown 檔案，然後重試",
        "check that it is an unencrypted, complete workbook (.xlsx/.xls/.ods) or a Markdown file, then try again",
    );
    Diagnostic::error("file", Location::file(display), msg.fill(lang, &[("problem", problem)])).hint(hint.get(lang))
}
