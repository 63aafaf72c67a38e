//! The spreadsheet CSV as a director opens it: downloaded from the real
//! dashboard on loopback (and printed by `tournee report --format
//! spreadsheet`), then opened by LibreOffice Calc, headless, with the
//! settings of a French Canadian spreadsheet (`;`, UTF-8, fr-CA numbers),
//! and read back from the HTML it writes: one column per field, French
//! headers, numbers that are numbers. Needs `soffice` (Debian:
//! `libreoffice-calc-nogui`; `.ci/run` installs it) and fails without it.

mod common;

use common::web::{Web, supervisor};
use common::{TestDevice, TestServer, contact_at, options};
use std::path::Path;

const PASSWORD: &str = "une phrase de passe solide";
const FORMULA: &str = "=HYPERLINK(\"http://evil\",\"x\")";

/// Calc's own reading of a CSV file: the HTML table it converts it to,
/// as rows of (text, whether Calc took it as a number).
fn calc(csv: &Path) -> Vec<Vec<(String, bool)>> {
    let dir = csv.parent().unwrap();
    let soffice = std::env::var("SOFFICE").unwrap_or_else(|_| "soffice".into());
    let out = std::process::Command::new(&soffice)
        .arg("--headless")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        ))
        // Separator `;` (59), quote `"` (34), UTF-8 (76), from line 1,
        // default cell formats, French (Canada) numbers (3084).
        .arg("--infilter=CSV:59,34,76,1,,3084")
        .args(["--convert-to", "html", "--outdir"])
        .arg(dir.join("out"))
        .arg(csv)
        .output()
        .unwrap_or_else(|e| panic!("cannot start {soffice} (libreoffice-calc-nogui): {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let name = csv.file_stem().unwrap().to_str().unwrap();
    let html = std::fs::read_to_string(dir.join("out").join(format!("{name}.html"))).unwrap();
    let mut rows = Vec::new();
    for tr in html.split("<tr").skip(1) {
        let tr = &tr[..tr.find("</tr>").unwrap_or(tr.len())];
        let cells = tr
            .split("<td")
            .skip(1)
            .map(|td| {
                let open = &td[..td.find('>').unwrap()];
                let inner = &td[td.find('>').unwrap() + 1..];
                let inner = &inner[..inner.find("</td>").unwrap_or(inner.len())];
                (text_of(inner), open.contains("sdval="))
            })
            .collect();
        rows.push(cells);
    }
    rows
}

/// An HTML cell's text: tags dropped, entities read.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

/// The row whose first cell is `label`, without its empty trailing cells.
fn row<'a>(rows: &'a [Vec<(String, bool)>], label: &str) -> Vec<&'a (String, bool)> {
    let found = rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c.0 == label))
        .unwrap_or_else(|| panic!("no row {label} in {rows:?}"));
    let mut cells: Vec<&(String, bool)> = found.iter().collect();
    while cells.last().is_some_and(|c| c.0.is_empty()) {
        cells.pop();
    }
    cells
}

