//! Converting existing sheets (issue 6): `init`, `map suggest`, `convert`, and the round trip
//! standard workbook → records → Markdown → records → workbook without loss, over the samples
//! and a generated set. Run from the repo root (cargo does), with relative sample paths.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use dossier::convert::{self, Target, init};
use dossier::ingest::Ctx;
use dossier::model::{Field, Lang, Location, Party, Project, Quantity, Record, Value};
use dossier::project::{self, Checked};
use dossier::schema::{self, KINDS, Schema, Type};

const AS_OF: (i32, u32, u32) = (2024, 10, 20);

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).unwrap()
}

fn ctx(lang: Lang) -> Ctx {
    Ctx::new(lang, as_of(), Schema::default())
}

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
        .output()
        .expect("dossier runs")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn check_dir(dir: &Path, lang: Lang) -> Checked {
    let inputs = project::discover(&[dir.to_path_buf()], lang).expect("discover");
    assert_eq!(inputs.len(), 1, "{}: one project expected, got {inputs:?}", dir.display());
    project::check(&inputs[0], &ctx(lang)).remove(0)
}

/// Writes `project` in the standard form into a fresh folder under `root` and reads it back.
fn round(project: &Project, target: Target, lang: Lang, root: &Path, name: &str) -> Checked {
    let dir = root.join(name);
    let conv = convert::convert(project, target, "p", &ctx(lang)).expect("converts");
    assert!(conv.notes.is_empty(), "{name}: {:?}", conv.notes);
    for (rel, bytes) in &conv.files {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    check_dir(&dir, lang)
}

/// The diagnostics that matter for "no new diagnostics": code, field, record.
fn diag_keys(c: &Checked) -> BTreeSet<(String, Option<String>, Option<String>)> {
    c.diags.iter().map(|d| (d.code.to_string(), d.field.clone(), d.record.clone())).collect()
}

fn assert_same(a: &Project, b: &Project, what: &str) {
    if let Some(diff) = convert::project_difference(a, b) {
        panic!("{what}: records differ at {diff}");
    }
}

fn assert_no_new_diags(before: &Checked, after: &Checked, what: &str) {
    let old = diag_keys(before);
    let new: Vec<_> = diag_keys(after).into_iter().filter(|k| !old.contains(k)).collect();
    assert!(new.is_empty(), "{what}: new diagnostics {new:?}\n{:#?}", after.diags);
}

/// standard workbook → records → Markdown → records → workbook → records, all equal; the
/// first step from any accepted input.
fn round_trip(start: &Checked, lang: Lang, root: &Path, what: &str) {
    let w1 = round(&start.project, Target::Xlsx, lang, root, "w1");
    assert_same(&start.project, &w1.project, &format!("{what}: input → xlsx"));
    assert_no_new_diags(start, &w1, &format!("{what}: xlsx"));
    let m2 = round(&w1.project, Target::Md, lang, root, "m2");
    assert_same(&w1.project, &m2.project, &format!("{what}: xlsx → md"));
    assert_no_new_diags(start, &m2, &format!("{what}: md"));
    let w3 = round(&m2.project, Target::Xlsx, lang, root, "w3");
    assert_same(&m2.project, &w3.project, &format!("{what}: md → xlsx"));
    assert_no_new_diags(start, &w3, &format!("{what}: xlsx again"));
}

#[test]
fn samples_round_trip_without_loss_in_every_language() {
    for sample in ["samples/seed-2024-MKT-001", "samples/en-website-relaunch", "samples/tw-messy-branch-launch"] {
        for lang in [Lang::ZhCn, Lang::ZhTw, Lang::En] {
            let start = check_dir(Path::new(sample), lang);
            assert!(!start.has_errors(), "{sample}: {:#?}", start.diags);
            let tmp = tempfile::tempdir().unwrap();
            round_trip(&start, lang, tmp.path(), &format!("{sample} {lang:?}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A generated set: a small linear congruential generator, no new crates.

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const TEXTS: &[&str] = &[
    "活动方案设计",
    "Website relaunch kick-off",
    "预算20万元,设计师2名",
    "包含、顿号与;分号的说明",
    "key: value with a colon",
    "#1 priority item",
    "- starts with a dash",
    "引号“测试”与《书名》",
    "第一行\n第二行",
    "1.10",
    "*",
    "Ends with a question?",
    "多行\n\n带空行的文本",
    "tab\tinside",
];
const MARKDOWN: &[&str] = &[
    "开场说明背景。\n\n**1. 回顾** 已协调对接。",
    "## looks like a heading",
    "    indented code",
    "line one  \nline two",
    "Plain summary.",
    "Setext\n---",
];
const ITEMS: &[&str] = &[
    "产品部",
    "销售部",
    "Channel Partner A Ltd",
    "建立“数据日报机制”,指定技术部*专人负责监测",
    "1. numbered already",
    "with / slash",
    "Customer Service",
];
const DEPTS: &[&str] = &["市场部", "产品部", "Marketing", "IT", "Customer Service", "渠道商A公司", "法务部"];
const PEOPLE: &[&str] = &["张三", "李四", "*", "Li Na", "David Chen", "王五"];
const UNITS: &[&str] = &["元", "人次", "%", "", "kg", "USD"];
const EXTRA_HEADERS: &[&str] = &["Hours", "Budget code", "成本中心", "Cost center note"];

fn loc() -> Location {
    let file: Arc<str> = "generated".into();
    Location::file(&file)
}

fn put(r: &mut Record, key: &'static str, value: Value) {
    r.fields.insert(key, Field { value, raw: String::new(), loc: loc() });
}

fn date(g: &mut Lcg) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020 + g.below(7) as i32, 1 + g.below(12) as u32, 1 + g.below(28) as u32).unwrap()
}

fn datetime(g: &mut Lcg) -> NaiveDateTime {
    date(g).and_hms_opt(8 + g.below(10) as u32, [0, 15, 30, 45][g.below(4)], 0).unwrap()
}

fn party(g: &mut Lcg) -> Party {
    match g.below(4) {
        0 => Party { department: Some(g.pick(DEPTS).into()), person: None },
        1 => Party { department: None, person: Some(g.pick(PEOPLE).into()) },
        _ => Party { department: Some(g.pick(DEPTS).into()), person: Some(g.pick(PEOPLE).into()) },
    }
}

fn items(g: &mut Lcg, pool: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for _ in 0..1 + g.below(3) {
        let s = g.pick(pool).to_string();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// A value of the field's type, as the readers produce it.
fn value(g: &mut Lcg, kind: &str, key: &str, ty: Type) -> Option<Value> {
    Some(match ty {
        Type::Text if key == "id" => {
            Value::Text(format!("{}-{}", kind.chars().next().unwrap_or('x'), g.below(900) + 1))
        }
        Type::Text => Value::Text(g.pick(TEXTS).to_string()),
        Type::Markdown => Value::Text(g.pick(MARKDOWN).to_string()),
        Type::List if key == "depends_on" => Value::List(vec![format!("{}.{}", 1 + g.below(3), 1 + g.below(3))]),
        Type::List => Value::List(items(g, ITEMS)),
        Type::Date => Value::Date(date(g)),
        Type::DateTime => Value::DateTime(datetime(g)),
        Type::Int => Value::Int(5 + g.below(120) as i64),
        Type::Percent => Value::Percent([0.0, 12.5, 50.0, 80.0, 100.0, 33.3][g.below(6)]),
        Type::Quantity => {
            let v = [5_000_000.0, 120_000.0, 20.0, 3.5, 1234.5][g.below(5)];
            Value::Quantity(Quantity { value: v, unit: g.pick(UNITS).into() })
        }
        Type::Party => Value::Party(party(g)),
        Type::Parties => Value::Parties((0..1 + g.below(2)).map(|_| party(g)).collect()),
        Type::Enum(e) => Value::Enum(e.values[g.below(e.values.len())].code),
        Type::Sub(_) => return None,
    })
}

/// A record of `kind` with a random subset of its input fields (always its id or first field)
/// and, for table rows, sometimes an extra column.
fn record(g: &mut Lcg, kind: &'static schema::KindDef, table_row: bool) -> Record {
    let mut r = Record::new(kind.key, loc());
    for (i, f) in kind.fields.iter().enumerate() {
        if f.computed || (i > 0 && !g.chance(70)) {
            continue;
        }
        // A result naming a status also sets it: keep the two consistent, as the reader does.
        if kind.key == "risk" && f.key == "result" {
            continue;
        }
        if let Type::Sub(sub) = f.ty {
            let sub = schema::kind(sub).unwrap();
            let rows: Vec<Record> = (0..1 + g.below(3)).map(|_| record(g, sub, true)).collect();
            put(&mut r, f.key, Value::Records(rows));
        } else if let Some(v) = value(g, kind.key, f.key, f.ty) {
            put(&mut r, f.key, v);
        }
    }
    if table_row && g.chance(30) {
        r.extra.insert(g.pick(EXTRA_HEADERS).to_string(), g.pick(&["12", "A-7", "备注文字", "x, y"]).to_string());
    }
    // A table row is a record only with a value saying what it is (a text, a person, a date):
    // a row of drop-down values alone is a template's, and the reader leaves it out.
    let says_what = |f: &schema::FieldDef| {
        f.key != "id"
            && !f.computed
            && matches!(f.ty, Type::Text | Type::Party | Type::Date | Type::DateTime | Type::List)
    };
    if table_row && !kind.fields.iter().any(|f| says_what(f) && r.get(f.key).is_some()) {
        let f = kind.fields.iter().find(|f| says_what(f)).unwrap();
        if let Some(v) = value(g, kind.key, f.key, f.ty) {
            put(&mut r, f.key, v);
        }
    }
    r
}

fn generated(seed: u64) -> Project {
    let mut g = Lcg(seed);
    let kind = |k: &str| schema::kind(k).unwrap();
    let mut p = Project { source: format!("generated-{seed}"), ..Project::default() };
    if g.chance(80) {
        p.requirement = Some(record(&mut g, kind("requirement"), false));
    }
    p.tasks = (0..g.below(8)).map(|_| record(&mut g, kind("task"), true)).collect();
    p.risks = (0..g.below(5)).map(|_| record(&mut g, kind("risk"), true)).collect();
    p.meetings = (0..g.below(3)).map(|_| record(&mut g, kind("meeting"), false)).collect();
    if g.chance(50) {
        p.retrospective = Some(record(&mut g, kind("retrospective"), false));
    }
    p.signoffs = (0..g.below(4)).map(|_| record(&mut g, kind("signoff"), true)).collect();
    p
}

/// The generated records without the fields dossier computes (the reader adds them).
fn without_computed(p: &Project) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(o) => {
                for key in ["delay_days", "achievement"] {
                    o.remove(key);
                }
                o.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut j = convert::comparable(p);
    strip(&mut j);
    j
}

#[test]
fn generated_extra_headers_match_no_field() {
    for k in KINDS {
        for h in EXTRA_HEADERS {
            assert!(Schema::default().field(k.key, h).is_none(), "{h} names a field of {}", k.key);
        }
    }
}

#[test]
fn generated_projects_round_trip_without_loss() {
    let langs = [Lang::ZhCn, Lang::ZhTw, Lang::En];
    for seed in 0..50u64 {
        let lang = langs[seed as usize % 3];
        let p = generated(seed);
        let tmp = tempfile::tempdir().unwrap();
        let w0 = round(&p, Target::Xlsx, lang, tmp.path(), "w0");
        if let Some(diff) = convert::json_difference("", &without_computed(&p), &without_computed(&w0.project)) {
            panic!("seed {seed}: generated → xlsx differs at {diff}");
        }
        round_trip(&w0, lang, tmp.path(), &format!("seed {seed}"));
    }
}

// ---------------------------------------------------------------------------------------------
// init

#[test]
fn init_output_checks_clean_in_every_language_and_is_not_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    for lang in ["zh-CN", "zh-TW", "en"] {
        let dir = tmp.path().join(lang);
        let out = dossier(&["init", dir.to_str().unwrap(), "--lang", lang]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        // The workbook and the Markdown examples beside it are one project, without a problem.
        let out = dossier(&["check", dir.to_str().unwrap(), "--format", "json", "--as-of", "2024-10-20"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["diagnostics"].as_array().map(Vec::len), Some(0), "{lang}: {:#}", doc["diagnostics"]);
        let projects = doc["projects"].as_array().unwrap();
        assert_eq!(projects.len(), 1, "{lang}: {:#}", doc["projects"]);
        assert_eq!(projects[0]["requirement"]["id"], "2024-MKT-001");
        for kind in ["tasks", "risks", "meetings", "signoffs"] {
            assert_eq!(projects[0][kind].as_array().map(Vec::len), Some(2), "{lang} {kind}: workbook and Markdown");
        }
        // The requirement and retrospective in Markdown are shown in the README.
        let readme = fs::read_to_string(dir.join("README.md")).unwrap();
        assert!(readme.contains("kind: requirement") && readme.contains("kind: retrospective"), "{readme}");
        assert!(dir.join("README.md").is_file());

        // A second init refuses, naming the file, and writes nothing.
        let before = fs::read(dir.join("README.md")).unwrap();
        fs::write(dir.join("README.md"), "mine").unwrap();
        let out = dossier(&["init", dir.to_str().unwrap(), "--lang", lang]);
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out).contains(".xlsx"), "{}", text(&out));
        assert_eq!(fs::read_to_string(dir.join("README.md")).unwrap(), "mine");
        let out = dossier(&["init", dir.to_str().unwrap(), "--lang", lang, "--force"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert_eq!(fs::read(dir.join("README.md")).unwrap(), before);
    }
}

#[test]
fn init_is_the_same_bytes_for_the_same_day() {
    let a = init::files(Lang::ZhCn, as_of()).unwrap();
    let b = init::files(Lang::ZhCn, as_of()).unwrap();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.path, y.path);
        assert!(x.bytes == y.bytes, "{} differs between two runs", x.path.display());
    }
}

/// Whether openpyxl can be used; without it the test is skipped with a note, except on CI.
fn openpyxl() -> bool {
    let ok = Command::new("python3").args(["-c", "import openpyxl"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "openpyxl is required on CI: pip install openpyxl");
        eprintln!("note: python3 with openpyxl not found; skipping (pip install openpyxl)");
    }
    ok
}

fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3").arg("-c").arg(script).args(args).output().expect("python3 runs");
    assert!(out.status.success(), "python failed:\n{}", text(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn init_workbook(dir: &Path, lang: Lang) -> PathBuf {
    let files = init::files(lang, as_of()).unwrap();
    let book = files.iter().find(|f| f.path.extension().is_some_and(|e| e == "xlsx")).unwrap();
    let path = dir.join(&book.path);
    fs::create_dir_all(dir).unwrap();
    fs::write(&path, &book.bytes).unwrap();
    path
}

const INSPECT: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for ws in wb.worksheets:
    dvs = ws.data_validations.dataValidation
    out[ws.title] = {
        "state": ws.sheet_state,
        "protected": bool(ws.protection.sheet),
        "lists": sorted({str(dv.sqref).split(":")[0].rstrip("0123456789") for dv in dvs if dv.type == "list"}),
        "list_sources": sorted({dv.formula1 for dv in dvs if dv.type == "list"}),
        "dates": sorted({str(dv.sqref).split(":")[0].rstrip("0123456789") for dv in dvs if dv.type == "date"}),
        "prompts": sum(1 for dv in dvs if dv.prompt),
        "header_locked": ws["A1"].protection.locked,
        "input_unlocked": not ws["B2"].protection.locked,
    }
print(json.dumps(out, ensure_ascii=False))
"#;

#[test]
fn init_workbook_opens_in_openpyxl_with_drop_downs_dates_and_protection() {
    if !openpyxl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = init_workbook(tmp.path(), Lang::ZhCn);
    let out: serde_json::Value = serde_json::from_str(&python(INSPECT, &[path.to_str().unwrap()])).unwrap();
    let lists = &out["Lists"];
    assert_eq!(lists["state"], "veryHidden");
    let tasks = &out["任务分工与进度跟踪表"];
    // 当前状态 (H) and 优先级 (K) drop-downs; 计划开始/结束 and 实际完成 (E F G) dates.
    assert_eq!(tasks["lists"], serde_json::json!(["H", "K"]));
    assert_eq!(tasks["dates"], serde_json::json!(["E", "F", "G", "O"]));
    for (name, sheet) in out.as_object().unwrap() {
        if name == "Lists" {
            continue;
        }
        assert_eq!(sheet["protected"], true, "{name}");
        assert_eq!(sheet["header_locked"], true, "{name}");
        assert_eq!(sheet["input_unlocked"], true, "{name}");
        assert!(sheet["prompts"].as_u64().unwrap() > 0, "{name} has no instructions on its cells");
        for src in sheet["list_sources"].as_array().unwrap() {
            assert!(src.as_str().unwrap().starts_with("Lists!$"), "{name}: {src}");
        }
    }
    let meeting = &out["会议纪要与行动项表"];
    assert!(!meeting["lists"].as_array().unwrap().is_empty());
    assert!(!meeting["dates"].as_array().unwrap().is_empty());
}

/// openpyxl fills the blank workbook the way a person would (another writer than ours):
/// a second task, a second risk, a second attendee and action in the spare sub-table rows.
const FILL: &str = r#"
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
t = wb["任务分工与进度跟踪表"]
row = ["1.2", "产品卖点提炼", "产品部*", "市场部*", datetime.datetime(2024, 7, 26), datetime.datetime(2024, 7, 30),
       datetime.datetime(2024, 7, 30), "已完成", 1, "《产品核心卖点清单》", "高", "1.1"]
for c, v in enumerate(row, start=1):
    cell = t.cell(row=3, column=c, value=v)
    if isinstance(v, datetime.datetime):
        cell.number_format = "yyyy-mm-dd"
t.cell(row=3, column=9).number_format = "0%"
r = wb["风险与问题登记表"]
for c, v in enumerate(["002", "风险", "数据监测系统响应延迟", "中", "技术部*", datetime.datetime(2024, 8, 8),
                       datetime.datetime(2024, 8, 10), datetime.datetime(2024, 8, 9), "升级服务器", "已解决"], start=1):
    r.cell(row=3, column=c, value=v)
m = wb["会议纪要与行动项表"]
def row_of(text):
    for row in m.iter_rows():
        if row[0].value == text:
            return row[0].row
    raise SystemExit("no " + text)
a = row_of("姓名") + 2
m.cell(row=a, column=1, value="李四"); m.cell(row=a, column=2, value="产品部"); m.cell(row=a, column=3, value="执行负责人")
x = row_of("编号") + 2
for c, v in enumerate(["A2", "提炼产品卖点", "产品部/李四", datetime.datetime(2024, 7, 20), "卖点清单经市场部确认", "中", "已完成"], start=1):
    m.cell(row=x, column=c, value=v)
wb.save(sys.argv[2])
"#;

#[test]
fn init_workbook_filled_by_openpyxl_passes_check() {
    if !openpyxl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let blank = init_workbook(&tmp.path().join("blank"), Lang::ZhCn);
    let filled_dir = tmp.path().join("filled");
    fs::create_dir_all(&filled_dir).unwrap();
    let filled = filled_dir.join("filled.xlsx");
    python(FILL, &[blank.to_str().unwrap(), filled.to_str().unwrap()]);
    let out = dossier(&["check", filled_dir.to_str().unwrap(), "--format", "json", "--as-of", "2024-10-20"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["diagnostics"].as_array().map(Vec::len), Some(0), "{:#}", doc["diagnostics"]);
    let p = &doc["projects"][0];
    let ids: Vec<&str> = p["tasks"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1.1", "1.2"]);
    assert_eq!(p["tasks"][1]["progress"], 100);
    assert_eq!(p["tasks"][1]["depends_on"], serde_json::json!(["1.1"]));
    assert_eq!(p["risks"][1]["impact"], "medium");
    let m = &p["meetings"][0];
    assert_eq!(m["attendees"].as_array().map(Vec::len), Some(2));
    assert_eq!(m["attendees"][1]["role"], "executor");
    assert_eq!(m["actions"][1]["due"], "2024-07-20");
    assert_eq!(m["actions"][1]["priority"], "P1");
}

// ---------------------------------------------------------------------------------------------
// map suggest

#[test]
fn a_suggested_mapping_passed_back_makes_the_columns_match() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("team.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Tasks").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["ID", "Task", "Owner", "Percentage done", "Mitigation", "Hours"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "1").unwrap();
    ws.write_string(1, 1, "Design").unwrap();
    ws.write_string(1, 2, "Marketing / Li Na").unwrap();
    ws.write_string(1, 3, "50%").unwrap();
    ws.write_datetime_with_format(1, 4, ExcelDateTime::from_ymd(2024, 7, 1).unwrap(), &date).unwrap();
    ws.write_number(1, 5, 12.0).unwrap();
    wb.save(&book).unwrap();

    let out = dossier(&["map", "suggest", book.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(yaml.contains("kind: tasks"), "{yaml}");
    assert!(yaml.contains("\"Percentage done\": progress"), "{yaml}");
    // `Hours` names nothing dossier keeps; `Mitigation` is a risk's word, and its cells are dates.
    assert!(yaml.contains("\"Hours\": ~") && yaml.contains("\"Mitigation\": ~"), "{yaml}");
    let map = tmp.path().join("mapping.yaml");
    fs::write(&map, &yaml).unwrap();

    let out = dossier(&[
        "check",
        book.to_str().unwrap(),
        "--map",
        map.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        "2024-10-20",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["projects"][0]["tasks"][0]["progress"], 50);
    let extras: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "extra")
        .map(|d| d["value"].as_str().unwrap())
        .collect();
    // Columns the mapping decided are not reported again: `~` means "keep as extra, say nothing".
    assert!(extras.is_empty(), "{extras:?}");
    assert_eq!(doc["projects"][0]["tasks"][0]["extra"]["Hours"], "12");

    // The user changes a decision; the column is read as that field.
    let line = yaml.lines().find(|l| l.contains("\"Hours\": ~")).unwrap();
    let edited = yaml.replace(line, "      \"Hours\": next_step");
    fs::write(&map, edited).unwrap();
    let out = dossier(&[
        "check",
        book.to_str().unwrap(),
        "--map",
        map.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        "2024-10-20",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["projects"][0]["tasks"][0]["next_step"], "12", "{}", text(&out));

    // Suggesting again from the edited mapping keeps its entries and adds what is left.
    let out = dossier(&["map", "suggest", book.to_str().unwrap(), "--map", map.to_str().unwrap(), "--lang", "en"]);
    let again = String::from_utf8(out.stdout).unwrap();
    assert!(again.contains("\"Hours\": next_step"), "{again}");
    assert!(again.contains("\"Percentage done\": progress"), "{again}");
}

// ---------------------------------------------------------------------------------------------
// convert

/// A workbook read through calamine as `Sheet!A1 = value` lines, dates as ISO.
fn dump_xlsx(path: &Path) -> String {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut book = open_workbook_auto(path).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        out.push_str(&format!("== {name}\n"));
        let Some((r0, c0)) = range.start() else { continue };
        for (i, row) in range.rows().enumerate() {
            for (j, v) in row.iter().enumerate() {
                let shown = match v {
                    Data::Empty => continue,
                    Data::DateTime(d) => match d.as_datetime() {
                        Some(dt) if dt.time() == chrono::NaiveTime::MIN => dt.format("%Y-%m-%d").to_string(),
                        Some(dt) => dt.format("%Y-%m-%d %H:%M").to_string(),
                        None => d.to_string(),
                    },
                    other => other.to_string(),
                };
                let cell = dossier::model::cell_name(r0 + i as u32, c0 + j as u32);
                out.push_str(&format!("{cell} = {}\n", shown.replace('\n', "⏎")));
            }
        }
    }
    out
}

#[test]
fn messy_sample_converts_to_the_standard_forms() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().to_str().unwrap();
    let sample = "samples/tw-messy-branch-launch";
    let md = dossier(&[
        "convert",
        sample,
        "-o",
        &format!("{out}/md"),
        "--to",
        "md",
        "--lang",
        "zh-TW",
        "--as-of",
        "2024-10-20",
    ]);
    assert_eq!(md.status.code(), Some(0), "{}", text(&md));
    let xlsx = dossier(&["convert", sample, "-o", &format!("{out}/xlsx"), "--lang", "zh-TW", "--as-of", "2024-10-20"]);
    assert_eq!(xlsx.status.code(), Some(0), "{}", text(&xlsx));

    let mut files: Vec<PathBuf> =
        fs::read_dir(out_dir.path().join("md/2024-OPS-012")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut shown = String::from_utf8_lossy(&md.stdout).replace(out, "OUT");
    for f in files {
        shown.push_str(&format!(
            "\n#### {}\n{}",
            f.file_name().unwrap().to_string_lossy(),
            fs::read_to_string(&f).unwrap()
        ));
    }
    insta::assert_snapshot!("messy_sample_as_markdown", shown);
    let book = out_dir.path().join("xlsx/2024-OPS-012/2024-OPS-012.xlsx");
    let shown = format!("{}\n{}", String::from_utf8_lossy(&xlsx.stdout).replace(out, "OUT"), dump_xlsx(&book));
    insta::assert_snapshot!("messy_sample_as_workbook", shown);

    // The converted files check exactly as the original did.
    let before = dossier(&["check", sample, "--format", "json", "--as-of", "2024-10-20"]);
    for dir in ["md/2024-OPS-012", "xlsx/2024-OPS-012"] {
        let after = dossier(&["check", &format!("{out}/{dir}"), "--format", "json", "--as-of", "2024-10-20"]);
        let strip = |o: &Output| {
            let mut doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            doc["projects"][0].as_object_mut().unwrap().remove("source");
            (doc["projects"].clone(), doc["diagnostics"].as_array().unwrap().len())
        };
        assert_eq!(strip(&after), strip(&before), "{dir}");
    }
}

#[test]
fn convert_never_overwrites_inputs_and_asks_before_replacing_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().to_str().unwrap();
    let first = dossier(&["convert", "samples/seed-2024-MKT-001", "-o", out, "--as-of", "2024-10-20"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let book = tmp.path().join("2024-MKT-001/2024-MKT-001.xlsx");
    let bytes = fs::read(&book).unwrap();

    let again = dossier(&["convert", "samples/seed-2024-MKT-001", "-o", out, "--as-of", "2024-10-20"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again).contains("2024-MKT-001.xlsx"), "{}", text(&again));

    // Converting the converted workbook into its own folder would replace the input: refused
    // even with --force.
    let own = dossier(&["convert", book.to_str().unwrap(), "-o", out, "--force", "--as-of", "2024-10-20"]);
    assert_eq!(own.status.code(), Some(2), "{}", text(&own));
    assert_eq!(fs::read(&book).unwrap(), bytes);

    let forced = dossier(&["convert", "samples/seed-2024-MKT-001", "-o", out, "--force", "--as-of", "2024-10-20"]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced));
    assert_eq!(fs::read(&book).unwrap(), bytes, "the same input and day give the same bytes");
}

#[test]
fn a_project_with_errors_is_reported_and_not_converted() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("broken");
    fs::create_dir_all(&input).unwrap();
    fs::write(
        input.join("tasks.md"),
        "---\nkind: tasks\ntasks:\n  - id: 1\n    name: X\n    owner: 市场部\n    planned_start: 2024-13-40\n---\n",
    )
    .unwrap();
    let out_dir = tmp.path().join("out");
    let out = dossier(&["convert", input.to_str().unwrap(), "-o", out_dir.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("error[type]"), "{}", text(&out));
    assert!(text(&out).contains("not converted"), "{}", text(&out));
    assert!(!out_dir.exists());
}
