//! The report page's figures: the period's tally (the same one `tournee
//! report` prints) and the full figures of the previous period and of the
//! same period a year before, for the comparison columns.

use super::audit::{self, Action};
use crate::domain::Catalog;
use crate::domain::report::{Period, Tally, Threshold, to_csv};
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

pub fn figures(conn: &Connection, period: Period) -> Result<Figures, ServerError> {
    let catalog = db::catalog(conn)?;
    Ok(Figures {
        this: tally::tally(conn, &catalog, period)?,
        previous: tally::figures(conn, &catalog, period.previous())?,
        last_year: tally::figures(conn, &catalog, period.a_year_before())?,
        catalog,
    })
}

/// The CSV of `tournee report --format csv [--suppress]` for `period`, and
/// the export in the audit log.
pub fn export_csv(
    conn: &Connection,
    actor: &str,
    period: Period,
    suppress: Option<Threshold>,
    now_ms: i64,
) -> Result<String, ServerError> {
    let catalog = db::catalog(conn)?;
    let tally = tally::tally(conn, &catalog, period)?;
    let csv = to_csv(&tally, suppress).map_err(|e| ServerError::Damaged(e.to_string()))?;
    let detail = match suppress {
        None => "csv".to_string(),
        Some(Threshold::Five) => "csv, external".to_string(),
        Some(t) => format!("csv, external, under {}", t.value()),
    };
    audit::record(
        conn,
        actor,
        Action::Export,
        &period.to_string(),
        &detail,
        now_ms,
    )?;
    Ok(csv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_is_the_cli_csv_and_is_logged() {
        let dir = tempfile::tempdir().unwrap();
        let conn = db::open(dir.path()).unwrap();
        let month = Period::Month(crate::domain::report::YearMonth::parse("2026-03").unwrap());
        let csv = export_csv(&conn, "Marie", month, Some(Threshold::Five), 9).unwrap();
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
