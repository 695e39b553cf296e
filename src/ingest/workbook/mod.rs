//! Workbooks (.xlsx .xlsm .xls .xlsb .ods) through calamine. The file is sniffed by its first
//! bytes (a renamed text file, a web page or a password-protected workbook gets one clear
//! `file` error), then each sheet is loaded into a [`Grid`] for [`sheet`](super::sheet) to read.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;
use std::sync::Arc;

use calamine::{Data, Ods, Range, Reader, SheetType, SheetVisible, Xls, XlsError, Xlsb, Xlsx, XlsxError};
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

use super::grid::{Budget, Grid, Loader, MAX_ROWS};
use super::sheet::{self, HINT_RESAVE, Resemblance};
use crate::diag::Diagnostic;
use crate::ingest::guard::{self, Lane, Refusal};
use crate::ingest::{Cell, Ctx, FileRead, file_error, isolate, quietly};
use crate::model::{L10n, Lang};

/// Reads one workbook into raw records. Never panics on bad input; an unreadable file gives one
/// `file` error, a workbook from which no record is read one `no-records` error.
pub fn read(path: &Path, display: &Arc<str>, ctx: &Ctx) -> FileRead {
    let (mut book, _lane) = match open(path) {
        Ok(opened) => opened,
        Err(problem) => return FileRead::failed(problem.diagnostic(ctx.lang, display, path)),
    };
    let sheets = book.sheets();
    if sheets.is_empty() {
        return FileRead::failed(Problem::NoSheets.diagnostic(ctx.lang, display, path));
    }
    // One budget for the whole file: each sheet starts from what the last one left.
    let mut left = Budget::default();
    let grids = sheets.into_iter().filter(readable).map(|s| {
        let grid = book.load_quietly(&s.name, left);
        if let Ok(g) = &grid {
            left = g.left;
        }
        (s.name, grid)
    });
    sheet::read_sheets(grids, display, ctx, |detail| Problem::Unreadable(detail).diagnostic(ctx.lang, display, path))
}

/// Every readable sheet of a workbook as a grid (for `dossier map suggest`); an unreadable
/// workbook or sheet gives nothing (`check` reports it).
pub(crate) fn grids(path: &Path) -> Vec<(String, Grid)> {
    let Ok((mut book, _lane)) = open(path) else { return Vec::new() };
    let mut out = Vec::new();
    let mut left = Budget::default();
    for s in book.sheets().into_iter().filter(readable) {
        if let Ok(grid) = book.load_quietly(&s.name, left) {
            left = grid.left;
            out.push((s.name, grid));
        }
    }
    out
}

/// Worksheets a person can see or unhide (very hidden sheets hold a template's lists).
fn readable(sheet: &calamine::Sheet) -> bool {
    sheet.visible != SheetVisible::VeryHidden && sheet.typ == SheetType::WorkSheet
}

/// The sheets of a workbook that no kind claimed but that look like a table (for `dossier
/// map suggest`). Unreadable workbooks and sheets give nothing: `check` reports those.
pub fn resemblances(path: &Path, display: &Arc<str>, ctx: &Ctx) -> Vec<Resemblance> {
    let Ok((mut book, _lane)) = open(path) else { return Vec::new() };
    let mut out = Vec::new();
    let mut left = Budget::default();
    for s in book.sheets().into_iter().filter(readable) {
        let Ok(grid) = book.load_quietly(&s.name, left) else { continue };
        left = grid.left;
        out.extend(sheet::resemblance(&grid, &s.name, display, ctx));
    }
    out
}

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
    /// Over a budget of [`guard`], or the reader failed in its child process ([`isolate`]).
    Budget(Refusal),
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
            Problem::Budget(refusal) => refusal.texts(lang),
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

/// Opens a workbook once it fits the budgets ([`screen`]), with its turn in the heavy lane
/// when it needs one (held as long as the book is open).
fn open(path: &Path) -> Result<(Book, Lane), Problem> {
    let lane = guard::lane(screen(path).map_err(Problem::Budget)?);
    Ok((open_book(path)?, lane))
}

