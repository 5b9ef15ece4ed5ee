//! What one evaluation may build and walk, and how values are let go.
//!
//! Every string, array and hash built is charged to an allowance (its bytes,
//! or 16 a slot), and so is every element a walk over nested values visits
//! (`inspect`, `==`, `flatten`, `join`, JSON): `s = s + s` thirty times, or
//! `flatten` of an array that holds itself twice at each of forty levels, ends
//! with a diagnostic instead of gigabytes or hours. Walks also stop at a depth
//! (an array that holds itself has no bottom). The allowance is per thread,
//! like the evaluation, and started afresh by each `Interp`.
//!
//! Values nest as deep as a loop makes them (`a = [a]`), and dropping nested
//! `Rc`s recurses: containers hand their contents to `release`, which lets
//! them go one level at a time.

use super::value::Value;
use std::cell::{Cell, RefCell};

/// What a slot of an array or hash costs (about what it takes in memory).
pub const SLOT: usize = 16;

/// Deepest walk over nested values.
pub const MAX_WALK_DEPTH: u32 = 1000;

/// Why the evaluation was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    /// More built and walked than the allowance.
    Allowance(u64),
    /// A walk went deeper than `MAX_WALK_DEPTH` (or into a value that holds itself).
    Depth,
    /// One value larger than the largest allowed (elements, or bytes).
    Value(usize, usize),
}

thread_local! {
    static USED: Cell<u64> = const { Cell::new(0) };
    static LIMIT: Cell<u64> = const { Cell::new(u64::MAX) };
    static LARGEST: Cell<usize> = const { Cell::new(usize::MAX) };
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    static EXCEEDED: Cell<Option<Exceeded>> = const { Cell::new(None) };
    static RELEASING: Cell<bool> = const { Cell::new(false) };
    static PENDING: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
}

/// Start an evaluation's allowance: `limit` in all, `largest` for one value.
pub fn start(limit: u64, largest: usize) {
    USED.set(0);
    LIMIT.set(limit);
    LARGEST.set(largest);
    DEPTH.set(0);
    EXCEEDED.set(None);
}

/// Charge `units`; past the allowance the evaluation is to stop.
pub fn charge(units: usize) {
    let used = USED.get().saturating_add(units as u64);
    USED.set(used);
    if used > LIMIT.get() && EXCEEDED.get().is_none() {
        EXCEEDED.set(Some(Exceeded::Allowance(LIMIT.get())));
    }
}

/// A value of `size` elements or bytes was built: charged `units`, and too
/// large on its own past the largest allowed.
pub fn built(size: usize, units: usize) {
    charge(units);
    if size > LARGEST.get() && EXCEEDED.get().is_none() {
        EXCEEDED.set(Some(Exceeded::Value(size, LARGEST.get())));
    }
}

/// Whether (and why) the evaluation is to stop.
pub fn exceeded() -> Option<Exceeded> {
    EXCEEDED.get()
}

/// One level of a walk over nested values, while it is held.
struct Level(());

impl Drop for Level {
    fn drop(&mut self) {
        DEPTH.set(DEPTH.get().saturating_sub(1));
    }
}

/// Walk one element: charged a slot, then `f` on a stack with room for it;
/// `None` (stop walking, the evaluation stops at its next step) once over the
/// allowance or deeper than [`MAX_WALK_DEPTH`].
pub fn walk<T>(f: impl FnOnce() -> T) -> Option<T> {
    charge(SLOT);
    if EXCEEDED.get().is_some() {
        return None;
    }
    let depth = DEPTH.get() + 1;
    if depth > MAX_WALK_DEPTH {
        EXCEEDED.set(Some(Exceeded::Depth));
        return None;
    }
    DEPTH.set(depth);
    let _level = Level(());
    Some(stacker::maybe_grow(64 << 10, 1 << 20, f))
}

/// Let `values` go without recursing: what they hold that nothing else holds
/// comes back here through the containers' `drop`, and is let go in turn.
pub fn release(values: Vec<Value>) {
    if values.is_empty() {
        return;
    }
    if RELEASING.get() {
        PENDING.with(|p| p.borrow_mut().extend(values));
        return;
    }
    RELEASING.set(true);
    let mut batch = values;
    loop {
        drop(batch);
        batch = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
        if batch.is_empty() {
            break;
        }
    }
    RELEASING.set(false);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deep_chain_is_let_go_without_recursing() {
        // Deeper than any stack holds frame by frame.
        let mut v = Value::array(vec![]);
        for _ in 0..1_000_000 {
            v = Value::array(vec![v]);
        }
        drop(v);
        let mut h = Value::hash(vec![]);
        for _ in 0..1_000_000 {
            h = Value::hash(vec![(Value::Nil, h)]);
        }
        drop(h);
    }

    #[test]
    fn walks_stop_at_the_depth_limit() {
        start(u64::MAX, usize::MAX);
        let mut v = Value::array(vec![]);
        for _ in 0..(MAX_WALK_DEPTH + 10) {
            v = Value::array(vec![v]);
        }
        let _ = v.inspect();
        assert_eq!(exceeded(), Some(Exceeded::Depth));
        start(u64::MAX, usize::MAX);
    }
}
