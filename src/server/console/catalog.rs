//! Catalog edits from the dashboard: add an item, rename it, retire it,
//! bring it back. Each change is checked against the catalog's own rules,
//! then stored with the next version number together with its audit entry
//! (one transaction), so phones fetch it at their next sync and the log
//! always says who made each version.

use super::audit::{self, Action};
use crate::domain::bundle::Bundle;
use crate::domain::catalog::{Catalog, CatalogEntry, CatalogId, Section};
use crate::server::db;
use crate::server::error::ServerError;
use rusqlite::{Connection, TransactionBehavior};
use std::collections::BTreeMap;

/// The sections supervisors edit here: all of them. Age bands and
/// genders too, so an organization can follow its funder's categories
/// (retiring a band keeps the records made with it valid).
pub const EDITABLE: [Section; 10] = Section::ALL;

/// A label's length, in characters.
pub const MAX_LABEL_CHARS: usize = 80;

/// One change a supervisor asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// An empty `id` is made from the French label (see [`id_from_label`]).
    Add {
        section: Section,
        id: String,
        fr: String,
        en: String,
    },
    Rename {
        section: Section,
        id: String,
        fr: String,
        en: String,
    },
    Retire {
        section: Section,
        id: String,
    },
    Reactivate {
        section: Section,
        id: String,
    },
    /// One place up or down: the order phones show.
    Move {
        section: Section,
        id: String,
        up: bool,
    },
    /// A bundle added (`new`) or changed: labels and contents, material
    /// id -> quantity as typed (an empty or zero quantity leaves it out).
    PutBundle {
        id: String,
        fr: String,
        en: String,
        materials: Vec<(String, String)>,
        new: bool,
    },
    RetireBundle {
        id: String,
    },
    ReactivateBundle {
        id: String,
    },
}

/// Why a change was refused; nothing was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not one of [`EDITABLE`].
    Section,
    /// Not a slug (see [`CatalogId::parse`]), or no label to make one from.
    BadId,
    /// The id is already in the section.
    Taken,
    /// No such id in the section.
    Unknown,
    /// A French (`fr`) or English (`en`) label is empty, too long or holds
    /// control characters.
    Label { lang: &'static str },
    /// The change would leave the catalog unusable (the last active zone
    /// or age band).
    LastActive,
    /// The item is already so (retiring a retired item, the same labels,
    /// the first one moved up): no new version for nothing.
    Unchanged,
    /// A bundle's material is not an active material of the catalog.
    BundleMaterial { material: String },
    /// A bundle's quantity is not a whole number from 0 to the maximum.
    BundleQuantity { material: String },
    /// A bundle with nothing in it.
    BundleEmpty,
}

/// An id made from a French label: accents and signs dropped, lower case,
/// words joined by hyphens, at most [`CatalogId::MAX_LEN`] characters;
/// none when the label has no letter or digit.
pub fn id_from_label(label: &str) -> Option<CatalogId> {
    let ascii = deunicode::deunicode(label).to_ascii_lowercase();
    let words: Vec<&str> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut id = String::new();
    for word in words {
        let more = if id.is_empty() {
            word.len()
        } else {
            word.len() + 1
        };
        if id.len() + more > CatalogId::MAX_LEN {
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(word);
    }
    CatalogId::parse(&id)
}

/// `base`, or `base-2`, `base-3`… the first one `taken` says is free.
fn free_id(base: CatalogId, taken: impl Fn(&str) -> bool) -> CatalogId {
    if !taken(base.as_str()) {
        return base;
    }
    (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            let keep = base.as_str().len().min(CatalogId::MAX_LEN - suffix.len());
            let stem = base.as_str()[..keep].trim_end_matches('-');
            CatalogId::parse(&format!("{stem}{suffix}")).expect("a slug with a suffix")
        })
        .find(|id| !taken(id.as_str()))
        .expect("a free id")
}

