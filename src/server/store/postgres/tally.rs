//! A period's tally on the host: the same reads as the embedded backend's
//! ([`crate::server::tally`]: the rollups of its whole months and loose
//! days, who was seen in it, its outings' contacts), each limited to one
//! organization, shaped by the same code.

use super::PgHost;
use crate::domain::report::{Comparison, Part, Period, Tally, YearMonth};
use crate::server::error::ServerError;
use crate::server::store::OrgId;
use crate::server::tally::{self, Dialect, Read, Rows};
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Row};

/// Statements' parameters on the host: `$1` is the organization.
const HOST: Dialect = Dialect {
    mark: '$',
    first: 2,
    scope: "org_id = $1 AND ",
};

impl PgHost {
    /// The period's tally with its two comparisons.
    pub async fn tally(&self, org: OrgId, period: Period) -> Result<Tally, ServerError> {
        let mut tally = self.figures(org, period).await?;
        let client = self.client().await?;
        tally.previous = comparison(&**client, org, period.previous()).await?;
        tally.last_year = comparison(&**client, org, period.a_year_before()).await?;
        Ok(tally)
    }

    /// The period's figures without comparisons.
    pub async fn figures(&self, org: OrgId, period: Period) -> Result<Tally, ServerError> {
        let catalog = self.catalog(org).await?;
        let client = self.client().await?;
        let (from, to) = period.span();
        let read = Read {
            rows: rows(&**client, org, period).await?,
            contacts_during: contacts_during_outings(&**client, org, from, to).await?,
            people: people(&**client, org, period).await?,
        };
        Ok(tally::shape(&catalog, period, read))
    }
}

async fn rows(db: &impl GenericClient, org: OrgId, period: Period) -> Result<Rows, ServerError> {
    let mut sums = Rows::new();
    for part in period.parts() {
        let (sql, a, b) = match part {
            Part::Months { first, last } => (
                "SELECT dim, key, sum(contacts)::bigint, sum(people)::bigint, sum(quantity)::bigint
                 FROM rollups WHERE org_id = $1 AND month BETWEEN $2 AND $3 AND dim <> 'people'
                 GROUP BY dim, key",
                first.to_string(),
                last.to_string(),
            ),
            Part::Days { from, to } => (
                "SELECT dim, key, sum(contacts)::bigint, sum(people)::bigint, sum(quantity)::bigint
                 FROM day_rollups WHERE org_id = $1 AND day BETWEEN $2 AND $3
                 GROUP BY dim, key",
                from.to_string(),
                to.to_string(),
            ),
        };
        for row in db.query(sql, &[&org.0, &a, &b]).await? {
            let sum = sums.entry((row.get(0), row.get(1))).or_default();
            sum.0 += row.get::<_, i64>(2) as u64;
            sum.1 += row.get::<_, i64>(3) as u64;
            sum.2 += row.get::<_, i64>(4) as u64;
        }
    }
    Ok(sums)
}

/// As the embedded backend decides (see `server::tally`): a purged month
/// asked for alone reads its kept figures; a longer period over a month
/// purged with people in it cannot count them.
async fn people(
    db: &impl GenericClient,
    org: OrgId,
    period: Period,
) -> Result<Option<(u64, u64)>, ServerError> {
    if let Some(month) = period.as_month()
        && let Some(figures) = frozen(db, org, month).await?
    {
        return Ok(Some(figures));
    }
    if had_people_purged(db, org, period).await? {
        return Ok(None);
    }
    live_people(db, org, period).await.map(Some)
}

async fn had_people_purged(
    db: &impl GenericClient,
    org: OrgId,
    period: Period,
) -> Result<bool, ServerError> {
    let (first, last) = period.months();
    Ok(db
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM rollups WHERE org_id = $1 AND dim = 'people'
                            AND key = 'unique' AND contacts > 0 AND month BETWEEN $2 AND $3)",
            &[&org.0, &first.to_string(), &last.to_string()],
        )
        .await?
        .get(0))
}

