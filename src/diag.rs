//! Diagnostics are values: every stage pushes them into a list and goes on.

use serde::{Deserialize, Serialize};

use crate::model::Location;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One finding: what (code), where (location, field, record), the value seen,
/// what was expected and how to fix it. `message` is already in the run's language.
#[derive(Clone, Debug, PartialEq, Serialize)]
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

impl<'de> Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Diagnostic, D::Error> {
        #[derive(Deserialize)]
        struct Owned {
            severity: Severity,
            code: String,
            message: String,
            loc: Location,
            field: Option<String>,
            record: Option<String>,
            value: Option<String>,
            expected: Option<String>,
            hint: Option<String>,
        }
        let o = Owned::deserialize(d)?;
        Ok(Diagnostic {
            severity: o.severity,
            code: crate::model::intern(&o.code),
            message: o.message,
            loc: o.loc,
            field: o.field,
            record: o.record,
            value: o.value,
            expected: o.expected,
            hint: o.hint,
        })
    }
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

/// An operating-system error as a user reads it, in `lang` (the OS's own text is English
/// whatever the user's language): "找不到该文件或文件夹", "permission denied" …
pub fn io_message(e: &std::io::Error, lang: crate::model::Lang) -> String {
    use std::io::ErrorKind as K;
    let l = crate::model::L10n::new;
    let text = match e.kind() {
        K::NotFound => l("找不到该文件或文件夹", "找不到該檔案或資料夾", "no such file or folder"),
        K::PermissionDenied => l("没有访问权限", "沒有存取權限", "permission denied"),
        K::AlreadyExists => l("已存在", "已存在", "it already exists"),
        K::IsADirectory => l("这是文件夹，不是文件", "這是資料夾，不是檔案", "it is a folder, not a file"),
        K::NotADirectory => l("这不是文件夹", "這不是資料夾", "it is not a folder"),
        K::StorageFull => l("磁盘空间已满", "磁碟空間已滿", "the disk is full"),
        K::ReadOnlyFilesystem => l("文件系统是只读的", "檔案系統是唯讀的", "the file system is read-only"),
        K::InvalidFilename => l("文件名过长或无效", "檔名過長或無效", "the file name is too long or invalid"),
        K::Interrupted | K::TimedOut => l("操作被中断", "操作被中斷", "the operation was interrupted"),
        _ => return e.to_string(),
    };
    text.get(lang).to_string()
}
