//! 会议议程 / 会议纪要: basic information, attendees, agenda, summary, decisions, action items,
//! next meeting, host sign-off (seed 001 步骤1–3, (三) 步骤1; 003 三(三)).

use serde::Serialize;

use super::markdown::Markdown;
use super::{Badge, DocView, Document, Rate, RateView, Row, badge, format, stem_part};
use crate::ingest::Ctx;
use crate::model::{L10n, Lang, Record};

#[derive(Clone, Debug, Serialize)]
pub struct MinutesView {
    /// True for minutes (a summary, decisions or actions are recorded), false for an agenda.
    pub is_minutes: bool,
    pub meeting_title: String,
    pub info_caption: String,
    pub info: Vec<Row>,
    pub attendees: Vec<AttendeeRow>,
    pub agenda: Vec<AgendaRow>,
    /// `合计 40 分钟`, empty when no item gives its length.
    pub agenda_total: String,
    /// The summary read from Markdown; it serializes as safe HTML for templates to insert as is.
    pub summary_html: Option<Markdown>,
    pub decisions: Vec<String>,
    pub actions: Vec<ActionRow>,
    /// Actions done, of all actions.
    pub actions_done: RateView,
    /// `行动项完成率 50%（1 / 2）`: the rate as the documents write it.
    pub actions_note: String,
    pub next_meeting: String,
    pub host: HostSign,
    pub labels: MinutesLabels,
}

#[derive(Clone, Debug, Serialize)]
pub struct MinutesLabels {
    pub attendees: String,
    pub attendee_name: String,
    pub attendee_department: String,
    pub attendee_role: String,
    pub agenda: String,
    pub agenda_no: String,
    pub agenda_topic: String,
    pub agenda_goal: String,
    pub agenda_minutes: String,
    pub agenda_owner: String,
    pub summary: String,
    pub decisions: String,
    pub actions: String,
    pub action_id: String,
    pub action_description: String,
    pub action_owner: String,
    pub action_due: String,
    pub action_standard: String,
    pub action_priority: String,
    pub action_status: String,
    pub actions_done: String,
    pub next_meeting: String,
    pub host_signoff: String,
    pub overdue: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct AttendeeRow {
    pub name: String,
    pub department: String,
    pub role: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct AgendaRow {
    /// 1-based position.
    pub n: usize,
    pub topic: String,
    pub goal: String,
    /// `10 分钟`, `10 min`.
    pub minutes: String,
    /// The minutes as a number, when given as one.
    pub minutes_value: Option<i64>,
    pub owner: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActionRow {
    /// The action's id as recorded (empty when it has none).
    pub id: String,
    /// What the documents show in its place: the id, or `#3` (its place) when it has none.
    pub number: String,
    pub description: String,
    pub owner: String,
    pub due: String,
    pub standard: String,
    pub priority: String,
    pub status: Option<Badge>,
    /// Not done past its due date (against `--as-of`).
    pub overdue: bool,
}

/// The host's confirmation box: filled from a `minutes` sign-off by the host, else empty.
#[derive(Clone, Debug, Serialize)]
pub struct HostSign {
    pub role: String,
    pub name: String,
    /// Whose box it is: the host's department, else the host's name (a digital signature's
    /// place, `dossier sign --visible`).
    pub department: String,
    pub decision: Option<Badge>,
    pub date: String,
    pub comment: String,
    pub signed: bool,
    pub labels: HostLabels,
}

#[derive(Clone, Debug, Serialize)]
pub struct HostLabels {
    pub name: String,
    pub decision: String,
    pub date: String,
    pub signature: String,
}

const AGENDA_TITLE: L10n = L10n::new("会议议程", "會議議程", "Meeting agenda");
const MINUTES_TITLE: L10n = L10n::new("会议纪要", "會議紀要", "Meeting minutes");
const TITLED: L10n = L10n::new("{doc}：{title}", "{doc}：{title}", "{doc}: {title}");
const INFO: L10n = L10n::new("会议基本信息", "會議基本信息", "Meeting details");
const NO: L10n = L10n::new("序号", "序號", "No.");
const MINUTES_TOTAL: L10n = L10n::new("合计 {n} 分钟", "合計 {n} 分鐘", "{n} min in all");
const MINUTES_UNIT: L10n = L10n::new("{n} 分钟", "{n} 分鐘", "{n} min");
const ACTIONS_DONE: L10n = L10n::new("行动项完成率", "行動項完成率", "Actions done");
const ACTIONS_NOTE: L10n =
    L10n::new("{label} {rate}（{done} / {of}）", "{label} {rate}（{done} / {of}）", "{label} {rate} ({done} / {of})");
const HOST_SIGNOFF: L10n = L10n::new("主持人确认", "主持人確認", "Host's confirmation");
const SIGNATURE: L10n = L10n::new("签字", "簽字", "Signature");
const OVERDUE: L10n = L10n::new("逾期", "逾期", "Overdue");

pub(super) fn document(m: &Record, index: usize, signoffs: &[Record], ctx: &Ctx) -> Document {
    let lang = ctx.lang;
    let text = |k| format::text(m, k, lang);
    let is_minutes = ["summary", "decisions", "actions"].iter().any(|k| !text(k).is_empty());
    let meeting_title = text("title");

    let mut info = Vec::new();
    let mut push = |key: &'static str, value: String| {
        if !value.is_empty() {
            info.push(Row { key, label: format::label("meeting", key, lang), value, html: None });
        }
    };
    push("title", meeting_title.clone());
    push("type", text("type"));
    push("start", format::span(m.datetime("start"), m.datetime("end")));
    push("place", text("place"));
    push("host", text("host"));
    push("recorder", text("recorder"));
    push("departments", text("departments"));
    push("goal", text("goal"));
    push("agenda_sent_at", text("agenda_sent_at"));
    push("minutes_sent_at", text("minutes_sent_at"));

    let attendees = m
        .records("attendees")
        .iter()
        .map(|a| AttendeeRow {
            name: format::text(a, "name", lang),
            department: format::text(a, "department", lang),
            role: format::text(a, "role", lang),
        })
        .collect();
    let items = m.records("agenda");
    let agenda = items
        .iter()
        .enumerate()
        .map(|(i, a)| AgendaRow {
            n: i + 1,
            topic: format::text(a, "topic", lang),
            goal: format::text(a, "goal", lang),
            minutes_value: a.int("minutes"),
            minutes: a.int("minutes").map_or_else(
                || format::text(a, "minutes", lang),
                |n| MINUTES_UNIT.fill(lang, &[("n", &n.to_string())]),
            ),
            owner: format::text(a, "owner", lang),
        })
        .collect();
    let minutes: i64 = items.iter().filter_map(|a| a.int("minutes")).sum();
    let agenda_total =
        if minutes > 0 { MINUTES_TOTAL.fill(lang, &[("n", &minutes.to_string())]) } else { String::new() };

    let summary = text("summary");
    let actions_in = m.records("actions");
    let actions: Vec<ActionRow> = actions_in
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let done = a.code("status") == Some("done");
            // An action without an id is named by its place, as the rules name it.
            let id = format::text(a, "id", lang);
            ActionRow {
                number: if id.is_empty() { format!("#{}", i + 1) } else { id.clone() },
                id,
                description: format::text(a, "description", lang),
                owner: format::text(a, "owner", lang),
                due: format::text(a, "due", lang),
                standard: format::text(a, "standard", lang),
                priority: format::text(a, "priority", lang),
                status: badge(a, "status", lang),
                overdue: !done && a.date("due").is_some_and(|d| d < ctx.as_of),
            }
        })
        .collect();
    let done = actions_in.iter().filter(|a| a.code("status") == Some("done")).count() as u32;

