//! What the supervisors' dashboard reads and changes in the server's
//! database: sessions, the audit log, and (in their own files) the
//! activity list, phones, catalog edits and quarantine. Plain functions
//! over a connection, called through [`crate::server::Server::call`]; the
//! dashboard itself holds no SQL.

pub mod audit;
pub mod catalog;
pub mod enrollment;
pub mod report;
pub mod sessions;
