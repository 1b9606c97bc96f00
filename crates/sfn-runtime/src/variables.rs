//! TODO: variables
