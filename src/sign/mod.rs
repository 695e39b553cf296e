//! Signing a build and proving it later (issue 11): PAdES signatures on the PDFs as
//! incremental revisions ([`pdf`]), recorded in `manifest.json`, and a detached CMS signature
//! of the manifest (`manifest.json.p7s`); `verify` re-hashes every file, accepts a PDF whose
//! first bytes are the as-built file followed only by valid signatures, and checks the
//! manifest's signature against a trusted certificate.
//!
//! The signing time is the clock's, or `SOURCE_DATE_EPOCH` when set (tests, reproducible
//! runs): with the same key, files and time (and no time-stamp authority) signing gives the
//! same bytes, since RSA PKCS#1 v1.5 and ECDSA (RFC 6979) signatures are deterministic.

pub mod cms;
pub mod keys;
pub mod pdf;
pub mod tsa;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use self::keys::Signer;
use crate::model::{L10n, Lang};
use crate::output::{self, MANIFEST, MANIFEST_SIGNATURE, Manifest, Revision};
use crate::render::pdf::fonts::FontChain;
use crate::render::pdf::stamp::{self, Stamp, StampError};

/// The signing time: `SOURCE_DATE_EPOCH` when set, else now.
pub fn signing_time() -> Result<DateTime<Utc>, String> {
    Ok(match crate::ingest::source_date_epoch()? {
        Some(at) => at.and_utc(),
        None => Utc::now(),
    })
}

/// What `dossier sign` does.
pub struct SignOptions<'a> {
    /// Documents to sign (`signoff`, `signoff.pdf`, `2024-MKT-001/signoff.pdf`); empty: every PDF.
    pub docs: &'a [String],
    pub tsa: Option<&'a str>,
    /// Draw each signature in the document's own box of the signer's department.
    pub visible: bool,
    /// `--department`: whose box to sign in, instead of the certificate's OU, O or CN.
    pub department: Option<&'a str>,
    /// `--font`: fonts tried first for a visible signature's text.
    pub fonts: &'a [PathBuf],
    pub at: DateTime<Utc>,
    pub lang: Lang,
}

/// One PDF `dossier sign` signed.
#[derive(Debug)]
pub struct Signed {
    pub path: String,
    pub field: String,
    /// With `--visible`: the page (from 1) of the box the signature is drawn in, or why it is
    /// invisible in this document.
    pub placed: Option<Result<usize, String>>,
}

/// What a run of `dossier sign` did.
#[derive(Debug, Default)]
pub struct SignReport {
    pub signed: Vec<Signed>,
}

/// A problem that stops `sign` or `verify`: exit 1 for a file that fails its check, 2 for
/// usage and I/O.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    fn usage(message: String) -> Failure {
        Failure { code: 2, message }
    }

    fn check(message: String) -> Failure {
        Failure { code: 1, message }
    }
}

