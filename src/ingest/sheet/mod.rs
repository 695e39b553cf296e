//! Reading one sheet's grid: what it holds ([`plan`]), then its rows as a table ([`table`]) or
//! its labels as a form ([`form`]).

mod form;
mod plan;
mod table;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::grid::{Cut, GCell, Grid, MAX_COLS, MAX_FILE_CELLS, MAX_FILE_TEXT, MAX_ROWS, MAX_VISITS};
use crate::diag::Diagnostic;
use crate::ingest::values::is_placeholder;
use crate::ingest::{Cell, Ctx, FileRead, RawField, RawRecord, file_error};
use crate::mapping::{SheetKind, SheetRule};
use crate::model::{L10n, Lang, Location, cell_name};
use crate::schema::{self, FieldDef, KINDS, KindDef, Shape, Type, normalize};

/// Non-blank rows searched for a header row.
const HEADER_SCAN: usize = 30;
/// Non-blank rows searched for form labels when deciding what a sheet holds.
const FORM_SCAN: usize = 80;
/// Longest text (in bytes) tried as a header or label: labels are short, descriptions are not.
const MAX_LABEL_BYTES: usize = 90;

/// A sheet that no kind claimed but that holds a table, and the kind it resembles most.
#[derive(Clone, Debug)]
pub struct Resemblance {
    pub sheet: String,
    pub kind: &'static KindDef,
    /// Every header cell of its header row, with its location.
    pub headers: Vec<(Location, String)>,
    /// How many headers name a field of `kind` already.
    pub matched: usize,
}

/// What a sheet no kind claimed resembles (for `dossier map suggest`); None when it claims a
/// kind or holds no table.
pub(crate) fn resemblance(grid: &Grid, name: &str, display: &Arc<str>, ctx: &Ctx) -> Option<Resemblance> {
    let matcher = Matcher::new(ctx);
    let rule = ctx.mapping.rule(display, name).map(|r| &**r);
    let sh = SheetReader { ctx, m: &matcher, display, name: Arc::from(name), grid, rule };
    match sh.plan() {
        Err(Skip::Nothing) => sh.resemblance(),
        _ => None,
    }
}

/// Reads the sheets of one file, in order: each loaded grid (or why it could not be loaded)
/// is planned and read. `unreadable` makes the file's one error when no sheet could be
/// loaded at all.
pub(crate) fn read_sheets(
    sheets: impl Iterator<Item = (String, Result<Grid, String>)>,
    display: &Arc<str>,
    ctx: &Ctx,
    unreadable: impl FnOnce(String) -> Diagnostic,
) -> FileRead {
    let mut out = FileRead::default();
    let matcher = Matcher::new(ctx);
    let mut skipped: Vec<Diagnostic> = Vec::new();
    let mut skipped_names: Vec<String> = Vec::new();
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut matched = 0usize;
    let mut mapped_skips = 0usize;
    for (name, grid) in sheets {
        let grid = match grid {
            Ok(grid) => grid,
            Err(detail) => {
                failures.push((name, detail));
                continue;
            }
        };
        if grid.rows.is_empty() {
            continue;
        }
        let rule = ctx.mapping.rule(display, &name).map(|r| &**r);
        let sh = SheetReader { ctx, m: &matcher, display, name: Arc::from(name.as_str()), grid: &grid, rule };
        match sh.plan() {
            Ok(plan) => {
                matched += 1;
                let first = out.records.len();
                match plan {
                    Plan::Table(kind, header) => sh.read_table(kind, &header, &mut out),
                    Plan::Form(kind) => sh.read_form(kind, &mut out),
                    Plan::Columns(kind, header) => sh.read_columns(kind, &header, &mut out),
                }
                if let Some(rule) = rule {
                    apply_rule(rule, &mut out.records[first..]);
                }
                if let Some(cut) = grid.truncated {
                    out.diags.push(sh.truncated(cut));
                }
            }
            // The team said so: nothing to report.
            Err(Skip::Mapped) => mapped_skips += 1,
            Err(skip) => {
                // The file's budget ran out in this sheet: that may be why it matched nothing.
                if let Some(cut @ Cut::Budget(_)) = grid.truncated {
                    out.diags.push(sh.truncated(cut));
                }
                skipped_names.push(name);
                skipped.push(sh.skipped(skip));
            }
        }
    }
    if let Some((sheet, detail)) = failures.first() {
        // A sheet whose reader panicked has no detail: the file is damaged, named by sheet,
        // without the reader's internal message.
        let lang = ctx.lang;
        let mut d = if matched == 0 && skipped_names.is_empty() && !detail.is_empty() {
            unreadable(detail.clone())
        } else {
            let names: Vec<String> = failures.iter().map(|(n, _)| n.clone()).collect();
            let problem = MSG_SHEETS_UNREADABLE.fill(lang, &[("sheets", &join_names(lang, &names))]);
            let mut d = file_error(lang, display, &problem).hint(HINT_RESAVE.get(lang));
            d.loc.sheet = Some(Arc::from(sheet.as_str()));
            d
        };
        if d.value.is_none() && !detail.is_empty() {
            d = d.value(detail.clone());
        }
        out.diags.push(d);
    }
    if out.records.is_empty() && failures.is_empty() && !(mapped_skips > 0 && skipped_names.is_empty() && matched == 0)
    {
        // Nothing read at all is never a silent outcome: say so, sheet by sheet, and how to
        // map them.
        out.diags.push(no_records(display, ctx.lang, &skipped_names, matched));
        out.diags.extend(skipped);
    } else if matched > 0 {
        out.diags.extend(skipped);
    }
    out
}

