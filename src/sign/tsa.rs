//! RFC 3161 time-stamps: the request, a small blocking HTTP/1.1 POST over `std::net`, and the
//! response. Plain `http://` only: a time-stamp token is itself signed by the authority, so a
//! TLS stack would add weight to every build and nothing to the proof (public authorities
//! such as `http://timestamp.digicert.com` serve plain HTTP for this reason).

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
    "时间戳服务 {url} 失败：{detail}。请检查 --tsa 地址（需为 http://），或去掉 --tsa 只做不带时间戳的签名",
    "時間戳服務 {url} 失敗：{detail}。請檢查 --tsa 位址（需為 http://），或去掉 --tsa 只做不帶時間戳的簽章",
    "the time-stamp authority {url} failed: {detail}; check the --tsa address (it must be http://), or sign without --tsa",
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

/// POSTs `body` to a plain-HTTP URL and returns the response body (status 200 only).
fn post(url: &str, content_type: &str, body: &[u8]) -> Result<Vec<u8>, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("`{url}` is not an http:// address (https is not supported)"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host_port = if authority.contains(':') { authority.to_string() } else { format!("{authority}:80") };
    let addr = host_port
        .to_socket_addrs()
        .map_err(|e| format!("{authority}: {e}"))?
        .next()
        .ok_or_else(|| format!("{authority}: no address"))?;
    let timeout = Duration::from_secs(30);
    let mut s = TcpStream::connect_timeout(&addr, timeout).map_err(|e| format!("{authority}: {e}"))?;
    s.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nUser-Agent: dossier/{}\r\nConnection: close\r\n\r\n",
        body.len(),
        env!("CARGO_PKG_VERSION")
    );
    s.write_all(head.as_bytes()).and_then(|_| s.write_all(body)).map_err(|e| e.to_string())?;
    let mut resp = Vec::new();
    s.take(16 * 1024 * 1024).read_to_end(&mut resp).map_err(|e| e.to_string())?;
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
    fn only_plain_http_is_spoken() {
        assert!(post("https://tsa.example/", "x", b"").unwrap_err().contains("https"));
    }
}
