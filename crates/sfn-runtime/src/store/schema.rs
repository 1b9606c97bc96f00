//! The SQL both backends share: the schema and its migrations, and every
//! [`Backend`] operation, written once.
//!
//! SQLite and PostgreSQL understand the same SQL for everything a store
//! does (`INSERT ... ON CONFLICT`, `UPDATE ... RETURNING`, row values,
//! `substr`/`length`), and both accept `$1`-style parameters (sqlx's SQLite
//! driver binds `$N` by number). So [`SqlBackend`] holds the whole logic,
//! and a backend only supplies an [`Engine`]: how to open a transaction,
//! run a statement with [`Arg`]s and read its rows as [`Val`]s. The few
//! differences are [`Dialect`] switches: the DDL, `FOR UPDATE [SKIP
//! LOCKED]` (PostgreSQL takes row locks; SQLite's writer is alone anyway),
//! and how to list a database's tables.
//!
//! A generic implementation over `sqlx::Database` was the other way; its
//! higher-ranked `Executor` bounds do not go well with `Send` boxed
//! futures, and this small value layer costs nothing next to a statement.
//!
//! # Choices
//!
//! * Key prefixes (`forget`) are matched with `substr(col, 1,
//!   length($p)) = $p`, never `LIKE` (keys hold `%` and `_`), plus
//!   `col >= $p` so that the primary key's index bounds the scan (SQLite
//!   compares text as bytes; PostgreSQL key columns are `COLLATE "C"`, so
//!   byte order there too, and `list` pages the same way on both).
//! * [`Backend::commit`] writes a batch in one transaction, as a few
//!   multi-row statements rather than a few statements per commit (the
//!   statements, not the rows, are what costs: each is a round trip to
//!   SQLite's worker thread or to the server). The batch goes in rounds in
//!   which no execution appears twice (nearly always one round). A round
//!   starts with the fence check of all its commits, one `UPDATE ...
//!   FROM (VALUES ...) WHERE fence = v.fence AND status = 'RUNNING'
//!   RETURNING ...`: a commit whose row it does not return is
//!   [`Committed::LeaseLost`], and nothing else of it is written. Then,
//!   for the commits that passed, each step for all of them at once:
//!   `forget`, scopes, journal, tokens, parking, ends; the batch's events
//!   last. Row counts per statement are powers of two, so that few
//!   distinct statements are prepared (and cached).
//! * New executions are created the same way ([`Backend::create_batch`],
//!   and [`Backend::write_batch`], which the group-commit writer uses to
//!   write the starts and the commits waiting at one moment in one
//!   transaction): one multi-row `INSERT ... ON CONFLICT (name) DO NOTHING
//!   RETURNING name` of the first item of each name, then their
//!   `ExecutionStarted` events in one statement; a name that was not
//!   inserted (it existed, or an earlier item of the batch created it) is
//!   described in the same transaction. `create` is a batch of one.
//! * With PostgreSQL a transaction only locks the execution rows whose
//!   fence it holds (a stale commit's row does not match; at most it waits
//!   for the owner's transaction), so two batches cannot deadlock unless
//!   each carries stale commits of the other's executions; PostgreSQL
//!   would then fail one batch, whose commits get the database's error.
//!   Creates add two waits: on a name another transaction is creating
//!   (taken in name order by both, so no cycle among creates), and on the
//!   row of an existing name that another transaction is changing (the
//!   unique check waits for it). A cycle needs two processes starting one
//!   new name at once while each starts, again, an execution whose row the
//!   other is committing; PostgreSQL then fails one batch the same way.
//! * Wake-ups are never lost: [`Backend::answer`] and a stop requested
//!   while a worker runs the execution set `wake_at = now` even on a leased
//!   row (a live lease keeps `claim` away from it regardless), and parking
//!   keeps an earlier `wake_at` than the one asked for. Without that, an
//!   answer that arrives between the worker's last read of its answers and
//!   its parking commit would wait for the park's end (or forever, for a
//!   task token without heartbeat). The cost is at most one extra claim.
//! * A heartbeat ([`Backend::heartbeat`]) only writes its token's
//!   `heartbeat_at`: it does not wake a parked execution. An execution
//!   that waits on a token with `HeartbeatSeconds` parks until the earlier
//!   of its timeout and its heartbeat deadline; when it wakes there, it
//!   reads the token's newest heartbeat and parks again until the deadline
//!   that heartbeat gives (or fails with `States.HeartbeatTimeout` when
//!   none came). So a heartbeat costs one row update, never a claim, and
//!   an execution that is sent a heartbeat every few seconds for hours is
//!   claimed once per `HeartbeatSeconds` at most.
//! * With PostgreSQL, operations that read a row and then change it take
//!   the execution's row lock first (`SELECT ... FOR UPDATE`), the lock
//!   every commit takes with its fence check: the execution row is always
//!   locked before its tokens, so `answer` and an ending commit cannot
//!   deadlock.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;

use super::backend::{
    Answered, Backend, BoxFut, Claim, Commit, Committed, Created, EndRecord, Loaded, NewExecution,
    Stopped, StoredEvent, TokenState,
};
use super::{ExecutionDescription, ListPage, ListQuery, StoreError, from_millis, parse_status};

/// The newest schema version this build knows (and creates).
pub(crate) const SCHEMA_VERSION: i64 = 2;

/// The steps from each schema version to the next: `MIGRATIONS[v]` takes
/// a store from version `v` to `v + 1` (version 0: an empty database).
/// A new version is added by appending a step; a step never changes once
/// released (stores of every earlier version run it on open).
const MIGRATIONS: &[Migration] = &[
    Migration {
        sqlite: SQLITE_V1,
        postgres: POSTGRES_V1,
    },
    Migration {
        sqlite: SQLITE_V2,
        postgres: POSTGRES_V2,
    },
];

/// One migration step, in each dialect.
struct Migration {
    sqlite: &'static [&'static str],
    postgres: &'static [&'static str],
}

/// Schema version 1, SQLite.
const SQLITE_V1: &[&str] = &[
    "CREATE TABLE sfn_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
    "CREATE TABLE executions (
        name TEXT PRIMARY KEY NOT NULL,
        arn TEXT NOT NULL,
        machine TEXT NOT NULL,
        status TEXT NOT NULL,
        input TEXT NOT NULL,
        output TEXT,
        error TEXT,
        cause TEXT,
        start_date INTEGER NOT NULL,
        stop_date INTEGER,
        redrive_count INTEGER NOT NULL DEFAULT 0,
        redrive_date INTEGER,
        last_event_id INTEGER NOT NULL,
        wake_at INTEGER,
        owner TEXT,
        lease_until INTEGER,
        fence INTEGER NOT NULL,
        stop_error TEXT,
        stop_cause TEXT
    )",
    "CREATE INDEX executions_by_start ON executions (start_date DESC, name DESC)",
    "CREATE INDEX executions_by_machine ON executions (machine, start_date DESC, name DESC)",
    "CREATE INDEX executions_by_machine_status
        ON executions (machine, status, start_date DESC, name DESC)",
    "CREATE INDEX executions_due ON executions (machine, status, wake_at)",
    "CREATE TABLE events (
        execution TEXT NOT NULL,
        id INTEGER NOT NULL,
        timestamp INTEGER NOT NULL,
        type TEXT NOT NULL,
        details TEXT NOT NULL,
        PRIMARY KEY (execution, id)
    )",
    "CREATE TABLE scopes (
        execution TEXT NOT NULL,
        scope TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        PRIMARY KEY (execution, scope)
    )",
    "CREATE TABLE journal (
        execution TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (execution, key)
    )",
    "CREATE TABLE tokens (
        token TEXT PRIMARY KEY NOT NULL,
        execution TEXT NOT NULL,
        outcome TEXT,
        answered_at INTEGER
    )",
    "CREATE INDEX tokens_by_execution ON tokens (execution)",
];

