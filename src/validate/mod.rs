//! The rules of SPEC §3, one small [`Rule`] per code, listed once in [`RULES`].

mod dates;
mod deps;
mod ids;
mod meetings;
mod requirement;
mod retro;
mod risks;
mod tasks;
#[cfg(test)]
mod testkit;

use chrono::{NaiveDate, NaiveDateTime};

use crate::diag::{Diagnostic, Severity};
use crate::ingest::Ctx;
use crate::model::{L10n, Lang, Location, Project, Record, Value};
use crate::schema::{self, Type};

pub use ids::{duplicate_across_projects, same_id};

/// One rule of SPEC §3: its stable code, severity, the seed clause it enforces and its check.
#[derive(Debug)]
pub struct Rule {
    /// Stable code, e.g. `date-order`.
    pub code: &'static str,
    pub severity: Severity,
    /// The seed clause the rule comes from (`000 四(三)`), when it comes from one.
    pub seed: Option<&'static str>,
    /// What the rule checks, in one line, for listings and docs.
    pub summary: L10n,
    /// `None`: enforced while values are typed (`ingest::values`), not by [`check`].
    check: Option<fn(&mut Check<'_>)>,
}

impl Rule {
    /// True when [`check`] runs this rule (false for `required`, `type`, `enum`).
    pub fn checked_here(&self) -> bool {
        self.check.is_some()
    }
}

const fn typing(code: &'static str, seed: Option<&'static str>, summary: L10n) -> Rule {
    Rule { code, severity: Severity::Error, seed, summary, check: None }
}

const fn rule(
    code: &'static str,
    severity: Severity,
    seed: Option<&'static str>,
    summary: L10n,
    check: fn(&mut Check<'_>),
) -> Rule {
    Rule { code, severity, seed, summary, check: Some(check) }
}

use Severity::{Error, Warning};

/// Every rule, in the order of SPEC §3. Diagnostics come out in this order, each rule's in
/// record order.
pub static RULES: &[Rule] = &[
    typing("required", Some("all templates"), L10n::new("必填字段缺失", "必填欄位缺失", "required field missing")),
    typing("type", None, L10n::new("值无法按字段类型解析", "值無法按欄位類型解析", "value does not parse as its type")),
    typing("enum", None, L10n::new("值不在可选范围内", "值不在可選範圍內", "value not in the enumeration")),
    rule(
        "id-format",
        Error,
        Some("000 模板1"),
        L10n::new(
            "需求编号不是“年份-部门-序号”（YYYY-DEPT-NNN）",
            "需求編號不是「年份-部門-序號」（YYYY-DEPT-NNN）",
            "requirement id not YYYY-DEPT-NNN",
        ),
        ids::id_format,
    ),
    rule(
        "duplicate-id",
        Error,
        None,
        L10n::new(
            "任务、风险、行动项或需求编号重复",
            "任務、風險、行動項或需求編號重複",
            "task, risk, action or requirement id used twice",
        ),
        ids::duplicate_id,
    ),
    rule(
        "date-order",
        Error,
        None,
        L10n::new("结束时间早于开始时间", "結束時間早於開始時間", "end before start"),
        dates::date_order,
    ),
    rule(
        "dangling-dependency",
        Error,
        Some("003 二(二)"),
        L10n::new("依赖任务不存在", "依賴任務不存在", "depends_on names no task"),
        deps::dangling,
    ),
    rule(
        "dependency-cycle",
        Error,
        None,
        L10n::new("依赖任务形成循环", "依賴任務形成循環", "depends_on forms a cycle"),
        deps::cycle,
    ),
    rule(
        "dependency-order",
        Warning,
        Some("003 二(二)"),
        L10n::new(
            "任务在前置任务计划结束前开始",
            "任務在前置任務計劃結束前開始",
            "a task starts before a prerequisite is planned to end",
        ),
        deps::order,
    ),
    rule(
        "single-owner",
        Error,
        Some("003 四.1"),
        L10n::new(
            "任务或行动项有多个主负责人",
            "任務或行動項有多個主負責人",
            "a task or action has more than one main owner",
        ),
        tasks::single_owner,
    ),
    rule(
        "done-consistency",
        Warning,
        Some("000 (四)"),
        L10n::new(
            "已完成却无实际完成时间或完成比例不足100%；100%却未完成",
            "已完成卻無實際完成時間或完成比例不足100%；100%卻未完成",
            "done without actual_end or progress < 100; progress 100 but not done",
        ),
        tasks::done_consistency,
    ),
    rule(
        "delay",
        Warning,
        Some("000 四(三)"),
        L10n::new(
            "延迟超过2天，需召开专题会",
            "延遲超過2天，需召開專題會",
            "more than 2 days late: a dedicated meeting is due",
        ),
        tasks::delay,
    ),
    rule(
        "blocked-reason",
        Warning,
        Some("000 (四)"),
        L10n::new(
            "阻塞或延期的任务未说明存在问题",
            "阻塞或延期的任務未說明存在問題",
            "blocked task without a problem described",
        ),
        tasks::blocked_reason,
    ),
    rule(
        "departments",
        Warning,
        Some("003 三(一)"),
        L10n::new("需求涉及部门少于2个", "需求涉及部門少於2個", "a requirement involving fewer than 2 departments"),
        requirement::departments,
    ),
    rule(
        "action-complete",
        Error,
        Some("001 步骤3"),
        L10n::new(
            "行动项缺少任务描述、负责人、截止日期或交付标准",
            "行動項缺少任務描述、負責人、截止日期或交付標準",
            "action item without description, owner, due date or delivery standard",
        ),
        meetings::action_complete,
    ),
    rule(
        "attendees",
        Warning,
        Some("001 步骤2"),
        L10n::new("参会人员超过8人", "參會人員超過8人", "more than 8 attendees"),
        meetings::attendees,
    ),
    rule(
        "agenda-notice",
        Warning,
        Some("001 步骤3"),
        L10n::new("议程在会前不足3天发送", "議程在會前不足3天發送", "agenda sent less than 3 days before the meeting"),
        meetings::agenda_notice,
    ),
    rule(
        "agenda-fit",
        Warning,
        Some("001 步骤3"),
        L10n::new(
            "议程时长加10分钟缓冲超过会议时长",
            "議程時長加10分鐘緩衝超過會議時長",
            "agenda minutes + 10 min buffer exceed the meeting's length",
        ),
        meetings::agenda_fit,
    ),
    rule(
        "minutes-late",
        Warning,
        Some("001 (三)"),
        L10n::new(
            "会议纪要在会后超过24小时才发送",
            "會議紀要在會後超過24小時才發送",
            "minutes sent more than 24 h after the meeting ended",
        ),
        meetings::minutes_late,
    ),
    rule(
        "risk-overdue",
        Warning,
        Some("000 (五)"),
        L10n::new("高影响风险逾期未解决", "高影響風險逾期未解決", "high-impact risk open past its due date"),
        risks::risk_overdue,
    ),
    rule(
        "resolved-date",
        Warning,
        Some("000 模板3"),
        L10n::new("已解决的风险未填实际解决时间", "已解決的風險未填實際解決時間", "resolved risk without resolved_on"),
        risks::resolved_date,
    ),
    rule(
        "retro-late",
        Warning,
        Some("000 (六)"),
        L10n::new("复盘晚于验收后1周", "複盤晚於驗收後1週", "retrospective more than 7 days after acceptance"),
        retro::retro_late,
    ),
    rule(
        "metric-units",
        Error,
        Some("000 模板4"),
        L10n::new(
            "指标的目标值与实际值单位不同",
            "指標的目標值與實際值單位不同",
            "target and actual of a metric in different units",
        ),
        retro::metric_units,
    ),
    rule(
        "signoff-missing",
        Warning,
        Some("000 (一)"),
        L10n::new(
            "已确认的需求缺少涉及部门的需求评审签字",
            "已確認的需求缺少涉及部門的需求評審簽字",
            "a confirmed requirement lacks a requirement_review sign-off from an involved department",
        ),
        requirement::signoff_missing,
    ),
    rule(
        "signoff-conflict",
        Error,
        Some("000 (一)"),
        L10n::new(
            "需求已确认，但有签字驳回",
            "需求已確認，但有簽字駁回",
            "status confirmed but a sign-off rejected it",
        ),
        requirement::signoff_conflict,
    ),
];

/// Every rule of SPEC §3 (including `required`, `type`, `enum`, which typing enforces).
pub fn rules() -> &'static [Rule] {
    RULES
}

/// The rule with this code.
pub fn find(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// Runs every rule over a typed project and returns all their diagnostics.
pub fn check(project: &Project, ctx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in RULES {
        out.append(&mut run(rule, project, ctx));
    }
    out
}

/// Diagnostics one rule lists per project; the rest are counted in one more diagnostic, so a
/// file with millions of findings (every task depending on every other) stays bounded.
const MAX_PER_RULE: usize = 1_000;

const UNLISTED: L10n = L10n::new(
    "本项目还有 {n} 条“{rule}”问题未列出",
    "本專案還有 {n} 條「{rule}」問題未列出",
    "{n} more “{rule}” findings in this project are not listed",
);

fn run(rule: &'static Rule, project: &Project, ctx: &Ctx) -> Vec<Diagnostic> {
    let Some(f) = rule.check else { return Vec::new() };
    let mut c = Check { rule, project, ctx, lang: ctx.lang, out: Vec::new(), unlisted: 0 };
    f(&mut c);
    if c.unlisted > 0 {
        let file: std::sync::Arc<str> = project.source.as_str().into();
        let msg = UNLISTED.fill(ctx.lang, &[("n", &c.unlisted.to_string()), ("rule", rule.summary.get(ctx.lang))]);
        c.out.push(Diagnostic::new(rule.severity, rule.code, Location::file(&file), msg));
    }
    c.out
}

/// What a rule's check works with: the project, the settings, and its own output.
pub(crate) struct Check<'a> {
    rule: &'static Rule,
    pub project: &'a Project,
    pub ctx: &'a Ctx,
    pub lang: Lang,
    out: Vec<Diagnostic>,
    /// Findings past [`MAX_PER_RULE`], counted, not listed.
    unlisted: usize,
}

impl Check<'_> {
    /// A diagnostic of this rule (its code and severity) at `loc`.
    pub fn at(&self, loc: &Location, message: String) -> Diagnostic {
        Diagnostic::new(self.rule.severity, self.rule.code, loc.clone(), message)
    }

