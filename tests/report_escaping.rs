//! Labels a supervisor types go to funders' spreadsheets and printed
//! reports: through the real dashboard (catalog page, CSV download) and
//! the real `tournee report`, a label holding a spreadsheet formula or
//! Markdown and HTML comes out inert, and the counts come out unchanged.

mod common;

use common::web::{Web, supervisor};
use common::{TestDevice, TestServer, options};

const PASSWORD: &str = "une phrase de passe solide";
const FORMULA: &str = "=HYPERLINK(\"http://evil\",\"x\")";
const MARKUP: &str = "Trousses | *gratuites* [x](http://e) <script>alert(1)</script>";

fn report(server: &TestServer, args: &[&str]) -> String {
    String::from_utf8(server.report(args)).unwrap()
}

#[tokio::test]
async fn a_label_holding_a_formula_or_markup_comes_out_inert_in_the_csv_and_the_markdown() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    supervisor(&server.server, "Marie Tremblay", PASSWORD).await;
    let mut web = Web::new(&server.url);
    assert_eq!(web.sign_in("Marie Tremblay", PASSWORD).await.status, 303);
    let csrf = web.csrf("/catalog").await;
    for (id, fr, en) in [
        ("seringues", FORMULA, FORMULA),
        ("condoms", MARKUP, "Condoms"),
    ] {
        let renamed = web
            .post(
                "/catalog",
                &[
                    ("csrf", &csrf),
                    ("action", "rename"),
                    ("section", "materials"),
                    ("id", id),
                    ("fr", fr),
                    ("en", en),
                ],
            )
            .await;
        assert_eq!(renamed.status, 303, "{}", renamed.body);
    }
    let contacts: Vec<_> = (1..=6)
        .map(|day| {
            common::contact_at(
                &format!("2025-11-{day:02}T21:00:00-05:00"),
                "gatineau",
                "known",
                1,
                None,
                &[("seringues", 10), ("condoms", 2)],
            )
        })
        .collect();
    phone.store.save_all(&contacts).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();

    // The CSV carries ids, not labels; every text cell is safe all the
    // same, and the dashboard's download is the CLI's, byte for byte.
    let csv = report(&server, &["--month", "2025-11", "--format", "csv"]);
    let download = web.get("/report.csv?month=2025-11").await;
    assert_eq!(download.status, 200);
    assert_eq!(download.body, csv);
    assert!(!csv.contains("HYPERLINK"), "{csv}");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for row in &rows {
        for cell in row.iter().take(4) {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{row:?}"
            );
        }
    }
    let value = |section: &str, key: &str| {
        rows.iter()
            .find(|r| &r[1] == section && &r[2] == key)
            .map(|r| r[4].to_string())
    };
    assert_eq!(value("materials", "seringues").as_deref(), Some("60"));
    assert_eq!(value("materials", "condoms").as_deref(), Some("12"));
    assert_eq!(value("totals", "").as_deref(), Some("6"));

    // The Markdown shows the labels as text: no link, no HTML, no
    // emphasis, no extra table cell.
    let md = report(&server, &["--month", "2025-11", "--format", "md"]);
    assert!(
        md.contains(
            "| Trousses \\| \\*gratuites\\* \\[x\\](http://e) \\<script\\>alert(1)\\</script\\> | 12 |\n"
        ),
        "{md}"
    );
    assert!(
        md.contains("| =HYPERLINK(\"http://evil\",\"x\") | 60 |\n"),
        "{md}"
    );
    assert!(!md.contains("<script>"), "{md}");
    assert!(!md.replace("\\]", "").contains("]("), "no link: {md}");
    for line in md.lines().filter(|l| l.starts_with("| Trousses")) {
        assert_eq!(line.matches(" | ").count(), 1, "two cells: {line}");
    }
}
