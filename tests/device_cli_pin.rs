//! The rule for new PINs in `tournee device`, through the real binary: a
//! 4-digit PIN refused at `init` and `change-pin`, a passphrase taken,
//! and a store from before the rule that still opens with every record,
//! with a warning on each command until its PIN is changed.

mod common;

use std::path::Path;
use std::process::{Command, Output};

const RULE: &str = "NIP : au moins 6 chiffres, ou une phrase de passe d'au moins 8 caractères dont au moins une lettre.";
const WARNING: &str = "Attention : ce NIP est trop court pour protéger le carnet si quelqu'un en copie le fichier. Changez-le avec « tournee device change-pin »";

fn device(home: &Path, pin: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tournee"))
        .arg("device")
        .arg("--home")
        .arg(home)
        .args(args)
        .env("TOURNEE_PIN", pin)
        .env_remove("TOURNEE_LANG")
        .env_remove("TOURNEE_NEW_PIN")
        .output()
        .unwrap()
}

fn change_pin(home: &Path, pin: &str, new: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(["device", "--home"])
        .arg(home)
        .arg("change-pin")
        .env("TOURNEE_PIN", pin)
        .env("TOURNEE_NEW_PIN", new)
        .env_remove("TOURNEE_LANG")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn init_refuses_a_four_digit_pin_with_the_rule_and_makes_nothing() {
    for short in ["4821", "48213", "abcdefg", "12-34-56-78"] {
        let home = tempfile::tempdir().unwrap();
        let out = device(home.path(), short, &["init"]);
        assert_eq!(out.status.code(), Some(2), "{short:?}");
        assert_eq!(stderr(&out).trim(), format!("erreur : {RULE}"));
        assert!(!home.path().join("tournee.db").exists(), "{short:?}");
    }
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(["--lang", "en", "device", "--home"])
        .arg(home.path())
        .arg("init")
        .env("TOURNEE_PIN", "4821")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "PIN: at least 6 digits, or a passphrase of at least 8 characters including at least one letter."
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn init_takes_six_digits_or_a_passphrase_and_warns_about_neither() {
    for pin in ["482193", "tuque bleue de nuit"] {
        let home = tempfile::tempdir().unwrap();
        assert!(device(home.path(), pin, &["init"]).status.success());
        let out = device(home.path(), pin, &["status"]);
        assert!(out.status.success());
        assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    }
}

#[test]
fn change_pin_refuses_a_short_new_pin_and_the_old_one_still_opens() {
    let home = tempfile::tempdir().unwrap();
    assert!(device(home.path(), "482193", &["init"]).status.success());
    let out = change_pin(home.path(), "482193", "1357");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out).trim(), format!("erreur : {RULE}"));
    assert!(device(home.path(), "482193", &["list"]).status.success());
}

#[test]
fn an_old_four_digit_store_opens_with_every_record_and_warns_on_each_command() {
    let home = tempfile::tempdir().unwrap();
    common::old_store::make(home.path(), "4821", &["pontiac", "gatineau"]);

    let list = device(home.path(), "4821", &["list", "--json"]);
    assert!(list.status.success(), "{}", stderr(&list));
    assert!(stderr(&list).contains(WARNING), "{}", stderr(&list));
    // The warning goes to stderr: the JSON still reads.
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let zones: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["zone"].as_str().unwrap())
        .collect();
    assert_eq!(zones, ["pontiac", "gatineau"]);
    let status = device(home.path(), "4821", &["status"]);
    assert!(status.status.success());
    assert!(stderr(&status).contains(WARNING), "{}", stderr(&status));

    // A new PIN that meets the rule: no more warning, nothing lost.
    let out = change_pin(home.path(), "4821", "735142");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        device(home.path(), "4821", &["list"]).status.code(),
        Some(2)
    );
    let list = device(home.path(), "735142", &["list", "--json"]);
    assert!(list.status.success());
    assert!(stderr(&list).is_empty(), "{}", stderr(&list));
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
}
