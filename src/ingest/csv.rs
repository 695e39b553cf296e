//! CSV and TSV files (exports of Jira, ZenTao, Teambition, Feishu, Excel "save as"): one sheet
//! named after the file. The encoding is detected (a BOM — UTF-8, UTF-16 LE/BE — else UTF-8
//! when the bytes are valid, else the detector's guess among GB18030, Big5 and the other
//! legacy encodings), then the delimiter (comma, tab, semicolon or bar: the one that splits
//! the first lines into the most consistent number of fields). The grid is read like any sheet.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use super::grid::{Grid, Loader};
use super::sheet;
use crate::diag::io_message;
use crate::ingest::{Cell, Ctx, FileRead, file_error};
use crate::model::{L10n, Lang};

/// Larger files are refused before reading: a PMO export is kilobytes to a few megabytes.
const MAX_BYTES: u64 = 64 * 1024 * 1024;
/// Lines tried when choosing the delimiter.
const SNIFF_LINES: usize = 50;
const DELIMITERS: &[u8] = b",\t;|";

const TOO_LARGE: L10n = L10n::new(
    "文件过大（{size} MB，上限 {max} MB），不像项目表单的导出",
    "檔案過大（{size} MB，上限 {max} MB），不像專案表單的匯出",
    "the file is too large ({size} MB; the limit is {max} MB) for a project form export",
);
const BINARY: L10n = L10n::new(
    "文件含有 NUL 字节，不是文本文件（CSV/TSV）",
    "檔案含有 NUL 位元組，不是文字檔（CSV/TSV）",
    "the file contains NUL bytes, so it is not a text (CSV/TSV) file",
);
const MIXED: L10n = L10n::new(
    "无法按一种编码读出全部文字（按 {encoding} 解码时有 {n} 处无效字节），文件可能混用了多种编码",
    "無法按一種編碼讀出全部文字（按 {encoding} 解碼時有 {n} 處無效位元組），檔案可能混用了多種編碼",
    "the text cannot be read in one encoding ({n} invalid byte sequences as {encoding}); the file may mix encodings",
);
const RESAVE: L10n = L10n::new(
    "在 Excel 或文本编辑器中打开，另存为“CSV UTF-8”后重试",
    "在 Excel 或文字編輯器中開啟，另存為「CSV UTF-8」後重試",
    "open it in Excel or a text editor and save it as “CSV UTF-8”, then try again",
);
const UNREADABLE: L10n =
    L10n::new("无法读取文件：{detail}", "無法讀取檔案：{detail}", "cannot read the file: {detail}");

/// Reads one CSV/TSV file. Never panics; a file that cannot be decoded gives one `file` error.
pub fn read(path: &Path, display: &Arc<str>, ctx: &Ctx) -> FileRead {
    let lang = ctx.lang;
    let grid = match load(path, lang) {
        Ok(grid) => grid,
        Err(problem) => return FileRead::failed(file_error(lang, display, &problem).hint(RESAVE.get(lang))),
    };
    let name = sheet_name(path);
    sheet::read_sheets(std::iter::once((name, Ok(grid))), display, ctx, |detail| {
        file_error(lang, display, &UNREADABLE.fill(lang, &[("detail", &detail)]))
    })
}

/// Whether a `.txt` file is a table: UTF-16 with a BOM (Excel's "Unicode text"), or its first
/// lines (at most 8 KB) mostly split by tabs into the same number of fields.
pub fn is_tab_table(path: &Path) -> bool {
    let mut head = Vec::new();
    if std::fs::File::open(path).and_then(|f| f.take(8192).read_to_end(&mut head)).is_err() {
        return false;
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return true;
    }
    let text = String::from_utf8_lossy(&head);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(20).collect();
    let Some(first) = lines.first() else { return false };
    let width = first.matches('\t').count();
    width >= 1 && lines.iter().filter(|l| l.matches('\t').count() == width).count() * 5 >= lines.len() * 4
}

/// The sheet a CSV file is: its file name without the extension.
pub fn sheet_name(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The file as a grid, or why it cannot be one (in `lang`).
pub(crate) fn load(path: &Path, lang: Lang) -> Result<Grid, String> {
    let io = |e: std::io::Error| UNREADABLE.fill(lang, &[("detail", &io_message(&e, lang))]);
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_BYTES {
        let mb = |b: u64| (b / (1024 * 1024)).to_string();
        return Err(TOO_LARGE.fill(lang, &[("size", &mb(meta.len())), ("max", &mb(MAX_BYTES))]));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path).and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes)).map_err(io)?;
    let text = decode(&bytes, lang)?;
    Ok(grid_of(&text))
}

