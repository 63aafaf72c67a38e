//! Funders' templates through the real dashboard on loopback: each
//! built-in template renders from the period's tallies with hand-checked
//! figures, downloads as a spreadsheet CSV, prints to PDF in headless
//! Chromium with its pages numbered and passes axe; an organization adds
//! its own template as a file, and a bad one stops the server with the
//! file and the field named.

mod common;

use common::browser::{Browser, pdf_pages};
use common::web::{Web, supervisor};
use common::{TestDevice, TestServer, options};
use fantoccini::wd::PrintConfiguration;
use tournee::domain::{Catalog, Contact, ContactDraft};

const PASSWORD: &str = "une phrase de passe solide";

/// A contact in the fiscal quarter October to December 2025.
fn contact(
    day: u32,
    materials: &[(&str, u32)],
    others: &[(&str, u32)],
    kit: Option<&str>,
) -> Contact {
    let time = format!("2025-11-{day:02}T21:00:00-05:00");
    let when = chrono::DateTime::parse_from_rfc3339(&time).unwrap();
    let pairs = |list: &[(&str, u32)]| {
        list.iter()
            .map(|(id, q)| (id.to_string(), q.to_string()))
            .collect()
    };
    ContactDraft {
        occurred_at: Some(when),
        zone: "gatineau".into(),
        kind: "known".into(),
        people: "1".into(),
        age_band: if day.is_multiple_of(2) {
            "18-24"
        } else {
            "35-49"
        }
        .into(),
        gender: Some(
            if day.is_multiple_of(3) {
                "homme"
            } else {
                "femme"
            }
            .into(),
        ),
        materials: pairs(materials),
        materials_for_others: pairs(others),
        kit_form: kit.map(|_| "nasal".into()),
        kit_supply: kit.map(str::to_string),
        interventions: vec!["ecoute".into()],
        ..Default::default()
    }
    .parse(&Catalog::default_quebec(), when)
    .unwrap()
}

/// Every `<td>` text of a table row whose header cell is `label`.
fn row(html: &str, label: &str) -> Vec<String> {
    let at = html
        .find(&format!(">{label}</th>"))
        .unwrap_or_else(|| panic!("no row {label}"));
    let rest = &html[at..];
    let end = rest.find("</tr>").unwrap();
    rest[..end]
        .split("<td")
        .skip(1)
        .map(|td| {
            let inner = &td[td.find('>').unwrap() + 1..];
            inner[..inner.find('<').unwrap()].replace('\u{a0}', " ")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_template_renders_downloads_and_prints_from_the_same_tallies() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    // 12 visits: 10 syringes each, 15 in all left for others' use at one
    // of them; 9 naloxone kits for the people met (6 first kits, 3 to
    // replace a used one) and 1 for someone else.
    let mut contacts = Vec::new();
    for day in 1..=12 {
        let kits = match day {
            1..=6 => Some(("first", 1)),
            7..=9 => Some(("used", 1)),
            _ => None,
        };
        let mut materials = vec![("seringues", 10)];
        if let Some((_, n)) = kits {
            materials.push(("trousses-naloxone", n));
        }
        let others: &[(&str, u32)] = if day == 10 {
            &[("trousses-naloxone", 1), ("seringues", 15)]
        } else {
            &[]
        };
        contacts.push(contact(day, &materials, others, kits.map(|k| k.0)));
    }
    phone.store.save_all(&contacts).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    supervisor(&server.server, "Marie", PASSWORD).await;
    let mut web = Web::new(&server.url);
    assert_eq!(web.sign_in("Marie", PASSWORD).await.status, 303);

    let report = web.get("/report?period=FY2025-2026-Q3").await.body;
    for id in ["cami", "naloxone", "travail-de-rue"] {
        assert!(report.contains(&format!("template={id}")), "{id} offered");
    }

    let q = "period=FY2025-2026-Q3";
    let cami = web.get(&format!("/report?{q}&template=cami")).await;
    assert_eq!(cami.status, 200);
    assert!(cami.body.contains("Compilation CAMI"));
    assert_eq!(row(&cami.body, "Visites (contacts)")[0], "12");
    assert_eq!(row(&cami.body, "Seringues distribuées")[0], "120");
    assert_eq!(
        row(&cami.body, "Seringues distribuées par visite")[0],
        "10,0"
    );
    // 4 men (days 3, 6, 9, 12), 8 women; 6 aged 18-24, 6 aged 35-49.
    assert_eq!(row(&cami.body, "Hommes")[0], "4");
    assert_eq!(row(&cami.body, "Femmes")[0], "8");
    assert_eq!(row(&cami.body, "Moins de 25 ans")[0], "6");
    // No data a year before: not available.
    assert_eq!(row(&cami.body, "Visites (contacts)")[2], "n.d.");

    let naloxone = web
        .get(&format!("/report?{q}&template=naloxone"))
        .await
        .body;
    assert_eq!(
        row(&naloxone, "Trousses remises aux personnes rencontrées")[0],
        "9"
    );
    assert_eq!(
        row(&naloxone, "Trousses remises pour d&#39;autres personnes")
            .first()
            .map(String::as_str)
            .unwrap_or(""),
        "1"
    );
    assert_eq!(
        row(
            &naloxone,
            "Part remise aux personnes à risque (cible : 80 %)"
        )[0],
        "90 %"
    );
    assert_eq!(row(&naloxone, "Premières trousses")[0], "6");
    assert_eq!(
        row(&naloxone, "Remplacements d&#39;une trousse utilisée")[0],
        "3"
    );
    // External: 9 and 1 are small, so the share is not computed.
    let external = web
        .get(&format!("/report?{q}&external=1&template=naloxone"))
        .await
        .body;
    assert_eq!(
        row(
            &external,
            "Part remise aux personnes à risque (cible : 80 %)"
        )[0],
        "x"
    );

    let street = web
        .get(&format!("/report?{q}&template=travail-de-rue"))
        .await
        .body;
    assert_eq!(row(&street, "Écoute et soutien")[0], "12");

    let csv = web.get(&format!("/report.csv?{q}&template=naloxone")).await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(
        csv.body
            .contains("Part remise aux personnes à risque (cible : 80 %);90 %;"),
        "{}",
        csv.body
    );
    assert!(
        web.get("/audit")
            .await
            .body
            .contains("Modèle naloxone, CSV, version interne")
    );
    assert_eq!(
        web.get(&format!("/report?{q}&template=nope")).await.status,
        404
    );

    // Each template prints with its pages numbered and passes axe.
    let browser = Browser::start(1200, 900).await;
    let client = &browser.client;
    browser.sign_in(&server.url, "Marie", PASSWORD).await;
    for id in ["cami", "naloxone", "travail-de-rue"] {
        let back = format!("/report/print?{q}&template={id}");
        let back: String = url_escape(&back);
        client
            .goto(&format!("{}/lang/fr?back={back}", server.url))
            .await
            .unwrap();
        assert!(browser.axe_serious().await.is_empty(), "axe on {id}");
        browser.shot(&format!("template-{id}")).await;
        let pdf = client
            .print(PrintConfiguration::builder().build().unwrap())
            .await
            .unwrap();
        let pages = pdf_pages(&pdf);
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains(&format!("Page {} de {}", i + 1, pages.len())),
                "{id} page {}: {page}",
                i + 1
            );
        }
        assert!(pages.last().unwrap().contains("Attestation"), "{id}");
    }
}

