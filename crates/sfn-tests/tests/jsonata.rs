//! JSONata-mode workflows compiled by `asl!` and run: `Arguments`,
//! `Output`, `Assign`, Choice `Condition`, Map `Items` and `ItemSelector`,
//! expressions in `Seconds`, `MaxConcurrency`, a Fail's `Error` and
//! `Cause`, `$states.errorOutput` in a Catch, AWS's own functions, the
//! `States.QueryEvaluationError` causes, and a JSONPath workflow with a
//! JSONata state. Time is paused.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{TaskContext, TaskError};

sfn_macros::asl!(
    /// An order priced, sized and labelled in JSONata.
    pub mod orders,
    {
        "QueryLanguage": "JSONata",
        "StartAt": "Init",
        "States": {
            "Init": {
                "Type": "Pass",
                "Assign": {
                    "threshold": "{% $states.input.threshold %}",
                    "orderId": "{% $states.input.order.id %}"
                },
                "Output": "{% $states.input.order %}",
                "Next": "Price"
            },
            "Price": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Price",
                "Arguments": {
                    "orderId": "{% $orderId %}",
                    "lines": "{% $states.input.items.{'amount': price * qty} %}",
                    "count": "{% $count($states.input.items) %}",
                    "currency": "EUR"
                },
                "Assign": {"total": "{% $states.result.total %}"},
                "Output": {"total": "{% $states.result.total %}", "count": "{% $states.result.count %}"},
                "Catch": [{
                    "ErrorEquals": ["States.ALL"],
                    "Output": {"error": "{% $states.errorOutput.Error %}", "cause": "{% $states.errorOutput.Cause %}"},
                    "Next": "Failed"
                }],
                "Next": "Check"
            },
            "Check": {
                "Type": "Choice",
                "Choices": [{
                    "Condition": "{% $total > $threshold %}",
                    "Output": {"size": "big", "total": "{% $total %}"},
                    "Next": "Big"
                }],
                "Default": "Small"
            },
            "Big": {
                "Type": "Wait",
                "Seconds": "{% $states.input.total > 100 ? 3600 : 60 %}",
                "Next": "Lines"
            },
            "Small": {
                "Type": "Pass",
                "Output": {"size": "small", "total": "{% $total %}"},
                "Next": "Lines"
            },
            "Lines": {
                "Type": "Map",
                "Items": "{% $states.context.Execution.Input.order.items %}",
                "ItemSelector": {
                    "sku": "{% $states.context.Map.Item.Value.sku %}",
                    "index": "{% $states.context.Map.Item.Index %}"
                },
                "MaxConcurrency": "{% 1 + 1 %}",
                "ItemProcessor": {
                    "StartAt": "Label",
                    "States": {
                        "Label": {
                            "Type": "Pass",
                            "Output": "{% $uppercase($states.input.sku) & '#' & $string($states.input.index) %}",
                            "End": true
                        }
                    }
                },
                "Output": {
                    "size": "{% $states.input.size %}",
                    "total": "{% $states.input.total %}",
                    "labels": "{% $states.result %}",
                    "pairs": "{% $partition($states.result, 2) %}",
                    "order": "{% $orderId %}"
                },
                "Next": "Done"
            },
            "Done": {"Type": "Succeed"},
            "Failed": {
                "Type": "Fail",
                "Error": "{% $states.input.error %}",
                "Cause": "{% 'pricing failed: ' & $states.input.cause %}"
            }
        }
    }
);

struct Pricing {
    fail: bool,
}

impl orders::Tasks for Pricing {
    async fn price(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        if self.fail {
            return Err(TaskError::new("PriceError", "no price list"));
        }
        assert_eq!(input["orderId"], json!("o-1"));
        assert_eq!(input["currency"], json!("EUR"));
        let total: f64 = input["lines"]
            .as_array()
            .map(|lines| lines.iter().filter_map(|l| l["amount"].as_f64()).sum())
            .unwrap_or_default();
        Ok(json!({"total": total as i64, "count": input["count"]}))
    }
}

fn order_input(threshold: i64) -> Value {
    json!({
        "threshold": threshold,
        "order": {
            "id": "o-1",
            "items": [
                {"sku": "ab", "price": 30, "qty": 2},
                {"sku": "cd", "price": 5, "qty": 1},
                {"sku": "ef", "price": 1, "qty": 3}
            ]
        }
    })
}

