//! The dashboard's monthly report, enrollment and catalog pages through
//! the real HTTP stack: a real `tournee serve` site on loopback, headless
//! phones that log and sync for real, and the real `tournee report` binary
//! to hold the page and the CSV to its numbers.

mod common;

use common::web::{Web, supervisor};
use common::{TestDevice, TestServer, options};
use tournee::domain::catalog::Section;
use tournee::domain::{Contact, ContactDraft};

const PASSWORD: &str = "une phrase de passe solide";

/// A known person's contact at a fixed local time.
fn at(time: &str, zone: &str, code: Option<&str>, materials: &[(&str, u32)]) -> Contact {
    common::contact_at(time, zone, "known", 1, code, materials)
}

/// Every `data-figure="path"` cell of a page and its text, unescaped and
/// without thousands separators.
fn figures(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("data-figure=\"") {
        rest = &rest[at + 13..];
        let key = &rest[..rest.find('"').unwrap()];
        let start = rest.find('>').unwrap() + 1;
        let end = start + rest[start..].find('<').unwrap();
        let text = unescape(&rest[start..end]).replace(['\u{a0}', ','], "");
        found.push((key.to_string(), text));
    }
    found
}

/// The JSON leaves of the month itself (not the comparison summaries), by
/// dotted path, as the page writes them.
fn leaves(json: &serde_json::Value) -> Vec<(String, String)> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&path, v, out);
                }
            }
            serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
            // Minutes in the field: the page shows hours with one decimal
            // ("2,5" for 150), its comma dropped as `figures` drops it.
            serde_json::Value::Number(n) if prefix.ends_with("minutes") => {
                let tenths = (n.as_u64().unwrap() * 10 + 30) / 60;
                out.push((
                    prefix.to_string(),
                    format!("{}{}", tenths / 10, tenths % 10),
                ));
            }
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    walk("", json, &mut out);
    out.retain(|(path, _)| {
        // The period and its comparisons are told in words, not as figures.
        !["month", "period", "from", "to"].contains(&path.as_str())
            && !path.starts_with("previous_")
            && !path.starts_with("same_")
    });
    out.sort();
    out
}

