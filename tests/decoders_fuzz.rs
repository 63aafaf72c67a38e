//! The decoders' fuzz checks on stable Rust, in every `cargo test`: random
//! bytes and mutations of valid inputs into every decoder that reads bytes
//! from the network or a file. The checks themselves (what must hold for
//! each decoder) are the cargo-fuzz targets' own, in `.fuzz/src/`,
//! included here by path; the seeds are the fuzzers' seed corpora.
//!
//! Cases are drawn from a fixed seed, so a run is reproducible; set
//! `TOURNEE_FUZZ_SEED` to draw others, `TOURNEE_FUZZ_CASES` for more.

#[path = "../.fuzz/src/fixtures.rs"]
mod fixtures;
#[path = "../.fuzz/src/seeds.rs"]
mod seeds;
#[path = "../.fuzz/src/signed.rs"]
mod signed;
#[path = "../.fuzz/src/text.rs"]
mod text;
#[path = "../.fuzz/src/wire.rs"]
mod wire;

use fixtures::{Check, TARGETS};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use tournee::domain::wire::{WireError, batch};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".fuzz")
}

/// The files of `.fuzz/<folder>/<target>/`, sorted by name.
fn files(folder: &str, target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fuzz_dir().join(folder).join(target);
    let mut found: Vec<(String, Vec<u8>)> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .map(|entry| {
                let path = entry.expect("a readable folder").path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&path).expect("a readable seed"))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    found.sort();
    found
}

