//! Budgets a workbook must fit before calamine reads it. A workbook is a container whose
//! numbers (entry sizes, string counts, sector chains) calamine trusts when it allocates; a
//! file whose numbers its own size cannot back is refused here with one clear diagnostic,
//! so no file can make the process abort (a failed allocation cannot be caught) or loop.
//!
//! - ZIP (.xlsx .xlsm .xlsb .ods): entry count, the declared inflated size of every part a
//!   reader parses (the zip crate stops any entry that inflates past its declared size, so
//!   the declared size is the real bound), a compression ratio deflate cannot produce, the
//!   shared-string counts calamine reserves memory for, and the sheets a workbook lists
//!   (each costs a pass over its part).
//! - CFB (.xls and encrypted workbooks): the FAT, the DIFAT and every sector chain must be
//!   acyclic and inside the file, and every stream no larger than the file. calamine reads
//!   these formats whole; [`super::isolate`] also reads them in a child process first.
//!
//! Reads that need much memory take turns in one process-wide [`lane`], so the batch's
//! threads never hold several at once.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::model::{L10n, Lang};

/// Largest workbook file read at all.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Entries of a ZIP container (real workbooks hold tens, rarely a thousand).
pub const MAX_ENTRIES: usize = 10_000;
/// Declared inflated size of one part a reader parses (XML, relationships, binary records).
/// Real sheets are KB to tens of MB; a reader holds a part's largest element in memory
/// several times over, so this bounds memory per file.
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Declared inflated size of all parsed parts together: bounds the time spent inflating.
pub const MAX_PARSED_BYTES: u64 = 128 * 1024 * 1024;
/// Sheets of one workbook: real ones hold tens; each sheet read costs a pass over its part.
pub const MAX_SHEETS: usize = 1_000;
/// Deflate cannot compress more than 1032:1; an entry claiming more lies about its size.
const MAX_RATIO: u64 = 1_100;
/// The shortest shared string element, `<si/>`: a count of strings the part cannot hold is false.
const MIN_SI_BYTES: u64 = 5;
/// The shortest reference to a shared string, `<v>0</v>`.
const MIN_REF_BYTES: u64 = 8;

/// Why a workbook is refused before it is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The file is larger than [`MAX_FILE_BYTES`].
    FileTooLarge(u64),
    TooManyEntries(usize),
    /// A part inflates to more than [`MAX_PART_BYTES`]: (part, declared size).
    PartTooLarge(String, u64),
    /// All parts together inflate to more than [`MAX_PARSED_BYTES`].
    TooMuchData(u64),
    /// More sheets than [`MAX_SHEETS`], or sheets whose parts add up to more than
    /// [`MAX_PARSED_BYTES`] (several sheets may name one part): (sheets, bytes).
    TooManySheets(usize, u64),
    /// A part declares a size its compressed data cannot produce: (part, declared, compressed).
    ImpossibleRatio(String, u64, u64),
    /// A count the file cannot back: (part, attribute, value as written).
    Claim(String, &'static str, String),
    /// The OLE container's structure is broken: what was found.
    Structure(String),
    /// The reader ran out of its memory budget or time in a separate process.
    Crashed,
    TooSlow(u64),
}

fn mib(bytes: u64) -> String {
    let m = bytes as f64 / (1024.0 * 1024.0);
    if m >= 10.0 { format!("{m:.0} MiB") } else { format!("{m:.1} MiB") }
}

