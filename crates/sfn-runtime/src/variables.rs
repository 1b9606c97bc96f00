//! Workflow variables (`Assign` and `$name` references) with AWS's scoping.
//!
//! # Scopes
//!
//! The top-level states of a state machine share one scope. Each Parallel
//! branch and each Map iteration runs in a scope of its own
//! ([`VariableStore::inner_scope`]): it reads the variables of the enclosing
//! scopes, but writes only to its own, and what it writes disappears when the
//! branch or iteration ends. Assigning a name that already exists in an
//! enclosing scope is an error (see [`VariableStore::assign`]). A Distributed
//! Map iteration cannot read the outer variables at all; it starts from
//! [`VariableStore::new`].
//!
//! # Parallel assignment
//!
//! All the values of one `Assign` are computed from the variables as they
//! were *before* the state (see `dataflow::assign`), and only then written
//! together by [`VariableStore::assign`]: `{"a.$": "$b", "b.$": "$a"}` swaps
//! `a` and `b`.
//!
//! # Representation
//!
//! A store is plain data: a list of scopes, outermost first, each a JSON
//! object of name to value. The scopes are reference-counted, so starting a
//! Map iteration does not copy the outer variables, and
//! [`VariableStore::scopes`] / [`VariableStore::from_scopes`] expose them for
//! a backend that records and restores executions.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::StatesError;

/// The variables visible to a state: its own scope and the enclosing ones.
#[derive(Clone, Debug, PartialEq)]
pub struct VariableStore {
    /// Outermost first; the last one is the scope `assign` writes to. Never empty.
    scopes: Vec<Arc<Map<String, Value>>>,
}

impl Default for VariableStore {
    fn default() -> Self {
        Self::new()
    }
}

impl VariableStore {
    /// An empty store with one (top-level) scope.
    pub fn new() -> Self {
        VariableStore {
            scopes: vec![Arc::new(Map::new())],
        }
    }

    /// A store made of these scopes, outermost first, as [`scopes`](Self::scopes)
    /// returned them. An empty list gives an empty store with one scope.
    pub fn from_scopes(scopes: Vec<Map<String, Value>>) -> Self {
        if scopes.is_empty() {
            return Self::new();
        }
        VariableStore {
            scopes: scopes.into_iter().map(Arc::new).collect(),
        }
    }

    /// The scopes, outermost first; the last one is the writable scope.
    pub fn scopes(&self) -> impl ExactSizeIterator<Item = &Map<String, Value>> + '_ {
        self.scopes.iter().map(|s| &**s)
    }

    /// The value of the variable `name`, looked up in the innermost scope
    /// first, then outwards; `None` when no scope has it.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.scopes.iter().rev().find_map(|scope| scope.get(name))
    }

    /// Replaces the innermost scope's variables (a scope restored from a
    /// durable store).
    pub fn replace_inner(&mut self, values: Map<String, Value>) {
        match self.scopes.last_mut() {
            Some(inner) => *inner = Arc::new(values),
            None => self.scopes.push(Arc::new(values)),
        }
    }

    /// The store for a Parallel branch or a Map iteration: it reads every
    /// variable visible here, read-only, and writes to a new, empty scope of
    /// its own. This store is not changed by what the new one assigns.
    pub fn inner_scope(&self) -> VariableStore {
        let mut scopes = self.scopes.clone();
        scopes.push(Arc::new(Map::new()));
        VariableStore { scopes }
    }

    /// Writes all of `values` to the innermost scope, as one parallel
    /// assignment (the values were computed before any is written).
    ///
    /// Fails with `States.Runtime`, writing nothing, when a name exists only in
    /// an enclosing scope: a Parallel branch or Map iteration cannot assign
    /// the variables it inherits. A name already in the innermost scope is
    /// overwritten.
    pub fn assign(&mut self, values: Map<String, Value>) -> Result<(), StatesError> {
        if values.is_empty() {
            return Ok(());
        }
        if self.scopes.is_empty() {
            // Not possible by construction; start a scope rather than panic.
            self.scopes.push(Arc::new(Map::new()));
        }
        let Some((inner, outer)) = self.scopes.split_last_mut() else {
            return Ok(());
        };
        if let Some(name) = values
            .keys()
            .find(|name| !inner.contains_key(*name) && outer.iter().any(|s| s.contains_key(*name)))
        {
            return Err(StatesError::runtime(outer_scope_write_cause(name)));
        }
        let scope = Arc::make_mut(inner);
        for (name, value) in values {
            scope.insert(name, value);
        }
        Ok(())
    }
}

/// The cause of assigning an inherited variable.
///
/// No AWS recording of this failure exists in the conformance corpus, so the
/// wording is ours.
fn outer_scope_write_cause(name: &str) -> String {
    format!(
        "The variable '{name}' belongs to an outer scope: a Parallel branch or Map iteration \
         can read it but cannot assign it"
    )
}

