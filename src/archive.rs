//! `dossier archive`: a BagIt package (RFC 8493) of a build — its output folder with the
//! manifest and its signature, the input files each project was built from, and scans given
//! with `--add` — described in `bag-info.txt`; and the check of such a package.
//!
//! ```text
//! PACKAGE/bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
//! PACKAGE/data/output/…            the output folder as built and signed
//! PACKAGE/data/inputs/<project>/…  the inputs of each project
//! PACKAGE/data/scans/…             files given with --add
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256, Sha512};

use crate::model::{L10n, Lang};
use crate::output::{self, MANIFEST, MANIFEST_SIGNATURE, Manifest};
use crate::sign::{self, Failure, ManifestSignature};

const PAYLOAD_OUTPUT: &str = "data/output";

/// Whether `dir` is a BagIt package (it has `bagit.txt`).
pub fn is_bag(dir: &Path) -> bool {
    dir.join("bagit.txt").is_file()
}

/// The output folder inside a package.
pub fn output_dir(bag: &Path) -> PathBuf {
    bag.join(PAYLOAD_OUTPUT)
}

const EXISTS: L10n = L10n::new(
    "{bag}：已存在；请指定一个新的包路径",
    "{bag}：已存在；請指定一個新的套件路徑",
    "{bag}: already exists; give a new package path",
);
const NOT_VERIFIED: L10n = L10n::new(
    "{dir}：输出文件夹未通过校验（{detail}）；请先运行 dossier verify {dir} 并修复后再归档",
    "{dir}：輸出資料夾未通過驗證（{detail}）；請先執行 dossier verify {dir} 並修正後再封存",
    "{dir}: the output folder does not verify ({detail}); run dossier verify {dir} and fix it before archiving",
);
const INPUT_GONE: L10n = L10n::new(
    "{file}：找不到项目“{project}”的输入文件；请在运行 dossier build 的文件夹中运行 dossier archive",
    "{file}：找不到專案「{project}」的輸入檔案；請在執行 dossier build 的資料夾中執行 dossier archive",
    "{file}: the input of project “{project}” is not there; run dossier archive from the folder dossier build ran in",
);
const INPUT_CHANGED: L10n = L10n::new(
    "{file}：输入文件在生成后已被修改（SHA-256 {found}，生成时为 {expected}）；请重新生成后再归档",
    "{file}：輸入檔案在產生後已被修改（SHA-256 {found}，產生時為 {expected}）；請重新產生後再封存",
    "{file}: the input changed after the build (SHA-256 {found}, {expected} when built); build again, then archive",
);
const ADD_MISSING: L10n =
    L10n::new("{file}：无法读取（{detail}）", "{file}：無法讀取（{detail}）", "{file}: cannot read it ({detail})");
const WRITE_FAILED: L10n =
    L10n::new("{file}：无法写入（{detail}）", "{file}：無法寫入（{detail}）", "{file}: cannot write it ({detail})");

fn io_fail(t: L10n, lang: Lang, path: &Path, e: &io::Error) -> Failure {
    Failure { code: 2, message: t.fill(lang, &[("file", &path.display().to_string()), ("detail", &e.to_string())]) }
}

/// A file of the payload: where it comes from and its path in the bag.
struct Payload {
    from: PathBuf,
    to: String,
}

