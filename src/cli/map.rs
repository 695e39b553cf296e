//! `dossier map suggest`: a mapping for sheets nobody here wrote, from their headers and
//! their cells (see [`crate::suggest`]).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{parse_lang, resolve_lang};
use crate::mapping::Mapping;
use crate::model::{L10n, Lang};
use crate::output::write_atomic;
use crate::suggest;

#[derive(Debug, clap::Args)]
pub struct MapArgs {
    #[command(subcommand)]
    pub command: MapCommand,
}

#[derive(Debug, Subcommand)]
pub enum MapCommand {
    /// Write a mapping for every sheet: what it holds, its header row, the field of each
    /// column, the codes of its words, its date order — from the headers and the cells, each
    /// line with its evidence. Check it, then pass it back with `--map`.
    Suggest(SuggestArgs),
}

#[derive(Debug, clap::Args)]
pub struct SuggestArgs {
    /// Workbooks, CSV files, project folders, or folders of project folders.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A mapping to start from: every decision in it is kept; only what it leaves open is
    /// suggested.
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Write the mapping to FILE instead of printing it.
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Language of the comments: zh-CN, zh-TW or en (default: DOSSIER_LANG, else the locale).
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

const WROTE: L10n = L10n::new(
    "已写入 {path}；检查标有“请核对”的行，然后运行：dossier check {paths} --map {path}",
    "已寫入 {path}；檢查標有「請核對」的列，然後執行：dossier check {paths} --map {path}",
    "wrote {path}; check the lines marked “check this”, then run: dossier check {paths} --map {path}",
);

const IS_INPUT: L10n = L10n::new(
    "{path} 是输入文件，不会被覆盖；请用 --write 写到另一个文件",
    "{path} 是輸入檔案，不會被覆寫；請用 --write 寫到另一個檔案",
    "{path} is an input file and is never overwritten; give --write another file",
);

/// `dossier map …`.
pub fn map(args: MapArgs) -> io::Result<ExitCode> {
    match args.command {
        MapCommand::Suggest(a) => suggest_cmd(a),
    }
}

fn suggest_cmd(args: SuggestArgs) -> io::Result<ExitCode> {
    let lang = resolve_lang(args.lang);
    let existing = match &args.map {
        Some(path) => match Mapping::load(path, lang) {
            Ok(m) => m,
            Err(e) => return usage(&e.to_string()),
        },
        None => Mapping::default(),
    };
    let inputs = match crate::project::discover(&args.paths, lang) {
        Ok(i) => i,
        Err(e) => return usage(&e),
    };
    let files: Vec<PathBuf> = inputs.iter().flat_map(|i| i.files.iter().cloned()).collect();
    if let Some(w) = &args.write {
        let target = w.canonicalize().ok();
        if target.is_some() && files.iter().any(|f| f.canonicalize().ok() == target) {
            return usage(&IS_INPUT.fill(lang, &[("path", &w.display().to_string())]));
        }
    }
    let text = suggest::suggest(&files, &existing, lang);
    match &args.write {
        Some(path) => {
            write_atomic(path, text.as_bytes()).map_err(|e| {
                io::Error::new(e.kind(), format!("{}: {}", path.display(), crate::diag::io_message(&e, lang)))
            })?;
            let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
            let shown = path.display().to_string();
            eprintln!("{}", WROTE.fill(lang, &[("path", &shown), ("paths", &paths.join(" "))]));
        }
        None => {
            let mut out = io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn usage(e: &str) -> io::Result<ExitCode> {
    eprintln!("dossier: {e}");
    Ok(ExitCode::from(2))
}
