//! The readable form of a month's report (`--format md`), for supervisors to
//! print for funders: the reader's language, the catalog's labels, one
//! heading and one table per section, the comparison months beside the
//! key figures.
//!
//! Every word comes from the [`Msg`] table; labels from the [`Catalog`]
//! (an id the catalog no longer knows is shown as is, a retired one with
//! "(retiré)"). Rows follow the catalog's order, the order workers pick
//! from, then any other id alphabetically. Counts use the language's
//! thousands separator; `<5` and `x` are written as in the JSON and CSV,
//! and explained under the title whenever they appear.

use super::figures::{Figures, shown};
use super::overdose;
use super::period::Period;
use super::published::{Axis, BreakdownCells, Cell, Measure, PublishedTally, Threshold};
use super::suppress::publish;
use super::tally::{Tally, YearMonth};
use crate::domain::catalog::{Catalog, Section};
use crate::domain::escape::markdown_text;
use crate::domain::i18n::{Lang, Msg, capitalized, grouped, tr};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Shown where a comparison month has no such figure.
const NOT_COMPARED: &str = "—";

/// The report as Markdown, with `--suppress` applied when asked.
pub fn to_markdown(
    tally: &Tally,
    catalog: &Catalog,
    lang: Lang,
    suppress: Option<Threshold>,
) -> String {
    render(&publish(tally, suppress), catalog, lang)
}

