//! Real sheets nobody here wrote (`../shared/real-sheets`, with hand-written truth): the
//! zero-touch path a new user takes — `dossier map suggest FILE --write m.yaml`, then
//! `dossier check FILE --map m.yaml` with no edit — scored against the truth: what each sheet
//! holds, the field of each column, record counts per (file, kind), the sample records' values
//! and the code of every enumeration word. Prints the table per file and in total, and fails
//! below the floors reached so far, so the reader and the suggester cannot quietly regress.
//! A user's clone has no `../shared`: the test says so and passes; CI always has it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use dossier::cli::CommonArgs;
use dossier::mapping::Mapping;
use dossier::model::{Lang, Party, Record, Value};
use dossier::project::{self, Checked};
use serde_json::Value as Json;

const BIN: &str = env!("CARGO_BIN_EXE_dossier");

/// The floors: what the zero-touch path reached when this test was last tightened (the
/// figures printed by the test). Raise them as the suggester and readers improve.
const FLOOR_KINDS: f64 = 0.98;
const FLOOR_COLUMNS: f64 = 0.91;
const FLOOR_COUNTS: f64 = 0.89;
const FLOOR_VALUES: f64 = 0.92;
const FLOOR_ENUMS: f64 = 0.85;

fn real_sheets() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real-sheets");
    dir.join("README.md").exists().then_some(dir)
}

#[derive(Default, Clone, Copy)]
struct Score {
    ok: usize,
    total: usize,
}

impl Score {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.ok += ok as usize;
    }
    fn plus(&mut self, o: Score) {
        self.ok += o.ok;
        self.total += o.total;
    }
    fn rate(&self) -> f64 {
        if self.total == 0 { 1.0 } else { self.ok as f64 / self.total as f64 }
    }
    fn cell(&self) -> String {
        format!("{:>3}/{:<3}", self.ok, self.total)
    }
}

#[derive(Default, Clone, Copy)]
struct FileScore {
    kinds: Score,
    columns: Score,
    counts: Score,
    values: Score,
    enums: Score,
    wrong_type: usize,
}

#[test]
fn zero_touch_reading_of_real_sheets() {
    let Some(dir) = real_sheets() else {
        eprintln!("skipped: ../shared/real-sheets is not here (it is in CI)");
        return;
    };
    let mut truths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".truth.json"))
        .collect();
    truths.sort();
    assert!(truths.len() >= 20, "{} truth files", truths.len());

    let mut total = FileScore::default();
    let mut lines = Vec::new();
    let mut notes = Vec::new();
    for truth_path in &truths {
        let truth: Json = serde_json::from_str(&std::fs::read_to_string(truth_path).unwrap()).unwrap();
        let name = truth["file"].as_str().unwrap().to_string();
        let sheet = dir.join(&name);
        let before = std::fs::read(&sheet).unwrap();
        let score = score_file(&sheet, &truth, &mut notes);
        assert_eq!(std::fs::read(&sheet).unwrap(), before, "{name} was modified");
        lines.push(format!(
            "{:<40} {}  {}  {}  {}  {}  {:>2}",
            name,
            score.kinds.cell(),
            score.columns.cell(),
            score.counts.cell(),
            score.values.cell(),
            score.enums.cell(),
            score.wrong_type
        ));
        total.kinds.plus(score.kinds);
        total.columns.plus(score.columns);
        total.counts.plus(score.counts);
        total.values.plus(score.values);
        total.enums.plus(score.enums);
        total.wrong_type += score.wrong_type;
    }
    eprintln!("\nzero-touch reading of real sheets (map suggest --write, then check --map):");
    eprintln!(
        "{:<40} {:<7}  {:<7}  {:<7}  {:<7}  {:<7}  wrong type",
        "file", "kinds", "columns", "counts", "values", "enums"
    );
    for l in &lines {
        eprintln!("{l}");
    }
    let pct = |s: Score| format!("{:5.1}%", s.rate() * 100.0);
    eprintln!(
        "{:<40} {}  {}  {}  {}  {}  {:>2}",
        "TOTAL",
        pct(total.kinds),
        pct(total.columns),
        pct(total.counts),
        pct(total.values),
        pct(total.enums),
        total.wrong_type
    );
    if std::env::var_os("REAL_SHEETS_VERBOSE").is_some() {
        for n in &notes {
            eprintln!("  {n}");
        }
    }
    assert!(total.kinds.rate() >= FLOOR_KINDS, "sheet kinds {} below {FLOOR_KINDS}", total.kinds.rate());
    assert!(total.columns.rate() >= FLOOR_COLUMNS, "columns {} below {FLOOR_COLUMNS}", total.columns.rate());
    assert!(total.counts.rate() >= FLOOR_COUNTS, "record counts {} below {FLOOR_COUNTS}", total.counts.rate());
    assert!(total.values.rate() >= FLOOR_VALUES, "sample values {} below {FLOOR_VALUES}", total.values.rate());
    assert!(total.enums.rate() >= FLOOR_ENUMS, "enum values {} below {FLOOR_ENUMS}", total.enums.rate());
    // A column mapped to a field of another type than the truth's (a date column read as a
    // person) is never allowed.
    assert_eq!(total.wrong_type, 0, "columns mapped to a field of the wrong type");
}

