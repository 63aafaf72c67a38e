//! Supervisor accounts through the real binary and real data directories:
//! `admin create-supervisor` with the password on standard input, what
//! ends up on disk, `list-supervisors`, `disable-supervisor`, the check the
//! dashboard will call, and `serve`'s first-start hint.

mod binary;

use binary::{run, stderr, stdout, tournee};
use std::path::Path;
use std::process::Output;
use tournee::server::admin::Admin;
use tournee::server::{ServerError, db};

const SECRET: &str = "tuque rouge en hiver";

fn admin_cmd(data: &Path, lang: &str, args: &[&str], input: &str) -> Output {
    let mut command = tournee(&["--lang", lang, "admin", "--data"]);
    command.arg(data).args(args);
    run(command, input)
}

fn create(data: &Path, name: &str, input: &str) -> Output {
    admin_cmd(data, "fr", &["create-supervisor", name], input)
}

#[tokio::test]
async fn create_supervisor_takes_the_first_line_of_stdin_as_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("srv");
    let out = create(
        &data,
        " Émilie Gagnon ",
        &format!("{SECRET}\nsecond line\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Compte de supervision « Émilie Gagnon » créé.\n"
    );
    assert!(
        Admin::open(&data)
            .unwrap()
            .verify_supervisor("Émilie Gagnon", SECRET)
            .await
            .unwrap()
    );
    assert!(
        Admin::open(&data)
            .unwrap()
            .verify_supervisor("ÉMILIE GAGNON", SECRET)
            .await
            .unwrap()
    );
    assert!(
        !Admin::open(&data)
            .unwrap()
            .verify_supervisor("Émilie Gagnon", "second line")
            .await
            .unwrap()
    );
    assert!(
        !Admin::open(&data)
            .unwrap()
            .verify_supervisor("Personne", SECRET)
            .await
            .unwrap()
    );

    // A Windows line ending is not part of the password; spaces are.
    let out = create(&data, "Marc", "  espaces autour  \r\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        Admin::open(&data)
            .unwrap()
            .verify_supervisor("Marc", "  espaces autour  ")
            .await
            .unwrap()
    );
    assert!(
        !Admin::open(&data)
            .unwrap()
            .verify_supervisor("Marc", "espaces autour")
            .await
            .unwrap()
    );
}

#[test]
fn a_password_under_12_characters_exits_2_says_the_minimum_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("srv");
    let out = create(&data, "Émilie", "court\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("au moins 12 caractères"),
        "{}",
        stderr(&out)
    );
    assert!(!data.exists(), "nothing written for a refused password");
    let out = admin_cmd(&data, "en", &["create-supervisor", "Émilie"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("at least 12 characters"),
        "{}",
        stderr(&out)
    );
    let out = create(&data, "a\u{1b}[2J", &format!("{SECRET}\n"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("de 1 à 64 caractères"),
        "{}",
        stderr(&out)
    );
    assert!(!data.exists());
}

#[tokio::test]
async fn a_name_taken_in_other_capitals_exits_2_and_keeps_the_first_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = create(dir.path(), "Marc", &format!("{SECRET}\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = create(dir.path(), "MARC", "un autre mot de passe\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("« Marc » existe déjà"),
        "{}",
        stderr(&out)
    );
    assert!(
        Admin::open(dir.path())
            .unwrap()
            .verify_supervisor("marc", SECRET)
            .await
            .unwrap()
    );
    assert!(
        !Admin::open(dir.path())
            .unwrap()
            .verify_supervisor("marc", "un autre mot de passe")
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_disabled_account_is_listed_as_such_and_no_longer_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let empty = admin_cmd(data, "fr", &["list-supervisors"], "");
    assert_eq!(stdout(&empty), "Aucun compte de supervision.\n");
    for name in ["Émilie", "Marc"] {
        assert!(create(data, name, &format!("{SECRET}\n")).status.success());
    }
    let out = admin_cmd(data, "fr", &["disable-supervisor", "marc"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("désactivé"), "{}", stdout(&out));
    assert!(
        !Admin::open(data)
            .unwrap()
            .verify_supervisor("Marc", SECRET)
            .await
            .unwrap()
    );
    assert!(
        Admin::open(data)
            .unwrap()
            .verify_supervisor("Émilie", SECRET)
            .await
            .unwrap()
    );

    let table = stdout(&admin_cmd(data, "en", &["list-supervisors"], ""));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(
        lines[1].contains("active") && lines[1].ends_with("Émilie"),
        "{table}"
    );
    assert!(
        lines[2].contains("disabled") && lines[2].ends_with("Marc"),
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&admin_cmd(
        data,
        "en",
        &["list-supervisors", "--json"],
        "",
    )))
    .unwrap();
    assert_eq!(json[0]["name"], "Émilie");
    assert_eq!(json[0]["disabled"], false);
    assert_eq!(json[1]["disabled"], true);
    assert!(json[1]["disabled_at"].is_string());

    let out = admin_cmd(data, "en", &["disable-supervisor", "Personne"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("No supervisor account \"Personne\""));
}

#[test]
fn only_a_salted_hash_is_stored_never_the_password() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["Émilie", "Marc"] {
        assert!(
            create(dir.path(), name, &format!("{SECRET}\n"))
                .status
                .success()
        );
    }
    let conn = db::open(dir.path()).unwrap();
    let rows: Vec<(Vec<u8>, u32, Vec<u8>)> = conn
        .prepare("SELECT salt, iterations, hash FROM supervisors")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 2);
    for (salt, iterations, hash) in &rows {
        assert_eq!((salt.len(), hash.len()), (16, 32));
        assert!(*iterations >= 600_000);
    }
    assert_ne!(rows[0].0, rows[1].0, "each account has its own salt");
    assert_ne!(rows[0].2, rows[1].2, "same password, different hashes");
    drop(conn);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let found = bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes());
            assert!(!found, "the password is in {}", path.display());
        }
    }
}

#[tokio::test]
async fn a_hash_stored_with_too_few_iterations_is_reported_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        create(dir.path(), "Marc", &format!("{SECRET}\n"))
            .status
            .success()
    );
    let conn = db::open(dir.path()).unwrap();
    conn.execute("UPDATE supervisors SET iterations = 1000", [])
        .unwrap();
    assert!(matches!(
        Admin::open(dir.path())
            .unwrap()
            .verify_supervisor("Marc", SECRET)
            .await,
        Err(ServerError::Damaged(_))
    ));
}

#[cfg(unix)]
#[test]
fn serve_explains_how_to_create_the_first_supervisor_until_there_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("mes données");
    let serve = |lang: &str| {
        let mut command = tournee(&["--lang", lang, "serve", "--listen", "127.0.0.1:0"]);
        command.arg("--data").arg(&data);
        binary::serve_start_lines(command)
    };
    let quoted = format!("'{}'", data.display());
    let fr = serve("fr");
    assert!(
        fr.contains("Aucun compte de supervision pour l'instant."),
        "{fr}"
    );
    let command = format!("tournee admin --data {quoted} create-supervisor NOM");
    assert!(fr.contains(&command), "{fr}");
    let en = serve("en");
    assert!(en.contains("No supervisor account yet."), "{en}");
    let command = format!("tournee admin --data {quoted} create-supervisor NAME");
    assert!(en.contains(&command), "{en}");

    assert!(
        create(&data, "Émilie", &format!("{SECRET}\n"))
            .status
            .success()
    );
    let fr = serve("fr");
    assert!(!fr.contains("create-supervisor"), "{fr}");
    assert!(fr.contains("Serveur arrêté proprement."), "{fr}");
}
