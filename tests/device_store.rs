//! The device store through its library API, on real SQLite files in a
//! temporary directory: durability across reopening, PIN handling, voids,
//! per-day counts, erasing, and the promise that no plaintext reaches the disk.

use chrono::{DateTime, Duration, FixedOffset};
use tournee::device::{Listing, Pin, Store, StoreError};
use tournee::domain::{Catalog, Contact, ContactDraft, Record};

fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

fn pin(text: &str) -> Pin {
    Pin::parse(text).unwrap()
}

fn draft(zone: &str, material: (&str, &str), code: Option<&str>) -> ContactDraft {
    ContactDraft {
        zone: zone.into(),
        kind: "known".into(),
        people: "2".into(),
        age_band: "18-24".into(),
        gender: Some("non-binaire".into()),
        materials: vec![(material.0.into(), material.1.into())],
        returned_syringes: Some("3".into()),
        referrals: vec!["aide-juridique".into()],
        interventions: vec!["prevention-exploitation".into()],
        code: code.map(str::to_string),
        ..Default::default()
    }
}

fn contact(zone: &str, material: (&str, &str), code: Option<&str>) -> Contact {
    draft(zone, material, code)
        .parse(&Catalog::default_quebec(), now())
        .unwrap()
}

#[test]
fn saved_contacts_survive_closing_and_reopening_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let first = contact("pontiac", ("trousses-naloxone", "2"), Some("Gagné-1999"));
    {
        let mut store =
            Store::create(dir.path(), &pin("246813"), &Catalog::default_quebec()).unwrap();
        store.save(&first).unwrap();
    }
    let store = Store::open(dir.path(), &pin("246813")).unwrap();
    let listed = store.list(Listing::Pending).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].record, Record::Contact(first.clone()));
    assert_eq!(store.count_pending().unwrap(), 1);
    let today = store.list(Listing::Day(first.local_date())).unwrap();
    assert_eq!(today.len(), 1);
    let yesterday = store
        .list(Listing::Day(first.local_date() - Duration::days(1)))
        .unwrap();
    assert!(yesterday.is_empty());
}

#[test]
fn a_wrong_pin_opens_nothing_and_changing_the_pin_keeps_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(dir.path(), &pin("246813"), &Catalog::default_quebec()).unwrap();
    store
        .save(&contact("gatineau", ("seringues", "10"), None))
        .unwrap();
    drop(store);

    assert!(matches!(
        Store::open(dir.path(), &pin("135791")),
        Err(StoreError::WrongPin)
    ));

    let mut store = Store::open(dir.path(), &pin("246813")).unwrap();
    assert!(matches!(
        store.change_pin(&pin("0000"), &pin("975318")),
        Err(StoreError::WrongPin)
    ));
    store
        .change_pin(&pin("246813"), &pin("une phrase de passe"))
        .unwrap();
    drop(store);

    assert!(matches!(
        Store::open(dir.path(), &pin("246813")),
        Err(StoreError::WrongPin)
    ));
    let store = Store::open(dir.path(), &pin("une phrase de passe")).unwrap();
    assert_eq!(store.list(Listing::Pending).unwrap().len(), 1);
}

#[test]
fn creating_over_an_existing_store_or_opening_a_missing_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Store::open(dir.path(), &pin("246813")),
        Err(StoreError::Missing(_))
    ));
    Store::create(dir.path(), &pin("246813"), &Catalog::default_quebec()).unwrap();
    let again = Store::create(dir.path(), &pin("111111"), &Catalog::default_quebec());
    assert!(matches!(again, Err(StoreError::Exists(_))));
    // The first PIN still opens it: the refused create changed nothing.
    Store::open(dir.path(), &pin("246813")).unwrap();
}

#[test]
fn erasing_a_store_removes_its_file_and_journals_and_leaves_the_rest_of_home() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("prefs.json"), "{}").unwrap();
    let store = Store::create(dir.path(), &pin("246813"), &Catalog::default_quebec()).unwrap();
    let location = store.location().clone();
    assert_eq!(location, tournee::device::Location::from(dir.path()));
    assert!(dir.path().join("tournee.db-wal").exists());
    drop(store);
    // A journal left by a crash goes too.
    std::fs::write(dir.path().join("tournee.db-journal"), "").unwrap();
    Store::erase(&location).unwrap();
    assert!(!Store::exists(dir.path()));
    let mut left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, ["prefs.json"]);
    // Nothing to erase is not an error, and a new store can be made there.
    Store::erase(dir.path()).unwrap();
    Store::create(dir.path(), &pin("246813"), &Catalog::default_quebec()).unwrap();
}

