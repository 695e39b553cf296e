//! Hostile inputs never take down a batch. Every file of `../shared/crashers` and every recipe
//! of its README (built here in a temporary folder) must end, under a 1 GiB address-space
//! limit (`prlimit --as`) and a generous deadline, in one clear diagnostic for the file or the
//! cell; a batch of the samples plus every crasher builds the samples completely. Without
//! `../shared` (a user's clone) the file tests say so and pass; the recipes always run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The memory every run must fit, as in the measurement.
const MEMORY: u64 = 1 << 30;
/// A hang guard, not a speed target: the debug binary on a busy machine is slow.
const DEADLINE: Duration = Duration::from_secs(60);

fn crashers() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/crashers");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/crashers is not here (it is in CI)");
        None
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// Runs the binary under `prlimit --as` (when present) and the deadline; panics on a hang, a
/// signal or an uncaught panic.
fn dossier(args: &[&str], cwd: &Path) -> Run {
    let bin = env!("CARGO_BIN_EXE_dossier");
    let limit = Command::new("prlimit").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
    let mut cmd = if limit {
        let mut c = Command::new("prlimit");
        c.arg(format!("--as={MEMORY}")).arg(bin);
        c
    } else {
        assert!(std::env::var_os("CI").is_none(), "prlimit (util-linux) is missing in CI: .ci/run installs it");
        eprintln!("note: prlimit is missing; running without the memory limit");
        Command::new(bin)
    };
    cmd.args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("dossier runs");
    let (mut out, mut err) = (child.stdout.take().expect("stdout"), child.stderr.take().expect("stderr"));
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dossier {args:?} did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let run = Run { code: status.code(), stdout: reader.join().unwrap(), stderr: err_reader.join().unwrap() };
    assert!(status.code().is_some(), "dossier {args:?} was killed by a signal (an abort?): {status:?}\n{}", run.text());
    assert!(!run.stderr.contains("panicked"), "dossier {args:?} panicked:\n{}", run.text());
    assert_ne!(run.code, Some(101), "{}", run.text());
    run
}

fn check_json(path: &Path) -> (Option<i32>, Vec<Value>) {
    let r = dossier(
        &["check", path.to_str().unwrap(), "--format", "json", "--lang", "en", "--as-of", "2024-10-20"],
        Path::new("."),
    );
    let diags = r.json()["diagnostics"].as_array().cloned().unwrap_or_default();
    (r.code, diags)
}

/// The first diagnostic with `code` whose message contains `part`.
fn find<'a>(diags: &'a [Value], code: &str, part: &str) -> Option<&'a Value> {
    diags.iter().find(|d| d["code"] == code && d["message"].as_str().unwrap_or("").contains(part))
}

/// Every format, or HTML and XLSX only on a machine without a CJK font for PDF (never in CI).
fn formats() -> &'static str {
    if Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists() {
        return "pdf,html,xlsx";
    }
    assert!(std::env::var_os("CI").is_none(), "fonts-noto-cjk is missing in CI: .ci/run installs it");
    eprintln!("note: no CJK font; building HTML and XLSX only");
    "html,xlsx"
}

fn build(input: &Path, out: &Path) -> Run {
    dossier(
        &[
            "build",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--as-of",
            "2024-10-20",
            "--lang",
            "en",
            "--to",
            formats(),
        ],
        Path::new("."),
    )
}

