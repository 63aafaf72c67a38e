//! Bad input through the real `tournee` binary, as a careless or hostile
//! user would give it: files that are not tally sheets, arguments holding
//! terminal control sequences, server addresses that are not addresses.
//! Each is refused as bad input (exit code 2) with a message that names
//! the field and what is allowed, and nothing is written.

mod binary;

use binary::{run, stderr, tournee};
use std::process::{Command, Output};

const PIN: &str = "482193";
const HEADER: &str = "occurred_at,zone,kind,people,age_band,gender,materials,returned_syringes,referrals,interventions,code\n";
const BAD_ROW: &str = "2026-11-20 23:15,mars,known,1,25-34,,,,,,\n";
/// Address space for a command that must stay small whatever its input.
/// An import holds about 20 MB at most; reading `/dev/zero` whole, as
/// the import once did, fails long before this.
const MEMORY_KIB: u32 = 256 * 1024;

struct Phone {
    home: tempfile::TempDir,
}

impl Phone {
    fn new() -> Phone {
        let phone = Phone {
            home: tempfile::tempdir().unwrap(),
        };
        let out = run(phone.device(&["init"]), "");
        assert!(out.status.success(), "{}", stderr(&out));
        phone
    }

    fn device(&self, args: &[&str]) -> Command {
        let mut command = tournee(&["device", "--home", self.home.path().to_str().unwrap()]);
        command.args(args).env("TOURNEE_PIN", PIN);
        command
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.home.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    fn waiting(&self) -> u64 {
        let out = run(self.device(&["status", "--json"]), "");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["waiting_records"].as_u64().unwrap()
    }
}

/// `command` run by `sh` under `ulimit -v`: past the limit, allocations
/// fail and the command dies or reports running out of memory.
fn within_memory(command: &Command, kib: u32) -> Command {
    let mut limited = Command::new("sh");
    limited
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(command.get_program())
        .args(command.get_args());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => limited.env(name, value),
            None => limited.env_remove(name),
        };
    }
    limited
}

fn refused(out: &Output) -> String {
    let text = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    text
}

#[test]
fn importing_dev_zero_is_refused_as_bad_input_within_bounded_memory() {
    let phone = Phone::new();
    let command = phone.device(&["import", "--csv", "/dev/zero"]);
    let text = refused(&run(within_memory(&command, MEMORY_KIB), ""));
    assert_eq!(
        text,
        "erreur : ligne 1 — fichier CSV (csv) : cette ligne dépasse 4 Kio. Permis : au plus 4 Kio \
         par ligne (une ligne de feuille de compilation en fait bien moins). Est-ce bien un fichier CSV?\n\
         erreur : Aucun contact importé. Erreurs : 1. Corrigez le fichier et recommencez.\n"
    );
    assert_eq!(phone.waiting(), 0);
}

#[test]
fn three_hundred_thousand_bad_rows_are_refused_in_two_lines_within_bounded_memory() {
    let phone = Phone::new();
    let sheet = format!("{HEADER}{}", BAD_ROW.repeat(300_000));
    assert!(sheet.len() > 10_000_000);
    let path = phone.write("huge.csv", sheet.as_bytes());
    let command = phone.device(&["--lang", "en", "import", "--csv", &path]);
    let text = refused(&run(within_memory(&command, MEMORY_KIB), ""));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(
            "error: line 10002 — CSV file (csv): more than 10,000 contacts. Allowed: at most 10,000 contacts a file"
        ),
        "{text}"
    );
    assert_eq!(phone.waiting(), 0);
}

#[test]
fn thousands_of_bad_rows_print_the_first_hundred_problems_and_count_the_rest() {
    let phone = Phone::new();
    let good = "2026-11-20 23:15,gatineau,known,1,25-34,,seringues=10,,,,\n";
    let sheet = format!("{HEADER}{good}{}", BAD_ROW.repeat(5_000));
    let path = phone.write("bad.csv", sheet.as_bytes());
    let text = refused(&run(phone.device(&["import", "--csv", &path]), ""));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 102, "{text}");
    assert!(
        lines[0].starts_with("erreur : ligne 3 — zone : « mars » n'existe pas."),
        "{text}"
    );
    assert!(lines[99].starts_with("erreur : ligne 102 — "), "{text}");
    assert_eq!(lines[100], "erreur : … et 4\u{a0}900 autres problèmes.");
    assert_eq!(
        lines[101],
        "erreur : Aucun contact importé. Erreurs : 5\u{a0}000. Corrigez le fichier et recommencez."
    );
    assert_eq!(
        phone.waiting(),
        0,
        "all or nothing: the good row is not saved"
    );
}

