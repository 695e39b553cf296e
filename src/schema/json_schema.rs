//! `dossier schema`: the JSON Schema (draft 2020-12) of `dossier check --format json`,
//! generated from the catalogue so it can never drift from the records.

use serde_json::{Map, Value, json};

use crate::model::Lang;
use crate::schema::{EnumDef, FieldDef, KINDS, KindDef, Type};

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";
/// ISO date, as the JSON output writes it.
pub const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}$";
/// ISO date and time to the minute (`2023-09-15T14:00`).
pub const DATETIME_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$";
/// Diagnostic codes are kebab-case words (`date-order`, `front-matter`).
pub const CODE_PATTERN: &str = r"^[a-z][a-z0-9-]*$";

/// Codes a diagnostic may carry today (SPEC §3 rules, then ingest codes); listed in the
/// schema's description, not enforced, so a new rule does not break consumers.
const CODES: &[&str] = &[
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
    "file",
    "no-records",
    "sheet-skipped",
    "extra",
    "formula",
    "date-year",
    "front-matter",
];

/// The JSON Schema (draft 2020-12) of one project object of `dossier check --format json`.
pub fn project_schema() -> Value {
    let mut s = project_object();
    let o = s.as_object_mut().expect("project_object is an object");
    let mut head = Map::new();
    head.insert("$schema".into(), json!(DRAFT));
    head.insert("title".into(), json!("dossier project"));
    head.append(o);
    head.insert("$defs".into(), Value::Object(defs()));
    Value::Object(head)
}

/// The JSON Schema of the whole `check --format json` document: `{projects, diagnostics}`.
pub fn document_schema() -> Value {
    let mut defs = defs();
    defs.insert("project".into(), project_object());
    defs.insert("diagnostic".into(), diagnostic());
    json!({
        "$schema": DRAFT,
        "title": "dossier check --format json",
        "description": "项目与诊断 / Projects and diagnostics",
        "type": "object",
        "additionalProperties": false,
        "required": ["projects", "diagnostics"],
        "properties": {
            "projects": { "type": "array", "items": { "$ref": "#/$defs/project" } },
            "diagnostics": { "type": "array", "items": { "$ref": "#/$defs/diagnostic" } },
        },
        "$defs": defs,
    })
}

fn label(l: &crate::model::L10n) -> String {
    format!("{} / {}", l.get(Lang::ZhCn), l.get(Lang::En))
}

fn reference(kind: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{kind}") })
}

/// The project object: `source`, then one member per top-level kind.
fn project_object() -> Value {
    let mut props = Map::new();
    props.insert("source".into(), json!({ "type": "string", "description": "输入路径 / Path as given" }));
    for k in KINDS {
        let Some(member) = k.collection else { continue };
        // `requirement` and `retrospective` are one per project; the others are lists.
        let schema = if member == k.key {
            json!({ "anyOf": [reference(k.key), { "type": "null" }], "description": label(&k.label) })
        } else {
            json!({ "type": "array", "items": reference(k.key), "description": label(&k.label) })
        };
        props.insert(member.into(), schema);
    }
    let required: Vec<Value> = props.keys().map(|k| json!(k)).collect();
    json!({
        "type": "object",
        "description": "项目 / Project",
        "additionalProperties": false,
        "required": required,
        "properties": props,
    })
}

/// One definition per kind of the catalogue, plus `party` and `quantity`.
fn defs() -> Map<String, Value> {
    let mut defs = Map::new();
    for k in KINDS {
        defs.insert(k.key.into(), kind(k));
    }
    defs.insert(
        "party".into(),
        json!({
            "type": "object",
            "description": "部门和/或人员 / Department and/or person",
            "additionalProperties": false,
            "required": ["department", "person"],
            "properties": {
                "department": { "type": ["string", "null"], "description": "部门 / Department" },
                "person": { "type": ["string", "null"], "description": "人员 / Person" },
            },
        }),
    );
    defs.insert(
        "quantity".into(),
        json!({
            "type": "object",
            "description": "数值和单位 / Number with its unit (500万元 → 5000000 元)",
            "additionalProperties": false,
            "required": ["value", "unit"],
            "properties": {
                "value": { "type": "number" },
                "unit": { "type": "string" },
            },
        }),
    );
    defs
}