const L_FILE_TOO_LARGE: L10n = L10n::new(
    "文件大小 {size}，超过工作簿 {max} 的上限",
    "檔案大小 {size}，超過活頁簿 {max} 的上限",
    "the file is {size}, over the {max} limit for a workbook",
);
const L_TOO_MANY_ENTRIES: L10n = L10n::new(
    "工作簿的 ZIP 容器有 {n} 个部件，超过 {max} 个的上限",
    "活頁簿的 ZIP 容器有 {n} 個部件，超過 {max} 個的上限",
    "the workbook's ZIP container holds {n} parts, over the limit of {max}",
);
const L_PART_TOO_LARGE: L10n = L10n::new(
    "工作簿部件 {part} 解压后有 {size}，超过 {max} 的上限（可能是“ZIP 炸弹”）",
    "活頁簿部件 {part} 解壓後有 {size}，超過 {max} 的上限（可能是「ZIP 炸彈」）",
    "the workbook part {part} inflates to {size}, over the {max} limit (a zip bomb?)",
);
const L_TOO_MUCH_DATA: L10n = L10n::new(
    "工作簿各部件解压后共 {size}，超过 {max} 的上限",
    "活頁簿各部件解壓後共 {size}，超過 {max} 的上限",
    "the workbook's parts inflate to {size} in all, over the {max} limit",
);
const L_TOO_MANY_SHEETS: L10n = L10n::new(
    "工作簿列出 {n} 个工作表，读取它们要解压 {size}（上限 {max_n} 个工作表、{max}）：文件已损坏或被篡改",
    "活頁簿列出 {n} 個工作表，讀取它們要解壓 {size}（上限 {max_n} 個工作表、{max}）：檔案已損毀或遭竄改",
    "the workbook lists {n} sheets whose parts add up to {size} (at most {max_n} sheets and {max} are read): the file is damaged or tampered with",
);
const L_RATIO: L10n = L10n::new(
    "工作簿部件 {part} 声称解压后有 {size}，但压缩数据只有 {packed}，不可能解压出这么多：文件已损坏或被篡改",
    "活頁簿部件 {part} 聲稱解壓後有 {size}，但壓縮資料只有 {packed}，不可能解壓出這麼多：檔案已損毀或遭竄改",
    "the workbook part {part} claims to inflate to {size} from {packed} of compressed data, which is impossible: the file is damaged or tampered with",
);
const L_CLAIM: L10n = L10n::new(
    "工作簿部件 {part} 的 {attr}=\"{value}\" 与文件大小不符：文件已损坏或被篡改",
    "活頁簿部件 {part} 的 {attr}=\"{value}\" 與檔案大小不符：檔案已損毀或遭竄改",
    "the workbook part {part} claims {attr}=\"{value}\", more than its size can hold: the file is damaged or tampered with",
);
const L_STRUCTURE: L10n = L10n::new(
    "工作簿的 OLE 容器结构已损坏（{what}）",
    "活頁簿的 OLE 容器結構已損毀（{what}）",
    "the workbook's OLE container is damaged ({what})",
);
const L_CRASHED: L10n = L10n::new(
    "文件已损坏：读取器无法在 {max} 内存以内读完它",
    "檔案已損毀：讀取器無法在 {max} 記憶體以內讀完它",
    "the file is damaged: the reader could not read it within {max} of memory",
);
const L_TOO_SLOW: L10n = L10n::new(
    "文件已损坏：读取器 {secs} 秒内没有读完它",
    "檔案已損毀：讀取器 {secs} 秒內沒有讀完它",
    "the file is damaged: the reader did not finish it within {secs} s",
);
const H_LARGE: L10n = L10n::new(
    "PMO 表单只需几百 KB：删除多余的工作表、图片和大范围的空白格式，或把数据拆分到多个工作簿",
    "PMO 表單只需幾百 KB：刪除多餘的工作表、圖片與大範圍的空白格式，或把資料拆分到多個活頁簿",
    "a PMO form needs a few hundred KB: delete spare sheets, pictures and formatting over empty ranges, or split the data across workbooks",
);
const H_DAMAGED: L10n = L10n::new(
    "重新复制或下载该文件；如果 Excel 能打开它，另存为新的 .xlsx 后重试",
    "重新複製或下載該檔案；如果 Excel 能開啟它，另存為新的 .xlsx 後重試",
    "copy or download the file again; if Excel can open it, save it as a new .xlsx and try again",
);

