//! Benchmark: checking a 1,000-state definition.

fn main() {}
