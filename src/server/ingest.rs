//! Ingest: from the bytes of one envelope to a signed receipt, with the
//! checks in the order the protocol gives them. The HTTP route and the
//! hand-delivery import both call [`ingest`], so a batch is judged the same
//! way however it arrives.
//!
//! The envelope is committed (WAL, `synchronous=FULL`) before the receipt
//! is sent: a receipt lets the device purge, so it must never exist for
//! an envelope a power cut could still lose. The batch is not opened here;
//! applying it is a separate step that reads the stored bytes.
//!
//! The bounds of the header that only a client other than Tournée breaks
//! (sequence number, batch id, ciphertext length) are checked when it
//! decodes, before anything is stored (400). Sealed-at is not judged
//! here: a phone whose clock is wrong seals every batch with it, re-sends
//! the same bytes and stops at the first refusal, so refusing one would
//! block its queue for good. Such a batch, like any that breaks a bound
//! inside the ciphertext, is stored and quarantined by the apply step.

use super::error::ServerError;
use super::keys::ServerKeys;
use super::queries::{self, AlertRow, StoredEnvelope};
use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::wire::receipt::envelope_digest;
use crate::domain::wire::{Envelope, Header, Receipt, ReceiptStatus, WireError};
use rusqlite::{Connection, TransactionBehavior};
use uuid::Uuid;

/// Why an envelope was refused. [`super::http`] maps each to its status.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the envelope is over 1 MiB")]
    TooLarge,
    #[error("the envelope does not decode: {0}")]
    Malformed(WireError),
    #[error("the device is not enrolled on this server")]
    UnknownDevice,
    #[error("the device is revoked")]
    Revoked,
    #[error("the device signature does not verify")]
    BadSignature,
    #[error("the envelope is for another organization")]
    WrongOrganization,
    #[error("the envelope is sealed to a key this server does not have")]
    UnknownKey,
    #[error("another envelope with this device and sequence number is already stored")]
    Equivocation,
    #[error(transparent)]
    Server(#[from] ServerError),
}

impl From<rusqlite::Error> for IngestError {
    fn from(e: rusqlite::Error) -> IngestError {
        IngestError::Server(ServerError::Sqlite(e))
    }
}

impl IngestError {
    pub fn message(&self, lang: Lang) -> String {
        let msg = match self {
            IngestError::TooLarge => Msg::IngestTooLarge,
            IngestError::Malformed(why) => {
                return tr(lang, Msg::IngestMalformed, &[("value", why)]);
            }
            IngestError::UnknownDevice => Msg::IngestUnknownDevice,
            IngestError::Revoked => Msg::IngestRevoked,
            IngestError::BadSignature => Msg::IngestBadSignature,
            IngestError::WrongOrganization => Msg::IngestWrongOrganization,
            IngestError::UnknownKey => Msg::IngestUnknownKey,
            IngestError::Equivocation => Msg::IngestEquivocation,
            IngestError::Server(e) => return e.message(lang),
        };
        msg.text(lang).to_string()
    }
}

/// A receipt and its signed bytes, exactly what travels back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedReceipt {
    pub receipt: Receipt,
    pub bytes: Vec<u8>,
}

