//! A month to test the writers with, its numbers chosen by hand.

use super::details::DetailsTally;
use super::overdose::OverdoseTally;
use super::tally::{Breakdown, Comparison, Summary, Tally};

/// 40 contacts; Pontiac has 1, so Papineau hides beside it.
pub fn sample() -> Tally {
    let row = |contacts, people_reached| Breakdown {
        contacts,
        people_reached,
    };
    Tally {
        period: "2026-03".into(),
        from: "2026-03-01".into(),
        to: "2026-03-31".into(),
        people_unknown: false,
        contacts: 40,
        people_reached: 52,
        contacts_with_code: 30,
        contacts_without_code: 10,
        unique_people: 21,
        new_people: 6,
        returning_people: 15,
        returned_syringes: 230,
        materials: [("seringues".into(), 400), ("condoms".into(), 2)].into(),
        referrals: [("clsc".into(), 0)].into(),
        interventions: [("ecoute".into(), 12)].into(),
        by_zone: [
            ("gatineau".into(), row(30, 40)),
            ("papineau".into(), row(9, 11)),
            ("pontiac".into(), row(1, 1)),
        ]
        .into(),
        by_age_band: [("18-24".into(), row(40, 52))].into(),
        by_gender: [("inconnu".into(), row(40, 52))].into(),
        previous: Comparison {
            period: "2026-02".into(),
            figures: Some(Summary {
                contacts: 35,
                people_reached: 44,
                unique_people: 3,
            }),
            people_unknown: false,
        },
        last_year: Comparison {
            period: "2025-03".into(),
            figures: Some(Summary::default()),
            people_unknown: false,
        },
        overdoses: OverdoseTally {
            responses: 6,
            nasal_doses: 9,
            injected_doses: 1,
            by_outcome: [
                ("recovered-on-site".into(), 5),
                ("transported".into(), 1),
                ("death".into(), 0),
            ]
            .into(),
            by_call_911: [("called".into(), 6)].into(),
            someone_stayed: 6,
            ..OverdoseTally::default()
        },
        field_work: Default::default(),
        details: DetailsTally {
            by_mode: [("en-personne".into(), 36), ("telephone-texto".into(), 4)].into(),
            materials_for_others: [("seringues".into(), 60)].into(),
            kits_detailed: 7,
            people_trained: 3,
            kits_by_form: [("nasal".into(), 7)].into(),
            ..DetailsTally::default()
        },
    }
}