/// Bytes as text in their detected encoding.
pub fn decode(bytes: &[u8], lang: Lang) -> Result<String, String> {
    let (encoding, body): (&'static Encoding, &[u8]) = match Encoding::for_bom(bytes) {
        Some((enc, bom)) => (enc, &bytes[bom..]),
        None => {
            if bytes.contains(&0) {
                return Err(BINARY.get(lang).to_string());
            }
            // UTF-8 text and bytes that are not UTF-8 in one file: two encodings mixed (rows
            // appended by another program); a legacy encoding alone rarely forms valid UTF-8.
            let (cjk_run, invalid) = utf8_split(bytes);
            if invalid == 0 {
                (UTF_8, bytes)
            } else if cjk_run >= 4 {
                let n = invalid.to_string();
                return Err(MIXED.fill(lang, &[("encoding", "UTF-8"), ("n", &n)]));
            } else {
                let mut det = chardetng::EncodingDetector::new();
                det.feed(bytes, true);
                (det.guess(None, true), bytes)
            }
        }
    };
    let (text, _) = encoding.decode_without_bom_handling(body);
    let bad = text.matches('\u{FFFD}').count();
    if bad > 0 {
        return Err(MIXED.fill(lang, &[("encoding", encoding.name()), ("n", &bad.to_string())]));
    }
    if encoding != UTF_16LE && encoding != UTF_16BE && text.contains('\0') {
        return Err(BINARY.get(lang).to_string());
    }
    Ok(text.into_owned())
}

/// The longest run of Chinese characters written in UTF-8, and the bytes that are not UTF-8.
/// Legacy encodings (GB18030, Big5) form a UTF-8 character now and then by chance, never
/// several Chinese ones in a row.
fn utf8_split(bytes: &[u8]) -> (usize, usize) {
    let (mut longest, mut invalid) = (0, 0);
    for chunk in bytes.utf8_chunks() {
        let mut run = 0;
        for c in chunk.valid().chars() {
            run = if ('\u{4E00}'..='\u{9FFF}').contains(&c) { run + 1 } else { 0 };
            longest = longest.max(run);
        }
        invalid += chunk.invalid().len();
    }
    (longest, invalid)
}

/// The delimiter that splits the first lines most consistently into more than one field.
fn delimiter(text: &str) -> u8 {
    let sample: String = text.lines().take(SNIFF_LINES).collect::<Vec<_>>().join("\n");
    let mut best = (b',', 0usize, 0usize);
    for &d in DELIMITERS {
        let mut reader =
            csv::ReaderBuilder::new().delimiter(d).has_headers(false).flexible(true).from_reader(sample.as_bytes());
        let counts: Vec<usize> = reader.records().filter_map(Result::ok).map(|r| r.len()).collect();
        let mut freq = std::collections::BTreeMap::new();
        for &c in counts.iter().filter(|&&c| c > 1) {
            *freq.entry(c).or_insert(0usize) += 1;
        }
        // Rows agreeing on the commonest field count, then the count itself.
        let (width, agree) = freq.iter().max_by_key(|(w, n)| (**n, **w)).map_or((0, 0), |(w, n)| (*w, *n));
        if (agree, width) > (best.1, best.2) {
            best = (d, agree, width);
        }
    }
    best.0
}

fn grid_of(text: &str) -> Grid {
    let mut ld = Loader::default();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    'rows: for (r, record) in reader.records().enumerate() {
        // A broken quote or similar: the rest of the line is lost, the rows before are kept.
        let Ok(record) = record else { continue };
        for (c, field) in record.iter().enumerate() {
            let (r, c) = (u32::try_from(r).unwrap_or(u32::MAX), u32::try_from(c).unwrap_or(u32::MAX));
            let cell = (!field.trim().is_empty()).then(|| Cell::Text(field.to_string()));
            if !ld.take((r, c), cell) {
                break 'rows;
            }
        }
    }
    ld.grid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_detected() {
        let zh = "任务ID,子任务名称,负责部门/人\n1.1,活动方案设计,市场部*\n";
        let (gbk, _, _) = encoding_rs::GB18030.encode(zh);
        assert_eq!(decode(&gbk, Lang::En).unwrap(), zh);
        let tw = "任務ID,子任務名稱,負責部門/人\n1.1,活動方案設計,市場部*\n";
        let (big5, _, _) = encoding_rs::BIG5.encode(tw);
        assert_eq!(decode(&big5, Lang::En).unwrap(), tw);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(zh.as_bytes());
        assert_eq!(decode(&bom, Lang::En).unwrap(), zh);
        let mut le = vec![0xFF, 0xFE];
        for u in zh.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le, Lang::En).unwrap(), zh);
    }

    #[test]
    fn binary_and_mixed_text_are_refused() {
        assert!(decode(b"a,b\n\0\0\0", Lang::En).unwrap_err().contains("NUL"));
        let mut mixed = "任务名称,当前状态\n".as_bytes().to_vec();
        mixed.extend_from_slice(&encoding_rs::GB18030.encode("进行中,已完成\n").0);
        mixed.extend_from_slice(&[0xFF, 0xFE, 0xFD, 0x80, 0x81]);
        assert!(decode(&mixed, Lang::ZhCn).is_err());
    }

    #[test]
    fn delimiters_are_detected() {
        assert_eq!(delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(delimiter("a\tb\tc\n1\t2,5\t3\n"), b'\t');
        assert_eq!(delimiter("a;b;c\n1;2,5;3\n"), b';');
        let g = grid_of("ID;Name;Owner\n1;\"Plan; draft\";Li\n");
        assert_eq!(g.get(1, 1).map(|c| c.cell.display()), Some("Plan; draft".to_string()));
    }
}
