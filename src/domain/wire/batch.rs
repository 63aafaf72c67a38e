//! The batch plaintext: the records, as a versioned JSON document,
//! DEFLATE-compressed, then padded to a power of two so that the envelope's
//! size says little about how many contacts it holds.

use super::{WireError, read_array, read_u32};
use crate::domain::Record;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

/// The newest schema: 2 adds overdose responses, shifts and incidents. The server still reads
/// 1, what phones of the previous release send (contacts and voids).
pub const SCHEMA_VERSION: u8 = 2;
/// The oldest schema a server accepts.
pub const OLDEST_SCHEMA: u8 = 1;
const COMPRESSION_DEFLATE: u8 = 1;
const PREFIX_LEN: usize = 6;
const MIN_PADDED: usize = 1024;
/// A batch holds at most this many records (contacts and voids).
pub const MAX_RECORDS: usize = 500;
/// And its padded plaintext at most this many bytes.
pub const MAX_PLAINTEXT: usize = 256 * 1024;
/// Decompressed JSON larger than this is refused (a zip bomb is not a batch).
pub const MAX_JSON: usize = 8 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
struct Document {
    records: Vec<Record>,
}

/// The padded length for a payload of `len` bytes: the next power of two,
/// at least [`MIN_PADDED`].
pub fn padded_len(len: usize) -> usize {
    len.next_power_of_two().max(MIN_PADDED)
}

/// Whether `len` is a length [`padded_len`] can give within
/// [`MAX_PLAINTEXT`]: a power of two from 1 KiB to 256 KiB.
pub fn is_padded_len(len: usize) -> bool {
    len.is_power_of_two() && (MIN_PADDED..=MAX_PLAINTEXT).contains(&len)
}

/// Encodes records as the batch plaintext. The caller keeps within
/// [`MAX_RECORDS`] and [`MAX_PLAINTEXT`]; [`decode`] refuses more.
/// The version is the oldest that can carry the records: a batch of
/// contacts and voids is still schema 1, so a server not yet updated keeps
/// taking the phone's contacts; an overdose response needs 2.
pub fn encode(records: &[Record]) -> Vec<u8> {
    encode_as(needed_schema(records), records)
}

/// The oldest schema that can carry `records`.
pub fn needed_schema(records: &[Record]) -> u8 {
    records
        .iter()
        .map(Record::schema)
        .max()
        .unwrap_or(OLDEST_SCHEMA)
}

/// Encodes under an older schema, as a phone of that release did (tests
/// and benches make such batches with today's code).
pub fn encode_as(version: u8, records: &[Record]) -> Vec<u8> {
    let json = serde_json::to_vec(&DocumentRef { records }).expect("records serialize");
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(&json).expect("writing to memory");
    let compressed = encoder.finish().expect("writing to memory");
    let mut out = Vec::with_capacity(padded_len(PREFIX_LEN + compressed.len()));
    out.push(version);
    out.push(COMPRESSION_DEFLATE);
    out.extend_from_slice(&(compressed.len() as u32).to_be_bytes());
    out.extend_from_slice(&compressed);
    out.resize(padded_len(out.len()), 0);
    out
}

#[derive(Serialize)]
struct DocumentRef<'a> {
    records: &'a [Record],
}

