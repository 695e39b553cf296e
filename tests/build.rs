//! `dossier build`, `verify` and `templates` through the real binary, and the documents opened
//! by real clients (Chromium, openpyxl, LibreOffice). Those clients are installed by `.ci/run`;
//! without them a test says so and passes, except in CI (`CI` set), where it fails.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dossier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        // A Chinese locale: the language when no --lang is given.
        .env_remove("DOSSIER_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("dossier runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Builds the samples into a fresh folder and returns it (kept alive by the TempDir).
fn build_samples(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["build", "samples", "-o", out.to_str().unwrap(), "--as-of", "2024-10-20"];
    if !extra.contains(&"--to") {
        args.extend_from_slice(&["--to", formats()]);
    }
    args.extend_from_slice(extra);
    let o = dossier(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    (dir, out)
}

/// The files of an output folder, without dossier's working state (`.dossier/`, its check
/// cache: not part of the deliverable).
fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p == root.join(".dossier") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Every format, or HTML and XLSX only on a machine without a CJK font for PDF (never in CI).
fn formats() -> &'static str {
    if Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists() {
        return "pdf,html,xlsx";
    }
    assert!(std::env::var_os("CI").is_none(), "fonts-noto-cjk is missing in CI: .ci/run installs it");
    eprintln!("PDF skipped: no CJK font here (apt-get install fonts-noto-cjk; CI has it)");
    "html,xlsx"
}

/// Is `tool` here? In CI it must be (`.ci/run` installs it); elsewhere the test is skipped.
fn have(tool: &str, probe: &[&str]) -> bool {
    let ok = Command::new(tool).args(probe).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "{tool} is missing in CI: .ci/run should install it");
        eprintln!("skipped: {tool} is not installed here (CI installs it)");
    }
    ok
}

#[test]
fn build_writes_every_document_index_summary_and_manifest() {
    let (_tmp, out) = build_samples(&[]);
    let all = files(&out);
    for f in [
        "index.html",
        "manifest.json",
        "summary.html",
        "2024-MKT-001/signoff.html",
        "2024-MKT-001/plan.html",
        "2024-MKT-001/risks.html",
        "2024-MKT-001/minutes-2023-09-15.html",
        "2024-MKT-001/retrospective.html",
        "summary.xlsx",
        "2024-MKT-001/signoff.xlsx",
        "2024-MKT-001/plan.xlsx",
        "2024-MKT-001/risks.xlsx",
        "2024-MKT-001/minutes-2023-09-15.xlsx",
        "2024-MKT-001/retrospective.xlsx",
    ]
    .into_iter()
    .chain(
        formats()
            .contains("pdf")
            .then_some(["summary.pdf", "2024-MKT-001/plan.pdf", "2024-MKT-001/dossier.pdf"])
            .into_iter()
            .flatten(),
    ) {
        assert!(all.contains_key(f), "{f} missing; have {:?}", all.keys().collect::<Vec<_>>());
    }
    // Every document is linked from the index.
    let index = String::from_utf8(all["index.html"].clone()).unwrap();
    for f in all.keys().filter(|f| f.contains('/')) {
        assert!(index.contains(&format!("href=\"{f}\"")), "index.html does not link {f}");
    }
    // The manifest lists every file but itself, with the right size and hash.
    let manifest: serde_json::Value = serde_json::from_slice(&all["manifest.json"]).unwrap();
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len(), all.len() - 1);
    for e in listed {
        let bytes = &all[e["path"].as_str().unwrap()];
        assert_eq!(e["size"].as_u64().unwrap(), bytes.len() as u64);
        assert_eq!(e["sha256"].as_str().unwrap().len(), 64);
    }
}

