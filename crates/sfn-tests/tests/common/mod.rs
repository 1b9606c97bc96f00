//! Helpers shared by the integration tests that build crates of their own.

use std::path::PathBuf;

/// The cargo target directory: a test binary is `<target>/<profile>/deps/NAME-*`.
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors()
        .nth(3)
        .expect("the test binary lies in <target>/<profile>/deps")
        .to_path_buf()
}