/// The `no-records` error of a file: its sheets, and the command that writes a mapping.
fn no_records(display: &Arc<str>, lang: Lang, skipped: &[String], matched: usize) -> Diagnostic {
    let names = join_names(lang, skipped);
    let msg = if skipped.is_empty() && matched == 0 {
        MSG_NO_SHEET_EMPTY.get(lang).to_string()
    } else if skipped.is_empty() {
        MSG_NO_ROWS.get(lang).to_string()
    } else {
        MSG_NO_SHEET.fill(lang, &[("sheets", &names)])
    };
    let file = shell_quote(display);
    let d = Diagnostic::error("no-records", Location::file(display), msg)
        .hint(HINT_NO_RECORDS.fill(lang, &[("file", &file)]));
    if names.is_empty() { d } else { d.value(names) }
}

/// A path as a shell word (quoted when it holds spaces or quotes), for commands in hints.
fn shell_quote(path: &str) -> String {
    if path.chars().all(|c| c.is_alphanumeric() || "/._-+:@%~".contains(c) || !c.is_ascii()) {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

/// What a sheet's mapping rule adds to the records read from it: value words read as their
/// codes, ambiguous text dates in the declared order, constants where a record has no value,
/// and ids where it has none.
fn apply_rule(rule: &SheetRule, records: &mut [RawRecord]) {
    for (n, rec) in records.iter_mut().enumerate() {
        apply_values(rule, rec, None);
        for (parent, subs) in &mut rec.subs {
            for sub in subs {
                apply_values(rule, sub, Some(parent));
            }
        }
        for (target, text) in &rule.set {
            match target.parent {
                None if target.kind.key == rec.kind.key
                    && rec.fields.iter().all(|f| f.key != target.field.key || f.cell.is_empty()) =>
                {
                    rec.fields.retain(|f| f.key != target.field.key);
                    let loc = rec.loc.clone();
                    rec.fields.push(RawField { key: target.field.key, cell: Cell::Text(text.clone()), loc });
                }
                Some(parent) => {
                    for (_, subs) in rec.subs.iter_mut().filter(|(p, _)| *p == parent) {
                        for sub in subs.iter_mut().filter(|s| s.fields.iter().all(|f| f.key != target.field.key)) {
                            let loc = sub.loc.clone();
                            sub.fields.push(RawField { key: target.field.key, cell: Cell::Text(text.clone()), loc });
                        }
                    }
                }
                None => {}
            }
        }
        if rec.kind.field("id").is_some() && rec.fields.iter().all(|f| f.key != "id" || f.cell.is_empty()) {
            let row = rec.loc.cell.as_deref().and_then(row_number).unwrap_or(0);
            if let Some(id) = rule.make_id(row, n + 1) {
                rec.fields.retain(|f| f.key != "id");
                let loc = rec.loc.clone();
                rec.fields.push(RawField { key: "id", cell: Cell::Text(id), loc });
            }
        }
    }
}

/// Value maps and date order for one record's fields (`parent`: the sub-table it sits in).
fn apply_values(rule: &SheetRule, rec: &mut RawRecord, parent: Option<&str>) {
    for f in &mut rec.fields {
        let Some(def) = rec.kind.field(f.key) else { continue };
        let key = match parent {
            Some(p) => format!("{p}.{}", f.key),
            None => f.key.to_string(),
        };
        match def.ty {
            Type::Enum(_) => {
                let text = f.cell.display();
                // `~` (no code fits) leaves the word as written, so `check` names it.
                if let Some(Some(v)) = rule.code(&key, text.trim()) {
                    f.cell = Cell::Text(v.code.to_string());
                }
            }
            Type::Date | Type::DateTime => {
                if let Cell::Text(t) = &f.cell
                    && let Some(iso) = rule.reorder_date(t)
                {
                    f.cell = Cell::Text(iso);
                }
            }
            _ => {}
        }
    }
}

/// The row number of an A1 reference (`F7` → 7).
fn row_number(cell: &str) -> Option<u32> {
    cell.trim_start_matches(|c: char| c.is_ascii_alphabetic()).parse().ok()
}

/// Sheet names as a list in `lang`; past 20, the count of the rest.
fn join_names(lang: Lang, names: &[String]) -> String {
    let shown = names[..names.len().min(20)].join(if lang == Lang::En { ", " } else { "、" });
    match names.len() {
        n if n > 20 => format!("{shown} … (+{})", n - 20),
        _ => shown,
    }
}

// ---------------------------------------------------------------------------------------------
// Messages

const MSG_NO_SHEET: L10n = L10n::new(
    "没有读到任何记录：没有一张工作表对应到 dossier 的表单（工作表：{sheets}）",
    "沒有讀到任何記錄：沒有一張工作表對應到 dossier 的表單（工作表：{sheets}）",
    "no record was read: no sheet matches one of dossier's forms (sheets: {sheets})",
);
const MSG_NO_SHEET_EMPTY: L10n = L10n::new(
    "没有读到任何记录：工作表都是空的",
    "沒有讀到任何記錄：工作表都是空的",
    "no record was read: the sheets are empty",
);
const MSG_NO_ROWS: L10n = L10n::new(
    "没有读到任何记录：表头之下没有一行有内容",
    "沒有讀到任何記錄：表頭之下沒有一列有內容",
    "no record was read: no row under the headers holds anything",
);
const HINT_NO_RECORDS: L10n = L10n::new(
    "运行 dossier map suggest {file} --write mapping.yaml 生成映射（它会读表头和单元格），核对后运行 dossier check {file} --map mapping.yaml",
    "執行 dossier map suggest {file} --write mapping.yaml 產生對應（它會讀表頭和儲存格），核對後執行 dossier check {file} --map mapping.yaml",
    "run `dossier map suggest {file} --write mapping.yaml` (it reads the headers and the cells), check it, then `dossier check {file} --map mapping.yaml`",
);
const HINT_NO_SHEET: L10n = L10n::new(
    "把工作表命名为表单名称（如“任务分工”“风险登记表”“需求登记表”“会议纪要”“复盘表”），或检查表头行是否使用模板中的列名",
    "把工作表命名為表單名稱（如「任務分工」「風險登記表」「需求登記表」「會議紀要」「複盤表」），或檢查表頭列是否使用範本中的欄名",
    "name the sheet after its form (e.g. Tasks, Risks, Requirement, Minutes, Retrospective) or check that its header row uses the template's column names",
);
const MSG_SHEET_RESEMBLES: L10n = L10n::new(
    "已跳过工作表“{sheet}”：它像一张{kind}，但 {n} 列中只有 {m} 列对应到字段；未对应的列：{cols}",
    "已略過工作表「{sheet}」：它像一張{kind}，但 {n} 欄中只有 {m} 欄對應到欄位；未對應的欄：{cols}",
    "sheet “{sheet}” skipped: it looks like {kind}, but only {m} of its {n} columns match a field; unmatched: {cols}",
);
const HINT_SHEET_RESEMBLES: L10n = L10n::new(
    "运行 dossier map suggest {file} --write mapping.yaml 生成映射，核对后用 --map mapping.yaml 再运行",
    "執行 dossier map suggest {file} --write mapping.yaml 產生對應，核對後用 --map mapping.yaml 再執行",
    "run `dossier map suggest {file} --write mapping.yaml`, check it, then run again with --map mapping.yaml",
);
const MSG_SHEET_SKIPPED: L10n = L10n::new(
    "已跳过工作表“{sheet}”：表名和表头都不对应任何 PMO 表单",
    "已略過工作表「{sheet}」：表名與表頭都不對應任何 PMO 表單",
    "sheet “{sheet}” skipped: neither its name nor its headers match a PMO form",
);
const MSG_SHEET_NO_HEADER: L10n = L10n::new(
    "已跳过工作表“{sheet}”：表名对应“{kind}”，但前 30 行中没有可识别的表头行",
    "已略過工作表「{sheet}」：表名對應「{kind}」，但前 30 列中沒有可辨識的表頭列",
    "sheet “{sheet}” skipped: its name says “{kind}” but none of its first 30 rows is a recognisable header row",
);
const HINT_SHEET_NO_HEADER: L10n = L10n::new(
    "表头行至少需要两个可识别的列名，例如：{labels}",
    "表頭列至少需要兩個可辨識的欄名，例如：{labels}",
    "a header row needs at least two recognisable column names, e.g. {labels}",
);
const MSG_ROWS_SKIPPED: L10n = L10n::new(
    "{n} 行只有编号、下拉默认值或合并单元格的副本，没有作为记录读取（第 {rows} 行）",
    "{n} 列只有編號、下拉預設值或合併儲存格的副本，沒有作為記錄讀取（第 {rows} 列）",
    "{n} row(s) held only numbering, drop-down defaults or copies of merged cells and were not read as records (rows {rows})",
);
const MSG_TRUNCATED: L10n = L10n::new(
    "工作表“{sheet}”超出读取上限（{rows} 行 × {cols} 列）：已读取 {read} 行，{cell} 处及之后的内容没有读取",
    "工作表「{sheet}」超出讀取上限（{rows} 列 × {cols} 欄）：已讀取 {read} 列，{cell} 處及之後的內容沒有讀取",
    "sheet “{sheet}” is larger than dossier reads ({rows} rows × {cols} columns): {read} rows were read, and the content at {cell} and beyond was not",
);
const MSG_TOO_MANY_CELLS: L10n = L10n::new(
    "工作表“{sheet}”的单元格（含有格式的空单元格）超过 {cells} 个：读到第 {row} 行为止，之后的内容没有读取",
    "工作表「{sheet}」的儲存格（含有格式的空儲存格）超過 {cells} 個：讀到第 {row} 列為止，之後的內容沒有讀取",
    "sheet “{sheet}” has more than {cells} cells (formatted empty ones included): it was read up to row {row}, and the rest was not",
);
const MSG_FILE_BUDGET: L10n = L10n::new(
    "文件内容超过一个文件的读取上限（{cells} 个单元格或 {mib} MiB 文字，合并单元格的副本也计算在内）：工作表“{sheet}”读到第 {row} 行为止",
    "檔案內容超過一個檔案的讀取上限（{cells} 個儲存格或 {mib} MiB 文字，合併儲存格的副本也計算在內）：工作表「{sheet}」讀到第 {row} 列為止",
    "the file holds more than dossier reads from one file ({cells} cells or {mib} MiB of text, merged copies included): sheet “{sheet}” was read up to row {row}",
);
const HINT_TRUNCATED: L10n = L10n::new(
    "删除表格下方或右侧多余的内容和格式，或把数据拆分到多个工作表",
    "刪除表格下方或右側多餘的內容與格式，或把資料拆分到多個工作表",
    "delete stray content or formatting below or to the right of the table, or split the data across sheets",
);
const MSG_EXTRA: L10n = L10n::new(
    "列“{header}”不对应“{kind}”的任何字段，其内容作为附加信息保留",
    "欄「{header}」不對應「{kind}」的任何欄位，其內容作為附加資訊保留",
    "column “{header}” matches no field of “{kind}”; its values are kept as extra",
);
const HINT_EXTRA_SUGGEST: L10n = L10n::new("是否指：{fields}？", "是否指：{fields}？", "did you mean {fields}?");
const HINT_EXTRA_MAP: L10n = L10n::new(
    "如需读取该列，请在映射文件（--map）中指定它对应的字段",
    "如需讀取該欄，請在對應檔（--map）中指定它對應的欄位",
    "to read it, map it to a field in a mapping file (--map)",
);
const MSG_DUPLICATE: L10n = L10n::new(
    "列“{header}”也对应字段“{field}”，该字段从 {first} 列读取，此列作为附加信息保留",
    "欄「{header}」也對應欄位「{field}」，該欄位從 {first} 欄讀取，此欄作為附加資訊保留",
    "column “{header}” also maps to “{field}”, which is read from column {first}; this one is kept as extra",
);
const HINT_DUPLICATE: L10n =
    L10n::new("删除或重命名重复的列", "刪除或重新命名重複的欄", "delete or rename the duplicate column");
const MSG_DUPLICATE_LABEL: L10n = L10n::new(
    "“{field}”填写了不止一次，使用 {first} 的值，此值作为附加信息保留",
    "「{field}」填寫了不止一次，使用 {first} 的值，此值作為附加資訊保留",
    "“{field}” is given more than once; the value in {first} is used and this one is kept as extra",
);
const HINT_DUPLICATE_LABEL: L10n = L10n::new("删除重复的一行", "刪除重複的一列", "delete the duplicate row");
const MSG_FORMULA: L10n = L10n::new(
    "“{field}”的单元格是公式 {formula}，但文件中没有保存计算结果",
    "「{field}」的儲存格是公式 {formula}，但檔案中沒有儲存計算結果",
    "the cell for “{field}” holds the formula {formula} but no saved result",
);
const HINT_FORMULA: L10n = L10n::new(
    "用 Excel 打开并保存一次（会计算公式），或直接填写数值",
    "用 Excel 開啟並儲存一次（會計算公式），或直接填寫數值",
    "open and save the file in Excel (it computes formulas), or type the value",
);
const EXPECTED_FORMULA: L10n = L10n::new("公式的计算结果", "公式的計算結果", "the formula's saved result");
const MSG_SHEETS_UNREADABLE: L10n = L10n::new(
    "文件已损坏，工作表 {sheets} 无法读取",
    "檔案已損毀，工作表 {sheets} 無法讀取",
    "the file is damaged: sheet(s) {sheets} cannot be read",
);
pub(crate) const HINT_RESAVE: L10n = L10n::new(
    "在 Excel 中打开并另存为新的 .xlsx 文件后重试",
    "在 Excel 中開啟並另存為新的 .xlsx 檔案後重試",
    "open it in Excel, save it as a new .xlsx file and try again",
);

// ---------------------------------------------------------------------------------------------
// Matching labels and headers

/// Memoised `schema.field` lookups: one workbook asks about the same texts many times, for
/// every kind. Per text, one slot per kind of [`KINDS`] (None = not asked yet).
struct Matcher<'a> {
    ctx: &'a Ctx,
    memo: RefCell<rustc_hash::FxHashMap<String, Vec<Option<Option<&'static FieldDef>>>>>,
}

impl<'a> Matcher<'a> {
    fn new(ctx: &'a Ctx) -> Matcher<'a> {
        Matcher { ctx, memo: RefCell::new(Default::default()) }
    }

    /// The field of `kind` a header or label names (never a computed field).
    fn field(&self, kind: &'static KindDef, text: &str) -> Option<&'static FieldDef> {
        let text = text.trim();
        if text.is_empty() || text.len() > MAX_LABEL_BYTES {
            return None;
        }
        let Some(slot) = KINDS.iter().position(|k| std::ptr::eq(k, kind)) else {
            return self.ctx.schema.field(kind.key, text).filter(|f| !f.computed);
        };
        if let Some(Some(hit)) = self.memo.borrow().get(text).map(|v| v[slot]) {
            return hit;
        }
        let found = self.ctx.schema.field(kind.key, text).filter(|f| !f.computed);
        self.memo.borrow_mut().entry(text.to_string()).or_insert_with(|| vec![None; KINDS.len()])[slot] = Some(found);
        found
    }
}

/// Headers of a column holding fill-in instructions beside a form's values.
fn is_instruction_header(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "填写说明",
        "说明",
        "内容说明",
        "字段说明",
        "填写要求",
        "填写提示",
        "填报说明",
        "instructions",
        "instruction",
        "guidance",
        "howtofill",
    ];
    text.len() <= 30 && WORDS.contains(&normalize(text).as_str())
}

/// A notes block after a table (填表说明, 备注:, Notes) ends it.
pub(crate) fn is_notes_start(text: &str) -> bool {
    let head: String = text.trim_start().chars().take(12).map(schema::halfwidth).collect();
    const PREFIXES: &[&str] = &[
        "填表说明",
        "填表說明",
        "填写说明:",
        "填寫說明:",
        "说明:",
        "說明:",
        "説明:",
        "备注:",
        "備註:",
        "备註:",
        "注:",
        "注意:",
        "注意事项",
        "注意事項",
    ];
    if PREFIXES.iter().any(|p| head.starts_with(p)) {
        return true;
    }
    let lower = head.to_lowercase();
    lower.starts_with("note:")
        || lower.starts_with("notes") && lower[5..].chars().next().is_none_or(|c| c == ':' || c.is_whitespace())
}

/// The form kind that holds a sub-kind (`action` → `meeting`).
fn parent_form(sub: &'static KindDef) -> Option<&'static KindDef> {
    KINDS.iter().find(|k| k.shape == Shape::Form && k.fields.iter().any(|f| f.ty == Type::Sub(sub.key)))
}

/// Sheet names such as `18.8.27` or `2024-09-05` (one sheet per meeting).
fn name_is_date(name: &str) -> bool {
    let name = name.trim();
    name.chars().any(|c| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '/' | '_' | ' ' | '年' | '月' | '日' | '号'))
}

// ---------------------------------------------------------------------------------------------
// Header rows

/// One column under a header row.
#[derive(Clone, Debug)]
struct HCol {
    col: u32,
    /// The header as written (two-level headers joined).
    text: String,
    /// Row of the header text, for the `extra` location.
    row: u32,
    field: Option<&'static FieldDef>,
    /// The header cell is a copy of a merged header spanning the previous column too.
    merged_with_prev: bool,
}

#[derive(Clone, Debug)]
struct Header {
    row: u32,
    /// Distinct fields matched.
    score: usize,
    /// Header cells that matched a field (for the "fits as a sub-table header" test).
    matched: usize,
    /// Non-empty header cells.
    cells: usize,
    cols: Vec<HCol>,
}

/// Where a column's values go.
#[derive(Clone, Copy, Debug)]
enum Target {
    Field(&'static FieldDef),
    Extra,
    /// Joined onto the value of an earlier column (index into the plan) with this separator.
    Into(usize, &'static str),
}

#[derive(Clone, Debug)]
struct ColPlan {
    col: u32,
    header: String,
    target: Target,
}

enum Plan {
    Table(&'static KindDef, Header),
    Form(&'static KindDef),
    /// A form given as columns (a retrospective's 亮点 | 问题 | 改进 side by side): each
    /// column's values down the sheet are its field's list.
    Columns(&'static KindDef, Header),
}

enum Skip {
    Nothing,
    NoHeader(&'static KindDef),
    /// The mapping says `kind: skip`.
    Mapped,
}

/// A sheet being read.
struct SheetReader<'a> {
    ctx: &'a Ctx,
    m: &'a Matcher<'a>,
    display: &'a Arc<str>,
    name: Arc<str>,
    grid: &'a Grid,
    /// The mapping's rule for this sheet.
    rule: Option<&'a SheetRule>,
}

/// How a run of rows under a header ends.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// A sheet's table: blank rows are skipped.
    Table,
    /// A sub-table inside a form: a blank row ends it.
    Sub,
}

impl SheetReader<'_> {
    fn lang(&self) -> Lang {
        self.ctx.lang
    }

    /// The field of `kind` a header or label names: the sheet's mapping rule first (which may
    /// also say "no field"), then the team's aliases and the catalogue.
    fn field(&self, kind: &'static KindDef, text: &str) -> Option<&'static FieldDef> {
        match self.decided(kind, text) {
            Some(decision) => decision,
            None => self.m.field(kind, text),
        }
    }

    /// What the mapping rule says of a header for `kind`: Some(field or None), or None when
    /// it says nothing. A header the rule gives to a sub-table's field names no field of the
    /// form itself.
    fn decided(&self, kind: &'static KindDef, text: &str) -> Option<Option<&'static FieldDef>> {
        let target = self.rule?.column(text)?;
        Some(target.filter(|t| t.kind.key == kind.key).map(|t| t.field))
    }

    fn loc(&self, r: u32, c: u32) -> Location {
        Location::cell(self.display, &self.name, r, c)
    }

    fn sheet_loc(&self) -> Location {
        Location { file: self.display.clone(), sheet: Some(self.name.clone()), cell: None, line: None }
    }

    /// Non-blank rows, in order.
    fn rows(&self) -> Vec<u32> {
        self.grid.rows.keys().copied().filter(|&r| !self.grid.is_blank(r)).collect()
    }

    /// A sheet not read to its end is an error: its data would be incomplete.
    fn truncated(&self, cut: Cut) -> Diagnostic {
        let lang = self.lang();
        let read = self.grid.rows.keys().next_back().map_or(0, |r| r + 1).to_string();
        let (msg, loc) = match cut {
            Cut::Beyond(r, c) => {
                let cell = cell_name(r, c);
                let args = [
                    ("sheet", &*self.name),
                    ("rows", &MAX_ROWS.to_string()),
                    ("cols", &MAX_COLS.to_string()),
                    ("read", &read),
                    ("cell", &cell),
                ];
                (MSG_TRUNCATED.fill(lang, &args), self.loc(r, c))
            }
            Cut::Visits(r) => {
                let args = [("sheet", &*self.name), ("cells", &MAX_VISITS.to_string()), ("row", &(r + 1).to_string())];
                (MSG_TOO_MANY_CELLS.fill(lang, &args), self.sheet_loc())
            }
            Cut::Budget(r) => {
                let args = [
                    ("sheet", &*self.name),
                    ("cells", &MAX_FILE_CELLS.to_string()),
                    ("mib", &(MAX_FILE_TEXT >> 20).to_string()),
                    ("row", &(r + 1).to_string()),
                ];
                (MSG_FILE_BUDGET.fill(lang, &args), self.sheet_loc())
            }
        };
        Diagnostic::error("sheet-truncated", loc, msg).value(read).hint(HINT_TRUNCATED.get(lang))
    }

    fn skipped(&self, skip: Skip) -> Diagnostic {
        let lang = self.lang();
        match skip {
            Skip::Mapped => Diagnostic::info(
                "sheet-skipped",
                self.sheet_loc(),
                MSG_SHEET_SKIPPED.fill(lang, &[("sheet", &self.name)]),
            ),
            Skip::Nothing => match self.resemblance() {
                Some(r) => {
                    let unmatched: Vec<&str> = r
                        .headers
                        .iter()
                        .filter(|(_, h)| self.ctx.schema.field(r.kind.key, h).is_none())
                        .map(|(_, h)| h.as_str())
                        .collect();
                    let msg = MSG_SHEET_RESEMBLES.fill(
                        lang,
                        &[
                            ("sheet", &self.name),
                            ("kind", r.kind.label.get(lang)),
                            ("n", &r.headers.len().to_string()),
                            ("m", &r.matched.to_string()),
                            ("cols", &join_names(lang, &unmatched.iter().map(|s| s.to_string()).collect::<Vec<_>>())),
                        ],
                    );
                    Diagnostic::info("sheet-skipped", self.sheet_loc(), msg)
                        .value(unmatched.join(" | "))
                        .expected(r.kind.label.get(lang))
                        .hint(HINT_SHEET_RESEMBLES.fill(lang, &[("file", self.display)]))
                }
                None => Diagnostic::info(
                    "sheet-skipped",
                    self.sheet_loc(),
                    MSG_SHEET_SKIPPED.fill(lang, &[("sheet", &self.name)]),
                )
                .hint(HINT_NO_SHEET.get(lang)),
            },
            Skip::NoHeader(kind) => {
                let labels: Vec<&str> =
                    kind.fields.iter().filter(|f| !f.computed).take(5).map(|f| f.label.get(lang)).collect();
                let msg = MSG_SHEET_NO_HEADER.fill(lang, &[("sheet", &self.name), ("kind", kind.label.get(lang))]);
                Diagnostic::info("sheet-skipped", self.sheet_loc(), msg)
                    .expected(labels.join(" | "))
                    .hint(HINT_SHEET_NO_HEADER.fill(lang, &[("labels", &labels.join(" | "))]))
            }
        }
    }
}
