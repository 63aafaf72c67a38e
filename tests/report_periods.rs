//! Reports over quarters, fiscal years, ranges and the year to date, on
//! hand-checked data: a real phone (store file) syncs to the real server
//! on 127.0.0.1:0, one of its contacts is voided afterwards, and each
//! period's figures are compared with numbers worked out by hand and with
//! the sum of the period's single days.

mod common;

use chrono::NaiveDate;
use common::{TestDevice, TestServer, contact_at as at, options};
use std::collections::BTreeMap;
use tournee::domain::report::{Period, Tally};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

async fn tally(server: &TestServer, period: Period) -> Tally {
    server.server.admin().tally(period).await.unwrap()
}

/// A period written as `tournee report --period` reads it, on a fixed
/// "today" so that no test depends on the date it runs.
fn period(text: &str) -> Period {
    Period::parse(text, day("2026-02-10")).unwrap()
}

/// Ten contacts around the fiscal year April 2025 – March 2026, one of them
/// voided after it synced. Person codes A to E stand for five people.
async fn history() -> TestServer {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let code = |c: &str| Some(format!("{c}{c}{c}{c}1990"));
    let (a, b, c, d, e) = (code("A"), code("B"), code("C"), code("D"), code("E"));
    let contacts = [
        // Before the fiscal year: A is seen once already.
        at(
            "2025-03-28T21:00:00-04:00",
            "gatineau",
            "known",
            1,
            a.as_deref(),
            &[("seringues", 5)],
        ),
        at(
            "2025-04-02T21:00:00-04:00",
            "gatineau",
            "known",
            1,
            a.as_deref(),
            &[("seringues", 10)],
        ),
        // B on the last evening of June and just after midnight: two months, one person.
        at(
            "2025-06-30T23:30:00-04:00",
            "pontiac",
            "known",
            1,
            b.as_deref(),
            &[("seringues", 20)],
        ),
        at(
            "2025-07-01T00:10:00-04:00",
            "pontiac",
            "known",
            1,
            b.as_deref(),
            &[("seringues", 30)],
        ),
        at(
            "2025-09-15T21:00:00-04:00",
            "gatineau",
            "group",
            3,
            c.as_deref(),
            &[("seringues", 40)],
        ),
        // New Year's Eve and the first minutes of January.
        at(
            "2025-12-31T23:50:00-05:00",
            "gatineau",
            "known",
            1,
            a.as_deref(),
            &[("seringues", 50)],
        ),
        at(
            "2026-01-01T00:05:00-05:00",
            "papineau",
            "first",
            1,
            None,
            &[("seringues", 60)],
        ),
        // Voided after it synced: it counts nowhere, D included.
        at(
            "2026-01-15T21:00:00-05:00",
            "papineau",
            "known",
            1,
            d.as_deref(),
            &[("seringues", 70)],
        ),
        at(
            "2026-03-31T21:00:00-04:00",
            "gatineau",
            "known",
            1,
            c.as_deref(),
            &[("seringues", 80)],
        ),
        // The next fiscal year.
        at(
            "2026-04-01T21:00:00-04:00",
            "gatineau",
            "known",
            1,
            e.as_deref(),
            &[("seringues", 90)],
        ),
    ];
    phone.store.save_all(&contacts).unwrap();
    let keep = tournee::device::SyncOptions {
        retention: std::time::Duration::from_secs(86_400),
        ..options(None)
    };
    server.sync(&mut phone.store, &keep).await.unwrap();
    let later = chrono::DateTime::parse_from_rfc3339("2026-01-16T10:00:00-05:00").unwrap();
    phone.store.void(contacts[7].record_id, later).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    server
}

fn people(t: &Tally) -> (u64, u64, u64) {
    (t.unique_people, t.new_people, t.returning_people)
}

fn totals(t: &Tally) -> (u64, u64, u64) {
    (t.contacts, t.people_reached, t.materials["seringues"])
}

