//! The requirement (seed 000 模板1, 003 三(一)): departments involved, and the review
//! sign-offs that a confirmed requirement rests on (000 二(一) 评审通过后各方签字确认).

use std::collections::BTreeMap;

use super::{Check, MaybeValue, raw};
use crate::model::{L10n, Record};
use crate::schema::normalize;

/// Departments a cross-department requirement involves at least (003 三(一): 至少2个).
const MIN_DEPARTMENTS: usize = 2;

const FEW: L10n = L10n::new(
    "{who}的{label}只有{n}个（{list}），跨部门协作至少涉及{min}个部门",
    "{who}的{label}只有{n}個（{list}），跨部門協作至少涉及{min}個部門",
    "{who}: {label} lists {n} ({list}); a cross-department request involves at least {min}",
);
const FEW_EXPECTED: L10n = L10n::new("至少{min}个部门", "至少{min}個部門", "at least {min} departments");
const FEW_HINT: L10n = L10n::new(
    "列出所有需协作的内部/外部部门，用“、”分隔，如“产品部、销售部、设计部”",
    "列出所有需協作的內部/外部部門，用「、」分隔，如「產品部、銷售部、設計部」",
    "list every internal or external department involved, separated by commas, e.g. Product, Sales, Design",
);

/// Department names compare after [`normalize`]; `渠道商A` matches `渠道商A公司`.
fn same_department(a: &str, b: &str) -> bool {
    let (a, b) = (normalize(a), normalize(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.chars().count() <= b.chars().count() { (&a, &b) } else { (&b, &a) };
    a == b || (short.chars().count() >= 2 && long.contains(short.as_str()))
}

/// The requirement's departments, without blanks and repeats, as written.
fn involved(req: &Record) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for d in req.list("departments").iter().map(|s| s.trim()).filter(|s| !normalize(s).is_empty()) {
        if !out.iter().any(|o| normalize(o) == normalize(d)) {
            out.push(d);
        }
    }
    out
}

/// seed 003 三(一): 协作部门 — 需配合的部门(至少2个).
pub(super) fn departments(c: &mut Check<'_>) {
    let Some(req) = &c.project.requirement else { return };
    if req.field("departments").is_none() {
        return; // `required` reports it
    }
    let depts = involved(req);
    if depts.len() >= MIN_DEPARTMENTS {
        return;
    }
    let (n, min) = (depts.len().to_string(), MIN_DEPARTMENTS.to_string());
    let msg = c.t(
        FEW,
        &[
            ("who", &c.name(req)),
            ("label", c.label("requirement", "departments")),
            ("n", &n),
            ("list", &c.join(&depts)),
            ("min", &min),
        ],
    );
    let d = c
        .at(req.loc_of("departments"), msg)
        .field("departments")
        .record(req.id())
        .maybe_value(raw(req, "departments"))
        .expected(c.t(FEW_EXPECTED, &[("min", &min)]))
        .hint(c.t(FEW_HINT, &[]));
    c.push(d);
}

/// Requirement statuses reached only after the review passed.
fn past_review(req: &Record) -> Option<&'static str> {
    req.code("status").filter(|s| matches!(*s, "confirmed" | "in_progress" | "done"))
}

/// The requirement-review sign-offs with a decision, in file order.
fn reviews<'p>(c: &Check<'p>) -> impl Iterator<Item = &'p Record> {
    c.project.signoffs.iter().filter(|s| s.code("stage") == Some("requirement_review") && s.code("decision").is_some())
}

/// The sign-off that stands among several by one department: the latest dated one, and
/// among equal or missing dates the last written (a re-review supersedes a rejection).
fn standing<'a>(signoffs: impl Iterator<Item = &'a Record>) -> Option<&'a Record> {
    signoffs.fold(None, |cur: Option<&Record>, s| match cur {
        Some(c) if matches!((c.date("date"), s.date("date")), (Some(a), Some(b)) if b < a) => Some(c),
        _ => Some(s),
    })
}

const MISSING: L10n = L10n::new(
    "{who}的需求状态为“{status}”，但{dept}没有需求评审签字",
    "{who}的需求狀態為「{status}」，但{dept}沒有需求評審簽字",
    "{who}: status is “{status}” but {dept} has not signed the requirement review",
);
const MISSING_EXPECTED: L10n = L10n::new(
    "{dept}的需求评审签字（同意或有条件同意）",
    "{dept}的需求評審簽字（同意或有條件同意）",
    "a requirement_review sign-off (approved or conditional) from {dept}",
);
const MISSING_HINT: L10n = L10n::new(
    "评审通过后各方签字确认：补录{dept}的签字（阶段“需求评审”、意见“同意”），或在打印的签字单上签字",
    "評審通過後各方簽字確認：補錄{dept}的簽字（階段「需求評審」、意見「同意」），或在列印的簽字單上簽字",
    "every party signs once the review passes: add {dept}'s sign-off (stage requirement_review, decision approved), or have the printed sheet signed",
);

