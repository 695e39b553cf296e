//! Workbooks (.xlsx .xlsm .xls .xlsb .ods) through calamine. The file is sniffed by its first
//! bytes (a renamed text file, a web page or a password-protected workbook gets one clear
//! `file` error), each sheet is loaded into a capped sparse grid (merged cells filled, formulas
//! without a saved result marked), matched to a kind by its name or its headers, then read as a
//! table (one record per row) or a form (label → value rows, then sub-tables).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;
use std::sync::Arc;

use calamine::{Data, Dimensions, Ods, Range, Reader, SheetType, SheetVisible, Xls, XlsError, Xlsb, Xlsx, XlsxError};
use chrono::{NaiveDate, NaiveTime, Timelike};

use crate::diag::Diagnostic;
use crate::ingest::{Cell, Ctx, FileRead, RawField, RawRecord, file_error};
use crate::model::{L10n, Lang, Location, cell_name};
use crate::schema::{self, FieldDef, KINDS, KindDef, Shape, Type, normalize};

/// Rows read per sheet (0-based absolute rows below this). PMO sheets hold 10²–10⁴ rows; a sheet
/// claiming a million rows is bloated formatting, and reading it would cost memory and time.
const MAX_ROWS: u32 = 20_000;
/// Columns read per sheet (A to GR).
const MAX_COLS: u32 = 200;
/// Cell elements visited per pass over a sheet, empty or not: bounds the time spent on sheets
/// with millions of formatted blank cells.
const MAX_VISITS: usize = 3_000_000;
/// Cells written by filling merged ranges, per sheet.
const MAX_MERGE_FILL: usize = 500_000;
/// Non-blank rows searched for a header row.
const HEADER_SCAN: usize = 30;
/// Non-blank rows searched for form labels when deciding what a sheet holds.
const FORM_SCAN: usize = 80;
/// Longest text (in bytes) tried as a header or label: labels are short, descriptions are not.
const MAX_LABEL_BYTES: usize = 90;

/// Reads one workbook into raw records. Never panics on bad input; an unreadable file gives one
/// `file` error, a workbook without any PMO sheet one `no-sheet` info.
pub fn read(path: &Path, display: &Arc<str>, ctx: &Ctx) -> FileRead {
    let mut out = FileRead::default();
    let mut book = match open(path) {
        Ok(book) => book,
        Err(problem) => {
            out.diags.push(problem.diagnostic(ctx.lang, display, path));
            return out;
        }
    };
    let sheets = book.sheets();
    if sheets.is_empty() {
        out.diags.push(Problem::NoSheets.diagnostic(ctx.lang, display, path));
        return out;
    }
    let matcher = Matcher::new(ctx);
    let mut skipped: Vec<Diagnostic> = Vec::new();
    let mut skipped_names: Vec<String> = Vec::new();
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut matched = 0usize;
    for sheet in sheets {
        if sheet.visible == SheetVisible::VeryHidden || sheet.typ != SheetType::WorkSheet {
            continue;
        }
        let grid = match book.load(&sheet.name) {
            Ok(grid) => grid,
            Err(detail) => {
                failures.push((sheet.name.clone(), detail));
                continue;
            }
        };
        if grid.rows.is_empty() {
            continue;
        }
        let sh = SheetReader { ctx, m: &matcher, display, name: Arc::from(sheet.name.as_str()), grid: &grid };
        match sh.plan() {
            Ok(plan) => {
                matched += 1;
                match plan {
                    Plan::Table(kind, header) => sh.read_table(kind, &header, &mut out),
                    Plan::Form(kind) => sh.read_form(kind, &mut out),
                }
                if grid.truncated {
                    out.diags.push(sh.truncated());
                }
            }
            Err(skip) => {
                skipped_names.push(sheet.name.clone());
                skipped.push(sh.skipped(skip));
            }
        }
    }
    if let Some((sheet, detail)) = failures.first() {
        let lang = ctx.lang;
        let mut d = if matched == 0 && skipped_names.is_empty() {
            Problem::Unreadable(detail.clone()).diagnostic(lang, display, path)
        } else {
            let names: Vec<String> = failures.iter().map(|(n, _)| n.clone()).collect();
            let problem = MSG_SHEETS_UNREADABLE.fill(lang, &[("sheets", &join_names(lang, &names))]);
            let mut d = file_error(lang, display, &problem).hint(HINT_RESAVE.get(lang)).value(detail.clone());
            d.loc.sheet = Some(Arc::from(sheet.as_str()));
            d
        };
        if d.value.is_none() {
            d = d.value(detail.clone());
        }
        out.diags.push(d);
    }
    if matched == 0 {
        if failures.is_empty() {
            let names = join_names(ctx.lang, &skipped_names);
            let msg = if names.is_empty() {
                MSG_NO_SHEET_EMPTY.get(ctx.lang).to_string()
            } else {
                MSG_NO_SHEET.fill(ctx.lang, &[("sheets", &names)])
            };
            let mut d = Diagnostic::info("no-sheet", Location::file(display), msg).hint(HINT_NO_SHEET.get(ctx.lang));
            if !names.is_empty() {
                d = d.value(names);
            }
            out.diags.push(d);
            // Sheets that look like a table of another layout: say what does not match.
            out.diags.extend(skipped.into_iter().filter(|d| d.expected.is_some()));
        }
    } else {
        out.diags.extend(skipped);
    }
    out
}

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

/// The sheets of a workbook that no kind claimed but that look like a table (for `dossier
/// map suggest`). Unreadable workbooks and sheets give nothing: `check` reports those.
pub fn resemblances(path: &Path, display: &Arc<str>, ctx: &Ctx) -> Vec<Resemblance> {
    let Ok(mut book) = open(path) else { return Vec::new() };
    let matcher = Matcher::new(ctx);
    let mut out = Vec::new();
    for sheet in book.sheets() {
        if sheet.visible == SheetVisible::VeryHidden || sheet.typ != SheetType::WorkSheet {
            continue;
        }
        let Ok(grid) = book.load(&sheet.name) else { continue };
        let sh = SheetReader { ctx, m: &matcher, display, name: Arc::from(sheet.name.as_str()), grid: &grid };
        if let Err(Skip::Nothing) = sh.plan()
            && let Some(r) = sh.resemblance()
        {
            out.push(r);
        }
    }
    out
}

/// Sheet names as a list in `lang`.
fn join_names(lang: Lang, names: &[String]) -> String {
    names.join(if lang == Lang::En { ", " } else { "、" })
}

// ---------------------------------------------------------------------------------------------
// Messages

const MSG_NO_SHEET: L10n = L10n::new(
    "未找到 PMO 工作表（工作表：{sheets}）",
    "未找到 PMO 工作表（工作表：{sheets}）",
    "no PMO sheet found (sheets: {sheets})",
);
const MSG_NO_SHEET_EMPTY: L10n = L10n::new(
    "未找到 PMO 工作表：工作簿中没有内容",
    "未找到 PMO 工作表：活頁簿中沒有內容",
    "no PMO sheet found: the workbook's sheets are empty",
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
    "运行 dossier map suggest {file} > mapping.yaml 生成映射文件，检查后用 --map mapping.yaml 再运行",
    "執行 dossier map suggest {file} > mapping.yaml 產生對應檔，檢查後用 --map mapping.yaml 再執行",
    "run `dossier map suggest {file} > mapping.yaml`, check the file, then run again with --map mapping.yaml",
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
const MSG_TRUNCATED: L10n = L10n::new(
    "工作表“{sheet}”超出读取范围（{rows} 行 × {cols} 列），超出部分未读取",
    "工作表「{sheet}」超出讀取範圍（{rows} 列 × {cols} 欄），超出部分未讀取",
    "sheet “{sheet}” extends beyond what is read ({rows} rows × {cols} columns); the rest was not read",
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
    "工作表 {sheets} 已损坏，无法读取",
    "工作表 {sheets} 已損毀，無法讀取",
    "sheet(s) {sheets} are damaged and cannot be read",
);
const HINT_RESAVE: L10n = L10n::new(
    "在 Excel 中打开并另存为新的 .xlsx 文件后重试",
    "在 Excel 中開啟並另存為新的 .xlsx 檔案後重試",
    "open it in Excel, save it as a new .xlsx file and try again",
);

// ---------------------------------------------------------------------------------------------
// Opening: sniff the container, then hand it to the right calamine reader

/// Why a file cannot be read at all.
#[derive(Debug, Clone, PartialEq)]
enum Problem {
    Io(String),
    Empty,
    Password,
    /// A ZIP container that cannot be read (truncated download, partial copy).
    Damaged(String),
    /// A text file; the first characters.
    Text(String),
    Html,
    Xml2003,
    Xml,
    Pdf,
    /// A ZIP package without workbook parts (a Word or PowerPoint file renamed).
    OtherZip,
    /// An OpenDocument file that is not a spreadsheet.
    OtherOdf,
    /// Excel 2.x–4.0 binary worksheets (BIFF2–4), which calamine does not read.
    OldXls,
    /// A part calamine cannot read (Excel 4 macro sheets, dialog sheets).
    Unsupported(String),
    Unknown,
    NoSheets,
    Unreadable(String),
}

impl Problem {
    /// (what, how to fix) in `lang`.
    fn texts(&self, lang: Lang, ext: &str) -> (String, &'static str) {
        let l = |zh_cn, zh_tw, en| L10n::new(zh_cn, zh_tw, en);
        let resave = HINT_RESAVE.get(lang);
        let again = l(
            "重新复制或下载该文件；如果 Excel 能打开它，另存为新的 .xlsx",
            "重新複製或下載該檔案；如果 Excel 能開啟它，另存為新的 .xlsx",
            "copy or download the file again; if Excel can open it, save it as a new .xlsx",
        )
        .get(lang);
        let save_as = l(
            "在 Excel 中打开它并另存为 .xlsx 工作簿",
            "在 Excel 中開啟它並另存為 .xlsx 活頁簿",
            "open it in Excel and save it as an .xlsx workbook",
        )
        .get(lang);
        match self {
            Problem::Io(detail) => (
                l("无法打开文件（{detail}）", "無法開啟檔案（{detail}）", "the file cannot be opened ({detail})")
                    .fill(lang, &[("detail", detail)]),
                l(
                    "检查文件是否存在、是否有读取权限、是否正被其他程序独占打开",
                    "檢查檔案是否存在、是否有讀取權限、是否正被其他程式獨占開啟",
                    "check that the file exists, is readable and is not locked by another program",
                )
                .get(lang),
            ),
            Problem::Empty => (
                l(
                    "文件是空的（0 字节），可能没有保存完整",
                    "檔案是空的（0 位元組），可能沒有儲存完整",
                    "the file is empty (0 bytes); it was probably not saved completely",
                )
                .get(lang)
                .to_string(),
                again,
            ),
            Problem::Password => (
                l("工作簿设有打开密码（已加密）", "活頁簿設有開啟密碼（已加密）", "the workbook is password-protected (encrypted)")
                    .get(lang)
                    .to_string(),
                l(
                    "在 Excel 中删除密码（文件 › 信息 › 保护工作簿 › 用密码进行加密，清空密码）后重新保存",
                    "在 Excel 中移除密碼（檔案 › 資訊 › 保護活頁簿 › 以密碼加密，清除密碼）後重新儲存",
                    "remove the password in Excel (File › Info › Protect Workbook › Encrypt with Password, clear it) and save again",
                )
                .get(lang),
            ),
            Problem::Damaged(_) => (
                l(
                    "工作簿已损坏或不完整（ZIP 结构无法读取）",
                    "活頁簿已損毀或不完整（ZIP 結構無法讀取）",
                    "the workbook is damaged or incomplete (its ZIP container cannot be read)",
                )
                .get(lang)
                .to_string(),
                again,
            ),
            Problem::Text(start) => (
                l(
                    "这是文本文件（开头为“{start}”），不是 Excel 工作簿",
                    "這是文字檔（開頭為「{start}」），不是 Excel 活頁簿",
                    "this is a text file (it starts with “{start}”), not an Excel workbook",
                )
                .fill(lang, &[("start", start)]),
                l(
                    "如果它是 CSV 导出文件，请在 Excel 中打开并另存为 .xlsx，或把扩展名改回 .csv",
                    "如果它是 CSV 匯出檔，請在 Excel 中開啟並另存為 .xlsx，或把副檔名改回 .csv",
                    "if it is a CSV export, open it in Excel and save it as .xlsx (or give it back its .csv name)",
                )
                .get(lang),
            ),
            Problem::Html => (
                l(
                    "这是网页（HTML）文件，只是扩展名为 .{ext}",
                    "這是網頁（HTML）檔案，只是副檔名為 .{ext}",
                    "this is a web page (HTML) with a .{ext} extension",
                )
                .fill(lang, &[("ext", ext)]),
                l(
                    "许多系统导出的“Excel”其实是网页：在 Excel 中打开它并另存为 .xlsx 工作簿",
                    "許多系統匯出的「Excel」其實是網頁：在 Excel 中開啟它並另存為 .xlsx 活頁簿",
                    "many systems export web pages as “Excel”: open it in Excel and save it as an .xlsx workbook",
                )
                .get(lang),
            ),
            Problem::Xml2003 => (
                l(
                    "这是 Excel 2003 XML 电子表格，不受支持",
                    "這是 Excel 2003 XML 試算表，不受支援",
                    "this is an Excel 2003 XML spreadsheet, which is not supported",
                )
                .get(lang)
                .to_string(),
                save_as,
            ),
            Problem::Xml => (
                l("这是 XML 文件，不是工作簿", "這是 XML 檔案，不是活頁簿", "this is an XML file, not a workbook").get(lang).to_string(),
                save_as,
            ),
            Problem::Pdf => (
                l("这是 PDF 文档，不是工作簿", "這是 PDF 文件，不是活頁簿", "this is a PDF document, not a workbook").get(lang).to_string(),
                l("请提供原始的 Excel 文件", "請提供原始的 Excel 檔案", "use the original Excel file instead").get(lang),
            ),
            Problem::OtherZip => (
                l(
                    "这是 ZIP 压缩包，但不是 Excel 工作簿（可能是 Word 或 PowerPoint 文件）",
                    "這是 ZIP 壓縮檔，但不是 Excel 活頁簿（可能是 Word 或 PowerPoint 檔案）",
                    "this is a ZIP package but not an Excel workbook (a Word or PowerPoint file?)",
                )
                .get(lang)
                .to_string(),
                save_as,
            ),
            Problem::OtherOdf => (
                l(
                    "这是 OpenDocument 文档，但不是电子表格",
                    "這是 OpenDocument 文件，但不是試算表",
                    "this is an OpenDocument file but not a spreadsheet",
                )
                .get(lang)
                .to_string(),
                save_as,
            ),
            Problem::Unknown => (
                l(
                    "无法识别的文件格式，不是 .xlsx/.xlsm/.xls/.xlsb/.ods 工作簿",
                    "無法辨識的檔案格式，不是 .xlsx/.xlsm/.xls/.xlsb/.ods 活頁簿",
                    "unrecognised format: not an .xlsx/.xlsm/.xls/.xlsb/.ods workbook",
                )
                .get(lang)
                .to_string(),
                save_as,
            ),
            Problem::OldXls => (
                l(
                    "这是 Excel 2.x–4.0 的旧格式 .xls，不受支持",
                    "這是 Excel 2.x–4.0 的舊格式 .xls，不受支援",
                    "this is an Excel 2.x–4.0 .xls file, an old format that is not supported",
                )
                .get(lang)
                .to_string(),
                save_as,
            ),
            Problem::Unsupported(_) => (
                l(
                    "工作簿包含无法读取的部件（如 Excel 4.0 宏表或对话框表）",
                    "活頁簿包含無法讀取的部件（如 Excel 4.0 巨集表或對話方塊表）",
                    "the workbook contains a part that cannot be read (such as an Excel 4.0 macro sheet or a dialog sheet)",
                )
                .get(lang)
                .to_string(),
                l(
                    "删除宏表/对话框表（或把需要的工作表复制到新工作簿），另存为 .xlsx 后重试",
                    "刪除巨集表/對話方塊表（或把需要的工作表複製到新活頁簿），另存為 .xlsx 後重試",
                    "delete the macro or dialog sheets (or copy the sheets you need into a new workbook), save as .xlsx and try again",
                )
                .get(lang),
            ),
            Problem::NoSheets => (
                l("工作簿中没有任何工作表", "活頁簿中沒有任何工作表", "the workbook contains no sheets").get(lang).to_string(),
                resave,
            ),
            Problem::Unreadable(_) => (
                l("工作簿已损坏，无法解析", "活頁簿已損毀，無法解析", "the workbook is damaged and cannot be parsed").get(lang).to_string(),
                resave,
            ),
        }
    }

    fn diagnostic(&self, lang: Lang, display: &Arc<str>, path: &Path) -> Diagnostic {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("xlsx").to_string();
        let (problem, hint) = self.texts(lang, &ext);
        let d = file_error(lang, display, &problem).hint(hint);
        match self {
            Problem::Damaged(detail) | Problem::Unreadable(detail) | Problem::Unsupported(detail)
                if !detail.is_empty() =>
            {
                d.value(detail.clone())
            }
            _ => d,
        }
    }
}

type Input = BufReader<File>;

enum Book {
    Xlsx(Box<Xlsx<Input>>),
    Xlsb(Box<Xlsb<Input>>),
    Xls(Box<Xls<Input>>),
    Ods(Box<Ods<Input>>),
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY: &[u8] = b"PK\x05\x06";
const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Opens a workbook by what its bytes are, not by its extension.
fn open(path: &Path) -> Result<Book, Problem> {
    let io = |e: std::io::Error| Problem::Io(e.to_string());
    // Checked before opening: opening a named pipe would wait for a writer forever.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        let kind = if meta.is_dir() { std::io::ErrorKind::IsADirectory } else { std::io::ErrorKind::InvalidInput };
        return Err(Problem::Io(std::io::Error::from(kind).to_string()));
    }
    let mut file = File::open(path).map_err(io)?;
    if meta.len() == 0 {
        return Err(Problem::Empty);
    }
    let mut head = Vec::with_capacity(2048);
    file.by_ref().take(2048).read_to_end(&mut head).map_err(io)?;
    let reopen = || File::open(path).map(BufReader::new).map_err(io);

    if head.starts_with(ZIP_MAGIC) || head.starts_with(ZIP_EMPTY) {
        if let Some(mime) = odf_mimetype(&head) {
            if !mime.starts_with("application/vnd.oasis.opendocument.spreadsheet") {
                return Err(Problem::OtherOdf);
            }
            return match Ods::new(reopen()?) {
                Ok(b) => Ok(Book::Ods(Box::new(b))),
                Err(calamine::OdsError::Password) => Err(Problem::Password),
                Err(e) => Err(Problem::Unreadable(e.to_string())),
            };
        }
        let xlsb_first = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xlsb"));
        let try_xlsx = || match Xlsx::new(reopen()?) {
            Ok(b) => Ok(Book::Xlsx(Box::new(b))),
            Err(XlsxError::Password) => Err(Problem::Password),
            Err(XlsxError::Zip(e)) => Err(Problem::Damaged(e.to_string())),
            Err(e @ XlsxError::Unrecognized { .. }) => Err(Problem::Unsupported(e.to_string())),
            Err(e) => Err(Problem::Unreadable(e.to_string())),
        };
        let try_xlsb = || match Xlsb::new(reopen()?) {
            Ok(b) => Ok(Book::Xlsb(Box::new(b))),
            Err(calamine::XlsbError::Zip(e)) => Err(Problem::Damaged(e.to_string())),
            Err(e) => Err(Problem::Unreadable(e.to_string())),
        };
        let (first, second) = if xlsb_first { (try_xlsb(), None) } else { (try_xlsx(), Some(try_xlsb)) };
        let not_a_workbook = |p: Problem| if zip_has_workbook(path) { p } else { Problem::OtherZip };
        let book = match (first, second) {
            (Ok(book), _) => book,
            (Err(p @ (Problem::Damaged(_) | Problem::Io(_) | Problem::Unsupported(_) | Problem::Password)), _) => {
                return Err(p);
            }
            (Err(p), Some(xlsb)) => xlsb().map_err(|_| not_a_workbook(p))?,
            (Err(p), None) => try_xlsx().map_err(|_| not_a_workbook(p))?,
        };
        if book.sheets().is_empty() {
            return Err(not_a_workbook(Problem::NoSheets));
        }
        return Ok(book);
    }
    if head.starts_with(CFB_MAGIC) {
        // An encrypted .xlsx is an OLE container holding an `EncryptedPackage` stream; calamine's
        // xlsx reader recognises it before trying to unzip.
        if let Err(XlsxError::Password) = Xlsx::new(reopen()?) {
            return Err(Problem::Password);
        }
        return match Xls::new(reopen()?) {
            Ok(b) => Ok(Book::Xls(Box::new(b))),
            Err(XlsError::Password) => Err(Problem::Password),
            Err(e) => Err(Problem::Unreadable(e.to_string())),
        };
    }
    // BIFF2–4 worksheets start with a BOF record (09 00 / 09 02 / 09 04) and no OLE container.
    if head.len() >= 4 && head[0] == 0x09 && matches!(head[1], 0x00 | 0x02 | 0x04) && head[3] == 0x00 {
        return Err(Problem::OldXls);
    }
    Err(sniff_other(&head))
}

/// The `mimetype` entry an OpenDocument package stores first and uncompressed.
fn odf_mimetype(head: &[u8]) -> Option<String> {
    let u16_at = |i: usize| head.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize);
    let name_len = u16_at(26)?;
    let extra_len = u16_at(28)?;
    let name = head.get(30..30 + name_len)?;
    if name != b"mimetype" {
        return None;
    }
    let start = 30 + name_len + extra_len;
    let data = head.get(start..(start + 80).min(head.len()))?;
    let text: String = data.iter().take_while(|b| b.is_ascii_graphic()).map(|&b| b as char).collect();
    Some(text)
}

