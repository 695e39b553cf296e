//! The standard input workbook: one sheet per kind, laid out the way the workbook reader reads
//! best, every label, column, help text and drop-down taken from the catalogue. `init` writes
//! it around one example record per kind; `convert` fills it with a project's records.
//!
//! - Tables (tasks, risks, sign-offs): the header row on row 1 (labels in the language, help
//!   in a note on each header), one record per row, kept extra columns after the catalogue's.
//! - Forms (requirement, each meeting, retrospective): `label | value | instructions` rows,
//!   then each sub-table (milestones, attendees, agenda, actions, metrics) under a title row.
//! - Real dates, % numbers and whole numbers; enumerations as labels with drop-downs fed by
//!   a very hidden `Lists` sheet (which the reader skips); date, percent and number
//!   validation; labels, headers and help locked, input cells unlocked (sheet protection
//!   without a password, so nobody overwrites a header by accident).

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, Note, ProtectionOptions, Workbook, Worksheet, XlsxError,
    utility::column_number_to_name,
};

use super::encode;
use crate::model::{L10n, Lang, Project, Record, Value};
use crate::schema::{self, ENUMS, EnumDef, FieldDef, KINDS, KindDef, Shape, Type};

/// How the workbook is written.
#[derive(Clone, Debug)]
pub struct Options {
    pub lang: Lang,
    /// Empty, unlocked rows left under each form's sub-tables for more rows.
    pub spare_rows: u32,
    /// Creation date in the document properties (never the wall clock: same input, same bytes).
    pub created: NaiveDate,
}

/// Rows below the last record of a table that carry drop-downs and validation.
const VALIDATED_ROWS: u32 = 1000;
/// Columns left unlocked to the right of a sheet's own, for a team's extra columns.
const FREE_COLUMNS: u16 = 12;
/// The very hidden sheet holding the drop-down lists.
const LISTS: &str = "Lists";
const MAX_WIDTH: f64 = 60.0;

pub(crate) const FORM_HEADER: [L10n; 3] = [
    L10n::new("字段名称", "欄位名稱", "Field"),
    L10n::new("内容", "內容", "Value"),
    // An instructions column the form reader skips (SPEC §2 Forms).
    L10n::new("填写说明", "填寫說明", "Instructions"),
];
const REQUIRED: L10n = L10n::new("必填", "必填", "required");
const ALLOWED: L10n = L10n::new("可选值", "可選值", "one of");
const HINT_DATE: L10n = L10n::new("日期，如 2024-07-15", "日期，如 2024-07-15", "a date, e.g. 2024-07-15");
const HINT_DATETIME: L10n =
    L10n::new("日期时间，如 2024-07-15 14:00", "日期時間，如 2024-07-15 14:00", "date and time, e.g. 2024-07-15 14:00");
const HINT_INT: L10n = L10n::new("整数，如 30", "整數，如 30", "a whole number, e.g. 30");
const HINT_PERCENT: L10n = L10n::new("百分比 0–100%，如 80%", "百分比 0–100%，如 80%", "a percentage 0–100%, e.g. 80%");
const HINT_QUANTITY: L10n =
    L10n::new("数值加单位，如 500万元", "數值加單位，如 500萬元", "number and unit, e.g. 5000000 USD");
const HINT_PARTY: L10n =
    L10n::new("部门/姓名，如 市场部/张三", "部門/姓名，如 市場部/張三", "department / name, e.g. Marketing / Li Na");
const HINT_LIST: L10n = L10n::new(
    "多项用、分隔或每行一项",
    "多項用、分隔或每行一項",
    "several items: one per line, or separated by commas",
);
const INVALID_TITLE: L10n = L10n::new("请检查输入", "請檢查輸入", "Please check");
const INVALID_ENUM: L10n =
    L10n::new("请从下拉列表中选择：{values}", "請從下拉清單中選擇：{values}", "choose from the list: {values}");
const INVALID_DATE: L10n =
    L10n::new("请输入日期，如 2024-07-15", "請輸入日期，如 2024-07-15", "enter a date, e.g. 2024-07-15");