    let al = |k| format::label("attendee", k, lang);
    let gl = |k| format::label("agenda_item", k, lang);
    let xl = |k| format::label("action", k, lang);
    let labels = MinutesLabels {
        attendees: format::label("meeting", "attendees", lang),
        attendee_name: al("name"),
        attendee_department: al("department"),
        attendee_role: al("role"),
        agenda: format::label("meeting", "agenda", lang),
        agenda_no: NO.get(lang).into(),
        agenda_topic: gl("topic"),
        agenda_goal: gl("goal"),
        agenda_minutes: gl("minutes"),
        agenda_owner: gl("owner"),
        summary: format::label("meeting", "summary", lang),
        decisions: format::label("meeting", "decisions", lang),
        actions: format::label("meeting", "actions", lang),
        action_id: xl("id"),
        action_description: xl("description"),
        action_owner: xl("owner"),
        action_due: xl("due"),
        action_standard: xl("standard"),
        action_priority: xl("priority"),
        action_status: xl("status"),
        actions_done: ACTIONS_DONE.get(lang).into(),
        next_meeting: format::label("meeting", "next_meeting", lang),
        host_signoff: HOST_SIGNOFF.get(lang).into(),
        overdue: OVERDUE.get(lang).into(),
    };
    let doc = if is_minutes { MINUTES_TITLE } else { AGENDA_TITLE };
    let title = if meeting_title.is_empty() {
        doc.get(lang).to_string()
    } else {
        TITLED.fill(lang, &[("doc", doc.get(lang)), ("title", &meeting_title)])
    };
    let id = stem_part(m.id().unwrap_or_default());
    let id = if id.is_empty() {
        m.date("start").map_or_else(|| (index + 1).to_string(), |d| format::date(Some(d)))
    } else {
        id
    };
    let view = MinutesView {
        is_minutes,
        meeting_title,
        info_caption: INFO.get(lang).into(),
        info,
        attendees,
        agenda,
        agenda_total,
        summary_html: (!summary.is_empty()).then(|| Markdown::parse(&summary)),
        decisions: format::items(m.list("decisions")),
        actions,
        actions_note: {
            let r = Rate::new(done, actions_in.len() as u32);
            let (label, rate, n, of) = (ACTIONS_DONE.get(lang), r.text(), done.to_string(), r.of.to_string());
            ACTIONS_NOTE.fill(lang, &[("label", label), ("rate", &rate), ("done", &n), ("of", &of)])
        },
        actions_done: Rate::new(done, actions_in.len() as u32).into(),
        next_meeting: text("next_meeting"),
        host: host_sign(m, signoffs, lang),
        labels,
    };
    Document { stem: format!("minutes-{id}"), title, number: String::new(), view: DocView::Minutes(view) }
}

