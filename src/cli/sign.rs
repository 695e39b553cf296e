//! `dossier sign`, `dossier verify` and `dossier archive`.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use crate::archive;
use crate::model::{L10n, Lang};
use crate::sign::{self, DirCheck, Failure, ManifestSignature, SignOptions, keys::Signer};

#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// An output folder written by `dossier build`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Documents to sign (`signoff`, `2024-MKT-001/signoff.pdf`); default: every PDF of the folder.
    #[arg(value_name = "DOC")]
    pub docs: Vec<String>,
    /// The signer's key and certificate as PKCS#12 (.p12, .pfx). Password: --password-file,
    /// else DOSSIER_P12_PASSWORD, else a prompt on the terminal.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["key", "cert"], required_unless_present = "key")]
    pub p12: Option<PathBuf>,
    /// The signer's private key (PEM: PKCS#8, PKCS#1 or SEC1), with --cert.
    #[arg(long, value_name = "KEY", requires = "cert")]
    pub key: Option<PathBuf>,
    /// The signer's certificate (PEM; issuer certificates may follow it in the same file), with --key.
    #[arg(long, value_name = "CERT", requires = "key")]
    pub cert: Option<PathBuf>,
    /// A file whose first line is the password of the PKCS#12 file (or of an encrypted key).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// An RFC 3161 time-stamp authority (http://… or https://…; HTTPS trusts the system's
    /// certificates, or the PEM file SSL_CERT_FILE names): time-stamps every signature (PAdES
    /// B-T) and the manifest's signature.
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
    /// Draw the signature (signer, "digitally signed", time) in the document's own signature
    /// box: the sign-off grid row of the signer's department, the host box of minutes. The
    /// department is --department, else the certificate's OU, O or CN.
    #[arg(long)]
    pub visible: bool,
    /// With --visible: the department (or, for a host box without one, the person) whose box
    /// the signature goes in, e.g. 产品部.
    #[arg(long, value_name = "NAME", requires = "visible")]
    pub department: Option<String>,
    /// With --visible: a font for the signature's text, tried before the bundled and system
    /// fonts (repeatable).
    #[arg(long, value_name = "FILE", requires = "visible")]
    pub font: Vec<PathBuf>,
    /// Language of messages: zh-CN, zh-TW or en.
    #[arg(long, value_name = "LANG", default_value = "zh-CN", value_parser = super::parse_lang)]
    pub lang: Lang,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// An output folder written by `dossier build`, or a package written by `dossier archive`.
    #[arg(value_name = "DIR|BAG")]
    pub dir: PathBuf,
    /// A certificate (PEM or DER, e.g. the signers' CA) the signatures must chain to.
    #[arg(long, value_name = "CERT")]
    pub trust: Option<PathBuf>,
    /// Language of the report: zh-CN, zh-TW or en.
    #[arg(long, value_name = "LANG", default_value = "zh-CN", value_parser = super::parse_lang)]
    pub lang: Lang,
}

#[derive(Debug, clap::Args)]
pub struct ArchiveArgs {
    /// An output folder written by `dossier build` (and usually signed with `dossier sign`).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The package to write: a BagIt folder (RFC 8493); it must not exist yet.
    #[arg(short = 'o', long = "out", value_name = "PACKAGE")]
    pub out: PathBuf,
    /// More files to keep with the package, such as scans of the paper copies signed by hand.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub add: Vec<PathBuf>,
    /// Language of messages: zh-CN, zh-TW or en.
    #[arg(long, value_name = "LANG", default_value = "zh-CN", value_parser = super::parse_lang)]
    pub lang: Lang,
}

fn fail(f: Failure) -> io::Result<ExitCode> {
    eprintln!("dossier: {}", f.message);
    Ok(ExitCode::from(f.code))
}

const NO_PASSWORD: L10n = L10n::new(
    "{file}：需要密码：设置 DOSSIER_P12_PASSWORD，或用 --password-file 指定密码文件",
    "{file}：需要密碼：設定 DOSSIER_P12_PASSWORD，或用 --password-file 指定密碼檔",
    "{file}: a password is needed: set DOSSIER_P12_PASSWORD or pass --password-file",
);
const PROMPT: L10n = L10n::new("{file} 的密码：", "{file} 的密碼：", "Password for {file}: ");
const READ_PASSWORD: L10n = L10n::new(
    "{file}：无法读取密码文件（{detail}）",
    "{file}：無法讀取密碼檔（{detail}）",
    "{file}: cannot read the password file ({detail})",
);