#[test]
fn verify_passes_then_catches_a_flipped_byte() {
    let (_tmp, out) = build_samples(&[]);
    let o = dossier(&["verify", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let plan = out.join("2024-MKT-001/plan.html");
    let mut bytes = fs::read(&plan).unwrap();
    bytes[100] ^= 0x01;
    fs::write(&plan, bytes).unwrap();
    let o = dossier(&["verify", out.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("changed: 2024-MKT-001/plan.html"), "{}", text(&o));
}

#[test]
fn building_twice_gives_identical_bytes() {
    let (_a, out_a) = build_samples(&[]);
    let (_b, out_b) = build_samples(&[]);
    let (a, b) = (files(&out_a), files(&out_b));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between two builds");
    }
}

#[test]
fn projects_with_errors_are_reported_and_skipped_others_built() {
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("batch");
    fs::create_dir_all(batch.join("bad")).unwrap();
    fs::write(
        batch.join("bad/tasks.md"),
        "---\nkind: tasks\ntasks:\n  - {id: \"1\", name: A, owner: 市场部*, planned_start: 2024-07-20, planned_end: 2024-07-10}\n---\n",
    )
    .unwrap();
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/en-website-relaunch");
    let out = dir.path().join("out");
    let o = dossier(&[
        "build",
        batch.to_str().unwrap(),
        good.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--as-of",
        "2024-10-20",
        "--lang",
        "en",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("date-order"));
    let all = files(&out);
    assert!(all.keys().any(|f| f.starts_with("2024-WEB-007/")), "{:?}", all.keys());
    assert!(!all.keys().any(|f| f.starts_with("bad/")));
    let index = String::from_utf8(all["index.html"].clone()).unwrap();
    assert!(index.contains("not built because of errors"));
}

#[test]
fn templates_can_be_exported_and_override_file_by_file() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t");
    let o = dossier(&["templates", t.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(t.join("plan.html").exists() && t.join("style.css").exists());
    // Keep only one edited file: the others fall back to the built-ins.
    for e in fs::read_dir(&t).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != "style.css" {
            fs::remove_file(p).unwrap();
        }
    }
    fs::write(t.join("style.css"), "body { color: rebeccapurple; }").unwrap();
    let (_tmp, out) = build_samples(&["--templates", t.to_str().unwrap()]);
    let plan = fs::read_to_string(out.join("2024-MKT-001/plan.html")).unwrap();
    assert!(plan.contains("rebeccapurple"));
    assert!(plan.contains("<caption"));
}

#[test]
fn html_is_self_contained_and_accessible() {
    let (_tmp, out) = build_samples(&[]);
    for (name, bytes) in files(&out).iter().filter(|(n, _)| n.ends_with(".html")) {
        let html = String::from_utf8(bytes.clone()).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
        assert!(html.contains("<html lang=\"zh-CN\">"), "{name}");
        for banned in ["http://", "https://", "<link", "<script", "src=\"//", "@import"] {
            assert!(!html.contains(banned), "{name} contains {banned}");
        }
        if html.contains("<table") {
            assert!(html.contains("<caption") && html.contains("scope=\""), "{name}: tables need caption and th scope");
        }
    }
}

/// Headless Chromium opens every page: it renders, logs no console error and asks for nothing
/// from the network.
#[test]
fn chromium_renders_every_page() {
    if !have("chromium", &["--version"]) {
        return;
    }
    let (tmp, out) = build_samples(&[]);
    for name in files(&out).keys().filter(|n| n.ends_with(".html")) {
        let shot = tmp.path().join(format!("{}.png", name.replace('/', "_")));
        let o = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .arg(format!("--user-data-dir={}", tmp.path().join("profile").display()))
            .arg(format!("--screenshot={}", shot.display()))
            .arg("--window-size=1200,1600")
            .arg(format!("file://{}", out.join(name).display()))
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{name}: chromium failed: {log}");
        assert!(fs::metadata(&shot).map(|m| m.len() > 10_000).unwrap_or(false), "{name}: no screenshot");
        for line in log.lines() {
            assert!(!line.contains("CONSOLE") && !line.contains("Uncaught"), "{name}: console message: {line}");
            assert!(!(line.contains("net::ERR") && line.contains("file://")), "{name}: {line}");
        }
    }
}

/// Every workbook opens in openpyxl (another reader than ours) and converts with LibreOffice.
#[test]
fn workbooks_open_in_openpyxl_and_libreoffice() {
    if !have("python3", &["-c", "import openpyxl"]) {
        return;
    }
    let (tmp, out) = build_samples(&[]);
    let books: Vec<PathBuf> = files(&out).keys().filter(|n| n.ends_with(".xlsx")).map(|n| out.join(n)).collect();
    assert!(books.len() >= 10, "{books:?}");
    let script = "import sys, openpyxl\nfor p in sys.argv[1:]:\n    wb = openpyxl.load_workbook(p)\n    assert wb.sheetnames, p\n";
    let o = Command::new("python3").arg("-c").arg(script).args(&books).output().unwrap();
    assert!(o.status.success(), "openpyxl: {}", String::from_utf8_lossy(&o.stderr));
    if !have("libreoffice", &["--version"]) {
        return;
    }
    let pdfs = tmp.path().join("pdf");
    let o = Command::new("libreoffice")
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir", pdfs.to_str().unwrap()])
        .args(&books)
        .env("HOME", tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "libreoffice: {}", String::from_utf8_lossy(&o.stderr));
    for b in &books {
        let pdf = pdfs.join(b.file_stem().unwrap()).with_extension("pdf");
        assert!(fs::metadata(&pdf).map(|m| m.len() > 1000).unwrap_or(false), "{} did not convert", b.display());
    }
}

/// What `build` writes as XLSX reads back through `check` into the same tasks and risks.
#[test]
fn written_workbooks_read_back_into_the_same_records() {
    let (_tmp, out) = build_samples(&["--to", "xlsx"]);
    let records = |args: &[&str]| -> serde_json::Value {
        let o = dossier(args);
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)))
    };
    let original = records(&["check", "samples/seed-2024-MKT-001", "--as-of", "2024-10-20", "--format", "json"]);
    let plan = out.join("2024-MKT-001/plan.xlsx");
    let risks = out.join("2024-MKT-001/risks.xlsx");
    let back = records(&[
        "check",
        plan.to_str().unwrap(),
        risks.to_str().unwrap(),
        "--as-of",
        "2024-10-20",
        "--format",
        "json",
    ]);
    let p = &original["projects"][0];
    let tasks = back["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["tasks"].as_array().is_some_and(|t| !t.is_empty()))
        .unwrap();
    let risks_back = back["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["risks"].as_array().is_some_and(|t| !t.is_empty()))
        .unwrap();
    for key in [
        "id",
        "name",
        "owner",
        "collaborators",
        "planned_start",
        "planned_end",
        "actual_end",
        "status",
        "progress",
        "priority",
        "depends_on",
    ] {
        let a: Vec<_> = p["tasks"].as_array().unwrap().iter().map(|t| t[key].clone()).collect();
        let b: Vec<_> = tasks["tasks"].as_array().unwrap().iter().map(|t| t[key].clone()).collect();
        assert_eq!(a, b, "task {key} differs after the round trip");
    }
    for key in ["id", "description", "impact", "owner", "raised_on", "due", "resolved_on", "measures", "status"] {
        let a: Vec<_> = p["risks"].as_array().unwrap().iter().map(|t| t[key].clone()).collect();
        let b: Vec<_> = risks_back["risks"].as_array().unwrap().iter().map(|t| t[key].clone()).collect();
        assert_eq!(a, b, "risk {key} differs after the round trip");
    }
}

/// Copies the samples into a batch folder of a temp dir, to change them between builds.
fn sample_batch(dir: &Path) -> PathBuf {
    let batch = dir.join("batch");
    for e in fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            let to = batch.join(p.file_name().unwrap());
            fs::create_dir_all(&to).unwrap();
            for f in fs::read_dir(&p).unwrap() {
                let f = f.unwrap().path();
                fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
            }
        }
    }
    batch
}