async fn frozen(
    db: &impl GenericClient,
    org: OrgId,
    month: YearMonth,
) -> Result<Option<(u64, u64)>, ServerError> {
    let (mut unique, mut new) = (None, None);
    for row in db
        .query(
            "SELECT key, contacts FROM rollups WHERE org_id = $1 AND month = $2 AND dim = 'people'",
            &[&org.0, &month.to_string()],
        )
        .await?
    {
        let value = row.get::<_, i64>(1) as u64;
        match row.get::<_, &str>(0) {
            "unique" => unique = Some(value),
            "new" => new = Some(value),
            _ => {}
        }
    }
    Ok(unique.zip(new))
}

/// Distinct pseudonyms in the period, and those never seen before its
/// first day.
pub(super) async fn live_people(
    db: &impl GenericClient,
    org: OrgId,
    period: Period,
) -> Result<(u64, u64), ServerError> {
    let (from, _) = period.span();
    let first_month = YearMonth::of(from);
    let (here, mut values) = tally::here(period, HOST);
    let n = HOST.first + values.len();
    let sql = format!(
        "WITH here (pseudonym) AS ({here})
         SELECT count(*), count(*) FILTER (WHERE
             NOT EXISTS (SELECT 1 FROM person_months AS before
                         WHERE before.org_id = $1 AND before.pseudonym = here.pseudonym
                         AND before.month < ${n})
             AND NOT EXISTS (SELECT 1 FROM person_days AS before
                         WHERE before.org_id = $1 AND before.pseudonym = here.pseudonym
                         AND before.day >= ${} AND before.day < ${})
             AND NOT EXISTS (SELECT 1 FROM pseudonyms_before_purge AS kept
                         WHERE kept.org_id = $1 AND kept.pseudonym = here.pseudonym))
         FROM here",
        n + 1,
        n + 2
    );
    values.extend([
        first_month.to_string(),
        crate::domain::report::period::first_day(first_month).to_string(),
        from.to_string(),
    ]);
    let row = query_one(db, org, &sql, &values).await?;
    Ok((row.get::<_, i64>(0) as u64, row.get::<_, i64>(1) as u64))
}

/// One row of `sql`, its `$1` the organization and the rest `values`.
async fn query_one(
    db: &impl GenericClient,
    org: OrgId,
    sql: &str,
    values: &[String],
) -> Result<Row, ServerError> {
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&org.0];
    params.extend(values.iter().map(|v| v as &(dyn ToSql + Sync)));
    Ok(db.query_one(sql, &params).await?)
}

async fn comparison(
    db: &impl GenericClient,
    org: OrgId,
    period: Period,
) -> Result<Comparison, ServerError> {
    let (_, to) = period.span();
    let comparison = Comparison {
        period: period.to_string(),
        ..Comparison::default()
    };
    let first: Option<String> = db
        .query_one(
            "SELECT min(first) FROM (
                 SELECT min(day) AS first FROM day_rollups WHERE org_id = $1
                 UNION ALL SELECT min(month) || '-01' FROM rollups WHERE org_id = $1) AS f",
            &[&org.0],
        )
        .await?
        .get(0);
    if first.is_none_or(|first| first > to.to_string()) {
        return Ok(comparison);
    }
    let unique = if let Some(month) = period.as_month()
        && let Some((unique, _)) = frozen(db, org, month).await?
    {
        Some(unique)
    } else if had_people_purged(db, org, period).await? {
        None
    } else {
        let (here, values) = tally::here(period, HOST);
        let row = query_one(
            db,
            org,
            &format!("SELECT count(*) FROM ({here}) AS h"),
            &values,
        )
        .await?;
        Some(row.get::<_, i64>(0) as u64)
    };
    Ok(tally::compared(
        comparison,
        &rows(db, org, period).await?,
        unique,
    ))
}

async fn contacts_during_outings(
    db: &impl GenericClient,
    org: OrgId,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<u64, ServerError> {
    let n: i64 = db
        .query_one(
            "SELECT count(DISTINCT c.record_id) FROM events e
             JOIN contacts c ON c.org_id = e.org_id AND c.device_id = e.device_id
                 AND c.occurred_at BETWEEN e.occurred_at AND e.ended_at
             WHERE e.org_id = $1 AND e.kind = 'shift' AND e.day BETWEEN $2 AND $3
               AND e.voided = 0 AND c.voided = 0",
            &[&org.0, &from.to_string(), &to.to_string()],
        )
        .await?
        .get(0);
    Ok(n as u64)
}
