//! The JSON shape of SPEC §3: projects with records under canonical keys, and diagnostics.

use serde_json::{Map, Value as Json, json};

use crate::diag::Diagnostic;
use crate::model::{Party, Project, Record, Value};
use crate::schema::{self, Type};

/// One project object: every kind, every field of the catalogue, absent values as null.
pub fn project(p: &Project) -> Json {
    let mut o = Map::new();
    o.insert("source".into(), json!(p.source));
    o.insert("requirement".into(), p.requirement.as_ref().map_or(Json::Null, record));
    o.insert("tasks".into(), Json::Array(p.tasks.iter().map(record).collect()));
    o.insert("risks".into(), Json::Array(p.risks.iter().map(record).collect()));
    o.insert("meetings".into(), Json::Array(p.meetings.iter().map(record).collect()));
    o.insert("retrospective".into(), p.retrospective.as_ref().map_or(Json::Null, record));
    o.insert("signoffs".into(), Json::Array(p.signoffs.iter().map(record).collect()));
    o.insert("actions".into(), Json::Array(p.actions.iter().map(record).collect()));
    Json::Object(o)
}

/// A record with its fields in catalogue order; `extra` only when columns were kept.
pub fn record(r: &Record) -> Json {
    let mut o = Map::new();
    if let Some(kind) = schema::kind(r.kind) {
        for f in kind.fields {
            let v = match r.get(f.key) {
                Some(v) => value(v),
                None if matches!(f.ty, Type::Sub(_)) => Json::Array(Vec::new()),
                None => Json::Null,
            };
            o.insert(f.key.into(), v);
        }
    }
    if !r.extra.is_empty() {
        o.insert("extra".into(), json!(r.extra));
    }
    Json::Object(o)
}

pub fn value(v: &Value) -> Json {
    match v {
        Value::Text(s) => json!(s),
        Value::List(items) => json!(items),
        Value::Date(d) => json!(crate::model::iso_date(*d)),
        Value::DateTime(dt) => json!(dt.format("%Y-%m-%dT%H:%M").to_string()),
        Value::Int(i) => json!(i),
        Value::Percent(p) => number(*p),
        Value::Quantity(q) => json!({ "value": number(q.value), "unit": q.unit }),
        Value::Party(p) => party(p),
        Value::Parties(ps) => Json::Array(ps.iter().map(party).collect()),
        Value::Enum(code) => json!(code),
        Value::Records(rs) => Json::Array(rs.iter().map(record).collect()),
    }
}

fn party(p: &Party) -> Json {
    json!({ "department": p.department, "person": p.person })
}

/// Whole numbers print without a fraction (`80`, not `80.0`), so snapshots read naturally.
fn number(v: f64) -> Json {
    if v.fract() == 0.0 && v.abs() < 9e15 { json!(v as i64) } else { json!(v) }
}

pub fn diagnostic(d: &Diagnostic) -> Json {
    json!({
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "file": &*d.loc.file,
        "sheet": d.loc.sheet.as_deref(),
        "cell": d.loc.cell,
        "line": d.loc.line,
        "field": d.field,
        "record": d.record,
        "value": d.value,
        "expected": d.expected,
        "hint": d.hint,
    })
}
