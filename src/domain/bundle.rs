//! Bundles: a catalog's ready-made kits ("Trousse d'injection : 10
//! seringues, 10 Stéricups…") that add their materials to a contact in one
//! tap. A bundle only fills the form; records carry materials, never
//! bundle ids, so a bundle can be renamed, changed or retired freely.

use super::catalog::{CatalogId, Section};
use super::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One bundle: what it adds, by material id, and its labels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    pub id: CatalogId,
    pub fr: String,
    pub en: String,
    pub active: bool,
    /// Material id -> quantity added, each 1 to [`Bundle::MAX_QUANTITY`].
    pub materials: BTreeMap<CatalogId, u32>,
}

impl Bundle {
    /// A bundle is a handful, not a crate: a bigger number is a typo.
    pub const MAX_QUANTITY: u32 = 100;

    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }

    /// "10 Seringues, 10 Stéricups": what a tap adds, for the button's
    /// accessible name and the dashboard.
    pub fn contents(&self, catalog: &super::Catalog, lang: Lang) -> String {
        self.materials
            .iter()
            .map(|(id, qty)| {
                format!(
                    "{qty} {}",
                    catalog.label(Section::Materials, id.as_str(), lang)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn id(text: &str) -> CatalogId {
    CatalogId::parse(text).expect("default bundle ids are slugs")
}

fn bundle(slug: &str, fr: &str, en: &str, materials: &[(&str, u32)]) -> Bundle {
    Bundle {
        id: id(slug),
        fr: fr.to_string(),
        en: en.to_string(),
        active: true,
        materials: materials.iter().map(|(m, q)| (id(m), *q)).collect(),
    }
}

/// The bundles Tournée ships with: what Québec teams hand out together
/// (CAMI's injection kit, a pipe with its mouthpieces, safer sex).
/// Also what a catalog stored by an earlier release gets.
pub fn defaults() -> Vec<Bundle> {
    vec![
        bundle(
            "trousse-injection",
            "Trousse d'injection",
            "Injection kit",
            &[
                ("seringues", 10),
                ("stericups", 10),
                ("eau-sterile", 10),
                ("tampons-alcool", 10),
            ],
        ),
        bundle(
            "pipe-embouts",
            "Pipe et embouts",
            "Pipe and mouthpieces",
            &[("pipes-crack", 1), ("embouts", 2)],
        ),
        bundle(
            "sexualite-protegee",
            "Sexualité protégée",
            "Safer sex",
            &[("condoms", 5), ("lubrifiant", 2)],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Catalog;
    use crate::domain::catalog::CatalogError;

    #[test]
    fn default_bundles_hold_materials_of_the_default_catalog() {
        let catalog = Catalog::default_quebec();
        catalog.validate().unwrap();
        let kit = catalog.bundle("trousse-injection").unwrap();
        assert_eq!(
            kit.contents(&catalog, Lang::Fr),
            "10 Eau stérile, 10 Seringues, 10 Stéricups, 10 Tampons d'alcool"
        );
    }

    #[test]
    fn a_bundle_of_an_unknown_material_or_a_silly_quantity_is_refused() {
        let mut catalog = Catalog::default_quebec();
        catalog.bundles[0].materials.insert(id("masques"), 1);
        assert!(matches!(
            catalog.validate(),
            Err(CatalogError::BundleMaterial { material, .. }) if material == "masques"
        ));
        for bad in [0, Bundle::MAX_QUANTITY + 1] {
            let mut catalog = Catalog::default_quebec();
            catalog.bundles[0].materials.insert(id("condoms"), bad);
            assert!(matches!(
                catalog.validate(),
                Err(CatalogError::BundleQuantity { .. })
            ));
        }
        let mut catalog = Catalog::default_quebec();
        catalog.bundles[0].materials.clear();
        assert!(catalog.validate().is_err());
    }

    #[test]
    fn a_catalog_stored_before_bundles_gets_the_default_ones() {
        let mut json = serde_json::to_value(Catalog::default_quebec()).unwrap();
        json.as_object_mut().unwrap().remove("bundles");
        let old: Catalog = serde_json::from_value(json).unwrap();
        assert_eq!(old.bundles, defaults());
    }
}
