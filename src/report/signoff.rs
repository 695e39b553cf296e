//! 需求评审签字单: the requirement form, then one signature row per involved department
//! (seed 000 (一): 评审通过后各方签字确认).

use serde::Serialize;

use super::{Badge, DocView, Document, Row, SignGrid, badge, form_rows, sign_grid};
use crate::ingest::Ctx;
use crate::model::{L10n, Record};

#[derive(Clone, Debug, Serialize)]
pub struct SignoffView {
    pub form_caption: String,
    /// The requirement form, field by field (empty fields left out).
    pub form: Vec<Row>,
    pub status: Option<Badge>,
    pub grid: SignGrid,
}

const TITLE: L10n = L10n::new("需求评审签字单", "需求評審簽字單", "Requirement sign-off sheet");
const FORM: L10n = L10n::new("需求登记表", "需求登記表", "Requirement form");
const GRID: L10n = L10n::new("涉及部门评审签字", "涉及部門評審簽字", "Review sign-offs of the departments involved");

pub(super) fn document(req: &Record, signoffs: &[Record], ctx: &Ctx) -> Document {
    let lang = ctx.lang;
    let recorded: Vec<&Record> = signoffs.iter().filter(|s| s.code("stage") == Some("requirement_review")).collect();
    let view = SignoffView {
        form_caption: FORM.get(lang).to_string(),
        form: form_rows(req, lang, &[]),
        status: badge(req, "status", lang),
        grid: sign_grid(GRID.get(lang).to_string(), req.list("departments"), &recorded, lang),
    };
    Document {
        stem: "signoff".into(),
        title: TITLE.get(lang).into(),
        number: String::new(),
        view: DocView::Signoff(view),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::model::Lang;
    use crate::report::markdown::Markdown;

    fn view(lang: Lang) -> SignoffView {
        let p = seed_project();
        match document(p.requirement.as_ref().unwrap(), &p.signoffs, &ctx(lang)).view {
            DocView::Signoff(v) => v,
            _ => unreachable!(),
        }
    }

    #[test]
    fn every_involved_department_gets_a_row_and_missing_ones_stay_empty() {
        // seed 000 模板1: 涉及部门 产品部、销售部、设计部、渠道商A公司
        let v = view(Lang::ZhCn);
        let rows: Vec<_> = v.grid.rows.iter().map(|r| (r.department.as_str(), r.name.as_str(), r.signed)).collect();
        assert_eq!(
            rows,
            [("产品部", "张三", true), ("销售部", "王五", true), ("设计部", "", false), ("渠道商A公司", "", false)]
        );
        assert_eq!(v.grid.rows[1].decision.as_ref().map(|d| (d.label.as_str(), d.tone)), Some(("有条件同意", "warn")));
        assert_eq!(v.grid.progress, "已签 2 / 4");
        // The acceptance sign-off of the retrospective is not a review sign-off.
        assert!(v.grid.rows.iter().all(|r| r.department != "市场部"));
    }

    #[test]
    fn the_form_shows_labels_and_values_in_the_language() {
        let v = view(Lang::En);
        let row = |k: &str| v.form.iter().find(|r| r.key == k).map(|r| (r.label.as_str(), r.value.as_str()));
        assert_eq!(row("id"), Some(("Requirement ID", "2024-MKT-001")));
        assert_eq!(row("departments"), Some(("Departments involved", "产品部, 销售部, 设计部, 渠道商A公司")));
        assert_eq!(row("priority"), Some(("Priority", "High")));
        assert_eq!(row("contact"), None);
        let notes = v.form.iter().find(|r| r.key == "notes").unwrap();
        assert_eq!(notes.html.as_ref().map(Markdown::html).as_deref(), Some("<p>需保证活动符合最新广告法规定</p>\n"));
    }
}