const INVALID_PERCENT: L10n = L10n::new(
    "请输入 0% 到 100% 之间的百分比",
    "請輸入 0% 到 100% 之間的百分比",
    "enter a percentage between 0% and 100%",
);
const INVALID_INT: L10n =
    L10n::new("请输入不小于 0 的整数", "請輸入不小於 0 的整數", "enter a whole number, 0 or more");
const TITLE: L10n = L10n::new("dossier 项目表单", "dossier 專案表單", "dossier project forms");

/// Fields a person fills in (not computed, not sub-tables), in catalogue order.
pub fn input_fields(kind: &'static KindDef) -> impl Iterator<Item = &'static FieldDef> {
    kind.fields.iter().filter(|f| !f.computed && !matches!(f.ty, Type::Sub(_)))
}

/// Sub-table fields of a form, with their sub-kind.
pub fn sub_fields(kind: &'static KindDef) -> impl Iterator<Item = (&'static FieldDef, &'static KindDef)> {
    kind.fields.iter().filter_map(|f| match f.ty {
        Type::Sub(s) => schema::kind(s).map(|k| (f, k)),
        _ => None,
    })
}

/// The kinds with a sheet of their own, in catalogue order.
pub fn top_kinds() -> impl Iterator<Item = &'static KindDef> {
    KINDS.iter().filter(|k| k.collection.is_some())
}

/// The help shown for a field: the seed's 填写说明, else what its type expects, plus the
/// allowed labels of an enumeration.
pub fn help(f: &FieldDef, lang: Lang) -> String {
    let own = f.help.get(lang);
    let by_type = match f.ty {
        Type::Date => HINT_DATE.get(lang),
        Type::DateTime => HINT_DATETIME.get(lang),
        Type::Int => HINT_INT.get(lang),
        Type::Percent => HINT_PERCENT.get(lang),
        Type::Quantity => HINT_QUANTITY.get(lang),
        Type::Party | Type::Parties => HINT_PARTY.get(lang),
        Type::List => HINT_LIST.get(lang),
        _ => "",
    };
    let mut text = if own.is_empty() { by_type.to_string() } else { own.to_string() };
    if let Type::Enum(e) = f.ty
        && own.is_empty()
    {
        text = format!("{}: {}", ALLOWED.get(lang), labels(e, lang).join(" / "));
    }
    if f.required {
        let sep = if lang == Lang::En { "; " } else { "；" };
        text =
            if text.is_empty() { REQUIRED.get(lang).to_string() } else { format!("{}{sep}{text}", REQUIRED.get(lang)) };
    }
    text
}

fn labels(e: &EnumDef, lang: Lang) -> Vec<String> {
    e.values.iter().map(|v| encode::enum_label(e, v.code, lang)).collect()
}

/// Writes the standard workbook of `project`: a sheet for every table kind (empty ones keep
/// their header row), one per form record present.
pub fn workbook(project: &Project, opts: &Options) -> Result<Vec<u8>, XlsxError> {
    let mut book = Book::new(opts);
    for kind in top_kinds() {
        match kind.shape {
            Shape::Table => {
                let records = records_of(project, kind);
                book.table_sheet(kind, records)?;
            }
            Shape::Form => {
                let records = records_of(project, kind);
                let many = records.len() > 1;
                for r in records {
                    let id = if many { r.id() } else { None };
                    book.form_sheet(kind, r, id)?;
                }
            }
        }
    }
    book.finish()
}

/// The records of one top-level kind.
pub fn records_of<'a>(project: &'a Project, kind: &KindDef) -> &'a [Record] {
    match kind.key {
        "requirement" => project.requirement.as_slice(),
        "task" => &project.tasks,
        "risk" => &project.risks,
        "meeting" => &project.meetings,
        "retrospective" => project.retrospective.as_slice(),
        "signoff" => &project.signoffs,
        "action" => &project.actions,
        _ => &[],
    }
}

/// Cell formats, built once.
struct Styles {
    header: Format,
    header_required: Format,
    label: Format,
    label_required: Format,
    title: Format,
    help: Format,
    text: Format,
    date: Format,
    datetime: Format,
    percent: Format,
    percent_fraction: Format,
    int: Format,
    unlocked: Format,
}

