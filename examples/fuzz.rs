//! A seeded mutation fuzzer for dossier's readers, on stable Rust: it mutates real inputs
//! (the samples, `../shared/corpus`, any `--seeds DIR`) and runs the `dossier` binary on each
//! under an address-space limit and a deadline, so an abort (a failed allocation), a hang
//! or an uncaught panic is caught and the input kept.
//!
//! ```sh
//! cargo build --release && cargo run --release --example fuzz -- --cases 2000 --seed 1
//! cargo run --release --example fuzz -- --minutes 120 --seed 7        # a long run
//! cargo run --release --example fuzz -- --seed 1 --only 1234 --keep /tmp/case   # one case again
//! ```
//!
//! Each case is a function of the seed and its number only (not of timing or `--jobs`), so a
//! failure is reproduced with `--seed S --only N`. Every `--build-every`-th case runs
//! `dossier build` (PDF, HTML, XLSX) instead of `dossier check`. Failing inputs are saved to
//! `--failures DIR` (default `target/fuzz-failures`). Exit 1 when any run aborted, hung or
//! panicked. Needs `prlimit` (util-linux) for the memory limit.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Opts {
    seed: u64,
    cases: Option<usize>,
    minutes: Option<f64>,
    only: Option<usize>,
    keep: Option<PathBuf>,
    jobs: usize,
    mem_mib: u64,
    timeout: Duration,
    build_every: usize,
    seeds: Vec<PathBuf>,
    failures: PathBuf,
    bin: PathBuf,
}

fn usage() -> ! {
    eprintln!(
        "usage: fuzz [--seed N] [--cases N | --minutes M | --only N [--keep DIR]] [--jobs N] [--mem MiB]\n\
         \x20           [--timeout S] [--build-every K] [--seeds DIR]… [--failures DIR] [--bin PATH]"
    );
    std::process::exit(2)
}

fn parse_opts() -> Opts {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut o = Opts {
        seed: 1,
        cases: None,
        minutes: None,
        only: None,
        keep: None,
        jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
        mem_mib: 1024,
        timeout: Duration::from_secs(10),
        build_every: 8,
        seeds: Vec::new(),
        failures: root.join("target/fuzz-failures"),
        bin: root.join("target/release/dossier"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--seed" => o.seed = val().parse().unwrap_or_else(|_| usage()),
            "--cases" => o.cases = Some(val().parse().unwrap_or_else(|_| usage())),
            "--minutes" => o.minutes = Some(val().parse().unwrap_or_else(|_| usage())),
            "--only" => o.only = Some(val().parse().unwrap_or_else(|_| usage())),
            "--keep" => o.keep = Some(PathBuf::from(val())),
            "--jobs" => o.jobs = val().parse().unwrap_or_else(|_| usage()),
            "--mem" => o.mem_mib = val().parse().unwrap_or_else(|_| usage()),
            "--timeout" => o.timeout = Duration::from_secs_f64(val().parse().unwrap_or_else(|_| usage())),
            "--build-every" => o.build_every = val().parse().unwrap_or_else(|_| usage()),
            "--seeds" => o.seeds.push(PathBuf::from(val())),
            "--failures" => o.failures = PathBuf::from(val()),
            "--bin" => o.bin = PathBuf::from(val()),
            _ => usage(),
        }
    }
    if o.cases.is_none() && o.minutes.is_none() && o.only.is_none() {
        o.cases = Some(2000);
    }
    o
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/// SplitMix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn for_case(seed: u64, case: usize) -> Rng {
        let mut r = Rng(seed ^ (case as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Seeds

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Zip,
    Cfb,
    /// Markdown, CSV, TSV.
    Text,
    Other,
}

struct Seed {
    path: PathBuf,
    /// One of dossier's own samples.
    sample: bool,
    bytes: Vec<u8>,
    kind: Kind,
    ext: String,
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "MANIFEST.json" {
            continue;
        }
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_dir() => collect(&p, out),
            Ok(m) if m.is_file() => out.push(p),
            _ => {}
        }
    }
}

