//! `dossier init` and `dossier convert`: their arguments and what each prints and returns.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use super::{CommonArgs, resolve_lang};
use crate::convert::{self, Target, init};
use crate::diag::Tally;
use crate::model::{L10n, Lang};
use crate::output::write_atomic;
use crate::project::{self, Checked, ProjectInput};

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to write into (created if missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Language of the labels, drop-downs and examples: zh-CN, zh-TW or en (default:
    /// DOSSIER_LANG, else the locale).
    #[arg(long, value_name = "LANG", value_parser = super::parse_lang)]
    pub lang: Option<Lang>,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// Workbooks, Markdown files, project folders, or folders of project folders.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The output folder: one folder per project, OUT/<project>/…
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// The standard form to write.
    #[arg(long, value_enum, default_value_t = Target::Xlsx)]
    pub to: Target,
    /// Overwrite output files that already exist (input files are never overwritten).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

const EXISTS: L10n = L10n::new(
    "{path} 已存在；如要覆盖，请加 --force",
    "{path} 已存在；如要覆寫，請加 --force",
    "{path} already exists; add --force to overwrite it",
);
const IS_INPUT: L10n = L10n::new(
    "{path} 是输入文件，不会被覆盖；请换一个输出目录",
    "{path} 是輸入檔案，不會被覆寫；請換一個輸出目錄",
    "{path} is an input file and is never overwritten; choose another output folder",
);
const WROTE: L10n = L10n::new("已写入 {path}", "已寫入 {path}", "wrote {path}");
const INIT_NEXT: L10n = L10n::new(
    "填写后运行：dossier check {dir}",
    "填寫後執行：dossier check {dir}",
    "fill it in, then run: dossier check {dir}",
);
const NOT_CONVERTED: L10n = L10n::new(
    "{source}：有错误，未转换；请先修正上面的错误（或用 --map 对应列名）",
    "{source}：有錯誤，未轉換；請先修正上面的錯誤（或用 --map 對應欄名）",
    "{source}: not converted because of the errors above; fix them first (or map the columns with --map)",
);
const NOTHING: L10n = L10n::new(
    "{source}：没有读到任何记录，未转换",
    "{source}：沒有讀到任何記錄，未轉換",
    "{source}: no records found, nothing converted",
);
const CONVERTED: L10n = L10n::new("{source} → {path}", "{source} → {path}", "{source} → {path}");
const NOTE: L10n = L10n::new("注意", "注意", "note");
const MISMATCH: L10n = L10n::new(
    "{path} 读回后与原记录不同：{what}",
    "{path} 讀回後與原記錄不同：{what}",
    "{path} does not read back identically: {what}",
);
const SUMMARY: L10n = L10n::new(
    "共 {projects} 个项目，已转换 {done} 个，{failed} 个因错误未转换",
    "共 {projects} 個專案，已轉換 {done} 個，{failed} 個因錯誤未轉換",
    "{projects} project(s): {done} converted, {failed} not converted because of errors",
);

/// `dossier init DIR`: refuses to overwrite any existing file unless `--force`.
pub fn init(args: InitArgs) -> io::Result<ExitCode> {
    let lang = resolve_lang(args.lang);
    let files = match init::files(lang, convert::today()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("dossier: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    if !args.force
        && let Some(f) = files.iter().find(|f| args.dir.join(&f.path).exists())
    {
        let path = args.dir.join(&f.path).display().to_string();
        eprintln!("dossier: {}", EXISTS.fill(lang, &[("path", &path)]));
        return Ok(ExitCode::from(2));
    }
    let mut out = io::stdout().lock();
    for f in &files {
        let path = args.dir.join(&f.path);
        write_atomic(&path, &f.bytes).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        writeln!(out, "{}", WROTE.fill(lang, &[("path", &path.display().to_string())]))?;
    }
    writeln!(out, "{}", INIT_NEXT.fill(lang, &[("dir", &args.dir.display().to_string())]))?;
    Ok(ExitCode::SUCCESS)
}

/// `dossier convert PATH… -o OUT`: each project without errors is written in the standard form
/// under OUT/<project>/, then read back and compared with what was read.
pub fn convert(args: ConvertArgs) -> io::Result<ExitCode> {
    let lang = resolve_lang(args.common.lang);
    let (inputs, ctx) = match super::resolve(&args.paths, &args.common) {
        Ok(x) => x,
        Err(e) => return usage(&e),
    };
    let input_files: BTreeSet<PathBuf> =
        inputs.iter().flat_map(|i| &i.files).filter_map(|f| f.canonicalize().ok()).collect();
    let style = super::Style::detect();
    let mut out = io::stdout().lock();
    // Check everything first, then write nothing if any target is taken.
    let mut planned: Vec<(Checked, PathBuf, convert::Converted)> = Vec::new();
    let mut stems: BTreeSet<String> = BTreeSet::new();
    let mut failed = 0usize;
    for c in inputs.iter().flat_map(|input| project::check(input, &ctx)) {
        let t = Tally::of(&c.diags);
        if !c.diags.is_empty() {
            super::write_text(&mut out, &c, lang, &style)?;
        }
        if t.errors > 0 || (args.common.strict && t.warnings > 0) {
            writeln!(out, "{}", NOT_CONVERTED.fill(lang, &[("source", &c.project.source)]))?;
            failed += 1;
            continue;
        }
        if project::is_empty(&c.project) {
            writeln!(out, "{}", NOTHING.fill(lang, &[("source", &c.project.source)]))?;
            continue;
        }
        let base = convert::project_stem(&c.project);
        let mut stem = base.clone();
        let mut n = 2;
        while !stems.insert(stem.to_lowercase()) {
            stem = format!("{base}-{n}");
            n += 1;
        }
        let dir = args.out.join(&stem);
        match convert::convert(&c.project, args.to, &stem, &ctx) {
            Ok(conv) => planned.push((c, dir, conv)),
            Err(e) => {
                eprintln!("dossier: {}: {e}", c.project.source);
                return Ok(ExitCode::from(2));
            }
        }
    }
    for (_, dir, conv) in &planned {
        for (rel, _) in &conv.files {
            let path = dir.join(rel);
            let shown = path.display().to_string();
            if path.canonicalize().is_ok_and(|p| input_files.contains(&p)) {
                eprintln!("dossier: {}", IS_INPUT.fill(lang, &[("path", &shown)]));
                return Ok(ExitCode::from(2));
            }
            if path.exists() && !args.force {
                eprintln!("dossier: {}", EXISTS.fill(lang, &[("path", &shown)]));
                return Ok(ExitCode::from(2));
            }
        }
    }
    let reread = convert::plain_ctx(lang, ctx.as_of);
    let mut mismatched = false;
    for (c, dir, conv) in &planned {
        let mut written = Vec::new();
        for (rel, bytes) in &conv.files {
            let path = dir.join(rel);
            write_atomic(&path, bytes).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            written.push(path);
        }
        let shown = if written.len() == 1 { written[0].display().to_string() } else { dir.display().to_string() };
        writeln!(out, "{}", CONVERTED.fill(lang, &[("source", &c.project.source), ("path", &shown)]))?;
        for note in &conv.notes {
            writeln!(out, "  {}: {note}", NOTE.get(lang))?;
        }
        // Read what was written, as `check` will: it must be the same records.
        let back = project::load(&ProjectInput::new(shown.clone(), written), &reread, &mut Vec::new());
        if let Some(what) = convert::project_difference(&c.project, &back) {
            mismatched = true;
            writeln!(out, "  {}: {}", NOTE.get(lang), MISMATCH.fill(lang, &[("path", &shown), ("what", &what)]))?;
        }
    }
    if inputs.len() > 1 || failed > 0 {
        let line = SUMMARY.fill(
            lang,
            &[
                ("projects", &inputs.len().to_string()),
                ("done", &planned.len().to_string()),
                ("failed", &failed.to_string()),
            ],
        );
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(if failed > 0 || mismatched { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn usage(e: &str) -> io::Result<ExitCode> {
    eprintln!("dossier: {e}");
    Ok(ExitCode::from(2))
}
