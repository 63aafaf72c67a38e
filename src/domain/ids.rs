//! Record identifiers: UUIDv7, made on the device, unique without a server.
//!
//! Version 7 sorts by creation time, which keeps SQLite's index appends
//! cheap and lets the server dedup by id whatever order batches arrive in.

use super::error::{Field, FieldError, Problem};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordId(Uuid);

impl RecordId {
    /// A fresh id from the current time and 74 random bits.
    pub fn new() -> Self {
        RecordId(Uuid::now_v7())
    }

    /// Parses the hyphenated text form; only version 7 ids are records.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let bad = || {
            FieldError::new(
                Field::RecordId,
                Problem::BadRecordId {
                    value: text.trim().to_string(),
                },
            )
        };
        let uuid = Uuid::try_parse(text.trim()).map_err(|_| bad())?;
        if uuid.get_version_num() != 7 {
            return Err(bad());
        }
        Ok(RecordId(uuid))
    }

    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        RecordId(Uuid::from_bytes(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        self.0.as_bytes()
    }

    pub fn uuid(&self) -> Uuid {
        self.0
    }

    /// An id as a database that has a uuid type stores it.
    pub fn from_uuid(uuid: Uuid) -> Self {
        RecordId(uuid)
    }
}

impl Default for RecordId {
    fn default() -> Self {
        RecordId::new()
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl fmt::Debug for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecordId({})", self.0.hyphenated())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_version_7_and_round_trip_through_text_and_bytes() {
        let id = RecordId::new();
        assert_eq!(RecordId::parse(&id.to_string()).unwrap(), id);
        assert_eq!(RecordId::from_bytes(*id.as_bytes()), id);
    }

    #[test]
    fn parse_refuses_other_uuid_versions_and_garbage() {
        assert!(RecordId::parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8").is_err());
        let error = RecordId::parse("abc").unwrap_err();
        assert_eq!(error.field, Field::RecordId);
    }
}