/// Schema version 1, PostgreSQL. Text keys are `COLLATE "C"`: byte order,
/// as in SQLite, for prefix ranges and list pages.
const POSTGRES_V1: &[&str] = &[
    r#"CREATE TABLE sfn_meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL)"#,
    r#"CREATE TABLE executions (
        name TEXT COLLATE "C" PRIMARY KEY,
        arn TEXT NOT NULL,
        machine TEXT COLLATE "C" NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        input TEXT NOT NULL,
        output TEXT,
        error TEXT,
        cause TEXT,
        start_date BIGINT NOT NULL,
        stop_date BIGINT,
        redrive_count BIGINT NOT NULL DEFAULT 0,
        redrive_date BIGINT,
        last_event_id BIGINT NOT NULL,
        wake_at BIGINT,
        owner TEXT,
        lease_until BIGINT,
        fence BIGINT NOT NULL,
        stop_error TEXT,
        stop_cause TEXT
    )"#,
    "CREATE INDEX executions_by_start ON executions (start_date DESC, name DESC)",
    "CREATE INDEX executions_by_machine ON executions (machine, start_date DESC, name DESC)",
    "CREATE INDEX executions_by_machine_status
        ON executions (machine, status, start_date DESC, name DESC)",
    "CREATE INDEX executions_due ON executions (machine, status, wake_at NULLS FIRST)",
    r#"CREATE TABLE events (
        execution TEXT COLLATE "C" NOT NULL,
        id BIGINT NOT NULL,
        timestamp BIGINT NOT NULL,
        type TEXT NOT NULL,
        details TEXT NOT NULL,
        PRIMARY KEY (execution, id)
    )"#,
    r#"CREATE TABLE scopes (
        execution TEXT COLLATE "C" NOT NULL,
        scope TEXT COLLATE "C" NOT NULL,
        snapshot TEXT NOT NULL,
        PRIMARY KEY (execution, scope)
    )"#,
    r#"CREATE TABLE journal (
        execution TEXT COLLATE "C" NOT NULL,
        key TEXT COLLATE "C" NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (execution, key)
    )"#,
    r#"CREATE TABLE tokens (
        token TEXT COLLATE "C" PRIMARY KEY,
        execution TEXT COLLATE "C" NOT NULL,
        outcome TEXT,
        answered_at BIGINT
    )"#,
    "CREATE INDEX tokens_by_execution ON tokens (execution)",
];

/// Schema version 2, SQLite: the time of a task token's last heartbeat
/// (ms, `NULL` before the first one).
const SQLITE_V2: &[&str] = &["ALTER TABLE tokens ADD COLUMN heartbeat_at INTEGER"];

/// Schema version 2, PostgreSQL.
const POSTGRES_V2: &[&str] = &["ALTER TABLE tokens ADD COLUMN heartbeat_at BIGINT"];

/// The DDL of schema version 1 alone, in `dialect`: a test builds a store
/// of that version with it (and its `sfn_meta` rows) to check the upgrade.
#[cfg(test)]
pub(crate) fn version_1_ddl(dialect: Dialect) -> &'static [&'static str] {
    dialect.migration(&MIGRATIONS[0])
}

/// Which SQL engine a statement is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// SQLite (one writer connection: no row locks needed).
    Sqlite,
    /// PostgreSQL (several processes: row locks).
    Postgres,
}

impl Dialect {
    /// The DDL of one migration step.
    fn migration(self, step: &Migration) -> &'static [&'static str] {
        match self {
            Dialect::Sqlite => step.sqlite,
            Dialect::Postgres => step.postgres,
        }
    }

    /// The names of the database's own tables (one text column).
    fn tables(self) -> &'static str {
        match self {
            Dialect::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            }
            Dialect::Postgres => {
                "SELECT tablename::text FROM pg_catalog.pg_tables \
                 WHERE schemaname = current_schema()"
            }
        }
    }

    /// What a `SELECT` that is followed by an update of the same row ends
    /// with: the row lock in PostgreSQL.
    fn lock(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE",
        }
    }

    /// What claim's inner `SELECT` ends with.
    fn claim_lock(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }
}

/// A statement parameter (typed even when `NULL`: PostgreSQL needs it).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg<'a> {
    /// An `INTEGER`/`BIGINT`.
    Int(Option<i64>),
    /// A `TEXT`.
    Text(Option<&'a str>),
}

fn int<'a>(value: i64) -> Arg<'a> {
    Arg::Int(Some(value))
}

fn text(value: &str) -> Arg<'_> {
    Arg::Text(Some(value))
}

fn opt_text(value: Option<&str>) -> Arg<'_> {
    Arg::Text(value)
}

/// A value read from a result row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Val {
    /// `NULL`.
    Null,
    /// An integer.
    Int(i64),
    /// A text.
    Text(String),
}

/// A result row.
#[derive(Clone, Debug, Default)]
pub(crate) struct Row(
    /// The values, by column.
    pub(crate) Vec<Val>,
);

impl Row {
    fn get(&self, column: usize) -> Result<&Val, StoreError> {
        self.0
            .get(column)
            .ok_or_else(|| StoreError::Corrupt(format!("a result row has no column {column}")))
    }

    fn opt_int(&self, column: usize) -> Result<Option<i64>, StoreError> {
        match self.get(column)? {
            Val::Null => Ok(None),
            Val::Int(value) => Ok(Some(*value)),
            Val::Text(value) => Err(StoreError::Corrupt(format!(
                "column {column}: expected an integer, found text `{value}`"
            ))),
        }
    }

    fn int(&self, column: usize) -> Result<i64, StoreError> {
        self.opt_int(column)?.ok_or_else(|| {
            StoreError::Corrupt(format!("column {column}: expected an integer, found NULL"))
        })
    }

    fn opt_text(&mut self, column: usize) -> Result<Option<String>, StoreError> {
        self.get(column)?;
        match std::mem::replace(&mut self.0[column], Val::Null) {
            Val::Null => Ok(None),
            Val::Text(value) => Ok(Some(value)),
            Val::Int(value) => {
                self.0[column] = Val::Int(value);
                Err(StoreError::Corrupt(format!(
                    "column {column}: expected text, found the integer {value}"
                )))
            }
        }
    }

