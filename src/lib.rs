//! Tournée: an offline-first outreach logger for community street workers.
//!
//! Workers log anonymized contacts and the harm-reduction materials they hand
//! out, on a phone, with or without signal. Records are encrypted at rest on
//! the device and travel to the organization's own server in sealed, signed
//! batches. The design brief lives in the repository's README.
//!
//! # Map of the modules
//!
//! Dependencies point one way: `cli` -> `app` -> `device` -> `domain`,
//! and `cli` -> `dashboard` -> `server` -> `domain`; `server` and `device`
//! never meet except through the wire formats in `domain`.
//!
//! Which feature brings which module (Cargo.toml's `[features]`):
//! `domain`, `device`, `app` and `cli` are always there (with no feature,
//! `cli` offers `device` and `bench`'s device figures); `server` and
//! `dashboard` come with the `server` feature (default), with the commands
//! over them; `app::liveview` and `tournee app` come with `liveview`
//! (default), `app::native` with `desktop` or `mobile`; `tournee demo`
//! needs both `server` and `liveview`. For `wasm32-unknown-unknown`
//! (README "The web app"), with no feature, only `domain` and `device`;
//! with `web`, the app's page and the engine's worker besides
//! (`app::web`, `device::engine::web`), which `src/build.rs` builds for
//! `tournee serve` to hand out (feature `web-app`, default).
//!
//! - [`domain`]: no I/O. Contacts and voids, the catalog (materials, zones,
//!   referrals, interventions, age bands, genders), validation by parse
//!   constructors, person-code canonicalization, every user-facing string
//!   in French and English, the wire formats with their cryptography
//!   (HPKE sealing, labeled Ed25519 signatures, envelopes, receipts), and
//!   monthly reports as published: small-cell suppression, JSON, CSV and
//!   Markdown.
//! - [`device`]: the offline engine, a library with no UI. The encrypted
//!   SQLite store (PIN-wrapped data key, AEAD per record, blind day index),
//!   its schema migrations, back-filling from paper tally sheets (CSV),
//!   enrollment, the outbox of sealed batches, and the sync client.
//! - `server` (feature `server`): the organization's central endpoint.
//!   Its settings (defaults, TOML file, environment), its keys (signing,
//!   sealing epochs), its SQLite file, enrollment with one-time codes, ingest of
//!   sealed envelopes into signed receipts (over HTTP with axum, or from a
//!   hand-delivery file), applying stored batches (pseudonyms, voids,
//!   quarantine) into a ledger with monthly rollups, month tallies,
//!   supervisor accounts, and the admin operations; `server::console`
//!   holds what the dashboard reads and changes (sessions, audit log,
//!   activity, phones, catalog edits, reports).
//! - `dashboard` (feature `server`): the supervisors' pages on `tournee
//!   serve`, rendered on the server with Dioxus SSR and working without
//!   JavaScript: sign-in,
//!   sessions and CSRF, activity and voids, phones, enrollment with a QR
//!   code, catalog, quarantine, the monthly report (charts, CSV, print,
//!   suppression) and the audit log.
//! - [`app`]: the Dioxus worker app over `device`: the session (open
//!   store, language, inactivity lock), background sync and enrollment on
//!   their own threads (the PIN's key derivation too), one component per
//!   screen, served over liveview by `tournee app` (default feature), in a
//!   window by a `desktop` build of `tournee app`, and on a phone
//!   (`mobile`, built with `dx`).
//! - [`cli`]: the `tournee` command: `demo` (everything at once, with
//!   three months of made-up work), `app` (the worker app), `device` (a
//!   headless phone), `serve` (device API and dashboard),
//!   `admin` (enrollment codes, devices, hand-delivered batches, supervisor
//!   accounts, sealing keys, quarantine), `report`, `simulate` (a fleet
//!   over a lossy link) and `bench`.

// No `unsafe` anywhere: the crypto and storage crates carry what needs it.
#![forbid(unsafe_code)]

// The engine builds for wasm32 (`device`, `domain`: the web app's
// worker); the app too with the `web` feature (its page); the command
// line never does.
#[cfg(any(not(target_arch = "wasm32"), feature = "web"))]
pub mod app;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(feature = "server")]
pub mod dashboard;
pub mod device;
pub mod domain;
#[cfg(feature = "server")]
pub mod server;
