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
use super::queries::{self, AlertRow, DeviceKey, StoredEnvelope};
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
    let envelope = decode(bytes)?;
    let header = &envelope.header;
    // IMMEDIATE takes the write lock now, so an admin command writing at
    // the same moment makes us wait instead of failing halfway.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let device = queries::device_key(&tx, header.device_id)?;
    check_sender(&envelope, device.as_ref(), keys)?;
    // From here the device has proved itself: whatever the outcome, it was seen.
    queries::touch_device(&tx, header.device_id, now_ms)?;
    let existing = queries::stored_envelope(&tx, header.device_id, header.seq)?;
    let (stored, status) = match judge(header, bytes, existing, now_ms) {
        Judged::Equivocation(alert) => {
            queries::insert_alert(&tx, &alert)?;
            tx.commit()?;
            return Err(IngestError::Equivocation);
        }
        Judged::Duplicate(stored) => (stored, ReceiptStatus::Duplicate),
        Judged::New(stored) => (stored, ReceiptStatus::Stored),
    };
    let signed = signed_receipt(keys, header, &stored, status);
    if status == ReceiptStatus::Stored {
        // Kept with the envelope: it outlives the ciphertext, for the audit.
        queries::insert_envelope(
            &tx,
            header.device_id,
            header.seq,
            &stored,
            bytes,
            &signed.bytes,
        )?;
    }
    tx.commit()?;
    received(header, status);
    Ok(signed)
}

/// The envelope's header and parts, or why it is refused before anything
/// is looked up (every backend starts here).
pub fn decode(bytes: &[u8]) -> Result<Envelope<'_>, IngestError> {
    Envelope::decode(bytes).map_err(|e| match e {
        WireError::TooLarge(_) => IngestError::TooLarge,
        other => IngestError::Malformed(other),
    })
}

/// The checks on who sent it, in the protocol's order: an enrolled
/// device (`device`, as the backend found it for the header's device
/// id), not revoked, whose signature verifies, for `keys`' organization,
/// sealed to one of its epochs.
pub fn check_sender(
    envelope: &Envelope<'_>,
    device: Option<&DeviceKey>,
    keys: &ServerKeys,
) -> Result<(), IngestError> {
    let device = device.ok_or(IngestError::UnknownDevice)?;
    if device.revoked {
        return Err(IngestError::Revoked);
    }
    envelope
        .verify(&device.public_key)
        .map_err(|_| IngestError::BadSignature)?;
    if envelope.header.org_id != keys.org_id {
        return Err(IngestError::WrongOrganization);
    }
    if keys.sealing_key(&envelope.header.kid).is_none() {
        return Err(IngestError::UnknownKey);
    }
    Ok(())
}

/// What an envelope from a proven sender is, against what is stored for
/// its (device, seq).
#[derive(Debug)]
pub enum Judged {
    /// Stored now: received at `now_ms`.
    New(StoredEnvelope),
    /// The same bytes again: the first receipt's facts.
    Duplicate(StoredEnvelope),
    /// Different bytes under a stored number: the alert to record (and
    /// commit) before refusing it.
    Equivocation(AlertRow),
}

/// Dedup compares digests: an applied envelope's bytes are gone.
pub fn judge(
    header: &Header,
    bytes: &[u8],
    existing: Option<StoredEnvelope>,
    now_ms: i64,
) -> Judged {
    let sha256 = envelope_digest(bytes);
    match existing {
        // A duplicate's receipt keeps the first received-at: the envelope
        // has been safe since then, and the same bytes always earn the
        // same facts.
        Some(stored) if stored.sha256 == sha256 => Judged::Duplicate(stored),
        Some(stored) => Judged::Equivocation(equivocation(header, &stored, sha256, now_ms)),
        None => Judged::New(StoredEnvelope {
            batch_id: header.batch_id,
            sha256,
            received_at_ms: now_ms,
        }),
    }
}

/// The receipt for `stored`, signed with the organization's key.
pub fn signed_receipt(
    keys: &ServerKeys,
    header: &Header,
    stored: &StoredEnvelope,
    status: ReceiptStatus,
) -> SignedReceipt {
    let receipt = receipt(header.device_id, header.seq, stored, status);
    let bytes = receipt.sign(keys.signer());
    SignedReceipt { receipt, bytes }
}

/// Logs an envelope received (ids and status only, never contents).
pub fn received(header: &Header, status: ReceiptStatus) {
    tracing::info!(
        device = %header.device_id,
        seq = header.seq,
        status = ?status,
        "envelope received"
    );
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
fn equivocation(
    offered: &Header,
    stored: &StoredEnvelope,
    offered_sha256: [u8; 32],
    now_ms: i64,
) -> AlertRow {
    tracing::warn!(
        device = %offered.device_id,
        seq = offered.seq,
        stored = %hex::encode(&stored.sha256[..8]),
        offered = %hex::encode(&offered_sha256[..8]),
        "equivocation: a different envelope for a stored sequence number"
    );
    AlertRow {
        kind: queries::EQUIVOCATION.to_string(),
        device_id: offered.device_id,
        seq: offered.seq,
        stored_sha256: stored.sha256,
        offered_sha256,
        offered_batch_id: offered.batch_id,
        created_at_ms: now_ms,
        repeats: 1,
        last_at_ms: now_ms,
    }
}