#[test]
fn a_void_takes_the_contact_out_of_the_day_counts_and_is_itself_pending() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(dir.path(), &pin("246813"), &Catalog::default_quebec()).unwrap();
    let kept = contact("gatineau", ("seringues", "10"), None);
    let mistaken = contact("gatineau", ("seringues", "100"), None);
    store.save_all(&[kept.clone(), mistaken.clone()]).unwrap();
    let day = kept.local_date();
    assert_eq!(store.day_counts(day).unwrap().materials["seringues"], 110);

    let void = store.void(mistaken.record_id, now()).unwrap();
    assert_eq!(void.target, mistaken.record_id);
    let counts = store.day_counts(day).unwrap();
    assert_eq!(
        (
            counts.contacts,
            counts.people,
            counts.materials["seringues"]
        ),
        (1, 2, 10)
    );
    assert_eq!(store.count_pending().unwrap(), 3);

    let listed = store.list(Listing::Pending).unwrap();
    let voided: Vec<bool> = listed.iter().map(|l| l.voided).collect();
    assert_eq!(voided, vec![false, true, false]);

    assert!(matches!(
        store.void(mistaken.record_id, now()),
        Err(StoreError::AlreadyVoided(_))
    ));
    assert!(matches!(
        store.void(void.record_id, now()),
        Err(StoreError::VoidOfVoid(_))
    ));
    let stranger = tournee::domain::RecordId::new();
    assert!(matches!(
        store.void(stranger, now()),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.count_pending().unwrap(),
        3,
        "refused voids wrote nothing"
    );
}

#[test]
fn per_day_counts_follow_each_contacts_local_date() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(dir.path(), &pin("246813"), &Catalog::default_quebec()).unwrap();
    let mut yesterday = draft("papineau", ("condoms", "4"), None);
    yesterday.occurred_at = Some(now() - Duration::days(1));
    let yesterday = yesterday.parse(&Catalog::default_quebec(), now()).unwrap();
    let today = contact("papineau", ("condoms", "6"), None);
    store.save_all(&[yesterday.clone(), today.clone()]).unwrap();
    assert_eq!(
        store.day_counts(today.local_date()).unwrap().materials["condoms"],
        6
    );
    assert_eq!(
        store.day_counts(yesterday.local_date()).unwrap().materials["condoms"],
        4
    );
    assert_eq!(
        store
            .day_counts(today.local_date() + Duration::days(3))
            .unwrap()
            .contacts,
        0
    );
}

#[test]
fn usual_counts_sum_the_earlier_days_and_the_worker_s_day() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(dir.path(), &pin("246813"), &Catalog::default_quebec()).unwrap();
    let mut earlier = draft("papineau", ("condoms", "4"), None);
    earlier.occurred_at = Some(now() - Duration::days(3));
    let earlier = earlier.parse(&Catalog::default_quebec(), now()).unwrap();
    let mut too_old = draft("papineau", ("garrots", "9"), None);
    too_old.occurred_at = Some(now() - Duration::days(40));
    let too_old = too_old
        .parse(&Catalog::default_quebec(), now())
        .unwrap_or_else(|e| panic!("{e:?}"));
    store.save_all(&[earlier.clone(), too_old]).unwrap();
    let day = now().date_naive();
    let mut tonight = tournee::device::DayCounts::default();
    tonight.add(&contact("papineau", ("seringues", "10"), None));
    let usual = store.usual_counts(day, &tonight).unwrap();
    assert_eq!(usual.materials["condoms"], 4);
    assert_eq!(usual.materials["seringues"], 10);
    assert_eq!(usual.referrals["aide-juridique"], 2);
    assert!(!usual.materials.contains_key("garrots"), "past four weeks");
    // Read once for the day: the next view adds tonight's new counts.
    tonight.add(&contact("papineau", ("seringues", "5"), None));
    let usual = store.usual_counts(day, &tonight).unwrap();
    assert_eq!(usual.materials["seringues"], 15);
    assert_eq!(usual.materials["condoms"], 4);
}

