//! The PostgreSQL backend: a database that several worker processes share
//! (sqlx's PostgreSQL driver, on tokio).
//!
//! The SQL is [`schema`](super::schema)'s, shared with SQLite; this module
//! connects and runs statements.
//!
//! # Choices
//!
//! * **A pool of 8 connections** per store: writes (the group-commit
//!   writer's batches, claims, answers, stops) and reads run side by side;
//!   PostgreSQL's row locks order them. Every write is a `READ COMMITTED`
//!   transaction that locks the execution's row first (the fence check of
//!   a commit, `SELECT ... FOR UPDATE` elsewhere); claims use `FOR UPDATE
//!   SKIP LOCKED`, so two workers never claim the same execution and never
//!   wait on each other. Multi-statement reads (`load`) run in one
//!   `REPEATABLE READ, READ ONLY` snapshot.
//! * **The schema is created under an advisory lock**
//!   (`pg_advisory_xact_lock`), so that two processes opening a new store
//!   at once do not both create it. Tables go in the connection's current
//!   schema (`search_path`): give a store its own schema or database.
//! * Times are `BIGINT` milliseconds, JSON is `TEXT` (kept as the engine
//!   wrote it); key columns are `COLLATE "C"`: byte order, as in SQLite.
//! * The password never appears in errors: they name the URL through
//!   [`redact`](super::redact).

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{
    ConnectOptions as _, Connection as _, Postgres, Row as _, TypeInfo as _, ValueRef as _,
};

use super::backend::{Backend, BoxFut};
use super::schema::{self, Arg, Dialect, Engine, Row, Session, Val};
use super::sqlx_session::sqlx_session;
use super::{StoreError, redact};

/// Connections per store.
const CONNECTIONS: u32 = 8;

/// How long an operation waits for a free connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// Connects to the store at `url` (`postgres://` or `postgresql://`),
/// creating its tables on first use.
///
/// # Errors
///
/// [`StoreError::BadUrl`] for a URL that does not parse; the server cannot
/// be reached; the database has other tables ([`StoreError::NotAStore`])
/// or a newer schema ([`StoreError::NewerSchema`]).
pub(crate) async fn connect(url: &str) -> Result<Arc<dyn Backend>, StoreError> {
    let shown = redact(url);
    let options = PgConnectOptions::from_str(url).map_err(|_| StoreError::BadUrl(shown.clone()))?;
    // One plain connection first: a server that is down or refuses us is
    // an error at once (a pool would retry until its acquire timeout).
    let probe = options
        .connect()
        .await
        .map_err(|e| StoreError::Database(format!("{shown}: {e}")))?;
    probe.close().await?;
    let pool = PgPoolOptions::new()
        .max_connections(CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await
        .map_err(|e| StoreError::Database(format!("{shown}: {e}")))?;
    let engine = PgEngine { pool };
    if let Err(error) = schema::migrate(&engine, &shown).await {
        engine.pool.close().await;
        return Err(match error {
            StoreError::Database(message) => StoreError::Database(format!("{shown}: {message}")),
            other => other,
        });
    }
    Ok(schema::backend(engine))
}

/// The pool of one store.
#[derive(Debug)]
struct PgEngine {
    pool: PgPool,
}

impl Engine for PgEngine {
    const DIALECT: Dialect = Dialect::Postgres;

    fn write(&self) -> BoxFut<'_, Box<dyn Session>> {
        Box::pin(async move { Ok(SqlxSession::boxed(self.pool.begin().await?)) })
    }

    fn read(&self) -> BoxFut<'_, Box<dyn Session>> {
        Box::pin(async move {
            let transaction = self
                .pool
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .await?;
            Ok(SqlxSession::boxed(transaction))
        })
    }

    fn fetch<'a>(&'a self, sql: &'a str, args: Vec<Arg<'a>>) -> BoxFut<'a, Vec<Row>> {
        Box::pin(fetch(&self.pool, sql, args))
    }
}

