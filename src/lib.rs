//! dossier: reads PMO forms, checks them against the collaboration rules, compiles documents.
//!
//! Stages, each importing only from those before it:
//! `model` → `schema` → `ingest` → `validate` → `project` → `cli`.

pub mod diag;
pub mod ingest;
pub mod model;
pub mod schema;
pub mod validate;
pub mod project;
pub mod json;
pub mod cli;
pub mod report;
pub mod render;
