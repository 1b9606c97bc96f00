//! The function library: JSONata 2.0.6's built-in functions and AWS Step
//! Functions' additions.

pub(crate) mod regex;