/// seed 000 二(一): 评审通过后各方签字确认,需求状态更新为“已确认” — each involved
/// department has an approving review sign-off once the requirement is confirmed or later.
/// A department whose standing sign-off rejects is `signoff-conflict`'s, not reported here.
pub(super) fn signoff_missing(c: &mut Check<'_>) {
    let Some(req) = &c.project.requirement else { return };
    let Some(status) = past_review(req) else { return };
    let status_label = c.enum_label("requirement", "status", status);
    for dept in involved(req) {
        let signed = standing(reviews(c).filter(|s| s.text("department").is_some_and(|d| same_department(d, dept))));
        if signed.is_some() {
            continue;
        }
        let msg = c.t(MISSING, &[("who", &c.name(req)), ("status", status_label), ("dept", dept)]);
        let d = c
            .at(req.loc_of("departments"), msg)
            .field("departments")
            .record(req.id())
            .value(dept)
            .expected(c.t(MISSING_EXPECTED, &[("dept", dept)]))
            .hint(c.t(MISSING_HINT, &[("dept", dept)]));
        c.push(d);
    }
}

const CONFLICT: L10n = L10n::new(
    "{who}的需求状态为“{status}”，但{signer}在需求评审中的意见为“{decision}”{date}",
    "{who}的需求狀態為「{status}」，但{signer}在需求評審中的意見為「{decision}」{date}",
    "{who}: status is “{status}” but {signer} decided “{decision}” in the requirement review{date}",
);
const CONFLICT_DATE: L10n = L10n::new("（{date}）", "（{date}）", " ({date})");
const CONFLICT_EXPECTED: L10n = L10n::new(
    "各方同意后才能确认需求",
    "各方同意後才能確認需求",
    "every party approves before the requirement is confirmed",
);
const CONFLICT_HINT: L10n = L10n::new(
    "重新评审并取得{dept}的同意（补录新的签字），或将需求状态改回“{pending}”",
    "重新評審並取得{dept}的同意（補錄新的簽字），或將需求狀態改回「{pending}」",
    "review again and record {dept}'s approval, or set the status back to “{pending}”",
);