#[tokio::test]
async fn the_spreadsheet_csv_opens_in_calc_with_a_column_per_field_and_french_headers() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let mut contacts = Vec::new();
    for day in 1..=12 {
        let zone = if day <= 9 { "gatineau" } else { "pontiac" };
        contacts.push(contact_at(
            &format!("2025-11-{day:02}T21:00:00-05:00"),
            zone,
            "known",
            1,
            None,
            &[("seringues", 10), ("condoms", 2)],
        ));
    }
    for day in 1..=3 {
        contacts.push(contact_at(
            &format!("2025-10-{day:02}T21:00:00-04:00"),
            "gatineau",
            "known",
            1,
            None,
            &[("seringues", 5)],
        ));
    }
    phone.store.save_all(&contacts).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    supervisor(&server.server, "Marie Tremblay", PASSWORD).await;
    let mut web = Web::new(&server.url);
    assert_eq!(web.sign_in("Marie Tremblay", PASSWORD).await.status, 303);
    // A label that a spreadsheet would run as a formula.
    let csrf = web.csrf("/catalog").await;
    let renamed = web
        .post(
            "/catalog",
            &[
                ("csrf", &csrf),
                ("action", "rename"),
                ("section", "materials"),
                ("id", "condoms"),
                ("fr", FORMULA),
                ("en", "Condoms"),
            ],
        )
        .await;
    assert_eq!(renamed.status, 303, "{}", renamed.body);

    let page = web.get("/report?period=2025-11").await;
    assert!(
        page.body.contains("style=spreadsheet"),
        "the page offers it"
    );
    let download = web
        .get("/report.csv?period=2025-11&style=spreadsheet")
        .await;
    assert_eq!(download.status, 200);
    assert!(
        download.body.starts_with('\u{feff}'),
        "a byte-order mark first"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tournee-2025-11-tableur.csv");
    std::fs::write(&file, &download.body).unwrap();
    let rows = calc(&file);

    // The first cell is the title, the mark consumed, not shown.
    assert_eq!(rows[0][0].0, "Bilan mensuel — novembre 2025");
    let header = row(&rows, "Matériel — Quantité");
    let names: Vec<&str> = header.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "Matériel — Quantité",
            "Quantité — novembre 2025",
            "Quantité — Mois précédent (octobre 2025)",
            "Quantité — Même mois l'an dernier (novembre 2024)",
        ]
    );
    assert!(header.iter().all(|c| !c.1), "headers stay text");
    // Each figure in its own column, as a number, comparisons on the row.
    let syringes = row(&rows, "Seringues");
    assert_eq!(syringes.len(), 4, "{syringes:?}");
    assert_eq!((syringes[1].0.as_str(), syringes[1].1), ("120", true));
    assert_eq!((syringes[2].0.as_str(), syringes[2].1), ("15", true));
    // No data a year before: not available, never a zero.
    assert_eq!(syringes[3].0, "n.d.");
    // The formula stays text, shown as typed after its apostrophe.
    let formula = row(&rows, &format!("'{FORMULA}"));
    assert_eq!((formula[1].0.as_str(), formula[1].1), ("24", true));
    let gatineau = row(&rows, "Gatineau");
    assert_eq!(gatineau.len(), 7, "contacts and people, three periods each");
    assert_eq!(gatineau[1].0, "9");
    let contacts = row(&rows, "Contacts");
    assert_eq!(
        (contacts[1].0.as_str(), contacts[2].0.as_str()),
        ("12", "3")
    );

    // External: markers are text; the legend is on the sheet.
    let download = web
        .get("/report.csv?period=2025-11&external=1&style=spreadsheet")
        .await;
    let file = dir.path().join("externe.csv");
    std::fs::write(&file, &download.body).unwrap();
    let rows = calc(&file);
    let pontiac = row(&rows, "Pontiac");
    assert_eq!((pontiac[1].0.as_str(), pontiac[1].1), ("<5", false));
    assert!(
        rows.iter()
            .any(|r| r[0].0.starts_with("Confidentialité : « <5 »")),
        "{rows:?}"
    );
    let log = web.get("/audit").await.body;
    assert!(log.contains("CSV pour tableur, version externe"), "{log}");

    // The CLI writes the same tables.
    let cli = String::from_utf8(server.report(&["--month", "2025-11", "--format", "spreadsheet"]))
        .unwrap();
    assert!(cli.starts_with('\u{feff}'));
    assert!(cli.contains("\nSeringues;120;15;n.d.\n"), "{cli}");
    let english = server
        .report_command()
        .args(["--month", "2025-11", "--format", "spreadsheet"])
        .env("TOURNEE_LANG", "en")
        .output()
        .unwrap();
    let english = String::from_utf8(english.stdout).unwrap();
    assert!(english.contains("\nSyringes,120,15,n/a\n"), "{english}");
}
