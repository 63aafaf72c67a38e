//! What contact version 2 adds to the month: contacts by mode (in person,
//! phone, social media) and by location type, the materials handed out
//! for others (secondary distribution, NEO's "for others"), and the
//! naloxone kits as Take Home Naloxone programs count them: by form, first
//! kit or replacement and why, and the people trained on the spot.
//!
//! Contacts made before version 2 say neither mode nor place: the groups
//! count the contacts that said, and the rest is "not said". Suppressed
//! (external version), a group of contacts follows the rule of the
//! overdose responses: it is published whole or withheld whole, every
//! part `x`, when any part or the "not said" rest is from 1 to 4 or the
//! month has 1 to 4 contacts. Materials for others and people trained
//! are quantities, like the other materials: `<5` only. The kits are
//! quantities bound together (the kits described are the sum of the kits
//! by form, and the sum of the kits by supply), so a small one could be
//! worked out from the others: they are published whole or withheld
//! whole, every one of them `x`, when any is from 1 to 4.

use super::figures::{Figures, Group, Head, Keys, Unit, cells};
use super::published::{Cell, Threshold};
use crate::domain::catalog::Section;
use crate::domain::i18n::{Lang, Msg};
use crate::domain::naloxone::{KitForm, KitSupply};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailsTally {
    /// Contacts by mode, every active mode present.
    pub by_mode: BTreeMap<String, u64>,
    /// Contacts by location type, every active type present.
    pub by_location_type: BTreeMap<String, u64>,
    /// Material id -> quantity handed out for others.
    pub materials_for_others: BTreeMap<String, u64>,
    /// Kits of contacts that described them (the rest were not described).
    pub kits_detailed: u64,
    pub people_trained: u64,
    /// Kits by form, both forms present.
    pub kits_by_form: BTreeMap<String, u64>,
    /// Kits by first or replacement reason, every choice present.
    pub kits_by_supply: BTreeMap<String, u64>,
}

static FORMS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| KitForm::ALL.iter().map(|f| f.key()).collect());
static SUPPLIES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| KitSupply::ALL.iter().map(|s| s.key()).collect());

fn form_label(key: &str, lang: Lang) -> Option<&'static str> {
    KitForm::parse(key).ok().map(|f| f.label(lang))
}

fn supply_label(key: &str, lang: Lang) -> Option<&'static str> {
    KitSupply::parse(key).ok().map(|s| s.label(lang))
}

impl DetailsTally {
    /// An empty tally with both forms and every supply choice at zero.
    pub fn with_every_choice() -> DetailsTally {
        let zeros = |keys: &[&str]| keys.iter().map(|k| (k.to_string(), 0)).collect();
        DetailsTally {
            kits_by_form: zeros(&FORMS),
            kits_by_supply: zeros(&SUPPLIES),
            ..DetailsTally::default()
        }
    }

