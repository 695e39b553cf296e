//! 行动项跟踪表 — the action tracker: the project's action register (action items kept outside
//! any minutes, seed 001 步骤3), grouped under the meeting that raised them, with owner, due
//! date, status, overdue flags and the completion rate.

use serde::Serialize;

use super::minutes::ActionRow;
use super::{DocView, Document, Kpi, Rate, RateView, badge, format};
use crate::ingest::Ctx;
use crate::model::{L10n, Record};

#[derive(Clone, Debug, Serialize)]
pub struct ActionsView {
    pub cards: Vec<Kpi>,
    /// Actions done, of all actions.
    pub done: RateView,
    /// One group per meeting named (in order met), then the actions no meeting raised.
    pub groups: Vec<ActionGroup>,
    pub labels: ActionsLabels,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActionGroup {
    /// `会议：2024-07-12`, or `未注明会议` for actions without one.
    pub caption: String,
    pub meeting: String,
    pub rows: Vec<ActionRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActionsLabels {
    pub overview: String,
    pub register: String,
    pub id: String,
    pub description: String,
    pub owner: String,
    pub due: String,
    pub standard: String,
    pub priority: String,
    pub status: String,
    pub meeting: String,
    pub done: String,
    pub overdue: String,
}

const TITLE: L10n = L10n::new("行动项跟踪表", "行動項追蹤表", "Action tracker");
const OVERVIEW: L10n = L10n::new("概况", "概況", "Overview");
const REGISTER: L10n = L10n::new("行动项清单", "行動項清單", "Action items");
const ALL: L10n = L10n::new("行动项", "行動項", "Actions");
const OPEN: L10n = L10n::new("未完成", "未完成", "Not done");
const OVERDUE: L10n = L10n::new("逾期", "逾期", "Overdue");
const DONE: L10n = L10n::new("完成率", "完成率", "Done");
const MEETING: L10n = L10n::new("会议：{meeting}", "會議：{meeting}", "Meeting: {meeting}");
const NO_MEETING: L10n = L10n::new("未注明会议", "未註明會議", "No meeting named");

pub(super) fn document(actions: &[Record], ctx: &Ctx) -> Document {
    let lang = ctx.lang;
    // An action without an id is named by its place in the register.
    let place = |a: &Record| actions.iter().position(|x| std::ptr::eq(x, a)).unwrap_or(0) + 1;
    let row = |a: &Record| {
        let done = a.code("status") == Some("done");
        let id = format::text(a, "id", lang);
        ActionRow {
            number: if id.is_empty() { format!("#{}", place(a)) } else { id.clone() },
            id,
            description: format::text(a, "description", lang),
            owner: format::text(a, "owner", lang),
            due: format::text(a, "due", lang),
            standard: format::text(a, "standard", lang),
            priority: format::text(a, "priority", lang),
            status: badge(a, "status", lang),
            overdue: !done && a.date("due").is_some_and(|d| d < ctx.as_of),
        }
    };
    // Groups in the order their meetings are first met; actions without one come last.
    let mut groups: Vec<ActionGroup> = Vec::new();
    let mut loose = Vec::new();
    for a in actions {
        let meeting = format::text(a, "meeting", lang);
        if meeting.is_empty() {
            loose.push(row(a));
            continue;
        }
        match groups.iter_mut().find(|g| g.meeting == meeting) {
            Some(g) => g.rows.push(row(a)),
            None => groups.push(ActionGroup {
                caption: MEETING.fill(lang, &[("meeting", &meeting)]),
                meeting,
                rows: vec![row(a)],
            }),
        }
    }
    if !loose.is_empty() {
        let caption = if groups.is_empty() { REGISTER.get(lang).to_string() } else { NO_MEETING.get(lang).to_string() };
        groups.push(ActionGroup { caption, meeting: String::new(), rows: loose });
    }
    let total = actions.len() as u32;
    let done = actions.iter().filter(|a| a.code("status") == Some("done")).count() as u32;
    let overdue = groups.iter().flat_map(|g| &g.rows).filter(|r| r.overdue).count() as u32;
    let rate: RateView = Rate::new(done, total).into();
    let card = |key, label, value, tone, note| Kpi::new(lang, key, label, value, tone, note);
    let cards = vec![
        card("total", ALL, total.to_string(), "info", String::new()),
        card("open", OPEN, (total - done).to_string(), if total > done { "warn" } else { "ok" }, String::new()),
        card("overdue", OVERDUE, overdue.to_string(), if overdue > 0 { "bad" } else { "ok" }, String::new()),
        card("done", DONE, rate.text.clone(), if done == total { "ok" } else { "warn" }, format!("{done} / {total}")),
    ];
    let l = |k| format::label("action", k, lang);
    let view = ActionsView {
        cards,
        done: rate,
        groups,
        labels: ActionsLabels {
            overview: OVERVIEW.get(lang).into(),
            register: REGISTER.get(lang).into(),
            id: l("id"),
            description: l("description"),
            owner: l("owner"),
            due: l("due"),
            standard: l("standard"),
            priority: l("priority"),
            status: l("status"),
            meeting: l("meeting"),
            done: DONE.get(lang).into(),
            overdue: OVERDUE.get(lang).into(),
        },
    };
    Document {
        stem: "actions".into(),
        title: TITLE.get(lang).into(),
        number: String::new(),
        view: DocView::Actions(view),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::model::Lang;

    fn action(id: &str, meeting: &str, due: &str, status: &'static str) -> Record {
        let mut b = rec("action")
            .f("id", text(id))
            .f("description", text("整理预算表"))
            .f("owner", party("财务部/赵六"))
            .f("due", date(due))
            .f("standard", text("含各部门额度"))
            .f("status", code(status));
        if !meeting.is_empty() {
            b = b.f("meeting", text(meeting));
        }
        b.build()
    }

    #[test]
    fn actions_are_grouped_by_meeting_with_overdue_flags_and_the_completion_rate() {
        // seed 001 步骤3: every action item has an owner and a due date, and is tracked.
        let acts = vec![
            action("A1", "2024-07-12", "2024-07-20", "done"),
            action("A2", "", "2024-07-25", "in_progress"),
            action("A3", "2024-07-12", "2024-09-01", "not_started"),
        ];
        let doc = document(&acts, &ctx(Lang::ZhCn));
        let DocView::Actions(v) = doc.view else { unreachable!() };
        assert_eq!((doc.stem.as_str(), doc.title.as_str()), ("actions", "行动项跟踪表"));
        assert_eq!(v.groups.len(), 2);
        assert_eq!(v.groups[0].caption, "会议：2024-07-12");
        assert_eq!(v.groups[0].rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["A1", "A3"]);
        assert_eq!(v.groups[1].caption, "未注明会议");
        // "Today" is 2024-08-10: A2 is open past its due date.
        assert!(v.groups[1].rows[0].overdue);
        assert_eq!((v.done.done, v.done.of, v.done.text.as_str()), (1, 3, "33.3%"));
        assert_eq!(v.cards.iter().find(|c| c.key == "overdue").unwrap().value, "1");
    }
}
