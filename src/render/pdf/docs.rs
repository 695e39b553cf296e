//! The documents of SPEC §4 as flows of blocks: each view laid out the way the HTML shows
//! it, in the page's width, with the same labels (already in the run's language).

use super::charts::{self, GanttLabels, tone};
use super::draw::Rgb;
use super::layout::{
    ACCENT, Align, BODY, Cell, Column, Flow, Geometry, INK, Item, MUTED, Rich, SMALL, Style, Table, TableRow,
    break_lines, draw_line,
};
use crate::model::{L10n, Lang};
use crate::report::ActionRow;
use crate::report::markdown::{Block, Mark, Markdown, Span, plain};
use crate::report::{
    ActionsView, Badge, DocMeta, DocView, Document, MinutesView, PlanView, RetroView, RisksView, Row, SignGrid,
    SignoffView, SummaryView,
};

const TABLE: f32 = 8.5;
const FLAG_BAD: Rgb = Rgb(0xff, 0xf0, 0xef);
const FLAG_WARN: Rgb = Rgb(0xff, 0xf9, 0xe3);

const TARGET: L10n = L10n::new("目标 100%", "目標 100%", "Target 100%");

fn body() -> Style {
    Style::new(BODY, INK)
}

fn cell_style() -> Style {
    Style::new(TABLE, INK)
}

pub fn badge(b: &Badge, size: f32) -> Rich {
    let (fg, bg) = tone(b.tone);
    Rich::new(&b.label, Style::new(size, fg).bg(bg))
}

fn badge_cell(b: Option<&Badge>) -> Cell {
    b.map_or_else(Cell::default, |b| Cell::rich(badge(b, TABLE - 0.5)))
}

fn flag_fill(flag: &str) -> Option<Rgb> {
    match flag {
        "bad" => Some(FLAG_BAD),
        "warn" => Some(FLAG_WARN),
        _ => None,
    }
}

/// The document's title block at the top of its first page (bookmarked at level 0).
pub fn title_block(flow: &mut Flow, title: &str, subtitle: &str) {
    let style = Style::new(17.0, INK).bold();
    let lines = break_lines(flow.sh, &Rich::new(title, style), flow.width);
    let mut ops = Vec::new();
    let mut y = 0.0;
    for l in lines {
        let height = l.height;
        draw_line(l, 0.0, y, &mut ops);
        y += height;
    }
    if !subtitle.is_empty() {
        for l in break_lines(flow.sh, &Rich::new(subtitle, Style::new(SMALL + 0.5, MUTED)), flow.width) {
            let height = l.height;
            draw_line(l, 0.0, y, &mut ops);
            y += height;
        }
    }
    y += 4.0;
    ops.push(super::draw::Op::Line {
        x1: 0.0,
        y1: y,
        x2: flow.width,
        y2: y,
        stroke: super::draw::Stroke::solid(ACCENT, 1.6),
    });
    flow.push(Item {
        height: y + 4.0,
        ops,
        keep_with_next: true,
        bookmark: Some((title.to_string(), 0)),
        ..Item::default()
    });
}

/// The line under the title: project, number, generation date.
pub fn subtitle(meta: &DocMeta) -> String {
    let ui = &meta.ui;
    let mut parts = Vec::new();
    if !meta.project_name.is_empty() {
        parts.push(format!("{}{}{}", ui.project, ui.colon, meta.project_name));
    }
    if !meta.project_id.is_empty() {
        parts.push(format!("{}{}{}", ui.project_id, ui.colon, meta.project_id));
    }
    parts.push(format!("{}{}{}", ui.generated, ui.colon, meta.generated));
    parts.join("    ")
}