/// seed 000 二(一): 评审通过后…需求状态更新为“已确认” — a requirement cannot be confirmed
/// (or in progress, or done) while a department's standing review sign-off rejects it.
pub(super) fn signoff_conflict(c: &mut Check<'_>) {
    let Some(req) = &c.project.requirement else { return };
    let Some(status) = past_review(req) else { return };
    let mut by_dept: BTreeMap<String, Vec<&Record>> = BTreeMap::new();
    for s in reviews(c) {
        by_dept.entry(normalize(s.text("department").unwrap_or_default())).or_default().push(s);
    }
    let mut rejected: Vec<&Record> = by_dept
        .into_values()
        .filter_map(|v| standing(v.into_iter()))
        .filter(|s| s.code("decision") == Some("rejected"))
        .collect();
    rejected.sort_by(|a, b| a.loc.cmp(&b.loc));
    let status_label = c.enum_label("requirement", "status", status);
    for s in rejected {
        let dept = s.text("department").map(str::trim).unwrap_or_default();
        let signer = match s.text("name").map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) if !dept.is_empty() => format!("{dept} {n}"),
            Some(n) => n.to_string(),
            None => dept.to_string(),
        };
        let date = s.date("date").map(|d| c.t(CONFLICT_DATE, &[("date", &super::iso(d))])).unwrap_or_default();
        let msg = c.t(
            CONFLICT,
            &[
                ("who", &c.name(req)),
                ("status", status_label),
                ("signer", &signer),
                ("decision", c.enum_label("signoff", "decision", "rejected")),
                ("date", &date),
            ],
        );
        let pending = c.enum_label("requirement", "status", "pending_review");
        let d = c
            .at(s.loc_of("decision"), msg)
            .field("decision")
            .record(req.id())
            .maybe_value(raw(s, "decision"))
            .expected(c.t(CONFLICT_EXPECTED, &[]))
            .hint(c.t(CONFLICT_HINT, &[("dept", if dept.is_empty() { &signer } else { dept }), ("pending", pending)]));
        c.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::same_department;
    use crate::model::{Lang, Project, Record};

    fn req(status: &'static str, depts: &[&str]) -> Record {
        rec_at("requirement", 1)
            .f("id", text("2024-MKT-001"))
            .f("status", code(status))
            .f("departments", list(depts))
            .build()
    }

    fn review(dept: &str, decision: &'static str, on: &str) -> Record {
        rec_at("signoff", 40)
            .f("stage", code("requirement_review"))
            .f("name", text("*"))
            .f("department", text(dept))
            .f("decision", code(decision))
            .f("date", date(on))
            .build()
    }

    #[test]
    fn a_requirement_with_one_department_is_a_warning() {
        // seed 003 三(一): 协作部门 需配合的部门(至少2个)
        let p =
            Project { requirement: Some(req("pending_review", &["销售部", " 销售部"])), ..Project::default() };
        let d = run("departments", &p, &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field.as_deref(), Some("departments"));
        assert_eq!(d[0].message, "需求 2024-MKT-001的涉及部门只有1个（销售部），跨部门协作至少涉及2个部门");
    }

    #[test]
    fn the_seed_requirement_with_four_departments_passes() {
        // seed 000 模板1: 产品部、销售部、设计部、渠道商A公司
        let p = Project {
            requirement: Some(req("pending_review", &["产品部", "销售部", "设计部", "渠道商A公司"])),
            ..Project::default()
        };
        assert!(run("departments", &p, &ctx()).is_empty());
        // No departments field at all is `required`'s to report.
        let p = Project {
            requirement: Some(rec("requirement").f("id", text("2024-MKT-001")).build()),
            ..Project::default()
        };
        assert!(run("departments", &p, &ctx()).is_empty());
    }

    #[test]
    fn a_confirmed_requirement_needs_every_department_to_sign() {
        // seed 000 二(一): 评审通过后各方签字确认,需求状态更新为“已确认”
        let p = Project {
            requirement: Some(req("confirmed", &["产品部", "销售部", "渠道商A公司"])),
            signoffs: vec![
                review("产品部", "approved", "2024-07-10"),
                review("渠道商A", "conditional", "2024-07-10"),
                rec("signoff")
                    .f("stage", code("acceptance"))
                    .f("department", text("销售部"))
                    .f("decision", code("approved"))
                    .build(),
            ],
            ..Project::default()
        };
        let d = run("signoff-missing", &p, &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].value.as_deref(), Some("销售部"));
        assert_eq!(d[0].message, "需求 2024-MKT-001的需求状态为“已确认”，但销售部没有需求评审签字");
        let d = run("signoff-missing", &p, &ctx_in(Lang::En));
        assert_eq!(
            d[0].message,
            "Requirement 2024-MKT-001: status is “Confirmed” but 销售部 has not signed the requirement review"
        );
    }

    #[test]
    fn a_requirement_awaiting_review_needs_no_signatures_yet() {
        let p = Project { requirement: Some(req("pending_review", &["产品部", "销售部"])), ..Project::default() };
        assert!(run("signoff-missing", &p, &ctx()).is_empty());
        let p = Project {
            requirement: Some(req("done", &["产品部", "销售部"])),
            signoffs: vec![review("产品部", "approved", "2024-07-10"), review("销售部", "approved", "2024-07-11")],
            ..Project::default()
        };
        assert!(run("signoff-missing", &p, &ctx()).is_empty());
    }

    #[test]
    fn a_confirmed_requirement_that_a_department_rejected_is_an_error() {
        // seed 000 二(一): only 评审通过后 (after the review passed) is the status 已确认.
        let p = Project {
            requirement: Some(req("confirmed", &["产品部", "销售部"])),
            signoffs: vec![review("产品部", "approved", "2024-07-10"), review("销售部", "rejected", "2024-07-10")],
            ..Project::default()
        };
        let d = run("signoff-conflict", &p, &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field.as_deref(), Some("decision"));
        assert_eq!(
            d[0].message,
            "需求 2024-MKT-001的需求状态为“已确认”，但销售部 *在需求评审中的意见为“驳回”（2024-07-10）"
        );
        // …and signoff-missing leaves that department to this rule.
        assert!(run("signoff-missing", &p, &ctx()).is_empty());
    }

    #[test]
    fn a_later_approval_supersedes_a_rejection() {
        let p = Project {
            requirement: Some(req("confirmed", &["产品部", "销售部"])),
            signoffs: vec![
                review("销售部", "approved", "2024-07-12"),
                review("销售部", "rejected", "2024-07-10"),
                review("产品部", "approved", "2024-07-10"),
            ],
            ..Project::default()
        };
        assert!(run("signoff-conflict", &p, &ctx()).is_empty());
        assert!(run("signoff-missing", &p, &ctx()).is_empty());
        let pending = Project {
            requirement: Some(req("pending_review", &["销售部"])),
            signoffs: vec![review("销售部", "rejected", "2024-07-10")],
            ..Project::default()
        };
        assert!(run("signoff-conflict", &pending, &ctx()).is_empty());
    }

    #[test]
    fn departments_match_by_name_or_a_clear_part_of_it() {
        assert!(same_department("市场部", " 市場部"));
        assert!(same_department("渠道商A", "渠道商A公司"));
        assert!(!same_department("部", "市场部"));
        assert!(!same_department("", ""));
    }
}