fn kind(k: &KindDef) -> Value {
    let mut props = Map::new();
    for f in k.fields {
        props.insert(f.key.into(), field(f));
    }
    // Every field is written (absent ones as null), so all are required as keys.
    let required: Vec<Value> = props.keys().map(|k| json!(k)).collect();
    props.insert(
        "extra".into(),
        json!({
            "type": "object",
            "description": "未识别的列或键,按原标题 / Columns or keys that matched no field, by their header",
            "additionalProperties": { "type": "string" },
        }),
    );
    json!({
        "type": "object",
        "title": k.key,
        "description": label(&k.label),
        "additionalProperties": false,
        "required": required,
        "properties": props,
    })
}

/// A field's schema: its type, nullable unless required (sub-tables are always arrays).
fn field(f: &FieldDef) -> Value {
    let nullable = !f.required || f.computed;
    let mut s = match f.ty {
        Type::Text | Type::Markdown => json!({ "type": "string" }),
        Type::List => json!({ "type": "array", "items": { "type": "string" } }),
        Type::Date => json!({ "type": "string", "format": "date", "pattern": DATE_PATTERN }),
        Type::DateTime => json!({ "type": "string", "pattern": DATETIME_PATTERN }),
        Type::Int => json!({ "type": "integer" }),
        // An achievement rate may exceed 100 % (`超额4%`); an input percentage may not.
        Type::Percent if f.computed => json!({ "type": "number", "minimum": 0 }),
        Type::Percent => json!({ "type": "number", "minimum": 0, "maximum": 100 }),
        Type::Quantity => reference("quantity"),
        // One owner is the rule (`single-owner`), but several written are kept, as a list.
        Type::Party => json!({
            "anyOf": [reference("party"), { "type": "array", "items": reference("party") }],
        }),
        Type::Parties => json!({ "type": "array", "items": reference("party") }),
        Type::Enum(e) => enumeration(e),
        Type::Sub(sub) => json!({ "type": "array", "items": reference(sub) }),
    };
    let mut description = label(&f.label);
    if let Type::Enum(e) = f.ty {
        let values: Vec<String> = e.values.iter().map(|v| format!("{} = {}", v.code, label(&v.label))).collect();
        description = format!("{description}: {}", values.join("; "));
    }
    let o = s.as_object_mut().expect("field schemas are objects");
    if nullable && !matches!(f.ty, Type::Sub(_)) {
        make_nullable(o);
    }
    o.insert("description".into(), json!(description));
    if f.computed {
        o.insert("readOnly".into(), json!(true));
    }
    s
}

fn enumeration(e: &EnumDef) -> Value {
    let codes: Vec<Value> = e.values.iter().map(|v| json!(v.code)).collect();
    json!({ "type": "string", "enum": codes })
}

/// Adds `null` to a schema: to its `type` and `enum`, or as an `anyOf` branch.
fn make_nullable(o: &mut Map<String, Value>) {
    if let Some(Value::String(t)) = o.get("type").cloned() {
        o.insert("type".into(), json!([t, "null"]));
        if let Some(Value::Array(values)) = o.get_mut("enum") {
            values.push(Value::Null);
        }
    } else if let Some(Value::Array(branches)) = o.get_mut("anyOf") {
        branches.push(json!({ "type": "null" }));
    } else {
        let inner = Value::Object(std::mem::take(o));
        o.insert("anyOf".into(), json!([inner, { "type": "null" }]));
    }
}