/// Whether a ZIP's central directory (at its end) names a workbook part, for telling a
/// damaged workbook from a renamed Word or PowerPoint file.
fn zip_has_workbook(path: &Path) -> bool {
    let tail = || -> std::io::Result<Vec<u8>> {
        let mut f = File::open(path)?;
        let len = f.metadata()?.len();
        f.seek(std::io::SeekFrom::Start(len.saturating_sub(256 * 1024)))?;
        let mut buf = Vec::new();
        f.read_to_end(&mut buf)?;
        Ok(buf)
    };
    tail().is_ok_and(|t| {
        ["xl/workbook", "xl/worksheets", "content.xml"].iter().any(|n| t.windows(n.len()).any(|w| w == n.as_bytes()))
    })
}

fn sniff_other(head: &[u8]) -> Problem {
    let body = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .or_else(|| head.strip_prefix(b"\xFF\xFE"))
        .or_else(|| head.strip_prefix(b"\xFE\xFF"))
        .unwrap_or(head);
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        // UTF-16 text (Excel's "Unicode Text" export).
        let units: Vec<u16> = body
            .chunks_exact(2)
            .map(|b| if head[0] == 0xFF { u16::from_le_bytes([b[0], b[1]]) } else { u16::from_be_bytes([b[0], b[1]]) })
            .collect();
        return Problem::Text(first_line(&String::from_utf16_lossy(&units)));
    }
    if body.starts_with(b"%PDF") {
        return Problem::Pdf;
    }
    let lossy = String::from_utf8_lossy(body);
    let trimmed = lossy.trim_start();
    let lower: String = trimmed.chars().take(1024).collect::<String>().to_ascii_lowercase();
    if lower.starts_with('<') {
        if lower.contains("urn:schemas-microsoft-com:office:spreadsheet") && !lower.contains("<html") {
            return Problem::Xml2003;
        }
        if lower.contains("<html") || lower.starts_with("<!doctype html") || lower.contains("<table") {
            return Problem::Html;
        }
        return Problem::Xml;
    }
    if lower.starts_with("mime-version:") {
        return Problem::Html;
    }
    let controls = body.iter().filter(|&&b| b < 0x09 || (0x0E..0x20).contains(&b)).count();
    let valid = std::str::from_utf8(body).is_ok() || std::str::from_utf8(&body[..body.len().saturating_sub(3)]).is_ok();
    if valid && controls == 0 {
        return Problem::Text(first_line(trimmed));
    }
    Problem::Unknown
}

fn first_line(text: &str) -> String {
    let line = text.trim_start().lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().take(30).collect();
    if line.chars().count() > 30 {
        out.push('…');
    }
    out
}

impl Book {
    fn sheets(&self) -> Vec<calamine::Sheet> {
        match self {
            Book::Xlsx(b) => b.sheets_metadata().to_vec(),
            Book::Xlsb(b) => b.sheets_metadata().to_vec(),
            Book::Xls(b) => b.sheets_metadata().to_vec(),
            Book::Ods(b) => b.sheets_metadata().to_vec(),
        }
    }

    /// One sheet as a grid: values, formula marks, merged cells filled.
    fn load(&mut self, name: &str) -> Result<Grid, String> {
        let err = |e: &dyn std::fmt::Display| e.to_string();
        let (mut grid, merges) = match self {
            Book::Xlsx(b) => {
                let grid = load_xlsx(b, name).map_err(|e| err(&e))?;
                // The merge list sits after all the cells: on a sheet we stopped reading early
                // it would cost another pass over everything we skipped, so such a sheet (already
                // reported as truncated) is read unmerged. A merge list that cannot be read
                // likewise leaves the sheet unmerged.
                let merges = if grid.rows.is_empty() || grid.partial {
                    Vec::new()
                } else {
                    b.merge_cells_by_sheet_name(name).unwrap_or_default()
                };
                (grid, merges)
            }
            Book::Xlsb(b) => (load_xlsb(b, name).map_err(|e| err(&e))?, Vec::new()),
            Book::Xls(b) => {
                let range = b.worksheet_range(name).map_err(|e| err(&e))?;
                let formulas = b.worksheet_formula(name).ok();
                let merges = b.merge_cells_by_sheet_name(name).unwrap_or_default();
                (load_range(&range, formulas.as_ref()), merges)
            }
            Book::Ods(b) => {
                let range = b.worksheet_range(name).map_err(|e| err(&e))?;
                let formulas = b.worksheet_formula(name).ok();
                (load_range(&range, formulas.as_ref()), Vec::new())
            }
        };
        grid.fill_merges(&merges);
        Ok(grid)
    }
}

// ---------------------------------------------------------------------------------------------
// Loading cells into a capped sparse grid

/// One stored cell. Empty cells are never stored.
#[derive(Clone, Debug)]
struct GCell {
    cell: Cell,
    /// Top-left cell of the merged range this cell was filled from (None for a real cell).
    origin: Option<(u32, u32)>,
    /// A formula with no saved result (the cell is `Cell::Error("=…")`).
    formula: bool,
}

/// A sheet's non-empty cells by absolute (row, column), within [`MAX_ROWS`] × [`MAX_COLS`].
#[derive(Default, Debug)]
struct Grid {
    rows: BTreeMap<u32, BTreeMap<u32, GCell>>,
    /// Content beyond the caps was not read.
    truncated: bool,
    /// Reading stopped before the end of the sheet (rows beyond the cap, or the visit budget).
    partial: bool,
}

impl Grid {
    fn get(&self, r: u32, c: u32) -> Option<&GCell> {
        self.rows.get(&r)?.get(&c)
    }

    fn row(&self, r: u32) -> impl Iterator<Item = (u32, &GCell)> {
        self.rows.get(&r).into_iter().flat_map(|m| m.iter().map(|(c, g)| (*c, g)))
    }

    /// A row with nothing but copies of merged cells from elsewhere reads as blank.
    fn is_blank(&self, r: u32) -> bool {
        self.row(r).all(|(_, g)| g.origin.is_some_and(|o| o.0 != r) || g.cell.is_empty())
    }

    /// The text of a cell as a header or label reads it.
    fn label(&self, r: u32, c: u32) -> Option<Cow<'_, str>> {
        let g = self.get(r, c)?;
        match &g.cell {
            Cell::Text(s) => {
                let t = s.trim();
                (!t.is_empty()).then_some(Cow::Borrowed(t))
            }
            Cell::Empty | Cell::Error(_) => None,
            other => Some(Cow::Owned(other.display())),
        }
    }

    /// A copy of a merged cell whose top-left lies to its left in the same merged range.
    fn is_horizontal_copy(&self, r: u32, c: u32) -> bool {
        self.get(r, c).and_then(|g| g.origin).is_some_and(|o| o.1 < c)
    }

    /// Whether the merged range holding (r, c) continues into the next row.
    fn merge_continues_down(&self, r: u32, c: u32) -> bool {
        let Some(g) = self.get(r, c) else { return false };
        let origin = g.origin.unwrap_or((r, c));
        self.get(r + 1, c).is_some_and(|below| below.origin == Some(origin))
    }

    fn put(&mut self, r: u32, c: u32, g: GCell) {
        self.rows.entry(r).or_default().insert(c, g);
    }

    /// Copies the value of each merged range's top-left cell into every cell it covers.
    fn fill_merges(&mut self, merges: &[Dimensions]) {
        let Some(last_row) = self.rows.keys().next_back().copied() else { return };
        let mut budget = MAX_MERGE_FILL;
        for m in merges {
            let ((r0, c0), (r1, c1)) = (m.start, m.end);
            if r0 >= MAX_ROWS || c0 >= MAX_COLS || r1 < r0 || c1 < c0 || (r0 == r1 && c0 == c1) {
                continue;
            }
            let Some(top) = self.get(r0, c0).cloned() else { continue };
            let (r1, c1) = (r1.min(last_row).min(MAX_ROWS - 1), c1.min(MAX_COLS - 1));
            for r in r0..=r1 {
                for c in c0..=c1 {
                    if (r, c) == (r0, c0) {
                        continue;
                    }
                    if budget == 0 {
                        return;
                    }
                    budget -= 1;
                    self.put(r, c, GCell { cell: top.cell.clone(), origin: Some((r0, c0)), formula: top.formula });
                }
            }
        }
    }
}