    pub fn push(&mut self, d: Diagnostic) {
        if self.room() {
            self.out.push(d);
        }
    }

    /// Whether one more finding will be listed; when not, it is counted. Rules whose
    /// findings can run into millions ask first and skip building the diagnostic.
    pub fn room(&mut self) -> bool {
        let room = self.out.len() < MAX_PER_RULE;
        if !room {
            self.unlisted += 1;
        }
        room
    }

    /// A message constant in the run's language with its placeholders filled.
    pub fn t(&self, text: L10n, args: &[(&str, &str)]) -> String {
        text.fill(self.lang, args)
    }

    /// The catalogue label of a field (`计划结束时间`), or the key when the catalogue lacks it.
    pub fn label(&self, kind: &str, key: &'static str) -> &'static str {
        label(kind, key, self.lang)
    }

    /// The label of an enumeration code of a field (`已完成` for task status `done`).
    pub fn enum_label(&self, kind: &str, key: &str, code: &'static str) -> &'static str {
        schema::kind(kind)
            .and_then(|k| k.field(key))
            .and_then(|f| match f.ty {
                Type::Enum(e) => e.value(code),
                _ => None,
            })
            .map_or(code, |v| v.label.get(self.lang))
    }

    /// How messages name a record: `任务 1.1`, `Risk 001`, `会议“周例会”`.
    pub fn name(&self, rec: &Record) -> String {
        name(rec, self.lang)
    }

    /// Joins items the way the language lists them (`产品部、销售部` / `Sales, Design`).
    pub fn join<S: AsRef<str>>(&self, items: &[S]) -> String {
        let sep = if self.lang == Lang::En { ", " } else { "、" };
        items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(sep)
    }
}

/// The catalogue label of a field in `lang`, or the key itself.
pub(crate) fn label(kind: &str, key: &'static str, lang: Lang) -> &'static str {
    schema::kind(kind).and_then(|k| k.field(key)).map_or(key, |f| f.label.get(lang))
}

const NOUN_REQUIREMENT: L10n = L10n::new("需求", "需求", "Requirement");
const NOUN_TASK: L10n = L10n::new("任务", "任務", "Task");
const NOUN_RISK: L10n = L10n::new("风险", "風險", "Risk");
const NOUN_ISSUE: L10n = L10n::new("问题", "問題", "Issue");
const NOUN_MEETING: L10n = L10n::new("会议", "會議", "Meeting");
const NOUN_RETRO: L10n = L10n::new("验收与复盘", "驗收與複盤", "Retrospective");
const NOUN_METRIC: L10n = L10n::new("指标", "指標", "Metric");
const NOUN_SIGNOFF: L10n = L10n::new("签字", "簽字", "Sign-off");
const NOUN_ACTION: L10n = L10n::new("行动项", "行動項", "Action");
const QUOTED: L10n = L10n::new("{noun}“{name}”", "{noun}「{name}」", "{noun} “{name}”");
const ACTION_OF: L10n =
    L10n::new("{meeting}的行动项 {action}", "{meeting}的行動項 {action}", "Action {action} of {meeting_lc}");

fn name(rec: &Record, lang: Lang) -> String {
    let noun = match rec.kind {
        "requirement" => NOUN_REQUIREMENT,
        "task" => NOUN_TASK,
        "risk" if rec.code("type") == Some("issue") => NOUN_ISSUE,
        "risk" => NOUN_RISK,
        "meeting" => NOUN_MEETING,
        "retrospective" => NOUN_RETRO,
        "metric" => NOUN_METRIC,
        "signoff" => NOUN_SIGNOFF,
        "action" => NOUN_ACTION,
        _ => return rec.kind.to_string(),
    };
    let noun = noun.get(lang);
    let text = |k: &str| rec.text(k).map(str::trim).filter(|s| !s.is_empty());
    if let Some(id) = text("id") {
        return format!("{noun} {id}");
    }
    match text("title").or_else(|| text("name")).or_else(|| text("project")) {
        Some(n) => QUOTED.fill(lang, &[("noun", noun), ("name", n)]),
        None => noun.to_string(),
    }
}

/// How messages name an action: `会议 M1 的行动项 2`; `index` is 0-based, used when it has no id.
pub(crate) fn action_name(meeting: &Record, index: usize, action: &Record, lang: Lang) -> String {
    let m = name(meeting, lang);
    let a = action_key(index, action);
    let lc = if lang == Lang::En { lower_first(&m) } else { m.clone() };
    ACTION_OF.fill(lang, &[("meeting", &m), ("meeting_lc", &lc), ("action", &a)])
}

/// The id of an action, or its 1-based position when it has none.
fn action_key(index: usize, action: &Record) -> String {
    action.id().map(str::trim).filter(|s| !s.is_empty()).map_or_else(|| (index + 1).to_string(), str::to_string)
}

/// The `record` of a diagnostic about an action: `<meeting id>/<action id or position>`.
pub(crate) fn action_record(meeting: &Record, index: usize, action: &Record) -> String {
    let a = action_key(index, action);
    match meeting.id().map(str::trim).filter(|s| !s.is_empty()) {
        Some(m) => format!("{m}/{a}"),
        None => a,
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The text a field was read from (or its value shown), for `Diagnostic::value`; `None`
/// when the field is absent.
pub(crate) fn raw(rec: &Record, key: &str) -> Option<String> {
    let f = rec.field(key)?;
    let s = if f.raw.trim().is_empty() { show(&f.value) } else { f.raw.clone() };
    (!s.is_empty()).then_some(s)
}

/// Sets `value` only when there is one.
pub(crate) trait MaybeValue {
    fn maybe_value(self, value: Option<String>) -> Self;
}

impl MaybeValue for Diagnostic {
    fn maybe_value(self, value: Option<String>) -> Self {
        match value {
            Some(v) => self.value(v),
            None => self,
        }
    }
}

/// A value as messages show it: dates ISO, date-times `YYYY-MM-DD HH:MM`.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::List(l) => l.join("、"),
        Value::Date(d) => iso(*d),
        Value::DateTime(dt) => iso_dt(*dt),
        Value::Int(i) => i.to_string(),
        Value::Percent(p) => format!("{}%", crate::ingest::trim_float(*p)),
        Value::Quantity(q) => format!("{}{}", crate::ingest::trim_float(q.value), q.unit),
        Value::Party(p) => p.to_string(),
        Value::Parties(ps) => ps.iter().map(ToString::to_string).collect::<Vec<_>>().join("、"),
        Value::Enum(c) => c.to_string(),
        Value::Records(r) => r.len().to_string(),
    }
}

pub(crate) fn iso(d: NaiveDate) -> String {
    crate::model::iso_date(d)
}

pub(crate) fn iso_dt(dt: NaiveDateTime) -> String {
    crate::model::iso_minute(dt)
}

/// A date or date-time field shown as written: a date alone stays a date.
pub(crate) fn show_when(rec: &Record, key: &str) -> String {
    rec.get(key).map(show).unwrap_or_default()
}

/// True when the field carries a date without a time of day (a `Date`, or a date-time at 00:00).
pub(crate) fn date_only(rec: &Record, key: &str) -> bool {
    match rec.get(key) {
        Some(Value::Date(_)) => true,
        Some(Value::DateTime(dt)) => dt.time() == chrono::NaiveTime::MIN,
        _ => false,
    }
}

/// Texts that mean "nothing here" in a filled-in form (`无`, `-`, `N/A`).
pub(crate) fn is_placeholder(s: &str) -> bool {
    let n = schema::normalize(s);
    n.is_empty()
        || matches!(n.as_str(), "无" | "暂无" | "没有" | "none" | "n/a" | "na" | "nil" | "null" | "—" | "/" | ".")
}

/// True when a field is absent or holds nothing a reader could use.
pub(crate) fn is_blank(rec: &Record, key: &str) -> bool {
    match rec.get(key) {
        None => true,
        Some(Value::Text(s)) => s.trim().is_empty(),
        Some(Value::List(l)) => l.iter().all(|s| s.trim().is_empty()),
        Some(Value::Parties(ps)) => ps.is_empty(),
        Some(Value::Party(p)) => p.department.is_none() && p.person.is_none(),
        Some(Value::Records(r)) => r.is_empty(),
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::*;
    use super::*;

    const SPEC_CODES: &[&str] = &[
        "required",
        "type",
        "enum",
        "id-format",
        "duplicate-id",
        "date-order",
        "dangling-dependency",
        "dependency-cycle",
        "dependency-order",
        "single-owner",
        "done-consistency",
        "delay",
        "blocked-reason",
        "departments",
        "action-complete",
        "attendees",
        "agenda-notice",
        "agenda-fit",
        "minutes-late",
        "risk-overdue",
        "resolved-date",
        "retro-late",
        "metric-units",
        "signoff-missing",
        "signoff-conflict",
    ];

    #[test]
    fn every_spec_code_is_listed_once_with_a_summary_in_each_language() {
        let codes: Vec<_> = rules().iter().map(|r| r.code).collect();
        assert_eq!(codes, SPEC_CODES);
        for r in rules() {
            for lang in [Lang::ZhCn, Lang::ZhTw, Lang::En] {
                assert!(!r.summary.get(lang).is_empty(), "{} has no summary in {lang:?}", r.code);
            }
        }
        let typing: Vec<_> = rules().iter().filter(|r| !r.checked_here()).map(|r| r.code).collect();
        assert_eq!(typing, ["required", "type", "enum"]);
    }

    #[test]
    fn severities_follow_the_spec_table() {
        let warnings = [
            "dependency-order",
            "done-consistency",
            "delay",
            "blocked-reason",
            "departments",
            "attendees",
            "agenda-notice",
            "agenda-fit",
            "minutes-late",
            "risk-overdue",
            "resolved-date",
            "retro-late",
            "signoff-missing",
        ];
        for r in rules() {
            let want = if warnings.contains(&r.code) { Severity::Warning } else { Severity::Error };
            assert_eq!(r.severity, want, "{}", r.code);
        }
    }

    #[test]
    fn check_collects_every_finding_and_never_stops_at_the_first() {
        // seed 000 模板2 (task table) with three independent problems.
        let p = Project {
            tasks: vec![
                task("1.1").f("planned_start", date("2024-07-25")).f("planned_end", date("2024-07-15")).build(),
                task("1.1").f("depends_on", list(&["9.9"])).build(),
            ],
            ..Project::default()
        };
        let diags = check(&p, &ctx());
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert!(codes.contains(&"date-order"), "{codes:?}");
        assert!(codes.contains(&"duplicate-id"), "{codes:?}");
        assert!(codes.contains(&"dangling-dependency"), "{codes:?}");
    }

    #[test]
    fn an_empty_project_passes() {
        assert!(check(&Project::default(), &ctx()).is_empty());
    }

    #[test]
    fn records_are_named_by_kind_and_id_or_title() {
        assert_eq!(name(&task("2.1").build(), Lang::ZhCn), "任务 2.1");
        assert_eq!(name(&rec("risk").f("id", text("003")).f("type", code("issue")).build(), Lang::En), "Issue 003");
        assert_eq!(name(&rec("meeting").f("title", text("周例会")).build(), Lang::ZhTw), "會議「周例会」");
    }
}
