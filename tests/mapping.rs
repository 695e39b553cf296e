//! Sheets nobody here wrote, read as a team would (issue 9): mapping files in project folders,
//! requirements registers (one project per row), action-item logs, CSV exports in legacy
//! encodings, text dates in a declared order, the user's locale, and no silent outcomes.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// The binary in a neutral locale (English) unless a test sets one.
fn dossier(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dossier"));
    c.args(args).env_remove("DOSSIER_LANG").env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("dossier runs")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn workbook(path: &Path, sheet: &str, rows: &[&[&str]]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

/// Each department keeps its own layout; each project folder says so in its own mapping file,
/// and a broken mapping stops only its own project.
#[test]
fn a_project_folders_mapping_applies_to_that_project_only() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (dir.path().join("sales"), dir.path().join("it"), dir.path().join("hr"));
    for d in [&a, &b, &c] {
        fs::create_dir_all(d).unwrap();
    }
    let rows: &[&[&str]] =
        &[&["Ref", "Job", "Who"], &["1", "Price list", "Sales / Li Na"], &["2", "Flyers", "Sales / Wang Wu"]];
    workbook(&a.join("plan.xlsx"), "Board", rows);
    fs::write(
        a.join("dossier.yaml"),
        "sheets:\n  Board:\n    kind: tasks\n    columns: { Ref: id, Job: name, Who: owner }\n",
    )
    .unwrap();
    let rows: &[&[&str]] = &[&["No", "Risk", "Level", "Owner"], &["R1", "Vendor late", "5", "IT / Zhao"]];
    workbook(&b.join("raid.xlsx"), "Log", rows);
    fs::write(
        b.join("mapping.yaml"),
        "sheets:\n  Log:\n    kind: risks\n    columns: { No: id, Risk: description, Level: impact }\n    values:\n      impact: { \"5\": high }\n",
    )
    .unwrap();
    workbook(&c.join("plan.xlsx"), "Board", &[&["Ref", "Job"], &["1", "Hire"]]);
    fs::write(c.join("dossier.yaml"), "sheets:\n  Board:\n    kind: tasks\n    columns: { Job: nam }\n").unwrap();

    let out = dossier(&["check", dir.path().to_str().unwrap(), "--format", "json", "--as-of", "2024-10-20"], &[]);
    let doc = json(&out);
    let projects = doc["projects"].as_array().unwrap();
    let by = |name: &str| projects.iter().find(|p| p["source"].as_str().unwrap().ends_with(name)).unwrap();
    let sales = by("sales");
    assert_eq!(sales["tasks"].as_array().unwrap().len(), 2, "{sales}");
    assert_eq!(sales["tasks"][1]["owner"]["person"], "Wang Wu");
    let it = by("it");
    assert_eq!((it["risks"][0]["id"].as_str(), it["risks"][0]["impact"].as_str()), (Some("R1"), Some("high")));
    // The HR mapping names a field that does not exist: one clear error with the line, for HR only.
    let diags = doc["diagnostics"].as_array().unwrap();
    let bad: Vec<&Value> = diags.iter().filter(|d| d["code"] == "mapping").collect();
    assert_eq!(bad.len(), 1, "{diags:#?}");
    assert!(bad[0]["file"].as_str().unwrap().contains("hr"), "{}", bad[0]);
    assert_eq!(bad[0]["line"], 4);
    assert!(bad[0]["hint"].as_str().unwrap().contains("name"), "{}", bad[0]);
    assert!(
        !diags.iter().any(|d| d["severity"] == "error" && !d["file"].as_str().unwrap().contains("hr")),
        "{diags:#?}"
    );
}

/// A PMO intake list: one project per row, named by its requirement id, each with its own
/// sign-off sheet in one build (SPEC §1 Registers).
#[test]
fn a_requirements_register_builds_one_sign_off_sheet_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in");
    fs::create_dir_all(&src).unwrap();
    let rows: &[&[&str]] = &[
        &["需求清单"],
        &["需求编号", "需求名称", "需求描述", "优先级", "涉及部门"],
        &["2024-MKT-011", "会员积分改版", "积分规则上线,活跃度提升10%", "高", "市场部、技术部"],
        &["2024-MKT-012", "门店巡检小程序", "巡检问题当天闭环", "中", "运营部、技术部"],
        &["2024-MKT-013", "年度客户调研", "回收问卷2000份", "低", "市场部、客服部"],
    ];
    workbook(&src.join("intake.xlsx"), "需求清单", rows);
    fs::write(
        src.join("dossier.yaml"),
        "sheets:\n  需求清单:\n    kind: requirements\n    header_row: 2\n    set: { department: 市场部 }\n",
    )
    .unwrap();
    let out = dossier(&["check", src.to_str().unwrap(), "--format", "json", "--as-of", "2024-10-20"], &[]);
    let doc = json(&out);
    let ids: Vec<&str> =
        doc["projects"].as_array().unwrap().iter().map(|p| p["requirement"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["2024-MKT-011", "2024-MKT-012", "2024-MKT-013"], "{}", text(&out));
    assert_eq!(doc["projects"][1]["requirement"]["priority"], "P1");

    let o = dir.path().join("out");
    let out = dossier(
        &["build", src.to_str().unwrap(), "-o", o.to_str().unwrap(), "--to", "html,xlsx", "--as-of", "2024-10-20"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    for id in ids {
        assert!(o.join(id).join("signoff.html").exists() && o.join(id).join("signoff.xlsx").exists(), "{id}");
    }
}

/// An action log exported as CSV in GB18030 with semicolons: read as the project's action
/// register, checked by action-complete, listed in the action tracker.
#[test]
fn an_action_log_in_a_legacy_csv_is_the_action_register() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "编号;任务描述;负责人;截止日期;交付标准;状态;来源会议\n\
               A1;整理Q3预算分配表;财务部/赵六;2024-08-30;各部门额度与KPI;进行中;2024-08-01\n\
               A2;调整促销政策;销售部/王五;;;未开始;2024-08-01\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(csv);
    let file = dir.path().join("行动项跟踪表.csv");
    fs::write(&file, &bytes).unwrap();
    let out = dossier(&["check", file.to_str().unwrap(), "--format", "json", "--as-of", "2024-10-20"], &[]);
    let doc = json(&out);
    let acts = doc["projects"][0]["actions"].as_array().unwrap();
    assert_eq!(acts.len(), 2, "{}", text(&out));
    assert_eq!((acts[0]["owner"]["person"].as_str(), acts[0]["meeting"].as_str()), (Some("赵六"), Some("2024-08-01")));
    let incomplete: Vec<&Value> =
        doc["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "action-complete").collect();
    assert_eq!(incomplete.len(), 1, "{:#}", doc["diagnostics"]);
    assert_eq!(incomplete[0]["record"], "A2");
}

/// `dates: DMY` reads `05/02/25` as 5 February 2025; the same cell without it is an error.
#[test]
fn a_declared_date_order_reads_ambiguous_text_dates() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.csv");
    fs::write(&file, "Task ID,Task,Owner,Start,End\n1,Kick-off,PMO / Li Na,05/02/25,07/02/25\n").unwrap();
    let map = dir.path().join("m.yaml");
    fs::write(&map, "sheets:\n  plan:\n    kind: tasks\n    dates: DMY\n").unwrap();
    let doc =
        json(&dossier(&["check", file.to_str().unwrap(), "--map", map.to_str().unwrap(), "--format", "json"], &[]));
    let t = &doc["projects"][0]["tasks"][0];
    assert_eq!(
        (t["planned_start"].as_str(), t["planned_end"].as_str()),
        (Some("2025-02-05"), Some("2025-02-07")),
        "{doc}"
    );
    let doc = json(&dossier(&["check", file.to_str().unwrap(), "--format", "json"], &[]));
    let d = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "type").cloned();
    assert!(d.is_some_and(|d| d["value"] == "05/02/25"), "{doc}");
}

/// The language follows `--lang`, else DOSSIER_LANG, else the locale; OS errors too.
#[test]
fn the_language_follows_the_users_locale() {
    let missing = "/nonexistent/plan.xlsx";
    let tw = text(&dossier(&["check", missing], &[("LANG", "zh_TW.UTF-8")]));
    assert!(tw.contains("找不到該檔案或資料夾"), "{tw}");
    let cn = text(&dossier(&["check", missing], &[("LC_ALL", "zh_CN.GB18030"), ("LANG", "en_US.UTF-8")]));
    assert!(cn.contains("找不到该文件或文件夹"), "{cn}");
    let en = text(&dossier(&["check", missing], &[("LANG", "de_DE.UTF-8")]));
    assert!(en.contains("no such file or folder"), "{en}");
    let env = text(&dossier(&["check", missing], &[("LANG", "zh_TW.UTF-8"), ("DOSSIER_LANG", "en")]));
    assert!(env.contains("no such file or folder"), "{env}");
    let flag = text(&dossier(&["check", missing, "--lang", "zh-CN"], &[("DOSSIER_LANG", "en")]));
    assert!(flag.contains("找不到该文件或文件夹"), "{flag}");
}

/// A workbook from which nothing is read is an error that says what to do, for check and build.
#[test]
fn nothing_read_is_an_error_naming_the_sheets_and_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("budget.xlsx");
    workbook(&file, "Q1", &[&["Quarter", "Amount"], &["Q1", "10"]]);
    let out = dossier(&["check", file.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert!(t.contains("error[no-records]") && t.contains("Q1") && t.contains("dossier map suggest"), "{t}");
    let o = dir.path().join("out");
    let out = dossier(&["build", file.to_str().unwrap(), "-o", o.to_str().unwrap(), "--to", "html"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!o.join("budget").exists(), "nothing is built for it");
}