/// The password: `--password-file`, else `DOSSIER_P12_PASSWORD`, else a prompt when a
/// terminal is there (`None` when none of them gives one).
fn password(args: &SignArgs, for_file: &Path, prompt: bool) -> Result<Option<String>, Failure> {
    let lang = args.lang;
    if let Some(p) = &args.password_file {
        let text = std::fs::read_to_string(p).map_err(|e| Failure {
            code: 2,
            message: READ_PASSWORD.fill(lang, &[("file", &p.display().to_string()), ("detail", &e.to_string())]),
        })?;
        return Ok(Some(text.lines().next().unwrap_or("").to_string()));
    }
    if let Ok(p) = std::env::var("DOSSIER_P12_PASSWORD") {
        return Ok(Some(p));
    }
    if prompt && io::stdin().is_terminal() {
        let text = PROMPT.fill(lang, &[("file", &for_file.display().to_string())]);
        return rpassword::prompt_password(text).map(Some).map_err(|e| Failure { code: 2, message: e.to_string() });
    }
    Ok(None)
}

fn load_signer(args: &SignArgs, at: DateTime<Utc>) -> Result<Signer, Failure> {
    let lang = args.lang;
    let (signer, source) = match (&args.p12, &args.key, &args.cert) {
        (Some(p12), _, _) => {
            let pw = password(args, p12, true)?.ok_or_else(|| Failure {
                code: 2,
                message: NO_PASSWORD.fill(lang, &[("file", &p12.display().to_string())]),
            })?;
            (Signer::from_p12(p12, &pw, lang), p12)
        }
        (None, Some(key), Some(cert)) => {
            let encrypted = std::fs::read_to_string(key).is_ok_and(|t| t.contains("ENCRYPTED PRIVATE KEY"));
            let pw = password(args, key, encrypted)?;
            (Signer::from_pem(key, cert, pw.as_deref(), lang), cert)
        }
        _ => return Err(Failure { code: 2, message: "--p12, or --key with --cert".into() }),
    };
    let signer = signer.map_err(|m| Failure { code: 1, message: m })?;
    signer.check(at, source, lang).map_err(|m| Failure { code: 1, message: m })?;
    Ok(signer)
}

const SIGNED: L10n = L10n::new(
    "已签名：{file}（签名域 {field}，签名人 {signer}）",
    "已簽章：{file}（簽章欄位 {field}，簽章人 {signer}）",
    "signed: {file} (field {field}, signer {signer})",
);
const VISIBLE: L10n = L10n::new(
    "  签名显示在第 {page} 页的签名框 {field} 中",
    "  簽章顯示在第 {page} 頁的簽章框 {field} 中",
    "  drawn in the signature box {field} on page {page}",
);
const INVISIBLE: L10n = L10n::new("  签名不可见：{why}", "  簽章不可見：{why}", "  invisible: {why}");
const MANIFEST_SIGNED: L10n = L10n::new(
    "已签名：manifest.json（签名在 manifest.json.p7s，签名人 {signer}，时间 {at}）",
    "已簽章：manifest.json（簽章在 manifest.json.p7s，簽章人 {signer}，時間 {at}）",
    "signed: manifest.json (signature in manifest.json.p7s, signer {signer}, at {at})",
);

