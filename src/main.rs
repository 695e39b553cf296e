//! The `dossier` binary: parse the command line, run, exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    dossier::ingest::install_quiet_panic_hook();
    dossier::cli::run(dossier::cli::Cli::parse())
}