/// What a cell's number format says about its value.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Fmt {
    percent: bool,
    /// The format shows a time of day.
    time: bool,
}

impl Fmt {
    /// Reads the first section of an Excel number format code, ignoring quoted text, escaped
    /// characters, padding and `[…]` blocks (colours, locales, elapsed-time markers).
    fn of(code: &str) -> Fmt {
        let mut fmt = Fmt::default();
        let mut chars = code.chars();
        let mut quoted = false;
        while let Some(ch) = chars.next() {
            match ch {
                '"' => quoted = !quoted,
                _ if quoted => {}
                '\\' | '_' | '*' => {
                    chars.next();
                }
                '[' => {
                    for inner in chars.by_ref() {
                        if inner == ']' {
                            break;
                        }
                    }
                }
                ';' => break,
                '%' => fmt.percent = true,
                'h' | 'H' | 's' | 'S' => fmt.time = true,
                _ => {}
            }
        }
        fmt
    }
}

/// Collects cells under the caps and the visit budget.
#[derive(Default)]
struct Loader {
    grid: Grid,
    visits: usize,
    /// A cell element without a value was seen (maybe a formula without a saved result).
    saw_empty: bool,
}

impl Loader {
    /// Takes one cell; false means stop reading this sheet.
    fn take(&mut self, (r, c): (u32, u32), cell: Option<Cell>) -> bool {
        self.visits += 1;
        if self.visits > MAX_VISITS {
            self.grid.truncated = true;
            self.grid.partial = true;
            return false;
        }
        if r >= MAX_ROWS || c >= MAX_COLS {
            if cell.is_some() {
                self.grid.truncated = true;
                // Rows come in order: nothing after this row is kept.
                if r >= MAX_ROWS {
                    self.grid.partial = true;
                    return false;
                }
            }
            return true;
        }
        match cell {
            Some(cell) => self.grid.put(r, c, GCell { cell, origin: None, formula: false }),
            None => self.saw_empty = true,
        }
        true
    }

    /// Marks a formula cell that has no saved value.
    fn formula(&mut self, (r, c): (u32, u32), formula: &str) {
        if r < MAX_ROWS && c < MAX_COLS && !formula.is_empty() && self.grid.get(r, c).is_none() {
            let cell = Cell::Error(format!("={formula}"));
            self.grid.put(r, c, GCell { cell, origin: None, formula: true });
        }
    }

    /// The second pass over a sheet with empty cells: which of them are formulas without a
    /// saved result. `next` yields (position, formula text) from either calamine reader.
    fn formulas<E>(&mut self, mut next: impl FnMut() -> Result<Option<((u32, u32), String)>, E>) -> Result<(), E> {
        let mut visits = 0usize;
        while let Some((pos, formula)) = next()? {
            visits += 1;
            if pos.0 >= MAX_ROWS || visits > MAX_VISITS {
                break;
            }
            self.formula(pos, &formula);
        }
        Ok(())
    }
}

fn load_xlsx<RS: Read + Seek>(book: &mut Xlsx<RS>, name: &str) -> Result<Grid, XlsxError> {
    let mut ld = Loader::default();
    {
        let mut reader = match book.worksheet_cells_reader(name) {
            Ok(reader) => reader,
            Err(XlsxError::NotAWorksheet(_)) => return Ok(Grid::default()),
            Err(e) => return Err(e),
        };
        let fmts: Vec<Fmt> = reader
            .styles()
            .iter()
            .map(|s| s.number_format.as_ref().map(|n| Fmt::of(&n.format_code)).unwrap_or_default())
            .collect();
        while let Some((cell, style)) = reader.next_cell_with_style_id()? {
            let fmt = fmts.get(style).copied().unwrap_or_default();
            let value = to_cell(Data::from(cell.get_value().clone()), fmt);
            if !ld.take(cell.get_position(), value) {
                break;
            }
        }
    }
    if ld.saw_empty {
        let mut reader = book.worksheet_cells_reader(name)?;
        ld.formulas(|| reader.next_formula().map(|c| c.map(|c| (c.get_position(), c.get_value().clone()))))?;
    }
    Ok(ld.grid)
}

fn load_xlsb<RS: Read + Seek>(book: &mut Xlsb<RS>, name: &str) -> Result<Grid, calamine::XlsbError> {
    let mut ld = Loader::default();
    {
        let mut reader = book.worksheet_cells_reader(name)?;
        while let Some(cell) = reader.next_cell()? {
            let value = to_cell(Data::from(cell.get_value().clone()), Fmt::default());
            if !ld.take(cell.get_position(), value) {
                break;
            }
        }
    }
    if ld.saw_empty {
        let mut reader = book.worksheet_cells_reader(name)?;
        ld.formulas(|| reader.next_formula().map(|c| c.map(|c| (c.get_position(), c.get_value().clone()))))?;
    }
    Ok(ld.grid)
}

/// Xls and ODS sheets come as whole ranges (calamine parses them eagerly); the caps still
/// bound what we keep. Neither format exposes number formats, so `percent` stays false.
fn load_range(range: &Range<Data>, formulas: Option<&Range<String>>) -> Grid {
    let mut ld = Loader::default();
    if let Some((r0, c0)) = range.start() {
        for (i, j, v) in range.used_cells() {
            let pos = (r0 + i as u32, c0 + j as u32);
            if !ld.take(pos, to_cell(v.clone(), Fmt::default())) {
                break;
            }
        }
    }
    if let Some(formulas) = formulas
        && let Some((r0, c0)) = formulas.start()
    {
        for (i, j, f) in formulas.used_cells() {
            let pos = (r0 + i as u32, c0 + j as u32);
            if pos.0 >= MAX_ROWS {
                break;
            }
            ld.formula(pos, f);
        }
    }
    ld.grid
}

/// A calamine value as a raw cell; `None` for empty cells.
fn to_cell(value: Data, fmt: Fmt) -> Option<Cell> {
    Some(match value {
        Data::Empty => return None,
        Data::String(s) => {
            if s.trim().is_empty() {
                return None;
            }
            Cell::Text(s)
        }
        Data::Float(v) => Cell::Number { value: v, percent: fmt.percent },
        Data::Int(v) => Cell::Number { value: v as f64, percent: fmt.percent },
        Data::Bool(b) => Cell::Bool(b),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if dt.is_duration() {
                Cell::Text(clock(serial, true))
            } else if (0.0..1.0).contains(&serial) {
                // A time of day without a date (`14:00`): the date part would be 1899-12-30.
                Cell::Text(clock(serial, false))
            } else {
                match dt.as_datetime() {
                    Some(value) => {
                        let time = fmt.time || value.time().num_seconds_from_midnight() != 0;
                        Cell::DateTime { value, time }
                    }
                    None => Cell::Number { value: serial, percent: false },
                }
            }
        }
        Data::DateTimeIso(s) => iso_datetime(&s).unwrap_or(Cell::Text(s)),
        Data::DurationIso(s) => Cell::Text(s),
    })
}

/// `0.5833` → `14:00`; durations may exceed 24 h (`[h]:mm`).
fn clock(serial: f64, duration: bool) -> String {
    let total = (serial * 86_400.0).round().max(0.0) as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    let h = if duration { h } else { h % 24 };
    if s == 0 { format!("{h:02}:{m:02}") } else { format!("{h:02}:{m:02}:{s:02}") }
}

/// ODS dates: `2024-07-15` or `2024-07-15T14:00:00`.
fn iso_datetime(s: &str) -> Option<Cell> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Cell::DateTime { value: d.and_time(NaiveTime::MIN), time: false });
    }
    let s = s.trim_end_matches('Z');
    let value = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .ok()?;
    Some(Cell::DateTime { value, time: true })
}

// ---------------------------------------------------------------------------------------------
// Matching labels and headers

/// Memoised `schema.field` lookups: one workbook asks about the same texts many times, for
/// every kind. Per text, one slot per kind of [`KINDS`] (None = not asked yet).
struct Matcher<'a> {
    ctx: &'a Ctx,
    memo: RefCell<HashMap<String, Vec<Option<Option<&'static FieldDef>>>>>,
}

