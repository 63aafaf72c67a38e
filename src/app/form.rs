//! The New contact form as the worker fills it: chips picked, steppers
//! counted, an optional code. It turns into a [`ContactDraft`], so the app
//! checks exactly what the CLI and CSV import check.

use crate::domain::bundle::Bundle;
use crate::domain::catalog::{Catalog, Section};
use crate::domain::naloxone::{NALOXONE_KITS, Trained};
use crate::domain::{Contact, ContactDraft};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form {
    pub zone: String,
    pub kind: String,
    pub people: u32,
    pub age_band: String,
    pub gender: Option<String>,
    pub materials: BTreeMap<String, u32>,
    /// Used syringes the person brought back (a stepper, 0 by default).
    pub returned: u32,
    pub referrals: BTreeSet<String>,
    pub interventions: BTreeSet<String>,
    /// Typed, sent once, never filled back in.
    pub code: String,
    /// Minutes, as typed; empty when not given (it is optional).
    pub duration: String,
    pub mode: Option<String>,
    pub location: Option<String>,
    /// Materials handed out for others (secondary distribution).
    pub for_others: BTreeMap<String, u32>,
    /// The naloxone kits' detail, sent only while kits are counted.
    pub kit_form: Option<String>,
    pub kit_supply: Option<String>,
    pub trained: u32,
}

/// Steppers stop here: a bigger gift is a typo more often than not.
pub const MAX_STEP: u32 = 999;

impl Form {
    /// A fresh form: one known person, in the zone of the last contact.
    pub fn fresh(last: Option<&Contact>) -> Form {
        Form {
            zone: last.map(|c| c.zone.to_string()).unwrap_or_default(),
            kind: "known".into(),
            people: 1,
            ..Form::default()
        }
    }

    /// "Repeat the last": the same shape, returned syringes included,
    /// without the person code (a code belongs to one person and is never
    /// shown back) nor the duration (each conversation has its own).
    pub fn repeat(last: &Contact) -> Form {
        Form {
            zone: last.zone.to_string(),
            kind: last.kind.key().into(),
            people: u32::from(last.people_count.get()),
            age_band: last.age_band.to_string(),
            gender: last.gender.as_ref().map(|g| g.to_string()),
            materials: last
                .materials
                .iter()
                .map(|(id, qty)| (id.to_string(), qty.get()))
                .collect(),
            returned: last.returned_syringes.get(),
            referrals: last.referrals.iter().map(|r| r.to_string()).collect(),
            interventions: last.interventions.iter().map(|i| i.to_string()).collect(),
            code: String::new(),
            duration: String::new(),
            mode: last.mode.as_ref().map(|m| m.to_string()),
            location: last.location_type.as_ref().map(|l| l.to_string()),
            for_others: last
                .materials_for_others
                .iter()
                .map(|(id, qty)| (id.to_string(), qty.get()))
                .collect(),
            kit_form: last.naloxone.map(|n| n.form.key().to_string()),
            kit_supply: last.naloxone.map(|n| n.supply.key().to_string()),
            // People trained are this contact's own.
            trained: 0,
        }
    }

    fn bag(&self, others: bool) -> &BTreeMap<String, u32> {
        if others {
            &self.for_others
        } else {
            &self.materials
        }
    }

    fn bag_mut(&mut self, others: bool) -> &mut BTreeMap<String, u32> {
        if others {
            &mut self.for_others
        } else {
            &mut self.materials
        }
    }

    pub fn quantity(&self, material: &str) -> u32 {
        self.quantity_in(false, material)
    }

    /// The quantity for the person, or for others.
    pub fn quantity_in(&self, others: bool, material: &str) -> u32 {
        self.bag(others).get(material).copied().unwrap_or(0)
    }

    /// One tap on + or −; never below zero, never past [`MAX_STEP`].
    pub fn step(&mut self, material: &str, up: bool) {
        self.step_in(false, material, up)
    }

    pub fn step_in(&mut self, others: bool, material: &str, up: bool) {
        if up {
            self.add_in(others, material, 1);
        } else {
            let less = self.quantity_in(others, material).saturating_sub(1);
            self.put(others, material, less);
        }
    }

    /// One tap on +1, +5 or +10 (or a bundle's share): never past [`MAX_STEP`].
    pub fn add(&mut self, material: &str, more: u32) {
        self.add_in(false, material, more)
    }

    pub fn add_in(&mut self, others: bool, material: &str, more: u32) {
        let next = self
            .quantity_in(others, material)
            .saturating_add(more)
            .min(MAX_STEP);
        self.put(others, material, next);
    }