/// Every additive figure of `t`, flattened, so that a period's can be
/// compared with the sum over its days.
fn additive(t: &Tally) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::from([
        ("contacts".to_string(), t.contacts),
        ("people_reached".to_string(), t.people_reached),
        ("with_code".to_string(), t.contacts_with_code),
        ("without_code".to_string(), t.contacts_without_code),
        ("returned".to_string(), t.returned_syringes),
    ]);
    for (section, map) in [
        ("materials", &t.materials),
        ("referrals", &t.referrals),
        ("interventions", &t.interventions),
    ] {
        for (k, v) in map {
            out.insert(format!("{section}.{k}"), *v);
        }
    }
    for (section, map) in [
        ("zone", &t.by_zone),
        ("age", &t.by_age_band),
        ("gender", &t.by_gender),
    ] {
        for (k, b) in map {
            out.insert(format!("{section}.{k}.contacts"), b.contacts);
            out.insert(format!("{section}.{k}.people"), b.people_reached);
        }
    }
    out
}

/// The period's additive figures equal the sum of its days' tallies, each
/// day asked for as a one-day range.
async fn assert_sum_of_days(server: &TestServer, p: Period) {
    let (from, to) = p.span();
    let mut sum: BTreeMap<String, u64> = BTreeMap::new();
    let mut d = from;
    while d <= to {
        for (k, v) in additive(&tally(server, Period::Range { from: d, to: d }).await) {
            *sum.entry(k).or_default() += v;
        }
        d = d.succ_opt().unwrap();
    }
    assert_eq!(additive(&tally(server, p).await), sum, "{p}");
}

#[tokio::test]
async fn a_fiscal_year_across_january_counts_its_days_and_its_people_once() {
    let server = history().await;
    let fy = period("FY2025-2026");
    let t = tally(&server, fy).await;
    assert_eq!(
        (t.from.as_str(), t.to.as_str()),
        ("2025-04-01", "2026-03-31")
    );
    // Contacts 2 to 9 without the voided one: 10+20+30+40+50+60+80.
    assert_eq!(totals(&t), (7, 9, 290));
    assert_eq!((t.contacts_with_code, t.contacts_without_code), (6, 1));
    assert_eq!(t.by_zone["gatineau"].contacts, 4);
    assert_eq!(t.by_zone["papineau"].contacts, 1);
    // A, B, C (D's only contact was voided); A was seen in March 2025.
    assert_eq!(people(&t), (3, 2, 1));
    assert_sum_of_days(&server, fy).await;
    // Read from the fiscal year's own rows, which agree with its months'.
    assert_eq!(server.server.admin().span_check().await.unwrap(), 0);

    // The fiscal year before holds one contact, on 2025-03-28.
    assert_eq!(t.last_year.period, "FY2024-2025");
    let before = t.last_year.figures.as_ref().expect("data existed then");
    assert_eq!((before.contacts, before.unique_people), (1, 1));
    assert_eq!(t.previous.period, "FY2024-2025");

    // Its fourth quarter: January to March 2026.
    let q4 = tally(&server, period("FY2025-2026-Q4")).await;
    assert_eq!(
        (q4.from.as_str(), q4.to.as_str()),
        ("2026-01-01", "2026-03-31")
    );
    assert_eq!(totals(&q4), (2, 2, 140));
    assert_eq!(people(&q4), (1, 0, 1));
    let q3 = q4.previous.figures.as_ref().expect("October to December");
    assert_eq!(
        (q4.previous.period.as_str(), q3.contacts),
        ("FY2025-2026-Q3", 1)
    );
}

#[tokio::test]
async fn a_calendar_quarter_a_range_inside_a_month_and_one_across_two_months() {
    let server = history().await;
    let q3 = period("2025-Q3");
    let t = tally(&server, q3).await;
    assert_eq!(
        (t.from.as_str(), t.to.as_str()),
        ("2025-07-01", "2025-09-30")
    );
    assert_eq!(totals(&t), (2, 4, 70));
    // B was seen on 30 June, C is new.
    assert_eq!(people(&t), (2, 1, 1));
    assert_sum_of_days(&server, q3).await;
    // The quarter before (April to June) and none a year before: the
    // server held nothing yet on 2024-09-30, so that is not a zero.
    let q2 = t.previous.figures.as_ref().expect("April to June");
    assert_eq!(
        (t.previous.period.as_str(), q2.contacts, q2.unique_people),
        ("2025-Q2", 2, 2)
    );
    assert_eq!(t.last_year.period, "2024-Q3");
    assert!(t.last_year.figures.is_none());

    // Inside January: the voided contact of the 15th is out.
    let january = period("2026-01-01..2026-01-20");
    let t = tally(&server, january).await;
    assert_eq!(totals(&t), (1, 1, 60));
    assert_eq!(people(&t), (0, 0, 0));
    assert_sum_of_days(&server, january).await;
    // Twenty days before it: 2025-12-12 to 2025-12-31, A's visit.
    assert_eq!(t.previous.period, "2025-12-12..2025-12-31");
    assert_eq!(t.previous.figures.as_ref().unwrap().contacts, 1);

    // Two evenings across June and July: B once, new then.
    let night = period("2025-06-30..2025-07-01");
    let t = tally(&server, night).await;
    assert_eq!(totals(&t), (2, 2, 50));
    assert_eq!(people(&t), (1, 1, 0));
    assert_eq!(t.by_zone["pontiac"].people_reached, 2);
    assert_sum_of_days(&server, night).await;
}

