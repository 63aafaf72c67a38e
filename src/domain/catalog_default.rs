//! The default catalog: what a Québec harm-reduction outreach team hands out
//! and refers to, with the Outaouais demo zones. Organizations edit it on
//! their server; this is the starting point, version 1.

use super::catalog::{Catalog, CatalogEntry, CatalogId};

fn entries(rows: &[(&str, &str, &str)]) -> Vec<CatalogEntry> {
    rows.iter()
        .map(|(id, fr, en)| CatalogEntry {
            id: CatalogId::parse(id).expect("default catalog ids are slugs"),
            fr: (*fr).to_string(),
            en: (*en).to_string(),
            active: true,
        })
        .collect()
}

pub(super) fn build() -> Catalog {
    Catalog {
        version: 1,
        materials: entries(&[
            ("seringues", "Seringues", "Syringes"),
            ("trousses-naloxone", "Trousses de naloxone", "Naloxone kits"),
            ("condoms", "Condoms", "Condoms"),
            ("lubrifiant", "Lubrifiant", "Lubricant"),
            (
                "pipes-crack",
                "Pipes à crack (verre)",
                "Crack pipes (glass)",
            ),
            ("embouts", "Embouts", "Mouthpieces"),
            ("garrots", "Garrots", "Tourniquets"),
            ("stericups", "Stéricups", "Stericups"),
            ("eau-sterile", "Eau stérile", "Sterile water"),
            ("tampons-alcool", "Tampons d'alcool", "Alcohol swabs"),
            (
                "bandelettes-fentanyl",
                "Bandelettes de détection du fentanyl",
                "Fentanyl test strips",
            ),
            (
                "contenants-recuperation",
                "Contenants de récupération",
                "Sharps containers",
            ),
            (
                "trousses-inhalation",
                "Trousses d'inhalation",
                "Safer smoking kits",
            ),
        ]),
        zones: entries(&[
            ("gatineau", "Gatineau", "Gatineau"),
            (
                "collines-de-l-outaouais",
                "Collines-de-l'Outaouais",
                "Collines-de-l'Outaouais",
            ),
            ("papineau", "Papineau", "Papineau"),
            ("pontiac", "Pontiac", "Pontiac"),
            (
                "vallee-de-la-gatineau",
                "Vallée-de-la-Gatineau",
                "Vallée-de-la-Gatineau",
            ),
        ]),
        referrals: entries(&[
            ("clsc", "CLSC", "CLSC (local community health centre)"),
            ("hebergement", "Hébergement", "Shelter / housing"),
            ("aide-alimentaire", "Aide alimentaire", "Food aid"),
            (
                "traitement-dependances",
                "Traitement des dépendances",
                "Addiction treatment",
            ),
            ("sante-mentale", "Santé mentale", "Mental health"),
            ("aide-juridique", "Aide juridique", "Legal aid"),
            (
                "dpj",
                "DPJ (protection de la jeunesse)",
                "DPJ (youth protection)",
            ),
            ("depistage-itss", "Dépistage ITSS", "STBBI testing"),
            (
                "site-injection-supervisee",
                "Site d'injection supervisée",
                "Supervised consumption site",
            ),
            ("urgence", "Urgence / hôpital", "Emergency / hospital"),
            ("ressource-jeunesse", "Ressource jeunesse", "Youth services"),
        ]),
        interventions: entries(&[
            ("ecoute", "Écoute et soutien", "Listening and support"),
            (
                "information-prevention",
                "Information et prévention",
                "Information and prevention",
            ),
            (
                "intervention-crise",
                "Intervention de crise",
                "Crisis intervention",
            ),
            (
                "surdose-naloxone",
                "Surdose : naloxone administrée",
                "Overdose: naloxone given",
            ),
            ("premiers-soins", "Premiers soins", "First aid"),
            ("accompagnement", "Accompagnement", "Accompaniment"),
            ("demarches", "Aide aux démarches", "Help with paperwork"),
            ("mediation", "Médiation", "Mediation"),
            (
                "prevention-exploitation",
                "Prévention de l'exploitation sexuelle",
                "Sexual exploitation prevention",
            ),
        ]),
        age_bands: entries(&[
            ("12-17", "12 à 17 ans", "12 to 17"),
            ("18-24", "18 à 24 ans", "18 to 24"),
            ("25-34", "25 à 34 ans", "25 to 34"),
            ("35-49", "35 à 49 ans", "35 to 49"),
            ("50-64", "50 à 64 ans", "50 to 64"),
            ("65-plus", "65 ans et plus", "65 and over"),
            ("inconnu", "Inconnu", "Unknown"),
        ]),
        genders: entries(&[
            ("femme", "Femme", "Woman"),
            ("homme", "Homme", "Man"),
            ("non-binaire", "Non binaire", "Non-binary"),
            ("bispirituel", "Bispirituel·le", "Two-Spirit"),
            ("autre", "Autre", "Other"),
            ("inconnu", "Inconnu", "Unknown"),
        ]),
        location_types: location_types(),
        substances: substances(),
        incident_types: incident_types(),
        contact_modes: contact_modes(),
        bundles: super::bundle::defaults(),
    }
}

/// Where a contact or an overdose happened, after NEO's location types.
pub(super) fn location_types() -> Vec<CatalogEntry> {
    entries(&[
        ("rue-parc", "Rue ou parc", "Street or park"),
        ("logement", "Logement", "Residence"),
        ("refuge", "Refuge ou hébergement", "Shelter or housing"),
        ("campement", "Campement", "Encampment"),
        ("bar-fete", "Bar ou fête", "Bar or party"),
        ("vehicule", "Véhicule", "Vehicle"),
        (
            "site-consommation",
            "Site de consommation",
            "Consumption site",
        ),
        ("autre", "Autre lieu", "Other place"),
    ])
}

/// How the worker and the person were in touch (street work is more and
/// more by text and social media as well as in person).
pub(super) fn contact_modes() -> Vec<CatalogEntry> {
    entries(&[
        ("en-personne", "En personne", "In person"),
        ("telephone-texto", "Téléphone ou texto", "Phone or text"),
        ("medias-sociaux", "Médias sociaux", "Social media"),
    ])
}

/// What the person is thought to have taken before an overdose.
pub(super) fn substances() -> Vec<CatalogEntry> {
    entries(&[
        (
            "opioides",
            "Opioïdes (fentanyl, héroïne…)",
            "Opioids (fentanyl, heroin…)",
        ),
        (
            "stimulants",
            "Stimulants (cocaïne, crack, méthamphétamine)",
            "Stimulants (cocaine, crack, methamphetamine)",
        ),
        ("benzodiazepines", "Benzodiazépines", "Benzodiazepines"),
        ("xylazine", "Xylazine", "Xylazine"),
        ("alcool", "Alcool", "Alcohol"),
        ("inconnue", "Inconnue", "Unknown"),
    ])
}

/// What can go wrong for a worker in the street, as outreach teams'
/// shift reports list it.
pub(super) fn incident_types() -> Vec<CatalogEntry> {
    entries(&[
        (
            "piqure-accidentelle",
            "Piqûre accidentelle",
            "Needle-stick injury",
        ),
        ("agression", "Agression physique", "Physical assault"),
        ("menace", "Menace ou intimidation", "Threat or intimidation"),
        (
            "surdose-temoin",
            "Surdose vue par l'équipe",
            "Overdose witnessed by the team",
        ),
        ("autre", "Autre incident", "Other incident"),
    ])
}
