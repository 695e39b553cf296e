//! Meetings (seed 001): complete action items, few attendees, an agenda sent early and
//! fitting the time, minutes sent within a day.

use chrono::{Duration, NaiveDateTime};

use super::{Check, MaybeValue, action_name, action_record, date_only, is_blank, iso, iso_dt, raw, show_when};
use crate::model::{L10n, Record};

/// What an action item must contain (001 步骤3: 任务描述、负责人、截止日期、交付标准).
const ACTION_PARTS: [&str; 4] = ["description", "owner", "due", "standard"];

const INCOMPLETE: L10n = L10n::new("{who}缺少{missing}", "{who}缺少{missing}", "{who}: no {missing}");
const INCOMPLETE_EXPECTED: L10n = L10n::new("{all}齐全", "{all}齊全", "{all}");
const INCOMPLETE_HINT: L10n = L10n::new(
    "行动项必须写明任务描述、负责人、截止日期和交付标准，如“赵六负责整理预算分配表，6月30日前同步各部门，标注各部门使用场景及考核指标”",
    "行動項必須寫明任務描述、負責人、截止日期和交付標準，如「趙六負責整理預算分配表，6月30日前同步各部門，標註各部門使用場景及考核指標」",
    "an action item states what, who, by when and the delivery standard, e.g. “Zhao to send the budget table to every department by 30 June, with each one's use and KPIs”",
);

/// seed 001 二(二)步骤3: 行动项必须包含“任务描述、负责人、截止日期、交付标准”. One error per
/// action naming everything it lacks; `field` is the first part missing.
/// The action items of the minutes and of the action register (a log outside any minutes).
pub(super) fn action_complete(c: &mut Check<'_>) {
    for m in &c.project.meetings {
        for (i, a) in m.records("actions").iter().enumerate() {
            incomplete(c, a, action_name(m, i, a, c.lang), action_record(m, i, a));
        }
    }
    for (i, a) in c.project.actions.iter().enumerate() {
        let key = a.id().map(str::trim).filter(|s| !s.is_empty()).map_or_else(|| (i + 1).to_string(), str::to_string);
        incomplete(c, a, c.t(REGISTERED, &[("action", &key)]), key);
    }
}

const REGISTERED: L10n = L10n::new("行动项 {action}", "行動項 {action}", "Action {action}");

/// One error naming everything an action lacks; `field` is the first part missing.
fn incomplete(c: &mut Check<'_>, a: &Record, who: String, record: String) {
    let missing: Vec<&'static str> = ACTION_PARTS.into_iter().filter(|k| is_blank(a, k)).collect();
    let Some(&first) = missing.first() else { return };
    let labels: Vec<&str> = missing.iter().map(|k| c.label("action", k)).collect();
    let all: Vec<&str> = ACTION_PARTS.iter().map(|k| c.label("action", k)).collect();
    let msg = c.t(INCOMPLETE, &[("who", &who), ("missing", &c.join(&labels))]);
    let mut d = c
        .at(&a.loc, msg)
        .field(first)
        .record(Some(record))
        .expected(c.t(INCOMPLETE_EXPECTED, &[("all", &c.join(&all))]))
        .hint(c.t(INCOMPLETE_HINT, &[]));
    if let Some(desc) = a.text("description").filter(|s| !s.trim().is_empty()) {
        d = d.value(desc);
    }
    c.push(d);
}

/// Most attendees a meeting should have (001 步骤2: 参会规模控制在8人以内).
const MAX_ATTENDEES: usize = 8;

const CROWDED: L10n = L10n::new(
    "{who}有{n}名参会人员，超过{max}人",
    "{who}有{n}名參會人員，超過{max}人",
    "{who}: {n} attendees, more than {max}",
);
const CROWDED_EXPECTED: L10n = L10n::new("不超过{max}人", "不超過{max}人", "at most {max}");
const CROWDED_HINT: L10n = L10n::new(
    "只邀请核心决策者、执行负责人和必要的支持角色，其他人会后接收纪要",
    "只邀請核心決策者、執行負責人和必要的支持角色，其他人會後接收紀要",
    "invite the decision makers, the executors and the support roles really needed; send the others the minutes",
);

/// seed 001 二(一)步骤2: 保证参会规模控制在8人以内. Points at the first attendee too many.
pub(super) fn attendees(c: &mut Check<'_>) {
    for m in &c.project.meetings {
        let people = m.records("attendees");
        let Some(extra) = people.get(MAX_ATTENDEES) else { continue };
        let (n, max) = (people.len().to_string(), MAX_ATTENDEES.to_string());
        let msg = c.t(CROWDED, &[("who", &c.name(m)), ("n", &n), ("max", &max)]);
        let d = c
            .at(&extra.loc, msg)
            .field("attendees")
            .record(m.id())
            .value(n.clone())
            .expected(c.t(CROWDED_EXPECTED, &[("max", &max)]))
            .hint(c.t(CROWDED_HINT, &[]));
        c.push(d);
    }
}