#[test]
fn a_csv_column_given_twice_is_refused_by_name() {
    let phone = Phone::new();
    let header = HEADER.replace('\n', ",returned_syringes\n");
    let sheet = format!("{header}2026-11-20 23:15,gatineau,known,1,25-34,,,,,,,3\n");
    let path = phone.write("twice.csv", sheet.as_bytes());
    let text = refused(&run(
        phone.device(&["--lang", "en", "import", "--csv", &path]),
        "",
    ));
    assert_eq!(
        text,
        "error: line 1 — file columns (columns): \"returned_syringes\" appears twice.\n\
         error: No contact imported. Errors: 1. Fix the file and try again.\n"
    );
    assert_eq!(phone.waiting(), 0);
}

/// No byte of `text` is a control character other than a line break.
fn assert_no_control_bytes(text: &str) {
    let found: Vec<char> = text
        .chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect();
    assert!(
        found.is_empty(),
        "raw control characters {found:?} in {text:?}"
    );
}

#[test]
fn control_characters_from_arguments_and_files_are_escaped_in_every_message() {
    let phone = Phone::new();
    // Retitles the terminal, then clears it.
    let zone = "gat\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}H";
    let log = phone.device(&[
        "log",
        "--zone",
        zone,
        "--kind",
        "known",
        "--people",
        "1",
        "--age-band",
        "18-24",
    ]);
    let text = refused(&run(log, ""));
    assert_no_control_bytes(&text);
    assert!(
        text.contains("zone : « gat\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}H » n'existe pas."),
        "{text}"
    );

    // An argument cannot hold a NUL byte; a file can.
    let sheet = format!("{HEADER}2026-11-20 23:15,a\0b\u{1b}[2J,known,1,25-34,,,,,,\n");
    let path = phone.write("nul.csv", sheet.as_bytes());
    let text = refused(&run(phone.device(&["import", "--csv", &path]), ""));
    assert_no_control_bytes(&text);
    assert!(
        text.contains("« a\\u{0}b\\u{1b}[2J » n'existe pas"),
        "{text}"
    );

    // What the argument parser itself echoes.
    let text = refused(&run(tournee(&["\u{1b}]0;pwned\u{7}"]), ""));
    assert_no_control_bytes(&text);
    assert!(
        text.contains("unrecognized subcommand '\\u{1b}]0;pwned\\u{7}'"),
        "{text}"
    );
    assert_eq!(phone.waiting(), 0);
}

#[test]
fn server_addresses_that_are_not_http_or_https_are_bad_input_not_no_network() {
    let phone = Phone::new();
    let code = "ABCD-EFGH-JKMN-PQRS-TVWX-YZ23-4567-89AB-CDEF-GH";
    for address in [
        "ftp://tournee.example.org",
        "file:///etc/passwd",
        "tournee.example.org",
        "http//tournee.example.org",
        "https://tournee example.org",
        "http://[::1",
        "https://user:secret@tournee.example.org",
    ] {
        for args in [
            vec!["enroll", "--server", address, "--code", code],
            vec!["sync", "--server", address],
        ] {
            let text = refused(&run(phone.device(&args), ""));
            assert!(
                text.starts_with("erreur : adresse du serveur (server) : « "),
                "{args:?}: {text}"
            );
            assert!(
                text.contains(
                    "Permis : http:// ou https:// suivi d'un nom d'hôte ou d'une adresse IP"
                ),
                "{args:?}: {text}"
            );
            assert!(!text.contains("réseau"), "{args:?}: {text}");
        }
    }
    let status = run(phone.device(&["status", "--json"]), "");
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert!(
        json["last_error"].is_null(),
        "not remembered as a sync problem: {json}"
    );
}
