//! SHA-256 of font files for `manifest.json`, remembered across runs in the user's cache
//! folder (`$XDG_CACHE_HOME/dossier/font-hashes.json`, else `~/.cache/dossier/`) by
//! (canonical path, size, modification time): a one-document build does not hash a 20 MB
//! font collection again. Without a usable cache folder, or with a damaged cache file, the
//! file is simply hashed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::output::sha256_hex;

/// Entries kept: the fonts of a few machines' worth of `--font` chains.
const KEEP: usize = 64;

/// What identifies a file's contents without reading it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Key {
    path: PathBuf,
    size: u64,
    /// Modification time in nanoseconds since 1970.
    mtime: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    key: Key,
    sha256: String,
}

/// The SHA-256 (hex) of the font file `file` whose bytes are `data`: from the cache file
/// `cache` when it knows this file as it is now, else computed and remembered there.
pub fn sha256(cache: Option<&Path>, file: &Path, data: &[u8]) -> String {
    let key = key_of(file);
    let (Some(cache), Some(key)) = (cache, key) else { return sha256_hex(data) };
    let mut entries = read(cache);
    if let Some(e) = entries.iter().find(|e| e.key == key) {
        return e.sha256.clone();
    }
    let sha256 = sha256_hex(data);
    entries.retain(|e| e.key.path != key.path);
    entries.push(Entry { key, sha256: sha256.clone() });
    let skip = entries.len().saturating_sub(KEEP);
    write(cache, &entries[skip..]);
    sha256
}

/// The cache file of this user: `$XDG_CACHE_HOME/dossier/font-hashes.json`, else
/// `$HOME/.cache/dossier/font-hashes.json`.
pub fn cache_file() -> Option<PathBuf> {
    let env = |k| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let dir = env("XDG_CACHE_HOME").or_else(|| env("HOME").map(|h| h.join(".cache")))?;
    Some(dir.join("dossier").join("font-hashes.json"))
}

fn key_of(file: &Path) -> Option<Key> {
    let path = std::fs::canonicalize(file).ok()?;
    let meta = std::fs::metadata(&path).ok()?;
    let mtime = u64::try_from(meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos()).ok()?;
    Some(Key { path, size: meta.len(), mtime })
}

/// The entries of the cache file; none when it is missing or damaged.
fn read(cache: &Path) -> Vec<Entry> {
    std::fs::read(cache).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
}

/// Writes the cache file whole under a temporary name, then renames it into place, so that
/// a reader never sees half a file; any failure leaves things as they were.
fn write(cache: &Path, entries: &[Entry]) {
    let Some(dir) = cache.parent() else { return };
    let Ok(json) = serde_json::to_vec(entries) else { return };
    // A name of this process and call: two writers never share a temporary file.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".font-hashes.{}.{call}.tmp", std::process::id()));
    let written = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&tmp, json));
    if written.and_then(|()| std::fs::rename(&tmp, cache)).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_remembered_until_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let (cache, font) = (dir.path().join("cache/font-hashes.json"), dir.path().join("a.ttf"));
        std::fs::write(&font, b"font one").unwrap();
        let one = sha256(Some(&cache), &font, b"font one");
        assert_eq!(one, sha256_hex(b"font one"));
        assert!(cache.is_file());
        // Known now, from the file: the bytes given are not hashed again.
        assert_eq!(read(&cache).len(), 1);
        assert_eq!(sha256(Some(&cache), &font, b"other bytes"), one);
        // A changed file (another size) is hashed again, and replaces its old entry.
        std::fs::write(&font, b"font number two").unwrap();
        assert_eq!(sha256(Some(&cache), &font, b"font number two"), sha256_hex(b"font number two"));
        assert_eq!(read(&cache).len(), 1);
    }

    #[test]
    fn a_damaged_or_unwritable_cache_is_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let (cache, font) = (dir.path().join("font-hashes.json"), dir.path().join("a.ttf"));
        std::fs::write(&font, b"font").unwrap();
        std::fs::write(&cache, b"{ not json").unwrap();
        assert_eq!(sha256(Some(&cache), &font, b"font"), sha256_hex(b"font"));
        assert_eq!(read(&cache).len(), 1, "rewritten whole");
        // A cache path under a file cannot be written: the hash is still right.
        let under_file = font.join("font-hashes.json");
        assert_eq!(sha256(Some(&under_file), &font, b"font"), sha256_hex(b"font"));
        assert_eq!(sha256(None, &font, b"font"), sha256_hex(b"font"));
    }
}
