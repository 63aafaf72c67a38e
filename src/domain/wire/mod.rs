#![doc = include_str!("protocol.md")]
//!
//! This module owns the byte formats: [`envelope`], [`receipt`] and the
//! batch plaintext ([`batch`]). Decoders check every length before reading
//! and never panic on any input.

pub mod batch;
pub mod enroll;
pub mod enroll_link;
pub mod envelope;
pub mod receipt;
pub mod server_address;

pub use envelope::{Envelope, Header, SealTo};
pub use receipt::{Receipt, ReceiptStatus};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("not a Tournée message (unknown magic)")]
    Magic,
    #[error("unsupported version {0}")]
    Version(u8),
    #[error("unsupported cipher suite or compression")]
    Suite,
    #[error("wrong length: expected {expected} bytes, found {found}")]
    Length { expected: usize, found: usize },
    #[error("too large: {0} bytes")]
    TooLarge(usize),
    #[error("the signature does not verify")]
    Signature,
    #[error("the ciphertext does not open")]
    Open,
    #[error("unknown receipt status {0}")]
    Status(u8),
    #[error("padding is not zero")]
    Padding,
    #[error("the plaintext is padded to {found} bytes; the protocol requires exactly {expected}")]
    PaddedLength { expected: usize, found: usize },
    #[error("sequence number {0} is outside 1 to 9223372036854775807")]
    Sequence(u64),
    #[error("the batch id is not a UUIDv7")]
    BatchId,
    #[error(
        "ciphertext length {0} is not a padded batch plaintext (a power of two from 1,024 to 262,144 bytes) plus 16"
    )]
    CiphertextLength(u32),
    #[error("{0} records in one batch; at most 500")]
    TooManyRecords(usize),
    #[error("the batch does not decode: {0}")]
    Batch(String),
}

/// Takes `N` bytes off the front of `cursor`.
fn read_array<const N: usize>(cursor: &mut &[u8]) -> Result<[u8; N], WireError> {
    let (head, rest) = cursor.split_first_chunk::<N>().ok_or(WireError::Length {
        expected: N,
        found: cursor.len(),
    })?;
    *cursor = rest;
    Ok(*head)
}

fn read_u32(cursor: &mut &[u8]) -> Result<u32, WireError> {
    read_array(cursor).map(u32::from_be_bytes)
}

fn read_u64(cursor: &mut &[u8]) -> Result<u64, WireError> {
    read_array(cursor).map(u64::from_be_bytes)
}
