//! The monthly report: the figures of `tournee report` as tables and
//! server-drawn SVG bar charts, each figure beside the previous month and
//! the same month a year before; the CSV download (byte for byte the CLI's)
//! and a printable page for funders. `external=1` applies small-cell
//! suppression everywhere, as `--suppress` does.

use super::Dash;
use super::auth::{Signed, SignedDownload};
use super::page::{self, Frame, Nav};
use super::words::Word;
use crate::domain::Catalog;
use crate::domain::catalog::Section;
use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::report::markdown::{Names, count, ordered};
use crate::domain::report::period::{FISCAL_START, day_name, fiscal_year_of};
use crate::domain::report::{Axis, Cell, Measure, Period, PublishedTally, YearMonth, publish};
use crate::server::console::report;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dioxus::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Shown where a comparison month has no such figure.
const NOT_COMPARED: &str = "—";

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    /// Any period `Period::parse` reads (`2026-Q3`, `FY2026-2027`, `YTD`…).
    period: Option<String>,
    /// The month-only release's parameter, still read by its links.
    month: Option<String>,
    external: Option<String>,
}

impl ReportQuery {
    fn external(&self) -> bool {
        matches!(self.external.as_deref(), Some("1" | "on" | "true"))
    }

    /// The period asked for, the previous complete month by default, or
    /// the text that is not a period.
    fn period(&self) -> Result<Period, String> {
        let today = chrono::Local::now().date_naive();
        let asked = [&self.period, &self.month]
            .into_iter()
            .flatten()
            .map(|t| t.trim())
            .find(|t| !t.is_empty());
        match asked {
            None => Ok(Period::Month(YearMonth::of(today).previous())),
            Some(text) => Period::parse(text, today).map_err(|_| text.to_string()),
        }
    }

    fn query(period: Period, external: bool) -> String {
        if external {
            format!("period={period}&external=1")
        } else {
            format!("period={period}")
        }
    }
}

/// `GET /report?month=YYYY-MM&external=1`.
pub async fn page(
    State(dash): State<Dash>,
    user: Signed,
    Query(query): Query<ReportQuery>,
) -> Response {
    show(dash, user, query, false).await
}

/// `GET /report/print?month=YYYY-MM&external=1`: the funders' page.
pub async fn print(
    State(dash): State<Dash>,
    user: Signed,
    Query(query): Query<ReportQuery>,
) -> Response {
    show(dash, user, query, true).await
}

/// `GET /report.csv?month=YYYY-MM&external=1`: `tournee report --format csv`.
pub async fn csv(
    State(dash): State<Dash>,
    SignedDownload(user): SignedDownload,
    Query(query): Query<ReportQuery>,
) -> Response {
    let lang = user.lang;
    let external = query.external();
    let period = match query.period() {
        Ok(period) => period,
        Err(text) => {
            return page::problem(
                lang,
                StatusCode::BAD_REQUEST,
                Word::ReportBadPeriod.fill(lang, &[("value", &text)]),
            );
        }
    };
    let actor = user.name.clone();
    let suppress = external.then(|| dash.threshold());
    let answer = dash
        .server
        .call(move |conn, _| {
            report::export_csv(conn, &actor, period, suppress, crate::server::now_ms())
        })
        .await;
    match answer {
        Ok(csv) => {
            let suffix = if external { "-externe" } else { "" };
            page::download(
                "text/csv; charset=utf-8",
                &format!(
                    "tournee-{}{suffix}.csv",
                    period.to_string().replace("..", "_")
                ),
                csv.into_bytes(),
            )
        }
        Err(error) => page::trouble(lang, &error),
    }
}