    fn text(&mut self, column: usize) -> Result<String, StoreError> {
        self.opt_text(column)?.ok_or_else(|| {
            StoreError::Corrupt(format!("column {column}: expected text, found NULL"))
        })
    }

    /// Columns `at` and `at + 1` as a `(text, text)` pair.
    fn pair(&mut self, at: usize) -> Result<(String, String), StoreError> {
        Ok((self.text(at)?, self.text(at + 1)?))
    }
}

/// One open transaction of an [`Engine`]. Dropped without
/// [`Session::commit`], it rolls back.
pub(crate) trait Session: Send {
    /// Runs a statement; the number of rows it changed.
    fn execute<'a>(&'a mut self, sql: &'a str, args: Vec<Arg<'a>>) -> BoxFut<'a, u64>;
    /// Runs a statement and reads all its rows.
    fn fetch<'a>(&'a mut self, sql: &'a str, args: Vec<Arg<'a>>) -> BoxFut<'a, Vec<Row>>;
    /// Commits the transaction.
    fn commit(self: Box<Self>) -> BoxFut<'static, ()>;
}

/// What a backend supplies to [`SqlBackend`]: transactions on its pools.
pub(crate) trait Engine: Send + Sync + 'static {
    /// The engine's SQL dialect.
    const DIALECT: Dialect;
    /// Begins a transaction that writes (SQLite: `BEGIN IMMEDIATE` on the
    /// writer connection).
    fn write(&self) -> BoxFut<'_, Box<dyn Session>>;
    /// Begins a transaction that only reads, on one snapshot.
    fn read(&self) -> BoxFut<'_, Box<dyn Session>>;
    /// Runs one reading statement outside any explicit transaction.
    fn fetch<'a>(&'a self, sql: &'a str, args: Vec<Arg<'a>>) -> BoxFut<'a, Vec<Row>>;
}

/// A [`Backend`] on any [`Engine`].
#[derive(Debug)]
pub(crate) struct SqlBackend<E> {
    engine: E,
}

/// The backend on `engine`, whose database [`migrate`] has checked.
pub(crate) fn backend<E: Engine>(engine: E) -> Arc<dyn Backend> {
    Arc::new(SqlBackend { engine })
}

/// Brings the database of `engine` to [`SCHEMA_VERSION`], in one
/// transaction: creates the tables of an empty database, runs the
/// [`MIGRATIONS`] of an older store. `shown` names the database in errors
/// (a path, a URL without its password).
///
/// # Errors
///
/// [`StoreError::NotAStore`] for a database with other tables,
/// [`StoreError::NewerSchema`], or the database's error.
pub(crate) async fn migrate<E: Engine>(engine: &E, shown: &str) -> Result<(), StoreError> {
    let dialect = E::DIALECT;
    let mut session = engine.write().await?;
    if dialect == Dialect::Postgres {
        // Two processes opening a new store at once: one creates it.
        session
            .execute("SELECT pg_advisory_xact_lock(7365837102641539191)", vec![])
            .await?;
    }
    let mut tables = Vec::new();
    for mut row in session.fetch(dialect.tables(), vec![]).await? {
        tables.push(row.text(0)?);
    }
    let version = if tables.iter().any(|t| t == "sfn_meta") {
        let mut application = None;
        let mut version = None;
        for mut row in session
            .fetch("SELECT key, value FROM sfn_meta", vec![])
            .await?
        {
            let (key, value) = row.pair(0)?;
            match key.as_str() {
                "application" => application = Some(value),
                "schema_version" => version = Some(value),
                _ => {}
            }
        }
        if application.as_deref() != Some("sfn") {
            return Err(StoreError::NotAStore(shown.to_owned()));
        }
        let version = version.unwrap_or_default();
        match version.parse::<i64>() {
            Ok(v) if v >= 0 => v,
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "{shown}: schema_version `{version}` is not a version number"
                )));
            }
        }
    } else if tables.is_empty() {
        0
    } else {
        return Err(StoreError::NotAStore(shown.to_owned()));
    };
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    for step in &MIGRATIONS[usize::try_from(version).unwrap_or_default()..] {
        for statement in dialect.migration(step) {
            session.execute(statement, vec![]).await?;
        }
    }
    session
        .execute(
            "INSERT INTO sfn_meta (key, value) VALUES ('application', 'sfn') \
             ON CONFLICT (key) DO NOTHING",
            vec![],
        )
        .await?;
    let version = SCHEMA_VERSION.to_string();
    session
        .execute(
            "INSERT INTO sfn_meta (key, value) VALUES ('schema_version', $1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![text(&version)],
        )
        .await?;
    session.commit().await
}

/// The columns [`description`] reads, in its order.
const DESCRIPTION: &str = "name, arn, machine, status, input, output, error, cause, \
    start_date, stop_date, redrive_count, redrive_date";

/// How many columns [`DESCRIPTION`] has.
const DESCRIPTION_LEN: usize = 12;

/// An execution's description from the [`DESCRIPTION`] columns of `row`.
fn description(row: &mut Row) -> Result<ExecutionDescription, StoreError> {
    let name = row.text(0)?;
    let corrupt = |what: String| StoreError::Corrupt(format!("execution `{name}`: {what}"));
    let status = row.text(3)?;
    let status =
        parse_status(&status).map_err(|_| corrupt(format!("unknown status `{status}`")))?;
    let input = row.text(4)?;
    let input = serde_json::from_str(&input)
        .map_err(|e| corrupt(format!("its input is not JSON ({e})")))?;
    let output = match row.opt_text(5)? {
        Some(output) => Some(
            serde_json::from_str(&output)
                .map_err(|e| corrupt(format!("its output is not JSON ({e})")))?,
        ),
        None => None,
    };
    let redrive_count = u32::try_from(row.int(10)?)
        .map_err(|_| corrupt("its redrive count is out of range".into()))?;
    Ok(ExecutionDescription {
        execution_arn: row.text(1)?,
        state_machine: row.text(2)?,
        status,
        input,
        output,
        error: row.opt_text(6)?,
        cause: row.opt_text(7)?,
        start_date: from_millis(row.int(8)?),
        stop_date: row.opt_int(9)?.map(from_millis),
        redrive_count,
        redrive_date: row.opt_int(11)?.map(from_millis),
        name,
    })
}

/// A stop asked for, from the `(stop_error, stop_cause)` at `at`.
fn stop_request(row: &mut Row, at: usize) -> Result<Option<(String, Option<String>)>, StoreError> {
    Ok(match row.opt_text(at)? {
        Some(error) => Some((error, row.opt_text(at + 1)?)),
        None => None,
    })
}

/// The `next_token` of a list page that ended at this row.
fn list_token(start_date: i64, name: &str) -> String {
    format!("{start_date}:{name}")
}

/// The `(start_date, name)` a `next_token` of [`list_token`] names.
fn parse_list_token(token: &str) -> Result<(i64, &str), StoreError> {
    token
        .split_once(':')
        .and_then(|(date, name)| Some((date.parse().ok()?, name)))
        .ok_or_else(|| {
            StoreError::Corrupt(format!(
                "`{token}` is not a next_token that this store gave (a list call's token is \
                 `START_MS:NAME`)"
            ))
        })
}