pub fn sign(args: SignArgs) -> io::Result<ExitCode> {
    let at = match sign::signing_time() {
        Ok(at) => at,
        Err(e) => return fail(Failure { code: 2, message: e }),
    };
    let signer = match load_signer(&args, at) {
        Ok(s) => s,
        Err(f) => return fail(f),
    };
    let opts = SignOptions {
        docs: &args.docs,
        tsa: args.tsa.as_deref(),
        visible: args.visible,
        department: args.department.as_deref(),
        fonts: &args.font,
        at,
        lang: args.lang,
    };
    let report = match sign::sign_output(&args.dir, &signer, &opts) {
        Ok(r) => r,
        Err(f) => return fail(f),
    };
    let lang = args.lang;
    let mut out = io::stdout().lock();
    let name = signer.name();
    for s in &report.signed {
        writeln!(out, "{}", SIGNED.fill(lang, &[("file", &s.path), ("field", &s.field), ("signer", &name)]))?;
        match &s.placed {
            Some(Ok(page)) => {
                writeln!(out, "{}", VISIBLE.fill(lang, &[("field", &s.field), ("page", &page.to_string())]))?
            }
            Some(Err(why)) => writeln!(out, "{}", INVISIBLE.fill(lang, &[("why", why)]))?,
            None => {}
        }
    }
    writeln!(out, "{}", MANIFEST_SIGNED.fill(lang, &[("signer", &name), ("at", &time(at))]))?;
    Ok(ExitCode::SUCCESS)
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

const VERIFIED: L10n = L10n::new(
    "{dir}：{n} 个文件与 manifest.json 一致",
    "{dir}：{n} 個檔案與 manifest.json 一致",
    "{dir}: {n} files match manifest.json",
);
const MISSING: L10n = L10n::new("缺失", "缺失", "missing");
const CHANGED: L10n = L10n::new("已改变", "已變更", "changed");
const EXTRA: L10n = L10n::new("清单外的文件", "清單外的檔案", "not in the manifest");
const VERIFY_FAILED: L10n = L10n::new(
    "{dir}：{bad} 个问题（共检查 {n} 个文件）",
    "{dir}：{bad} 個問題（共檢查 {n} 個檔案）",
    "{dir}: {bad} problem(s) ({n} files checked)",
);
const SIGNED_PDF: L10n = L10n::new(
    "已签名：{file}：生成时的文件加上 {n} 个有效签名",
    "已簽章：{file}：產生時的檔案加上 {n} 個有效簽章",
    "signed: {file}: the file as built plus {n} valid signature(s)",
);
const SIGNATURE_LINE: L10n = L10n::new(
    "  签名域 {field}：{signer}，{at}{ts}{trust}",
    "  簽章欄位 {field}：{signer}，{at}{ts}{trust}",
    "  field {field}: {signer}, {at}{ts}{trust}",
);
const TIMESTAMPED: L10n = L10n::new("，时间戳 {at}（{tsa}）", "，時間戳 {at}（{tsa}）", ", time-stamped {at} by {tsa}");
const TRUSTED: L10n = L10n::new("，证书受信任", "，憑證受信任", ", certificate trusted");
const UNTRUSTED: L10n =
    L10n::new("，证书不受 --trust 信任", "，憑證不受 --trust 信任", ", certificate NOT trusted by --trust");
const UNSIGNED_MANIFEST: L10n = L10n::new(
    "manifest.json 未签名：能改动文件的人也能改写其中的哈希值；用 dossier sign 为它签名",
    "manifest.json 未簽章：能改動檔案的人也能改寫其中的雜湊值；用 dossier sign 為它簽章",
    "manifest.json is unsigned: whoever can change a file can also rewrite its hash; sign it with dossier sign",
);
const UNSIGNED_BUT_TRUST: L10n = L10n::new(
    "manifest.json 未签名，但给出了 --trust：没有可核对的签名",
    "manifest.json 未簽章，但給出了 --trust：沒有可核對的簽章",
    "manifest.json is unsigned, but --trust was given: there is no signature to check",
);
const MANIFEST_OK: L10n = L10n::new(
    "manifest.json 的签名有效：签名人 {signer}，时间 {at}{ts}{trust}",
    "manifest.json 的簽章有效：簽章人 {signer}，時間 {at}{ts}{trust}",
    "manifest.json has a valid signature: signer {signer}, at {at}{ts}{trust}",
);
const NOT_CHECKED: L10n = L10n::new(
    "；未核对签名人（用 --trust CERT 指定受信任的证书）",
    "；未核對簽章人（用 --trust CERT 指定受信任的憑證）",
    "; the signer was not checked (pass --trust CERT)",
);
const MANIFEST_BAD: L10n = L10n::new(
    "manifest.json.p7s：签名无效：{detail}",
    "manifest.json.p7s：簽章無效：{detail}",
    "manifest.json.p7s: the signature is not valid: {detail}",
);

pub fn verify(args: VerifyArgs) -> io::Result<ExitCode> {
    let lang = args.lang;
    let trust = match &args.trust {
        Some(p) => match sign::read_trust(p, lang) {
            Ok(t) => Some(t),
            Err(f) => return fail(f),
        },
        None => None,
    };
    let mut out = io::stdout().lock();
    let mut dir = args.dir.clone();
    let mut bag_ok = true;
    if archive::is_bag(&args.dir) {
        match archive::verify_bag(&args.dir, lang) {
            Ok(check) => {
                for line in check.lines(lang) {
                    writeln!(out, "{line}")?;
                }
                bag_ok = check.ok();
                dir = archive::output_dir(&args.dir);
            }
            Err(f) => return fail(f),
        }
    }
    let c = match sign::verify_dir(&dir, trust.as_deref(), lang) {
        Ok(c) => c,
        Err(f) => return fail(f),
    };
    report(&mut out, &c, &dir, lang)?;
    Ok(if c.ok() && bag_ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn trust_text(t: Option<bool>, lang: Lang) -> &'static str {
    match t {
        Some(true) => TRUSTED.get(lang),
        Some(false) => UNTRUSTED.get(lang),
        None => "",
    }
}

fn report(out: &mut impl Write, c: &DirCheck, dir: &Path, lang: Lang) -> io::Result<()> {
    let dir = dir.display().to_string();
    for m in &c.missing {
        writeln!(out, "{}: {m}", MISSING.get(lang))?;
    }
    for (f, what) in &c.changed {
        writeln!(out, "{}: {f} ({what})", CHANGED.get(lang))?;
    }
    for e in &c.extra {
        writeln!(out, "{}: {e}", EXTRA.get(lang))?;
    }
    for s in &c.signed {
        writeln!(out, "{}", SIGNED_PDF.fill(lang, &[("file", &s.path), ("n", &s.signatures.len().to_string())]))?;
        for sig in &s.signatures {
            let ts = sig
                .timestamp
                .as_ref()
                .map(|(t, tsa)| TIMESTAMPED.fill(lang, &[("at", &time(*t)), ("tsa", tsa)]))
                .unwrap_or_default();
            let at = sig.time.map(time).unwrap_or_default();
            let line = SIGNATURE_LINE.fill(
                lang,
                &[
                    ("field", &sig.field),
                    ("signer", &sig.signer),
                    ("at", &at),
                    ("ts", &ts),
                    ("trust", trust_text(sig.trusted, lang)),
                ],
            );
            writeln!(out, "{line}")?;
        }
    }
    match &c.manifest {
        ManifestSignature::Unsigned if c.trust_given => writeln!(out, "{}", UNSIGNED_BUT_TRUST.get(lang))?,
        ManifestSignature::Unsigned => writeln!(out, "{}", UNSIGNED_MANIFEST.get(lang))?,
        ManifestSignature::Valid { signer, time: at, timestamp, trusted } => {
            let ts = timestamp
                .as_ref()
                .map(|(t, tsa)| TIMESTAMPED.fill(lang, &[("at", &time(*t)), ("tsa", tsa)]))
                .unwrap_or_default();
            let trust = match trusted {
                None => NOT_CHECKED.get(lang),
                t => trust_text(*t, lang),
            };
            let at = at.map(time).unwrap_or_default();
            writeln!(
                out,
                "{}",
                MANIFEST_OK.fill(lang, &[("signer", signer), ("at", &at), ("ts", &ts), ("trust", trust)])
            )?;
        }
        ManifestSignature::Invalid(why) => writeln!(out, "{}", MANIFEST_BAD.fill(lang, &[("detail", why)]))?,
    }
    if c.ok() {
        writeln!(out, "{}", VERIFIED.fill(lang, &[("dir", &dir), ("n", &c.checked.to_string())]))?;
    } else {
        let bad = c.missing.len() + c.changed.len() + c.extra.len();
        let bad = bad.max(1);
        writeln!(
            out,
            "{}",
            VERIFY_FAILED.fill(lang, &[("dir", &dir), ("bad", &bad.to_string()), ("n", &c.checked.to_string())])
        )?;
    }
    Ok(())
}

const ARCHIVED: L10n = L10n::new(
    "已写入 BagIt 包 {bag}：{n} 个文件",
    "已寫入 BagIt 包 {bag}：{n} 個檔案",
    "wrote the BagIt package {bag}: {n} files",
);

pub fn archive(args: ArchiveArgs) -> io::Result<ExitCode> {
    match archive::write_bag(&args.dir, &args.out, &args.add, args.lang) {
        Ok(n) => {
            let line = ARCHIVED.fill(args.lang, &[("bag", &args.out.display().to_string()), ("n", &n.to_string())]);
            writeln!(io::stdout().lock(), "{line}")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(f) => fail(f),
    }
}