/// Days of notice an agenda needs (001 步骤3: 提前3-5天发送议程).
const NOTICE_DAYS: i64 = 3;

const NOTICE: L10n = L10n::new(
    "{who}的{label}为{sent}，距会议开始（{start}）不足{days}天",
    "{who}的{label}為{sent}，距會議開始（{start}）不足{days}天",
    "{who}: {label} {sent} is less than {days} days before the meeting starts ({start})",
);
const NOTICE_EXPECTED: L10n =
    L10n::new("会前3-5天（不晚于 {limit}）", "會前3-5天（不晚於 {limit}）", "3–5 days ahead (by {limit})");
const NOTICE_HINT: L10n = L10n::new(
    "提前3-5天发送议程，写明议题顺序、讨论目标、预计时长和负责人；来不及时考虑改期",
    "提前3-5天發送議程，寫明議題順序、討論目標、預計時長和負責人；來不及時考慮改期",
    "send the agenda 3–5 days ahead with the order of topics, goals, minutes and owners; move the meeting if that is not possible",
);

/// seed 001 二(一)步骤3: 提前3-5天发送议程. Counted in calendar days.
pub(super) fn agenda_notice(c: &mut Check<'_>) {
    for m in &c.project.meetings {
        let (Some(sent), Some(start)) = (m.datetime("agenda_sent_at"), m.datetime("start")) else { continue };
        if (start.date() - sent.date()).num_days() >= NOTICE_DAYS {
            continue;
        }
        let label = c.label("meeting", "agenda_sent_at");
        let (sent_s, start_s) = (show_when(m, "agenda_sent_at"), show_when(m, "start"));
        let days = NOTICE_DAYS.to_string();
        let msg = c.t(
            NOTICE,
            &[("who", &c.name(m)), ("label", label), ("sent", &sent_s), ("start", &start_s), ("days", &days)],
        );
        let limit = iso(start.date() - Duration::days(NOTICE_DAYS));
        let d = c
            .at(m.loc_of("agenda_sent_at"), msg)
            .field("agenda_sent_at")
            .record(m.id())
            .maybe_value(raw(m, "agenda_sent_at"))
            .expected(c.t(NOTICE_EXPECTED, &[("limit", &limit)]))
            .hint(c.t(NOTICE_HINT, &[]));
        c.push(d);
    }
}

/// Buffer kept free beyond the agenda (001 步骤3: 总时长控制比计划多10分钟).
const BUFFER_MINUTES: i64 = 10;

const TIGHT: L10n = L10n::new(
    "{who}的议程合计{sum}分钟，加{buffer}分钟缓冲共{total}分钟，超过会议时长{length}分钟",
    "{who}的議程合計{sum}分鐘，加{buffer}分鐘緩衝共{total}分鐘，超過會議時長{length}分鐘",
    "{who}: the agenda takes {sum} minutes, {total} with the {buffer}-minute buffer, more than the meeting's {length} minutes",
);
const TIGHT_EXPECTED: L10n =
    L10n::new("议程合计不超过{max}分钟", "議程合計不超過{max}分鐘", "at most {max} agenda minutes");
const TIGHT_HINT: L10n = L10n::new(
    "压缩议题时长、把次要议题移到下次会议，或延长会议时间",
    "壓縮議題時長、把次要議題移到下次會議，或延長會議時間",
    "shorten topics, move minor ones to the next meeting, or book a longer meeting",
);

/// seed 001 二(一)步骤3: 预留缓冲时间,总时长控制比计划多10分钟 — agenda minutes plus the
/// buffer fit between the meeting's start and end.
pub(super) fn agenda_fit(c: &mut Check<'_>) {
    for m in &c.project.meetings {
        let (Some(start), Some(end)) = (m.datetime("start"), m.datetime("end")) else { continue };
        let length = (end - start).num_minutes();
        let minutes: Vec<i64> = m.records("agenda").iter().filter_map(|a| a.int("minutes")).collect();
        if length <= 0 || minutes.is_empty() {
            continue;
        }
        let sum: i64 = minutes.iter().map(|&x| x.max(0)).sum();
        if sum + BUFFER_MINUTES <= length {
            continue;
        }
        let (sum_s, total, length_s) = (sum.to_string(), (sum + BUFFER_MINUTES).to_string(), length.to_string());
        let buffer = BUFFER_MINUTES.to_string();
        let msg = c.t(
            TIGHT,
            &[("who", &c.name(m)), ("sum", &sum_s), ("buffer", &buffer), ("total", &total), ("length", &length_s)],
        );
        let max = (length - BUFFER_MINUTES).max(0).to_string();
        let d = c
            .at(m.loc_of("agenda"), msg)
            .field("agenda")
            .record(m.id())
            .value(sum_s.clone())
            .expected(c.t(TIGHT_EXPECTED, &[("max", &max)]))
            .hint(c.t(TIGHT_HINT, &[]));
        c.push(d);
    }
}