async fn show(dash: Dash, user: Signed, query: ReportQuery, printable: bool) -> Response {
    let lang = user.lang;
    let external = query.external();
    let title = Word::NavReport.text(lang).to_string();
    let period = match query.period() {
        Ok(period) => period,
        Err(text) => {
            let message = Word::ReportBadPeriod.fill(lang, &[("value", &text)]);
            let frame = Frame::signed(&user, dash.org_name(), Nav::Report, title);
            let body = rsx! {
                p { class: "error", role: "alert", "{message}" }
                {picker(lang, &text, external)}
            };
            return (StatusCode::BAD_REQUEST, page::render(frame, body)).into_response();
        }
    };
    let figures = match dash
        .server
        .call(move |conn, _| report::figures(conn, period))
        .await
    {
        Ok(figures) => figures,
        Err(error) => return page::trouble(lang, &error),
    };
    let org = dash.org_name();
    let suppress = external.then(|| dash.threshold());
    let this = publish(&figures.this, suppress);
    // A comparison period before any data shows "n.d." in every cell.
    let compared = |tally, available: bool| {
        let published = publish(tally, suppress);
        if available {
            published
        } else {
            published.missing()
        }
    };
    let previous = compared(&figures.previous, this.previous.available());
    let last_year = compared(&figures.last_year, this.last_year.available());
    let names = Names::of(&this, lang);
    let title = if printable {
        names.title.clone()
    } else {
        title
    };
    let frame = Frame::signed(&user, org.clone(), Nav::Report, title);
    let missing = names.missing_legend(&this);
    let q = ReportQuery::query(period, external);
    let generated = page::when(crate::server::now_ms());
    let (from, to) = period.span();
    let span = format!("{} – {}", day_name(from, lang), day_name(to, lang));
    let period_line = Word::ReportPeriod.fill(lang, &[("period", &names.this), ("span", &span)]);
    let tables = Tables {
        lang,
        catalog: &figures.catalog,
        this: &this,
        previous: &previous,
        last_year: &last_year,
        names,
    };
    let generated = Word::ReportGenerated.fill(lang, &[("when", &generated)]);
    let notice = if external {
        Word::ReportIsExternal
    } else {
        Word::ReportIsInternal
    };
    let markers = dash.threshold().legend();
    let suppressed = this
        .has_markers()
        .then(|| tr(lang, Msg::ReportSuppressed, &markers.words()));
    let withheld =
        (!this.withheld.is_empty()).then(|| tr(lang, Msg::ReportWithheld, &markers.words()));
    let head_class = if printable { "" } else { "print-only" };
    let body = rsx! {
        if printable {
            p { class: "no-print",
                a { href: "/report?{q}", {Word::ReportBack.text(lang)} }
                " · "
                {Word::ReportPrintHint.text(lang)}
            }
        } else {
            {picker(lang, &period.to_string(), external)}
            p { class: "no-print",
                a { class: "button", href: "/report.csv?{q}", {Word::ReportCsv.text(lang)} }
                " "
                a { class: "button", href: "/report/print?{q}", {Word::ReportPrintable.text(lang)} }
            }
        }
        div { class: "{head_class}",
            p { strong { "{org}" } }
            p { "{period_line}" }
            p { "{generated}" }
        }
        p { class: if external { "notice" } else { "warning" }, {notice.text(lang)} }
        if let Some(text) = suppressed {
            p { "{text}" }
        }
        if let Some(text) = withheld {
            p { "{text}" }
        }
        if let Some(text) = missing {
            p { "{text}" }
        }
        {tables.key_figures()}
        p { class: "hint", {Msg::ReportEstimates.text(lang)} }
        for (section, measure, pick) in COUNTS {
            {tables.counts(section, measure, pick)}
        }
        for axis in Axis::ALL {
            {tables.breakdown(axis)}
        }
        {super::report_overdoses::section(
            lang,
            &figures.catalog,
            [&this.overdoses, &previous.overdoses, &last_year.overdoses],
            || tables.month_headers(),
            NOT_COMPARED,
        )}
        {super::report_figures::section(
            lang,
            &figures.catalog,
            [&this.field_work, &previous.field_work, &last_year.field_work],
            || tables.month_headers(),
            NOT_COMPARED,
        )}
        {super::report_figures::section(
            lang,
            &figures.catalog,
            [&this.details, &previous.details, &last_year.details],
            || tables.month_headers(),
            NOT_COMPARED,
        )}
    };
    page::render(frame, body).into_response()
}

