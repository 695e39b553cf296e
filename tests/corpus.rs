//! `check` over every real spreadsheet of `../shared/corpus`: no panic, no hang; each file
//! yields records, an info "no PMO sheet found", or one clear file-level error.
//! A user's clone has no `../shared`: the test says so and passes; CI always has it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use chrono::NaiveDate;
use dossier::diag::Severity;
use dossier::ingest::{self, Ctx};
use dossier::model::Lang;
use dossier::schema::Schema;

/// Far above what any corpus file needs (the slowest takes well under a second in release):
/// reaching it means a hang, not a slow machine.
const HANG: Duration = Duration::from_secs(120);

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.join("MANIFEST.json").exists().then_some(dir)
}

#[test]
fn every_corpus_file_reads_without_panic_or_hang() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: ../shared/corpus is not here (it is in CI)");
        return;
    };
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("MANIFEST.json")).unwrap()).unwrap();
    let files: Vec<PathBuf> =
        manifest.as_array().unwrap().iter().map(|e| dir.join(e["local"].as_str().unwrap())).collect();
    assert!(files.len() > 200, "corpus manifest lists {} files", files.len());

    ingest::install_quiet_panic_hook();
    let (tx, rx) = mpsc::channel();
    let total = files.len();
    std::thread::spawn(move || {
        let ctx = Ctx::new(Lang::En, NaiveDate::from_ymd_opt(2024, 10, 20).unwrap(), Schema::default());
        for path in files {
            let before = std::fs::read(&path).unwrap();
            let display: Arc<str> = path.display().to_string().into();
            let read = ingest::read_file(&path, &display, &ctx);
            let unchanged = std::fs::read(&path).unwrap() == before;
            if tx.send((path, read, unchanged)).is_err() {
                return;
            }
        }
    });

    let (mut with_records, mut no_sheet, mut file_errors) = (0, 0, 0);
    for _ in 0..total {
        let (path, read, unchanged) = rx.recv_timeout(HANG).expect("a corpus file hung the reader");
        assert!(unchanged, "{} was modified", path.display());
        let file_level: Vec<_> = read.diags.iter().filter(|d| d.code == "file").collect();
        if !read.records.is_empty() {
            with_records += 1;
        } else if read.diags.iter().any(|d| d.code == "no-records" && d.severity == Severity::Error) {
            no_sheet += 1;
        } else {
            assert_eq!(
                file_level.len(),
                1,
                "{}: neither records, `no-records`, nor one file-level error: {:#?}",
                path.display(),
                read.diags
            );
            file_errors += 1;
        }
        assert!(file_level.len() <= 1, "{}: several file-level errors: {file_level:#?}", path.display());
        for d in &file_level {
            assert!(!d.message.is_empty() && d.loc.file.as_ref() == path.display().to_string());
        }
    }
    eprintln!(
        "corpus: {total} files, {with_records} with records, {no_sheet} without a PMO sheet, {file_errors} unreadable"
    );
}
