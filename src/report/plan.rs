//! 任务分工与进度报告: KPIs, a Gantt chart and the task table with delays flagged
//! (seed 000 模板2; 000 四(三): more than 2 days late needs a dedicated meeting;
//! 003 二(三): 任务按时完成率).

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use super::{Badge, DocView, Document, Kpi, Rate, RateView, badge, badge_of, format};
use crate::ingest::Ctx;
use crate::model::{L10n, Lang, Record};
use crate::schema;

#[derive(Clone, Debug, Serialize)]
pub struct PlanView {
    pub kpis: PlanKpis,
    /// The KPIs as headline cards, in display order.
    pub cards: Vec<Kpi>,
    /// Absent when no task has a date.
    pub gantt: Option<Gantt>,
    pub columns: TaskColumns,
    /// Optional columns that hold a value in some row (`collaborators`, `progress`, …, and
    /// `delay` when some task is late); the others are left out of the table.
    pub present: Vec<&'static str>,
    pub rows: Vec<TaskRow>,
    /// Every task status with its bar colour, then the overdue mark: the chart's legend.
    pub legend: Vec<Swatch>,
    pub labels: PlanLabels,
}

/// A key of the Gantt chart: a status and the colour of its bars (hex, the same in every
/// format), or the overdue mark drawn over a bar of any status.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Swatch {
    /// The status code, `none` for tasks without one, `overdue` for the overdue mark.
    pub key: &'static str,
    pub label: String,
    /// `#3b82d6`.
    pub fill: &'static str,
}

/// Bar colours by task status: one colour per status, distinct from each other (in review is
/// not in progress), `none` for a task without status.
pub const STATUS_FILLS: &[(&str, &str)] = &[
    ("not_started", "#a3acb6"),
    ("in_progress", "#3b82d6"),
    ("in_review", "#8a63d2"),
    ("done", "#3fa95c"),
    ("blocked", "#d94343"),
    ("delayed", "#e09b1a"),
    ("none", "#d0d7de"),
];

/// The outline (and hatching) of an overdue bar, over the bar's status colour.
pub const OVERDUE_STROKE: &str = "#9f1d1d";

/// The fill of a status key (`none` when unknown).
pub fn status_fill(key: &str) -> &'static str {
    STATUS_FILLS.iter().find(|(k, _)| *k == key).or(STATUS_FILLS.last()).map_or("#d0d7de", |(_, f)| f)
}

