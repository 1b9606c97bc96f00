//! What a scope's states read is decided from the IR before any code is
//! written, so the order of the states in `States` does not change the
//! generated code of a state (issue 13, item 4). `sfn-tests`'s
//! `permutations.rs` runs such workflows in several orders.

use sfn_codegen::{ModuleSpec, Options};

/// The generated code of `source`, without whitespace.
fn generated(source: &str) -> String {
    let code = sfn_codegen::generate_string(source, &ModuleSpec::new("m"), &Options::default())
        .unwrap_or_else(|e| panic!("does not generate: {e:?}"));
    code.split_whitespace().collect()
}

/// The first argument list of `exec.enter_state` after the match arm of
/// `variant`.
fn entered(code: &str, variant: &str) -> String {
    let arm = format!("State::{variant}=>{{");
    let at = code.find(&arm).unwrap_or_else(|| panic!("no arm {arm}"));
    let call = &code[at + arm.len()..];
    let call = call
        .strip_prefix("exec.enter_state(")
        .expect("enter_state first");
    call[..call.find(");").unwrap()]
        .trim_end_matches(',')
        .to_owned()
}

#[test]
fn a_state_before_the_first_reading_data_enters_with_data() {
    let code = generated(
        r#"{"StartAt":"B","States":{"A":{"Type":"Fail","Error":"X"},"B":{"Type":"Pass","Next":"A"}}}"#,
    );
    assert_eq!(entered(&code, "A"), r#"state.name(),"Fail",false,&data"#);
    assert_eq!(entered(&code, "B"), r#"state.name(),"Pass",false,&data"#);
    assert!(code.contains("letmutdata=input;"), "{code}");
}

#[test]
fn the_order_of_states_does_not_change_their_code() {
    let forward = generated(
        r#"{"StartAt":"B","States":{"A":{"Type":"Fail","Error":"X"},"B":{"Type":"Pass","Next":"A"}}}"#,
    );
    let backward = generated(
        r#"{"StartAt":"B","States":{"B":{"Type":"Pass","Next":"A"},"A":{"Type":"Fail","Error":"X"}}}"#,
    );
    for variant in ["A", "B"] {
        assert_eq!(entered(&forward, variant), entered(&backward, variant));
    }
}

#[test]
fn a_transition_carries_data_that_no_state_reads() {
    // Neither state reads its input, but B's output is A's input.
    let code = generated(
        r#"{"StartAt":"B","States":{"A":{"Type":"Fail","Error":"X"},"B":{"Type":"Pass","Result":1,"Next":"A"}}}"#,
    );
    assert!(code.contains("letmutdata=input;"), "{code}");
    assert_eq!(entered(&code, "A"), r#"state.name(),"Fail",false,&data"#);
    // A single state that reads nothing enters with the scope's input.
    let code = generated(r#"{"StartAt":"A","States":{"A":{"Type":"Fail","Error":"X"}}}"#);
    assert_eq!(entered(&code, "A"), r#"state.name(),"Fail",false,&input"#);
    assert!(!code.contains("letdata"), "{code}");
}

#[test]
fn states_reading_the_context_read_the_clock() {
    let code = generated(
        r#"{"StartAt":"P","States":{
          "W":{"Type":"Wait","Seconds":1,"End":true},
          "P":{"Type":"Pass","Parameters":{"t.$":"$$.State.EnteredTime"},"Next":"W"}}}"#,
    );
    assert_eq!(entered(&code, "P"), r#"state.name(),"Pass",true,&data"#);
    assert_eq!(entered(&code, "W"), r#"state.name(),"Wait",false,&data"#);
}
