//! Integration tests of sfn live in `tests/`: workflows compiled by the
//! macros and run on the runtime, compile-fail cases, and generated code for
//! the conformance corpus.
