//! The SQLite backend: one file, embedded in the process (sqlx's SQLite
//! driver, SQLite compiled in).
//!
//! The SQL is [`schema`](super::schema)'s, shared with PostgreSQL; this
//! module opens the file and runs statements.
//!
//! # Choices
//!
//! * **Checked before it is changed.** The file is first opened as it is
//!   (its journal mode untouched) and its tables checked: a foreign SQLite
//!   database fails with [`StoreError::NotAStore`] and is left exactly as
//!   it was; a file that is not a database at all (SQLite's
//!   `SQLITE_NOTADB`) with [`StoreError::Database`] naming the path. Only a
//!   store (or an empty file) is then switched to WAL.
//! * **WAL journal**: readers never block the writer, and a commit appends
//!   to the log instead of rewriting pages twice.
//! * **`synchronous = FULL`**: every transaction is flushed (`fsync` of the
//!   log) before it is reported committed, so a committed transition also
//!   survives a power loss or an OS crash, not only a killed process (which
//!   `NORMAL` would already survive in WAL mode). A durable-execution store
//!   promises that a task reported done is not run again; losing the last
//!   transactions on power loss would break that. Group commit pays for it:
//!   one flush makes a whole batch (up to 512 transitions) durable, so the
//!   flush is paid per batch, not per transition.
//! * **One writer connection**, its own pool, for every write
//!   (`BEGIN IMMEDIATE`: the write lock is taken when the transaction
//!   starts, so `busy_timeout` applies if another process writes, instead
//!   of failing on lock upgrade), and a pool of up to four readers for
//!   `describe`, `list`, `history`, `load`. SQLite serialises writes
//!   anyway; a single writer also makes its prepared-statement cache hot.
//! * **`busy_timeout` 5 s**: another process on the file (a CLI's
//!   `StopExecution`) waits for the lock instead of failing.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row as _, Sqlite, TypeInfo as _, ValueRef as _};

use super::StoreError;
use super::backend::{Backend, BoxFut};
use super::schema::{self, Arg, Dialect, Engine, Row, Session, Val};
use super::sqlx_session::sqlx_session;

/// How long a statement waits for another connection's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Reader connections.
const READERS: u32 = 4;

/// Prepared statements kept per connection (the multi-row statements add
/// a few per row count).
const STATEMENT_CACHE: usize = 256;

/// Opens or creates the store at `path`.
///
/// # Errors
///
/// The file cannot be opened or created, is not a SQLite database, is a
/// database but not an sfn store ([`StoreError::NotAStore`]), or was
/// written by a newer sfn ([`StoreError::NewerSchema`]).
pub(crate) async fn open(path: &Path) -> Result<Arc<dyn Backend>, StoreError> {
    // Two processes opening a new file at once: one of them may get
    // SQLITE_BUSY at once (creating the schema, switching to WAL), where
    // the busy timeout does not apply. It tries again, within that timeout.
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match open_once(path).await {
            Err(StoreError::Database(message))
                if message.contains("database is locked")
                    && std::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            opened => return opened,
        }
    }
}

/// One try of [`open`].
async fn open_once(path: &Path) -> Result<Arc<dyn Backend>, StoreError> {
    let shown = path.display().to_string();
    let base = SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(BUSY_TIMEOUT)
        .statement_cache_capacity(STATEMENT_CACHE);

    // Check (and create) the schema on the file as it is.
    let check = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(base.clone().create_if_missing(true))
        .await
        .map_err(|e| open_error(&shown, e))?;
    let checked = async {
        sqlx::query("SELECT count(*) FROM sqlite_master")
            .fetch_one(&check)
            .await
            .map_err(|e| open_error(&shown, e))?;
        let engine = SqliteEngine {
            writer: check.clone(),
            reader: check.clone(),
        };
        schema::migrate(&engine, &shown).await
    }
    .await;
    check.close().await;
    checked?;

    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        // A write that fails with SQLITE_FULL or SQLITE_IOERR may have been
        // rolled back by SQLite itself; sqlx still counts the transaction
        // open (its queued ROLLBACK fails: "no transaction is active") and
        // would refuse every later BEGIN. So a connection released with a
        // transaction still counted (which only a failed write leaves: a
        // commit has returned to depth 0) is closed; the pool opens
        // another. No round trip on the normal path: a commit batch pays
        // nothing for it.
        .after_release(|connection, _| {
            let depth = <sqlx::sqlite::SqliteTransactionManager as sqlx::TransactionManager>::get_transaction_depth(connection);
            Box::pin(async move { Ok(depth == 0) })
        })
        .connect_with(
            base.clone()
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full),
        )
        .await
        .map_err(|e| open_error(&shown, e))?;
    let reader = SqlitePoolOptions::new()
        .max_connections(READERS)
        .connect_with(base)
        .await
        .map_err(|e| open_error(&shown, e))?;
    Ok(schema::backend(SqliteEngine { writer, reader }))
}

/// An error opening the file, naming it.
fn open_error(shown: &str, error: sqlx::Error) -> StoreError {
    let not_a_database = error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "26");
    if not_a_database {
        StoreError::Database(format!("{shown} is not a SQLite database ({error})"))
    } else {
        StoreError::Database(format!("{shown}: {error}"))
    }
}

/// The pools of one store file.
#[derive(Debug)]
struct SqliteEngine {
    /// One connection: every write.
    writer: SqlitePool,
    /// Reads.
    reader: SqlitePool,
}

impl Engine for SqliteEngine {
    const DIALECT: Dialect = Dialect::Sqlite;

