//! The offline engine: everything a phone does without a screen.
//!
//! - [`store`]: the encrypted local store. One SQLite file (WAL) under the
//!   device's home directory (in a browser, in the origin's private file
//!   system, with a rollback journal); every record sealed with ChaCha20-Poly1305
//!   under a random data key, the record id as associated data; per-day
//!   counts sealed the same way; the catalog sealed too.
//! - [`vault`]: the data key and its wrapping by the worker's PIN
//!   (PBKDF2-HMAC-SHA256, 600,000 iterations, random salt), plus the blind
//!   index tags that let the store find "today" without storing dates.
//! - [`pin`]: the PIN itself and the rule a new one meets (6 digits, or a
//!   passphrase), since PBKDF2 alone does not stop offline guessing.
//! - `listing`: records read back by calendar day, by worker's day, or
//!   waiting to be sent.
//! - [`import`]: back-filling from paper tally sheets (CSV), all or nothing.
//! - [`enrollment`]: the identity key and the server's signed bundle.
//! - [`outbox`]: sealing pending records into batches, delivery, purge,
//!   export for hand delivery; delivered records stay until the worker's
//!   day is over ([`workday`]).
//! - [`sync`]: uploads with backoff, receipt checks, catalog refresh,
//!   over `http`'s client (reqwest: rustls natively, fetch in a
//!   browser); [`status`] says what is waiting.
//!
//! What an attacker who copies the store directory learns: how many
//! records there are, when each record id was made (UUIDv7 carries its
//! creation time), which records share a day, and which were voided.
//! Not a zone, a material, a count, a code or a date.

mod counts;
pub mod engine;
pub mod enrollment;
mod error;
mod http;
pub mod import;
mod listing;
#[cfg(target_arch = "wasm32")]
mod opfs;
pub mod outbox;
pub mod pin;
pub mod platform;
pub mod prefs;
mod schema;
mod shift;
pub mod status;
pub mod store;
pub mod sync;
mod sync_error;
pub mod vault;
pub mod workday;

pub use counts::DayCounts;
pub use enrollment::{Enrollment, enroll};
pub use error::StoreError;
pub use pin::{Pin, PinKind};
pub use prefs::{Prefs, Theme};
pub use status::Status;
#[cfg(target_arch = "wasm32")]
pub use store::install_opfs;
pub use store::{Listed, Listing, Location, Store};
pub use sync::{Client, SyncOptions, SyncReport, sync};
pub use sync_error::SyncError;
pub use workday::DayEnd;
