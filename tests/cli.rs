//! End-to-end behaviour of `dossier check` and `dossier schema`, through the real binary.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn dossier(args: &[&str]) -> Output {
    // A Chinese locale: the language when no --lang is given.
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .env_remove("DOSSIER_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .expect("dossier runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn codes(doc: &Value) -> BTreeSet<String> {
    doc["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

/// Every rule code of SPEC §3.
const SPEC_CODES: &[&str] = &[
    "required",
    "type",
    "enum",
    "id-format",
    "duplicate-id",
    "date-order",
    "dangling-dependency",
    "dependency-cycle",
    "dependency-order",
    "single-owner",
    "done-consistency",
    "delay",
    "blocked-reason",
    "departments",
    "action-complete",
    "attendees",
    "agenda-notice",
    "agenda-fit",
    "minutes-late",
    "risk-overdue",
    "resolved-date",
    "retro-late",
    "metric-units",
    "signoff-missing",
    "signoff-conflict",
];

#[test]
fn samples_pass_check_without_errors() {
    let samples = root().join("samples");
    let out = dossier(&["check", samples.to_str().unwrap(), "--as-of", "2024-10-20", "--format", "json"]);
    let doc = json_of(&out);
    let errors: Vec<&Value> =
        doc["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").collect();
    assert!(errors.is_empty(), "samples have errors: {errors:#?}");
    assert_eq!(out.status.code(), Some(0));
    let projects = doc["projects"].as_array().unwrap();
    assert!(projects.len() >= 3, "three sample projects expected, got {}", projects.len());
    for p in projects {
        let n = p["tasks"].as_array().unwrap().len() + p["risks"].as_array().unwrap().len();
        assert!(n > 0, "sample {} read no tasks or risks", p["source"]);
    }
}

/// The seed's worked example (000 模板1–4, 001, 003) reads back as the seed has it.
#[test]
fn seed_sample_reads_the_seed_values() {
    let dir = root().join("samples/seed-2024-MKT-001");
    let out = dossier(&["check", dir.to_str().unwrap(), "--as-of", "2024-10-20", "--format", "json"]);
    let doc = json_of(&out);
    let p = &doc["projects"][0];
    assert_eq!(p["requirement"]["id"], "2024-MKT-001");
    assert_eq!(p["requirement"]["start"], "2024-07-15");
    assert_eq!(p["requirement"]["end"], "2024-09-30");
    assert_eq!(p["requirement"]["priority"], "P0");
    let ids: Vec<&str> = p["tasks"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1.1", "1.2", "2.1", "3.1"]);
    let t11 = &p["tasks"][0];
    assert_eq!(t11["owner"], serde_json::json!({"department": "市场部", "person": "*"}));
    assert_eq!(t11["planned_end"], "2024-07-25");
    assert_eq!(t11["status"], "done");
    let risks: Vec<&str> = p["risks"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(risks, ["001", "002", "003"]);
    assert_eq!(p["risks"][0]["impact"], "high");
    assert_eq!(p["risks"][0]["status"], "resolved");
    let metrics = p["retrospective"]["metrics"].as_array().unwrap();
    let sales = metrics.iter().find(|m| m["name"].as_str().unwrap().contains("销售额")).expect("销售额 metric");
    assert_eq!(sales["target"], serde_json::json!({"value": 5000000, "unit": "元"}));
    assert_eq!(sales["actual"], serde_json::json!({"value": 5200000, "unit": "元"}));
    assert_eq!(sales["achievement"], 104);
    let users = metrics.iter().find(|m| m["name"].as_str().unwrap().contains("用户参与量")).expect("用户参与量 metric");
    assert_eq!(users["actual"], serde_json::json!({"value": 150000, "unit": "人次"}));
    assert_eq!(users["achievement"], 125);
    let meetings = p["meetings"].as_array().unwrap();
    assert_eq!(meetings.len(), 2);
    assert!(meetings.iter().any(|m| m["start"] == "2023-09-15T14:00" && m["end"] == "2023-09-15T16:00"));
}

/// One folder per rule under tests/cases/rules/<code>/, each naming the codes it must raise.
#[test]
fn every_rule_fires_on_its_broken_case_with_a_location() {
    let cases = root().join("tests/cases/rules");
    let mut seen = BTreeSet::new();
    let mut dirs: Vec<PathBuf> =
        fs::read_dir(&cases).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for dir in dirs {
        let expect = fs::read_to_string(dir.join("expect.txt"))
            .unwrap_or_else(|_| panic!("{} has no expect.txt", dir.display()));
        let out =
            dossier(&["check", dir.to_str().unwrap(), "--as-of", "2024-10-20", "--format", "json", "--lang", "en"]);
        let doc = json_of(&out);
        let found = codes(&doc);
        for code in expect.split_whitespace() {
            assert!(found.contains(code), "{}: expected `{code}`, got {found:?}", dir.display());
            for d in doc["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == code) {
                assert!(
                    d["cell"].is_string() || d["line"].is_number(),
                    "{}: `{code}` has no cell or line: {d}",
                    dir.display()
                );
                assert!(!d["message"].as_str().unwrap().is_empty());
            }
            seen.insert(code.to_string());
        }
        let has_error = doc["diagnostics"].as_array().unwrap().iter().any(|d| d["severity"] == "error");
        assert_eq!(out.status.code(), Some(if has_error { 1 } else { 0 }), "{}", dir.display());
    }
    let missing: Vec<&&str> = SPEC_CODES.iter().filter(|c| !seen.contains(**c)).collect();
    assert!(missing.is_empty(), "rule codes without a broken case: {missing:?}");
}

#[test]
fn strict_turns_warnings_into_failure() {
    let dir = root().join("tests/cases/rules/blocked-reason");
    let lax = dossier(&["check", dir.to_str().unwrap(), "--as-of", "2024-10-20"]);
    let strict = dossier(&["check", dir.to_str().unwrap(), "--as-of", "2024-10-20", "--strict"]);
    assert_eq!(lax.status.code(), Some(0), "{}", String::from_utf8_lossy(&lax.stdout));
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn no_progress_bar_off_a_terminal_and_quiet_changes_nothing_else() {
    // stderr is a pipe here: no bar, in any language; --quiet (-q) leaves the report as it is.
    let samples = root().join("samples");
    let args = ["check", samples.to_str().unwrap(), "--as-of", "2024-10-20"];
    let shown = dossier(&args);
    let quiet = dossier(&[&args[..], &["--quiet"]].concat());
    let q = dossier(&[&args[..], &["-q", "--lang", "en"]].concat());
    assert!(!shown.stdout.is_empty());
    assert_eq!(shown.stdout, quiet.stdout);
    assert_eq!((shown.status.code(), shown.stderr.is_empty()), (quiet.status.code(), true));
    assert!(q.stderr.is_empty() && !q.stdout.is_empty());
    let out = tempfile::tempdir().unwrap();
    let built = dossier(&["build", samples.to_str().unwrap(), "-o", out.path().to_str().unwrap(), "--to", "html"]);
    assert_eq!(built.status.code(), Some(0), "{}", String::from_utf8_lossy(&built.stderr));
    for out in [&shown, &quiet, &q, &built] {
        let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
        for bar in ["检查 [", "生成 [", "写入汇总", "checking [", "个项目 · ", "projects · "] {
            assert!(!text.contains(bar), "{bar:?} in {text}");
        }
    }
}

#[test]
fn usage_and_io_errors_exit_2() {
    let out = dossier(&["check", "/no/such/path.xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/path.xlsx"));
    assert_eq!(dossier(&["check", "x", "--as-of", "15/8/2024"]).status.code(), Some(2));
    assert_eq!(dossier(&["check", "x", "--lang", "fr"]).status.code(), Some(2));
    assert_eq!(dossier(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn messages_follow_lang() {
    let dir = root().join("tests/cases/rules/date-order");
    let msg = |lang: &str| {
        let doc = json_of(&dossier(&[
            "check",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--lang",
            lang,
            "--as-of",
            "2024-10-20",
        ]));
        let d = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "date-order").cloned().unwrap();
        d["message"].as_str().unwrap().to_string()
    };
    let (cn, tw, en) = (msg("zh-CN"), msg("zh-TW"), msg("en"));
    assert!(en.is_ascii() || en.chars().filter(|c| c.is_ascii_alphabetic()).count() > 10, "{en}");
    assert_ne!(cn, en);
    assert_ne!(cn, tw, "traditional message should differ from simplified");
}

#[test]
fn schema_is_a_json_schema_with_every_kind() {
    let out = dossier(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let s = json_of(&out);
    assert!(s["$schema"].as_str().unwrap_or_default().contains("json-schema.org"), "{s}");
    let text = s.to_string();
    for key in ["requirement", "tasks", "risks", "meetings", "retrospective", "signoffs", "planned_end", "achievement"]
    {
        assert!(text.contains(key), "schema lacks {key}");
    }
}

/// Broken files each give one clear file-level diagnostic, and the other files are still read.
#[test]
fn bad_files_get_one_clear_diagnostic_each() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("empty.xlsx"), b"").unwrap();
    fs::write(p.join("renamed.xlsx"), "任务ID,子任务名称\n1.1,活动方案设计\n").unwrap();
    fs::write(p.join("truncated.xlsx"), &b"PK\x03\x04\x14\x00\x00\x00\x08\x00"[..]).unwrap();
    fs::write(p.join("garbage.md"), [0xff_u8, 0xfe, 0x00, 0x12, 0x80, 0x81]).unwrap();
    fs::write(p.join("dupkeys.md"), "---\nkind: tasks\nkind: risks\n---\n").unwrap();
    let mut bomb = String::from("---\nkind: tasks\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
    for i in 0..12 {
        let prev = if i == 0 { "a".to_string() } else { format!("b{}", i - 1) };
        bomb.push_str(&format!(
            "b{i}: &b{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    bomb.push_str("---\n");
    fs::write(p.join("bomb.md"), bomb).unwrap();
    fs::write(
        p.join("good.md"),
        "---\nkind: tasks\ntasks:\n  - {id: \"1.1\", name: 活动方案设计, owner: 市场部*, planned_start: 2024-07-15, planned_end: 2024-07-25, status: 进行中}\n---\n",
    )
    .unwrap();
    let before = hashes(p);
    let out = dossier(&["check", p.to_str().unwrap(), "--format", "json", "--as-of", "2024-07-20"]);
    assert_eq!(hashes(p), before, "inputs were modified");
    assert_eq!(out.status.code(), Some(1));
    let doc = json_of(&out);
    let diags = doc["diagnostics"].as_array().unwrap();
    for bad in ["empty.xlsx", "renamed.xlsx", "truncated.xlsx", "garbage.md", "dupkeys.md", "bomb.md"] {
        let mine: Vec<&Value> =
            diags.iter().filter(|d| d["file"].as_str().unwrap().ends_with(bad) && d["severity"] == "error").collect();
        assert_eq!(mine.len(), 1, "{bad}: expected one error, got {mine:#?}");
    }
    assert_eq!(doc["projects"][0]["tasks"][0]["name"], "活动方案设计");
}

fn hashes(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).map(|p| (p.clone(), fs::read(p).unwrap())).collect()
}

/// In a workbook, a finding points at the cell: the task table starts under a title row, in
/// column B (seed 000 模板2 layout), so planned_end of the second task is F4 and its status G4.
#[test]
fn workbook_findings_name_sheet_and_cell() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("计划表.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("任务分工与进度跟踪表").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_string(0, 1, "2024年Q3新品上市推广 任务分工与进度跟踪表").unwrap();
    for (c, h) in ["任务ID", "子任务名称", "负责部门/人", "计划开始时间", "计划结束时间", "当前状态"].iter().enumerate()
    {
        ws.write_string(1, c as u16 + 1, *h).unwrap();
    }
    let rows =
        [("1.1", "活动方案设计", (7, 15), (7, 25), "进行中"), ("1.2", "产品卖点提炼", (7, 20), (7, 10), "进行中")];
    for (i, (id, name, s, e, st)) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        ws.write_string(r, 1, *id).unwrap();
        ws.write_string(r, 2, *name).unwrap();
        ws.write_string(r, 3, "市场部*").unwrap();
        ws.write_datetime_with_format(r, 4, ExcelDateTime::from_ymd(2024, s.0, s.1).unwrap(), &date).unwrap();
        ws.write_datetime_with_format(r, 5, ExcelDateTime::from_ymd(2024, e.0, e.1).unwrap(), &date).unwrap();
        ws.write_string(r, 6, *st).unwrap();
    }
    ws.write_string(3, 6, "进行种").unwrap();
    wb.save(&path).unwrap();
    let out = dossier(&["check", path.to_str().unwrap(), "--format", "json", "--as-of", "2024-07-12"]);
    let doc = json_of(&out);
    let find = |code: &str| {
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("no {code}: {doc}"))
    };
    let d = find("date-order");
    assert_eq!(
        (d["sheet"].as_str(), d["cell"].as_str(), d["record"].as_str()),
        (Some("任务分工与进度跟踪表"), Some("F4"), Some("1.2"))
    );
    let e = find("enum");
    assert_eq!(
        (e["cell"].as_str(), e["value"].as_str(), e["field"].as_str()),
        (Some("G4"), Some("进行种"), Some("status"))
    );
    assert!(e["hint"].as_str().unwrap().contains("进行中"), "{e}");
    let text = String::from_utf8(dossier(&["check", path.to_str().unwrap(), "--as-of", "2024-07-12"]).stdout).unwrap();
    assert!(text.contains("计划表.xlsx › 任务分工与进度跟踪表 › F4"), "{text}");
}

/// A team's own tracker that dossier does not recognise: `check` says which columns do not
/// match and what the sheet resembles; `map suggest --write` reads the headers and the cells
/// and writes a mapping with which `check` reads the tasks, with no edit; a mapping given
/// with `--map` keeps its decisions, `~` included.
#[test]
fn an_unrecognised_sheet_gets_a_mapping_that_reads_it() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tracker.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Tracker").unwrap();
    let rows: &[&[&str]] = &[
        &["Item", "What", "Who", "From", "Deadline", "Where we are", "Hours"],
        &["1", "Draft plan", "PMO / Li Na", "2024-07-01", "2024-07-10", "Done", "12"],
        &["2", "Review plan", "Sales / Wang Wu", "2024-07-11", "2024-07-15", "Started", "4"],
        &["3", "Sign off", "PMO / Li Na", "2024-07-16", "2024-07-18", "Not started", "1"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(&path).unwrap();
    let before = fs::read(&path).unwrap();
    let p = path.to_str().unwrap();
    let out = String::from_utf8(dossier(&["check", p, "--lang", "en"]).stdout).unwrap();
    assert!(out.contains("it looks like Tasks") && out.contains("unmatched:"), "{out}");

    let m = dir.path().join("m.yaml");
    let o = dossier(&["map", "suggest", p, "--write", m.to_str().unwrap(), "--lang", "en"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let yaml = fs::read_to_string(&m).unwrap();
    assert!(yaml.contains("kind: tasks") && yaml.contains("\"Hours\": ~"), "{yaml}");
    assert!(yaml.contains("# ") && yaml.contains("dates"), "every line has its evidence: {yaml}");
    let doc =
        json_of(&dossier(&["check", p, "--map", m.to_str().unwrap(), "--format", "json", "--as-of", "2024-07-15"]));
    let tasks = doc["projects"][0]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 3, "{doc}");
    let t = &tasks[1];
    assert_eq!(
        (t["id"].as_str(), t["planned_start"].as_str(), t["planned_end"].as_str(), t["status"].as_str()),
        (Some("2"), Some("2024-07-11"), Some("2024-07-15"), Some("in_progress")),
        "{t}"
    );
    assert_eq!((t["owner"]["department"].as_str(), t["owner"]["person"].as_str()), (Some("Sales"), Some("Wang Wu")));

    // The team's own decisions survive a new suggestion.
    let mine = dir.path().join("mine.yaml");
    fs::write(&mine, "sheets:\n  Tracker:\n    kind: tasks\n    columns: { What: name, Who: ~ }\n").unwrap();
    let again =
        String::from_utf8(dossier(&["map", "suggest", p, "--map", mine.to_str().unwrap(), "--lang", "en"]).stdout)
            .unwrap();
    assert!(again.contains("\"What\": name") && again.contains("\"Who\": ~"), "{again}");
    assert!(dossier::mapping::Mapping::parse(&again, "again.yaml", dossier::model::Lang::En).is_ok(), "{again}");
    assert_eq!(fs::read(&path).unwrap(), before, "the input is never written");
    // --write onto an input file is refused.
    let o = dossier(&["map", "suggest", p, "--write", p]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(fs::read(&path).unwrap(), before);
}

/// A PMO numbers requirements across projects: a second project reusing an id is an error
/// pointing at both (SPEC §3 duplicate-id).
#[test]
fn a_requirement_id_two_projects_share_is_a_warning_in_both_whatever_the_order() {
    // Decided by content, never by the order the projects are read in: each of the two gets
    // a duplicate-id warning naming the other, and neither is dropped.
    let dir = tempfile::tempdir().unwrap();
    let req = "---\nkind: requirement\nid: 2024-MKT-001\ntitle: 新品上市推广\ndepartment: 市场部\ngoal: 3个月内实现新品销售额500万元\ndepartments: 产品部、销售部\n---\n";
    for p in ["a", "b"] {
        fs::create_dir_all(dir.path().join(p)).unwrap();
        fs::write(dir.path().join(p).join("requirement.md"), req).unwrap();
    }
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let mut seen = Vec::new();
    for order in [[&a, &b], [&b, &a]] {
        let out = dossier(&[
            "check",
            order[0].to_str().unwrap(),
            order[1].to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            "2024-10-20",
        ]);
        assert_eq!(out.status.code(), Some(0), "a warning does not fail the run");
        let doc = json_of(&out);
        let mut dups: Vec<(String, String)> = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "duplicate-id")
            .map(|d| {
                assert_eq!(d["severity"], "warning");
                (d["file"].as_str().unwrap().to_string(), d["message"].as_str().unwrap().to_string())
            })
            .collect();
        dups.sort();
        assert_eq!(dups.len(), 2, "{dups:#?}");
        assert!(dups[0].0.contains("/a/") && dups[0].1.contains("/b/"), "{dups:#?}");
        assert!(dups[1].0.contains("/b/") && dups[1].1.contains("/a/"), "{dups:#?}");
        seen.push(dups);
    }
    assert_eq!(seen[0], seen[1], "the same findings in either order");
}

/// Common English tracker headers are aliases in the catalogue: no mapping needed.
#[test]
fn a_common_english_tracker_reads_without_a_mapping() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tracker.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Tracker").unwrap();
    for (c, h) in ["Ref", "Task title", "Lead", "Kick-off", "Deadline", "State", "Done %"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in
        ["1", "Draft plan", "PMO / Li Na", "2024-07-01", "2024-07-10", "In progress", "40%"].iter().enumerate()
    {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    wb.save(&path).unwrap();
    let doc = json_of(&dossier(&["check", path.to_str().unwrap(), "--format", "json", "--as-of", "2024-07-05"]));
    let t = &doc["projects"][0]["tasks"][0];
    assert_eq!(
        (t["id"].as_str(), t["name"].as_str(), t["status"].as_str()),
        (Some("1"), Some("Draft plan"), Some("in_progress"))
    );
    assert_eq!((t["planned_start"].as_str(), t["progress"].as_f64()), (Some("2024-07-01"), Some(40.0)));
}