/// Runs the zero-touch path on one sheet (copied to a temporary folder, so nothing is ever
/// written beside the original) and scores it.
fn score_file(original: &Path, truth: &Json, notes: &mut Vec<String>) -> FileScore {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join(original.file_name().unwrap());
    std::fs::copy(original, &file).unwrap();
    let map = tmp.path().join("m.yaml");
    let out = Command::new(BIN)
        .args(["map", "suggest"])
        .arg(&file)
        .arg("--write")
        .arg(&map)
        .args(["--lang", "en"])
        .output()
        .unwrap();
    let fname = truth["file"].as_str().unwrap();
    assert!(map.exists(), "{fname}: map suggest wrote no mapping: {}", String::from_utf8_lossy(&out.stderr));
    let mapping =
        Mapping::load(&map, Lang::En).unwrap_or_else(|e| panic!("{fname}: the suggested mapping does not load: {e}"));

    let common = CommonArgs {
        as_of: Some(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()),
        lang: Some(Lang::En),
        map: Some(map.clone()),
        strict: false,
        quiet: true,
    };
    let (inputs, ctx) = dossier::cli::resolve(std::slice::from_ref(&file), &common).unwrap();
    let checked: Vec<Checked> = inputs.iter().flat_map(|i| project::check(i, &ctx)).collect();
    let records: Vec<&Record> = checked.iter().flat_map(|c| top_records(c)).collect();

    let mut s = FileScore::default();
    let sheets = truth["sheets"].as_array().unwrap();
    let by_sheet = |sheet: &str| -> Vec<&Record> {
        records.iter().copied().filter(|r| r.loc.sheet.as_deref() == Some(sheet)).collect()
    };

    // What each sheet holds.
    let mut names: Vec<&str> = sheets.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.dedup();
    for name in &names {
        let blocks: Vec<&Json> = sheets.iter().filter(|t| t["name"] == *name).collect();
        let want: BTreeSet<String> =
            blocks.iter().map(|t| t["kind"].as_str().unwrap().to_string()).filter(|k| k != "skip").collect();
        let empty_ok: BTreeSet<String> = blocks
            .iter()
            .filter(|t| t["records"].as_u64() == Some(0))
            .map(|t| t["kind"].as_str().unwrap().to_string())
            .collect();
        let got: BTreeSet<String> = by_sheet(name).iter().map(|r| truth_kind(r)).collect();
        let ok = got == want || (got.is_subset(&want) && want.difference(&got).all(|k| empty_ok.contains(k)));
        s.kinds.add(ok);
        if !ok {
            notes.push(format!("{fname} › {name}: holds {want:?}, read as {got:?}"));
        }
    }

    // Columns, from the suggested mapping's decision for each header of the sheet.
    for t in sheets.iter().filter(|t| t["kind"] != "skip") {
        let sheet = t["name"].as_str().unwrap();
        for (header, want) in t["columns"].as_object().unwrap() {
            let want = want.as_str().map(str::to_string);
            let got = truth_header(header)
                .iter()
                .find_map(|h| mapping.rule(fname, sheet).and_then(|r| r.column(h)).map(|_| h.clone()))
                .and_then(|h| mapping.column_decision(fname, sheet, &h))
                .or_else(|| mapping.column_decision(fname, sheet, &truth_header(header)[0]));
            let ok = got == want;
            s.columns.add(ok);
            if !ok {
                notes.push(format!("{fname} › {sheet} › {header:?}: field {want:?}, mapped {got:?}"));
            }
            if let (Some(w), Some(g)) = (&want, &got)
                && type_class(t["kind"].as_str().unwrap(), w) != type_class(t["kind"].as_str().unwrap(), g)
            {
                s.wrong_type += 1;
                notes.push(format!("{fname} › {sheet} › {header:?}: WRONG TYPE {g} for {w}"));
            }
        }
        // Enumeration words → codes.
        for (field, words) in t["values"].as_object().unwrap() {
            for (word, want) in words.as_object().unwrap() {
                let want = want.as_str().map(str::to_string);
                let got = mapping.enum_code(fname, sheet, record_kind(t["kind"].as_str().unwrap()), field, word);
                let ok = got == want;
                s.enums.add(ok);
                if !ok {
                    notes.push(format!("{fname} › {sheet} › {field} {word:?}: code {want:?}, read {got:?}"));
                }
            }
        }
    }

    // Record counts per (file, kind).
    let mut want_counts: BTreeMap<String, u64> = BTreeMap::new();
    for t in sheets.iter().filter(|t| t["kind"] != "skip") {
        *want_counts.entry(t["kind"].as_str().unwrap().to_string()).or_default() += t["records"].as_u64().unwrap();
    }
    let mut got_counts: BTreeMap<String, u64> = BTreeMap::new();
    for r in &records {
        *got_counts.entry(truth_kind(r)).or_default() += 1;
    }
    for (kind, want) in &want_counts {
        let got = got_counts.get(kind).copied().unwrap_or(0);
        s.counts.add(got == *want);
        if got != *want {
            notes.push(format!("{fname} › {kind}: {want} records, read {got}"));
        }
    }

    // Sample values: each sample record against the best-matching record read from its block.
    for (i, t) in sheets.iter().enumerate().filter(|(_, t)| t["kind"] != "skip") {
        let sheet = t["name"].as_str().unwrap();
        let kind = t["kind"].as_str().unwrap();
        let lo = t["header_row"].as_u64().unwrap_or(0) as u32;
        let hi = sheets[i + 1..]
            .iter()
            .find(|n| n["name"] == t["name"] && n["kind"] == t["kind"])
            .and_then(|n| n["header_row"].as_u64())
            .map_or(u32::MAX, |h| h as u32);
        let ours: Vec<&Record> = by_sheet(sheet)
            .into_iter()
            .filter(|r| truth_kind(r) == kind)
            .filter(|r| row_of(r).is_none_or(|row| row >= lo && row < hi))
            .collect();
        for sample in t["sample"].as_array().unwrap() {
            let fields = sample.as_object().unwrap();
            let best = ours
                .iter()
                .map(|r| (fields.iter().filter(|(k, v)| same(&field_value(r, k), v)).count(), *r))
                .max_by_key(|(n, _)| *n);
            for (k, v) in fields {
                let got = best.map(|(_, r)| field_value(r, k)).unwrap_or(Json::Null);
                let ok = same(&got, v);
                s.values.add(ok);
                if !ok {
                    notes.push(format!("{fname} › {sheet} › {k}: want {v}, read {got}"));
                }
            }
        }
    }
    s
}

