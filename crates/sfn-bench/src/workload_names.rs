/// The workloads, in the order of the workloads README. One list for the
/// build script (which generates their modules) and the library: both
/// `include!` this file.
pub const WORKLOADS: [&str; 7] = [
    "pass_chain_1000",
    "choice_loop_100k",
    "map_10k",
    "map_10k_c10",
    "parallel_fanout",
    "retry_catch",
    "intrinsics_mix",
];