impl Styles {
    fn new() -> Styles {
        let border = Color::RGB(0xBFBFBF);
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border(FormatBorder::Thin)
            .set_border_color(border)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        let input = Format::new().set_unlocked().set_align(FormatAlign::Top);
        Styles {
            header_required: header.clone().set_background_color(Color::RGB(0xFCE4D6)),
            header,
            label: Format::new().set_bold().set_align(FormatAlign::Top),
            label_required: Format::new().set_bold().set_font_color(Color::RGB(0xC00000)).set_align(FormatAlign::Top),
            title: Format::new().set_bold().set_font_size(12).set_align(FormatAlign::Top),
            help: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x7F7F7F))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            text: input.clone().set_text_wrap(),
            date: input.clone().set_num_format("yyyy-mm-dd"),
            datetime: input.clone().set_num_format("yyyy-mm-dd hh:mm"),
            percent: input.clone().set_num_format("0%"),
            percent_fraction: input.clone().set_num_format("0.00%"),
            int: input.clone().set_num_format("0"),
            unlocked: input,
        }
    }
}

struct Book {
    lang: Lang,
    spare_rows: u32,
    created: NaiveDate,
    st: Styles,
    sheets: Vec<Worksheet>,
    names: BTreeSet<String>,
}

/// One sheet being written: the worksheet and the widest text seen per column.
struct Sheet {
    ws: Worksheet,
    widths: HashMap<u16, f64>,
}

impl Sheet {
    fn new(name: &str) -> Result<Sheet, XlsxError> {
        let mut ws = Worksheet::new();
        ws.set_name(name)?;
        Ok(Sheet { ws, widths: HashMap::new() })
    }

    fn seen(&mut self, c: u16, width: f64) {
        let w = self.widths.entry(c).or_insert(0.0);
        *w = w.max(width);
    }

    fn string(&mut self, r: u32, c: u16, s: &str, fmt: &Format) -> Result<(), XlsxError> {
        self.ws.write_string_with_format(r, c, s, fmt)?;
        self.seen(c, text_width(s));
        Ok(())
    }

    /// Column widths that fit the text seen (wide characters count double), capped; the
    /// longest texts wrap.
    fn fit(&mut self, min: &[f64]) -> Result<(), XlsxError> {
        let mut cols: Vec<(u16, f64)> = self.widths.iter().map(|(c, w)| (*c, *w)).collect();
        cols.sort_by_key(|(c, _)| *c);
        for (c, w) in cols {
            let floor = min.get(c as usize).copied().unwrap_or(8.0);
            self.ws.set_column_width(c, (w + 2.0).clamp(floor, MAX_WIDTH))?;
        }
        Ok(())
    }
}

/// Width of the longest line in character columns: East Asian wide characters take two.
pub(crate) fn text_width(s: &str) -> f64 {
    s.lines().map(|l| l.chars().map(|c| if is_wide(c) { 2.0 } else { 1.0 }).sum::<f64>()).fold(0.0, f64::max)
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD)
}

