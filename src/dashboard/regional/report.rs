//! The region's report: the sums of its member organizations' tallies,
//! suppressed after summing with the host's `[reports]` threshold
//! (`publish_region`), as a page with the dashboard's tables, a CSV (the
//! plain one, or `style=spreadsheet`) and a printable page. There is no
//! internal version: the exact tallies never leave this file's calls.

use super::{Reader, ReaderDownload, Region};
use crate::dashboard::page::{self, Frame};
use crate::dashboard::report_tables;
use crate::dashboard::words::Word;
use crate::domain::i18n::Lang;
use crate::domain::report::period::day_name;
use crate::domain::report::regional::publish_region;
use crate::domain::report::sheet::{Sheet, sheet};
use crate::domain::report::spreadsheet::to_spreadsheet;
use crate::domain::report::{Period, PublishedTally, Tally, Threshold, YearMonth, csv};
use crate::server::ServerError;
use crate::server::store::postgres::regional::{RegionFigures, RegionRead};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dioxus::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct RegionQuery {
    /// Any period `Period::parse` reads; the previous month by default.
    period: Option<String>,
    /// `spreadsheet` for the CSV a spreadsheet opens; else the plain one.
    style: Option<String>,
}

impl RegionQuery {
    fn period(&self) -> Result<Period, String> {
        let today = chrono::Local::now().date_naive();
        match self.period.as_deref().map(str::trim) {
            None | Some("") => Ok(Period::Month(YearMonth::of(today).previous())),
            Some(text) => Period::parse(text, today).map_err(|_| text.to_string()),
        }
    }
}

/// The region's three published tallies (this period, the previous one,
/// a year before; a comparison nobody has data for all "n.d.") and its
/// members' names. `Ok(None)`: the account has no member.
struct Published {
    members: Vec<String>,
    tallies: [PublishedTally; 3],
    figures: RegionFigures,
}

fn publish(tallies: &[Tally], threshold: Threshold) -> Result<PublishedTally, ServerError> {
    publish_region(tallies, threshold).map_err(|e| ServerError::Damaged(e.to_string()))
}

async fn published(
    region: &Region,
    reader: &Reader,
    period: Period,
    how: &str,
) -> Result<Option<Published>, ServerError> {
    let read = RegionRead {
        account: &reader.session.name,
        how,
        now_ms: crate::server::now_ms(),
    };
    let figures = region
        .host()
        .region_figures(&reader.session.key, &read, period)
        .await?;
    if figures.members.is_empty() {
        return Ok(None);
    }
    let threshold = region.threshold();
    let this = publish(&figures.this, threshold)?;
    let compared = |tallies: &[Tally], available: bool| {
        let published = publish(tallies, threshold)?;
        Ok::<_, ServerError>(if available {
            published
        } else {
            published.missing()
        })
    };
    let previous = compared(&figures.previous, this.previous.available())?;
    let last_year = compared(&figures.last_year, this.last_year.available())?;
    let members = figures.members.iter().map(|m| m.name.clone()).collect();
    Ok(Some(Published {
        members,
        tallies: [this, previous, last_year],
        figures,
    }))
}

impl Published {
    /// The dashboard's tables of the region, its people's rows named as
    /// sums over the organizations.
    fn sheet(&self, lang: Lang) -> Sheet {
        let [this, previous, last_year] = &self.tallies;
        let mut sheet = sheet(&self.figures.catalog, lang, [this, previous, last_year]);
        for table in &mut sheet.tables {
            for row in &mut table.rows {
                if matches!(
                    row.key.as_str(),
                    "unique_people" | "new_people" | "returning_people"
                ) {
                    row.label = Word::RegionPeopleLabel.fill(lang, &[("label", &row.label)]);
                }
            }
        }
        sheet
    }
}

/// The lines that head the region's report, on the page, the print and
/// above the spreadsheet CSV's tables.
fn heading(
    reader: &Reader,
    published: &Published,
    period: Period,
    threshold: Threshold,
) -> Vec<String> {
    let lang = reader.lang;
    let (from, to) = period.span();
    let span = format!("{} – {}", day_name(from, lang), day_name(to, lang));
    let names = published.members.join(", ");
    let legend = threshold.legend();
    let mut lines = vec![
        Word::RegionAccount.fill(lang, &[("name", &reader.session.name)]),
        Word::RegionMembers.fill(lang, &[("names", &names)]),
        Word::ReportPeriod.fill(lang, &[("period", &period.name(lang)), ("span", &span)]),
        Word::ReportGenerated.fill(lang, &[("when", &page::when(crate::server::now_ms()))]),
        Word::RegionIsExternal.text(lang).to_string(),
        Word::RegionPeopleSummed.text(lang).to_string(),
        Word::RegionLegend.fill(lang, &legend.words()),
    ];
    if !published.tallies[0].withheld.is_empty() {
        lines.push(Word::RegionWithheld.fill(lang, &legend.words()));
    }
    lines
}

