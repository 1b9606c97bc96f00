//! TODO: dataflow
