//! `dossier sign`, `verify` and `archive` through the real binary, checked by the clients an
//! archivist would use: pyHanko and poppler's `pdfsig` on every signature, `openssl cms` on the
//! manifest's signature, `bagit.py` on every package, `../shared/tools/pdfa_check.py` on every
//! `--pdfa` file, `pdftotext` for text. The test CA and the RFC 3161 authority are made with
//! `openssl` here. Those tools are installed by `.ci/run`; without one, a test says so and
//! passes, except in CI (`CI` set), where it fails.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn dossier_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dossier"));
    c.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("DOSSIER_P12_PASSWORD");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("dossier runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Whether a tool is on this machine; in CI a missing tool fails the test.
fn have(tool: &str) -> bool {
    let ok = Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "{tool} is missing in CI: .ci/run installs it");
        eprintln!("note: {tool} is not installed; this check is skipped (CI installs it)");
    }
    ok
}

fn run(dir: &Path, cmd: &str, args: &[&str]) -> Output {
    Command::new(cmd).args(args).current_dir(dir).output().unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

/// Signs `pdf` in place with pyHanko as alice (of the test CA), in the field `field` (made
/// when the document has no field of that name).
fn pyhanko_sign(dir: &Path, field: &str, pdf: &Path) {
    let args = ["sign", "addsig", "--field", field, "pemder", "--key", "alice.key", "--cert", "alice.pem", "--no-pass"];
    let pdf_arg = pdf.to_str().unwrap();
    let o = run(dir, "pyhanko", &[&args[..], &[pdf_arg, "signed.pdf"]].concat());
    assert!(o.status.success(), "{}", text(&o));
    fs::copy(dir.join("signed.pdf"), pdf).unwrap();
}

fn sh(dir: &Path, script: &str) {
    let o = run(dir, "sh", &["-c", script]);
    assert!(o.status.success(), "{script}\n{}", text(&o));
}

fn cjk_font() -> bool {
    let ok = Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists();
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "fonts-noto-cjk is missing in CI");
        eprintln!("note: no CJK font; PDF signing tests are skipped");
    }
    ok
}

/// A test CA and its certificates: alice and bob (RSA, signing), eve (ECDSA P-256), an
/// encryption-only certificate, and a time-stamp authority.
fn pki(dir: &Path) {
    fs::write(
        dir.join("ext.cnf"),
        "[signer]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n\
         [enc]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,keyEncipherment\n\
         [tsa]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n",
    )
    .unwrap();
    sh(
        dir,
        "set -e
         openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -subj '/CN=Dossier Test CA/O=PMO' \
           -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
         cert() { openssl x509 -req -in $1.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $1.pem -days 365 -extfile ext.cnf -extensions $2 2>/dev/null; }
         for who in alice bob enc tsa; do
           openssl req -newkey rsa:2048 -nodes -keyout $who.key -out $who.csr -subj \"/CN=$who/OU=Marketing/O=PMO\" 2>/dev/null
         done
         cert alice signer; cert bob signer; cert enc enc; cert tsa tsa
         openssl ecparam -name prime256v1 -genkey -noout -out eve.key
         openssl req -new -key eve.key -out eve.csr -subj '/CN=eve' 2>/dev/null; cert eve signer
         openssl pkcs12 -export -inkey bob.key -in bob.pem -certfile ca.pem -out bob.p12 -passout pass:secret
         printf 'secret\\n' > bob.pass",
    );
}

/// An RFC 3161 authority on 127.0.0.1: a small Python HTTP server handing each request to
/// `openssl ts -reply`. Killed when dropped.
struct Tsa {
    child: Child,
    url: String,
}

impl Drop for Tsa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tsa(dir: &Path) -> Tsa {
    tsa_over(dir, false)
}