/// `GET /report?period=P`.
pub async fn page(
    State(region): State<Region>,
    reader: Reader,
    Query(query): Query<RegionQuery>,
) -> Response {
    show(region, reader, query, false).await
}

/// `GET /report/print?period=P`: the page without its links and forms.
pub async fn print(
    State(region): State<Region>,
    reader: Reader,
    Query(query): Query<RegionQuery>,
) -> Response {
    show(region, reader, query, true).await
}

fn frame(reader: &Reader, title: String) -> Frame<'_> {
    Frame {
        lang: reader.lang,
        user: None,
        title,
        current: None,
        org: Word::RegionSite.text(reader.lang).to_string(),
        style: None,
    }
}

fn bad_period(lang: Lang, text: &str) -> Response {
    let message = Word::ReportBadPeriod.fill(lang, &[("value", &text)]);
    page::problem(lang, StatusCode::BAD_REQUEST, message)
}

fn no_member(lang: Lang) -> Response {
    let message = Word::RegionNoMember.text(lang).to_string();
    page::problem(lang, StatusCode::NOT_FOUND, message)
}

async fn show(region: Region, reader: Reader, query: RegionQuery, printable: bool) -> Response {
    let lang = reader.lang;
    let period = match query.period() {
        Ok(period) => period,
        Err(text) => return bad_period(lang, &text),
    };
    let how = if printable { "print" } else { "page" };
    let published = match published(&region, &reader, period, how).await {
        Ok(Some(published)) => published,
        Ok(None) => return no_member(lang),
        Err(error) => return page::trouble(lang, &error),
    };
    let sheet = published.sheet(lang);
    let lines = heading(&reader, &published, period, region.threshold());
    let missing = sheet.names.missing_legend(&published.tallies[0]);
    let title = format!("{} — {}", Word::RegionSite.text(lang), sheet.names.this);
    let q = format!("period={period}");
    let csrf = reader.session.csrf.clone();
    let shown = period.to_string();
    let body = rsx! {
        if printable {
            p { class: "no-print",
                a { href: "/report?{q}", {Word::ReportBack.text(lang)} }
                " · "
                {Word::ReportPrintHint.text(lang)}
            }
        } else {
            form { class: "no-print", method: "post", action: "/signout",
                input { r#type: "hidden", name: "csrf", value: "{csrf}" }
                button { r#type: "submit", {Word::SignOut.text(lang)} }
            }
            form { class: "filters no-print", method: "get", action: "/report",
                div { class: "field",
                    label { r#for: "period", {Word::ReportPeriodField.text(lang)} }
                    input { r#type: "text", id: "period", name: "period", value: "{shown}",
                        required: true, spellcheck: "false", autocomplete: "off",
                        "aria-describedby": "period-hint" }
                    p { class: "hint", id: "period-hint", {Word::ReportPeriodHint.text(lang)} }
                }
                button { class: "primary", r#type: "submit", {Word::ReportShow.text(lang)} }
            }
            p { class: "no-print",
                a { class: "button", href: "/report.csv?{q}&style=spreadsheet", {Word::ReportCsv.text(lang)} }
                " "
                a { class: "button", href: "/report.csv?{q}", {Word::ReportCsvPlain.text(lang)} }
                " "
                a { class: "button", href: "/report/print?{q}", {Word::ReportPrintable.text(lang)} }
            }
        }
        for line in lines {
            p { "{line}" }
        }
        if let Some(text) = missing {
            p { "{text}" }
        }
        {report_tables::tables(&sheet, lang)}
    };
    page::render(frame(&reader, title), body).into_response()
}

/// `GET /report.csv?period=P[&style=spreadsheet]`: the region's figures,
/// suppressed (`tournee report --format csv --suppress` for a region), or
/// the page's tables with its heading lines above them.
pub async fn csv(
    State(region): State<Region>,
    ReaderDownload(reader): ReaderDownload,
    Query(query): Query<RegionQuery>,
) -> Response {
    let lang = reader.lang;
    let period = match query.period() {
        Ok(period) => period,
        Err(text) => return bad_period(lang, &text),
    };
    let spreadsheet = query.style.as_deref() == Some("spreadsheet");
    let how = if spreadsheet {
        "spreadsheet csv"
    } else {
        "csv"
    };
    let published = match published(&region, &reader, period, how).await {
        Ok(Some(published)) => published,
        Ok(None) => return no_member(lang),
        Err(error) => return page::trouble(lang, &error),
    };
    let text = if spreadsheet {
        let lines = heading(&reader, &published, period, region.threshold());
        Ok(to_spreadsheet(&published.sheet(lang), lang, &lines))
    } else {
        csv::render(&published.tallies[0])
    };
    match text {
        Ok(text) => {
            let suffix = if spreadsheet { "-tableur" } else { "" };
            let name = format!(
                "tournee-region-{}{suffix}.csv",
                period.to_string().replace("..", "_")
            );
            page::download("text/csv; charset=utf-8", &name, text.into_bytes())
        }
        Err(error) => page::trouble(lang, &ServerError::Damaged(error.to_string())),
    }
}
