//! TODO: choice
