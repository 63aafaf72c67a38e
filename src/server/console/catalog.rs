//! Catalog edits from the dashboard: add an item, rename it, retire it,
//! bring it back. Each change is checked against the catalog's own rules,
//! then stored with the next version number together with its audit entry
//! (one transaction), so phones fetch it at their next sync and the log
//! always says who made each version.

use super::audit::{self, Action};
use crate::domain::catalog::{Catalog, CatalogEntry, CatalogId, Section};
use crate::server::db;
use crate::server::error::ServerError;
use rusqlite::{Connection, TransactionBehavior};

/// The sections supervisors edit here (age bands and genders are fixed by
/// the funders' categories).
pub const EDITABLE: [Section; 6] = [
    Section::Materials,
    Section::Zones,
    Section::Referrals,
    Section::Interventions,
    Section::LocationTypes,
    Section::Substances,
];

/// A label's length, in characters.
pub const MAX_LABEL_CHARS: usize = 80;

/// One change a supervisor asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
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
}

/// Why a change was refused; nothing was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not one of [`EDITABLE`].
    Section,
    /// Not a slug (see [`CatalogId::parse`]).
    BadId,
    /// The id is already in the section.
    Taken,
    /// No such id in the section.
    Unknown,
    /// A French (`fr`) or English (`en`) label is empty, too long or holds
    /// control characters.
    Label { lang: &'static str },
    /// The change would leave the catalog unusable (its last active zone).
    LastActive,
    /// The item is already so (retiring a retired item, the same labels):
    /// no new version for nothing.
    Unchanged,
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

fn entries(catalog: &mut Catalog, section: Section) -> &mut Vec<CatalogEntry> {
    catalog.section_mut(section)
}

impl Change {
    pub fn section(&self) -> Section {
        match self {
            Change::Add { section, .. }
            | Change::Rename { section, .. }
            | Change::Retire { section, .. }
            | Change::Reactivate { section, .. } => *section,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Change::Add { id, .. }
            | Change::Rename { id, .. }
            | Change::Retire { id, .. }
            | Change::Reactivate { id, .. } => id.trim(),
        }
    }

    /// `catalog` with this change and the next version, and what changed in
    /// words for the audit log; or why not.
    pub fn apply(&self, catalog: &Catalog) -> Result<(Catalog, String), Refusal> {
        let section = self.section();
        if !EDITABLE.contains(&section) {
            return Err(Refusal::Section);
        }
        let id = self.id();
        let mut next = catalog.clone();
        let list = entries(&mut next, section);
        let at = list.iter().position(|e| e.id.as_str() == id);
        let what = match (self, at) {
            (Change::Add { fr, en, .. }, None) => {
                let id = CatalogId::parse(id).ok_or(Refusal::BadId)?;
                let (fr, en) = (label(fr, "fr")?, label(en, "en")?);
                let what = format!("add \"{fr}\" / \"{en}\"");
                list.push(CatalogEntry {
                    id,
                    fr,
                    en,
                    active: true,
                });
                what
            }
            (Change::Add { .. }, Some(_)) => {
                CatalogId::parse(id).ok_or(Refusal::BadId)?;
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
        };
        if next.validate().is_err() {
            return Err(Refusal::LastActive);
        }
        next.version = catalog.version + 1;
        Ok((
            next,
            format!(
                "{what}; version {} -> {}",
                catalog.version,
                catalog.version + 1
            ),
        ))
    }
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
    let (next, what) = match change.apply(&current) {
        Ok(done) => done,
        Err(refusal) => return Ok(Err(refusal)),
    };
    tx.execute(
        "UPDATE settings SET value = ?1 WHERE name = ?2",
        (
            serde_json::to_string(&next).expect("catalog serializes"),
            db::CATALOG,
        ),
    )?;
    let target = format!("{}/{}", change.section().key(), change.id());
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
                Refusal::Section,
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
        assert_eq!(section("genders"), None);
    }
}
