//! Sync end to end: real devices (store files), the real server on
//! 127.0.0.1:0, and a hostile relay in between when the test needs one.

mod common;

use common::{Mischief, Relay, TestDevice, TestServer, options};
use tournee::device::{DayEnd, Listing, SyncError};

#[tokio::test]
async fn logged_offline_then_synced_the_server_holds_each_batch_once_and_the_device_purges_after_the_day()
 {
    let server = TestServer::spawn().await;
    let mut device = TestDevice::enroll(&server).await;
    let contacts: Vec<_> = (1..=3).map(|n| device.log("pontiac", n)).collect();
    assert_eq!(device.store.count_pending().unwrap(), 3);

    let report = server
        .sync(&mut device.store, &options(None))
        .await
        .unwrap();
    assert_eq!((report.sealed, report.delivered, report.purged), (1, 1, 0));
    assert_eq!(device.store.count_pending().unwrap(), 0);
    assert!(device.store.list(Listing::Pending).unwrap().is_empty());
    assert_eq!(server.envelopes().await, 1);
    // The worker's day is not over: the records stay, marked sent.
    let end = DayEnd::DEFAULT;
    let now = chrono::Local::now().fixed_offset();
    let day = device
        .store
        .list(Listing::WorkDay(end.day_of(&now), end))
        .unwrap();
    assert_eq!(day.len(), 3);
    assert!(day.iter().all(|listed| listed.delivered));
    // The next day, they go.
    let tomorrow = now + chrono::Duration::days(1);
    assert_eq!(device.store.purge_delivered(tomorrow, end, 0).unwrap(), 3);
    assert!(
        device
            .store
            .list(Listing::WorkDay(end.day_of(&now), end))
            .unwrap()
            .is_empty()
    );
    // The worker's own view of the day survives the purge.
    let today = device.store.day_counts(contacts[0].local_date()).unwrap();
    assert_eq!((today.contacts, today.materials["seringues"]), (3, 6));
    let status = device
        .store
        .status(contacts[0].local_date(), tournee::domain::Lang::Fr)
        .unwrap();
    assert!(status.last_sync_at.is_some() && status.last_error.is_none());
    assert_eq!((status.waiting_records, status.waiting_batches), (0, 0));

    // Nothing new: a second sync sends nothing and stores nothing.
    let again = server
        .sync(&mut device.store, &options(None))
        .await
        .unwrap();
    assert_eq!((again.sealed, again.delivered), (0, 0));
    assert_eq!(server.envelopes().await, 1);
}

#[tokio::test]
async fn a_response_lost_after_the_server_committed_is_retried_and_stored_once() {
    let server = TestServer::spawn().await;
    let relay = Relay::spawn(&server.url).await;
    let mut device = TestDevice::enroll(&server).await;
    device.log("gatineau", 10);

    relay.set(Mischief::DropResponse);
    let error = server
        .sync(&mut device.store, &options(Some(&relay.url)))
        .await
        .unwrap_err();
    assert!(matches!(error, SyncError::Refused(502)), "{error:?}");
    assert_eq!(server.envelopes().await, 1, "the server committed");
    assert_eq!(
        device.store.count_pending().unwrap(),
        1,
        "nothing purged without a receipt"
    );

    relay.set(Mischief::None);
    let report = server
        .sync(&mut device.store, &options(Some(&relay.url)))
        .await
        .unwrap();
    assert_eq!(
        (report.sealed, report.delivered),
        (0, 1),
        "the same sealed bytes were re-sent"
    );
    assert_eq!(server.envelopes().await, 1, "stored once");
    assert_eq!(device.store.count_pending().unwrap(), 0);
}

