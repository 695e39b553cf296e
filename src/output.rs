//! The output folder: safe project folder names, atomic writes, `manifest.json` with every
//! file's size and SHA-256, and `verify`, which proves years later that nothing changed.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{L10n, Lang};
use crate::spool::{At, Spool};

/// dossier's working state inside the output folder (the build's check cache): not part of the
/// deliverable, never listed in the manifest, ignored by `verify`, `archive` and the clean-up.
pub const WORK_DIR: &str = ".dossier";
/// The manifest's own name inside the output folder.
pub const MANIFEST: &str = "manifest.json";
/// The detached CMS signature of the manifest, written by `dossier sign`.
pub const MANIFEST_SIGNATURE: &str = "manifest.json.p7s";

/// Longest file or folder name dossier writes, in bytes: a temporary name adds a dot, the
/// process id and `.tmp`, and every common file system allows 255 bytes.
pub const MAX_NAME_BYTES: usize = 200;

/// `name` when it fits in `max` bytes; else its start, cut at a character boundary, and a
/// hash of the whole name, so that distinct long names stay distinct from run to run.
pub fn fit(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let hash = &sha256_hex(name.as_bytes())[..8];
    let mut cut = max.saturating_sub(hash.len() + 1);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{hash}", name[..cut].trim_end_matches(['-', '.', ' ']))
}

/// The file name `stem.ext`, the stem shortened by [`fit`] so the whole fits [`MAX_NAME_BYTES`].
pub fn file_name(stem: &str, ext: &str) -> String {
    format!("{}.{ext}", fit(stem, MAX_NAME_BYTES - ext.len() - 1))
}

/// A folder or file name made from an id or title: no path separators, no `..`, no control
/// or reserved characters, no Windows device names, at most 80 characters and (with room
/// for a `-2` suffix) [`MAX_NAME_BYTES`] bytes, never empty.
pub fn safe_name(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.trim().chars() {
        let bad =
            c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_whitespace();
        if bad {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c);
        }
    }
    let mut out: String = out.trim_matches(|c| c == '-' || c == '.' || c == ' ').chars().take(80).collect();
    while out.contains("..") {
        out = out.replace("..", ".");
    }
    let stem = out.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit());
    if reserved {
        out.push('_');
    }
    if out.is_empty() { "project".to_string() } else { fit(&out, MAX_NAME_BYTES - 8) }
}

/// What writing a file was doing when it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    CreateFolder,
    Create,
    Write,
    Rename,
    Remove,
}

/// An output file that could not be written: the operation, the path, the system's reason.
/// Carried inside the `io::Error` [`write_atomic`] returns; [`WriteError::message`] says it
/// in the user's language.
#[derive(Debug)]
pub struct WriteError {
    pub op: Op,
    pub path: PathBuf,
    pub source: io::Error,
}

const OP_CREATE_FOLDER: L10n = L10n::new(
    "无法创建文件夹 {path}：{error}",
    "無法建立資料夾 {path}：{error}",
    "cannot create the folder {path}: {error}",
);
const OP_CREATE: L10n =
    L10n::new("无法创建文件 {path}：{error}", "無法建立檔案 {path}：{error}", "cannot create {path}: {error}");
const OP_WRITE: L10n =
    L10n::new("无法写入 {path}：{error}", "無法寫入 {path}：{error}", "cannot write {path}: {error}");
const OP_REMOVE: L10n = L10n::new(
    "无法删除上次生成、这次不再生成的文件 {path}：{error}",
    "無法刪除上次產生、這次不再產生的檔案 {path}：{error}",
    "cannot remove {path}, written by an earlier build and not by this one: {error}",
);
const OP_RENAME: L10n = L10n::new(
    "无法把临时文件改名为 {path}：{error}",
    "無法把暫存檔改名為 {path}：{error}",
    "cannot rename the temporary file to {path}: {error}",
);

impl WriteError {
    pub fn message(&self, lang: Lang) -> String {
        let l = match self.op {
            Op::CreateFolder => OP_CREATE_FOLDER,
            Op::Create => OP_CREATE,
            Op::Write => OP_WRITE,
            Op::Rename => OP_RENAME,
            Op::Remove => OP_REMOVE,
        };
        let error = crate::diag::io_message(&self.source, lang);
        l.fill(lang, &[("path", &self.path.display().to_string()), ("error", &error)])
    }

