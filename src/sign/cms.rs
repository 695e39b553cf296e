//! CMS SignedData (RFC 5652), detached: the PAdES signatures in PDFs (ETSI EN 319 142-1,
//! baseline B-B, B-T with a time-stamp) and `manifest.json.p7s`. Built from the RustCrypto
//! `cms` types, signed and checked with [`super::keys`].

use chrono::{DateTime, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use super::keys::{self, SHA256, Signer};
use super::tsa;
use crate::model::{L10n, Lang};

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const SIGNING_CERT_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const TIMESTAMP_TOKEN: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
pub const ID_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// ESSCertIDv2 with the default hash (SHA-256) and no issuer serial (RFC 5035).
#[derive(Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
}

#[derive(Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn attribute(oid: ObjectIdentifier, value: Any) -> der::Result<Attribute> {
    Ok(Attribute { oid, values: SetOfVec::try_from(vec![value])? })
}

fn der_err(e: der::Error) -> String {
    e.to_string()
}

/// A detached CMS signature of content whose SHA-256 is `content_digest`.
///
/// PAdES forbids the signing-time attribute (the time is the signature dictionary's `/M`), so
/// `signing_time` is given for `manifest.json.p7s` only. With `tsa`, the signature value is
/// time-stamped (RFC 3161) and the token added as an unsigned attribute: PAdES B-T.
pub fn sign_detached(
    signer: &Signer,
    content_digest: &[u8],
    signing_time: Option<DateTime<Utc>>,
    tsa_url: Option<&str>,
    lang: Lang,
) -> Result<Vec<u8>, String> {
    let cert_der = signer.cert.to_der().map_err(der_err)?;
    let mut attrs = vec![
        attribute(CONTENT_TYPE, Any::encode_from(&ID_DATA).map_err(der_err)?).map_err(der_err)?,
        attribute(
            MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(content_digest).map_err(der_err)?).map_err(der_err)?,
        )
        .map_err(der_err)?,
        attribute(
            SIGNING_CERT_V2,
            Any::encode_from(&SigningCertificateV2 {
                certs: vec![EssCertIdV2 {
                    cert_hash: OctetString::new(Sha256::digest(&cert_der).to_vec()).map_err(der_err)?,
                }],
            })
            .map_err(der_err)?,
        )
        .map_err(der_err)?,
    ];
    if let Some(at) = signing_time {
        let t = x509_cert::time::Time::try_from(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(at.timestamp().max(0) as u64),
        )
        .map_err(der_err)?;
        attrs.push(attribute(SIGNING_TIME, Any::encode_from(&t).map_err(der_err)?).map_err(der_err)?);
    }
    let signed_attrs: SetOfVec<Attribute> = SetOfVec::try_from(attrs).map_err(der_err)?;
    let to_sign = signed_attrs.to_der().map_err(der_err)?;
    let (sig_alg, signature) = signer.sign_digest(&Sha256::digest(&to_sign))?;
    let unsigned_attrs = match tsa_url {
        Some(url) => {
            let token = tsa::timestamp(url, &Sha256::digest(&signature), lang)?;
            let token = Any::from_der(&token).map_err(der_err)?;
            Some(SetOfVec::try_from(vec![attribute(TIMESTAMP_TOKEN, token).map_err(der_err)?]).map_err(der_err)?)
        }
        None => None,
    };
    let tbs = signer.cert.tbs_certificate();
    let info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }),
        digest_alg: AlgorithmIdentifierOwned { oid: SHA256, parameters: None },
        signed_attrs: Some(signed_attrs),
        signature_algorithm: sig_alg,
        signature: OctetString::new(signature).map_err(der_err)?,
        unsigned_attrs,
    };
    let mut certs = vec![CertificateChoices::Certificate(signer.cert.clone())];
    certs.extend(signer.chain.iter().cloned().map(CertificateChoices::Certificate));
    let sd = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![AlgorithmIdentifierOwned { oid: SHA256, parameters: None }])
            .map_err(der_err)?,
        encap_content_info: EncapsulatedContentInfo { econtent_type: ID_DATA, econtent: None },
        certificates: Some(CertificateSet(SetOfVec::try_from(certs).map_err(der_err)?)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![info]).map_err(der_err)?),
    };
    let ci = ContentInfo { content_type: ID_SIGNED_DATA, content: Any::encode_from(&sd).map_err(der_err)? };
    ci.to_der().map_err(der_err)
}

