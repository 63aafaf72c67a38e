//! The catalog: the lists a worker picks from (materials, zones, referral
//! and intervention types, age bands, genders, contact modes, location
//! types, substances, incident types) and the bundles that fill a form in one tap.
//!
//! The server owns it; devices receive a signed copy. Each entry has a
//! stable slug id that never changes meaning, French and English labels,
//! and an `active` flag: a retired entry cannot be picked for a new
//! contact, but stays valid for records made while it was active.

use super::bundle::Bundle;
use super::error::{Field, FieldError, Problem};
use super::i18n::{Lang, Msg};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

/// A catalog slug: 1 to 48 of `a-z`, `0-9` and `-`, not starting or ending
/// with `-`. Slugs are what records carry, so labels can be renamed freely.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CatalogId(String);

impl CatalogId {
    pub const MAX_LEN: usize = 48;

    pub fn parse(text: &str) -> Option<CatalogId> {
        let ok = !text.is_empty()
            && text.len() <= Self::MAX_LEN
            && !text.starts_with('-')
            && !text.ends_with('-')
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        ok.then(|| CatalogId(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CatalogId {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        CatalogId::parse(&text).ok_or_else(|| format!("\"{text}\" is not a catalog id"))
    }
}

impl From<CatalogId> for String {
    fn from(id: CatalogId) -> String {
        id.0
    }
}

impl fmt::Display for CatalogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CatalogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub id: CatalogId,
    pub fr: String,
    pub en: String,
    pub active: bool,
}

impl CatalogEntry {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    Materials,
    Zones,
    Referrals,
    Interventions,
    AgeBands,
    Genders,
    LocationTypes,
    Substances,
    IncidentTypes,
    ContactModes,
}

impl Section {
    pub const ALL: [Section; 10] = [
        Section::Zones,
        Section::AgeBands,
        Section::Genders,
        Section::ContactModes,
        Section::Materials,
        Section::Referrals,
        Section::Interventions,
        Section::LocationTypes,
        Section::Substances,
        Section::IncidentTypes,
    ];

    /// Stable name, as in the catalog's JSON.
    pub fn key(self) -> &'static str {
        match self {
            Section::Materials => "materials",
            Section::Zones => "zones",
            Section::Referrals => "referrals",
            Section::Interventions => "interventions",
            Section::AgeBands => "age_bands",
            Section::Genders => "genders",
            Section::LocationTypes => "location_types",
            Section::Substances => "substances",
            Section::IncidentTypes => "incident_types",
            Section::ContactModes => "contact_modes",
        }
    }

    pub fn title(self, lang: Lang) -> &'static str {
        let msg = match self {
            Section::Materials => Msg::SectionMaterials,
            Section::Zones => Msg::SectionZones,
            Section::Referrals => Msg::SectionReferrals,
            Section::Interventions => Msg::SectionInterventions,
            Section::AgeBands => Msg::SectionAgeBands,
            Section::Genders => Msg::SectionGenders,
            Section::LocationTypes => Msg::SectionLocationTypes,
            Section::Substances => Msg::SectionSubstances,
            Section::IncidentTypes => Msg::SectionIncidentTypes,
            Section::ContactModes => Msg::SectionContactModes,
        };
        msg.text(lang)
    }

    fn field(self) -> Field {
        match self {
            Section::Materials => Field::Materials,
            Section::Zones => Field::Zone,
            Section::Referrals => Field::Referrals,
            Section::Interventions => Field::Interventions,
            Section::AgeBands => Field::AgeBand,
            Section::Genders => Field::Gender,
            Section::LocationTypes => Field::LocationType,
            Section::Substances => Field::Substances,
            Section::IncidentTypes => Field::IncidentType,
            Section::ContactModes => Field::ContactMode,
        }
    }
}