/// Lays out a document's view.
pub fn document(flow: &mut Flow, doc: &Document, meta: &DocMeta, lang: Lang, g: &Geometry) {
    title_block(flow, &doc.title, &subtitle(meta));
    match &doc.view {
        DocView::Signoff(v) => signoff(flow, v, meta, &doc.stem),
        DocView::Plan(v) => plan(flow, v, meta, g),
        DocView::Risks(v) => risks(flow, v),
        DocView::Minutes(v) => minutes(flow, v, meta, &doc.stem),
        DocView::Retrospective(v) => retro(flow, v, meta, lang, &doc.stem),
        DocView::Actions(v) => actions(flow, v),
    }
}

/// Form rows: Markdown fields as their text, the status as a badge.
fn form(flow: &mut Flow, rows: &[Row], status: Option<&Badge>) {
    let cells: Vec<(String, Cell)> = rows
        .iter()
        .map(|r| {
            let cell = match (r.key, status, &r.html) {
                ("status", Some(b), _) => Cell::rich(badge(b, TABLE)),
                (_, _, Some(md)) => markdown_cell(md),
                _ => Cell::text(&r.value, Style::new(9.0, INK)),
            };
            (r.label.clone(), cell)
        })
        .collect();
    flow.form(&cells, 9.0);
}

fn signoff(flow: &mut Flow, v: &SignoffView, meta: &DocMeta, stem: &str) {
    flow.heading(&v.form_caption, 0);
    form(flow, &v.form, v.status.as_ref());
    sign_grid(flow, &v.grid, meta, stem);
}

/// The box to sign in for `who` (a department, else a person) in the document `stem`: an
/// empty signature field named `stem/who` (a field name holds no period: it separates the
/// parts of a field's full name, PDF 12.7.3.2), shown as `签字：who`.
fn sign_box(stem: &str, who: &str, label: &str, meta: &DocMeta) -> Cell {
    let who = who.trim().replace(['.', '/'], "·");
    Cell::sign_box(&format!("{stem}/{who}"), &format!("{label}{}{who}", meta.ui.colon))
}

/// The signature grid: a box to sign on paper in every row, kept on one page with its title;
/// each box is also an empty signature field of the row's department, for `dossier sign
/// --visible`.
pub fn sign_grid(flow: &mut Flow, g: &SignGrid, meta: &DocMeta, stem: &str) {
    let c = &g.columns;
    let mut t = Table::new(vec![
        Column::new(&c.department).row_header(),
        Column::new(&c.name),
        Column::new(&c.decision),
        Column::new(&c.date).nowrap(),
        Column::new(&c.comment),
        Column::new(&c.signature).fixed(100.0),
    ]);
    t.keep = true;
    t.size = 9.0;
    let s = Style::new(9.0, INK);
    for (i, r) in g.rows.iter().enumerate() {
        let name = Cell::text(&r.name, s).and(Rich::new(&r.role, Style::new(7.5, MUTED)));
        let who = [r.department.trim(), r.name.trim()].into_iter().find(|w| !w.is_empty());
        let who = who.map_or_else(|| (i + 1).to_string(), str::to_string);
        t.rows.push(TableRow {
            cells: vec![
                Cell::text(&r.department, s.bold()),
                name,
                badge_cell(r.decision.as_ref()),
                Cell::text(&r.date, s),
                Cell::text(&r.comment, s),
                sign_box(stem, &who, &c.signature, meta),
            ],
            fill: None,
            min_height: 38.0,
        });
    }
    // The grid stays with the end of the block it confirms.
    flow.glue_previous();
    flow.keep(|f| {
        f.heading(&g.caption, 0);
        f.table(&t);
        f.space(3.0);
        f.rich(&Rich::new(&g.progress, Style::new(SMALL, MUTED)), 0.0, Align::Right);
    });
}

