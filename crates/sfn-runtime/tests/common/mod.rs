//! Helpers shared by the tests of deep values and long expressions.

// Each test file uses some of these.
#![allow(dead_code)]

/// Runs `f` on a thread with a 2 MiB stack, like a tokio worker.
pub fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the test thread panicked");
}

/// `first sep item sep item …` with `n` items in all.
pub fn chain(first: &str, sep: &str, item: &str, n: usize) -> String {
    let mut s = String::from(first);
    for _ in 1..n {
        s.push_str(sep);
        s.push_str(item);
    }
    s
}
