//! The test suite every [`Backend`] passes: each case opens a fresh
//! database through a [`Harness`]. `sqlite.rs` runs every case on a file in
//! a temporary directory; `postgres.rs` on a database of its own, created
//! for the case on the server of `SFN_TEST_POSTGRES_URL`.
//!
//! Times are small numbers of milliseconds: every operation takes `now`.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use serde_json::json;

use super::backend::{
    Answered, Backend, BoxFut, Claim, Commit, Committed, Created, EndRecord, Loaded, NewExecution,
    Stopped, StoredEvent, TokenState,
};
use super::committer::Committer;
use super::schema::Dialect;
use super::{ExecutionDescription, ListQuery, StoreError, from_millis};
use crate::handle::ExecutionStatus;

/// A fresh database for one case.
pub(crate) trait Harness: Send + Sync {
    /// Opens the backend on the case's database (creating the store).
    fn open(&self) -> BoxFut<'_, Arc<dyn Backend>>;
    /// Runs SQL (one or more statements) on the case's database directly.
    fn raw(&self, sql: String) -> BoxFut<'_, ()>;
    /// The SQL dialect of the case's database.
    fn dialect(&self) -> Dialect;
}

/// Calls `$m!` with the name of every case that takes a [`Harness`].
macro_rules! for_each_case {
    ($m:ident) => {
        $m! {
            create_and_exists,
            commit_writes_everything,
            forget_is_a_byte_prefix,
            lease_lost_writes_nothing,
            batch_mixes_lost_and_written,
            create_batch_in_order,
            park_claim_and_wake_order,
            claim_skips_live_leases,
            release_leases_of_other_workers,
            stop_parked_aborts,
            stop_leased_is_requested,
            answers_and_tokens,
            answer_while_running_is_not_lost,
            heartbeats_are_recorded_and_wake_nothing,
            heartbeat_of_unknown_answered_or_ended_tokens,
            list_pages_filters_newest_first,
            list_default_page_is_100,
            history_in_order,
            end_forgets_progress,
            redrive_resets_and_appends,
            schema_foreign_database,
            schema_other_application,
            schema_newer_version,
            schema_reopen_keeps_data,
            schema_version_1_upgrades_on_open,
            corrupt_rows_are_errors,
        }
    };
}
/// (For the backends' test modules.)
pub(crate) use for_each_case;

const MACHINE: &str = "machine";

fn started(at: i64) -> StoredEvent {
    StoredEvent {
        id: 1,
        timestamp: at,
        event_type: "ExecutionStarted".into(),
        details: r#"{"input":"{}"}"#.into(),
    }
}

fn event(id: i64, event_type: &str) -> StoredEvent {
    StoredEvent {
        id,
        timestamp: 1000 + id,
        event_type: event_type.into(),
        details: json!({ "n": id }).to_string(),
    }
}

fn new_execution(
    name: &str,
    machine: &str,
    start: i64,
    owner: Option<(&str, i64)>,
) -> NewExecution {
    NewExecution {
        name: name.into(),
        arn: format!("arn:aws:states:us-east-1:123456789012:execution:{machine}:{name}"),
        machine: machine.into(),
        input: json!({ "name": name }).to_string(),
        start_date: start,
        started: started(start),
        owner: owner.map(|(worker, until)| (worker.to_owned(), until)),
    }
}

async fn create(backend: &Arc<dyn Backend>, new: NewExecution) {
    let name = new.name.clone();
    match backend.create(new).await.unwrap() {
        Created::New { fence } => assert_eq!(fence, 1, "{name}"),
        Created::Exists(_) => panic!("{name} existed"),
    }
}

/// A commit of `execution` under `fence` that only renews the lease.
fn commit(execution: &str, fence: i64) -> Commit {
    Commit {
        execution: execution.into(),
        fence,
        lease_until: 100_000,
        ..Commit::default()
    }
}

async fn commit_one(backend: &Arc<dyn Backend>, commit: Commit) -> Committed {
    let mut results = backend.commit(vec![commit]).await.unwrap();
    assert_eq!(results.len(), 1);
    results.remove(0)
}

fn ok() -> Committed {
    Committed::Ok { stop: None }
}

