//! View models of the documents of SPEC §4: computed once from a checked project, every
//! label already in the run's language, every number and date already formatted, so the
//! renderers (HTML, XLSX, PDF) only lay them out and never recompute.

pub mod actions;
pub mod format;
pub mod index;
pub mod markdown;
pub mod minutes;
pub mod plan;
pub mod retro;
pub mod risks;
pub mod signoff;
pub mod summary;

#[cfg(test)]
pub(crate) mod fixtures;

use serde::Serialize;

use crate::ingest::Ctx;
use crate::model::{L10n, Lang, Project, Record, Value};
use crate::schema;

pub use actions::{ActionGroup, ActionsView};
pub use minutes::{ActionRow, AgendaRow, AttendeeRow, MinutesView};
pub use plan::{Gantt, GanttDep, GanttRow, PlanKpis, PlanView, Swatch, TaskRow, Tick, TodayEdge};
pub use retro::{MetricRow, RetroView};
pub use risks::{RiskMatrix, RiskRow, RisksView};
pub use signoff::SignoffView;
pub use summary::{
    DeptRow, DeptStat, Problem, ProjectSummary, SummaryRow, SummaryView, Totals, not_built, project_summary, summary,
    summary_rank, summary_row,
};

/// One document of a project: its file stem (`plan`, `minutes-2023-09-15`), title, number
/// (`2024-MKT-001-PLAN`) and view.
#[derive(Clone, Debug, Serialize)]
pub struct Document {
    pub stem: String,
    pub title: String,
    /// The document's own number, derived from the project's and the document's (SPEC §4):
    /// shown in its header, kept in its metadata and in the manifest.
    pub number: String,
    pub view: DocView,
}

/// The view of each kind of document; `kind` names the template (`plan` → `plan.html`).
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DocView {
    Signoff(SignoffView),
    Plan(PlanView),
    Risks(RisksView),
    Minutes(MinutesView),
    Retrospective(RetroView),
    Actions(ActionsView),
}

impl DocView {
    /// `signoff`, `plan`, `risks`, `minutes`, `retrospective`: the template's name without extension.
    pub fn kind(&self) -> &'static str {
        match self {
            DocView::Signoff(_) => "signoff",
            DocView::Plan(_) => "plan",
            DocView::Risks(_) => "risks",
            DocView::Minutes(_) => "minutes",
            DocView::Retrospective(_) => "retrospective",
            DocView::Actions(_) => "actions",
        }
    }

    /// Whether the document is printed on landscape pages (PDF and HTML print alike): the
    /// Gantt chart and wide tables need the width.
    pub fn landscape(&self) -> bool {
        match self {
            DocView::Plan(p) => p.gantt.is_some() || p.present.len() >= 5,
            DocView::Risks(r) => r.present.len() >= 3,
            _ => false,
        }
    }
}

/// What every page of a project's documents shows around the view: project, language, date.
#[derive(Clone, Debug, Serialize)]
pub struct DocMeta {
    /// Requirement id (`2024-MKT-001`), else the source's file or folder name.
    pub project_id: String,
    /// Requirement title, else the retrospective's project name, else a title made of the
    /// project's first record (`活动方案设计等4项任务`), never the folder's name.
    pub project_name: String,
    /// The initiating department (requirement, else retrospective), empty when unknown.
    pub department: String,
    /// `2024-07-15 – 2024-09-30`: the requirement's dates, else the span of the task plan.
    pub period: String,
    /// Who filed the project: the requirement's initiator, else its coordinator.
    pub filer: String,
    /// How long the project's file is kept (the requirement's `retention`, `10年`), empty
    /// when not given: nothing in the seeds sets a period, so none is made up.
    pub retention: String,
    /// `zh-CN`, `zh-TW` or `en`: the language of labels and messages, for `<html lang>`.
    pub lang: &'static str,
    /// The language of the project's own text (`zh-Hans`, `zh-Hant`, `en`; [`content_lang`]):
    /// PDF `/Lang`, `dc:language`, and the font face (SC or TC).
    pub content_lang: &'static str,
    /// The generation date: `--as-of`, never the wall clock, so output is reproducible.
    pub generated: String,
    pub generator: &'static str,
    /// The instant stamped into file metadata (PDF dates, XLSX properties): the run's
    /// [`Ctx::stamp`], resolved once; templates do not see it.
    #[serde(skip)]
    pub stamp: chrono::NaiveDateTime,
    pub ui: Ui,
}

