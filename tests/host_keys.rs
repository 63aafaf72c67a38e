//! The host's key on a real PostgreSQL: no organization's secret key is
//! in the database bare (a dump opens nothing), a host given another key
//! file is refused with a message naming that file, and keys stored bare
//! by a host before schema 5 are wrapped at the next connect and keep
//! working.

mod common;

use common::pg::test_db;
use tournee::domain::crypto::sign::Signer;
use tournee::server::store::postgres::{PgHost, parse_url};
use tournee::server::store::slug::Slug;
use uuid::Uuid;

const NOW: i64 = 1_790_000_000_000;

async fn raw(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn the_database_holds_no_bare_key_and_opens_only_with_its_host_key() {
    let Some(db) = test_db().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("host.key");
    let config = parse_url(&db.url).unwrap();
    let host = PgHost::connect_keyed(config.clone(), &key_file)
        .await
        .unwrap();
    let org = host
        .create_org(&Slug::parse("alpha").unwrap(), "Alpha", NOW)
        .await
        .unwrap();
    let old_kid = host.keys(org.id).await.unwrap().0.current_sealing().kid;
    let new_kid = host.rotate_sealing_key(org.id, NOW + 1).await.unwrap();
    let (keys, _) = host.keys(org.id).await.unwrap();
    assert_eq!(keys.current_sealing().kid, new_kid);

    // What a dump of the database holds.
    let client = raw(&db.url).await;
    let row = client
        .query_one(
            "SELECT signing_pkcs8, pseudonym_key, keys_wrapped FROM organizations WHERE org_id = $1",
            &[&org.id.0],
        )
        .await
        .unwrap();
    let signing: Vec<u8> = row.get(0);
    let pseudonym: Vec<u8> = row.get(1);
    assert!(row.get::<_, bool>(2));
    // A bare PKCS#8 holds its public key, and parses.
    assert!(!contains(&signing, &keys.signing_public_key()));
    assert!(Signer::from_pkcs8(&signing).is_err());
    assert_eq!(pseudonym.len(), 12 + 32 + 16, "sealed, not 32 bare bytes");
    for kid in [old_kid, new_kid] {
        let secret: Vec<u8> = client
            .query_one(
                "SELECT secret FROM sealing_keys WHERE org_id = $1 AND kid = $2",
                &[&org.id.0, &kid.as_slice()],
            )
            .await
            .unwrap()
            .get(0);
        let bare = keys.sealing_key(&kid).unwrap().secret().to_bytes();
        assert!(
            !contains(&secret, &bare),
            "sealing key {}",
            hex::encode(kid)
        );
    }

    // Another host key is refused, by name, and writes nothing; a missing
    // one is not made anew for a database that has one.
    let missing = dir.path().join("missing.key");
    let refused = PgHost::connect_keyed(config.clone(), &missing)
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("missing.key"), "{refused}");
    assert!(!missing.exists());
    let other = dir.path().join("other.key");
    std::fs::write(&other, [1u8; 32]).unwrap();
    let refused = PgHost::connect_keyed(config.clone(), &other)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains(&other.display().to_string()) && refused.contains("TOURNEE_HOST_KEY"),
        "{refused}"
    );

    // The same from the command line, in plain words.
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(["admin", "--database", &db.url, "list-orgs"])
        .env("TOURNEE_HOST_KEY", &other)
        .env_remove("TOURNEE_LANG")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&cli.stderr);
    assert!(!cli.status.success());
    assert!(
        said.contains("La clé de l'hôte ne convient pas") && said.contains("other.key"),
        "{said}"
    );
    assert!(!said.contains("HostKey("), "no debug dump: {said}");

    // An organization a host before schema 5 stored with bare keys.
    let (signer, pkcs8) = Signer::generate().unwrap();
    let secret = [7u8; 32];
    let public = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(secret));
    let kid = tournee::domain::wire::envelope::kid(public.as_bytes());
    let legacy = Uuid::now_v7();
    client
        .execute(
            "INSERT INTO organizations
                 (org_id, slug, name, created_at, signing_pkcs8, pseudonym_key, catalog, keys_wrapped)
             SELECT $1, 'legacy', 'Legacy', $2, $3, $4, catalog, false
             FROM organizations WHERE org_id = $5",
            &[&legacy, &NOW, &pkcs8, &[9u8; 32].as_slice(), &org.id.0],
        )
        .await
        .unwrap();
    client
        .execute(
            "INSERT INTO sealing_keys (org_id, kid, secret, created_at, current)
             VALUES ($1, $2, $3, $4, true)",
            &[&legacy, &kid.as_slice(), &secret.as_slice(), &NOW],
        )
        .await
        .unwrap();
    let again = PgHost::connect_keyed(config, &key_file).await.unwrap();
    let legacy_org = again.org(&Slug::parse("legacy").unwrap()).await.unwrap();
    let (legacy_keys, _) = again.keys(legacy_org.id).await.unwrap();
    assert_eq!(legacy_keys.signing_public_key(), signer.public_key());
    assert_eq!(legacy_keys.current_sealing().kid, kid);
    let row = client
        .query_one(
            "SELECT signing_pkcs8, keys_wrapped FROM organizations WHERE org_id = $1",
            &[&legacy],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(1));
    assert_ne!(row.get::<_, Vec<u8>>(0), pkcs8);
    let stored: Vec<u8> = client
        .query_one(
            "SELECT secret FROM sealing_keys WHERE org_id = $1",
            &[&legacy],
        )
        .await
        .unwrap()
        .get(0);
    assert!(!contains(&stored, &secret));
    // The first organization is as it was.
    assert_eq!(
        again.keys(org.id).await.unwrap().0.signing_public_key(),
        keys.signing_public_key()
    );
    drop(client);
    db.drop().await;
}