    fn write(&self) -> BoxFut<'_, Box<dyn Session>> {
        Box::pin(async move {
            let transaction = self.writer.begin_with("BEGIN IMMEDIATE").await?;
            Ok(SqlxSession::boxed(transaction))
        })
    }

    fn read(&self) -> BoxFut<'_, Box<dyn Session>> {
        Box::pin(async move { Ok(SqlxSession::boxed(self.reader.begin().await?)) })
    }

    fn fetch<'a>(&'a self, sql: &'a str, args: Vec<Arg<'a>>) -> BoxFut<'a, Vec<Row>> {
        Box::pin(fetch(&self.reader, sql, args))
    }
}

sqlx_session!(Sqlite, convert);

/// A row as [`Val`]s, by each value's own type (SQLite's columns are not
/// typed).
fn convert(row: &SqliteRow) -> Result<Row, StoreError> {
    let mut values = Vec::with_capacity(row.len());
    for column in 0..row.len() {
        let kind = {
            let raw = row.try_get_raw(column)?;
            if raw.is_null() {
                None
            } else {
                Some(raw.type_info().name() == "INTEGER")
            }
        };
        values.push(match kind {
            None => Val::Null,
            Some(true) => Val::Int(row.try_get(column)?),
            Some(false) => match row.try_get::<String, _>(column) {
                Ok(text) => Val::Text(text),
                Err(error) => {
                    return Err(StoreError::Corrupt(format!(
                        "column {column} holds neither an integer nor text ({error})"
                    )));
                }
            },
        });
    }
    Ok(Row(values))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use sqlx::{ConnectOptions as _, Connection as _, Executor as _};

    use super::*;
    use crate::store::backend_tests::{self, Harness};

    /// A store file in its own temporary directory.
    struct SqliteHarness {
        _dir: tempfile::TempDir,
        path: PathBuf,
    }

    impl SqliteHarness {
        fn new() -> SqliteHarness {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("store.db");
            SqliteHarness { _dir: dir, path }
        }
    }

    impl Harness for SqliteHarness {
        fn open(&self) -> BoxFut<'_, Arc<dyn Backend>> {
            Box::pin(open(&self.path))
        }

        fn raw(&self, sql: String) -> BoxFut<'_, ()> {
            Box::pin(async move {
                let mut connection = SqliteConnectOptions::new()
                    .filename(&self.path)
                    .create_if_missing(true)
                    .connect()
                    .await?;
                connection.execute(sqlx::raw_sql(&sql)).await?;
                connection.close().await?;
                Ok(())
            })
        }
        fn dialect(&self) -> crate::store::schema::Dialect {
            crate::store::schema::Dialect::Sqlite
        }
    }

    macro_rules! sqlite_cases {
        ($($case:ident),* $(,)?) => {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let harness = SqliteHarness::new();
                    backend_tests::$case(&harness).await;
                }
            )*
        };
    }

    backend_tests::for_each_case!(sqlite_cases);

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_claims() {
        let harness = SqliteHarness::new();
        let a = harness.open().await.unwrap();
        let b = harness.open().await.unwrap();
        backend_tests::concurrent_claims(a, b).await;
    }

    #[tokio::test]
    async fn a_text_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        let text = "these are my notes, not a database\n".repeat(100);
        std::fs::write(&path, &text).unwrap();
        let error = open(&path).await.err().expect("a text file is not a store");
        let message = error.to_string();
        assert!(
            matches!(error, StoreError::Database(_)) && message.contains("not a SQLite database"),
            "{message}"
        );
        assert!(message.contains("notes.txt"), "{message}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "file changed"
        );
    }

    #[tokio::test]
    async fn a_foreign_database_is_left_as_it_was() {
        let harness = SqliteHarness::new();
        harness
            .raw("CREATE TABLE notes (x INTEGER); INSERT INTO notes VALUES (1)".into())
            .await
            .unwrap();
        let before = std::fs::read(&harness.path).unwrap();
        let error = open(&harness.path).await.err().expect("not a store");
        assert!(matches!(error, StoreError::NotAStore(_)), "{error}");
        assert_eq!(
            std::fs::read(&harness.path).unwrap(),
            before,
            "file changed"
        );
        // Still in its own (rollback) journal mode.
        assert_eq!(before[18..20], [1, 1], "not in WAL mode");
    }

    #[tokio::test]
    async fn a_missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/store.db");
        let error = open(&path).await.err().expect("cannot be created");
        assert!(matches!(error, StoreError::Database(_)), "{error}");
        assert!(error.to_string().contains("store.db"), "{error}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_new_file_opened_by_many_at_once_opens_for_all() {
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("store.db");
            let opens: Vec<_> = (0..8)
                .map(|_| {
                    let path = path.clone();
                    tokio::spawn(async move { open(&path).await.map(|_| ()) })
                })
                .collect();
            for opened in opens {
                opened.await.unwrap().expect("every open succeeds");
            }
        }
    }

    #[tokio::test]
    async fn the_store_is_in_wal_mode() {
        let harness = SqliteHarness::new();
        let _backend = harness.open().await.unwrap();
        let header = std::fs::read(&harness.path).unwrap();
        // Bytes 18 and 19 of the header: 2 in WAL mode.
        assert_eq!(header[18..20], [2, 2]);
    }

    /// Measures commit throughput (`cargo test --release -p sfn-runtime
    /// sqlite_commit_throughput -- --ignored --nocapture`).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    #[ignore = "a measurement, not a test"]
    async fn sqlite_commit_throughput() {
        let harness = SqliteHarness::new();
        let backend = harness.open().await.unwrap();
        backend_tests::throughput("SQLite", backend).await;
    }
}
