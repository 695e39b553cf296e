//! Fonts of the PDF engine: where they come from (SPEC §4 PDF: `--font` chain → the
//! `bundled-font` build → the system's CJK fonts), loaded and parsed once per process, and
//! asked, character by character, which font of the chain draws it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};
use ttf_parser::{Face, GlyphId};

use crate::model::{L10n, Lang};

/// One face of a font file, parsed once and shared by every document of the run.
pub struct FontFace {
    /// Family as the font names itself (`Noto Sans CJK SC`).
    pub family: String,
    /// PostScript name, the PDF `BaseFont` (`NotoSansCJKsc-Regular`).
    pub postscript: String,
    /// The file it was read from, or `bundled`.
    pub source: String,
    /// Face index inside a `.ttc` collection (0 for single fonts).
    pub index: u32,
    data: &'static [u8],
    face: Face<'static>,
    sha256: OnceLock<String>,
    /// CFF outlines (embedded as `CIDFontType0C`), else TrueType (`CIDFontType2`).
    pub cff: bool,
    pub units_per_em: f32,
}

impl std::fmt::Debug for FontFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}#{})", self.family, self.source, self.index)
    }
}

impl FontFace {
    fn parse(data: &'static [u8], index: u32, source: String) -> Result<FontFace, String> {
        let face = Face::parse(data, index).map_err(|e| format!("{source}: not a usable font ({e})"))?;
        let name = |ids: &[u16]| {
            ids.iter().find_map(|id| {
                face.names()
                    .into_iter()
                    .filter(|n| n.name_id == *id && n.is_unicode())
                    // English names first: the family reads the same in every catalogue.
                    .min_by_key(|n| n.language_id != 0x0409)
                    .and_then(|n| n.to_string())
            })
        };
        let family = name(&[ttf_parser::name_id::TYPOGRAPHIC_FAMILY, ttf_parser::name_id::FAMILY])
            .unwrap_or_else(|| "Unnamed".into());
        let postscript: String = name(&[ttf_parser::name_id::POST_SCRIPT_NAME])
            .unwrap_or_else(|| family.clone())
            .chars()
            .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
            .collect();
        let cff = face.tables().cff.is_some();
        if face.tables().cff2.is_some() && !cff && face.tables().glyf.is_none() {
            return Err(format!("{source}: CFF2 (variable OpenType) fonts cannot be embedded; use a static font"));
        }
        let units_per_em = f32::from(face.units_per_em().max(16));
        Ok(FontFace {
            family,
            postscript: if postscript.is_empty() { "Font".into() } else { postscript },
            source,
            index,
            data,
            face,
            sha256: OnceLock::new(),
            cff,
            units_per_em,
        })
    }

    /// The glyph of a character, when the face has one.
    pub fn glyph(&self, c: char) -> Option<u16> {
        self.face.glyph_index(c).map(|g| g.0).filter(|g| *g != 0)
    }

    /// Advance of a glyph in 1/1000 em (PDF text space).
    pub fn advance(&self, gid: u16) -> f32 {
        f32::from(self.face.glyph_hor_advance(GlyphId(gid)).unwrap_or(0)) * 1000.0 / self.units_per_em
    }

