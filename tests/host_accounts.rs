//! The host's accounts and settings (`store/postgres/accounts.rs`) against
//! the embedded SQLite backend: phones, enrollment codes, catalog changes,
//! supervisors and sessions give the same answers and the same audit log
//! on both, and two organizations on one host never see, change or end
//! each other's.

mod common;

use common::contact_at;
use common::pg::test_db;
use std::fmt::Debug;
use std::time::{Duration, Instant};
use tokio_postgres::NoTls;
use tournee::domain::crypto::sign::Signer;
use tournee::domain::wire::batch;
use tournee::domain::wire::enroll::{EnrollCode, EnrollRequest, Signed, verify_bundle};
use tournee::domain::wire::envelope::{SealTo, seal};
use tournee::domain::{Catalog, Record, Section};
use tournee::server::console::audit::{Action, Entry};
use tournee::server::console::catalog::{Change, Refusal};
use tournee::server::console::enrollment::NewCode;
use tournee::server::console::phones::Phone;
use tournee::server::console::sessions::{Lifetimes, NewSession};
use tournee::server::enroll::MAX_TTL_HOURS;
use tournee::server::error::ServerError;
use tournee::server::keys::ServerKeys;
use tournee::server::store::postgres::PgHost;
use tournee::server::store::slug::Slug;
use tournee::server::store::sqlite::SqliteStorage;
use tournee::server::store::{OrgId, Storage};
use tournee::server::supervisors::{
    self, Password, StoredSecret, SupervisorError, SupervisorName, SupervisorRow,
};
use uuid::Uuid;

const NOW_MS: i64 = 1_796_000_000_000; // December 2026

const LIFE: Lifetimes = Lifetimes {
    idle_ms: 30 * 60_000,
    max_ms: 12 * 3_600_000,
};

