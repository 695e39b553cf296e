//! Tasks and action items: one owner, consistent completion, delays, reasons for blocks.

use chrono::Duration;

use super::{Check, MaybeValue, action_name, action_record, is_blank, is_placeholder, iso, raw, show_when};
use crate::model::{L10n, Record, Value};

const OWNERS: L10n = L10n::new(
    "{who}的{label}有{n}个：{owners}；应指定唯一主负责人",
    "{who}的{label}有{n}個：{owners}；應指定唯一主負責人",
    "{who}: {label} names {n} owners ({owners}); there must be exactly one main owner",
);
const OWNERS_EXPECTED: L10n = L10n::new("一个部门/人", "一個部門/人", "one department or person");
const OWNERS_HINT_TASK: L10n = L10n::new(
    "保留牵头的一方，其余移到“{collab}”",
    "保留牽頭的一方，其餘移到「{collab}」",
    "keep the lead and move the others to “{collab}”",
);
const OWNERS_HINT_ACTION: L10n = L10n::new(
    "只保留一名负责人，或按负责人拆分为多个行动项",
    "只保留一名負責人，或按負責人拆分為多個行動項",
    "keep one owner, or split the action into one per owner",
);

/// seed 003 四.1: 任务发起时需指定唯一主负责人,避免多头管理导致指令混乱.
pub(super) fn single_owner(c: &mut Check<'_>) {
    for t in &c.project.tasks {
        let hint = c.t(OWNERS_HINT_TASK, &[("collab", c.label("task", "collaborators"))]);
        owners(c, t, c.name(t), t.id().map(str::to_string), hint);
    }
    for m in &c.project.meetings {
        for (i, a) in m.records("actions").iter().enumerate() {
            let hint = c.t(OWNERS_HINT_ACTION, &[]);
            owners(c, a, action_name(m, i, a, c.lang), Some(action_record(m, i, a)), hint);
        }
    }
}

fn owners(c: &mut Check<'_>, r: &Record, who: String, record: Option<String>, hint: String) {
    let Some(Value::Parties(ps)) = r.get("owner") else { return };
    if ps.len() < 2 {
        return;
    }
    let list: Vec<String> = ps.iter().map(ToString::to_string).collect();
    let msg = c.t(
        OWNERS,
        &[("who", &who), ("label", c.label(r.kind, "owner")), ("n", &ps.len().to_string()), ("owners", &c.join(&list))],
    );
    let d = c
        .at(r.loc_of("owner"), msg)
        .field("owner")
        .record(record)
        .maybe_value(raw(r, "owner"))
        .expected(c.t(OWNERS_EXPECTED, &[]))
        .hint(hint);
    c.push(d);
}

const DONE_NO_END: L10n = L10n::new(
    "{who}的状态为“{status}”，但未填写{end_label}",
    "{who}的狀態為「{status}」，但未填寫{end_label}",
    "{who}: status is “{status}” but {end_label} is empty",
);
const DONE_NO_END_EXPECTED: L10n = L10n::new("实际完成日期", "實際完成日期", "the date it was finished");
const DONE_NO_END_HINT: L10n = L10n::new(
    "补填{end_label}（YYYY-MM-DD），或更正状态",
    "補填{end_label}（YYYY-MM-DD），或更正狀態",
    "fill in {end_label} (YYYY-MM-DD), or correct the status",
);
const DONE_LOW: L10n = L10n::new(
    "{who}的状态为“{status}”，但{progress_label}只有{progress}",
    "{who}的狀態為「{status}」，但{progress_label}只有{progress}",
    "{who}: status is “{status}” but {progress_label} is only {progress}",
);
const DONE_LOW_HINT: L10n = L10n::new(
    "将{progress_label}改为100%，或更正状态",
    "將{progress_label}改為100%，或更正狀態",
    "set {progress_label} to 100%, or correct the status",
);
const FULL_NOT_DONE: L10n = L10n::new(
    "{who}的{progress_label}为100%，但状态为“{status}”",
    "{who}的{progress_label}為100%，但狀態為「{status}」",
    "{who}: {progress_label} is 100% but status is “{status}”",
);
const FULL_NOT_DONE_HINT: L10n = L10n::new(
    "将状态改为“{done}”并填写{end_label}，或更正{progress_label}",
    "將狀態改為「{done}」並填寫{end_label}，或更正{progress_label}",
    "set the status to “{done}” and fill in {end_label}, or correct {progress_label}",
);