    /// The message of any error a write returned, in `lang` when it is a [`WriteError`].
    pub fn describe(e: &io::Error, lang: Lang) -> String {
        match e.get_ref().and_then(|inner| inner.downcast_ref::<WriteError>()) {
            Some(w) => w.message(lang),
            None => e.to_string(),
        }
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn failed(op: Op, path: &Path) -> impl FnOnce(io::Error) -> io::Error {
    let path = path.to_path_buf();
    move |source| io::Error::new(source.kind(), WriteError { op, path, source })
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so an
/// interrupted run never leaves a half-written file under the final name. No fsync per file:
/// a batch writes thousands, and the rename alone already guarantees that a killed run leaves
/// either the old file or the new one (`verify` catches what a power cut might leave). An
/// error names the path and the operation ([`WriteError`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    atomic(path, |mut f| f.write_all(bytes))
}

/// [`write_atomic`] of what `write` writes through a buffer: for files too large to hold.
pub fn write_atomic_with(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    atomic(path, |f| {
        let mut w = io::BufWriter::with_capacity(1 << 16, f);
        write(&mut w)?;
        w.flush()
    })
}

fn atomic(path: &Path, write: impl FnOnce(fs::File) -> io::Result<()>) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(failed(Op::CreateFolder, dir))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{}.{}.tmp", fit(&name, MAX_NAME_BYTES), std::process::id()));
    let result = (|| {
        let f = fs::File::create(&tmp).map_err(failed(Op::Create, path))?;
        write(f).map_err(failed(Op::Write, path))?;
        fs::rename(&tmp, path).map_err(failed(Op::Rename, path))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of a digest.
pub fn hex(digest: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(digest.len() * 2);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

pub fn sha256_file(path: &Path) -> io::Result<(u64, String)> {
    let mut f = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, hex(&hasher.finalize())))
}

/// One file of the output, by its path relative to the output folder (with `/`). `size` and
/// `sha256` are the file as built; a signed PDF lists its signature revisions after that.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
    /// The document's number (`2024-MKT-001-PLAN`), for documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<Revision>,
}

impl Entry {
    pub fn numbered(mut self, number: Option<String>) -> Entry {
        self.number = number;
        self
    }
}

/// A signature appended to a PDF by `dossier sign`: the whole file after it, and who signed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Revision {
    pub size: u64,
    pub sha256: String,
    pub signer: String,
    /// RFC 3339, UTC: the signature's `/M` time.
    pub signed_at: String,
    /// The RFC 3161 time-stamp's time, for PAdES B-T.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// The signature field's name.
    pub field: String,
}

/// One input file a project was built from, by its path as the build saw it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InputFile {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

impl InputFile {
    /// Hashes files; one that cannot be read is left out (its project reports it).
    pub fn hash_all(files: &[PathBuf]) -> Vec<InputFile> {
        let mut inputs = Vec::with_capacity(files.len());
        for f in files {
            if let Ok((size, sha256)) = sha256_file(f) {
                inputs.push(InputFile { path: f.display().to_string(), size, sha256 });
            }
        }
        inputs
    }
}

/// A project of the build: where it came from, which inputs it was read from (each with its
/// hash: a rebuild can tell whether anything changed), and its folder of documents (none when
/// it had errors and was not built).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProjectRecord {
    pub source: String,
    /// Requirement id, else the source's name (the documents' project number).
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// `start/end` of the requirement (ISO 8601 interval), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    pub folder: Option<String>,
    pub inputs: Vec<InputFile>,
    /// The font files its PDFs embed (as `fonts` names them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fonts: Vec<String>,
}

impl ProjectRecord {
    /// A project of the build and its input files ([`InputFile::hash_all`]); `folder` is set
    /// once the project is written.
    pub fn of(source: &str, inputs: Vec<InputFile>) -> ProjectRecord {
        ProjectRecord {
            source: source.to_string(),
            id: String::new(),
            name: String::new(),
            department: None,
            period: None,
            folder: None,
            inputs,
            fonts: Vec::new(),
        }
    }
}

/// A font embedded in PDF output: its family and the SHA-256 of its file, so a rebuild can
/// be proven to have used the same font.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FontEntry {
    pub family: String,
    pub file: String,
    pub sha256: String,
}

/// `manifest.json`: what was written, by which version, for which "today".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub generator: String,
    pub as_of: String,
    /// What besides its inputs decides a project's files — dossier's version, the formats,
    /// language, as-of date, PDF/A, the mapping file, templates and fonts — hashed: a rebuild
    /// with the same value skips projects whose inputs are unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<String>,
    /// The language of the documents' labels (`--lang`): a visible signature's wording follows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    pub files: Vec<Entry>,
    #[serde(default)]
    pub fonts: Vec<FontEntry>,
    /// Every project of the build with its input files, in input order.
    #[serde(default)]
    pub projects: Vec<ProjectRecord>,
}