/// One organization on one backend: the embedded file, or one of the
/// host's. The org id may be one neither holds.
#[derive(Clone, Copy)]
enum Side<'a> {
    Lite(&'a SqliteStorage, OrgId),
    Host(&'a PgHost, OrgId),
}

use Side::{Host, Lite};

fn name(text: &str) -> SupervisorName {
    SupervisorName::parse(text).unwrap()
}

fn password(text: &str) -> Password {
    Password::parse(text).unwrap()
}

/// A result as text, to compare what two backends answered.
fn said<T: Debug, E: Debug>(result: &Result<T, E>) -> String {
    format!("{result:?}")
}

impl Side<'_> {
    fn org(self) -> OrgId {
        match self {
            Lite(_, org) | Host(_, org) => org,
        }
    }

    async fn phones(self) -> Vec<Phone> {
        match self {
            Lite(s, org) => s.phones(org).await.unwrap(),
            Host(s, org) => {
                // What was stored goes through apply first, as the
                // embedded backend's calls wait for theirs.
                s.apply_pending(Some(org)).await.unwrap();
                s.phones(org).await.unwrap()
            }
        }
    }

    async fn label(self, id: Uuid) -> Option<(String, bool)> {
        match self {
            Lite(s, org) => s.phone_label(org, id).await.unwrap(),
            Host(s, org) => s.phone_label(org, id).await.unwrap(),
        }
    }

    async fn revoke(self, id: Uuid, actor: &str, now: i64) -> Option<String> {
        match self {
            Lite(s, org) => s.revoke_phone(org, id, actor.into(), now).await.unwrap(),
            Host(s, org) => s.revoke_phone(org, id, actor, now).await.unwrap(),
        }
    }

    async fn code(self, label: &str, ttl: u32, now: i64) -> Result<NewCode, ServerError> {
        match self {
            Lite(s, org) => {
                s.create_enroll_code(org, "Marie".into(), label.into(), ttl, now)
                    .await
            }
            Host(s, org) => {
                s.create_enroll_code_audited(org, "Marie", label, ttl, now)
                    .await
            }
        }
    }

    /// Redeems `code` for a phone signing with `signer`; its device id.
    async fn enroll(self, code: &NewCode, signer: &Signer) -> Uuid {
        let code = EnrollCode::parse(&code.text).unwrap();
        let body = serde_json::to_vec(&EnrollRequest {
            secret: hex::encode(code.secret),
            device_public_key: hex::encode(signer.public_key()),
            label: "Nuit 3".into(),
            app_version: "0.1.0".into(),
        })
        .unwrap();
        let signed = match self {
            Lite(s, org) => s.redeem_enrollment(org, body, NOW_MS).await.unwrap(),
            Host(s, org) => s.redeem_enrollment(Some(org), &body, NOW_MS).await.unwrap(),
        };
        let signed: Signed = serde_json::from_value(signed).unwrap();
        let bundle = verify_bundle(&signed, &code).unwrap();
        // The code's organization answered.
        assert_eq!(bundle.org_id, self.org().0);
        bundle.device_id
    }

    /// Seals `plaintext` as batch `seq` of `device` and uploads it.
    async fn upload(self, device: Uuid, signer: &Signer, seq: u64, plaintext: &[u8]) {
        let host_keys;
        let keys: &ServerKeys = match self {
            Lite(s, _) => &s.parts().keys,
            Host(s, org) => {
                host_keys = s.keys(org).await.unwrap().0;
                &host_keys
            }
        };
        let sealing = keys.current_sealing();
        let to = SealTo {
            org_id: self.org().0,
            device_id: device,
            kid: sealing.kid,
            recipient: &sealing.public,
            signer,
        };
        let bytes = seal(&to, seq, Uuid::now_v7(), NOW_MS, plaintext).unwrap();
        let receipt = match self {
            Lite(s, org) => s.ingest(org, bytes, NOW_MS + seq as i64).await.unwrap(),
            Host(s, org) => s
                .ingest(Some(org), &bytes, NOW_MS + seq as i64)
                .await
                .unwrap(),
        };
        assert_eq!(
            receipt.receipt.status,
            tournee::domain::wire::ReceiptStatus::Stored
        );
    }

    async fn change(self, change: &Change, now: i64) -> Result<Result<u32, Refusal>, ServerError> {
        match self {
            Lite(s, org) => {
                s.change_catalog(org, "Marie".into(), change.clone(), now)
                    .await
            }
            Host(s, org) => s.change_catalog(org, "Marie", change, now).await,
        }
    }

    async fn catalog(self) -> Catalog {
        match self {
            Lite(s, org) => s.catalog(org).await.unwrap(),
            Host(s, org) => s.catalog(org).await.unwrap(),
        }
    }

    async fn secret(self, typed: &str) -> StoredSecret {
        match self {
            Lite(s, org) => s.supervisor_secret(org, typed.into()).await.unwrap(),
            Host(s, org) => s.supervisor_secret(org, typed).await.unwrap(),
        }
    }

    /// Whether `typed` signs in with `pass`.
    async fn signs_in(self, typed: &str, pass: &str) -> bool {
        supervisors::check(&self.secret(typed).await, pass).unwrap()
    }

    async fn create(self, who: &str, pass: &str, now: i64) -> Result<(), SupervisorError> {
        match self {
            Lite(s, org) => {
                s.create_supervisor(org, name(who), password(pass), now)
                    .await
            }
            Host(s, org) => {
                s.create_supervisor(org, &name(who), &password(pass), now)
                    .await
            }
        }
    }

    async fn disable(self, who: &str, now: i64) -> Result<(), SupervisorError> {
        match self {
            Lite(s, org) => s.disable_supervisor(org, name(who), now).await,
            Host(s, org) => s.disable_supervisor(org, &name(who), now).await,
        }
    }

    async fn supervisors(self) -> Vec<SupervisorRow> {
        match self {
            Lite(s, org) => s.supervisors(org).await.unwrap(),
            Host(s, org) => s.supervisors(org).await.unwrap(),
        }
    }

    async fn refuse(self, typed: &str, now: i64) -> Result<(), ServerError> {
        match self {
            Lite(s, org) => s.refuse_sign_in(org, typed.into(), now).await,
            Host(s, org) => s.refuse_sign_in(org, typed, now).await,
        }
    }

    async fn start(self, who: &str, shown: &str, now: i64) -> NewSession {
        match self {
            Lite(s, org) => {
                s.start_session(org, who.into(), shown.into(), LIFE, now)
                    .await
            }
            Host(s, org) => s.start_session(org, who, shown, LIFE, now).await,
        }
        .unwrap()
    }

    /// The name of the live session of `token`, after checking its CSRF
    /// token is `csrf`.
    async fn find(self, token: &str, csrf: &str, now: i64) -> Option<String> {
        let found = match self {
            Lite(s, org) => s.find_session(org, token.into(), now, LIFE).await,
            Host(s, org) => s.find_session(org, token, now, LIFE).await,
        }
        .unwrap()?;
        assert_eq!(found.csrf, csrf);
        Some(found.name)
    }

    async fn end(self, token: &str, actor: &str, now: i64) -> Result<(), ServerError> {
        match self {
            Lite(s, org) => s.end_session(org, token.into(), actor.into(), now).await,
            Host(s, org) => s.end_session(org, token, actor, now).await,
        }
    }

    /// The whole audit log, newest first.
    async fn log(self) -> Vec<Entry> {
        let (entries, total) = match self {
            Lite(s, org) => s.audit_page(org, 0, 500).await.unwrap(),
            Host(s, org) => s.audit_page(org, 0, 500).await.unwrap(),
        };
        assert_eq!(entries.len() as u64, total);
        entries
    }
}

