#![no_main]
//! Fuzz target: see `tournee_fuzz::wire::apply_prepare` for what must hold.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tournee_fuzz::wire::apply_prepare(data);
});