/// Decodes the batch plaintext. Records are returned as parsed JSON
/// values' typed form; the caller validates them against the catalog.
/// The padding must be exactly [`padded_len`]: a longer one would let a
/// sender use the length to say something the protocol does not.
pub fn decode(plaintext: &[u8]) -> Result<Vec<Record>, WireError> {
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(WireError::TooLarge(plaintext.len()));
    }
    let mut cursor = plaintext;
    let [version, compression] = read_array::<2>(&mut cursor)?;
    if !(OLDEST_SCHEMA..=SCHEMA_VERSION).contains(&version) {
        return Err(WireError::Version(version));
    }
    if compression != COMPRESSION_DEFLATE {
        return Err(WireError::Suite);
    }
    let len = read_u32(&mut cursor)? as usize;
    let compressed = cursor.get(..len).ok_or(WireError::Length {
        expected: len,
        found: cursor.len(),
    })?;
    if cursor[len..].iter().any(|&b| b != 0) {
        return Err(WireError::Padding);
    }
    let expected = padded_len(PREFIX_LEN + len);
    if plaintext.len() != expected {
        return Err(WireError::PaddedLength {
            expected,
            found: plaintext.len(),
        });
    }
    let mut json = Vec::new();
    DeflateDecoder::new(compressed)
        .take(MAX_JSON as u64 + 1)
        .read_to_end(&mut json)
        .map_err(|e| WireError::Batch(e.to_string()))?;
    if json.len() > MAX_JSON {
        return Err(WireError::TooLarge(json.len()));
    }
    let document: Document =
        serde_json::from_slice(&json).map_err(|e| WireError::Batch(e.to_string()))?;
    if document.records.len() > MAX_RECORDS {
        return Err(WireError::TooManyRecords(document.records.len()));
    }
    if let Some((index, record)) = document
        .records
        .iter()
        .enumerate()
        .find(|(_, r)| r.schema() > version)
    {
        return Err(WireError::Batch(format!(
            "record {}: a{} needs batch schema {}, this batch says {version}",
            index + 1,
            match record {
                Record::Overdose(_) => "n overdose response",
                Record::Shift(_) => " shift",
                _ => "n incident",
            },
            record.schema()
        )));
    }
    Ok(document.records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Catalog, ContactDraft};

    fn records(n: usize) -> Vec<Record> {
        let draft = ContactDraft {
            zone: "gatineau".into(),
            kind: "known".into(),
            people: "1".into(),
            age_band: "18-24".into(),
            materials: vec![("seringues".into(), "10".into())],
            code: Some("ABCD1999".into()),
            ..Default::default()
        };
        let now = chrono::Local::now().fixed_offset();
        (0..n)
            .map(|_| Record::Contact(draft.parse(&Catalog::default_quebec(), now).unwrap()))
            .collect()
    }

    #[test]
    fn records_round_trip_and_the_size_is_a_power_of_two() {
        for n in [1, 3, 200] {
            let batch = records(n);
            let encoded = encode(&batch);
            assert!(encoded.len().is_power_of_two() && encoded.len() >= 1024);
            assert_eq!(decode(&encoded).unwrap(), batch);
        }
        assert_eq!(
            encode(&records(1)).len(),
            encode(&records(3)).len(),
            "small batches look alike"
        );
    }

    #[test]
    fn bad_plaintexts_are_refused_without_panicking() {
        let good = encode(&records(2));
        assert!(decode(&[]).is_err());
        assert!(decode(&good[..5]).is_err());
        let mut version = good.clone();
        version[0] = 9;
        assert_eq!(decode(&version), Err(WireError::Version(9)));
        let mut padding = good.clone();
        *padding.last_mut().unwrap() = 1;
        assert_eq!(decode(&padding), Err(WireError::Padding));
        let mut length = good.clone();
        length[2..6].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(decode(&length).is_err());
    }

    #[test]
    fn padding_beyond_the_required_length_is_refused_even_when_zero() {
        let good = encode(&records(2));
        assert_eq!(good.len(), 1024);
        let mut doubled = good.clone();
        doubled.resize(2048, 0);
        assert_eq!(
            decode(&doubled),
            Err(WireError::PaddedLength {
                expected: 1024,
                found: 2048
            })
        );
        assert_eq!(
            decode(&good[..1023]),
            Err(WireError::PaddedLength {
                expected: 1024,
                found: 1023
            })
        );
        assert!(decode(&vec![0u8; MAX_PLAINTEXT + 1]).is_err());
    }

    #[test]
    fn five_hundred_records_decode_and_five_hundred_and_one_are_refused() {
        let many = records(MAX_RECORDS + 1);
        assert_eq!(decode(&encode(&many[..MAX_RECORDS])).unwrap().len(), 500);
        assert_eq!(decode(&encode(&many)), Err(WireError::TooManyRecords(501)));
    }

    #[test]
    fn schema_1_batches_still_decode_but_cannot_carry_overdoses() {
        let old = records(3);
        let encoded = encode_as(1, &old);
        assert_eq!(encoded[0], 1);
        assert_eq!(decode(&encoded).unwrap(), old);
        let overdose = crate::domain::OverdoseDraft {
            zone: "gatineau".into(),
            responders: vec!["peer".into()],
            call_911: "called".into(),
            outcome: "transported".into(),
            ..Default::default()
        }
        .parse(
            &Catalog::default_quebec(),
            chrono::Local::now().fixed_offset(),
        )
        .unwrap();
        let mixed = [old[0].clone(), Record::Overdose(overdose)];
        assert_eq!(encode(&old)[0], 1, "contacts alone stay schema 1");
        assert_eq!(encode(&mixed)[0], 2);
        assert_eq!(decode(&encode(&mixed)).unwrap(), mixed);
        assert!(matches!(
            decode(&encode_as(1, &mixed)),
            Err(WireError::Batch(why)) if why.starts_with("record 2: an overdose response needs batch schema 2")
        ));
        assert_eq!(decode(&encode_as(3, &old)), Err(WireError::Version(3)));
    }

    #[test]
    fn padded_lengths_are_the_powers_of_two_from_1_kib_to_256_kib() {
        assert!(is_padded_len(1024) && is_padded_len(MAX_PLAINTEXT));
        for len in [0, 512, 1023, 1025, 3000, 2 * MAX_PLAINTEXT] {
            assert!(!is_padded_len(len), "{len}");
        }
    }
}
