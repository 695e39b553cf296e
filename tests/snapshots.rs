//! Snapshots of what users and scripts read: the JSON of the seed sample, and the text
//! diagnostics of the broken cases. Run from the repo root with relative paths so the
//! snapshots do not depend on where the checkout lives.

use std::process::Command;

fn dossier(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        // A Chinese locale: the language when no --lang is given.
        .env_remove("DOSSIER_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .expect("dossier runs");
    (String::from_utf8(out.stdout).expect("UTF-8 output"), out.status.code().unwrap_or(-1))
}

#[test]
fn seed_sample_json() {
    let (out, code) = dossier(&["check", "samples/seed-2024-MKT-001", "--as-of", "2024-10-20", "--format", "json"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    insta::assert_json_snapshot!(doc);
}

/// Every broken case checked on its own (each folder is one project; as one batch, cases that
/// share a requirement id would also report each other).
fn broken_cases(lang: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/rules");
    let mut cases: Vec<String> =
        std::fs::read_dir(root).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    cases.sort();
    let mut out = String::new();
    for case in cases {
        let (text, _) =
            dossier(&["check", &format!("tests/cases/rules/{case}"), "--as-of", "2024-10-20", "--lang", lang]);
        out.push_str(&text);
    }
    out
}

#[test]
fn broken_cases_text_en() {
    insta::assert_snapshot!(broken_cases("en"));
}

#[test]
fn broken_cases_text_zh_cn() {
    insta::assert_snapshot!(broken_cases("zh-CN"));
}