impl Refusal {
    /// (what, how to fix) in `lang`.
    pub fn texts(&self, lang: Lang) -> (String, &'static str) {
        match self {
            Refusal::FileTooLarge(size) => (
                L_FILE_TOO_LARGE.fill(lang, &[("size", &mib(*size)), ("max", &mib(MAX_FILE_BYTES))]),
                H_LARGE.get(lang),
            ),
            Refusal::TooManyEntries(n) => (
                L_TOO_MANY_ENTRIES.fill(lang, &[("n", &n.to_string()), ("max", &MAX_ENTRIES.to_string())]),
                H_LARGE.get(lang),
            ),
            Refusal::PartTooLarge(part, size) => (
                L_PART_TOO_LARGE.fill(lang, &[("part", part), ("size", &mib(*size)), ("max", &mib(MAX_PART_BYTES))]),
                H_LARGE.get(lang),
            ),
            Refusal::TooMuchData(size) => (
                L_TOO_MUCH_DATA.fill(lang, &[("size", &mib(*size)), ("max", &mib(MAX_PARSED_BYTES))]),
                H_LARGE.get(lang),
            ),
            Refusal::TooManySheets(n, size) => (
                L_TOO_MANY_SHEETS.fill(
                    lang,
                    &[
                        ("n", &n.to_string()),
                        ("size", &mib(*size)),
                        ("max_n", &MAX_SHEETS.to_string()),
                        ("max", &mib(MAX_PARSED_BYTES)),
                    ],
                ),
                H_LARGE.get(lang),
            ),
            Refusal::ImpossibleRatio(part, size, packed) => (
                L_RATIO.fill(lang, &[("part", part), ("size", &mib(*size)), ("packed", &mib(*packed))]),
                H_DAMAGED.get(lang),
            ),
            Refusal::Claim(part, attr, value) => {
                (L_CLAIM.fill(lang, &[("part", part), ("attr", attr), ("value", value)]), H_DAMAGED.get(lang))
            }
            Refusal::Structure(what) => (L_STRUCTURE.fill(lang, &[("what", what)]), H_DAMAGED.get(lang)),
            Refusal::Crashed => {
                (L_CRASHED.fill(lang, &[("max", &mib(super::isolate::MEMORY_BYTES))]), H_DAMAGED.get(lang))
            }
            Refusal::TooSlow(secs) => (L_TOO_SLOW.fill(lang, &[("secs", &secs.to_string())]), H_DAMAGED.get(lang)),
        }
    }
}

/// A read that may take this much memory or more is a heavy one: heavy reads take turns
/// ([`heavy`]), so the batch's threads never hold several at once.
pub const HEAVY_BYTES: u64 = 64 * 1024 * 1024;
/// Parsed parts of a ZIP container beyond which its read counts as heavy: a sheet's cells
/// take a few times their XML in memory.
pub const HEAVY_PARSED_BYTES: u64 = 16 * 1024 * 1024;

static LANE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A turn in the heavy-read lane (or none, for a light read): one heavy workbook is read at
/// a time, whatever the number of threads. Held while the workbook is open.
pub struct Lane(#[allow(dead_code)] Option<std::sync::MutexGuard<'static, ()>>);

/// Waits for the lane when `heavy`.
pub fn lane(heavy: bool) -> Lane {
    Lane(heavy.then(|| LANE.lock().unwrap_or_else(std::sync::PoisonError::into_inner)))
}

/// The file size every workbook must fit.
pub fn file_size(len: u64) -> Result<(), Refusal> {
    if len > MAX_FILE_BYTES { Err(Refusal::FileTooLarge(len)) } else { Ok(()) }
}

/// Parts a workbook reader parses (as opposed to pictures, fonts, printer settings).
fn is_parsed(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".xml", ".rels", ".bin", ".vml"].iter().any(|e| lower.ends_with(e)) && !lower.contains("printersettings")
}

