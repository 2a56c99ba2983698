//! Runs the client's async work without an executor. A call is a Rust future
//! that only ever stops at a JavaScript promise (a fetch, a timer, the callback
//! of `withBrowserSession`): [`settled`] hands that promise to the driver in
//! `host.js`, which awaits it and polls the future again with its outcome,
//! until the future finishes. The driver's own promise is what the method
//! returns. One JavaScript `await` per stop; no task queue, no wakers, no
//! closures per call.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use js_sys::{Array, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;

type Work = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

/// A place in the task table.
enum Slot {
    Free,
    /// Being polled: its future is out of the table, and the id stays taken (a call
    /// started from inside the poll, say by an `onStatus` callback, gets another).
    Running,
    /// Waiting for the driver to poll it again.
    Parked(Work),
}

#[wasm_bindgen(module = "/src/js/host.js")]
extern "C" {
    /// Polls task `id` through `poll` until it finishes; resolves or rejects with its outcome.
    fn drive(id: u32, poll: &JsValue) -> Promise;
}

thread_local! {
    /// The calls in flight, by id; a finished one frees its slot for the next.
    static TASKS: RefCell<Vec<Slot>> = const { RefCell::new(Vec::new()) };
    /// The promise the task being polled stopped at.
    static WAITING: Cell<Option<JsValue>> = const { Cell::new(None) };
    /// The outcome of that promise, for the task's next poll.
    static OUTCOME: Cell<Option<Result<JsValue, JsValue>>> = const { Cell::new(None) };
    /// `poll` as a JavaScript function, made once.
    static POLL: JsValue = Closure::<dyn Fn(u32, bool, JsValue) -> Array>::new(poll).into_js_value();
}

/// Stage of a poll, as the driver reads it (`[stage, value]`).
const PENDING: u32 = 0;
const DONE: u32 = 1;
const FAILED: u32 = 2;

/// Runs `work`; the returned promise settles with its outcome.
pub fn spawn(work: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    let work: Work = Box::pin(work);
    let id = TASKS.with(|tasks| {
        let mut tasks = tasks.borrow_mut();
        match tasks.iter().position(|s| matches!(s, Slot::Free)) {
            Some(free) => {
                tasks[free] = Slot::Parked(work);
                free
            }
            None => {
                tasks.push(Slot::Parked(work));
                tasks.len() - 1
            }
        }
    });
    POLL.with(|poll| drive(id as u32, poll))
}

/// One poll of task `id`. `ok`/`value` is the outcome of the promise it last stopped at
/// (ignored on the first poll). Returns `[PENDING, promise]`, `[DONE, value]` or `[FAILED, error]`.
fn poll(id: u32, ok: bool, value: JsValue) -> Array {
    let stage = |s: u32, v: &JsValue| Array::of2(&JsValue::from(s), v);
    // Taken out while it runs (the table is not borrowed while it runs), its slot marked.
    let work = TASKS.with(|tasks| {
        let mut tasks = tasks.borrow_mut();
        let slot = tasks.get_mut(id as usize)?;
        match std::mem::replace(slot, Slot::Running) {
            Slot::Parked(work) => Some(work),
            other => {
                *slot = other;
                None
            }
        }
    });
    let Some(mut work) = work else {
        let e = js_sys::Error::new("skyvern-wasm: no such task");
        return stage(FAILED, &e.into());
    };
    OUTCOME.with(|o| o.set(Some(if ok { Ok(value) } else { Err(value) })));
    WAITING.with(|w| w.set(None));
    let mut cx = Context::from_waker(Waker::noop());
    let result = work.as_mut().poll(&mut cx);
    OUTCOME.with(|o| o.set(None));
    let waiting = WAITING.with(Cell::take);
    let park = |slot: Slot| {
        TASKS.with(|tasks| {
            if let Some(s) = tasks.borrow_mut().get_mut(id as usize) {
                *s = slot;
            }
        })
    };
    match result {
        Poll::Ready(outcome) => {
            park(Slot::Free);
            match outcome {
                Ok(v) => stage(DONE, &v),
                Err(e) => stage(FAILED, &e),
            }
        }
        Poll::Pending => match waiting {
            Some(promise) => {
                park(Slot::Parked(work));
                stage(PENDING, &promise)
            }
            None => {
                park(Slot::Free);
                let e = js_sys::Error::new("skyvern-wasm: a task stopped without a promise");
                stage(FAILED, &e.into())
            }
        },
    }
}

/// Waits for `promise` inside a task: resolves with its value, or with what it rejected with.
pub fn settled(promise: Promise) -> Settled {
    Settled {
        promise: Some(promise.into()),
    }
}

pub struct Settled {
    promise: Option<JsValue>,
}

impl Future for Settled {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Self::Output> {
        match self.promise.take() {
            // First poll: stop here and let the driver await the promise.
            Some(promise) => {
                WAITING.with(|w| w.set(Some(promise)));
                Poll::Pending
            }
            // Polled again: the driver has the promise's outcome.
            None => match OUTCOME.with(Cell::take) {
                Some(outcome) => Poll::Ready(outcome),
                None => Poll::Ready(Err(js_sys::Error::new(
                    "skyvern-wasm: a task resumed without an outcome",
                )
                .into())),
            },
        }
    }
}
