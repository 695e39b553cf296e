//! `index.html`: every project of a run with links to its documents in every format, the
//! portfolio summary, and the projects that were not built because of errors.

use serde::Serialize;

use crate::model::{L10n, Lang};

#[derive(Clone, Debug, Serialize)]
pub struct IndexView {
    pub title: String,
    pub summary_caption: String,
    pub summary: Vec<Link>,
    pub projects_caption: String,
    pub columns: IndexColumns,
    pub projects: Vec<IndexProject>,
    pub skipped_caption: String,
    pub skipped: Vec<IndexProject>,
    /// Projects not built: `skipped` may be left empty, their rows given apart.
    pub skipped_count: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct IndexColumns {
    pub project: String,
    pub document: String,
    pub files: String,
    pub problems: String,
}

/// A link to one file: its format (`HTML`) and relative address.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Link {
    pub format: String,
    pub href: String,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct IndexDoc {
    pub title: String,
    pub links: Vec<Link>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct IndexProject {
    pub id: String,
    pub name: String,
    pub source: String,
    pub docs: Vec<IndexDoc>,
    pub errors: usize,
    pub warnings: usize,
    /// `3 个错误，1 个警告` in the run's language.
    pub problems: String,
    /// The first errors of a project not built.
    pub first: Vec<super::Problem>,
}

const TITLE: L10n = L10n::new("项目文档索引", "專案文件索引", "Project documents");
const SUMMARY: L10n = L10n::new("协作效率汇总", "協作效率彙總", "Portfolio summary");
const PROJECTS: L10n = L10n::new("项目文档", "專案文件", "Documents by project");
const SKIPPED: L10n =
    L10n::new("有错误、未生成文档的项目", "有錯誤、未產生文件的專案", "Projects not built because of errors");
const PROJECT: L10n = L10n::new("项目", "專案", "Project");
const DOCUMENT: L10n = L10n::new("文档", "文件", "Document");
const FILES: L10n = L10n::new("文件", "檔案", "Files");
const PROBLEMS: L10n = L10n::new("问题", "問題", "Problems");
const COUNTS: L10n = L10n::new("{e} 个错误，{w} 个警告", "{e} 個錯誤，{w} 個警告", "{e} error(s), {w} warning(s)");

impl IndexView {
    pub fn new(lang: Lang, summary: Vec<Link>, projects: Vec<IndexProject>, skipped: Vec<IndexProject>) -> IndexView {
        IndexView {
            title: TITLE.get(lang).into(),
            summary_caption: SUMMARY.get(lang).into(),
            summary,
            projects_caption: PROJECTS.get(lang).into(),
            columns: IndexColumns {
                project: PROJECT.get(lang).into(),
                document: DOCUMENT.get(lang).into(),
                files: FILES.get(lang).into(),
                problems: PROBLEMS.get(lang).into(),
            },
            projects,
            skipped_caption: SKIPPED.get(lang).into(),
            skipped_count: skipped.len(),
            skipped,
        }
    }
}

/// `3 个错误，1 个警告`.
pub fn problem_counts(lang: Lang, errors: usize, warnings: usize) -> String {
    COUNTS.fill(lang, &[("e", &errors.to_string()), ("w", &warnings.to_string())])
}