    /// A quantity typed on the numeric keypad. Only digits count (a
    /// keypad gives nothing else); an empty field is none. A number too
    /// big is kept as typed, so the save names the field and the limit
    /// rather than quietly lowering it.
    pub fn type_quantity(&mut self, material: &str, text: &str) {
        self.type_in(false, material, text)
    }

    pub fn type_in(&mut self, others: bool, material: &str, text: &str) {
        let digits: String = text.chars().filter(char::is_ascii_digit).take(7).collect();
        self.put(others, material, digits.parse().unwrap_or(0));
    }

    /// Naloxone kits counted, for the person and for others: the detail
    /// shows, and is sent, only then.
    pub fn naloxone_kits(&self) -> u32 {
        self.quantity_in(false, NALOXONE_KITS) + self.quantity_in(true, NALOXONE_KITS)
    }

    /// Tapping a picked single choice again unpicks it.
    pub fn toggle_one(choice: &mut Option<String>, id: &str) {
        if choice.as_deref() == Some(id) {
            *choice = None;
        } else {
            *choice = Some(id.to_string());
        }
    }

    /// Adds each material of `bundle` that can still be handed out (a
    /// retired material stays out of new contacts).
    pub fn add_bundle(&mut self, bundle: &Bundle, catalog: &Catalog) {
        for (id, qty) in &bundle.materials {
            if catalog
                .entry(Section::Materials, id.as_str())
                .is_some_and(|e| e.active)
            {
                self.add(id.as_str(), *qty);
            }
        }
    }

    fn put(&mut self, others: bool, material: &str, quantity: u32) {
        let bag = self.bag_mut(others);
        if quantity == 0 {
            bag.remove(material);
        } else {
            bag.insert(material.to_string(), quantity);
        }
    }

    /// One tap on the returned syringes' + or −.
    pub fn step_returned(&mut self, up: bool) {
        self.returned = if up {
            (self.returned + 1).min(MAX_STEP)
        } else {
            self.returned.saturating_sub(1)
        };
    }

    /// One tap on the people trained's + or −: 0 to 50.
    pub fn step_trained(&mut self, up: bool) {
        self.trained = if up {
            (self.trained + 1).min(u32::from(Trained::MAX))
        } else {
            self.trained.saturating_sub(1)
        };
    }

    pub fn step_people(&mut self, up: bool) {
        self.people = if up {
            (self.people + 1).min(MAX_STEP)
        } else {
            self.people.saturating_sub(1).max(1)
        };
    }

    /// A kind picked: a group is at least two people, a person is one
    /// unless the worker already counted more.
    pub fn pick_kind(&mut self, kind: &str) {
        self.kind = kind.to_string();
        if kind == crate::domain::Kind::Group.key() {
            self.people = self.people.max(2);
        }
    }

    /// Tapping a picked chip again unpicks it (gender is optional).
    pub fn toggle_gender(&mut self, id: &str) {
        Form::toggle_one(&mut self.gender, id)
    }

    pub fn toggle(set: &mut BTreeSet<String>, id: &str) {
        if !set.remove(id) {
            set.insert(id.to_string());
        }
    }

    pub fn draft(&self) -> ContactDraft {
        // A detail left from kits since removed describes nothing.
        let kits = self.naloxone_kits() > 0;
        ContactDraft {
            occurred_at: None,
            zone: self.zone.clone(),
            kind: self.kind.clone(),
            people: self.people.to_string(),
            age_band: self.age_band.clone(),
            gender: self.gender.clone(),
            materials: self
                .materials
                .iter()
                .map(|(id, qty)| (id.clone(), qty.to_string()))
                .collect(),
            returned_syringes: (self.returned > 0).then(|| self.returned.to_string()),
            referrals: self.referrals.iter().cloned().collect(),
            interventions: self.interventions.iter().cloned().collect(),
            code: Some(self.code.clone()),
            duration_min: Some(self.duration.trim().to_string()).filter(|d| !d.is_empty()),
            mode: self.mode.clone(),
            location_type: self.location.clone(),
            materials_for_others: self
                .for_others
                .iter()
                .map(|(id, qty)| (id.clone(), qty.to_string()))
                .collect(),
            kit_form: kits.then(|| self.kit_form.clone()).flatten(),
            kit_supply: kits.then(|| self.kit_supply.clone()).flatten(),
            people_trained: (kits && self.trained > 0).then(|| self.trained.to_string()),
        }
    }
}

