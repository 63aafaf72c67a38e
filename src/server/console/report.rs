//! The monthly report page's figures: the month's tally (the same one
//! `tournee report` prints) and the full tallies of the previous month and
//! of the same month a year before, for the comparison columns.

use super::audit::{self, Action};
use crate::domain::Catalog;
use crate::domain::report::{MonthTally, YearMonth, to_csv};
use crate::server::error::ServerError;
use crate::server::{db, tally};
use rusqlite::Connection;

pub struct Figures {
    pub catalog: Catalog,
    pub month: MonthTally,
    pub previous: MonthTally,
    pub last_year: MonthTally,
}

pub fn figures(conn: &Connection, month: YearMonth) -> Result<Figures, ServerError> {
    let catalog = db::catalog(conn)?;
    Ok(Figures {
        month: tally::month_tally(conn, &catalog, month)?,
        previous: tally::month_tally(conn, &catalog, month.previous())?,
        last_year: tally::month_tally(conn, &catalog, month.a_year_before())?,
        catalog,
    })
}

/// The CSV of `tournee report --format csv [--suppress]` for `month`, and
/// the export in the audit log.
pub fn export_csv(
    conn: &Connection,
    actor: &str,
    month: YearMonth,
    external: bool,
    now_ms: i64,
) -> Result<String, ServerError> {
    let catalog = db::catalog(conn)?;
    let tally = tally::month_tally(conn, &catalog, month)?;
    let csv = to_csv(&tally, external).map_err(|e| ServerError::Damaged(e.to_string()))?;
    let detail = if external { "csv, external" } else { "csv" };
    audit::record(
        conn,
        actor,
        Action::Export,
        &month.to_string(),
        detail,
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
        let month = YearMonth::parse("2026-03").unwrap();
        let csv = export_csv(&conn, "Marie", month, true, 9).unwrap();
        let catalog = db::catalog(&conn).unwrap();
        let tally = tally::month_tally(&conn, &catalog, month).unwrap();
        assert_eq!(csv, to_csv(&tally, true).unwrap());
        let (log, _) = audit::page(&conn, 0, 1).unwrap();
        assert_eq!(log[0].action, Some(Action::Export));
        assert_eq!(
            (log[0].target.as_str(), log[0].detail.as_str()),
            ("2026-03", "csv, external")
        );
        let figures = figures(&conn, month).unwrap();
        assert_eq!(figures.previous.month, "2026-02");
        assert_eq!(figures.last_year.month, "2025-03");
    }
}