/// An editable section by its key (`materials`, `zones`, …).
pub fn section(key: &str) -> Option<Section> {
    EDITABLE.into_iter().find(|s| s.key() == key)
}

fn label(text: &str, lang: &'static str) -> Result<String, Refusal> {
    let text = text.trim();
    let count = text.chars().count();
    if (1..=MAX_LABEL_CHARS).contains(&count) && !text.chars().any(char::is_control) {
        Ok(text.to_string())
    } else {
        Err(Refusal::Label { lang })
    }
}

impl Change {
    /// The section changed; none for a bundle.
    pub fn section(&self) -> Option<Section> {
        match self {
            Change::Add { section, .. }
            | Change::Rename { section, .. }
            | Change::Retire { section, .. }
            | Change::Reactivate { section, .. }
            | Change::Move { section, .. } => Some(*section),
            Change::PutBundle { .. }
            | Change::RetireBundle { .. }
            | Change::ReactivateBundle { .. } => None,
        }
    }

    /// The id as asked (empty for an entry whose id comes from its label).
    pub fn id(&self) -> &str {
        match self {
            Change::Add { id, .. }
            | Change::Rename { id, .. }
            | Change::Retire { id, .. }
            | Change::Reactivate { id, .. }
            | Change::Move { id, .. }
            | Change::PutBundle { id, .. }
            | Change::RetireBundle { id }
            | Change::ReactivateBundle { id } => id.trim(),
        }
    }

    /// `catalog` with this change and the next version, the id changed
    /// and the audit entry's target and words; or why not. Every backend
    /// stores exactly this, so they refuse and record alike.
    pub fn apply(&self, catalog: &Catalog) -> Result<Applied, Refusal> {
        let mut next = catalog.clone();
        let (id, what) = match self.section() {
            Some(section) if !EDITABLE.contains(&section) => return Err(Refusal::Section),
            Some(section) => self.apply_entry(&mut next, section)?,
            None => self.apply_bundle(&mut next)?,
        };
        if next.validate().is_err() {
            return Err(Refusal::LastActive);
        }
        next.version = catalog.version + 1;
        let what = format!(
            "{what}; version {} -> {}",
            catalog.version,
            catalog.version + 1
        );
        let part = self.section().map_or("bundles", Section::key);
        Ok(Applied {
            catalog: next,
            target: format!("{part}/{id}"),
            id,
            what,
        })
    }

    fn apply_entry(
        &self,
        next: &mut Catalog,
        section: Section,
    ) -> Result<(String, String), Refusal> {
        let list = next.section_mut(section);
        let asked = self.id();
        let at = list.iter().position(|e| e.id.as_str() == asked);
        let what = match (self, at) {
            (Change::Add { fr, en, .. }, None) => {
                let (fr, en) = (label(fr, "fr")?, label(en, "en")?);
                let id = if asked.is_empty() {
                    let base = id_from_label(&fr).ok_or(Refusal::BadId)?;
                    free_id(base, |id| list.iter().any(|e| e.id.as_str() == id))
                } else {
                    CatalogId::parse(asked).ok_or(Refusal::BadId)?
                };
                let what = format!("add \"{fr}\" / \"{en}\"");
                let made = id.to_string();
                list.push(CatalogEntry {
                    id,
                    fr,
                    en,
                    active: true,
                });
                return Ok((made, what));
            }
            (Change::Add { .. }, Some(_)) => {
                CatalogId::parse(asked).ok_or(Refusal::BadId)?;
                return Err(Refusal::Taken);
            }
            (_, None) => return Err(Refusal::Unknown),
            (Change::Rename { fr, en, .. }, Some(at)) => {
                let (fr, en) = (label(fr, "fr")?, label(en, "en")?);
                let entry = &mut list[at];
                if (entry.fr.as_str(), entry.en.as_str()) == (fr.as_str(), en.as_str()) {
                    return Err(Refusal::Unchanged);
                }
                let what = format!(
                    "rename \"{}\" / \"{}\" -> \"{fr}\" / \"{en}\"",
                    entry.fr, entry.en
                );
                (entry.fr, entry.en) = (fr, en);
                what
            }
            (Change::Retire { .. }, Some(at)) if !list[at].active => {
                return Err(Refusal::Unchanged);
            }
            (Change::Reactivate { .. }, Some(at)) if list[at].active => {
                return Err(Refusal::Unchanged);
            }
            (Change::Retire { .. }, Some(at)) => {
                list[at].active = false;
                "retire".to_string()
            }
            (Change::Reactivate { .. }, Some(at)) => {
                list[at].active = true;
                "reactivate".to_string()
            }
            (Change::Move { up, .. }, Some(at)) => {
                let to = if *up { at.checked_sub(1) } else { Some(at + 1) };
                let to = to.filter(|to| *to < list.len()).ok_or(Refusal::Unchanged)?;
                list.swap(at, to);
                format!("move {asked} to place {}", to + 1)
            }
            (
                Change::PutBundle { .. }
                | Change::RetireBundle { .. }
                | Change::ReactivateBundle { .. },
                _,
            ) => return Err(Refusal::Section),
        };
        Ok((asked.to_string(), what))
    }

