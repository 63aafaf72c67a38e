//! The engine's messages against a real server on 127.0.0.1:0 and a real
//! store file: a view enrolls, saves, syncs with no key derived, voids a
//! delivered contact (the void reaches the server), and what an earlier
//! day left is purged once signed for; locking forgets the key.

mod common;

use common::{TestServer, contact_at, month_tally};
use std::time::Duration;
use tournee::device::engine::{
    Answer, Client, Command, EngineHandle, EngineOptions, Snapshot, Stats,
};
use tournee::domain::{Contact, Lang};

const PIN: &str = "482193";

async fn call(client: &Client, command: Command) -> Answer {
    client.call(command, Lang::En).await.unwrap()
}

async fn snapshot(client: &Client) -> Snapshot {
    match call(client, Command::Snapshot).await {
        Answer::Snapshot(snapshot) => *snapshot,
        other => panic!("{other:?}"),
    }
}

async fn stats(client: &Client) -> Stats {
    match call(client, Command::Stats).await {
        Answer::Stats(stats) => stats,
        other => panic!("{other:?}"),
    }
}

/// Waits for the engine's background work to end, then its snapshot.
async fn settled(client: &Client) -> Snapshot {
    for _ in 0..600 {
        let now = snapshot(client).await;
        if !now.sync.busy && !now.enroll.running {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the engine's background work did not end within 15 s");
}

/// A new phone's engine on `home`, its store made and enrolled with
/// `server` by one view, which stays unlocked.
async fn enrolled_view(server: &TestServer, home: &std::path::Path) -> Client {
    let engine = EngineHandle::start(home, EngineOptions::default()).unwrap();
    let view = engine.view();
    let create = Command::Create {
        pin: PIN.into(),
        again: PIN.into(),
    };
    call(&view, create).await;
    let enroll = Command::Enroll {
        server: server.url.clone(),
        code: server.code().await,
        label: "Nuit".into(),
    };
    assert_eq!(call(&view, enroll).await, Answer::Started(true));
    assert!(settled(&view).await.enrolled);
    view
}

fn now_contact() -> Contact {
    let at = chrono::Local::now()
        .fixed_offset()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    contact_at(&at, "pontiac", "known", 2, None, &[])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_view_enrolls_saves_syncs_without_deriving_a_key_and_voids_what_was_sent() {
    let server = TestServer::spawn().await;
    let home = tempfile::tempdir().unwrap();
    let view = enrolled_view(&server, home.path()).await;

    let contact = now_contact();
    let id = contact.record_id;
    call(&view, Command::Save { contact }).await;
    let derived = stats(&view).await.key_derivations;
    assert_eq!(call(&view, Command::SyncNow).await, Answer::Started(true));
    let after = settled(&view).await;
    assert_eq!(after.sync.last, Some(Ok(1)), "{:?}", after.sync.last);
    assert_eq!(
        stats(&view).await.key_derivations,
        derived,
        "a sync derives no key"
    );
    let month = &chrono::Local::now().format("%Y-%m").to_string();
    assert_eq!(month_tally(&server, month).await.contacts, 1);

    // Sent, still listed, voidable; the void goes out at the next sync.
    assert!(after.today[0].delivered);
    call(&view, Command::Void { target: id }).await;
    call(&view, Command::SyncNow).await;
    let voided = settled(&view).await;
    assert_eq!(voided.status.unwrap().today.contacts, 0);
    assert_eq!(month_tally(&server, month).await.contacts, 0);

    call(&view, Command::Lock).await;
    assert!(!stats(&view).await.holds_key, "locking forgets the key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_an_earlier_day_left_goes_once_signed_for_and_todays_stays() {
    let server = TestServer::spawn().await;
    let home = tempfile::tempdir().unwrap();
    let view = enrolled_view(&server, home.path()).await;
    let old = contact_at(
        "2026-03-04T22:00:00-05:00",
        "pontiac",
        "known",
        1,
        None,
        &[],
    );
    let end = tournee::device::DayEnd::DEFAULT;
    let night = tournee::device::Listing::WorkDay(end.day_of(&old.occurred_at), end);
    call(&view, Command::Save { contact: old }).await;
    call(
        &view,
        Command::Save {
            contact: now_contact(),
        },
    )
    .await;
    call(&view, Command::SyncNow).await;
    let after = settled(&view).await;
    assert_eq!(after.sync.last, Some(Ok(1)), "one batch of two records");
    assert_eq!(month_tally(&server, "2026-03").await.contacts, 1);
    // Only tonight's contact is left on the phone, sent.
    assert_eq!(after.today.len(), 1);
    assert!(after.today[0].delivered);
    assert_eq!(after.status.unwrap().waiting_records, 0);
    // The earlier night's contact left the phone's store.
    call(&view, Command::Lock).await;
    let pin = tournee::device::Pin::parse(PIN).unwrap();
    let store = tournee::device::Store::open(home.path(), &pin).unwrap();
    assert!(store.list(night).unwrap().is_empty());
}
