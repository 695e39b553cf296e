//! The suggested mapping as YAML: one rule per sheet, each line with its evidence, uncertain
//! lines marked "check this". Always valid YAML that [`Mapping::parse`] reads back.

use super::SheetPlan;
use crate::mapping::{Mapping, SheetKind};
use crate::model::{L10n, Lang};
use crate::schema::normalize;

const HEAD: L10n = L10n::new(
    "# dossier 映射文件（由 `dossier map suggest` 根据表头和单元格内容生成）。\n\
     # 每行注释是依据；标有“请核对”的行请逐一检查。`~` 表示该列不是字段（保留为 extra）。\n\
     # 使用：dossier check <文件> --map <本文件>",
    "# dossier 對應檔（由 `dossier map suggest` 根據表頭和儲存格內容產生）。\n\
     # 每列註解是依據；標有「請核對」的列請逐一檢查。`~` 表示該欄不是欄位（保留為 extra）。\n\
     # 使用：dossier check <檔案> --map <本檔案>",
    "# dossier mapping (written by `dossier map suggest` from the headers and the cells).\n\
     # Each comment gives the evidence; check every line marked “check this”. `~` means the\n\
     # column is not a field (its values are kept as extra).\n\
     # Use: dossier check <files> --map <this file>",
);
const CHECK: L10n = L10n::new("请核对", "請核對", "check this");
const HIGH: L10n = L10n::new("把握高", "把握高", "sure");
const MEDIUM: L10n = L10n::new("把握中等", "把握中等", "likely");

/// The confidence note of a column line: `; sure`, `; likely`, or `; check this`.
fn confidence(score: f64, mapped: bool, lang: Lang) -> String {
    let word = if !mapped || score >= 0.85 {
        HIGH
    } else if score >= 0.6 {
        MEDIUM
    } else {
        CHECK
    };
    format!("{}{}", super::words::SEP.get(lang), word.get(lang))
}
const SKIPPED: L10n = L10n::new("跳过", "略過", "skipped");

/// The whole file: the existing mapping's aliases (kept as written), then a rule per sheet.
pub(super) fn yaml(plans: &[SheetPlan], existing: &Mapping, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(HEAD.get(lang));
    out.push('\n');
    if !existing.aliases.is_empty() {
        out.push('\n');
        for a in &existing.aliases {
            let group = a.kind.collection.unwrap_or(a.kind.key);
            let field = a.field.map_or("~".to_string(), |f| f.key.to_string());
            out.push_str(&format!("{group}:\n  {}: {field}\n", quote(&a.header)));
        }
    }
    // Rules of the existing mapping for sheets not seen here stay as they were.
    let unseen: Vec<_> = existing
        .sheets
        .iter()
        .filter(|r| {
            !plans.iter().any(|p| existing.rule(&p.file, &p.sheet).is_some_and(|x| std::sync::Arc::ptr_eq(x, r)))
        })
        .collect();
    if plans.is_empty() && unseen.is_empty() {
        return out;
    }
    out.push_str("\nsheets:\n");
    // A sheet name used in several files needs its file named too.
    let repeated = |p: &SheetPlan| plans.iter().filter(|q| normalize(&q.sheet) == normalize(&p.sheet)).count() > 1;
    for p in plans {
        sheet(&mut out, p, repeated(p), lang);
    }
    for r in unseen {
        let plan = SheetPlan {
            file: String::new(),
            sheet: r.pattern.clone(),
            ..SheetPlan::skip("", &r.pattern, String::new())
        };
        let mut plan = plan;
        plan.keep(r, lang);
        let file = r.file.clone();
        sheet_with_file(&mut out, &plan, file, lang);
    }
    out
}

fn sheet(out: &mut String, p: &SheetPlan, with_file: bool, lang: Lang) {
    let file = with_file.then(|| {
        std::path::Path::new(&p.file).file_name().map_or(p.file.clone(), |n| n.to_string_lossy().into_owned())
    });
    sheet_with_file(out, p, file, lang);
}

/// A sheet's rule; with a file, keyed `"file › sheet"` (one sheet name in several files).
fn sheet_with_file(out: &mut String, p: &SheetPlan, file: Option<String>, lang: Lang) {
    let check = CHECK.get(lang);
    let key = match &file {
        Some(f) => format!("{f}{}{}", crate::mapping::FILE_SHEET, p.sheet),
        None => p.sheet.clone(),
    };
    out.push_str(&format!("\n  {}:\n", quote(&key)));
    let why = if p.kind == SheetKind::Skip { format!("{}: {}", SKIPPED.get(lang), p.why) } else { p.why.clone() };
    out.push_str(&format!("    kind: {}  # {}\n", p.kind.name(), comment(&why)));
    if p.kind == SheetKind::Skip {
        return;
    }
    if let Some(r) = p.header_row {
        out.push_str(&format!("    header_row: {r}\n"));
    }
    if !p.columns.is_empty() {
        out.push_str("    columns:\n");
        // The reader knows a header by its text: a repeated header takes the first decision.
        let mut seen = std::collections::BTreeSet::new();
        for c in p.columns.iter().filter(|c| seen.insert(normalize(&c.header))) {
            let target = c.target.map_or("~".to_string(), |t| t.key());
            let mark = confidence(c.confidence, c.target.is_some(), lang);
            out.push_str(&format!("      {}: {target}  # {}{mark}\n", quote(&c.header), comment(&c.evidence)));
        }
    }
    if !p.values.is_empty() {
        out.push_str("    values:\n");
        for v in &p.values {
            out.push_str(&format!("      {}:\n", v.target.key()));
            let mut seen = std::collections::BTreeSet::new();
            for (word, value, ev, sure) in v.words.iter().filter(|w| seen.insert(normalize(&w.0))) {
                let code = value.map_or("~", |v| v.code);
                let mark = if *sure { String::new() } else { format!("{}{check}", super::words::SEP.get(lang)) };
                out.push_str(&format!("        {}: {code}  # {}{mark}\n", quote(word), comment(ev)));
            }
        }
    }
    if !p.set.is_empty() {
        out.push_str("    set:\n");
        for (t, value, ev) in &p.set {
            out.push_str(&format!("      {}: {}  # {}\n", t.key(), quote(value), comment(ev)));
        }
    }
    if let Some((ids, ev)) = &p.ids {
        out.push_str(&format!("    ids: {}  # {}\n", quote(ids), comment(ev)));
    }
    if let Some((order, ev, sure)) = &p.dates {
        let mark = if *sure { String::new() } else { format!("{}{check}", super::words::SEP.get(lang)) };
        out.push_str(&format!("    dates: {}  # {}{mark}\n", order.name(), comment(ev)));
    }
}

/// A YAML double-quoted string (JSON's escapes are YAML's).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Comment text on one line.
fn comment(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}