/// Whether retired entries are acceptable: never for a contact being
/// logged now, always for a record made under an older catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdPolicy {
    ActiveOnly,
    AllowRetired,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub version: u32,
    pub materials: Vec<CatalogEntry>,
    pub zones: Vec<CatalogEntry>,
    pub referrals: Vec<CatalogEntry>,
    pub interventions: Vec<CatalogEntry>,
    pub age_bands: Vec<CatalogEntry>,
    pub genders: Vec<CatalogEntry>,
    /// Added in schema 2 (overdose responses): a catalog stored by an
    /// earlier release has none and gets the default lists, the same on
    /// the server and on its phones, until the organization edits them.
    #[serde(default = "super::catalog_default::location_types")]
    pub location_types: Vec<CatalogEntry>,
    #[serde(default = "super::catalog_default::substances")]
    pub substances: Vec<CatalogEntry>,
    /// Added with shifts and incidents, defaulted the same way.
    #[serde(default = "super::catalog_default::incident_types")]
    pub incident_types: Vec<CatalogEntry>,
    /// Added with contact version 2 (in person, phone, social media),
    /// defaulted the same way.
    #[serde(default = "super::catalog_default::contact_modes")]
    pub contact_modes: Vec<CatalogEntry>,
    /// Added with fast entry: kits that add their materials in one tap.
    /// Phones of the previous release ignore them.
    #[serde(default = "super::bundle::defaults")]
    pub bundles: Vec<Bundle>,
}