#[tokio::test(start_paused = true)]
async fn a_big_order_waits_and_is_labelled() {
    let machine = orders::StateMachine::new(Pricing { fail: false });
    let start = tokio::time::Instant::now();
    let output = machine.run(order_input(50)).await.unwrap();
    assert_eq!(
        output,
        json!({
            "size": "big",
            "total": 68,
            "labels": ["AB#0", "CD#1", "EF#2"],
            "pairs": [["AB#0", "CD#1"], ["EF#2"]],
            "order": "o-1"
        })
    );
    // 68 is not above 100: the Wait's expression chose 60 seconds.
    let waited = start.elapsed().as_secs();
    assert!((60..3600).contains(&waited), "waited {waited} s");
}

#[tokio::test(start_paused = true)]
async fn a_small_order_takes_the_default() {
    let machine = orders::StateMachine::new(Pricing { fail: false });
    let output = machine.run(order_input(100)).await.unwrap();
    assert_eq!(output["size"], json!("small"));
    assert_eq!(output["total"], json!(68));
    assert_eq!(output["labels"], json!(["AB#0", "CD#1", "EF#2"]));
}

#[tokio::test(start_paused = true)]
async fn a_caught_error_reaches_the_fail_state_through_error_output() {
    let machine = orders::StateMachine::new(Pricing { fail: true });
    let error = machine.run(order_input(50)).await.unwrap_err();
    assert_eq!(error.error, "PriceError");
    assert_eq!(
        error.cause.as_deref(),
        Some("pricing failed: no price list")
    );
}

sfn_macros::asl!(
    /// JSONata failures, each caught or not.
    pub mod failures,
    {
        "QueryLanguage": "JSONata",
        "StartAt": "Route",
        "States": {
            "Route": {
                "Type": "Choice",
                "Choices": [
                    {"Condition": "{% $states.input.case = 'missing' %}", "Next": "Missing"},
                    {"Condition": "{% $states.input.case = 'error' %}", "Next": "Broken"},
                    {"Condition": "{% $states.input.case = 'eval' %}", "Next": "Eval"},
                    {"Condition": "{% $states.input.case = 'type' %}", "Next": "NotBoolean"}
                ],
                "Default": "NotArray"
            },
            "Missing": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Call",
                "Arguments": {"x": "{% $states.input.nope %}"},
                "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "Report"}],
                "End": true
            },
            "Report": {
                "Type": "Fail",
                "Error": "{% $states.input.Error %}",
                "Cause": "{% $states.input.Cause %}"
            },
            "Broken": {
                "Type": "Pass",
                "Output": {"n": "{% $number('abc') %}"},
                "End": true
            },
            "Eval": {
                "Type": "Pass",
                "Output": "{% $eval('1 + 1') %}",
                "End": true
            },
            "NotBoolean": {
                "Type": "Choice",
                "Choices": [{"Condition": "{% 1 %}", "Next": "Missing"}],
                "Default": "Missing"
            },
            "NotArray": {
                "Type": "Map",
                "Items": "{% $states.input %}",
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                "End": true
            }
        }
    }
);

struct Call;

impl failures::Tasks for Call {
    async fn missing(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Ok(input)
    }
}

async fn fail(case: &str) -> sfn_runtime::ExecutionError {
    let machine = failures::StateMachine::new(Call);
    machine.run(json!({"case": case})).await.unwrap_err()
}

#[tokio::test(start_paused = true)]
async fn undefined_is_an_error_a_catch_sees_with_the_state_named() {
    let error = fail("missing").await;
    assert_eq!(error.error, "States.QueryEvaluationError");
    // Events: ExecutionStarted 1, ChoiceStateEntered 2, ChoiceStateExited 3,
    // TaskStateEntered 4.
    assert_eq!(
        error.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'Missing' (entered at the event id #4). \
             The JSONata expression '$states.input.nope' specified for the field 'Arguments/x' \
             returned nothing (undefined)."
        )
    );
}

#[tokio::test(start_paused = true)]
async fn a_jsonata_error_names_its_code() {
    let error = fail("error").await;
    assert_eq!(error.error, "States.QueryEvaluationError");
    let cause = error.cause.unwrap_or_default();
    assert!(
        cause.starts_with(
            "An error occurred while executing the state 'Broken' (entered at the event id #4). \
             The JSONata expression '$number('abc')' specified for the field 'Output/n' threw an \
             error during evaluation. D3030: "
        ),
        "{cause}"
    );
}

