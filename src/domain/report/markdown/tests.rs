//! The Markdown report read as a person would: words, labels, numbers.

use super::*;
use crate::domain::report::fixtures::sample;
use crate::domain::report::tally::Breakdown;

fn french(tally: &Tally, suppress: bool) -> String {
    to_markdown(
        tally,
        &Catalog::default_quebec(),
        Lang::Fr,
        suppress.then_some(Threshold::Five),
    )
}

fn assert_has(text: &str, part: &str) {
    assert!(text.contains(part), "missing {part:?} in:\n{text}");
}

#[test]
fn a_french_report_has_labels_headings_and_the_comparison_months() {
    let text = french(&sample(), false);
    assert!(
        text.starts_with("# Bilan mensuel — mars 2026\n\n## Chiffres clés\n"),
        "{text}"
    );
    assert_has(
        &text,
        "| Indicateur | mars 2026 | Mois précédent (février 2026) | Même mois l'an dernier (mars 2025) |\n|---|--:|--:|--:|\n| Contacts | 40 | 35 | 0 |\n",
    );
    assert_has(
        &text,
        "| Personnes distinctes (estimation) | 21 | 3 | 0 |\n",
    );
    assert_has(&text, "| Contacts avec code de personne | 30 | — | — |\n");
    assert_has(&text, "| Seringues récupérées | 230 | — | — |\n");
    assert_has(&text, "estimations fondées sur les codes de personne");
    assert_has(
        &text,
        "## Matériel\n\n| Matériel | Quantité |\n|---|--:|\n| Seringues | 400 |\n| Condoms | 2 |\n",
    );
    assert_has(&text, "| Écoute et soutien | 12 |\n");
    assert_has(
        &text,
        "## Zones\n\n| Zones | Contacts | Personnes rejointes |\n",
    );
    assert_has(
        &text,
        "| Gatineau | 30 | 40 |\n| Papineau | 9 | 11 |\n| Pontiac | 1 | 1 |\n",
    );
    assert_has(
        &text,
        "## Tranches d'âge\n\n| Tranches d'âge | Contacts | Personnes rejointes |\n",
    );
    assert_has(&text, "| 18 à 24 ans | 40 | 52 |\n");
    assert_has(&text, "| Inconnu | 40 | 52 |\n");
    assert!(
        !text.contains("Confidentialité"),
        "no markers, no note:\n{text}"
    );
    assert!(
        !text.contains("seringues") && !text.contains("gatineau"),
        "slugs:\n{text}"
    );
}

#[test]
fn an_english_report_reads_in_english() {
    let text = to_markdown(&sample(), &Catalog::default_quebec(), Lang::En, None);
    assert!(
        text.starts_with("# Monthly report — March 2026\n\n## Key figures\n"),
        "{text}"
    );
    assert_has(
        &text,
        "| Figure | March 2026 | Previous month (February 2026) | Same month last year (March 2025) |\n",
    );
    assert_has(&text, "| Distinct people (estimate) | 21 | 3 | 0 |\n");
    assert_has(&text, "| Syringes | 400 |\n");
    assert_has(&text, "| Listening and support | 12 |\n");
    assert_has(&text, "| 18 to 24 | 40 | 52 |\n");
    assert_has(&text, "estimates based on person codes");
}

#[test]
fn a_suppressed_report_shows_the_markers_and_explains_them() {
    let text = french(&sample(), true);
    assert_has(
        &text,
        "Confidentialité : « <5 » remplace un nombre de 1 à 4; « x » masque",
    );
    assert_has(
        &text,
        "| Personnes distinctes (estimation) | 21 | <5 | 0 |\n",
    );
    assert_has(&text, "| Condoms | <5 |\n");
    assert_has(
        &text,
        "| Gatineau | 30 | 40 |\n| Papineau | x | x |\n| Pontiac | <5 | <5 |\n",
    );
    assert!(
        !text.contains("masquée au complet"),
        "nothing withheld:\n{text}"
    );
    let english = to_markdown(
        &sample(),
        &Catalog::default_quebec(),
        Lang::En,
        Some(Threshold::Five),
    );
    assert_has(
        &english,
        "Confidentiality: \"<5\" stands for a number from 1 to 4; \"x\" hides",
    );
}

#[test]
fn a_withheld_breakdown_is_explained_and_shows_only_markers() {
    // Four contacts, one per zone: the zones cannot be published.
    let row = |contacts, people_reached| Breakdown {
        contacts,
        people_reached,
    };
    let mut tally = Tally {
        period: "2026-03".into(),
        contacts: 4,
        people_reached: 9,
        contacts_with_code: 4,
        unique_people: 3,
        new_people: 3,
        by_age_band: [("18-24".into(), row(2, 4)), ("25-34".into(), row(2, 5))].into(),
        by_gender: [("femme".into(), row(2, 5)), ("homme".into(), row(2, 4))].into(),
        ..Tally::default()
    };
    for zone in ["gatineau", "papineau", "pontiac", "collines-de-l-outaouais"] {
        tally.by_zone.insert(zone.into(), row(1, 2));
    }
    tally.by_zone.insert("pontiac".into(), row(1, 3));
    tally
        .by_zone
        .insert("vallee-de-la-gatineau".into(), row(0, 0));
    let text = french(&tally, true);
    assert_has(
        &text,
        "Une répartition entièrement en « x » est masquée au complet",
    );
    assert_has(&text, "| Gatineau | x | x |\n");
    assert_has(&text, "| Vallée-de-la-Gatineau | x | x |\n");
}