/// The Markdown of an already published tally.
pub fn render(p: &PublishedTally, catalog: &Catalog, lang: Lang) -> String {
    let mut out = String::new();
    let names = Names::of(p, lang);
    line(&mut out, &format!("# {}", names.title));
    if let Some(text) = names.missing_legend(p) {
        line(&mut out, &text);
    }
    if p.has_markers() {
        let markers = p.threshold.unwrap_or_default().legend();
        line(&mut out, &tr(lang, Msg::ReportSuppressed, &markers.words()));
        if !p.withheld.is_empty() {
            line(&mut out, &tr(lang, Msg::ReportWithheld, &markers.words()));
        }
    }
    key_figures(&mut out, p, &names, lang);
    let maps = [
        (Section::Materials, Msg::ReportQuantity, &p.materials),
        (Section::Referrals, Msg::ReportContacts, &p.referrals),
        (
            Section::Interventions,
            Msg::ReportContacts,
            &p.interventions,
        ),
    ];
    for (section, measure, map) in maps {
        line(&mut out, &format!("## {}", section.title(lang)));
        let header = [section.title(lang), measure.text(lang)];
        let rows = ordered(catalog, section, map)
            .into_iter()
            .map(|(id, &cell)| vec![label(catalog, section, id, lang), count(cell, lang)]);
        table(&mut out, &header, rows, lang);
    }
    for axis in Axis::ALL {
        let section = axis.section();
        line(&mut out, &format!("## {}", section.title(lang)));
        let header = [
            section.title(lang),
            Msg::ReportContacts.text(lang),
            Msg::ReportPeopleReached.text(lang),
        ];
        let rows = ordered(catalog, section, p.breakdown(axis))
            .into_iter()
            .map(|(id, cells): (&String, &BreakdownCells)| {
                let mut row = vec![label(catalog, section, id, lang)];
                row.extend(Measure::ALL.map(|m| count(cells.get(m), lang)));
                row
            });
        table(&mut out, &header, rows, lang);
    }
    overdoses(&mut out, p, catalog, lang);
    figures(&mut out, &p.field_work, catalog, lang);
    figures(&mut out, &p.details, catalog, lang);
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The overdose responses: the head figures, then one table per group.
fn overdoses(out: &mut String, p: &PublishedTally, catalog: &Catalog, lang: Lang) {
    let o = &p.overdoses;
    line(out, &format!("## {}", Msg::ReportOverdoses.text(lang)));
    let header = [Msg::ReportFigure.text(lang), Msg::ReportQuantity.text(lang)];
    let rows = o.heads().into_iter().map(|(name, cell)| {
        vec![
            escape(&capitalized(overdose::head_label(name, lang))),
            count(cell, lang),
        ]
    });
    table(out, &header, rows, lang);
    for (group, map) in o.groups() {
        let title = capitalized(overdose::group_title(group, lang));
        line(out, &format!("### {title}"));
        let header = [title.as_str(), Msg::ReportOverdoseCount.text(lang)];
        let rows: Vec<(&String, &Cell)> = match overdose::group_section(group) {
            Some(section) => ordered(catalog, section, map),
            None => {
                let mut rows: Vec<_> = map.iter().collect();
                rows.sort_by_key(|(id, _)| overdose::choice_rank(group, id));
                rows
            }
        };
        let rows = rows.into_iter().map(|(id, &cell)| {
            vec![
                escape(&overdose::key_label(group, id, catalog, lang)),
                count(cell, lang),
            ]
        });
        table(out, &header, rows, lang);
    }
}

/// A section of figures (field work; modes, places and naloxone): the
/// head figures, then each group.
fn figures(out: &mut String, f: &Figures, catalog: &Catalog, lang: Lang) {
    line(out, &format!("## {}", f.title.text(lang)));
    let header = [Msg::ReportFigure.text(lang), Msg::ReportQuantity.text(lang)];
    let rows = f.heads.iter().map(|head| {
        vec![
            escape(head.label.text(lang)),
            shown(head.unit, head.cell, lang),
        ]
    });
    table(out, &header, rows, lang);
    for group in &f.groups {
        let title = group.title.text(lang);
        line(out, &format!("### {title}"));
        let header = [title, group.measure.0.text(lang)];
        let rows = group
            .rows(catalog, lang)
            .into_iter()
            .map(|(_, label, cell)| vec![escape(&label), count(cell, lang)]);
        table(out, &header, rows, lang);
    }
}

/// The words naming a report's periods: its title, the period itself and
/// its two comparison columns ("Mois précédent (octobre 2026)" for a month,
/// "Période précédente (…)" otherwise).
#[derive(Clone, Debug)]
pub struct Names {
    pub title: String,
    pub this: String,
    pub previous: String,
    pub last_year: String,
    lang: Lang,
}

impl Names {
    pub fn of(p: &PublishedTally, lang: Lang) -> Names {
        let name = |text: &str| {
            Period::canonical(text).map_or_else(|| text.to_string(), |period| period.name(lang))
        };
        let this = name(&p.period);
        let month = YearMonth::parse(&p.period).is_some();
        let other = |month_msg: Msg, period_msg: Msg, text: &str| {
            if month {
                tr(lang, month_msg, &[("month", &name(text))])
            } else {
                tr(lang, period_msg, &[("period", &name(text))])
            }
        };
        Names {
            title: if month {
                tr(lang, Msg::ReportTitle, &[("month", &this)])
            } else {
                tr(lang, Msg::ReportPeriodTitle, &[("period", &this)])
            },
            previous: other(
                Msg::ReportPreviousMonth,
                Msg::ReportPreviousPeriod,
                &p.previous.period,
            ),
            last_year: other(
                Msg::ReportSameMonthLastYear,
                Msg::ReportSamePeriodLastYear,
                &p.last_year.period,
            ),
            this,
            lang,
        }
    }

    /// The sentence saying what "n.d." means, when the report shows one.
    pub fn missing_legend(&self, p: &PublishedTally) -> Option<String> {
        let missing = [&p.previous, &p.last_year]
            .iter()
            .flat_map(|s| [s.contacts, s.people_reached, s.unique_people])
            .chain([p.unique_people, p.new_people, p.returning_people])
            .any(|c| c == Cell::Missing);
        missing.then(|| {
            tr(
                self.lang,
                Msg::ReportNotAvailable,
                &[("missing", &Cell::missing_text(self.lang))],
            )
        })
    }
}

/// The key figures, this period beside the comparison periods.
fn key_figures(out: &mut String, p: &PublishedTally, names: &Names, lang: Lang) {
    line(out, &format!("## {}", Msg::ReportKeyFigures.text(lang)));
    let header = [
        Msg::ReportFigure.text(lang).to_string(),
        names.this.clone(),
        names.previous.clone(),
        names.last_year.clone(),
    ];
    let (prev, last) = (&p.previous, &p.last_year);
    let figures = [
        (
            Msg::ReportContacts,
            p.contacts,
            Some((prev.contacts, last.contacts)),
        ),
        (
            Msg::ReportPeopleReached,
            p.people_reached,
            Some((prev.people_reached, last.people_reached)),
        ),
        (
            Msg::ReportUniquePeople,
            p.unique_people,
            Some((prev.unique_people, last.unique_people)),
        ),
        (Msg::ReportWithCode, p.contacts_with_code, None),
        (Msg::ReportWithoutCode, p.contacts_without_code, None),
        (Msg::ReportNewPeople, p.new_people, None),
        (Msg::ReportReturningPeople, p.returning_people, None),
        (Msg::ReportReturnedSyringes, p.returned_syringes, None),
    ];
    let rows = figures.into_iter().map(|(msg, cell, compared)| {
        let (prev, last) = compared.map_or_else(
            || (NOT_COMPARED.to_string(), NOT_COMPARED.to_string()),
            |(prev, last)| (count(prev, lang), count(last, lang)),
        );
        vec![msg.text(lang).to_string(), count(cell, lang), prev, last]
    });
    table(out, &header, rows, lang);
    line(out, Msg::ReportEstimates.text(lang));
}

/// Appends a paragraph and the blank line after it.
fn line(out: &mut String, text: &str) {
    out.push_str(text);
    out.push_str("\n\n");
}

/// A table: the first column text, the others counts, right-aligned.
fn table<H: AsRef<str>>(
    out: &mut String,
    header: &[H],
    rows: impl Iterator<Item = Vec<String>>,
    lang: Lang,
) {
    let rows: Vec<Vec<String>> = rows.collect();
    if rows.is_empty() {
        line(out, Msg::ReportNothing.text(lang));
        return;
    }
    let cells: Vec<String> = header.iter().map(|h| escape(h.as_ref())).collect();
    let _ = writeln!(out, "| {} |", cells.join(" | "));
    let rule: Vec<&str> = (0..header.len())
        .map(|i| if i == 0 { "---" } else { "--:" })
        .collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
}

/// Entries in the catalog's order, then unknown ids alphabetically.
pub fn ordered<'a, V>(
    catalog: &Catalog,
    section: Section,
    map: &'a BTreeMap<String, V>,
) -> Vec<(&'a String, &'a V)> {
    let entries = catalog.section(section);
    let rank = |id: &str| {
        entries
            .iter()
            .position(|e| e.id.as_str() == id)
            .unwrap_or(entries.len())
    };
    let mut rows: Vec<(&String, &V)> = map.iter().collect();
    // Stable sort: unknown ids share a rank and keep the map's order.
    rows.sort_by_key(|(id, _)| rank(id));
    rows
}

fn label(catalog: &Catalog, section: Section, id: &str, lang: Lang) -> String {
    let text = match catalog.entry(section, id) {
        Some(entry) if !entry.active => {
            format!("{} {}", entry.label(lang), Msg::Retired.text(lang))
        }
        Some(entry) => entry.label(lang).to_string(),
        None => id.to_string(),
    };
    escape(&text)
}

/// Labels come from the catalog, which supervisors edit: escaped so that
/// a `|` or a line break cannot split a table, nor a `[x](…)` or `<script>`
/// become a link or HTML where the report is rendered.
fn escape(text: &str) -> String {
    markdown_text(text)
}

/// A count with the language's thousands separator, or its marker.
pub fn count(cell: Cell, lang: Lang) -> String {
    match (cell, cell.count()) {
        (Cell::Missing, _) => Cell::missing_text(lang).to_string(),
        (_, Some(n)) => grouped(n, lang),
        (_, None) => cell.to_string(),
    }
}

pub use super::period::month_name;

#[cfg(test)]
mod tests;