impl Manifest {
    /// Reads `DIR/manifest.json`; the error names the file.
    pub fn read(dir: &Path) -> Result<Manifest, String> {
        let path = dir.join(MANIFEST);
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: not a dossier manifest: {e}", path.display()))
    }

    /// The bytes of `manifest.json`: pretty JSON and a final new line.
    pub fn to_bytes(&self) -> io::Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Writes `DIR/manifest.json` atomically.
    pub fn write(&self, dir: &Path) -> io::Result<Vec<u8>> {
        let bytes = self.to_bytes()?;
        write_atomic(&dir.join(MANIFEST), &bytes)?;
        Ok(bytes)
    }
}

/// Collects the files a run writes, then writes the manifest beside them. The files inside
/// folders go to a spool on disk at each [`OutDir::spool_folders`], so a batch of any size
/// holds only its folder names.
pub struct OutDir {
    root: PathBuf,
    /// Files recorded and not spooled, by path.
    entries: BTreeMap<String, Entry>,
    /// Spooled files, by folder (with its `/`): where their entries (paths relative to the
    /// folder) are.
    folders: BTreeMap<String, Vec<At>>,
    spool: Option<Spool>,
    /// The folder [`OutDir::holds`] read last, and its files.
    last: std::sync::Mutex<Option<(String, BTreeSet<String>)>>,
    /// Folders renamed so far (see [`OutDir::renames`]).
    renames: usize,
}