/// Words of the page furniture, in the run's language.
#[derive(Clone, Debug, Serialize)]
pub struct Ui {
    /// `：` in Chinese, `: ` in English.
    pub colon: String,
    pub project: String,
    pub project_id: String,
    /// `文档编号`: the label of a document's number.
    pub number: String,
    pub generated: String,
    pub signature: String,
    pub none: String,
    pub legend: String,
    pub department: String,
    pub period: String,
    pub filer: String,
    pub retention: String,
    /// `（待填写）`: what a form shows where a value is left to be written in by hand.
    pub to_fill: String,
    /// `第 {n} 页 / 共 {of} 页`, for page footers.
    pub page_of: String,
}

const COLON: L10n = L10n::new("：", "：", ": ");
const PROJECT: L10n = L10n::new("项目", "專案", "Project");
const PROJECT_ID: L10n = L10n::new("项目编号", "專案編號", "Project no.");
const NUMBER: L10n = L10n::new("文档编号", "文件編號", "Document no.");
const GENERATED: L10n = L10n::new("生成日期", "生成日期", "Generated");
const SIGNATURE: L10n = L10n::new("签字", "簽字", "Signature");
const NONE: L10n = L10n::new("无", "無", "None");
const LEGEND: L10n = L10n::new("图例", "圖例", "Legend");
const DEPARTMENT: L10n = L10n::new("发起部门", "發起部門", "Department");
const PERIOD: L10n = L10n::new("项目周期", "專案週期", "Period");
const FILER: L10n = L10n::new("填报人", "填報人", "Filed by");
const RETENTION: L10n = L10n::new("保管期限", "保管期限", "Retention");
const TO_FILL: L10n = L10n::new("（待填写）", "（待填寫）", "(to be filled in)");
const PAGE_OF: L10n = L10n::new("第 {n} 页 / 共 {of} 页", "第 {n} 頁 / 共 {of} 頁", "Page {n} of {of}");
const TASKS_TITLE: L10n = L10n::new("{first}等{n}项任务", "{first}等{n}項任務", "{first} and {more} more tasks");
const RISKS_TITLE: L10n = L10n::new("{first}等{n}项风险", "{first}等{n}項風險", "{first} and {more} more risks");

impl DocMeta {
    /// The meta of a project's documents.
    pub fn new(project: &Project, ctx: &Ctx) -> DocMeta {
        let lang = ctx.lang;
        let req = project.requirement.as_ref();
        let retro = project.retrospective.as_ref();
        let project_id = project_id(project);
        let project_name = req
            .and_then(|r| nonempty(r.text("title")))
            .or_else(|| retro.and_then(|r| nonempty(r.text("project"))))
            .or_else(|| first_record_title(project, lang))
            .unwrap_or_else(|| project_id.clone());
        let department = [req, retro]
            .into_iter()
            .flatten()
            .find_map(|r| nonempty(Some(&format::text(r, "department", lang))))
            .unwrap_or_default();
        let dates = |lo: Option<chrono::NaiveDate>, hi: Option<chrono::NaiveDate>| match (lo, hi) {
            (None, None) => String::new(),
            (a, b) => format!("{} – {}", format::date(a), format::date(b)).trim_matches([' ', '–']).to_string(),
        };
        let period = match req.map(|r| (r.date("start"), r.date("end"))) {
            Some((s, e)) if s.is_some() || e.is_some() => dates(s, e),
            _ => {
                let all = project.tasks.iter().flat_map(|t| [t.date("planned_start"), t.date("planned_end")]).flatten();
                dates(all.clone().min(), all.max())
            }
        };
        // `*` alone is the seeds' anonymised person: the initiating department's, then.
        let filer = req
            .and_then(|r| ["initiator", "coordinator"].iter().find_map(|k| nonempty(Some(&format::text(r, k, lang)))))
            .map(|f| if f == "*" && !department.is_empty() { format!("{department}*") } else { f })
            .unwrap_or_default();
        let retention = req.and_then(|r| nonempty(Some(&format::text(r, "retention", lang)))).unwrap_or_default();
        DocMeta {
            project_id,
            project_name,
            department,
            period,
            filer,
            retention,
            content_lang: content_lang(project, ctx.lang),
            ..DocMeta::batch(ctx)
        }
    }

