//! Compile-fail cases of the macros: each error points at its token (JSON
//! written as tokens) or names `FILE:LINE:COL` (JSON in a string or a file).
//! Bless with `TRYBUILD=overwrite`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
