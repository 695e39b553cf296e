//! RFC 3161 time-stamps: the request, a small blocking HTTP/1.1 POST over `std::net` — plain
//! `http://`, or `https://` through rustls with the system's trusted certificates
//! (`SSL_CERT_FILE` / `SSL_CERT_DIR` name others, e.g. a company CA) — and the response.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use chrono::{DateTime, Utc};
use der::asn1::{GeneralizedTime, Int, ObjectIdentifier, OctetString};
use der::{Any, Decode, Encode, Sequence};
use spki::AlgorithmIdentifierOwned;

use super::keys::SHA256;
use crate::model::{L10n, Lang};

#[derive(Sequence)]
struct MessageImprint {
    hash_algorithm: AlgorithmIdentifierOwned,
    hashed_message: OctetString,
}

#[derive(Sequence)]
struct TimeStampReq {
    version: u8,
    message_imprint: MessageImprint,
    nonce: Int,
    cert_req: bool,
}

/// The parts of a TSTInfo that matter here.
pub struct TstInfo {
    pub hash_alg: ObjectIdentifier,
    pub hashed: Vec<u8>,
    pub gen_time: DateTime<Utc>,
}

impl TstInfo {
    /// TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, … }
    pub fn parse(der_bytes: &[u8]) -> Result<TstInfo, String> {
        let items: Vec<Any> = Vec::from_der(der_bytes).map_err(|e: der::Error| e.to_string())?;
        let imprint: MessageImprint =
            items.get(2).ok_or("short TSTInfo")?.decode_as().map_err(|e: der::Error| e.to_string())?;
        let t: GeneralizedTime =
            items.get(4).ok_or("short TSTInfo")?.decode_as().map_err(|e: der::Error| e.to_string())?;
        let secs = t.to_unix_duration().as_secs() as i64;
        Ok(TstInfo {
            hash_alg: imprint.hash_algorithm.oid,
            hashed: imprint.hashed_message.as_bytes().to_vec(),
            gen_time: DateTime::from_timestamp(secs, 0).unwrap_or_default(),
        })
    }
}

const FAILED: L10n = L10n::new(
    "时间戳服务 {url} 失败：{detail}。请检查 --tsa 地址（http:// 或 https://），或去掉 --tsa 只做不带时间戳的签名",
    "時間戳服務 {url} 失敗：{detail}。請檢查 --tsa 位址（http:// 或 https://），或去掉 --tsa 只做不帶時間戳的簽章",
    "the time-stamp authority {url} failed: {detail}; check the --tsa address (http:// or https://), or sign without --tsa",
);

/// A time-stamp token (a CMS ContentInfo, DER) for data whose SHA-256 is `digest`.
pub fn timestamp(url: &str, digest: &[u8], lang: Lang) -> Result<Vec<u8>, String> {
    let fail = |detail: String| FAILED.fill(lang, &[("url", url), ("detail", &detail)]);
    let nonce = {
        let seed = format!("{:?}{}{url}", std::time::SystemTime::now(), std::process::id());
        let h = super::keys::digest(&SHA256, seed.as_bytes()).unwrap_or_default();
        // A positive INTEGER of 8 bytes.
        let mut n = h[..8].to_vec();
        n[0] &= 0x7f;
        n[0] |= 0x01;
        Int::new(&n).map_err(|e| fail(e.to_string()))?
    };
    let req = TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifierOwned { oid: SHA256, parameters: None },
            hashed_message: OctetString::new(digest).map_err(|e| fail(e.to_string()))?,
        },
        nonce: nonce.clone(),
        cert_req: true,
    };
    let body = req.to_der().map_err(|e| fail(e.to_string()))?;
    let resp = post(url, "application/timestamp-query", &body).map_err(fail)?;
    let items: Vec<Any> = Vec::from_der(&resp).map_err(|e| fail(format!("not a time-stamp response ({e})")))?;
    let status: Vec<Any> = items
        .first()
        .ok_or_else(|| fail("empty response".into()))?
        .decode_as()
        .map_err(|e: der::Error| fail(e.to_string()))?;
    let code: u8 = status.first().and_then(|s| s.decode_as().ok()).unwrap_or(2);
    if code > 1 {
        return Err(fail(format!("the authority refused the request (PKIStatus {code})")));
    }
    let token = items.get(1).ok_or_else(|| fail("no token in the response".into()))?;
    let token = token.to_der().map_err(|e| fail(e.to_string()))?;
    // The token must be for our digest.
    let ci = cms::content_info::ContentInfo::from_der(&token).map_err(|e| fail(e.to_string()))?;
    let sd: cms::signed_data::SignedData = ci.content.decode_as().map_err(|e: der::Error| fail(e.to_string()))?;
    let tst = sd
        .encap_content_info
        .econtent
        .as_ref()
        .and_then(|c| c.decode_as::<OctetString>().ok())
        .ok_or_else(|| fail("no TSTInfo".into()))?;
    let info = TstInfo::parse(tst.as_bytes()).map_err(fail)?;
    if info.hashed != digest {
        return Err(fail("the token is for other data".into()));
    }
    Ok(token)
}

