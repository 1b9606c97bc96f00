//! The SQLite backend (stub: being written).
use std::path::Path;
use std::sync::Arc;

use super::StoreError;
use super::backend::Backend;

/// Opens or creates the store at `path`.
pub(crate) async fn open(path: &Path) -> Result<Arc<dyn Backend>, StoreError> {
    Err(StoreError::Database(format!(
        "SQLite backend not built yet: {}",
        path.display()
    )))
}
