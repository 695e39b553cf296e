//! PDF output checked with the tools an archivist would use: pdffonts (every font embedded
//! and subset), pdftotext (the text copies out exactly; a long table repeats its header on
//! page 2), qpdf (structure), pdfinfo (metadata). `.ci/run` installs them; elsewhere a test
//! without them says so and passes, except in CI, where it fails.

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

fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok() || Command::new(tool).arg("--version").output().is_ok();
    let fonts = Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists();
    if !(ok && fonts) {
        assert!(std::env::var_os("CI").is_none(), "{tool} or fonts-noto-cjk missing in CI: .ci/run installs them");
        eprintln!("skipped: {tool} or fonts-noto-cjk is not installed here (CI installs them)");
    }
    ok && fonts
}

fn run(tool: &str, args: &[&str]) -> String {
    let o = Command::new(tool).args(args).output().unwrap();
    assert!(o.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn build(src: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["build", src, "-o", out.to_str().unwrap(), "--as-of", "2024-10-20", "--to", "pdf"];
    args.extend_from_slice(extra);
    let o = dossier(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (dir, out)
}

fn pdfs(out: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for d in fs::read_dir(out).unwrap() {
        let d = d.unwrap().path();
        if d.is_dir() {
            v.extend(
                fs::read_dir(&d)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|e| e == "pdf")),
            );
        } else if d.extension().is_some_and(|e| e == "pdf") {
            v.push(d);
        }
    }
    v.sort();
    v
}

#[test]
fn every_pdf_embeds_subset_fonts_and_is_structurally_valid() {
    if !have("pdffonts") || !have("qpdf") {
        return;
    }
    let (_tmp, out) = build("samples", &[]);
    let files = pdfs(&out);
    assert!(files.iter().any(|p| p.ends_with("2024-MKT-001/dossier.pdf")), "{files:?}");
    assert!(files.iter().any(|p| p.ends_with("summary.pdf")), "{files:?}");
    for pdf in &files {
        let p = pdf.to_str().unwrap();
        let fonts = run("pdffonts", &[p]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{p}: no fonts");
        for row in rows {
            let name = row.split_whitespace().next().unwrap();
            // `ABCDEF+Name`: the subset tag; and the emb/sub columns both say yes.
            assert!(name.len() > 7 && name.as_bytes()[6] == b'+', "{p}: font not subset: {row}");
            assert!(row.contains(" yes yes "), "{p}: font not embedded and subset: {row}");
        }
        run("qpdf", &["--check", p]);
    }
}

#[test]
fn chinese_and_english_text_copies_out_exactly() {
    if !have("pdftotext") {
        return;
    }
    let (_tmp, out) = build("samples", &[]);
    let text = |rel: &str| run("pdftotext", &["-layout", out.join(rel).to_str().unwrap(), "-"]);
    let plan = text("2024-MKT-001/plan.pdf");
    // A cell that wraps (《推广活动 / 方案V1.0》) copies out line by line.
    for s in [
        "任务分工与进度报告",
        "活动方案设计",
        "产品卖点提炼",
        "宣传物料制作",
        "渠道对接",
        "《推广活动",
        "方案V1.0》",
        "2024-07-25",
        "66.7%",
    ] {
        assert!(plan.contains(s), "plan.pdf lacks {s}:\n{plan}");
    }
    // poppler drops the spaces next to CJK glyphs when it extracts text.
    assert!(squeeze(&plan).contains("第1页/共1页"), "plan.pdf footer:\n{plan}");
    let retro = text("2024-MKT-001/retrospective.pdf");
    for s in ["成果验收与复盘报告", "104", "125"] {
        assert!(retro.contains(s), "retrospective.pdf lacks {s}:\n{retro}");
    }
    let en = dossier(&[
        "build",
        "samples/en-website-relaunch",
        "-o",
        out.join("en").to_str().unwrap(),
        "--as-of",
        "2024-10-20",
        "--to",
        "pdf",
        "--lang",
        "en",
    ]);
    assert_eq!(en.status.code(), Some(0));
    let plan_en = run("pdftotext", &["-layout", out.join("en/2024-WEB-007/plan.pdf").to_str().unwrap(), "-"]);
    assert!(plan_en.contains("Page 1 of"), "{plan_en}");
}

/// A plan with 60 tasks runs over several pages (the Gantt chart, then the task table); every
/// page the table continues on starts again with its header row.
#[test]
fn a_long_table_repeats_its_header_on_the_next_page() {
    if !have("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut md = String::from("---\nkind: tasks\ntasks:\n");
    for i in 1..=60 {
        md.push_str(&format!(
            "  - {{id: \"{}.{}\", name: 第{i}项子任务的名称比较长需要换行显示完整内容, owner: 市场部*, planned_start: 2024-08-01, planned_end: 2024-08-20, status: 进行中, progress: 50%}}\n",
            (i - 1) / 6 + 1,
            (i - 1) % 6 + 1
        ));
    }
    md.push_str("---\n");
    fs::create_dir_all(dir.path().join("long")).unwrap();
    fs::write(dir.path().join("long/tasks.md"), md).unwrap();
    let (_tmp, out) = build(dir.path().join("long").to_str().unwrap(), &[]);
    let plan = pdfs(&out).into_iter().find(|p| p.ends_with("plan.pdf")).expect("plan.pdf");
    let p = plan.to_str().unwrap();
    let info = run("pdfinfo", &[p]);
    let pages: u32 = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    let page = |n: u32| run("pdftotext", &["-f", &n.to_string(), "-l", &n.to_string(), "-layout", p, "-"]);
    let table_starts = (1..=pages).find(|&n| page(n).contains("任务明细")).expect("a task table");
    assert!(table_starts < pages, "60 tasks should not fit on one page with the table: {pages} pages");
    for n in table_starts + 1..=pages {
        let text = page(n);
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        // Line 0 is the running page header (project, number); the table header comes next.
        assert!(
            lines[1].starts_with("任务ID") && lines[1].contains("子任务名称"),
            "page {n} does not start with the header row:\n{text}"
        );
        assert!(squeeze(&text).contains(&format!("第{n}页/共{pages}页")), "page {n} footer:\n{text}");
    }
}

#[test]
fn metadata_and_pdfa_archival_parts() {
    if !have("pdfinfo") {
        return;
    }
    let (_tmp, out) = build("samples/seed-2024-MKT-001", &["--pdfa"]);
    let dossier_pdf = out.join("2024-MKT-001/dossier.pdf");
    let info = run("pdfinfo", &[dossier_pdf.to_str().unwrap()]);
    assert!(info.contains("Title:") && info.contains("2024年Q3新品上市推广"), "{info}");
    assert!(info.contains("CreationDate:") && info.contains("2024"), "{info}");
    let bytes = fs::read(&dossier_pdf).unwrap();
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"/OutputIntents"), "no output intent");
    assert!(has(b"pdfaid:part"), "no PDF/A identification in the XMP metadata");
    assert!(has(b"/Outlines"), "no bookmarks");
    assert!(!has(b"/Encrypt"), "PDF/A must not be encrypted");
}

/// The README's first command on a machine without fonts: the system's font folders are
/// hidden in a mount namespace (root and `unshare` needed; skipped with a note otherwise), and
/// every PDF still builds, with the fonts compiled into the binary, byte for byte the same as
/// with the folders in place.
#[test]
fn pdfs_build_on_a_machine_without_fonts() {
    let empty = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (hidden, shown) = (dir.path().join("hidden"), dir.path().join("shown"));
    let bin = env!("CARGO_BIN_EXE_dossier");
    let build = format!("{bin} build samples -o {} --as-of 2024-10-20", hidden.display());
    let mut script = String::new();
    for folder in ["/usr/share/fonts", "/usr/local/share/fonts"].iter().filter(|f| Path::new(f).is_dir()) {
        script.push_str(&format!("mount --bind {} {folder} && ", empty.path().display()));
    }
    script.push_str("fc-list 2>/dev/null | wc -l >&2; ");
    script.push_str(&build);
    let o = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HOME", empty.path())
        .env_remove("DOSSIER_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("SOURCE_DATE_EPOCH")
        .output();
    let o = match o {
        Ok(o)
            if !String::from_utf8_lossy(&o.stderr).contains("unshare failed")
                && !String::from_utf8_lossy(&o.stderr).contains("mount:") =>
        {
            o
        }
        _ => {
            eprintln!(
                "skipped: no mount namespace here (needs root and unshare); the bundled fonts are also tested alone in the library tests"
            );
            return;
        }
    };
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let made = pdfs(&hidden);
    assert!(made.len() >= 15, "{made:?}");
    let manifest = fs::read_to_string(hidden.join("manifest.json")).unwrap();
    assert!(manifest.contains("bundled:NotoSansCJKsc-Regular-subset.otf"), "{manifest}");
    // With the system's fonts visible the same bytes come out: the bundled fonts come first.
    let o = dossier(&["build", "samples", "-o", shown.to_str().unwrap(), "--as-of", "2024-10-20"]);
    assert_eq!(o.status.code(), Some(0));
    for p in made {
        let rel = p.strip_prefix(&hidden).unwrap();
        assert!(fs::read(&p).unwrap() == fs::read(shown.join(rel)).unwrap(), "{} differs", rel.display());
    }
}
