//! Issue 11, JSONata states: a `{% … %}` expression holding a long flat
//! chain (`$states.input.a + …`, `a or b or …`, `x ~> $f ~> …`) is built
//! into an [`Expression`] (which works out which parts of `$states` it
//! reads) and evaluated on a 2 MiB stack, a tokio worker's, in an
//! unoptimised build. The walks deciding what an expression reads used to
//! recurse once per link and overflowed that stack between 2,000 and 2,500
//! terms, the first time a workflow holding such an expression ran.

use serde_json::{Value, json};
use sfn_runtime::context::{Context, ExecutionInfo};
use sfn_runtime::jsonata_flow::{Expression, States, expression};
use sfn_runtime::variables::VariableStore;

mod common;
use common::{chain, on_small_stack};

/// The expression `text`, built as generated code builds it (the text is
/// leaked: a workflow's expressions are `'static`).
fn build(text: String) -> Expression {
    let text: &'static str = Box::leak(text.into_boxed_str());
    Expression::new(
        text,
        sfn_lang::jsonata::parse(text).expect("the chain parses"),
    )
}

/// Evaluates `e` with `input` as `$states.input` (and `$`), and with
/// `$states.context.Execution.Input` as `{"n": 3}`.
fn run(e: &Expression, input: &Value) -> Value {
    let context = Context::new(&ExecutionInfo {
        id: "arn:aws:states:::execution:m:x".into(),
        name: "x".into(),
        input: json!({"n": 3}),
        role_arn: "arn:aws:iam:::role/r".into(),
        start_time: chrono::Utc::now(),
        redrive_count: 0,
        state_machine_id: "arn:aws:states:::stateMachine:m".into(),
        state_machine_name: "m".into(),
    });
    let variables = VariableStore::new();
    let states = States::new(input, &context, &variables);
    expression(e, "Output", states).unwrap_or_else(|err| panic!("{err:?}"))
}

#[test]
fn chains_of_ten_thousand_terms_build_and_evaluate_on_a_small_stack() {
    on_small_stack(|| {
        let n = 10_000;
        let input = json!({"a": 2, "t": true, "f": false, "s": "x"});
        // `$states.input` in every term.
        let e = build(chain("$states.input.a", " + ", "$states.input.a", n));
        assert_eq!(run(&e, &input), json!(2 * n));
        // `$` read only by the far left term, `$states.context` only by the
        // far right one: both must be found for the value to be right.
        let e = build(format!(
            "{} + $states.context.Execution.Input.n",
            chain("a", " + ", "1", n)
        ));
        assert_eq!(run(&e, &input), json!(2 + (n - 1) + 3));
        // `$$` (the input too) at the far left of a chain of literals.
        let e = build(chain("$$.a", " * ", "1", n));
        assert_eq!(run(&e, &input), json!(2));
        // `or` over fields of the input, the true one last.
        let e = build(format!("{} or t", chain("f", " or ", "f", n)));
        assert_eq!(run(&e, &input), json!(true));
        // Function application, the input at the far left.
        let e = build(chain("$states.input.s", " ~> ", "$uppercase", n));
        assert_eq!(run(&e, &input), json!("X"));
        // Nothing read at all.
        let e = build(chain("1", " + ", "1", n));
        assert_eq!(run(&e, &input), json!(n));
    });
}

#[test]
fn chains_of_a_hundred_thousand_terms_build_on_a_small_stack() {
    on_small_stack(|| {
        let n = 100_000;
        for text in [
            chain("$states.input.a", " + ", "$states.input.a", n),
            format!("{} + $states.result.x", chain("a", " + ", "1", n)),
            chain("$$.f", " or ", "$states.errorOutput.f", n),
            chain("$states.input.s", " ~> ", "$uppercase", n),
            chain("1", " + ", "1", n),
        ] {
            drop(build(text));
        }
    });
}