impl<'a> Matcher<'a> {
    fn new(ctx: &'a Ctx) -> Matcher<'a> {
        Matcher { ctx, memo: RefCell::new(HashMap::new()) }
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
fn is_notes_start(text: &str) -> bool {
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
}

enum Skip {
    Nothing,
    NoHeader(&'static KindDef),
}

/// A sheet being read.
struct SheetReader<'a> {
    ctx: &'a Ctx,
    m: &'a Matcher<'a>,
    display: &'a Arc<str>,
    name: Arc<str>,
    grid: &'a Grid,
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

    /// Decides what the sheet holds: by name first, then by content.
    fn plan(&self) -> Result<Plan, Skip> {
        let rows = self.rows();
        let by_name = self
            .ctx
            .schema
            .kind_for_sheet(&self.name)
            .and_then(|k| if k.collection.is_some() { Some(k) } else { parent_form(k) });
        if let Some(kind) = by_name {
            match kind.shape {
                Shape::Table => {
                    if let Some(h) = self.find_header(kind, &rows, 2) {
                        return Ok(Plan::Table(kind, h));
                    }
                }
                Shape::Form => {
                    if self.form_score(kind, &rows, 1) >= 1 {
                        return Ok(Plan::Form(kind));
                    }
                }
            }
        }
        let mut best: Option<(usize, Plan)> = None;
        let prefer_meeting = name_is_date(&self.name);
        for kind in KINDS.iter().filter(|k| k.collection.is_some()) {
            let (score, plan) = match kind.shape {
                Shape::Table => match self.find_header(kind, &rows, 3) {
                    Some(h) => (h.score, Plan::Table(kind, h)),
                    None => continue,
                },
                Shape::Form => {
                    let s = self.form_score(kind, &rows, usize::MAX);
                    if s < 3 {
                        continue;
                    }
                    (s, Plan::Form(kind))
                }
            };
            let better = match &best {
                None => true,
                Some((b, _)) => score > *b || (score == *b && prefer_meeting && kind.key == "meeting"),
            };
            if better {
                best = Some((score, plan));
            }
        }
        best.map(|(_, p)| p).ok_or(match by_name {
            Some(k) if k.shape == Shape::Table => Skip::NoHeader(k),
            _ => Skip::Nothing,
        })
    }

    /// How much a sheet looks like a form of `kind`: distinct labels found, plus the best
    /// sub-table header of its own sub-kinds.
    /// Stops counting at `enough`.
    fn form_score(&self, kind: &'static KindDef, rows: &[u32], enough: usize) -> usize {
        let mut fields = BTreeSet::new();
        let none = BTreeSet::new();
        for &r in rows.iter().take(FORM_SCAN) {
            for (f, _, _) in self.label_pairs(kind, r, &none) {
                fields.insert(f.key);
            }
            if fields.len() >= enough {
                return fields.len();
            }
        }
        let subs = sub_kinds(kind, false);
        let sub = rows
            .iter()
            .take(HEADER_SCAN)
            .filter_map(|&r| self.sub_header(r, &subs).map(|(_, h)| h.score))
            .max()
            .unwrap_or(0);
        fields.len() + sub
    }

    /// The best header row for `kind` among the first non-blank rows, single or two-level.
    fn find_header(&self, kind: &'static KindDef, rows: &[u32], min: usize) -> Option<Header> {
        let mut best: Option<(usize, Header)> = None;
        for (i, &r) in rows.iter().enumerate().take(HEADER_SCAN) {
            // A clear header was found a few rows up: what follows is data.
            if let Some((at, b)) = &best
                && i > at + 2
                && b.score >= 3
                && b.matched * 2 >= b.cells
            {
                break;
            }
            let mut cand = self.header_at(kind, r, None, min);
            if i > 0
                && rows[i - 1] + 1 == r
                && self.grid.row(r - 1).any(|(c, _)| self.grid.is_horizontal_copy(r - 1, c))
                && let Some(two) = self.header_at(kind, r, Some(r - 1), min)
                && cand.as_ref().is_none_or(|c| two.score > c.score)
            {
                cand = Some(two);
            }
            if let Some(cand) = cand
                && best.as_ref().is_none_or(|(_, b)| cand.score > b.score)
            {
                best = Some((i, cand));
            }
        }
        best.map(|(_, h)| h)
    }

    /// Reads row `r` as a header for `kind`; `parent` is the row above holding merged banners
    /// (`计划` over `开始 | 结束`). None when fewer than `min` distinct fields match.
    fn header_at(&self, kind: &'static KindDef, r: u32, parent: Option<u32>, min: usize) -> Option<Header> {
        let g = self.grid;
        let cols: Vec<u32> = match parent {
            None => g.row(r).map(|(c, _)| c).collect(),
            Some(p) => g.row(r).chain(g.row(p)).map(|(c, _)| c).collect::<BTreeSet<u32>>().into_iter().collect(),
        };
        let mut out = Header { row: r, score: 0, matched: 0, cells: 0, cols: Vec::new() };
        let mut seen = BTreeSet::new();
        for c in cols {
            // A label merged down into the data rows names a block, not a column.
            if g.get(r, c).is_some() && g.merge_continues_down(r, c) {
                continue;
            }
            // Only text cells can name a field; a number or date in a header row is kept as
            // the column's name (filled in below, if the row qualifies) but never looked up.
            let is_text = |row: u32| matches!(g.get(row, c).map(|x| &x.cell), Some(Cell::Text(_)));
            if !is_text(r) && parent.is_none_or(|p| !is_text(p)) {
                if g.label(r, c).is_some() {
                    out.cells += 1;
                    out.cols.push(HCol { col: c, text: String::new(), row: r, field: None, merged_with_prev: false });
                }
                continue;
            }
            let child = g.label(r, c);
            let up = parent.and_then(|p| g.label(p, c));
            let (text, field) = match (up, child) {
                (Some(p), Some(ch)) if p != ch => {
                    let sep = if p.is_ascii() && ch.is_ascii() { " " } else { "" };
                    let joined = format!("{p}{sep}{ch}");
                    let field = [joined.clone(), format!("{joined}时间"), format!("{joined}日期")]
                        .iter()
                        .find_map(|t| self.m.field(kind, t))
                        .or_else(|| self.m.field(kind, &ch))
                        .or_else(|| self.m.field(kind, &p));
                    (joined, field)
                }
                // Single texts are copied only if the row qualifies (below).
                (Some(p), None) => (String::new(), self.m.field(kind, &p)),
                (_, Some(ch)) => (String::new(), self.m.field(kind, &ch)),
                (None, None) => continue,
            };
            out.cells += 1;
            if let Some(f) = field {
                out.matched += 1;
                seen.insert(f.key);
            }
            let merged_with_prev = g.is_horizontal_copy(r, c);
            out.cols.push(HCol { col: c, text, row: r, field, merged_with_prev });
        }
        out.score = seen.len();
        if out.score < min.max(1) {
            return None;
        }
        for hc in out.cols.iter_mut().filter(|hc| hc.text.is_empty()) {
            hc.text = g
                .label(r, hc.col)
                .or_else(|| parent.and_then(|p| g.label(p, hc.col)))
                .map(Cow::into_owned)
                .unwrap_or_default();
        }
        Some(out)
    }

    /// A row that opens a sub-table of one of `subs`: ≥ 2 fields matched, covering at least
    /// half of the row's cells. Earlier entries of `subs` win ties.
    fn sub_header(&self, r: u32, subs: &[(Option<&'static str>, &'static KindDef)]) -> Option<(usize, Header)> {
        // Cheap test first (this runs on every row of a form): a header row has at least two
        // text cells, and one of its first three names a field of one of the kinds.
        let texts: Vec<&str> = self
            .grid
            .row(r)
            .filter(|(c, g)| g.origin.is_none_or(|o| o.1 == *c))
            .filter_map(|(_, g)| match &g.cell {
                Cell::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .take(3)
            .collect();
        if texts.len() < 2 || !subs.iter().any(|(_, k)| texts.iter().any(|t| self.m.field(k, t).is_some())) {
            return None;
        }
        let mut best: Option<(usize, Header)> = None;
        for (i, (_, kind)) in subs.iter().enumerate() {
            let Some(h) = self.header_at(kind, r, None, 2) else { continue };
            if h.matched * 2 >= h.cells && best.as_ref().is_none_or(|(_, b)| h.score > b.score) {
                best = Some((i, h));
            }
        }
        best
    }

    /// Turns a header into column targets; reports unmatched and duplicate columns once.
    fn columns(&self, kind: &'static KindDef, header: &Header, diags: &mut Vec<Diagnostic>) -> Vec<ColPlan> {
        let lang = self.lang();
        let mut plan: Vec<ColPlan> = Vec::new();
        let mut first_of: HashMap<&'static str, usize> = HashMap::new();
        // When two columns name one field, the column headed by the field's own label wins
        // over an alias (`任务ID` over `序号`); otherwise the first one.
        let mut winner: HashMap<&'static str, usize> = HashMap::new();
        for (i, hc) in header.cols.iter().enumerate().filter(|(_, hc)| !hc.merged_with_prev) {
            let Some(f) = hc.field else { continue };
            let n = normalize(&hc.text);
            let is_label = [f.label.zh_cn, f.label.zh_tw, f.label.en].iter().any(|l| normalize(l) == n);
            match winner.get(f.key) {
                None => {
                    winner.insert(f.key, i);
                }
                Some(&w) if is_label => {
                    let w_text = normalize(&header.cols[w].text);
                    if ![f.label.zh_cn, f.label.zh_tw, f.label.en].iter().any(|l| normalize(l) == w_text) {
                        winner.insert(f.key, i);
                    }
                }
                Some(_) => {}
            }
        }
        for (i, hc) in header.cols.iter().enumerate() {
            let prev = plan.len().checked_sub(1);
            let target = if hc.merged_with_prev
                && let Some(p) = prev
            {
                // One merged header over several columns: their values read as one.
                let base = match plan[p].target {
                    Target::Into(b, _) => b,
                    _ => p,
                };
                Target::Into(base, " ")
            } else {
                match hc.field {
                    Some(f) if f.ty == Type::Party => match first_of.get(f.key) {
                        None => {
                            first_of.insert(f.key, plan.len());
                            Target::Field(f)
                        }
                        // `负责部门 | 负责人`: department and person of one party.
                        Some(&base) => Target::Into(base, "/"),
                    },
                    Some(f) => match winner.get(f.key) {
                        Some(&w) if w == i => Target::Field(f),
                        _ => {
                            let w = winner.get(f.key).map_or(hc.col, |&w| header.cols[w].col);
                            let first = cell_name(header.row, w);
                            let msg = MSG_DUPLICATE.fill(
                                lang,
                                &[
                                    ("header", &hc.text),
                                    ("field", f.label.get(lang)),
                                    ("first", first.trim_end_matches(char::is_numeric)),
                                ],
                            );
                            diags.push(
                                Diagnostic::info("extra", self.loc(hc.row, hc.col), msg)
                                    .field(f.key)
                                    .value(hc.text.clone())
                                    .hint(HINT_DUPLICATE.get(lang)),
                            );
                            Target::Extra
                        }
                    },
                    None => {
                        diags.push(self.extra_info(kind, hc));
                        Target::Extra
                    }
                }
            };
            plan.push(ColPlan { col: hc.col, header: hc.text.clone(), target });
        }
        plan
    }

    fn extra_info(&self, kind: &'static KindDef, hc: &HCol) -> Diagnostic {
        let lang = self.lang();
        let msg = MSG_EXTRA.fill(lang, &[("header", &hc.text), ("kind", kind.label.get(lang))]);
        let suggestions: Vec<String> = self
            .ctx
            .schema
            .suggest(kind.key, &hc.text)
            .iter()
            .map(|f| match lang {
                Lang::En => format!("{} ({})", f.label.get(lang), f.key),
                _ => format!("{}（{}）", f.label.get(lang), f.key),
            })
            .collect();
        let hint = if suggestions.is_empty() {
            HINT_EXTRA_MAP.get(lang).to_string()
        } else {
            HINT_EXTRA_SUGGEST.fill(lang, &[("fields", &suggestions.join(if lang == Lang::En { ", " } else { "、" }))])
        };
        let mut d = Diagnostic::info("extra", self.loc(hc.row, hc.col), msg).value(hc.text.clone()).hint(hint);
        if !suggestions.is_empty() {
            d = d.expected(suggestions.join(if lang == Lang::En { ", " } else { "、" }));
        }
        d
    }

    /// What a sheet no kind claimed looks like: its header row (the row, among the first 30,
    /// with the most text cells, at least 3, with data below) and the table kind whose fields
    /// its headers name or resemble most (catalogue order breaks ties).
    fn resemblance(&self) -> Option<Resemblance> {
        let rows = self.rows();
        let texts = |r: u32| {
            self.grid
                .row(r)
                .filter(|(c, g)| g.origin.is_none_or(|o| o == (r, *c)) && matches!(g.cell, Cell::Text(_)))
                .count()
        };
        let mut header: Option<(u32, usize)> = None;
        for &r in rows.iter().take(30) {
            let n = texts(r);
            if n >= 3 && header.is_none_or(|(_, best)| n > best) {
                header = Some((r, n));
            }
        }
        let (hr, _) = header?;
        rows.iter().any(|&r| r > hr).then_some(())?;
        let headers: Vec<(Location, String)> = self
            .grid
            .row(hr)
            .filter_map(|(c, _)| self.grid.label(hr, c).map(|t| (self.loc(hr, c), t.into_owned())))
            .collect();
        let schema = &self.ctx.schema;
        let mut best: Option<(usize, usize, &'static KindDef)> = None;
        for kind in KINDS.iter().filter(|k| k.shape == Shape::Table && k.collection.is_some()) {
            let matched = headers.iter().filter(|(_, h)| schema.field(kind.key, h).is_some()).count();
            let near = headers.iter().filter(|(_, h)| !schema.suggest(kind.key, h).is_empty()).count();
            let score = matched * 2 + near;
            if score > 0 && best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, matched, kind));
            }
        }
        let (_, matched, kind) = best?;
        Some(Resemblance { sheet: self.name.to_string(), kind, headers, matched })
    }

    fn truncated(&self) -> Diagnostic {
        let lang = self.lang();
        let msg = MSG_TRUNCATED
            .fill(lang, &[("sheet", &self.name), ("rows", &MAX_ROWS.to_string()), ("cols", &MAX_COLS.to_string())]);
        Diagnostic::warning("sheet-truncated", self.sheet_loc(), msg).hint(HINT_TRUNCATED.get(lang))
    }

    fn skipped(&self, skip: Skip) -> Diagnostic {
        let lang = self.lang();
        match skip {
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

    // -----------------------------------------------------------------------------------------
    // Tables

    fn read_table(&self, kind: &'static KindDef, header: &Header, out: &mut FileRead) {
        let plan = self.columns(kind, header, &mut out.diags);
        let rows = self.rows();
        let start = rows.partition_point(|&r| r <= header.row);
        let signoff = crate::schema::kind("signoff");
        let subs: Vec<(Option<&'static str>, &'static KindDef)> =
            signoff.filter(|s| s.key != kind.key).map(|s| (None, s)).into_iter().collect();
        // Checked on every data row, so first a single lookup: sign-off headers start with one
        // of their labels (签字阶段, 部门, 姓名…).
        let stop = |r: u32| {
            subs.first().is_some_and(|(_, sk)| {
                let first = self.grid.row(r).find_map(|(_, g)| match &g.cell {
                    Cell::Text(t) if g.origin.is_none() => Some(t.as_str()),
                    _ => None,
                });
                first.is_some_and(|t| self.m.field(sk, t).is_some())
            }) && self.sub_header(r, &subs).is_some()
        };
        let (records, next) = self.read_rows(kind, &plan, header, &rows[start..], Mode::Table, &stop, &mut out.diags);
        out.records.extend(records);
        // A sign-off block under the table (各部门负责人签字).
        let mut i = start + next;
        while i < rows.len() {
            let Some((_, h)) = self.sub_header(rows[i], &subs) else { break };
            let sk = subs[0].1;
            let plan = self.columns(sk, &h, &mut out.diags);
            let (records, used) = self.read_rows(sk, &plan, &h, &rows[i + 1..], Mode::Sub, &stop, &mut out.diags);
            out.records.extend(records);
            i += 1 + used;
        }
    }

    /// Reads records from `rows` (the rows after `header`) until the run ends; returns them and
    /// how many rows were consumed.
    #[allow(clippy::too_many_arguments)]
    fn read_rows(
        &self,
        kind: &'static KindDef,
        plan: &[ColPlan],
        header: &Header,
        rows: &[u32],
        mode: Mode,
        stop: &dyn Fn(u32) -> bool,
        diags: &mut Vec<Diagnostic>,
    ) -> (Vec<RawRecord>, usize) {
        let g = self.grid;
        let first_col = plan.first().map_or(0, |c| c.col);
        let mut records = Vec::new();
        let mut prev = header.row;
        let mut used = 0;
        for &r in rows {
            if mode == Mode::Sub && (r > prev + 1 || g.is_blank(r)) {
                break;
            }
            prev = r;
            let first = g.row(r).find(|(c, g)| !g.cell.is_empty() && !self.grid.is_horizontal_copy(r, *c));
            let Some((c0, first)) = first.filter(|_| !g.is_blank(r)) else {
                used += 1;
                continue;
            };
            if let Cell::Text(t) = &first.cell
                && is_notes_start(t)
            {
                break;
            }
            if stop(r) {
                break;
            }
            used += 1;
            // A template's help row sits right under its header, never further down.
            let near_header = used <= 2;
            if self.is_repeated_header(r, plan, header)
                || self.is_banner(r, c0)
                || (near_header && self.is_help_row(r, plan))
            {
                continue;
            }
            if let Some(rec) = self.record_of_row(kind, plan, r, first_col, diags) {
                records.push(rec);
            }
        }
        (records, used)
    }

    /// A header row repeated inside the data (printed pages, pasted blocks).
    fn is_repeated_header(&self, r: u32, plan: &[ColPlan], header: &Header) -> bool {
        let same = plan.iter().filter(|c| self.grid.label(r, c.col).is_some_and(|t| t == c.header)).count();
        same >= 2.max(header.score)
    }

    /// A row of fill-in help under the header (a template's 填写说明 row): two or more cells
    /// repeat their field's help text.
    fn is_help_row(&self, r: u32, plan: &[ColPlan]) -> bool {
        let help = plan
            .iter()
            .filter(|cp| match cp.target {
                Target::Field(f) => self.grid.get(r, cp.col).is_some_and(|g| is_help_text(f, &g.cell)),
                _ => false,
            })
            .count();
        help >= 2
    }

    /// A section title merged across the table (`一、筹备阶段`).
    fn is_banner(&self, r: u32, c0: u32) -> bool {
        let real: Vec<u32> = self.grid.row(r).filter(|(_, g)| g.origin.is_none()).map(|(c, _)| c).collect();
        real == [c0] && self.grid.is_horizontal_copy(r, c0 + 1)
    }

    fn record_of_row(
        &self,
        kind: &'static KindDef,
        plan: &[ColPlan],
        r: u32,
        first_col: u32,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<RawRecord> {
        // Values per plan column, joined columns folded into their base.
        let mut vals: Vec<Option<(Cell, u32, bool)>> = vec![None; plan.len()];
        for (i, cp) in plan.iter().enumerate() {
            let Some(g) = self.grid.get(r, cp.col).filter(|g| !g.cell.is_empty()) else { continue };
            match cp.target {
                Target::Into(base, sep) => {
                    let slot = &mut vals[base];
                    *slot = Some(match slot.take() {
                        None => (g.cell.clone(), cp.col, g.formula),
                        Some((a, c, f)) if a == g.cell && g.origin.is_some() => (a, c, f),
                        Some((a, c, f)) => {
                            (Cell::Text(format!("{}{sep}{}", a.display(), g.cell.display())), c, f || g.formula)
                        }
                    });
                }
                _ => vals[i] = Some((g.cell.clone(), cp.col, g.formula)),
            }
        }
        let mut rec = RawRecord::new(kind, self.loc(r, first_col));
        for (cp, val) in plan.iter().zip(vals) {
            let Some((cell, c, formula)) = val else { continue };
            let base = match cp.target {
                Target::Into(b, _) => &plan[b],
                _ => cp,
            };
            match base.target {
                Target::Field(f) => {
                    if formula {
                        diags.push(self.formula_warning(f.label.get(self.lang()), f.key, &cell, r, c));
                    }
                    rec.fields.push(RawField { key: f.key, cell, loc: self.loc(r, c) });
                }
                _ => {
                    if formula {
                        diags.push(self.formula_warning(&base.header, "", &cell, r, c));
                    }
                    rec.extra.push((base.header.clone(), cell.display()));
                }
            }
        }
        (!rec.fields.is_empty()).then_some(rec)
    }

    fn formula_warning(&self, label: &str, key: &str, cell: &Cell, r: u32, c: u32) -> Diagnostic {
        let lang = self.lang();
        let formula = cell.display();
        let msg = MSG_FORMULA.fill(lang, &[("field", label), ("formula", &formula)]);
        let mut d = Diagnostic::warning("formula", self.loc(r, c), msg)
            .value(formula)
            .expected(EXPECTED_FORMULA.get(lang))
            .hint(HINT_FORMULA.get(lang));
        if !key.is_empty() {
            d = d.field(key);
        }
        d
    }

    // -----------------------------------------------------------------------------------------
    // Forms

    /// Label/value pairs of row `r` for `kind`: the row's first cell must be a label (or
    /// `label：value` in one cell); later pairs on the same row are read too
    /// (`项目名称 | X | 验收日期 | Y`). Values skip instruction columns and the seed's own
    /// fill-in help text.
    fn label_pairs(&self, kind: &'static KindDef, r: u32, instr: &BTreeSet<u32>) -> Vec<LabelPair> {
        let g = self.grid;
        let cells: Vec<(u32, &GCell)> = g
            .row(r)
            .filter(|(c, gc)| !gc.cell.is_empty() && !instr.contains(c) && !g.is_horizontal_copy(r, *c))
            .collect();
        let label_of = |gc: &GCell| match &gc.cell {
            Cell::Text(t) => self.m.field(kind, t),
            _ => None,
        };
        let mut pairs = Vec::new();
        let mut i = 0;
        while i < cells.len() {
            let (c, gc) = cells[i];
            if let Some(f) = label_of(gc) {
                let value = cells.get(i + 1).filter(|(_, v)| label_of(v).is_none());
                let value = match value {
                    Some((_, v)) if is_help_text(f, &v.cell) => {
                        // The seed's 填写说明 sits between label and value: take the next cell.
                        i += 1;
                        cells.get(i + 1).filter(|(_, v)| label_of(v).is_none())
                    }
                    other => other,
                };
                match value {
                    Some((vc, v)) => {
                        pairs.push((f, c, Some((v.cell.clone(), *vc, v.formula))));
                        i += 2;
                    }
                    None => {
                        pairs.push((f, c, None));
                        i += 1;
                    }
                }
                continue;
            }
            if let Cell::Text(t) = &gc.cell
                && let Some((f, rest)) = self.split_label(kind, t)
            {
                pairs.push((f, c, Some((Cell::Text(rest), c, false))));
                i += 1;
                continue;
            }
            if pairs.is_empty() {
                // The first cell is not a label: not a label row.
                return pairs;
            }
            i += 1;
        }
        pairs
    }

    /// Whether row `r` starts with a label of its own (not a copy of a label merged down
    /// beside a sub-table).
    fn starts_with_label(&self, kind: &'static KindDef, r: u32, instr: &BTreeSet<u32>) -> bool {
        let first = self.grid.row(r).find(|(c, g)| !g.cell.is_empty() && !instr.contains(c));
        first.is_some_and(|(_, g)| g.origin.is_none()) && !self.label_pairs(kind, r, instr).is_empty()
    }

    /// `会议时间：2023年9月15日` in one cell.
    fn split_label(&self, kind: &'static KindDef, text: &str) -> Option<(&'static FieldDef, String)> {
        let (at, colon) = text.char_indices().find(|(_, ch)| *ch == ':' || *ch == '：')?;
        let (label, rest) = (&text[..at], text[at + colon.len_utf8()..].trim());
        if rest.is_empty() {
            return None;
        }
        self.m.field(kind, label).map(|f| (f, rest.to_string()))
    }

    fn read_form(&self, kind: &'static KindDef, out: &mut FileRead) {
        let g = self.grid;
        let subs = sub_kinds(kind, true);
        let rows: Vec<u32> = g.rows.keys().copied().collect();
        let mut instr: BTreeSet<u32> = BTreeSet::new();
        let mut values: FormValues = Vec::new();
        let mut first_loc: Option<Location> = None;
        let mut sub_records: Vec<(&'static str, Vec<RawRecord>)> = Vec::new();
        let mut signoffs: Vec<RawRecord> = Vec::new();
        // The last label read and its column, for values continuing on the rows below.
        let mut last: Option<(&'static FieldDef, u32)> = None;
        let mut prev: Option<u32> = None;
        let mut i = 0;
        while i < rows.len() {
            let r = rows[i];
            if prev.is_some_and(|p| r > p + 1) || g.is_blank(r) {
                last = None;
            }
            prev = Some(r);
            if g.is_blank(r) {
                i += 1;
                continue;
            }
            if let Some((which, h)) = self.sub_header(r, &subs) {
                let (parent, sk) = subs[which];
                let plan = self.columns(sk, &h, &mut out.diags);
                let stop =
                    |row: u32| self.sub_header(row, &subs).is_some() || self.starts_with_label(kind, row, &instr);
                let (records, used) = self.read_rows(sk, &plan, &h, &rows[i + 1..], Mode::Sub, &stop, &mut out.diags);
                if first_loc.is_none() {
                    first_loc = Some(self.loc(r, h.cols.first().map_or(0, |c| c.col)));
                }
                match parent {
                    Some(key) => match sub_records.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, list)) => list.extend(records),
                        None => sub_records.push((key, records)),
                    },
                    None => signoffs.extend(records),
                }
                i += 1 + used;
                prev = rows.get(i.saturating_sub(1)).copied();
                last = None;
                continue;
            }
            let pairs = self.label_pairs(kind, r, &instr);
            if !pairs.is_empty() {
                for (f, label_col, value) in pairs {
                    if first_loc.is_none() {
                        first_loc = Some(self.loc(r, label_col));
                    }
                    last = Some((f, label_col));
                    if let Some((cell, c, formula)) = value {
                        push(&mut values, f, (cell, r, c, formula));
                    }
                }
                i += 1;
                continue;
            }
            let cells: Vec<(u32, &GCell)> =
                g.row(r).filter(|(c, gc)| !gc.cell.is_empty() && !g.is_horizontal_copy(r, *c)).collect();
            let found: Vec<u32> = cells
                .iter()
                .filter(|(_, gc)| matches!(&gc.cell, Cell::Text(t) if is_instruction_header(t)))
                .map(|(c, _)| *c)
                .collect();
            if !found.is_empty() {
                instr.extend(found);
                last = None;
                i += 1;
                continue;
            }
            // A value continuing under its label (`目标达成情况` over two rows of metrics).
            if let Some((f, label_col)) = last
                && matches!(f.ty, Type::List | Type::Sub(_) | Type::Text | Type::Markdown)
                && let Some((c, gc)) = cells.iter().find(|(c, _)| !instr.contains(c))
                && *c > label_col
                && !matches!(&gc.cell, Cell::Text(t) if is_notes_start(t))
            {
                push(&mut values, f, (gc.cell.clone(), r, *c, gc.formula));
            } else {
                last = None;
            }
            i += 1;
        }
        if values.is_empty() && sub_records.is_empty() {
            out.records.extend(signoffs);
            return;
        }
        let loc = first_loc.unwrap_or_else(|| self.sheet_loc());
        let mut rec = RawRecord::new(kind, loc);
        for (f, list) in values {
            for (cell, r, c, formula) in &list {
                if *formula {
                    out.diags.push(self.formula_warning(f.label.get(self.lang()), f.key, cell, *r, *c));
                }
            }
            let (_, r, c, _) = list[0];
            let mut cells = list.iter().map(|v| v.0.clone());
            let cell = match f.ty {
                _ if list.len() == 1 => cells.next().unwrap_or(Cell::Empty),
                // Text continuing over several rows is one text.
                Type::Text | Type::Markdown => Cell::Text(cells.map(|c| c.display()).collect::<Vec<_>>().join("\n")),
                Type::List | Type::Sub(_) | Type::Parties => Cell::List(cells.collect()),
                // A single value given twice: the first wins, the others are kept as extra.
                _ => {
                    let lang = self.lang();
                    for (dup, dr, dc, _) in &list[1..] {
                        let label = f.label.get(lang);
                        let first = cell_name(r, c);
                        let msg = MSG_DUPLICATE_LABEL.fill(lang, &[("field", label), ("first", &first)]);
                        out.diags.push(
                            Diagnostic::info("extra", self.loc(*dr, *dc), msg)
                                .field(f.key)
                                .value(dup.display())
                                .hint(HINT_DUPLICATE_LABEL.get(lang)),
                        );
                        rec.extra.push((label.to_string(), dup.display()));
                    }
                    cells.next().unwrap_or(Cell::Empty)
                }
            };
            rec.fields.push(RawField { key: f.key, cell, loc: self.loc(r, c) });
        }
        rec.subs = sub_records;
        out.records.push(rec);
        out.records.extend(signoffs);
    }
}

/// A form label's field, its column, and its value cell (value, column, formula without result).
type LabelPair = (&'static FieldDef, u32, Option<(Cell, u32, bool)>);

type FormValues = Vec<(&'static FieldDef, Vec<(Cell, u32, u32, bool)>)>;

/// Adds a value read for a form field (a label may repeat or continue on the rows below).
fn push(values: &mut FormValues, f: &'static FieldDef, v: (Cell, u32, u32, bool)) {
    match values.iter_mut().find(|(k, _)| k.key == f.key) {
        Some((_, list)) => list.push(v),
        None => values.push((f, vec![v])),
    }
}

/// Sub-kinds a form may hold as sub-tables, by parent field key; sign-offs (no parent) last.
fn sub_kinds(kind: &'static KindDef, with_signoff: bool) -> Vec<(Option<&'static str>, &'static KindDef)> {
    let mut subs: Vec<(Option<&'static str>, &'static KindDef)> = kind
        .fields
        .iter()
        .filter_map(|f| match f.ty {
            Type::Sub(sub) => schema::kind(sub).map(|k| (Some(f.key), k)),
            _ => None,
        })
        .collect();
    if with_signoff && let Some(s) = schema::kind("signoff") {
        subs.push((None, s));
    }
    subs
}

/// Whether a cell repeats the seed's fill-in help for the field (an instruction column
/// without a header).
fn is_help_text(f: &FieldDef, cell: &Cell) -> bool {
    let Cell::Text(t) = cell else { return false };
    let n = normalize(t);
    !n.is_empty() && [f.help.zh_cn, f.help.zh_tw, f.help.en].iter().any(|h| !h.is_empty() && normalize(h) == n)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    use chrono::NaiveDateTime;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

    use super::*;
    use crate::diag::Severity;
    use crate::schema::Schema;

    fn ctx(lang: Lang) -> Ctx {
        Ctx::new(lang, NaiveDate::from_ymd_opt(2024, 10, 20).unwrap(), Schema::default())
    }

    fn read_in(path: &Path, lang: Lang) -> FileRead {
        let display: Arc<str> = Arc::from(path.file_name().unwrap().to_string_lossy().as_ref());
        read(path, &display, &ctx(lang))
    }

    fn read_zh(path: &Path) -> FileRead {
        read_in(path, Lang::ZhCn)
    }

    /// Writes text rows from (top, left); empty strings are left blank.
    fn put(ws: &mut Worksheet, top: u32, left: u16, rows: &[&[&str]]) {
        for (i, row) in rows.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(top + i as u32, left + j as u16, *v).unwrap();
                }
            }
        }
    }

    fn date(y: u16, m: u8, d: u8) -> ExcelDateTime {
        ExcelDateTime::from_ymd(y, m, d).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_time(NaiveTime::MIN)
    }

    fn cell<'a>(rec: &'a RawRecord, key: &str) -> Option<&'a Cell> {
        rec.fields.iter().find(|f| f.key == key).map(|f| &f.cell)
    }

    fn text(rec: &RawRecord, key: &str) -> String {
        cell(rec, key).map(Cell::display).unwrap_or_default()
    }

    fn at(rec: &RawRecord, key: &str) -> String {
        rec.fields.iter().find(|f| f.key == key).and_then(|f| f.loc.cell.clone()).unwrap_or_default()
    }

    fn of_kind<'a>(read: &'a FileRead, kind: &str) -> Vec<&'a RawRecord> {
        read.records.iter().filter(|r| r.kind.key == kind).collect()
    }