/// Checks a ZIP container's central directory against the budgets, and the shared-string
/// counts calamine reserves memory for; gives the declared size of the parts a reader
/// parses. A container the zip crate cannot read passes: the reader reports it as damaged.
pub fn zip(path: &Path) -> Result<u64, Refusal> {
    let Ok(file) = File::open(path) else { return Ok(0) };
    let Ok(mut archive) = zip::ZipArchive::new(BufReader::new(file)) else { return Ok(0) };
    if archive.len() > MAX_ENTRIES {
        return Err(Refusal::TooManyEntries(archive.len()));
    }
    let mut parsed = 0u64;
    let mut sst: Option<(usize, String, u64)> = None;
    let mut sizes: HashMap<String, u64> = HashMap::new();
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_data(i) else { continue };
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let (size, packed) = (entry.size(), entry.compressed_size());
        sizes.insert(name.to_ascii_lowercase(), size);
        if size > packed.saturating_mul(MAX_RATIO).saturating_add(4096) {
            return Err(Refusal::ImpossibleRatio(name, size, packed));
        }
        if !is_parsed(&name) {
            continue;
        }
        if size > MAX_PART_BYTES {
            return Err(Refusal::PartTooLarge(name, size));
        }
        parsed += size;
        if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            sst = Some((i, name, size));
        }
    }
    if parsed > MAX_PARSED_BYTES {
        return Err(Refusal::TooMuchData(parsed));
    }
    sheet_budget(&mut archive, &sizes)?;
    if let Some((i, name, size)) = sst {
        // A part that cannot be inflated is the reader's to report.
        let (count, unique) = archive.by_index(i).map(sst_counts).unwrap_or_default();
        if let Some(n) = unique.filter(|n| claim(n) > size / MIN_SI_BYTES + 1) {
            return Err(Refusal::Claim(name, "uniqueCount", n));
        }
        if let Some(n) = count.filter(|n| claim(n) > parsed / MIN_REF_BYTES + 1) {
            return Err(Refusal::Claim(name, "count", n));
        }
    }
    Ok(parsed)
}

/// The sheets an .xlsx workbook lists, with the parts they name (`xl/workbook.xml` and its
/// relationships, read as calamine reads them): calamine reads each sheet's part in full, so
/// a workbook listing one part thousands of times costs thousands of reads.
fn sheet_budget<R: Read + Seek>(archive: &mut zip::ZipArchive<R>, sizes: &HashMap<String, u64>) -> Result<(), Refusal> {
    let Some(book) = sizes.keys().find(|n| n.ends_with("workbook.xml")).cloned() else { return Ok(()) };
    let dir = book.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let rels_name =
        if dir.is_empty() { "_rels/workbook.xml.rels".to_string() } else { format!("{dir}/_rels/workbook.xml.rels") };
    let mut targets: HashMap<String, String> = HashMap::new();
    if let Some(i) = archive.index_for_name(&rels_name).or_else(|| index_ci(archive, &rels_name)) {
        for_each_element(archive, i, "Relationship", |attr| {
            if let (Some(id), Some(target)) = (attr("Id"), attr("Target")) {
                targets.insert(id, target);
            }
        });
    }
    let Some(i) = index_ci(archive, &book) else { return Ok(()) };
    let (mut sheets, mut bytes) = (0usize, 0u64);
    for_each_element(archive, i, "sheet", |attr| {
        sheets += 1;
        let part = attr("id").and_then(|id| targets.get(&id)).map(|t| resolve(&dir, t));
        bytes += part.and_then(|p| sizes.get(&p)).copied().unwrap_or(0);
    });
    if sheets > MAX_SHEETS || bytes > MAX_PARSED_BYTES {
        return Err(Refusal::TooManySheets(sheets, bytes));
    }
    Ok(())
}

/// The index of an entry by its lower-cased name.
fn index_ci<R: Read + Seek>(archive: &zip::ZipArchive<R>, lower: &str) -> Option<usize> {
    (0..archive.len())
        .find(|&i| archive.name_for_index(i).and_then(Result::ok).is_some_and(|n| n.to_ascii_lowercase() == lower))
}

/// A relationship target as a lower-cased part name: absolute (`/xl/…`) or relative to `dir`.
fn resolve(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None if dir.is_empty() => target,
        None => format!("{dir}/{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/").to_ascii_lowercase()
}

/// Calls `f` with an attribute getter (by local name) for every element named `local` in
/// entry `i`; stops quietly at the first XML error (the reader reports the part).
fn for_each_element<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    i: usize,
    local: &str,
    mut f: impl FnMut(&dyn Fn(&str) -> Option<String>),
) {
    use quick_xml::events::Event;
    let Ok(entry) = archive.by_index(i) else { return };
    let mut xml = xml_reader(entry);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == local => {
                let attr = |name: &str| {
                    e.attributes()
                        .with_checks(false)
                        .flatten()
                        .find_map(|a| (a.key.local_name().as_ref() == name).then(|| a.value.into_owned()))
                };
                f(&attr);
            }
            Ok(Event::Eof) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// An XML reader set up as calamine sets up its own (`xlsx::xml_reader`), so a part is seen
/// the way calamine will see it: end names and comments unchecked.
fn xml_reader<R: Read>(part: R) -> quick_xml::Reader<BufReader<R>> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    xml
}

