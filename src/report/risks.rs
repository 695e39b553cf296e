//! 风险与问题登记表: counts by impact × status, then the register (seed 000 模板3, 000 (五)).

use chrono::NaiveDate;
use serde::Serialize;

use super::{Badge, DocView, Document, Kpi, badge, badge_of, format};
use crate::ingest::Ctx;
use crate::model::{L10n, Lang, Record};

#[derive(Clone, Debug, Serialize)]
pub struct RisksView {
    pub cards: Vec<Kpi>,
    pub matrix: RiskMatrix,
    pub columns: RiskColumns,
    /// Optional columns that hold a value in some row (`type`, `measures`, `result`, …).
    pub present: Vec<&'static str>,
    pub rows: Vec<RiskRow>,
    pub labels: RiskLabels,
}

#[derive(Clone, Debug, Serialize)]
pub struct RiskLabels {
    pub overview: String,
    pub register: String,
    pub overdue: String,
}

/// Counts by impact (rows) and status (columns), with totals.
#[derive(Clone, Debug, Serialize)]
pub struct RiskMatrix {
    pub caption: String,
    /// Heading of the corner cell: `影响等级 \ 解决状态`.
    pub corner: String,
    pub total_label: String,
    /// The statuses, plus `未填写` when some risk has none.
    pub columns: Vec<Badge>,
    pub rows: Vec<MatrixRow>,
    /// Per column, over all impacts.
    pub totals: Vec<u32>,
    pub total: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct MatrixRow {
    pub impact: Badge,
    pub counts: Vec<u32>,
    pub total: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct RiskColumns {
    pub id: String,
    pub r#type: String,
    pub description: String,
    pub impact: String,
    pub owner: String,
    pub raised_on: String,
    pub due: String,
    pub resolved_on: String,
    pub measures: String,
    pub status: String,
    pub result: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RiskRow {
    pub id: String,
    pub r#type: String,
    pub description: String,
    pub impact: Option<Badge>,
    pub owner: String,
    pub raised_on: String,
    pub due: String,
    pub resolved_on: String,
    pub measures: String,
    pub status: Option<Badge>,
    pub result: String,
    /// Unresolved past its planned resolution date (against `--as-of`).
    pub overdue: bool,
    /// Row highlight: `bad` for an overdue high-impact risk, `warn` for other overdue ones.
    pub flag: &'static str,
}

const TITLE: L10n = L10n::new("风险与问题登记表", "風險與問題登記表", "Risk and issue register");
const OVERVIEW: L10n = L10n::new("按影响等级与解决状态统计", "按影響等級與解決狀態統計", "By impact and status");
const REGISTER: L10n = L10n::new("登记明细", "登記明細", "Register");
const TOTAL: L10n = L10n::new("合计", "合計", "Total");
const NOT_GIVEN: L10n = L10n::new("未填写", "未填寫", "Not given");
const ALL: L10n = L10n::new("风险与问题", "風險與問題", "Risks and issues");
// 未解决 is a status (open); the cards count open and in-progress records together, so they
// say 未了结 (not yet settled) and never reuse the status's word for another count.
const UNSETTLED: L10n = L10n::new("未了结", "未了結", "Not yet settled");
const UNSETTLED_NOTE: L10n =
    L10n::new("未解决 {open} · 处理中 {doing}", "未解決 {open} · 處理中 {doing}", "Open {open} · In progress {doing}");
const HIGH_OPEN: L10n = L10n::new("高影响未了结", "高影響未了結", "High impact, not settled");
const OVERDUE: L10n = L10n::new("逾期未了结", "逾期未了結", "Overdue");
const RESOLVED: L10n = L10n::new("已解决或关闭", "已解決或關閉", "Resolved or closed");

const IMPACTS: [&str; 3] = ["high", "medium", "low"];
const STATUSES: [&str; 4] = ["open", "in_progress", "resolved", "closed"];

/// Not resolved nor closed; a risk without a status counts as open unless it has a resolution date.
pub(super) fn unresolved(r: &Record) -> bool {
    match r.code("status") {
        Some("resolved" | "closed") => false,
        Some(_) => true,
        None => r.date("resolved_on").is_none(),
    }
}

pub(super) fn overdue(r: &Record, as_of: NaiveDate) -> bool {
    unresolved(r) && r.date("due").is_some_and(|d| d < as_of)
}

fn matrix(risks: &[Record], lang: Lang) -> RiskMatrix {
    let status_label = format::label("risk", "status", lang);
    let impact_label = format::label("risk", "impact", lang);
    let mut columns: Vec<Badge> = STATUSES.iter().map(|s| badge_of("risk", "status", s, lang)).collect();
    let unset = risks.iter().any(|r| r.code("status").is_none());
    if unset {
        columns.push(Badge { code: String::new(), label: NOT_GIVEN.get(lang).into(), tone: "muted" });
    }
    let col = |r: &Record| match r.code("status") {
        Some(s) => STATUSES.iter().position(|c| *c == s),
        None => Some(STATUSES.len()),
    };
    let mut rows: Vec<MatrixRow> = IMPACTS
        .iter()
        .map(|i| MatrixRow { impact: badge_of("risk", "impact", i, lang), counts: vec![0; columns.len()], total: 0 })
        .collect();
    for r in risks {
        let Some(i) = r.code("impact").and_then(|c| IMPACTS.iter().position(|x| *x == c)) else { continue };
        if let Some(c) = col(r).filter(|c| *c < columns.len()) {
            rows[i].counts[c] += 1;
            rows[i].total += 1;
        }
    }
    let totals = (0..columns.len()).map(|c| rows.iter().map(|r| r.counts[c]).sum()).collect();
    let total = rows.iter().map(|r| r.total).sum();
    RiskMatrix {
        caption: OVERVIEW.get(lang).into(),
        corner: format!("{impact_label} \\ {status_label}"),
        total_label: TOTAL.get(lang).into(),
        columns,
        rows,
        totals,
        total,
    }
}

fn row(r: &Record, ctx: &Ctx) -> RiskRow {
    let lang = ctx.lang;
    let text = |k| format::text(r, k, lang);
    let overdue = overdue(r, ctx.as_of);
    let flag = match (overdue, r.code("impact")) {
        (true, Some("high")) => "bad",
        (true, _) => "warn",
        _ => "",
    };
    RiskRow {
        id: text("id"),
        r#type: text("type"),
        description: text("description"),
        impact: badge(r, "impact", lang),
        owner: text("owner"),
        raised_on: text("raised_on"),
        due: text("due"),
        resolved_on: text("resolved_on"),
        measures: text("measures"),
        status: badge(r, "status", lang),
        result: text("result"),
        overdue,
        flag,
    }
}

pub(super) fn document(risks: &[Record], ctx: &Ctx) -> Document {
    let lang = ctx.lang;
    let count = |f: &dyn Fn(&Record) -> bool| risks.iter().filter(|r| f(r)).count() as u32;
    let open = count(&unresolved);
    let high_open = count(&|r| unresolved(r) && r.code("impact") == Some("high"));
    let late = count(&|r| overdue(r, ctx.as_of));
    let alarm = |n: u32| if n > 0 { "bad" } else { "ok" };
    let card = |key, label, n: u32, tone| Kpi::new(lang, key, label, n.to_string(), tone, String::new());
    let doing = count(&|r| r.code("status") == Some("in_progress"));
    let mut unsettled = card("unresolved", UNSETTLED, open, if open > 0 { "warn" } else { "ok" });
    unsettled.note = UNSETTLED_NOTE.fill(lang, &[("open", &(open - doing).to_string()), ("doing", &doing.to_string())]);
    let cards = vec![
        card("total", ALL, risks.len() as u32, "info"),
        unsettled,
        card("high_open", HIGH_OPEN, high_open, alarm(high_open)),
        card("overdue", OVERDUE, late, alarm(late)),
        card("resolved", RESOLVED, risks.len() as u32 - open, "ok"),
    ];
    let l = |k| format::label("risk", k, lang);
    let present = ["type", "raised_on", "resolved_on", "measures", "result"]
        .into_iter()
        .filter(|k| risks.iter().any(|r| !format::text(r, k, lang).is_empty()))
        .collect();
    let view = RisksView {
        present,
        cards,
        matrix: matrix(risks, lang),
        columns: RiskColumns {
            id: l("id"),
            r#type: l("type"),
            description: l("description"),
            impact: l("impact"),
            owner: l("owner"),
            raised_on: l("raised_on"),
            due: l("due"),
            resolved_on: l("resolved_on"),
            measures: l("measures"),
            status: l("status"),
            result: l("result"),
        },
        rows: risks.iter().map(|r| row(r, ctx)).collect(),
        labels: RiskLabels {
            overview: OVERVIEW.get(lang).into(),
            register: REGISTER.get(lang).into(),
            overdue: OVERDUE.get(lang).into(),
        },
    };
    Document { stem: "risks".into(), title: TITLE.get(lang).into(), number: String::new(), view: DocView::Risks(view) }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn view(risks: &[Record], lang: Lang) -> RisksView {
        match document(risks, &ctx(lang)).view {
            DocView::Risks(v) => v,
            _ => unreachable!(),
        }
    }

    #[test]
    fn counts_by_impact_and_status() {
        let v = view(&seed_project().risks, Lang::ZhCn);
        let m = &v.matrix;
        assert_eq!(
            m.columns.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
            ["未解决", "处理中", "已解决", "已关闭"]
        );
        assert_eq!(m.rows[0].impact.label, "高");
        assert_eq!(m.rows[0].counts, [1, 0, 1, 0]);
        assert_eq!(m.rows[1].counts, [0, 1, 0, 0]);
        assert_eq!((m.totals.clone(), m.total), (vec![1, 1, 1, 0], 3));
        assert_eq!(m.corner, "影响等级 \\ 解决状态");
    }

    #[test]
    fn overdue_high_risks_are_flagged() {
        // seed 000 (五): 003 场地临时取消, high, due 08-08, still open on 08-10.
        let v = view(&seed_project().risks, Lang::En);
        let flags: Vec<_> = v.rows.iter().map(|r| (r.id.as_str(), r.overdue, r.flag)).collect();
        assert_eq!(flags, [("001", false, ""), ("002", false, ""), ("003", true, "bad")]);
        let cards: Vec<_> = v.cards.iter().map(|c| (c.key, c.value.as_str())).collect();
        assert_eq!(
            cards,
            [("total", "3"), ("unresolved", "2"), ("high_open", "1"), ("overdue", "1"), ("resolved", "1")]
        );
    }

    #[test]
    fn a_risk_without_status_gets_its_own_column() {
        let r = rec("risk").f("id", text("9")).f("impact", code("low")).f("resolved_on", date("2024-08-01")).build();
        let v = view(&[r], Lang::ZhCn);
        assert_eq!(v.matrix.columns.last().map(|c| c.label.as_str()), Some("未填写"));
        assert_eq!(v.matrix.rows[2].counts, [0, 0, 0, 0, 1]);
        assert_eq!(v.cards[1].value, "0");
    }
}