impl OutDir {
    pub fn new(root: &Path) -> io::Result<OutDir> {
        fs::create_dir_all(root)?;
        Ok(OutDir {
            root: root.to_path_buf(),
            entries: BTreeMap::new(),
            folders: BTreeMap::new(),
            spool: None,
            last: Default::default(),
            renames: 0,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes one file at `rel` (a relative path of safe names) atomically and records it.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> io::Result<Entry> {
        let entry = self.write_unrecorded(rel, bytes)?;
        self.record(entry.clone());
        Ok(entry)
    }

    /// Writes without recording, for use from worker threads; [`OutDir::record`] afterwards.
    pub fn write_unrecorded(&self, rel: &str, bytes: &[u8]) -> io::Result<Entry> {
        let path = self.root.join(checked_rel(rel)?);
        write_atomic(&path, bytes)?;
        Ok(Entry {
            path: rel.to_string(),
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            number: None,
            revisions: Vec::new(),
        })
    }

    /// [`OutDir::write_unrecorded`] of what `write` writes, for files too large to hold.
    pub fn write_unrecorded_with(
        &self,
        rel: &str,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<Entry> {
        /// Counts and hashes what passes through.
        struct Hashing<'a> {
            inner: &'a mut dyn Write,
            hasher: Sha256,
            size: u64,
        }
        impl Write for Hashing<'_> {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                let n = self.inner.write(buf)?;
                self.hasher.update(&buf[..n]);
                self.size += n as u64;
                Ok(n)
            }
            fn flush(&mut self) -> io::Result<()> {
                self.inner.flush()
            }
        }
        let path = self.root.join(checked_rel(rel)?);
        let mut done = None;
        write_atomic_with(&path, |w| {
            let mut h = Hashing { inner: w, hasher: Sha256::new(), size: 0 };
            write(&mut h)?;
            done = Some((h.size, h.hasher.finalize()));
            Ok(())
        })?;
        let (size, digest) = done.ok_or_else(|| io::Error::other("nothing written"))?;
        Ok(Entry { path: rel.to_string(), size, sha256: hex(&digest), number: None, revisions: Vec::new() })
    }

    /// Renames a folder of the output (and the files recorded under it); a folder not written
    /// yet is only renamed in the record. A leftover folder of an earlier run under the new
    /// name is replaced.
    pub fn rename_dir(&mut self, old: &str, new: &str) -> io::Result<()> {
        let (from, to) = (self.root.join(checked_rel(old)?), self.root.join(checked_rel(new)?));
        self.renames += 1;
        if from.is_dir() {
            if to.exists() {
                fs::remove_dir_all(&to)?;
            }
            fs::rename(&from, &to)?;
        }
        let prefix = format!("{old}/");
        let moved: Vec<String> = self
            .entries
            .range(prefix.clone()..)
            .map(|(k, _)| k)
            .take_while(|k| k.starts_with(&prefix))
            .cloned()
            .collect();
        for k in moved {
            if let Some(mut e) = self.entries.remove(&k) {
                e.path = format!("{new}/{}", &k[prefix.len()..]);
                self.entries.insert(e.path.clone(), e);
            }
        }
        if let Some(at) = self.folders.remove(&prefix) {
            self.folders.entry(format!("{new}/")).or_default().extend(at);
        }
        Ok(())
    }

    /// How many times a folder was renamed: while it stays the same, what was found in the
    /// folders on disk still holds.
    pub fn renames(&self) -> usize {
        self.renames
    }

    pub fn record(&mut self, entry: Entry) {
        self.entries.insert(entry.path.clone(), entry);
    }

    /// Moves the recorded files inside folders to the spool.
    pub fn spool_folders(&mut self) -> io::Result<()> {
        let inside: Vec<String> = self.entries.keys().filter(|k| k.contains('/')).cloned().collect();
        if inside.is_empty() {
            return Ok(());
        }
        let spool = match &mut self.spool {
            Some(s) => s,
            None => self.spool.insert(Spool::new()?),
        };
        let mut groups: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
        for k in inside {
            let Some(mut e) = self.entries.remove(&k) else { continue };
            let (folder, rel) = k.split_once('/').unwrap_or_default();
            e.path = rel.to_string();
            groups.entry(format!("{folder}/")).or_default().push(e);
        }
        for (folder, entries) in groups {
            let at = spool.push(&entries)?;
            self.folders.entry(folder).or_default().push(at);
        }
        Ok(())
    }

    /// The files of a spooled folder, with their whole paths, sorted.
    fn folder_entries(&self, folder: &str) -> io::Result<Vec<Entry>> {
        let (Some(spool), Some(at)) = (&self.spool, self.folders.get(folder)) else { return Ok(Vec::new()) };
        let mut all = Vec::new();
        for a in at {
            let entries: Vec<Entry> = spool.get(*a)?;
            all.extend(entries.into_iter().map(|e| Entry { path: format!("{folder}{}", e.path), ..e }));
        }
        all.sort();
        Ok(all)
    }

    /// Whether this run wrote (or kept) the file at `rel`. Quick for paths asked folder by folder.
    pub fn holds(&self, rel: &str) -> io::Result<bool> {
        if self.entries.contains_key(rel) {
            return Ok(true);
        }
        let Some((folder, _)) = rel.split_once('/') else { return Ok(false) };
        let folder = format!("{folder}/");
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.as_ref().is_none_or(|(f, _)| *f != folder) {
            let paths = self.folder_entries(&folder)?.into_iter().map(|e| e.path).collect();
            *last = Some((folder, paths));
        }
        Ok(last.as_ref().is_some_and(|(_, paths)| paths.contains(rel)))
    }

    /// Writes `manifest.json` (sorted, no wall-clock time), streaming every file's entry and
    /// every project's record (`projects`, in input order), and says how many files it lists.
    /// A signature of an earlier manifest no longer applies and is removed.
    pub fn finish(
        &mut self,
        as_of: &str,
        options: Option<String>,
        lang: Option<String>,
        fonts: Vec<FontEntry>,
        projects: &mut dyn Iterator<Item = io::Result<ProjectRecord>>,
    ) -> io::Result<usize> {
        self.spool_folders()?;
        let mut fonts = fonts;
        fonts.sort();
        fonts.dedup();
        let count = std::cell::Cell::new(0);
        let manifest = Streamed {
            generator: concat!("dossier ", env!("CARGO_PKG_VERSION")),
            as_of,
            options,
            lang,
            files: Files { out: self, count: &count },
            fonts,
            projects: Records(std::cell::RefCell::new(projects)),
        };
        write_atomic_with(&self.root.join(MANIFEST), |w| {
            serde_json::to_writer_pretty(&mut *w, &manifest).map_err(io::Error::other)?;
            w.write_all(b"\n")
        })?;
        match fs::remove_file(self.root.join(MANIFEST_SIGNATURE)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        Ok(count.get())
    }
}

/// [`Manifest`] as [`OutDir::finish`] writes it: the same JSON, its lists streamed.
#[derive(Serialize)]
struct Streamed<'a> {
    generator: &'a str,
    as_of: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
    files: Files<'a>,
    fonts: Vec<FontEntry>,
    projects: Records<'a>,
}

/// Every file of an [`OutDir`], sorted by path: the files outside folders merged with each
/// spooled folder's files.
struct Files<'a> {
    out: &'a OutDir,
    count: &'a std::cell::Cell<usize>,
}