/// A count as written; more digits than a u64 holds is a claim beyond any file.
fn claim(digits: &str) -> u64 {
    digits.parse().unwrap_or(u64::MAX)
}

/// `count` and `uniqueCount` of the `<sst>` start tag of `sharedStrings.xml`, found the way
/// calamine finds it (the first start tag named `sst`, whatever comes before it): their
/// leading digits.
fn sst_counts(part: impl Read) -> (Option<String>, Option<String>) {
    use quick_xml::events::Event;
    let mut xml = xml_reader(part);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "sst" => {
                let attr = |name: &str| {
                    e.attributes().with_checks(false).flatten().find(|a| a.key.as_ref() == name).and_then(|a| {
                        let digits: String = a.value.chars().take_while(char::is_ascii_digit).collect();
                        (!digits.is_empty()).then_some(digits)
                    })
                };
                return (attr("count"), attr("uniqueCount"));
            }
            Ok(Event::Eof) | Err(_) => return (None, None),
            Ok(_) => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Compound File Binary (MS-CFB)

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FREESECT: u32 = 0xFFFF_FFFF;
const MAXREGSECT: u32 = 0xFFFF_FFFA;

/// Checks an OLE container: sector size, DIFAT and FAT inside the file, and every chain
/// calamine follows (directory, mini FAT, mini stream, each stream) acyclic and in range.
pub fn cfb(path: &Path) -> Result<(), Refusal> {
    let bad = |what: &str| Refusal::Structure(what.to_string());
    let Ok(mut file) = File::open(path) else { return Ok(()) };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut h = [0u8; 512];
    if file.read_exact(&mut h).is_err() {
        return Err(bad("truncated header"));
    }
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let ss: u64 = match u16_at(&h, 30) {
        9 => 512,
        12 => 4096,
        _ => return Err(bad("sector size")),
    };
    // Sectors that start inside the file (the last may be short); sector i is at (i+1)·ss.
    let n = len.saturating_sub(ss).div_ceil(ss);
    let sector = |file: &mut File, id: u32| -> Result<Vec<u8>, Refusal> {
        if u64::from(id) >= n {
            return Err(Refusal::Structure(format!("sector {id} lies past the end of the file")));
        }
        let mut buf = vec![0u8; ss as usize];
        file.seek(SeekFrom::Start((u64::from(id) + 1) * ss)).map_err(|_| bad("unreadable sector"))?;
        let mut got = 0;
        while got < buf.len() {
            match file.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(k) => got += k,
                Err(_) => return Err(bad("unreadable sector")),
            }
        }
        Ok(buf)
    };
    let words = |b: &[u8]| b.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect::<Vec<_>>();

    // FAT sector ids: 109 in the header, the rest in the DIFAT chain.
    let mut fat_ids: Vec<u32> = words(&h[76..512]);
    let mut next = u32_at(&h, 68);
    let mut seen_difat = 0u64;
    while next < MAXREGSECT {
        seen_difat += 1;
        if seen_difat > n {
            return Err(bad("the DIFAT chain loops"));
        }
        let mut w = words(&sector(&mut file, next)?);
        next = w.pop().unwrap_or(ENDOFCHAIN);
        fat_ids.extend(w);
    }
    let fat_ids: Vec<u32> = fat_ids.into_iter().filter(|&id| id < MAXREGSECT).collect();
    if fat_ids.len() as u64 > n {
        return Err(bad("more FAT sectors than the file holds"));
    }
    let mut fat = Vec::with_capacity(fat_ids.len() * ss as usize / 4);
    for id in fat_ids {
        fat.extend(words(&sector(&mut file, id)?));
    }

    let mut fat = Chains::new(fat);
    let dir_links = fat.follow(u32_at(&h, 48), "directory", true)?;
    let mut dir = Vec::new();
    let mut id = u32_at(&h, 48);
    for _ in 0..dir_links {
        dir.extend(sector(&mut file, id)?);
        id = fat.table[id as usize];
    }
    let mini_fat_links = fat.follow(u32_at(&h, 60), "mini FAT", true)?;
    let mut minifat = Vec::new();
    let mut id = u32_at(&h, 60);
    for _ in 0..mini_fat_links {
        minifat.extend(words(&sector(&mut file, id)?));
        id = fat.table[id as usize];
    }
    let mut minifat = Chains::new(minifat);
    for (i, e) in dir.chunks_exact(128).enumerate() {
        let kind = e[66];
        if kind != 2 && kind != 5 {
            continue;
        }
        let start = u32_at(e, 116);
        let size = if ss == 512 {
            u64::from(u32_at(e, 120))
        } else {
            u32_at(e, 120) as u64 | (u64::from(u32_at(e, 124)) << 32)
        };
        if size > len {
            return Err(Refusal::Structure(format!("stream {i} claims {size} bytes in a {len}-byte file")));
        }
        // The root entry's chain is the mini stream; streams under 4096 bytes live in it.
        if kind == 5 || size >= 4096 {
            fat.follow(start, "stream", false)?;
        } else if size > 0 {
            minifat.follow(start, "mini stream", false)?;
        }
    }
    Ok(())
}