/// The authority of [`tsa`], over HTTPS with `https`: its server certificate (for 127.0.0.1)
/// is issued by the test CA, which a client must be told to trust.
fn tsa_over(dir: &Path, https: bool) -> Tsa {
    fs::write(
        dir.join("tsa.cnf"),
        "[tsa]\ndefault_tsa = tsa_config\n[tsa_config]\nserial = ./tsaserial\nsigner_digest = sha256\n\
         default_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\nordering = no\ness_cert_id_alg = sha256\n\
         tsa_name = no\ncrypto_device = builtin\nsigner_cert = ./tsa.pem\nsigner_key = ./tsa.key\ncerts = ./ca.pem\n",
    )
    .unwrap();
    fs::write(dir.join("tsaserial"), "01\n").unwrap();
    let server = r#"
import http.server, subprocess, sys, os
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        req = self.rfile.read(int(self.headers['Content-Length']))
        open('req.tsq', 'wb').write(req)
        subprocess.run(['openssl', 'ts', '-reply', '-config', 'tsa.cnf', '-queryfile', 'req.tsq', '-out', 'resp.tsr'], check=True, capture_output=True)
        body = open('resp.tsr', 'rb').read()
        self.send_response(200)
        self.send_header('Content-Type', 'application/timestamp-reply')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
if len(sys.argv) > 1:
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain('srv.pem', 'srv.key')
    s.socket = ctx.wrap_socket(s.socket, server_side=True)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;
    if https {
        fs::write(
            dir.join("srv.cnf"),
            "[srv]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
             extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n",
        )
        .unwrap();
        sh(
            dir,
            "set -e
             openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj '/CN=127.0.0.1' 2>/dev/null
             openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 30 -extfile srv.cnf -extensions srv 2>/dev/null",
        );
    }
    let mut args = vec!["-c", server];
    if https {
        args.push("https");
    }
    let mut child =
        Command::new("python3").args(&args).current_dir(dir).stdout(Stdio::piped()).spawn().expect("python3 runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let scheme = if https { "https" } else { "http" };
    Tsa { child, url: format!("{scheme}://127.0.0.1:{}/", line.trim()) }
}

/// The seed sample built as PDF/A into `dir/out`.
fn build(dir: &Path) -> PathBuf {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/seed-2024-MKT-001");
    let out = dir.join("out");
    let o = dossier_in(
        dir,
        &["build", samples.to_str().unwrap(), "-o", "out", "--to", "pdf", "--pdfa", "--as-of", "2024-10-20"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    out
}

fn pdfs(out: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for d in [out.to_path_buf(), out.join("2024-MKT-001")] {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "pdf") {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

fn shared_tool(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools").join(name);
    if !p.exists() {
        eprintln!("note: ../shared is absent; {name} is skipped");
        return None;
    }
    Some(p)
}

/// pdfsig, pyHanko and pdfa_check.py on every PDF: `expect[i]` signatures in each, all valid.
fn external_checks(dir: &Path, files: &[PathBuf], expect: usize, tsa: bool) {
    if have("pdfsig") {
        for f in files {
            let o = run(dir, "pdfsig", &[f.to_str().unwrap()]);
            let t = text(&o);
            assert_eq!(t.matches("Signature is Valid.").count(), expect, "pdfsig {}:\n{t}", f.display());
            assert!(!t.contains("Invalid"), "{t}");
        }
    }
    if have("pyhanko") {
        for f in files {
            let o = run(
                dir,
                "pyhanko",
                &[
                    "sign",
                    "validate",
                    "--pretty-print",
                    "--no-revocation-check",
                    "--trust",
                    "ca.pem",
                    "--trust-replace",
                    f.to_str().unwrap(),
                ],
            );
            let t = text(&o);
            assert!(o.status.success(), "pyhanko {}:\n{t}", f.display());
            assert_eq!(t.matches("The signature is judged VALID").count(), expect, "pyhanko {}:\n{t}", f.display());
            assert!(!t.contains("INVALID") && !t.contains("not compatible"), "{t}");
            if tsa {
                assert!(t.contains("timestamp"), "pyhanko sees no time-stamp:\n{t}");
            }
        }
    }
    if let Some(check) = shared_tool("pdfa_check.py")
        && have("python3")
    {
        let mut args = vec![check.to_str().unwrap()];
        args.extend(files.iter().map(|f| f.to_str().unwrap()));
        let o = run(dir, "python3", &args);
        let t = text(&o);
        assert!(o.status.success() && t.contains("'files_with_issues': 0"), "pdfa_check:\n{t}");
    }
    if have("qpdf") {
        for f in files {
            let o = run(dir, "qpdf", &["--check", f.to_str().unwrap()]);
            assert!(o.status.success(), "qpdf {}:\n{}", f.display(), text(&o));
        }
    }
}

fn cms_verify(dir: &Path, out: &Path) -> bool {
    run(
        dir,
        "openssl",
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            out.join("manifest.json.p7s").to_str().unwrap(),
            "-content",
            out.join("manifest.json").to_str().unwrap(),
            "-CAfile",
            "ca.pem",
            "-out",
            "/dev/null",
        ],
    )
    .status
    .success()
}

#[test]
fn two_signers_and_the_manifest_are_accepted_by_every_client() {
    if !cjk_font() || !have("openssl") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    pki(dir);
    let out = build(dir);
    let unsigned = dossier_in(dir, &["verify", "out", "--lang", "en"], &[]);
    assert!(text(&unsigned).contains("manifest.json is unsigned"), "{}", text(&unsigned));
    assert_eq!(unsigned.status.code(), Some(0));

    // Alice signs every PDF (PEM key), Bob the sign-off sheet (PKCS#12, password from a file).
    let o = dossier_in(dir, &["sign", "out", "--key", "alice.key", "--cert", "alice.pem", "--lang", "en"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = dossier_in(
        dir,
        &["sign", "out", "signoff", "--p12", "bob.p12", "--password-file", "bob.pass", "--lang", "en"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("signed: 2024-MKT-001/signoff.pdf (field Signature2, signer bob)"), "{}", text(&o));

    let v = dossier_in(dir, &["verify", "out", "--trust", "ca.pem", "--lang", "en"], &[]);
    let t = text(&v);
    assert_eq!(v.status.code(), Some(0), "{t}");
    assert!(t.contains("signed: 2024-MKT-001/signoff.pdf: the file as built plus 2 valid signature(s)"), "{t}");
    assert!(t.contains("field Signature2: bob") && t.contains("certificate trusted"), "{t}");
    assert!(t.contains("manifest.json has a valid signature: signer bob"), "{t}");
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"revisions\"") && manifest.contains("\"signer\": \"bob\""), "{manifest}");
    assert!(manifest.contains("\"inputs\"") && manifest.contains("协作项目.xlsx"), "{manifest}");

    let files = pdfs(&out);
    let signoff: Vec<PathBuf> = files.iter().filter(|f| f.ends_with("signoff.pdf")).cloned().collect();
    let others: Vec<PathBuf> = files.iter().filter(|f| !f.ends_with("signoff.pdf")).cloned().collect();
    external_checks(dir, &signoff, 2, false);
    external_checks(dir, &others, 1, false);
    assert!(cms_verify(dir, &out), "openssl cms -verify rejects manifest.json.p7s");

    // A flipped byte in the manifest: openssl and dossier both refuse it.
    let mut m = fs::read(out.join("manifest.json")).unwrap();
    m[20] ^= 1;
    fs::write(out.join("manifest.json"), &m).unwrap();
    assert!(!cms_verify(dir, &out), "openssl cms accepts a changed manifest");
    let v = dossier_in(dir, &["verify", "out", "--trust", "ca.pem", "--lang", "en"], &[]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(text(&v).contains("the content was changed after signing"), "{}", text(&v));
}

#[test]
fn a_time_stamp_authority_makes_pades_b_t() {
    if !cjk_font() || !have("openssl") || !have("python3") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    pki(dir);
    let out = build(dir);
    let server = tsa(dir);
    let o = dossier_in(
        dir,
        &["sign", "out", "plan", "--key", "eve.key", "--cert", "eve.pem", "--tsa", &server.url, "--lang", "en"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = dossier_in(dir, &["verify", "out", "--trust", "ca.pem", "--lang", "en"], &[]);
    let t = text(&v);
    assert_eq!(v.status.code(), Some(0), "{t}");
    assert!(t.contains("field Signature1: eve") && t.contains("time-stamped") && t.contains("by tsa"), "{t}");
    assert!(
        t.contains("manifest.json has a valid signature: signer eve") && t.matches("time-stamped").count() >= 2,
        "{t}"
    );
    external_checks(dir, &[out.join("2024-MKT-001/plan.pdf")], 1, true);
    assert!(cms_verify(dir, &out));
}

#[test]
fn a_time_stamp_authority_over_https_is_trusted_through_ssl_cert_file() {
    if !cjk_font() || !have("openssl") || !have("python3") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    pki(dir);
    let out = build(dir);
    let server = tsa_over(dir, true);
    let args = ["sign", "out", "plan", "--key", "eve.key", "--cert", "eve.pem", "--tsa", &server.url, "--lang", "en"];
    // The authority's certificate comes from a private CA: refused, with the fix, nothing written.
    let o = dossier_in(dir, &args, &[("SSL_CERT_FILE", "alice.pem")]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains(&format!("the time-stamp authority {}", server.url)), "{}", text(&o));
    assert!(text(&o).contains("SSL_CERT_FILE"), "{}", text(&o));
    assert!(!out.join("manifest.json.p7s").exists());
    let o = dossier_in(dir, &args, &[("SSL_CERT_FILE", "ca.pem")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = dossier_in(dir, &["verify", "out", "--trust", "ca.pem", "--lang", "en"], &[]);
    let t = text(&v);
    assert_eq!(v.status.code(), Some(0), "{t}");
    assert!(t.contains("field Signature1: eve") && t.contains("time-stamped") && t.contains("by tsa"), "{t}");
    external_checks(dir, &[out.join("2024-MKT-001/plan.pdf")], 1, true);
}

#[test]
fn what_is_not_a_signature_is_refused() {
    if !cjk_font() || !have("openssl") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    pki(dir);
    let out = build(dir);
    let sign = |args: &[&str], env: &[(&str, &str)]| {
        let mut a = vec!["sign", "out"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--lang", "en"]);
        dossier_in(dir, &a, env)
    };
    // Bad keys: each names the file and the reason, and nothing is written.
    let before = fs::read(out.join("manifest.json")).unwrap();
    let o = sign(&["--p12", "bob.p12"], &[("DOSSIER_P12_PASSWORD", "wrong")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("bob.p12: cannot open the PKCS#12 file: wrong password"), "{}", text(&o));
    let o = sign(&["--key", "alice.key", "--cert", "bob.pem"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("alice.key: the private key does not match the certificate"), "{}", text(&o));
    let o = sign(&["--key", "enc.key", "--cert", "enc.pem"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("enc.pem: the certificate") && text(&o).contains("does not allow signing"),
        "{}",
        text(&o)
    );
    // Two years on, the one-year certificate has expired.
    let later = (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
        + 2 * 365 * 86400)
        .to_string();
    let o = sign(&["--key", "alice.key", "--cert", "alice.pem"], &[("SOURCE_DATE_EPOCH", &later)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("alice.pem: the certificate") && text(&o).contains("is not valid at the signing time"),
        "{}",
        text(&o)
    );
    assert_eq!(fs::read(out.join("manifest.json")).unwrap(), before, "a failed sign wrote the manifest");
    assert!(!out.join("manifest.json.p7s").exists());

    // A PDF changed after the build cannot be signed.
    let plan = out.join("2024-MKT-001/plan.pdf");
    let original = fs::read(&plan).unwrap();
    let mut changed = original.clone();
    changed.extend_from_slice(b"% appended\n");
    fs::write(&plan, &changed).unwrap();
    let o = sign(&["--key", "alice.key", "--cert", "alice.pem"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("plan.pdf: does not match manifest.json, it was modified after the build"),
        "{}",
        text(&o)
    );
    fs::write(&plan, &original).unwrap();

    // Signed, then something else appended: verify refuses it, naming the file.
    let o = sign(&["--key", "alice.key", "--cert", "alice.pem"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let signed = fs::read(&plan).unwrap();
    let mut extra = signed.clone();
    extra.extend_from_slice(b"1 0 obj\n(new text)\nendobj\n");
    fs::write(&plan, &extra).unwrap();
    let v = dossier_in(dir, &["verify", "out", "--lang", "en"], &[]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(text(&v).contains("changed: 2024-MKT-001/plan.pdf (the first"), "{}", text(&v));
    // The signature removed again (the file as built): the manifest's record says it is missing.
    fs::write(&plan, &original).unwrap();
    let v = dossier_in(dir, &["verify", "out", "--lang", "en"], &[]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(text(&v).contains("signature revision 1 recorded in manifest.json"), "{}", text(&v));
    fs::write(&plan, &signed).unwrap();

    // A truncated manifest signature.
    let p7s = fs::read(out.join("manifest.json.p7s")).unwrap();
    fs::write(out.join("manifest.json.p7s"), &p7s[..p7s.len() / 2]).unwrap();
    let v = dossier_in(dir, &["verify", "out", "--trust", "ca.pem", "--lang", "en"], &[]);
    assert_eq!(v.status.code(), Some(1));
    assert!(
        text(&v).contains("manifest.json.p7s: the signature is not valid: the signature data is damaged or truncated"),
        "{}",
        text(&v)
    );
    fs::write(out.join("manifest.json.p7s"), &p7s).unwrap();
    // A certificate that is neither the signer's nor its issuer is no trust anchor.
    let v = dossier_in(dir, &["verify", "out", "--trust", "tsa.pem", "--lang", "en"], &[]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(text(&v).contains("certificate NOT trusted by --trust"), "{}", text(&v));
}

#[test]
fn a_signature_made_by_pyhanko_is_understood() {
    if !cjk_font() || !have("openssl") || !have("pyhanko") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    pki(dir);
    let out = build(dir);
    let risks = out.join("2024-MKT-001/risks.pdf");
    pyhanko_sign(dir, "Approval", &risks);
    let v = dossier_in(dir, &["verify", "out", "--trust", "ca.pem", "--lang", "en"], &[]);
    let t = text(&v);
    assert!(t.contains("signed: 2024-MKT-001/risks.pdf: the file as built plus 1 valid signature(s)"), "{t}");
    assert!(t.contains("field Approval: alice"), "{t}");
}

#[test]
fn packages_are_valid_bags_and_damage_is_found() {
    if !cjk_font() || !have("openssl") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    pki(dir);
    build(dir);
    let o = dossier_in(dir, &["sign", "out", "--key", "alice.key", "--cert", "alice.pem"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    fs::write(dir.join("签字扫描件.pdf"), b"%PDF-1.4 scan").unwrap();
    let o = dossier_in(dir, &["archive", "out", "-o", "bag", "--add", "签字扫描件.pdf", "--lang", "en"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let bag = dir.join("bag");
    let info = fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    for want in [
        "Project: 2024年Q3新品上市推广 (2024-MKT-001)",
        "Department: 市场部",
        "Period: 2024-07-15/2024-09-30",
        "Signer: alice",
        "Font: ",
        "Dossier-Version: dossier ",
    ] {
        assert!(info.contains(want), "bag-info.txt lacks {want}:\n{info}");
    }
    assert!(bag.join("data/scans/签字扫描件.pdf").exists() && bag.join("data/output/manifest.json.p7s").exists());
    assert!(bag.join("data/inputs/2024-MKT-001/协作项目.xlsx").exists());
    let bagit = have("bagit.py");
    let bagit_ok = |bag: &Path| run(dir, "bagit.py", &["--validate", bag.to_str().unwrap()]).status.success();
    if bagit {
        assert!(bagit_ok(&bag), "bagit.py rejects the package");
    }
    let v = dossier_in(dir, &["verify", "bag", "--trust", "ca.pem", "--lang", "en"], &[]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    assert!(text(&v).contains("the BagIt package is complete"), "{}", text(&v));

    // A flipped payload byte, a missing file, an extra file: bagit.py and dossier both object.
    type Damage = Box<dyn Fn(&Path)>;
    let damage: [(&str, Damage, &str); 3] = [
        (
            "flipped",
            Box::new(|b: &Path| {
                let p = b.join("data/inputs/2024-MKT-001/协作项目.xlsx");
                let mut d = fs::read(&p).unwrap();
                d[100] ^= 1;
                fs::write(&p, d).unwrap();
            }),
            "changed in the package: data/inputs/2024-MKT-001/协作项目.xlsx",
        ),
        (
            "missing",
            Box::new(|b: &Path| fs::remove_file(b.join("data/scans/签字扫描件.pdf")).unwrap()),
            "missing from the package: data/scans/签字扫描件.pdf",
        ),
        (
            "extra",
            Box::new(|b: &Path| fs::write(b.join("data/scans/later.txt"), b"x").unwrap()),
            "in the package but not in its manifest: data/scans/later.txt",
        ),
    ];
    for (name, hurt, message) in damage {
        let copy = dir.join(format!("bag-{name}"));
        sh(dir, &format!("cp -r bag bag-{name}"));
        hurt(&copy);
        if bagit {
            assert!(!bagit_ok(&copy), "bagit.py accepts the {name} package");
        }
        let v = dossier_in(dir, &["verify", copy.to_str().unwrap(), "--lang", "en"], &[]);
        assert_eq!(v.status.code(), Some(1), "{name}: {}", text(&v));
        assert!(text(&v).contains(message), "{name}: {}", text(&v));
    }
}

#[test]
fn a_kangxi_radical_in_a_title_copies_out_as_the_unified_ideograph() {
    if !cjk_font() || !have("pdftotext") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/seed-2024-MKT-001");
    sh(dir, &format!("cp -r '{}' p", samples.display()));
    let md = dir.join("p/会议纪要-双十一大促.md");
    let text_md = fs::read_to_string(&md)
        .unwrap()
        .replace("title: “双十一大促方案”评审会", "title: “双十一大促方案”评审会(全\u{2F08}员)");
    fs::write(&md, text_md).unwrap();
    let c = dossier_in(dir, &["check", "p", "--lang", "en", "--as-of", "2024-10-20"], &[]);
    let t = text(&c);
    assert!(
        t.contains("info[unified-ideograph]") && t.contains("U+2F08") && t.contains("会议纪要-双十一大促.md:3"),
        "{t}"
    );
    let o = dossier_in(dir, &["build", "p", "-o", "out", "--to", "pdf", "--pdfa", "--as-of", "2024-10-20"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for f in pdfs(&dir.join("out")) {
        let t = text(&run(dir, "pdftotext", &[f.to_str().unwrap(), "-"]));
        assert!(!t.contains('\u{2F08}'), "{} has the radical in its text", f.display());
        if f.ends_with("minutes-2023-09-15.pdf") || f.ends_with("dossier.pdf") {
            assert!(t.contains("全人员"), "{}: {t}", f.display());
        }
    }
    if let Some(check) = shared_tool("pdfa_check.py") {
        let mut args = vec![check.to_string_lossy().into_owned()];
        args.extend(pdfs(&dir.join("out")).iter().map(|f| f.to_string_lossy().into_owned()));
        let o = Command::new("python3").args(&args).output().unwrap();
        assert!(text(&o).contains("'files_with_issues': 0"), "{}", text(&o));
    }
}

/// The words of `pdftotext -bbox` on page 1: (text, xMin, yMin), y from the top.
fn words(dir: &Path, pdf: &Path) -> Vec<(String, f32, f32)> {
    let o = run(dir, "pdftotext", &["-bbox", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"]);
    let t = String::from_utf8_lossy(&o.stdout).into_owned();
    let attr = |line: &str, key: &str| -> f32 {
        let at = line.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        line[at..].split('"').next().unwrap().parse().unwrap()
    };
    t.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|l| {
            let text = l.split('>').nth(1).unwrap().split('<').next().unwrap().to_string();
            (text, attr(l, "xMin"), attr(l, "yMin"))
        })
        .collect()
}

#[test]
fn visible_signatures_land_in_the_signers_rows_and_every_client_accepts_them() {
    if !cjk_font() || !have("openssl") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    pki(dir);
    // Carol signs for 产品部 (her certificate's OU); Bob's certificate says Marketing.
    sh(
        dir,
        "set -e
         openssl req -newkey rsa:2048 -nodes -keyout carol.key -out carol.csr -utf8 -subj '/CN=王芳/OU=产品部/O=PMO' 2>/dev/null
         openssl x509 -req -in carol.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out carol.pem -days 365 -extfile ext.cnf -extensions signer 2>/dev/null",
    );
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/seed-2024-MKT-001");
    let o = dossier_in(
        dir,
        &[
            "build",
            samples.to_str().unwrap(),
            "-o",
            "out",
            "--to",
            "pdf",
            "--pdfa",
            "--as-of",
            "2024-10-20",
            "--lang",
            "zh-CN",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = dir.join("out");
    let signoff = out.join("2024-MKT-001/signoff.pdf");
    let sign = |args: &[&str]| {
        let mut a = vec!["sign", "out"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--lang", "en"]);
        dossier_in(dir, &a, &[])
    };

    // Wrong boxes are refused before anything is written, with the boxes there are and the fix.
    let before = fs::read(&signoff).unwrap();
    let o = sign(&["signoff", "--key", "bob.key", "--cert", "bob.pem", "--visible"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("signoff.pdf: no signature box belongs to “Marketing / PMO / bob”"), "{t}");
    assert!(t.contains("产品部, 销售部, 设计部, 渠道商A公司") && t.contains("--department"), "{t}");
    let o = sign(&["plan", "--key", "carol.key", "--cert", "carol.pem", "--visible"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("plan.pdf: this document has no signature box"), "{}", text(&o));
    let o = sign(&["--key", "bob.key", "--cert", "bob.pem", "--visible", "--department", "财务部"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("out: no document has a signature box of “财务部”"), "{}", text(&o));
    assert_eq!(fs::read(&signoff).unwrap(), before);
    assert!(!out.join("manifest.json.p7s").exists());

    // Carol from her certificate, Bob for 销售部 by --department: each in the row of that department.
    let o = sign(&["signoff", "--key", "carol.key", "--cert", "carol.pem", "--visible"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("drawn in the signature box signoff/产品部 on page 1"), "{}", text(&o));
    let o = sign(&["signoff", "--key", "bob.key", "--cert", "bob.pem", "--visible", "--department", "销售"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("drawn in the signature box signoff/销售部 on page 1"), "{}", text(&o));
    let o = sign(&["signoff", "--key", "alice.key", "--cert", "alice.pem", "--visible", "--department", "产品部"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("the signature box of “产品部” (signoff/产品部) is already signed"), "{}", text(&o));

    let w = words(dir, &signoff);
    let find = |s: &str| w.iter().rfind(|x| x.0 == s).unwrap_or_else(|| panic!("no {s} in {w:?}")).clone();
    let (column, rows) = (find("签字"), ["产品部", "销售部", "设计部", "渠道商A公司"].map(find));
    for (name, row) in [("王芳", 0), ("bob", 1)] {
        let n = find(name);
        assert!(n.1 >= column.1 - 0.5, "{name} is not in the signature column: {n:?} {column:?}");
        assert!(
            n.2 >= rows[row].2 - 2.0 && n.2 < rows[row + 1].2,
            "{name} is not in the row of {:?}: {n:?}",
            rows[row]
        );
    }
    assert_eq!(w.iter().filter(|x| x.0 == "数字签名").count(), 2, "the wording follows the build's --lang: {w:?}");
    // The rows not signed stay empty.
    assert!(!w.iter().any(|x| x.1 >= column.1 - 0.5 && x.2 > rows[2].2 - 2.0 && x.2 < rows[3].2 + 30.0));

    external_checks(dir, std::slice::from_ref(&signoff), 2, false);

    // The other boxes are ordinary empty signature fields: pyHanko fills one too (and stamps
    // itself into the document information, which PDF/A-1 alone would mind).
    if have("pyhanko") {
        pyhanko_sign(dir, "signoff/设计部", &signoff);
    }
    let n = if have("pyhanko") { 3 } else { 2 };
    let v = dossier_in(dir, &["verify", "out", "--trust", "ca.pem", "--lang", "en"], &[]);
    let t = text(&v);
    assert_eq!(v.status.code(), Some(0), "{t}");
    assert!(t.contains(&format!("signoff.pdf: the file as built plus {n} valid signature(s)")), "{t}");
    assert!(t.contains("field signoff/产品部: 王芳") && t.contains("field signoff/销售部: bob"), "{t}");
    if n == 3 {
        assert!(t.contains("field signoff/设计部: alice"), "{t}");
    }
}
