//! What the supervisors' dashboard reads and changes in the server's
//! database: sessions, the audit log, the activity list (and voids),
//! phones (and revocations), the quarantine, and (in their own files)
//! catalog edits and incident follow-ups. Plain functions over a connection, called through
//! [`crate::server::Server::call`]; the dashboard itself holds no SQL.

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
