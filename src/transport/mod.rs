//! What the core needs from its host: send a request, read the clock, sleep,
//! and report progress. `fetch.rs` implements sending with the Fetch API; tests
//! use a scripted implementation.

#[cfg(target_arch = "wasm32")]
pub mod fetch;

use crate::error::Error;
use crate::request::{HttpRequest, HttpResponse};

/// Why an attempt produced no response.
#[derive(Clone, Debug, PartialEq)]
pub enum SendError {
    /// The attempt's timeout elapsed.
    Timeout,
    /// The caller's abort signal fired.
    Aborted,
    /// No response (refused, reset, DNS, CORS); the text describes it.
    Network(String),
}

/// The host environment of one call (one abort signal, one status callback).
#[allow(async_fn_in_trait)]
pub trait Env {
    /// Sends one attempt, giving up after `timeout_ms`.
    async fn send(&self, request: &HttpRequest, timeout_ms: f64)
        -> Result<HttpResponse, SendError>;
    /// Sleeps; returns `Err(Error::Aborted)` as soon as the call is aborted.
    async fn sleep(&self, ms: f64) -> Result<(), Error>;
    /// Unix time in milliseconds.
    fn now_ms(&self) -> f64;
    /// A random number in [0, 1).
    fn random(&self) -> f64;
    /// Has the caller aborted the call?
    fn aborted(&self) -> bool;
    /// Reports a polled object (JSON text) whose status changed.
    /// An `Err` (the callback threw) ends the wait with that error.
    fn on_status(&self, body: &str) -> Result<(), Error>;
}