#[test]
fn every_crasher_file_gives_one_clear_diagnostic() {
    let Some(dir) = crashers() else { return };
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    names.sort();
    assert!(names.len() >= 19, "{names:?}");
    for name in &names {
        let path = dir.join(name);
        let (code, diags) = check_json(&path);
        let file_error = |part: &str| {
            let d =
                find(&diags, "file", part).unwrap_or_else(|| panic!("{name}: no file error with “{part}”: {diags:#?}"));
            assert_eq!(d["severity"], "error");
            assert!(d["file"].as_str().unwrap_or("").ends_with(name.as_str()), "{d}");
            assert_eq!(code, Some(1), "{name}");
        };
        let type_error = |part: &str| {
            let d =
                find(&diags, "type", part).unwrap_or_else(|| panic!("{name}: no type error with “{part}”: {diags:#?}"));
            assert!(d["cell"].is_string() || d["line"].is_number(), "{name}: the error names no cell or line: {d}");
            assert_eq!(code, Some(1), "{name}");
            d.clone()
        };
        match name.as_str() {
            n if n.starts_with("xlsx-sst-")
                || n == "xlsx-dimension-ssindex-oom.xlsx"
                || n == "xlsx-reader-panic-capacity.xlsx" =>
            {
                file_error("uniqueCount")
            }
            "xlsx-zipbomb-3GiB-string.xlsx" => file_error("inflates to 3072 MiB"),
            n if n.starts_with("xls-oom-") => file_error("OLE container is damaged"),
            "xlsb-reader-panic.xlsb" => {
                file_error("the file is damaged");
                assert!(!format!("{diags:?}").contains("index out of bounds"), "{diags:#?}");
            }
            "xlsx-date-serial-minus-1e12.xlsx" => {
                let d = type_error("as a date");
                assert_eq!(d["value"], "-1000000000000");
                assert!(d["hint"].as_str().unwrap_or("").contains("1900-01-01"), "{d}");
                assert!(find(&diags, "file", "").is_none(), "the workbook itself is read: {diags:#?}");
            }
            "xlsx-1M-char-cell-hang.xlsx"
            | "md-pdf-linebreak-1.6M-chars.md"
            | "md-build-nested-list-oom.md"
            | "md-build-hang.md" => {
                type_error("32,767");
            }
            // Readable but not a PMO sheet: nothing is read, and it says so.
            "xlsx-1M-char-cell-slow.xlsx" => {
                assert_eq!(code, Some(1), "{diags:#?}");
                assert!(find(&diags, "no-records", "Foglio1").is_some(), "{diags:#?}");
            }
            // A party of exactly 32,767 characters is allowed, and read in linear time.
            "md-party-32767-chars.md" => assert_eq!(code, Some(0), "{diags:#?}"),
            other => {
                // A crasher added since: it must end with a diagnostic, whatever it is.
                assert!(matches!(code, Some(0 | 1)), "{other}: exit {code:?}");
                assert!(!diags.is_empty(), "{other}: no diagnostic");
            }
        }
    }
}

#[test]
fn crashers_that_broke_build_build_or_are_refused_cleanly() {
    let Some(dir) = crashers() else { return };
    let tmp = tempfile::tempdir().unwrap();
    for name in
        ["md-party-32767-chars.md", "md-pdf-linebreak-1.6M-chars.md", "md-build-nested-list-oom.md", "md-build-hang.md"]
    {
        let out = tmp.path().join(name);
        let r = build(&dir.join(name), &out);
        let want = if name == "md-party-32767-chars.md" { 0 } else { 1 };
        assert_eq!(r.code, Some(want), "{name}: {}", r.text());
        assert!(out.join("manifest.json").is_file(), "{name}: no manifest");
    }
    // A meeting id of 78 ideographs: its documents get shortened names with a hash.
    let out = tmp.path().join("long-id");
    let r = build(&dir.join("build-long-meeting-id"), &out);
    assert_eq!(r.code, Some(0), "{}", r.text());
    let manifest: Value = serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let files: Vec<&str> = manifest["files"].as_array().unwrap().iter().filter_map(|f| f["path"].as_str()).collect();
    let minutes: Vec<&&str> = files.iter().filter(|p| p.contains("/minutes-")).collect();
    assert!(!minutes.is_empty(), "{files:?}");
    for p in minutes {
        let name = p.rsplit('/').next().unwrap();
        assert!(name.len() <= 200 && name.starts_with("minutes-中中中"), "{name}");
    }
}