fn plan(flow: &mut Flow, v: &PlanView, meta: &DocMeta, g: &Geometry) {
    flow.heading(&v.labels.kpis, 0);
    charts::cards(flow, &v.cards);
    if v.kpis.late_over_2 > 0 && !v.labels.late_note.is_empty() {
        flow.space(6.0);
        flow.para(&v.labels.late_note, Style::new(SMALL + 0.5, tone("bad").0));
    }
    if let Some(gantt) = &v.gantt {
        flow.heading(&v.labels.gantt, 0);
        let labels = GanttLabels {
            legend: &meta.ui.legend,
            swatches: &v.legend,
            actual_end: &v.labels.actual_end,
            today: &v.labels.today,
            dependency: &v.labels.dependency,
            no_dates: &v.labels.no_dates,
        };
        charts::gantt(flow, gantt, g, &labels);
    }
    flow.heading(&v.labels.tasks, 0);
    let c = &v.columns;
    let has = |k: &str| v.present.contains(&k);
    let mut cols = vec![Column::new(&c.id).nowrap(), Column::new(&c.name), Column::new(&c.owner)];
    if has("collaborators") {
        cols.push(Column::new(&c.collaborators));
    }
    cols.push(Column::new(&c.planned_start).nowrap());
    cols.push(Column::new(&c.planned_end).nowrap());
    if has("actual_end") {
        cols.push(Column::new(&c.actual_end).nowrap());
    }
    cols.push(Column::new(&c.status));
    if has("progress") {
        cols.push(Column::new(&c.progress).align(Align::Right).nowrap());
    }
    if has("delay") {
        cols.push(Column::new(&c.delay_days).nowrap());
    }
    for (k, title) in [
        ("deliverable", &c.deliverable),
        ("priority", &c.priority),
        ("depends_on", &c.depends_on),
        ("problem", &c.problem),
        // seed 003 三(二) 项目进度跟踪表: 下一步计划.
        ("next_step", &c.next_step),
    ] {
        if has(k) {
            cols.push(if k == "priority" { Column::new(title).nowrap() } else { Column::new(title) });
        }
    }
    let mut t = Table::new(cols);
    t.size = TABLE;
    let s = cell_style();
    // Parent tasks in bold when the plan has levels.
    let tree = v.rows.iter().any(|r| r.depth > 0);
    for r in &v.rows {
        let mut name = Cell::text(&r.name, if tree && r.depth == 0 { s.bold() } else { s });
        name.indent = r.depth.min(4) as f32 * 8.0;
        let mut cells = vec![Cell::text(&r.id, s), name, Cell::text(&r.owner, s)];
        if has("collaborators") {
            cells.push(Cell::text(&r.collaborators, s));
        }
        cells.push(Cell::text(&r.planned_start, s));
        cells.push(Cell::text(&r.planned_end, s));
        if has("actual_end") {
            cells.push(Cell::text(&r.actual_end, s));
        }
        cells.push(badge_cell(r.status.as_ref()));
        if has("progress") {
            cells.push(Cell::text(&r.progress, s));
        }
        if has("delay") {
            let t = if r.flag == "bad" { "bad" } else { "warn" };
            cells.push(Cell::text(&r.delay, s.color(tone(t).0).bold()));
        }
        for (k, val) in [
            ("deliverable", &r.deliverable),
            ("priority", &r.priority),
            ("depends_on", &r.depends_on),
            ("problem", &r.problem),
            ("next_step", &r.next_step),
        ] {
            if has(k) {
                cells.push(Cell::text(val, s));
            }
        }
        t.rows.push(TableRow { cells, fill: flag_fill(r.flag), min_height: 0.0 });
    }
    flow.table(&t);
}

/// One action item as a table row (minutes and the action tracker): an overdue one flagged
/// beside its due date and filled.
fn action_row(a: &ActionRow, overdue: &str) -> TableRow {
    let s = cell_style();
    let mut due = Cell::text(&a.due, s);
    if a.overdue {
        due = due.and(Rich::new(overdue, Style::new(7.5, tone("bad").0).bold()));
    }
    TableRow {
        cells: vec![
            Cell::text(&a.number, s),
            Cell::text(&a.description, s),
            Cell::text(&a.owner, s),
            due,
            Cell::text(&a.standard, s),
            Cell::text(&a.priority, s),
            badge_cell(a.status.as_ref()),
        ],
        fill: if a.overdue { Some(FLAG_BAD) } else { None },
        min_height: 0.0,
    }
}