/// Both backends, each with one organization (the host with two): the
/// embedded one's, Cactus and Rue Action on the host, and an id nobody holds.
struct Fixture {
    _dir: tempfile::TempDir,
    lite: SqliteStorage,
    host: PgHost,
    cactus: OrgId,
    rue: OrgId,
    stranger: OrgId,
}

impl Fixture {
    async fn new(url: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let lite = SqliteStorage::open(dir.path()).unwrap();
        let host = PgHost::connect(url).await.unwrap();
        let mut orgs = Vec::new();
        for (slug, name) in [("cactus", "Cactus"), ("rue-action", "Rue Action")] {
            let slug = Slug::parse(slug).unwrap();
            orgs.push(host.create_org(&slug, name, 1).await.unwrap().id);
        }
        Fixture {
            _dir: dir,
            lite,
            host,
            cactus: orgs[0],
            rue: orgs[1],
            stranger: OrgId(Uuid::now_v7()),
        }
    }

    fn lite(&self) -> Side<'_> {
        Lite(&self.lite, self.lite.org())
    }

    fn cactus(&self) -> Side<'_> {
        Host(&self.host, self.cactus)
    }

    fn rue(&self) -> Side<'_> {
        Host(&self.host, self.rue)
    }
}

/// A phone's row with its id (which each backend draws) left out.
fn without_id(phones: Vec<Phone>) -> Vec<Phone> {
    phones
        .into_iter()
        .map(|mut phone| {
            phone.device.device_id = Uuid::nil();
            phone
        })
        .collect()
}

/// A log with a phone's id (in a revocation's detail) left out.
fn without(id: Uuid, log: Vec<Entry>) -> Vec<Entry> {
    log.into_iter()
        .map(|mut entry| {
            entry.detail = entry.detail.replace(&id.to_string(), "<phone>");
            entry
        })
        .collect()
}