    /// The meta of batch documents (the portfolio summary): no project.
    pub fn batch(ctx: &Ctx) -> DocMeta {
        let lang = ctx.lang;
        DocMeta {
            project_id: String::new(),
            project_name: String::new(),
            department: String::new(),
            period: String::new(),
            filer: String::new(),
            retention: String::new(),
            lang: lang.code(),
            content_lang: script_of(lang),
            generated: format::date(Some(ctx.as_of)),
            generator: concat!("dossier ", env!("CARGO_PKG_VERSION")),
            stamp: ctx.stamp,
            ui: Ui {
                colon: COLON.get(lang).into(),
                project: PROJECT.get(lang).into(),
                project_id: PROJECT_ID.get(lang).into(),
                number: NUMBER.get(lang).into(),
                generated: GENERATED.get(lang).into(),
                signature: SIGNATURE.get(lang).into(),
                none: NONE.get(lang).into(),
                legend: LEGEND.get(lang).into(),
                department: DEPARTMENT.get(lang).into(),
                period: PERIOD.get(lang).into(),
                filer: FILER.get(lang).into(),
                retention: RETENTION.get(lang).into(),
                to_fill: TO_FILL.get(lang).into(),
                page_of: PAGE_OF.get(lang).into(),
            },
        }
    }

    /// The number of the project dossier (`2024-MKT-001-DOSSIER`).
    pub fn dossier_number(&self) -> String {
        number(&self.project_id, "DOSSIER")
    }
}

/// The requirement's id, else the name of the project's file or folder.
pub fn project_id(project: &Project) -> String {
    project.requirement.as_ref().and_then(|r| nonempty(r.id())).unwrap_or_else(|| {
        std::path::Path::new(&project.source).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
    })
}

/// A title for a project without a requirement, from its first record: the first meeting's
/// title, else the first task's name (`活动方案设计等4项任务`), else the first risk's description.
fn first_record_title(project: &Project, lang: Lang) -> Option<String> {
    let cut = |s: String| -> String {
        if s.chars().count() > 40 { format!("{}…", s.chars().take(39).collect::<String>()) } else { s }
    };
    if let Some(t) = project.meetings.iter().find_map(|m| nonempty(m.text("title"))) {
        return Some(cut(t));
    }
    let first_of = |records: &[Record], key: &str, many: L10n| {
        let first = records.iter().find_map(|r| nonempty(Some(&format::text(r, key, lang))))?;
        let first = cut(first);
        Some(match records.len() {
            1 => first,
            n => many.fill(lang, &[("first", &first), ("n", &n.to_string()), ("more", &(n - 1).to_string())]),
        })
    };
    first_of(&project.tasks, "name", TASKS_TITLE).or_else(|| first_of(&project.risks, "description", RISKS_TITLE))
}

/// `2024-MKT-001-PLAN`: a document's number from its project's and its own short name.
pub fn number(project_id: &str, doc: &str) -> String {
    let id = project_id.trim();
    if id.is_empty() { doc.to_string() } else { format!("{id}-{doc}") }
}

/// BCP 47 tag of the script a language's documents are written in.
fn script_of(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "zh-Hans",
        Lang::ZhTw => "zh-Hant",
        Lang::En => "en",
    }
}