const CHANGED_BEFORE_SIGNING: L10n = L10n::new(
    "{file}：与 manifest.json 不符，生成后已被修改（{detail}）；不能签署。请重新生成（dossier build）后再签名",
    "{file}：與 manifest.json 不符，產生後已被修改（{detail}）；不能簽署。請重新產生（dossier build）後再簽章",
    "{file}: does not match manifest.json, it was modified after the build ({detail}); it cannot be signed. Build again (dossier build), then sign",
);
const NO_SUCH_DOC: L10n = L10n::new(
    "{dir}：没有名为“{doc}”的 PDF；可用的有：{known}",
    "{dir}：沒有名為「{doc}」的 PDF；可用的有：{known}",
    "{dir}: no PDF named “{doc}”; there are: {known}",
);
const NO_PDF: L10n = L10n::new(
    "{dir}：manifest.json 中没有 PDF 文件；请用 --to pdf 生成后再签名",
    "{dir}：manifest.json 中沒有 PDF 檔案；請用 --to pdf 產生後再簽章",
    "{dir}: manifest.json lists no PDF; build with --to pdf, then sign",
);
const NO_BOX: L10n = L10n::new(
    "{file}：这份文档没有签名框，--visible 无处绘制签名；签署这份文档时去掉 --visible（签名不可见，但同样有效），或只签署有签名框的文档（如 signoff、minutes-…、retrospective）",
    "{file}：這份文件沒有簽章框，--visible 無處繪製簽章；簽署這份文件時去掉 --visible（簽章不可見，但同樣有效），或只簽署有簽章框的文件（如 signoff、minutes-…、retrospective）",
    "{file}: this document has no signature box, so --visible has nowhere to draw the signature; sign it without --visible (the signature is invisible and just as valid), or sign only documents with signature boxes (signoff, minutes-…, retrospective)",
);
const NO_MATCH: L10n = L10n::new(
    "{file}：没有“{who}”的签名框；这份文档的签名框属于：{known}。用 --department 指定签名人所属的部门（如 --department {first}）",
    "{file}：沒有「{who}」的簽章框；這份文件的簽章框屬於：{known}。用 --department 指定簽章人所屬的部門（如 --department {first}）",
    "{file}: no signature box belongs to “{who}”; this document's boxes belong to: {known}. Say which department the signer signs for with --department (e.g. --department {first})",
);
const NO_MATCH_ANY: L10n = L10n::new(
    "{dir}：没有任何文档有“{who}”的签名框；各文档的签名框属于：{known}。用 --department 指定签名人所属的部门，或去掉 --visible",
    "{dir}：沒有任何文件有「{who}」的簽章框；各文件的簽章框屬於：{known}。用 --department 指定簽章人所屬的部門，或去掉 --visible",
    "{dir}: no document has a signature box of “{who}”; the documents' boxes belong to: {known}. Say which department the signer signs for with --department, or sign without --visible",
);
const ALREADY_SIGNED: L10n = L10n::new(
    "{file}：“{who}”的签名框（{field}）已经签过名；每个签名框只能签一次。请用 --department 选另一个签名框，或去掉 --visible",
    "{file}：「{who}」的簽章框（{field}）已經簽過章；每個簽章框只能簽一次。請用 --department 選另一個簽章框，或去掉 --visible",
    "{file}: the signature box of “{who}” ({field}) is already signed; a box takes one signature. Choose another box with --department, or sign without --visible",
);
const NO_GLYPH: L10n = L10n::new(
    "{file}：签名外观中的字符“{char}”（U+{code}）没有字体可以显示；用 --font 指定含有这个字符的字体，或安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）",
    "{file}：簽章外觀中的字元「{char}」（U+{code}）沒有字型可以顯示；用 --font 指定含有這個字元的字型，或安裝 fonts-noto-cjk（apt-get install fonts-noto-cjk）",
    "{file}: no font draws the character “{char}” (U+{code}) of the signature's appearance; pass --font with a font that has it, or install fonts-noto-cjk (apt-get install fonts-noto-cjk)",
);
const INVISIBLE_NO_BOX: L10n =
    L10n::new("这份文档没有签名框", "這份文件沒有簽章框", "this document has no signature box");
const INVISIBLE_NO_MATCH: L10n = L10n::new(
    "没有“{who}”的签名框（有：{known}）",
    "沒有「{who}」的簽章框（有：{known}）",
    "no box of “{who}” (there are: {known})",
);
const INVISIBLE_TAKEN: L10n =
    L10n::new("“{who}”的签名框已经签过名", "「{who}」的簽章框已經簽過章", "the box of “{who}” is already signed");
/// The words of a visible signature, in the language of the document's labels.
const DIGITALLY_SIGNED: L10n = L10n::new("数字签名", "數位簽章", "Digitally signed");
const WRITE: L10n =
    L10n::new("{file}：无法写入（{detail}）", "{file}：無法寫入（{detail}）", "{file}: cannot write it ({detail})");
const SIGN_FAILED: L10n =
    L10n::new("{file}：签名失败（{detail}）", "{file}：簽章失敗（{detail}）", "{file}: signing failed ({detail})");

