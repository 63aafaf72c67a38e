//! The regional host's PostgreSQL backend, on a real PostgreSQL (see
//! `common::pg`): its schema migrates once even when two servers start
//! together, a newer schema is refused, and each organization gets keys
//! of its own that no other organization's phones or batches can use.

mod common;

use common::pg::test_db;
use tournee::domain::PersonCode;
use tournee::server::ServerError;
use tournee::server::store::OrgId;
use tournee::server::store::postgres::{PgHost, schema};
use tournee::server::store::slug::Slug;

fn slug(text: &str) -> Slug {
    Slug::parse(text).unwrap()
}

#[tokio::test]
async fn the_schema_migrates_once_even_from_two_hosts_at_once_and_a_newer_one_is_refused() {
    let Some(db) = test_db().await else { return };
    let (a, b) = tokio::join!(PgHost::connect(&db.url), PgHost::connect(&db.url));
    let (a, _b) = (a.unwrap(), b.unwrap());
    a.create_org(&slug("cactus"), "Cactus Montréal", 1)
        .await
        .unwrap();
    // Connecting again migrates nothing and keeps what is there.
    let again = PgHost::connect(&db.url).await.unwrap();
    assert_eq!(again.orgs().await.unwrap().len(), 1);

    db.execute(&format!(
        "INSERT INTO schema_migrations (version) VALUES ({})",
        schema::VERSION + 1
    ))
    .await;
    match PgHost::connect(&db.url).await {
        Err(ServerError::Newer { found, supported }) => {
            assert_eq!((found, supported), (schema::VERSION + 1, schema::VERSION));
        }
        other => panic!("a newer schema must be refused: {other:?}"),
    }
    db.drop().await;
}

#[tokio::test]
async fn each_organization_has_keys_of_its_own() {
    let Some(db) = test_db().await else { return };
    let host = PgHost::connect(&db.url).await.unwrap();
    let cactus = host
        .create_org(&slug("cactus"), "  Cactus Montréal ", 1)
        .await
        .unwrap();
    let rue = host
        .create_org(&slug("rue-action"), "Rue Action", 2)
        .await
        .unwrap();
    assert_eq!(cactus.name, "Cactus Montréal");
    assert_ne!(cactus.id, rue.id);

    // A slug is one organization; nothing is written for a second one.
    assert!(matches!(
        host.create_org(&slug("cactus"), "Autre", 3).await,
        Err(ServerError::SlugTaken(s)) if s == "cactus"
    ));
    assert!(matches!(
        host.create_org(&slug("vide"), " ", 3).await,
        Err(ServerError::OrgName { .. })
    ));
    let listed: Vec<String> = host
        .orgs()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.slug.to_string())
        .collect();
    assert_eq!(listed, ["cactus", "rue-action"]);
    assert_eq!(host.org(&slug("rue-action")).await.unwrap(), rue);
    assert!(matches!(
        host.org(&slug("nulle-part")).await,
        Err(ServerError::UnknownSlug(s)) if s == "nulle-part"
    ));
    let stranger = OrgId(uuid::Uuid::now_v7());
    assert!(matches!(
        host.keys(stranger).await,
        Err(ServerError::UnknownOrg(id)) if id == stranger.0
    ));

    let (cactus_keys, cactus_pseudonyms) = host.keys(cactus.id).await.unwrap();
    let (rue_keys, rue_pseudonyms) = host.keys(rue.id).await.unwrap();
    assert_eq!(cactus_keys.org_id, cactus.id.0);
    assert_eq!(cactus_keys.org_name, "Cactus Montréal");
    assert_ne!(
        cactus_keys.signing_public_key(),
        rue_keys.signing_public_key()
    );
    let (cactus_kid, rue_kid) = (
        cactus_keys.current_sealing().kid,
        rue_keys.current_sealing().kid,
    );
    assert_ne!(cactus_kid, rue_kid);
    // A batch sealed for one organization finds no key in the other's.
    assert!(rue_keys.sealing_key(&cactus_kid).is_none());
    // The same person code is not the same pseudonym across organizations:
    // the region cannot link people between them.
    let code = PersonCode::parse("Foxtrot-76").unwrap();
    assert_ne!(
        cactus_pseudonyms.pseudonym(&code),
        rue_pseudonyms.pseudonym(&code)
    );
    // Keys read twice are the same keys (nothing is made on read).
    let (reread, reread_pseudonyms) = host.keys(cactus.id).await.unwrap();
    assert_eq!(
        reread.signing_public_key(),
        cactus_keys.signing_public_key()
    );
    assert_eq!(
        reread_pseudonyms.pseudonym(&code),
        cactus_pseudonyms.pseudonym(&code)
    );
    db.drop().await;
}

#[tokio::test]
async fn a_rotation_takes_effect_at_once_for_that_organization_only() {
    let Some(db) = test_db().await else { return };
    let host = PgHost::connect(&db.url).await.unwrap();
    let cactus = host.create_org(&slug("cactus"), "Cactus", 1).await.unwrap();
    let rue = host
        .create_org(&slug("rue-action"), "Rue Action", 1)
        .await
        .unwrap();
    let old = host.keys(cactus.id).await.unwrap().0.current_sealing().kid;
    let rue_before = host.keys(rue.id).await.unwrap().0.current_sealing().kid;

    let new = host.rotate_sealing_key(cactus.id, 5).await.unwrap();
    assert_ne!(new, old);
    let (keys, _) = host.keys(cactus.id).await.unwrap();
    assert_eq!(keys.current_sealing().kid, new, "no restart needed");
    assert!(keys.sealing_key(&old).is_some(), "late batches still open");
    assert_eq!(
        host.keys(rue.id).await.unwrap().0.current_sealing().kid,
        rue_before
    );
    let stranger = OrgId(uuid::Uuid::now_v7());
    assert!(matches!(
        host.rotate_sealing_key(stranger, 6).await,
        Err(ServerError::UnknownOrg(_))
    ));
    db.drop().await;
}

#[tokio::test]
async fn an_unreachable_database_is_named_plainly() {
    // A port nothing listens on: the host says the database does not answer.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let error = PgHost::connect(&format!("postgres://tournee:secret@127.0.0.1:{port}/x"))
        .await
        .unwrap_err();
    let text = error.message(tournee::domain::i18n::Lang::En);
    assert!(
        text.starts_with("The server's database does not answer"),
        "{text}"
    );
    assert!(
        !text.contains("secret"),
        "the password is never shown: {text}"
    );
}
