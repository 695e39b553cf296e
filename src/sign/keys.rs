//! Signing keys and certificates: read from PKCS#12 (`--p12`) or PEM (`--key`, `--cert`),
//! checked before anything is signed (validity at the signing time, a key usage that allows
//! signing, the key matching the certificate), and the raw RSA / ECDSA operations.

use std::path::Path;

use chrono::{DateTime, Utc};
use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;
use x509_cert::ext::pkix::KeyUsage;
use x509_cert::name::Name;

use crate::model::{L10n, Lang};

pub const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
pub const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const RSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const RSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");

/// SHA-2 of `data` by the digest algorithm's OID; `None` for another algorithm.
pub fn digest(alg: &ObjectIdentifier, data: &[u8]) -> Option<Vec<u8>> {
    Some(match *alg {
        SHA256 => Sha256::digest(data).to_vec(),
        SHA384 => Sha384::digest(data).to_vec(),
        SHA512 => Sha512::digest(data).to_vec(),
        _ => return None,
    })
}

enum Key {
    Rsa(rsa::PrivateKey),
    P256(p256::ecdsa::SigningKey),
}

/// A private key with its certificate and the rest of the chain the key file holds.
pub struct Signer {
    key: Key,
    pub cert: Certificate,
    /// Issuer certificates found with the key (PKCS#12) or after the certificate (PEM).
    pub chain: Vec<Certificate>,
}

const P12_PASSWORD: L10n = L10n::new(
    "{file}：无法打开 PKCS#12 文件：密码错误或文件已损坏（{detail}）。请检查 DOSSIER_P12_PASSWORD 或 --password-file",
    "{file}：無法開啟 PKCS#12 檔案：密碼錯誤或檔案已損壞（{detail}）。請檢查 DOSSIER_P12_PASSWORD 或 --password-file",
    "{file}: cannot open the PKCS#12 file: wrong password or damaged file ({detail}); check DOSSIER_P12_PASSWORD or --password-file",
);
const P12_NO_KEY: L10n = L10n::new(
    "{file}：PKCS#12 文件中没有私钥及其证书；请导出包含私钥和证书的 .p12（openssl pkcs12 -export -inkey KEY -in CERT）",
    "{file}：PKCS#12 檔案中沒有私鑰及其憑證；請匯出包含私鑰與憑證的 .p12（openssl pkcs12 -export -inkey KEY -in CERT）",
    "{file}: the PKCS#12 file holds no private key with its certificate; export one with both (openssl pkcs12 -export -inkey KEY -in CERT)",
);
const READ: L10n =
    L10n::new("{file}：无法读取（{detail}）", "{file}：無法讀取（{detail}）", "{file}: cannot read it ({detail})");
const NOT_CERT: L10n = L10n::new(
    "{file}：不是 PEM 或 DER 格式的 X.509 证书（{detail}）",
    "{file}：不是 PEM 或 DER 格式的 X.509 憑證（{detail}）",
    "{file}: not an X.509 certificate in PEM or DER form ({detail})",
);
const NOT_KEY: L10n = L10n::new(
    "{file}：不是可用的私钥（支持 RSA 和 ECDSA P-256，PEM 格式的 PKCS#8、PKCS#1 或 SEC1；加密的 PKCS#8 需要密码）（{detail}）",
    "{file}：不是可用的私鑰（支援 RSA 與 ECDSA P-256，PEM 格式的 PKCS#8、PKCS#1 或 SEC1；加密的 PKCS#8 需要密碼）（{detail}）",
    "{file}: not a usable private key (RSA or ECDSA P-256 as PEM PKCS#8, PKCS#1 or SEC1; an encrypted PKCS#8 key needs the password) ({detail})",
);
const MISMATCH: L10n = L10n::new(
    "{file}：私钥与证书“{subject}”不匹配；请使用与该证书配对的私钥",
    "{file}：私鑰與憑證「{subject}」不相符；請使用與該憑證配對的私鑰",
    "{file}: the private key does not match the certificate “{subject}”; use the key the certificate was issued for",
);
const EXPIRED: L10n = L10n::new(
    "{file}：证书“{subject}”在签名时间 {at} 无效（有效期 {from} 至 {to}）；请使用有效的证书",
    "{file}：憑證「{subject}」在簽章時間 {at} 無效（有效期 {from} 至 {to}）；請使用有效的憑證",
    "{file}: the certificate “{subject}” is not valid at the signing time {at} (valid from {from} to {to}); use a valid certificate",
);
const NOT_SIGNING: L10n = L10n::new(
    "{file}：证书“{subject}”的密钥用途（{usage}）不允许签名；需要 digitalSignature 或 nonRepudiation",
    "{file}：憑證「{subject}」的金鑰用途（{usage}）不允許簽章；需要 digitalSignature 或 nonRepudiation",
    "{file}: the certificate “{subject}” has a key usage ({usage}) that does not allow signing; it needs digitalSignature or nonRepudiation",
);
fn fill(t: L10n, lang: Lang, file: &Path, args: &[(&str, &str)]) -> String {
    let file = file.display().to_string();
    let mut all = vec![("file", file.as_str())];
    all.extend_from_slice(args);
    t.fill(lang, &all)
}