/// Active entries of `section`, the ones this phone uses most first
/// (`usual`: id -> how much), then in catalog order, so the usual ones sit
/// under the thumb.
pub fn by_use(catalog: &Catalog, section: Section, usual: &BTreeMap<String, u64>) -> Vec<String> {
    let mut ids = catalog.active_ids(section);
    // A stable sort keeps catalog order among equals.
    ids.sort_by_key(|id| std::cmp::Reverse(usual.get(id).copied().unwrap_or(0)));
    ids
}

/// Active bundles, those whose materials this phone hands out most first
/// (a bundle leaves no trace of its own in a record, only its materials).
pub fn bundles_by_use<'a>(catalog: &'a Catalog, usual: &BTreeMap<String, u64>) -> Vec<&'a Bundle> {
    let mut bundles: Vec<&Bundle> = catalog.bundles.iter().filter(|b| b.active).collect();
    bundles.sort_by_key(|b| {
        let used: u64 = b
            .materials
            .keys()
            .map(|m| usual.get(m.as_str()).copied().unwrap_or(0))
            .sum();
        std::cmp::Reverse(used)
    });
    bundles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steppers_never_go_below_zero_and_zero_means_not_given() {
        let mut form = Form::fresh(None);
        form.step("condoms", false);
        assert_eq!(form.quantity("condoms"), 0);
        form.step("condoms", true);
        form.step("condoms", true);
        form.step("condoms", false);
        assert_eq!(form.quantity("condoms"), 1);
        form.step("condoms", false);
        assert!(form.materials.is_empty());
    }

    #[test]
    fn returned_syringes_and_duration_reach_the_draft() {
        let mut form = Form::fresh(None);
        assert_eq!(form.draft().returned_syringes, None);
        assert_eq!(form.draft().duration_min, None);
        form.step_returned(false);
        assert_eq!(form.returned, 0);
        form.step_returned(true);
        form.step_returned(true);
        form.duration = " 15 ".into();
        let draft = form.draft();
        assert_eq!(draft.returned_syringes.as_deref(), Some("2"));
        assert_eq!(draft.duration_min.as_deref(), Some("15"));
    }

    #[test]
    fn people_count_stays_at_least_one() {
        let mut form = Form::fresh(None);
        form.step_people(false);
        assert_eq!(form.people, 1);
    }

    #[test]
    fn most_used_materials_come_first() {
        let catalog = Catalog::default_quebec();
        let mut today = BTreeMap::new();
        let last = catalog.active_ids(Section::Materials).pop().unwrap();
        today.insert(last.clone(), 7);
        assert_eq!(by_use(&catalog, Section::Materials, &today)[0], last);
    }

    #[test]
    fn plus_five_plus_ten_typed_and_bundles_add_up() {
        let catalog = Catalog::default_quebec();
        let mut form = Form::fresh(None);
        form.add("seringues", 10);
        form.add("seringues", 5);
        assert_eq!(form.quantity("seringues"), 15);
        form.type_quantity("trousses-naloxone", "2");
        assert_eq!(form.quantity("trousses-naloxone"), 2);
        form.type_quantity("trousses-naloxone", "");
        assert_eq!(form.quantity("trousses-naloxone"), 0);
        form.add_bundle(catalog.bundle("trousse-injection").unwrap(), &catalog);
        assert_eq!(form.quantity("seringues"), 25);
        assert_eq!(form.quantity("stericups"), 10);
        form.add("seringues", 5000);
        assert_eq!(form.quantity("seringues"), MAX_STEP);
    }

    #[test]
    fn a_number_too_big_is_kept_for_the_save_to_name() {
        let catalog = Catalog::default_quebec();
        let mut form = Form::fresh(None);
        form.zone = "pontiac".into();
        form.age_band = "18-24".into();
        form.type_quantity("seringues", "20000");
        let now = chrono::Local::now().fixed_offset();
        let invalid = form.draft().parse(&catalog, now).unwrap_err();
        assert_eq!(invalid.0[0].field, crate::domain::Field::Materials);
    }

    #[test]
    fn a_bundle_leaves_out_a_retired_material() {
        let mut catalog = Catalog::default_quebec();
        let at = catalog
            .materials
            .iter()
            .position(|m| m.id.as_str() == "eau-sterile")
            .unwrap();
        catalog.materials[at].active = false;
        let mut form = Form::fresh(None);
        form.add_bundle(catalog.bundle("trousse-injection").unwrap(), &catalog);
        assert_eq!(form.quantity("eau-sterile"), 0);
        assert_eq!(form.quantity("seringues"), 10);
    }
}
