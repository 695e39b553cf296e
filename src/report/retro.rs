//! 成果验收与复盘报告: goal achievement (target, actual, %), deliverables, quality,
//! highlights, problems, improvements, acceptance sign-offs (seed 000 模板4, 000 (六)).

use serde::Serialize;

use super::{Badge, DocView, Document, Row, SignGrid, badge, form_rows, format, sign_grid};
use crate::ingest::Ctx;
use crate::model::{L10n, Lang, Record};

#[derive(Clone, Debug, Serialize)]
pub struct RetroView {
    pub info_caption: String,
    pub info: Vec<Row>,
    pub metrics: Vec<MetricRow>,
    /// The widest achievement to draw, in percent (at least 100), so bars share one scale.
    pub metrics_scale: f64,
    pub deliverables: Vec<String>,
    pub quality: Option<Badge>,
    pub quality_comment: String,
    pub highlights: Vec<String>,
    pub problems: Vec<String>,
    pub improvements: Vec<String>,
    pub grid: SignGrid,
    pub labels: RetroLabels,
}

#[derive(Clone, Debug, Serialize)]
pub struct RetroLabels {
    pub metrics: String,
    pub metric_name: String,
    pub target: String,
    pub actual: String,
    pub achievement: String,
    pub chart: String,
    pub deliverables: String,
    pub quality: String,
    pub highlights: String,
    pub problems: String,
    pub improvements: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MetricRow {
    pub name: String,
    /// `500万元`.
    pub target: String,
    pub actual: String,
    /// actual / target in percent (`104.0`), when both are given in one unit.
    pub achievement: Option<f64>,
    /// `104%`, empty when it cannot be computed.
    pub achievement_text: String,
    /// `ok` at 100 % or more, `warn` from 80 %, `bad` below.
    pub tone: &'static str,
}

const TITLE: L10n = L10n::new("成果验收与复盘报告", "成果驗收與複盤報告", "Acceptance and retrospective report");
const INFO: L10n = L10n::new("验收信息", "驗收信息", "Acceptance");
const CHART: L10n = L10n::new("目标达成率", "目標達成率", "Achievement against target");
const GRID: L10n = L10n::new("验收签字", "驗收簽字", "Acceptance sign-offs");

fn metric(m: &Record, lang: Lang) -> MetricRow {
    let achievement = m.percent("achievement").or_else(|| match (m.quantity("target"), m.quantity("actual")) {
        (Some(t), Some(a)) if t.unit == a.unit && t.value != 0.0 => Some(a.value / t.value * 100.0),
        _ => None,
    });
    let tone = match achievement {
        Some(p) if p >= 100.0 => "ok",
        Some(p) if p >= 80.0 => "warn",
        Some(_) => "bad",
        None => "muted",
    };
    MetricRow {
        name: format::text(m, "name", lang),
        target: format::text(m, "target", lang),
        actual: format::text(m, "actual", lang),
        achievement,
        achievement_text: achievement.map(format::percent).unwrap_or_default(),
        tone,
    }
}

pub(super) fn document(r: &Record, req: Option<&Record>, signoffs: &[Record], ctx: &Ctx) -> Document {
    let lang = ctx.lang;
    let l = |k| format::label("retrospective", k, lang);
    let ml = |k| format::label("metric", k, lang);
    let metrics: Vec<MetricRow> = r.records("metrics").iter().map(|m| metric(m, lang)).collect();
    let metrics_scale = metrics.iter().filter_map(|m| m.achievement).fold(100.0, f64::max).min(1000.0);
    // Expected signatories: the acceptance panel, else the departments of the requirement.
    let mut expected: Vec<String> = r.list("panel").to_vec();
    if expected.is_empty() {
        expected = req.map(|q| q.list("departments").to_vec()).unwrap_or_default();
    }
    let recorded: Vec<&Record> = signoffs.iter().filter(|s| s.code("stage") == Some("acceptance")).collect();
    let info = form_rows(
        r,
        lang,
        &["metrics", "deliverables", "quality", "quality_comment", "highlights", "problems", "improvements"],
    );
    let view = RetroView {
        info_caption: INFO.get(lang).into(),
        info,
        metrics,
        metrics_scale,
        deliverables: format::items(r.list("deliverables")),
        quality: badge(r, "quality", lang),
        quality_comment: format::text(r, "quality_comment", lang),
        highlights: format::items(r.list("highlights")),
        problems: format::items(r.list("problems")),
        improvements: format::items(r.list("improvements")),
        grid: sign_grid(GRID.get(lang).into(), &expected, &recorded, lang),
        labels: RetroLabels {
            metrics: l("metrics"),
            metric_name: ml("name"),
            target: ml("target"),
            actual: ml("actual"),
            achievement: ml("achievement"),
            chart: CHART.get(lang).into(),
            deliverables: l("deliverables"),
            quality: l("quality"),
            highlights: l("highlights"),
            problems: l("problems"),
            improvements: l("improvements"),
        },
    };
    Document {
        stem: "retrospective".into(),
        title: TITLE.get(lang).into(),
        number: String::new(),
        view: DocView::Retrospective(view),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn view(lang: Lang) -> RetroView {
        let p = seed_project();
        match document(p.retrospective.as_ref().unwrap(), p.requirement.as_ref(), &p.signoffs, &ctx(lang)).view {
            DocView::Retrospective(v) => v,
            _ => unreachable!(),
        }
    }

    #[test]
    fn metrics_show_target_actual_and_achievement() {
        // seed 000 模板4: 销售额520万元(目标500万元,超额4%); 用户参与量15万人次(目标12万人次,超额25%)
        let v = view(Lang::ZhCn);
        let m: Vec<_> = v
            .metrics
            .iter()
            .map(|m| (m.target.as_str(), m.actual.as_str(), m.achievement_text.as_str(), m.tone))
            .collect();
        assert_eq!(m, [("500万元", "520万元", "104%", "ok"), ("12万人次", "15万人次", "125%", "ok")]);
        assert_eq!(v.metrics_scale, 125.0);
        assert_eq!(v.quality.as_ref().map(|q| q.label.as_str()), Some("优秀"));
        assert_eq!(v.quality_comment, "方案执行到位,数据完整");
    }

    #[test]
    fn the_panel_signs_the_acceptance() {
        // seed 000 模板4: 验收小组 市场部、销售部、产品部*
        let v = view(Lang::ZhCn);
        let rows: Vec<_> = v.grid.rows.iter().map(|r| (r.department.as_str(), r.signed)).collect();
        assert_eq!(rows, [("市场部", true), ("销售部", false), ("产品部", false)]);
        assert!(v.info.iter().any(|r| r.key == "panel" && r.value == "市场部、销售部、产品部*"));
    }
}
