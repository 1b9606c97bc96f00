//! Fuzz the front end: any bytes through the JSON parser, the validator and
//! the lowering must give diagnostics, never a panic.
//!
//! Run with `cargo fuzz run check` from this folder (needs nightly and
//! cargo-fuzz; not part of CI).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = sfn_codegen::check(text, &sfn_codegen::Options::default());
    }
});
