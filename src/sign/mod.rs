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
use std::path::Path;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use self::keys::Signer;
use crate::model::{L10n, Lang};
use crate::output::{self, MANIFEST, MANIFEST_SIGNATURE, Manifest, Revision};

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
    pub visible: bool,
    pub at: DateTime<Utc>,
    pub lang: Lang,
}

/// What a run of `dossier sign` did.
#[derive(Debug, Default)]
pub struct SignReport {
    /// (PDF path, field name)
    pub signed: Vec<(String, String)>,
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
const NO_VISIBLE: L10n = L10n::new(
    "--visible：在文档自己的签名框中绘制签名尚未实现；请去掉 --visible（签名不可见，但同样有效）",
    "--visible：在文件自己的簽章框中繪製簽章尚未實作；請去掉 --visible（簽章不可見，但同樣有效）",
    "--visible: drawing the signature in the document's own signature box is not implemented yet; sign without --visible (the signature is invisible and just as valid)",
);
const WRITE: L10n =
    L10n::new("{file}：无法写入（{detail}）", "{file}：無法寫入（{detail}）", "{file}: cannot write it ({detail})");
const SIGN_FAILED: L10n =
    L10n::new("{file}：签名失败（{detail}）", "{file}：簽章失敗（{detail}）", "{file}: signing failed ({detail})");

/// Signs the PDFs of an output folder (all, or `opts.docs`) and the manifest. Every new file
/// is made in memory first and then written atomically: a failure leaves the folder as it was.
pub fn sign_output(dir: &Path, signer: &Signer, opts: &SignOptions) -> Result<SignReport, Failure> {
    let lang = opts.lang;
    if opts.visible {
        return Err(Failure::usage(NO_VISIBLE.get(lang).to_string()));
    }
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
        let (bytes, field) = pdf::append_signature(&data, &info, reserve, &mut sign)
            .map_err(|e| Failure::check(SIGN_FAILED.fill(lang, &[("file", &file), ("detail", &e)])))?;
        let rev = Revision {
            size: bytes.len() as u64,
            sha256: output::sha256_hex(&bytes),
            signer: name.clone(),
            signed_at: opts.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            timestamp: tsa_time.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            field: field.clone(),
        };
        report.signed.push((entry.path.clone(), field));
        pending.push((i, bytes, rev));
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