const LATE_MINUTES: L10n = L10n::new(
    "{who}的{label}为{sent}，距会议结束（{end}）已超过24小时",
    "{who}的{label}為{sent}，距會議結束（{end}）已超過24小時",
    "{who}: {label} {sent} is more than 24 h after the meeting ended ({end})",
);
const LATE_MINUTES_EXPECTED: L10n =
    L10n::new("会后24小时内（不晚于 {limit}）", "會後24小時內（不晚於 {limit}）", "within 24 h (by {limit})");
const LATE_MINUTES_HINT: L10n = L10n::new(
    "会后24小时内分发纪要：基本信息、核心讨论要点、决议事项和行动项清单",
    "會後24小時內分發紀要：基本資訊、核心討論要點、決議事項和行動項清單",
    "send the minutes within 24 h: basic facts, key points, decisions and the action items",
);

/// seed 001 二(三)步骤1: 24小时内分发会议纪要. A sending time given as a date alone counts
/// as sent that day: late only when it is more than one calendar day after the meeting.
pub(super) fn minutes_late(c: &mut Check<'_>) {
    for m in &c.project.meetings {
        let Some(sent) = m.datetime("minutes_sent_at") else { continue };
        let end_key = if m.datetime("end").is_some() { "end" } else { "start" };
        let Some(end) = m.datetime(end_key) else { continue };
        if !late(sent, date_only(m, "minutes_sent_at"), end) {
            continue;
        }
        let label = c.label("meeting", "minutes_sent_at");
        let (sent_s, end_s) = (show_when(m, "minutes_sent_at"), show_when(m, end_key));
        let msg = c.t(LATE_MINUTES, &[("who", &c.name(m)), ("label", label), ("sent", &sent_s), ("end", &end_s)]);
        let limit = iso_dt(end + Duration::hours(24));
        let d = c
            .at(m.loc_of("minutes_sent_at"), msg)
            .field("minutes_sent_at")
            .record(m.id())
            .maybe_value(raw(m, "minutes_sent_at"))
            .expected(c.t(LATE_MINUTES_EXPECTED, &[("limit", &limit)]))
            .hint(c.t(LATE_MINUTES_HINT, &[]));
        c.push(d);
    }
}