#[test]
fn thousands_are_separated_the_way_each_language_writes_them() {
    assert_eq!(
        count(Cell::Count(1_234_567), Lang::Fr),
        "1\u{a0}234\u{a0}567"
    );
    assert_eq!(count(Cell::Count(1_234_567), Lang::En), "1,234,567");
    assert_eq!(count(Cell::Count(123_456), Lang::En), "123,456");
    assert_eq!(count(Cell::Count(999), Lang::Fr), "999");
    assert_eq!(count(Cell::Count(0), Lang::En), "0");
    assert_eq!(count(Cell::Small(Threshold::Five), Lang::Fr), "<5");
    assert_eq!(count(Cell::Hidden, Lang::En), "x");
    let mut tally = sample();
    tally.returned_syringes = 12_500;
    assert_has(
        &french(&tally, false),
        "| Seringues récupérées | 12\u{a0}500 | — | — |\n",
    );
}

#[test]
fn rows_follow_the_catalog_and_unknown_or_retired_ids_say_so() {
    let mut catalog = Catalog::default_quebec();
    let pontiac = catalog
        .zones
        .iter_mut()
        .find(|z| z.id.as_str() == "pontiac");
    if let Some(entry) = pontiac {
        entry.active = false;
    }
    let mut tally = sample();
    tally.by_zone.insert("aylmer".into(), Breakdown::default());
    let text = to_markdown(&tally, &catalog, Lang::Fr, None);
    let at = |part: &str| {
        text.find(part)
            .unwrap_or_else(|| panic!("{part} missing:\n{text}"))
    };
    // The catalog lists Gatineau, Collines, Papineau, Pontiac, Vallée.
    assert!(at("| Gatineau |") < at("| Papineau |"));
    assert!(at("| Papineau |") < at("| Pontiac (retiré) |"));
    assert!(at("| Pontiac (retiré) |") < at("| aylmer | 0 | 0 |"));
}

#[test]
fn a_label_with_a_pipe_or_a_line_break_cannot_break_a_table() {
    let mut catalog = Catalog::default_quebec();
    catalog.materials[0].fr = "Seringues | 1 ml\nstériles".into();
    let text = to_markdown(&sample(), &catalog, Lang::Fr, None);
    assert_has(&text, "| Seringues \\| 1 ml stériles | 400 |\n");
}

#[test]
fn a_label_with_markdown_or_html_is_shown_as_text() {
    let mut catalog = Catalog::default_quebec();
    catalog.materials[0].fr = "*Seringues* [x](http://e) <script>alert(1)</script> `a_b`".into();
    let text = to_markdown(&sample(), &catalog, Lang::Fr, None);
    assert_has(
        &text,
        "| \\*Seringues\\* \\[x\\](http://e) \\<script\\>alert(1)\\</script\\> \\`a\\_b\\` | 400 |\n",
    );
}

#[test]
fn january_compares_with_december_of_the_year_before() {
    let mut tally = sample();
    tally.period = "2026-01".into();
    tally.previous.period = "2025-12".into();
    tally.last_year.period = "2025-01".into();
    let text = french(&tally, false);
    assert_has(
        &text,
        "| Indicateur | janvier 2026 | Mois précédent (décembre 2025) | Même mois l'an dernier (janvier 2025) |",
    );
}

#[test]
fn a_quarter_compares_with_periods_and_says_what_n_d_means() {
    let mut tally = sample();
    tally.period = "FY2026-2027-Q1".into();
    tally.previous.period = "FY2025-2026-Q4".into();
    tally.last_year = crate::domain::report::Comparison {
        period: "FY2025-2026-Q1".into(),
        ..Default::default()
    };
    let text = french(&tally, false);
    assert_has(&text, "# Bilan — 1er trimestre de l'exercice 2026-2027\n");
    assert_has(
        &text,
        "| Indicateur | 1er trimestre de l'exercice 2026-2027 | Période précédente (4e trimestre de l'exercice 2025-2026) | Même période l'an dernier (1er trimestre de l'exercice 2025-2026) |",
    );
    assert_has(&text, "| Contacts | 40 | 35 | n.d. |");
    assert_has(&text, "« n.d. » : non disponible");
}

#[test]
fn an_empty_section_says_there_is_nothing_to_report() {
    let mut tally = sample();
    tally.interventions.clear();
    let text = french(&tally, false);
    assert_has(
        &text,
        "## Interventions\n\nRien à signaler pour cette période.\n\n## Zones",
    );
}
