//! Fonts of the PDF engine: where they come from (SPEC §4 PDF: `--font` chain → the fonts
//! compiled into the binary ([`super::bundled`]: Noto Sans CJK subsets, and the
//! `bundled-font` build's own) → the system's fonts), loaded and parsed once per process,
//! and asked, character by character, which font of the chain draws it — in bold from the
//! family's Bold face when there is one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

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
    /// The file, when it is one (its hash can be remembered across runs).
    file: Option<PathBuf>,
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
    fn parse(data: &'static [u8], index: u32, source: String, file: Option<&Path>) -> Result<FontFace, String> {
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
            file: file.map(Path::to_path_buf),
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

    /// SHA-256 of the whole font file, hex (for `manifest.json`); a file's is remembered
    /// across runs ([`super::hashes`]).
    pub fn sha256(&self) -> &str {
        self.sha256.get_or_init(|| match &self.file {
            Some(file) => super::hashes::sha256(hash_cache(), file, self.data),
            None => crate::output::sha256_hex(self.data),
        })
    }

    /// A face whose file's SHA-256 is already known (the bundled fonts: known at compile time).
    fn with_sha256(self, sha256: &str) -> FontFace {
        let _ = self.sha256.set(sha256.to_string());
        self
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

/// Where font hashes are remembered, looked up once per process.
fn hash_cache() -> Option<&'static Path> {
    static FILE: OnceLock<Option<PathBuf>> = OnceLock::new();
    FILE.get_or_init(super::hashes::cache_file).as_deref()
}

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
    let data = map(path).map_err(|e| format!("{}: cannot read the font ({e})", path.display()))?;
    cache.insert(key, data);
    Ok(data)
}

/// A font file's bytes, mapped rather than read: parsing and subsetting touch a few pages of
/// a 20 MB collection. Kept for the life of the process, like every font loaded. A file that
/// cannot be mapped (an empty one) is read.
fn map(path: &Path) -> std::io::Result<&'static [u8]> {
    let file = std::fs::File::open(path)?;
    // SAFETY: the map is read-only and never unmapped. Fonts are files nobody writes while a
    // build reads them; one truncated under a running build ends it (SIGBUS), as it would
    // any program that maps fonts.
    match unsafe { memmap2::Mmap::map(&file) } {
        Ok(map) => Ok(&**Box::leak(Box::new(map))),
        Err(_) => Ok(Box::leak(std::fs::read(path)?.into_boxed_slice())),
    }
}

fn face_of(data: &'static [u8], index: u32, source: &str, file: Option<&Path>) -> Result<Arc<FontFace>, String> {
    let key = (source.to_string(), index);
    // Held while parsing: two threads asking at once must get the same face.
    let mut cache = face_cache().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(f) = cache.get(&key) {
        return Ok(f.clone());
    }
    let face = Arc::new(FontFace::parse(data, index, source.to_string(), file)?);
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
    load_from(data, &path.display().to_string(), Some(path), lang, None)
}

/// A font from bytes (of `file`, when it is one), its SHA-256 given when already known.
fn load_from(
    data: &'static [u8],
    source: &str,
    file: Option<&Path>,
    lang: Lang,
    sha256: Option<&str>,
) -> Result<Arc<FontFace>, String> {
    if let Some(sha) = sha256 {
        let key = (source.to_string(), 0);
        if let Some(f) = face_cache().lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(f.clone());
        }
        let face = Arc::new(FontFace::parse(data, 0, source.to_string(), file)?.with_sha256(sha));
        face_cache().lock().unwrap_or_else(|e| e.into_inner()).insert(key, face.clone());
        return Ok(face);
    }
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    if count <= 1 {
        return face_of(data, 0, source, file);
    }
    let mut best: Option<(i32, Arc<FontFace>)> = None;
    for i in 0..count.min(64) {
        let Ok(face) = face_of(data, i, source, file) else { continue };
        let score = face_score(&face.family, lang);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, face));
        }
    }
    best.map(|(_, f)| f).ok_or_else(|| format!("{source}: no usable face in the collection"))
}

