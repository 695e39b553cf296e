//! Rows of a batch kept on disk until the batch files are written, so that a build's memory
//! stays flat however many projects it has: each project's summary row, index entry, manifest
//! record and files go to an unlinked temporary file at the end of its chunk and are read back,
//! one at a time, when the summary, index and manifest are written.

use std::fs::File;
use std::io::{self, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Where one row is in the spool.
#[derive(Clone, Copy, Debug)]
pub struct At {
    offset: u64,
    len: u32,
}

/// An append-only file of JSON rows, read back by [`At`].
pub struct Spool {
    file: File,
    /// Bytes written to `file` so far; rows past it are still in `pending`.
    flushed: u64,
    pending: Vec<u8>,
}

/// A new file in the system's temporary folder, opened to read and write and unlinked at once
/// on Unix: nothing is left behind, even if the run is killed.
pub fn temp_file(what: &str) -> io::Result<File> {
    let dir = std::env::temp_dir();
    let mut n = 0u32;
    loop {
        let path = dir.join(format!("dossier-{what}-{}-{n}", std::process::id()));
        match std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path) {
            Ok(file) => {
                let _ = std::fs::remove_file(&path);
                return Ok(file);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Rows wait in memory up to this many bytes before they are written.
const BUFFER: usize = 1 << 16;

impl Spool {
    /// A spool in the system's temporary folder.
    pub fn new() -> io::Result<Spool> {
        Ok(Spool { file: temp_file("spool")?, flushed: 0, pending: Vec::new() })
    }

    /// Appends a row and says where it is.
    pub fn push<T: Serialize>(&mut self, row: &T) -> io::Result<At> {
        let offset = self.flushed + self.pending.len() as u64;
        serde_json::to_writer(&mut self.pending, row).map_err(io::Error::other)?;
        let len = u32::try_from(self.flushed + self.pending.len() as u64 - offset).map_err(io::Error::other)?;
        if self.pending.len() >= BUFFER {
            self.flush()?;
        }
        Ok(At { offset, len })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.write_all(&self.pending)?;
        self.flushed += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }

    /// The row at `at`.
    pub fn get<T: DeserializeOwned>(&self, at: At) -> io::Result<T> {
        let mut bytes = vec![0; at.len as usize];
        if at.offset >= self.flushed {
            let start = (at.offset - self.flushed) as usize;
            let end = start + bytes.len();
            bytes.copy_from_slice(&self.pending[start..end]);
        } else {
            read_at(&self.file, &mut bytes, at.offset)?;
        }
        serde_json::from_slice(&bytes).map_err(io::Error::other)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_as_they_went_in_before_and_after_a_flush() {
        let mut spool = Spool::new().unwrap();
        let rows: Vec<(usize, String)> = (0..5000).map(|i| (i, format!("项目 {i} {}", "x".repeat(i % 50)))).collect();
        let at: Vec<At> = rows.iter().map(|r| spool.push(r).unwrap()).collect();
        for (r, a) in rows.iter().zip(&at).rev() {
            assert_eq!(&spool.get::<(usize, String)>(*a).unwrap(), r);
        }
    }
}