/// What a valid signature says.
#[derive(Clone, Debug)]
pub struct Verified {
    pub signer: Certificate,
    /// Every certificate the signature carries (the signer's first).
    pub certs: Vec<Certificate>,
    /// The signed signing-time attribute, when present.
    pub signing_time: Option<DateTime<Utc>>,
    /// The time-stamp: its time and the authority's name.
    pub timestamp: Option<(DateTime<Utc>, String)>,
}

/// Why a signature is not valid.
#[derive(Clone, Debug, PartialEq)]
pub enum Invalid {
    /// Not a CMS signature at all (truncated, damaged): the decoder's words.
    Malformed(String),
    /// The signed content's digest differs: the content changed.
    Digest,
    /// The signature value does not verify with the signer's key.
    Signature,
    /// The signer's certificate is not in the signature.
    NoCertificate,
    /// A time-stamp token is there but not valid.
    Timestamp(String),
}

const MALFORMED: L10n = L10n::new(
    "签名数据已损坏或被截断（{0}）",
    "簽章資料已損壞或被截斷（{0}）",
    "the signature data is damaged or truncated ({0})",
);
const DIGEST: L10n = L10n::new(
    "签名后内容已被修改（摘要不符）",
    "簽章後內容已被修改（摘要不符）",
    "the content was changed after signing (digest mismatch)",
);
const SIGNATURE: L10n = L10n::new(
    "签名值与签名人的密钥不符",
    "簽章值與簽章人的金鑰不符",
    "the signature value does not verify with the signer's key",
);
const NO_CERT: L10n = L10n::new(
    "签名中没有签名人的证书",
    "簽章中沒有簽章人的憑證",
    "the signature does not carry the signer's certificate",
);
const TIMESTAMP: L10n = L10n::new("时间戳无效（{0}）", "時間戳無效（{0}）", "the time-stamp is not valid ({0})");

impl Invalid {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Invalid::Malformed(d) => MALFORMED.fill(lang, &[("0", d)]),
            Invalid::Digest => DIGEST.get(lang).into(),
            Invalid::Signature => SIGNATURE.get(lang).into(),
            Invalid::NoCertificate => NO_CERT.get(lang).into(),
            Invalid::Timestamp(d) => TIMESTAMP.fill(lang, &[("0", d)]),
        }
    }
}

fn malformed(e: impl std::fmt::Display) -> Invalid {
    Invalid::Malformed(e.to_string())
}

/// Checks a detached CMS signature. `digest_of` gives the content's digest by algorithm
/// (`None` for an algorithm it cannot compute).
pub fn verify_detached(
    cms_der: &[u8],
    digest_of: &dyn Fn(&ObjectIdentifier) -> Option<Vec<u8>>,
) -> Result<Verified, Invalid> {
    let ci = ContentInfo::from_der(cms_der).map_err(malformed)?;
    if ci.content_type != ID_SIGNED_DATA {
        return Err(Invalid::Malformed(format!("content type {}", ci.content_type)));
    }
    let sd: SignedData = ci.content.decode_as().map_err(malformed)?;
    let mut v = verify_signed_data(&sd, digest_of)?;
    // The time-stamp covers the signature value (RFC 3161 appendix A).
    let info = sd.signer_infos.0.iter().next().ok_or_else(|| malformed("no signer"))?;
    if let Some(token) = info.unsigned_attrs.iter().flat_map(|s| s.iter()).find(|a| a.oid == TIMESTAMP_TOKEN)
        && let Some(value) = token.values.iter().next()
    {
        let token = value.to_der().map_err(malformed)?;
        let sig = info.signature.as_bytes().to_vec();
        v.timestamp = Some(verify_timestamp(&token, &sig).map_err(Invalid::Timestamp)?);
    }
    Ok(v)
}

