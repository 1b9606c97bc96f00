//! The PostgreSQL backend (stub: being written).
use std::sync::Arc;

use super::StoreError;
use super::backend::Backend;

/// Connects to the store at `url`.
pub(crate) async fn connect(url: &str) -> Result<Arc<dyn Backend>, StoreError> {
    Err(StoreError::BadUrl(url.to_owned()))
}
