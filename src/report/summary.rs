//! 协作效率汇总: one row per project, and on-time rate and overdue tasks per department
//! (seed 003 二(三): 任务按时完成率、逾期任务TOP部门). Each project is reduced to a small
//! [`ProjectSummary`] as it is built, so a batch of thousands keeps no records in memory.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Badge, DocMeta, Kpi, Rate, RateView, badge, badge_of, plan, risks};
use crate::diag::{Diagnostic, Severity, Tally};
use crate::ingest::Ctx;
use crate::model::{L10n, Project};

/// One project's figures, computed from its records.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ProjectSummary {
    pub id: String,
    pub name: String,
    /// Where the project's documents are, relative to the summary (`2024-MKT-001/`); set by
    /// whoever lays out the output.
    pub link: Option<String>,
    /// The requirement's status; without one, done when accepted, in progress when it has tasks.
    pub status: Option<Badge>,
    pub tasks_total: u32,
    pub tasks_done: u32,
    pub on_time: Rate,
    pub overdue: u32,
    pub blocked: u32,
    pub open_high_risks: u32,
    /// Action items done, of all action items of all meetings.
    pub actions: Rate,
    pub departments: Vec<DeptStat>,
    /// False for a project not built because of errors: its figures are left out.
    pub built: bool,
    pub errors: u32,
    pub warnings: u32,
    /// The first errors (then warnings) of the project, for the rows of projects not built.
    pub problems: Vec<Problem>,
}

/// One diagnostic as the portfolio shows it: code, message and where (`计划表.xlsx › 任务 › F7`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub location: String,
}

impl<'de> serde::Deserialize<'de> for Problem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Problem, D::Error> {
        #[derive(serde::Deserialize)]
        struct Owned {
            code: String,
            severity: String,
            message: String,
            location: String,
        }
        let o = Owned::deserialize(d)?;
        let intern = crate::model::intern;
        Ok(Problem { code: intern(&o.code), severity: intern(&o.severity), message: o.message, location: o.location })
    }
}

/// Errors shown per project not built.
const FIRST_PROBLEMS: usize = 3;

impl Problem {
    /// The first `n` errors of a project (warnings when it has none), locations relative to
    /// the project's own folder.
    pub fn first(diags: &[Diagnostic], source: &str, n: usize) -> Vec<Problem> {
        let rank = |d: &&Diagnostic| d.severity;
        let mut picked: Vec<&Diagnostic> = diags.iter().filter(|d| d.severity != Severity::Info).collect();
        picked.sort_by_key(rank);
        let prefix = format!("{}/", source.trim_end_matches('/'));
        picked
            .into_iter()
            .take(n)
            .map(|d| {
                let loc = d.loc.to_string();
                Problem {
                    code: d.code,
                    severity: if d.severity == Severity::Error { "error" } else { "warning" },
                    message: d.message.clone(),
                    location: loc.strip_prefix(&prefix).map_or(loc.clone(), str::to_string),
                }
            })
            .collect()
    }
}

/// Task figures of one department (the owner's department) in one project or in all.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct DeptStat {
    /// Empty when the owners give no department.
    pub department: String,
    pub tasks: u32,
    pub done: u32,
    pub on_time: Rate,
    pub overdue: u32,
}

/// Reduces a project to its summary row.
pub fn project_summary(project: &Project, ctx: &Ctx) -> ProjectSummary {
    let meta = DocMeta::new(project, ctx);
    let k = plan::kpis(&project.tasks, ctx.as_of);
    let mut depts: BTreeMap<String, DeptStat> = BTreeMap::new();
    for t in &project.tasks {
        let f = plan::facts(t, ctx.as_of);
        let dept = t.party("owner").and_then(|p| p.department.clone()).unwrap_or_default();
        let d = depts.entry(dept.clone()).or_insert_with(|| DeptStat { department: dept, ..DeptStat::default() });
        d.tasks += 1;
        d.done += u32::from(f.done);
        d.overdue += u32::from(f.overdue);
        if let Some(ok) = f.on_time {
            d.on_time = d.on_time + Rate::new(u32::from(ok), 1);
        }
    }
    let actions: Vec<_> = project.meetings.iter().flat_map(|m| m.records("actions")).collect();
    let actions_done = actions.iter().filter(|a| a.code("status") == Some("done")).count() as u32;
    let lang = ctx.lang;
    let status = project.requirement.as_ref().and_then(|r| badge(r, "status", lang)).or_else(|| {
        if project.retrospective.is_some() || (k.total > 0 && k.done == k.total) {
            Some(badge_of("requirement", "status", "done", lang))
        } else if k.total > 0 {
            Some(badge_of("requirement", "status", "in_progress", lang))
        } else {
            None
        }
    });
    ProjectSummary {
        id: meta.project_id,
        name: meta.project_name,
        link: None,
        status,
        tasks_total: k.total,
        tasks_done: k.done,
        on_time: Rate::new(k.on_time.done, k.on_time.of),
        overdue: k.overdue,
        blocked: k.blocked,
        open_high_risks: project
            .risks
            .iter()
            .filter(|r| risks::unresolved(r) && r.code("impact") == Some("high"))
            .count() as u32,
        actions: Rate::new(actions_done, actions.len() as u32),
        departments: depts.into_values().collect(),
        built: true,
        errors: 0,
        warnings: 0,
        problems: Vec::new(),
    }
}