/// Checks the first signer of a SignedData against its content digest.
fn verify_signed_data(
    sd: &SignedData,
    digest_of: &dyn Fn(&ObjectIdentifier) -> Option<Vec<u8>>,
) -> Result<Verified, Invalid> {
    let info = sd.signer_infos.0.iter().next().ok_or_else(|| malformed("no signer"))?;
    let certs: Vec<Certificate> = sd
        .certificates
        .iter()
        .flat_map(|s| s.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    let signer = certs
        .iter()
        .find(|c| match &info.sid {
            SignerIdentifier::IssuerAndSerialNumber(is) => {
                c.tbs_certificate().issuer() == &is.issuer && c.tbs_certificate().serial_number() == &is.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                use x509_cert::ext::pkix::SubjectKeyIdentifier;
                matches!(c.tbs_certificate().get_extension::<SubjectKeyIdentifier>(), Ok(Some((_, s))) if s == *ski)
            }
        })
        .cloned()
        .ok_or(Invalid::NoCertificate)?;
    let digest_alg = info.digest_alg.oid;
    let attrs = info.signed_attrs.as_ref().ok_or_else(|| malformed("no signed attributes"))?;
    let value_of = |oid: ObjectIdentifier| attrs.iter().find(|a| a.oid == oid).and_then(|a| a.values.iter().next());
    let md = value_of(MESSAGE_DIGEST).ok_or_else(|| malformed("no message-digest attribute"))?;
    let md: OctetString = md.decode_as().map_err(malformed)?;
    let expected = digest_of(&digest_alg).ok_or_else(|| malformed(format!("digest algorithm {digest_alg}")))?;
    if md.as_bytes() != expected.as_slice() {
        return Err(Invalid::Digest);
    }
    let signed = attrs.to_der().map_err(malformed)?;
    let spki = signer.tbs_certificate().subject_public_key_info();
    if !keys::verify(spki, &info.signature_algorithm.oid, &digest_alg, &signed, info.signature.as_bytes()) {
        return Err(Invalid::Signature);
    }
    let signing_time =
        value_of(SIGNING_TIME).and_then(|t| t.decode_as::<x509_cert::time::Time>().ok()).map(keys::cert_time);
    let mut ordered = vec![signer.clone()];
    ordered.extend(certs.into_iter().filter(|c| *c != signer));
    Ok(Verified { signer, certs: ordered, signing_time, timestamp: None })
}

/// Checks an RFC 3161 time-stamp token over `data`: its imprint and its own signature.
/// Returns the time and the authority's name.
pub fn verify_timestamp(token: &[u8], data: &[u8]) -> Result<(DateTime<Utc>, String), String> {
    let ci = ContentInfo::from_der(token).map_err(|e| e.to_string())?;
    let sd: SignedData = ci.content.decode_as().map_err(|e: der::Error| e.to_string())?;
    if sd.encap_content_info.econtent_type != ID_TST_INFO {
        return Err("not a time-stamp token".into());
    }
    let content = sd.encap_content_info.econtent.as_ref().ok_or("no TSTInfo")?;
    let tst = content.decode_as::<OctetString>().map_err(|e| e.to_string())?;
    let tst = tst.as_bytes().to_vec();
    let info = tsa::TstInfo::parse(&tst)?;
    let imprint = keys::digest(&info.hash_alg, data).ok_or("unknown imprint hash")?;
    if imprint != info.hashed {
        return Err("the token is for other data".into());
    }
    let v = verify_signed_data(&sd, &|alg| keys::digest(alg, &tst)).map_err(|e| e.text(Lang::En))?;
    Ok((info.gen_time, keys::display_name(v.signer.tbs_certificate().subject())))
}

/// The signer's certificate chains to `trusted`: it is that certificate, or a certificate of
/// the signature issued by it, directly or through other certificates of the signature.
pub fn chains_to(v: &Verified, trusted: &[Certificate]) -> bool {
    let mut cert = v.signer.clone();
    for _ in 0..8 {
        if trusted.contains(&cert) || trusted.iter().any(|t| keys::issued_by(&cert, t)) {
            return true;
        }
        match v.certs.iter().find(|c| **c != cert && keys::issued_by(&cert, c)) {
            Some(issuer) => cert = issuer.clone(),
            None => return false,
        }
    }
    false
}