/// Writes the package; returns the number of payload files. The package is assembled in a
/// temporary folder beside it and renamed at the end: an interrupted run leaves no package.
pub fn write_bag(dir: &Path, bag: &Path, add: &[PathBuf], lang: Lang) -> Result<usize, Failure> {
    if bag.exists() {
        return Err(Failure { code: 2, message: EXISTS.fill(lang, &[("bag", &bag.display().to_string())]) });
    }
    let check = sign::verify_dir(dir, None, lang)?;
    if !check.ok() {
        let mut problems: Vec<String> = check.missing.clone();
        problems.extend(check.changed.iter().map(|(p, _)| p.clone()));
        problems.extend(check.extra.iter().cloned());
        if let ManifestSignature::Invalid(why) = &check.manifest {
            problems.push(format!("{MANIFEST_SIGNATURE}: {why}"));
        }
        let d = dir.display().to_string();
        return Err(Failure {
            code: 1,
            message: NOT_VERIFIED.fill(lang, &[("dir", &d), ("detail", &problems.join(", "))]),
        });
    }
    let manifest = Manifest::read(dir).map_err(|m| Failure { code: 2, message: m })?;

    let mut payload = Vec::new();
    for rel in manifest.files.iter().map(|e| e.path.as_str()).chain([MANIFEST, MANIFEST_SIGNATURE]) {
        let from = dir.join(rel);
        if rel == MANIFEST_SIGNATURE && !from.exists() {
            continue;
        }
        payload.push(Payload { from, to: format!("{PAYLOAD_OUTPUT}/{rel}") });
    }
    for p in &manifest.projects {
        let Some(folder) = &p.folder else { continue };
        // Two inputs of one name (the folder's `mapping.yaml` and a `--map mapping.yaml`)
        // both go in: the second as `2-mapping.yaml`.
        let mut names = BTreeSet::new();
        for input in &p.inputs {
            let from = PathBuf::from(&input.path);
            let (_, found) = output::sha256_file(&from).map_err(|_| Failure {
                code: 2,
                message: INPUT_GONE.fill(lang, &[("file", &input.path), ("project", &p.source)]),
            })?;
            if found != input.sha256 {
                return Err(Failure {
                    code: 1,
                    message: INPUT_CHANGED
                        .fill(lang, &[("file", &input.path), ("found", &found), ("expected", &input.sha256)]),
                });
            }
            let name =
                output::safe_name(&from.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
            let mut unique = name.clone();
            let mut i = 1;
            while !names.insert(unique.clone()) {
                i += 1;
                unique = format!("{i}-{name}");
            }
            payload.push(Payload { from, to: format!("data/inputs/{folder}/{unique}") });
        }
    }
    let mut scan_names = BTreeSet::new();
    for f in add {
        if let Err(e) =
            fs::metadata(f).and_then(|m| if m.is_file() { Ok(()) } else { Err(io::Error::other("not a file")) })
        {
            return Err(io_fail(ADD_MISSING, lang, f, &e));
        }
        let name = output::safe_name(&f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        let mut unique = name.clone();
        let mut i = 1;
        while !scan_names.insert(unique.clone()) {
            i += 1;
            unique = format!("{i}-{name}");
        }
        payload.push(Payload { from: f.clone(), to: format!("data/scans/{unique}") });
    }

    let parent = bag.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = parent.join(format!(
        ".{}.{}.tmp",
        bag.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&tmp);
    let result = assemble(&tmp, &payload, &manifest, &check, lang).and_then(|n| {
        fs::rename(&tmp, bag).map_err(|e| io_fail(WRITE_FAILED, lang, bag, &e))?;
        Ok(n)
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

fn assemble(
    tmp: &Path,
    payload: &[Payload],
    manifest: &Manifest,
    check: &sign::DirCheck,
    lang: Lang,
) -> Result<usize, Failure> {
    let mut lines = Vec::with_capacity(payload.len());
    let mut bytes = 0u64;
    for p in payload {
        let to = tmp.join(&p.to);
        if let Some(d) = to.parent() {
            fs::create_dir_all(d).map_err(|e| io_fail(WRITE_FAILED, lang, d, &e))?;
        }
        fs::copy(&p.from, &to).map_err(|e| io_fail(ADD_MISSING, lang, &p.from, &e))?;
        let (size, sha) = output::sha256_file(&to).map_err(|e| io_fail(ADD_MISSING, lang, &to, &e))?;
        bytes += size;
        lines.push(format!("{sha}  {}\n", encode_path(&p.to)));
    }
    lines.sort();
    let write = |name: &str, text: &str| {
        let path = tmp.join(name);
        fs::write(&path, text).map_err(|e| io_fail(WRITE_FAILED, lang, &path, &e))
    };
    write("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")?;
    write("manifest-sha256.txt", &lines.concat())?;
    write("bag-info.txt", &bag_info(manifest, check, bytes, payload.len()))?;
    let mut tags = Vec::new();
    for name in ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"] {
        let (_, sha) =
            output::sha256_file(&tmp.join(name)).map_err(|e| io_fail(ADD_MISSING, lang, &tmp.join(name), &e))?;
        tags.push(format!("{sha}  {name}\n"));
    }
    write("tagmanifest-sha256.txt", &tags.concat())?;
    Ok(payload.len())
}

/// `bag-info.txt`: who and what, one `Label: value` per line (RFC 8493 2.2.2).
fn bag_info(m: &Manifest, check: &sign::DirCheck, bytes: u64, count: usize) -> String {
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    let mut put = |k: &str, v: &str| {
        out.push_str(k);
        out.push_str(": ");
        out.push_str(&one_line(v));
        out.push('\n');
    };
    let date = sign::signing_time().map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default();
    put("Bagging-Date", &date);
    put("Bag-Software-Agent", concat!("dossier ", env!("CARGO_PKG_VERSION"), ""));
    put("Payload-Oxum", &format!("{bytes}.{count}"));
    put("Dossier-Version", &m.generator);
    put("Dossier-As-Of", &m.as_of);
    for p in m.projects.iter().filter(|p| p.folder.is_some()) {
        put("External-Identifier", &p.id);
        put("Project", &format!("{} ({})", p.name, p.id));
        if let Some(d) = &p.department {
            put("Department", d);
        }
        if let Some(period) = &p.period {
            put("Period", period);
        }
    }
    for f in &m.fonts {
        put("Font", &format!("{} ({}) sha256:{}", f.family, f.file, f.sha256));
    }
    let mut signers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in &check.signed {
        for sig in &s.signatures {
            signers.entry(sig.signer.clone()).or_default().insert(s.path.clone());
        }
    }
    for (signer, files) in &signers {
        put("Signer", &format!("{signer}: {} PDF(s)", files.len()));
    }
    match &check.manifest {
        ManifestSignature::Valid { signer, time, timestamp, .. } => {
            let at = time.map(|t| t.to_rfc3339()).unwrap_or_default();
            let ts = timestamp
                .as_ref()
                .map(|(t, tsa)| format!(", time-stamped {} by {tsa}", t.to_rfc3339()))
                .unwrap_or_default();
            put("Manifest-Signature", &format!("{signer}, {at}{ts}"));
        }
        _ => put("Manifest-Signature", "none"),
    }
    out
}

/// A payload path as a manifest line writes it: `%`, CR and LF percent-encoded (RFC 8493 2.1.3).
fn encode_path(p: &str) -> String {
    p.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn decode_path(p: &str) -> String {
    p.replace("%0A", "\n").replace("%0a", "\n").replace("%0D", "\r").replace("%0d", "\r").replace("%25", "%")
}

/// What the check of a package found.
#[derive(Debug, Default)]
pub struct BagCheck {
    pub bag: String,
    pub checked: usize,
    pub missing: Vec<String>,
    pub changed: Vec<String>,
    pub extra: Vec<String>,
    pub problems: Vec<String>,
}

const BAG_OK: L10n = L10n::new(
    "{bag}：BagIt 包完整，{n} 个文件与 manifest-sha256.txt 一致",
    "{bag}：BagIt 套件完整，{n} 個檔案與 manifest-sha256.txt 一致",
    "{bag}: the BagIt package is complete, {n} files match its manifest",
);
const BAG_MISSING: L10n = L10n::new("包中缺失：{file}", "套件中缺失：{file}", "missing from the package: {file}");
const BAG_CHANGED: L10n = L10n::new("包中已改变：{file}", "套件中已變更：{file}", "changed in the package: {file}");
const BAG_EXTRA: L10n = L10n::new(
    "包中多出的文件（不在清单中）：{file}",
    "套件中多出的檔案（不在清單中）：{file}",
    "in the package but not in its manifest: {file}",
);
const BAG_BAD: L10n = L10n::new("{bag}:{detail}", "{bag}:{detail}", "{bag}: {detail}");

impl BagCheck {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty() && self.problems.is_empty()
    }

    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(self.missing.iter().map(|f| BAG_MISSING.fill(lang, &[("file", f)])));
        out.extend(self.changed.iter().map(|f| BAG_CHANGED.fill(lang, &[("file", f)])));
        out.extend(self.extra.iter().map(|f| BAG_EXTRA.fill(lang, &[("file", f)])));
        out.extend(self.problems.iter().map(|p| BAG_BAD.fill(lang, &[("bag", &self.bag), ("detail", p)])));
        if self.ok() {
            out.push(BAG_OK.fill(lang, &[("bag", &self.bag), ("n", &self.checked.to_string())]));
        }
        out
    }
}

/// Checks a package: every payload file listed with the right hash, nothing unlisted, the tag
/// files as their tag manifest says, the Payload-Oxum.
pub fn verify_bag(bag: &Path, lang: Lang) -> Result<BagCheck, Failure> {
    let _ = lang;
    let mut c = BagCheck { bag: bag.display().to_string(), ..BagCheck::default() };
    let mut manifests = Vec::new();
    for e in fs::read_dir(bag).map_err(|e| io_fail(ADD_MISSING, lang, bag, &e))?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(alg) = name.strip_prefix("manifest-").and_then(|n| n.strip_suffix(".txt")) {
            manifests.push((alg.to_string(), false, e.path()));
        }
        if let Some(alg) = name.strip_prefix("tagmanifest-").and_then(|n| n.strip_suffix(".txt")) {
            manifests.push((alg.to_string(), true, e.path()));
        }
    }
    manifests.sort();
    if !manifests.iter().any(|(_, tag, _)| !tag) {
        c.problems.push("no manifest-<algorithm>.txt".into());
        return Ok(c);
    }
    let mut listed = BTreeSet::new();
    for (alg, tag, path) in &manifests {
        let text = fs::read_to_string(path).map_err(|e| io_fail(ADD_MISSING, lang, path, &e))?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let Some((hash, file)) = line.split_once(char::is_whitespace) else {
                c.problems.push(format!("{}: bad line `{line}`", path.display()));
                continue;
            };
            let file = decode_path(file.trim_start());
            let safe = !file.split('/').any(|p| p == ".." || p.is_empty()) && !file.starts_with('/');
            if !safe {
                c.problems.push(format!("{}: path outside the bag `{file}`", path.display()));
                continue;
            }
            if !tag {
                listed.insert(file.clone());
            }
            match hash_file(&bag.join(&file), alg) {
                Ok(Some(h)) if h.eq_ignore_ascii_case(hash) => {}
                Ok(Some(_)) => c.changed.push(file),
                Ok(None) => c.problems.push(format!("unsupported algorithm {alg}")),
                Err(_) => c.missing.push(file),
            }
            if !tag {
                c.checked += 1;
            }
        }
    }
    c.missing.sort();
    c.missing.dedup();
    c.changed.sort();
    c.changed.dedup();
    let mut found = Vec::new();
    output::list_files(bag, &bag.join("data"), &mut found).map_err(|e| io_fail(ADD_MISSING, lang, bag, &e))?;
    c.extra = found.into_iter().filter(|f| !listed.contains(f)).collect();
    c.checked = listed.len();
    Ok(c)
}

fn hash_file(path: &Path, alg: &str) -> io::Result<Option<String>> {
    let mut f = fs::File::open(path)?;
    let mut buf = vec![0u8; 64 * 1024];
    macro_rules! run {
        ($h:expr) => {{
            let mut h = $h;
            loop {
                let n = f.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                h.update(&buf[..n]);
            }
            Some(output::hex(&h.finalize()))
        }};
    }
    Ok(match alg {
        "sha256" => run!(Sha256::new()),
        "sha512" => run!(Sha512::new()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_escape_line_breaks_and_percent() {
        let p = "data/scans/a%b\nc.pdf";
        assert_eq!(encode_path(p), "data/scans/a%25b%0Ac.pdf");
        assert_eq!(decode_path(&encode_path(p)), p);
    }
}