/// A copy of the samples' three projects plus every crasher, each in a folder of its own.
#[test]
fn a_batch_with_every_crasher_still_builds_the_samples_completely() {
    let Some(dir) = crashers() else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let batch = tmp.path().join("batch");
    copy_dir(&root.join("samples"), &batch);
    for (i, e) in fs::read_dir(&dir).unwrap().flatten().enumerate() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let target = batch.join(format!("zz-crasher-{i:02}"));
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::create_dir_all(&target).unwrap();
            fs::copy(e.path(), target.join(&name)).unwrap();
        }
    }
    let alone = tmp.path().join("alone");
    let r = build(&root.join("samples"), &alone);
    assert_eq!(r.code, Some(0), "{}", r.text());
    let mixed = tmp.path().join("mixed");
    let r = build(&batch, &mixed);
    assert_eq!(r.code, Some(1), "the crashers are errors, nothing worse: {}", r.text());
    let entries = |out: &Path| -> Vec<(String, String)> {
        let m: Value = serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
        m["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["path"].as_str().unwrap().to_string(), f["sha256"].as_str().unwrap().to_string()))
            .filter(|(p, _)| p.contains('/'))
            .collect()
    };
    let want = entries(&alone);
    let got = entries(&mixed);
    assert!(want.len() > 20, "{want:?}");
    for w in &want {
        assert!(got.contains(w), "{} is missing or differs in the mixed batch", w.0);
    }
    assert!(mixed.join("index.html").is_file() && mixed.join("summary.html").is_file());
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The README's recipes

const REQUIREMENT: &str = "---\nkind: requirement\nid: 2024-MKT-101\ntitle: Odd name test\ndepartment: Marketing\ngoal: 5 million in sales within 3 months\ndepartments: [Product, Sales]\nstatus: pending_review\n---\n";

fn project(dir: &Path) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("req.md"), REQUIREMENT).unwrap();
    dir.to_path_buf()
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_skipped_with_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let p = project(&tmp.path().join("p"));
    let made = Command::new("mkfifo").arg(p.join("pipe.md")).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo failed");
        return;
    }
    let (code, diags) = check_json(&p);
    assert_eq!(code, Some(0), "{diags:#?}");
    let d = find(&diags, "skipped", "named pipe").expect("a note for the pipe");
    assert_eq!(d["severity"], "info");
    assert!(d["file"].as_str().unwrap().ends_with("pipe.md"));
}

#[cfg(unix)]
#[test]
fn links_back_to_a_folder_are_read_once() {
    let tmp = tempfile::tempdir().unwrap();
    let x = tmp.path().join("x");
    let p1 = project(&x.join("p1"));
    std::os::unix::fs::symlink(".", p1.join("a")).unwrap();
    std::os::unix::fs::symlink(".", p1.join("b")).unwrap();
    let r = dossier(&["check", x.to_str().unwrap(), "--format", "json", "--lang", "en"], Path::new("."));
    let json = r.json();
    assert_eq!(json["projects"].as_array().unwrap().len(), 1, "{}", r.stdout);
    let diags = json["diagnostics"].as_array().unwrap();
    assert!(find(diags, "duplicate-id", "").is_none(), "{diags:#?}");
    let loops: Vec<&Value> = diags.iter().filter(|d| d["code"] == "skipped").collect();
    assert_eq!(loops.len(), 2, "{diags:#?}");
    assert!(loops[0]["message"].as_str().unwrap().contains("read already"));
}

/// Runs as an unprivileged user when the tests run as root (CI), so permissions apply.
#[cfg(unix)]
#[test]
fn an_unreadable_project_folder_is_an_error_for_that_project_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let b = tmp.path().join("b");
    project(&b.join("p1"));
    let p2 = project(&b.join("p2"));
    fs::write(p2.join("req.md"), REQUIREMENT.replace("101", "102")).unwrap();
    fs::set_permissions(&p2, fs::Permissions::from_mode(0o000)).unwrap();
    let bin = tmp.path().join("dossier");
    fs::copy(env!("CARGO_BIN_EXE_dossier"), &bin).unwrap();
    fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    let o = cmd.args(["check", "b", "--format", "json", "--lang", "en"]).current_dir(tmp.path()).output();
    fs::set_permissions(&p2, fs::Permissions::from_mode(0o755)).unwrap();
    let Ok(o) = o else {
        eprintln!("skipped: setpriv is not available");
        return;
    };
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&o.stderr));
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    let d = find(diags, "file", "cannot list the folder: permission denied").expect("an error for p2");
    assert!(d["file"].as_str().unwrap().ends_with("p2"), "{d}");
    // p1 is still checked.
    assert!(json["projects"].as_array().unwrap().iter().any(|p| p["source"].as_str().unwrap().ends_with("p1")));
}

#[test]
fn an_output_folder_inside_the_input_is_never_read_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    copy_dir(&root.join("samples"), &input);
    let out = input.join("out");
    for _ in 0..2 {
        let r = build(&input, &out);
        assert_eq!(r.code, Some(0), "{}", r.text());
        assert!(r.stdout.contains("3 project(s) built"), "{}", r.text());
    }
    let (_, diags) = check_json(&input);
    let d = find(&diags, "skipped", "output folder").expect("a note for the output folder");
    assert!(d["file"].as_str().unwrap().ends_with("out"));
}