#[tokio::test]
async fn phones_and_codes_are_as_embedded_and_each_organizations_own() {
    let Some(db) = test_db().await else { return };
    let f = Fixture::new(&db.url).await;
    // One signing key for both phones, so their rows differ only by id.
    let (signer, _) = Signer::generate().unwrap();
    let contact = |syringes| {
        let contact = contact_at(
            "2026-11-20T22:00:00-05:00",
            "gatineau",
            "known",
            1,
            None,
            &[("seringues", syringes)],
        );
        batch::encode(&[Record::Contact(contact)])
    };
    let mut ids = Vec::new();
    for side in [f.lite(), f.cactus()] {
        let code = side.code(" Nuit 3 ", 24, NOW_MS).await.unwrap();
        assert_eq!(code.expires_ms, NOW_MS + 24 * 3_600_000);
        assert!(matches!(
            side.code("x", MAX_TTL_HOURS + 1, NOW_MS).await,
            Err(ServerError::Ttl { .. })
        ));
        let id = side.enroll(&code, &signer).await;
        // Batches 1, 2 and 5 apply; 3 cannot be opened and is
        // quarantined; 4 never came.
        for seq in [1, 2, 5] {
            side.upload(id, &signer, seq, &contact(seq as u32)).await;
        }
        side.upload(id, &signer, 3, &[0xff; 1024]).await;
        ids.push(id);
    }
    let (lite_id, cactus_id) = (ids[0], ids[1]);

    let phones = f.lite().phones().await;
    assert_eq!(phones.len(), 1);
    assert_eq!(phones[0].gaps, vec![(4, 4)]);
    assert_eq!((phones[0].quarantined, phones[0].device.batches), (1, 4));
    assert_eq!(without_id(phones), without_id(f.cactus().phones().await));
    assert!(f.rue().phones().await.is_empty());

    // Rue Action neither sees nor revokes Cactus's phone.
    assert_eq!(f.rue().label(cactus_id).await, None);
    assert_eq!(f.rue().revoke(cactus_id, "Luc", NOW_MS + 10).await, None);
    assert_eq!(
        f.cactus().label(cactus_id).await,
        Some(("Nuit 3".into(), false))
    );
    for (side, id) in [(f.lite(), lite_id), (f.cactus(), cactus_id)] {
        assert_eq!(side.label(Uuid::now_v7()).await, None);
        assert_eq!(
            side.revoke(Uuid::now_v7(), "Marie", NOW_MS + 11).await,
            None
        );
        // Twice: both audited, the first time kept.
        for at in [NOW_MS + 20, NOW_MS + 30] {
            assert_eq!(
                side.revoke(id, "Marie", at).await.as_deref(),
                Some("Nuit 3")
            );
        }
        assert_eq!(side.label(id).await, Some(("Nuit 3".into(), true)));
        assert_eq!(
            side.phones().await[0].device.revoked_at_ms,
            Some(NOW_MS + 20)
        );
    }
    let lite_log = f.lite().log().await;
    assert_eq!(
        lite_log
            .iter()
            .map(|e| (e.action, e.target.as_str(), e.detail.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (Some(Action::Revoke), "Nuit 3", lite_id.to_string().as_str()),
            (Some(Action::Revoke), "Nuit 3", lite_id.to_string().as_str()),
            (Some(Action::EnrollCode), "Nuit 3", "24 h"),
        ]
    );
    assert_eq!(
        without(lite_id, lite_log),
        without(cactus_id, f.cactus().log().await)
    );
    assert!(
        f.rue().log().await.is_empty(),
        "nothing was done in Rue Action"
    );

    // A code made in Rue Action is audited there and enrolls a phone there.
    let code = f.rue().code("Rue 1", 2, NOW_MS).await.unwrap();
    let rue_phone = f.rue().enroll(&code, &signer).await;
    assert_eq!(
        f.rue().label(rue_phone).await,
        Some(("Nuit 3".into(), false))
    );
    assert_eq!(f.cactus().label(rue_phone).await, None);
    let log = f.rue().log().await;
    assert_eq!(
        (log.len(), log[0].target.as_str(), log[0].detail.as_str()),
        (1, "Rue 1", "2 h")
    );
    assert!(!log[0].detail.contains(&code.text[..6]));
    assert_eq!(f.cactus().log().await.len(), 3);
    // A code for an organization nobody hosts is refused alike.
    let stranger = f.stranger;
    assert_eq!(
        said(
            &Lite(&f.lite, stranger)
                .code("x", 1, NOW_MS)
                .await
                .map(|c| c.expires_ms)
        ),
        said(
            &Host(&f.host, stranger)
                .code("x", 1, NOW_MS)
                .await
                .map(|c| c.expires_ms)
        ),
    );
    db.drop().await;
}

fn add(section: Section, id: &str, fr: &str, en: &str) -> Change {
    Change::Add {
        section,
        id: id.into(),
        fr: fr.into(),
        en: en.into(),
    }
}

/// Changes of every kind, refused ones included, ending with retiring
/// every zone (the last one refused).
fn changes() -> Vec<Change> {
    let catalog = Catalog::default_quebec();
    let retire = |section, id: &str| Change::Retire {
        section,
        id: id.into(),
    };
    let bundle = |id: &str, materials: &[(&str, &str)], new| Change::PutBundle {
        id: id.into(),
        fr: "Trousse d'hiver".into(),
        en: "Winter kit".into(),
        materials: materials
            .iter()
            .map(|(m, q)| (m.to_string(), q.to_string()))
            .collect(),
        new,
    };
    let mut changes = vec![
        add(Section::Materials, "masques", "Masques", "Masks"),
        add(Section::AgeBands, "", "Moins de 12 ans", "Under 12"),
        add(Section::AgeBands, "", "Moins de 12 ans", "Under 12"),
        add(Section::Materials, "Masques", "M", "M"),
        add(Section::Materials, "condoms", "C", "C"),
        add(Section::Materials, "lampes", " ", "Lamps"),
        retire(Section::Materials, "condoms"),
        retire(Section::Materials, "condoms"),
        retire(Section::Zones, "laval"),
        Change::Reactivate {
            section: Section::Materials,
            id: "condoms".into(),
        },
        Change::Rename {
            section: Section::Zones,
            id: "pontiac".into(),
            fr: " Pontiac (MRC) ".into(),
            en: "Pontiac County".into(),
        },
        Change::Move {
            section: Section::Genders,
            id: catalog.genders[0].id.to_string(),
            up: false,
        },
        Change::Move {
            section: Section::Genders,
            id: catalog.genders[1].id.to_string(),
            up: true,
        },
        bundle("", &[("masques", "101")], true),
        bundle(
            "",
            &[("condoms", "4"), ("garrots", "1"), ("seringues", "")],
            true,
        ),
        bundle("trousse-d-hiver", &[("condoms", "6")], false),
        bundle("trousse-d-hiver", &[("condoms", "6")], false),
        Change::RetireBundle {
            id: "trousse-d-hiver".into(),
        },
    ];
    for zone in catalog.active_ids(Section::Zones) {
        changes.push(retire(Section::Zones, &zone));
    }
    changes
}

#[tokio::test]
async fn catalog_changes_are_as_embedded_and_none_is_lost_or_crosses_over() {
    let Some(db) = test_db().await else { return };
    let f = Fixture::new(&db.url).await;
    let before = f.lite().catalog().await;
    assert_eq!(before, f.cactus().catalog().await);
    let mut answers = Vec::new();
    for (at, change) in changes().iter().enumerate() {
        let lite = f.lite().change(change, at as i64).await;
        let hosted = f.cactus().change(change, at as i64).await;
        assert_eq!(said(&lite), said(&hosted), "{change:?}");
        answers.push(lite.unwrap());
    }
    // The scenario does what it says: versions, refusals and the last zone kept.
    let zones = before.active_ids(Section::Zones).len();
    assert_eq!(answers[0], Ok(before.version + 1));
    assert_eq!(answers[3], Err(Refusal::BadId));
    assert_eq!(answers[4], Err(Refusal::Taken));
    assert_eq!(answers[5], Err(Refusal::Label { lang: "fr" }));
    assert_eq!(answers[7], Err(Refusal::Unchanged));
    assert_eq!(answers[8], Err(Refusal::Unknown));
    assert_eq!(answers.last(), Some(&Err(Refusal::LastActive)));
    let made = answers.iter().filter(|a| a.is_ok()).count();
    assert_eq!(
        answers[12],
        Err(Refusal::Unchanged),
        "the first one moved up"
    );
    assert_eq!(made, 10 + zones - 1, "{answers:?}");
    let after = f.lite().catalog().await;
    assert_eq!(after.version, before.version + made as u32);
    assert!(
        after
            .entry(Section::AgeBands, "moins-de-12-ans-2")
            .is_some()
    );
    assert_eq!(after, f.cactus().catalog().await);
    let log = f.lite().log().await;
    assert_eq!(log.len(), made);
    assert_eq!(log.last().unwrap().target, "materials/masques");
    assert!(log.iter().all(|e| e.action == Some(Action::CatalogChange)));
    assert_eq!(log, f.cactus().log().await);

    // Rue Action's catalog and log are untouched by all of it.
    assert_eq!(f.rue().catalog().await, before);
    assert!(f.rue().log().await.is_empty());

    // Eight supervisors of Rue Action at once: eight versions, none lost.
    let changes = (0..8).map(|i| {
        let host = f.host.clone();
        let rue = f.rue;
        tokio::spawn(async move {
            let change = add(Section::Materials, &format!("extra-{i}"), "Extra", "Extra");
            host.change_catalog(rue, "Luc", &change, 100 + i)
                .await
                .unwrap()
                .unwrap()
        })
    });
    let mut versions = Vec::new();
    for change in changes {
        versions.push(change.await.unwrap());
    }
    versions.sort_unstable();
    let expected: Vec<u32> = (1..=8).map(|n| before.version + n).collect();
    assert_eq!(versions, expected);
    let rue = f.rue().catalog().await;
    assert_eq!(rue.version, before.version + 8);
    for i in 0..8 {
        assert!(
            rue.entry(Section::Materials, &format!("extra-{i}"))
                .is_some()
        );
    }
    assert_eq!(f.rue().log().await.len(), 8);
    assert_eq!(f.cactus().catalog().await, after, "Cactus's is as it was");
    assert_eq!(f.cactus().log().await.len(), made);

    let change = add(Section::Materials, "x", "X", "X");
    assert_eq!(
        said(&Lite(&f.lite, f.stranger).change(&change, 1).await),
        said(&Host(&f.host, f.stranger).change(&change, 1).await)
    );
    db.drop().await;
}

/// The fastest of a few runs: the one least disturbed by other work.
fn fastest(mut check: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            check();
            start.elapsed()
        })
        .min()
        .unwrap()
}

