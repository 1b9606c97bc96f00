//! Helpers shared by the engine's tests.

use std::sync::Arc;

use serde_json::{Value, json};

use super::execution::{Execution, Settings};
use crate::intrinsics::Entropy;

/// An [`Entropy`] that always returns the same number and UUID.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FixedEntropy {
    pub(crate) random: u64,
    pub(crate) uuid: u128,
}

impl FixedEntropy {
    /// Returns `random` from `random_u64` and a fixed UUID.
    pub(crate) fn new(random: u64) -> Self {
        FixedEntropy {
            random,
            uuid: 0x0123_4567_89ab_4def_8123_4567_89ab_cdef,
        }
    }
}

impl Entropy for FixedEntropy {
    fn random_u64(&self) -> u64 {
        self.random
    }

    fn uuid_v4(&self) -> uuid::Uuid {
        uuid::Uuid::from_u128(self.uuid)
    }
}

/// An execution of `Machine` with input `{}`, fixed entropy and default
/// settings.
pub(crate) fn execution() -> Execution {
    execution_with(FixedEntropy::new(0), Settings::default())
}

/// An execution of `Machine` with input `{}`.
pub(crate) fn execution_with(entropy: FixedEntropy, settings: Settings) -> Execution {
    Execution::with_entropy("Machine", &json!({}), Arc::new(settings), Arc::new(entropy))
}

/// `$$.State.RetryCount` of an execution, if set.
pub(crate) fn retry_count(exec: &Execution) -> Option<&Value> {
    exec.context.member("State")?.get("RetryCount")
}