impl Serialize for Files<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(None)?;
        let mut n = 0;
        let mut top = self.out.entries.values().peekable();
        for folder in self.out.folders.keys() {
            while let Some(e) = top.next_if(|e| e.path.as_str() < folder.as_str()) {
                seq.serialize_element(e)?;
                n += 1;
            }
            for e in self.out.folder_entries(folder).map_err(S::Error::custom)? {
                seq.serialize_element(&e)?;
                n += 1;
            }
        }
        for e in top {
            seq.serialize_element(e)?;
            n += 1;
        }
        self.count.set(n);
        seq.end()
    }
}

struct Records<'a>(std::cell::RefCell<&'a mut dyn Iterator<Item = io::Result<ProjectRecord>>>);

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(None)?;
        let mut records = self.0.borrow_mut();
        for r in &mut *records {
            seq.serialize_element(&r.map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

/// What [`prune`] did: files of an earlier build this one no longer writes, removed; files no
/// build of dossier wrote, left alone.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub removed: Vec<String>,
    pub foreign: Vec<String>,
}

/// Makes the output folder hold what this build wrote and nothing stale: every file an
/// earlier build listed in its manifest (`earlier`) that this build did not write (`now`) is
/// removed, with the folders that leaves empty; files neither listed are never touched, only
/// reported. Paths are relative, with `/`.
pub fn prune(root: &Path, earlier: &BTreeSet<String>, now: &OutDir) -> io::Result<Pruned> {
    let mut pruned = Pruned::default();
    for rel in earlier {
        if now.holds(rel)? {
            continue;
        }
        let Ok(path) = checked_rel(rel).map(|r| root.join(r)) else { continue };
        match fs::remove_file(&path) {
            Ok(()) => pruned.removed.push(rel.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(failed(Op::Remove, &path)(e)),
        }
        // Folders left empty go too (a folder still holding anything stays).
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != root) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    visit_files(root, root, &mut |f| {
        if f != MANIFEST && f != MANIFEST_SIGNATURE && !is_temporary(&f) && !now.holds(&f)? {
            pruned.foreign.push(f);
        }
        Ok(())
    })?;
    Ok(pruned)
}

/// A temporary file of [`write_atomic`] (`.name.pid.tmp`), left by a run that was killed.
fn is_temporary(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.starts_with('.') && name.ends_with(".tmp")
}

/// A relative path that stays inside the output folder.
fn checked_rel(rel: &str) -> io::Result<PathBuf> {
    let p = Path::new(rel);
    let ok = !rel.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(p.to_path_buf())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("`{rel}` is not a path inside the output folder")))
    }
}

/// What `verify` found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verification {
    pub checked: usize,
    pub missing: Vec<String>,
    /// (path, what differs)
    pub changed: Vec<(String, String)>,
    pub extra: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty()
    }
}

/// Re-hashes every file listed in `DIR/manifest.json` and lists files the manifest does not
/// know. Fails only when the manifest itself cannot be read.
pub fn verify(dir: &Path) -> Result<Verification, String> {
    let manifest = Manifest::read(dir)?;
    let mut v = Verification::default();
    let mut known = BTreeSet::new();
    for e in &manifest.files {
        known.insert(e.path.clone());
        let Ok(rel) = checked_rel(&e.path) else {
            v.changed.push((e.path.clone(), "path outside the folder".into()));
            continue;
        };
        v.checked += 1;
        match sha256_file(&dir.join(rel)) {
            Err(_) => v.missing.push(e.path.clone()),
            Ok((size, _)) if size != e.size => {
                v.changed.push((e.path.clone(), format!("size {size}, expected {}", e.size)))
            }
            Ok((_, hash)) if hash != e.sha256 => {
                v.changed.push((e.path.clone(), format!("sha256 {hash}, expected {}", e.sha256)))
            }
            Ok(_) => {}
        }
    }
    let mut found = Vec::new();
    list_files(dir, dir, &mut found).map_err(|e| format!("{}: {e}", dir.display()))?;
    for f in found {
        if f != MANIFEST && f != MANIFEST_SIGNATURE && !known.contains(&f) {
            v.extra.push(f);
        }
    }
    Ok(v)
}