sqlx_session!(Postgres, convert);

/// How a column of a PostgreSQL type is read.
enum Kind {
    Null,
    Int8,
    Int4,
    Int2,
    Text,
}

/// A row as [`Val`]s, by column type.
fn convert(row: &PgRow) -> Result<Row, StoreError> {
    let mut values = Vec::with_capacity(row.len());
    for column in 0..row.len() {
        let kind = {
            let raw = row.try_get_raw(column)?;
            if raw.is_null() {
                Kind::Null
            } else {
                match raw.type_info().name() {
                    "INT8" => Kind::Int8,
                    "INT4" => Kind::Int4,
                    "INT2" => Kind::Int2,
                    "TEXT" | "VARCHAR" | "NAME" | "BPCHAR" => Kind::Text,
                    other => {
                        return Err(StoreError::Corrupt(format!(
                            "column {column} has the unexpected type {other}"
                        )));
                    }
                }
            }
        };
        values.push(match kind {
            Kind::Null => Val::Null,
            Kind::Int8 => Val::Int(row.try_get(column)?),
            Kind::Int4 => Val::Int(i64::from(row.try_get::<i32, _>(column)?)),
            Kind::Int2 => Val::Int(i64::from(row.try_get::<i16, _>(column)?)),
            Kind::Text => Val::Text(row.try_get(column)?),
        });
    }
    Ok(Row(values))
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::panic::AssertUnwindSafe;
    use std::pin::Pin;

    use futures::{FutureExt as _, StreamExt as _};
    use sqlx::{Executor as _, PgConnection};

    use super::*;
    use crate::store::backend_tests::{self, Harness};

    /// Where the test server is.
    const URL_VARIABLE: &str = "SFN_TEST_POSTGRES_URL";

    /// A database of its own on the test server, for one case.
    struct PgHarness {
        server: String,
        database: String,
        url: String,
    }

    impl PgHarness {
        async fn new(server: &str) -> PgHarness {
            let database = format!("sfn_test_{}", uuid::Uuid::new_v4().simple());
            let mut admin = PgConnection::connect(server).await.unwrap();
            admin
                .execute(format!("CREATE DATABASE {database}").as_str())
                .await
                .unwrap();
            admin.close().await.unwrap();
            let url = with_database(server, &database);
            PgHarness {
                server: server.to_owned(),
                database,
                url,
            }
        }

        async fn drop_database(&self) {
            let mut admin = PgConnection::connect(&self.server).await.unwrap();
            admin
                .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database).as_str())
                .await
                .unwrap();
            admin.close().await.unwrap();
        }
    }

    impl Harness for PgHarness {
        fn open(&self) -> BoxFut<'_, Arc<dyn Backend>> {
            Box::pin(connect(&self.url))
        }

        fn raw(&self, sql: String) -> BoxFut<'_, ()> {
            Box::pin(async move {
                let mut connection = PgConnection::connect(&self.url).await?;
                connection.execute(sqlx::raw_sql(&sql)).await?;
                connection.close().await?;
                Ok(())
            })
        }
        fn dialect(&self) -> crate::store::schema::Dialect {
            crate::store::schema::Dialect::Postgres
        }
    }

    /// `url` with its database (the path) replaced.
    fn with_database(url: &str, database: &str) -> String {
        let authority = url.find("://").map_or(0, |i| i + 3);
        let path = url[authority..].find('/').map(|i| authority + i);
        let query = url[authority..].find('?').map(|i| authority + i);
        match (path, query) {
            (Some(path), Some(query)) if path < query => {
                format!("{}/{database}{}", &url[..path], &url[query..])
            }
            (Some(path), None) => format!("{}/{database}", &url[..path]),
            (_, Some(query)) => format!("{}/{database}{}", &url[..query], &url[query..]),
            (None, None) => format!("{url}/{database}"),
        }
    }

    #[test]
    fn database_replaced_in_urls() {
        let cases = [
            ("postgres://u@h:5/postgres", "postgres://u@h:5/x"),
            ("postgres://u@h:5", "postgres://u@h:5/x"),
            (
                "postgres://u@h/db?sslmode=disable",
                "postgres://u@h/x?sslmode=disable",
            ),
            (
                "postgres://u@h?sslmode=disable",
                "postgres://u@h/x?sslmode=disable",
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(with_database(url, "x"), expected);
        }
    }

    #[tokio::test]
    async fn errors_hide_the_password() {
        // Nothing listens on port 1.
        let url = "postgres://sfn:s3cret@127.0.0.1:1/db";
        let error = connect(url).await.err().expect("no server");
        let message = error.to_string();
        assert!(!message.contains("s3cret"), "{message}");
        assert!(message.contains("sfn:***@127.0.0.1:1/db"), "{message}");
        let error = connect("postgres://sfn:s3cret@[bad/db")
            .await
            .err()
            .expect("bad url");
        assert!(matches!(error, StoreError::BadUrl(_)), "{error}");
        assert!(!error.to_string().contains("s3cret"), "{error}");
    }

    type Case = fn(Arc<PgHarness>) -> Pin<Box<dyn Future<Output = ()> + Send>>;

    macro_rules! postgres_cases {
        ($($case:ident),* $(,)?) => {
            fn cases() -> Vec<(&'static str, Case)> {
                vec![$(
                    (stringify!($case), |harness: Arc<PgHarness>| -> Pin<Box<dyn Future<Output = ()> + Send>> {
                        Box::pin(async move { backend_tests::$case(&*harness).await })
                    }),
                )*]
            }
        };
    }

    backend_tests::for_each_case!(postgres_cases);

    /// Every case of the suite, and concurrent claims from two pools, each
    /// on a database of its own. One test: without a server it says so
    /// once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres_backend_suite() {
        let Ok(server) = std::env::var(URL_VARIABLE) else {
            println!("{URL_VARIABLE} is not set: PostgreSQL backend tests skipped");
            return;
        };
        let mut cases = cases();
        cases.push(("concurrent_claims", |harness| {
            Box::pin(async move {
                let a = harness.open().await.unwrap();
                let b = harness.open().await.unwrap();
                backend_tests::concurrent_claims(a, b).await;
            })
        }));
        let total = cases.len();
        let failed: Vec<&str> = futures::stream::iter(cases)
            .map(|(name, case)| {
                let server = server.clone();
                tokio::spawn(async move {
                    let harness = Arc::new(PgHarness::new(&server).await);
                    let outcome = AssertUnwindSafe(case(Arc::clone(&harness)))
                        .catch_unwind()
                        .await;
                    harness.drop_database().await;
                    if outcome.is_err() {
                        eprintln!("PostgreSQL case {name} failed");
                    }
                    (name, outcome.is_ok())
                })
            })
            .buffer_unordered(4)
            .map(|joined| joined.expect("a case's task"))
            .filter_map(|(name, ok)| async move { (!ok).then_some(name) })
            .collect()
            .await;
        assert!(
            failed.is_empty(),
            "{} of {total} PostgreSQL cases failed: {failed:?}",
            failed.len()
        );
        println!("{total} PostgreSQL backend cases passed");
    }

    /// Measures commit throughput (needs `SFN_TEST_POSTGRES_URL`).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    #[ignore = "a measurement, not a test"]
    async fn postgres_commit_throughput() {
        let Ok(server) = std::env::var(URL_VARIABLE) else {
            println!("{URL_VARIABLE} is not set: nothing measured");
            return;
        };
        let harness = PgHarness::new(&server).await;
        let backend = harness.open().await.unwrap();
        backend_tests::throughput("PostgreSQL", backend).await;
        harness.drop_database().await;
    }
}