#[tokio::test]
async fn portal_pages_and_truncated_altered_or_forged_receipts_change_nothing() {
    let server = TestServer::spawn().await;
    let relay = Relay::spawn(&server.url).await;
    let mut device = TestDevice::enroll(&server).await;
    let contact = device.log("papineau", 5);
    let day = contact.local_date();

    let cases = [
        (Mischief::CaptivePortal, "not_tournee"),
        (Mischief::Truncate, "bad_receipt"),
        (Mischief::Alter, "bad_receipt"),
        (Mischief::Forge, "bad_receipt"),
    ];
    for (mischief, kind) in cases {
        relay.set(mischief);
        let error = server
            .sync(&mut device.store, &options(Some(&relay.url)))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), kind, "{mischief:?}: {error:?}");
        assert_eq!(
            device.store.count_pending().unwrap(),
            1,
            "{mischief:?} purged something"
        );
        assert_eq!(device.store.list(Listing::Pending).unwrap().len(), 1);
        let status = device.store.status(day, tournee::domain::Lang::Fr).unwrap();
        assert_eq!(status.last_error_kind.as_deref(), Some(kind));
        assert_eq!(status.waiting_batches, 1);
    }
    let status = device.store.status(day, tournee::domain::Lang::En).unwrap();
    assert!(status.last_error.unwrap().contains("Nothing was erased"));
    relay.set(Mischief::CaptivePortal);
    server
        .sync(&mut device.store, &options(Some(&relay.url)))
        .await
        .unwrap_err();
    let status = device.store.status(day, tournee::domain::Lang::En).unwrap();
    assert!(status.last_error.unwrap().contains("Wi-Fi sign-in page"));

    // A later real sync delivers, once.
    let report = server
        .sync(&mut device.store, &options(None))
        .await
        .unwrap();
    assert_eq!(report.delivered, 1);
    assert_eq!(device.store.count_pending().unwrap(), 0);
    assert_eq!(server.envelopes().await, 1);
    assert!(
        device
            .store
            .status(day, tournee::domain::Lang::Fr)
            .unwrap()
            .last_error
            .is_none()
    );
}

#[tokio::test]
async fn a_revoked_device_is_refused_and_its_status_says_so() {
    let server = TestServer::spawn().await;
    let mut device = TestDevice::enroll(&server).await;
    let contact = device.log("pontiac", 2);
    let device_id = device.store.enrollment().unwrap().unwrap().device_id;
    server
        .server
        .admin()
        .revoke_device(device_id)
        .await
        .unwrap();

    let error = server
        .sync(&mut device.store, &options(None))
        .await
        .unwrap_err();
    assert!(matches!(error, SyncError::Revoked), "{error:?}");
    assert_eq!(server.envelopes().await, 0);
    assert_eq!(device.store.count_pending().unwrap(), 1);
    let status = device
        .store
        .status(contact.local_date(), tournee::domain::Lang::Fr)
        .unwrap();
    assert!(status.revoked);
    assert!(status.last_error.unwrap().contains("révoqué"));
}

#[tokio::test]
async fn hand_delivered_batches_are_imported_then_a_network_sync_gets_duplicate_receipts_and_purges()
 {
    let server = TestServer::spawn().await;
    let mut device = TestDevice::enroll(&server).await;
    device.log("vallee-de-la-gatineau", 3);
    device.log("vallee-de-la-gatineau", 4);

    device
        .store
        .seal_pending(chrono::Utc::now().timestamp_millis())
        .unwrap();
    let (file, count) = device.store.export_batches().unwrap();
    assert_eq!(count, 1);
    let results = server.server.admin().import_batches(&file).await.unwrap();
    assert_eq!(results.len(), 1);
    assert!(results[0].result.is_ok(), "{:?}", results[0]);
    assert_eq!(server.envelopes().await, 1);
    assert_eq!(
        device.store.count_pending().unwrap(),
        2,
        "hand delivery alone purges nothing"
    );

    let report = server
        .sync(&mut device.store, &options(None))
        .await
        .unwrap();
    assert_eq!(report.delivered, 1);
    assert_eq!(device.store.count_pending().unwrap(), 0);
    assert_eq!(
        server.envelopes().await,
        1,
        "the import and the sync stored it once"
    );
}

#[tokio::test]
async fn a_device_enrolled_against_an_impostor_refuses_the_bundle() {
    let real = TestServer::spawn().await;
    let impostor = TestServer::spawn().await;
    let mut device = TestDevice::new();
    let client = tournee::device::Client::new(&options(None)).unwrap();
    // The code names the real server's key; the impostor answers with its own.
    use tournee::domain::wire::enroll::EnrollCode;
    let mut spliced = EnrollCode::parse(&impostor.code().await).unwrap();
    spliced.fingerprint_prefix = EnrollCode::parse(&real.code().await)
        .unwrap()
        .fingerprint_prefix;
    let error = tournee::device::enroll(
        &mut device.store,
        &client,
        &impostor.url,
        &spliced.to_text(),
        "x",
    )
    .await
    .unwrap_err();
    assert!(matches!(error, SyncError::WrongServer), "{error:?}");
    assert!(
        device.store.enrollment().unwrap().is_none(),
        "nothing saved"
    );
}

