//! The night stays on the phone: records the server signed for stay in the
//! encrypted store, listed as sent and voidable, until the worker's day is
//! over (06:00 the next morning by default); only then, and never without
//! a receipt, are they erased. Real store files, the real server on
//! 127.0.0.1:0.

mod common;

use chrono::{DateTime, Duration, FixedOffset, TimeZone};
use common::{TestDevice, TestServer, contact_at, month_tally, options};
use tournee::device::{DayEnd, Listing};
use tournee::domain::{Contact, Record};

/// The moment the worker's day holding `contact` is over, in its offset.
fn end_of_day(contact: &Contact, end: DayEnd) -> DateTime<FixedOffset> {
    let at = contact.occurred_at;
    at.offset()
        .from_local_datetime(&end.ends_at(end.day_of(&at)))
        .unwrap()
}

fn listed_day(device: &TestDevice, contact: &Contact, end: DayEnd) -> Vec<(Record, bool, bool)> {
    device
        .store
        .list(Listing::WorkDay(end.day_of(&contact.occurred_at), end))
        .unwrap()
        .into_iter()
        .map(|l| (l.record, l.delivered, l.voided))
        .collect()
}

#[tokio::test]
async fn a_delivered_contact_stays_listed_and_voidable_until_06_00_and_its_void_goes_out_next() {
    let server = TestServer::spawn().await;
    let mut device = TestDevice::enroll(&server).await;
    let end = DayEnd::DEFAULT;
    let first = device.log("pontiac", 4);
    let second = device.log("gatineau", 6);
    let month = first.occurred_at.format("%Y-%m").to_string();

    let report = server
        .sync(&mut device.store, &options(None))
        .await
        .unwrap();
    assert_eq!((report.delivered, report.purged), (1, 0));
    assert_eq!(month_tally(&server, &month).await.contacts, 2);
    let day = listed_day(&device, &first, end);
    assert_eq!(day.len(), 2);
    assert!(day.iter().all(|(_, delivered, _)| *delivered), "{day:?}");
    let counts = device
        .store
        .work_day_counts(end.day_of(&first.occurred_at), end)
        .unwrap();
    assert_eq!((counts.contacts, counts.materials["seringues"]), (2, 10));

    // Voiding a contact the server already holds: a void record, pending.
    let void = device
        .store
        .void(second.record_id, chrono::Local::now().fixed_offset())
        .unwrap();
    assert_eq!(device.store.count_pending().unwrap(), 1);
    let counts = device
        .store
        .work_day_counts(end.day_of(&first.occurred_at), end)
        .unwrap();
    assert_eq!((counts.contacts, counts.materials["seringues"]), (1, 4));

    // The next batch carries the void; the server takes the contact out.
    let report = server
        .sync(&mut device.store, &options(None))
        .await
        .unwrap();
    assert_eq!((report.sealed, report.delivered), (1, 1));
    assert_eq!(server.envelopes().await, 2);
    assert_eq!(month_tally(&server, &month).await.contacts, 1);

    // A minute before the day is over everything is still there ...
    let over = end_of_day(&first, end);
    let purged = device
        .store
        .purge_delivered(over - Duration::minutes(1), end, 0)
        .unwrap();
    assert_eq!(purged, 0);
    assert_eq!(
        listed_day(&device, &first, end).len(),
        3,
        "two contacts and the void"
    );
    // ... and at 06:00 the contacts go (the void too, when its own day is
    // over: it was made on this day unless the test ran across 06:00).
    let purged = device.store.purge_delivered(over, end, 0).unwrap();
    assert!(purged >= 2, "{purged}");
    assert!(listed_day(&device, &first, end).is_empty());
    let later = over + Duration::days(1);
    device.store.purge_delivered(later, end, 0).unwrap();
    assert!(
        device
            .store
            .list(Listing::Day(void.voided_at.date_naive()))
            .unwrap()
            .is_empty()
    );
    // A purged contact can no longer be voided from the phone.
    assert!(device.store.void(first.record_id, later).is_err());
    // The counts of the calendar day outlive the records.
    let kept = device.store.day_counts(first.local_date()).unwrap();
    assert_eq!(kept.contacts, 1);
}

#[tokio::test]
async fn nothing_is_erased_without_a_receipt_however_late_it_is() {
    let server = TestServer::spawn().await;
    let mut device = TestDevice::enroll(&server).await;
    let end = DayEnd::DEFAULT;
    let logged = device.log("pontiac", 2);
    device
        .store
        .seal_pending(chrono::Utc::now().timestamp_millis())
        .unwrap();
    let months_later = end_of_day(&logged, end) + Duration::days(90);
    assert_eq!(
        device.store.purge_delivered(months_later, end, 0).unwrap(),
        0
    );
    let day = listed_day(&device, &logged, end);
    assert_eq!(day.len(), 1);
    assert!(!day[0].1, "sealed, not delivered");
    assert_eq!(server.envelopes().await, 0);
}