#[tokio::test]
async fn supervisors_are_as_embedded_and_unknown_in_another_organization() {
    let Some(db) = test_db().await else { return };
    let f = Fixture::new(&db.url).await;
    for side in [f.lite(), f.cactus()] {
        let mut answers = Vec::new();
        answers.push(said(
            &side.create("Émilie", "tuque rouge en hiver", 1).await,
        ));
        // Same time: listed in byte order of their folded names, "zoé" first.
        answers.push(said(&side.create("Zoé", "tuque bleue en hiver", 1).await));
        answers.push(said(&side.create("ÉMILIE", "autre mot de passe", 2).await));
        answers.push(said(
            &side.create("E\u{301}milie", "autre mot de passe", 2).await,
        ));
        answers.push(said(&side.create("Marc", "tuque verte en hiver", 3).await));
        answers.push(said(&side.disable("Marc", 5).await));
        answers.push(said(&side.disable("marc", 9).await));
        answers.push(said(&side.disable("Personne", 9).await));
        assert_eq!(
            answers,
            [
                "Ok(())",
                "Ok(())",
                "Err(Exists(\"Émilie\"))",
                "Err(Exists(\"Émilie\"))",
                "Ok(())",
                "Ok(())",
                "Ok(())",
                "Err(Unknown(\"Personne\"))",
            ]
        );
        assert!(side.signs_in(" émilie ", "tuque rouge en hiver").await);
        assert!(!side.signs_in("Émilie", "tuque rouge en hiveR").await);
        assert!(
            !side.signs_in("Marc", "tuque verte en hiver").await,
            "disabled"
        );
        assert!(!side.signs_in("", "tuque rouge en hiver").await);
        assert!(!side.signs_in("Inconnu", "tuque rouge en hiver").await);
    }
    let rows = f.lite().supervisors().await;
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Zoé", "Émilie", "Marc"]);
    assert_eq!(rows[2].disabled_at_ms, Some(5));
    assert_eq!(rows, f.cactus().supervisors().await);

    // In Rue Action, Cactus's accounts do not exist: the dummy secret,
    // which costs a full derivation like a real one.
    assert!(f.rue().supervisors().await.is_empty());
    assert!(!f.rue().signs_in("Émilie", "tuque rouge en hiver").await);
    let known = f.cactus().secret("Émilie").await;
    let elsewhere = f.rue().secret("Émilie").await;
    let known = fastest(|| assert!(!supervisors::check(&known, "mauvais mot de passe").unwrap()));
    let elsewhere =
        fastest(|| assert!(!supervisors::check(&elsewhere, "mauvais mot de passe").unwrap()));
    assert!(
        elsewhere * 3 >= known,
        "another organization's name answered in {elsewhere:?}, a known one in {known:?}"
    );
    assert!(matches!(
        f.rue().disable("Émilie", 10).await,
        Err(SupervisorError::Unknown(_))
    ));
    assert!(f.cactus().signs_in("Émilie", "tuque rouge en hiver").await);
    // Rue Action's own Émilie is another account, with its own password.
    f.rue()
        .create("Émilie", "mitaines de laine", 20)
        .await
        .unwrap();
    assert!(f.rue().signs_in("émilie", "mitaines de laine").await);
    assert!(!f.rue().signs_in("émilie", "tuque rouge en hiver").await);
    assert!(!f.cactus().signs_in("émilie", "mitaines de laine").await);
    assert_eq!(f.cactus().supervisors().await, rows);

    // An organization nobody hosts is refused alike.
    let (lite, host) = (Lite(&f.lite, f.stranger), Host(&f.host, f.stranger));
    assert_eq!(
        said(&lite.create("Anne", "tuque rouge en hiver", 1).await),
        said(&host.create("Anne", "tuque rouge en hiver", 1).await)
    );
    db.drop().await;
}