/// Signs the PDFs of an output folder (all, or `opts.docs`) and the manifest. Every new file
/// is made in memory first and then written atomically: a failure leaves the folder as it was.
pub fn sign_output(dir: &Path, signer: &Signer, opts: &SignOptions) -> Result<SignReport, Failure> {
    let lang = opts.lang;
    let mut manifest = Manifest::read(dir).map_err(Failure::usage)?;
    let pdfs: Vec<usize> =
        manifest.files.iter().enumerate().filter(|(_, e)| e.path.ends_with(".pdf")).map(|(i, _)| i).collect();
    if pdfs.is_empty() {
        return Err(Failure::usage(NO_PDF.fill(lang, &[("dir", &dir.display().to_string())])));
    }
    let mut chosen: Vec<usize> = Vec::new();
    if opts.docs.is_empty() {
        chosen = pdfs.clone();
    } else {
        for doc in opts.docs {
            let want = doc.trim_end_matches(".pdf");
            let hits: Vec<usize> = pdfs
                .iter()
                .copied()
                .filter(|i| {
                    let p = manifest.files[*i].path.trim_end_matches(".pdf");
                    p == want || p.rsplit('/').next() == Some(want)
                })
                .collect();
            if hits.is_empty() {
                let known: Vec<&str> = pdfs.iter().map(|i| manifest.files[*i].path.as_str()).collect();
                return Err(Failure::usage(
                    NO_SUCH_DOC
                        .fill(lang, &[("dir", &dir.display().to_string()), ("doc", doc), ("known", &known.join(", "))]),
                ));
            }
            for h in hits {
                if !chosen.contains(&h) {
                    chosen.push(h);
                }
            }
        }
    }

    let name = signer.name();
    let time = opts.at.format("D:%Y%m%d%H%M%SZ").to_string();
    let reserve = signer.cert.to_der_len()
        + signer.chain.iter().map(|c| c.to_der_len()).sum::<usize>()
        + 2048
        + if opts.tsa.is_some() { 12 * 1024 } else { 0 };
    let mut report = SignReport::default();
    let mut pending: Vec<(usize, Vec<u8>, Revision)> = Vec::new();
    // Whose box a visible signature goes in, and what it says in the documents' language.
    let wants = if opts.visible { box_wanted(signer, opts.department) } else { Vec::new() };
    let who = wants.iter().map(|w| w.0.as_str()).collect::<Vec<_>>().join(" / ");
    let doc_lang = manifest.lang.as_deref().and_then(Lang::parse).unwrap_or(lang);
    let chain = std::cell::OnceCell::new();
    let when = opts.at.format("%Y-%m-%d %H:%M UTC").to_string();
    let explicit = !opts.docs.is_empty();
    let mut everyone = std::collections::BTreeSet::new();
    for &i in &chosen {
        let entry = &manifest.files[i];
        let path = dir.join(&entry.path);
        let file = path.display().to_string();
        let data = fs::read(&path)
            .map_err(|e| Failure::usage(WRITE.fill(lang, &[("file", &file), ("detail", &e.to_string())])))?;
        let (size, sha) =
            entry.revisions.last().map_or((entry.size, entry.sha256.as_str()), |r| (r.size, r.sha256.as_str()));
        if data.len() as u64 != size || output::sha256_hex(&data) != sha {
            let detail = format!("size {}, expected {size}", data.len());
            return Err(Failure::check(CHANGED_BEFORE_SIGNING.fill(lang, &[("file", &file), ("detail", &detail)])));
        }
        let mut placed = None;
        let mut target = None;
        if opts.visible {
            let boxes = pdf::sign_boxes(&data)
                .map_err(|e| Failure::check(SIGN_FAILED.fill(lang, &[("file", &file), ("detail", &e)])))?;
            let open: Vec<&pdf::SignBox> = boxes.iter().filter(|b| !b.signed).collect();
            let mut known: Vec<&str> = open.iter().map(|b| box_owner(&b.name)).collect();
            known.dedup();
            everyone.extend(known.iter().map(|k| k.to_string()));
            let found = wants.iter().find_map(|(want, loose)| {
                boxes.iter().filter(|b| owner_is(box_owner(&b.name), want, *loose)).min_by_key(|b| b.signed)
            });
            let first = known.first().copied().unwrap_or_default();
            let not_placed = match found {
                Some(b) if !b.signed => {
                    target = Some(b.clone());
                    placed = Some(Ok(b.page + 1));
                    None
                }
                Some(b) if explicit => {
                    let args = [("file", file.as_str()), ("who", box_owner(&b.name)), ("field", &b.name)];
                    return Err(Failure::usage(ALREADY_SIGNED.fill(lang, &args)));
                }
                Some(b) => Some(INVISIBLE_TAKEN.fill(lang, &[("who", box_owner(&b.name))])),
                None if boxes.is_empty() && explicit => {
                    return Err(Failure::usage(NO_BOX.fill(lang, &[("file", &file)])));
                }
                None if boxes.is_empty() => Some(INVISIBLE_NO_BOX.get(lang).to_string()),
                None if explicit => {
                    let args = [
                        ("file", file.as_str()),
                        ("who", &who),
                        ("known", &known.join(list_sep(lang))),
                        ("first", first),
                    ];
                    return Err(Failure::usage(NO_MATCH.fill(lang, &args)));
                }
                None => Some(INVISIBLE_NO_MATCH.fill(lang, &[("who", &who), ("known", &known.join(list_sep(lang)))])),
            };
            if let Some(why) = not_placed {
                placed = Some(Err(why));
            }
        }
        let info = pdf::SigInfo { name: name.clone(), reason: None, time: time.clone() };
        let mut tsa_time = None;
        let mut sign = |covered: &[u8]| -> Result<Vec<u8>, String> {
            let der = cms::sign_detached(signer, &Sha256::digest(covered), None, opts.tsa, lang)?;
            if opts.tsa.is_some() {
                let v = cms::verify_detached(&der, &|alg| keys::digest(alg, covered)).map_err(|e| e.text(lang))?;
                tsa_time = v.timestamp.map(|t| t.0);
            }
            Ok(der)
        };
        let mut missing = None;
        let mut appearance = |first: usize, w: f32, h: f32| -> Result<Vec<(usize, Vec<u8>)>, String> {
            let face = if doc_lang == Lang::ZhTw { Lang::ZhTw } else { Lang::ZhCn };
            let chain = chain.get_or_init(|| FontChain::resolve(opts.fonts, face));
            let stamp = Stamp { name: &name, wording: DIGITALLY_SIGNED.get(doc_lang), when: &when };
            stamp::appearance(chain, &stamp, w, h, first).map_err(|e| match e {
                StampError::Missing(c) => {
                    missing = Some(c);
                    format!("U+{:04X}", c as u32)
                }
                StampError::Pdf(e) => e,
            })
        };
        let visible = target.as_ref().map(|b| pdf::Visible { field: b.object, appearance: &mut appearance });
        let made = pdf::append_signature(&data, &info, reserve, visible, &mut sign);
        if let Some(c) = missing {
            let code = format!("{:04X}", c as u32);
            return Err(Failure::usage(
                NO_GLYPH.fill(lang, &[("file", &file), ("char", &c.to_string()), ("code", &code)]),
            ));
        }
        let (bytes, field) =
            made.map_err(|e| Failure::check(SIGN_FAILED.fill(lang, &[("file", &file), ("detail", &e)])))?;
        let rev = Revision {
            size: bytes.len() as u64,
            sha256: output::sha256_hex(&bytes),
            signer: name.clone(),
            signed_at: opts.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            timestamp: tsa_time.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            field: field.clone(),
        };
        report.signed.push(Signed { path: entry.path.clone(), field, placed });
        pending.push((i, bytes, rev));
    }
    // Signing every PDF, documents without the signer's box are signed invisibly; but when no
    // document at all has it, the department is most likely wrong.
    if opts.visible && !explicit && !report.signed.iter().any(|s| matches!(s.placed, Some(Ok(_)))) {
        let known: Vec<&str> = everyone.iter().map(String::as_str).collect();
        let args = [("dir", dir.display().to_string()), ("who", who.clone()), ("known", known.join(list_sep(lang)))];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        return Err(Failure::usage(NO_MATCH_ANY.fill(lang, &args)));
    }
    // The manifest's signature is made before anything is written, so a failing time-stamp
    // authority leaves the folder untouched.
    for (i, _, rev) in &pending {
        manifest.files[*i].revisions.push(rev.clone());
    }
    let manifest_bytes = manifest.to_bytes().map_err(|e| Failure::usage(e.to_string()))?;
    let p7s = cms::sign_detached(signer, &Sha256::digest(&manifest_bytes), Some(opts.at), opts.tsa, lang)
        .map_err(|e| Failure::usage(SIGN_FAILED.fill(lang, &[("file", MANIFEST), ("detail", &e)])))?;
    let write = |rel: &str, bytes: &[u8]| {
        let path = dir.join(rel);
        output::write_atomic(&path, bytes).map_err(|e| {
            Failure::usage(WRITE.fill(lang, &[("file", &path.display().to_string()), ("detail", &e.to_string())]))
        })
    };
    for (i, bytes, _) in &pending {
        write(&manifest.files[*i].path, bytes)?;
    }
    write(MANIFEST, &manifest_bytes)?;
    write(MANIFEST_SIGNATURE, &p7s)?;
    Ok(report)
}