// ---------------------------------------------------------------------------------------------
// The bundled fonts

/// The Noto Sans CJK subsets compiled into every binary, for a language: its own script's
/// Regular and Bold first, then the other script's (indexes into [`super::bundled::FACES`]),
/// as (regular, bold) pairs.
fn bundled_faces(lang: Lang) -> [(usize, usize); 2] {
    let (sc, tc) = ((0, 1), (2, 3));
    if lang == Lang::ZhTw { [tc, sc] } else { [sc, tc] }
}

/// A font compiled into the binary with `--features bundled-font`
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

/// Every font file a chain of any language may take a glyph from: the `--font` files, the
/// system's fonts, and their bold siblings (the bundled fonts are part of the binary). A
/// rebuild whose fonts changed renders again.
pub fn files_in_use(user: &[PathBuf]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = user.to_vec();
    for lang in [Lang::ZhCn, Lang::ZhTw, Lang::En] {
        files.extend(system_fonts(lang));
    }
    let bold: Vec<PathBuf> = files.iter().filter_map(|p| bold_sibling(p)).collect();
    files.extend(bold);
    files.sort();
    files.dedup();
    files
}

// ---------------------------------------------------------------------------------------------
// The chain

/// Where a font of the chain comes from.
#[derive(Clone, Debug)]
enum Origin {
    File(PathBuf),
    /// A face of [`super::bundled::FACES`].
    Bundled(usize),
    /// The `bundled-font` build's own font.
    Custom,
}

/// The Bold face beside a Regular one: `NotoSansCJK-Regular.ttc` → `NotoSansCJK-Bold.ttc`,
/// `msyh.ttc` → `msyhbd.ttc`; `None` when the family has no Bold file there.
fn bold_sibling(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_lowercase();
    let candidates: Vec<String> = if let Some(at) = lower.find("regular") {
        ["Bold", "bold"].iter().map(|b| format!("{}{b}{}", &name[..at], &name[at + "regular".len()..])).collect()
    } else if let Some((stem, ext)) = name.rsplit_once('.')
        && ["msyh", "msjh"].contains(&stem.to_lowercase().as_str())
    {
        vec![format!("{stem}bd.{ext}")]
    } else {
        Vec::new()
    };
    candidates.into_iter().map(|c| path.with_file_name(c)).find(|p| p.is_file())
}

/// A fallback chain of fonts for one language, each loaded the first time a character
/// needs it. Places `0..regular` hold the faces tried in order; the Bold faces of those
/// families follow them, each tied to its Regular by [`FontChain::bold_of`].
pub struct FontChain {
    lang: Lang,
    origins: Vec<Origin>,
    /// Regular faces: the first `regular` places.
    regular: usize,
    /// The place of the Bold face of each Regular one.
    bold_of: Vec<Option<usize>>,
    loaded: Vec<OnceLock<Option<Arc<FontFace>>>>,
    /// First loading error of each font of the `--font` chain, reported when nothing draws a character.
    errors: Mutex<Vec<String>>,
}

impl FontChain {
    /// `--font` files, then the fonts compiled into the binary, then the system's: the
    /// bundled faces come before the system's so that the same input gives the same PDF on
    /// every machine; system fonts only draw what the subsets lack.
    pub fn resolve(user: &[PathBuf], lang: Lang) -> FontChain {
        let mut faces: Vec<(Origin, Option<Origin>)> =
            user.iter().map(|p| (Origin::File(p.clone()), bold_sibling(p).map(Origin::File))).collect();
        if bundled().is_some() {
            faces.push((Origin::Custom, None));
        }
        faces.extend(bundled_faces(lang).map(|(r, b)| (Origin::Bundled(r), Some(Origin::Bundled(b)))));
        faces.extend(system_fonts(lang).into_iter().map(|p| {
            let bold = bold_sibling(&p).map(Origin::File);
            (Origin::File(p), bold)
        }));
        FontChain::from_faces(faces, lang)
    }

    /// Exactly these files, nothing else (tests, and fonts known to cover the text).
    pub fn only(files: &[PathBuf], lang: Lang) -> FontChain {
        FontChain::from_faces(files.iter().map(|p| (Origin::File(p.clone()), None)).collect(), lang)
    }