impl crate::jsonpath::Variables for VariableStore {
    fn get(&self, name: &str) -> Option<&Value> {
        VariableStore::get(self, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::names;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn new_store_is_empty() {
        let store = VariableStore::new();
        assert_eq!(store.get("x"), None);
        assert_eq!(store.scopes().len(), 1);
        assert_eq!(VariableStore::default(), store);
    }

    // assign/test_assign_from_value_BASE_ASSIGN_FROM_PARAMETERS.json: State0
    // assigns result = "PENDING", State1 assigns result = "SUCCESS" in the same
    // (top-level) scope: reassignment in the own scope is allowed (the case
    // succeeds on AWS).
    #[test]
    fn reassign_in_own_scope() {
        let mut store = VariableStore::new();
        store.assign(obj(json!({"result": "PENDING"}))).unwrap();
        store
            .assign(obj(
                json!({"result": "SUCCESS", "originalResult": "PENDING"}),
            ))
            .unwrap();
        assert_eq!(store.get("result"), Some(&json!("SUCCESS")));
        assert_eq!(store.get("originalResult"), Some(&json!("PENDING")));
    }

    // assign/test_base_cases_BASE_VAR.json: a variable may hold null, and
    // reading it gives null (State1 reads `$constant_null`, the case succeeds).
    #[test]
    fn null_is_a_value() {
        let mut store = VariableStore::new();
        store.assign(obj(json!({"constant_null": null}))).unwrap();
        assert_eq!(store.get("constant_null"), Some(&Value::Null));
        assert_eq!(store.get("other"), None);
    }

    // assign/test_base_cases_BASE_SCOPE_MAP.json: State0 assigns x = 42, the
    // Map iteration reads `$x` and assigns innerX; after the Map, State2 reads
    // `$x` again (still 42) and innerX is gone.
    #[test]
    fn inner_scope_reads_outer_and_is_dropped() {
        let mut outer = VariableStore::new();
        outer
            .assign(obj(json!({"x": 42, "items": [1, 2, 3]})))
            .unwrap();
        for _item in 0..3 {
            let mut inner = outer.inner_scope();
            let x = inner.get("x").cloned().unwrap();
            assert_eq!(x, json!(42));
            inner.assign(obj(json!({"innerX": x}))).unwrap();
            assert_eq!(inner.get("innerX"), Some(&json!(42)));
            assert_eq!(inner.scopes().len(), 2);
        }
        assert_eq!(outer.get("innerX"), None);
        assert_eq!(outer.get("x"), Some(&json!(42)));
    }

    // assign/test_reference_assign_BASE_REFERENCE_IN_ITERATOR_OUTER_SCOPE.json:
    // a Map inside a Map; the innermost iteration reads `$bias` (top level)
    // and `$xCurrent` (the outer iteration's scope).
    #[test]
    fn nested_scopes_read_every_level() {
        let mut top = VariableStore::new();
        top.assign(obj(json!({"bias": 4.3}))).unwrap();
        let mut level1 = top.inner_scope();
        level1
            .assign(obj(json!({"xCurrent": 9, "yCurrent": 44, "zCurrent": 6})))
            .unwrap();
        let mut level2 = level1.inner_scope();
        assert_eq!(level2.get("bias"), Some(&json!(4.3)));
        assert_eq!(level2.get("xCurrent"), Some(&json!(9)));
        level2.assign(obj(json!({"Sum": 63.3}))).unwrap();
        assert_eq!(level1.get("Sum"), None);
        assert_eq!(level2.scopes().len(), 3);
    }

    #[test]
    fn writing_an_outer_variable_fails_and_writes_nothing() {
        let mut outer = VariableStore::new();
        outer.assign(obj(json!({"x": 42}))).unwrap();
        let mut inner = outer.inner_scope();
        let err = inner.assign(obj(json!({"fresh": 1, "x": 43}))).unwrap_err();
        assert_eq!(err.error, names::RUNTIME);
        assert!(err.cause.as_deref().unwrap().contains("'x'"), "{err}");
        // Nothing was written, not even the legal `fresh`.
        assert_eq!(inner.get("fresh"), None);
        assert_eq!(inner.get("x"), Some(&json!(42)));
        assert_eq!(outer.get("x"), Some(&json!(42)));
    }

    #[test]
    fn parallel_branches_do_not_see_each_other() {
        // assign/test_base_parallel_cases_BASE_SCOPE_PARALLEL.json: each of the
        // three branches assigns innerX in its own scope.
        let mut outer = VariableStore::new();
        outer.assign(obj(json!({"x": 42}))).unwrap();
        let mut b1 = outer.inner_scope();
        let mut b2 = outer.inner_scope();
        b1.assign(obj(json!({"innerX": 42, "value": {}}))).unwrap();
        assert_eq!(b2.get("innerX"), None);
        b2.assign(obj(json!({"innerX": 42, "value": {}}))).unwrap();
        assert_eq!(outer.get("innerX"), None);
    }

    #[test]
    fn parallel_assignment_takes_precomputed_values() {
        let mut store = VariableStore::new();
        store.assign(obj(json!({"a": 1, "b": 2}))).unwrap();
        // The caller computed the swap from the old values.
        let swapped = obj(json!({"a": store.get("b").cloned(), "b": store.get("a").cloned()}));
        store.assign(swapped).unwrap();
        assert_eq!(store.get("a"), Some(&json!(2)));
        assert_eq!(store.get("b"), Some(&json!(1)));
    }

    #[test]
    fn scopes_round_trip() {
        let mut outer = VariableStore::new();
        outer.assign(obj(json!({"x": 1}))).unwrap();
        let mut inner = outer.inner_scope();
        inner.assign(obj(json!({"y": 2}))).unwrap();
        let saved: Vec<Map<String, Value>> = inner.scopes().cloned().collect();
        assert_eq!(saved, vec![obj(json!({"x": 1})), obj(json!({"y": 2}))]);
        let restored = VariableStore::from_scopes(saved);
        assert_eq!(restored, inner);
        assert_eq!(VariableStore::from_scopes(Vec::new()), VariableStore::new());
    }

    #[test]
    fn implements_jsonpath_variables() {
        let mut store = VariableStore::new();
        store.assign(obj(json!({"theAnswer": 42}))).unwrap();
        let vars: &dyn crate::jsonpath::Variables = &store;
        assert_eq!(vars.get("theAnswer"), Some(&json!(42)));
        assert_eq!(vars.get("nope"), None);
    }
}