#[tokio::test]
async fn the_year_to_date_runs_from_april_to_today() {
    let server = history().await;
    let ytd = period("YTD");
    let t = tally(&server, ytd).await;
    assert_eq!(
        (t.from.as_str(), t.to.as_str()),
        ("2025-04-01", "2026-02-10")
    );
    // The fiscal year's contacts but the one of 31 March.
    assert_eq!(totals(&t), (6, 8, 210));
    assert_eq!(people(&t), (3, 2, 1));
    assert_sum_of_days(&server, ytd).await;
    assert_eq!(t.last_year.period, "2024-04-01..2025-02-10");
    assert!(t.last_year.figures.is_none(), "nothing held on 2025-02-10");

    // `tournee report --period YTD` is the fiscal year to the real today.
    let today = chrono::Local::now().date_naive();
    let start =
        NaiveDate::from_ymd_opt(tournee::domain::report::period::fiscal_year_of(today), 4, 1)
            .unwrap();
    let range = format!("{start}..{today}");
    let ytd: serde_json::Value =
        serde_json::from_slice(&server.report(&["--period", "ytd", "--format", "json"])).unwrap();
    let named: serde_json::Value =
        serde_json::from_slice(&server.report(&["--period", &range, "--format", "json"])).unwrap();
    assert_eq!(ytd, named);
    assert_eq!(ytd["from"], start.to_string());
}

#[tokio::test]
async fn comparisons_without_data_read_not_available_in_every_format() {
    let server = history().await;
    let json: serde_json::Value =
        serde_json::from_slice(&server.report(&["--period", "2025-Q3", "--format", "json"]))
            .unwrap();
    assert_eq!(json["period"], "2025-Q3");
    assert_eq!(json["previous_period"]["contacts"], 2);
    assert_eq!(json["same_period_last_year"]["period"], "2024-Q3");
    assert!(json["same_period_last_year"]["contacts"].is_null());
    assert!(
        json.get("previous_month").is_none(),
        "a quarter is no month"
    );

    let md = String::from_utf8(server.report(&["--period", "2025-Q3", "--format", "md"])).unwrap();
    assert!(md.contains("| Contacts | 2 | 2 | n.d. |"), "{md}");
    assert!(md.contains("« n.d. » : non disponible"), "{md}");

    let csv =
        String::from_utf8(server.report(&["--period", "2025-Q3", "--format", "csv"])).unwrap();
    assert!(csv.contains("2025-Q3,totals,,contacts,2,2,n.d."), "{csv}");

    // A month of the data keeps its month-only keys.
    let json: serde_json::Value =
        serde_json::from_slice(&server.report(&["--month", "2025-07", "--format", "json"]))
            .unwrap();
    assert_eq!(json["month"], "2025-07");
    assert_eq!(json["previous_month"]["contacts"], 1);
    assert!(json["same_month_last_year"]["contacts"].is_null());
}

#[tokio::test]
async fn a_period_that_is_not_one_is_refused_with_the_formats() {
    let server = history().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(["report", "--data"])
        .arg(server.data.path())
        .args(["--period", "2025-Q5"])
        .env("TOURNEE_LANG", "fr")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("« 2025-Q5 » n'est pas une période"), "{err}");
    assert!(
        err.contains("FY2026-2027 (exercice d'avril à mars)"),
        "{err}"
    );
    for bad in [
        "FY2025-2027",
        "2025-09-30..2025-04-01",
        "2025-02-30..2025-03-01",
    ] {
        assert!(Period::parse(bad, day("2026-02-10")).is_err(), "{bad}");
    }
}