/// `n` split into chunks of at most `max` (a power of two), each a power
/// of two: few distinct multi-row statements to prepare.
fn chunk_sizes(mut n: usize, max: usize) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if n == 0 {
            return None;
        }
        let size = if n >= max {
            max
        } else {
            1 << (usize::BITS - 1 - n.leading_zeros())
        };
        n -= size;
        Some(size)
    })
}

/// `head VALUES ($1, ..., $columns), ... tail` for `rows` rows.
fn multi_row(head: &str, columns: usize, rows: usize, tail: &str) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + rows * columns * 5 + 8);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "${}", row * columns + column + 1);
        }
        sql.push(')');
    }
    sql.push_str(tail);
    sql
}

/// The most rows in one multi-row statement.
const MAX_ROWS: usize = 128;

/// Runs `head VALUES (...), ... tail` over `rows` (a chunk of at most
/// [`MAX_ROWS`] rows per statement) and returns the rows it returns.
async fn multi_row_fetch<const N: usize>(
    session: &mut dyn Session,
    head: &str,
    tail: &str,
    rows: &[[Arg<'_>; N]],
) -> Result<Vec<Row>, StoreError> {
    let mut returned = Vec::new();
    let mut rest = rows;
    for size in chunk_sizes(rows.len(), MAX_ROWS) {
        let (chunk, after) = rest.split_at(size);
        rest = after;
        let sql = multi_row(head, N, size, tail);
        let args = chunk.iter().flatten().copied().collect();
        returned.extend(session.fetch(&sql, args).await?);
    }
    Ok(returned)
}

/// Inserts `(execution, event)` rows.
async fn insert_events(
    session: &mut dyn Session,
    events: &[(&str, &StoredEvent)],
) -> Result<(), StoreError> {
    let rows: Vec<[Arg<'_>; 5]> = events
        .iter()
        .map(|(execution, event)| {
            [
                text(execution),
                int(event.id),
                int(event.timestamp),
                text(&event.event_type),
                text(&event.details),
            ]
        })
        .collect();
    multi_row_fetch(
        session,
        "INSERT INTO events (execution, id, timestamp, type, details)",
        "",
        &rows,
    )
    .await?;
    Ok(())
}

/// The rows of `rows` with the last value of each key, in order.
fn last_per_key(rows: &[(String, String)]) -> Vec<&(String, String)> {
    if rows.len() <= 1 {
        return rows.iter().collect();
    }
    let mut seen = HashSet::new();
    let mut kept: Vec<_> = rows
        .iter()
        .rev()
        .filter(|(key, _)| seen.insert(key.as_str()))
        .collect();
    kept.reverse();
    kept
}

/// Inserts or replaces the `(key, value)` rows of `table` (`scopes` or
/// `journal`) of each execution; no execution twice (one statement must
/// not change a row twice).
async fn upsert(
    session: &mut dyn Session,
    table: Keyed,
    rows: &[(&str, &[(String, String)])],
) -> Result<(), StoreError> {
    let rows: Vec<[Arg<'_>; 3]> = rows
        .iter()
        .flat_map(|(execution, rows)| {
            last_per_key(rows)
                .into_iter()
                .map(|(k, v)| [text(execution), text(k), text(v)])
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let (name, key, value) = table.columns();
    let head = format!("INSERT INTO {name} (execution, {key}, {value})");
    let tail = format!(" ON CONFLICT (execution, {key}) DO UPDATE SET {value} = excluded.{value}");
    multi_row_fetch(session, &head, &tail, &rows).await?;
    Ok(())
}

/// A table of an execution's rows by key.
#[derive(Clone, Copy, Debug)]
enum Keyed {
    Scopes,
    Journal,
}

impl Keyed {
    /// `(table, key column, value column)`.
    fn columns(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Keyed::Scopes => ("scopes", "scope", "snapshot"),
            Keyed::Journal => ("journal", "key", "value"),
        }
    }

    /// Deletes the execution's rows whose key starts with `$2`.
    fn forget_sql(self) -> &'static str {
        match self {
            Keyed::Scopes => {
                "DELETE FROM scopes WHERE execution = $1 AND scope >= $2 \
                 AND substr(scope, 1, length($2)) = $2"
            }
            Keyed::Journal => {
                "DELETE FROM journal WHERE execution = $1 AND key >= $2 \
                 AND substr(key, 1, length($2)) = $2"
            }
        }
    }
}

/// The fence check of a round, one row per commit: `(name, fence,
/// lease_until, last event id)` as `v.column1` to `v.column4` (`VALUES`
/// names its columns so in both engines).
const FENCE_HEAD: &str = "UPDATE executions SET lease_until = v.column3, \
    last_event_id = CASE WHEN last_event_id < v.column4 THEN v.column4 \
    ELSE last_event_id END FROM (";
const FENCE_TAIL: &str = ") AS v WHERE name = v.column1 AND fence = v.column2 \
    AND status = 'RUNNING' RETURNING name, stop_error, stop_cause";

/// Parks executions: `(name, park_until)`.
const PARK_HEAD: &str = "UPDATE executions SET owner = NULL, lease_until = NULL, \
    wake_at = CASE WHEN wake_at IS NOT NULL AND wake_at < v.column2 THEN wake_at \
    ELSE v.column2 END FROM (";
const PARK_TAIL: &str = ") AS v WHERE name = v.column1";

/// Writes a round of commits, no execution twice: first the fence checks
/// (one statement), then, for the commits whose fence matched, each step
/// for all of them at once. The results in the order of `round`: `None`
/// when nothing of that commit was written.
async fn commit_round(
    session: &mut dyn Session,
    round: &[&Commit],
) -> Result<Vec<Option<Committed>>, StoreError> {
    let fences: Vec<[Arg<'_>; 4]> = round
        .iter()
        .map(|commit| {
            let last_id = commit.events.iter().map(|e| e.id).max().unwrap_or(0);
            [
                text(&commit.execution),
                int(commit.fence),
                int(commit.lease_until),
                int(last_id),
            ]
        })
        .collect();
    let mut stops = HashMap::new();
    for mut row in multi_row_fetch(session, FENCE_HEAD, FENCE_TAIL, &fences).await? {
        let name = row.text(0)?;
        let stop = stop_request(&mut row, 1)?;
        stops.insert(name, stop);
    }
    let results: Vec<Option<Committed>> = round
        .iter()
        .map(|commit| {
            stops
                .get(&commit.execution)
                .map(|stop| Committed::Ok { stop: stop.clone() })
        })
        .collect();
    let written: Vec<&Commit> = round
        .iter()
        .zip(&results)
        .filter(|(_, result)| result.is_some())
        .map(|(commit, _)| *commit)
        .collect();

    for commit in &written {
        for prefix in &commit.forget {
            for table in [Keyed::Scopes, Keyed::Journal] {
                session
                    .execute(
                        table.forget_sql(),
                        vec![text(&commit.execution), text(prefix)],
                    )
                    .await?;
            }
        }
    }
    let scopes: Vec<(&str, &[(String, String)])> = written
        .iter()
        .map(|c| (c.execution.as_str(), &c.scopes[..]))
        .collect();
    upsert(session, Keyed::Scopes, &scopes).await?;
    let journal: Vec<(&str, &[(String, String)])> = written
        .iter()
        .map(|c| (c.execution.as_str(), &c.journal[..]))
        .collect();
    upsert(session, Keyed::Journal, &journal).await?;
    let tokens: Vec<[Arg<'_>; 2]> = written
        .iter()
        .flat_map(|c| c.tokens.iter().map(|t| [text(t), text(&c.execution)]))
        .collect();
    multi_row_fetch(
        session,
        "INSERT INTO tokens (token, execution)",
        " ON CONFLICT (token) DO NOTHING",
        &tokens,
    )
    .await?;
    let parks: Vec<[Arg<'_>; 2]> = written
        .iter()
        .filter_map(|c| Some([text(&c.execution), int(c.park_until?)]))
        .collect();
    multi_row_fetch(session, PARK_HEAD, PARK_TAIL, &parks).await?;
    for commit in &written {
        if let Some(end) = &commit.end {
            end_execution(session, &commit.execution, end).await?;
        }
    }
    Ok(results)
}

/// The last commit of an execution: its status and outcome; no lease, no
/// tokens, and no progress when it asks.
async fn end_execution(
    session: &mut dyn Session,
    execution: &str,
    end: &EndRecord,
) -> Result<(), StoreError> {
    session
        .execute(
            "UPDATE executions SET status = $2, output = $3, error = $4, cause = $5, \
             stop_date = $6, owner = NULL, lease_until = NULL, wake_at = NULL, \
             stop_error = NULL, stop_cause = NULL WHERE name = $1",
            vec![
                text(execution),
                text(end.status),
                opt_text(end.output.as_deref()),
                opt_text(end.error.as_deref()),
                opt_text(end.cause.as_deref()),
                int(end.stop_date),
            ],
        )
        .await?;
    if end.forget_progress {
        for sql in [
            "DELETE FROM scopes WHERE execution = $1",
            "DELETE FROM journal WHERE execution = $1",
        ] {
            session.execute(sql, vec![text(execution)]).await?;
        }
    }
    session
        .execute(
            "DELETE FROM tokens WHERE execution = $1",
            vec![text(execution)],
        )
        .await?;
    Ok(())
}

/// `(key, value)` rows of one execution in `table`, by key.
async fn keyed_rows(
    session: &mut dyn Session,
    sql: &str,
    execution: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    session
        .fetch(sql, vec![text(execution)])
        .await?
        .into_iter()
        .map(|mut row| row.pair(0))
        .collect()
}

/// Inserts new executions' rows: `(name, arn, machine, status, input,
/// start_date, redrive_count, last_event_id, fence, owner, lease_until)`;
/// returns the names inserted (not those that existed).
const CREATE_HEAD: &str = "INSERT INTO executions (name, arn, machine, status, input, \
    start_date, redrive_count, last_event_id, fence, owner, lease_until)";
const CREATE_TAIL: &str = " ON CONFLICT (name) DO NOTHING RETURNING name";

/// Creates `news` (see [`Backend::create_batch`]): one multi-row insert of
/// the first item of each name, in name order (two PostgreSQL transactions
/// that create the same names wait for each other in that order, never in
/// a cycle), their `ExecutionStarted` events, and the description of every
/// execution that an item found instead of creating it.
async fn create_in(
    session: &mut dyn Session,
    news: &[NewExecution],
) -> Result<Vec<Created>, StoreError> {
    if news.is_empty() {
        return Ok(Vec::new());
    }
    let mut seen = HashSet::new();
    let mut firsts: Vec<&NewExecution> = news
        .iter()
        .filter(|new| seen.insert(new.name.as_str()))
        .collect();
    firsts.sort_by(|a, b| a.name.cmp(&b.name));
    let rows: Vec<[Arg<'_>; 11]> = firsts
        .iter()
        .map(|new| {
            let (owner, lease_until) = match &new.owner {
                Some((owner, until)) => (Some(owner.as_str()), Some(*until)),
                None => (None, None),
            };
            [
                text(&new.name),
                text(&new.arn),
                text(&new.machine),
                text("RUNNING"),
                text(&new.input),
                int(new.start_date),
                int(0),
                int(new.started.id),
                int(1),
                opt_text(owner),
                Arg::Int(lease_until),
            ]
        })
        .collect();
    let mut inserted = HashSet::new();
    for mut row in multi_row_fetch(session, CREATE_HEAD, CREATE_TAIL, &rows).await? {
        inserted.insert(row.text(0)?);
    }
    let events: Vec<(&str, &StoredEvent)> = firsts
        .iter()
        .filter(|new| inserted.contains(&new.name))
        .map(|new| (new.name.as_str(), &new.started))
        .collect();
    insert_events(session, &events).await?;

    // Each item in order: the first of a name that was inserted is new;
    // every other finds the execution (as it is now, in this transaction).
    let mut results = Vec::with_capacity(news.len());
    let mut first_of_name = HashSet::new();
    let mut found: HashMap<&str, ExecutionDescription> = HashMap::new();
    let sql = format!("SELECT {DESCRIPTION} FROM executions WHERE name = $1");
    for new in news {
        let first = first_of_name.insert(new.name.as_str());
        if first && inserted.contains(&new.name) {
            results.push(Created::New { fence: 1 });
            continue;
        }
        let existing = match found.get(new.name.as_str()) {
            Some(existing) => existing.clone(),
            None => {
                let mut row = session
                    .fetch(&sql, vec![text(&new.name)])
                    .await?
                    .pop()
                    .ok_or_else(|| {
                        StoreError::Database(format!(
                            "execution `{}` exists and does not: retry",
                            new.name
                        ))
                    })?;
                let existing = description(&mut row)?;
                found.insert(new.name.as_str(), existing.clone());
                existing
            }
        };
        results.push(Created::Exists(Box::new(existing)));
    }
    Ok(results)
}

/// Writes `commits` (see [`Backend::commit`]): in rounds in which no
/// execution appears twice, the batch's events last.
async fn commit_in(
    session: &mut dyn Session,
    commits: &[Commit],
) -> Result<Vec<Committed>, StoreError> {
    if commits.is_empty() {
        return Ok(Vec::new());
    }
    // Rounds of commits, no execution twice in a round: a second commit
    // of an execution (rare) goes in the next round, after the first.
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (index, commit) in commits.iter().enumerate() {
        let round = seen.entry(commit.execution.as_str()).or_default();
        if rounds.len() <= *round {
            rounds.push(Vec::new());
        }
        rounds[*round].push(index);
        *round += 1;
    }
    let mut results = vec![Committed::LeaseLost; commits.len()];
    let mut events = Vec::new();
    for round in rounds {
        let batch: Vec<&Commit> = round.iter().map(|&i| &commits[i]).collect();
        let written = commit_round(session, &batch).await?;
        for (index, result) in round.into_iter().zip(written) {
            if let Some(result) = result {
                let commit = &commits[index];
                events.extend(commit.events.iter().map(|e| (commit.execution.as_str(), e)));
                results[index] = result;
            }
        }
    }
    insert_events(session, &events).await?;
    Ok(results)
}

/// Whether a lease, `(owner, lease_until)`, still holds at `now`.
fn live_lease(owner: Option<&str>, lease_until: Option<i64>, now: i64) -> bool {
    owner.is_some() && lease_until.is_some_and(|until| until >= now)
}

impl<E: Engine> SqlBackend<E> {
    /// [`Backend::write_batch`] (and `create`, `create_batch`, `commit`):
    /// the creates, then the commits, in one transaction.
    async fn do_write(
        &self,
        news: Vec<NewExecution>,
        commits: Vec<Commit>,
    ) -> Result<(Vec<Created>, Vec<Committed>), StoreError> {
        if news.is_empty() && commits.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let mut session = self.engine.write().await?;
        let created = create_in(&mut *session, &news).await?;
        let committed = commit_in(&mut *session, &commits).await?;
        session.commit().await?;
        Ok((created, committed))
    }

    async fn do_load(&self, name: &str) -> Result<Option<Loaded>, StoreError> {
        let mut session = self.engine.read().await?;
        let sql = format!(
            "SELECT {DESCRIPTION}, last_event_id, stop_error, stop_cause \
             FROM executions WHERE name = $1"
        );
        let Some(mut row) = session.fetch(&sql, vec![text(name)]).await?.pop() else {
            return Ok(None);
        };
        let description = description(&mut row)?;
        let last_event_id = row.int(DESCRIPTION_LEN)?;
        let stop = stop_request(&mut row, DESCRIPTION_LEN + 1)?;
        let scopes = keyed_rows(
            &mut *session,
            "SELECT scope, snapshot FROM scopes WHERE execution = $1 ORDER BY scope",
            name,
        )
        .await?;
        let journal = keyed_rows(
            &mut *session,
            "SELECT key, value FROM journal WHERE execution = $1 ORDER BY key",
            name,
        )
        .await?;
        let answers = keyed_rows(&mut *session, ANSWERS, name).await?;
        session.commit().await?;
        Ok(Some(Loaded {
            description,
            last_event_id,
            scopes,
            journal,
            answers,
            stop,
        }))
    }

    async fn do_describe(&self, name: &str) -> Result<Option<ExecutionDescription>, StoreError> {
        let sql = format!("SELECT {DESCRIPTION} FROM executions WHERE name = $1");
        match self.engine.fetch(&sql, vec![text(name)]).await?.pop() {
            Some(mut row) => Ok(Some(description(&mut row)?)),
            None => Ok(None),
        }
    }

    async fn do_list(&self, query: ListQuery) -> Result<ListPage, StoreError> {
        let limit = match query.max_results {
            0 => 100,
            n => n.min(1000),
        };
        let mut sql = format!("SELECT {DESCRIPTION} FROM executions WHERE TRUE");
        let mut args = Vec::new();
        if let Some(machine) = &query.state_machine {
            args.push(text(machine));
            let _ = write!(sql, " AND machine = ${}", args.len());
        }
        if let Some(status) = query.status {
            args.push(text(status.as_str()));
            let _ = write!(sql, " AND status = ${}", args.len());
        }
        if let Some(token) = &query.next_token {
            let (date, name) = parse_list_token(token)?;
            args.push(int(date));
            args.push(text(name));
            let _ = write!(
                sql,
                " AND (start_date, name) < (${}, ${})",
                args.len() - 1,
                args.len()
            );
        }
        args.push(int(i64::try_from(limit + 1).unwrap_or(i64::MAX)));
        let _ = write!(
            sql,
            " ORDER BY start_date DESC, name DESC LIMIT ${}",
            args.len()
        );
        let rows = self.engine.fetch(&sql, args).await?;
        let more = rows.len() > limit;
        let mut executions = Vec::with_capacity(rows.len().min(limit));
        for mut row in rows.into_iter().take(limit) {
            executions.push(description(&mut row)?);
        }
        let next_token = match executions.last() {
            Some(last) if more => Some(list_token(super::millis(last.start_date), &last.name)),
            _ => None,
        };
        Ok(ListPage {
            executions,
            next_token,
        })
    }

    async fn do_history(&self, name: &str) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = self
            .engine
            .fetch(
                "SELECT id, timestamp, type, details FROM events \
                 WHERE execution = $1 ORDER BY id",
                vec![text(name)],
            )
            .await?;
        rows.into_iter()
            .map(|mut row| {
                Ok(StoredEvent {
                    id: row.int(0)?,
                    timestamp: row.int(1)?,
                    event_type: row.text(2)?,
                    details: row.text(3)?,
                })
            })
            .collect()
    }

    async fn do_claim(
        &self,
        worker: &str,
        machine: &str,
        now: i64,
        lease: i64,
        limit: usize,
    ) -> Result<Vec<Claim>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let sql = format!(
            "UPDATE executions SET owner = $1, lease_until = $2, wake_at = NULL, \
             fence = fence + 1 \
             WHERE name IN (SELECT name FROM executions \
                WHERE machine = $3 AND status = 'RUNNING' \
                AND (owner IS NULL OR lease_until IS NULL OR lease_until < $4) \
                AND (wake_at IS NULL OR wake_at <= $4) \
                ORDER BY wake_at NULLS FIRST, start_date, name LIMIT $5{}) \
             RETURNING name, fence",
            E::DIALECT.claim_lock()
        );
        let mut session = self.engine.write().await?;
        let rows = session
            .fetch(
                &sql,
                vec![
                    text(worker),
                    int(now.saturating_add(lease)),
                    text(machine),
                    int(now),
                    int(i64::try_from(limit).unwrap_or(i64::MAX)),
                ],
            )
            .await?;
        session.commit().await?;
        rows.into_iter()
            .map(|mut row| {
                Ok(Claim {
                    name: row.text(0)?,
                    fence: row.int(1)?,
                })
            })
            .collect()
    }

    async fn do_renew(
        &self,
        worker: &str,
        claims: &[Claim],
        until: i64,
    ) -> Result<Vec<String>, StoreError> {
        if claims.is_empty() {
            return Ok(Vec::new());
        }
        let mut sorted: Vec<&Claim> = claims.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        let mut session = self.engine.write().await?;
        let mut lost = Vec::new();
        for claim in sorted {
            let renewed = session
                .execute(
                    "UPDATE executions SET lease_until = $1 \
                     WHERE name = $2 AND fence = $3 AND owner = $4 AND status = 'RUNNING'",
                    vec![
                        int(until),
                        text(&claim.name),
                        int(claim.fence),
                        text(worker),
                    ],
                )
                .await?;
            if renewed == 0 {
                lost.push(claim.name.clone());
            }
        }
        session.commit().await?;
        Ok(lost)
    }

    async fn do_release(&self, claim: &Claim) -> Result<(), StoreError> {
        let mut session = self.engine.write().await?;
        session
            .execute(
                "UPDATE executions SET owner = NULL, lease_until = NULL \
                 WHERE name = $1 AND fence = $2",
                vec![text(&claim.name), int(claim.fence)],
            )
            .await?;
        session.commit().await
    }

    async fn do_release_leases(&self, machine: &str, worker: &str) -> Result<u64, StoreError> {
        let mut session = self.engine.write().await?;
        let released = session
            .execute(
                "UPDATE executions SET owner = NULL, lease_until = NULL \
                 WHERE machine = $1 AND status = 'RUNNING' AND owner IS NOT NULL \
                 AND owner <> $2",
                vec![text(machine), text(worker)],
            )
            .await?;
        session.commit().await?;
        Ok(released)
    }

    async fn do_next_wake(&self, machine: &str) -> Result<Option<i64>, StoreError> {
        let rows = self
            .engine
            .fetch(
                "SELECT min(wake_at) FROM executions \
                 WHERE machine = $1 AND status = 'RUNNING' AND owner IS NULL",
                vec![text(machine)],
            )
            .await?;
        match rows.first() {
            Some(row) => row.opt_int(0),
            None => Ok(None),
        }
    }

    async fn do_stop(
        &self,
        name: &str,
        error: &str,
        cause: Option<&str>,
        now: i64,
        mut event: StoredEvent,
    ) -> Result<Stopped, StoreError> {
        let mut session = self.engine.write().await?;
        let sql = format!(
            "SELECT status, owner, lease_until, last_event_id FROM executions \
             WHERE name = $1{}",
            E::DIALECT.lock()
        );
        let Some(mut row) = session.fetch(&sql, vec![text(name)]).await?.pop() else {
            return Ok(Stopped::NotRunning);
        };
        if row.text(0)? != "RUNNING" {
            return Ok(Stopped::NotRunning);
        }
        let owner = row.opt_text(1)?;
        if live_lease(owner.as_deref(), row.opt_int(2)?, now) {
            session
                .execute(
                    "UPDATE executions SET stop_error = $2, stop_cause = $3, \
                     wake_at = $4 WHERE name = $1",
                    vec![text(name), text(error), opt_text(cause), int(now)],
                )
                .await?;
            session.commit().await?;
            return Ok(Stopped::Requested);
        }
        event.id = row.int(3)? + 1;
        session
            .execute(
                "UPDATE executions SET status = 'ABORTED', stop_date = $2, error = $3, \
                 cause = $4, owner = NULL, lease_until = NULL, wake_at = NULL, \
                 last_event_id = $5, stop_error = NULL, stop_cause = NULL WHERE name = $1",
                vec![
                    text(name),
                    int(now),
                    text(error),
                    opt_text(cause),
                    int(event.id),
                ],
            )
            .await?;
        insert_events(&mut *session, &[(name, &event)]).await?;
        session
            .execute("DELETE FROM tokens WHERE execution = $1", vec![text(name)])
            .await?;
        session.commit().await?;
        Ok(Stopped::Aborted)
    }

    async fn do_answer(
        &self,
        token: &str,
        outcome: &str,
        now: i64,
    ) -> Result<Answered, StoreError> {
        let mut session = self.engine.write().await?;
        // The execution's row first (see the module docs: lock order).
        let sql = format!(
            "SELECT name, status FROM executions \
             WHERE name = (SELECT execution FROM tokens WHERE token = $1){}",
            E::DIALECT.lock()
        );
        let Some(mut row) = session.fetch(&sql, vec![text(token)]).await?.pop() else {
            return Ok(Answered::Unknown);
        };
        let execution = row.text(0)?;
        if row.text(1)? != "RUNNING" {
            return Ok(Answered::Unknown);
        }
        let answered = session
            .execute(
                "UPDATE tokens SET outcome = $2, answered_at = $3 \
                 WHERE token = $1 AND outcome IS NULL",
                vec![text(token), text(outcome), int(now)],
            )
            .await?;
        if answered == 0 {
            return Ok(Answered::Repeated);
        }
        session
            .execute(
                "UPDATE executions SET wake_at = $2 WHERE name = $1",
                vec![text(&execution), int(now)],
            )
            .await?;
        session.commit().await?;
        Ok(Answered::Delivered)
    }

    async fn do_heartbeat(&self, token: &str, now: i64) -> Result<Answered, StoreError> {
        let mut session = self.engine.write().await?;
        // Only the token's row changes (no wake-up: see the module docs),
        // so no execution row is locked: an ending commit that deletes the
        // token waits for this statement, or this one finds it gone. The
        // time never goes back (clocks of two processes may disagree).
        let beaten = session
            .execute(
                "UPDATE tokens SET heartbeat_at = \
                 CASE WHEN heartbeat_at > $2 THEN heartbeat_at ELSE $2 END \
                 WHERE token = $1 AND outcome IS NULL AND EXISTS (SELECT 1 FROM executions \
                 WHERE executions.name = tokens.execution AND executions.status = 'RUNNING')",
                vec![text(token), int(now)],
            )
            .await?;
        if beaten > 0 {
            session.commit().await?;
            return Ok(Answered::Delivered);
        }
        let Some(mut row) = session
            .fetch(
                "SELECT tokens.outcome, executions.status FROM tokens \
                 JOIN executions ON executions.name = tokens.execution WHERE tokens.token = $1",
                vec![text(token)],
            )
            .await?
            .pop()
        else {
            return Ok(Answered::Unknown);
        };
        let answered = row.opt_text(0)?.is_some();
        Ok(if answered && row.text(1)? == "RUNNING" {
            Answered::Repeated
        } else {
            Answered::Unknown
        })
    }

    async fn do_token(
        &self,
        execution: &str,
        token: &str,
    ) -> Result<Option<TokenState>, StoreError> {
        let mut rows = self
            .engine
            .fetch(
                "SELECT outcome, heartbeat_at FROM tokens WHERE token = $1 AND execution = $2",
                vec![text(token), text(execution)],
            )
            .await?;
        match rows.pop() {
            Some(mut row) => Ok(Some(TokenState {
                outcome: row.opt_text(0)?,
                heartbeat_at: row.opt_int(1)?,
            })),
            None => Ok(None),
        }
    }

    async fn do_answers(&self, execution: &str) -> Result<Vec<(String, String)>, StoreError> {
        self.engine
            .fetch(ANSWERS, vec![text(execution)])
            .await?
            .into_iter()
            .map(|mut row| row.pair(0))
            .collect()
    }
}

/// The answered tokens of execution `$1`.
const ANSWERS: &str = "SELECT token, outcome FROM tokens \
    WHERE execution = $1 AND outcome IS NOT NULL ORDER BY answered_at, token";

impl<E: Engine> Backend for SqlBackend<E> {
    fn create(&self, new: NewExecution) -> BoxFut<'_, Created> {
        Box::pin(async move {
            let (mut created, _) = self.do_write(vec![new], Vec::new()).await?;
            created
                .pop()
                .ok_or_else(|| StoreError::Database("a create gave no result".into()))
        })
    }

    fn create_batch(&self, news: Vec<NewExecution>) -> BoxFut<'_, Vec<Created>> {
        Box::pin(async move { Ok(self.do_write(news, Vec::new()).await?.0) })
    }

    fn commit(&self, commits: Vec<Commit>) -> BoxFut<'_, Vec<Committed>> {
        Box::pin(async move { Ok(self.do_write(Vec::new(), commits).await?.1) })
    }

    fn write_batch(
        &self,
        news: Vec<NewExecution>,
        commits: Vec<Commit>,
    ) -> BoxFut<'_, (Vec<Created>, Vec<Committed>)> {
        Box::pin(self.do_write(news, commits))
    }

    fn load(&self, name: String) -> BoxFut<'_, Option<Loaded>> {
        Box::pin(async move { self.do_load(&name).await })
    }

    fn describe(&self, name: String) -> BoxFut<'_, Option<ExecutionDescription>> {
        Box::pin(async move { self.do_describe(&name).await })
    }

    fn list(&self, query: ListQuery) -> BoxFut<'_, ListPage> {
        Box::pin(self.do_list(query))
    }

    fn history(&self, name: String) -> BoxFut<'_, Vec<StoredEvent>> {
        Box::pin(async move { self.do_history(&name).await })
    }

    fn claim(
        &self,
        worker: String,
        machine: String,
        now: i64,
        lease: i64,
        limit: usize,
    ) -> BoxFut<'_, Vec<Claim>> {
        Box::pin(async move { self.do_claim(&worker, &machine, now, lease, limit).await })
    }

    fn renew(&self, worker: String, claims: Vec<Claim>, until: i64) -> BoxFut<'_, Vec<String>> {
        Box::pin(async move { self.do_renew(&worker, &claims, until).await })
    }

    fn release(&self, claim: Claim) -> BoxFut<'_, ()> {
        Box::pin(async move { self.do_release(&claim).await })
    }

    fn release_leases(&self, machine: String, worker: String) -> BoxFut<'_, u64> {
        Box::pin(async move { self.do_release_leases(&machine, &worker).await })
    }

    fn next_wake(&self, machine: String) -> BoxFut<'_, Option<i64>> {
        Box::pin(async move { self.do_next_wake(&machine).await })
    }

    fn stop(
        &self,
        name: String,
        error: String,
        cause: Option<String>,
        now: i64,
        event: StoredEvent,
    ) -> BoxFut<'_, Stopped> {
        Box::pin(async move {
            self.do_stop(&name, &error, cause.as_deref(), now, event)
                .await
        })
    }

    fn answer(&self, token: String, outcome: String, now: i64) -> BoxFut<'_, Answered> {
        Box::pin(async move { self.do_answer(&token, &outcome, now).await })
    }

    fn answers(&self, execution: String) -> BoxFut<'_, Vec<(String, String)>> {
        Box::pin(async move { self.do_answers(&execution).await })
    }

    fn heartbeat(&self, token: String, now: i64) -> BoxFut<'_, Answered> {
        Box::pin(async move { self.do_heartbeat(&token, now).await })
    }

    fn token(&self, execution: String, token: String) -> BoxFut<'_, Option<TokenState>> {
        Box::pin(async move { self.do_token(&execution, &token).await })
    }

    fn redrive(
        &self,
        name: String,
        now: i64,
        events: Vec<StoredEvent>,
        scopes: Vec<(String, String)>,
        forget: Vec<String>,
    ) -> BoxFut<'_, bool> {
        Box::pin(async move {
            let (name, scopes, forget) = (name.as_str(), &scopes[..], &forget[..]);
            let mut session = self.engine.write().await?;
            let sql = format!(
                "SELECT status, last_event_id FROM executions WHERE name = $1{}",
                E::DIALECT.lock()
            );
            let Some(mut row) = session.fetch(&sql, vec![text(name)]).await?.pop() else {
                return Ok(false);
            };
            if !matches!(row.text(0)?.as_str(), "FAILED" | "TIMED_OUT" | "ABORTED") {
                return Ok(false);
            }
            let last = row.int(1)?;
            let events: Vec<StoredEvent> = (last + 1..)
                .zip(events)
                .map(|(id, event)| StoredEvent { id, ..event })
                .collect();
            let new_last = events.last().map_or(last, |e| e.id);
            session
                .execute(
                    "UPDATE executions SET status = 'RUNNING', \
                     redrive_count = redrive_count + 1, redrive_date = $2, stop_date = NULL, \
                     output = NULL, error = NULL, cause = NULL, owner = NULL, \
                     lease_until = NULL, wake_at = NULL, fence = fence + 1, \
                     last_event_id = $3, stop_error = NULL, stop_cause = NULL WHERE name = $1",
                    vec![text(name), int(now), int(new_last)],
                )
                .await?;
            let events: Vec<(&str, &StoredEvent)> = events.iter().map(|e| (name, e)).collect();
            insert_events(&mut *session, &events).await?;
            for prefix in forget {
                session
                    .execute(Keyed::Journal.forget_sql(), vec![text(name), text(prefix)])
                    .await?;
            }
            upsert(&mut *session, Keyed::Scopes, &[(name, scopes)]).await?;
            session.commit().await?;
            Ok(true)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_migration_per_version() {
        assert_eq!(MIGRATIONS.len(), usize::try_from(SCHEMA_VERSION).unwrap());
        for step in MIGRATIONS {
            assert_eq!(step.sqlite.len(), step.postgres.len());
        }
    }

    #[test]
    fn chunks_are_powers_of_two() {
        for n in 0..600 {
            let sizes: Vec<usize> = chunk_sizes(n, MAX_ROWS).collect();
            assert_eq!(sizes.iter().sum::<usize>(), n, "{n}");
            assert!(
                sizes.iter().all(|s| s.is_power_of_two() && *s <= MAX_ROWS),
                "{n}: {sizes:?}"
            );
        }
    }

    #[test]
    fn multi_row_numbers_parameters() {
        assert_eq!(
            multi_row("INSERT INTO t (a, b)", 2, 2, " ON CONFLICT DO NOTHING"),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING"
        );
    }

    #[test]
    fn list_tokens_round_trip() {
        let token = list_token(-5, "a:b%_");
        assert_eq!(parse_list_token(&token).unwrap(), (-5, "a:b%_"));
        assert!(matches!(
            parse_list_token("garbage"),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            parse_list_token("x:name"),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn last_value_of_each_key_wins() {
        let rows = vec![
            ("a".to_owned(), "1".to_owned()),
            ("b".to_owned(), "2".to_owned()),
            ("a".to_owned(), "3".to_owned()),
        ];
        let kept: Vec<_> = last_per_key(&rows).into_iter().cloned().collect();
        assert_eq!(
            kept,
            vec![
                ("b".to_owned(), "2".to_owned()),
                ("a".to_owned(), "3".to_owned())
            ]
        );
    }
}