fn load_seeds(dirs: &[PathBuf]) -> Vec<Seed> {
    let mut paths = Vec::new();
    for d in dirs {
        collect(d, &mut paths);
    }
    let mut seeds = Vec::new();
    for path in paths {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if !matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" | "md" | "markdown" | "csv" | "tsv") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else { continue };
        // Big seeds make slow cases without finding more.
        if bytes.len() > 4 * 1024 * 1024 {
            continue;
        }
        let kind = if bytes.starts_with(b"PK") {
            Kind::Zip
        } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
            Kind::Cfb
        } else if matches!(ext.as_str(), "md" | "markdown" | "csv" | "tsv") {
            Kind::Text
        } else {
            Kind::Other
        };
        let sample = path.components().any(|c| c.as_os_str() == "samples");
        seeds.push(Seed { path, bytes, kind, ext, sample });
    }
    // Exports as trackers write them: no CSV file ships with the samples or the corpus.
    for (name, text) in CSV_SEEDS {
        let ext = name.rsplit('.').next().unwrap_or("csv").to_string();
        let path = PathBuf::from(name);
        seeds.push(Seed { path, bytes: text.as_bytes().to_vec(), kind: Kind::Text, ext, sample: false });
    }
    seeds
}

const CSV_SEEDS: &[(&str, &str)] = &[
    (
        "builtin/tasks.csv",
        "任务ID,子任务名称,负责部门/人,计划开始时间,计划结束时间,当前状态,完成比例,依赖任务\n\
         1.1,活动方案设计,市场部/张三,2024-07-15,2024-07-26,已完成,100%,\n\
         1.2,物料制作,设计部/李四,2024/7/27,2024/8/5,进行中,60%,1.1\n\
         2.1,渠道铺货,\"销售部/王五, 渠道商A公司\",7月29日,8月10日,未开始,0,\"1.1,1.2\"\n",
    ),
    (
        "builtin/risks.tsv",
        "Risk ID\tDescription\tImpact\tOwner\tDue\tStatus\nR-001\tSupplier delay\tHigh\tSales / Li Na\t2024-08-01\tOpen\n\
         R-002\tBudget overrun\tMedium\tFinance\t2024-09-01\tIn progress\n",
    ),
];

// ---------------------------------------------------------------------------------------------
// Mutations

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "65535",
    "65536",
    "1048576",
    "1048577",
    "16384",
    "2147483647",
    "4294967295",
    "4294967296",
    "99999999999",
    "18446744073709551615",
    "99999999999999999999999",
    "-1000000000000",
    "2958465",
    "2958466",
    "1e308",
    "1e400",
    "NaN",
    "-0",
    "0.5",
];
const TOKENS: &[&str] = &[
    "中",
    "A",
    "- ",
    "1. ",
    "(",
    "（",
    "[",
    "部",
    "/",
    " ",
    "\n",
    "、",
    "市场部/张三、",
    "&amp;",
    "*",
    "**",
    "> ",
    "| ",
];
const LENGTHS: &[usize] = &[100, 1000, 32_767, 32_768, 100_000, 1_000_000];
const CELL_REFS: &[&str] = &["A1", "XFD1048576", "A1048576", "XFD1", "ZZZZ99999999", "A0", "A-1", "GR20001"];
const U32S: &[u32] = &[0, 1, 0x7FFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFE, 0xFFFF_FFFD, 0xFFFF_FFFA, 0x8000_0000, 4096, 512];

/// A limit on what a mutation may grow a part to (keeps cases fast to make and to run).
const MAX_PART: usize = 8 * 1024 * 1024;

