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
        let name: Arc<str> = Arc::from(sheet.name.as_str());
        let sh = SheetReader { ctx, m: &matcher, display, name: name.clone(), grid: &grid };
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
            let names: Vec<&str> = failures.iter().map(|(n, _)| n.as_str()).collect();
            let problem = MSG_SHEETS_UNREADABLE.fill(lang, &[("sheets", &names.join("、"))]);
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
            let names = skipped_names.join("、");
            let d = Diagnostic::info("no-sheet", Location::file(display), MSG_NO_SHEET.fill(ctx.lang, &[("sheets", &names)]))
                .value(names)
                .hint(HINT_NO_SHEET.get(ctx.lang));
            out.diags.push(d);
        }
    } else {
        out.diags.extend(skipped);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Messages

const MSG_NO_SHEET: L10n = L10n::new(
    "未找到 PMO 工作表(工作表:{sheets})",
    "未找到 PMO 工作表(工作表:{sheets})",
    "no PMO sheet found (sheets: {sheets})",
);
const HINT_NO_SHEET: L10n = L10n::new(
    "把工作表命名为表单名称(如“任务分工”“风险登记表”“需求登记表”“会议纪要”“复盘表”),或检查表头行是否使用模板中的列名",
    "把工作表命名為表單名稱(如「任務分工」「風險登記表」「需求登記表」「會議紀要」「複盤表」),或檢查表頭列是否使用範本中的欄名",
    "name the sheet after its form (e.g. Tasks, Risks, Requirement, Minutes, Retrospective) or check that its header row uses the template's column names",
);
const MSG_SHEET_SKIPPED: L10n = L10n::new(
    "已跳过工作表“{sheet}”:表名和表头都不对应任何 PMO 表单",
    "已略過工作表「{sheet}」:表名與表頭都不對應任何 PMO 表單",
    "sheet “{sheet}” skipped: neither its name nor its headers match a PMO form",
);
const MSG_SHEET_NO_HEADER: L10n = L10n::new(
    "已跳过工作表“{sheet}”:表名对应“{kind}”,但前 30 行中没有可识别的表头行",
    "已略過工作表「{sheet}」:表名對應「{kind}」,但前 30 列中沒有可辨識的表頭列",
    "sheet “{sheet}” skipped: its name says “{kind}” but none of its first 30 rows is a recognisable header row",
);
const HINT_SHEET_NO_HEADER: L10n = L10n::new(
    "表头行至少需要两个可识别的列名,例如:{labels}",
    "表頭列至少需要兩個可辨識的欄名,例如:{labels}",
    "a header row needs at least two recognisable column names, e.g. {labels}",
);
const MSG_TRUNCATED: L10n = L10n::new(
    "工作表“{sheet}”超出读取范围({rows} 行 × {cols} 列),超出部分未读取",
    "工作表「{sheet}」超出讀取範圍({rows} 列 × {cols} 欄),超出部分未讀取",
    "sheet “{sheet}” extends beyond what is read ({rows} rows × {cols} columns); the rest was not read",
);
const HINT_TRUNCATED: L10n = L10n::new(
    "删除表格下方或右侧多余的内容和格式,或把数据拆分到多个工作表",
    "刪除表格下方或右側多餘的內容與格式,或把資料拆分到多個工作表",
    "delete stray content or formatting below or to the right of the table, or split the data across sheets",
);
const MSG_EXTRA: L10n = L10n::new(
    "列“{header}”不对应“{kind}”的任何字段,其内容作为附加信息保留",
    "欄「{header}」不對應「{kind}」的任何欄位,其內容作為附加資訊保留",
    "column “{header}” matches no field of “{kind}”; its values are kept as extra",
);
const HINT_EXTRA_SUGGEST: L10n = L10n::new("是否指:{fields}?", "是否指:{fields}?", "did you mean {fields}?");
const HINT_EXTRA_MAP: L10n = L10n::new(
    "如需读取该列,请在映射文件(--map)中指定它对应的字段",
    "如需讀取該欄,請在對應檔(--map)中指定它對應的欄位",
    "to read it, map it to a field in a mapping file (--map)",
);
const MSG_DUPLICATE: L10n = L10n::new(
    "列“{header}”也对应字段“{field}”,该字段已从 {first} 列读取;使用第一列,此列作为附加信息保留",
    "欄「{header}」也對應欄位「{field}」,該欄位已從 {first} 欄讀取;使用第一欄,此欄作為附加資訊保留",
    "column “{header}” also maps to “{field}”, already read from column {first}; the first column is used and this one is kept as extra",
);
const HINT_DUPLICATE: L10n = L10n::new(
    "删除或重命名重复的列",
    "刪除或重新命名重複的欄",
    "delete or rename the duplicate column",
);
const MSG_FORMULA: L10n = L10n::new(
    "“{field}”的单元格是公式 {formula},但文件中没有保存计算结果",
    "「{field}」的儲存格是公式 {formula},但檔案中沒有儲存計算結果",
    "the cell for “{field}” holds the formula {formula} but no saved result",
);
const HINT_FORMULA: L10n = L10n::new(
    "用 Excel 打开并保存一次(会计算公式),或直接填写数值",
    "用 Excel 開啟並儲存一次(會計算公式),或直接填寫數值",
    "open and save the file in Excel (it computes formulas), or type the value",
);
const EXPECTED_FORMULA: L10n = L10n::new("公式的计算结果", "公式的計算結果", "the formula's saved result");
const MSG_SHEETS_UNREADABLE: L10n = L10n::new(
    "工作表 {sheets} 已损坏,无法读取",
    "工作表 {sheets} 已損毀,無法讀取",
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
            "重新复制或下载该文件;如果 Excel 能打开它,另存为新的 .xlsx",
            "重新複製或下載該檔案;如果 Excel 能開啟它,另存為新的 .xlsx",
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
                l("无法打开文件({detail})", "無法開啟檔案({detail})", "the file cannot be opened ({detail})")
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
                    "文件是空的(0 字节),可能没有保存完整",
                    "檔案是空的(0 位元組),可能沒有儲存完整",
                    "the file is empty (0 bytes); it was probably not saved completely",
                )
                .get(lang)
                .to_string(),
                again,
            ),
            Problem::Password => (
                l("工作簿设有打开密码(已加密)", "活頁簿設有開啟密碼(已加密)", "the workbook is password-protected (encrypted)")
                    .get(lang)
                    .to_string(),
                l(
                    "在 Excel 中删除密码(文件 › 信息 › 保护工作簿 › 用密码进行加密,清空密码)后重新保存",
                    "在 Excel 中移除密碼(檔案 › 資訊 › 保護活頁簿 › 以密碼加密,清除密碼)後重新儲存",
                    "remove the password in Excel (File › Info › Protect Workbook › Encrypt with Password, clear it) and save again",
                )
                .get(lang),
            ),
            Problem::Damaged(_) => (
                l(
                    "工作簿已损坏或不完整(ZIP 结构无法读取)",
                    "活頁簿已損毀或不完整(ZIP 結構無法讀取)",
                    "the workbook is damaged or incomplete (its ZIP container cannot be read)",
                )
                .get(lang)
                .to_string(),
                again,
            ),
            Problem::Text(start) => (
                l(
                    "这是文本文件(开头为“{start}”),不是 Excel 工作簿",
                    "這是文字檔(開頭為「{start}」),不是 Excel 活頁簿",
                    "this is a text file (it starts with “{start}”), not an Excel workbook",
                )
                .fill(lang, &[("start", start)]),
                l(
                    "如果它是 CSV 导出文件,请在 Excel 中打开并另存为 .xlsx,或把扩展名改回 .csv",
                    "如果它是 CSV 匯出檔,請在 Excel 中開啟並另存為 .xlsx,或把副檔名改回 .csv",
                    "if it is a CSV export, open it in Excel and save it as .xlsx (or give it back its .csv name)",
                )
                .get(lang),
            ),
            Problem::Html => (
                l(
                    "这是网页(HTML)文件,只是扩展名为 .{ext}",
                    "這是網頁(HTML)檔案,只是副檔名為 .{ext}",
                    "this is a web page (HTML) with a .{ext} extension",
                )
                .fill(lang, &[("ext", ext)]),
                l(
                    "许多系统导出的“Excel”其实是网页:在 Excel 中打开它并另存为 .xlsx 工作簿",
                    "許多系統匯出的「Excel」其實是網頁:在 Excel 中開啟它並另存為 .xlsx 活頁簿",
                    "many systems export web pages as “Excel”: open it in Excel and save it as an .xlsx workbook",
                )
                .get(lang),
            ),
            Problem::Xml2003 => (
                l(
                    "这是 Excel 2003 XML 电子表格,不受支持",
                    "這是 Excel 2003 XML 試算表,不受支援",
                    "this is an Excel 2003 XML spreadsheet, which is not supported",
                )
                .get(lang)
                .to_string(),
                save_as,
            ),
            Problem::Xml => (
                l("这是 XML 文件,不是工作簿", "這是 XML 檔案,不是活頁簿", "this is an XML file, not a workbook").get(lang).to_string(),
                save_as,
            ),
            Problem::Pdf => (
                l("这是 PDF 文档,不是工作簿", "這是 PDF 文件,不是活頁簿", "this is a PDF document, not a workbook").get(lang).to_string(),
                l("请提供原始的 Excel 文件", "請提供原始的 Excel 檔案", "use the original Excel file instead").get(lang),
            ),
            Problem::OtherZip => (
                l(
                    "这是 ZIP 压缩包,但不是 Excel 工作簿(可能是 Word 或 PowerPoint 文件)",
                    "這是 ZIP 壓縮檔,但不是 Excel 活頁簿(可能是 Word 或 PowerPoint 檔案)",
                    "this is a ZIP package but not an Excel workbook (a Word or PowerPoint file?)",
                )
                .get(lang)
                .to_string(),
                save_as,
            ),
            Problem::OtherOdf => (
                l(
                    "这是 OpenDocument 文档,但不是电子表格",
                    "這是 OpenDocument 文件,但不是試算表",
                    "this is an OpenDocument file but not a spreadsheet",
                )
                .get(lang)
                .to_string(),
                save_as,
            ),
            Problem::Unknown => (
                l(
                    "无法识别的文件格式,不是 .xlsx/.xlsm/.xls/.xlsb/.ods 工作簿",
                    "無法辨識的檔案格式,不是 .xlsx/.xlsm/.xls/.xlsb/.ods 活頁簿",
                    "unrecognised format: not an .xlsx/.xlsm/.xls/.xlsb/.ods workbook",
                )
                .get(lang)
                .to_string(),
                save_as,
            ),
            Problem::NoSheets => (
                l("工作簿中没有任何工作表", "活頁簿中沒有任何工作表", "the workbook contains no sheets").get(lang).to_string(),
                resave,
            ),
            Problem::Unreadable(_) => (
                l("工作簿已损坏,无法解析", "活頁簿已損毀,無法解析", "the workbook is damaged and cannot be parsed").get(lang).to_string(),
                resave,
            ),
        }
    }

    fn diagnostic(&self, lang: Lang, display: &Arc<str>, path: &Path) -> Diagnostic {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("xlsx").to_string();
        let (problem, hint) = self.texts(lang, &ext);
        let d = file_error(lang, display, &problem).hint(hint);
        match self {
            Problem::Damaged(detail) | Problem::Unreadable(detail) if !detail.is_empty() => d.value(detail.clone()),
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
    let mut file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(Problem::Io(std::io::Error::from(std::io::ErrorKind::IsADirectory).to_string()));
    }
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
            return Ods::new(reopen()?).map(|b| Book::Ods(Box::new(b))).map_err(|e| Problem::Unreadable(e.to_string()));
        }
        let xlsb_first = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xlsb"));
        let try_xlsx = || match Xlsx::new(reopen()?) {
            Ok(b) => Ok(Book::Xlsx(Box::new(b))),
            Err(XlsxError::Password) => Err(Problem::Password),
            Err(XlsxError::Zip(e)) => Err(Problem::Damaged(e.to_string())),
            Err(e) => Err(Problem::Unreadable(e.to_string())),
        };
        let try_xlsb = || match Xlsb::new(reopen()?) {
            Ok(b) => Ok(Book::Xlsb(Box::new(b))),
            Err(calamine::XlsbError::Zip(e)) => Err(Problem::Damaged(e.to_string())),
            Err(e) => Err(Problem::Unreadable(e.to_string())),
        };
        let (first, second) = if xlsb_first { (try_xlsb(), None) } else { (try_xlsx(), Some(try_xlsb)) };
        let book = match (first, second) {
            (Ok(book), _) => book,
            (Err(p @ (Problem::Damaged(_) | Problem::Io(_))), _) => return Err(p),
            (Err(p), Some(xlsb)) => xlsb().map_err(|_| p)?,
            (Err(p), None) => try_xlsx().map_err(|_| p)?,
        };
        if book.sheets().is_empty() && !zip_has_workbook(&head) {
            return Err(Problem::OtherZip);
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

/// Whether the first entries of a ZIP name workbook parts (for telling a renamed .docx apart).
fn zip_has_workbook(head: &[u8]) -> bool {
    head.windows(3).any(|w| w == b"xl/")
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
                // A sheet whose merge list cannot be read is still worth reading unmerged.
                let merges = if grid.rows.is_empty() { Vec::new() } else { b.merge_cells_by_sheet_name(name).unwrap_or_default() };
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
            return false;
        }
        if r >= MAX_ROWS || c >= MAX_COLS {
            if cell.is_some() {
                self.grid.truncated = true;
                // Rows come in order: nothing after this row is kept.
                return r < MAX_ROWS;
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
        let mut visits = 0usize;
        while let Some(cell) = reader.next_formula()? {
            visits += 1;
            let pos = cell.get_position();
            if pos.0 >= MAX_ROWS || visits > MAX_VISITS {
                break;
            }
            ld.formula(pos, cell.get_value());
        }
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
        let mut visits = 0usize;
        while let Some(cell) = reader.next_formula()? {
            visits += 1;
            let pos = cell.get_position();
            if pos.0 >= MAX_ROWS || visits > MAX_VISITS {
                break;
            }
            ld.formula(pos, cell.get_value());
        }
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

/// Memoised `schema.field` lookups: one workbook asks about the same texts many times.
struct Matcher<'a> {
    ctx: &'a Ctx,
    memo: RefCell<HashMap<(&'static str, String), Option<&'static FieldDef>>>,
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
        let key = (kind.key, text.to_string());
        if let Some(hit) = self.memo.borrow().get(&key) {
            return *hit;
        }
        let found = self.ctx.schema.field(kind.key, text).filter(|f| !f.computed);
        self.memo.borrow_mut().insert(key, found);
        found
    }
}

/// Headers of a column holding fill-in instructions beside a form's values.
fn is_instruction_header(text: &str) -> bool {
    const WORDS: &[&str] =
        &["填写说明", "说明", "内容说明", "字段说明", "填写要求", "填写提示", "填报说明", "instructions", "instruction", "guidance", "howtofill"];
    text.len() <= 30 && WORDS.contains(&normalize(text).as_str())
}

/// A notes block after a table (填表说明, 备注:, Notes) ends it.
fn is_notes_start(text: &str) -> bool {
    let head: String = text.trim_start().chars().take(12).map(schema::halfwidth).collect();
    const PREFIXES: &[&str] = &[
        "填表说明", "填表說明", "填写说明:", "填寫說明:", "说明:", "說明:", "説明:", "备注:", "備註:", "备註:", "注:", "注意:", "注意事项",
        "注意事項",
    ];
    if PREFIXES.iter().any(|p| head.starts_with(p)) {
        return true;
    }
    let lower = head.to_lowercase();
    lower.starts_with("note:")
        || lower.starts_with("notes")
            && lower[5..].chars().next().is_none_or(|c| c == ':' || c.is_whitespace())
}

/// The form kind that holds a sub-kind (`action` → `meeting`).
fn parent_form(sub: &'static KindDef) -> Option<&'static KindDef> {
    KINDS.iter().find(|k| k.shape == Shape::Form && k.fields.iter().any(|f| f.ty == Type::Sub(sub.key)))
}

/// Sheet names such as `18.8.27` or `2024-09-05` (one sheet per meeting).
fn name_is_date(name: &str) -> bool {
    let name = name.trim();
    name.chars().any(|c| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '/' | '_' | ' ' | '年' | '月' | '日' | '号'))
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
                    if self.form_score(kind, &rows) >= 1 {
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
                    let s = self.form_score(kind, &rows);
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
    fn form_score(&self, kind: &'static KindDef, rows: &[u32]) -> usize {
        let mut fields = BTreeSet::new();
        let none = BTreeSet::new();
        for &r in rows.iter().take(FORM_SCAN) {
            for (f, _) in self.label_pairs(kind, r, &none) {
                fields.insert(f.key);
            }
        }
        let subs = sub_kinds(kind, false);
        let sub = rows
            .iter()
            .take(FORM_SCAN)
            .filter_map(|&r| self.sub_header(r, &subs).map(|(_, h)| h.score))
            .max()
            .unwrap_or(0);
        fields.len() + sub
    }

    /// The best header row for `kind` among the first non-blank rows, single or two-level.
    fn find_header(&self, kind: &'static KindDef, rows: &[u32], min: usize) -> Option<Header> {
        let mut best: Option<Header> = None;
        for (i, &r) in rows.iter().enumerate().take(HEADER_SCAN) {
            let mut cand = self.header_at(kind, r, None);
            if i > 0 && rows[i - 1] + 1 == r && self.grid.row(r - 1).any(|(c, _)| self.grid.is_horizontal_copy(r - 1, c)) {
                let two = self.header_at(kind, r, Some(r - 1));
                if two.score > cand.score {
                    cand = two;
                }
            }
            if cand.score >= min && best.as_ref().is_none_or(|b| cand.score > b.score) {
                best = Some(cand);
            }
        }
        best
    }

    /// Reads row `r` as a header for `kind`; `parent` is the row above holding merged banners
    /// (`计划` over `开始 | 结束`).
    fn header_at(&self, kind: &'static KindDef, r: u32, parent: Option<u32>) -> Header {
        let g = self.grid;
        let mut cols: BTreeSet<u32> = g.row(r).map(|(c, _)| c).collect();
        if let Some(p) = parent {
            cols.extend(g.row(p).map(|(c, _)| c));
        }
        let mut out = Header { row: r, score: 0, matched: 0, cells: 0, cols: Vec::new() };
        let mut seen = BTreeSet::new();
        for c in cols {
            // A label merged down into the data rows names a block, not a column.
            if g.get(r, c).is_some() && g.merge_continues_down(r, c) {
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
                (Some(p), None) => (p.to_string(), self.m.field(kind, &p)),
                (_, Some(ch)) => (ch.to_string(), self.m.field(kind, &ch)),
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
        out
    }

    /// A row that opens a sub-table of one of `subs`: ≥ 2 fields matched, covering at least
    /// half of the row's cells. Earlier entries of `subs` win ties.
    fn sub_header(&self, r: u32, subs: &[(Option<&'static str>, &'static KindDef)]) -> Option<(usize, Header)> {
        let mut best: Option<(usize, Header)> = None;
        for (i, (_, kind)) in subs.iter().enumerate() {
            let h = self.header_at(kind, r, None);
            if h.score >= 2 && h.matched * 2 >= h.cells && best.as_ref().is_none_or(|(_, b)| h.score > b.score) {
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
        for hc in &header.cols {
            let prev = plan.len().checked_sub(1);
            let target = if hc.merged_with_prev && let Some(p) = prev {
                // One merged header over several columns: their values read as one.
                let base = match plan[p].target {
                    Target::Into(b, _) => b,
                    _ => p,
                };
                Target::Into(base, " ")
            } else {
                match hc.field {
                    Some(f) => match first_of.get(f.key) {
                        None => {
                            first_of.insert(f.key, plan.len());
                            Target::Field(f)
                        }
                        // `负责部门 | 负责人`: department and person of one party.
                        Some(&base) if f.ty == Type::Party => Target::Into(base, "/"),
                        Some(&base) => {
                            let first = cell_name(header.row, plan[base].col);
                            let msg = MSG_DUPLICATE.fill(
                                lang,
                                &[("header", &hc.text), ("field", f.label.get(lang)), ("first", first.trim_end_matches(char::is_numeric))],
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
                _ => format!("{}({})", f.label.get(lang), f.key),
            })
            .collect();
        let hint = if suggestions.is_empty() {
            HINT_EXTRA_MAP.get(lang).to_string()
        } else {
            HINT_EXTRA_SUGGEST.fill(lang, &[("fields", &suggestions.join(", "))])
        };
        let mut d = Diagnostic::info("extra", self.loc(hc.row, hc.col), msg).value(hc.text.clone()).hint(hint);
        if !suggestions.is_empty() {
            d = d.expected(suggestions.join(", "));
        }
        d
    }

    fn truncated(&self) -> Diagnostic {
        let lang = self.lang();
        let msg = MSG_TRUNCATED.fill(
            lang,
            &[("sheet", &self.name), ("rows", &MAX_ROWS.to_string()), ("cols", &MAX_COLS.to_string())],
        );
        Diagnostic::warning("sheet-truncated", self.sheet_loc(), msg).hint(HINT_TRUNCATED.get(lang))
    }

    fn skipped(&self, skip: Skip) -> Diagnostic {
        let lang = self.lang();
        match skip {
            Skip::Nothing => {
                Diagnostic::info("sheet-skipped", self.sheet_loc(), MSG_SHEET_SKIPPED.fill(lang, &[("sheet", &self.name)]))
                    .hint(HINT_NO_SHEET.get(lang))
            }
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
        let stop = |r: u32| !subs.is_empty() && self.sub_header(r, &subs).is_some();
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
            if mode == Mode::Sub && r > prev + 1 {
                break;
            }
            prev = r;
            let Some((c0, first)) = g.row(r).find(|(c, g)| !g.cell.is_empty() && !self.grid.is_horizontal_copy(r, *c)) else {
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
            if self.is_repeated_header(r, plan, header) || self.is_banner(r, c0) {
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
                        Some((a, c, f)) => (Cell::Text(format!("{}{sep}{}", a.display(), g.cell.display())), c, f || g.formula),
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
                        pairs.push((f, Some((v.cell.clone(), *vc, v.formula))));
                        i += 2;
                    }
                    None => {
                        pairs.push((f, None));
                        i += 1;
                    }
                }
                continue;
            }
            if let Cell::Text(t) = &gc.cell
                && let Some((f, rest)) = self.split_label(kind, t)
            {
                pairs.push((f, Some((Cell::Text(rest), c, false))));
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
                let stop = |row: u32| self.sub_header(row, &subs).is_some() || !self.label_pairs(kind, row, &instr).is_empty();
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
                for (f, value) in pairs {
                    let label_col = g.row(r).find(|(_, gc)| matches!(&gc.cell, Cell::Text(t) if self.m.field(kind, t).is_some_and(|x| x.key == f.key)));
                    let label_col = label_col.map_or(0, |(c, _)| c);
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
            let found: Vec<u32> =
                cells.iter().filter(|(_, gc)| matches!(&gc.cell, Cell::Text(t) if is_instruction_header(t))).map(|(c, _)| *c).collect();
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
            let cell = if list.len() == 1 {
                list.into_iter().next().map_or(Cell::Empty, |v| v.0)
            } else {
                Cell::List(list.into_iter().map(|v| v.0).collect())
            };
            rec.fields.push(RawField { key: f.key, cell, loc: self.loc(r, c) });
        }
        rec.subs = sub_records;
        out.records.push(rec);
        out.records.extend(signoffs);
    }
}

/// A form label's field and its value cell (value, column, formula without result).
type LabelPair = (&'static FieldDef, Option<(Cell, u32, bool)>);

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