/// seed 000 二(四): 更新“实际完成时间”“当前状态” — status, progress and actual end agree.
/// A task at 100 % that waits for review (`in_review`, 待审核) is consistent and passes.
pub(super) fn done_consistency(c: &mut Check<'_>) {
    for t in &c.project.tasks {
        let status = t.code("status");
        let progress = t.percent("progress");
        let status_label = status.map(|s| c.enum_label("task", "status", s)).unwrap_or_default();
        let (end_label, progress_label) = (c.label("task", "actual_end"), c.label("task", "progress"));
        let who = c.name(t);
        if status == Some("done") && t.date("actual_end").is_none() {
            let msg = c.t(DONE_NO_END, &[("who", &who), ("status", status_label), ("end_label", end_label)]);
            let d = c
                .at(t.loc_of("status"), msg)
                .field("actual_end")
                .record(t.id())
                .maybe_value(raw(t, "actual_end"))
                .expected(c.t(DONE_NO_END_EXPECTED, &[]))
                .hint(c.t(DONE_NO_END_HINT, &[("end_label", end_label)]));
            c.push(d);
        }
        if let (Some("done"), Some(p)) = (status, progress)
            && p < 100.0
        {
            let msg = c.t(
                DONE_LOW,
                &[
                    ("who", &who),
                    ("status", status_label),
                    ("progress_label", progress_label),
                    ("progress", &show_when(t, "progress")),
                ],
            );
            let d = c
                .at(t.loc_of("progress"), msg)
                .field("progress")
                .record(t.id())
                .maybe_value(raw(t, "progress"))
                .expected("100%")
                .hint(c.t(DONE_LOW_HINT, &[("progress_label", progress_label)]));
            c.push(d);
        }
        if let (Some(s), Some(p)) = (status, progress)
            && p >= 100.0
            && !matches!(s, "done" | "in_review")
        {
            let done = c.enum_label("task", "status", "done");
            let msg =
                c.t(FULL_NOT_DONE, &[("who", &who), ("progress_label", progress_label), ("status", status_label)]);
            let d = c
                .at(t.loc_of("status"), msg)
                .field("status")
                .record(t.id())
                .maybe_value(raw(t, "status"))
                .expected(done)
                .hint(c.t(
                    FULL_NOT_DONE_HINT,
                    &[("done", done), ("end_label", end_label), ("progress_label", progress_label)],
                ));
            c.push(d);
        }
    }
}

const LATE_FINISHED: L10n = L10n::new(
    "{who}于{actual}完成，比{planned_label}（{planned}）晚{days}天；延迟超过2天，需由组长召开专题会",
    "{who}於{actual}完成，比{planned_label}（{planned}）晚{days}天；延遲超過2天，需由組長召開專題會",
    "{who}: finished on {actual}, {days} days after {planned_label} {planned}; more than 2 days late, a dedicated meeting is due",
);
const LATE_OPEN: L10n = L10n::new(
    "{who}已超过{planned_label}（{planned}）{days}天仍未完成（截至{as_of}）；延迟超过2天，需由组长召开专题会",
    "{who}已超過{planned_label}（{planned}）{days}天仍未完成（截至{as_of}）；延遲超過2天，需由組長召開專題會",
    "{who}: still open {days} days after {planned_label} {planned} (as of {as_of}); more than 2 days late, a dedicated meeting is due",
);
const LATE_EXPECTED: L10n =
    L10n::new("延迟不超过2天（不晚于 {limit}）", "延遲不超過2天（不晚於 {limit}）", "at most 2 days late (by {limit})");
const LATE_HINT: L10n = L10n::new(
    "召开专题会（问题攻坚会），分析原因（资源不足/需求变更/能力不足）并制定补救方案，必要时上报协调人调整资源",
    "召開專題會（問題攻堅會），分析原因（資源不足/需求變更/能力不足）並制定補救方案，必要時上報協調人調整資源",
    "hold a dedicated (problem-solving) meeting: find the cause (resources, changed requirements, skills), agree a recovery plan, escalate to the coordinator if resources must change",
);
const LATE_ACTION_HINT: L10n = L10n::new(
    "与负责人沟通卡点，更新行动项状态或重新约定截止日期；延迟超过2天的事项应在专题会上讨论",
    "與負責人溝通卡點，更新行動項狀態或重新約定截止日期；延遲超過2天的事項應在專題會上討論",
    "talk to the owner about what blocks it, then update the status or agree a new due date; items more than 2 days late belong on a dedicated meeting's agenda",
);