#[test]
fn a_shift_left_open_past_its_day_ends_at_its_last_record_with_its_zones() {
    use tournee::device::DayEnd;
    use tournee::domain::{OpenShift, ShiftEnd};
    let dir = tempfile::tempdir().unwrap();
    let catalog = Catalog::default_quebec();
    let mut store = Store::create(dir.path(), &pin("246813"), &catalog).unwrap();
    let started = now() - Duration::days(2);
    let open = OpenShift::start(started, "2", &["papineau".into()], &catalog).unwrap();
    store.put_open_shift(&open).unwrap();
    // Changing the team keeps the start.
    let later = OpenShift::start(started + Duration::hours(1), "3", &[], &catalog).unwrap();
    store.put_open_shift(&later).unwrap();
    assert_eq!(store.open_shift().unwrap().unwrap().started_at, started);
    let mut during = draft("pontiac", ("condoms", "4"), None);
    during.occurred_at = Some(started + Duration::minutes(75));
    store.save(&during.parse(&catalog, now()).unwrap()).unwrap();
    let end = DayEnd::DEFAULT;
    let shift = store.end_shift_if_day_over(now(), end).unwrap().unwrap();
    assert_eq!(shift.ended_by, ShiftEnd::DayOver);
    assert_eq!(shift.minutes(), 75, "ended at its last record");
    assert_eq!(shift.team_size.get(), 3);
    let zones: Vec<&str> = shift.zones.iter().map(|z| z.as_str()).collect();
    assert_eq!(
        zones,
        ["pontiac"],
        "the later team set no zone; its contact's zone joins"
    );
    assert!(store.open_shift().unwrap().is_none());
    assert!(store.end_shift_if_day_over(now(), end).unwrap().is_none());
    let pending = store.list(Listing::Pending).unwrap();
    assert!(matches!(pending.last().unwrap().record, Record::Shift(_)));
    // Tonight's shift stays open.
    store
        .put_open_shift(&OpenShift::start(now(), "1", &[], &catalog).unwrap())
        .unwrap();
    assert!(store.end_shift_if_day_over(now(), end).unwrap().is_none());
    assert!(matches!(
        store.end_shift(now() - Duration::hours(1), ShiftEnd::Worker, end),
        Ok(s) if s.minutes() == 0
    ));
    assert!(matches!(
        store.end_shift(now(), ShiftEnd::Worker, end),
        Err(StoreError::NoShift)
    ));
}

#[test]
fn the_same_paper_sheet_cannot_be_imported_twice() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(dir.path(), &pin("246813"), &Catalog::default_quebec()).unwrap();
    let sheet = b"the exact bytes of a sheet";
    let rows = [contact("gatineau", ("seringues", "1"), None)];
    store.save_import(sheet, &rows).unwrap();
    assert!(matches!(
        store.save_import(sheet, &rows),
        Err(StoreError::AlreadyImported)
    ));
    assert_eq!(store.count_pending().unwrap(), 1);
}

/// Every file in the store's directory, raw, after the store is closed
/// (and, separately, while it is open with a live WAL).
fn raw_bytes(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.display().to_string(), std::fs::read(&path).unwrap())
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn assert_absent(files: &[(String, Vec<u8>)], needles: &[&str]) {
    assert!(!files.is_empty());
    for (name, bytes) in files {
        for needle in needles {
            assert!(
                !contains(bytes, needle),
                "{needle:?} found in plaintext in {name}"
            );
        }
    }
}

#[test]
fn no_contact_data_reaches_the_database_its_wal_or_its_journal_in_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let needles = [
        "vallee-de-la-gatineau",
        "Vallée-de-la-Gatineau",
        "bandelettes-fentanyl",
        "prevention-exploitation",
        "aide-juridique",
        "XQZWTREMBLAY1987",
        "XQZW-Tremblay",
        "people_count",
        "occurred_at",
        "seringues",
    ];
    let mut store = Store::create(dir.path(), &pin("246813"), &Catalog::default_quebec()).unwrap();
    let mut contacts = Vec::new();
    for _ in 0..300 {
        contacts.push(contact(
            "vallee-de-la-gatineau",
            ("bandelettes-fentanyl", "7"),
            Some("XQZW-Tremblay 1987"),
        ));
    }
    contacts.push(contact("gatineau", ("seringues", "10"), None));
    // The scan would see these values if they were written as the app holds them.
    let plain = serde_json::to_vec(&contacts[0]).unwrap();
    for needle in [
        "vallee-de-la-gatineau",
        "bandelettes-fentanyl",
        "XQZWTREMBLAY1987",
        "people_count",
    ] {
        assert!(contains(&plain, needle), "{needle}");
    }
    store.save_all(&contacts[..150]).unwrap();
    for one in &contacts[150..] {
        store.save(one).unwrap();
    }
    store.void(contacts[0].record_id, now()).unwrap();
    // While open, the WAL holds the latest pages: scan it as it is.
    let open_files = raw_bytes(dir.path());
    assert!(
        open_files.iter().any(|(name, _)| name.ends_with("-wal")),
        "expected a live WAL"
    );
    assert_absent(&open_files, &needles);
    drop(store);
    assert_absent(&raw_bytes(dir.path()), &needles);
}
