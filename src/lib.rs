//! Tournée: an offline-first outreach logger for community street workers.
//!
//! Workers log anonymized contacts and the harm-reduction materials they hand
//! out, on a phone, with or without signal. Records are encrypted at rest on
//! the device and travel to the organization's own server in sealed, signed
//! batches. The design brief lives in the repository's README.
//!
//! # Map of the modules
//!
//! Dependencies point one way: `cli` -> `device` -> `domain`.
//!
//! - [`domain`]: no I/O. Contacts and voids, the catalog (materials, zones,
//!   referrals, interventions, age bands, genders), validation by parse
//!   constructors, person-code canonicalization, and every user-facing string
//!   in French and English.
//! - [`device`]: the offline engine, a library with no UI. The encrypted
//!   SQLite store (PIN-wrapped data key, AEAD per record, blind day index),
//!   its schema migrations, and back-filling from paper tally sheets (CSV).
//! - [`cli`]: the `tournee` command: `device` (a headless phone) and `bench`.
//!
//! Still to come, as issues say: `server` (ingest, apply, reports,
//! dashboard) and `app` (the Dioxus worker app over `device`).

pub mod cli;
pub mod device;
pub mod domain;