fn excel_datetime(at: NaiveDateTime) -> Option<ExcelDateTime> {
    let year = u16::try_from(at.year()).ok().filter(|y| (1900..=9999).contains(y))?;
    let date = ExcelDateTime::from_ymd(year, at.month() as u8, at.day() as u8).ok()?;
    date.and_hms(at.hour() as u16, at.minute() as u8, at.second()).ok()
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok().filter(|y| (1900..=9999).contains(y))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn clean_sheet_name(name: &str) -> String {
    let s: String = name.chars().map(|c| if "[]:*?/\\".contains(c) || c.is_control() { '-' } else { c }).collect();
    s.trim().trim_matches('\'').trim().to_string()
}

impl Book {
    fn new(opts: &Options) -> Book {
        Book {
            lang: opts.lang,
            spare_rows: opts.spare_rows,
            created: opts.created,
            st: Styles::new(),
            sheets: Vec::new(),
            names: BTreeSet::new(),
        }
    }

    /// A unique sheet name starting with the kind's label (the reader finds the kind by it),
    /// followed by `suffix` (a meeting's id) cut to fit.
    fn sheet_name(&mut self, kind: &KindDef, suffix: Option<&str>) -> String {
        let label = kind.label.get(self.lang);
        let base = match suffix.map(clean_sheet_name).filter(|s| !s.is_empty()) {
            Some(s) => {
                let room = 31usize.saturating_sub(label.chars().count() + 1).max(1);
                format!("{label} {}", s.chars().take(room).collect::<String>())
            }
            None => label.to_string(),
        };
        let base = clean_sheet_name(&base.chars().take(31).collect::<String>());
        let mut name = base.clone();
        let mut n = 2;
        while self.names.contains(&name.to_lowercase()) {
            let tag = format!(" ({n})");
            name = format!("{}{tag}", base.chars().take(31 - tag.len()).collect::<String>());
            n += 1;
        }
        self.names.insert(name.to_lowercase());
        name
    }

    /// The drop-down of an enumeration: its labels in the `Lists` sheet's column.
    fn validation_for(&self, f: &FieldDef) -> Result<DataValidation, XlsxError> {
        let lang = self.lang;
        let dv = match f.ty {
            Type::Enum(e) => {
                let col = ENUMS.iter().position(|x| x.name == e.name).unwrap_or(0);
                let letter = column_number_to_name(col as u16);
                let values = labels(e, lang);
                let formula = format!("={LISTS}!${letter}$1:${letter}${}", values.len());
                let msg = INVALID_ENUM.fill(lang, &[("values", &values.join(" / "))]);
                DataValidation::new().allow_list_formula(Formula::new(formula)).set_error_message(cap(&msg, 250))?
            }
            Type::Date | Type::DateTime => {
                let (lo, hi) = (ExcelDateTime::from_ymd(1950, 1, 1)?, ExcelDateTime::from_ymd(2200, 12, 31)?);
                DataValidation::new()
                    .allow_date(DataValidationRule::Between(lo, hi))
                    .set_error_message(INVALID_DATE.get(lang))?
            }
            Type::Percent => DataValidation::new()
                .allow_decimal_number(DataValidationRule::Between(0.0, 1.0))
                .set_error_message(INVALID_PERCENT.get(lang))?,
            Type::Int => DataValidation::new()
                .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
                .set_error_message(INVALID_INT.get(lang))?,
            _ => DataValidation::new().allow_any_value(),
        };
        let mut dv = dv
            .ignore_blank(true)
            // A warning, not a stop: the reader also accepts aliases (完成, H) and text dates.
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title(cap(INVALID_TITLE.get(lang), 30))?;
        let help = help(f, lang);
        if !help.is_empty() {
            dv = dv.set_input_title(cap(f.label.get(lang), 30))?.set_input_message(cap(&help, 250))?;
        }
        Ok(dv)
    }

    /// Writes a typed value; enumerations as their label, dates as dates, percentages as
    /// % numbers, everything else as the text the reader parses back to the same value.
    fn put(&self, sh: &mut Sheet, r: u32, c: u16, f: &FieldDef, v: &Value) -> Result<(), XlsxError> {
        let st = &self.st;
        match v {
            Value::Date(d) => match excel_date(*d) {
                Some(x) => {
                    sh.ws.write_datetime_with_format(r, c, &x, &st.date)?;
                    sh.seen(c, 10.0);
                }
                None => sh.string(r, c, &encode::date(*d), &st.text)?,
            },
            Value::DateTime(dt) => match excel_datetime(*dt) {
                Some(x) => {
                    sh.ws.write_datetime_with_format(r, c, &x, &st.datetime)?;
                    sh.seen(c, 16.0);
                }
                None => sh.string(r, c, &encode::datetime(*dt), &st.text)?,
            },
            Value::Int(n) => {
                sh.ws.write_number_with_format(r, c, *n as f64, &st.int)?;
                sh.seen(c, n.to_string().len() as f64);
            }
            Value::Percent(p) if round6(p / 100.0 * 100.0) == *p => {
                let fmt = if p.fract() == 0.0 { &st.percent } else { &st.percent_fraction };
                sh.ws.write_number_with_format(r, c, p / 100.0, fmt)?;
                sh.seen(c, 7.0);
            }
            other => {
                let text = text_of(f, other, self.lang);
                sh.string(r, c, &text, &st.text)?;
            }
        }
        Ok(())
    }

    fn table_sheet(&mut self, kind: &'static KindDef, records: &[Record]) -> Result<(), XlsxError> {
        let lang = self.lang;
        let name = self.sheet_name(kind, None);
        let mut sh = Sheet::new(&name)?;
        let fields: Vec<&'static FieldDef> = input_fields(kind).collect();
        let extras = extra_headers(records);
        let ncols = (fields.len() + extras.len()) as u16;
        self.unlock_columns(&mut sh, ncols)?;
        for (c, f) in fields.iter().enumerate() {
            let fmt = if f.required { &self.st.header_required } else { &self.st.header };
            sh.string(0, c as u16, f.label.get(lang), fmt)?;
            let note = help(f, lang);
            if !note.is_empty() {
                sh.ws.insert_note(0, c as u16, &Note::new(note).add_author_prefix(false).set_width(260))?;
            }
        }
        for (i, h) in extras.iter().enumerate() {
            sh.string(0, (fields.len() + i) as u16, h, &self.st.header)?;
        }
        for (i, rec) in records.iter().enumerate() {
            self.row(&mut sh, 1 + i as u32, &fields, &extras, rec)?;
        }
        let last = records.len() as u32 + VALIDATED_ROWS;
        for (c, f) in fields.iter().enumerate() {
            sh.ws.add_data_validation(1, c as u16, last, c as u16, &self.validation_for(f)?)?;
        }
        sh.ws.set_freeze_panes(1, 0)?;
        sh.ws.autofilter(0, 0, records.len().max(1) as u32, ncols.saturating_sub(1))?;
        sh.ws.set_row_height(0, 30)?;
        sh.fit(&[])?;
        self.protect(&mut sh);
        self.sheets.push(sh.ws);
        Ok(())
    }

    /// One record as a row under a header of `fields` then `extras`.
    fn row(
        &self,
        sh: &mut Sheet,
        r: u32,
        fields: &[&'static FieldDef],
        extras: &[String],
        rec: &Record,
    ) -> Result<(), XlsxError> {
        for (c, f) in fields.iter().enumerate() {
            if let Some(v) = rec.get(f.key) {
                self.put(sh, r, c as u16, f, v)?;
            }
        }
        for (i, h) in extras.iter().enumerate() {
            if let Some(v) = rec.extra.get(h) {
                sh.string(r, (fields.len() + i) as u16, v, &self.st.text)?;
            }
        }
        Ok(())
    }

    fn form_sheet(&mut self, kind: &'static KindDef, rec: &Record, suffix: Option<&str>) -> Result<(), XlsxError> {
        let lang = self.lang;
        let name = self.sheet_name(kind, suffix);
        let mut sh = Sheet::new(&name)?;
        let widest_sub = sub_fields(kind)
            .map(|(_, sk)| {
                let extras = extra_headers(rec.records(sk.key));
                input_fields(sk).count() + extras.len()
            })
            .max()
            .unwrap_or(0);
        self.unlock_columns(&mut sh, widest_sub.max(3) as u16)?;
        for (c, h) in FORM_HEADER.iter().enumerate() {
            sh.string(0, c as u16, h.get(lang), &self.st.header)?;
        }
        let mut r = 1;
        for f in input_fields(kind) {
            let fmt = if f.required { &self.st.label_required } else { &self.st.label };
            sh.string(r, 0, f.label.get(lang), fmt)?;
            if let Some(v) = rec.get(f.key) {
                self.put(&mut sh, r, 1, f, v)?;
            }
            sh.ws.add_data_validation(r, 1, r, 1, &self.validation_for(f)?)?;
            sh.string(r, 2, &help(f, lang), &self.st.help)?;
            r += 1;
        }
        // Kept values the catalogue has no field for: written as label rows, so a person
        // sees them (the form reader keeps only repeated labels of known fields).
        for (h, v) in &rec.extra {
            sh.string(r, 0, h, &self.st.label)?;
            sh.string(r, 1, v, &self.st.text)?;
            r += 1;
        }
        for (f, sk) in sub_fields(kind) {
            r += 1;
            let fmt = if f.required { &self.st.label_required } else { &self.st.title };
            sh.string(r, 0, f.label.get(lang), fmt)?;
            sh.string(r, 2, &help(f, lang), &self.st.help)?;
            r += 1;
            let fields: Vec<&'static FieldDef> = input_fields(sk).collect();
            let rows = rec.records(f.key);
            let extras = extra_headers(rows);
            for (c, g) in fields.iter().enumerate() {
                let fmt = if g.required { &self.st.header_required } else { &self.st.header };
                sh.string(r, c as u16, g.label.get(lang), fmt)?;
            }
            for (i, h) in extras.iter().enumerate() {
                sh.string(r, (fields.len() + i) as u16, h, &self.st.header)?;
            }
            let first = r + 1;
            for (i, sub) in rows.iter().enumerate() {
                self.row(&mut sh, first + i as u32, &fields, &extras, sub)?;
            }
            let last = first + rows.len() as u32 + self.spare_rows.max(1) - 1;
            for (c, g) in fields.iter().enumerate() {
                sh.ws.add_data_validation(first, c as u16, last, c as u16, &self.validation_for(g)?)?;
            }
            r = last + 1;
        }
        sh.fit(&[14.0, 40.0, 30.0])?;
        self.protect(&mut sh);
        self.sheets.push(sh.ws);
        Ok(())
    }

    /// Input cells are unlocked column by column; labels, headers and help carry locked formats.
    fn unlock_columns(&self, sh: &mut Sheet, ncols: u16) -> Result<(), XlsxError> {
        for c in 0..ncols + FREE_COLUMNS {
            sh.ws.set_column_format(c, &self.st.unlocked)?;
        }
        Ok(())
    }

    /// Protection without a password: headers and labels cannot be typed over by accident,
    /// while rows can be added, sorted, filtered and formatted.
    fn protect(&self, sh: &mut Sheet) {
        let options = ProtectionOptions {
            format_cells: true,
            format_columns: true,
            format_rows: true,
            insert_columns: true,
            insert_rows: true,
            delete_rows: true,
            sort: true,
            use_autofilter: true,
            ..ProtectionOptions::default()
        };
        sh.ws.protect_with_options(&options);
    }

    fn finish(self) -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let created = excel_date(self.created).unwrap_or(ExcelDateTime::from_ymd(2000, 1, 1)?);
        let props =
            DocProperties::new().set_title(TITLE.get(self.lang)).set_author("dossier").set_creation_datetime(&created);
        wb.set_properties(&props);
        for ws in self.sheets {
            wb.push_worksheet(ws);
        }
        let mut lists = Worksheet::new();
        lists.set_name(LISTS)?;
        for (c, e) in ENUMS.iter().enumerate() {
            for (r, label) in labels(e, self.lang).iter().enumerate() {
                lists.write_string(r as u32, c as u16, label)?;
            }
        }
        // Very hidden: out of the way of people, and skipped by dossier's reader.
        lists.set_very_hidden(true);
        wb.push_worksheet(lists);
        wb.save_to_buffer()
    }
}

/// Text a value is written as (lists, parties, quantities, enumeration labels …).
pub fn text_of(f: &FieldDef, v: &Value, lang: Lang) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::List(items) => encode::list(items),
        Value::Date(d) => encode::date(*d),
        Value::DateTime(dt) => encode::datetime(*dt),
        Value::Int(n) => n.to_string(),
        Value::Percent(p) => encode::percent(*p),
        Value::Quantity(q) => encode::quantity(q, lang),
        Value::Party(p) => encode::party(p),
        Value::Parties(ps) => encode::parties(ps),
        Value::Enum(code) => match f.ty {
            Type::Enum(e) => encode::enum_label(e, code, lang),
            _ => code.to_string(),
        },
        Value::Records(_) => String::new(),
    }
}

/// Headers of the extra columns of `records`, in the order they first appear.
pub fn extra_headers(records: &[Record]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in records {
        for h in r.extra.keys() {
            if !out.contains(h) {
                out.push(h.clone());
            }
        }
    }
    out
}

fn cap(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