    pub fn data(&self) -> &'static [u8] {
        self.data
    }

    pub fn face(&self) -> &Face<'static> {
        &self.face
    }

    /// SHA-256 of the whole font file, hex (for `manifest.json`).
    pub fn sha256(&self) -> &str {
        self.sha256.get_or_init(|| Sha256::digest(self.data).iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Metrics in 1/1000 em: ascent, descent (negative), cap height, bounding box.
    pub fn metrics(&self) -> FontMetrics {
        let s = 1000.0 / self.units_per_em;
        let f = &self.face;
        let bb = f.global_bounding_box();
        FontMetrics {
            ascent: f32::from(f.ascender()) * s,
            descent: f32::from(f.descender()) * s,
            cap_height: f32::from(f.capital_height().unwrap_or(f.ascender())) * s,
            bbox: [f32::from(bb.x_min) * s, f32::from(bb.y_min) * s, f32::from(bb.x_max) * s, f32::from(bb.y_max) * s],
            italic_angle: f.italic_angle(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct FontMetrics {
    pub ascent: f32,
    pub descent: f32,
    pub cap_height: f32,
    pub bbox: [f32; 4],
    pub italic_angle: f32,
}

/// Where a font came from, for `manifest.json`: family, file and SHA-256 of the file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FontInfo {
    pub family: String,
    pub file: String,
    pub sha256: String,
}

// ---------------------------------------------------------------------------------------------
// Loading, once per process

/// File contents by path, read once and kept for the life of the process (fonts are read
/// by every document of a batch; a 19 MB collection is not read twice).
fn file_cache() -> &'static Mutex<HashMap<PathBuf, &'static [u8]>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, &'static [u8]>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Parsed faces by (source, face index).
type Faces = Mutex<HashMap<(String, u32), Arc<FontFace>>>;

fn face_cache() -> &'static Faces {
    static CACHE: OnceLock<Faces> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn read_file(path: &Path) -> Result<&'static [u8], String> {
    let key = path.to_path_buf();
    let mut cache = file_cache().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(data) = cache.get(&key) {
        return Ok(data);
    }
    let data = std::fs::read(path).map_err(|e| format!("{}: cannot read the font ({e})", path.display()))?;
    let data: &'static [u8] = Box::leak(data.into_boxed_slice());
    cache.insert(key, data);
    Ok(data)
}

fn face_of(data: &'static [u8], index: u32, source: &str) -> Result<Arc<FontFace>, String> {
    let key = (source.to_string(), index);
    // Held while parsing: two threads asking at once must get the same face.
    let mut cache = face_cache().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(f) = cache.get(&key) {
        return Ok(f.clone());
    }
    let face = Arc::new(FontFace::parse(data, index, source.to_string())?);
    cache.insert(key, face.clone());
    Ok(face)
}

/// Family names of the faces of a collection that suit the language best come first.
fn face_score(family: &str, lang: Lang) -> i32 {
    let f = family.to_ascii_lowercase();
    let has = |tags: &[&str]| tags.iter().any(|t| f.split([' ', '-', '_']).any(|w| w == *t));
    let mut score = 0;
    let (want, other): (&[&str], &[&str]) = match lang {
        Lang::ZhTw => (&["tc", "tw", "hk", "hant", "jhenghei", "mingliu"], &["sc", "cn", "hans", "gb"]),
        _ => (&["sc", "cn", "gb", "hans", "yahei", "simsun"], &["tc", "tw", "hk", "hant"]),
    };
    if has(want) {
        score += 10;
    } else if has(other) {
        score += 5;
    }
    if has(&["jp", "kr", "japanese", "korean"]) {
        score -= 2;
    }
    // Noto Sans Mono CJK is for code, not documents.
    if f.contains("mono") {
        score -= 20;
    }
    score
}

/// Loads a font file, choosing the face of a collection by the language (SC or TC).
pub fn load(path: &Path, lang: Lang) -> Result<Arc<FontFace>, String> {
    let data = read_file(path)?;
    load_data(data, &path.display().to_string(), lang)
}

fn load_data(data: &'static [u8], source: &str, lang: Lang) -> Result<Arc<FontFace>, String> {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    if count <= 1 {
        return face_of(data, 0, source);
    }
    let mut best: Option<(i32, Arc<FontFace>)> = None;
    for i in 0..count.min(64) {
        let Ok(face) = face_of(data, i, source) else { continue };
        let score = face_score(&face.family, lang);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, face));
        }
    }
    best.map(|(_, f)| f).ok_or_else(|| format!("{source}: no usable face in the collection"))
}

// ---------------------------------------------------------------------------------------------
// The bundled font

/// The font compiled into the binary with `--features bundled-font`
/// (`DOSSIER_BUNDLED_FONT=/path/to/font.otf cargo build --features bundled-font`).
#[cfg(feature = "bundled-font")]
fn bundled() -> Option<&'static [u8]> {
    static DATA: &[u8] = include_bytes!(env!(
        "DOSSIER_BUNDLED_FONT",
        "set DOSSIER_BUNDLED_FONT to the font file to compile in (e.g. NotoSansCJKsc-Regular.otf)"
    ));
    Some(DATA)
}

#[cfg(not(feature = "bundled-font"))]
fn bundled() -> Option<&'static [u8]> {
    None
}

