//! The report page's figures: the period's tally (the same one `tournee
//! report` prints) and the full figures of the previous period and of the
//! same period a year before, for the comparison columns.

use super::audit::{self, Action};
use crate::domain::Catalog;
use crate::domain::i18n::Lang;
use crate::domain::report::sheet::{Sheet, sheet};
use crate::domain::report::spreadsheet::to_spreadsheet;
use crate::domain::report::template::Template;
use crate::domain::report::{Period, PublishedTally, Tally, Threshold, publish, to_csv};
use crate::server::error::ServerError;
use crate::server::{db, tally};
use rusqlite::Connection;

pub struct Figures {
    pub catalog: Catalog,
    pub this: Tally,
    /// The comparison periods' own figures; whether they hold data at all
    /// is in `this.previous` and `this.last_year`.
    pub previous: Tally,
    pub last_year: Tally,
}

impl Figures {
    /// The three tallies as published (`None`: exact), a comparison
    /// period without data all "n.d.".
    pub fn published(&self, suppress: Option<Threshold>) -> [PublishedTally; 3] {
        let this = publish(&self.this, suppress);
        let compared = |tally, available: bool| {
            let published = publish(tally, suppress);
            if available {
                published
            } else {
                published.missing()
            }
        };
        let previous = compared(&self.previous, this.previous.available());
        let last_year = compared(&self.last_year, this.last_year.available());
        [this, previous, last_year]
    }

    /// The tables a person reads, in `lang`.
    pub fn sheet(&self, published: &[PublishedTally; 3], lang: Lang) -> Sheet {
        let [this, previous, last_year] = published;
        sheet(&self.catalog, lang, [this, previous, last_year])
    }
}

/// The built-in templates and the organization's own, read from
/// `data_dir/templates/*.toml` in name order; a file that does not read
/// is an error naming it.
pub fn templates(data_dir: &std::path::Path) -> Result<Vec<Template>, ServerError> {
    let folder = data_dir.join("templates");
    let mut extra = Vec::new();
    if folder.is_dir() {
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&folder)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
        files.sort();
        for file in files {
            let name = file
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            extra.push((name, std::fs::read_to_string(&file)?));
        }
    }
    Ok(Template::all(&extra)?)
}

/// How a CSV export is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvStyle {
    /// RFC 4180, one figure per row, stable English names: for scripts.
    Plain,
    /// The report's tables in the reader's language, for a spreadsheet.
    Spreadsheet(Lang),
}

pub fn figures(conn: &Connection, period: Period) -> Result<Figures, ServerError> {
    let catalog = db::catalog(conn)?;
    Ok(Figures {
        this: tally::tally(conn, &catalog, period)?,
        previous: tally::figures(conn, &catalog, period.previous())?,
        last_year: tally::figures(conn, &catalog, period.a_year_before())?,
        catalog,
    })
}

/// What a CSV export holds and how it is written.
pub struct Export<'a> {
    pub period: Period,
    /// `None`: the internal version.
    pub suppress: Option<Threshold>,
    pub style: CsvStyle,
    /// A funder's template instead of the whole report.
    pub template: Option<&'a Template>,
    /// Lines above a spreadsheet's tables.
    pub preamble: &'a [String],
}

/// The CSV of `tournee report --format csv [--suppress]` (or `--format
/// spreadsheet`, or a template's, with the preamble's lines above their
/// tables), and the export in the audit log.
pub fn export_csv(
    conn: &Connection,
    actor: &str,
    export: &Export<'_>,
    now_ms: i64,
) -> Result<String, ServerError> {
    let csv = render(export, &figures(conn, export.period)?)?;
    audit::record(
        conn,
        actor,
        Action::Export,
        &export.period.to_string(),
        &detail(export),
        now_ms,
    )?;
    Ok(csv)
}

/// The CSV of a download, from the period's figures.
pub fn render(export: &Export<'_>, figures: &Figures) -> Result<String, ServerError> {
    let Export {
        suppress,
        style,
        template,
        preamble,
        ..
    } = *export;
    Ok(match (style, template) {
        (CsvStyle::Plain | CsvStyle::Spreadsheet(_), Some(template)) => {
            let lang = match style {
                CsvStyle::Spreadsheet(lang) => lang,
                CsvStyle::Plain => Lang::Fr,
            };
            let [a, b, c] = figures.published(suppress);
            to_spreadsheet(&template.sheet(lang, [&a, &b, &c]), lang, preamble)
        }
        (CsvStyle::Plain, None) => {
            to_csv(&figures.this, suppress).map_err(|e| ServerError::Damaged(e.to_string()))?
        }
        (CsvStyle::Spreadsheet(lang), None) => {
            let published = figures.published(suppress);
            to_spreadsheet(&figures.sheet(&published, lang), lang, preamble)
        }
    })
}

/// What the audit log says of a download: its form and whether it was
/// the external (suppressed) version.
pub fn detail(export: &Export<'_>) -> String {
    let kind = match (export.style, export.template) {
        (_, Some(t)) => format!("template {}", t.id),
        (CsvStyle::Plain, None) => "csv".to_string(),
        (CsvStyle::Spreadsheet(_), None) => "spreadsheet csv".to_string(),
    };
    match export.suppress {
        None => kind,
        Some(Threshold::Five) => format!("{kind}, external"),
        Some(t) => format!("{kind}, external, under {}", t.value()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_is_the_cli_csv_and_is_logged() {
        let dir = tempfile::tempdir().unwrap();
        let conn = db::open(dir.path()).unwrap();
        let month = Period::Month(crate::domain::report::YearMonth::parse("2026-03").unwrap());
        let export = Export {
            period: month,
            suppress: Some(Threshold::Five),
            style: CsvStyle::Plain,
            template: None,
            preamble: &[],
        };
        let csv = export_csv(&conn, "Marie", &export, 9).unwrap();
        let catalog = db::catalog(&conn).unwrap();
        let tally = tally::tally(&conn, &catalog, month).unwrap();
        assert_eq!(csv, to_csv(&tally, Some(Threshold::Five)).unwrap());
        let (log, _) = audit::page(&conn, 0, 1).unwrap();
        assert_eq!(log[0].action, Some(Action::Export));
        assert_eq!(
            (log[0].target.as_str(), log[0].detail.as_str()),
            ("2026-03", "csv, external")
        );
        let figures = figures(&conn, month).unwrap();
        assert_eq!(figures.previous.period, "2026-02");
        assert_eq!(figures.last_year.period, "2025-03");
        assert_eq!(figures.this.previous.figures, None, "no data yet: n.d.");
    }
}
