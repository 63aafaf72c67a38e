//! The server's settings: through the real binary, a TOML file, the
//! `TOURNEE__…` environment and the flags, in that order of precedence, and
//! bad settings refused with the key named and exit code 2; through real
//! HTTP, the limits they set.

mod binary;

use binary::{run, stderr, stdout, tournee};
use std::path::Path;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tournee::server::{Config, Server, ServerKeys, serve};

fn write(dir: &Path, text: &str) -> String {
    let path = dir.join("tournee.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// `serve --print-config` with `extra` arguments and environment.
fn printed(config: &str, args: &[&str], env: &[(&str, &str)]) -> toml::Table {
    let mut command = tournee(&["serve", "--config", config, "--print-config"]);
    command.args(args).envs(env.iter().copied());
    let out = run(command, "");
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).parse().unwrap()
}

#[test]
fn settings_come_from_defaults_then_the_file_then_the_environment_then_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let in_file = dir.path().join("fichier");
    let config = write(
        dir.path(),
        &format!(
            "[server]\nlisten = \"0.0.0.0:9000\"\ndata = {:?}\n[org]\nname = \"Organisme du fichier\"\n",
            in_file.to_str().unwrap()
        ),
    );
    let file_only = printed(&config, &[], &[]);
    assert_eq!(file_only["server"]["listen"].as_str(), Some("0.0.0.0:9000"));
    assert_eq!(file_only["server"]["data"].as_str(), in_file.to_str());
    assert_eq!(
        file_only["org"]["name"].as_str(),
        Some("Organisme du fichier")
    );
    assert_eq!(
        file_only["limits"]["request_timeout_secs"].as_integer(),
        Some(60)
    );
    assert_eq!(file_only["enroll"]["code_ttl_hours"].as_integer(), Some(24));

    let env = [
        ("TOURNEE__SERVER__DATA", "/srv/env"),
        ("TOURNEE__ORG__NAME", "Organisme de l'environnement"),
        ("TOURNEE__ENROLL__CODE_TTL_HOURS", "12"),
    ];
    let with_env = printed(&config, &[], &env);
    assert_eq!(with_env["server"]["data"].as_str(), Some("/srv/env"));
    assert_eq!(with_env["server"]["listen"].as_str(), Some("0.0.0.0:9000"));
    assert_eq!(
        with_env["org"]["name"].as_str(),
        Some("Organisme de l'environnement")
    );
    assert_eq!(with_env["enroll"]["code_ttl_hours"].as_integer(), Some(12));

    let flags = ["--data", "/srv/flag", "--listen", "127.0.0.1:0"];
    let with_flags = printed(&config, &flags, &env);
    assert_eq!(with_flags["server"]["data"].as_str(), Some("/srv/flag"));
    assert_eq!(with_flags["server"]["listen"].as_str(), Some("127.0.0.1:0"));
    assert_eq!(
        with_flags["org"]["name"].as_str(),
        Some("Organisme de l'environnement")
    );

    // TOURNEE_SERVER_DATA is the older spelling of --data: above the settings, below the flag.
    let alias = [
        ("TOURNEE__SERVER__DATA", "/srv/env"),
        ("TOURNEE_SERVER_DATA", "/srv/alias"),
    ];
    let with_alias = printed(&config, &[], &alias);
    assert_eq!(with_alias["server"]["data"].as_str(), Some("/srv/alias"));
    assert_eq!(
        printed(&config, &["--data", "/srv/flag"], &alias)["server"]["data"].as_str(),
        Some("/srv/flag")
    );
    assert!(!in_file.exists(), "printing the settings opens nothing");
}

#[test]
fn a_bad_setting_exits_2_names_the_key_and_what_is_allowed_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("srv");
    let config = write(
        dir.path(),
        "[limits]\nrequest_timeout_secs = \"soixante\"\n",
    );
    let mut command = tournee(&["serve", "--config", &config, "--data"]);
    command.arg(&data);
    let out = run(command, "");
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(
        text.contains(&format!("limits.request_timeout_secs dans {config}")),
        "{text}"
    );
    assert!(text.contains("« soixante » n'est pas permis"), "{text}");
    assert!(text.contains("un nombre entier de 1 à 3600"), "{text}");
    assert!(!data.exists());

    let mut command = tournee(&["--lang", "en", "admin", "list-devices", "--data"]);
    command.arg(&data).env("TOURNEE__ENROLL__MAX_FAILURES", "0");
    let out = run(command, "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "environment variable TOURNEE__ENROLL__MAX_FAILURES: \"0\" is not allowed. \
             Allowed: a whole number from 1 to 1000."
        ),
        "{}",
        stderr(&out)
    );
    assert!(!data.exists());

    let mut command = tournee(&["--lang", "en", "serve", "--data"]);
    command.arg(&data).env("TOURNEE__SERVER__PORT", "8080");
    let out = run(command, "");
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(text.contains("Unknown setting: environment variable TOURNEE__SERVER__PORT"));
    assert!(text.contains("TOURNEE__SERVER__LISTEN"), "{text}");

    let missing = dir.path().join("absent.toml");
    let out = run(
        tournee(&["serve", "--config", missing.to_str().unwrap()]),
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("absent.toml"));
}