#[tokio::test]
async fn many_records_are_sealed_into_batches_of_at_most_500_in_sequence() {
    let server = TestServer::spawn().await;
    let mut device = TestDevice::enroll(&server).await;
    let first = device.log("gatineau", 1);
    let many: Vec<_> = (0..1199)
        .map(|_| first.repeated_at(first.occurred_at))
        .collect();
    device.store.save_all(&many).unwrap();

    assert_eq!(
        device
            .store
            .seal_pending(chrono::Utc::now().timestamp_millis())
            .unwrap(),
        3
    );
    let unsent = device.store.unsent_batches().unwrap();
    assert_eq!(
        unsent.iter().map(|b| b.seq).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    // Sealing again makes nothing new and leaves the stored bytes alone.
    assert_eq!(
        device
            .store
            .seal_pending(chrono::Utc::now().timestamp_millis())
            .unwrap(),
        0
    );
    assert_eq!(device.store.unsent_batches().unwrap(), unsent);

    let report = server
        .sync(&mut device.store, &options(None))
        .await
        .unwrap();
    assert_eq!(report.delivered, 3);
    assert_eq!(server.envelopes().await, 3);
    assert_eq!(device.store.count_pending().unwrap(), 0);
}

#[tokio::test]
async fn a_sync_cut_off_midway_keeps_what_was_receipted_and_the_next_sends_the_rest_in_order() {
    let server = TestServer::spawn().await;
    let relay = Relay::spawn(&server.url).await;
    let mut device = TestDevice::enroll(&server).await;
    let first = device.log("gatineau", 1);
    let many: Vec<_> = (0..1199)
        .map(|_| first.repeated_at(first.occurred_at))
        .collect();
    device.store.save_all(&many).unwrap();

    // The first receipt comes back; the second batch reaches the server
    // but its answer is lost.
    relay.set(Mischief::DropResponsesAfter(1));
    let error = server
        .sync(&mut device.store, &options(Some(&relay.url)))
        .await
        .unwrap_err();
    assert!(matches!(error, SyncError::Refused(502)), "{error:?}");
    assert_eq!(server.envelopes().await, 2, "the server committed two");
    let unsent = device.store.unsent_batches().unwrap();
    assert_eq!(
        unsent.iter().map(|b| b.seq).collect::<Vec<_>>(),
        vec![2],
        "the batch without a receipt is kept as sealed; the rest waits unsealed"
    );
    assert_eq!(device.store.count_pending().unwrap(), 700);

    relay.set(Mischief::None);
    let report = server
        .sync(&mut device.store, &options(Some(&relay.url)))
        .await
        .unwrap();
    assert_eq!(
        (report.sealed, report.delivered),
        (1, 2),
        "batch 2 re-sent as it was, then the last sealed and sent"
    );
    assert_eq!(server.envelopes().await, 3, "each batch stored once");
    assert_eq!(device.store.count_pending().unwrap(), 0);
    assert!(device.store.unsent_batches().unwrap().is_empty());
    assert_eq!(server.records().await, 1200, "every contact applied once");
}

#[tokio::test]
async fn once_a_receipt_covers_a_batch_no_file_of_the_phone_holds_its_envelope() {
    let server = TestServer::spawn().await;
    let mut device = TestDevice::enroll(&server).await;
    device.log("pontiac", 2);
    device.log("gatineau", 3);
    device
        .store
        .seal_pending(chrono::Utc::now().timestamp_millis())
        .unwrap();
    let unsent = device.store.unsent_batches().unwrap();
    assert_eq!(unsent.len(), 1);
    let envelope = unsent[0].envelope.clone();
    // Windows of the ciphertext (after the 119-byte header): the codes are
    // sealed in there, to keys the server keeps.
    let windows: Vec<&[u8]> = [200, envelope.len() / 2, envelope.len() - 100]
        .iter()
        .map(|&at| &envelope[at..at + 48])
        .collect();
    let home = device.path();
    let held = |windows: &[&[u8]]| {
        std::fs::read_dir(&home)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_file())
            .any(|path| {
                let bytes = std::fs::read(&path).unwrap();
                windows
                    .iter()
                    .any(|w| bytes.windows(w.len()).any(|b| b == *w))
            })
    };
    assert!(held(&windows), "before the receipt, the envelope waits");

    let report = server
        .sync(&mut device.store, &options(None))
        .await
        .unwrap();
    assert_eq!(report.delivered, 1);
    assert!(
        !held(&windows),
        "a phone file still holds the delivered envelope"
    );
    // The night's records stay readable all the same.
    assert_eq!(
        device
            .store
            .list(Listing::WorkDay(
                DayEnd::DEFAULT.day_of(&chrono::Local::now().fixed_offset()),
                DayEnd::DEFAULT
            ))
            .unwrap()
            .len(),
        2
    );
}