fn url_escape(text: &str) -> String {
    serde_urlencoded::to_string([("x", text)]).unwrap()[2..].to_string()
}

#[tokio::test]
async fn an_organization_adds_its_own_template_and_a_bad_one_is_named() {
    let data = tempfile::tempdir().unwrap();
    let folder = data.path().join("templates");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("centraide.toml"),
        "id = \"centraide\"\n\
         title = { fr = \"Centraide : bilan\", en = \"Centraide: report\" }\n\
         about = { fr = \"Pour Centraide.\", en = \"For Centraide.\" }\n\
         [[section]]\n\
         title = { fr = \"Activités\", en = \"Activities\" }\n\
         [[section.row]]\n\
         label = { fr = \"Contacts\", en = \"Contacts\" }\n\
         value = \"contacts\"\n",
    )
    .unwrap();
    let server = TestServer::spawn_in(data).await;
    supervisor(&server.server, "Marie", PASSWORD).await;
    let mut web = Web::new(&server.url);
    assert_eq!(web.sign_in("Marie", PASSWORD).await.status, 303);
    let page = web.get("/report?period=2025-11&template=centraide").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Centraide : bilan"));

    std::fs::write(
        server.data.path().join("templates").join("zz-bad.toml"),
        "id = \"bad\"\ntitle = { fr = \"a\", en = \"a\" }\nabout = { fr = \"a\", en = \"a\" }\n\
         [[section]]\ntitle = { fr = \"a\", en = \"a\" }\n[[section.row]]\n\
         label = { fr = \"a\", en = \"a\" }\nvalue = \"seringues\"\n",
    )
    .unwrap();
    let Err(error) = tournee::server::Server::open(server.data.path()) else {
        panic!("a bad template must stop the server");
    };
    let message = error.message(tournee::domain::i18n::Lang::Fr);
    assert!(message.contains("zz-bad.toml"), "{message}");
    assert!(
        message.contains("section 1 row 1 \"seringues\""),
        "{message}"
    );
}