// ---------------------------------------------------------------------------------------------
// System fonts

/// Known CJK (then general) font files, best first: (lower-case file name, script the file is
/// for: `sc`, `tc` or empty for both).
const KNOWN: &[(&str, &str)] = &[
    ("notosanscjk-regular.ttc", ""),
    ("notosanscjk-regular.otc", ""),
    ("notosanscjksc-regular.otf", "sc"),
    ("notosanscjktc-regular.otf", "tc"),
    ("notosanssc-regular.otf", "sc"),
    ("notosanstc-regular.otf", "tc"),
    ("notosanssc-regular.ttf", "sc"),
    ("notosanstc-regular.ttf", "tc"),
    ("sourcehansans.ttc", ""),
    ("sourcehansans-regular.ttc", ""),
    ("sourcehansanssc-regular.otf", "sc"),
    ("sourcehansanscn-regular.otf", "sc"),
    ("sourcehansanstc-regular.otf", "tc"),
    ("sourcehansanstw-regular.otf", "tc"),
    ("wqy-microhei.ttc", ""),
    ("wqy-zenhei.ttc", ""),
    ("droidsansfallbackfull.ttf", ""),
    ("droidsansfallback.ttf", ""),
    ("msyh.ttc", "sc"),
    ("msyh.ttf", "sc"),
    ("msjh.ttc", "tc"),
    ("msjh.ttf", "tc"),
    ("pingfang.ttc", ""),
    ("hiragino sans gb.ttc", "sc"),
    ("simsun.ttc", "sc"),
    ("mingliu.ttc", "tc"),
    ("notosanscjk-regular.ttf", ""),
];

/// General fonts after the CJK ones, for symbols a CJK font lacks.
const GENERAL: &[&str] = &["dejavusans.ttf", "liberationsans-regular.ttf", "arial.ttf", "arialuni.ttf"];

fn font_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).map(PathBuf::from);
    if cfg!(target_os = "macos") {
        dirs.extend(["/System/Library/Fonts", "/Library/Fonts", "/System/Library/AssetsV2"].map(PathBuf::from));
        if let Some(h) = &home {
            dirs.push(h.join("Library/Fonts"));
        }
    } else if cfg!(windows) {
        let windir = std::env::var_os("WINDIR").map_or_else(|| PathBuf::from(r"C:\Windows"), PathBuf::from);
        dirs.push(windir.join("Fonts"));
        if let Some(local) = std::env::var_os("LOCALAPPDATA") {
            dirs.push(PathBuf::from(local).join(r"Microsoft\Windows\Fonts"));
        }
    } else {
        dirs.extend(["/usr/share/fonts", "/usr/local/share/fonts"].map(PathBuf::from));
        if let Some(h) = &home {
            dirs.push(h.join(".fonts"));
            dirs.push(h.join(".local/share/fonts"));
        }
    }
    dirs
}

/// Every known font file in the standard folders, by lower-case file name (first found wins).
/// Looked up once per process; folders are walked a few levels deep, links not followed.
fn system_files() -> &'static HashMap<String, PathBuf> {
    static FILES: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut found = HashMap::new();
        let mut budget = 50_000usize;
        for dir in font_dirs() {
            walk(&dir, 0, &mut budget, &mut found);
        }
        found
    })
}

fn walk(dir: &Path, depth: usize, budget: &mut usize, found: &mut HashMap<String, PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().collect();
    // Sorted, so the same folder gives the same font on every run.
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let Ok(ty) = e.file_type() else { continue };
        let path = e.path();
        if ty.is_dir() && depth < 6 {
            walk(&path, depth + 1, budget, found);
        } else if ty.is_file() || ty.is_symlink() {
            let name = e.file_name().to_string_lossy().to_lowercase();
            if KNOWN.iter().any(|(k, _)| *k == name) || GENERAL.contains(&name.as_str()) {
                found.entry(name).or_insert(path);
            }
        }
    }
}