/// Whose box a visible signature goes in, in order of preference, each with whether a box
/// may match loosely (`市场` finds `市场部`): `--department`; else the certificate's
/// organisational unit, organisation and common name (a minutes' host box without a
/// department belongs to the host's name).
fn box_wanted(signer: &Signer, department: Option<&str>) -> Vec<(String, bool)> {
    if let Some(d) = department {
        return vec![(d.trim().to_string(), true)];
    }
    let subject = signer.cert.tbs_certificate().subject();
    let text = |v: der::Result<Option<x509_cert::ext::pkix::name::DirectoryString>>| {
        v.ok().flatten().map(String::from).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
    };
    let mut out = Vec::new();
    if let Some(ou) = text(subject.organization_unit()) {
        out.push((ou, true));
    }
    if let Some(o) = text(subject.organization()) {
        out.push((o, false));
    }
    if let Some(cn) = text(subject.common_name()) {
        out.push((cn, false));
    }
    out
}

/// The separator of a list of names in a message.
fn list_sep(lang: Lang) -> &'static str {
    if lang == Lang::En { ", " } else { "、" }
}

/// Whose box a signature field is: its name after the document's stem (`signoff/产品部` →
/// `产品部`), without the `#2` of a second box of the same department.
fn box_owner(field: &str) -> &str {
    let owner = field.split_once('/').map_or(field, |(_, o)| o);
    match owner.rsplit_once('#') {
        Some((o, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => o,
        _ => owner,
    }
}

/// Whether a box's owner is `want`, compared as the schema compares labels (full and half
/// width, traditional and simplified, case); loosely, either may contain the other.
fn owner_is(owner: &str, want: &str, loose: bool) -> bool {
    let (o, w) = (crate::schema::normalize(owner), crate::schema::normalize(want));
    !o.is_empty() && !w.is_empty() && (o == w || (loose && (o.contains(&w) || w.contains(&o))))
}

trait DerLen {
    fn to_der_len(&self) -> usize;
}

impl DerLen for Certificate {
    fn to_der_len(&self) -> usize {
        use der::Encode;
        self.encoded_len().map(|l| u32::from(l) as usize).unwrap_or(4096)
    }
}

// ---------------------------------------------------------------------------------------------
// Verifying

/// One signature of a PDF as `verify` saw it.
#[derive(Clone, Debug)]
pub struct SignatureCheck {
    pub field: String,
    pub signer: String,
    /// `/M` of the signature dictionary.
    pub time: Option<DateTime<Utc>>,
    /// The time-stamp's time and authority (B-T).
    pub timestamp: Option<(DateTime<Utc>, String)>,
    /// `None` when no `--trust` certificate was given.
    pub trusted: Option<bool>,
}

/// A PDF that is its as-built bytes plus signatures.
#[derive(Clone, Debug)]
pub struct SignedPdf {
    pub path: String,
    pub signatures: Vec<SignatureCheck>,
}

/// The manifest's own signature.
#[derive(Clone, Debug)]
pub enum ManifestSignature {
    Unsigned,
    Valid {
        signer: String,
        time: Option<DateTime<Utc>>,
        timestamp: Option<(DateTime<Utc>, String)>,
        trusted: Option<bool>,
    },
    Invalid(String),
}

/// What `verify` found in an output folder.
#[derive(Debug)]
pub struct DirCheck {
    pub checked: usize,
    pub missing: Vec<String>,
    pub changed: Vec<(String, String)>,
    pub extra: Vec<String>,
    pub signed: Vec<SignedPdf>,
    pub manifest: ManifestSignature,
    /// A `--trust` certificate was given.
    pub trust_given: bool,
}

impl DirCheck {
    pub fn ok(&self) -> bool {
        let untrusted = self.signed.iter().flat_map(|s| &s.signatures).any(|s| s.trusted == Some(false));
        let manifest_ok = match &self.manifest {
            ManifestSignature::Unsigned => !self.trust_given,
            ManifestSignature::Valid { trusted, .. } => *trusted != Some(false),
            ManifestSignature::Invalid(_) => false,
        };
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty() && !untrusted && manifest_ok
    }
}

const NOT_SIGNATURES: L10n = L10n::new(
    "前 {size} 字节是生成时的文件，其后追加的内容不只是有效签名：{detail}",
    "前 {size} 位元組是產生時的檔案，其後附加的內容不只是有效簽章：{detail}",
    "the first {size} bytes are the file as built, but what follows is not only valid signatures: {detail}",
);
const BAD_SIGNATURE: L10n = L10n::new(
    "签名“{field}”无效：{detail}",
    "簽章「{field}」無效：{detail}",
    "signature “{field}” is not valid: {detail}",
);
const LOST_SIGNATURES: L10n = L10n::new(
    "manifest.json 记录的签名（第 {n} 次修订，{size} 字节）不在文件中",
    "manifest.json 記錄的簽章（第 {n} 次修訂，{size} 位元組）不在檔案中",
    "the signature revision {n} recorded in manifest.json ({size} bytes) is not in the file",
);

/// Reads PEM or DER certificates to trust.
pub fn read_trust(path: &Path, lang: Lang) -> Result<Vec<Certificate>, Failure> {
    const BAD: L10n = L10n::new(
        "{file}：不是 PEM 或 DER 格式的证书（{detail}）",
        "{file}：不是 PEM 或 DER 格式的憑證（{detail}）",
        "{file}: not a certificate in PEM or DER form ({detail})",
    );
    let file = path.display().to_string();
    let data =
        fs::read(path).map_err(|e| Failure::usage(BAD.fill(lang, &[("file", &file), ("detail", &e.to_string())])))?;
    keys::read_certs(&data).map_err(|e| Failure::usage(BAD.fill(lang, &[("file", &file), ("detail", &e)])))
}

/// Re-hashes an output folder against its manifest, understanding signed PDFs and the
/// manifest's signature. Fails only when the manifest cannot be read.
pub fn verify_dir(dir: &Path, trust: Option<&[Certificate]>, lang: Lang) -> Result<DirCheck, Failure> {
    let v = output::verify(dir).map_err(Failure::usage)?;
    let manifest = Manifest::read(dir).map_err(Failure::usage)?;
    let entries: BTreeMap<&str, &output::Entry> = manifest.files.iter().map(|e| (e.path.as_str(), e)).collect();
    let mut changed = Vec::new();
    let mut signed = Vec::new();
    // Files that match their as-built hash but should carry recorded signatures.
    let mut suspects: Vec<(String, String)> = v.changed;
    for e in &manifest.files {
        if !e.revisions.is_empty() && !suspects.iter().any(|(p, _)| *p == e.path) && !v.missing.contains(&e.path) {
            suspects.push((e.path.clone(), String::new()));
        }
    }
    for (path, what) in suspects {
        let Some(entry) = entries.get(path.as_str()) else {
            changed.push((path, what));
            continue;
        };
        if !path.ends_with(".pdf") {
            changed.push((path, what));
            continue;
        }
        match check_signed_pdf(&dir.join(&path), entry, trust, lang) {
            Ok(sigs) => signed.push(SignedPdf { path, signatures: sigs }),
            Err(reason) => changed.push((path, if reason.is_empty() { what } else { reason })),
        }
    }
    let manifest_sig = check_manifest_signature(dir, trust, lang);
    Ok(DirCheck {
        checked: v.checked,
        missing: v.missing,
        changed,
        extra: v.extra,
        signed,
        manifest: manifest_sig,
        trust_given: trust.is_some(),
    })
}

/// A PDF that differs from its as-built bytes: accepted when it is those bytes followed only by
/// valid signature revisions, and it still holds every revision the manifest recorded.
fn check_signed_pdf(
    path: &Path,
    entry: &output::Entry,
    trust: Option<&[Certificate]>,
    lang: Lang,
) -> Result<Vec<SignatureCheck>, String> {
    let data = fs::read(path).map_err(|e| e.to_string())?;
    let size = entry.size as usize;
    if data.len() < size || output::sha256_hex(&data[..size]) != entry.sha256 {
        return Err(String::new());
    }
    for (n, r) in entry.revisions.iter().enumerate() {
        let s = r.size as usize;
        if data.len() < s || output::sha256_hex(&data[..s]) != r.sha256 {
            return Err(LOST_SIGNATURES.fill(lang, &[("n", &(n + 1).to_string()), ("size", &s.to_string())]));
        }
    }
    if data.len() == size {
        return Err(String::new());
    }
    let found = pdf::appended_signatures(&data, size)
        .map_err(|e| NOT_SIGNATURES.fill(lang, &[("size", &size.to_string()), ("detail", &e)]))?;
    let mut out = Vec::new();
    for f in found {
        let v = cms::verify_detached(&f.cms, &|alg| keys::digest(alg, &f.covered))
            .map_err(|e| BAD_SIGNATURE.fill(lang, &[("field", &f.field), ("detail", &e.text(lang))]))?;
        out.push(SignatureCheck {
            field: f.field,
            signer: keys::display_name(v.signer.tbs_certificate().subject()),
            time: f.time.as_deref().and_then(pdf::parse_pdf_date),
            timestamp: v.timestamp.clone(),
            trusted: trust.map(|t| cms::chains_to(&v, t)),
        });
    }
    Ok(out)
}

fn check_manifest_signature(dir: &Path, trust: Option<&[Certificate]>, lang: Lang) -> ManifestSignature {
    let Ok(p7s) = fs::read(dir.join(MANIFEST_SIGNATURE)) else { return ManifestSignature::Unsigned };
    let Ok(bytes) = fs::read(dir.join(MANIFEST)) else {
        return ManifestSignature::Invalid(cms::Invalid::Digest.text(lang));
    };
    match cms::verify_detached(&p7s, &|alg| keys::digest(alg, &bytes)) {
        Ok(v) => ManifestSignature::Valid {
            signer: keys::display_name(v.signer.tbs_certificate().subject()),
            time: v.signing_time,
            timestamp: v.timestamp.clone(),
            trusted: trust.map(|t| cms::chains_to(&v, t)),
        },
        Err(e) => ManifestSignature::Invalid(e.text(lang)),
    }
}