fn diagnostic() -> Value {
    let nullable = |description: &str| json!({ "type": ["string", "null"], "description": description });
    json!({
        "type": "object",
        "description": "诊断 / Diagnostic",
        "additionalProperties": false,
        "required": ["severity", "code", "message", "file", "sheet", "cell", "line", "field", "record", "value", "expected", "hint"],
        "properties": {
            "severity": { "type": "string", "enum": ["error", "warning", "info"] },
            "code": {
                "type": "string",
                "pattern": CODE_PATTERN,
                "description": format!("稳定代码 / Stable code: {}", CODES.join(", ")),
            },
            "message": { "type": "string", "description": "所选语言的说明 / Message in the run's language" },
            "file": { "type": "string", "description": "文件 / File as given" },
            "sheet": nullable("工作表 / Sheet"),
            "cell": { "type": ["string", "null"], "pattern": r"^[A-Z]{1,3}[0-9]+$", "description": "单元格 / Cell (A1 style)" },
            "line": { "type": ["integer", "null"], "minimum": 1, "description": "Markdown 行号 / Markdown line" },
            "field": nullable("字段键 / Canonical field key"),
            "record": nullable("记录编号 / Record id"),
            "value": nullable("原值 / Text as found"),
            "expected": nullable("期望 / What was expected"),
            "hint": nullable("修改建议 / How to fix"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, Location, Party, Project, Quantity, Record, Value as V};
    use chrono::{NaiveDate, NaiveDateTime};

    /// A small validator for the keywords this schema uses; anything else fails loudly so
    /// the test cannot pass by ignoring a keyword.
    fn validate(root: &Value, schema: &Value, v: &Value, path: &str, errs: &mut Vec<String>) {
        let Some(s) = schema.as_object() else {
            errs.push(format!("{path}: schema is not an object"));
            return;
        };
        for key in s.keys() {
            let known = [
                "$schema",
                "$ref",
                "$defs",
                "title",
                "description",
                "type",
                "enum",
                "properties",
                "required",
                "additionalProperties",
                "items",
                "anyOf",
                "minimum",
                "maximum",
                "format",
                "pattern",
                "readOnly",
            ];
            assert!(known.contains(&key.as_str()), "keyword `{key}` not understood by the test validator");
        }
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix("#/$defs/").expect("local $ref");
            validate(root, &root["$defs"][name], v, path, errs);
        }
        if let Some(branches) = s.get("anyOf").and_then(Value::as_array) {
            let ok = branches.iter().any(|b| {
                let mut e = Vec::new();
                validate(root, b, v, path, &mut e);
                e.is_empty()
            });
            if !ok {
                errs.push(format!("{path}: matches no branch of anyOf: {v}"));
            }
        }
        if let Some(t) = s.get("type") {
            let types: Vec<&str> = match t {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            let fits = types.iter().any(|t| match *t {
                "null" => v.is_null(),
                "string" => v.is_string(),
                "number" => v.is_number(),
                "integer" => v.is_i64() || v.is_u64(),
                "array" => v.is_array(),
                "object" => v.is_object(),
                "boolean" => v.is_boolean(),
                other => panic!("unknown type {other}"),
            });
            if !fits {
                errs.push(format!("{path}: {v} is not {types:?}"));
                return;
            }
        }
        if let Some(values) = s.get("enum").and_then(Value::as_array)
            && !values.contains(v)
        {
            errs.push(format!("{path}: {v} not in {values:?}"));
        }
        if let Some(n) = v.as_f64() {
            if s.get("minimum").and_then(Value::as_f64).is_some_and(|m| n < m) {
                errs.push(format!("{path}: {n} below minimum"));
            }
            if s.get("maximum").and_then(Value::as_f64).is_some_and(|m| n > m) {
                errs.push(format!("{path}: {n} above maximum"));
            }
        }
        if let Some(text) = v.as_str() {
            let ok = match s.get("pattern").and_then(Value::as_str) {
                None => true,
                Some(DATE_PATTERN) => NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() && text.len() == 10,
                Some(DATETIME_PATTERN) => {
                    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").is_ok() && text.len() == 16
                }
                Some(CODE_PATTERN) => {
                    text.starts_with(|c: char| c.is_ascii_lowercase())
                        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                }
                Some(r"^[A-Z]{1,3}[0-9]+$") => {
                    let letters = text.chars().take_while(char::is_ascii_uppercase).count();
                    (1..=3).contains(&letters)
                        && text.len() > letters
                        && text[letters..].chars().all(|c| c.is_ascii_digit())
                }
                Some(p) => panic!("pattern {p} not understood by the test validator"),
            };
            if !ok {
                errs.push(format!("{path}: {text:?} does not match its pattern"));
            }
        }
        if let Some(o) = v.as_object() {
            let props = s.get("properties").and_then(Value::as_object);
            for req in s.get("required").and_then(Value::as_array).into_iter().flatten() {
                if !o.contains_key(req.as_str().unwrap_or_default()) {
                    errs.push(format!("{path}: missing {req}"));
                }
            }
            for (k, val) in o {
                let p = format!("{path}/{k}");
                match props.and_then(|p| p.get(k)) {
                    Some(sub) => validate(root, sub, val, &p, errs),
                    None => match s.get("additionalProperties") {
                        Some(Value::Bool(false)) => errs.push(format!("{p}: not allowed")),
                        Some(sub @ Value::Object(_)) => validate(root, sub, val, &p, errs),
                        _ => {}
                    },
                }
            }
        }
        if let (Some(items), Some(a)) = (s.get("items"), v.as_array()) {
            for (i, x) in a.iter().enumerate() {
                validate(root, items, x, &format!("{path}/{i}"), errs);
            }
        }
    }

    fn errors(schema: &Value, v: &Value) -> Vec<String> {
        let mut e = Vec::new();
        validate(schema, schema, v, "", &mut e);
        e
    }

    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if let Some(r) = o.get("$ref").and_then(Value::as_str) {
                    out.push(r.to_string());
                }
                o.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    #[test]
    fn every_ref_resolves_and_every_field_is_described() {
        for schema in [project_schema(), document_schema()] {
            assert_eq!(schema["$schema"], DRAFT);
            let mut rs = Vec::new();
            refs(&schema, &mut rs);
            assert!(!rs.is_empty());
            for r in rs {
                let name = r.strip_prefix("#/$defs/").unwrap_or_else(|| panic!("non-local ref {r}"));
                assert!(schema["$defs"][name].is_object(), "{r} does not resolve");
            }
            for k in KINDS {
                let def = &schema["$defs"][k.key];
                let required = def["required"].as_array().unwrap();
                for f in k.fields {
                    let p = &def["properties"][f.key];
                    assert!(p.is_object(), "{}.{} missing", k.key, f.key);
                    assert!(required.contains(&json!(f.key)), "{}.{} not required as a key", k.key, f.key);
                    let d = p["description"].as_str().unwrap();
                    assert!(d.starts_with(&format!("{} / {}", f.label.zh_cn, f.label.en)), "{d}");
                    if let Type::Enum(e) = f.ty {
                        for v in e.values {
                            assert!(p["enum"].as_array().unwrap().contains(&json!(v.code)));
                            assert!(d.contains(v.label.zh_cn), "{d}");
                        }
                    }
                }
                assert_eq!(def["properties"]["extra"]["additionalProperties"]["type"], "string");
            }
        }
        let doc = document_schema();
        assert_eq!(doc["$defs"]["diagnostic"]["properties"]["severity"]["enum"], json!(["error", "warning", "info"]));
    }

    #[test]
    fn types_follow_the_catalogue() {
        let s = project_schema();
        let task = &s["$defs"]["task"]["properties"];
        assert_eq!(task["id"]["type"], "string"); // required: not nullable
        assert_eq!(task["planned_end"]["type"], json!(["string", "null"]));
        assert_eq!(task["planned_end"]["format"], "date");
        assert_eq!(task["updated_at"]["pattern"], DATETIME_PATTERN);
        assert_eq!(task["progress"]["maximum"], 100);
        assert_eq!(task["delay_days"]["type"], json!(["integer", "null"]));
        assert_eq!(task["delay_days"]["readOnly"], true);
        assert_eq!(task["depends_on"]["items"]["type"], "string");
        assert_eq!(task["status"]["enum"].as_array().unwrap().last(), Some(&Value::Null));
        let meeting = &s["$defs"]["meeting"]["properties"];
        assert_eq!(
            meeting["actions"],
            json!({ "type": "array", "items": { "$ref": "#/$defs/action" }, "description": "行动项 / Action items" })
        );
        assert_eq!(s["properties"]["requirement"]["anyOf"][1]["type"], "null");
        assert_eq!(s["properties"]["tasks"]["items"]["$ref"], "#/$defs/task");
    }

    /// Adds every absent field as JSON does: null, or [] for sub-tables (SPEC §3).
    fn complete(kind_key: &str, partial: Value) -> Value {
        let k = crate::schema::kind(kind_key).unwrap();
        let mut o = partial.as_object().cloned().unwrap();
        for f in k.fields {
            let v = match f.ty {
                Type::Sub(sub) => {
                    let rows = o.get(f.key).and_then(Value::as_array).cloned().unwrap_or_default();
                    Value::Array(rows.into_iter().map(|r| complete(sub, r)).collect())
                }
                _ => o.get(f.key).cloned().unwrap_or(Value::Null),
            };
            o.insert(f.key.into(), v);
        }
        Value::Object(o)
    }

    fn seed_project() -> Value {
        let p = |d: &str, n: Option<&str>| json!({ "department": d, "person": n });
        json!({
            "source": "samples/双十一",
            // seed 000 模板1
            "requirement": complete("requirement", json!({
                "id": "2024-MKT-001", "title": "2024年Q3新品上市推广", "department": "市场部",
                "initiator": p("市场部", Some("*")), "contact": "1385678",
                "goal": "3个月内实现新品销售额500万元",
                "departments": ["产品部", "销售部", "设计部", "渠道商A公司"],
                "deliverables": ["活动方案", "宣传物料", "销售数据报告"],
                "start": "2024-07-15", "end": "2024-09-30",
                "milestones": [{ "date": "2024-10-15", "name": "方案初稿" }],
                "resources": "预算20万元,设计师2名,线下场地5个",
                "priority": "P0", "status": "pending_review",
                "notes": "需保证活动符合最新广告法规定",
            })),
            // seed 000 模板2
            "tasks": [
                complete("task", json!({
                    "id": "1.1", "name": "活动方案设计", "owner": p("市场部", Some("*")),
                    "collaborators": [p("产品部", Some("*"))],
                    "planned_start": "2024-07-15", "planned_end": "2024-07-25", "actual_end": "2024-07-24",
                    "status": "done", "progress": 100, "deliverable": "《推广活动方案V1.0》", "priority": "P0",
                    "delay_days": 0,
                })),
                complete("task", json!({
                    "id": "2.1", "name": "宣传物料制作", "owner": [p("设计部", None), p("市场部", None)],
                    "planned_start": "2024-07-26", "planned_end": "2024-08-05", "status": "blocked",
                    "progress": 60, "priority": "P1", "updated_at": "2023-09-11T14:30", "delay_days": 1,
                })),
            ],
            // seed 000 模板3
            "risks": [complete("risk", json!({
                "id": "001", "type": "risk", "description": "宣传物料设计不符合品牌规范", "impact": "high",
                "owner": p("设计部", Some("*")), "raised_on": "2024-08-06", "due": "2024-08-07",
                "resolved_on": "2024-08-07", "measures": "重新设计,增加品牌审核环节",
                "status": "resolved", "result": "已解决",
            }))],
            // seed 003 三(三) with seed 001 步骤1 actions
            "meetings": [complete("meeting", json!({
                "title": "“双十一大促方案”评审会", "start": "2023-09-15T14:00", "end": "2023-09-15T16:00",
                "departments": ["市场部", "销售部", "电商部", "财务部"],
                "summary": "1. 市场部汇报活动整体框架", "decisions": ["活动周期定为11.1-11.11"],
                "attendees": [{ "name": "张三", "department": "市场部", "role": "decision_maker" }],
                "agenda": [{ "topic": "开场", "minutes": 5, "owner": p("市场部", Some("张三")) }],
                "actions": [{
                    "description": "整理Q3预算分配表", "owner": p("财务部", Some("赵六")), "due": "2023-06-30",
                    "standard": "包含各部门额度、使用场景、KPI", "priority": "P0",
                }],
            }))],
            // seed 000 模板4
            "retrospective": complete("retrospective", json!({
                "project": "2024年Q3新品上市推广活动", "accepted_on": "2024-10-10", "department": "市场部",
                "metrics": [{
                    "name": "销售额", "target": { "value": 5000000, "unit": "元" },
                    "actual": { "value": 5200000, "unit": "元" }, "achievement": 104,
                }],
                "quality": "excellent", "quality_comment": "方案执行到位,数据完整",
                "highlights": ["跨部门周例会机制高效,信息同步及时"],
                "reviewer": p("市场部", Some("*")),
                "extra": { "复报确认": "各部门负责人签字" },
            })),
            "signoffs": [complete("signoff", json!({
                "stage": "requirement_review", "name": "张三", "department": "产品部",
                "decision": "approved", "date": "2024-07-10",
            }))],
            "actions": [complete("action", json!({
                "id": "A-1", "description": "确认预热视频脚本", "owner": p("市场部", Some("李娜")),
                "due": "2024-08-05", "standard": "脚本终稿", "status": "in_progress", "meeting": "2024-08-01",
            }))],
        })
    }

    #[test]
    fn a_seed_shaped_project_validates() {
        let s = project_schema();
        let project = seed_project();
        assert_eq!(errors(&s, &project), Vec::<String>::new());
        let doc = json!({
            "projects": [project],
            "diagnostics": [{
                "severity": "warning", "code": "delay", "message": "任务 2.1 延期", "file": "计划表.xlsx",
                "sheet": "任务分工", "cell": "F7", "line": null, "field": "planned_end", "record": "2.1",
                "value": "2024-08-05", "expected": null, "hint": null,
            }],
        });
        assert_eq!(errors(&document_schema(), &doc), Vec::<String>::new());
    }

    #[test]
    fn wrong_shapes_are_rejected() {
        let s = project_schema();
        let broken = |path: &[&str], value: Value| {
            let mut p = seed_project();
            let mut at = &mut p;
            for key in &path[..path.len() - 1] {
                at = match key.parse::<usize>() {
                    Ok(i) => &mut at[i],
                    Err(_) => &mut at[*key],
                };
            }
            at[path[path.len() - 1]] = value;
            errors(&s, &p)
        };
        assert!(!broken(&["tasks", "0", "status"], json!("进行中")).is_empty(), "label instead of code");
        assert!(!broken(&["tasks", "0", "planned_end"], json!("2024/07/25")).is_empty(), "non-ISO date");
        assert!(!broken(&["tasks", "0", "updated_at"], json!("2024-07-25 14:00")).is_empty(), "space in datetime");
        assert!(!broken(&["tasks", "0", "progress"], json!(120)).is_empty(), "percent over 100");
        assert!(!broken(&["tasks", "0", "id"], Value::Null).is_empty(), "required id null");
        assert!(!broken(&["tasks", "0", "surprise"], json!("x")).is_empty(), "unknown key");
        assert!(!broken(&["risks", "0", "owner"], json!("设计部")).is_empty(), "party as text");
        assert!(!broken(&["retrospective", "metrics", "0", "target"], json!({ "value": 1 })).is_empty());
        assert!(!broken(&["meetings", "0", "actions"], Value::Null).is_empty(), "sub-table null");
        assert!(!broken(&["requirement"], json!([])).is_empty());
        let mut p = seed_project();
        p.as_object_mut().unwrap().remove("signoffs");
        assert!(!errors(&s, &p).is_empty(), "missing member");
    }

    #[test]
    fn the_json_output_validates() {
        let file: std::sync::Arc<str> = "计划表.xlsx".into();
        let loc = Location::line(&file, 1);
        let field = |value: V| Field { value, raw: String::new(), loc: loc.clone() };
        let mut task = Record::new("task", loc.clone());
        let party = |d: &str| Party { department: Some(d.into()), person: Some("*".into()) };
        task.fields.insert("id", field(V::Text("1.1".into())));
        task.fields.insert("name", field(V::Text("活动方案设计".into())));
        task.fields.insert("owner", field(V::Party(party("市场部"))));
        task.fields.insert("collaborators", field(V::Parties(vec![party("产品部")])));
        task.fields.insert("planned_end", field(V::Date(NaiveDate::from_ymd_opt(2024, 7, 25).unwrap())));
        task.fields.insert("status", field(V::Enum("done")));
        task.fields.insert("progress", field(V::Percent(100.0)));
        task.fields.insert("delay_days", field(V::Int(0)));
        task.extra.insert("备注".into(), "x".into());
        let mut metric = Record::new("metric", loc.clone());
        metric.fields.insert("name", field(V::Text("销售额".into())));
        metric.fields.insert("target", field(V::Quantity(Quantity { value: 5e6, unit: "元".into() })));
        metric.fields.insert("actual", field(V::Quantity(Quantity { value: 5.2e6, unit: "元".into() })));
        metric.fields.insert("achievement", field(V::Percent(104.0)));
        let mut retro = Record::new("retrospective", loc.clone());
        retro.fields.insert("project", field(V::Text("x".into())));
        retro.fields.insert("accepted_on", field(V::Date(NaiveDate::from_ymd_opt(2024, 10, 10).unwrap())));
        retro.fields.insert("metrics", field(V::Records(vec![metric])));
        let project = Project {
            source: "计划表.xlsx".into(),
            tasks: vec![task],
            retrospective: Some(retro),
            ..Project::default()
        };
        let out = crate::json::project(&project);
        assert_eq!(errors(&project_schema(), &out), Vec::<String>::new(), "{out:#}");
    }
}