/// The summary of a project not built because of errors: its name, its error and warning
/// counts and its first errors; no figures (they would come from records known to be wrong).
pub fn not_built(project: &Project, diags: &[Diagnostic], ctx: &Ctx) -> ProjectSummary {
    let meta = DocMeta::new(project, ctx);
    let t = Tally::of(diags);
    ProjectSummary {
        id: meta.project_id,
        name: meta.project_name,
        link: None,
        status: Some(Badge { code: "not_built".into(), label: NOT_BUILT.get(ctx.lang).into(), tone: "bad" }),
        tasks_total: 0,
        tasks_done: 0,
        on_time: Rate::default(),
        overdue: 0,
        blocked: 0,
        open_high_risks: 0,
        actions: Rate::default(),
        departments: Vec::new(),
        built: false,
        errors: t.errors as u32,
        warnings: t.warnings as u32,
        problems: Problem::first(diags, &project.source, FIRST_PROBLEMS),
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SummaryView {
    pub title: String,
    /// The summary's number (`PORTFOLIO-2024-10-20`).
    pub number: String,
    pub cards: Vec<Kpi>,
    pub projects_caption: String,
    /// How the project table is ordered (projects not built first).
    pub projects_note: String,
    pub departments_caption: String,
    /// How the department table is ordered.
    pub departments_note: String,
    /// Which projects the department table covers (`按已生成的 2 个项目统计…`).
    pub departments_scope: String,
    pub columns: SummaryColumns,
    pub rows: Vec<SummaryRow>,
    pub departments: Vec<DeptRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SummaryColumns {
    pub id: String,
    pub name: String,
    pub status: String,
    pub tasks: String,
    pub on_time: String,
    pub overdue: String,
    pub blocked: String,
    pub open_high_risks: String,
    pub actions: String,
    pub rank: String,
    pub department: String,
    pub task_count: String,
    pub done: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SummaryRow {
    pub id: String,
    pub name: String,
    pub link: Option<String>,
    pub status: Option<Badge>,
    pub tasks_done: u32,
    pub tasks_total: u32,
    /// `3 / 4`.
    pub tasks: String,
    pub on_time: RateView,
    pub overdue: u32,
    pub blocked: u32,
    pub open_high_risks: u32,
    pub actions: RateView,
    /// `bad` when not built, with overdue tasks or open high risks; `warn` with an on-time
    /// rate under 80 %.
    pub tone: &'static str,
    /// Tone of the on-time rate alone (`muted` for `—`), so that a rate is never coloured
    /// by the row's other problems.
    pub on_time_tone: &'static str,
    /// False for a project not built because of errors (no figures, its first errors below).
    pub built: bool,
    /// `3 个错误，1 个警告`, empty for a clean project.
    pub counts: String,
    pub problems: Vec<Problem>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DeptRow {
    /// 1-based rank by overdue tasks.
    pub rank: usize,
    pub department: String,
    pub tasks: u32,
    pub done: u32,
    pub on_time: RateView,
    pub overdue: u32,
    /// `bad` with overdue tasks.
    pub tone: &'static str,
    /// Tone of the on-time rate alone: `—` is muted, 100 % green, whatever the overdue count.
    pub on_time_tone: &'static str,
}

const TITLE: L10n = L10n::new("协作效率汇总", "協作效率匯總", "Portfolio summary");
const PROJECTS: L10n = L10n::new("项目", "專案", "Projects");
const DEPARTMENTS: L10n =
    L10n::new("部门按时完成率与逾期任务", "部門按時完成率與逾期任務", "On-time rate and overdue tasks by department");
const DEPT_NOTE: L10n = L10n::new(
    "按逾期任务数从多到少排列（逾期任务TOP部门），其次按按时完成率从低到高",
    "按逾期任務數從多到少排列（逾期任務TOP部門），其次按按時完成率從低到高",
    "Ordered by overdue tasks, most first, then by on-time rate, lowest first",
);
const PROJECTS_NOTE: L10n = L10n::new(
    "未生成文档的项目（有错误）排在最前，其次是有逾期任务或未了结高风险的项目",
    "未產生文件的專案（有錯誤）排在最前，其次是有逾期任務或未了結高風險的專案",
    "Projects not built because of errors first, then those with overdue tasks or open high risks",
);
const SCOPE: L10n = L10n::new(
    "统计范围：已生成文档的 {built} 个项目",
    "統計範圍：已產生文件的 {built} 個專案",
    "Covers the {built} project(s) built",
);
const SCOPE_SKIPPED: L10n = L10n::new(
    "统计范围：已生成文档的 {built} 个项目（另有 {skipped} 个项目因错误未计入）",
    "統計範圍：已產生文件的 {built} 個專案（另有 {skipped} 個專案因錯誤未計入）",
    "Covers the {built} project(s) built ({skipped} more not counted because of errors)",
);
const NOT_BUILT: L10n = L10n::new("未生成", "未產生", "Not built");
const BUILT_NOTE: L10n = L10n::new(
    "{built} 个已生成，{skipped} 个因错误未生成",
    "{built} 個已產生，{skipped} 個因錯誤未產生",
    "{built} built, {skipped} not built",
);
const COUNTS: L10n = L10n::new("{e} 个错误，{w} 个警告", "{e} 個錯誤，{w} 個警告", "{e} error(s), {w} warning(s)");
const NUMBER: L10n = L10n::new("PORTFOLIO-{date}", "PORTFOLIO-{date}", "PORTFOLIO-{date}");
const NO_DEPT: L10n = L10n::new("未注明部门", "未註明部門", "No department given");
const ID: L10n = L10n::new("编号", "編號", "ID");
const NAME: L10n = L10n::new("项目名称", "專案名稱", "Project");
const STATUS: L10n = L10n::new("状态", "狀態", "Status");
const TASKS: L10n = L10n::new("任务完成", "任務完成", "Tasks done");
const ON_TIME: L10n = L10n::new("按时完成率", "按時完成率", "On-time rate");
const OVERDUE: L10n = L10n::new("逾期任务", "逾期任務", "Overdue tasks");
const BLOCKED: L10n = L10n::new("阻塞任务", "阻塞任務", "Blocked tasks");
const HIGH_RISKS: L10n = L10n::new("未了结高风险", "未了結高風險", "Open high risks");
const ACTIONS: L10n = L10n::new("行动项完成率", "行動項完成率", "Actions done");
const RANK: L10n = L10n::new("排名", "排名", "Rank");
const DEPARTMENT: L10n = L10n::new("部门", "部門", "Department");
const DONE: L10n = L10n::new("已完成", "已完成", "Done");
const TASK_COUNT: L10n = L10n::new("任务数", "任務數", "Tasks");

fn rate_tone(r: &Rate) -> &'static str {
    match r.ratio {
        None => "muted",
        Some(x) if x >= 0.9 => "ok",
        Some(x) if x >= 0.7 => "warn",
        Some(_) => "bad",
    }
}

/// A project's tone in the summary: bad when it was not built, has overdue tasks or open high
/// risks; warn under 80 % on time.
fn tone(p: &ProjectSummary) -> &'static str {
    if !p.built || p.overdue > 0 || p.open_high_risks > 0 {
        "bad"
    } else if p.on_time.ratio.is_some_and(|r| r < 0.8) {
        "warn"
    } else {
        "ok"
    }
}

fn rank(built: bool, tone: &str) -> u8 {
    match (built, tone) {
        (false, _) => 0,
        (_, "bad") => 1,
        (_, "warn") => 2,
        _ => 3,
    }
}

/// Where a project's row goes in the summary: those not built first, then by their problems.
pub fn summary_rank(p: &ProjectSummary) -> u8 {
    rank(p.built, tone(p))
}

/// One project's row in the summary.
pub fn summary_row(p: &ProjectSummary, lang: crate::model::Lang) -> SummaryRow {
    SummaryRow {
        id: p.id.clone(),
        name: p.name.clone(),
        link: p.link.clone(),
        status: p.status.clone(),
        tasks_done: p.tasks_done,
        tasks_total: p.tasks_total,
        tasks: if p.built { format!("{} / {}", p.tasks_done, p.tasks_total) } else { String::new() },
        on_time: p.on_time.into(),
        overdue: p.overdue,
        blocked: p.blocked,
        open_high_risks: p.open_high_risks,
        actions: p.actions.into(),
        tone: tone(p),
        on_time_tone: rate_tone(&p.on_time),
        built: p.built,
        counts: if p.errors + p.warnings > 0 {
            COUNTS.fill(lang, &[("e", &p.errors.to_string()), ("w", &p.warnings.to_string())])
        } else {
            String::new()
        },
        problems: p.problems.clone(),
    }
}

/// The portfolio summary of a batch: every project, those not built first (SPEC §4), then
/// the others by their problems, each group in the order given.
pub fn summary(projects: &[ProjectSummary], ctx: &Ctx) -> SummaryView {
    let mut totals = Totals::default();
    projects.iter().for_each(|p| totals.add(p));
    let mut rows: Vec<SummaryRow> = projects.iter().map(|p| summary_row(p, ctx.lang)).collect();
    rows.sort_by_key(|r| rank(r.built, r.tone));
    SummaryView { rows, ..totals.view(ctx) }
}

/// What the summary adds up over a batch, a project at a time: for a batch too large to hold,
/// whose rows are handed to the renderers apart ([`summary_row`], in [`summary_rank`] order).
#[derive(Debug, Default)]
pub struct Totals {
    projects: usize,
    built: usize,
    depts: BTreeMap<String, DeptStat>,
    tasks_done: u32,
    tasks_total: u32,
    overdue: u32,
    high: u32,
    on_time: Rate,
    actions: Rate,
}

impl Totals {
    pub fn add(&mut self, p: &ProjectSummary) {
        self.projects += 1;
        if !p.built {
            return;
        }
        self.built += 1;
        for d in &p.departments {
            let e = self.depts.entry(d.department.clone()).or_default();
            e.tasks += d.tasks;
            e.done += d.done;
            e.overdue += d.overdue;
            e.on_time = e.on_time + d.on_time;
        }
        self.tasks_done += p.tasks_done;
        self.tasks_total += p.tasks_total;
        self.overdue += p.overdue;
        self.high += p.open_high_risks;
        self.on_time = self.on_time + p.on_time;
        self.actions = self.actions + p.actions;
    }

    /// The summary without its project rows.
    pub fn view(self, ctx: &Ctx) -> SummaryView {
        let lang = ctx.lang;
        let skipped = self.projects - self.built;
        let mut depts: Vec<(String, DeptStat)> = self.depts.into_iter().collect();
        depts.sort_by(|(an, a), (bn, b)| {
            b.overdue
                .cmp(&a.overdue)
                .then_with(|| match (a.on_time.ratio, b.on_time.ratio) {
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                })
                .then_with(|| an.cmp(bn))
        });
        let departments = depts
            .into_iter()
            .enumerate()
            .map(|(i, (name, d))| DeptRow {
                rank: i + 1,
                department: if name.is_empty() { NO_DEPT.get(lang).into() } else { name },
                tasks: d.tasks,
                done: d.done,
                on_time: d.on_time.into(),
                overdue: d.overdue,
                tone: if d.overdue > 0 { "bad" } else { "ok" },
                on_time_tone: rate_tone(&d.on_time),
            })
            .collect();

        let (total_on_time, total_actions) = (self.on_time, self.actions);
        let (overdue, high) = (self.overdue, self.high);
        let alarm = |n: u32| if n > 0 { "bad" } else { "ok" };
        let card = |key, label, value, tone, note| Kpi::new(lang, key, label, value, tone, note);
        let counts = [("built", self.built.to_string()), ("skipped", skipped.to_string())];
        let counts: Vec<(&str, &str)> = counts.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (projects_tone, projects_note) =
            if skipped > 0 { ("bad", BUILT_NOTE.fill(lang, &counts)) } else { ("info", String::new()) };
        let cards = vec![
            card("projects", PROJECTS, self.projects.to_string(), projects_tone, projects_note),
            card("tasks", TASKS, format!("{} / {}", self.tasks_done, self.tasks_total), "info", String::new()),
            card(
                "on_time",
                ON_TIME,
                total_on_time.text(),
                rate_tone(&total_on_time),
                format!("{} / {}", total_on_time.done, total_on_time.of),
            ),
            card("overdue", OVERDUE, overdue.to_string(), alarm(overdue), String::new()),
            card("open_high_risks", HIGH_RISKS, high.to_string(), alarm(high), String::new()),
            card(
                "actions",
                ACTIONS,
                total_actions.text(),
                rate_tone(&total_actions),
                format!("{} / {}", total_actions.done, total_actions.of),
            ),
        ];
        SummaryView {
            title: TITLE.get(lang).into(),
            number: NUMBER.fill(lang, &[("date", &super::format::date(Some(ctx.as_of)))]),
            cards,
            projects_caption: PROJECTS.get(lang).into(),
            projects_note: if skipped > 0 { PROJECTS_NOTE.get(lang).into() } else { String::new() },
            departments_caption: DEPARTMENTS.get(lang).into(),
            departments_note: DEPT_NOTE.get(lang).into(),
            departments_scope: if skipped > 0 { SCOPE_SKIPPED.fill(lang, &counts) } else { SCOPE.fill(lang, &counts) },
            columns: SummaryColumns {
                id: ID.get(lang).into(),
                name: NAME.get(lang).into(),
                status: STATUS.get(lang).into(),
                tasks: TASKS.get(lang).into(),
                on_time: ON_TIME.get(lang).into(),
                overdue: OVERDUE.get(lang).into(),
                blocked: BLOCKED.get(lang).into(),
                open_high_risks: HIGH_RISKS.get(lang).into(),
                actions: ACTIONS.get(lang).into(),
                rank: RANK.get(lang).into(),
                department: DEPARTMENT.get(lang).into(),
                task_count: TASK_COUNT.get(lang).into(),
                done: DONE.get(lang).into(),
            },
            rows: Vec::new(),
            departments,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::model::Lang;

    #[test]
    fn a_seed_project_reduces_to_its_figures() {
        let s = project_summary(&seed_project(), &ctx(Lang::ZhCn));
        assert_eq!((s.id.as_str(), s.name.as_str()), ("2024-MKT-001", "2024年Q3新品上市推广"));
        assert_eq!(s.status.as_ref().map(|b| b.label.as_str()), Some("已确认"));
        assert_eq!((s.tasks_done, s.tasks_total, s.on_time.text().as_str()), (3, 4, "66.7%"));
        assert_eq!((s.overdue, s.blocked, s.open_high_risks), (1, 1, 1));
        assert_eq!(s.actions.text(), "50%");
        let d: Vec<_> = s.departments.iter().map(|d| (d.department.as_str(), d.tasks, d.overdue)).collect();
        assert_eq!(d, [("产品部", 1, 0), ("市场部", 1, 0), ("设计部", 1, 1), ("销售部", 1, 0)]);
    }

    #[test]
    fn departments_are_ranked_by_overdue_tasks_then_on_time_rate() {
        // seed 003 二(三): 逾期任务TOP部门
        let c = ctx(Lang::ZhCn);
        let a = project_summary(&seed_project(), &c);
        let mut p = seed_project();
        p.tasks.push(task("4.1", "数据监测", "设计部*", "2024-07-28", "2024-08-02", None, "in_progress"));
        let b = project_summary(&p, &c);
        let v = summary(&[a, b], &c);
        let d: Vec<_> =
            v.departments.iter().map(|d| (d.rank, d.department.as_str(), d.overdue, d.on_time.text.as_str())).collect();
        assert_eq!(
            d,
            [(1, "设计部", 3, "—"), (2, "销售部", 0, "0%"), (3, "产品部", 0, "100%"), (4, "市场部", 0, "100%")]
        );
        assert_eq!(v.rows.len(), 2);
        assert_eq!((v.rows[1].tasks.as_str(), v.rows[1].tone), ("3 / 5", "bad"));
        let cards: Vec<_> = v.cards.iter().map(|c| (c.key, c.value.as_str())).collect();
        assert_eq!(
            cards,
            [
                ("projects", "2"),
                ("tasks", "6 / 9"),
                ("on_time", "66.7%"),
                ("overdue", "3"),
                ("open_high_risks", "2"),
                ("actions", "50%")
            ]
        );
    }

    #[test]
    fn a_project_without_requirement_derives_its_status() {
        let p = Project { tasks: seed_tasks(), ..Project::default() };
        let s = project_summary(&p, &ctx(Lang::En));
        assert_eq!(s.status.map(|b| b.label), Some("In progress".to_string()));
        assert_eq!(s.actions.text(), "—");
    }
}