/// Days of delay tolerated before a dedicated meeting is due.
const TOLERATED: i64 = 2;

/// seed 000 四(三): 对延迟超2天的任务,由组长组织召开“专题会”. Tasks use the computed
/// `delay_days` (days past planned_end: at actual_end when finished, else at `--as-of`);
/// action items open more than 2 days past their due date (001 二(三)步骤2) count too.
pub(super) fn delay(c: &mut Check<'_>) {
    let as_of = c.ctx.as_of;
    for t in &c.project.tasks {
        let Some(planned) = t.date("planned_end") else { continue };
        let finished = t.date("actual_end");
        let days = t.int("delay_days").or_else(|| match finished {
            Some(end) => Some((end - planned).num_days()),
            None if t.code("status") != Some("done") => Some((as_of - planned).num_days()),
            None => None,
        });
        let Some(days) = days.filter(|&d| d > TOLERATED) else { continue };
        let key = if finished.is_some() { "actual_end" } else { "planned_end" };
        let (who, planned_s, days_s) = (c.name(t), iso(planned), days.to_string());
        let mut args = vec![
            ("who", who.as_str()),
            ("planned_label", c.label("task", "planned_end")),
            ("planned", planned_s.as_str()),
            ("days", days_s.as_str()),
        ];
        let (actual_s, as_of_s) = (finished.map(iso).unwrap_or_default(), iso(as_of));
        let msg = if finished.is_some() {
            args.push(("actual", &actual_s));
            c.t(LATE_FINISHED, &args)
        } else {
            args.push(("as_of", &as_of_s));
            c.t(LATE_OPEN, &args)
        };
        let limit = iso(planned + Duration::days(TOLERATED));
        let d = c
            .at(t.loc_of(key), msg)
            .field(key)
            .record(t.id())
            .maybe_value(raw(t, key))
            .expected(c.t(LATE_EXPECTED, &[("limit", &limit)]))
            .hint(c.t(LATE_HINT, &[]));
        c.push(d);
    }
    for m in &c.project.meetings {
        for (i, a) in m.records("actions").iter().enumerate() {
            let Some(due) = a.date("due") else { continue };
            let days = (as_of - due).num_days();
            if days <= TOLERATED || a.code("status") == Some("done") {
                continue;
            }
            let who = action_name(m, i, a, c.lang);
            let label = c.label("action", "due");
            let (due_s, days_s, as_of_s) = (iso(due), days.to_string(), iso(as_of));
            let msg = c.t(
                LATE_OPEN,
                &[("who", &who), ("planned_label", label), ("planned", &due_s), ("days", &days_s), ("as_of", &as_of_s)],
            );
            let limit = iso(due + Duration::days(TOLERATED));
            let d = c
                .at(a.loc_of("due"), msg)
                .field("due")
                .record(Some(action_record(m, i, a)))
                .maybe_value(raw(a, "due"))
                .expected(c.t(LATE_EXPECTED, &[("limit", &limit)]))
                .hint(c.t(LATE_ACTION_HINT, &[]));
            c.push(d);
        }
    }
}

const BLOCKED: L10n = L10n::new(
    "{who}的状态为“{status}”，但未填写{problem_label}",
    "{who}的狀態為「{status}」，但未填寫{problem_label}",
    "{who}: status is “{status}” but {problem_label} says nothing",
);
const BLOCKED_EXPECTED: L10n = L10n::new("阻塞或延期的原因", "阻塞或延期的原因", "why it is blocked or late");
const BLOCKED_HINT: L10n = L10n::new(
    "在“{problem_label}”中说明原因及所需支持（如“主视觉风格待确认”）",
    "在「{problem_label}」中說明原因及所需支持（如「主視覺風格待確認」）",
    "say in “{problem_label}” what blocks it and what help is needed",
);