/// The action tracker: figures, then one table per meeting (seed 001 步骤3).
fn actions(flow: &mut Flow, v: &ActionsView) {
    let l = &v.labels;
    flow.heading(&l.overview, 0);
    charts::cards(flow, &v.cards);
    flow.space(10.0);
    for g in &v.groups {
        flow.heading(&g.caption, 0);
        let mut t = Table::new(vec![
            Column::new(&l.id).nowrap(),
            Column::new(&l.description),
            Column::new(&l.owner),
            Column::new(&l.due).nowrap(),
            Column::new(&l.standard),
            Column::new(&l.priority).nowrap(),
            Column::new(&l.status),
        ]);
        t.size = TABLE;
        t.rows = g.rows.iter().map(|a| action_row(a, &l.overdue)).collect();
        flow.table(&t);
    }
}

fn risks(flow: &mut Flow, v: &RisksView) {
    flow.heading(&v.labels.overview, 0);
    charts::cards(flow, &v.cards);
    flow.space(10.0);
    let m = &v.matrix;
    let mut cols = vec![Column::new(&m.corner).row_header()];
    cols.extend(m.columns.iter().map(|c| Column::new(&c.label).align(Align::Right)));
    cols.push(Column::new(&m.total_label).align(Align::Right));
    let mut t = Table::new(cols);
    t.size = 9.0;
    t.full_width = false;
    let s = Style::new(9.0, INK);
    let count = |n: u32| Cell::text(&n.to_string(), if n == 0 { s.color(MUTED) } else { s });
    for r in &m.rows {
        let mut cells = vec![Cell::rich(badge(&r.impact, 8.5))];
        cells.extend(r.counts.iter().map(|n| count(*n)));
        cells.push(Cell::text(&r.total.to_string(), s.bold()));
        t.rows.push(TableRow { cells, fill: None, min_height: 0.0 });
    }
    let mut cells = vec![Cell::text(&m.total_label, s.bold())];
    cells.extend(m.totals.iter().map(|n| Cell::text(&n.to_string(), s.bold())));
    cells.push(Cell::text(&m.total.to_string(), s.bold()));
    t.rows.push(TableRow { cells, fill: None, min_height: 0.0 });
    flow.table(&t);

    flow.heading(&v.labels.register, 0);
    let c = &v.columns;
    let has = |k: &str| v.present.contains(&k);
    let mut cols = vec![Column::new(&c.id).nowrap()];
    if has("type") {
        cols.push(Column::new(&c.r#type).nowrap());
    }
    cols.push(Column::new(&c.description));
    cols.push(Column::new(&c.impact));
    cols.push(Column::new(&c.owner));
    if has("raised_on") {
        cols.push(Column::new(&c.raised_on).nowrap());
    }
    cols.push(Column::new(&c.due).nowrap());
    if has("resolved_on") {
        cols.push(Column::new(&c.resolved_on).nowrap());
    }
    if has("measures") {
        cols.push(Column::new(&c.measures));
    }
    cols.push(Column::new(&c.status));
    if has("result") {
        cols.push(Column::new(&c.result));
    }
    let mut t = Table::new(cols);
    t.size = TABLE;
    let s = cell_style();
    let bad = tone("bad").0;
    for r in &v.rows {
        let mut cells = vec![Cell::text(&r.id, s)];
        if has("type") {
            cells.push(Cell::text(&r.r#type, s));
        }
        cells.push(Cell::text(&r.description, s));
        cells.push(badge_cell(r.impact.as_ref()));
        cells.push(Cell::text(&r.owner, s));
        if has("raised_on") {
            cells.push(Cell::text(&r.raised_on, s));
        }
        let mut due = Cell::text(&r.due, s);
        if r.overdue {
            due = due.and(Rich::new(&v.labels.overdue, Style::new(7.5, bad).bold()));
        }
        cells.push(due);
        if has("resolved_on") {
            cells.push(Cell::text(&r.resolved_on, s));
        }
        if has("measures") {
            cells.push(Cell::text(&r.measures, s));
        }
        cells.push(badge_cell(r.status.as_ref()));
        if has("result") {
            cells.push(Cell::text(&r.result, s));
        }
        t.rows.push(TableRow { cells, fill: flag_fill(r.flag), min_height: 0.0 });
    }
    flow.table(&t);
}

fn simple_table(flow: &mut Flow, columns: Vec<Column>, rows: Vec<Vec<Cell>>) {
    let mut t = Table::new(columns);
    t.size = TABLE;
    t.rows = rows.into_iter().map(|cells| TableRow { cells, fill: None, min_height: 0.0 }).collect();
    flow.table(&t);
}

fn minutes(flow: &mut Flow, v: &MinutesView, meta: &DocMeta, stem: &str) {
    let l = &v.labels;
    let s = cell_style();
    flow.heading(&v.info_caption, 0);
    form(flow, &v.info, None);
    if !v.attendees.is_empty() {
        flow.heading(&l.attendees, 0);
        let rows = v
            .attendees
            .iter()
            .map(|a| vec![Cell::text(&a.name, s.bold()), Cell::text(&a.department, s), Cell::text(&a.role, s)])
            .collect();
        simple_table(
            flow,
            vec![Column::new(&l.attendee_name), Column::new(&l.attendee_department), Column::new(&l.attendee_role)],
            rows,
        );
    }
    if !v.agenda.is_empty() {
        flow.heading_with(&l.agenda, &v.agenda_total, 0);
        let rows = v
            .agenda
            .iter()
            .map(|a| {
                vec![
                    Cell::text(&a.n.to_string(), s),
                    Cell::text(&a.topic, s),
                    Cell::text(&a.goal, s),
                    Cell::text(&a.minutes, s),
                    Cell::text(&a.owner, s),
                ]
            })
            .collect();
        simple_table(
            flow,
            vec![
                Column::new(&l.agenda_no).align(Align::Right).nowrap(),
                Column::new(&l.agenda_topic),
                Column::new(&l.agenda_goal),
                Column::new(&l.agenda_minutes).align(Align::Right).nowrap(),
                Column::new(&l.agenda_owner),
            ],
            rows,
        );
    }
    if let Some(md) = &v.summary_html {
        flow.heading(&l.summary, 0);
        markdown(flow, md);
    }
    if !v.decisions.is_empty() {
        flow.heading(&l.decisions, 0);
        flow.list(&v.decisions, true, body());
    }
    if !v.actions.is_empty() {
        flow.heading_with(&l.actions, &v.actions_note, 0);
        let rows: Vec<TableRow> = v.actions.iter().map(|a| action_row(a, &l.overdue)).collect();
        let mut t = Table::new(vec![
            Column::new(&l.action_id).nowrap(),
            Column::new(&l.action_description),
            Column::new(&l.action_owner),
            Column::new(&l.action_due).nowrap(),
            Column::new(&l.action_standard),
            Column::new(&l.action_priority).nowrap(),
            Column::new(&l.action_status),
        ]);
        t.size = TABLE;
        t.rows = rows;
        flow.table(&t);
    }
    if !v.next_meeting.is_empty() {
        // The line before the host's box: it goes with the end of the actions, so that the
        // box never stands on a page with nothing but this line.
        flow.glue_previous();
        flow.space(8.0);
        let r = Rich::new(&format!("{}{}", l.next_meeting, meta.ui.colon), body().bold()).with(&v.next_meeting, body());
        flow.rich(&r, 0.0, Align::Left);
    }
    // The host confirms the minutes: one signature row, kept together with its title.
    let h = &v.host;
    let mut t = Table::new(vec![
        Column::new(&h.role).row_header(),
        Column::new(&h.labels.decision),
        Column::new(&h.labels.date),
        Column::new(&h.labels.signature).fixed(120.0),
    ]);
    t.keep = true;
    t.size = 9.0;
    let s9 = Style::new(9.0, INK);
    let mut decision = badge_cell(h.decision.as_ref());
    if !h.comment.is_empty() {
        decision = decision.and(Rich::new(&h.comment, Style::new(8.0, MUTED)));
    }
    t.rows.push(TableRow {
        cells: vec![
            Cell::text(&h.name, s9.bold()),
            decision,
            Cell::text(&h.date, s9),
            sign_box(stem, &h.department, &h.labels.signature, meta),
        ],
        fill: None,
        min_height: 40.0,
    });
    // The host's box stays with the end of the minutes it confirms.
    flow.glue_previous();
    flow.keep(|f| {
        f.heading(&l.host_signoff, 0);
        f.table(&t);
    });
}

fn retro(flow: &mut Flow, v: &RetroView, meta: &DocMeta, lang: Lang, stem: &str) {
    let l = &v.labels;
    flow.heading(&v.info_caption, 0);
    form(flow, &v.info, None);
    if !v.metrics.is_empty() {
        flow.heading(&l.metrics, 0);
        let s = cell_style();
        let rows = v
            .metrics
            .iter()
            .map(|m| {
                vec![
                    Cell::text(&m.name, s.bold()),
                    Cell::text(&m.target, s),
                    Cell::text(&m.actual, s),
                    Cell::text(&m.achievement_text, s.color(tone(m.tone).0).bold()),
                ]
            })
            .collect();
        simple_table(
            flow,
            vec![
                Column::new(&l.metric_name),
                Column::new(&l.target).align(Align::Right),
                Column::new(&l.actual).align(Align::Right),
                Column::new(&l.achievement).align(Align::Right),
            ],
            rows,
        );
        if v.metrics.iter().any(|m| m.achievement.is_some()) {
            flow.keep(|f| {
                f.space(6.0);
                f.para(&l.chart, Style::new(SMALL + 0.5, INK).bold());
                charts::metric_bars(f, &v.metrics, v.metrics_scale, TARGET.get(lang));
            });
        }
    }
    if !v.deliverables.is_empty() {
        flow.heading(&l.deliverables, 0);
        flow.list(&v.deliverables, true, body());
    }
    if let Some(q) = &v.quality {
        flow.heading(&l.quality, 0);
        let mut r = badge(q, BODY);
        if !v.quality_comment.is_empty() {
            r.push("  ", body());
            r.push(&v.quality_comment, body());
        }
        flow.rich(&r, 0.0, Align::Left);
    }
    for (title, items) in
        [(&l.highlights, &v.highlights), (&l.problems, &v.problems), (&l.improvements, &v.improvements)]
    {
        if !items.is_empty() {
            flow.heading(title, 0);
            flow.list(items, false, body());
        }
    }
    sign_grid(flow, &v.grid, meta, stem);
}

/// The portfolio summary: cards, one row per project, departments by overdue tasks.
pub fn summary(flow: &mut Flow, v: &SummaryView, meta: &DocMeta) {
    title_block(flow, &v.title, &format!("{}{}{}", meta.ui.generated, meta.ui.colon, meta.generated));
    charts::cards(flow, &v.cards);
    let c = &v.columns;
    flow.heading(&v.projects_caption, 0);
    let s = cell_style();
    let mut t = Table::new(vec![
        Column::new(&c.id).nowrap(),
        Column::new(&c.name),
        Column::new(&c.status),
        Column::new(&c.tasks).align(Align::Right).nowrap(),
        Column::new(&c.on_time).align(Align::Right).nowrap(),
        Column::new(&c.overdue).align(Align::Right).nowrap(),
        Column::new(&c.blocked).align(Align::Right).nowrap(),
        Column::new(&c.open_high_risks).align(Align::Right).nowrap(),
        Column::new(&c.actions).align(Align::Right).nowrap(),
    ]);
    t.size = TABLE;
    let num =
        |n: u32, t: &str| Cell::text(&n.to_string(), if n > 0 { s.color(tone(t).0).bold() } else { s.color(MUTED) });
    let bad = tone("bad").0;
    for r in &v.rows {
        let mut name = Cell::text(&r.name, s.bold());
        if !r.counts.is_empty() {
            name = name.and(Rich::new(&r.counts, Style::new(7.5, if r.built { MUTED } else { bad })));
        }
        // A project not built: its first problems under its name, no figures.
        for p in &r.problems {
            let line = Rich::new(&format!("{}[{}] ", p.severity, p.code), Style::new(7.0, bad).bold())
                .with(&p.message, Style::new(7.0, INK))
                .with(&format!(" — {}", p.location), Style::new(7.0, MUTED));
            name = name.and(line);
        }
        let cells = if r.built {
            vec![
                Cell::text(&r.id, s),
                name,
                badge_cell(r.status.as_ref()),
                Cell::text(&r.tasks, s),
                Cell::text(&r.on_time.text, s.color(tone(r.on_time_tone).0)),
                num(r.overdue, "bad"),
                num(r.blocked, "bad"),
                num(r.open_high_risks, "bad"),
                Cell::text(&r.actions.text, s),
            ]
        } else {
            vec![Cell::text(&r.id, s), name, badge_cell(r.status.as_ref())]
        };
        t.rows.push(TableRow { cells, fill: flag_fill(if r.tone == "bad" { "bad" } else { "" }), min_height: 0.0 });
    }
    if !v.projects_note.is_empty() {
        flow.para(&v.projects_note, Style::new(SMALL, MUTED));
        flow.space(4.0);
    }
    flow.table(&t);
    if !v.departments.is_empty() {
        flow.heading(&v.departments_caption, 0);
        flow.para(&v.departments_scope, Style::new(SMALL, MUTED));
        flow.para(&v.departments_note, Style::new(SMALL, MUTED));
        flow.space(4.0);
        let mut t = Table::new(vec![
            Column::new(&c.rank).align(Align::Right).nowrap(),
            Column::new(&c.department),
            Column::new(&c.task_count).align(Align::Right).nowrap(),
            Column::new(&c.done).align(Align::Right).nowrap(),
            Column::new(&c.on_time).align(Align::Right).nowrap(),
            Column::new(&c.overdue).align(Align::Right).nowrap(),
        ]);
        t.size = TABLE;
        for d in &v.departments {
            t.rows.push(TableRow {
                cells: vec![
                    Cell::text(&d.rank.to_string(), s),
                    Cell::text(&d.department, s.bold()),
                    Cell::text(&d.tasks.to_string(), s),
                    Cell::text(&d.done.to_string(), s),
                    Cell::text(&d.on_time.text, s.color(tone(d.on_time_tone).0)),
                    num(d.overdue, "bad"),
                ],
                fill: None,
                min_height: 0.0,
            });
        }
        flow.table(&t);
    }
}

// ---------------------------------------------------------------------------------------------
// Markdown, from the block model the views carry

/// Appends the spans of a Markdown block: bold set apart, hard breaks as new lines.
fn push_spans(r: &mut Rich, spans: &[Span], style: Style) {
    for sp in spans {
        match sp {
            Span::Text { text, marks, .. } => {
                r.push(text, if marks.bold { style.bold() } else { style });
            }
            Span::Break => {
                r.push("\n", style);
            }
        }
    }
}

/// The spans of a Markdown block as rich text, without trailing line breaks.
fn rich_of(spans: &[Span], style: Style) -> Rich {
    let mut r = Rich { text: String::new(), spans: Vec::new() };
    push_spans(&mut r, spans, style);
    let end = r.text.trim_end_matches('\n').len();
    r.text.truncate(end);
    r.spans.retain(|(at, _)| *at < end.max(1));
    if r.spans.is_empty() {
        r.spans.push((0, style));
    }
    r
}

/// The marker drawn before a list item: its bullet or number, or for a task its box in the
/// bullet's place (☐ ☑, which the writer draws as shapes: the bundled CJK fonts have no
/// glyph for them).
fn marker(mark: Mark, task: Option<bool>) -> String {
    let mark = match (mark, task) {
        (Mark::Bullet, Some(_)) | (Mark::None, _) => String::new(),
        (Mark::Bullet, None) => "•".to_string(),
        (Mark::Number(n), _) => format!("{n}."),
    };
    match task {
        Some(true) => format!("{mark} ☑").trim_start().to_string(),
        Some(false) => format!("{mark} ☐").trim_start().to_string(),
        None => mark,
    }
}

/// A table row of Markdown as one line: cells joined by ` | `, the head in bold.
fn table_row(cells: &[Vec<Span>], style: Style) -> Rich {
    let mut r = Rich { text: String::new(), spans: vec![(0, style)] };
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            r.push(" | ", style);
        }
        r.push(&plain(c), style);
    }
    r
}

/// Markdown as flowing text: paragraphs, headings, list items, code, table rows.
pub fn markdown(flow: &mut Flow, md: &Markdown) {
    let style = body();
    for (i, b) in md.blocks.iter().enumerate() {
        let gap = if i > 0 { 4.0 } else { 0.0 };
        match b {
            Block::Para { spans, quote } => {
                flow.space(gap);
                let indent = if *quote { style.size * 1.8 } else { 0.0 };
                flow.rich(&rich_of(spans, style), indent, Align::Left);
            }
            Block::Heading { spans, .. } => {
                flow.space(6.0);
                flow.para(&plain(spans), style.bold());
            }
            Block::Item { mark, depth, spans, task } => {
                flow.space(2.0);
                flow.item(&marker(*mark, *task), &rich_of(spans, style), *depth as f32 * style.size * 1.8);
            }
            Block::Code(code) => {
                flow.space(gap);
                flow.para(code, style);
            }
            Block::Rule => flow.space(gap),
            Block::Table { head, rows } => {
                flow.space(gap);
                flow.rich(&table_row(head, style.bold()), 0.0, Align::Left);
                for row in rows {
                    flow.rich(&table_row(row, style), 0.0, Align::Left);
                }
            }
        }
    }
}

/// A Markdown field inside a form cell: its blocks as parts of the cell.
fn markdown_cell(md: &Markdown) -> Cell {
    let style = Style::new(9.0, INK);
    let mut cell = Cell::default();
    for b in &md.blocks {
        match b {
            Block::Para { spans, .. } => cell.parts.push(rich_of(spans, style)),
            Block::Heading { spans, .. } => cell.parts.push(Rich::new(&plain(spans), style.bold())),
            Block::Item { mark, depth, spans, task } => {
                let mut r = Rich::new(&format!("{}{} ", "  ".repeat(*depth), marker(*mark, *task)), style.color(MUTED));
                push_spans(&mut r, spans, style);
                cell.parts.push(r);
            }
            Block::Code(code) => cell.parts.push(Rich::new(code, style)),
            Block::Rule => {}
            Block::Table { head, rows } => {
                cell.parts.push(table_row(head, style.bold()));
                cell.parts.extend(rows.iter().map(|r| table_row(r, style)));
            }
        }
    }
    cell
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_items_keep_their_markers_and_bold_runs() {
        let md = Markdown::parse("1. 市场部汇报\n2. 技术部**确认**\n   - 子项");
        let cell = markdown_cell(&md);
        let texts: Vec<&str> = cell.parts.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["1. 市场部汇报", "2. 技术部确认", "  • 子项"]);
        let bold = cell.parts[1].spans.iter().find(|(_, s)| s.bold).map(|(at, _)| &cell.parts[1].text[*at..]);
        assert_eq!(bold, Some("确认"));
    }
}
