#![no_main]
//! Fuzz target: see `tournee_fuzz::text::person_code` for what must hold.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tournee_fuzz::text::person_code(data);
});
