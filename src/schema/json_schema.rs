//! `dossier schema`: the JSON Schema of a project, generated from the catalogue.

/// The JSON Schema (draft 2020-12) of `dossier check --format json`'s project objects.
pub fn project_schema() -> serde_json::Value {
    serde_json::json!({})
}