fn build_into(batch: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["build", batch.to_str().unwrap(), "-o", out.to_str().unwrap(), "--as-of", "2024-10-20"];
    args.extend_from_slice(&["--to", formats()]);
    args.extend_from_slice(extra);
    let o = dossier(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    text(&o)
}

/// Issue 12: a rebuild renders only the projects whose inputs changed, and the folder it leaves
/// is byte for byte the folder a cold build of the same inputs writes.
#[test]
fn a_rebuild_renders_only_what_changed_and_equals_a_cold_build() {
    let dir = tempfile::tempdir().unwrap();
    let batch = sample_batch(dir.path());
    let (warm, cold) = (dir.path().join("warm"), dir.path().join("cold"));
    let first = build_into(&batch, &warm, &[]);
    // Nothing changed: every project is kept, no input is read again (the check cache in
    // .dossier/ answers), and the report is the same, every finding included.
    let again = build_into(&batch, &warm, &[]);
    assert!(again.contains("其中 3 个项目自上次生成以来没有变化"), "{again}");
    let report = |t: &str| t.lines().filter(|l| !l.contains("没有变化")).collect::<Vec<_>>().join("\n");
    assert_eq!(report(&again), report(&first));
    assert!(warm.join(".dossier/checked.jsonl").is_file());
    // One meeting's minutes change: that project is rendered again, the others are kept.
    let minutes = batch.join("en-website-relaunch/kickoff-minutes.md");
    let changed = fs::read_to_string(&minutes).unwrap().replace("Room 4.12", "Room 5.01");
    fs::write(&minutes, changed).unwrap();
    let rebuilt = build_into(&batch, &warm, &[]);
    assert!(rebuilt.contains("其中 2 个项目自上次生成以来没有变化"), "{rebuilt}");
    build_into(&batch, &cold, &[]);
    let (w, c) = (files(&warm), files(&cold));
    assert_eq!(w.keys().collect::<Vec<_>>(), c.keys().collect::<Vec<_>>());
    for (path, bytes) in &w {
        assert!(bytes == &c[path], "{path} differs from a cold build");
    }
    // --force renders everything again, to the same bytes.
    let forced = build_into(&batch, &warm, &["--force"]);
    assert!(!forced.contains("没有变化"), "{forced}");
    assert_eq!(files(&warm), c);
}

/// Issue 12: folders move in a rebuild when a namesake (a second project with the same
/// requirement id) comes or goes — both are then named by id and path, and back. The kept
/// project's files move with its folder, and the folder equals a cold build's each time.
#[test]
fn a_rebuild_where_a_namesake_comes_and_goes_equals_a_cold_build() {
    let dir = tempfile::tempdir().unwrap();
    let batch = sample_batch(dir.path());
    let warm = dir.path().join("warm");
    build_into(&batch, &warm, &[]);
    let same_as_cold = |n: usize| {
        let cold = dir.path().join(format!("cold{n}"));
        build_into(&batch, &cold, &[]);
        let (w, c) = (files(&warm), files(&cold));
        assert_eq!(w.keys().collect::<Vec<_>>(), c.keys().collect::<Vec<_>>());
        for (path, bytes) in &w {
            assert!(bytes == &c[path], "{path} differs from a cold build ({n})");
        }
        let v = dossier(&["verify", warm.to_str().unwrap()]);
        assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    };
    let copy = batch.join("zz-website-copy");
    fs::create_dir_all(&copy).unwrap();
    for f in fs::read_dir(batch.join("en-website-relaunch")).unwrap() {
        let f = f.unwrap().path();
        fs::copy(&f, copy.join(f.file_name().unwrap())).unwrap();
    }
    let came = build_into(&batch, &warm, &[]);
    assert!(came.contains("2024-WEB-007"), "{came}");
    same_as_cold(1);
    fs::remove_dir_all(&copy).unwrap();
    let went = build_into(&batch, &warm, &[]);
    assert!(went.contains("没有变化"), "the other projects are kept: {went}");
    same_as_cold(2);
}

/// Issue 12: dossier owns its output folder. Files of a project that is gone are removed, and
/// `verify` passes after build → delete a project → rebuild; a file dossier did not write is
/// never touched, only reported.
#[test]
fn stale_outputs_are_removed_and_foreign_files_kept() {
    let dir = tempfile::tempdir().unwrap();
    let batch = sample_batch(dir.path());
    let out = dir.path().join("out");
    build_into(&batch, &out, &[]);
    let before = files(&out);
    let tw: Vec<&String> = before.keys().filter(|k| k.starts_with("2024-OPS-012/")).collect();
    assert!(!tw.is_empty(), "the Taiwan sample has its folder 2024-OPS-012: {:?}", before.keys());
    fs::write(out.join("notes.txt"), "the PMO's own note").unwrap();
    fs::remove_dir_all(batch.join("tw-messy-branch-launch")).unwrap();
    let rebuilt = build_into(&batch, &out, &[]);
    assert!(rebuilt.contains(&format!("删除了上次生成、这次不再生成的 {} 个文件", tw.len())), "{rebuilt}");
    assert!(rebuilt.contains("notes.txt 不是 dossier 生成的文件"), "{rebuilt}");
    let after = files(&out);
    assert!(after.keys().all(|k| !k.starts_with("2024-OPS-012/")), "{:?}", after.keys());
    assert_eq!(after["notes.txt"], b"the PMO's own note");
    // verify lists the note (it is not in the manifest) and nothing else.
    let v = dossier(&["verify", out.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(text(&v).contains("notes.txt"), "{}", text(&v));
    fs::remove_file(out.join("notes.txt")).unwrap();
    let v = dossier(&["verify", out.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
}

/// The `--map` file shapes what every project reads: the manifest records it among each
/// project's inputs (path, size, SHA-256), a rebuild with it unchanged keeps every project, and
/// `dossier archive` packs it with the other inputs — beside a project's own mapping file of the
/// same name, not over it.
#[test]
fn the_map_file_is_an_input_of_every_project_and_goes_into_the_package() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let batch = sample_batch(dir.path());
    let map = dir.path().join("mapping.yaml");
    let yaml = "sheets:\n  \"Unused sheet\":\n    kind: risks\n";
    fs::write(&map, yaml).unwrap();
    let own = batch.join("en-website-relaunch/mapping.yaml");
    fs::write(&own, "sheets:\n  \"Another unused sheet\":\n    kind: tasks\n").unwrap();
    let out = dir.path().join("out");
    let m = map.to_str().unwrap();
    build_into(&batch, &out, &["--map", m]);
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let sha: String = sha2::Sha256::digest(yaml).iter().map(|b| format!("{b:02x}")).collect();
    let projects = manifest["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 3);
    for p in projects {
        let inputs = p["inputs"].as_array().unwrap();
        let rec = inputs.iter().find(|i| i["path"] == m).unwrap_or_else(|| panic!("no --map among {inputs:?}"));
        assert_eq!((rec["size"].as_u64(), rec["sha256"].as_str()), (Some(yaml.len() as u64), Some(sha.as_str())));
    }
    let again = build_into(&batch, &out, &["--map", m]);
    assert!(again.contains("其中 3 个项目自上次生成以来没有变化"), "{again}");

    let bag = dir.path().join("bag");
    let o = dossier(&["archive", out.to_str().unwrap(), "-o", bag.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for p in projects {
        let folder = p["folder"].as_str().unwrap();
        let packed = bag.join("data/inputs").join(folder);
        let names: Vec<String> =
            fs::read_dir(&packed).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        let copies: Vec<&String> = names.iter().filter(|n| n.ends_with("mapping.yaml")).collect();
        let with_own = p["source"].as_str().unwrap().contains("en-website-relaunch");
        assert_eq!(copies.len(), if with_own { 2 } else { 1 }, "{folder}: {names:?}");
        let last = if with_own { "2-mapping.yaml" } else { "mapping.yaml" };
        assert_eq!(fs::read_to_string(packed.join(last)).unwrap(), yaml, "{folder}: the --map file comes last");
    }
}