    /// The fonts compiled into the binary, nothing else (what a machine without fonts has).
    pub fn bundled_only(lang: Lang) -> FontChain {
        let faces = bundled_faces(lang).map(|(r, b)| (Origin::Bundled(r), Some(Origin::Bundled(b))));
        FontChain::from_faces(faces.into(), lang)
    }

    fn from_faces(faces: Vec<(Origin, Option<Origin>)>, lang: Lang) -> FontChain {
        // At most 255 places: a glyph names its font in a byte.
        let faces: Vec<_> = faces.into_iter().take(120).collect();
        let regular = faces.len();
        let mut origins: Vec<Origin> = Vec::with_capacity(regular * 2);
        let mut bolds = Vec::new();
        for (r, b) in faces {
            origins.push(r);
            bolds.push(b);
        }
        let mut bold_of = Vec::with_capacity(regular);
        for b in bolds {
            bold_of.push(b.map(|b| {
                origins.push(b);
                origins.len() - 1
            }));
        }
        let loaded = origins.iter().map(|_| OnceLock::new()).collect();
        FontChain { lang, origins, regular, bold_of, loaded, errors: Mutex::new(Vec::new()) }
    }

    /// Every place of the chain, Bold faces included.
    pub fn len(&self) -> usize {
        self.origins.len()
    }

    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// Whether the font at a place is the Bold face of its family (real bold, not synthetic).
    pub fn is_bold(&self, i: usize) -> bool {
        i >= self.regular && i < self.origins.len()
    }