#[test]
fn a_project_that_cannot_be_written_is_named_and_the_batch_goes_on() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(&out).unwrap();
    // A file where the project's folder must go: the folder cannot be created.
    fs::write(out.join("2024-MKT-001"), b"in the way").unwrap();
    let r = build(&root.join("samples"), &out);
    assert_eq!(r.code, Some(2), "{}", r.text());
    assert!(r.stderr.contains("seed-2024-MKT-001") && r.stderr.contains("cannot create the folder"), "{}", r.stderr);
    assert!(r.stderr.contains(&out.join("2024-MKT-001").display().to_string()), "{}", r.stderr);
    assert!(r.stdout.contains("2 project(s) built"), "{}", r.stdout);
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("2024-WEB-007") && !index.contains("2024-MKT-001/"), "the index lists what was written");
    assert!(out.join("summary.html").is_file() && out.join("manifest.json").is_file());
}

#[test]
fn excel_serials_outside_the_calendar_are_cell_errors() {
    use rust_xlsxwriter::{Format, Workbook};
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("serials.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("任务分工").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["任务ID", "子任务名称", "负责部门/人", "计划开始时间", "计划结束时间"].iter().enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (start, end)) in [(-1.0, 45488.0), (45488.0, 2_958_466.0)].iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, format!("1.{r}")).unwrap();
        ws.write_string(r, 1, "方案").unwrap();
        ws.write_string(r, 2, "市场部/张三").unwrap();
        ws.write_number_with_format(r, 3, *start, &date).unwrap();
        ws.write_number_with_format(r, 4, *end, &date).unwrap();
    }
    wb.save(&path).unwrap();
    let (code, diags) = check_json(&path);
    assert_eq!(code, Some(1), "{diags:#?}");
    for (cell, value) in [("D2", "-1"), ("E3", "2958466")] {
        let d = diags
            .iter()
            .find(|d| d["code"] == "type" && d["cell"] == cell)
            .unwrap_or_else(|| panic!("no type error at {cell}: {diags:#?}"));
        assert_eq!(d["value"], value);
        assert!(d["hint"].as_str().unwrap().contains("9999-12-31"), "{d}");
    }
    assert!(!format!("{diags:?}").contains("+10000"), "{diags:#?}");
}

#[test]
fn a_title_over_an_excel_cell_is_an_error_before_build() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    fs::create_dir_all(&p).unwrap();
    fs::write(p.join("req.md"), REQUIREMENT.replace("Odd name test", &"长".repeat(40_000))).unwrap();
    let (code, diags) = check_json(&p);
    assert_eq!(code, Some(1));
    let d = find(&diags, "type", "40000 characters").expect("a type error for the title");
    assert_eq!(d["field"], "title");
    let out = tmp.path().join("out");
    let r = build(&p, &out);
    assert_eq!(r.code, Some(1), "{}", r.text());
    assert!(r.stdout.contains("0 project(s) built"), "{}", r.stdout);
}

/// A workbook of 400 KB whose one shared string of 30,000 characters fills 200,000 cells:
/// reading it whole would take gigabytes (the batch aborted); the file's budget stops it.
#[test]
fn a_shared_string_repeated_in_every_cell_stays_within_the_budget() {
    use rust_xlsxwriter::Workbook;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("amplify.xlsx");
    let long = "中".repeat(30_000);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("任务分工").unwrap();
    for r in 0..20_000 {
        for c in 0..10 {
            ws.write_string(r, c, &long).unwrap();
        }
    }
    wb.save(&path).unwrap();
    let (code, diags) = check_json(&path);
    assert_eq!(code, Some(1), "{diags:#?}");
    let d = find(&diags, "sheet-truncated", "16 MiB").expect("the budget is named");
    assert_eq!(d["severity"], "error");
}

/// Every task depending on the hundred before it, starting too early: 200,000 findings of one
/// rule. The first thousand are listed and the rest counted, in bounded time and memory.
#[test]
fn millions_of_findings_are_counted_not_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("fan.csv");
    let mut csv = String::from("任务ID,子任务名称,负责部门/人,计划开始时间,计划结束时间,依赖任务\n");
    for i in 0..2_000 {
        let deps: Vec<String> = (i.max(100) - 100..i).map(|j| j.to_string()).collect();
        csv.push_str(&format!("{i},任务{i},市场部/张三,2024-07-01,2024-08-01,\"{}\"\n", deps.join("、")));
    }
    fs::write(&path, csv).unwrap();
    let (_, diags) = check_json(&path);
    let order: Vec<&Value> = diags.iter().filter(|d| d["code"] == "dependency-order").collect();
    assert_eq!(order.len(), 1_001, "a thousand listed and one count");
    let last = order.last().unwrap()["message"].as_str().unwrap();
    assert!(last.starts_with(&format!("{} more", 2_000 * 100 - 100 * 101 / 2 - 1_000)), "{last}");
}