/// Why a catalog itself is unusable (it comes from a server or a file).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog section {section} lists \"{id}\" twice")]
    DuplicateId { section: &'static str, id: String },
    #[error("catalog section {section}: entry \"{id}\" needs both a French and an English label")]
    MissingLabel { section: &'static str, id: String },
    #[error("catalog section {section} has no active entry; a contact could not be logged")]
    NothingActive { section: &'static str },
    #[error("bundle \"{id}\" holds \"{material}\", which is not a material of this catalog")]
    BundleMaterial { id: String, material: String },
    #[error("bundle \"{id}\" must hold 1 to {max} of each material, and at least one material", max = Bundle::MAX_QUANTITY)]
    BundleQuantity { id: String },
}

impl Catalog {
    /// The realistic Québec harm-reduction catalog Tournée ships with, with
    /// the Outaouais demo zones.
    pub fn default_quebec() -> Catalog {
        super::catalog_default::build()
    }

    pub fn section(&self, section: Section) -> &[CatalogEntry] {
        match section {
            Section::Materials => &self.materials,
            Section::Zones => &self.zones,
            Section::Referrals => &self.referrals,
            Section::Interventions => &self.interventions,
            Section::AgeBands => &self.age_bands,
            Section::Genders => &self.genders,
            Section::LocationTypes => &self.location_types,
            Section::Substances => &self.substances,
            Section::IncidentTypes => &self.incident_types,
            Section::ContactModes => &self.contact_modes,
        }
    }

    pub fn section_mut(&mut self, section: Section) -> &mut Vec<CatalogEntry> {
        match section {
            Section::Materials => &mut self.materials,
            Section::Zones => &mut self.zones,
            Section::Referrals => &mut self.referrals,
            Section::Interventions => &mut self.interventions,
            Section::AgeBands => &mut self.age_bands,
            Section::Genders => &mut self.genders,
            Section::LocationTypes => &mut self.location_types,
            Section::Substances => &mut self.substances,
            Section::IncidentTypes => &mut self.incident_types,
            Section::ContactModes => &mut self.contact_modes,
        }
    }

    pub fn bundle(&self, id: &str) -> Option<&Bundle> {
        self.bundles.iter().find(|b| b.id.as_str() == id)
    }

    pub fn entry(&self, section: Section, id: &str) -> Option<&CatalogEntry> {
        self.section(section).iter().find(|e| e.id.as_str() == id)
    }

    /// The label of an id, or the id itself when this catalog does not know it.
    pub fn label<'a>(&'a self, section: Section, id: &'a str, lang: Lang) -> &'a str {
        self.entry(section, id).map_or(id, |e| e.label(lang))
    }

    pub fn active_ids(&self, section: Section) -> Vec<String> {
        self.section(section)
            .iter()
            .filter(|e| e.active)
            .map(|e| e.id.to_string())
            .collect()
    }

    /// Resolves a typed id in a section, or says what is allowed.
    pub fn check(
        &self,
        section: Section,
        text: &str,
        policy: IdPolicy,
    ) -> Result<CatalogId, FieldError> {
        let text = text.trim();
        let field = section.field();
        match self.entry(section, text) {
            Some(entry) if entry.active || policy == IdPolicy::AllowRetired => Ok(entry.id.clone()),
            Some(_) => Err(FieldError::new(
                field,
                Problem::Retired {
                    value: text.to_string(),
                    allowed: self.active_ids(section),
                },
            )),
            None => Err(FieldError::new(
                field,
                Problem::UnknownId {
                    value: text.to_string(),
                    allowed: self.active_ids(section),
                },
            )),
        }
    }

    /// Checks the catalog's own shape: unique ids, both labels, and at least
    /// one active entry where a contact needs one.
    pub fn validate(&self) -> Result<(), CatalogError> {
        for section in Section::ALL {
            let mut seen = HashSet::new();
            for entry in self.section(section) {
                if !seen.insert(entry.id.as_str()) {
                    return Err(CatalogError::DuplicateId {
                        section: section.key(),
                        id: entry.id.to_string(),
                    });
                }
                if entry.fr.trim().is_empty() || entry.en.trim().is_empty() {
                    return Err(CatalogError::MissingLabel {
                        section: section.key(),
                        id: entry.id.to_string(),
                    });
                }
            }
        }
        let mut seen = HashSet::new();
        for bundle in &self.bundles {
            let id = bundle.id.to_string();
            if !seen.insert(bundle.id.as_str()) {
                return Err(CatalogError::DuplicateId {
                    section: "bundles",
                    id,
                });
            }
            if bundle.fr.trim().is_empty() || bundle.en.trim().is_empty() {
                return Err(CatalogError::MissingLabel {
                    section: "bundles",
                    id,
                });
            }
            if let Some(material) = bundle
                .materials
                .keys()
                .find(|m| self.entry(Section::Materials, m.as_str()).is_none())
            {
                return Err(CatalogError::BundleMaterial {
                    id,
                    material: material.to_string(),
                });
            }
            if bundle.materials.is_empty()
                || bundle
                    .materials
                    .values()
                    .any(|q| !(1..=Bundle::MAX_QUANTITY).contains(q))
            {
                return Err(CatalogError::BundleQuantity { id });
            }
        }
        for section in [Section::Zones, Section::AgeBands] {
            if !self.section(section).iter().any(|e| e.active) {
                return Err(CatalogError::NothingActive {
                    section: section.key(),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_ascii_with_inner_hyphens() {
        assert!(CatalogId::parse("trousses-naloxone").is_some());
        assert!(CatalogId::parse("18-24").is_some());
        for bad in ["", "Seringues", "-x", "x-", "é", "a b", &"a".repeat(49)] {
            assert!(CatalogId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_default_catalog_is_well_formed_and_bilingual() {
        let catalog = Catalog::default_quebec();
        catalog.validate().unwrap();
        for id in [
            "seringues",
            "trousses-naloxone",
            "bandelettes-fentanyl",
            "stericups",
        ] {
            assert!(catalog.entry(Section::Materials, id).is_some(), "{id}");
        }
        for id in ["clsc", "hebergement", "dpj", "aide-juridique"] {
            assert!(catalog.entry(Section::Referrals, id).is_some(), "{id}");
        }
        assert_eq!(
            catalog.label(Section::Materials, "condoms", Lang::En),
            "Condoms"
        );
        assert!(catalog.entry(Section::Genders, "inconnu").is_some());
    }

    #[test]
    fn a_retired_id_is_refused_for_new_contacts_but_kept_for_old_records() {
        let mut catalog = Catalog::default_quebec();
        catalog.materials[0].active = false;
        let id = catalog.materials[0].id.to_string();
        let error = catalog
            .check(Section::Materials, &id, IdPolicy::ActiveOnly)
            .unwrap_err();
        assert!(matches!(error.problem, Problem::Retired { .. }));
        assert!(
            catalog
                .check(Section::Materials, &id, IdPolicy::AllowRetired)
                .is_ok()
        );
    }

    #[test]
    fn an_unknown_id_lists_the_active_ids() {
        let catalog = Catalog::default_quebec();
        let error = catalog
            .check(Section::Zones, "laval", IdPolicy::AllowRetired)
            .unwrap_err();
        match error.problem {
            Problem::UnknownId { value, allowed } => {
                assert_eq!(value, "laval");
                assert!(allowed.contains(&"pontiac".to_string()));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn validate_refuses_a_duplicate_id() {
        let mut catalog = Catalog::default_quebec();
        let copy = catalog.zones[0].clone();
        catalog.zones.push(copy);
        assert!(matches!(
            catalog.validate(),
            Err(CatalogError::DuplicateId {
                section: "zones",
                ..
            })
        ));
    }
}
