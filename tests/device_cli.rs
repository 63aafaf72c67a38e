//! `tournee device` as a script would drive it: the real binary, a real
//! home directory, one process per command, the PIN from TOURNEE_PIN.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

struct Device {
    home: tempfile::TempDir,
}

impl Device {
    fn new() -> Device {
        let device = Device {
            home: tempfile::tempdir().unwrap(),
        };
        device.ok(&["init"]);
        device
    }

    fn run_with(&self, pin: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tournee"))
            .arg("device")
            .arg("--home")
            .arg(self.home.path())
            .args(args)
            .env("TOURNEE_PIN", pin)
            .env_remove("TOURNEE_LANG")
            .env_remove("TOURNEE_NEW_PIN")
            .output()
            .unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with("482193", args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    fn waiting(&self) -> u64 {
        self.json(&["status", "--json"])["waiting_records"]
            .as_u64()
            .unwrap()
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.home.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

const LOG: &[&str] = &[
    "log",
    "--zone",
    "pontiac",
    "--kind",
    "known",
    "--people",
    "1",
    "--age-band",
    "18-24",
    "--gender",
    "femme",
    "--material",
    "seringues=10",
    "--material",
    "trousses-naloxone=1",
    "--returned-syringes",
    "6",
    "--referral",
    "clsc",
    "--intervention",
    "ecoute",
    "--code",
    "Côté-2001",
    "--duration",
    "15",
];

const SHEET_HEADER: &str = "occurred_at,zone,kind,people,age_band,gender,materials,returned_syringes,referrals,interventions,code\n";

fn sheet_row(zone: &str, people: &str) -> String {
    let at = (chrono::Local::now() - chrono::Duration::hours(3)).format("%Y-%m-%d %H:%M");
    format!("{at},{zone},group,{people},25-34,,condoms=12;lubrifiant=4,,hebergement;dpj,,\n")
}

#[test]
fn log_and_import_round_trip_through_list_across_processes() {
    let device = Device::new();
    let id = device.ok(LOG).trim().to_string();
    assert_eq!(id.len(), 36, "log prints the record id: {id}");
    let sheet = device.write(
        "sheet.csv",
        &format!(
            "{SHEET_HEADER}{}{}",
            sheet_row("gatineau", "3"),
            sheet_row("papineau", "5")
        ),
    );
    let said = device.ok(&["import", "--csv", &sheet]);
    assert!(said.contains("Contacts importés : 2"), "{said}");

    let listed = device.json(&["list", "--json"]);
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let logged = &rows[0];
    assert_eq!(logged["record_id"], id.as_str());
    assert_eq!(logged["zone"], "pontiac");
    assert_eq!(logged["materials"]["seringues"], 10);
    assert_eq!(logged["returned_syringes"], 6);
    assert_eq!(logged["duration_min"], 15);
    assert_eq!(logged["has_code"], true);
    assert!(
        logged.get("person_code").is_none(),
        "the code is never printed"
    );
    assert_eq!(rows[1]["zone"], "gatineau");
    assert_eq!(rows[2]["people_count"], 5);
    assert_eq!(
        rows[2]["referrals"],
        serde_json::json!(["dpj", "hebergement"])
    );
    assert_eq!(device.waiting(), 3);

    let today = device.ok(&["list", "--today"]);
    assert!(
        today.contains("Pontiac") && today.contains("[avec code]"),
        "{today}"
    );
}

#[test]
fn a_wrong_pin_is_refused_with_exit_code_2_and_a_plain_message() {
    let device = Device::new();
    let out = device.run_with("9999", &["list"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "erreur : NIP incorrect. Rien n'a été ouvert."
    );
    let out = device.run_with("12", &["list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("NIP : de 4 à 128 caractères."),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_log_input_names_each_field_and_what_is_allowed_and_writes_nothing() {
    let device = Device::new();
    let out = device.run(&[
        "--lang",
        "en",
        "log",
        "--zone",
        "laval",
        "--kind",
        "group",
        "--people",
        "1",
        "--age-band",
        "18-24",
        "--material",
        "seringues=10001",
        "--material",
        "condoms",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(
        text.contains("zone: \"laval\" does not exist. Allowed: gatineau, collines-de-l-outaouais"),
        "{text}"
    );
    assert!(
        text.contains("\"condoms\" must be written id=quantity"),
        "{text}"
    );
    let out = device.run(&[
        "--lang",
        "en",
        "log",
        "--zone",
        "gatineau",
        "--kind",
        "group",
        "--people",
        "1",
        "--age-band",
        "18-24",
        "--material",
        "seringues=10001",
    ]);
    let text = stderr(&out);
    assert!(
        text.contains("materials given (materials): 10001 is out of range. Allowed: 0 to 10000."),
        "{text}"
    );
    assert!(
        text.contains("a group contact counts at least 2 people"),
        "{text}"
    );
    let future = (chrono::Local::now() + chrono::Duration::hours(30)).to_rfc3339();
    let out = device.run(&[
        "log",
        "--zone",
        "gatineau",
        "--kind",
        "first",
        "--people",
        "1",
        "--age-band",
        "18-24",
        "--at",
        &future,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("plus de 24 h dans le futur"),
        "{}",
        stderr(&out)
    );
    assert_eq!(device.waiting(), 0);
}

#[test]
fn an_import_with_one_bad_row_saves_nothing_and_reports_every_bad_row() {
    let device = Device::new();
    let rows = [
        sheet_row("gatineau", "3"),
        sheet_row("laval", "3"),
        sheet_row("pontiac", "1"),
    ]
    .concat();
    let sheet = device.write("bad.csv", &format!("{SHEET_HEADER}{rows}"));
    let out = device.run(&["import", "--csv", &sheet]);
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(
        text.contains("ligne 3 — zone : « laval » n'existe pas"),
        "{text}"
    );
    assert!(
        text.contains("ligne 4 — nombre de personnes (people) : un contact de groupe"),
        "{text}"
    );
    assert!(
        text.contains("Aucun contact importé. Erreurs : 2."),
        "{text}"
    );
    assert_eq!(device.waiting(), 0);

    let good = device.write(
        "good.csv",
        &format!("{SHEET_HEADER}{}", sheet_row("gatineau", "3")),
    );
    device.ok(&["import", "--csv", &good]);
    let again = device.run(&["import", "--csv", &good]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("déjà été importé"),
        "{}",
        stderr(&again)
    );
    assert_eq!(device.waiting(), 1);
}

#[test]
fn a_voided_contact_is_marked_and_its_void_waits_to_be_sent() {
    let device = Device::new();
    let id = device.ok(LOG).trim().to_string();
    let said = device.ok(&["void", &id]);
    assert!(said.contains(&id), "{said}");
    let rows = device.json(&["list", "--json"]);
    assert_eq!(rows[0]["voided"], true);
    assert_eq!(rows[1]["type"], "void");
    assert_eq!(rows[1]["target"], id.as_str());
    assert_eq!(device.json(&["status", "--json"])["today"]["contacts"], 0);
    let twice = device.run(&["void", &id]);
    assert_eq!(twice.status.code(), Some(2));
    let garbage = device.run(&["void", "not-an-id"]);
    assert_eq!(garbage.status.code(), Some(2));
    assert!(
        stderr(&garbage).contains("n'est pas un identifiant"),
        "{}",
        stderr(&garbage)
    );
}

#[test]
fn the_catalog_lists_every_section_with_ids_labels_and_active_flags() {
    let device = Device::new();
    let catalog = device.json(&["catalog", "--json"]);
    for section in [
        "materials",
        "zones",
        "referrals",
        "interventions",
        "age_bands",
        "genders",
    ] {
        let entries = catalog[section]
            .as_array()
            .unwrap_or_else(|| panic!("{section}"));
        assert!(!entries.is_empty(), "{section}");
        for entry in entries {
            assert!(entry["id"].is_string() && entry["fr"].is_string() && entry["en"].is_string());
            assert!(entry["active"].is_boolean());
        }
    }
    assert!(
        device
            .ok(&["catalog", "--lang", "en"])
            .contains("Naloxone kits")
    );
    assert!(device.ok(&["catalog"]).contains("Trousses de naloxone"));
}

#[test]
fn init_refuses_an_existing_store_and_commands_refuse_a_missing_one() {
    let device = Device::new();
    let out = device.run(&["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("existe déjà"));
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(["--lang", "en", "device", "--home"])
        .arg(empty.path().join("none"))
        .arg("status")
        .env("TOURNEE_PIN", "482193")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tournee device init"),
        "{}",
        stderr(&out)
    );
    assert!(
        !Path::new(&empty.path().join("none")).exists(),
        "nothing created"
    );
}

#[test]
fn change_pin_takes_the_new_pin_and_refuses_the_old_one() {
    let device = Device::new();
    device.ok(LOG);
    let out = Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(["device", "--home"])
        .arg(device.home.path())
        .arg("change-pin")
        .env("TOURNEE_PIN", "482193")
        .env("TOURNEE_NEW_PIN", "7391-nuit")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(device.run(&["list"]).status.code(), Some(2));
    assert!(device.run_with("7391-nuit", &["list"]).status.success());
}