/// One session script, the same on every backend: the names found (or
/// not) along the way.
async fn sessions_script(side: Side<'_>) -> Vec<Option<String>> {
    side.create("Marie", "tuque rouge en hiver", 0)
        .await
        .unwrap();
    side.create("Luc", "tuque verte en hiver", 0).await.unwrap();
    let mut found = Vec::new();
    // Used at the idle limit, so alive almost two idle periods after start,
    // then gone (deleted, not just refused).
    let s = side.start("marie", "Marie", 1_000).await;
    assert_ne!(s.token, s.csrf);
    for at in [
        LIFE.idle_ms,
        2 * LIFE.idle_ms - 1,
        4 * LIFE.idle_ms,
        2 * LIFE.idle_ms - 1,
    ] {
        found.push(side.find(&s.token, &s.csrf, 1_000 + at).await);
    }
    // Seen-at is rewritten at most once a minute: a use after 30 seconds
    // does not renew it.
    let t0 = 10_000_000;
    let s = side.start("marie", "Marie", t0).await;
    found.push(side.find(&s.token, &s.csrf, t0 + 30_000).await);
    found.push(side.find(&s.token, &s.csrf, t0 + LIFE.idle_ms + 1).await);
    // Sign-out.
    let t0 = 20_000_000;
    let s = side.start("MARIE", "Marie", t0).await;
    side.end(&s.token, "Marie", t0 + 1).await.unwrap();
    found.push(side.find(&s.token, &s.csrf, t0 + 2).await);
    found.push(side.find("not-a-token", "", t0 + 2).await);
    side.refuse("Personne", t0 + 3).await.unwrap();
    // The absolute limit holds for a busy session.
    let t0 = 30_000_000;
    let s = side.start("luc", "Luc", t0).await;
    let mut now = t0;
    while now + LIFE.idle_ms / 2 <= t0 + LIFE.max_ms {
        now += LIFE.idle_ms / 2;
        assert!(side.find(&s.token, &s.csrf, now).await.is_some(), "{now}");
    }
    found.push(side.find(&s.token, &s.csrf, t0 + LIFE.max_ms + 1).await);
    // Disabling an account ends its sessions.
    let t0 = 80_000_000;
    let s = side.start("marie", "Marie", t0).await;
    found.push(side.find(&s.token, &s.csrf, t0 + 1).await);
    side.disable("Marie", t0 + 5).await.unwrap();
    found.push(side.find(&s.token, &s.csrf, t0 + 10).await);
    found
}