/// System font files for a language, best first: CJK families ranked by [`KNOWN`], a file
/// made for the other script (SC for zh-TW) after those made for this one or for both.
pub fn system_fonts(lang: Lang) -> Vec<PathBuf> {
    let files = system_files();
    let want = if lang == Lang::ZhTw { "tc" } else { "sc" };
    let mut cjk: Vec<(usize, usize, &PathBuf)> = KNOWN
        .iter()
        .enumerate()
        .filter_map(|(rank, (name, script))| {
            let path = files.get(*name)?;
            let penalty = usize::from(!script.is_empty() && *script != want);
            Some((penalty, rank, path))
        })
        .collect();
    cjk.sort();
    let mut out: Vec<PathBuf> = cjk.into_iter().map(|(_, _, p)| p.clone()).collect();
    out.extend(GENERAL.iter().filter_map(|n| files.get(*n).cloned()));
    out
}

// ---------------------------------------------------------------------------------------------
// The chain

/// Where a font of the chain comes from.
#[derive(Clone, Debug)]
enum Origin {
    File(PathBuf),
    Bundled,
}

/// A fallback chain of fonts for one language, each loaded the first time a character
/// needs it.
pub struct FontChain {
    lang: Lang,
    origins: Vec<Origin>,
    loaded: Vec<OnceLock<Option<Arc<FontFace>>>>,
    /// First loading error of each font of the `--font` chain, reported when nothing draws a character.
    errors: Mutex<Vec<String>>,
}

impl FontChain {
    /// `--font` files, then the bundled font, then the system's.
    pub fn resolve(user: &[PathBuf], lang: Lang) -> FontChain {
        let mut origins: Vec<Origin> = user.iter().cloned().map(Origin::File).collect();
        if bundled().is_some() {
            origins.push(Origin::Bundled);
        }
        origins.extend(system_fonts(lang).into_iter().map(Origin::File));
        FontChain::from_origins(origins, lang)
    }

    /// Exactly these files, nothing else (tests, and fonts known to cover the text).
    pub fn only(files: &[PathBuf], lang: Lang) -> FontChain {
        FontChain::from_origins(files.iter().cloned().map(Origin::File).collect(), lang)
    }

    fn from_origins(origins: Vec<Origin>, lang: Lang) -> FontChain {
        let loaded = origins.iter().map(|_| OnceLock::new()).collect();
        FontChain { lang, origins, loaded, errors: Mutex::new(Vec::new()) }
    }

    pub fn len(&self) -> usize {
        self.origins.len()
    }

    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// The font at a place of the chain, loaded on first use; `None` when it cannot be read.
    pub fn font(&self, i: usize) -> Option<&Arc<FontFace>> {
        self.loaded
            .get(i)?
            .get_or_init(|| {
                let r = match &self.origins[i] {
                    Origin::File(p) => load(p, self.lang),
                    Origin::Bundled => match bundled() {
                        Some(d) => load_data(d, "bundled", self.lang),
                        None => Err("no bundled font".into()),
                    },
                };
                match r {
                    Ok(f) => Some(f),
                    Err(e) => {
                        self.errors.lock().unwrap_or_else(|p| p.into_inner()).push(e);
                        None
                    }
                }
            })
            .as_ref()
    }

    /// The first font of the chain that draws `c`: its place and glyph.
    pub fn find(&self, c: char) -> Option<(u8, u16)> {
        (0..self.len().min(255)).find_map(|i| self.font(i).and_then(|f| f.glyph(c)).map(|g| (i as u8, g)))
    }