/// seed 000 二(四): 对照跟踪表检查任务滞后情况,组织分析原因 — a blocked or delayed task
/// says why (a `无` placeholder does not count).
pub(super) fn blocked_reason(c: &mut Check<'_>) {
    for t in &c.project.tasks {
        let Some(status) = t.code("status").filter(|s| matches!(*s, "blocked" | "delayed")) else { continue };
        let stated = !is_blank(t, "problem") && !t.text("problem").is_some_and(is_placeholder);
        if stated {
            continue;
        }
        let problem_label = c.label("task", "problem");
        let loc = if t.field("problem").is_some() { t.loc_of("problem") } else { t.loc_of("status") };
        let msg = c.t(
            BLOCKED,
            &[
                ("who", &c.name(t)),
                ("status", c.enum_label("task", "status", status)),
                ("problem_label", problem_label),
            ],
        );
        let d = c
            .at(loc, msg)
            .field("problem")
            .record(t.id())
            .maybe_value(raw(t, "problem"))
            .expected(c.t(BLOCKED_EXPECTED, &[]))
            .hint(c.t(BLOCKED_HINT, &[("problem_label", problem_label)]));
        c.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::model::{Lang, Project, Record};

    fn tasks(ts: Vec<Record>) -> Project {
        Project { tasks: ts, ..Project::default() }
    }

    fn meeting(actions: Vec<Record>) -> Project {
        Project {
            meetings: vec![
                rec("meeting").f("id", text("M1")).f("title", text("评审会")).f("actions", subs(actions)).build(),
            ],
            ..Project::default()
        }
    }

    #[test]
    fn a_task_with_two_owners_is_an_error() {
        // seed 003 四.1: 任务发起时需指定唯一主负责人,避免多头管理导致指令混乱
        let p = tasks(vec![
            task("1.1").f("owner", parties(&["市场部*", "产品部*"])).build(),
            task("1.2").f("owner", party("产品部*")).build(),
            task("1.3").f("owner", parties(&["设计部*"])).build(),
        ]);
        let d = run("single-owner", &p, &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].record.as_deref(), Some("1.1"));
        assert_eq!(d[0].message, "任务 1.1的负责部门/人有2个：市场部*、产品部*；应指定唯一主负责人");
        assert_eq!(d[0].hint.as_deref(), Some("保留牵头的一方，其余移到“协作部门/人”"));
    }

    #[test]
    fn an_action_with_two_owners_is_an_error_and_one_owner_passes() {
        // seed 003 四.1 applies to the action items of 003 三(三) too.
        let p = meeting(vec![
            rec("action").f("id", text("1")).f("owner", parties(&["销售部*", "设计部*"])).build(),
            rec("action").f("id", text("2")).f("owner", party("财务部*")).build(),
        ]);
        let d = run("single-owner", &p, &ctx_in(Lang::En));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].record.as_deref(), Some("M1/1"));
        assert!(d[0].message.starts_with("Action 1 of meeting M1: Owner names 2 owners"), "{}", d[0].message);
    }

    #[test]
    fn done_needs_an_actual_end_and_full_progress() {
        // seed 000 二(四): 在跟踪表中更新“实际完成时间”“当前状态”
        let p = tasks(vec![
            task("1.1").f("status", code("done")).f("progress", pct(80.0)).build(),
            task("1.2").f("status", code("in_progress")).f("progress", pct(100.0)).build(),
        ]);
        let d = run("done-consistency", &p, &ctx());
        let fields: Vec<_> = d.iter().filter_map(|d| d.field.as_deref()).collect();
        assert_eq!(fields, ["actual_end", "progress", "status"]);
        assert_eq!(d[0].message, "任务 1.1的状态为“已完成”，但未填写实际完成时间");
        assert_eq!(d[0].loc.line, Some(4), "at the status cell");
        assert_eq!(d[1].message, "任务 1.1的状态为“已完成”，但完成比例只有80%");
        assert_eq!(d[2].message, "任务 1.2的完成比例为100%，但状态为“进行中”");
    }

    #[test]
    fn consistent_tasks_pass() {
        // seed 000 模板2 row 1.1: 已完成, 实际完成时间 2024-07-24; 003 三(二): 已完成 100%.
        let p = tasks(vec![
            task("1.1").f("status", code("done")).f("actual_end", date("2024-07-24")).f("progress", pct(100.0)).build(),
            task("1.2").f("status", code("in_review")).f("progress", pct(100.0)).build(),
            task("1.3").f("status", code("in_progress")).f("progress", pct(60.0)).build(),
        ]);
        assert!(run("done-consistency", &p, &ctx()).is_empty());
    }

    #[test]
    fn a_task_finished_more_than_two_days_late_calls_for_a_dedicated_meeting() {
        // seed 000 四(三): 对延迟超2天的任务,由组长组织召开“专题会”
        let p = tasks(vec![
            task("2.1")
                .f("planned_end", date("2024-08-05"))
                .f("actual_end", date("2024-08-09"))
                .f("status", code("done"))
                .f("delay_days", int(4))
                .build(),
        ]);
        let d = run("delay", &p, &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field.as_deref(), Some("actual_end"));
        assert_eq!(
            d[0].message,
            "任务 2.1于2024-08-09完成，比计划结束时间（2024-08-05）晚4天；延迟超过2天，需由组长召开专题会"
        );
        assert_eq!(d[0].expected.as_deref(), Some("延迟不超过2天（不晚于 2024-08-07）"));
        assert!(d[0].hint.as_deref().unwrap_or_default().contains("专题会"));
    }

    #[test]
    fn an_open_task_overdue_against_as_of_is_late_even_without_delay_days() {
        // seed 000 四(三), counted against --as-of (2024-08-10 in tests).
        let p = tasks(vec![task("3.1").f("planned_end", date("2024-08-01")).f("status", code("in_progress")).build()]);
        let d = run("delay", &p, &ctx_in(Lang::En));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field.as_deref(), Some("planned_end"));
        assert!(
            d[0].message.contains("still open 9 days after Planned end 2024-08-01 (as of 2024-08-10)"),
            "{}",
            d[0].message
        );
        assert!(d[0].message.contains("a dedicated meeting is due"));
    }

    #[test]
    fn two_days_late_is_tolerated() {
        // seed 000 四(三): “延迟超2天” — 2 days is not more than 2; 000 二(四): 渠道对接延迟2天.
        let p = tasks(vec![
            task("3.1")
                .f("planned_end", date("2024-07-30"))
                .f("actual_end", date("2024-08-01"))
                .f("status", code("done"))
                .build(),
            task("3.2").f("planned_end", date("2024-08-08")).f("status", code("in_progress")).build(),
            task("3.3").f("planned_end", date("2024-07-01")).f("status", code("done")).build(),
        ]);
        assert!(run("delay", &p, &ctx()).is_empty());
    }

    #[test]
    fn an_action_open_past_its_due_date_is_late() {
        // seed 001 二(三)步骤2: 对延期任务及时与负责人沟通; the 2-day limit of 000 四(三).
        let p = meeting(vec![
            rec("action").f("id", text("1")).f("due", date("2024-08-01")).f("status", code("in_progress")).build(),
            rec("action").f("id", text("2")).f("due", date("2024-08-01")).f("status", code("done")).build(),
            rec("action").f("id", text("3")).f("due", date("2024-08-08")).build(),
        ]);
        let d = run("delay", &p, &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].record.as_deref(), Some("M1/1"));
        assert_eq!(d[0].field.as_deref(), Some("due"));
    }

    #[test]
    fn a_blocked_task_must_say_why() {
        // seed 000 二(四): 当前状态(如“阻塞”)…组织分析原因; 模板2 row 2.1 阻塞.
        let p = tasks(vec![
            task("2.1").f("status", code("blocked")).build(),
            task("2.2").f("status", code("delayed")).f("problem", text("无")).build(),
            task("2.3").f("status", code("blocked")).f("problem", text("主视觉风格待确认")).build(),
            task("2.4").f("status", code("in_progress")).build(),
        ]);
        let d = run("blocked-reason", &p, &ctx());
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].message, "任务 2.1的状态为“阻塞”，但未填写存在问题");
        assert_eq!(d[0].loc.line, Some(4), "at the status cell when there is no problem cell");
        assert_eq!(d[1].record.as_deref(), Some("2.2"));
        assert_eq!(d[1].value.as_deref(), Some("无"));
    }
}
