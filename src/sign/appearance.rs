//! Visible signatures: the appearance drawn in the document's own signature box.

use chrono::{DateTime, Utc};

use super::keys::Signer;
use super::pdf::Appearance;
use crate::model::{L10n, Lang};

const NOT_YET: L10n = L10n::new(
    "{doc}:可见签名(--visible)尚未实现;请去掉 --visible 做不可见签名",
    "{doc}:可見簽章(--visible)尚未實作;請去掉 --visible 做不可見簽章",
    "{doc}: visible signatures (--visible) are not implemented yet; sign without --visible",
);

/// The appearance of a signature in the box of `doc` that belongs to the signer.
pub fn for_document(
    _pdf: &[u8],
    doc: &str,
    _signer: &Signer,
    _at: DateTime<Utc>,
    lang: Lang,
) -> Result<Option<Appearance>, String> {
    Err(NOT_YET.fill(lang, &[("doc", doc)]))
}
