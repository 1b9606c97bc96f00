//! Variable scopes: a frame of bindings with a link to its enclosing frame.
//!
//! Blocks, lambda calls and tuple-stream steps each open a frame; lookups
//! walk outwards. A closure keeps its defining frame alive, so a recursive
//! function stored in the frame that defines it forms a reference cycle; the
//! evaluator remembers every frame that was given a function, array or object
//! and empties those frames when the evaluation ends, which breaks the
//! cycles.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::jsonata::value::Value;

/// A scope.
#[derive(Default)]
pub(crate) struct Env {
    vars: RefCell<Vec<(String, Value)>>,
    parent: Option<Rc<Env>>,
    /// Already listed among the frames to empty at the end.
    pub(super) registered: Cell<bool>,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Env")
    }
}

impl Env {
    /// A frame enclosed by `parent`.
    pub(crate) fn child(parent: &Rc<Env>) -> Rc<Env> {
        Rc::new(Env {
            vars: RefCell::default(),
            parent: Some(parent.clone()),
            registered: Cell::new(false),
        })
    }

    /// Binds `name` in this frame (replacing an earlier binding here).
    pub(super) fn set(&self, name: &str, value: Value) {
        let mut vars = self.vars.borrow_mut();
        if let Some(slot) = vars.iter_mut().find(|(n, _)| n == name) {
            slot.1 = value;
        } else {
            vars.push((name.to_owned(), value));
        }
    }

    /// The innermost binding of `name`, if any frame has one.
    pub(crate) fn get(&self, name: &str) -> Option<Value> {
        let mut env = self;
        loop {
            if let Some((_, v)) = env.vars.borrow().iter().find(|(n, _)| n == name) {
                return Some(v.clone());
            }
            env = env.parent.as_deref()?;
        }
    }

    /// Drops every binding of this frame.
    pub(super) fn clear(&self) {
        let taken = std::mem::take(&mut *self.vars.borrow_mut());
        drop(taken);
    }
}