/// Every top-level record of a project, the way the truth files name kinds.
fn top_records(c: &Checked) -> Vec<&Record> {
    let p = &c.project;
    p.requirement
        .iter()
        .chain(&p.tasks)
        .chain(&p.risks)
        .chain(&p.meetings)
        .chain(p.retrospective.iter())
        .chain(&p.signoffs)
        .chain(&p.actions)
        .collect()
}

fn truth_kind(r: &Record) -> String {
    match r.kind {
        "task" => "tasks",
        "risk" => "risks",
        "meeting" => "meetings",
        "signoff" => "signoffs",
        "action" => "actions",
        "retrospective" => "retrospective",
        // A register's rows and a form's one requirement are scored alike: the counts tell.
        "requirement" => "requirements",
        other => other,
    }
    .to_string()
}

/// The catalogue kind a truth kind names.
fn record_kind(kind: &str) -> &str {
    match kind {
        "tasks" => "task",
        "risks" => "risk",
        "meetings" => "meeting",
        "signoffs" => "signoff",
        "actions" => "action",
        "requirements" | "requirement" => "requirement",
        other => other,
    }
}

/// The names a truth header may have in a mapping: `"(column A, no header)"` is
/// `"(column A)"`; a two-row header `"Initial / Impact"` is joined as the reader joins it
/// (`Initial Impact`, or without a space in Chinese).
fn truth_header(h: &str) -> Vec<String> {
    if let Some(rest) = h.strip_suffix(", no header)") {
        return vec![format!("{rest})")];
    }
    vec![h.to_string(), h.replace(" / ", " "), h.replace(" / ", "")]
}