fn late(sent: NaiveDateTime, sent_date_only: bool, end: NaiveDateTime) -> bool {
    if sent_date_only { (sent.date() - end.date()).num_days() > 1 } else { sent - end > Duration::hours(24) }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::model::{Lang, Project, Record};

    fn meeting(b: B) -> Project {
        Project { meetings: vec![b.build()], ..Project::default() }
    }

    fn m() -> B {
        rec_at("meeting", 1)
            .f("id", text("M1"))
            .f("title", text("“双十一大促方案”评审会"))
            .f("start", dt("2023-09-15 14:00"))
            .f("end", dt("2023-09-15 16:00"))
    }

    fn action(desc: &str, owner: &str, due: &str, standard: &str) -> Record {
        let mut b = rec_at("action", 30);
        for (k, v) in [("description", desc), ("standard", standard)] {
            if !v.is_empty() {
                b = b.f(k, text(v));
            }
        }
        if !owner.is_empty() {
            b = b.f("owner", party(owner));
        }
        if !due.is_empty() {
            b = b.f("due", date(due));
        }
        b.build()
    }

    #[test]
    fn an_action_lacking_parts_is_one_error_listing_them() {
        // seed 001 二(二)步骤3: 行动项必须包含“任务描述、负责人、截止日期、交付标准”
        let p = meeting(m().f(
            "actions",
            subs(vec![
                action("整理Q3预算分配表", "赵六", "2023-06-30", "包含各部门额度、使用场景、KPI"),
                action("调整促销政策方案", "销售部*", "", ""),
            ]),
        ));
        let d = run("action-complete", &p, &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "会议 M1的行动项 2缺少截止日期、交付标准");
        assert_eq!(d[0].field.as_deref(), Some("due"));
        assert_eq!(d[0].record.as_deref(), Some("M1/2"));
        assert_eq!(d[0].value.as_deref(), Some("调整促销政策方案"));
        assert_eq!(d[0].loc.line, Some(30));
        let d = run("action-complete", &p, &ctx_in(Lang::En));
        assert_eq!(d[0].message, "Action 2 of meeting M1: no Due, Delivery standard");
    }

    #[test]
    fn complete_actions_pass() {
        // seed 001 二(三)步骤1 example rows.
        let p = meeting(m().f(
            "actions",
            subs(vec![
                action("优化数据对接流程方案", "**", "2023-07-07", "输出流程图+时效承诺"),
                action("收集销售终端反馈", "孙七", "2023-07-05", "提交10个典型案例及改进建议"),
            ]),
        ));
        assert!(run("action-complete", &p, &ctx()).is_empty());
    }

    fn people(n: usize) -> Vec<Record> {
        (0..n).map(|i| rec_at("attendee", 10 + i as u32).f("name", text(&format!("参会人{i}"))).build()).collect()
    }

    #[test]
    fn more_than_eight_attendees_is_a_warning_at_the_ninth() {
        // seed 001 二(一)步骤2: 保证参会规模控制在8人以内
        let d = run("attendees", &meeting(m().f("attendees", subs(people(9)))), &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].loc.line, Some(18));
        assert_eq!(d[0].message, "会议 M1有9名参会人员，超过8人");
        assert!(run("attendees", &meeting(m().f("attendees", subs(people(8)))), &ctx()).is_empty());
    }

    #[test]
    fn an_agenda_sent_less_than_three_days_ahead_is_a_warning() {
        // seed 001 二(一)步骤3: 提前3-5天发送议程
        let d = run("agenda-notice", &meeting(m().f("agenda_sent_at", dt("2023-09-13 09:00"))), &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field.as_deref(), Some("agenda_sent_at"));
        assert_eq!(d[0].message, "会议 M1的议程发送时间为2023-09-13 09:00，距会议开始（2023-09-15 14:00）不足3天");
        assert_eq!(d[0].expected.as_deref(), Some("会前3-5天（不晚于 2023-09-12）"));
        assert!(run("agenda-notice", &meeting(m().f("agenda_sent_at", date("2023-09-12"))), &ctx()).is_empty());
        assert!(run("agenda-notice", &meeting(m()), &ctx()).is_empty());
    }

    fn agenda(minutes: &[i64]) -> Vec<Record> {
        minutes.iter().map(|&n| rec("agenda_item").f("topic", text("议题")).f("minutes", int(n)).build()).collect()
    }

    #[test]
    fn an_agenda_without_its_ten_minute_buffer_is_a_warning() {
        // seed 001 二(一)步骤3: 预留缓冲时间:总时长控制比计划多10分钟
        let d = run("agenda-fit", &meeting(m().f("agenda", subs(agenda(&[10, 30, 60, 15])))), &ctx());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "会议 M1的议程合计115分钟，加10分钟缓冲共125分钟，超过会议时长120分钟");
        assert_eq!(d[0].expected.as_deref(), Some("议程合计不超过110分钟"));
        // The seed's own agenda: 10 + 30 + 20 + 10 minutes in a 2-hour meeting.
        assert!(run("agenda-fit", &meeting(m().f("agenda", subs(agenda(&[10, 30, 20, 10])))), &ctx()).is_empty());
        assert!(run("agenda-fit", &meeting(m().f("agenda", subs(agenda(&[55, 55])))), &ctx()).is_empty());
    }

    #[test]
    fn minutes_sent_more_than_a_day_after_the_meeting_is_a_warning() {
        // seed 001 二(三)步骤1: 24小时内分发会议纪要
        let d = run("minutes-late", &meeting(m().f("minutes_sent_at", dt("2023-09-16 16:30"))), &ctx_in(Lang::En));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "Meeting M1: Minutes sent 2023-09-16 16:30 is more than 24 h after the meeting ended (2023-09-15 16:00)"
        );
        assert_eq!(d[0].expected.as_deref(), Some("within 24 h (by 2023-09-16 16:00)"));
        assert!(run("minutes-late", &meeting(m().f("minutes_sent_at", dt("2023-09-16 15:59"))), &ctx()).is_empty());
        // A date alone: the next day counts as within 24 h, the day after does not.
        assert!(run("minutes-late", &meeting(m().f("minutes_sent_at", date("2023-09-16"))), &ctx()).is_empty());
        assert_eq!(run("minutes-late", &meeting(m().f("minutes_sent_at", date("2023-09-17"))), &ctx()).len(), 1);
    }
}