#[tokio::test]
async fn a_shift_across_midnight_is_one_day_and_an_earlier_night_goes_at_the_next_sync() {
    let server = TestServer::spawn().await;
    let mut device = TestDevice::enroll(&server).await;
    let end = DayEnd::DEFAULT;
    // A night from 20:00 to 04:00; then a contact of the next evening.
    let evening = contact_at(
        "2026-03-04T20:30:00-05:00",
        "pontiac",
        "known",
        1,
        None,
        &[],
    );
    let small_hours = contact_at(
        "2026-03-05T03:50:00-05:00",
        "pontiac",
        "first",
        2,
        None,
        &[],
    );
    let next_night = contact_at(
        "2026-03-05T21:00:00-05:00",
        "gatineau",
        "known",
        1,
        None,
        &[],
    );
    device
        .store
        .save_all(&[evening.clone(), small_hours.clone(), next_night.clone()])
        .unwrap();
    let night = device
        .store
        .list(Listing::WorkDay(end.day_of(&evening.occurred_at), end))
        .unwrap();
    let ids: Vec<_> = night.iter().map(|l| l.record.record_id()).collect();
    assert_eq!(ids, [evening.record_id, small_hours.record_id]);
    let counts = device
        .store
        .work_day_counts(end.day_of(&small_hours.occurred_at), end)
        .unwrap();
    assert_eq!((counts.contacts, counts.people), (2, 3));

    // Those nights are long over: delivered, they go at once.
    let report = server
        .sync(&mut device.store, &options(None))
        .await
        .unwrap();
    assert_eq!((report.delivered, report.purged), (1, 3));
    assert!(
        device
            .store
            .list(Listing::WorkDay(end.day_of(&evening.occurred_at), end))
            .unwrap()
            .is_empty()
    );
    assert_eq!(month_tally(&server, "2026-03").await.contacts, 3);
}

#[tokio::test]
async fn keep_days_holds_delivered_records_past_the_end_of_their_day() {
    let server = TestServer::spawn().await;
    let mut device = TestDevice::enroll(&server).await;
    let end = DayEnd::DEFAULT;
    let old = contact_at(
        "2026-03-04T22:00:00-05:00",
        "pontiac",
        "known",
        1,
        None,
        &[],
    );
    device.store.save(&old).unwrap();
    let keep_two_days = tournee::device::SyncOptions {
        retention: std::time::Duration::from_secs(2 * 86_400),
        ..options(None)
    };
    let report = server
        .sync(&mut device.store, &keep_two_days)
        .await
        .unwrap();
    assert_eq!((report.delivered, report.purged), (1, 0));
    assert_eq!(listed_day(&device, &old, end).len(), 1);
    let now = chrono::Local::now().fixed_offset();
    assert_eq!(
        device
            .store
            .purge_delivered(now + Duration::days(2), end, 2 * 86_400_000)
            .unwrap(),
        1
    );
}

/// The purge knows most records' day by its tag, without opening them
/// (the days of the last quarter before the worker's day under way); it
/// opens the others. So a record from long before is erased too, and one
/// dated ahead of the phone's clock stays until its own day is over.
#[tokio::test]
async fn a_delivered_record_goes_however_old_its_day_and_one_dated_ahead_of_the_clock_stays() {
    let server = TestServer::spawn().await;
    let mut device = TestDevice::enroll(&server).await;
    let end = DayEnd::DEFAULT;
    let now = chrono::Local::now().fixed_offset();
    let today = device.log("pontiac", 2);
    let ahead = contact_at(
        &(now + Duration::hours(20)).to_rfc3339(),
        "gatineau",
        "known",
        1,
        None,
        &[("seringues", 1)],
    );
    device.store.save(&ahead).unwrap();
    let report = server
        .sync(&mut device.store, &options(None))
        .await
        .unwrap();
    assert_eq!((report.delivered, report.purged), (1, 0));

    // Neither day is over a minute from now.
    let soon = now + Duration::minutes(1);
    assert_eq!(device.store.purge_delivered(soon, end, 0).unwrap(), 0);
    let mut days = vec![
        end.day_of(&today.occurred_at),
        end.day_of(&ahead.occurred_at),
    ];
    days.dedup();
    let listed: usize = days
        .iter()
        .map(|day| {
            device
                .store
                .list(Listing::WorkDay(*day, end))
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(listed, 2);

    // Once the later one's day is over, both go.
    let both_over = end_of_day(&ahead, end);
    assert_eq!(device.store.purge_delivered(both_over, end, 0).unwrap(), 2);
    assert!(listed_day(&device, &today, end).is_empty());
    assert!(listed_day(&device, &ahead, end).is_empty());

    // Long after (past the days known by tag), a record is opened and judged.
    let late = device.log("pontiac", 3);
    server
        .sync(&mut device.store, &options(None))
        .await
        .unwrap();
    let year_later = end_of_day(&late, end) + Duration::days(365);
    assert_eq!(device.store.purge_delivered(year_later, end, 0).unwrap(), 1);
    assert!(listed_day(&device, &late, end).is_empty());
}