    /// The font at a place of the chain, loaded on first use; `None` when it cannot be read.
    pub fn font(&self, i: usize) -> Option<&Arc<FontFace>> {
        self.loaded
            .get(i)?
            .get_or_init(|| {
                let r = match &self.origins[i] {
                    Origin::File(p) => load(p, self.lang),
                    Origin::Bundled(k) => {
                        let f = &super::bundled::FACES[*k];
                        load_from(f.data, &format!("bundled:{}", f.file), None, self.lang, Some(f.sha256))
                    }
                    Origin::Custom => match bundled() {
                        Some(d) => load_from(d, "bundled", None, self.lang, None),
                        None => Err("no bundled font".into()),
                    },
                };
                match r {
                    Ok(f) => Some(f),
                    // A missing Bold face is not an error: the Regular one is drawn bolder.
                    Err(_) if self.is_bold(i) => None,
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
        (0..self.regular).find_map(|i| self.font(i).and_then(|f| f.glyph(c)).map(|g| (i as u8, g)))
    }

    /// The font that draws `c` in bold: the Bold face of the first family that has the
    /// character, else that family's Regular face (drawn bolder by the writer).
    pub fn find_bold(&self, c: char) -> Option<(u8, u16)> {
        (0..self.regular).find_map(|i| {
            let regular = self.font(i).and_then(|f| f.glyph(c))?;
            let bold = self.bold_of[i].and_then(|b| self.font(b).and_then(|f| f.glyph(c)).map(|g| (b as u8, g)));
            Some(bold.unwrap_or((i as u8, regular)))
        })
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

/// Check boxes — ☐ ☑ ☒ — which Noto Sans CJK (and so the bundled fonts) lacks: the PDF
/// draws them as vector graphics (a square, and a tick or a cross), the same on every
/// machine. The text keeps the character for copy and search: the square's glyph (□, which
/// every CJK font has) stands invisible under the drawing, mapped to it.
pub fn is_check_box(c: char) -> bool {
    matches!(c, '\u{2610}'..='\u{2612}')
}

/// The glyph that carries a check box's width and text: the white square.
pub const CHECK_BOX_CARRIER: char = '\u{25A1}';

const NO_GLYPH: L10n = L10n::new(
    "字符「{c}」（{u}）无法用任何字体绘制（文档：{doc}）。请用 --font 指定包含该字符的字体，或安装中文字体（例如 apt-get install fonts-noto-cjk）。",
    "字元「{c}」（{u}）無法用任何字型繪製（文件：{doc}）。請用 --font 指定包含該字元的字型，或安裝中文字型（例如 apt-get install fonts-noto-cjk）。",
    "the character “{c}” ({u}) in “{doc}” has no glyph in any font; pass a font that has it with --font, or install CJK fonts (e.g. apt-get install fonts-noto-cjk)",
);

const NO_FONT: L10n = L10n::new(
    "找不到可用于 PDF 的字体（文档：{doc}）。请用 --font 指定字体文件，或安装中文字体（例如 apt-get install fonts-noto-cjk）。",
    "找不到可用於 PDF 的字型（文件：{doc}）。請用 --font 指定字型檔，或安裝中文字型（例如 apt-get install fonts-noto-cjk）。",
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
        msg.push_str(if lang == Lang::En { "; " } else { "；" });
        msg.push_str(&e);
    }
    msg
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The chain of a run (bundled fonts first), for tests that draw text.
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
    fn the_bundled_fonts_are_the_files_their_hashes_name() {
        // The manifest takes these hashes on trust: they must be the files' own.
        for f in super::super::bundled::FACES {
            let sha = crate::output::sha256_hex(f.data);
            assert_eq!(sha, f.sha256, "{}: run fonts/make-subsets.py again", f.file);
        }
        let chain = FontChain::bundled_only(Lang::ZhCn);
        let regular = chain.font(0).unwrap();
        assert_eq!(
            (regular.family.as_str(), regular.sha256()),
            ("Noto Sans CJK SC", super::super::bundled::FACES[0].sha256)
        );
        let (font, _) = chain.find_bold('中').unwrap();
        assert!(chain.is_bold(usize::from(font)), "bold text comes from the Bold face");
        assert_eq!(chain.find('中').map(|(f, _)| f), Some(0));
        assert_eq!(FontChain::bundled_only(Lang::ZhTw).font(0).unwrap().family, "Noto Sans CJK TC");
    }

    #[test]
    fn the_bundled_fonts_cover_gb2312_big5_and_every_character_dossier_writes() {
        let chain = FontChain::bundled_only(Lang::ZhCn);
        // A few of GB 2312 level 2 and of Big5's common characters, and the marks documents draw.
        for c in "鼾齄亍丌兀丨丬乇乜乩亓亟亠亳仉仫伉伧佞侔倏錄闆騙鬱龜齣‧•…—–·□▣✓●■▲①℃№《》「」、。，：（）％～".chars()
        {
            assert!(chain.find(c).is_some() && chain.find_bold(c).is_some(), "{c} U+{:04X}", c as u32);
        }
        // Every character in the strings of the source (labels, messages, marks; tests and
        // comments aside) and of the templates: what the tool writes itself always has a glyph,
        // on any machine.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut stack = vec![root.join("src"), root.join("templates")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                    // What lies between the first and the last quote of a line: its strings.
                    let strings = match (line.find('"'), line.rfind('"')) {
                        (Some(a), Some(b)) if b > a => &line[a..b],
                        _ if p.extension().is_some_and(|e| e != "rs") => line,
                        _ => "",
                    };
                    for c in strings.chars().filter(|c| *c as u32 > 0x7E && !is_invisible(*c)) {
                        assert!(
                            chain.find(c).is_some() || is_check_box(c),
                            "{}: “{c}” (U+{:04X}) is not in the bundled fonts: run fonts/make-subsets.py",
                            p.display(),
                            c as u32
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn bold_faces_are_found_beside_regular_ones() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "msyh.ttc", "msyhbd.ttc", "wqy-zenhei.ttc"] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        let bold =
            |n: &str| bold_sibling(&dir.path().join(n)).map(|p| p.file_name().unwrap().to_string_lossy().into_owned());
        assert_eq!(bold("NotoSansCJK-Regular.ttc").as_deref(), Some("NotoSansCJK-Bold.ttc"));
        assert_eq!(bold("msyh.ttc").as_deref(), Some("msyhbd.ttc"));
        assert_eq!(bold("wqy-zenhei.ttc"), None);
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