/// A FAT or mini FAT, and which walk first passed each sector: chains are followed in
/// linear time overall, however many streams share sectors.
struct Chains {
    table: Vec<u32>,
    marks: Vec<u32>,
    walk: u32,
}

impl Chains {
    fn new(table: Vec<u32>) -> Chains {
        let marks = vec![0; table.len()];
        Chains { table, marks, walk: 0 }
    }

    /// The number of links of the chain from `start`, or why it is broken. A chain that runs
    /// into one followed before ends there (the rest was checked then), unless `own` says it
    /// must not share sectors.
    fn follow(&mut self, start: u32, what: &str, own: bool) -> Result<u64, Refusal> {
        self.walk += 1;
        let (mut id, mut links) = (start, 0u64);
        while id != ENDOFCHAIN && id != FREESECT {
            let Some(mark) = self.marks.get_mut(id as usize) else {
                return Err(Refusal::Structure(format!("the {what} chain leaves the file")));
            };
            if *mark == self.walk {
                return Err(Refusal::Structure(format!("the {what} chain loops")));
            }
            if *mark != 0 {
                if own {
                    return Err(Refusal::Structure(format!("the {what} chain overlaps another")));
                }
                break;
            }
            *mark = self.walk;
            links += 1;
            id = self.table[id as usize];
        }
        Ok(links)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_string_counts_are_read_from_the_start_tag() {
        let head = br#"<?xml version="1.0"?><sst xmlns="x" count="217" uniqueCount="99999999999"><si><t>a</t></si>"#;
        let s = |v: &str| Some(v.to_string());
        assert_eq!(sst_counts(&head[..]), (s("217"), s("99999999999")));
        let prefixed = br#"<x:sst xmlns:x="x" uniqueCount = '3'><x:si/>"#;
        assert_eq!(sst_counts(&prefixed[..]), (None, s("3")));
        assert_eq!(sst_counts(&b"<sst/>"[..]), (None, None));
        // Whatever comes first, as calamine reads it.
        let late = format!("<?xml version=\"1.0\"?>{}<sst uniqueCount=\"7\">", "/".repeat(100_000));
        assert_eq!(sst_counts(late.as_bytes()), (None, s("7")));
        assert_eq!(claim("999999999999999999999999"), u64::MAX);
    }

    #[test]
    fn relationship_targets_resolve_like_calamine() {
        assert_eq!(resolve("xl", "worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve("xl", "/xl/worksheets/Sheet2.xml"), "xl/worksheets/sheet2.xml");
        assert_eq!(resolve("xl", "../xl/./worksheets/sheet3.xml"), "xl/worksheets/sheet3.xml");
    }

    #[test]
    fn parsed_parts_are_told_from_media() {
        assert!(is_parsed("xl/worksheets/sheet1.xml"));
        assert!(is_parsed("xl/_rels/workbook.xml.rels"));
        assert!(is_parsed("xl/worksheets/sheet1.bin"));
        assert!(!is_parsed("xl/media/image1.png"));
        assert!(!is_parsed("xl/printerSettings/printerSettings1.bin"));
    }
}
