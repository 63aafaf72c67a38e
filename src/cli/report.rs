//! `tournee report`: a period's tallies from the server's data directory
//! (or from one organization of a regional host),
//! as JSON (stable field names), CSV or Markdown, with small-cell
//! suppression for reports that leave the organization.

use super::admin::block_on;
use super::serve::{data_dir, settings};
use super::{Failure, Outcome};
use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::report::{Period, YearMonth, to_csv, to_json, to_markdown};
use crate::server::admin::Admin;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    /// One figure per row, stable English names (RFC 4180): for scripts.
    Csv,
    Md,
    /// The report's tables in the reader's language, for Excel or
    /// LibreOffice: `;` and a decimal comma in French, with a BOM.
    Spreadsheet,
}

#[derive(Args)]
pub struct ReportArgs {
    /// The server's data directory [default: the platform data directory].
    #[arg(long, env = "TOURNEE_SERVER_DATA")]
    data: Option<PathBuf>,
    /// Settings file (TOML), as for `tournee serve`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// A regional host's database (`postgres://user:password@host/db`),
    /// instead of a data directory: the report of its organization `--org`.
    #[arg(long, requires = "org", value_name = "URL")]
    database: Option<String>,
    /// The organization on the regional host, by its short name (slug).
    #[arg(long, requires = "database", value_name = "SLUG")]
    org: Option<String>,
    /// The period, by each record's local date: 2026-11 (a month), 2026-Q3
    /// (a quarter), FY2026-2027 (the fiscal year, April to March),
    /// FY2026-2027-Q1 (a fiscal quarter), YTD (the fiscal year to date) or
    /// 2026-04-01..2026-09-30 (any days).
    #[arg(long, required_unless_present = "month", conflicts_with = "month")]
    period: Option<String>,
    /// A month, YYYY-MM (the same as `--period YYYY-MM`).
    #[arg(long)]
    month: Option<String>,
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Replace counts from 1 to 4 by "<5" (1 to 9 by "<10" with `[reports]
    /// suppress_below = 10`), and hide what would reveal them.
    #[arg(long)]
    suppress: bool,
}

pub fn run(args: ReportArgs, lang: Lang) -> Outcome {
    let today = chrono::Local::now().date_naive();
    let period = match (&args.period, &args.month) {
        (Some(text), _) => Period::parse(text, today).map_err(|_| {
            Failure::input(vec![tr(lang, Msg::ReportBadPeriod, &[("value", text)])])
        })?,
        (None, month) => {
            let text = month.as_deref().unwrap_or_default();
            let month = YearMonth::parse(text).ok_or_else(|| {
                Failure::input(vec![tr(lang, Msg::ReportBadMonth, &[("value", &text)])])
            })?;
            Period::Month(month)
        }
    };
    let config = settings(args.config.as_deref(), lang)?;
    let fail = |e: crate::server::ServerError| Failure::server(e, lang);
    let admin = match (&args.database, &args.org) {
        (Some(url), Some(org)) => block_on(Admin::hosted(url, org)).map_err(fail)?,
        _ => {
            let dir = data_dir(args.data, &config);
            if !crate::server::db::path_in(&dir).exists() {
                return Err(Failure::input(vec![tr(
                    lang,
                    Msg::ReportNoData,
                    &[("path", &dir.display())],
                )]));
            }
            Admin::open(&dir).map_err(fail)?
        }
    };
    let tally = block_on(admin.tally(period)).map_err(fail)?;
    let suppress = args.suppress.then(|| config.reports.threshold());
    match args.format {
        Format::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&to_json(&tally, suppress)).expect("json")
            );
        }
        Format::Csv => print!(
            "{}",
            to_csv(&tally, suppress).map_err(|e| Failure::system(e.to_string()))?
        ),
        Format::Md => {
            let catalog = block_on(admin.catalog()).map_err(fail)?;
            print!("{}", to_markdown(&tally, &catalog, lang, suppress));
        }
        Format::Spreadsheet => {
            let preamble: Vec<String> = suppress
                .map(|t| tr(lang, Msg::ReportSuppressed, &t.legend().words()))
                .into_iter()
                .collect();
            let text =
                block_on(admin.spreadsheet(period, suppress, lang, &preamble)).map_err(fail)?;
            print!("{text}");
        }
    }
    Ok(())
}