fn mutate_bytes(rng: &mut Rng, data: &mut Vec<u8>, focus: Option<usize>) {
    let ops = 1 + rng.below(8);
    for _ in 0..ops {
        if data.is_empty() {
            data.push(0);
        }
        let len = data.len();
        // Biased towards the start (headers, directories) when asked.
        let at = match focus {
            Some(f) if rng.chance(60) => rng.below(f.min(len)),
            _ => rng.below(len),
        };
        match rng.below(9) {
            0 => data[at] ^= 1 << rng.below(8),
            1 => data[at] = *rng.pick(&[0u8, 0xFF, 0x7F, 0x80, 0xFE]),
            2 => {
                let at = at & !3;
                let v = rng.pick(U32S).to_le_bytes();
                for (k, b) in v.iter().enumerate() {
                    if let Some(x) = data.get_mut(at + k) {
                        *x = *b;
                    }
                }
            }
            3 => {
                let n = rng.below(64).min(len - at);
                data.drain(at..at + n);
            }
            4 => {
                let n = (1 + rng.below(256)).min(len - at);
                let chunk: Vec<u8> = data[at..at + n].to_vec();
                let times = 1 + rng.below(16);
                for _ in 0..times {
                    if data.len() + chunk.len() > MAX_PART {
                        break;
                    }
                    data.splice(at..at, chunk.iter().copied());
                }
            }
            5 => {
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                data.splice(at..at, bytes);
            }
            6 => data.truncate(at.max(1)),
            7 => {
                let other = rng.below(len);
                data.swap(at, other);
            }
            _ => {
                let v = (rng.next() as u16).to_le_bytes();
                data[at] = v[0];
                if let Some(x) = data.get_mut(at + 1) {
                    *x = v[1];
                }
            }
        }
    }
}

/// Byte offsets of runs of ASCII digits.
fn digit_runs(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i].is_ascii_digit() {
            let s = i;
            while i < text.len() && text[i].is_ascii_digit() {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

/// Positions right after a `>` (inside element text) or at line starts in Markdown.
fn text_spots(text: &[u8]) -> Vec<usize> {
    text.iter().enumerate().filter(|(_, b)| **b == b'>' || **b == b'\n' || **b == b':').map(|(i, _)| i + 1).collect()
}

/// Inserts a long run of one token (CJK, list markers, brackets, separators) into text.
fn insert_run(rng: &mut Rng, data: &mut Vec<u8>, max_chars: usize) {
    let spots = text_spots(data);
    let at = if spots.is_empty() { rng.below(data.len() + 1) } else { *rng.pick(&spots) };
    let token = rng.pick(TOKENS);
    let chars = (*rng.pick(LENGTHS)).min(max_chars);
    let n = chars / token.chars().count().max(1);
    let long = token.repeat(n.min(MAX_PART / token.len().max(1)));
    data.splice(at.min(data.len())..at.min(data.len()), long.bytes());
}

fn mutate_text(rng: &mut Rng, data: &mut Vec<u8>) {
    let ops = 1 + rng.below(4);
    for _ in 0..ops {
        match rng.below(8) {
            0 | 1 => {
                let runs = digit_runs(data);
                if runs.is_empty() {
                    continue;
                }
                let (s, e) = *rng.pick(&runs);
                data.splice(s..e, rng.pick(NUMBERS).bytes());
            }
            2 | 3 => insert_run(rng, data, usize::MAX),
            4 => {
                // A cell reference or range far away.
                let hits: Vec<usize> =
                    data.windows(3).enumerate().filter(|(_, w)| w == b"r=\"").map(|(i, _)| i + 3).collect();
                if let Some(&at) = hits.get(rng.below(hits.len().max(1))) {
                    let end = data[at..].iter().position(|&b| b == b'"').map_or(at, |e| at + e);
                    data.splice(at..end, rng.pick(CELL_REFS).bytes());
                }
            }
            5 => {
                // Repeat a slice many times (many rows, many strings, deep nesting).
                if data.is_empty() {
                    continue;
                }
                let s = rng.below(data.len());
                let n = (1 + rng.below(200)).min(data.len() - s);
                let chunk: Vec<u8> = data[s..s + n].to_vec();
                let times = 1 + rng.below(20_000);
                let mut grown = Vec::with_capacity(chunk.len() * times.min(MAX_PART / n.max(1)));
                for _ in 0..times {
                    if grown.len() + chunk.len() > MAX_PART {
                        break;
                    }
                    grown.extend_from_slice(&chunk);
                }
                data.splice(s..s, grown);
            }
            6 => {
                if data.is_empty() {
                    continue;
                }
                let s = rng.below(data.len());
                let n = rng.below(200).min(data.len() - s);
                data.drain(s..s + n);
            }
            _ => mutate_bytes(rng, data, None),
        }
    }
}

fn read_zip(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut parts = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).ok()?;
        let name = f.name().ok()?.into_owned();
        let mut data = Vec::new();
        f.by_ref().take(MAX_PART as u64).read_to_end(&mut data).ok()?;
        parts.push((name, data));
    }
    Some(parts)
}