/// The language of a project's own text: Chinese when it has Han characters about as often as
/// English words, Traditional when a noticeable share of them changes under
/// Traditional→Simplified conversion; English when the text is Latin; the UI language's script
/// when there is no text at all.
pub fn content_lang(project: &Project, ui: Lang) -> &'static str {
    fn walk(rec: &Record, out: &mut String) {
        let push_party = |p: &crate::model::Party, out: &mut String| {
            for s in [&p.department, &p.person].into_iter().flatten() {
                out.push_str(s);
                out.push('\n');
            }
        };
        for f in rec.fields.values() {
            match &f.value {
                Value::Text(s) => out.push_str(s),
                Value::List(v) => v.iter().for_each(|s| out.push_str(s)),
                Value::Party(p) => push_party(p, out),
                Value::Parties(ps) => ps.iter().for_each(|p| push_party(p, out)),
                Value::Records(rs) => rs.iter().for_each(|r| walk(r, out)),
                _ => {}
            }
            out.push('\n');
        }
    }
    let mut text = String::new();
    let records = project.requirement.iter().chain(&project.tasks).chain(&project.risks).chain(&project.meetings);
    for r in records.chain(&project.retrospective).chain(&project.signoffs).chain(&project.actions) {
        walk(r, &mut text);
    }
    let han: String = text.chars().filter(|c| is_han(*c)).collect();
    let letters = text.chars().filter(char::is_ascii_alphabetic).count();
    let n = han.chars().count();
    if n == 0 && letters == 0 {
        return script_of(ui);
    }
    if n * 5 < letters {
        return "en";
    }
    let traditional = han.chars().zip(fast2s::convert(&han).chars()).filter(|(a, b)| a != b).count();
    // Simplified text has almost no character that conversion changes; Traditional has many.
    if traditional * 20 >= n && traditional >= 2 { "zh-Hant" } else { "zh-Hans" }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{3134F}' | '\u{F900}'..='\u{FAFF}')
}

fn nonempty(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Every document the project has data for, in the order of SPEC §4, each numbered.
pub fn documents(project: &Project, ctx: &Ctx) -> Vec<Document> {
    let mut docs = Vec::new();
    let id = project_id(project);
    if let Some(req) = &project.requirement {
        docs.push(signoff::document(req, &project.signoffs, ctx));
    }
    if !project.tasks.is_empty() {
        docs.push(plan::document(&project.tasks, ctx));
    }
    if !project.risks.is_empty() {
        docs.push(risks::document(&project.risks, ctx));
    }
    let mut stems = std::collections::BTreeSet::new();
    for (i, meeting) in project.meetings.iter().enumerate() {
        let mut doc = minutes::document(meeting, i, &project.signoffs, ctx);
        // Two meetings whose ids make the same stem still get a file each.
        let base = doc.stem.clone();
        let mut n = 1;
        while !stems.insert(doc.stem.clone()) {
            n += 1;
            doc.stem = format!("{base}-{n}");
        }
        docs.push(doc);
    }
    if !project.actions.is_empty() {
        docs.push(actions::document(&project.actions, ctx));
    }
    if let Some(retro) = &project.retrospective {
        docs.push(retro::document(retro, project.requirement.as_ref(), &project.signoffs, ctx));
    }
    for d in &mut docs {
        let short = match d.view.kind() {
            "signoff" => "SIGN".to_string(),
            "plan" => "PLAN".to_string(),
            "risks" => "RISK".to_string(),
            "retrospective" => "RETRO".to_string(),
            "actions" => "ACTIONS".to_string(),
            _ => format!("MIN-{}", d.stem.trim_start_matches("minutes-")),
        };
        d.number = number(&id, &short);
    }
    docs
}

/// A status shown as text and colour: the enumeration code, its label and a tone
/// (`ok`, `info`, `warn`, `bad`, `muted`) that renderers map to colours.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Badge {
    pub code: String,
    pub label: String,
    pub tone: &'static str,
}

impl<'de> serde::Deserialize<'de> for Badge {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Badge, D::Error> {
        #[derive(serde::Deserialize)]
        struct Owned {
            code: String,
            label: String,
            tone: String,
        }
        let o = Owned::deserialize(d)?;
        Ok(Badge { code: o.code, label: o.label, tone: crate::model::intern(&o.tone) })
    }
}