    fn apply_bundle(&self, next: &mut Catalog) -> Result<(String, String), Refusal> {
        let asked = self.id();
        let at = next.bundles.iter().position(|b| b.id.as_str() == asked);
        match (self, at) {
            (
                Change::PutBundle {
                    fr,
                    en,
                    materials,
                    new,
                    ..
                },
                at,
            ) => {
                let (fr, en) = (label(fr, "fr")?, label(en, "en")?);
                let contents = bundle_contents(next, materials)?;
                let id = match (new, at) {
                    (true, None) if asked.is_empty() => {
                        let base = id_from_label(&fr).ok_or(Refusal::BadId)?;
                        free_id(base, |id| next.bundles.iter().any(|b| b.id.as_str() == id))
                    }
                    (true, None) => CatalogId::parse(asked).ok_or(Refusal::BadId)?,
                    (true, Some(_)) => return Err(Refusal::Taken),
                    (false, None) => return Err(Refusal::Unknown),
                    (false, Some(at)) => {
                        let bundle = &mut next.bundles[at];
                        if (bundle.fr.as_str(), bundle.en.as_str(), &bundle.materials)
                            == (fr.as_str(), en.as_str(), &contents)
                        {
                            return Err(Refusal::Unchanged);
                        }
                        let what = format!("bundle \"{fr}\" / \"{en}\": {}", listed(&contents));
                        (bundle.fr, bundle.en, bundle.materials) = (fr, en, contents);
                        return Ok((asked.to_string(), what));
                    }
                };
                let what = format!("add bundle \"{fr}\" / \"{en}\": {}", listed(&contents));
                let made = id.to_string();
                next.bundles.push(Bundle {
                    id,
                    fr,
                    en,
                    active: true,
                    materials: contents,
                });
                Ok((made, what))
            }
            (_, None) => Err(Refusal::Unknown),
            (Change::RetireBundle { .. }, Some(at))
            | (Change::ReactivateBundle { .. }, Some(at)) => {
                let active = matches!(self, Change::ReactivateBundle { .. });
                let bundle = &mut next.bundles[at];
                if bundle.active == active {
                    return Err(Refusal::Unchanged);
                }
                bundle.active = active;
                let what = if active { "reactivate" } else { "retire" };
                Ok((asked.to_string(), what.to_string()))
            }
            _ => Err(Refusal::Section),
        }
    }
}

/// What a change made: the catalog's next version, the id it touched
/// (made from the label for a new item without one), the audit entry's
/// target (`section/id`, `bundles/id` for a bundle) and its words.
#[derive(Clone, Debug)]
pub struct Applied {
    pub catalog: Catalog,
    pub id: String,
    pub target: String,
    pub what: String,
}

