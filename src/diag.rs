//! Diagnostics are values: every stage pushes them into a list and goes on.

use serde::Serialize;

use crate::model::Location;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One finding: what (code), where (location, field, record), the value seen,
/// what was expected and how to fix it. `message` is already in the run's language.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, e.g. `date-order` (SPEC §3) or `file-unreadable`.
    pub code: &'static str,
    pub message: String,
    pub loc: Location,
    /// Canonical field key.
    pub field: Option<String>,
    /// Id of the record concerned (task `2.2`, risk `001`, …).
    pub record: Option<String>,
    /// The text as found.
    pub value: Option<String>,
    pub expected: Option<String>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: &'static str, loc: Location, message: String) -> Diagnostic {
        Diagnostic { severity, code, message, loc, field: None, record: None, value: None, expected: None, hint: None }
    }

    pub fn error(code: &'static str, loc: Location, message: String) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, loc, message)
    }

    pub fn warning(code: &'static str, loc: Location, message: String) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, loc, message)
    }

    pub fn info(code: &'static str, loc: Location, message: String) -> Diagnostic {
        Diagnostic::new(Severity::Info, code, loc, message)
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn record(mut self, record: Option<impl Into<String>>) -> Self {
        self.record = record.map(Into::into);
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Counts by severity, for summaries and exit codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Tally {
    pub fn of(diags: &[Diagnostic]) -> Tally {
        let mut t = Tally::default();
        for d in diags {
            t.add(d.severity);
        }
        t
    }

    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    pub fn merge(&mut self, other: Tally) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
    }
}
