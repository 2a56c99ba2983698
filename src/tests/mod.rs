//! Host tests of the whole core over a scripted environment with a fake clock.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use crate::client::build;
use crate::config::{CallOptions, Config};
use crate::error::Error;
use crate::plan::{self, Plan};
use crate::request::{HttpRequest, HttpResponse};
use crate::transport::{Env, SendError};
use serde_json::Value;

mod requests;
mod responses;
mod retries;
mod run_waits;
mod session_waits;

/// Drives a future whose awaits all complete at once (the scripted env never pends).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000_000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("future did not complete");
}

type Reply = Result<HttpResponse, SendError>;

#[derive(Default)]
struct Script {
    now: Cell<f64>,
    replies: RefCell<VecDeque<Reply>>,
    sent: RefCell<Vec<(HttpRequest, f64, f64)>>,
    sleeps: RefCell<Vec<f64>>,
    statuses: RefCell<Vec<String>>,
    /// Abort once this many sleeps have happened.
    abort_after_sleeps: Option<usize>,
    /// Each request takes this long (fake ms).
    latency: f64,
    callback_fails: bool,
}

impl Script {
    fn new(replies: Vec<Reply>) -> Script {
        Script {
            now: Cell::new(1_700_000_000_000.0),
            replies: RefCell::new(replies.into()),
            latency: 10.0,
            ..Script::default()
        }
    }
    fn sent(&self) -> usize {
        self.sent.borrow().len()
    }
    fn request(&self, i: usize) -> HttpRequest {
        self.sent.borrow()[i].0.clone()
    }
}

fn ok(body: &str) -> Reply {
    status(200, body)
}
fn status(status: u16, body: &str) -> Reply {
    Ok(HttpResponse {
        status,
        retry_after: None,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.into(),
        ..HttpResponse::default()
    })
}
fn with_retry_after(s: u16, ra: &str) -> Reply {
    Ok(HttpResponse {
        status: s,
        retry_after: Some(ra.into()),
        headers: vec![("retry-after".into(), ra.into())],
        body: r#"{"detail":"busy"}"#.into(),
        ..HttpResponse::default()
    })
}

impl Env for Script {
    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: f64,
    ) -> Result<HttpResponse, SendError> {
        self.sent
            .borrow_mut()
            .push((request.clone(), timeout_ms, self.now.get()));
        let reply = self
            .replies
            .borrow_mut()
            .pop_front()
            .unwrap_or(Err(SendError::Network("script exhausted".into())));
        match reply {
            Err(SendError::Timeout) => self.now.set(self.now.get() + timeout_ms),
            _ => self.now.set(self.now.get() + self.latency.min(timeout_ms)),
        }
        reply
    }
    async fn sleep(&self, ms: f64) -> Result<(), Error> {
        self.sleeps.borrow_mut().push(ms);
        if self
            .abort_after_sleeps
            .is_some_and(|n| self.sleeps.borrow().len() >= n)
        {
            return Err(Error::Aborted);
        }
        self.now.set(self.now.get() + ms);
        Ok(())
    }
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
    fn aborted(&self) -> bool {
        self.abort_after_sleeps
            .is_some_and(|n| self.sleeps.borrow().len() >= n)
    }
    fn on_status(&self, body: &str) -> Result<(), Error> {
        self.statuses.borrow_mut().push(body.to_string());
        if self.callback_fails {
            Err(Error::Callback)
        } else {
            Ok(())
        }
    }
}

fn v(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn cfg() -> Config {
    Config::from_options(
        Some(&v(
            r#"{"apiKey":"sk-test","baseUrl":"http://127.0.0.1:9","headers":{"X-Client":"c"}}"#,
        )),
        false,
    )
    .unwrap()
}

fn run(env: &Script, plan: &Plan) -> Result<String, Error> {
    block_on(plan::run(env, &cfg(), &CallOptions::default(), plan))
}

fn built(plan: Plan) -> HttpRequest {
    let call = plan.call.expect("a call");
    build(&cfg(), &CallOptions::default(), &call)
}
