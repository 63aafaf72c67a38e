//! What the supervisors' dashboard reads and changes in the server's
//! database: sessions, the audit log, the activity list (and voids),
//! phones (and revocations), the quarantine, and (in their own files)
//! catalog edits and incident follow-ups. Plain functions over a
//! connection, which the embedded backend of the storage door
//! ([`crate::server::store::sqlite`]) calls; the dashboard itself holds
//! no SQL and no connection.

pub mod activity;
pub mod audit;
pub mod catalog;
pub mod enrollment;
pub mod incidents;
pub mod overdoses;
pub mod phones;
pub mod quarantine;
pub mod report;
pub mod sessions;
