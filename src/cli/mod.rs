//! The `tournee` command: argument parsing, and the one place where errors
//! become exit codes and messages in the reader's language.
//!
//! Exit codes: 0 done; 2 bad input (an argument, a PIN, a file's rows),
//! with nothing written; 1 the device, the server or their files failed.
//!
//! Commands over the server (`serve`, `admin`, `report`, `simulate`,
//! `demo`, `bench`'s server figures) exist only with the `server` feature;
//! a build without it answers them with a plain sentence, not clap's
//! "unrecognized subcommand" alone.

// Its table's `ALL` is read by the table's test only.
#[cfg_attr(not(test), allow(dead_code))]
mod absent;
#[cfg(feature = "server")]
mod admin;
#[cfg(feature = "liveview")]
mod app;
mod bench;
mod bench_engine;
#[cfg(feature = "server")]
mod bench_host;
#[cfg(feature = "server")]
mod bench_ingest;
#[cfg(feature = "server")]
mod bench_report;
mod bench_sync;
#[cfg(all(feature = "server", feature = "liveview"))]
mod demo;
mod device;
mod device_overdose;
mod device_shift;
#[cfg(feature = "server")]
mod host_admin;
mod listing;
#[cfg(feature = "server")]
pub mod lossy;
mod pin;
#[cfg(feature = "server")]
pub mod purge;
#[cfg(feature = "server")]
mod regional;
#[cfg(feature = "server")]
mod report;
#[cfg(feature = "server")]
mod serve;
#[cfg(feature = "server")]
mod serve_host;
#[cfg(feature = "server")]
mod simulate;
#[cfg(feature = "server")]
mod supervisor;

use crate::domain::escape::printable;
use crate::domain::i18n::{Lang, Msg};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "tournee",
    version,
    about = "Tournée: offline-first outreach logger / journal de tournée hors ligne"
)]
struct Cli {
    /// Language of messages: fr (default) or en.
    #[arg(long, global = true, env = "TOURNEE_LANG", value_parser = parse_lang, default_value = "fr")]
    lang: Lang,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// See it all in one command: a demo organization with three months of data, its dashboard and a worker app.
    #[cfg(all(feature = "server", feature = "liveview"))]
    Demo(demo::DemoArgs),
    /// A headless phone: the device engine over a home directory.
    Device(Box<device::DeviceArgs>),
    /// The worker app in a browser (liveview): http://ADDR/app.
    #[cfg(feature = "liveview")]
    App(app::AppArgs),
    /// Run the organization's server: enrollment, batch uploads, receipts.
    #[cfg(feature = "server")]
    Serve(serve::ServeArgs),
    /// Supervisor's commands on the server: enrollment codes, devices, hand-delivered batches, accounts, keys.
    #[cfg(feature = "server")]
    Admin(admin::AdminArgs),
    /// A month's tallies for funders: JSON, CSV or Markdown, optionally suppressed.
    #[cfg(feature = "server")]
    Report(report::ReportArgs),
    /// A fleet of headless phones syncing through a lossy link, then a check that nothing was lost or doubled.
    #[cfg(feature = "server")]
    Simulate(simulate::SimulateArgs),
    /// Measure speed on this machine, each figure beside its reference.
    Bench(bench::BenchArgs),
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| format!("\"{text}\": allowed values are fr, en"))
}

/// A command that did not complete: what to print, and how to exit.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    lines: Vec<String>,
}

impl Failure {
    /// The person can fix this by typing something else; nothing was written.
    pub fn input(lines: Vec<String>) -> Failure {
        Failure { code: 2, lines }
    }

    /// The device, its files or the machine failed.
    pub fn system(line: String) -> Failure {
        Failure {
            code: 1,
            lines: vec![line],
        }
    }

    fn store(error: crate::device::StoreError, lang: Lang) -> Failure {
        let line = error.message(lang);
        if error.is_user_error() {
            Failure::input(vec![line])
        } else {
            Failure::system(line)
        }
    }

    #[cfg(feature = "server")]
    fn server(error: crate::server::ServerError, lang: Lang) -> Failure {
        let line = error.message(lang);
        if error.is_user_error() {
            Failure::input(vec![line])
        } else {
            Failure::system(line)
        }
    }
}

pub type Outcome = Result<(), Failure>;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_failure(error),
    };
    let lang = cli.lang;
    let outcome = match cli.command {
        #[cfg(all(feature = "server", feature = "liveview"))]
        Command::Demo(args) => demo::run(args, lang),
        Command::Device(args) => device::run(*args, lang),
        #[cfg(feature = "liveview")]
        Command::App(args) => app::run(args, lang),
        #[cfg(feature = "server")]
        Command::Serve(args) => serve::run(args, lang),
        #[cfg(feature = "server")]
        Command::Admin(args) => admin::run(args, lang),
        #[cfg(feature = "server")]
        Command::Report(args) => report::run(args, lang),
        #[cfg(feature = "server")]
        Command::Simulate(args) => simulate::run(args, lang),
        Command::Bench(args) => bench::run(args, lang),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let prefix = Msg::ErrorPrefix.text(lang);
            let colon = if lang == Lang::Fr { " : " } else { ": " };
            // Messages escape what they echo (domain::i18n::fill); lines
            // built some other way get the same treatment here.
            for line in &failure.lines {
                eprintln!("{prefix}{colon}{}", printable(line));
            }
            ExitCode::from(failure.code)
        }
    }
}

/// Help and version as clap prints them; an error with the arguments it
/// echoes (an unknown subcommand, a bad value) escaped, line by line, in
/// plain text: an argument cannot reach the terminal as a control sequence.
fn clap_failure(error: clap::Error) -> ExitCode {
    use clap::CommandFactory;
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    if error.kind() == ErrorKind::InvalidSubcommand
        && let Some(clap::error::ContextValue::String(name)) =
            error.get(clap::error::ContextKind::InvalidSubcommand)
    {
        let args: Vec<String> = std::env::args().collect();
        let lang = absent::lang_of(&args);
        if let Some(line) = absent::message(name, lang) {
            let colon = if lang == Lang::Fr { " : " } else { ": " };
            eprintln!("{}{colon}{}", Msg::ErrorPrefix.text(lang), printable(&line));
            return ExitCode::from(2);
        }
    }
    // The same error again without styles, so that its text holds the
    // arguments exactly as given (clap's own rendering strips escape
    // sequences, hiding what was typed) and nothing else to escape.
    let plain = Cli::command()
        .styles(clap::builder::Styles::plain())
        .try_get_matches()
        .err()
        .unwrap_or(error);
    let text = plain.render().ansi().to_string();
    for line in text.trim_end().lines() {
        eprintln!("{}", printable(line));
    }
    ExitCode::from(u8::try_from(plain.exit_code()).unwrap_or(2))
}
