//! Reading a workbook in a child process first, for the formats calamine reads whole into
//! memory (.xls and the other OLE files, .ods): their size comes from counts inside the file
//! (cell ranges, repeated rows, sector chains), and a failed allocation aborts the process,
//! which no panic handler can catch. The child (`dossier __read-probe FILE`) reads the file
//! under an address-space limit and a deadline; only when it finishes is the file read in
//! the batch's own process, which then needs no more memory than the child did (it reports
//! its peak: a heavy read takes its turn in [`super::guard::lane`]). Zip containers read as
//! streams (.xlsx .xlsb) are bounded by [`super::guard`] instead and are never spawned for,
//! so a batch of them pays nothing.
//!
//! Off until the binary turns it on ([`enable`]): the library alone (tests, other programs)
//! reads in-process.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::guard::Refusal;

/// Address space of the child: the memory one workbook may take.
pub const MEMORY_BYTES: u64 = 512 * 1024 * 1024;
/// Time the child may take to read one workbook (real .xls files take well under a second).
pub const SECONDS: u64 = 4;
/// The hidden subcommand the child runs.
pub const PROBE_COMMAND: &str = "__read-probe";

static EXE: OnceLock<PathBuf> = OnceLock::new();

/// Reads eager formats in a child first, running `exe` (the `dossier` binary itself).
pub fn enable(exe: PathBuf) {
    let _ = EXE.set(exe);
}

/// Reads `path` in a child process first (when isolation is on) and admits it to be read
/// here: `Ok` when the child finished (or isolation is off, or no child could be started),
/// with whether the read is heavy (it took [`super::guard::HEAVY_BYTES`] or more, or an
/// unknown amount).
pub fn admit(path: &Path) -> Result<bool, Refusal> {
    let Some(exe) = EXE.get() else { return Ok(false) };
    Ok(probe(exe, path)?.is_none_or(|peak| peak >= super::guard::HEAVY_BYTES))
}

/// Runs the child on `path`; its peak memory when it reported one.
fn probe(exe: &Path, path: &Path) -> Result<Option<u64>, Refusal> {
    let mut cmd = Command::new(exe);
    cmd.arg(PROBE_COMMAND).arg(path).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
    limit_memory(&mut cmd);
    // A machine that cannot start a process reads in-process, guarded as before.
    let Ok(mut child) = cmd.spawn() else { return Ok(None) };
    let start = Instant::now();
    let mut nap = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => {
                let mut report = String::new();
                if let Some(out) = child.stdout.as_mut() {
                    let _ = out.take(64).read_to_string(&mut report);
                }
                return Ok(report.trim().strip_prefix("peak ").and_then(|n| n.parse().ok()));
            }
            Ok(Some(_)) => return Err(Refusal::Crashed),
            Ok(None) if start.elapsed() >= Duration::from_secs(SECONDS) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Refusal::TooSlow(SECONDS));
            }
            Ok(None) => {
                std::thread::sleep(nap);
                nap = (nap * 2).min(Duration::from_millis(20));
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(None);
            }
        }
    }
}

#[cfg(unix)]
fn limit_memory(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs between fork and exec and only calls getrlimit/setrlimit,
    // which are async-signal-safe system calls.
    unsafe {
        cmd.pre_exec(|| {
            let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            if libc::getrlimit(libc::RLIMIT_AS, &mut lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let cap = (MEMORY_BYTES as libc::rlim_t).min(lim.rlim_max);
            let lim = libc::rlimit { rlim_cur: cap, rlim_max: cap };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Without an address-space limit the child still keeps an abort out of the batch, and the
/// deadline bounds its time.
#[cfg(not(unix))]
fn limit_memory(_cmd: &mut Command) {}

/// The child's side: reads `path` as a batch would, prints `peak BYTES` (its peak memory)
/// and exits 0. An abort, a kill at the deadline or any other exit tells the parent the file
/// cannot be read safely.
pub fn read_in_child(path: &Path) -> std::process::ExitCode {
    let schema = crate::schema::Schema::default();
    let today = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let ctx = super::Ctx::new(crate::model::Lang::En, today, schema);
    let display: std::sync::Arc<str> = std::sync::Arc::from(path.display().to_string().as_str());
    super::read_file(path, &display, &ctx);
    if let Some(peak) = peak_memory() {
        println!("peak {peak}");
    }
    std::process::ExitCode::SUCCESS
}

/// This process's peak resident memory, in bytes.
#[cfg(unix)]
fn peak_memory() -> Option<u64> {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return None;
    }
    let max = u64::try_from(usage.ru_maxrss).ok()?;
    // Linux reports KiB, macOS bytes.
    Some(if cfg!(target_os = "macos") { max } else { max * 1024 })
}

#[cfg(not(unix))]
fn peak_memory() -> Option<u64> {
    None
}