/// Rows of `org` in the host's sessions table.
async fn stored_sessions(url: &str, org: OrgId) -> i64 {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.unwrap();
    let task = tokio::spawn(connection);
    let count = client
        .query_one("SELECT count(*) FROM sessions WHERE org_id = $1", &[&org.0])
        .await
        .unwrap()
        .get(0);
    drop(client);
    let _ = task.await;
    count
}

#[tokio::test]
async fn sessions_are_as_embedded_and_never_cross_organizations() {
    let Some(db) = test_db().await else { return };
    let f = Fixture::new(&db.url).await;
    let lite = sessions_script(f.lite()).await;
    let marie = Some("Marie".to_string());
    assert_eq!(
        lite,
        [
            marie.clone(),
            marie.clone(),
            None,
            None,
            marie.clone(),
            None,
            None,
            None,
            None,
            marie,
            None,
        ]
    );
    assert_eq!(lite, sessions_script(f.cactus()).await);
    let log = f.lite().log().await;
    assert_eq!(
        log.iter()
            .rev()
            .map(|e| e.action.unwrap())
            .collect::<Vec<_>>(),
        [
            Action::SignIn,
            Action::SignIn,
            Action::SignIn,
            Action::SignOut,
            Action::SignInRefused,
            Action::SignIn,
            Action::SignIn,
        ]
    );
    assert_eq!(log, f.cactus().log().await);
    assert!(f.rue().log().await.is_empty());

    // Rue Action has a Luc of its own: Cactus's token is still unknown there.
    f.rue().create("Luc", "mitaines de laine", 0).await.unwrap();
    let t0 = 90_000_000;
    let s = f.cactus().start("luc", "Luc", t0).await;
    assert_eq!(f.rue().find(&s.token, &s.csrf, t0 + 1).await, None);
    f.rue().end(&s.token, "Luc", t0 + 2).await.unwrap();
    assert_eq!(
        f.cactus().find(&s.token, &s.csrf, t0 + 3).await.as_deref(),
        Some("Luc"),
        "ending it from Rue Action ended nothing"
    );
    // Rue Action's sign-in sweeps its own sessions only: Cactus's, idle by
    // then, is still stored for Cactus to judge.
    let later = t0 + 3 + LIFE.max_ms + 1;
    let r = f.rue().start("luc", "Luc", later).await;
    assert_eq!(stored_sessions(&db.url, f.cactus).await, 1);
    assert_eq!(
        f.rue().find(&r.token, &r.csrf, later).await.as_deref(),
        Some("Luc")
    );
    assert_eq!(f.cactus().find(&r.token, &r.csrf, later).await, None);
    assert_eq!(f.cactus().find(&s.token, &s.csrf, later).await, None);
    assert_eq!(
        stored_sessions(&db.url, f.cactus).await,
        0,
        "expired, deleted"
    );
    assert_eq!(stored_sessions(&db.url, f.rue).await, 1);
    f.rue().refuse("Cactus", later).await.unwrap();

    // Each log holds what was done there: the sign-out from Rue Action
    // is Rue Action's.
    let rue: Vec<Action> = f
        .rue()
        .log()
        .await
        .iter()
        .rev()
        .map(|e| e.action.unwrap())
        .collect();
    assert_eq!(
        rue,
        [Action::SignOut, Action::SignIn, Action::SignInRefused]
    );
    let cactus = f.cactus().log().await;
    assert_eq!(cactus.len(), log.len() + 1);
    assert_eq!(
        (cactus[0].action, cactus[0].at_ms),
        (Some(Action::SignIn), t0)
    );

    // An organization nobody hosts is refused alike.
    let (lite, host) = (Lite(&f.lite, f.stranger), Host(&f.host, f.stranger));
    assert_eq!(
        said(&lite.refuse("x", 1).await),
        said(&host.refuse("x", 1).await)
    );
    assert_eq!(
        said(&lite.end("token", "x", 1).await),
        said(&host.end("token", "x", 1).await)
    );
    db.drop().await;
}