fn pairs(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn end(status: &'static str, forget_progress: bool) -> EndRecord {
    EndRecord {
        status,
        output: (status == "SUCCEEDED").then(|| r#"{"done":true}"#.to_owned()),
        error: (status != "SUCCEEDED").then(|| "States.TaskFailed".to_owned()),
        cause: (status != "SUCCEEDED").then(|| "it broke".to_owned()),
        stop_date: 9000,
        forget_progress,
    }
}

async fn claim(backend: &Arc<dyn Backend>, worker: &str, now: i64, limit: usize) -> Vec<Claim> {
    backend
        .claim(worker.into(), MACHINE.into(), now, 1000, limit)
        .await
        .unwrap()
}

fn names(claims: &[Claim]) -> Vec<&str> {
    claims.iter().map(|c| c.name.as_str()).collect()
}

/// Everything about the execution `name`, which exists.
async fn load(backend: &Arc<dyn Backend>, name: &str) -> Loaded {
    backend.load(name.into()).await.unwrap().unwrap()
}

/// The row of the execution `name`, which exists.
async fn describe(backend: &Arc<dyn Backend>, name: &str) -> ExecutionDescription {
    backend.describe(name.into()).await.unwrap().unwrap()
}

/// The state of `token` of `execution`, if there is such a token.
async fn token(backend: &Arc<dyn Backend>, execution: &str, token: &str) -> Option<TokenState> {
    backend.token(execution.into(), token.into()).await.unwrap()
}

/// Runs `sql` on the case's database directly.
async fn raw(harness: &dyn Harness, sql: &str) {
    harness.raw(sql.to_owned()).await.unwrap();
}

/// Why opening the case's database fails (`what` says what it is).
async fn open_error(harness: &dyn Harness, what: &str) -> StoreError {
    harness.open().await.err().expect(what)
}

/// Creating an execution, and creating it again.
pub(crate) async fn create_and_exists(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e1", MACHINE, 10, None)).await;
    let described = describe(&backend, "e1").await;
    assert_eq!(described.name, "e1");
    assert_eq!(described.state_machine, MACHINE);
    assert!(described.execution_arn.ends_with(":machine:e1"));
    assert_eq!(described.status, ExecutionStatus::Running);
    assert_eq!(described.input, json!({ "name": "e1" }));
    assert_eq!(described.output, None);
    assert_eq!(described.error, None);
    assert_eq!(described.start_date, from_millis(10));
    assert_eq!(described.stop_date, None);
    assert_eq!(described.redrive_count, 0);
    assert_eq!(described.redrive_date, None);
    assert_eq!(
        backend.history("e1".into()).await.unwrap(),
        vec![started(10)]
    );

    let mut again = new_execution("e1", "other", 20, Some(("w", 5000)));
    again.input = "[1]".into();
    match backend.create(again).await.unwrap() {
        Created::Exists(existing) => assert_eq!(*existing, described),
        Created::New { .. } => panic!("created twice"),
    }
    // Nothing written: still unowned (claimable), one event.
    assert_eq!(backend.history("e1".into()).await.unwrap().len(), 1);
    assert_eq!(names(&claim(&backend, "w2", 100, 10).await), ["e1"]);
    assert!(backend.describe("nope".into()).await.unwrap().is_none());
    assert!(backend.load("nope".into()).await.unwrap().is_none());
}

/// A commit writes its events, scopes, journal and tokens.
pub(crate) async fn commit_writes_everything(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e", MACHINE, 1, Some(("w", 5000)))).await;
    let mut first = commit("e", 1);
    first.events = vec![event(2, "PassStateEntered"), event(3, "PassStateExited")];
    first.scopes = pairs(&[("s/1", "{\"a\":1}"), ("s/0", "{}"), ("s/1", "{\"a\":2}")]);
    first.journal = pairs(&[("task%1", "\"out\""), ("timer_2", "123")]);
    first.tokens = vec!["tok-1".into(), "tok-2".into()];
    assert_eq!(commit_one(&backend, first).await, ok());

    let loaded = load(&backend, "e").await;
    assert_eq!(loaded.last_event_id, 3);
    assert_eq!(loaded.description.status, ExecutionStatus::Running);
    assert_eq!(loaded.scopes, pairs(&[("s/0", "{}"), ("s/1", "{\"a\":2}")]));
    assert_eq!(
        loaded.journal,
        pairs(&[("task%1", "\"out\""), ("timer_2", "123")])
    );
    assert!(loaded.answers.is_empty());
    assert_eq!(loaded.stop, None);
    let history = backend.history("e".into()).await.unwrap();
    assert_eq!(
        history,
        vec![
            started(1),
            event(2, "PassStateEntered"),
            event(3, "PassStateExited")
        ]
    );

    // Replacing rows; a commit without events keeps last_event_id.
    let mut second = commit("e", 1);
    second.scopes = pairs(&[("s/0", "{\"b\":1}")]);
    second.journal = pairs(&[("timer_2", "456")]);
    assert_eq!(commit_one(&backend, second).await, ok());
    let loaded = load(&backend, "e").await;
    assert_eq!(loaded.last_event_id, 3);
    assert_eq!(
        loaded.scopes,
        pairs(&[("s/0", "{\"b\":1}"), ("s/1", "{\"a\":2}")])
    );
    assert_eq!(
        loaded.journal,
        pairs(&[("task%1", "\"out\""), ("timer_2", "456")])
    );
}

/// `forget` deletes by byte prefix: `%` and `_` are plain characters.
pub(crate) async fn forget_is_a_byte_prefix(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e", MACHINE, 1, Some(("w", 5000)))).await;
    let keys = [
        "a%", "a%b", "ab", "a_c", "aXc", "a", "b/a%", "é1", "e1", "x0", "A%",
    ];
    let rows: Vec<(String, String)> = keys.iter().map(|k| ((*k).into(), "1".into())).collect();
    let mut setup = commit("e", 1);
    setup.scopes = rows.clone();
    setup.journal = rows;
    assert_eq!(commit_one(&backend, setup).await, ok());

    let mut forget = commit("e", 1);
    forget.forget = vec!["a%".into(), "a_".into(), "é".into(), "x".into()];
    // Written after the deletions: stays.
    forget.scopes = pairs(&[("x1", "new")]);
    forget.journal = pairs(&[("a%z", "new")]);
    assert_eq!(commit_one(&backend, forget).await, ok());

    let loaded = load(&backend, "e").await;
    let left = |rows: &[(String, String)]| -> Vec<String> {
        rows.iter().map(|(k, _)| k.clone()).collect()
    };
    assert_eq!(
        left(&loaded.scopes),
        ["A%", "a", "aXc", "ab", "b/a%", "e1", "x1"]
    );
    assert_eq!(
        left(&loaded.journal),
        ["A%", "a", "a%z", "aXc", "ab", "b/a%", "e1"]
    );

    // The empty prefix forgets everything of this execution only.
    create(&backend, new_execution("f", MACHINE, 2, Some(("w", 5000)))).await;
    let mut other = commit("f", 1);
    other.scopes = pairs(&[("k", "v")]);
    assert_eq!(commit_one(&backend, other).await, ok());
    let mut all = commit("e", 1);
    all.forget = vec![String::new()];
    assert_eq!(commit_one(&backend, all).await, ok());
    let loaded = load(&backend, "e").await;
    assert!(loaded.scopes.is_empty() && loaded.journal.is_empty());
    let loaded = load(&backend, "f").await;
    assert_eq!(loaded.scopes, pairs(&[("k", "v")]));
}

/// A commit under another fence, or of an ended or unknown execution,
/// writes nothing.
pub(crate) async fn lease_lost_writes_nothing(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e", MACHINE, 1, Some(("w", 5000)))).await;
    let mut stale = commit("e", 2);
    stale.events = vec![event(2, "PassStateEntered")];
    stale.scopes = pairs(&[("s", "x")]);
    stale.journal = pairs(&[("j", "x")]);
    stale.tokens = vec!["tok".into()];
    stale.park_until = Some(50);
    stale.forget = vec![String::new()];
    assert_eq!(
        commit_one(&backend, stale.clone()).await,
        Committed::LeaseLost
    );
    let loaded = load(&backend, "e").await;
    assert_eq!(loaded.last_event_id, 1);
    assert!(loaded.scopes.is_empty() && loaded.journal.is_empty());
    assert_eq!(backend.history("e".into()).await.unwrap().len(), 1);
    assert_eq!(
        backend.answer("tok".into(), "{}".into(), 10).await.unwrap(),
        Answered::Unknown
    );
    // Not parked: the lease of `w` (until 5000) still holds.
    assert!(claim(&backend, "w2", 100, 10).await.is_empty());
    assert_eq!(backend.next_wake(MACHINE.into()).await.unwrap(), None);

    stale.execution = "nope".into();
    assert_eq!(commit_one(&backend, stale).await, Committed::LeaseLost);

    let mut done = commit("e", 1);
    done.end = Some(end("FAILED", false));
    assert_eq!(commit_one(&backend, done).await, ok());
    let mut after = commit("e", 1);
    after.events = vec![event(2, "PassStateEntered")];
    assert_eq!(commit_one(&backend, after).await, Committed::LeaseLost);
    assert_eq!(backend.history("e".into()).await.unwrap().len(), 1);
}

/// One batch: each commit all or nothing, results in the batch's order.
pub(crate) async fn batch_mixes_lost_and_written(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    for name in ["a", "b", "z"] {
        create(&backend, new_execution(name, MACHINE, 1, Some(("w", 5000)))).await;
    }
    let mut z = commit("z", 1);
    z.events = vec![event(2, "PassStateEntered")];
    z.scopes = pairs(&[("s", "z")]);
    let mut b_lost = commit("b", 7);
    b_lost.events = vec![event(2, "PassStateEntered")];
    b_lost.scopes = pairs(&[("s", "b")]);
    let mut a = commit("a", 1);
    a.events = vec![event(2, "PassStateEntered"), event(3, "PassStateExited")];
    a.journal = pairs(&[("j", "a")]);
    let mut a_next = commit("a", 1);
    a_next.events = vec![event(4, "SucceedStateEntered")];
    a_next.forget = vec!["j".into()];
    let results = backend.commit(vec![z, b_lost, a, a_next]).await.unwrap();
    assert_eq!(results, [ok(), Committed::LeaseLost, ok(), ok()]);

    assert_eq!(backend.history("z".into()).await.unwrap().len(), 2);
    assert_eq!(backend.history("b".into()).await.unwrap().len(), 1);
    assert!(load(&backend, "b").await.scopes.is_empty());
    let a = load(&backend, "a").await;
    assert_eq!(a.last_event_id, 4);
    // a_next's forget came after a's journal entry.
    assert!(a.journal.is_empty());
    let ids: Vec<i64> = backend
        .history("a".into())
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, [1, 2, 3, 4]);
    assert!(backend.commit(Vec::new()).await.unwrap().is_empty());
}

/// A batch of creates: new names created, an existing name and a name
/// repeated in the batch found (not written twice), results in order; and
/// creates and commits written in one `write_batch`.
pub(crate) async fn create_batch_in_order(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("old", MACHINE, 1, None)).await;
    let old = describe(&backend, "old").await;
    let mut repeat = new_execution("n1", MACHINE, 9, None);
    repeat.input = "[2]".into();
    let results = backend
        .create_batch(vec![
            new_execution("n2", MACHINE, 5, Some(("w", 5000))),
            new_execution("old", MACHINE, 6, None),
            new_execution("n1", MACHINE, 7, None),
            repeat,
        ])
        .await
        .unwrap();
    assert_eq!(results.len(), 4);
    assert!(matches!(results[0], Created::New { fence: 1 }));
    match &results[1] {
        Created::Exists(existing) => assert_eq!(**existing, old),
        Created::New { .. } => panic!("`old` created twice"),
    }
    assert!(matches!(results[2], Created::New { fence: 1 }));
    match &results[3] {
        Created::Exists(existing) => {
            assert_eq!(existing.name, "n1");
            assert_eq!(
                existing.input,
                json!({ "name": "n1" }),
                "the first item's input"
            );
            assert_eq!(existing.start_date, from_millis(7));
        }
        Created::New { .. } => panic!("`n1` created twice"),
    }
    for (name, start) in [("n1", 7), ("n2", 5), ("old", 1)] {
        assert_eq!(
            backend.history(name.into()).await.unwrap(),
            vec![started(start)],
            "{name}"
        );
    }
    // n2 was created claimed by `w`; n1 and old are unowned.
    let mut claimed = names(&claim(&backend, "w2", 100, 10).await)
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    claimed.sort();
    assert_eq!(claimed, ["n1", "old"]);

    // write_batch: a create and a commit (of n2, owned by `w`) together.
    let mut step = commit("n2", 1);
    step.events = vec![event(2, "PassStateEntered")];
    let (created, committed) = backend
        .write_batch(vec![new_execution("n3", MACHINE, 8, None)], vec![step])
        .await
        .unwrap();
    assert!(matches!(created.as_slice(), [Created::New { fence: 1 }]));
    assert_eq!(committed, [ok()]);
    assert_eq!(backend.history("n2".into()).await.unwrap().len(), 2);
    assert_eq!(
        backend.history("n3".into()).await.unwrap(),
        vec![started(8)]
    );
    assert!(backend.create_batch(Vec::new()).await.unwrap().is_empty());
}