/// A page's text as a reader sees it: entities turned back into characters.
fn unescape(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&#60;", "<")
        .replace("&gt;", ">")
        .replace("&#62;", ">")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

async fn signed_in(server: &TestServer) -> Web {
    supervisor(&server.server, "Marie Tremblay", PASSWORD).await;
    let mut web = Web::new(&server.url);
    let answer = web.sign_in("Marie Tremblay", PASSWORD).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    web
}

#[tokio::test]
async fn the_report_page_and_csv_hold_the_numbers_of_tournee_report() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let mut contacts = Vec::new();
    for day in 1..=14 {
        // Pontiac gets 2 contacts: a small cell that external hides.
        let zone = match day {
            3 | 9 => "pontiac",
            d if d % 2 == 0 => "gatineau",
            _ => "papineau",
        };
        let code = (day % 3 == 0).then(|| format!("Cote-{}", 1990 + day));
        contacts.push(at(
            &format!("2025-11-{day:02}T21:00:00-05:00"),
            zone,
            code.as_deref(),
            &[("seringues", 10), ("condoms", day)],
        ));
    }
    for day in 1..=6 {
        contacts.push(at(
            &format!("2025-10-{day:02}T21:00:00-04:00"),
            "gatineau",
            Some("Cote-1993"),
            &[("seringues", 5)],
        ));
    }
    contacts.push(at(
        "2024-11-20T21:00:00-05:00",
        "gatineau",
        None,
        &[("seringues", 7)],
    ));
    phone.store.save_all(&contacts).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    let mut web = signed_in(&server).await;

    for external in [false, true] {
        let mut args = vec!["--month", "2025-11", "--format", "json"];
        let query = if external {
            args.push("--suppress");
            "month=2025-11&external=1"
        } else {
            "month=2025-11"
        };
        let json: serde_json::Value = serde_json::from_slice(&server.report(&args)).unwrap();

        let page = web.get(&format!("/report?{query}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let mut shown = figures(&page.body);
        let text = unescape(&page.body);
        shown.sort();
        assert_eq!(shown, leaves(&json), "external={external}");
        assert!(text.contains("role=\"img\""), "an SVG chart");
        assert!(text.contains("novembre 2025"));
        assert!(text.contains("Mois précédent (octobre 2025)"));
        assert!(text.contains("Même mois l'an dernier (novembre 2024)"));
        if external {
            assert!(text.contains("Version externe : les petits nombres"));
            assert_eq!(json["by_zone"]["pontiac"]["contacts"], "<5");
        } else {
            assert!(text.contains("Version interne"));
            assert_eq!(json["contacts"], 14);
            assert_eq!(json["previous_month"]["contacts"], 6);
            assert_eq!(json["same_month_last_year"]["contacts"], 1);
        }

        // The download is the CLI's CSV, byte for byte.
        let mut csv_args = vec!["--month", "2025-11", "--format", "csv"];
        if external {
            csv_args.push("--suppress");
        }
        let expected = String::from_utf8(server.report(&csv_args)).unwrap();
        let csv = web.get(&format!("/report.csv?{query}")).await;
        assert_eq!(csv.status, 200);
        assert!(csv.content_type.starts_with("text/csv"));
        assert_eq!(csv.body, expected);
        let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            tournee::domain::report::csv::HEADER
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        for row in &rows {
            let (section, key, measure, value) = (&row[1], &row[2], &row[3], &row[4]);
            let path = match section {
                "totals" => measure.to_string(),
                "materials" | "referrals" | "interventions" => format!("{section}.{key}"),
                "overdoses" => format!("overdoses.{measure}"),
                _ if section.starts_with("overdoses_") => {
                    format!("overdoses.{}.{key}", &section["overdoses_".len()..])
                }
                "field_work" | "details" => format!("{section}.{measure}"),
                _ if section.starts_with("field_work_") => {
                    format!("field_work.{}.{key}", &section["field_work_".len()..])
                }
                _ if section.starts_with("details_") => {
                    format!("details.{}.{key}", &section["details_".len()..])
                }
                _ => format!("{section}.{key}.{measure}"),
            };
            // Minutes show as hours on the page, as `leaves` writes them.
            let value = match value.parse::<u64>() {
                Ok(minutes) if path.ends_with("minutes") => {
                    let tenths = (minutes * 10 + 30) / 60;
                    format!("{}{}", tenths / 10, tenths % 10)
                }
                _ => value.to_string(),
            };
            let on_page = shown.iter().find(|(p, _)| *p == path);
            assert_eq!(
                on_page.map(|(_, v)| v.as_str()),
                Some(value.as_str()),
                "{path}"
            );
        }
        let totals = rows
            .iter()
            .find(|r| &r[1] == "totals" && &r[3] == "contacts")
            .unwrap();
        let last_year = if external { "<5" } else { "1" };
        assert_eq!((&totals[4], &totals[5], &totals[6]), ("14", "6", last_year));

        let print = web.get(&format!("/report/print?{query}")).await;
        assert_eq!(print.status, 200);
        assert!(unescape(&print.body).contains("Période : novembre 2025"));
        assert!(unescape(&print.body).contains("Produit le "));
        assert!(unescape(&print.body).contains("Bilan mensuel — novembre 2025"));
        let mut printed = figures(&print.body);
        printed.sort();
        assert_eq!(printed, shown, "the print holds the page's figures");
    }

    let log = unescape(&web.get("/audit").await.body);
    assert!(log.contains("Exportation"));
    assert!(log.contains("CSV, version externe"), "{log}");

    let bad = web.get("/report?month=2025-13").await;
    assert_eq!(bad.status, 400);
    assert!(unescape(&bad.body).contains("« 2025-13 » n'est pas une période"));
    let bad = web.get("/report?period=2026-Q5").await;
    assert_eq!(bad.status, 400);
    assert!(unescape(&bad.body).contains("« 2026-Q5 » n'est pas une période"));
    assert!(unescape(&bad.body).contains("2026-Q3 (un trimestre)"));
    assert_eq!(web.get("/report.csv?month=nope").await.status, 400);
    // Without a month: the previous complete month.
    assert_eq!(web.get("/report").await.status, 200);
}

#[tokio::test]
async fn an_enrollment_code_from_the_page_enrolls_a_phone_once() {
    let server = TestServer::spawn().await;
    let mut web = signed_in(&server).await;
    let form = web.get("/enroll").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("value=\"24\""), "the default validity");
    let csrf = common::web::csrf_in(&form.body);

    let bad = web
        .post(
            "/enroll",
            &[("csrf", &csrf), ("label", "Nuit 3"), ("hours", "1000")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(unescape(&bad.body).contains("Validité : un nombre entier d'heures, de 1 à 168."));

    let made = web
        .post(
            "/enroll",
            &[
                ("csrf", &csrf),
                ("label", "Téléphone de nuit 3"),
                ("hours", "2"),
            ],
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    assert_eq!(made.cache_control.as_deref(), Some("no-store"));
    assert!(made.body.contains("<svg"), "a QR code");
    // The address the supervisor used, which the QR code carries too.
    assert!(
        unescape(&made.body).contains(&format!(
            "Adresse du serveur pour le téléphone : {}",
            server.url
        )),
        "the server address"
    );
    assert!(unescape(&made.body).contains("Valide une seule fois, jusqu'au"));
    let at = made.body.find("data-code=\"").unwrap() + 11;
    let code = &made.body[at..at + made.body[at..].find('"').unwrap()];
    assert_eq!(code.len(), 48, "{code}");

    let mut phone = TestDevice::new();
    let client = tournee::device::Client::new(&Default::default()).unwrap();
    tournee::device::enroll(&mut phone.store, &client, &server.url, code, "nuit 3")
        .await
        .expect("the code enrolls a phone");
    let mut other = TestDevice::new();
    assert!(
        tournee::device::enroll(&mut other.store, &client, &server.url, code, "copie")
            .await
            .is_err(),
        "a code works once"
    );

    let log = unescape(&web.get("/audit").await.body);
    assert!(log.contains("Code d'inscription créé"));
    assert!(log.contains("Téléphone de nuit 3"));
    assert!(!log.contains(&code[..6]), "the code is never logged");
}

#[tokio::test]
async fn a_catalog_change_reaches_a_device_at_its_next_sync() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let before = server.server.admin().catalog().await.unwrap().version;
    let mut web = signed_in(&server).await;
    let csrf = web.csrf("/catalog").await;

    // Without the CSRF field: refused, nothing written.
    let forged = web
        .post(
            "/catalog",
            &[
                ("action", "add"),
                ("section", "materials"),
                ("id", "masques"),
                ("fr", "Masques"),
                ("en", "Masks"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    // Bad input: named, nothing written.
    let bad = web
        .post(
            "/catalog",
            &[
                ("csrf", &csrf),
                ("action", "add"),
                ("section", "materials"),
                ("id", "Masques!"),
                ("fr", "Masques"),
                ("en", "Masks"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(unescape(&bad.body).contains("Identifiant « Masques! » : de 1 à 48 caractères"));
    let no_label = web
        .post(
            "/catalog",
            &[
                ("csrf", &csrf),
                ("action", "add"),
                ("section", "materials"),
                ("id", "masques"),
                ("fr", "Masques"),
                ("en", "  "),
            ],
        )
        .await;
    assert_eq!(no_label.status, 400);
    assert!(unescape(&no_label.body).contains("Libellé anglais : de 1 à 80 caractères"));
    // In the reader's language.
    web.get("/lang/en?back=%2Fcatalog").await;
    let english = web
        .post(
            "/catalog",
            &[
                ("csrf", &csrf),
                ("action", "retire"),
                ("section", "sexes"),
                ("id", "homme"),
            ],
        )
        .await;
    assert_eq!(english.status, 400);
    assert!(
        unescape(&english.body).contains("Section: choose a section of the catalog, or the kits.")
    );
    let empty_kit = web
        .post(
            "/catalog",
            &[
                ("csrf", &csrf),
                ("action", "add"),
                ("section", "bundles"),
                ("fr", "Vide"),
                ("en", "Empty"),
                ("qty-condoms", "0"),
            ],
        )
        .await;
    assert_eq!(empty_kit.status, 400);
    assert!(unescape(&empty_kit.body).contains("A kit holds at least one material"));
    web.get("/lang/fr?back=%2Fcatalog").await;
    assert_eq!(
        server.server.admin().catalog().await.unwrap().version,
        before
    );

    let added = web
        .post(
            "/catalog",
            &[
                ("csrf", &csrf),
                ("action", "add"),
                ("section", "materials"),
                ("id", "masques"),
                ("fr", "Masques"),
                ("en", "Masks"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    assert_eq!(
        added.location.as_deref(),
        Some(format!("/catalog?saved={}", before + 1).as_str())
    );
    let retired = web
        .post(
            "/catalog",
            &[
                ("csrf", &csrf),
                ("action", "retire"),
                ("section", "materials"),
                ("id", "condoms"),
            ],
        )
        .await;
    assert_eq!(retired.status, 303, "{}", retired.body);
    let list = web
        .get(&format!("/catalog?saved={}", before + 2))
        .await
        .body;
    assert!(list.contains("Catalogue enregistré : version"));
    assert!(list.contains(">Masques<") && list.contains(">Masks<"));
    assert!(list.contains("Réactiver"), "condoms can come back");
    // Age bands, genders and bundles are edited the same way; an item
    // added without an id gets one made from its French label.
    for form in [
        vec![
            ("action", "add"),
            ("section", "age_bands"),
            ("id", ""),
            ("fr", "Moins de 12 ans"),
            ("en", "Under 12"),
        ],
        vec![
            ("action", "retire"),
            ("section", "genders"),
            ("id", "autre"),
        ],
        vec![
            ("action", "add"),
            ("section", "bundles"),
            ("fr", "Trousse d'hiver"),
            ("en", "Winter kit"),
            ("qty-lubrifiant", "4"),
            ("qty-masques", "2"),
            ("qty-seringues", ""),
        ],
    ] {
        let mut form = form;
        form.push(("csrf", csrf.as_str()));
        let done = web.post("/catalog", &form).await;
        assert_eq!(done.status, 303, "{form:?}: {}", done.body);
    }
    let again = web
        .post(
            "/catalog",
            &[
                ("csrf", &csrf),
                ("action", "retire"),
                ("section", "materials"),
                ("id", "condoms"),
            ],
        )
        .await;
    assert_eq!(again.status, 400, "no new version for nothing");

    let report = server.sync(&mut phone.store, &options(None)).await.unwrap();
    assert_eq!(report.catalog_version, Some(before + 5));
    let catalog = phone.store.catalog().unwrap();
    assert_eq!(catalog.version, before + 5);
    assert_eq!(
        catalog
            .entry(Section::AgeBands, "moins-de-12-ans")
            .unwrap()
            .en,
        "Under 12"
    );
    assert!(!catalog.entry(Section::Genders, "autre").unwrap().active);
    let kit = catalog.bundle("trousse-d-hiver").unwrap();
    assert_eq!(
        kit.contents(&catalog, tournee::domain::Lang::Fr),
        "4 Lubrifiant, 2 Masques"
    );
    assert!(catalog.entry(Section::Materials, "masques").unwrap().active);
    assert!(!catalog.entry(Section::Materials, "condoms").unwrap().active);

    // The phone logs the new material, and the server counts it.
    let now = chrono::Local::now().fixed_offset();
    let contact = ContactDraft {
        zone: "gatineau".into(),
        kind: "known".into(),
        people: "1".into(),
        age_band: "18-24".into(),
        materials: vec![("masques".into(), "3".into())],
        ..Default::default()
    }
    .parse(&catalog, now)
    .unwrap();
    phone.store.save(&contact).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    let month = tournee::domain::report::YearMonth::of(now.date_naive());
    let tally = server.server.admin().month_tally(month).await.unwrap();
    assert_eq!(tally.materials.get("masques"), Some(&3));

    let log = unescape(&web.get("/audit").await.body);
    assert!(log.contains("materials/masques"));
    assert!(log.contains("materials/condoms"));
}

#[tokio::test]
async fn under_a_threshold_of_ten_one_to_nine_are_hidden_on_the_page_the_csv_and_the_cli() {
    let mut config = tournee::server::Config::default();
    config.reports.suppress_below = 10;
    let server = TestServer::spawn_with(tempfile::tempdir().unwrap(), &config).await;
    let mut phone = TestDevice::enroll(&server).await;
    // 12 contacts: 7 in Gatineau, 5 in Pontiac; each shown under 5, neither under 10.
    let contacts: Vec<Contact> = (1..=12)
        .map(|day| {
            let zone = if day <= 7 { "gatineau" } else { "pontiac" };
            at(
                &format!("2025-11-{day:02}T21:00:00-05:00"),
                zone,
                None,
                &[("seringues", 10)],
            )
        })
        .collect();
    phone.store.save_all(&contacts).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    let mut web = signed_in(&server).await;

    let page = web.get("/report?period=2025-11&external=1").await;
    assert_eq!(page.status, 200);
    let shown = figures(&page.body);
    let cell = |key: &str| {
        shown
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(cell("by_zone.gatineau.contacts"), Some("<10"));
    assert_eq!(cell("by_zone.pontiac.contacts"), Some("<10"));
    assert_eq!(cell("contacts"), Some("12"));
    let text = unescape(&page.body);
    assert!(
        text.contains("« <10 » remplace un nombre de 1 à 9"),
        "{text}"
    );
    // The internal version is exact whatever the threshold.
    let internal = figures(&web.get("/report?period=2025-11").await.body);
    assert!(internal.contains(&("by_zone.pontiac.contacts".into(), "5".into())));

    let csv = web.get("/report.csv?period=2025-11&external=1").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.contains("2025-11,by_zone,gatineau,contacts,<10,,"),
        "{}",
        csv.body
    );
    let log = unescape(&web.get("/audit").await.body);
    assert!(log.contains("CSV, version externe (seuil 10)"), "{log}");

    // `tournee report` reads the same setting from its settings file.
    let file = server.data.path().join("tournee.toml");
    std::fs::write(&file, "[reports]\nsuppress_below = 10\n").unwrap();
    let config = file.to_str().unwrap();
    let args = ["--config", config, "--month", "2025-11", "--suppress"];
    let json: serde_json::Value = serde_json::from_slice(&server.report(&args)).unwrap();
    assert_eq!(json["by_zone"]["pontiac"]["contacts"], "<10");
    let args = ["--month", "2025-11", "--suppress"];
    let json: serde_json::Value = serde_json::from_slice(&server.report(&args)).unwrap();
    assert_eq!(json["by_zone"]["pontiac"]["contacts"], 5, "5 by default");

    // Any other threshold is refused, naming the setting and what it takes.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(["report", "--data"])
        .arg(server.data.path())
        .args(["--month", "2025-11", "--suppress"])
        .env("TOURNEE__REPORTS__SUPPRESS_BELOW", "7")
        .env("TOURNEE_LANG", "fr")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TOURNEE__REPORTS__SUPPRESS_BELOW"), "{err}");
    assert!(err.contains("5 ou 10"), "{err}");
}
