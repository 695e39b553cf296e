//! Renderers: one per output format, each laying out the views of [`crate::report`] as file
//! bytes. Adding a format (PDF, XLSX, DOCX) is one module implementing [`Renderer`].

pub mod gantt;
pub mod html;
pub mod pdf;
pub mod xlsx;

pub use crate::report::DocMeta;
use crate::report::{Document, SummaryView};

/// One output format.
pub trait Renderer: Send + Sync {
    /// The `--to` name and file extension: `html`, `xlsx`, `pdf`.
    fn format(&self) -> &'static str;

    /// One document of a project. The same inputs give the same bytes.
    fn render(&self, doc: &Document, meta: &DocMeta) -> anyhow::Result<Vec<u8>>;

    /// The portfolio summary of a batch (`meta` from [`DocMeta::batch`]).
    fn render_summary(&self, summary: &SummaryView, meta: &DocMeta) -> anyhow::Result<Vec<u8>>;
}
