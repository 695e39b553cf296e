//! Date order: an end never comes before its start.

use super::{Check, MaybeValue, raw, show_when};
use crate::model::{L10n, Record};

const BEFORE: L10n = L10n::new(
    "{who}：{end}（{end_value}）早于{start}（{start_value}）",
    "{who}：{end}（{end_value}）早於{start}（{start_value}）",
    "{who}: {end} {end_value} is before {start} {start_value}",
);
const EXPECTED: L10n = L10n::new("不早于 {start_value}", "不早於 {start_value}", "on or after {start_value}");
const HINT: L10n = L10n::new(
    "检查两个日期是否填反，或年份、月份是否写错",
    "檢查兩個日期是否填反，或年份、月份是否寫錯",
    "check whether the two dates are swapped or the year or month is wrong",
);

/// The (start, end) pairs of each kind.
const TASK: &[(&str, &str)] = &[("planned_start", "planned_end")];
const RISK: &[(&str, &str)] = &[("raised_on", "due"), ("raised_on", "resolved_on")];
const SPAN: &[(&str, &str)] = &[("start", "end")];

pub(super) fn date_order(c: &mut Check<'_>) {
    let p = c.project;
    let records = p
        .requirement
        .iter()
        .map(|r| (r, SPAN))
        .chain(p.tasks.iter().map(|r| (r, TASK)))
        .chain(p.meetings.iter().map(|r| (r, SPAN)))
        .chain(p.risks.iter().map(|r| (r, RISK)));
    for (r, pairs) in records {
        for &(start, end) in pairs {
            check_pair(c, r, start, end);
        }
    }
}

fn check_pair(c: &mut Check<'_>, r: &Record, start: &'static str, end: &'static str) {
    let (Some(s), Some(e)) = (r.datetime(start), r.datetime(end)) else { return };
    if e >= s {
        return;
    }
    let (start_value, end_value) = (show_when(r, start), show_when(r, end));
    let msg = c.t(
        BEFORE,
        &[
            ("who", &c.name(r)),
            ("end", c.label(r.kind, end)),
            ("end_value", &end_value),
            ("start", c.label(r.kind, start)),
            ("start_value", &start_value),
        ],
    );
    let d = c
        .at(r.loc_of(end), msg)
        .field(end)
        .record(r.id())
        .maybe_value(raw(r, end))
        .expected(c.t(EXPECTED, &[("start_value", &start_value)]))
        .hint(c.t(HINT, &[]));
    c.push(d);
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::model::{Lang, Project};

    #[test]
    fn a_task_ending_before_it_starts_is_an_error_at_the_end_cell() {
        let p = Project {
            tasks: vec![
                task("2.1").f("planned_start", date("2024-08-05")).f("planned_end", date("2024-07-26")).build(),
            ],
            ..Project::default()
        };
        let d = run("date-order", &p, &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field.as_deref(), Some("planned_end"));
        assert_eq!(d[0].loc.line, Some(5));
        assert_eq!(d[0].message, "任务 2.1：计划结束时间（2024-07-26）早于计划开始时间（2024-08-05）");
        assert_eq!(d[0].expected.as_deref(), Some("不早于 2024-08-05"));
    }

    #[test]
    fn seed_dates_in_order_pass() {
        // seed 000 模板2/模板3 rows: every end is on or after its start.
        let p = Project {
            requirement: Some(rec("requirement").f("start", date("2024-07-15")).f("end", date("2024-09-30")).build()),
            tasks: vec![
                task("1.2").f("planned_start", date("2024-07-16")).f("planned_end", date("2024-07-20")).build(),
            ],
            risks: vec![
                rec("risk")
                    .f("id", text("001"))
                    .f("raised_on", date("2024-08-06"))
                    .f("due", date("2024-08-07"))
                    .f("resolved_on", date("2024-08-06"))
                    .build(),
            ],
            meetings: vec![rec("meeting").f("start", dt("2023-09-15 14:00")).f("end", dt("2023-09-15 16:00")).build()],
            ..Project::default()
        };
        assert!(run("date-order", &p, &ctx()).is_empty());
    }

    #[test]
    fn requirement_meeting_and_risk_dates_are_checked_too() {
        let p = Project {
            requirement: Some(rec("requirement").f("start", date("2024-09-30")).f("end", date("2024-07-15")).build()),
            risks: vec![
                rec("risk")
                    .f("id", text("003"))
                    .f("raised_on", date("2024-08-15"))
                    .f("due", date("2024-08-14"))
                    .f("resolved_on", date("2024-08-01"))
                    .build(),
            ],
            meetings: vec![
                rec("meeting")
                    .f("title", text("评审会"))
                    .f("start", dt("2023-09-15 14:00"))
                    .f("end", dt("2023-09-15 13:00"))
                    .build(),
            ],
            ..Project::default()
        };
        let d = run("date-order", &p, &ctx_in(Lang::En));
        let fields: Vec<_> = d.iter().filter_map(|d| d.field.as_deref()).collect();
        assert_eq!(fields, ["end", "end", "due", "resolved_on"]);
        assert_eq!(d[1].message, "Meeting “评审会”: End 2023-09-15 13:00 is before Time 2023-09-15 14:00");
    }
}