fn write_zip(parts: &[(String, Vec<u8>)], rng: &mut Rng) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = rng.chance(10);
    for (name, data) in parts {
        let method = if stored || name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .compression_level(Some(1))
            .large_file(data.len() > u32::MAX as usize);
        if w.start_file(name.as_str(), opts).is_err() || w.write_all(data).is_err() {
            break;
        }
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

/// The mutated input of one case: (bytes, file extension, what was done). Half the cases
/// that build start from a sample (forms that pass `check`, so documents get rendered).
fn make_case(rng: &mut Rng, seeds: &[Seed], build: bool) -> (Vec<u8>, String, String) {
    let samples: Vec<&Seed> = seeds.iter().filter(|s| s.sample).collect();
    let seed = if build && !samples.is_empty() && rng.chance(50) {
        samples[rng.below(samples.len())]
    } else {
        &seeds[rng.below(seeds.len())]
    };
    let mut what = seed.path.display().to_string();
    // Half of those get one run of text no longer than a cell: valid forms with odd text, so
    // the renderers see it.
    if build && seed.sample && rng.chance(50) {
        what.push_str(" (one text run)");
        return match seed.kind {
            Kind::Zip => match read_zip(&seed.bytes) {
                Some(mut parts) => {
                    let strings = parts.iter().position(|(n, _)| n.ends_with("sharedStrings.xml"));
                    if let Some((_, data)) = strings.and_then(|i| parts.get_mut(i)) {
                        insert_run(rng, data, 30_000);
                    }
                    (write_zip(&parts, rng), seed.ext.clone(), what)
                }
                None => (seed.bytes.clone(), seed.ext.clone(), what),
            },
            _ => {
                let mut b = seed.bytes.clone();
                insert_run(rng, &mut b, 30_000);
                (b, seed.ext.clone(), what)
            }
        };
    }
    let bytes = match seed.kind {
        Kind::Zip if rng.chance(75) => match read_zip(&seed.bytes) {
            Some(mut parts) => {
                // Parts a reader parses are the interesting ones.
                let parsed: Vec<usize> = (0..parts.len())
                    .filter(|&i| {
                        let n = parts[i].0.to_ascii_lowercase();
                        n.ends_with(".xml") || n.ends_with(".bin") || n.ends_with(".rels")
                    })
                    .collect();
                let rounds = 1 + rng.below(2);
                for _ in 0..rounds {
                    let i = if parsed.is_empty() { rng.below(parts.len().max(1)) } else { *rng.pick(&parsed) };
                    if let Some((name, data)) = parts.get_mut(i) {
                        what.push_str(&format!(" part {name}"));
                        if name.ends_with(".bin") && rng.chance(70) {
                            mutate_bytes(rng, data, None);
                        } else {
                            mutate_text(rng, data);
                        }
                    }
                }
                write_zip(&parts, rng)
            }
            None => {
                let mut b = seed.bytes.clone();
                mutate_bytes(rng, &mut b, None);
                b
            }
        },
        Kind::Cfb => {
            let mut b = seed.bytes.clone();
            mutate_bytes(rng, &mut b, Some(4096));
            b
        }
        Kind::Text => {
            let mut b = seed.bytes.clone();
            mutate_text(rng, &mut b);
            b
        }
        _ => {
            let mut b = seed.bytes.clone();
            mutate_bytes(rng, &mut b, None);
            b
        }
    };
    (bytes, seed.ext.clone(), what)
}

// ---------------------------------------------------------------------------------------------
// Running

/// Whether case `n` runs `build` (every `--build-every`-th) rather than `check`.
fn is_build(o: &Opts, n: usize) -> bool {
    o.build_every > 0 && n % o.build_every == o.build_every - 1
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Ok,
    Panic,
    Timeout,
    Abort,
}

struct Run {
    outcome: Outcome,
    secs: f64,
    peak_kib: u64,
    code: String,
}

/// The fuzzer needs `prlimit` and `wait4`.
#[cfg(not(unix))]
fn run(_bin: &Path, _args: &[&std::ffi::OsStr], _mem_mib: u64, _timeout: Duration) -> Run {
    eprintln!("fuzz: runs on Linux and other unix systems only (prlimit, wait4)");
    std::process::exit(2)
}

/// Runs `bin args` under `prlimit --as`, waiting at most `timeout`; peak memory from wait4.
#[cfg(unix)]
fn run(bin: &Path, args: &[&std::ffi::OsStr], mem_mib: u64, timeout: Duration) -> Run {
    let start = Instant::now();
    let mut cmd = Command::new("prlimit");
    cmd.arg(format!("--as={}", mem_mib * 1024 * 1024))
        .arg(bin)
        .args(args)
        .env("LANG", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fuzz: cannot run prlimit ({e}); install util-linux");
            std::process::exit(2);
        }
    };
    let pid = child.id() as libc::pid_t;
    // stderr is read on the side so a chatty run never blocks on a full pipe.
    let mut err_pipe = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(p) = err_pipe.as_mut() {
            let _ = p.take(1 << 20).read_to_end(&mut s);
        }
        String::from_utf8_lossy(&s).into_owned()
    });
    let mut status = 0;
    // SAFETY: plain libc struct, filled by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut timed_out = false;
    loop {
        // SAFETY: waits for our own child, by pid, once it is reaped nothing else waits on it.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        if r < 0 {
            break;
        }
        if start.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
            // SAFETY: as above, blocking until the killed child is reaped.
            unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let stderr = reader.join().unwrap_or_default();
    let secs = start.elapsed().as_secs_f64();
    let peak_kib = usage.ru_maxrss.max(0) as u64;
    let (outcome, code) = if timed_out {
        (Outcome::Timeout, "timeout".to_string())
    } else if libc::WIFSIGNALED(status) {
        (Outcome::Abort, format!("signal {}", libc::WTERMSIG(status)))
    } else {
        let code = libc::WEXITSTATUS(status);
        if code == 101 || stderr.contains("panicked at") {
            (Outcome::Panic, format!("exit {code}"))
        } else if code == 134 || code == 137 {
            (Outcome::Abort, format!("exit {code}"))
        } else {
            (Outcome::Ok, format!("exit {code}"))
        }
    };
    Run { outcome, secs, peak_kib, code }
}

