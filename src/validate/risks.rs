//! The risk and issue register (seed 000 模板3): high risks resolved on time, resolution dated.

use super::{Check, MaybeValue, iso, raw, show_when};
use crate::model::{L10n, Record};

/// Risk statuses that mean "no longer open".
fn settled(r: &Record) -> bool {
    matches!(r.code("status"), Some("resolved" | "closed"))
}

const OVERDUE: L10n = L10n::new(
    "{who}：影响等级为“{impact}”，{due_label}为{due}，截至{as_of}已逾期{days}天仍未解决",
    "{who}：影響等級為「{impact}」，{due_label}為{due}，截至{as_of}已逾期{days}天仍未解決",
    "{who}: {impact} impact, {due_label} {due}, still open {days} days later (as of {as_of})",
);
const OVERDUE_EXPECTED: L10n = L10n::new(
    "在{due}前解决并更新解决状态",
    "在{due}前解決並更新解決狀態",
    "resolved by {due}, with the status updated",
);
const OVERDUE_HINT: L10n = L10n::new(
    "由责任人牵头召开专题会明确解决方案及完成时限；已解决的，更新“解决状态”“实际解决时间”和“处理结果”",
    "由責任人牽頭召開專題會明確解決方案及完成時限；已解決的，更新「解決狀態」「實際解決時間」和「處理結果」",
    "the owner calls a dedicated meeting to agree the fix and deadline; if it is already fixed, update the status, resolution date and result",
);

/// seed 000 二(五): 风险识别…计划解决时间; 问题处理…召开专题会 — a high-impact risk still
/// open after its planned resolution date (against `--as-of`).
pub(super) fn risk_overdue(c: &mut Check<'_>) {
    let as_of = c.ctx.as_of;
    for r in &c.project.risks {
        if r.code("impact") != Some("high") || settled(r) || r.date("resolved_on").is_some() {
            continue;
        }
        let Some(due) = r.date("due").filter(|&d| d < as_of) else { continue };
        let (due_s, as_of_s, days) = (show_when(r, "due"), iso(as_of), (as_of - due).num_days().to_string());
        let msg = c.t(
            OVERDUE,
            &[
                ("who", &c.name(r)),
                ("impact", c.enum_label("risk", "impact", "high")),
                ("due_label", c.label("risk", "due")),
                ("due", &due_s),
                ("as_of", &as_of_s),
                ("days", &days),
            ],
        );
        let d = c
            .at(r.loc_of("due"), msg)
            .field("due")
            .record(r.id())
            .maybe_value(raw(r, "due"))
            .expected(c.t(OVERDUE_EXPECTED, &[("due", &due_s)]))
            .hint(c.t(OVERDUE_HINT, &[]));
        c.push(d);
    }
}

const UNDATED: L10n = L10n::new(
    "{who}的解决状态为“{status}”，但未填写{label}",
    "{who}的解決狀態為「{status}」，但未填寫{label}",
    "{who}: status is “{status}” but {label} is empty",
);
const UNDATED_EXPECTED: L10n = L10n::new("实际解决日期", "實際解決日期", "the date it was resolved");
const UNDATED_HINT: L10n =
    L10n::new("补填{label}（YYYY-MM-DD）", "補填{label}（YYYY-MM-DD）", "fill in {label} (YYYY-MM-DD)");

/// seed 000 模板3: 实际解决时间 — a resolved or closed entry says when.
pub(super) fn resolved_date(c: &mut Check<'_>) {
    for r in &c.project.risks {
        let Some(status) = r.code("status").filter(|_| settled(r)) else { continue };
        if r.date("resolved_on").is_some() {
            continue;
        }
        let label = c.label("risk", "resolved_on");
        let msg =
            c.t(UNDATED, &[("who", &c.name(r)), ("status", c.enum_label("risk", "status", status)), ("label", label)]);
        let d = c
            .at(r.loc_of("status"), msg)
            .field("resolved_on")
            .record(r.id())
            .maybe_value(raw(r, "resolved_on"))
            .expected(c.t(UNDATED_EXPECTED, &[]))
            .hint(c.t(UNDATED_HINT, &[("label", label)]));
        c.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::model::{Lang, Project};

    fn risks(rs: Vec<crate::model::Record>) -> Project {
        Project { risks: rs, ..Project::default() }
    }

    #[test]
    fn a_high_risk_open_past_its_due_date_is_a_warning() {
        // seed 000 二(五): 影响等级(高/中/低)、责任人、计划解决时间
        let p = risks(vec![
            rec("risk")
                .f("id", text("003"))
                .f("description", text("线下活动场地临时取消"))
                .f("impact", code("high"))
                .f("due", date("2024-08-01"))
                .f("status", code("in_progress"))
                .build(),
        ]);
        let d = run("risk-overdue", &p, &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field.as_deref(), Some("due"));
        assert_eq!(d[0].message, "风险 003：影响等级为“高”，计划解决时间为2024-08-01，截至2024-08-10已逾期9天仍未解决");
        let d = run("risk-overdue", &p, &ctx_in(Lang::En));
        assert_eq!(d[0].message, "Risk 003: High impact, Due 2024-08-01, still open 9 days later (as of 2024-08-10)");
    }

    #[test]
    fn resolved_medium_or_not_yet_due_risks_pass() {
        // seed 000 模板3 rows 001–003: all resolved.
        let p = risks(vec![
            rec("risk")
                .f("id", text("001"))
                .f("impact", code("high"))
                .f("due", date("2024-08-07"))
                .f("status", code("resolved"))
                .build(),
            rec("risk").f("id", text("002")).f("impact", code("medium")).f("due", date("2024-08-01")).build(),
            rec("risk").f("id", text("004")).f("impact", code("high")).f("due", date("2024-08-10")).build(),
            rec("risk")
                .f("id", text("005"))
                .f("impact", code("high"))
                .f("due", date("2024-08-01"))
                .f("resolved_on", date("2024-08-02"))
                .build(),
        ]);
        assert!(run("risk-overdue", &p, &ctx()).is_empty());
    }

    #[test]
    fn a_resolved_risk_without_its_date_is_a_warning_at_the_status() {
        // seed 000 模板3: 实际解决时间 column.
        let p = risks(vec![
            rec("risk").f("id", text("001")).f("status", code("resolved")).f("resolved_on", date("2024-08-07")).build(),
            rec("risk").f("id", text("002")).f("status", code("closed")).build(),
            rec("risk").f("id", text("003")).f("status", code("open")).build(),
        ]);
        let d = run("resolved-date", &p, &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].record.as_deref(), Some("002"));
        assert_eq!(d[0].field.as_deref(), Some("resolved_on"));
        assert_eq!(d[0].loc.line, Some(4));
        assert_eq!(d[0].message, "风险 002的解决状态为“已关闭”，但未填写实际解决时间");
    }
}