#[tokio::test(start_paused = true)]
async fn eval_is_not_available() {
    // AWS: "$eval is not available; use $parse": calling it is calling an
    // undefined function.
    let error = fail("eval").await;
    assert_eq!(error.error, "States.QueryEvaluationError");
    let cause = error.cause.unwrap_or_default();
    assert!(
        cause.contains("threw an error during evaluation. T1006: "),
        "{cause}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_condition_must_be_a_boolean() {
    let error = fail("type").await;
    assert_eq!(
        error.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'NotBoolean' (entered at the event id #4). \
             The JSONata expression '1' specified for the field 'Choices[0]/Condition' returned an \
             unexpected result type. Expected 'boolean', but was 'number' for value: 1"
        )
    );
}

#[tokio::test(start_paused = true)]
async fn items_must_be_an_array() {
    let error = fail("other").await;
    assert_eq!(
        error.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'NotArray' (entered at the event id #4). \
             The JSONata expression '$states.input' specified for the field 'Items' returned an \
             unexpected result type. Expected 'array', but was 'object' for value: {\"case\":\"other\"}"
        )
    );
}

sfn_macros::asl!(
    /// A JSONPath workflow with one JSONata state between two JSONPath ones.
    pub mod mixed,
    {
        "StartAt": "Remember",
        "States": {
            "Remember": {
                "Type": "Pass",
                "Assign": {"factor.$": "$.factor"},
                "Next": "Scale"
            },
            "Scale": {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Assign": {"scaled": "{% $map($states.input.values, function($v) { $v * $factor }) %}"},
                "Output": {"sum": "{% $sum($states.input.values) * $factor %}"},
                "Next": "Report"
            },
            "Report": {
                "Type": "Pass",
                "Parameters": {"sum.$": "$.sum", "scaled.$": "$scaled", "max.$": "States.ArrayGetItem($scaled, 2)"},
                "End": true
            }
        }
    }
);

#[tokio::test(start_paused = true)]
async fn jsonpath_and_jsonata_states_share_variables() {
    let machine = mixed::StateMachine::new(());
    let output = machine
        .run(json!({"factor": 3, "values": [1, 2, 5]}))
        .await
        .unwrap();
    assert_eq!(output, json!({"sum": 24, "scaled": [3, 6, 15], "max": 15}));
}

sfn_macros::asl!(
    /// Parallel with Arguments, and expressions in TimeoutSeconds and the
    /// Map's tolerance.
    pub mod fields,
    {
        "QueryLanguage": "JSONata",
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Arguments": {"n": "{% $states.input.n * 10 %}"},
                "Branches": [
                    {"StartAt": "Half", "States": {"Half": {"Type": "Pass", "Output": "{% $states.input.n / 2 %}", "End": true}}},
                    {"StartAt": "Slow", "States": {"Slow": {
                        "Type": "Task",
                        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Slow",
                        "TimeoutSeconds": "{% $states.input.n > 100 ? 5 : 60 %}",
                        "End": true
                    }}}
                ],
                "Output": {"half": "{% $states.result[0] %}", "slow": "{% $states.result[1] %}"},
                "Catch": [{"ErrorEquals": ["States.Timeout"], "Output": {"timedOut": "{% $states.errorOutput.Error %}"}, "Next": "Done"}],
                "Next": "Tolerant"
            },
            "Tolerant": {
                "Type": "Map",
                "Items": "{% [1, 2, 3, 4] %}",
                "ToleratedFailurePercentage": "{% $states.input.half > 10 ? 100 : 0 %}",
                "ItemProcessor": {"StartAt": "Odd", "States": {
                    "Odd": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input % 2 = 1 %}", "Next": "Bad"}], "Default": "Good"},
                    "Bad": {"Type": "Fail", "Error": "Odd"},
                    "Good": {"Type": "Succeed"}
                }},
                "Output": "{% $count($states.result[$type($) = 'number']) %}",
                "Next": "Done"
            },
            "Done": {"Type": "Succeed"}
        }
    }
);

struct Slow;

impl fields::Tasks for Slow {
    async fn slow(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        Ok(input["n"].clone())
    }
}

#[tokio::test(start_paused = true)]
async fn parallel_arguments_and_expressions_in_timeouts_and_tolerance() {
    let machine = fields::StateMachine::new(Slow);
    // n = 3: the branches get n = 30; Slow's timeout is 60 s, it answers in
    // 30; half is 15 > 10, so the Map tolerates its two odd items.
    let output = machine.run(json!({"n": 3})).await.unwrap();
    assert_eq!(output, json!(2));
    // n = 11: the branches get 110; the timeout is 5 s and the Catch takes it.
    let output = machine.run(json!({"n": 11})).await.unwrap();
    assert_eq!(output, json!({"timedOut": "States.Timeout"}));
    // n = 1: half is 5, no failure is tolerated.
    let error = machine.run(json!({"n": 1})).await.unwrap_err();
    assert_eq!(error.error, "States.ExceedToleratedFailureThreshold");
}
