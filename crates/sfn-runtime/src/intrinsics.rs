//! TODO: intrinsics
