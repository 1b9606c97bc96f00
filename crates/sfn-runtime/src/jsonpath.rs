//! TODO: jsonpath