fn row_of(r: &Record) -> Option<u32> {
    r.loc.cell.as_deref()?.trim_start_matches(|c: char| c.is_ascii_alphabetic()).parse().ok()
}

/// Coarse type classes: a column mapped across classes (a date to a person) is a wrong type.
fn type_class(kind: &str, field: &str) -> &'static str {
    let field = field.rsplit('.').next().unwrap_or(field);
    let kind = match field {
        _ if field != field.rsplit('.').next().unwrap_or(field) => kind,
        _ => record_kind(kind),
    };
    let def = dossier::schema::kind(kind).and_then(|k| k.field(field));
    match def.map(|f| f.ty) {
        Some(dossier::schema::Type::Date | dossier::schema::Type::DateTime) => "date",
        Some(dossier::schema::Type::Party | dossier::schema::Type::Parties) => "party",
        Some(dossier::schema::Type::Percent | dossier::schema::Type::Int | dossier::schema::Type::Quantity) => "number",
        Some(dossier::schema::Type::Enum(_)) => "enum",
        _ => "text",
    }
}

/// A field of a record as the truth files write it.
fn field_value(r: &Record, key: &str) -> Json {
    match r.get(key) {
        None => Json::Null,
        Some(v) => plain(v),
    }
}

fn plain(v: &Value) -> Json {
    match v {
        Value::Party(p) => Json::String(party_text(p)),
        Value::Parties(ps) => Json::Array(ps.iter().map(|p| Json::String(party_text(p))).collect()),
        Value::Records(rs) => Json::Array(rs.iter().map(|r| Json::String(primary_text(r))).collect()),
        other => dossier::json::value(other),
    }
}

fn party_text(p: &Party) -> String {
    [p.department.as_deref(), p.person.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("/")
}

/// The text a truth file lists for a sub-record (an attendee's name, an agenda topic).
fn primary_text(r: &Record) -> String {
    for key in ["name", "topic", "description", "title"] {
        if let Some(v) = r.get(key) {
            return match plain(v) {
                Json::String(s) => s,
                other => other.to_string(),
            };
        }
    }
    String::new()
}

/// Equal after the truth's conventions: text trimmed, white space and separators in people's
/// names ignored, numbers by value, lists item by item.
fn same(got: &Json, want: &Json) -> bool {
    match (got, want) {
        (Json::Null, Json::Null) => true,
        (Json::Array(a), Json::Null) | (Json::Null, Json::Array(a)) => a.is_empty(),
        (Json::Array(a), Json::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (Json::Array(a), Json::String(_)) => {
            let joined = a.iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect::<Vec<_>>().join(",");
            same(&Json::String(joined), want)
        }
        (Json::Number(a), Json::Number(b)) => (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 0.51,
        (Json::String(a), Json::Number(b)) | (Json::Number(b), Json::String(a)) => {
            a.trim().parse::<f64>().is_ok_and(|x| (x - b.as_f64().unwrap()).abs() < 0.51)
        }
        (Json::String(a), Json::String(b)) => loose(a) == loose(b),
        _ => false,
    }
}

fn loose(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}