/// The budgets of [`guard`] for what the file's first bytes say it is: a ZIP container's
/// directory and shared strings, an OLE container's chains; .xls and .ods are then read in a
/// child process first ([`isolate`]). Whether the read is heavy. Anything else passes, for
/// [`open_book`] to report.
fn screen(path: &Path) -> Result<bool, Refusal> {
    let Ok(meta) = std::fs::metadata(path) else { return Ok(false) };
    // Never opened when not a regular file: a named pipe would wait for a writer forever.
    if !meta.is_file() {
        return Ok(false);
    }
    guard::file_size(meta.len())?;
    let mut head = Vec::with_capacity(2048);
    if File::open(path).and_then(|f| f.take(2048).read_to_end(&mut head)).is_err() {
        return Ok(false);
    }
    if head.starts_with(ZIP_MAGIC) || head.starts_with(ZIP_EMPTY) {
        let parsed = guard::zip(path)?;
        let ods = odf_mimetype(&head).is_some_and(|m| m.starts_with("application/vnd.oasis.opendocument.spreadsheet"));
        return Ok(parsed > guard::HEAVY_PARSED_BYTES || (ods && isolate::admit(path)?));
    }
    if head.starts_with(CFB_MAGIC) {
        guard::cfb(path)?;
        return isolate::admit(path);
    }
    Ok(false)
}

/// Opens a workbook by what its bytes are, not by its extension.
fn open_book(path: &Path) -> Result<Book, Problem> {
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
    /// [`Book::load`], a reader's panic on one sheet an error for that sheet (without the
    /// reader's internal message); the other sheets stay readable.
    fn load_quietly(&mut self, name: &str, left: Budget) -> Result<Grid, String> {
        quietly(|| self.load(name, left)).unwrap_or_else(|| Err(String::new()))
    }

    fn sheets(&self) -> Vec<calamine::Sheet> {
        match self {
            Book::Xlsx(b) => b.sheets_metadata().to_vec(),
            Book::Xlsb(b) => b.sheets_metadata().to_vec(),
            Book::Xls(b) => b.sheets_metadata().to_vec(),
            Book::Ods(b) => b.sheets_metadata().to_vec(),
        }
    }

    /// One sheet as a grid: values, formula marks, merged cells filled, within what is `left`
    /// of the file's budget.
    fn load(&mut self, name: &str, left: Budget) -> Result<Grid, String> {
        let err = |e: &dyn std::fmt::Display| e.to_string();
        let (mut grid, merges) = match self {
            Book::Xlsx(b) => {
                let grid = load_xlsx(b, name, left).map_err(|e| err(&e))?;
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
            Book::Xlsb(b) => (load_xlsb(b, name, left).map_err(|e| err(&e))?, Vec::new()),
            Book::Xls(b) => {
                let range = b.worksheet_range(name).map_err(|e| err(&e))?;
                let formulas = b.worksheet_formula(name).ok();
                let merges = b.merge_cells_by_sheet_name(name).unwrap_or_default();
                (load_range(&range, formulas.as_ref(), left), merges)
            }
            Book::Ods(b) => {
                let range = b.worksheet_range(name).map_err(|e| err(&e))?;
                let formulas = b.worksheet_formula(name).ok();
                (load_range(&range, formulas.as_ref(), left), Vec::new())
            }
        };
        let merges: Vec<_> = merges.iter().map(|m| (m.start, m.end)).collect();
        grid.fill_merges(&merges);
        Ok(grid)
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

fn load_xlsx<RS: Read + Seek>(book: &mut Xlsx<RS>, name: &str, left: Budget) -> Result<Grid, XlsxError> {
    let mut ld = Loader::with_budget(left);
    {
        let mut reader = match book.worksheet_cells_reader(name) {
            Ok(reader) => reader,
            Err(XlsxError::NotAWorksheet(_)) => return Ok(ld.grid),
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

fn load_xlsb<RS: Read + Seek>(book: &mut Xlsb<RS>, name: &str, left: Budget) -> Result<Grid, calamine::XlsbError> {
    let mut ld = Loader::with_budget(left);
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
fn load_range(range: &Range<Data>, formulas: Option<&Range<String>>, left: Budget) -> Grid {
    let mut ld = Loader::with_budget(left);
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
                // Excel's dates run from 1900-01-01 to 9999-12-31; a serial outside them is read
                // as its number (a `type` error in a date field), never as a date outside them.
                // The bound also keeps calamine's conversion from overflowing (it panics).
                let in_range = serial.abs() < 1e7;
                let date = in_range.then(|| dt.as_datetime()).flatten().filter(|d| (1900..=9999).contains(&d.year()));
                match date {
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

#[cfg(test)]
mod tests;