/// The counts behind the cards (SPEC §4; the same figures feed the portfolio summary).
#[derive(Clone, Debug, Default, Serialize)]
pub struct PlanKpis {
    pub total: u32,
    pub done: u32,
    /// Status `in_progress` or `in_review`.
    pub in_progress: u32,
    pub blocked: u32,
    /// Not done and planned to end before "today" (`--as-of`).
    pub overdue: u32,
    /// Done tasks finished on or before their planned end, of done tasks with both dates.
    pub on_time: RateView,
    /// Tasks more than 2 days late: each needs a dedicated meeting (seed 000 四(三)).
    pub late_over_2: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct PlanLabels {
    pub kpis: String,
    pub gantt: String,
    pub tasks: String,
    pub planned: String,
    pub actual_end: String,
    pub today: String,
    pub overdue: String,
    pub dependency: String,
    pub no_dates: String,
    pub late_note: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TaskColumns {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub collaborators: String,
    pub planned_start: String,
    pub planned_end: String,
    pub actual_end: String,
    pub status: String,
    pub progress: String,
    pub delay_days: String,
    pub deliverable: String,
    pub priority: String,
    pub depends_on: String,
    pub problem: String,
    pub next_step: String,
    pub updated_at: String,
}

/// One task as the table shows it; dates ISO, enumerations as labels.
#[derive(Clone, Debug, Serialize)]
pub struct TaskRow {
    pub id: String,
    /// Nesting level from the hierarchical id (`1` → 0, `1.1` → 1), relative to the
    /// shallowest task of the plan.
    pub depth: usize,
    pub name: String,
    pub owner: String,
    /// The owner's department, for per-department statistics.
    pub department: String,
    pub collaborators: String,
    pub planned_start: String,
    pub planned_end: String,
    pub actual_end: String,
    pub status: Option<Badge>,
    /// `80%`, empty when not given.
    pub progress: String,
    /// 0–100.
    pub progress_value: Option<f64>,
    pub deliverable: String,
    pub priority: String,
    pub depends_on: String,
    pub problem: String,
    pub next_step: String,
    pub updated_at: String,
    /// Days after the planned end: to the actual end, or to "today" while open; 0 when on time.
    pub delay_days: Option<i64>,
    /// `延期1天`, `逾期5天`; empty when not late.
    pub delay: String,
    pub done: bool,
    pub overdue: bool,
    /// More than 2 days late: a dedicated meeting is due (seed 000 四(三)).
    pub needs_meeting: bool,
    /// Row highlight: `bad` (overdue, blocked, or more than 2 days late), `warn` (late), or empty.
    pub flag: &'static str,
}

/// A Gantt chart in days: every position is a day offset from `start` (offset 0).
#[derive(Clone, Debug, Serialize)]
pub struct Gantt {
    /// First day of the chart (a Monday), ISO.
    pub start: String,
    /// Last day of the chart, ISO.
    pub end: String,
    /// Number of days shown (`end` − `start` + 1).
    pub days: i64,
    /// "Today" (`--as-of`), when it falls in the chart (the axis is stretched to reach it
    /// unless it lies far from the plan).
    pub today: Option<i64>,
    pub today_label: String,
    /// When today lies far outside the chart: the side it lies on (`left`, `right`) and how
    /// far, said at that edge (`今天 2026-01-01 → 图外右侧 458 天`).
    pub today_edge: Option<TodayEdge>,
    pub ticks: Vec<Tick>,
    pub rows: Vec<GanttRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TodayEdge {
    /// `left` or `right`.
    pub side: &'static str,
    /// Days between the chart's edge and today.
    pub days: i64,
    pub label: String,
}

/// An axis mark: month (or quarter, year) starts are major, Mondays minor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tick {
    pub offset: i64,
    pub label: String,
    pub major: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct GanttRow {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub depth: usize,
    /// First planned day; a task with one planned date gets a one-day bar.
    pub start: Option<i64>,
    /// Last planned day (inclusive).
    pub end: Option<i64>,
    pub actual_end: Option<i64>,
    pub planned_start: String,
    pub planned_end: String,
    pub actual_end_date: String,
    pub status: Option<Badge>,
    /// The status code (`none` without one): the bar's colour is its [`status_fill`].
    pub key: &'static str,
    pub fill: &'static str,
    /// Open past its planned end: the bar gets the overdue mark (outline and hatching).
    pub overdue: bool,
    pub delay_days: Option<i64>,
    pub delay: String,
    /// Prerequisites found among the chart's rows.
    pub depends_on: Vec<GanttDep>,
}

/// A dependency arrow: the prerequisite's id and its row index in the chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GanttDep {
    pub id: String,
    pub row: usize,
}

const TITLE: L10n = L10n::new("任务分工与进度报告", "任務分工與進度報告", "Plan and progress report");
const KPIS: L10n = L10n::new("进度概览", "進度概覽", "Progress at a glance");
const GANTT: L10n = L10n::new("甘特图", "甘特圖", "Gantt chart");
const TASKS: L10n = L10n::new("任务明细", "任務明細", "Tasks");
const TOTAL: L10n = L10n::new("任务总数", "任務總數", "Tasks");
const DONE: L10n = L10n::new("已完成", "已完成", "Done");
const ON_TIME: L10n = L10n::new("按时完成率", "按時完成率", "On-time rate");
const IN_PROGRESS: L10n = L10n::new("进行中", "進行中", "In progress");
const BLOCKED: L10n = L10n::new("阻塞", "阻塞", "Blocked");
const OVERDUE: L10n = L10n::new("逾期", "逾期", "Overdue");
const AS_OF: L10n = L10n::new("截至 {date}", "截至 {date}", "as of {date}");
const PLANNED: L10n = L10n::new("计划", "計劃", "Planned");
const TODAY: L10n = L10n::new("今天", "今天", "Today");
const TODAY_RIGHT: L10n = L10n::new(
    "今天 {date} → 在图外右侧 {n} 天",
    "今天 {date} → 在圖外右側 {n} 天",
    "Today {date} → {n} days past the right edge",
);
const TODAY_LEFT: L10n = L10n::new(
    "← 今天 {date} 在图外左侧 {n} 天",
    "← 今天 {date} 在圖外左側 {n} 天",
    "← Today {date} is {n} days before the left edge",
);
const NO_STATUS: L10n = L10n::new("未填状态", "未填狀態", "No status");
const DEPENDENCY: L10n = L10n::new("依赖", "依賴", "Dependency");
const NO_DATES: L10n = L10n::new("未排期", "未排期", "not scheduled");
const LATE: L10n = L10n::new("延期{n}天", "延期{n}天", "{n} days late");
const LATE_1: L10n = L10n::new("延期1天", "延期1天", "1 day late");
const OVERDUE_N: L10n = L10n::new("逾期{n}天", "逾期{n}天", "{n} days overdue");
const OVERDUE_1: L10n = L10n::new("逾期1天", "逾期1天", "1 day overdue");
const LATE_NOTE: L10n = L10n::new(
    "延期超过2天的任务需由组长组织专题会，分析原因并制定补救方案",
    "延期超過2天的任務需由組長組織專題會，分析原因並制定補救方案",
    "Tasks more than 2 days late need a dedicated meeting to analyse the cause and agree a recovery plan",
);
const LATE_COUNT: L10n = L10n::new("{n} 项需召开专题会", "{n} 項需召開專題會", "{n} need a dedicated meeting");

/// Columns of the task table shown only when some task fills them.
const OPTIONAL: &[&str] = &[
    "collaborators",
    "actual_end",
    "progress",
    "deliverable",
    "priority",
    "depends_on",
    "problem",
    "next_step",
    "updated_at",
];

/// Figures of one task, computed once and shared by the table, the chart and the summary.
pub(super) struct TaskFacts {
    pub done: bool,
    pub overdue: bool,
    pub delay_days: Option<i64>,
    /// The delay runs to "today": no actual end yet.
    pub open_delay: bool,
    /// `Some(true)` finished on time, `Some(false)` late, `None` not counted.
    pub on_time: Option<bool>,
}

pub(super) fn facts(t: &Record, as_of: NaiveDate) -> TaskFacts {
    let done = t.code("status") == Some("done");
    let (end, actual) = (t.date("planned_end"), t.date("actual_end"));
    let overdue = !done && end.is_some_and(|e| e < as_of);
    // Typing computes `delay_days` (ingest::values); the same formula stands in for records
    // built without it.
    let delay_days = t.int("delay_days").or_else(|| match (end, actual) {
        (Some(e), Some(a)) => Some((a - e).num_days().max(0)),
        (Some(e), None) if overdue => Some((as_of - e).num_days()),
        (Some(_), None) => Some(0),
        _ => None,
    });
    let on_time = match (done, end, actual) {
        (true, Some(e), Some(a)) => Some(a <= e),
        _ => None,
    };
    let open_delay = overdue && actual.is_none();
    TaskFacts { done, overdue, delay_days, open_delay, on_time }
}

pub(super) fn kpis(tasks: &[Record], as_of: NaiveDate) -> PlanKpis {
    let mut k = PlanKpis { total: tasks.len() as u32, ..PlanKpis::default() };
    let mut on_time = Rate::default();
    for t in tasks {
        let f = facts(t, as_of);
        k.done += u32::from(f.done);
        k.overdue += u32::from(f.overdue);
        k.late_over_2 += u32::from(f.delay_days.is_some_and(|d| d > 2));
        match t.code("status") {
            Some("in_progress" | "in_review") => k.in_progress += 1,
            Some("blocked") => k.blocked += 1,
            _ => {}
        }
        if let Some(ok) = f.on_time {
            on_time = on_time + Rate::new(u32::from(ok), 1);
        }
    }
    k.on_time = on_time.into();
    k
}

fn rate_tone(r: &RateView) -> &'static str {
    match r.ratio {
        None => "muted",
        Some(x) if x >= 0.9 => "ok",
        Some(x) if x >= 0.7 => "warn",
        Some(_) => "bad",
    }
}

fn cards(k: &PlanKpis, ctx: &Ctx) -> Vec<Kpi> {
    let lang = ctx.lang;
    let alarm = |n: u32| if n > 0 { "bad" } else { "ok" };
    let card = |key, label, value, tone, note| Kpi::new(lang, key, label, value, tone, note);
    vec![
        card("total", TOTAL, k.total.to_string(), "info", String::new()),
        card("done", DONE, k.done.to_string(), "ok", Rate::new(k.done, k.total).text()),
        card(
            "on_time",
            ON_TIME,
            k.on_time.text.clone(),
            rate_tone(&k.on_time),
            format!("{} / {}", k.on_time.done, k.on_time.of),
        ),
        card("in_progress", IN_PROGRESS, k.in_progress.to_string(), "info", String::new()),
        card("blocked", BLOCKED, k.blocked.to_string(), alarm(k.blocked), String::new()),
        card(
            "overdue",
            OVERDUE,
            k.overdue.to_string(),
            alarm(k.overdue),
            AS_OF.fill(lang, &[("date", &format::date(Some(ctx.as_of)))]),
        ),
    ]
}

fn delay_text(f: &TaskFacts, lang: Lang) -> String {
    match f.delay_days {
        Some(1) if f.open_delay => OVERDUE_1.get(lang).to_string(),
        Some(n) if n > 0 && f.open_delay => OVERDUE_N.fill(lang, &[("n", &n.to_string())]),
        Some(1) => LATE_1.get(lang).to_string(),
        Some(n) if n > 0 => LATE.fill(lang, &[("n", &n.to_string())]),
        _ => String::new(),
    }
}

fn depth(id: &str) -> usize {
    id.trim().trim_end_matches('.').matches('.').count()
}

fn row(t: &Record, ctx: &Ctx) -> TaskRow {
    let lang = ctx.lang;
    let f = facts(t, ctx.as_of);
    let text = |k| format::text(t, k, lang);
    let status = badge(t, "status", lang);
    let needs_meeting = f.delay_days.is_some_and(|d| d > 2);
    let late = f.delay_days.is_some_and(|d| d > 0);
    let flag = if f.overdue || needs_meeting || t.code("status") == Some("blocked") {
        "bad"
    } else if late {
        "warn"
    } else {
        ""
    };
    let id = text("id");
    TaskRow {
        depth: depth(&id),
        id,
        name: text("name"),
        owner: text("owner"),
        department: t.party("owner").and_then(|p| p.department.clone()).unwrap_or_default(),
        collaborators: text("collaborators"),
        planned_start: text("planned_start"),
        planned_end: text("planned_end"),
        actual_end: text("actual_end"),
        status,
        progress: text("progress"),
        progress_value: t.percent("progress"),
        deliverable: text("deliverable"),
        priority: text("priority"),
        depends_on: text("depends_on"),
        problem: text("problem"),
        next_step: text("next_step"),
        updated_at: text("updated_at"),
        delay_days: f.delay_days,
        delay: delay_text(&f, lang),
        done: f.done,
        overdue: f.overdue,
        needs_meeting,
        flag,
    }
}

fn columns(lang: Lang) -> TaskColumns {
    let l = |k| format::label("task", k, lang);
    TaskColumns {
        id: l("id"),
        name: l("name"),
        owner: l("owner"),
        collaborators: l("collaborators"),
        planned_start: l("planned_start"),
        planned_end: l("planned_end"),
        actual_end: l("actual_end"),
        status: l("status"),
        progress: l("progress"),
        delay_days: l("delay_days"),
        deliverable: l("deliverable"),
        priority: l("priority"),
        depends_on: l("depends_on"),
        problem: l("problem"),
        next_step: l("next_step"),
        updated_at: l("updated_at"),
    }
}

/// The chart's first and last day: every task date, and "today" unless it lies far from the
/// plan (then an edge marker says where it is), the start moved back to a Monday. A plan
/// whose tasks are late shows how late: the axis runs on to today up to twice the plan's
/// length (at least a month).
fn range(tasks: &[Record], as_of: NaiveDate) -> Option<(NaiveDate, NaiveDate, bool)> {
    let dates = tasks.iter().flat_map(|t| ["planned_start", "planned_end", "actual_end"].map(|k| t.date(k))).flatten();
    let (mut lo, mut hi) = dates.fold(None, |acc: Option<(NaiveDate, NaiveDate)>, d| match acc {
        None => Some((d, d)),
        Some((lo, hi)) => Some((lo.min(d), hi.max(d))),
    })?;
    let span = (hi - lo).num_days();
    // Checked arithmetic: a date typed as year 9999 must not overflow the calendar.
    let shift = |d: NaiveDate, days: i64| d.checked_add_signed(Duration::days(days)).unwrap_or(d);
    let near = as_of >= shift(lo, -(span / 2).max(14)) && as_of <= shift(hi, (span * 2).max(31));
    if near {
        lo = lo.min(as_of);
        hi = hi.max(as_of);
    }
    lo = shift(lo, -i64::from(lo.weekday().num_days_from_monday()));
    hi = shift(hi, 1);
    Some((lo, hi, near))
}

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn month_label(d: NaiveDate, with_year: bool, lang: Lang) -> String {
    match (lang, with_year) {
        (Lang::En, false) => MONTHS_EN[d.month0() as usize].to_string(),
        (Lang::En, true) => format!("{} {}", MONTHS_EN[d.month0() as usize], d.year()),
        (_, false) => format!("{}月", d.month()),
        (_, true) => format!("{}年{}月", d.year(), d.month()),
    }
}

/// Month starts (quarters, then years, on long charts) as major ticks, the first (partial)
/// month labelled at the chart's start, the year on the first label and wherever it changes;
/// Mondays as minor ticks on charts of four months or less.
fn ticks(lo: NaiveDate, hi: NaiveDate, lang: Lang) -> Vec<Tick> {
    let days = (hi - lo).num_days() + 1;
    let every = match days {
        ..=400 => 1,
        401..=1500 => 3,
        _ => 12,
    };
    let mut out = Vec::new();
    let mut year: Option<i32> = None;
    let mut label = |d: NaiveDate| {
        let with_year = year != Some(d.year());
        year = Some(d.year());
        month_label(d, with_year, lang)
    };
    // The month the chart starts in, when a week or more of it is shown.
    let next_month = lo.with_day(1).and_then(|d| d.checked_add_months(chrono::Months::new(1)));
    if lo.day() != 1 && every == 1 && next_month.is_some_and(|m| (m - lo).num_days() >= 7) {
        out.push(Tick { offset: 0, label: label(lo), major: true });
    }
    let mut d = lo;
    while d <= hi {
        let offset = (d - lo).num_days();
        if d.day() == 1 && d.month0().is_multiple_of(every) {
            out.push(Tick { offset, label: label(d), major: true });
        } else if days <= 124 && d.weekday() == chrono::Weekday::Mon && offset > 0 {
            out.push(Tick { offset, label: format!("{}/{}", d.month(), d.day()), major: false });
        }
        let Some(next) = d.succ_opt() else { break };
        d = next;
    }
    out
}

fn gantt(tasks: &[Record], rows: &[TaskRow], ctx: &Ctx) -> Option<Gantt> {
    let (lo, hi, near) = range(tasks, ctx.as_of)?;
    let off = |d: Option<NaiveDate>| d.map(|d| (d - lo).num_days());
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let grows = tasks
        .iter()
        .zip(rows)
        .map(|(t, r)| {
            let (s, e) = (t.date("planned_start"), t.date("planned_end"));
            let (s, e) = match (s, e) {
                (Some(s), Some(e)) if e < s => (Some(e), Some(s)),
                (Some(s), None) => (Some(s), Some(s)),
                (None, Some(e)) => (Some(e), Some(e)),
                other => other,
            };
            let depends_on = t
                .list("depends_on")
                .iter()
                .filter_map(|d| {
                    let d = d.trim();
                    ids.iter().position(|id| *id == d).map(|row| GanttDep { id: d.to_string(), row })
                })
                .collect();
            GanttRow {
                id: r.id.clone(),
                name: r.name.clone(),
                owner: r.owner.clone(),
                depth: r.depth,
                start: off(s),
                end: off(e),
                actual_end: off(t.date("actual_end")),
                planned_start: r.planned_start.clone(),
                planned_end: r.planned_end.clone(),
                actual_end_date: r.actual_end.clone(),
                status: r.status.clone(),
                key: t
                    .code("status")
                    .and_then(|c| STATUS_FILLS.iter().find(|(k, _)| *k == c))
                    .map_or("none", |(k, _)| k),
                fill: status_fill(t.code("status").unwrap_or("none")),
                overdue: r.overdue,
                delay_days: r.delay_days,
                delay: r.delay.clone(),
                depends_on,
            }
        })
        .collect();
    let today_date = format::date(Some(ctx.as_of));
    let today_edge = (!near).then(|| {
        let (side, days, text) = if ctx.as_of > hi {
            ("right", (ctx.as_of - hi).num_days(), TODAY_RIGHT)
        } else {
            ("left", (lo - ctx.as_of).num_days(), TODAY_LEFT)
        };
        TodayEdge { side, days, label: text.fill(ctx.lang, &[("date", &today_date), ("n", &days.to_string())]) }
    });
    Some(Gantt {
        start: format::date(Some(lo)),
        end: format::date(Some(hi)),
        days: (hi - lo).num_days() + 1,
        today: near.then(|| (ctx.as_of - lo).num_days()),
        today_label: format!("{} {today_date}", TODAY.get(ctx.lang)),
        today_edge,
        ticks: ticks(lo, hi, ctx.lang),
        rows: grows,
    })
}

pub(super) fn document(tasks: &[Record], ctx: &Ctx) -> Document {
    let lang = ctx.lang;
    let kpis = kpis(tasks, ctx.as_of);
    let mut rows: Vec<TaskRow> = tasks.iter().map(|t| row(t, ctx)).collect();
    // Indent relative to the shallowest task, so a plan of `1.1, 1.2, 2.1` is not all indented.
    let top = rows.iter().map(|r| r.depth).min().unwrap_or(0);
    for r in &mut rows {
        r.depth -= top;
    }
    let mut legend: Vec<Swatch> = match schema::kind("task").and_then(|k| k.field("status")).map(|f| f.ty) {
        Some(schema::Type::Enum(e)) => e
            .values
            .iter()
            .filter_map(|v| {
                let (key, fill) = STATUS_FILLS.iter().find(|(k, _)| *k == v.code)?;
                Some(Swatch { key, label: badge_of("task", "status", v.code, lang).label, fill })
            })
            .collect(),
        _ => Vec::new(),
    };
    if tasks.iter().any(|t| t.code("status").is_none()) {
        legend.push(Swatch { key: "none", label: NO_STATUS.get(lang).into(), fill: status_fill("none") });
    }
    legend.push(Swatch { key: "overdue", label: OVERDUE.get(lang).into(), fill: OVERDUE_STROKE });
    let late_note = if kpis.late_over_2 > 0 {
        let count = LATE_COUNT.fill(lang, &[("n", &kpis.late_over_2.to_string())]);
        if lang == Lang::En {
            format!("{} ({count})", LATE_NOTE.get(lang))
        } else {
            format!("{}（{count}）", LATE_NOTE.get(lang))
        }
    } else {
        String::new()
    };
    let mut present: Vec<&'static str> =
        OPTIONAL.iter().copied().filter(|k| tasks.iter().any(|t| !format::text(t, k, lang).is_empty())).collect();
    if rows.iter().any(|r| !r.delay.is_empty()) {
        present.push("delay");
    }
    let view = PlanView {
        present,
        cards: cards(&kpis, ctx),
        gantt: gantt(tasks, &rows, ctx),
        kpis,
        columns: columns(lang),
        rows,
        legend,
        labels: PlanLabels {
            kpis: KPIS.get(lang).into(),
            gantt: GANTT.get(lang).into(),
            tasks: TASKS.get(lang).into(),
            planned: PLANNED.get(lang).into(),
            actual_end: format::label("task", "actual_end", lang),
            today: TODAY.get(lang).into(),
            overdue: OVERDUE.get(lang).into(),
            dependency: DEPENDENCY.get(lang).into(),
            no_dates: NO_DATES.get(lang).into(),
            late_note,
        },
    };
    Document { stem: "plan".into(), title: TITLE.get(lang).into(), number: String::new(), view: DocView::Plan(view) }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn view(lang: Lang) -> PlanView {
        match document(&seed_tasks(), &ctx(lang)).view {
            DocView::Plan(v) => v,
            _ => unreachable!(),
        }
    }

    #[test]
    fn seed_plan_kpis_as_of_august_10() {
        // seed 000 模板2: 1.1 done a day early, 1.2 done on the day, 3.1 done a day late,
        // 2.1 blocked and planned to end 08-05.
        let k = view(Lang::ZhCn).kpis;
        assert_eq!((k.total, k.done, k.in_progress, k.blocked, k.overdue), (4, 3, 0, 1, 1));
        assert_eq!((k.on_time.done, k.on_time.of, k.on_time.text.as_str()), (2, 3, "66.7%"));
        assert_eq!(k.late_over_2, 0);
    }

    #[test]
    fn cards_carry_labels_values_and_tones() {
        let v = view(Lang::ZhCn);
        let cards: Vec<_> = v.cards.iter().map(|c| (c.label.as_str(), c.value.as_str(), c.tone)).collect();
        assert_eq!(
            cards,
            [
                ("任务总数", "4", "info"),
                ("已完成", "3", "ok"),
                ("按时完成率", "66.7%", "bad"),
                ("进行中", "0", "info"),
                ("阻塞", "1", "bad"),
                ("逾期", "1", "bad")
            ]
        );
        assert_eq!(v.cards[5].note, "截至 2024-08-10");
    }

    #[test]
    fn rows_flag_delays() {
        let v = view(Lang::ZhCn);
        let r = |id: &str| v.rows.iter().find(|r| r.id == id).unwrap();
        assert_eq!((r("1.1").delay_days, r("1.1").delay.as_str(), r("1.1").flag), (Some(0), "", ""));
        assert_eq!((r("3.1").delay_days, r("3.1").delay.as_str(), r("3.1").flag), (Some(1), "延期1天", "warn"));
        let blocked = r("2.1");
        assert!(blocked.overdue && blocked.flag == "bad");
        assert_eq!(blocked.status.as_ref().map(|s| s.label.as_str()), Some("阻塞"));
        assert_eq!((r("1.1").depth, r("1.1").owner.as_str(), r("1.1").department.as_str()), (0, "市场部*", "市场部"));
    }

    #[test]
    fn overdue_open_tasks_count_days_against_today() {
        let t = task("4.1", "数据监测", "技术部*", "2024-07-28", "2024-08-02", None, "in_progress");
        let v = match document(&[t], &ctx(Lang::En)).view {
            DocView::Plan(v) => v,
            _ => unreachable!(),
        };
        assert_eq!((v.rows[0].delay_days, v.rows[0].delay.as_str()), (Some(8), "8 days overdue"));
        assert!(v.rows[0].needs_meeting);
        assert_eq!(v.kpis.late_over_2, 1);
        assert!(v.labels.late_note.contains("1 need a dedicated meeting"));
    }

    #[test]
    fn gantt_positions_are_day_offsets_from_a_monday() {
        let g = view(Lang::ZhCn).gantt.unwrap();
        // 2024-07-15 is a Monday; today (08-10) is within reach, so it is drawn.
        assert_eq!((g.start.as_str(), g.end.as_str(), g.days), ("2024-07-15", "2024-08-11", 28));
        assert_eq!(g.today, Some(26));
        let r = &g.rows[2];
        assert_eq!((r.id.as_str(), r.start, r.end, r.actual_end), ("2.1", Some(11), Some(21), Some(22)));
        assert_eq!(r.depends_on, [GanttDep { id: "1.1".into(), row: 0 }]);
        assert_eq!((r.key, r.fill, r.overdue), ("blocked", "#d94343", true));
        let ticks: Vec<_> = g.ticks.iter().map(|t| (t.offset, t.label.as_str(), t.major)).collect();
        assert_eq!(
            ticks,
            [(0, "2024年7月", true), (7, "7/22", false), (14, "7/29", false), (17, "8月", true), (21, "8/5", false)],
            "the first, partial month is labelled, with the year"
        );
    }

    #[test]
    fn the_axis_reaches_today_when_the_plan_is_late() {
        // Tasks planned to end early in August, "today" in September: the chart runs on to today.
        let mut c = ctx(Lang::En);
        c.as_of = day("2024-09-10");
        let g = match document(&seed_tasks(), &c).view {
            DocView::Plan(v) => v.gantt.unwrap(),
            _ => unreachable!(),
        };
        assert_eq!((g.today, g.today_edge.clone()), (Some(57), None));
        assert!(g.days > 57);
        let majors: Vec<_> = g.ticks.iter().filter(|t| t.major).map(|t| t.label.as_str()).collect();
        assert_eq!(majors, ["Jul 2024", "Aug", "Sep"]);
        // Across a year the year is written again.
        let t = task("1", "x", "市场部*", "2024-11-10", "2025-02-10", None, "in_progress");
        let g = match document(&[t], &c).view {
            DocView::Plan(v) => v.gantt.unwrap(),
            _ => unreachable!(),
        };
        let majors: Vec<_> = g.ticks.iter().filter(|t| t.major).map(|t| t.label.as_str()).collect();
        assert_eq!(majors, ["Nov 2024", "Dec", "Jan 2025", "Feb"]);
        assert_eq!(g.today_edge.map(|e| e.side), Some("left"));
    }

    #[test]
    fn every_status_has_its_own_colour_and_overdue_its_own_key() {
        let v = view(Lang::ZhCn);
        let fills: Vec<&str> = v.legend.iter().map(|s| s.fill).collect();
        let distinct: std::collections::BTreeSet<&str> = fills.iter().copied().collect();
        assert_eq!(distinct.len(), fills.len(), "{:?}", v.legend);
        let key = |k: &str| v.legend.iter().find(|s| s.key == k).unwrap();
        assert_ne!(key("in_progress").fill, key("in_review").fill);
        assert_eq!(key("overdue").label, "逾期");
        // A bar takes its status's colour, overdue or not.
        let g = v.gantt.unwrap();
        let blocked = g.rows.iter().find(|r| r.id == "2.1").unwrap();
        assert_eq!((blocked.fill, blocked.overdue), (key("blocked").fill, true));
    }

    #[test]
    fn a_distant_today_is_left_out_of_the_chart() {
        let mut c = ctx(Lang::En);
        c.as_of = day("2026-01-01");
        let g = match document(&seed_tasks(), &c).view {
            DocView::Plan(v) => v.gantt.unwrap(),
            _ => unreachable!(),
        };
        assert_eq!((g.today, g.days), (None, 24));
        let edge = g.today_edge.unwrap();
        assert_eq!((edge.side, edge.days), ("right", 512));
        assert_eq!(edge.label, "Today 2026-01-01 → 512 days past the right edge");
        assert_eq!(g.ticks.iter().find(|t| t.major).map(|t| t.label.as_str()), Some("Jul 2024"));
    }

    #[test]
    fn dates_at_the_ends_of_the_calendar_do_not_break_the_chart() {
        let t = task("1", "x", "市场部*", "1900-01-01", "9999-12-31", None, "in_progress");
        let v = match document(&[t], &ctx(Lang::En)).view {
            DocView::Plan(v) => v,
            _ => unreachable!(),
        };
        let g = v.gantt.unwrap();
        assert_eq!((g.start.as_str(), g.rows[0].start), ("1900-01-01", Some(0)));
        assert!(g.ticks.iter().all(|t| t.major), "no weekly ticks on a long chart");
    }

    #[test]
    fn tasks_without_dates_have_no_chart() {
        let t = rec("task").f("id", text("1")).f("name", text("x")).build();
        let v = match document(&[t], &ctx(Lang::En)).view {
            DocView::Plan(v) => v,
            _ => unreachable!(),
        };
        assert!(v.gantt.is_none());
        assert_eq!(v.kpis.on_time.text, "—");
    }
}