    fn codes(read: &FileRead) -> Vec<&'static str> {
        read.diags.iter().map(|d| d.code).collect()
    }

    fn tmp() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    /// seed 000 模板2, as people really lay it out: a merged title banner, a blank row,
    /// the table starting in column B, real dates, a %-formatted progress column and a
    /// 填表说明 block under the table.
    fn seed_task_book(path: &Path) {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("任务分工与进度跟踪表").unwrap();
        let bold = Format::new().set_bold();
        ws.merge_range(0, 1, 0, 11, "2024年Q3新品上市推广 任务分工与进度跟踪表", &bold).unwrap();
        let headers: &[&str] = &[
            "任务ID",
            "子任务名称",
            "负责部门/人",
            "协作部门/人",
            "计划开始时间",
            "计划结束时间",
            "实际完成时间",
            "当前状态",
            "完成比例",
            "交付成果",
            "优先级",
        ];
        put(ws, 2, 1, &[headers]);
        let df = Format::new().set_num_format("yyyy-mm-dd");
        let pct = Format::new().set_num_format("0%");
        let rows = [
            (
                "1.1",
                "活动方案设计",
                "市场部*",
                "产品部*",
                (7, 15),
                (7, 25),
                Some((7, 24)),
                "已完成",
                1.0,
                "《推广活动方案V1.0》",
                "P0",
            ),
            (
                "1.2",
                "产品卖点提炼",
                "产品部*",
                "市场部*",
                (7, 16),
                (7, 20),
                Some((7, 20)),
                "已完成",
                1.0,
                "《产品核心卖点清单》",
                "P0",
            ),
            (
                "2.1",
                "宣传物料制作",
                "设计部*",
                "市场部*",
                (7, 26),
                (8, 5),
                Some((8, 6)),
                "阻塞",
                0.6,
                "海报、宣传册(待修改)",
                "P1",
            ),
            (
                "3.1",
                "渠道对接",
                "销售部*",
                "渠道商A公司*",
                (7, 20),
                (7, 30),
                Some((7, 31)),
                "已完成",
                1.0,
                "《渠道合作协议》",
                "P0",
            ),
        ];
        for (i, t) in rows.iter().enumerate() {
            let r = 3 + i as u32;
            put(ws, r, 1, &[&[t.0, t.1, t.2, t.3]]);
            ws.write_datetime_with_format(r, 5, date(2024, t.4.0, t.4.1), &df).unwrap();
            ws.write_datetime_with_format(r, 6, date(2024, t.5.0, t.5.1), &df).unwrap();
            if let Some((m, d)) = t.6 {
                ws.write_datetime_with_format(r, 7, date(2024, m, d), &df).unwrap();
            }
            ws.write_string(r, 8, t.7).unwrap();
            ws.write_number_with_format(r, 9, t.8, &pct).unwrap();
            put(ws, r, 10, &[&[t.9, t.10]]);
        }
        put(ws, 8, 1, &[&["填表说明:1.任务ID按层级编号;2.日期格式为YYYY-MM-DD"], &["9.9", "不应读取的行"]]);
        wb.save(path).unwrap();
    }

    #[test]
    fn seed_task_table_under_a_title_banner_reads_every_task_with_absolute_cells() {
        let dir = tmp();
        let path = dir.path().join("计划表.xlsx");
        seed_task_book(&path);
        let read = read_zh(&path);
        assert!(read.diags.is_empty(), "{:#?}", read.diags);
        let tasks = of_kind(&read, "task");
        let ids: Vec<String> = tasks.iter().map(|t| text(t, "id")).collect();
        // seed 000 模板2: four tasks; the notes block ends the table.
        assert_eq!(ids, ["1.1", "1.2", "2.1", "3.1"]);
        let t = tasks[0];
        assert_eq!(t.loc.to_string(), "计划表.xlsx › 任务分工与进度跟踪表 › B4");
        assert_eq!(text(t, "owner"), "市场部*");
        assert_eq!(at(t, "owner"), "D4");
        assert_eq!(cell(t, "planned_start"), Some(&Cell::DateTime { value: day(2024, 7, 15), time: false }));
        assert_eq!(cell(t, "progress"), Some(&Cell::Number { value: 1.0, percent: true }));
        assert_eq!(cell(tasks[2], "progress").map(Cell::display).as_deref(), Some("60%"));
        assert_eq!(text(tasks[2], "status"), "阻塞");
        assert_eq!(text(tasks[3], "priority"), "P0");
    }

    /// seed 000 模板3 on a sheet named `Sheet1`: recognised by its headers; text dates stay
    /// text for typing; an unknown column is kept as extra and reported once.
    #[test]
    fn risk_register_is_found_by_its_headers_and_keeps_unknown_columns_as_extra() {
        let dir = tmp();
        let path = dir.path().join("风险.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        put(
            ws,
            0,
            0,
            &[
                &[
                    "记录ID",
                    "风险/问题描述",
                    "影响等级",
                    "责任部门/人",
                    "发生时间",
                    "计划解决时间",
                    "实际解决时间",
                    "解决措施",
                    "处理结果",
                    "风险系数",
                ],
                &[
                    "001",
                    "宣传物料设计不符合品牌规范",
                    "高",
                    "设计部*",
                    "2024-08-06",
                    "2024-08-07",
                    "2024-08-07",
                    "重新设计,增加品牌审核环节",
                    "已解决",
                    "0.3",
                ],
                &[
                    "002",
                    "数据监测系统响应延迟",
                    "中",
                    "技术部*",
                    "2024-08-08",
                    "2024-08-10",
                    "2024-08-09",
                    "升级服务器,优化数据接口",
                    "已解决",
                    "0.2",
                ],
                &[],
                &[
                    "003",
                    "线下活动场地临时取消",
                    "高",
                    "运营部*",
                    "2024-08-15",
                    "2024-08-16",
                    "2024-08-16",
                    "启用备用场地,同步调整通知用户",
                    "已解决",
                    "",
                ],
            ],
        );
        wb.save(&path).unwrap();
        let read = read_zh(&path);
        let risks = of_kind(&read, "risk");
        assert_eq!(risks.iter().map(|r| text(r, "id")).collect::<Vec<_>>(), ["001", "002", "003"]);
        assert_eq!(cell(risks[0], "raised_on"), Some(&Cell::Text("2024-08-06".into())));
        assert_eq!(text(risks[0], "result"), "已解决");
        assert_eq!(risks[0].extra, [("风险系数".to_string(), "0.3".to_string())]);
        assert!(risks[2].extra.is_empty());
        let extra: Vec<&Diagnostic> = read.diags.iter().filter(|d| d.code == "extra").collect();
        assert_eq!(extra.len(), 1, "one info per column, not per row: {:#?}", read.diags);
        assert_eq!(extra[0].severity, Severity::Info);
        assert_eq!(extra[0].loc.cell.as_deref(), Some("J1"));
        assert_eq!(extra[0].value.as_deref(), Some("风险系数"));
        assert!(extra[0].message.contains("风险系数"), "{}", extra[0].message);
    }

    #[test]
    fn unmatched_header_gets_suggestions_and_a_duplicate_header_keeps_the_first_column() {
        let dir = tmp();
        let path = dir.path().join("t.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("Tasks").unwrap();
        put(
            ws,
            0,
            0,
            &[
                &["Task ID", "Task", "Owner", "Status", "Status", "Planned strt"],
                &["1", "Kick-off", "PMO / Li Na", "Done", "In progress", "2024-07-01"],
            ],
        );
        wb.save(&path).unwrap();
        let read = read_in(&path, Lang::En);
        let t = of_kind(&read, "task")[0];
        assert_eq!(text(t, "status"), "Done");
        assert!(t.extra.contains(&("Status".to_string(), "In progress".to_string())));
        let dup = read.diags.iter().find(|d| d.loc.cell.as_deref() == Some("E1")).expect("duplicate reported");
        assert_eq!(dup.field.as_deref(), Some("status"));
        assert!(dup.message.contains("column D"), "{}", dup.message);
        let typo = read.diags.iter().find(|d| d.loc.cell.as_deref() == Some("F1")).expect("unmatched reported");
        assert!(typo.hint.as_deref().unwrap_or("").contains("planned_start"), "{typo:#?}");
    }

    #[test]
    fn a_column_headed_by_the_fields_label_wins_over_an_alias() {
        let dir = tmp();
        let path = dir.path().join("t.xlsx");
        let mut wb = Workbook::new();
        put(
            wb.add_worksheet().set_name("任务").unwrap(),
            0,
            0,
            &[&["序号", "任务ID", "子任务名称"], &["1", "1.1", "方案"]],
        );
        wb.save(&path).unwrap();
        let read = read_zh(&path);
        let t = of_kind(&read, "task")[0];
        assert_eq!(text(t, "id"), "1.1");
        assert_eq!(t.extra, [("序号".to_string(), "1".to_string())]);
        assert_eq!(codes(&read), ["extra"]);
        assert!(read.diags[0].message.contains(" B "), "{}", read.diags[0].message);
    }

    /// seed 000 模板1 as a three-column form (字段名称 | 填写说明 | 示例): the value is the
    /// example column, never the instructions.
    #[test]
    fn requirement_form_skips_the_instructions_column() {
        let dir = tmp();
        let path = dir.path().join("需求.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("需求登记表").unwrap();
        ws.merge_range(0, 0, 0, 2, "跨部门协作需求登记表", &Format::new()).unwrap();
        put(
            ws,
            1,
            0,
            &[
                &["字段名称", "填写说明", "示例"],
                &["需求编号", "按年份+部门+序号编制(如“2024-MKT-001”)", "2024-MKT-001"],
                &["发起部门", "提出需求的部门", "市场部"],
                &["发起人", "需求对接人(姓名用*代替)", "*"],
                &["协作主题", "需求核心内容(简洁明了)", "2024年Q3新品上市推广"],
                &["目标描述", "需达成的具体目标(可量化)", "3个月内实现新品销售额500万元"],
                &["涉及部门", "需协作的内部/外部部门", "产品部、销售部、设计部、渠道商A公司"],
                &["时间节点", "计划开始/结束时间(精确到日)", "2024-07-15至2024-09-30"],
                &["需求优先级", "高(P0)/中(P1)/低(P2)", "P0"],
                &["需求状态", "待评审/已确认/执行中/已完成/已驳回", "待评审"],
                &["备注", "其他说明(如特殊要求、限制条件)", "需保证活动符合最新广告法规定"],
            ],
        );
        wb.save(&path).unwrap();
        let read = read_zh(&path);
        assert!(read.diags.is_empty(), "{:#?}", read.diags);
        let [req] = of_kind(&read, "requirement")[..] else { panic!("{:#?}", read.records) };
        assert_eq!(text(req, "id"), "2024-MKT-001");
        assert_eq!(at(req, "id"), "C3");
        assert_eq!(req.loc.cell.as_deref(), Some("A3"));
        assert_eq!(text(req, "initiator"), "*");
        assert_eq!(text(req, "start"), "2024-07-15至2024-09-30");
        assert_eq!(text(req, "priority"), "P0");
        assert_eq!(text(req, "notes"), "需保证活动符合最新广告法规定");
    }

    /// Without a header row, a cell repeating the seed's own help text is not taken as the value.
    #[test]
    fn form_value_skips_the_seeds_help_text_without_a_header() {
        let dir = tmp();
        let path = dir.path().join("req.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("需求表").unwrap();
        put(
            ws,
            0,
            0,
            &[
                &["需求编号", "按年份+部门+序号编制(如“2024-MKT-001”)", "2024-MKT-002"],
                &["发起部门：", "销售部"],
                &["协作主题：新品推广"],
            ],
        );
        wb.save(&path).unwrap();
        let read = read_zh(&path);
        let req = of_kind(&read, "requirement")[0];
        assert_eq!(text(req, "id"), "2024-MKT-002");
        assert_eq!(text(req, "department"), "销售部");
        // `label：value` in one cell.
        assert_eq!(text(req, "title"), "新品推广");
        assert_eq!(at(req, "title"), "A3");
    }

    /// Text over several rows is one text; a single value given twice keeps the first.
    #[test]
    fn continued_text_joins_and_a_repeated_single_value_keeps_the_first() {
        let dir = tmp();
        let path = dir.path().join("m.xlsx");
        let mut wb = Workbook::new();
        put(
            wb.add_worksheet().set_name("会议纪要").unwrap(),
            0,
            0,
            &[
                &["会议主题", "周例会"],
                &["会议时间", "2024-09-05 14:00"],
                &["讨论内容摘要", "1.进展回顾"],
                &["", "2.问题讨论"],
                &["会议时间", "2024-09-06 14:00"],
            ],
        );
        wb.save(&path).unwrap();
        let read = read_in(&path, Lang::En);
        let m = of_kind(&read, "meeting")[0];
        assert_eq!(cell(m, "summary"), Some(&Cell::Text("1.进展回顾\n2.问题讨论".into())));
        assert_eq!(text(m, "start"), "2024-09-05 14:00");
        assert_eq!(m.extra, [("Time".to_string(), "2024-09-06 14:00".to_string())]);
        let d = read.diags.iter().find(|d| d.code == "extra").expect("duplicate reported");
        assert_eq!(d.loc.cell.as_deref(), Some("B5"));
        assert!(d.message.contains("B2"), "{}", d.message);
    }

    /// seed 000 模板4: label/value pairs side by side, a label merged over two rows of metrics,
    /// and the 各部门负责人签字 block as a sign-off sub-table.
    #[test]
    fn retrospective_form_reads_side_by_side_pairs_merged_labels_and_signoffs() {
        let dir = tmp();
        let path = dir.path().join("复盘.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("成果验收与复盘表").unwrap();
        let f = Format::new();
        ws.merge_range(0, 0, 0, 4, "成果验收与复盘表", &f).unwrap();
        put(ws, 1, 0, &[&["项目名称", "2024年Q3新品上市推广活动", "验收日期"]]);
        ws.write_datetime_with_format(
            1,
            3,
            date(2024, 10, 10),
            &Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\""),
        )
        .unwrap();
        put(ws, 2, 0, &[&["发起部门", "市场部", "验收小组", "市场部、销售部、产品部*"]]);
        ws.merge_range(3, 0, 4, 0, "目标达成情况", &f).unwrap();
        ws.merge_range(3, 1, 3, 4, "销售额520万元(目标500万元,超额4%)", &f).unwrap();
        ws.merge_range(4, 1, 4, 4, "用户参与量15万人次(目标12万人次,超额25%)", &f).unwrap();
        put(
            ws,
            5,
            0,
            &[
                &["交付成果清单", "1.《推广活动总结报告》\n2.《销售数据统计表》\n3.用户反馈分析报告"],
                &["成果质量评价", "优秀(方案执行到位,数据完整)"],
                &["协作亮点", "1.跨部门周例会机制高效,信息同步及时"],
                &["", "2.风险预案完善,场地问题2小时内解决"],
                &["存在问题", "1.数据监测反馈延迟,影响实时决策"],
                &["改进措施", "1.建立“数据日报机制”,指定技术部*专人负责监测"],
                &["复盘人", "市场部*", "复盘日期", "2024-10-15"],
                &[],
                &["各部门负责人签字"],
                &["签字阶段", "部门", "姓名", "意见", "日期"],
                &["成果验收", "市场部", "*", "同意", "2024-10-10"],
                &["成果验收", "销售部", "*", "有条件同意", "2024-10-11"],
            ],
        );
        wb.save(&path).unwrap();
        let read = read_zh(&path);
        assert!(read.diags.is_empty(), "{:#?}", read.diags);
        let [retro] = of_kind(&read, "retrospective")[..] else { panic!("{:#?}", read.records) };
        assert_eq!(text(retro, "project"), "2024年Q3新品上市推广活动");
        assert_eq!(cell(retro, "accepted_on"), Some(&Cell::DateTime { value: day(2024, 10, 10), time: false }));
        assert_eq!(at(retro, "accepted_on"), "D2");
        assert_eq!(text(retro, "panel"), "市场部、销售部、产品部*");
        assert_eq!(
            cell(retro, "metrics"),
            Some(&Cell::List(vec![
                Cell::Text("销售额520万元(目标500万元,超额4%)".into()),
                Cell::Text("用户参与量15万人次(目标12万人次,超额25%)".into()),
            ]))
        );
        assert_eq!(at(retro, "metrics"), "B4");
        // A value continuing on the next row under an empty label cell.
        assert!(matches!(cell(retro, "highlights"), Some(Cell::List(v)) if v.len() == 2));
        assert_eq!(text(retro, "quality"), "优秀(方案执行到位,数据完整)");
        assert_eq!(text(retro, "reviewer"), "市场部*");
        assert_eq!(text(retro, "reviewed_on"), "2024-10-15");
        let signoffs = of_kind(&read, "signoff");
        assert_eq!(signoffs.len(), 2);
        assert_eq!(text(signoffs[1], "decision"), "有条件同意");
        assert_eq!(signoffs[0].loc.cell.as_deref(), Some("A16"));
        // Records come in file order: the form, then its sign-offs.
        assert_eq!(read.records[0].kind.key, "retrospective");
    }

    fn meeting_sheet(ws: &mut Worksheet, title: &str, day: &str) {
        put(
            ws,
            0,
            0,
            &[
                &["会议主题", title],
                &["会议类型", "阶段性复盘会"],
                &["会议时间", day],
                &["地点", "3楼会议室"],
                &["主持人", "市场部*"],
                &["参会人员"],
                &["姓名", "部门", "角色"],
                &["赵六", "财务部", "核心决策者"],
                &["孙七", "销售部", "执行负责人"],
                &[],
                &["议题", "讨论目标", "预计时长(分钟)", "负责人"],
                &["上次行动项进展回顾", "确认完成情况", "10", "主持人"],
                &["Q3市场推广预算分配方案讨论", "确定预算分配", "30", "财务部*"],
                &[],
                &["讨论内容摘要", "1.市场部汇报活动整体框架;2.销售部提出渠道分成优化建议"],
                &["决议事项", "1.活动周期定为11.1-11.11"],
                &["行动项清单"],
                &["序号", "任务描述", "负责人", "截止日期", "交付标准", "优先级", "备注"],
                &["1", "整理Q3预算分配表", "赵六", "2023-06-30", "包含各部门额度、使用场景、KPI", "高", ""],
                &["2", "收集销售终端反馈", "孙七", "2023-07-05", "提交10个典型案例及改进建议", "高", "加急"],
                &["下次会议时间", "2023-07-15 10:00"],
                &[],
                &["签字阶段", "部门", "姓名", "意见", "日期"],
                &["纪要确认", "市场部", "*", "同意", "2023-06-20"],
            ],
        );
    }

    /// seed 001: a meeting form with attendee, agenda and action sub-tables and a sign-off
    /// block; two meeting sheets are two meetings.
    #[test]
    fn meeting_forms_read_sub_tables_under_their_parent_fields() {
        let dir = tmp();
        let path = dir.path().join("会议.xlsx");
        let mut wb = Workbook::new();
        meeting_sheet(wb.add_worksheet().set_name("会议纪要1").unwrap(), "预算评审会", "2023年6月20日14:00-16:00");
        meeting_sheet(wb.add_worksheet().set_name("18.8.27").unwrap(), "复盘会", "2023年7月15日10:00-11:00");
        wb.save(&path).unwrap();
        let read = read_zh(&path);
        let meetings = of_kind(&read, "meeting");
        assert_eq!(meetings.len(), 2, "{:#?}", read.records);
        let m = meetings[0];
        assert_eq!(text(m, "title"), "预算评审会");
        assert_eq!(text(m, "start"), "2023年6月20日14:00-16:00");
        assert_eq!(text(m, "next_meeting"), "2023-07-15 10:00");
        assert_eq!(text(meetings[1], "title"), "复盘会");
        let sub = |key: &str| m.subs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        let attendees = sub("attendees");
        assert_eq!(attendees.iter().map(|a| text(a, "name")).collect::<Vec<_>>(), ["赵六", "孙七"]);
        assert_eq!(text(&attendees[0], "role"), "核心决策者");
        let agenda = sub("agenda");
        assert_eq!(agenda.len(), 2);
        assert_eq!(text(&agenda[1], "minutes"), "30");
        let actions = sub("actions");
        assert_eq!(actions.len(), 2);
        assert_eq!(text(&actions[0], "description"), "整理Q3预算分配表");
        assert_eq!(text(&actions[0], "due"), "2023-06-30");
        assert_eq!(actions[0].loc.cell.as_deref(), Some("A19"));
        assert_eq!(actions[1].extra, [("备注".to_string(), "加急".to_string())]);
        // The action table ended at the 下次会议时间 label, not at a blank row.
        assert!(cell(m, "next_meeting").is_some());
        let signoffs = of_kind(&read, "signoff");
        assert_eq!(signoffs.len(), 2);
        assert_eq!(text(signoffs[0], "stage"), "纪要确认");
        // One `extra` info for the 备注 column per sheet.
        assert_eq!(codes(&read), ["extra", "extra"], "{:#?}", read.diags);
    }

    /// Traditional-Chinese headers on an unnamed sheet, text dates, data starting in column C.
    #[test]
    fn traditional_chinese_task_table_is_recognised_by_headers() {
        let dir = tmp();
        let path = dir.path().join("進度.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("工作表1").unwrap();
        put(
            ws,
            3,
            2,
            &[
                &[
                    "任務ID",
                    "子任務名稱",
                    "負責部門/人",
                    "協作部門/人",
                    "計劃開始時間",
                    "計劃結束時間",
                    "實際完成時間",
                    "當前狀態",
                    "交付成果",
                    "優先級",
                ],
                &[
                    "1.1",
                    "活動方案設計",
                    "市場部*",
                    "產品部*",
                    "2024/7/15",
                    "2024/7/25",
                    "2024/7/24",
                    "已完成",
                    "《推廣活動方案V1.0》",
                    "P0",
                ],
                &[
                    "1.2",
                    "產品賣點提煉",
                    "產品部*",
                    "市場部*",
                    "2024/7/16",
                    "2024/7/20",
                    "",
                    "進行中",
                    "《產品核心賣點清單》",
                    "P0",
                ],
            ],
        );
        wb.save(&path).unwrap();
        let read = read_in(&path, Lang::ZhTw);
        assert!(read.diags.is_empty(), "{:#?}", read.diags);
        let tasks = of_kind(&read, "task");
        assert_eq!(tasks.len(), 2);
        assert_eq!(text(tasks[0], "owner"), "市場部*");
        assert_eq!(text(tasks[1], "status"), "進行中");
        assert_eq!(at(tasks[1], "planned_end"), "H6");
        assert!(cell(tasks[1], "actual_end").is_none());
    }

    /// A vertical merge means "same as above" for every row it covers; a two-level header
    /// (`计划` over `开始 | 结束`) names 计划开始时间 / 计划结束时间.
    #[test]
    fn vertical_merges_fill_down_and_two_level_headers_join() {
        let dir = tmp();
        let path = dir.path().join("plan.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("进度跟踪表").unwrap();
        let f = Format::new();
        ws.merge_range(0, 0, 0, 5, "项目进度跟踪表", &f).unwrap();
        ws.merge_range(1, 0, 2, 0, "任务ID", &f).unwrap();
        ws.merge_range(1, 1, 2, 1, "子任务名称", &f).unwrap();
        ws.merge_range(1, 2, 2, 2, "负责部门/人", &f).unwrap();
        ws.merge_range(1, 3, 1, 4, "计划", &f).unwrap();
        put(ws, 2, 3, &[&["开始", "结束"]]);
        ws.merge_range(1, 5, 2, 5, "当前状态", &f).unwrap();
        put(ws, 3, 0, &[&["1.1", "活动方案设计", "", "2024-07-15", "2024-07-25", "已完成"]]);
        put(ws, 4, 0, &[&["1.2", "物料清单", "", "2024-07-16", "2024-07-20", "进行中"]]);
        ws.merge_range(3, 2, 4, 2, "市场部*", &f).unwrap();
        put(ws, 5, 0, &[&["2.1", "渠道对接", "销售部*", "2024-07-20", "2024-07-30", "未开始"]]);
        wb.save(&path).unwrap();
        let read = read_zh(&path);
        assert!(read.diags.is_empty(), "{:#?}", read.diags);
        let tasks = of_kind(&read, "task");
        assert_eq!(tasks.len(), 3);
        assert_eq!(text(tasks[0], "planned_start"), "2024-07-15");
        assert_eq!(text(tasks[0], "planned_end"), "2024-07-25");
        assert_eq!(text(tasks[1], "owner"), "市场部*");
        assert_eq!(at(tasks[1], "owner"), "C5");
        assert_eq!(text(tasks[2], "owner"), "销售部*");
    }

    /// seed 003 (二) 项目进度跟踪表: 负责部门 and 负责人 in two columns make one owner.
    #[test]
    fn department_and_person_columns_join_into_one_party() {
        let dir = tmp();
        let path = dir.path().join("track.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("项目进度跟踪表").unwrap();
        put(
            ws,
            0,
            0,
            &[
                &["子任务名称", "负责部门", "负责人", "当前状态", "完成比例", "下一步计划", "存在问题", "更新时间"],
                &["用户调研问卷设计", "市场部", "*", "已完成", "100%", "整理调研数据", "无", "2023-09-10 17:00"],
            ],
        );
        wb.save(&path).unwrap();
        let read = read_zh(&path);
        let t = of_kind(&read, "task")[0];
        assert_eq!(text(t, "owner"), "市场部/*");
        assert_eq!(text(t, "progress"), "100%");
        assert!(read.diags.is_empty(), "{:#?}", read.diags);
    }

    #[test]
    fn banner_rows_help_rows_and_repeated_headers_inside_a_table_are_not_records() {
        let dir = tmp();
        let path = dir.path().join("t.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("任务").unwrap();
        put(
            ws,
            0,
            0,
            &[
                &["任务ID", "子任务名称", "负责部门/人"],
                &["层级编号,如1、1.1、2.1.3", "可执行的子任务", "唯一主负责人,如“市场部*”"],
                &["1.1", "方案", "市场部*"],
            ],
        );
        ws.merge_range(3, 0, 3, 2, "二、执行阶段", &Format::new()).unwrap();
        put(ws, 4, 0, &[&["任务ID", "子任务名称", "负责部门/人"], &["2.1", "执行", "销售部*"]]);
        wb.save(&path).unwrap();
        let read = read_zh(&path);
        let ids: Vec<String> = of_kind(&read, "task").iter().map(|t| text(t, "id")).collect();
        assert_eq!(ids, ["1.1", "2.1"]);
    }

    #[test]
    fn no_pmo_sheet_gives_one_info_and_a_stray_sheet_beside_a_form_is_reported_as_skipped() {
        let dir = tmp();
        let none = dir.path().join("none.xlsx");
        let mut wb = Workbook::new();
        put(wb.add_worksheet().set_name("Budget").unwrap(), 0, 0, &[&["Quarter", "Amount"], &["Q1", "10"]]);
        put(wb.add_worksheet().set_name("Notes").unwrap(), 0, 0, &[&["hello"]]);
        wb.add_worksheet();
        wb.save(&none).unwrap();
        let read = read_in(&none, Lang::En);
        assert!(read.records.is_empty());
        assert_eq!(codes(&read), ["no-sheet"]);
        assert_eq!(read.diags[0].severity, Severity::Info);
        assert!(read.diags[0].message.contains("Budget"), "{}", read.diags[0].message);

        let some = dir.path().join("some.xlsx");
        let mut wb = Workbook::new();
        put(wb.add_worksheet().set_name("任务").unwrap(), 0, 0, &[&["任务ID", "子任务名称"], &["1", "方案"]]);
        put(wb.add_worksheet().set_name("Lists").unwrap(), 0, 0, &[&["未开始"], &["进行中"]]);
        let hidden = wb.add_worksheet().set_name("风险").unwrap();
        put(hidden, 0, 0, &[&["记录ID", "风险/问题描述"], &["001", "x"]]);
        hidden.set_very_hidden(true);
        wb.save(&some).unwrap();
        let read = read_in(&some, Lang::En);
        assert_eq!(read.records.len(), 1, "very hidden sheets are not read");
        assert_eq!(codes(&read), ["sheet-skipped"]);
        assert_eq!(read.diags[0].loc.sheet.as_deref(), Some("Lists"));
    }

    #[test]
    fn a_sheet_named_like_a_table_without_a_header_row_says_so() {
        let dir = tmp();
        let path = dir.path().join("t.xlsx");
        let mut wb = Workbook::new();
        put(wb.add_worksheet().set_name("任务分工").unwrap(), 0, 0, &[&["本周无任务"]]);
        put(wb.add_worksheet().set_name("风险").unwrap(), 0, 0, &[&["记录ID", "影响等级"], &["1", "高"]]);
        wb.save(&path).unwrap();
        let read = read_in(&path, Lang::En);
        let d = read.diags.iter().find(|d| d.code == "sheet-skipped").expect("skipped");
        assert!(d.message.contains("header row"), "{}", d.message);
        assert!(d.hint.as_deref().unwrap_or("").contains("Task ID"), "{d:#?}");
    }

    #[test]
    fn huge_sparse_sheet_is_read_quickly_and_reported_as_truncated() {
        let dir = tmp();
        let path = dir.path().join("big.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("任务").unwrap();
        put(ws, 0, 0, &[&["任务ID", "子任务名称", "负责部门/人"], &["1.1", "方案", "市场部*"]]);
        ws.write_string(0, 16_383, "XFD1").unwrap();
        ws.write_string(999_999, 0, "far below").unwrap();
        ws.write_string(1_048_575, 16_383, "last cell").unwrap();
        wb.save(&path).unwrap();
        let t = Instant::now();
        let read = read_zh(&path);
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        assert_eq!(of_kind(&read, "task").len(), 1);
        assert_eq!(codes(&read), ["sheet-truncated"]);
        assert_eq!(read.diags[0].severity, Severity::Warning);
    }

    /// Formatted but empty cells below the cap (a whole formatted column) are not content.
    #[test]
    fn formatted_blank_rows_are_not_content() {
        let dir = tmp();
        let path = dir.path().join("fmt.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("任务").unwrap();
        put(ws, 0, 0, &[&["任务ID", "子任务名称"], &["1.1", "方案"]]);
        let f = Format::new().set_background_color("FFFF00");
        for r in 1..25_000 {
            ws.write_blank(r, 2, &f).unwrap();
        }
        wb.save(&path).unwrap();
        let read = read_zh(&path);
        assert_eq!(of_kind(&read, "task").len(), 1);
        assert!(read.diags.is_empty(), "{:#?}", read.diags);
    }

    // ---- hand-made packages for what rust_xlsxwriter cannot write (1904 dates, formulas
    // without a saved value, encryption)

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    /// A ZIP with stored (uncompressed) entries.
    fn zip(path: &Path, entries: &[(&str, String)]) {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, body) in entries {
            let (name, body) = (name.as_bytes(), body.as_bytes());
            let offset = out.len() as u32;
            let crc = crc32(body);
            let mut local = vec![0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0];
            local.extend(crc.to_le_bytes());
            local.extend((body.len() as u32).to_le_bytes());
            local.extend((body.len() as u32).to_le_bytes());
            local.extend((name.len() as u16).to_le_bytes());
            local.extend(0u16.to_le_bytes());
            out.extend(&local);
            out.extend(name);
            out.extend(body);
            let mut c = vec![0x50, 0x4B, 0x01, 0x02, 20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0];
            c.extend(crc.to_le_bytes());
            c.extend((body.len() as u32).to_le_bytes());
            c.extend((body.len() as u32).to_le_bytes());
            c.extend((name.len() as u16).to_le_bytes());
            c.extend([0u8; 12]);
            c.extend(offset.to_le_bytes());
            central.extend(c);
            central.extend(name);
        }
        let (cd_offset, cd_len) = (out.len() as u32, central.len() as u32);
        out.extend(&central);
        out.extend([0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0]);
        out.extend((entries.len() as u16).to_le_bytes());
        out.extend((entries.len() as u16).to_le_bytes());
        out.extend(cd_len.to_le_bytes());
        out.extend(cd_offset.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        std::fs::write(path, out).unwrap();
    }

    /// A one-sheet xlsx; `sheet_data` is the `<sheetData>` content, styles: 1 = date, 2 = 0%.
    fn raw_xlsx(path: &Path, sheet: &str, date1904: bool, sheet_data: &str) {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let pr = if date1904 { r#"<workbookPr date1904="1"/>"# } else { "" };
        zip(
            path,
            &[
                (
                    "[Content_Types].xml",
                    String::from(
                        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#,
                    ),
                ),
                (
                    "_rels/.rels",
                    format!(
                        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                    ),
                ),
                (
                    "xl/workbook.xml",
                    format!(
                        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">{pr}<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                    ),
                ),
                (
                    "xl/_rels/workbook.xml.rels",
                    format!(
                        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/></Relationships>"#
                    ),
                ),
                (
                    "xl/styles.xml",
                    format!(
                        r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="9" applyNumberFormat="1"/></cellXfs></styleSheet>"#
                    ),
                ),
                (
                    "xl/worksheets/sheet1.xml",
                    format!(
                        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>{sheet_data}</sheetData></worksheet>"#
                    ),
                ),
            ],
        );
    }

    fn s(cell: &str, text: &str) -> String {
        format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    #[test]
    fn dates_of_a_1904_workbook_read_as_the_same_calendar_dates() {
        let dir = tmp();
        let path = dir.path().join("mac.xlsx");
        // 2024-07-15 is serial 45488 in the 1900 system and 44026 in the 1904 one.
        let data = format!(
            r#"<row r="1">{}{}{}</row><row r="2">{}{}<c r="C2" s="1"><v>44026</v></c></row>"#,
            s("A1", "任务ID"),
            s("B1", "子任务名称"),
            s("C1", "计划开始时间"),
            s("A2", "1.1"),
            s("B2", "方案"),
        );
        raw_xlsx(&path, "任务", true, &data);
        let read = read_zh(&path);
        assert!(read.diags.is_empty(), "{:#?}", read.diags);
        let t = of_kind(&read, "task")[0];
        assert_eq!(cell(t, "planned_start"), Some(&Cell::DateTime { value: day(2024, 7, 15), time: false }));
    }

    #[test]
    fn a_formula_without_a_saved_result_is_a_warning_and_an_error_cell() {
        let dir = tmp();
        let path = dir.path().join("f.xlsx");
        let data = format!(
            r#"<row r="1">{}{}{}{}</row><row r="2">{}{}<c r="C2" s="2"><f>D2/2</f></c><c r="D2" s="2"><f>1-0.2</f><v>0.8</v></c></row>"#,
            s("A1", "任务ID"),
            s("B1", "子任务名称"),
            s("C1", "完成比例"),
            s("D1", "进度备查"),
            s("A2", "1.1"),
            s("B2", "方案"),
        );
        raw_xlsx(&path, "任务", false, &data);
        let read = read_zh(&path);
        let t = of_kind(&read, "task")[0];
        assert_eq!(cell(t, "progress"), Some(&Cell::Error("=D2/2".into())));
        // A formula with a saved value reads as that value.
        assert_eq!(t.extra, [("进度备查".to_string(), "80%".to_string())]);
        let f: Vec<&Diagnostic> = read.diags.iter().filter(|d| d.code == "formula").collect();
        assert_eq!(f.len(), 1, "{:#?}", read.diags);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].loc.cell.as_deref(), Some("C2"));
        assert_eq!(f[0].field.as_deref(), Some("progress"));
        assert_eq!(f[0].value.as_deref(), Some("=D2/2"));
    }

    #[test]
    fn time_only_cells_read_as_clock_text() {
        assert_eq!(clock(14.0 / 24.0, false), "14:00");
        assert_eq!(clock(1.5, true), "36:00");
        let dt = calamine::ExcelDateTime::new(0.5, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(to_cell(Data::DateTime(dt), Fmt::default()), Some(Cell::Text("12:00".into())));
        let dt = calamine::ExcelDateTime::new(45488.5, calamine::ExcelDateTimeType::DateTime, false);
        assert!(matches!(to_cell(Data::DateTime(dt), Fmt::default()), Some(Cell::DateTime { time: true, .. })));
        let dt = calamine::ExcelDateTime::new(45488.0, calamine::ExcelDateTimeType::DateTime, false);
        let with_time = Fmt { time: true, percent: false };
        assert!(matches!(to_cell(Data::DateTime(dt), with_time), Some(Cell::DateTime { time: true, .. })));
        assert_eq!(
            to_cell(Data::DateTimeIso("2024-07-15".into()), Fmt::default()),
            Some(Cell::DateTime { value: day(2024, 7, 15), time: false })
        );
        assert_eq!(to_cell(Data::String("  ".into()), Fmt::default()), None);
    }

    #[test]
    fn number_formats_tell_percentages_and_times() {
        assert!(Fmt::of("0%").percent);
        assert!(Fmt::of("0.00%").percent);
        assert!(!Fmt::of(r#"0"%""#).percent);
        assert!(!Fmt::of(r"0\%").percent);
        assert!(!Fmt::of("General").percent && !Fmt::of("General").time);
        assert!(Fmt::of("yyyy-mm-dd hh:mm").time);
        assert!(!Fmt::of("yyyy-mm-dd").time);
        assert!(!Fmt::of(r#"yyyy"年"m"月"d"日""#).time);
        assert!(!Fmt::of("[Red]0.00;[Blue]-0.00").time);
        assert!(Fmt::of("[$-F400]h:mm:ss AM/PM").time);
    }

    #[test]
    fn notes_blocks_are_recognised() {
        for t in ["填表说明:", "填表說明1.", "备注：以上", "備註:", "Notes", "Notes: x", "NOTE: y", "注：日期"]
        {
            assert!(is_notes_start(t), "{t}");
        }
        for t in ["1.1", "Notebook", "备注", "说明书编写"] {
            assert!(!is_notes_start(t), "{t}");
        }
    }

    // ---- files that are not workbooks

    fn file_diag(read: &FileRead) -> &Diagnostic {
        assert!(read.records.is_empty());
        assert_eq!(read.diags.len(), 1, "{:#?}", read.diags);
        let d = &read.diags[0];
        assert_eq!((d.code, d.severity), ("file", Severity::Error));
        d
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
        p
    }

    #[test]
    fn broken_and_disguised_files_give_one_specific_file_error() {
        let dir = tmp();
        let d = dir.path();
        let cases: Vec<(PathBuf, &str)> = vec![
            (write(d, "empty.xlsx", b""), "empty"),
            (write(d, "renamed.xlsx", "任务ID,子任务名称\n1.1,活动方案设计\n".as_bytes()), "text file"),
            (write(d, "page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>"), "web page"),
            (write(d, "doc.pdf.xlsx", b"%PDF-1.7\n..."), "PDF"),
            (write(d, "noise.xlsx", &[0u8, 159, 146, 150, 1, 2, 3]), "unrecognised"),
            (write(d, "2003.xls", br#"<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>"#), "2003"),
        ];
        for (path, want) in cases {
            let read = read_in(&path, Lang::En);
            let diag = file_diag(&read);
            assert!(diag.message.contains(want), "{}: {}", path.display(), diag.message);
            assert!(diag.hint.is_some());
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_without_waiting() {
        let dir = tmp();
        let fifo = dir.path().join("pipe.xlsx");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return;
        }
        let t = Instant::now();
        file_diag(&read_in(&fifo, Lang::En));
        assert!(t.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn truncated_workbook_and_a_renamed_word_file_are_told_apart() {
        let dir = tmp();
        let full = dir.path().join("full.xlsx");
        seed_task_book(&full);
        let bytes = std::fs::read(&full).unwrap();
        let cut = write(dir.path(), "cut.xlsx", &bytes[..bytes.len() / 2]);
        let diag = file_diag(&read_in(&cut, Lang::En)).clone();
        assert!(diag.message.contains("damaged or incomplete"), "{}", diag.message);
        let tiny = write(dir.path(), "tiny.xlsx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00");
        assert!(file_diag(&read_in(&tiny, Lang::En)).message.contains("damaged"));

        let docx = dir.path().join("letter.xlsx");
        zip(&docx, &[("[Content_Types].xml", "<Types/>".into()), ("word/document.xml", "<w:document/>".into())]);
        let diag = file_diag(&read_in(&docx, Lang::En)).clone();
        assert!(diag.message.contains("not an Excel workbook"), "{}", diag.message);
    }

    /// The smallest OLE container holding an `EncryptedPackage` stream, as Excel writes an
    /// .xlsx saved with "Encrypt with Password".
    fn encrypted(path: &Path) {
        let mut h = vec![0u8; 512];
        h[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
        h[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
        h[26..28].copy_from_slice(&3u16.to_le_bytes());
        h[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
        h[30..32].copy_from_slice(&9u16.to_le_bytes());
        h[32..34].copy_from_slice(&6u16.to_le_bytes());
        h[44..48].copy_from_slice(&1u32.to_le_bytes());
        h[48..52].copy_from_slice(&1u32.to_le_bytes());
        h[56..60].copy_from_slice(&4096u32.to_le_bytes());
        h[60..64].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        h[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        for i in 0..109 {
            let v = if i == 0 { 0u32 } else { 0xFFFF_FFFF };
            h[76 + i * 4..80 + i * 4].copy_from_slice(&v.to_le_bytes());
        }
        let mut fat = vec![0xFFu8; 512];
        fat[..4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
        fat[4..8].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        let mut dir = vec![0u8; 512];
        let entry = |dir: &mut Vec<u8>, i: usize, name: &str, typ: u8, child: u32| {
            let e = &mut dir[i * 128..(i + 1) * 128];
            let units: Vec<u16> = name.encode_utf16().collect();
            for (k, u) in units.iter().enumerate() {
                e[k * 2..k * 2 + 2].copy_from_slice(&u.to_le_bytes());
            }
            e[64..66].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
            e[66] = typ;
            e[68..72].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
            e[72..76].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
            e[76..80].copy_from_slice(&child.to_le_bytes());
            e[116..120].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        };
        entry(&mut dir, 0, "Root Entry", 5, 1);
        entry(&mut dir, 1, "EncryptedPackage", 2, 0xFFFF_FFFF);
        let mut bytes = h;
        bytes.extend(fat);
        bytes.extend(dir);
        std::fs::write(path, bytes).unwrap();
    }

    #[test]
    fn password_protected_workbook_says_how_to_remove_the_password() {
        let dir = tmp();
        let path = dir.path().join("secret.xlsx");
        encrypted(&path);
        for (lang, what, how) in [
            (Lang::En, "password-protected", "Encrypt with Password"),
            (Lang::ZhCn, "密码", "用密码进行加密"),
            (Lang::ZhTw, "密碼", "以密碼加密"),
        ] {
            let read = read_in(&path, lang);
            let d = file_diag(&read);
            assert!(d.message.contains(what), "{}", d.message);
            assert!(d.hint.as_deref().unwrap_or("").contains(how), "{d:#?}");
        }
    }

    /// Every file of ../shared/corpus: prints what each gave and the slowest files.
    /// `cargo test --lib ingest::xlsx::tests::corpus_survey -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn corpus_survey() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let mut files = Vec::new();
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.file_name().is_some_and(|n| n != "MANIFEST.json") {
                    files.push(p);
                }
            }
        }
        files.sort();
        let c = ctx(Lang::En);
        let (mut recs, mut nosheet, mut errs, mut other) = (0, 0, 0, 0);
        let mut times = Vec::new();
        for p in &files {
            let display: Arc<str> = Arc::from(p.display().to_string().as_str());
            let t = Instant::now();
            let r = crate::ingest::read_file(p, &display, &c);
            let el = t.elapsed();
            times.push((el, p.clone()));
            let fe: Vec<&Diagnostic> = r.diags.iter().filter(|d| d.code == "file").collect();
            let kinds: BTreeSet<&str> = r.records.iter().map(|r| r.kind.key).collect();
            let outcome = if !r.records.is_empty() {
                recs += 1;
                format!("records {} {:?}", r.records.len(), kinds)
            } else if r.diags.iter().any(|d| d.code == "no-sheet") {
                nosheet += 1;
                "no-sheet".to_string()
            } else if fe.len() == 1 {
                errs += 1;
                format!("file: {} [{}]", fe[0].message, fe[0].value.clone().unwrap_or_default())
            } else {
                other += 1;
                format!("OTHER {:?}", codes(&r))
            };
            if std::env::var("DUMP").is_ok_and(|d| p.to_string_lossy().contains(&d)) {
                for rec in &r.records {
                    let fields: Vec<String> =
                        rec.fields.iter().map(|f| format!("{}={}", f.key, f.cell.display())).collect();
                    eprintln!(
                        "  {} {} {fields:?} extra={:?} subs={:?}",
                        rec.kind.key,
                        rec.loc,
                        rec.extra,
                        rec.subs.iter().map(|(k, v)| (k, v.len())).collect::<Vec<_>>()
                    );
                }
                for d in &r.diags {
                    eprintln!("  {:?} {} {}: {}", d.severity, d.code, d.loc, d.message);
                }
            }
            let rest: Vec<&str> = r.diags.iter().map(|d| d.code).filter(|c| *c != "file" && *c != "no-sheet").collect();
            eprintln!(
                "{:>8.1?} {} => {outcome} {rest:?}",
                el,
                p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(p).display()
            );
        }
        times.sort();
        eprintln!("slowest:");
        for (t, p) in times.iter().rev().take(8) {
            eprintln!("  {t:?} {}", p.display());
        }
        eprintln!("{} files: {recs} with records, {nosheet} no-sheet, {errs} file errors, {other} other", files.len());
        assert_eq!(other, 0);
    }
}