/// Every file under `dir`, as paths relative to `root` with `/`, sorted by name per folder;
/// dossier's working state at the top of `root` ([`WORK_DIR`]) left out.
pub(crate) fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
    visit_files(root, dir, &mut |f| {
        out.push(f);
        Ok(())
    })
}

/// Calls `visit` with every file under `dir` as [`list_files`] lists it, in the same order.
fn visit_files(root: &Path, dir: &Path, visit: &mut dyn FnMut(String) -> io::Result<()>) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if e.file_type()?.is_dir() {
            if dir == root && e.file_name() == WORK_DIR {
                continue;
            }
            visit_files(root, &p, visit)?;
        } else {
            let rel = p.strip_prefix(root).unwrap_or(&p);
            visit(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe() {
        assert_eq!(safe_name("2024-MKT-001"), "2024-MKT-001");
        assert_eq!(safe_name("../../etc/passwd"), "etc-passwd");
        assert_eq!(safe_name("a/b\\c:d"), "a-b-c-d");
        assert_eq!(safe_name("CON"), "CON_");
        assert_eq!(safe_name("com1.txt"), "com1.txt_");
        assert_eq!(safe_name("  "), "project");
        assert_eq!(safe_name("门市开幕 专案"), "门市开幕-专案");
        assert_eq!(safe_name(&"x".repeat(200)).chars().count(), 80);
        // 80 ideographs are 240 bytes: shortened further, with a hash.
        assert!(safe_name(&"长".repeat(200)).len() <= MAX_NAME_BYTES - 8);
    }

    #[test]
    fn long_names_are_shortened_with_a_stable_hash() {
        let a = format!("minutes-{}", "中".repeat(78));
        let b = format!("minutes-{}乙", "中".repeat(77));
        let (fa, fb) = (file_name(&a, "html"), file_name(&b, "html"));
        assert!(fa.len() <= MAX_NAME_BYTES && fb.len() <= MAX_NAME_BYTES, "{fa} {fb}");
        assert_ne!(fa, fb);
        assert_eq!(fa, file_name(&a, "html"));
        assert!(fa.starts_with("minutes-中中") && fa.ends_with(".html"), "{fa}");
        assert_eq!(file_name("plan", "pdf"), "plan.pdf");
        assert!(safe_name(&"中".repeat(80)).len() <= MAX_NAME_BYTES - 8);
        // The temporary name fits too: the file is written.
        let dir = tempfile::tempdir().unwrap();
        write_atomic(&dir.path().join(&fa), b"x").unwrap();
    }

    #[test]
    fn write_errors_name_the_path_and_the_operation() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("file"), b"x").unwrap();
        // A folder cannot be created where a file is.
        let e = write_atomic(&dir.path().join("file/sub/a.html"), b"x").unwrap_err();
        let msg = WriteError::describe(&e, Lang::En);
        assert!(msg.starts_with("cannot create the folder ") && msg.contains("file/sub"), "{msg}");
        assert!(WriteError::describe(&e, Lang::ZhCn).starts_with("无法创建文件夹 "));
    }

    #[test]
    fn paths_cannot_leave_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = OutDir::new(dir.path()).unwrap();
        assert!(out.write("../x.html", b"x").is_err());
        assert!(out.write("/etc/x", b"x").is_err());
        assert!(out.write("p/plan.html", b"<html>").is_ok());
    }

    #[test]
    fn verify_catches_missing_changed_and_extra_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = OutDir::new(dir.path()).unwrap();
        out.write("p/a.html", b"aaaa").unwrap();
        out.write("p/b.html", b"bbbb").unwrap();
        out.write("c.html", b"cccc").unwrap();
        out.finish("2024-10-20", None, None, vec![], &mut std::iter::empty()).unwrap();
        assert!(verify(dir.path()).unwrap().ok());
        // A flipped byte, a deleted file, a stray file.
        fs::write(dir.path().join("p/a.html"), b"aaab").unwrap();
        fs::remove_file(dir.path().join("p/b.html")).unwrap();
        fs::write(dir.path().join("p/new.html"), b"n").unwrap();
        let v = verify(dir.path()).unwrap();
        assert_eq!(v.missing, ["p/b.html"]);
        assert_eq!(v.changed.len(), 1);
        assert_eq!(v.changed[0].0, "p/a.html");
        assert_eq!(v.extra, ["p/new.html"]);
        assert!(!v.ok());
    }

    #[test]
    fn atomic_write_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(&dir.path().join("x/y.txt"), b"hello").unwrap();
        let names: Vec<_> = fs::read_dir(dir.path().join("x")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["y.txt"]);
    }
}
