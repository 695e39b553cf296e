//! dossier: reads PMO forms, checks them against the collaboration rules, compiles documents.
//!
//! Stages, each importing only from those before it:
//! `model` → `schema` → `ingest` → `validate` → `project` → `json` / `report` (view models)
//! → `render` (html, xlsx, pdf) → `output` (atomic writes, manifest) → `cli`.

pub mod diag;
pub mod model;
pub mod schema;
pub mod ingest;
pub mod validate;
pub mod project;
pub mod json;
pub mod report;
pub mod render;
pub mod output;
pub mod cli;
