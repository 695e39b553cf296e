//! The check cache of `build`: what checking each input file gave, kept in the output folder
//! (`.dossier/checked.jsonl`) so that a rebuild neither reads nor checks an input whose bytes,
//! options and output files are unchanged. One line per input, keyed by the hash of its files;
//! the lines are found through an index of offsets, so a batch of any size costs little memory.
//! Losing the cache only makes the next build slower.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::model::{Field, Location, Project, Record, Value};
use crate::output::{self, InputFile, WORK_DIR};
use crate::report::ProjectSummary;

const FILE: &str = "checked.jsonl";

/// One project as checking its input left it, before the batch's own checks: enough to
/// report, index and summarize it and to keep its files, without reading the input again.
#[derive(Serialize, Deserialize)]
pub(super) struct CachedProject {
    pub source: String,
    pub id: String,
    pub name: String,
    /// The requirement's id as the batch-wide duplicate check needs it: where the requirement
    /// is, the id, the text found, where it was found.
    pub requirement: Option<(Location, String, String, Location)>,
    pub diags: Vec<Diagnostic>,
    pub summary: ProjectSummary,
    /// The documents: stem, title, number, formats.
    pub docs: Vec<(String, String, String, Vec<String>)>,
}

impl CachedProject {
    /// The project as the rest of a build needs it once checked: its source, and its
    /// requirement with only the id (all the batch-wide check reads), from what
    /// [`CachedProject::requirement_of`] kept of it.
    pub fn stub(source: String, kept: Option<(Location, String, String, Location)>) -> Project {
        Project { source, requirement: CachedProject::requirement_from(kept), ..Project::default() }
    }

    fn requirement_from(kept: Option<(Location, String, String, Location)>) -> Option<Record> {
        let (at, id, raw, loc) = kept?;
        let mut r = Record::new("requirement", at);
        r.fields.insert("id", Field { value: Value::Text(id), raw, loc });
        Some(r)
    }

    /// The requirement of a checked project, as [`CachedProject::requirement`] gives it back.
    pub fn requirement_of(req: Option<&Record>) -> Option<(Location, String, String, Location)> {
        let req = req?;
        let field = req.fields.get("id")?;
        let Value::Text(id) = &field.value else { return None };
        Some((req.loc.clone(), id.clone(), field.raw.clone(), field.loc.clone()))
    }
}

/// The key of an input: its files (path, size, SHA-256), hashed.
pub(super) fn key(inputs: &[InputFile]) -> String {
    let text: Vec<String> = inputs.iter().map(|f| format!("{}\t{}\t{}", f.path, f.size, f.sha256)).collect();
    output::sha256_hex(text.join("\n").as_bytes())
}

/// The cache an earlier build left, for the same options.
#[derive(Default)]
pub(super) struct CheckCache {
    path: Option<PathBuf>,
    /// By key: where its line starts and how long it is.
    lines: HashMap<String, (u64, usize)>,
}

impl CheckCache {
    /// The cache in `out`, if it was written with `options`; empty otherwise.
    pub fn open(out: &Path, options: &str) -> CheckCache {
        let path = out.join(WORK_DIR).join(FILE);
        let Ok(file) = File::open(&path) else { return CheckCache::default() };
        let mut reader = BufReader::new(file);
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim_end() != options {
            return CheckCache::default();
        }
        let mut at = line.len() as u64;
        let mut lines = HashMap::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if let Some((key, _)) = line.split_once('\t') {
                        lines.insert(key.to_string(), (at, n));
                    }
                    at += n as u64;
                }
            }
        }
        CheckCache { path: Some(path), lines }
    }

    /// The projects of the input with this key, if the cache has them.
    pub fn get(&self, key: &str) -> Option<Vec<CachedProject>> {
        let line = self.line(key)?;
        let (_, json) = line.trim_end().split_once('\t')?;
        serde_json::from_str(json).ok()
    }

    /// The line of the input with this key, as written.
    fn line(&self, key: &str) -> Option<String> {
        use std::io::{Read, Seek, SeekFrom};
        let (at, len) = *self.lines.get(key)?;
        let mut file = File::open(self.path.as_ref()?).ok()?;
        file.seek(SeekFrom::Start(at)).ok()?;
        let mut buf = vec![0u8; len];
        file.read_exact(&mut buf).ok()?;
        String::from_utf8(buf).ok()
    }
}

/// The cache this build writes: a temporary file renamed over the old one at the end.
pub(super) struct CacheWriter {
    tmp: PathBuf,
    path: PathBuf,
    out: BufWriter<File>,
}

impl CacheWriter {
    pub fn create(out: &Path, options: &str) -> io::Result<CacheWriter> {
        let dir = out.join(WORK_DIR);
        std::fs::create_dir_all(&dir)?;
        let tmp = dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
        let mut w = BufWriter::new(File::create(&tmp)?);
        writeln!(w, "{options}")?;
        Ok(CacheWriter { tmp, path: dir.join(FILE), out: w })
    }

    /// One input's line: its key and its projects, already serialized.
    pub fn add(&mut self, key: &str, projects: &[&str]) -> io::Result<()> {
        writeln!(self.out, "{key}\t[{}]", projects.join(","))
    }

    /// The line of an input taken from the earlier cache, as it was.
    pub fn copy(&mut self, cache: &CheckCache, key: &str) -> io::Result<()> {
        match cache.line(key) {
            Some(line) => self.out.write_all(line.as_bytes()),
            None => Ok(()),
        }
    }

    pub fn finish(self) -> io::Result<()> {
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        drop(file);
        std::fs::rename(&self.tmp, &self.path)
    }
}
