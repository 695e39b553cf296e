//! Builders for typed records, so rule tests read like the forms they stand for.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

use crate::diag::Diagnostic;
use crate::ingest::Ctx;
use crate::model::{Lang, Location, Party, Project, Quantity, Record, Value};
use crate::schema::Schema;

pub const FILE: &str = "t.md";

/// Settings of a test run: zh-CN, "today" 2024-08-10.
pub fn ctx() -> Ctx {
    ctx_in(Lang::ZhCn)
}

pub fn ctx_in(lang: Lang) -> Ctx {
    Ctx::new(lang, date_of("2024-08-10"), Schema::default())
}

/// Runs one rule over a project.
pub fn run(code: &str, project: &Project, ctx: &Ctx) -> Vec<Diagnostic> {
    let rule = super::find(code).unwrap_or_else(|| panic!("no rule {code}"));
    assert!(rule.checked_here(), "{code} is not checked by validate");
    let diags = super::run(rule, project, ctx);
    for d in &diags {
        assert_eq!(d.code, code);
        assert_eq!(d.severity, rule.severity);
    }
    diags
}

/// A record under construction; every field gets its own line after the record's.
pub struct B {
    rec: Record,
    next_line: u32,
}

pub fn rec(kind: &'static str) -> B {
    rec_at(kind, 2)
}

pub fn rec_at(kind: &'static str, line: u32) -> B {
    let file: Arc<str> = FILE.into();
    B { rec: Record::new(kind, Location::line(&file, line)), next_line: line + 1 }
}

pub fn task(id: &str) -> B {
    rec("task").f("id", text(id))
}

impl B {
    pub fn f(mut self, key: &'static str, value: Value) -> B {
        let file: Arc<str> = FILE.into();
        let raw = super::show(&value);
        let loc = Location::line(&file, self.next_line);
        self.next_line += 1;
        self.rec.fields.insert(key, crate::model::Field { value, raw, loc });
        self
    }

    /// Like [`B::f`], with the text as found in the input.
    pub fn raw(mut self, key: &'static str, value: Value, raw: &str) -> B {
        self = self.f(key, value);
        if let Some(f) = self.rec.fields.get_mut(key) {
            f.raw = raw.to_string();
        }
        self
    }

    pub fn build(self) -> Record {
        self.rec
    }
}

pub fn date_of(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

pub fn date(s: &str) -> Value {
    Value::Date(date_of(s))
}

pub fn dt(s: &str) -> Value {
    Value::DateTime(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test date-time"))
}

pub fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub fn code(c: &'static str) -> Value {
    Value::Enum(c)
}

pub fn pct(p: f64) -> Value {
    Value::Percent(p)
}

pub fn int(i: i64) -> Value {
    Value::Int(i)
}

pub fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| s.to_string()).collect())
}

pub fn qty(value: f64, unit: &str) -> Value {
    Value::Quantity(Quantity { value, unit: unit.to_string() })
}

/// `市场部*` or `市场部/张三`.
pub fn party_of(s: &str) -> Party {
    let (dept, person) = match s.split_once('/') {
        Some((d, p)) => (d, p),
        None => match s.strip_suffix('*') {
            Some(d) => (d, "*"),
            None => (s, ""),
        },
    };
    Party {
        department: Some(dept.to_string()).filter(|d| !d.is_empty()),
        person: Some(person.to_string()).filter(|p| !p.is_empty()),
    }
}

pub fn party(s: &str) -> Value {
    Value::Party(party_of(s))
}

pub fn parties(items: &[&str]) -> Value {
    Value::Parties(items.iter().map(|s| party_of(s)).collect())
}

pub fn subs(records: Vec<Record>) -> Value {
    Value::Records(records)
}