/// Tone of each enumeration value that carries a judgement (enumeration name, code, tone).
static TONES: &[(&str, &str, &str)] = &[
    ("task_status", "not_started", "muted"),
    ("task_status", "in_progress", "info"),
    ("task_status", "in_review", "info"),
    ("task_status", "done", "ok"),
    ("task_status", "blocked", "bad"),
    ("task_status", "delayed", "warn"),
    ("requirement_status", "pending_review", "warn"),
    ("requirement_status", "confirmed", "info"),
    ("requirement_status", "in_progress", "info"),
    ("requirement_status", "done", "ok"),
    ("requirement_status", "rejected", "bad"),
    ("impact", "high", "bad"),
    ("impact", "medium", "warn"),
    ("impact", "low", "info"),
    ("risk_status", "open", "bad"),
    ("risk_status", "in_progress", "warn"),
    ("risk_status", "resolved", "ok"),
    ("risk_status", "closed", "muted"),
    ("signoff_decision", "approved", "ok"),
    ("signoff_decision", "conditional", "warn"),
    ("signoff_decision", "rejected", "bad"),
    ("quality", "excellent", "ok"),
    ("quality", "good", "ok"),
    ("quality", "pass", "info"),
    ("quality", "fail", "bad"),
    ("priority", "P0", "bad"),
    ("priority", "P1", "warn"),
    ("priority", "P2", "muted"),
];

/// The badge of an enumeration code of a field (`task.status = done` → 已完成, ok).
pub fn badge_of(kind: &str, key: &str, code: &str, lang: Lang) -> Badge {
    let enum_name = schema::kind(kind).and_then(|k| k.field(key)).and_then(|f| match f.ty {
        schema::Type::Enum(e) => Some(e.name),
        _ => None,
    });
    let tone = TONES.iter().find(|(e, c, _)| Some(*e) == enum_name && *c == code).map_or("muted", |(_, _, tone)| tone);
    Badge { code: code.to_string(), label: format::enum_label(kind, key, code, lang), tone }
}

/// The badge of a record's enumeration field, when set.
pub fn badge(rec: &Record, key: &str, lang: Lang) -> Option<Badge> {
    rec.code(key).map(|code| badge_of(rec.kind, key, code, lang))
}

/// One label/value line of a form.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub key: &'static str,
    pub label: String,
    pub value: String,
    /// Markdown fields read into blocks; they serialize as safe HTML for templates to insert as is.
    pub html: Option<markdown::Markdown>,
}

/// The form of a record: one row per catalogue field that holds a value, in catalogue order.
pub fn form_rows(rec: &Record, lang: Lang, skip: &[&str]) -> Vec<Row> {
    let Some(kind) = schema::kind(rec.kind) else { return Vec::new() };
    kind.fields
        .iter()
        .filter(|f| !skip.contains(&f.key))
        .filter_map(|f| {
            let value = format::text(rec, f.key, lang);
            if value.is_empty() {
                return None;
            }
            let html = (f.ty == schema::Type::Markdown).then(|| markdown::Markdown::parse(&value));
            Some(Row { key: f.key, label: f.label.get(lang).to_string(), value, html })
        })
        .collect()
}

/// A share such as the on-time rate: `done` of `of`, as a ratio (0–1) and as text (`66.7%`,
/// or `—` when there is nothing to count).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Rate {
    pub done: u32,
    pub of: u32,
    pub ratio: Option<f64>,
}

impl Rate {
    pub fn new(done: u32, of: u32) -> Rate {
        Rate { done, of, ratio: (of > 0).then(|| f64::from(done) / f64::from(of)) }
    }

    pub fn text(&self) -> String {
        self.ratio.map_or_else(|| "—".to_string(), |r| format::percent(r * 100.0))
    }
}

impl std::ops::Add for Rate {
    type Output = Rate;

    /// Pools two counts (not an average of two ratios).
    fn add(self, other: Rate) -> Rate {
        Rate::new(self.done + other.done, self.of + other.of)
    }
}

/// A rate with its text, as views hand it to renderers.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RateView {
    pub done: u32,
    pub of: u32,
    /// 0–1, absent when there is nothing to count.
    pub ratio: Option<f64>,
    pub text: String,
}

impl From<Rate> for RateView {
    fn from(r: Rate) -> RateView {
        RateView { done: r.done, of: r.of, ratio: r.ratio, text: r.text() }
    }
}

