//! The report of a period: the figures of `tournee report` as tables and
//! server-drawn SVG bar charts ([`super::report_tables`]), each figure
//! beside the previous period and the same period a year before; the CSV
//! downloads (the plain one byte for byte the CLI's, and the spreadsheet
//! one) and a printable page for funders. `external=1` applies small-cell
//! suppression everywhere, as `--suppress` does.

use super::Dash;
use super::auth::{Signed, SignedDownload};
use super::page::{self, Frame, Nav};
use super::words::Word;
use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::report::period::{FISCAL_START, day_name, fiscal_year_of};
use crate::domain::report::template::Template;
use crate::domain::report::{Period, YearMonth};
use crate::server::console::report::CsvStyle;
use crate::server::store::CsvRequest;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dioxus::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    /// Any period `Period::parse` reads (`2026-Q3`, `FY2026-2027`, `YTD`…).
    period: Option<String>,
    /// The month-only release's parameter, still read by its links.
    month: Option<String>,
    external: Option<String>,
    /// `spreadsheet` for the CSV a spreadsheet opens; else the plain one.
    style: Option<String>,
    /// A funder's template (its id) instead of the whole report.
    template: Option<String>,
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

    /// The template asked for: none, one of `dash`'s, or an id it does not
    /// have.
    fn template(&self, dash: &Dash) -> Result<Option<Template>, String> {
        match self.template.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(id) => dash
                .server
                .templates()
                .iter()
                .find(|t| t.id == id)
                .cloned()
                .map(Some)
                .ok_or_else(|| id.to_string()),
        }
    }

    /// The query of this page: the period, the version and the template.
    fn full(period: Period, external: bool, template: Option<&Template>) -> String {
        let q = ReportQuery::query(period, external);
        match template {
            Some(t) => format!("{q}&template={}", t.id),
            None => q,
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

/// `GET /report/print.css?period=P&external=1`: the print's page boxes,
/// which name the organization, the report and its period at the top of
/// every page and number the pages at the bottom. A stylesheet of its
/// own, since the policy allows no inline style and a page box's text
/// cannot come from the document.
pub async fn print_css(
    State(dash): State<Dash>,
    user: Signed,
    Query(query): Query<ReportQuery>,
) -> Response {
    let lang = user.lang;
    let Ok(period) = query.period() else {
        return (StatusCode::BAD_REQUEST, "").into_response();
    };
    let title = match query.template(&dash) {
        Ok(Some(t)) => format!("{} — {}", t.title.get(lang), period.name(lang)),
        _ => period_title(period, lang),
    };
    let heading = Heading::of(&dash, lang, period, query.external());
    let top = format!("{} — {title}", heading.org);
    let of = Word::ReportPageOf.text(lang);
    let css = format!(
        "@page {{\n  size: letter;\n  margin: 18mm 14mm 18mm 14mm;\n  \
         @top-left {{ content: {}; font: 9pt sans-serif; }}\n  \
         @bottom-left {{ content: {}; font: 9pt sans-serif; }}\n  \
         @bottom-right {{ content: \"Page \" counter(page) {} counter(pages); font: 9pt sans-serif; }}\n}}\n",
        css_string(&top),
        css_string(&heading.generated),
        css_string(&format!(" {of} ")),
    );
    (
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        css,
    )
        .into_response()
}

/// The report's title for a period: "Bilan mensuel — novembre 2025".
fn period_title(period: Period, lang: Lang) -> String {
    match period.as_month() {
        Some(_) => tr(lang, Msg::ReportTitle, &[("month", &period.name(lang))]),
        None => tr(
            lang,
            Msg::ReportPeriodTitle,
            &[("period", &period.name(lang))],
        ),
    }
}

/// `text` as a CSS string: quotes and backslashes escaped, anything that
/// is not plain printable text written as a code point.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || c == '<' || c == '>' => {
                out.push_str(&format!("\\{:x} ", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `GET /report.csv?period=P&external=1`: `tournee report --format csv`;
/// with `&style=spreadsheet`, `--format spreadsheet` in the reader's
/// language, the page's heading lines above its tables.
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
    let template = match query.template(&dash) {
        Ok(template) => template,
        Err(id) => return unknown_template(lang, &id),
    };
    let actor = user.name.clone();
    let suppress = external.then(|| dash.threshold());
    // A template is a table for people: always the spreadsheet style.
    let spreadsheet = query.style.as_deref() == Some("spreadsheet") || template.is_some();
    let style = if spreadsheet {
        CsvStyle::Spreadsheet(lang)
    } else {
        CsvStyle::Plain
    };
    let mut preamble = Heading::of(&dash, lang, period, external).lines();
    if external {
        let legend = dash.threshold().legend();
        preamble.push(tr(lang, Msg::ReportSuppressed, &legend.words()));
    }
    let answer = dash
        .server
        .storage()
        .export_csv(
            user.org,
            actor,
            CsvRequest {
                period,
                suppress,
                style,
                template,
                preamble,
            },
            crate::server::now_ms(),
        )
        .await;
    match answer {
        Ok(csv) => {
            let named = match query.template.as_deref() {
                Some(id) if !id.trim().is_empty() => format!("-{}", id.trim()),
                _ => String::new(),
            };
            let suffix = match (external, spreadsheet) {
                (false, false) => "",
                (true, false) => "-externe",
                (false, true) => "-tableur",
                (true, true) => "-externe-tableur",
            };
            page::download(
                "text/csv; charset=utf-8",
                &format!(
                    "tournee{named}-{}{suffix}.csv",
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
                {picker(lang, &text, external, query.template.as_deref())}
            };
            return (StatusCode::BAD_REQUEST, page::render(frame, body)).into_response();
        }
    };
    let template = match query.template(&dash) {
        Ok(template) => template,
        Err(id) => return unknown_template(lang, &id),
    };
    let figures = match dash.server.storage().report_figures(user.org, period).await {
        Ok(figures) => figures,
        Err(error) => return page::trouble(lang, &error),
    };
    let org = dash.org_name();
    let suppress = external.then(|| dash.threshold());
    let published = figures.published(suppress);
    let sheet = match &template {
        Some(t) => {
            let [a, b, c] = &published;
            t.sheet(lang, [a, b, c])
        }
        None => figures.sheet(&published, lang),
    };
    let this = &published[0];
    let names = &sheet.names;
    let heading_title = match &template {
        Some(t) => format!("{} — {}", t.title.get(lang), names.this),
        None => names.title.clone(),
    };
    let title = if printable || template.is_some() {
        heading_title.clone()
    } else {
        title
    };
    let q = ReportQuery::full(period, external, template.as_ref());
    let mut frame = Frame::signed(&user, org.clone(), Nav::Report, title);
    if printable {
        frame.style = Some(format!("/report/print.css?{q}"));
    }
    let missing = names.missing_legend(this);
    let about = template.as_ref().map(|t| t.about.get(lang).to_string());
    let templates: Vec<(String, String)> = dash
        .server
        .templates()
        .iter()
        .map(|t| (t.id.clone(), t.title.get(lang).to_string()))
        .collect();
    let base = ReportQuery::query(period, external);
    let template_id = template.as_ref().map(|t| t.id.clone());
    let heading = Heading::of(&dash, lang, period, external);
    // The page tells how to get the external version; a print or a file
    // is what it is.
    let notice = match (external, printable) {
        (false, false) => Word::ReportIsInternal.text(lang).to_string(),
        _ => heading.notice.clone(),
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
            {picker(lang, &period.to_string(), external, template_id.as_deref())}
            nav { class: "no-print shortcuts", "aria-label": Word::ReportTemplates.text(lang),
                {Word::ReportTemplates.text(lang)}
                " : "
                if template_id.is_some() {
                    a { href: "/report?{base}", {Word::ReportWhole.text(lang)} }
                    " · "
                }
                for (index, (id, name)) in templates.into_iter().enumerate() {
                    if index > 0 { " · " }
                    a {
                        href: "/report?{base}&template={id}",
                        "aria-current": (template_id.as_deref() == Some(id.as_str())).then_some("page"),
                        "{name}"
                    }
                }
            }
            p { class: "no-print",
                a { class: "button", href: "/report.csv?{q}&style=spreadsheet", {Word::ReportCsv.text(lang)} }
                if template_id.is_none() {
                    " "
                    a { class: "button", href: "/report.csv?{q}", {Word::ReportCsvPlain.text(lang)} }
                }
                " "
                a { class: "button", href: "/report/print?{q}", {Word::ReportPrintable.text(lang)} }
            }
        }
        if let Some(about) = &about {
            p { "{about}" }
        }
        div { class: "{head_class}",
            p { strong { "{heading.org}" } }
            if let Some(contact) = &heading.contact {
                p { "{contact}" }
            }
            p { "{heading.period}" }
            p { "{heading.generated}" }
        }
        p { class: if external { "notice" } else { "warning" }, "{notice}" }
        if let Some(text) = suppressed {
            p { "{text}" }
        }
        if let Some(text) = withheld {
            p { "{text}" }
        }
        if let Some(text) = missing {
            p { "{text}" }
        }
        {super::report_tables::tables(&sheet, lang)}
        if printable {
            {signature(lang)}
        }
    };
    page::render(frame, body).into_response()
}

/// What heads the report, on the print and above the spreadsheet CSV's
/// tables: the organization and how to reach it, the period and its days,
/// when it was produced, and which version it is.
struct Heading {
    org: String,
    contact: Option<String>,
    period: String,
    generated: String,
    notice: String,
}

impl Heading {
    fn of(dash: &Dash, lang: Lang, period: Period, external: bool) -> Heading {
        let (from, to) = period.span();
        let span = format!("{} – {}", day_name(from, lang), day_name(to, lang));
        let name = period.name(lang);
        let notice = if external {
            Word::ReportIsExternal
        } else {
            Word::ReportIsInternalCopy
        };
        let when = page::when(crate::server::now_ms());
        Heading {
            org: dash.org_name(),
            contact: dash.org_contact(),
            period: Word::ReportPeriod.fill(lang, &[("period", &name), ("span", &span)]),
            generated: Word::ReportGenerated.fill(lang, &[("when", &when)]),
            notice: notice.text(lang).to_string(),
        }
    }

    fn lines(self) -> Vec<String> {
        [
            Some(self.org),
            self.contact,
            Some(self.period),
            Some(self.generated),
            Some(self.notice),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// A template id the server does not have.
fn unknown_template(lang: Lang, id: &str) -> Response {
    page::problem(
        lang,
        StatusCode::NOT_FOUND,
        Word::ReportUnknownTemplate.fill(lang, &[("value", &id)]),
    )
}

/// The block a director fills in and signs under a printed report.
fn signature(lang: Lang) -> Element {
    let fields = [
        Word::ReportSignName,
        Word::ReportSignRole,
        Word::ReportSignDate,
        Word::ReportSignature,
    ];
    rsx! {
        section { class: "signature", "aria-labelledby": "sign-off",
            h2 { id: "sign-off", {Word::ReportSignOff.text(lang)} }
            p { {Word::ReportSignText.text(lang)} }
            dl {
                for field in fields {
                    div { class: "sign-line",
                        dt { {field.text(lang)} }
                        dd {}
                    }
                }
            }
        }
    }
}

/// The period picker: a plain GET form with one text field (every form
/// `Period::parse` reads, named under it), and links to the periods asked
/// for most: last month, the last complete fiscal quarter, the fiscal year
/// to date, the last fiscal year.
fn picker(lang: Lang, period: &str, external: bool, template: Option<&str>) -> Element {
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
    let template_query = template
        .map(|t| format!("&template={t}"))
        .unwrap_or_default();
    rsx! {
        form { class: "filters no-print", method: "get", action: "/report",
            if let Some(id) = template {
                input { r#type: "hidden", name: "template", value: "{id}" }
            }
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
                a { href: "/report?period={text}{external_query}{template_query}", {word.text(lang)} }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_box_text_cannot_close_its_string_or_its_rule() {
        assert_eq!(
            css_string("L'Organisme \"Nuit\""),
            "\"L'Organisme \\\"Nuit\\\"\""
        );
        assert_eq!(css_string("a\\b"), "\"a\\\\b\"");
        assert_eq!(css_string("x}\n<y>"), "\"x}\\a \\3c y\\3e \"");
    }

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