impl Signer {
    /// A PKCS#12 file (`.p12`, `.pfx`) and its password.
    pub fn from_p12(path: &Path, password: &str, lang: Lang) -> Result<Signer, String> {
        let data = std::fs::read(path).map_err(|e| fill(READ, lang, path, &[("detail", &e.to_string())]))?;
        let store = p12_keystore::KeyStore::from_pkcs12(&data, password, p12_keystore::Pkcs12ImportPolicy::Relaxed)
            .map_err(|e| fill(P12_PASSWORD, lang, path, &[("detail", &e.to_string())]))?;
        let (_, chain) = store.private_key_chain().ok_or_else(|| fill(P12_NO_KEY, lang, path, &[]))?;
        let certs: Vec<Certificate> = chain
            .certs()
            .iter()
            .map(|c| Certificate::from_der(c.as_der()))
            .collect::<Result<_, _>>()
            .map_err(|e| fill(NOT_CERT, lang, path, &[("detail", &e.to_string())]))?;
        let key = key_from_pkcs8(chain.key().as_der()).map_err(|e| fill(NOT_KEY, lang, path, &[("detail", &e)]))?;
        // The chain may list the signer anywhere: it is the certificate whose key is ours.
        let spki = public_key_of(&key);
        let pos = certs.iter().position(|c| spki_der(c) == spki);
        let Some(pos) = pos else {
            let subject = certs.first().map(|c| c.tbs_certificate().subject().to_string()).unwrap_or_default();
            return Err(fill(
                if certs.is_empty() { P12_NO_KEY } else { MISMATCH },
                lang,
                path,
                &[("subject", &subject)],
            ));
        };
        let mut chain = certs;
        let cert = chain.remove(pos);
        Ok(Signer { key, cert, chain })
    }

    /// A PEM (or DER) private key and a PEM certificate file (the certificate first, then any
    /// issuers). `password` decrypts an encrypted PKCS#8 key.
    pub fn from_pem(key_path: &Path, cert_path: &Path, password: Option<&str>, lang: Lang) -> Result<Signer, String> {
        let cert_data =
            std::fs::read(cert_path).map_err(|e| fill(READ, lang, cert_path, &[("detail", &e.to_string())]))?;
        let mut certs = read_certs(&cert_data).map_err(|e| fill(NOT_CERT, lang, cert_path, &[("detail", &e)]))?;
        let key_data =
            std::fs::read(key_path).map_err(|e| fill(READ, lang, key_path, &[("detail", &e.to_string())]))?;
        let key = read_key(&key_data, password).map_err(|e| fill(NOT_KEY, lang, key_path, &[("detail", &e)]))?;
        let cert = certs.remove(0);
        if spki_der(&cert) != public_key_of(&key) {
            let subject = cert.tbs_certificate().subject().to_string();
            return Err(fill(MISMATCH, lang, key_path, &[("subject", &subject)]));
        }
        Ok(Signer { key, cert, chain: certs })
    }