    /// Its figures for a period of `contacts`, exact (`None`) or
    /// suppressed under the threshold.
    pub fn published(&self, contacts: u64, suppress: Option<Threshold>) -> Figures {
        let quantity = |n: u64| match suppress {
            Some(threshold) => Cell::primary(n, threshold),
            None => Cell::Count(n),
        };
        let small = |n: u64| suppress.is_some_and(|t| t.is_small(n));
        let partition = |map: &BTreeMap<String, u64>| {
            let rest = contacts.saturating_sub(map.values().sum());
            let withheld = small(contacts) || small(rest) || map.values().any(|&n| small(n));
            cells(map, |n| {
                if withheld {
                    Cell::Hidden
                } else {
                    Cell::Count(n)
                }
            })
        };
        // Any small kit figure withholds them all (see the module's docs).
        let kits_withheld = std::iter::once(&self.kits_detailed)
            .chain(self.kits_by_form.values())
            .chain(self.kits_by_supply.values())
            .any(|&n| small(n));
        let kit = |n: u64| {
            if kits_withheld {
                Cell::Hidden
            } else {
                quantity(n)
            }
        };
        let head = |name, label, cell| Head {
            name,
            label,
            unit: Unit::Count,
            cell,
        };
        let group = |name, title, measure, keys, cells| Group {
            name,
            title,
            measure,
            keys,
            cells,
        };
        let kits = (Msg::ReportKits, "kits");
        let contacts_measure = (Msg::ReportContacts, "contacts");
        Figures {
            name: "details",
            title: Msg::ReportDetails,
            heads: vec![
                head(
                    "kits_detailed",
                    Msg::ReportKitsDetailed,
                    kit(self.kits_detailed),
                ),
                head(
                    "people_trained",
                    Msg::ReportPeopleTrained,
                    quantity(self.people_trained),
                ),
            ],
            groups: vec![
                group(
                    "by_mode",
                    Msg::SectionContactModes,
                    contacts_measure,
                    Keys::Catalog(Section::ContactModes),
                    partition(&self.by_mode),
                ),
                group(
                    "by_location_type",
                    Msg::FieldLocationType,
                    contacts_measure,
                    Keys::Catalog(Section::LocationTypes),
                    partition(&self.by_location_type),
                ),
                group(
                    "materials_for_others",
                    Msg::ReportMaterialsForOthers,
                    (Msg::ReportQuantity, "quantity"),
                    Keys::Catalog(Section::Materials),
                    cells(&self.materials_for_others, quantity),
                ),
                group(
                    "kits_by_form",
                    Msg::FieldKitForm,
                    kits,
                    Keys::Fixed(FORMS.as_slice(), form_label),
                    cells(&self.kits_by_form, kit),
                ),
                group(
                    "kits_by_supply",
                    Msg::FieldKitSupply,
                    kits,
                    Keys::Fixed(SUPPLIES.as_slice(), supply_label),
                    cells(&self.kits_by_supply, kit),
                ),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally() -> DetailsTally {
        let mut t = DetailsTally::with_every_choice();
        t.by_mode.insert("en-personne".into(), 30);
        t.by_mode.insert("telephone-texto".into(), 8);
        t.by_location_type.insert("rue-parc".into(), 37);
        t.kits_detailed = 12;
        t.kits_by_form.insert("nasal".into(), 9);
        t.kits_by_form.insert("injectable".into(), 3);
        t
    }

    #[test]
    fn a_group_of_contacts_with_a_small_rest_is_withheld_whole() {
        let t = tally();
        let exact = t.published(40, None);
        assert_eq!(
            exact.cell("by_mode", "telephone-texto"),
            Some(Cell::Count(8))
        );
        let external = t.published(40, Some(Threshold::Five));
        // 2 contacts said no mode: the whole group goes.
        assert_eq!(external.cell("by_mode", "en-personne"), Some(Cell::Hidden));
        assert_eq!(
            external.cell("by_mode", "medias-sociaux"),
            None,
            "not active in the tally"
        );
        // 3 said no place: withheld too; with 38 contacts it is shown.
        assert_eq!(
            external.cell("by_location_type", "rue-parc"),
            Some(Cell::Hidden)
        );
        let shown = t.published(37, Some(Threshold::Five));
        assert_eq!(
            shown.cell("by_location_type", "rue-parc"),
            Some(Cell::Count(37))
        );
    }

    #[test]
    fn a_small_kit_figure_withholds_every_kit_figure_and_choices_keep_form_order() {
        // 12 kits described, 9 nasal: a `<5` for the 3 injectable ones
        // would say 3. Every kit figure goes, the zeros too.
        let external = tally().published(40, Some(Threshold::Five));
        for (group, key) in [
            ("kits_by_form", "injectable"),
            ("kits_by_form", "nasal"),
            ("kits_by_supply", "first"),
        ] {
            assert_eq!(
                external.cell(group, key),
                Some(Cell::Hidden),
                "{group} {key}"
            );
        }
        assert_eq!(external.head("kits_detailed"), Some(Cell::Hidden));
        let mut large = tally();
        large.kits_detailed = 16;
        large.kits_by_form.insert("injectable".into(), 7);
        large.kits_by_supply.insert("first".into(), 16);
        let shown = large.published(40, Some(Threshold::Five));
        assert_eq!(
            shown.cell("kits_by_form", "injectable"),
            Some(Cell::Count(7))
        );
        assert_eq!(shown.head("kits_detailed"), Some(Cell::Count(16)));
        assert_eq!(shown.cell("kits_by_supply", "first"), Some(Cell::Count(16)));
        let external = tally().published(40, Some(Threshold::Five));
        let catalog = crate::domain::Catalog::default_quebec();
        let supply = &external.groups[4];
        let rows = supply.rows(&catalog, Lang::Fr);
        assert_eq!(rows[0].1, "Première trousse");
        assert_eq!(rows.len(), KitSupply::ALL.len());
    }
}
