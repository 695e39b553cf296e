//! dossier: reads PMO forms, checks them against the collaboration rules, compiles documents.
//!
//! Stages, each importing only from those before it:
//! `model` → `schema` → `ingest` → `validate` → `project` → `json` / `report` (view models)
//! → `render` (html, xlsx, pdf) → `output` (atomic writes, manifest) → `sign` (PAdES,
//! manifest signature, verify) → `archive` (BagIt) → `cli`.

pub mod archive;
pub mod cli;
pub mod convert;
pub mod diag;
pub mod ingest;
pub mod json;
pub mod mapping;
pub mod model;
pub mod output;
pub mod project;
pub mod render;
pub mod report;
pub mod schema;
pub mod sign;
pub mod spool;
pub mod suggest;
pub mod validate;
pub mod yaml;