#[test]
fn admin_commands_take_the_data_directory_and_code_validity_from_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("srv");
    let config = write(
        dir.path(),
        &format!(
            "[server]\ndata = {:?}\n[enroll]\ncode_ttl_hours = 12\n",
            data.to_str().unwrap()
        ),
    );
    let out = run(tournee(&["admin", "--config", &config, "enroll-code"]), "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("valide 12 h"), "{}", stdout(&out));
    assert!(data.join("keys").exists());
    let args = ["admin", "--config", &config, "enroll-code", "--ttl", "2"];
    let out = run(tournee(&args), "");
    assert!(stdout(&out).contains("valide 2 h"), "{}", stdout(&out));
}

#[cfg(unix)]
#[test]
fn serve_takes_the_organization_name_from_the_settings_and_keeps_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("srv");
    let before = ServerKeys::load_or_create(&data).unwrap();
    let config = write(
        dir.path(),
        "[org]\nname = \"Travail de rue de l'Outaouais\"\n",
    );
    let mut command = tournee(&["serve", "--listen", "127.0.0.1:0", "--config", &config]);
    command.arg("--data").arg(&data);
    let text = binary::serve_start_lines(command);
    assert!(
        text.contains("Organisme : Travail de rue de l'Outaouais ("),
        "{text}"
    );
    let after = ServerKeys::load_or_create(&data).unwrap();
    assert_eq!(after.org_name, "Travail de rue de l'Outaouais");
    assert_eq!(after.org_id, before.org_id);
    assert_eq!(after.current_sealing().kid, before.current_sealing().kid);

    let mut command = tournee(&["--lang", "en", "serve", "--listen", "127.0.0.1:0"]);
    command
        .arg("--data")
        .arg(&data)
        .env("TOURNEE__ORG__NAME", "Outaouais Street Work");
    let text = binary::serve_start_lines(command);
    assert!(
        text.contains("Organization: Outaouais Street Work ("),
        "{text}"
    );
    assert_eq!(
        ServerKeys::load_or_create(&data).unwrap().org_id,
        before.org_id
    );
}

/// A server on 127.0.0.1:0 with `config`, until the returned sender is dropped.
async fn spawn(
    data: &Path,
    config: &Config,
) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let server = Server::open_with(data, config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve(listener, server, async {
        let _ = stopped.await;
    }));
    (address, stop)
}

/// Sends `request` and returns the status line of the answer.
async fn status_line(address: std::net::SocketAddr, request: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = stream.read(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn a_request_slower_than_the_configured_timeout_gets_408() {
    let data = tempfile::tempdir().unwrap();
    let config = Config::load(
        None,
        [("TOURNEE__LIMITS__REQUEST_TIMEOUT_SECS".into(), "1".into())],
    )
    .unwrap();
    let (address, _stop) = spawn(data.path(), &config).await;
    let started = std::time::Instant::now();
    // The body announces 100 bytes and sends 10: the server waits, then gives up.
    let request =
        b"POST /api/v1/batches HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789";
    let line = status_line(address, request).await;
    assert!(line.starts_with("HTTP/1.1 408"), "{line}");
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_millis(900),
        "{waited:?}"
    );
    assert!(waited < std::time::Duration::from_secs(30), "{waited:?}");
}

#[tokio::test]
async fn enrollment_failures_are_limited_as_configured() {
    let data = tempfile::tempdir().unwrap();
    let config =
        Config::load(None, [("TOURNEE__ENROLL__MAX_FAILURES".into(), "2".into())]).unwrap();
    let (address, _stop) = spawn(data.path(), &config).await;
    let body = serde_json::json!({
        "secret": "00".repeat(16), "device_public_key": "11".repeat(32),
        "label": "Nuit 3", "app_version": "0.1.0"
    })
    .to_string();
    let request = format!(
        "POST /api/v1/enroll HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(status_line(address, request.as_bytes()).await);
    }
    assert!(statuses[0].starts_with("HTTP/1.1 403"), "{statuses:?}");
    assert!(statuses[1].starts_with("HTTP/1.1 403"), "{statuses:?}");
    assert!(statuses[2].starts_with("HTTP/1.1 429"), "{statuses:?}");
}

#[test]
fn the_retention_rule_is_read_from_its_section_and_refused_outside_its_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "[retention]\ncontact_months = 60\ndaily_purge = false\n",
    );
    let set = printed(&config, &[], &[("TOURNEE__RETENTION__AUDIT_MONTHS", "72")]);
    let retention = &set["retention"];
    assert_eq!(retention["contact_months"].as_integer(), Some(60));
    assert_eq!(retention["audit_months"].as_integer(), Some(72));
    assert_eq!(retention["daily_purge"].as_bool(), Some(false));
    let defaults = printed(&write(dir.path(), ""), &[], &[]);
    assert_eq!(
        defaults["retention"]["contact_months"].as_integer(),
        Some(24)
    );
    assert_eq!(defaults["retention"]["audit_months"].as_integer(), Some(36));
    assert_eq!(defaults["retention"]["daily_purge"].as_bool(), Some(true));
    for (name, value, allowed) in [
        ("TOURNEE__RETENTION__CONTACT_MONTHS", "2", "de 3 à 120"),
        ("TOURNEE__RETENTION__AUDIT_MONTHS", "121", "de 3 à 120"),
        ("TOURNEE__RETENTION__DAILY_PURGE", "parfois", "true"),
    ] {
        let mut command = tournee(&["serve", "--print-config"]);
        command.env(name, value);
        let out = run(command, "");
        assert_eq!(out.status.code(), Some(2), "{name}={value}");
        assert!(
            stderr(&out).contains(name) && stderr(&out).contains(allowed),
            "{}",
            stderr(&out)
        );
    }
}
