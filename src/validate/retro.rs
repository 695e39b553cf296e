//! Acceptance and retrospective (seed 000 模板4): reviewed within a week, metrics comparable.

use chrono::Duration;

use super::{Check, MaybeValue, iso, raw, show_when};
use crate::model::L10n;
use crate::schema::halfwidth;

/// Days after acceptance by which the retrospective is held (000 二(六): 验收后1周内).
const WITHIN_DAYS: i64 = 7;

const LATE: L10n = L10n::new(
    "{who}：{reviewed_label}{reviewed}在{accepted_label}{accepted}之后{days}天，超过1周",
    "{who}：{reviewed_label}{reviewed}在{accepted_label}{accepted}之後{days}天，超過1週",
    "{who}: {reviewed_label} {reviewed} is {days} days after {accepted_label} {accepted}, more than a week",
);
const LATE_EXPECTED: L10n = L10n::new(
    "验收后1周内（不晚于 {limit}）",
    "驗收後1週內（不晚於 {limit}）",
    "within a week of acceptance (by {limit})",
);
const LATE_HINT: L10n = L10n::new(
    "验收后1周内由组长组织召开复盘会，趁记忆清晰总结亮点、问题和改进措施",
    "驗收後1週內由組長組織召開複盤會，趁記憶清晰總結亮點、問題和改進措施",
    "the lead holds the retrospective within a week of acceptance, while memories are fresh",
);

/// seed 000 二(六): 验收后1周内,组长组织召开复盘会.
pub(super) fn retro_late(c: &mut Check<'_>) {
    let Some(r) = &c.project.retrospective else { return };
    let (Some(accepted), Some(reviewed)) = (r.date("accepted_on"), r.date("reviewed_on")) else { return };
    let days = (reviewed - accepted).num_days();
    if days <= WITHIN_DAYS {
        return;
    }
    let msg = c.t(
        LATE,
        &[
            ("who", &c.name(r)),
            ("reviewed_label", c.label("retrospective", "reviewed_on")),
            ("reviewed", &show_when(r, "reviewed_on")),
            ("accepted_label", c.label("retrospective", "accepted_on")),
            ("accepted", &show_when(r, "accepted_on")),
            ("days", &days.to_string()),
        ],
    );
    let limit = iso(accepted + Duration::days(WITHIN_DAYS));
    let d = c
        .at(r.loc_of("reviewed_on"), msg)
        .field("reviewed_on")
        .record(r.text("project"))
        .maybe_value(raw(r, "reviewed_on"))
        .expected(c.t(LATE_EXPECTED, &[("limit", &limit)]))
        .hint(c.t(LATE_HINT, &[]));
    c.push(d);
}

const UNITS: L10n = L10n::new(
    "{who}的{target_label}单位为“{target_unit}”（{target}），{actual_label}单位为“{actual_unit}”（{actual}），无法计算达成率",
    "{who}的{target_label}單位為「{target_unit}」（{target}），{actual_label}單位為「{actual_unit}」（{actual}），無法計算達成率",
    "{who}: {target_label} is in “{target_unit}” ({target}) but {actual_label} is in “{actual_unit}” ({actual}); achievement cannot be computed",
);
const UNITS_EXPECTED: L10n =
    L10n::new("与目标值相同的单位（{unit}）", "與目標值相同的單位（{unit}）", "the target's unit ({unit})");
const UNITS_HINT: L10n = L10n::new(
    "目标值和实际值用同一单位填写，如“销售额520万元（目标500万元）”",
    "目標值和實際值用同一單位填寫，如「銷售額520萬元（目標500萬元）」",
    "write target and actual in the same unit, e.g. sales 5.2M CNY (target 5M CNY)",
);

/// Units compare as written after width and case folding (`万元` is already `元` once typed).
fn unit_key(u: &str) -> String {
    u.trim().chars().map(halfwidth).collect::<String>().to_lowercase()
}

/// seed 000 模板4: 目标达成情况 “销售额520万元(目标500万元,超额4%)” — target and actual in
/// one unit, or the achievement rate means nothing. A number without a unit is taken to be
/// in the other's unit.
pub(super) fn metric_units(c: &mut Check<'_>) {
    let Some(r) = &c.project.retrospective else { return };
    for m in r.records("metrics") {
        let (Some(target), Some(actual)) = (m.quantity("target"), m.quantity("actual")) else { continue };
        let (t, a) = (unit_key(&target.unit), unit_key(&actual.unit));
        if t.is_empty() || a.is_empty() || t == a {
            continue;
        }
        let (target_s, actual_s) = (show_when(m, "target"), show_when(m, "actual"));
        let msg = c.t(
            UNITS,
            &[
                ("who", &c.name(m)),
                ("target_label", c.label("metric", "target")),
                ("target_unit", &target.unit),
                ("target", &target_s),
                ("actual_label", c.label("metric", "actual")),
                ("actual_unit", &actual.unit),
                ("actual", &actual_s),
            ],
        );
        let d = c
            .at(m.loc_of("actual"), msg)
            .field("actual")
            .record(m.text("name"))
            .maybe_value(raw(m, "actual"))
            .expected(c.t(UNITS_EXPECTED, &[("unit", &target.unit)]))
            .hint(c.t(UNITS_HINT, &[]));
        c.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::model::{Lang, Project};

    fn retro(b: B) -> Project {
        Project { retrospective: Some(b.build()), ..Project::default() }
    }

    #[test]
    fn a_retrospective_more_than_a_week_after_acceptance_is_a_warning() {
        // seed 000 二(六): 验收后1周内,组长组织召开复盘会
        let p = retro(
            rec("retrospective")
                .f("project", text("2024年Q3新品上市推广活动"))
                .f("accepted_on", date("2024-10-10"))
                .f("reviewed_on", date("2024-10-18")),
        );
        let d = run("retro-late", &p, &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field.as_deref(), Some("reviewed_on"));
        assert_eq!(
            d[0].message,
            "验收与复盘“2024年Q3新品上市推广活动”：复盘日期2024-10-18在验收日期2024-10-10之后8天，超过1周"
        );
        assert_eq!(d[0].expected.as_deref(), Some("验收后1周内（不晚于 2024-10-17）"));
    }

    #[test]
    fn a_retrospective_within_a_week_passes() {
        let p = retro(rec("retrospective").f("accepted_on", date("2024-10-10")).f("reviewed_on", date("2024-10-17")));
        assert!(run("retro-late", &p, &ctx()).is_empty());
    }

    #[test]
    fn metric_target_and_actual_in_different_units_is_an_error() {
        // seed 000 模板4: 销售额520万元(目标500万元,超额4%)
        let metrics = subs(vec![
            rec("metric")
                .f("name", text("销售额"))
                .f("target", qty(5_000_000.0, "元"))
                .f("actual", qty(5_200_000.0, "元"))
                .build(),
            rec("metric")
                .f("name", text("用户参与量"))
                .f("target", qty(120_000.0, "人次"))
                .raw("actual", qty(150_000.0, "人"), "15万人")
                .build(),
            rec("metric").f("name", text("转化率")).f("target", qty(3.0, "%")).f("actual", qty(3.5, "")).build(),
        ]);
        let p = retro(rec("retrospective").f("metrics", metrics));
        let d = run("metric-units", &p, &ctx_in(Lang::En));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].record.as_deref(), Some("用户参与量"));
        assert_eq!(d[0].value.as_deref(), Some("15万人"));
        assert_eq!(d[0].field.as_deref(), Some("actual"));
        assert!(d[0].message.contains("“人次”") && d[0].message.contains("“人”"), "{}", d[0].message);
    }
}