/// The period picker: a plain GET form with one text field (every form
/// `Period::parse` reads, named under it), and links to the periods asked
/// for most: last month, the last complete fiscal quarter, the fiscal year
/// to date, the last fiscal year.
fn picker(lang: Lang, period: &str, external: bool) -> Element {
    let today = chrono::Local::now().date_naive();
    let this_month = YearMonth::of(today);
    let fiscal = fiscal_year_of(today);
    // Fiscal quarters start in April, July, October and January.
    let quarter_index = (this_month.month + 12 - FISCAL_START) % 12 / 3;
    let last_quarter = if quarter_index == 0 {
        Period::FiscalQuarter {
            year: fiscal - 1,
            quarter: 4,
        }
    } else {
        Period::FiscalQuarter {
            year: fiscal,
            quarter: quarter_index,
        }
    };
    let shortcuts = [
        (
            Word::ReportLastMonth,
            Period::Month(this_month.previous()).to_string(),
        ),
        (Word::ReportLastQuarter, last_quarter.to_string()),
        (Word::ReportFiscalToDate, "YTD".to_string()),
        (
            Word::ReportLastFiscalYear,
            Period::FiscalYear(fiscal - 1).to_string(),
        ),
    ];
    let external_query = if external { "&external=1" } else { "" };
    rsx! {
        form { class: "filters no-print", method: "get", action: "/report",
            div { class: "field",
                label { r#for: "period", {Word::ReportPeriodField.text(lang)} }
                input {
                    r#type: "text",
                    id: "period",
                    name: "period",
                    value: "{period}",
                    required: true,
                    spellcheck: "false",
                    autocomplete: "off",
                    "aria-describedby": "period-hint",
                }
                p { class: "hint", id: "period-hint", {Word::ReportPeriodHint.text(lang)} }
            }
            div { class: "field",
                label { r#for: "external",
                    input {
                        r#type: "checkbox",
                        id: "external",
                        name: "external",
                        value: "1",
                        checked: external,
                    }
                    " "
                    {Word::ReportExternal.text(lang)}
                }
            }
            button { class: "primary", r#type: "submit", {Word::ReportShow.text(lang)} }
        }
        nav { class: "no-print shortcuts", "aria-label": Word::ReportPeriodField.text(lang),
            {Word::ReportQuickPeriods.text(lang)}
            " "
            for (index, (word, text)) in shortcuts.into_iter().enumerate() {
                if index > 0 { " · " }
                a { href: "/report?period={text}{external_query}", {word.text(lang)} }
            }
        }
    }
}

type Pick = fn(&PublishedTally) -> &BTreeMap<String, Cell>;

const COUNTS: [(Section, Msg, Pick); 3] = [
    (Section::Materials, Msg::ReportQuantity, |p| &p.materials),
    (Section::Referrals, Msg::ReportContacts, |p| &p.referrals),
    (Section::Interventions, Msg::ReportContacts, |p| {
        &p.interventions
    }),
];

/// One row of a breakdown table: its label, the cells (with the JSON path
/// of this month's, for scripts and tests), and this month's contacts.
struct BreakdownRow {
    label: String,
    values: Vec<(Option<String>, String)>,
    contacts: Cell,
}

struct Tables<'a> {
    lang: Lang,
    catalog: &'a Catalog,
    this: &'a PublishedTally,
    previous: &'a PublishedTally,
    last_year: &'a PublishedTally,
    /// This period and the headers of the comparison columns.
    names: Names,
}

impl Tables<'_> {
    fn show(&self, cell: Option<Cell>) -> String {
        cell.map_or_else(|| NOT_COMPARED.to_string(), |c| count(c, self.lang))
    }

    fn label(&self, section: Section, id: &str) -> String {
        match self.catalog.entry(section, id) {
            Some(entry) if !entry.active => {
                format!(
                    "{} {}",
                    entry.label(self.lang),
                    Msg::Retired.text(self.lang)
                )
            }
            Some(entry) => entry.label(self.lang).to_string(),
            None => id.to_string(),
        }
    }

    fn month_headers(&self) -> Element {
        let (this, previous, last) = (
            &self.names.this,
            &self.names.previous,
            &self.names.last_year,
        );
        rsx! {
            th { scope: "col", class: "n", "{this}" }
            th { scope: "col", class: "n", "{previous}" }
            th { scope: "col", class: "n", "{last}" }
        }
    }

    fn key_figures(&self) -> Element {
        let lang = self.lang;
        let (p, prev, last) = (self.this, self.previous, self.last_year);
        let (sp, sl) = (&p.previous, &p.last_year);
        // The comparison summary is the month's own (as in the CSV); the
        // other figures come from the comparison months' tallies.
        let rows: [(Msg, &str, Cell, Cell, Cell); 8] = [
            (
                Msg::ReportContacts,
                "contacts",
                p.contacts,
                sp.contacts,
                sl.contacts,
            ),
            (
                Msg::ReportPeopleReached,
                "people_reached",
                p.people_reached,
                sp.people_reached,
                sl.people_reached,
            ),
            (
                Msg::ReportUniquePeople,
                "unique_people",
                p.unique_people,
                sp.unique_people,
                sl.unique_people,
            ),
            (
                Msg::ReportWithCode,
                "contacts_with_code",
                p.contacts_with_code,
                prev.contacts_with_code,
                last.contacts_with_code,
            ),
            (
                Msg::ReportWithoutCode,
                "contacts_without_code",
                p.contacts_without_code,
                prev.contacts_without_code,
                last.contacts_without_code,
            ),
            (
                Msg::ReportNewPeople,
                "new_people",
                p.new_people,
                prev.new_people,
                last.new_people,
            ),
            (
                Msg::ReportReturningPeople,
                "returning_people",
                p.returning_people,
                prev.returning_people,
                last.returning_people,
            ),
            (
                Msg::ReportReturnedSyringes,
                "returned_syringes",
                p.returned_syringes,
                prev.returned_syringes,
                last.returned_syringes,
            ),
        ];
        let rows = rows.map(|(msg, key, a, b, c)| {
            (
                msg.text(lang),
                key,
                count(a, lang),
                count(b, lang),
                count(c, lang),
            )
        });
        rsx! {
            h2 { id: "key-figures", {Msg::ReportKeyFigures.text(lang)} }
            // Named by the heading above it rather than a caption that
            // would say the same words twice.
            table { class: "figures", "aria-labelledby": "key-figures",
                thead {
                    tr {
                        th { scope: "col", {Msg::ReportFigure.text(lang)} }
                        {self.month_headers()}
                    }
                }
                tbody {
                    for (name, key, a, b, c) in rows {
                        tr {
                            th { scope: "row", "{name}" }
                            td { class: "n", "data-figure": "{key}", "{a}" }
                            td { class: "n", "{b}" }
                            td { class: "n", "{c}" }
                        }
                    }
                }
            }
        }
    }

    fn counts(&self, section: Section, measure: Msg, pick: Pick) -> Element {
        let lang = self.lang;
        let title = section.title(lang);
        let rows: Vec<(String, String, Cell, String, String)> =
            ordered(self.catalog, section, pick(self.this))
                .into_iter()
                .map(|(id, &cell)| {
                    (
                        format!("{}.{id}", section.key()),
                        self.label(section, id),
                        cell,
                        self.show(pick(self.previous).get(id).copied()),
                        self.show(pick(self.last_year).get(id).copied()),
                    )
                })
                .collect();
        let bars: Vec<(String, Cell)> = rows.iter().map(|r| (r.1.clone(), r.2)).collect();
        let chart = (section == Section::Materials).then(|| self.chart(title, &bars));
        rsx! {
            h2 { "{title}" }
            if rows.is_empty() {
                p { {Msg::ReportNothing.text(lang)} }
            } else {
                table { class: "figures",
                    caption { "{title} — {measure.text(lang)}" }
                    thead {
                        tr {
                            th { scope: "col", {Word::ReportItem.text(lang)} }
                            {self.month_headers()}
                        }
                    }
                    tbody {
                        for (key, label, cell, b, c) in rows {
                            tr {
                                th { scope: "row", "{label}" }
                                td { class: "n", "data-figure": "{key}", {count(cell, lang)} }
                                td { class: "n", "{b}" }
                                td { class: "n", "{c}" }
                            }
                        }
                    }
                }
                {chart}
            }
        }
    }

    fn breakdown(&self, axis: Axis) -> Element {
        let lang = self.lang;
        let section = axis.section();
        let title = section.title(lang);
        let (this, previous, last) = (
            &self.names.this,
            &self.names.previous,
            &self.names.last_year,
        );
        let rows: Vec<BreakdownRow> = ordered(self.catalog, section, self.this.breakdown(axis))
            .into_iter()
            .map(|(id, cells)| {
                let mut values = Vec::new();
                for measure in Measure::ALL {
                    values.push((
                        Some(format!("{}.{id}.{}", axis.key(), measure.key())),
                        count(cells.get(measure), lang),
                    ));
                    for other in [self.previous, self.last_year] {
                        let cell = other.breakdown(axis).get(id).map(|c| c.get(measure));
                        values.push((None, self.show(cell)));
                    }
                }
                BreakdownRow {
                    label: self.label(section, id),
                    values,
                    contacts: cells.contacts,
                }
            })
            .collect();
        let bars: Vec<(String, Cell)> =
            rows.iter().map(|r| (r.label.clone(), r.contacts)).collect();
        let chart = (axis == Axis::Zone).then(|| {
            let what = format!("{title} — {}", Msg::ReportContacts.text(lang));
            self.chart(&what, &bars)
        });
        rsx! {
            h2 { "{title}" }
            table { class: "figures",
                caption { "{title}" }
                thead {
                    tr {
                        td {}
                        th { scope: "colgroup", colspan: "3", class: "n", {Msg::ReportContacts.text(lang)} }
                        th { scope: "colgroup", colspan: "3", class: "n", {Msg::ReportPeopleReached.text(lang)} }
                    }
                    tr {
                        th { scope: "col", {Word::ReportItem.text(lang)} }
                        for _ in Measure::ALL {
                            th { scope: "col", class: "n", "{this}" }
                            th { scope: "col", class: "n", "{previous}" }
                            th { scope: "col", class: "n", "{last}" }
                        }
                    }
                }
                tbody {
                    for row in rows {
                        tr {
                            th { scope: "row", "{row.label}" }
                            for (key, value) in row.values {
                                td { class: "n", "data-figure": key, "{value}" }
                            }
                        }
                    }
                }
            }
            {chart}
        }
    }

    /// Horizontal bars, one per row, the number written after each bar; a
    /// suppressed count draws no bar and shows its marker.
    fn chart(&self, what: &str, bars: &[(String, Cell)]) -> Element {
        const ROW: usize = 26;
        const LABEL: usize = 230;
        const WIDTH: usize = 640;
        const SPAN: usize = WIDTH - LABEL - 70;
        let lang = self.lang;
        let label = Word::ReportChart.fill(lang, &[("what", &what), ("month", &self.names.this)]);
        let max = bars
            .iter()
            .filter_map(|(_, c)| c.count())
            .max()
            .unwrap_or(0)
            .max(1);
        let height = bars.len() * ROW + 4;
        let rows: Vec<(usize, String, usize, String)> = bars
            .iter()
            .enumerate()
            .map(|(i, (name, cell))| {
                let n = cell.count().unwrap_or(0);
                let width = (n as usize * SPAN).div_ceil(max as usize);
                (i * ROW, name.clone(), width, count(*cell, lang))
            })
            .collect();
        rsx! {
            svg {
                class: "chart",
                role: "img",
                "aria-label": "{label}",
                width: "{WIDTH}",
                height: "{height}",
                view_box: "0 0 {WIDTH} {height}",
                xmlns: "http://www.w3.org/2000/svg",
                title { "{label}" }
                for (y, name, width, value) in rows {
                    g {
                        text { x: "{LABEL - 8}", y: "{y + 18}", text_anchor: "end", font_size: "14", fill: "currentColor", "{name}" }
                        rect { x: "{LABEL}", y: "{y + 4}", width: "{width}", height: "{ROW - 8}", fill: "currentColor", opacity: "0.7" }
                        text { x: "{LABEL + width + 6}", y: "{y + 18}", font_size: "14", fill: "currentColor", "{value}" }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_defaults_to_the_previous_month_and_bad_text_is_named() {
        let none = ReportQuery::default();
        let last = Period::Month(YearMonth::of(chrono::Local::now().date_naive()).previous());
        assert_eq!(none.period(), Ok(last));
        let bad = ReportQuery {
            month: Some("2026-13".into()),
            external: Some("1".into()),
            ..ReportQuery::default()
        };
        assert_eq!(bad.period(), Err("2026-13".into()));
        assert!(bad.external());
        let both = ReportQuery {
            period: Some("FY2025-2026".into()),
            month: Some("2026-01".into()),
            ..ReportQuery::default()
        };
        assert_eq!(both.period(), Ok(Period::FiscalYear(2025)), "period wins");
        let old_link = ReportQuery {
            month: Some("2026-01".into()),
            ..ReportQuery::default()
        };
        assert_eq!(old_link.period().unwrap().to_string(), "2026-01");
        assert_eq!(
            ReportQuery::query(Period::FiscalYear(2026), true),
            "period=FY2026-2027&external=1"
        );
    }
}
