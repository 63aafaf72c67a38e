//! `tournee serve` and `tournee admin` as a supervisor's script drives them:
//! the real binary, a real data directory, one process per command.

mod raw_device;

use raw_device::{TestDevice, enroll_body};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use tournee::domain::crypto::sign::Signer;
use tournee::domain::wire::enroll::{EnrollCode, Signed, encode_hand_file, verify_bundle};
use tournee::server::{ServerKeys, db, enroll};

fn tournee(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("TOURNEE_LANG")
        .env_remove("TOURNEE_SERVER_DATA")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(data: &Path, args: &[&str]) -> String {
    let out = tournee(data, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// Enrolls a test device with a code from the CLI, through the library's
/// redeem (no network needed to prepare an import).
fn enrolled_device(data: &Path) -> TestDevice {
    let text = ok(data, &["admin", "enroll-code", "--label", "Téléphone 3"]);
    let code = EnrollCode::parse(text.lines().last().unwrap()).unwrap();
    let keys = ServerKeys::load_or_create(data).unwrap();
    let mut conn = db::open(data).unwrap();
    let (signer, _) = Signer::generate().unwrap();
    let body = enroll_body(&code, &signer, "Téléphone 3").to_string();
    let now = chrono::Utc::now().timestamp_millis();
    let answer = enroll::redeem(&mut conn, &keys, body.as_bytes(), now).unwrap();
    let signed: Signed = serde_json::from_value(answer).unwrap();
    let bundle = verify_bundle(&signed, &code).unwrap();
    TestDevice { signer, bundle }
}

#[test]
fn enroll_code_explains_then_prints_the_code_alone_on_the_last_line() {
    let data = tempfile::tempdir().unwrap();
    let out = ok(data.path(), &["admin", "enroll-code", "--label", "Nuit 3"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 2, "{out}");
    assert!(
        lines[0].contains("« Nuit 3 »") && lines[0].contains("24 h"),
        "{out}"
    );
    let code = EnrollCode::parse(lines.last().unwrap()).expect("the last line is the code");
    let keys = ServerKeys::load_or_create(data.path()).unwrap();
    assert!(code.matches(&keys.signing_public_key()));
    let english = ok(
        data.path(),
        &["--lang", "en", "admin", "enroll-code", "--ttl", "2"],
    );
    assert!(english.contains("valid 2 h, usable once"), "{english}");
    assert!(EnrollCode::parse(english.lines().last().unwrap()).is_some());
}

#[test]
fn bad_input_exits_2_with_a_message_in_the_readers_language() {
    let data = tempfile::tempdir().unwrap();
    let out = tournee(data.path(), &["admin", "enroll-code", "--ttl", "1000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("de 0 à 168 heures"),
        "{}",
        stderr(&out)
    );
    let out = tournee(data.path(), &["admin", "revoke-device", "phone-3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("n'est pas un identifiant d'appareil"));
    let unknown = uuid::Uuid::now_v7().to_string();
    let out = tournee(
        data.path(),
        &["--lang", "en", "admin", "revoke-device", &unknown],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("No device"), "{}", stderr(&out));
    let file = data.path().join("photo.jpg");
    std::fs::write(&file, b"\xff\xd8\xff\xe0").unwrap();
    let out = tournee(
        data.path(),
        &["admin", "import-batches", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Rien n'a été importé"));
}

#[test]
fn import_reports_each_batch_and_exits_2_when_one_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let device = enrolled_device(data.path());
    let (one, two) = (device.seal(1), device.seal(2));
    let file = data.path().join("lots.tournee");
    std::fs::write(
        &file,
        encode_hand_file([
            one.as_slice(),
            two.as_slice(),
            b"not an envelope".as_slice(),
        ]),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = tournee(data.path(), &["admin", "import-batches", path]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("seq 1, lot ") && lines[0].ends_with(": enregistré"));
    assert!(lines[1].starts_with("seq 2, lot ") && lines[1].ends_with(": enregistré"));
    assert!(lines[2].starts_with("enveloppe n° 3 : refusée"), "{text}");
    assert!(lines[3].contains("Lots enregistrés : 2 ; déjà reçus : 0 ; refusés : 1"));

    std::fs::write(&file, encode_hand_file([one.as_slice()])).unwrap();
    let again = ok(
        data.path(),
        &["--lang", "en", "admin", "import-batches", path],
    );
    assert!(again.contains("already stored (duplicate)"), "{again}");

    let listed: serde_json::Value =
        serde_json::from_str(&ok(data.path(), &["admin", "list-devices", "--json"])).unwrap();
    assert_eq!(listed[0]["batches"], 2);
    assert_eq!(listed[0]["revoked"], false);
    let id = device.bundle.device_id.to_string();
    ok(data.path(), &["admin", "revoke-device", &id]);
    let table = ok(data.path(), &["admin", "list-devices"]);
    assert!(table.contains(&id) && table.contains("révoqué"), "{table}");
    assert!(ok(data.path(), &["admin", "list-alerts"]).contains("Aucune alerte."));
}

#[cfg(unix)]
#[test]
fn serve_prints_where_it_listens_answers_and_stops_cleanly_on_sigint() {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data.path())
        .env_remove("TOURNEE_LANG")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let address = first
        .trim()
        .rsplit("http://")
        .next()
        .unwrap()
        .parse::<std::net::SocketAddr>()
        .unwrap_or_else(|_| panic!("no address in {first:?}"));

    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200") && response.ends_with("ok"));

    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(status.success(), "{status:?}");
    assert!(rest.contains("Serveur arrêté proprement."), "{rest}");
}
