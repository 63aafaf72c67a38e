//! The domain: what an outreach contact is and what makes one valid. No I/O.
//!
//! Everything that enters Tournée from a person (the CLI, a CSV of paper
//! tally sheets, the app's form) goes through a parse constructor here, so a
//! [`Contact`] that exists is a contact that is valid against the catalog it
//! was checked with. Errors name the field and what is allowed, in French and
//! English ([`i18n`]).

pub mod bundle;
pub mod catalog;
mod catalog_default;
mod choice;
pub mod contact;
pub mod crypto;
pub mod draft;
pub mod error;
pub mod escape;
pub mod i18n;
pub mod ids;
pub mod incident;
pub mod naloxone;
pub mod overdose;
pub mod person_code;
pub mod report;
pub mod shift;
pub mod time;
pub mod wire;

pub use catalog::{Catalog, CatalogEntry, CatalogId, IdPolicy, Section};
pub use contact::{Contact, DurationMin, Kind, PeopleCount, Quantity, Record, Void};
pub use draft::ContactDraft;
pub use error::{Field, FieldError, Invalid, Problem};
pub use i18n::{Lang, Msg};
pub use ids::RecordId;
pub use incident::{Incident, IncidentDraft};
pub use overdose::{Overdose, OverdoseDraft};
pub use person_code::PersonCode;
pub use shift::{OpenShift, Shift, ShiftEnd};