/// Judges and stores one envelope; `now_ms` becomes its received-at.
pub fn ingest(
    conn: &mut Connection,
    keys: &ServerKeys,
    bytes: &[u8],
    now_ms: i64,
) -> Result<SignedReceipt, IngestError> {
    let envelope = Envelope::decode(bytes).map_err(|e| match e {
        WireError::TooLarge(_) => IngestError::TooLarge,
        other => IngestError::Malformed(other),
    })?;
    let header = &envelope.header;
    // IMMEDIATE takes the write lock now, so an admin command writing at
    // the same moment makes us wait instead of failing halfway.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let device = queries::device_key(&tx, header.device_id)?.ok_or(IngestError::UnknownDevice)?;
    if device.revoked {
        return Err(IngestError::Revoked);
    }
    envelope
        .verify(&device.public_key)
        .map_err(|_| IngestError::BadSignature)?;
    if header.org_id != keys.org_id {
        return Err(IngestError::WrongOrganization);
    }
    if keys.sealing_key(&header.kid).is_none() {
        return Err(IngestError::UnknownKey);
    }
    // From here the device has proved itself: whatever the outcome, it was seen.
    queries::touch_device(&tx, header.device_id, now_ms)?;
    // Dedup compares digests: an applied envelope's bytes are gone.
    let sha256 = envelope_digest(bytes);
    let (stored, status) = match queries::stored_envelope(&tx, header.device_id, header.seq)? {
        Some(stored) if stored.sha256 == sha256 => (stored, ReceiptStatus::Duplicate),
        Some(stored) => {
            record_equivocation(&tx, header, &stored, sha256, now_ms)?;
            tx.commit()?;
            return Err(IngestError::Equivocation);
        }
        None => (
            StoredEnvelope {
                batch_id: header.batch_id,
                sha256,
                received_at_ms: now_ms,
            },
            ReceiptStatus::Stored,
        ),
    };
    // A duplicate's receipt keeps the first received-at: the envelope has
    // been safe since then, and the same bytes always earn the same facts.
    let receipt = receipt(header.device_id, header.seq, &stored, status);
    let signed = receipt.sign(keys.signer());
    if status == ReceiptStatus::Stored {
        // Kept with the envelope: it outlives the ciphertext, for the audit.
        queries::insert_envelope(&tx, header.device_id, header.seq, &stored, bytes, &signed)?;
    }
    tx.commit()?;
    tracing::info!(
        device = %header.device_id,
        seq = header.seq,
        status = ?status,
        "envelope received"
    );
    Ok(SignedReceipt {
        receipt,
        bytes: signed,
    })
}

fn receipt(device_id: Uuid, seq: u64, stored: &StoredEnvelope, status: ReceiptStatus) -> Receipt {
    Receipt {
        device_id,
        seq,
        batch_id: stored.batch_id,
        envelope_sha256: stored.sha256,
        received_at_ms: stored.received_at_ms,
        status,
    }
}

/// Signs the first receipt of envelopes stored by a release that did not
/// keep it. Ed25519 signatures are deterministic, so these are the very
/// bytes the device got back then.
pub fn backfill_receipts(conn: &mut Connection, keys: &ServerKeys) -> Result<usize, ServerError> {
    let missing = queries::envelopes_without_receipt(conn)?;
    if missing.is_empty() {
        return Ok(0);
    }
    let tx = conn.transaction()?;
    for (device_id, seq) in &missing {
        let stored = queries::stored_envelope(&tx, *device_id, *seq)?
            .ok_or_else(|| ServerError::Damaged("envelope vanished".into()))?;
        let first = receipt(*device_id, *seq, &stored, ReceiptStatus::Stored);
        queries::set_receipt(&tx, *device_id, *seq, &first.sign(keys.signer()))?;
    }
    tx.commit()?;
    Ok(missing.len())
}

/// Two different signed envelopes for one (device, seq) mean a device key
/// in two hands or a broken device: supervisors must see it, once per
/// (device, seq) however often it is offered. Only digests are kept and
/// logged, never contents.
fn record_equivocation(
    conn: &Connection,
    offered: &Header,
    stored: &StoredEnvelope,
    offered_sha256: [u8; 32],
    now_ms: i64,
) -> Result<(), IngestError> {
    tracing::warn!(
        device = %offered.device_id,
        seq = offered.seq,
        stored = %hex::encode(&stored.sha256[..8]),
        offered = %hex::encode(&offered_sha256[..8]),
        "equivocation: a different envelope for a stored sequence number"
    );
    queries::insert_alert(
        conn,
        &AlertRow {
            kind: queries::EQUIVOCATION.to_string(),
            device_id: offered.device_id,
            seq: offered.seq,
            stored_sha256: stored.sha256,
            offered_sha256,
            offered_batch_id: offered.batch_id,
            created_at_ms: now_ms,
            repeats: 1,
            last_at_ms: now_ms,
        },
    )?;
    Ok(())
}