/// A `minutes` sign-off by the host (same person, or same department when the host is
/// anonymised), dated on or after the meeting.
fn host_sign(m: &Record, signoffs: &[Record], lang: Lang) -> HostSign {
    let host = m.party("host");
    let person = host.and_then(|h| h.person.as_deref()).filter(|p| *p != "*");
    let dept = host.and_then(|h| h.department.as_deref());
    let day = m.date("start");
    let found = signoffs.iter().find(|s| {
        s.code("stage") == Some("minutes")
            && match (person, s.text("name")) {
                (Some(p), Some(n)) => p.trim() == n.trim(),
                (Some(_), None) => false,
                (None, _) => dept.is_some_and(|d| s.text("department").is_some_and(|sd| sd.trim() == d.trim())),
            }
            && match (day, s.date("date")) {
                (Some(d), Some(sd)) => sd >= d,
                _ => true,
            }
    });
    let sl = |k| format::label("signoff", k, lang);
    let labels = HostLabels {
        name: sl("name"),
        decision: sl("decision"),
        date: sl("date"),
        signature: SIGNATURE.get(lang).into(),
    };
    let role = format::label("meeting", "host", lang);
    let name = format::text(m, "host", lang);
    let department = dept.or(person).map_or_else(|| name.clone(), |d| d.trim().to_string());
    match found {
        Some(s) => HostSign {
            role,
            name,
            department,
            decision: badge(s, "decision", lang),
            date: format::text(s, "date", lang),
            comment: format::text(s, "comment", lang),
            signed: s.code("decision").is_some(),
            labels,
        },
        None => {
            let (date, comment) = (String::new(), String::new());
            HostSign { role, name, department, decision: None, date, comment, signed: false, labels }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn view(p: &crate::model::Project, lang: Lang) -> (Document, MinutesView) {
        let doc = document(&p.meetings[0], 0, &p.signoffs, &ctx(lang));
        let DocView::Minutes(v) = doc.view.clone() else { unreachable!() };
        (doc, v)
    }

    #[test]
    fn seed_minutes_hold_the_meeting_and_its_actions() {
        // seed 003 三(三): 会议纪要与行动项表
        let (doc, v) = view(&seed_project(), Lang::ZhCn);
        assert_eq!(doc.stem, "minutes-2023-09-15");
        assert_eq!(doc.title, "会议纪要：“双十一大促方案”评审会");
        assert!(v.is_minutes);
        let time = v.info.iter().find(|r| r.key == "start").unwrap();
        assert_eq!((time.label.as_str(), time.value.as_str()), ("会议时间", "2023-09-15 14:00–16:00"));
        assert_eq!(v.agenda_total, "合计 40 分钟");
        assert_eq!(v.attendees[0].role, "核心决策者");
        assert_eq!(v.decisions.len(), 2);
        assert!(v.summary_html.as_ref().unwrap().html().starts_with("<ol>"));
        assert_eq!((v.actions_done.done, v.actions_done.of, v.actions_done.text.as_str()), (1, 2, "50%"));
        // 2023 actions are long past "today" (2024-08-10): the open one is overdue.
        assert_eq!(v.actions.iter().map(|a| a.overdue).collect::<Vec<_>>(), [false, true]);
        assert_eq!((v.host.name.as_str(), v.host.signed), ("市场部/李娜", false));
    }

    #[test]
    fn a_meeting_without_minutes_is_an_agenda() {
        let mut p = seed_project();
        for k in ["summary", "decisions", "actions"] {
            p.meetings[0].fields.remove(k);
        }
        p.meetings[0].fields.remove("id");
        let (doc, v) = view(&p, Lang::En);
        assert!(!v.is_minutes);
        assert_eq!(doc.title, "Meeting agenda: “双十一大促方案”评审会");
        assert_eq!(doc.stem, "minutes-2023-09-15");
    }

    #[test]
    fn the_host_sign_off_is_filled_from_a_minutes_sign_off() {
        let mut p = seed_project();
        p.signoffs.push(
            rec("signoff")
                .f("stage", code("minutes"))
                .f("name", text("李娜"))
                .f("department", text("市场部"))
                .f("decision", code("approved"))
                .f("date", date("2023-09-16"))
                .build(),
        );
        let (_, v) = view(&p, Lang::ZhCn);
        assert!(v.host.signed);
        assert_eq!((v.host.date.as_str(), v.host.decision.unwrap().label.as_str()), ("2023-09-16", "同意"));
    }
}
