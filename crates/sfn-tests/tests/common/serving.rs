//! A durable state machine with a worker serving it, for the tests that
//! park executions: included with `#[path = "common/serving.rs"] #[macro_use]
//! mod serving;`.

/// `(machine, worker)`: `$m::StateMachine` from `$resources` on the store
/// `$store` with the clock `$clock`, in an `Arc`, and the task of its
/// worker (`serve`), given 50 ms to register (executions park only once a
/// worker runs in the process).
macro_rules! serving {
    ($m:ident, $resources:expr, $clock:expr, $store:expr) => {{
        let machine = std::sync::Arc::new(
            $m::StateMachine::from_resources($resources)
                .with_settings(sfn_runtime::Settings {
                    clock: $clock.clone(),
                    ..sfn_runtime::Settings::default()
                })
                .with_store($store.clone()),
        );
        let worker = tokio::spawn({
            let machine = std::sync::Arc::clone(&machine);
            async move { machine.serve().await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        (machine, worker)
    }};
}