/// Runs `check` on `input`; a panic fails the test with the input in hex,
/// ready to save as a file and replay (`cargo fuzz run TARGET FILE`).
fn run(target: &str, check: Check, input: &[u8]) -> bool {
    match catch_unwind(AssertUnwindSafe(|| check(input))) {
        Ok(accepted) => accepted,
        Err(_) => panic!(
            "the {target} check failed on this input (hex): {}",
            hex::encode(input)
        ),
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Byte values that tend to matter to parsers: bounds, separators, quotes.
const INTERESTING: &[u8] = b"\x00\x01\x7f\x80\xff\"',;=&%+-:\n\r\t\\{}[]0";

fn mutate(rng: &mut SmallRng, input: &mut Vec<u8>, pool: &[Vec<u8>]) {
    for _ in 0..rng.random_range(1..=6) {
        let len = input.len();
        let at = if len == 0 {
            0
        } else {
            rng.random_range(0..len)
        };
        match rng.random_range(0..9) {
            0 if len > 0 => input[at] ^= 1 << rng.random_range(0..8),
            1 if len > 0 => input[at] = rng.random(),
            2 if len > 0 => input[at] = INTERESTING[rng.random_range(0..INTERESTING.len())],
            3 => {
                let extra: Vec<u8> = (0..rng.random_range(1..16)).map(|_| rng.random()).collect();
                input.splice(at..at, extra);
            }
            4 if len > 0 => {
                let end = rng.random_range(at..=len.min(at + 64));
                input.drain(at..end);
            }
            5 => input.truncate(at),
            6 if len > 0 => {
                let end = rng.random_range(at..=len.min(at + 64));
                let copy = input[at..end].to_vec();
                let to = rng.random_range(0..=input.len());
                input.splice(to..to, copy);
            }
            7 if !pool.is_empty() => {
                let other = &pool[rng.random_range(0..pool.len())];
                let from = rng.random_range(0..=other.len());
                let end = rng.random_range(from..=other.len().min(from + 128));
                input.splice(at..at, other[from..end].iter().copied());
            }
            _ if len >= 4 => {
                let word: u32 = match rng.random_range(0..4) {
                    0 => 0,
                    1 => u32::MAX,
                    2 => len as u32,
                    _ => rng.random(),
                };
                let at = rng.random_range(0..=len - 4);
                input[at..at + 4].copy_from_slice(&word.to_be_bytes());
            }
            _ => input.push(rng.random()),
        }
    }
}

#[test]
fn every_seed_is_accepted_all_the_way_by_its_decoder() {
    for (target, name, bytes) in seeds::seeds() {
        let check = TARGETS.iter().find(|(t, _)| *t == target).unwrap().1;
        assert!(run(target, check, &bytes), "fresh seed {target}/{name}");
    }
    for (target, check) in TARGETS {
        let committed = files("seeds", target);
        assert!(!committed.is_empty(), ".fuzz/seeds/{target}/ has no seed");
        for (name, bytes) in committed {
            assert!(
                run(target, *check, &bytes),
                ".fuzz/seeds/{target}/{name} is no longer accepted: rewrite the seeds \
                 (cargo test --test decoders_fuzz -- --ignored)"
            );
        }
    }
}

#[test]
fn random_bytes_and_mutated_seeds_never_break_a_decoder() {
    let seed = env_number("TOURNEE_FUZZ_SEED", 11);
    let cases = env_number("TOURNEE_FUZZ_CASES", 2000);
    let pool: Vec<Vec<u8>> = seeds::seeds().into_iter().map(|(_, _, b)| b).collect();
    for (index, (target, check)) in TARGETS.iter().enumerate() {
        let mut rng = SmallRng::seed_from_u64(seed ^ ((index as u64) << 32));
        let own: Vec<Vec<u8>> = files("seeds", target).into_iter().map(|(_, b)| b).collect();
        for case in 0..cases {
            let input = if case % 8 == 0 {
                let len = rng.random_range(0..512);
                (0..len).map(|_| rng.random()).collect()
            } else {
                let mut input = own[rng.random_range(0..own.len())].clone();
                mutate(&mut rng, &mut input, &pool);
                input
            };
            run(target, *check, &input);
        }
    }
}

#[test]
fn every_input_a_fuzzer_once_broke_a_decoder_with_now_passes() {
    for (target, check) in TARGETS {
        for (_, bytes) in files("regressions", target) {
            run(target, *check, &bytes);
        }
    }
}

/// A DEFLATE stream of `copies` × 258 zero bytes in about 13 bits each
/// (fixed Huffman codes: one literal, then length 258 at distance 1).
fn deflate_bomb(copies: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u64, 0u32);
    let mut put = |value: u64, count: u32, reversed: bool| {
        let value = if reversed {
            (0..count).fold(0, |r, i| r << 1 | (value >> i & 1))
        } else {
            value
        };
        acc |= value << bits;
        bits += count;
        while bits >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            bits -= 8;
        }
    };
    put(1, 1, false); // the last block
    put(1, 2, false); // fixed Huffman codes
    put(0x30, 8, true); // literal 0
    for _ in 0..copies {
        put(0xc5, 8, true); // length 258
        put(0, 5, true); // distance 1
    }
    put(0, 7, true); // end of block
    put(0, 7, false); // flush
    out
}

#[test]
fn a_deflate_bomb_stops_inflating_past_the_batch_limit() {
    // 2^16 copies: 17 MB of JSON from 106 kB, well inside one envelope.
    let bomb = deflate_bomb(1 << 16);
    assert!(bomb.len() < 110_000, "{}", bomb.len());
    let plaintext = wire::frame_compressed(&bomb);
    assert_eq!(
        batch::decode(&plaintext),
        Err(WireError::TooLarge(batch::MAX_JSON + 1)),
        "inflating stops one byte past the limit"
    );
    // The same stream below the limit inflates to exactly its size, so the
    // refusal above is the limit's doing, not a broken stream.
    let small = wire::frame_compressed(&deflate_bomb(100));
    match batch::decode(&small) {
        Err(WireError::Batch(why)) => assert!(why.contains("expected value"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
#[ignore = "rewrites the committed seed corpora in .fuzz/seeds"]
fn the_seed_corpora_are_rewritten_on_demand() {
    for (target, name, bytes) in seeds::seeds() {
        let dir = fuzz_dir().join("seeds").join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}