/// POSTs `body` to an `http://` or `https://` URL and returns the response body (status 200 only).
fn post(url: &str, content_type: &str, body: &[u8]) -> Result<Vec<u8>, String> {
    let (tls, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(r), _) => (true, r),
        (None, Some(r)) => (false, r),
        _ => return Err(format!("`{url}` is not an http:// or https:// address")),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host = match authority.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !h.ends_with(':') => h,
        _ => authority,
    };
    let host_port = if host.len() < authority.len() {
        authority.to_string()
    } else {
        format!("{authority}:{}", if tls { 443 } else { 80 })
    };
    let addr = host_port
        .to_socket_addrs()
        .map_err(|e| format!("{authority}: {e}"))?
        .next()
        .ok_or_else(|| format!("{authority}: no address"))?;
    let timeout = Duration::from_secs(30);
    let mut tcp = TcpStream::connect_timeout(&addr, timeout).map_err(|e| format!("{authority}: {e}"))?;
    tcp.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    tcp.set_write_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nUser-Agent: dossier/{}\r\nConnection: close\r\n\r\n",
        body.len(),
        env!("CARGO_PKG_VERSION")
    );
    let resp = if tls {
        let name = rustls::pki_types::ServerName::try_from(host.trim_matches(['[', ']']).to_string())
            .map_err(|e| format!("{host}: {e}"))?;
        let conn = rustls::ClientConnection::new(tls_config()?, name).map_err(|e| e.to_string())?;
        let mut s = rustls::StreamOwned::new(conn, tcp);
        exchange(&mut s, head.as_bytes(), body).map_err(|e| tls_error(e, authority))?
    } else {
        exchange(&mut tcp, head.as_bytes(), body).map_err(|e| e.to_string())?
    };
    let split = resp.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no HTTP response")?;
    let head = String::from_utf8_lossy(&resp[..split]).to_string();
    let mut body = resp[split + 4..].to_vec();
    let status = head.lines().next().unwrap_or("");
    if status.split_whitespace().nth(1) != Some("200") {
        return Err(format!("HTTP status `{status}`"));
    }
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body)?;
    } else if let Some(n) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        if body.len() < n {
            return Err(format!("the response ended after {} of {n} bytes", body.len()));
        }
        body.truncate(n);
    }
    Ok(body)
}

/// Sends a request and reads the whole response. A TLS server that closes without saying so
/// (no close_notify, as many do after `Connection: close`) ends the response too: its length
/// is checked against `Content-Length` afterwards.
fn exchange(s: &mut (impl Read + Write), head: &[u8], body: &[u8]) -> std::io::Result<Vec<u8>> {
    s.write_all(head)?;
    s.write_all(body)?;
    s.flush()?;
    let mut resp = Vec::new();
    match s.take(16 * 1024 * 1024).read_to_end(&mut resp) {
        Ok(_) => Ok(resp),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !resp.is_empty() => Ok(resp),
        Err(e) => Err(e),
    }
}

/// What went wrong over TLS, with the fix when the authority's certificate is not trusted.
fn tls_error(e: std::io::Error, authority: &str) -> String {
    let cert = e
        .get_ref()
        .and_then(|i| i.downcast_ref::<rustls::Error>())
        .is_some_and(|r| matches!(r, rustls::Error::InvalidCertificate(_)));
    if cert {
        format!(
            "{authority}: its TLS certificate is not trusted ({e}); if a private CA issued it, set SSL_CERT_FILE to a PEM file holding that CA's certificate"
        )
    } else {
        format!("{authority}: {e}")
    }
}

/// TLS with the ring provider and the system's trusted certificates (or `SSL_CERT_FILE` /
/// `SSL_CERT_DIR`), loaded once.
fn tls_config() -> Result<std::sync::Arc<rustls::ClientConfig>, String> {
    static CONFIG: std::sync::OnceLock<Result<std::sync::Arc<rustls::ClientConfig>, String>> =
        std::sync::OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = rustls::RootCertStore::empty();
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                let why = found.errors.first().map(|e| e.to_string()).unwrap_or_default();
                return Err(format!(
                    "no trusted certificates found on this system ({why}); set SSL_CERT_FILE to a PEM file of CA certificates"
                ));
            }
            let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_root_certificates(roots)
                .with_no_client_auth();
            Ok(std::sync::Arc::new(config))
        })
        .clone()
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n").ok_or("bad chunk")?;
        let size = std::str::from_utf8(&data[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok());
        let size = size.ok_or("bad chunk size")?;
        data = &data[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            return Err("truncated chunk".into());
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap(), b"abcde");
        assert!(dechunk(b"5\r\nab").is_err());
    }

    #[test]
    fn http_and_https_are_spoken_and_nothing_else() {
        assert!(post("ftp://tsa.example/", "x", b"").unwrap_err().contains("not an http:// or https:// address"));
        // Nothing listens on port 1: an https address fails to connect, it is not "unsupported".
        let e = post("https://127.0.0.1:1/", "x", b"").unwrap_err();
        assert!(e.starts_with("127.0.0.1:1: ") && !e.contains("not an http"), "{e}");
    }
}