/// A headline figure (`按时完成率 66.7%`) with a tone for its colour.
#[derive(Clone, Debug, Serialize)]
pub struct Kpi {
    pub key: &'static str,
    pub label: String,
    pub value: String,
    pub tone: &'static str,
    /// What the figure counts (`2 / 3`), empty when the value says it all.
    pub note: String,
}

impl Kpi {
    /// A card: its key, its label in `lang`, the value, its tone and what it counts.
    pub fn new(
        lang: crate::model::Lang,
        key: &'static str,
        label: L10n,
        value: String,
        tone: &'static str,
        note: String,
    ) -> Kpi {
        Kpi { key, label: label.get(lang).into(), value, tone, note }
    }
}

/// A signature grid: every expected signatory, recorded sign-offs filled in, missing ones
/// left as empty boxes to be signed on paper.
#[derive(Clone, Debug, Serialize)]
pub struct SignGrid {
    pub caption: String,
    pub columns: SignColumns,
    pub rows: Vec<SignRow>,
    /// Rows with a recorded decision, of all rows.
    pub signed: u32,
    pub expected: u32,
    /// `已签 2 / 4`.
    pub progress: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SignColumns {
    pub department: String,
    pub name: String,
    pub role: String,
    pub decision: String,
    pub date: String,
    pub comment: String,
    pub signature: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SignRow {
    pub department: String,
    pub name: String,
    pub role: String,
    pub decision: Option<Badge>,
    pub date: String,
    pub comment: String,
    /// True when a sign-off is recorded for this row.
    pub signed: bool,
    /// True when the signatory was not among those expected (recorded anyway).
    pub unexpected: bool,
}

const SIGNED: L10n = L10n::new("已签 {n} / {of}", "已簽 {n} / {of}", "{n} of {of} signed");

/// The department an expected signatory names: `产品部*` → `产品部`, `市场部/张三` → `市场部`.
fn department_of(s: &str) -> &str {
    let s = s.trim();
    let end = s.find(['/', '／', '*', '(', '（']).unwrap_or(s.len());
    s[..end].trim()
}

fn same_department(a: &str, b: &str) -> bool {
    let (a, b) = (schema::normalize(department_of(a)), schema::normalize(department_of(b)));
    !a.is_empty() && !b.is_empty() && (a == b || a.contains(&b) || b.contains(&a))
}

/// Builds a grid: one row per expected department (in the order given), filled from the
/// first recorded sign-off of that department; recorded sign-offs nobody expected follow.
pub fn sign_grid(caption: String, expected: &[String], recorded: &[&Record], lang: Lang) -> SignGrid {
    let label = |k| format::label("signoff", k, lang);
    let columns = SignColumns {
        department: label("department"),
        name: label("name"),
        role: label("role"),
        decision: label("decision"),
        date: label("date"),
        comment: label("comment"),
        signature: SIGNATURE.get(lang).to_string(),
    };
    let mut used = vec![false; recorded.len()];
    let filled = |r: &Record, unexpected: bool| SignRow {
        department: format::text(r, "department", lang),
        name: format::text(r, "name", lang),
        role: format::text(r, "role", lang),
        decision: badge(r, "decision", lang),
        date: format::text(r, "date", lang),
        comment: format::text(r, "comment", lang),
        signed: r.code("decision").is_some(),
        unexpected,
    };
    let mut rows = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for dept in expected {
        let name = department_of(dept);
        if name.is_empty() || seen.iter().any(|s| same_department(s, name)) {
            continue;
        }
        seen.push(name.to_string());
        let found = recorded
            .iter()
            .enumerate()
            .find(|(i, r)| !used[*i] && r.text("department").is_some_and(|d| same_department(d, name)));
        match found {
            Some((i, r)) => {
                used[i] = true;
                let mut row = filled(r, false);
                if row.department.is_empty() {
                    row.department = name.to_string();
                }
                rows.push(row);
            }
            None => rows.push(SignRow {
                department: name.to_string(),
                name: String::new(),
                role: String::new(),
                decision: None,
                date: String::new(),
                comment: String::new(),
                signed: false,
                unexpected: false,
            }),
        }
    }
    for (i, r) in recorded.iter().enumerate() {
        if !used[i] {
            rows.push(filled(r, true));
        }
    }
    let signed = rows.iter().filter(|r| r.signed).count() as u32;
    let expected = rows.len() as u32;
    let progress = SIGNED.fill(lang, &[("n", &signed.to_string()), ("of", &expected.to_string())]);
    SignGrid { caption, columns, rows, signed, expected, progress }
}

/// A file stem made of an id: letters, digits (any script), `-`, `_` and `.` kept, the rest
/// turned into `-`; never empty, never starting with a dot.
pub fn stem_part(id: &str) -> String {
    let mut out = String::new();
    for c in id.trim().chars() {
        if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches(|c| c == '-' || c == '.').to_string();
    out.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn the_document_language_follows_the_project_text() {
        // Issue 11: a Traditional-Chinese project is zh-Hant whatever the UI language.
        let mut p = seed_project();
        assert_eq!(content_lang(&p, Lang::En), "zh-Hans");
        let to_traditional = |rec: &mut Record| {
            for f in rec.fields.values_mut() {
                if let Value::Text(s) = &mut f.value {
                    *s = "門市開幕專案籌備與協調,預計於十月完成".into();
                }
            }
        };
        p.tasks.clear();
        p.risks.clear();
        p.meetings.clear();
        p.signoffs.clear();
        p.retrospective = None;
        to_traditional(p.requirement.as_mut().unwrap());
        assert_eq!(content_lang(&p, Lang::ZhCn), "zh-Hant");
        let empty = Project { source: "x".into(), ..Project::default() };
        assert_eq!(content_lang(&empty, Lang::ZhTw), "zh-Hant");
        assert_eq!(content_lang(&empty, Lang::En), "en");
    }

    #[test]
    fn a_seed_project_gives_every_document_in_spec_order() {
        let docs = documents(&seed_project(), &ctx(Lang::ZhCn));
        let stems: Vec<_> = docs.iter().map(|d| d.stem.as_str()).collect();
        assert_eq!(stems, ["signoff", "plan", "risks", "minutes-2023-09-15", "retrospective"]);
        assert_eq!(docs[1].title, "任务分工与进度报告");
    }

    #[test]
    fn a_project_with_tasks_only_gets_the_plan_only() {
        let p = Project { tasks: seed_project().tasks, ..Project::default() };
        let docs = documents(&p, &ctx(Lang::En));
        assert_eq!(docs.iter().map(|d| d.stem.as_str()).collect::<Vec<_>>(), ["plan"]);
        assert!(documents(&Project::default(), &ctx(Lang::En)).is_empty());
    }

    #[test]
    fn meta_names_the_project_by_its_requirement() {
        let m = DocMeta::new(&seed_project(), &ctx(Lang::ZhTw));
        assert_eq!(m.project_id, "2024-MKT-001");
        assert_eq!(m.project_name, "2024年Q3新品上市推广");
        assert_eq!((m.lang, m.generated.as_str()), ("zh-TW", "2024-08-10"));
        let bare = Project { source: "in/周报.xlsx".into(), ..Project::default() };
        assert_eq!(DocMeta::new(&bare, &ctx(Lang::En)).project_name, "周报");
    }

    #[test]
    fn stems_are_safe_file_names() {
        assert_eq!(stem_part("2023-09-15"), "2023-09-15");
        assert_eq!(stem_part("../../etc/passwd"), "etc-passwd");
        assert_eq!(stem_part("周例会 #3"), "周例会-3");
        assert_eq!(stem_part("..."), "");
    }

    #[test]
    fn grids_match_departments_loosely_and_keep_unexpected_signatories() {
        let a = rec("signoff")
            .f("department", text("销售部"))
            .f("name", text("王五"))
            .f("decision", code("approved"))
            .build();
        let b = rec("signoff").f("department", text("法务部")).f("decision", code("rejected")).build();
        let g = sign_grid("x".into(), &["产品部*".into(), "销售部".into()], &[&a, &b], Lang::ZhCn);
        let rows: Vec<_> = g.rows.iter().map(|r| (r.department.as_str(), r.signed, r.unexpected)).collect();
        assert_eq!(rows, [("产品部", false, false), ("销售部", true, false), ("法务部", true, true)]);
        assert_eq!(g.progress, "已签 2 / 3");
    }
}
