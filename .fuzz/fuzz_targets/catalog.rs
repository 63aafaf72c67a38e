#![no_main]
//! Fuzz target: see `tournee_fuzz::signed::catalog` for what must hold.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tournee_fuzz::signed::catalog(data);
});