/// Parked executions are claimed when due, earliest first.
pub(crate) async fn park_claim_and_wake_order(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    for (name, start) in [("m1", 1), ("m2", 2), ("m3", 3)] {
        create(&backend, new_execution(name, MACHINE, start, None)).await;
    }
    create(&backend, new_execution("other", "machine2", 0, None)).await;
    assert_eq!(backend.next_wake(MACHINE.into()).await.unwrap(), None);
    let claims = claim(&backend, "w", 100, 2).await;
    let mut claimed = names(&claims);
    claimed.sort_unstable();
    assert_eq!(claimed, ["m1", "m2"], "by start date");
    let mut claims = claims;
    claims.extend(claim(&backend, "w", 100, 10).await);
    assert_eq!(claims.len(), 3);
    assert!(claims.iter().all(|c| c.fence == 2), "{claims:?}");
    for c in &claims {
        let mut park = commit(&c.name, c.fence);
        park.park_until = Some(match c.name.as_str() {
            "m1" => 500,
            "m2" => 300,
            _ => 400,
        });
        assert_eq!(commit_one(&backend, park).await, ok());
    }
    assert_eq!(backend.next_wake(MACHINE.into()).await.unwrap(), Some(300));
    assert!(claim(&backend, "w", 200, 10).await.is_empty());
    assert_eq!(names(&claim(&backend, "w", 350, 10).await), ["m2"]);
    assert_eq!(backend.next_wake(MACHINE.into()).await.unwrap(), Some(400));
    assert_eq!(names(&claim(&backend, "w", 1000, 1).await), ["m3"]);
    let last = claim(&backend, "w", 1000, 1).await;
    assert_eq!(
        last,
        [Claim {
            name: "m1".into(),
            fence: 3
        }]
    );
    assert!(claim(&backend, "w", 1000, 1).await.is_empty());
    assert!(claim(&backend, "w", 1000, 0).await.is_empty());
    // The other machine's execution was never taken.
    let other = backend
        .claim("w".into(), "machine2".into(), 1000, 1000, 10)
        .await
        .unwrap();
    assert_eq!(names(&other), ["other"]);
}