/// A bundle's contents from the form: active materials only, each 1 to
/// [`Bundle::MAX_QUANTITY`]; an empty or zero quantity leaves it out.
fn bundle_contents(
    catalog: &Catalog,
    typed: &[(String, String)],
) -> Result<BTreeMap<CatalogId, u32>, Refusal> {
    let mut contents = BTreeMap::new();
    for (material, quantity) in typed {
        let quantity = quantity.trim();
        if quantity.is_empty() || quantity == "0" {
            continue;
        }
        let refused = || Refusal::BundleMaterial {
            material: material.clone(),
        };
        let entry = catalog
            .entry(Section::Materials, material.trim())
            .filter(|e| e.active)
            .ok_or_else(refused)?;
        let qty: u32 = quantity
            .parse()
            .ok()
            .filter(|q| (1..=Bundle::MAX_QUANTITY).contains(q))
            .ok_or_else(|| Refusal::BundleQuantity {
                material: material.clone(),
            })?;
        contents.insert(entry.id.clone(), qty);
    }
    if contents.is_empty() {
        return Err(Refusal::BundleEmpty);
    }
    Ok(contents)
}

fn listed(contents: &BTreeMap<CatalogId, u32>) -> String {
    contents
        .iter()
        .map(|(id, qty)| format!("{id}={qty}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Applies `change` to the stored catalog, stores the new version and the
/// audit entry together. `Ok(Err(_))`: refused, nothing written.
pub fn change(
    conn: &mut Connection,
    actor: &str,
    change: &Change,
    now_ms: i64,
) -> Result<Result<u32, Refusal>, ServerError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = db::catalog(&tx)?;
    let Applied {
        catalog: next,
        target,
        what,
        ..
    } = match change.apply(&current) {
        Ok(done) => done,
        Err(refusal) => return Ok(Err(refusal)),
    };
    db::put_catalog(&tx, &next)?;
    audit::record(&tx, actor, Action::CatalogChange, &target, &what, now_ms)?;
    tx.commit()?;
    Ok(Ok(next.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(section: Section, id: &str, fr: &str, en: &str) -> Change {
        Change::Add {
            section,
            id: id.into(),
            fr: fr.into(),
            en: en.into(),
        }
    }

    #[test]
    fn each_change_stores_the_next_version_with_its_audit_entry() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = db::open(dir.path()).unwrap();
        let version = db::catalog(&conn).unwrap().version;
        let new = add(Section::Materials, "masques", "Masques", "Masks");
        assert_eq!(
            change(&mut conn, "Marie", &new, 5).unwrap(),
            Ok(version + 1)
        );
        let retire = Change::Retire {
            section: Section::Materials,
            id: "condoms".into(),
        };
        assert_eq!(
            change(&mut conn, "Marie", &retire, 6).unwrap(),
            Ok(version + 2)
        );
        let rename = Change::Rename {
            section: Section::Zones,
            id: "pontiac".into(),
            fr: " Pontiac (MRC) ".into(),
            en: "Pontiac County".into(),
        };
        assert_eq!(
            change(&mut conn, "Luc", &rename, 7).unwrap(),
            Ok(version + 3)
        );
        let catalog = db::catalog(&conn).unwrap();
        assert_eq!(catalog.version, version + 3);
        assert!(catalog.entry(Section::Materials, "masques").unwrap().active);
        assert!(!catalog.entry(Section::Materials, "condoms").unwrap().active);
        assert_eq!(
            catalog.entry(Section::Zones, "pontiac").unwrap().fr,
            "Pontiac (MRC)"
        );
        let back = Change::Reactivate {
            section: Section::Materials,
            id: "condoms".into(),
        };
        change(&mut conn, "Luc", &back, 8).unwrap().unwrap();
        assert!(
            db::catalog(&conn)
                .unwrap()
                .entry(Section::Materials, "condoms")
                .unwrap()
                .active
        );

        let (log, total) = audit::page(&conn, 0, 10).unwrap();
        assert_eq!(total, 4);
        assert_eq!(log[3].target, "materials/masques");
        assert_eq!(log[3].action, Some(Action::CatalogChange));
        assert!(
            log[3]
                .detail
                .ends_with(&format!("version {version} -> {}", version + 1))
        );
        assert!(
            log[1].detail.contains("-> \"Pontiac (MRC)\""),
            "{}",
            log[1].detail
        );
    }

    #[test]
    fn bad_changes_are_named_and_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = db::open(dir.path()).unwrap();
        let before = db::catalog(&conn).unwrap();
        let long = "a".repeat(MAX_LABEL_CHARS + 1);
        let cases = [
            (add(Section::Materials, "Masques", "M", "M"), Refusal::BadId),
            (add(Section::Materials, "-x", "M", "M"), Refusal::BadId),
            (add(Section::Materials, "condoms", "C", "C"), Refusal::Taken),
            (
                add(Section::Materials, "masques", " ", "Masks"),
                Refusal::Label { lang: "fr" },
            ),
            (
                add(Section::Materials, "masques", "Masques", &long),
                Refusal::Label { lang: "en" },
            ),
            (
                add(Section::Materials, "masques", "a\u{7}", "b"),
                Refusal::Label { lang: "fr" },
            ),
            (
                add(Section::AgeBands, "65-plus", "65+", "65+"),
                Refusal::Taken,
            ),
            (
                Change::Retire {
                    section: Section::Zones,
                    id: "laval".into(),
                },
                Refusal::Unknown,
            ),
        ];
        let again = [
            (
                Change::Reactivate {
                    section: Section::Zones,
                    id: "pontiac".into(),
                },
                Refusal::Unchanged,
            ),
            (
                Change::Rename {
                    section: Section::Zones,
                    id: "pontiac".into(),
                    fr: "Pontiac ".into(),
                    en: "Pontiac".into(),
                },
                Refusal::Unchanged,
            ),
        ];
        for (bad, refusal) in cases.into_iter().chain(again) {
            assert_eq!(change(&mut conn, "Marie", &bad, 1).unwrap(), Err(refusal));
        }
        // Retiring every zone would leave nothing to log a contact in.
        for zone in before.active_ids(Section::Zones) {
            let retire = Change::Retire {
                section: Section::Zones,
                id: zone,
            };
            let _ = change(&mut conn, "Marie", &retire, 2).unwrap();
        }
        let after = db::catalog(&conn).unwrap();
        assert_eq!(after.active_ids(Section::Zones).len(), 1);
        assert_eq!(
            after.version,
            before.version + before.active_ids(Section::Zones).len() as u32 - 1
        );
        assert_eq!(section("materials"), Some(Section::Materials));
        assert_eq!(section("genders"), Some(Section::Genders));
    }

    #[test]
    fn an_id_is_made_from_the_french_label_when_none_is_given() {
        assert_eq!(
            id_from_label("Trousses d'injection (10)").unwrap().as_str(),
            "trousses-d-injection-10"
        );
        assert_eq!(
            id_from_label("Bispirituel·le").unwrap().as_str(),
            "bispirituel-le"
        );
        assert_eq!(
            id_from_label("Âgé·e de 65 ans et plus").unwrap().as_str(),
            "age-e-de-65-ans-et-plus"
        );
        assert!(id_from_label("« — »").is_none());
        let long = "mot ".repeat(30);
        assert!(id_from_label(&long).unwrap().as_str().len() <= CatalogId::MAX_LEN);

        let dir = tempfile::tempdir().unwrap();
        let mut conn = db::open(dir.path()).unwrap();
        for _ in 0..2 {
            let band = add(Section::AgeBands, "", "Moins de 12 ans", "Under 12");
            change(&mut conn, "Marie", &band, 1).unwrap().unwrap();
        }
        let catalog = db::catalog(&conn).unwrap();
        assert!(
            catalog
                .entry(Section::AgeBands, "moins-de-12-ans")
                .is_some()
        );
        assert!(
            catalog
                .entry(Section::AgeBands, "moins-de-12-ans-2")
                .is_some()
        );
        let (log, _) = audit::page(&conn, 0, 10).unwrap();
        assert_eq!(log[0].target, "age_bands/moins-de-12-ans-2");
    }

    #[test]
    fn moving_an_item_changes_the_order_phones_show() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = db::open(dir.path()).unwrap();
        let first = db::catalog(&conn).unwrap().genders[0].id.to_string();
        let down = Change::Move {
            section: Section::Genders,
            id: first.clone(),
            up: false,
        };
        change(&mut conn, "Marie", &down, 1).unwrap().unwrap();
        assert_eq!(db::catalog(&conn).unwrap().genders[1].id.as_str(), first);
        let top = db::catalog(&conn).unwrap().genders[0].id.to_string();
        let up = Change::Move {
            section: Section::Genders,
            id: top,
            up: true,
        };
        assert_eq!(
            change(&mut conn, "Marie", &up, 2).unwrap(),
            Err(Refusal::Unchanged)
        );
    }

    #[test]
    fn bundles_are_added_changed_and_retired_with_their_contents_checked() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = db::open(dir.path()).unwrap();
        let put = |id: &str, materials: &[(&str, &str)], new: bool| Change::PutBundle {
            id: id.into(),
            fr: "Trousse d'hiver".into(),
            en: "Winter kit".into(),
            materials: materials
                .iter()
                .map(|(m, q)| (m.to_string(), q.to_string()))
                .collect(),
            new,
        };
        let refused = [
            (
                put("", &[("masques", "2")], true),
                Refusal::BundleMaterial {
                    material: "masques".into(),
                },
            ),
            (
                put("", &[("condoms", "101")], true),
                Refusal::BundleQuantity {
                    material: "condoms".into(),
                },
            ),
            (
                put("", &[("condoms", "deux")], true),
                Refusal::BundleQuantity {
                    material: "condoms".into(),
                },
            ),
            (
                put("", &[("condoms", "0"), ("lubrifiant", "")], true),
                Refusal::BundleEmpty,
            ),
            (
                put("trousse-injection", &[("condoms", "1")], true),
                Refusal::Taken,
            ),
            (
                put("trousse-hiver", &[("condoms", "1")], false),
                Refusal::Unknown,
            ),
        ];
        for (bad, refusal) in refused {
            assert_eq!(change(&mut conn, "Marie", &bad, 1).unwrap(), Err(refusal));
        }
        let made = put(
            "",
            &[("condoms", "4"), ("garrots", "1"), ("seringues", "")],
            true,
        );
        change(&mut conn, "Marie", &made, 2).unwrap().unwrap();
        let kit = db::catalog(&conn)
            .unwrap()
            .bundle("trousse-d-hiver")
            .cloned()
            .unwrap();
        assert_eq!(kit.materials.len(), 2);
        assert_eq!(kit.materials[&CatalogId::parse("condoms").unwrap()], 4);
        let edit = put("trousse-d-hiver", &[("condoms", "6")], false);
        change(&mut conn, "Marie", &edit, 3).unwrap().unwrap();
        assert_eq!(
            change(&mut conn, "Marie", &edit, 4).unwrap(),
            Err(Refusal::Unchanged)
        );
        let retire = Change::RetireBundle {
            id: "trousse-d-hiver".into(),
        };
        change(&mut conn, "Marie", &retire, 5).unwrap().unwrap();
        let kit = db::catalog(&conn)
            .unwrap()
            .bundle("trousse-d-hiver")
            .cloned()
            .unwrap();
        assert!(!kit.active);
        assert_eq!(kit.materials.len(), 1);
        let (log, _) = audit::page(&conn, 0, 10).unwrap();
        assert_eq!(log[0].target, "bundles/trousse-d-hiver");
        assert!(log[1].detail.contains("condoms=6"), "{}", log[1].detail);
    }
}