#[derive(Default)]
struct Tally {
    runs: usize,
    builds: usize,
    by: [usize; 4],
    slowest: (f64, String),
    peak: (u64, String),
    exit: std::collections::BTreeMap<String, usize>,
}

fn main() {
    let o = parse_opts();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !o.bin.exists() {
        eprintln!("fuzz: {} not found; run `cargo build --release` first (or pass --bin)", o.bin.display());
        std::process::exit(2);
    }
    let mut dirs = vec![root.join("samples")];
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        dirs.push(corpus);
    } else {
        eprintln!("fuzz: ../shared/corpus is absent; seeds are the samples only");
    }
    dirs.extend(o.seeds.iter().cloned());
    let seeds = Arc::new(load_seeds(&dirs));
    if seeds.is_empty() {
        eprintln!("fuzz: no seed inputs found");
        std::process::exit(2);
    }
    if let Some(n) = o.only {
        let mut rng = Rng::for_case(o.seed, n);
        let (bytes, ext, what) = make_case(&mut rng, &seeds, is_build(&o, n));
        let dir = o.keep.clone().unwrap_or_else(|| std::env::temp_dir().join("dossier-fuzz-case"));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("case-{}-{n}.{ext}", o.seed));
        std::fs::write(&path, &bytes).expect("write the case");
        println!("case {n} (seed {}): {what}\n  {}", o.seed, path.display());
        return;
    }
    let _ = std::fs::create_dir_all(&o.failures);
    let tmp = tempfile::tempdir().expect("temp dir");
    let next = Arc::new(AtomicUsize::new(0));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let deadline = o.minutes.map(|m| Instant::now() + Duration::from_secs_f64(m * 60.0));
    let started = Instant::now();
    println!(
        "fuzz: seed {}, {} seed inputs, {} jobs, --as {} MiB, timeout {:?}, build every {} cases",
        o.seed,
        seeds.len(),
        o.jobs,
        o.mem_mib,
        o.timeout,
        o.build_every
    );
    let o = Arc::new(o);
    let workers: Vec<_> = (0..o.jobs.max(1))
        .map(|w| {
            let (o, seeds, next, tally) = (o.clone(), seeds.clone(), next.clone(), tally.clone());
            let dir = tmp.path().join(format!("w{w}"));
            std::thread::spawn(move || {
                std::fs::create_dir_all(&dir).expect("worker dir");
                loop {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        break;
                    }
                    let case = next.fetch_add(1, Ordering::SeqCst);
                    if o.cases.is_some_and(|n| case >= n) {
                        break;
                    }
                    let mut rng = Rng::for_case(o.seed, case);
                    let build = is_build(&o, case);
                    let (bytes, ext, what) = make_case(&mut rng, &seeds, build);
                    let input = dir.join(format!("case.{ext}"));
                    if std::fs::write(&input, &bytes).is_err() {
                        continue;
                    }
                    let out = dir.join("out");
                    let _ = std::fs::remove_dir_all(&out);
                    let args: Vec<&std::ffi::OsStr> = if build {
                        vec![
                            "build".as_ref(),
                            input.as_os_str(),
                            "-o".as_ref(),
                            out.as_os_str(),
                            "--as-of".as_ref(),
                            "2024-10-20".as_ref(),
                            "--lang".as_ref(),
                            "en".as_ref(),
                        ]
                    } else {
                        vec!["check".as_ref(), input.as_os_str(), "--as-of".as_ref(), "2024-10-20".as_ref()]
                    };
                    let r = run(&o.bin, &args, o.mem_mib, o.timeout);
                    let mut t = tally.lock().expect("tally");
                    t.runs += 1;
                    t.builds += usize::from(build);
                    t.by[r.outcome as usize] += 1;
                    *t.exit.entry(r.code.clone()).or_default() += 1;
                    let label = format!("case {case} ({}) from {what}", if build { "build" } else { "check" });
                    if r.secs > t.slowest.0 {
                        t.slowest = (r.secs, label.clone());
                    }
                    if r.peak_kib > t.peak.0 {
                        t.peak = (r.peak_kib, label.clone());
                    }
                    if r.outcome != Outcome::Ok {
                        let name = format!("{:?}-{}-{case}.{ext}", r.outcome, o.seed).to_lowercase();
                        let saved = o.failures.join(&name);
                        let _ = std::fs::write(&saved, &bytes);
                        println!(
                            "{:?}: {label}: {} after {:.1} s, {} MiB; saved {}",
                            r.outcome,
                            r.code,
                            r.secs,
                            r.peak_kib / 1024,
                            saved.display()
                        );
                    }
                    if t.runs % 500 == 0 {
                        println!("… {} runs in {:.0} s", t.runs, started.elapsed().as_secs_f64());
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    let t = tally.lock().expect("tally");
    println!(
        "fuzz: {} runs ({} builds) in {:.0} s: {} ok, {} aborts, {} timeouts (> {:?}), {} uncaught panics",
        t.runs,
        t.builds,
        started.elapsed().as_secs_f64(),
        t.by[Outcome::Ok as usize],
        t.by[Outcome::Abort as usize],
        t.by[Outcome::Timeout as usize],
        o.timeout,
        t.by[Outcome::Panic as usize]
    );
    println!("  exit codes: {:?}", t.exit);
    println!("  slowest: {:.2} s, {}", t.slowest.0, t.slowest.1);
    println!("  peak memory: {:.1} MiB, {}", t.peak.0 as f64 / 1024.0, t.peak.1);
    if t.by[Outcome::Abort as usize] + t.by[Outcome::Timeout as usize] + t.by[Outcome::Panic as usize] > 0 {
        std::process::exit(1);
    }
}
