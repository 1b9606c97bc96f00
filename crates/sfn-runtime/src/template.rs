//! TODO: template