    /// Fails when the certificate cannot sign at `at`: outside its validity, or with a key
    /// usage that excludes signatures. `source` names the key file in the message.
    pub fn check(&self, at: DateTime<Utc>, source: &Path, lang: Lang) -> Result<(), String> {
        let tbs = self.cert.tbs_certificate();
        let subject = tbs.subject().to_string();
        let (from, to) = (cert_time(tbs.validity().not_before), cert_time(tbs.validity().not_after));
        if at < from || at > to {
            let f = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
            return Err(fill(
                EXPIRED,
                lang,
                source,
                &[("subject", &subject), ("at", &f(at)), ("from", &f(from)), ("to", &f(to))],
            ));
        }
        if let Ok(Some((_, ku))) = tbs.get_extension::<KeyUsage>()
            && !ku.digital_signature()
            && !ku.non_repudiation()
        {
            let usage: Vec<String> = ku.0.into_iter().map(|u| format!("{u:?}")).collect();
            return Err(fill(NOT_SIGNING, lang, source, &[("subject", &subject), ("usage", &usage.join(", "))]));
        }
        Ok(())
    }

    /// The signer's name for people: the certificate's common name, else its subject.
    pub fn name(&self) -> String {
        display_name(self.cert.tbs_certificate().subject())
    }

    /// Signs the SHA-256 digest of a message: (signature algorithm, signature value).
    pub fn sign_digest(&self, digest: &[u8]) -> Result<(AlgorithmIdentifierOwned, Vec<u8>), String> {
        match &self.key {
            Key::Rsa(k) => {
                let sig = k.sign(rsa::Pkcs1v15Sign::new::<Sha256>(), digest).map_err(|e| e.to_string())?;
                Ok((AlgorithmIdentifierOwned { oid: RSA_SHA256, parameters: Some(der::Any::null()) }, sig))
            }
            Key::P256(k) => {
                use p256::ecdsa::signature::hazmat::PrehashSigner;
                let sig: p256::ecdsa::Signature = k.sign_prehash(digest).map_err(|e| e.to_string())?;
                Ok((AlgorithmIdentifierOwned { oid: ECDSA_SHA256, parameters: None }, sig.to_der().as_bytes().to_vec()))
            }
        }
    }
}

/// Every certificate of a PEM file (or one DER certificate).
pub fn read_certs(data: &[u8]) -> Result<Vec<Certificate>, String> {
    if data.starts_with(b"-----") || data.iter().take(64).any(|b| *b == b'-') {
        let certs = Certificate::load_pem_chain(data).map_err(|e| e.to_string())?;
        if certs.is_empty() {
            return Err("no CERTIFICATE block".into());
        }
        Ok(certs)
    } else {
        Certificate::from_der(data).map(|c| vec![c]).map_err(|e| e.to_string())
    }
}

fn read_key(data: &[u8], password: Option<&str>) -> Result<Key, String> {
    let text = std::str::from_utf8(data).unwrap_or("");
    let label = text.lines().find(|l| l.starts_with("-----BEGIN ")).unwrap_or("");
    if label.contains("ENCRYPTED PRIVATE KEY") {
        let password = password.ok_or("the key is encrypted and no password was given")?;
        let (_, doc) = der::SecretDocument::from_pem(text).map_err(|e| e.to_string())?;
        let enc = pkcs8::EncryptedPrivateKeyInfoRef::try_from(doc.as_bytes()).map_err(|e| e.to_string())?;
        let plain = enc.decrypt(password).map_err(|e| format!("cannot decrypt the key: {e}"))?;
        return key_from_pkcs8(plain.as_bytes());
    }
    if label.contains("RSA PRIVATE KEY") {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        return rsa::PrivateKey::from_pkcs1_pem(text).map(Key::Rsa).map_err(|e| e.to_string());
    }
    if label.contains("EC PRIVATE KEY") {
        return p256::SecretKey::from_sec1_pem(text).map(|k| Key::P256(k.into())).map_err(|e| e.to_string());
    }
    if label.contains("PRIVATE KEY") {
        let (_, doc) = der::SecretDocument::from_pem(text).map_err(|e| e.to_string())?;
        return key_from_pkcs8(doc.as_bytes());
    }
    key_from_pkcs8(data)
}