    /// Errors met while loading fonts of the chain (a `--font` file that is not a font).
    pub fn errors(&self) -> Vec<String> {
        self.errors.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Fails early when a `--font` file cannot be used at all.
    pub fn check_user_fonts(user: &[PathBuf], lang: Lang) -> Result<(), String> {
        for p in user {
            load(p, lang)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Characters

/// Characters that draw nothing and need no glyph: controls, joiners, variation selectors,
/// soft hyphens, byte-order marks.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

const NO_GLYPH: L10n = L10n::new(
    "字符「{c}」({u})无法用任何字体绘制(文档:{doc})。请用 --font 指定包含该字符的字体,或安装中文字体(例如 apt-get install fonts-noto-cjk)。",
    "字元「{c}」({u})無法用任何字型繪製(文件:{doc})。請用 --font 指定包含該字元的字型,或安裝中文字型(例如 apt-get install fonts-noto-cjk)。",
    "the character “{c}” ({u}) in “{doc}” has no glyph in any font; pass a font that has it with --font, or install CJK fonts (e.g. apt-get install fonts-noto-cjk)",
);

const NO_FONT: L10n = L10n::new(
    "找不到可用于 PDF 的字体(文档:{doc})。请用 --font 指定字体文件,或安装中文字体(例如 apt-get install fonts-noto-cjk)。",
    "找不到可用於 PDF 的字型(文件:{doc})。請用 --font 指定字型檔,或安裝中文字型(例如 apt-get install fonts-noto-cjk)。",
    "no font found for the PDF of “{doc}”; pass a font file with --font, or install CJK fonts (e.g. apt-get install fonts-noto-cjk)",
);

/// The error for a character nothing can draw, naming it, the document and the fix.
pub fn missing_glyph(c: char, doc: &str, chain: &FontChain, lang: Lang) -> String {
    let mut msg = if (0..chain.len()).all(|i| chain.font(i).is_none()) {
        NO_FONT.fill(lang, &[("doc", doc)])
    } else {
        NO_GLYPH.fill(lang, &[("c", &c.to_string()), ("u", &format!("U+{:04X}", c as u32)), ("doc", doc)])
    };
    for e in chain.errors() {
        msg.push_str(if lang == Lang::En { "; " } else { ";" });
        msg.push_str(&e);
    }
    msg
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A CJK font of this machine, for tests that draw text (skipped when none is installed).
    pub(crate) fn test_chain(lang: Lang) -> Option<FontChain> {
        let chain = FontChain::resolve(&[], lang);
        chain.find('中').map(|_| chain)
    }

    #[test]
    fn collections_choose_the_face_of_the_language() {
        assert!(face_score("Noto Sans CJK SC", Lang::ZhCn) > face_score("Noto Sans CJK TC", Lang::ZhCn));
        assert!(face_score("Noto Sans CJK TC", Lang::ZhTw) > face_score("Noto Sans CJK SC", Lang::ZhTw));
        assert!(face_score("Noto Sans CJK SC", Lang::ZhCn) > face_score("Noto Sans Mono CJK SC", Lang::ZhCn));
        assert!(face_score("Noto Sans CJK SC", Lang::ZhTw) > face_score("Noto Sans CJK JP", Lang::ZhTw));
        let Some(cn) = test_chain(Lang::ZhCn) else { return };
        let tw = test_chain(Lang::ZhTw).unwrap();
        let (a, b) = (cn.font(0).unwrap(), tw.font(0).unwrap());
        if a.source.ends_with(".ttc") {
            assert!(a.family.ends_with("SC") && b.family.ends_with("TC"), "{} / {}", a.family, b.family);
        }
    }

    #[test]
    fn a_font_is_parsed_once_per_process() {
        let (Some(a), Some(b)) = (test_chain(Lang::ZhCn), test_chain(Lang::ZhCn)) else { return };
        assert!(Arc::ptr_eq(a.font(0).unwrap(), b.font(0).unwrap()));
    }

    #[test]
    fn the_missing_glyph_error_names_the_character_the_document_and_the_fix() {
        let chain = FontChain::only(&[], Lang::ZhCn);
        let msg = missing_glyph('䶵', "计划", &chain, Lang::ZhCn);
        assert!(msg.contains("--font") && msg.contains("fonts-noto-cjk") && msg.contains("计划"), "{msg}");
        let Some(chain) = test_chain(Lang::En) else { return };
        // Linear B has no glyph in the CJK fonts of a Debian machine.
        if chain.find('𐀀').is_none() {
            let msg = missing_glyph('𐀀', "plan", &chain, Lang::En);
            assert!(msg.contains("U+10000") && msg.contains("“plan”") && msg.contains("--font"), "{msg}");
        }
    }

    #[test]
    fn a_file_that_is_not_a_font_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.ttf");
        std::fs::write(&p, b"not a font").unwrap();
        let e = FontChain::check_user_fonts(std::slice::from_ref(&p), Lang::En).unwrap_err();
        assert!(e.contains("x.ttf"), "{e}");
        let e = FontChain::check_user_fonts(&[dir.path().join("missing.ttf")], Lang::En).unwrap_err();
        assert!(e.contains("missing.ttf"), "{e}");
    }
}
