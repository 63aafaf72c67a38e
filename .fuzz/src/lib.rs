//! The decoders' checks, shared by the cargo-fuzz targets
//! (`.fuzz/fuzz_targets/`, nightly) and the stable property test
//! (`tests/decoders_fuzz.rs`, which includes these files by path): one
//! set of properties, two drivers.

pub mod fixtures;
pub mod seeds;
pub mod signed;
pub mod text;
pub mod wire;