fn key_from_pkcs8(der_bytes: &[u8]) -> Result<Key, String> {
    let info = pkcs8::PrivateKeyInfoRef::try_from(der_bytes).map_err(|e| e.to_string())?;
    let alg = info.algorithm.oid;
    if alg == RSA {
        return rsa::PrivateKey::try_from(info).map(Key::Rsa).map_err(|e| e.to_string());
    }
    if alg == EC {
        let curve = info.algorithm.parameters_oid().ok();
        if curve != Some(P256) {
            return Err(format!(
                "EC curve {} (only P-256 is supported)",
                curve.map(|c| c.to_string()).unwrap_or_default()
            ));
        }
        return p256::SecretKey::try_from(info).map(|k| Key::P256(k.into())).map_err(|e| e.to_string());
    }
    Err(format!("key algorithm {alg} (RSA or ECDSA P-256 expected)"))
}

/// DER of the public key of a private key, as a SubjectPublicKeyInfo.
fn public_key_of(key: &Key) -> Vec<u8> {
    use pkcs8::EncodePublicKey;
    let doc = match key {
        Key::Rsa(k) => k.to_public_key().to_public_key_der(),
        Key::P256(k) => k.verifying_key().to_public_key_der(),
    };
    doc.map(|d| d.as_bytes().to_vec()).unwrap_or_default()
}

fn spki_der(cert: &Certificate) -> Vec<u8> {
    cert.tbs_certificate().subject_public_key_info().to_der().unwrap_or_default()
}

/// A certificate time as a UTC instant.
pub fn cert_time(t: x509_cert::time::Time) -> DateTime<Utc> {
    let d = t.to_unix_duration();
    DateTime::from_timestamp(d.as_secs() as i64, 0).unwrap_or_default()
}

/// The common name of a distinguished name, else the whole name.
pub fn display_name(name: &Name) -> String {
    name.common_name().ok().flatten().map(String::from).unwrap_or_else(|| name.to_string())
}

/// Checks a signature over `message` made with the key of `spki`. `sig_alg` is the
/// signature algorithm (or plain `rsaEncryption` / `id-ecPublicKey`, with `digest_alg` then
/// naming the hash).
pub fn verify(
    spki: &SubjectPublicKeyInfoOwned,
    sig_alg: &ObjectIdentifier,
    digest_alg: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let hash_alg = match *sig_alg {
        RSA_SHA256 | ECDSA_SHA256 => SHA256,
        RSA_SHA384 | ECDSA_SHA384 => SHA384,
        RSA_SHA512 | ECDSA_SHA512 => SHA512,
        _ => *digest_alg,
    };
    let Some(hash) = digest(&hash_alg, message) else { return false };
    let key_alg = spki.algorithm.oid;
    let Ok(spki_bytes) = spki.to_der() else { return false };
    if key_alg == RSA {
        use pkcs8::DecodePublicKey;
        let Ok(key) = rsa::PublicKey::from_public_key_der(&spki_bytes) else { return false };
        let scheme = match hash_alg {
            SHA256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
            SHA384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
            _ => rsa::Pkcs1v15Sign::new::<Sha512>(),
        };
        return key.verify(scheme, &hash, signature).is_ok();
    }
    if key_alg == EC {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        use pkcs8::DecodePublicKey;
        let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(&spki_bytes) else { return false };
        let Ok(sig) = p256::ecdsa::Signature::from_der(signature) else { return false };
        return key.verify_prehash(&hash, &sig).is_ok();
    }
    false
}

/// Whether `cert` was signed by the key of `issuer`.
pub fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    if cert.tbs_certificate().issuer() != issuer.tbs_certificate().subject() {
        return false;
    }
    let Ok(tbs) = cert.tbs_certificate().to_der() else { return false };
    let Some(sig) = cert.signature().as_bytes() else { return false };
    let alg = cert.signature_algorithm().oid;
    verify(issuer.tbs_certificate().subject_public_key_info(), &alg, &alg, &tbs, sig)
}