/// A live lease keeps claims away; renew, release and lost leases.
pub(crate) async fn claim_skips_live_leases(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e", MACHINE, 1, Some(("w1", 1000)))).await;
    assert!(claim(&backend, "w2", 500, 10).await.is_empty());
    assert!(
        claim(&backend, "w2", 1000, 10).await.is_empty(),
        "lease until 1000 holds at 1000"
    );
    let w1 = Claim {
        name: "e".into(),
        fence: 1,
    };
    assert!(
        backend
            .renew("w1".into(), vec![w1.clone()], 2000)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(claim(&backend, "w2", 1500, 10).await.is_empty(), "renewed");
    let taken = claim(&backend, "w2", 2001, 10).await;
    assert_eq!(
        taken,
        [Claim {
            name: "e".into(),
            fence: 2
        }]
    );
    // The old worker cannot renew nor commit any more.
    assert_eq!(
        backend
            .renew("w1".into(), vec![w1.clone()], 9000)
            .await
            .unwrap(),
        ["e"]
    );
    assert_eq!(
        commit_one(&backend, commit("e", 1)).await,
        Committed::LeaseLost
    );
    // Its lease (now + 1000 = 3001) holds against others...
    assert!(claim(&backend, "w3", 2500, 10).await.is_empty());
    // ...and renew reports only the lost ones.
    let w2 = taken[0].clone();
    let gone = Claim {
        name: "gone".into(),
        fence: 1,
    };
    assert_eq!(
        backend
            .renew("w2".into(), vec![w2.clone(), gone], 5000)
            .await
            .unwrap(),
        ["gone"]
    );
    // A stale release does nothing; the holder's release frees it at once.
    backend.release(w1).await.unwrap();
    assert!(claim(&backend, "w3", 2500, 10).await.is_empty());
    backend.release(w2).await.unwrap();
    let again = claim(&backend, "w3", 2500, 10).await;
    assert_eq!(
        again,
        [Claim {
            name: "e".into(),
            fence: 3
        }]
    );
}

/// `release_leases` frees the machine's executions that other workers
/// hold, and nothing else.
pub(crate) async fn release_leases_of_other_workers(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(
        &backend,
        new_execution("mine", MACHINE, 1, Some(("me", 10_000))),
    )
    .await;
    create(
        &backend,
        new_execution("theirs", MACHINE, 2, Some(("dead", 10_000))),
    )
    .await;
    create(
        &backend,
        new_execution("elsewhere", "machine2", 3, Some(("dead", 10_000))),
    )
    .await;
    create(
        &backend,
        new_execution("ended", MACHINE, 4, Some(("dead", 10_000))),
    )
    .await;
    let mut done = commit("ended", 1);
    done.end = Some(end("FAILED", false));
    assert_eq!(commit_one(&backend, done).await, ok());
    let released = backend
        .release_leases(MACHINE.into(), "me".into())
        .await
        .unwrap();
    assert_eq!(released, 1);
    assert_eq!(names(&claim(&backend, "me", 100, 10).await), ["theirs"]);
    let elsewhere = backend
        .claim("me".into(), "machine2".into(), 100, 1000, 10)
        .await
        .unwrap();
    assert!(elsewhere.is_empty(), "another machine's lease holds");
    assert_eq!(
        backend
            .release_leases(MACHINE.into(), "me".into())
            .await
            .unwrap(),
        0
    );
}

/// Stopping an execution that no live lease holds aborts it at once.
pub(crate) async fn stop_parked_aborts(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e", MACHINE, 1, Some(("w", 5000)))).await;
    let mut park = commit("e", 1);
    park.events = vec![event(2, "WaitStateEntered")];
    park.tokens = vec!["tok".into()];
    park.park_until = Some(10_000);
    assert_eq!(commit_one(&backend, park).await, ok());

    let aborted = event(99, "ExecutionAborted");
    let stopped = backend
        .stop(
            "e".into(),
            "Stopped".into(),
            Some("by hand".into()),
            700,
            aborted.clone(),
        )
        .await
        .unwrap();
    assert_eq!(stopped, Stopped::Aborted);
    let described = describe(&backend, "e").await;
    assert_eq!(described.status, ExecutionStatus::Aborted);
    assert_eq!(described.error.as_deref(), Some("Stopped"));
    assert_eq!(described.cause.as_deref(), Some("by hand"));
    assert_eq!(described.stop_date, Some(from_millis(700)));
    let history = backend.history("e".into()).await.unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(
        history[2],
        StoredEvent {
            id: 3,
            ..aborted.clone()
        }
    );
    assert_eq!(load(&backend, "e").await.last_event_id, 3);
    assert_eq!(
        backend
            .answer("tok".into(), "{}".into(), 800)
            .await
            .unwrap(),
        Answered::Unknown
    );
    assert_eq!(
        commit_one(&backend, commit("e", 1)).await,
        Committed::LeaseLost
    );
    assert!(claim(&backend, "w", 20_000, 10).await.is_empty());
    for name in ["e", "nope"] {
        let again = backend
            .stop(name.into(), "Stopped".into(), None, 800, aborted.clone())
            .await
            .unwrap();
        assert_eq!(again, Stopped::NotRunning, "{name}");
    }

    // An expired lease does not protect it either; no cause is fine.
    create(&backend, new_execution("x", MACHINE, 2, Some(("w", 100)))).await;
    let stopped = backend
        .stop("x".into(), "Stopped".into(), None, 200, aborted)
        .await
        .unwrap();
    assert_eq!(stopped, Stopped::Aborted);
    let described = describe(&backend, "x").await;
    assert_eq!(described.status, ExecutionStatus::Aborted);
    assert_eq!(described.cause, None);
}

/// Stopping a leased execution asks its worker, whose next commit learns it.
pub(crate) async fn stop_leased_is_requested(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(
        &backend,
        new_execution("e", MACHINE, 1, Some(("w", 10_000))),
    )
    .await;
    let stopped = backend
        .stop(
            "e".into(),
            "Stopped".into(),
            Some("by hand".into()),
            5000,
            event(0, "ExecutionAborted"),
        )
        .await
        .unwrap();
    assert_eq!(stopped, Stopped::Requested);
    let loaded = load(&backend, "e").await;
    assert_eq!(loaded.description.status, ExecutionStatus::Running);
    assert_eq!(loaded.last_event_id, 1);
    let request = Some(("Stopped".to_owned(), Some("by hand".to_owned())));
    assert_eq!(loaded.stop, request);
    assert!(
        claim(&backend, "w2", 6000, 10).await.is_empty(),
        "still leased"
    );

    let mut next = commit("e", 1);
    next.events = vec![event(2, "PassStateEntered")];
    assert_eq!(
        commit_one(&backend, next).await,
        Committed::Ok {
            stop: request.clone()
        }
    );
    let mut done = commit("e", 1);
    done.events = vec![event(3, "ExecutionAborted")];
    done.end = Some(EndRecord {
        status: "ABORTED",
        output: None,
        error: Some("Stopped".into()),
        cause: Some("by hand".into()),
        stop_date: 5100,
        forget_progress: false,
    });
    assert_eq!(
        commit_one(&backend, done).await,
        Committed::Ok { stop: request }
    );
    let loaded = load(&backend, "e").await;
    assert_eq!(loaded.description.status, ExecutionStatus::Aborted);
    assert_eq!(loaded.stop, None, "carried out");
    assert_eq!(loaded.description.stop_date, Some(from_millis(5100)));
}

/// Task tokens: answers, repeated answers, unknown tokens.
pub(crate) async fn answers_and_tokens(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e", MACHINE, 1, Some(("w", 40)))).await;
    let mut wait = commit("e", 1);
    wait.tokens = vec!["t1".into(), "t2".into()];
    wait.park_until = Some(10_000);
    assert_eq!(commit_one(&backend, wait).await, ok());
    assert_eq!(
        backend.next_wake(MACHINE.into()).await.unwrap(),
        Some(10_000)
    );

    let answer =
        |token: &str, outcome: &str, now: i64| backend.answer(token.into(), outcome.into(), now);
    assert_eq!(
        answer("t1", r#"{"ok":1}"#, 50).await.unwrap(),
        Answered::Delivered
    );
    assert_eq!(
        backend.next_wake(MACHINE.into()).await.unwrap(),
        Some(50),
        "woken"
    );
    assert_eq!(
        answer("t1", r#"{"ok":2}"#, 51).await.unwrap(),
        Answered::Repeated
    );
    assert_eq!(answer("t3", "{}", 52).await.unwrap(), Answered::Unknown);
    let expected = pairs(&[("t1", r#"{"ok":1}"#)]);
    assert_eq!(backend.answers("e".into()).await.unwrap(), expected);
    assert!(backend.answers("nope".into()).await.unwrap().is_empty());
    let claimed = claim(&backend, "w", 60, 10).await;
    assert_eq!(names(&claimed), ["e"]);
    let loaded = load(&backend, "e").await;
    assert_eq!(loaded.answers, expected);

    assert_eq!(answer("t2", "[2]", 70).await.unwrap(), Answered::Delivered);
    assert_eq!(
        backend.answers("e".into()).await.unwrap(),
        pairs(&[("t1", r#"{"ok":1}"#), ("t2", "[2]")])
    );
    // The end deletes the tokens and their answers.
    let mut done = commit("e", claimed[0].fence);
    done.end = Some(end("SUCCEEDED", true));
    assert_eq!(commit_one(&backend, done).await, ok());
    assert!(backend.answers("e".into()).await.unwrap().is_empty());
    assert_eq!(answer("t2", "{}", 80).await.unwrap(), Answered::Unknown);
    assert_eq!(answer("t1", "{}", 80).await.unwrap(), Answered::Unknown);
}

/// An answer that arrives while a worker runs the execution, before it
/// parks, still wakes it: parking keeps the earlier wake-up.
pub(crate) async fn answer_while_running_is_not_lost(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e", MACHINE, 1, Some(("w", 1000)))).await;
    let mut wait = commit("e", 1);
    wait.tokens = vec!["t".into()];
    assert_eq!(commit_one(&backend, wait).await, ok());
    assert_eq!(
        backend.answer("t".into(), "1".into(), 200).await.unwrap(),
        Answered::Delivered
    );
    assert!(claim(&backend, "w2", 300, 10).await.is_empty(), "leased");
    let mut park = commit("e", 1);
    park.park_until = Some(50_000);
    assert_eq!(commit_one(&backend, park).await, ok());
    assert_eq!(backend.next_wake(MACHINE.into()).await.unwrap(), Some(200));
    let claimed = claim(&backend, "w2", 300, 10).await;
    assert_eq!(names(&claimed), ["e"]);
    // Claimed: the wake-up is spent; the next park is the one asked for.
    let mut park = commit("e", claimed[0].fence);
    park.park_until = Some(50_000);
    assert_eq!(commit_one(&backend, park).await, ok());
    assert_eq!(
        backend.next_wake(MACHINE.into()).await.unwrap(),
        Some(50_000)
    );
}

/// A heartbeat writes its time on the token's row (never back in time),
/// and wakes no parked execution; the token's row gives its answer and
/// last heartbeat, to its own execution only.
pub(crate) async fn heartbeats_are_recorded_and_wake_nothing(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e", MACHINE, 1, Some(("w", 40)))).await;
    create(&backend, new_execution("f", MACHINE, 1, None)).await;
    let mut wait = commit("e", 1);
    wait.tokens = vec!["t1".into(), "t2".into()];
    wait.park_until = Some(10_000);
    assert_eq!(commit_one(&backend, wait).await, ok());
    let token = |name: &str, token: &str| backend.token(name.into(), token.into());
    assert_eq!(
        token("e", "t1").await.unwrap(),
        Some(TokenState::default()),
        "no heartbeat yet"
    );
    let beat = |token: &str, now: i64| backend.heartbeat(token.into(), now);
    assert_eq!(beat("t1", 500).await.unwrap(), Answered::Delivered);
    assert_eq!(
        backend.next_wake(MACHINE.into()).await.unwrap(),
        Some(10_000),
        "a heartbeat does not wake the parked execution"
    );
    assert_eq!(
        names(&claim(&backend, "w2", 600, 10).await),
        ["f"],
        "e is not due (f, never claimed, is)"
    );
    assert_eq!(beat("t1", 700).await.unwrap(), Answered::Delivered);
    // A heartbeat stamped earlier (another process's clock) keeps the later.
    assert_eq!(beat("t1", 650).await.unwrap(), Answered::Delivered);
    let state = token("e", "t1").await.unwrap().unwrap();
    assert_eq!(
        state,
        TokenState {
            outcome: None,
            heartbeat_at: Some(700)
        }
    );
    assert_eq!(
        token("e", "t2").await.unwrap().unwrap().heartbeat_at,
        None,
        "only the token's own row"
    );
    assert_eq!(token("f", "t1").await.unwrap(), None, "another execution's");
    assert_eq!(token("e", "t9").await.unwrap(), None);
    // The answer is on the same row, with the heartbeat kept.
    assert_eq!(
        backend
            .answer("t1".into(), r#"{"ok":1}"#.into(), 800)
            .await
            .unwrap(),
        Answered::Delivered
    );
    assert_eq!(
        token("e", "t1").await.unwrap().unwrap(),
        TokenState {
            outcome: Some(r#"{"ok":1}"#.into()),
            heartbeat_at: Some(700)
        }
    );
}

/// A heartbeat for a token that was never issued, was answered, or whose
/// execution ended is refused and writes nothing.
pub(crate) async fn heartbeat_of_unknown_answered_or_ended_tokens(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e", MACHINE, 1, Some(("w", 40)))).await;
    let mut wait = commit("e", 1);
    wait.tokens = vec!["t1".into(), "t2".into()];
    assert_eq!(commit_one(&backend, wait).await, ok());
    let beat = |token: &str, now: i64| backend.heartbeat(token.into(), now);
    assert_eq!(beat("nope", 10).await.unwrap(), Answered::Unknown);
    assert_eq!(
        backend.answer("t1".into(), "1".into(), 20).await.unwrap(),
        Answered::Delivered
    );
    assert_eq!(beat("t1", 30).await.unwrap(), Answered::Repeated);
    assert_eq!(
        token(&backend, "e", "t1").await,
        Some(TokenState {
            outcome: Some("1".into()),
            heartbeat_at: None
        }),
        "a refused heartbeat writes nothing"
    );
    assert_eq!(beat("t2", 40).await.unwrap(), Answered::Delivered);
    let mut done = commit("e", 1);
    done.end = Some(end("FAILED", false));
    assert_eq!(commit_one(&backend, done).await, ok());
    assert_eq!(beat("t2", 50).await.unwrap(), Answered::Unknown);
    assert_eq!(token(&backend, "e", "t2").await, None);
}

/// Pages of `list`, newest first, filtered.
pub(crate) async fn list_pages_filters_newest_first(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    // (name, machine, start): two pairs of executions start together.
    let all = [
        ("a", "m1", 10),
        ("b", "m2", 20),
        ("c", "m1", 20),
        ("d", "m1", 30),
        ("e%", "m2", 40),
        ("f_", "m1", 40),
        ("g", "m1", 50),
    ];
    for (name, machine, start) in all {
        create(
            &backend,
            new_execution(name, machine, start, Some(("w", 100))),
        )
        .await;
    }
    for name in ["c", "g"] {
        let mut done = commit(name, 1);
        done.end = Some(end("SUCCEEDED", true));
        assert_eq!(commit_one(&backend, done).await, ok());
    }
    let newest_first = ["g", "f_", "e%", "d", "c", "b", "a"];

    let list = |query: ListQuery| backend.list(query);
    let mut seen = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = list(ListQuery {
            max_results: 3,
            next_token: token.take(),
            ..ListQuery::default()
        })
        .await
        .unwrap();
        pages += 1;
        assert!(page.executions.len() <= 3);
        seen.extend(page.executions.iter().map(|e| e.name.clone()));
        match page.next_token {
            Some(next) => token = Some(next),
            None => break,
        }
        assert!(pages < 10, "no end");
    }
    assert_eq!(seen, newest_first);
    assert_eq!(pages, 3);

    // Exactly one page: no token.
    let page = list(ListQuery {
        max_results: 7,
        ..ListQuery::default()
    })
    .await
    .unwrap();
    assert_eq!(page.executions.len(), 7);
    assert_eq!(page.next_token, None);

    let by_machine = list(ListQuery {
        state_machine: Some("m1".into()),
        ..ListQuery::default()
    })
    .await
    .unwrap();
    let got: Vec<&str> = by_machine
        .executions
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(got, ["g", "f_", "d", "c", "a"]);

    let running_m1 = list(ListQuery {
        state_machine: Some("m1".into()),
        status: Some(ExecutionStatus::Running),
        max_results: 2,
        next_token: None,
    })
    .await
    .unwrap();
    let got: Vec<&str> = running_m1
        .executions
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(got, ["f_", "d"]);
    let rest = list(ListQuery {
        state_machine: Some("m1".into()),
        status: Some(ExecutionStatus::Running),
        max_results: 2,
        next_token: running_m1.next_token,
    })
    .await
    .unwrap();
    let got: Vec<&str> = rest.executions.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(got, ["a"]);
    assert_eq!(rest.next_token, None);

    let succeeded = list(ListQuery {
        status: Some(ExecutionStatus::Succeeded),
        ..ListQuery::default()
    })
    .await
    .unwrap();
    let got: Vec<&str> = succeeded
        .executions
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(got, ["g", "c"]);
    assert_eq!(
        succeeded.executions[0].output,
        Some(json!({ "done": true }))
    );

    let none = list(ListQuery {
        state_machine: Some("m3".into()),
        ..ListQuery::default()
    })
    .await
    .unwrap();
    assert!(none.executions.is_empty() && none.next_token.is_none());

    for bad in ["garbage", "x:a", ""] {
        let error = list(ListQuery {
            next_token: Some(bad.into()),
            ..ListQuery::default()
        })
        .await
        .err()
        .unwrap_or_else(|| panic!("`{bad}` accepted"));
        assert!(matches!(error, StoreError::Corrupt(_)), "{error}");
        assert!(error.to_string().contains("next_token"), "{error}");
    }
}

/// `max_results` 0 is a page of 100.
pub(crate) async fn list_default_page_is_100(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    for i in 0..101 {
        create(
            &backend,
            new_execution(&format!("e{i:03}"), MACHINE, i, None),
        )
        .await;
    }
    let page = backend.list(ListQuery::default()).await.unwrap();
    assert_eq!(page.executions.len(), 100);
    assert_eq!(page.executions[0].name, "e100");
    let rest = backend
        .list(ListQuery {
            next_token: page.next_token,
            ..ListQuery::default()
        })
        .await
        .unwrap();
    let got: Vec<&str> = rest.executions.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(got, ["e000"]);
    assert_eq!(rest.next_token, None);
}

/// History comes back by id, whatever the order of the commits' batches.
pub(crate) async fn history_in_order(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e", MACHINE, 1, Some(("w", 5000)))).await;
    create(&backend, new_execution("f", MACHINE, 1, Some(("w", 5000)))).await;
    let mut expected = vec![started(1)];
    let mut next = 2;
    for batch in 0..5 {
        let mut commits = Vec::new();
        for _ in 0..=batch {
            let events: Vec<StoredEvent> = (next..next + 3)
                .map(|id| event(id, &format!("Type{id}")))
                .collect();
            next += 3;
            expected.extend(events.clone());
            let mut c = commit("e", 1);
            c.events = events;
            commits.push(c);
            let mut other = commit("f", 1);
            other.events = vec![event(next + 100, "Other")];
            commits.push(other);
        }
        let results = backend.commit(commits).await.unwrap();
        assert!(results.iter().all(|r| *r == ok()), "{results:?}");
    }
    assert_eq!(backend.history("e".into()).await.unwrap(), expected);
    assert_eq!(load(&backend, "e").await.last_event_id, next - 1);
    assert!(backend.history("nope".into()).await.unwrap().is_empty());
}

/// The last commit: status and outcome, forgetting progress or not.
pub(crate) async fn end_forgets_progress(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    for name in ["ok", "failed"] {
        create(&backend, new_execution(name, MACHINE, 1, Some(("w", 5000)))).await;
        let mut progress = commit(name, 1);
        progress.scopes = pairs(&[("s", "1")]);
        progress.journal = pairs(&[("j", "1")]);
        progress.tokens = vec![format!("tok-{name}")];
        assert_eq!(commit_one(&backend, progress).await, ok());
    }
    let mut succeeded = commit("ok", 1);
    succeeded.events = vec![event(2, "ExecutionSucceeded")];
    succeeded.end = Some(end("SUCCEEDED", true));
    let mut failed = commit("failed", 1);
    failed.events = vec![event(2, "ExecutionFailed")];
    failed.end = Some(end("FAILED", false));
    assert_eq!(
        backend.commit(vec![succeeded, failed]).await.unwrap(),
        [ok(), ok()]
    );

    let done = load(&backend, "ok").await;
    assert_eq!(done.description.status, ExecutionStatus::Succeeded);
    assert_eq!(done.description.output, Some(json!({ "done": true })));
    assert_eq!(done.description.stop_date, Some(from_millis(9000)));
    assert!(done.scopes.is_empty() && done.journal.is_empty());
    assert_eq!(done.last_event_id, 2);

    let failed = load(&backend, "failed").await;
    assert_eq!(failed.description.status, ExecutionStatus::Failed);
    assert_eq!(
        failed.description.error.as_deref(),
        Some("States.TaskFailed")
    );
    assert_eq!(failed.description.cause.as_deref(), Some("it broke"));
    assert_eq!(failed.description.output, None);
    assert_eq!(failed.scopes, pairs(&[("s", "1")]));
    assert_eq!(failed.journal, pairs(&[("j", "1")]));
    for token in ["tok-ok", "tok-failed"] {
        let answered = backend.answer(token.into(), "1".into(), 10).await.unwrap();
        assert_eq!(answered, Answered::Unknown, "{token}");
    }
    // Ended: never claimed, never woken.
    assert!(claim(&backend, "w", 1_000_000, 10).await.is_empty());
    assert_eq!(backend.next_wake(MACHINE.into()).await.unwrap(), None);
}

/// Redrive: a failed execution runs again, its history goes on.
pub(crate) async fn redrive_resets_and_appends(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e", MACHINE, 1, Some(("w", 5000)))).await;
    let mut failing = commit("e", 1);
    failing.events = vec![event(2, "TaskStateEntered"), event(3, "ExecutionFailed")];
    failing.scopes = pairs(&[("root", "old"), ("root/1", "kept")]);
    failing.journal = pairs(&[
        ("root/task%1", "failed"),
        ("root/task_2", "ok"),
        ("other", "x"),
    ]);
    failing.end = Some(end("FAILED", false));
    assert_eq!(commit_one(&backend, failing).await, ok());

    let redriven = backend
        .redrive(
            "e".into(),
            7000,
            vec![event(0, "ExecutionRedriven"), event(0, "TaskStateEntered")],
            pairs(&[("root", "new")]),
            vec!["root/task%".into()],
        )
        .await
        .unwrap();
    assert!(redriven);
    let loaded = load(&backend, "e").await;
    let d = &loaded.description;
    assert_eq!(d.status, ExecutionStatus::Running);
    assert_eq!(d.redrive_count, 1);
    assert_eq!(d.redrive_date, Some(from_millis(7000)));
    assert_eq!(
        (d.stop_date, &d.error, &d.cause, &d.output),
        (None, &None, &None, &None)
    );
    assert_eq!(loaded.last_event_id, 5);
    assert_eq!(loaded.scopes, pairs(&[("root", "new"), ("root/1", "kept")]));
    assert_eq!(
        loaded.journal,
        pairs(&[("other", "x"), ("root/task_2", "ok")])
    );
    let history = backend.history("e".into()).await.unwrap();
    let ids: Vec<(i64, &str)> = history
        .iter()
        .map(|e| (e.id, e.event_type.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            (1, "ExecutionStarted"),
            (2, "TaskStateEntered"),
            (3, "ExecutionFailed"),
            (4, "ExecutionRedriven"),
            (5, "TaskStateEntered")
        ]
    );
    // Due now, unowned, under a new fence: the old worker is shut out.
    assert_eq!(
        commit_one(&backend, commit("e", 1)).await,
        Committed::LeaseLost
    );
    let claimed = claim(&backend, "w2", 7001, 10).await;
    assert_eq!(
        claimed,
        [Claim {
            name: "e".into(),
            fence: 3
        }]
    );

    // Only FAILED, TIMED_OUT and ABORTED executions are redriven.
    let again = |name: &str| {
        backend.redrive(
            name.into(),
            8000,
            vec![event(0, "ExecutionRedriven")],
            vec![],
            vec![],
        )
    };
    assert!(!again("e").await.unwrap(), "running");
    assert!(!again("nope").await.unwrap());
    for (name, status) in [("s", "SUCCEEDED"), ("t", "TIMED_OUT"), ("a", "ABORTED")] {
        create(&backend, new_execution(name, MACHINE, 2, Some(("w", 5000)))).await;
        let mut done = commit(name, 1);
        done.end = Some(end(status, false));
        assert_eq!(commit_one(&backend, done).await, ok());
        assert_eq!(
            again(name).await.unwrap(),
            status != "SUCCEEDED",
            "{status}"
        );
    }
    assert_eq!(describe(&backend, "s").await.redrive_count, 0);
    assert_eq!(describe(&backend, "t").await.redrive_count, 1);
    assert_eq!(backend.history("t".into()).await.unwrap()[1].id, 2);
}

/// A database with other tables is not a store.
pub(crate) async fn schema_foreign_database(harness: &dyn Harness) {
    raw(
        harness,
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)",
    )
    .await;
    let error = open_error(harness, "opened a foreign database").await;
    assert!(matches!(error, StoreError::NotAStore(_)), "{error}");
}

/// An `sfn_meta` table of another application is not a store either.
pub(crate) async fn schema_other_application(harness: &dyn Harness) {
    raw(
        harness,
        "CREATE TABLE sfn_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); \
             INSERT INTO sfn_meta VALUES ('application', 'other'), ('schema_version', '1')",
    )
    .await;
    let error = open_error(harness, "opened another application's db").await;
    assert!(matches!(error, StoreError::NotAStore(_)), "{error}");
}

/// A store of a newer schema is refused.
pub(crate) async fn schema_newer_version(harness: &dyn Harness) {
    drop(harness.open().await.unwrap());
    raw(
        harness,
        "UPDATE sfn_meta SET value = '99' WHERE key = 'schema_version'",
    )
    .await;
    match open_error(harness, "opened a newer store").await {
        StoreError::NewerSchema { found, known } => {
            assert_eq!((found, known), (99, super::schema::SCHEMA_VERSION));
        }
        other => panic!("{other}"),
    }
    raw(
        harness,
        "UPDATE sfn_meta SET value = 'one' WHERE key = 'schema_version'",
    )
    .await;
    let error = open_error(harness, "opened a damaged store").await;
    assert!(matches!(error, StoreError::Corrupt(_)), "{error}");
}

/// A store opened again has its executions.
pub(crate) async fn schema_reopen_keeps_data(harness: &dyn Harness) {
    let first = harness.open().await.unwrap();
    create(&first, new_execution("e", MACHINE, 1, None)).await;
    drop(first);
    let second = harness.open().await.unwrap();
    let described = describe(&second, "e").await;
    assert_eq!(described.input, json!({ "name": "e" }));
    // Opening twice at once works too.
    let third = harness.open().await.unwrap();
    assert!(third.describe("e".into()).await.unwrap().is_some());
    raw(harness, "INSERT INTO sfn_meta VALUES ('note', 'kept')").await;
    assert!(harness.open().await.is_ok());
}

/// A store of schema version 1 (made here with version 1's own DDL, as
/// sfn 1 made it) is upgraded when it is opened: its executions and
/// tokens are kept, and its tokens take heartbeats.
pub(crate) async fn schema_version_1_upgrades_on_open(harness: &dyn Harness) {
    let mut sql: Vec<String> = super::schema::version_1_ddl(harness.dialect())
        .iter()
        .map(|statement| (*statement).to_owned())
        .collect();
    sql.push(
        "INSERT INTO sfn_meta (key, value) VALUES ('application', 'sfn'), \
         ('schema_version', '1')"
            .into(),
    );
    sql.push(
        "INSERT INTO executions (name, arn, machine, status, input, start_date, \
         last_event_id, wake_at, fence) VALUES ('old', 'arn:old', 'machine', 'RUNNING', \
         '{}', 5, 1, 9000, 1)"
            .into(),
    );
    sql.push(
        "INSERT INTO events (execution, id, timestamp, type, details) \
         VALUES ('old', 1, 5, 'ExecutionStarted', 'null')"
            .into(),
    );
    sql.push("INSERT INTO tokens (token, execution) VALUES ('old-token', 'old')".into());
    raw(harness, &sql.join(";\n")).await;
    let backend = harness.open().await.unwrap();
    let described = describe(&backend, "old").await;
    assert_eq!(described.status, ExecutionStatus::Running);
    assert_eq!(
        token(&backend, "old", "old-token").await,
        Some(TokenState::default())
    );
    assert_eq!(
        backend.heartbeat("old-token".into(), 7000).await.unwrap(),
        Answered::Delivered
    );
    assert_eq!(
        token(&backend, "old", "old-token")
            .await
            .unwrap()
            .heartbeat_at,
        Some(7000)
    );
    assert_eq!(backend.history("old".into()).await.unwrap().len(), 1);
    // Opened again: already at the new version, nothing runs twice.
    drop(backend);
    let again = harness.open().await.unwrap();
    assert_eq!(
        token(&again, "old", "old-token")
            .await
            .unwrap()
            .heartbeat_at,
        Some(7000)
    );
}

/// Damaged rows are errors, never panics.
pub(crate) async fn corrupt_rows_are_errors(harness: &dyn Harness) {
    let backend = harness.open().await.unwrap();
    create(&backend, new_execution("e", MACHINE, 1, None)).await;
    let expect_corrupt = |result: Result<_, StoreError>, what: &str| match result {
        Err(StoreError::Corrupt(message)) => message,
        Err(other) => panic!("{what}: {other}"),
        Ok(_) => panic!("{what}: no error"),
    };

    raw(
        harness,
        "UPDATE executions SET status = 'WEIRD' WHERE name = 'e'",
    )
    .await;
    let message = expect_corrupt(backend.describe("e".into()).await.map(drop), "status");
    assert!(message.contains("WEIRD"), "{message}");
    expect_corrupt(backend.list(ListQuery::default()).await.map(drop), "list");
    expect_corrupt(backend.load("e".into()).await.map(drop), "load");

    raw(
        harness,
        "UPDATE executions SET status = 'RUNNING', input = '{bad' WHERE name = 'e'",
    )
    .await;
    let message = expect_corrupt(backend.describe("e".into()).await.map(drop), "input");
    assert!(message.contains("input"), "{message}");

    raw(
        harness,
        "UPDATE executions SET status = 'SUCCEEDED', input = '{}', output = 'nope' \
             WHERE name = 'e'",
    )
    .await;
    let message = expect_corrupt(backend.describe("e".into()).await.map(drop), "output");
    assert!(message.contains("output"), "{message}");

    raw(
        harness,
        "UPDATE executions SET output = NULL, redrive_count = -1 WHERE name = 'e'",
    )
    .await;
    expect_corrupt(
        backend.describe("e".into()).await.map(drop),
        "redrive_count",
    );
}

/// Two backends on one database claim at the same time: no execution is
/// claimed twice, and every one is claimed.
pub(crate) async fn concurrent_claims(a: Arc<dyn Backend>, b: Arc<dyn Backend>) {
    const EXECUTIONS: usize = 200;
    for i in 0..EXECUTIONS {
        let start = i64::try_from(i).unwrap();
        create(&a, new_execution(&format!("e{i:03}"), MACHINE, start, None)).await;
    }
    let worker = |backend: Arc<dyn Backend>, name: &'static str| {
        tokio::spawn(async move {
            let mut claimed = Vec::new();
            let mut empty = 0;
            let mut calls = 0;
            while empty < 3 {
                calls += 1;
                assert!(calls < 1000, "{name}: claims never run out");
                let got = backend
                    .claim(name.into(), MACHINE.into(), 100, 1_000_000, 7)
                    .await
                    .unwrap();
                if got.is_empty() {
                    empty += 1;
                    tokio::task::yield_now().await;
                }
                claimed.extend(got.into_iter().map(|c| c.name));
            }
            claimed
        })
    };
    let (x, y) = (worker(a.clone(), "x"), worker(b, "y"));
    let (x, y) = (x.await.unwrap(), y.await.unwrap());
    let mut all = HashSet::new();
    for name in x.iter().chain(&y) {
        assert!(all.insert(name.clone()), "{name} claimed twice");
    }
    assert_eq!(all.len(), EXECUTIONS, "x {} y {}", x.len(), y.len());
    println!("concurrent claims: {} and {}", x.len(), y.len());
}

/// Commits 10,000 one-event transitions of 100 executions: first in
/// batches of 100 straight to the backend, then through the group-commit
/// writer from 100 concurrent tasks; prints commits per second.
pub(crate) async fn throughput(engine: &str, backend: Arc<dyn Backend>) {
    const EXECUTIONS: usize = 100;
    const ROUNDS: i64 = 100;
    let names: Vec<String> = (0..EXECUTIONS).map(|i| format!("e{i:03}")).collect();
    for name in &names {
        create(
            &backend,
            new_execution(name, MACHINE, 1, Some(("w", i64::MAX))),
        )
        .await;
    }
    let transition = |name: &str, id: i64| {
        let mut c = commit(name, 1);
        c.events = vec![event(id, "PassStateExited")];
        c.scopes = pairs(&[("root", &format!(r#"{{"state":"S{id}"}}"#))]);
        c
    };

    let started = Instant::now();
    for round in 0..ROUNDS {
        let batch = names.iter().map(|n| transition(n, round + 2)).collect();
        let results = backend.commit(batch).await.unwrap();
        assert!(results.iter().all(|r| *r == ok()));
    }
    let direct = started.elapsed();

    let committer = Committer::new(Arc::clone(&backend));
    let started = Instant::now();
    let tasks: Vec<_> = names
        .iter()
        .cloned()
        .map(|name| {
            let committer = committer.clone();
            tokio::spawn(async move {
                for round in 0..ROUNDS {
                    let result = committer
                        .commit(transition(&name, ROUNDS + round + 2))
                        .await
                        .unwrap();
                    assert_eq!(result, ok());
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let grouped = started.elapsed();
    let total = f64::from(u32::try_from(EXECUTIONS).unwrap()) * ROUNDS as f64;
    println!(
        "{engine}: {total} commits in batches of {EXECUTIONS}: {:.0} commits/s; \
         through the group-commit writer from {EXECUTIONS} tasks: {:.0} commits/s",
        total / direct.as_secs_f64(),
        total / grouped.as_secs_f64()
    );
    let history = backend.history(names[0].clone()).await.unwrap();
    assert_eq!(history.len(), 1 + 2 * usize::try_from(ROUNDS).unwrap());
}
