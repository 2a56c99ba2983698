//! One Promise-returning method as data ([`Job`]) and the driver that runs it
//! ([`spawn`]), shared by `SkyvernClient` and `BrowserSessionHandle`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use super::env::{until_abort, JsEnv};
use super::errors::to_js;
use super::value::{get, parse_success};
use crate::config::{CallOptions, Config};
use crate::error::Error;
use crate::plan::{self, Plan};
use crate::session::{self, Open};
use crate::transport::Env;

/// Makes a `BrowserSessionHandle` from an opened session's JSON text.
pub(crate) type MakeHandle = fn(Rc<Config>, &str, CallOptions) -> Result<JsValue, Error>;

/// The abort signal in `options.abortSignal`; an error when it is not an `AbortSignal`.
pub(crate) fn signal_of(options: &JsValue, path: &str) -> Result<Option<AbortSignal>, Error> {
    let s = get(options, "abortSignal");
    if s.is_undefined() {
        return Ok(None);
    }
    s.dyn_into::<AbortSignal>().map(Some).map_err(|_| {
        let mut field = String::from(path);
        field.push_str(".abortSignal");
        Error::invalid(&field, "must be an AbortSignal")
    })
}

/// The callback in `options.onStatus`; an error when it is given and not a function.
fn callback_of(options: &JsValue, path: &str) -> Result<Option<Function>, Error> {
    let f = get(options, "onStatus");
    if f.is_undefined() || f.is_null() {
        return Ok(None);
    }
    f.dyn_into::<Function>()
        .map(Some)
        .map_err(|_| Error::invalid(&format!("{path}.onStatus"), "must be a function"))
}

/// A call's environment and options, validated.
pub(crate) struct Prepared {
    pub env: JsEnv,
    pub options: CallOptions,
}

/// Validates request options and collects the signal and the status callback.
/// `extra` is an options object that may also carry `abortSignal` / `onStatus`.
pub(crate) fn prepare(
    request_options: &Option<JsValue>,
    extra: Option<(&JsValue, &str)>,
) -> Result<Prepared, Error> {
    let ro = request_options.clone().unwrap_or(JsValue::UNDEFINED);
    let options = CallOptions::from_value(request_options.as_ref())?;
    let mut signal = signal_of(&ro, "requestOptions")?;
    let mut on_status = None;
    if let Some((extra, path)) = extra {
        if signal.is_none() {
            signal = signal_of(extra, path)?;
        }
        on_status = callback_of(extra, path)?;
    }
    Ok(Prepared {
        env: JsEnv::new(signal, on_status),
        options,
    })
}

/// Rejects with a validation error.
pub(crate) fn reject(e: Error) -> Promise {
    Promise::reject(&to_js(&e))
}

/// What becomes of a plan's final JSON text.
pub(crate) enum Out {
    /// The parsed JSON.
    Json,
    /// The parsed JSON, also kept in a handle's `.session`.
    Store(Rc<RefCell<JsValue>>),
    /// `undefined`.
    Nothing,
    /// What the response's content type says: parsed JSON, text or a `Blob`.
    Content,
}

/// One Promise-returning method as data, run by the shared driver [`spawn`].
pub(crate) enum Job {
    /// A plan (a call, a wait, or both).
    Plan {
        plan: Plan,
        env: JsEnv,
        options: CallOptions,
        out: Out,
    },
    /// Read the caller's file, then send it as a multipart upload.
    Upload {
        source: super::content::Source,
        env: JsEnv,
        options: CallOptions,
    },
    /// Create a session and wait until it is ready, then resolve with a handle
    /// (`openBrowserSession`) or call `callback` and close it (`withBrowserSession`).
    Open {
        open: Open,
        env: JsEnv,
        callback: Option<Function>,
        /// Makes the handle `openBrowserSession` resolves with, from the session's JSON text.
        make_handle: MakeHandle,
    },
}

impl Job {
    pub(crate) fn plan(
        plan: Result<Plan, Error>,
        prepared: Result<Prepared, Error>,
        out: Out,
    ) -> Result<Job, Error> {
        let plan = plan?;
        let p = prepared?;
        let sends_body = plan
            .call
            .as_ref()
            .is_some_and(|c| c.method != crate::request::Method::Get);
        if p.options.extra_body.is_some() && !sends_body {
            return Err(Error::invalid(
                "requestOptions.extraBody",
                "is for methods that send a body",
            ));
        }
        Ok(Job::Plan {
            plan,
            env: p.env,
            options: p.options,
            out,
        })
    }
}

/// Runs `job` on the shared driver; a validation error rejects at once.
#[inline(never)]
pub(crate) fn spawn(config: &Rc<Config>, job: Result<Job, Error>) -> Promise {
    match job {
        Ok(job) => wasm_bindgen_futures::future_to_promise(execute(config.clone(), job)),
        Err(e) => reject(e),
    }
}

async fn execute(config: Rc<Config>, job: Job) -> Result<JsValue, JsValue> {
    match job {
        Job::Plan {
            plan,
            env,
            options,
            out,
        } => {
            if env.aborted() {
                return Err(env.error(Error::Aborted));
            }
            if let (Out::Content, Some(call)) = (&out, &plan.call) {
                let resp = plan::fetch(&env, &config, &options, call)
                    .await
                    .map_err(|e| env.error(e))?;
                return super::content::value(resp).map_err(|e| to_js(&e));
            }
            let text = plan::run(&env, &config, &options, &plan)
                .await
                .map_err(|e| env.error(e))?;
            let value = match out {
                Out::Nothing => return Ok(JsValue::UNDEFINED),
                _ => parse_success(&text).map_err(|e| to_js(&e))?,
            };
            if let Out::Store(session) = out {
                *session.borrow_mut() = value.clone();
            }
            Ok(value)
        }
        Job::Upload {
            source,
            env,
            options,
        } => {
            let plan = source.read().await.map_err(|e| env.error(e))?;
            let text = plan::run(&env, &config, &options, &plan)
                .await
                .map_err(|e| env.error(e))?;
            parse_success(&text).map_err(|e| to_js(&e))
        }
        Job::Open {
            open,
            env,
            callback,
            make_handle,
        } => {
            if env.aborted() {
                return Err(env.error(Error::Aborted));
            }
            let cleanup = JsEnv::default();
            let text = session::open(&env, &cleanup, &config, &open)
                .await
                .map_err(|e| env.error(e))?;
            let Some(callback) = callback else {
                return make_handle(config, &text, open.options).map_err(|e| to_js(&e));
            };
            let id = session::id_of(&text).unwrap_or_default();
            let session_obj = parse_success(&text).map_err(|e| to_js(&e))?;
            let outcome = match callback.call1(&JsValue::UNDEFINED, &session_obj) {
                Ok(v) => JsFuture::from(until_abort(&v, &env.signal_value())).await,
                Err(thrown) => Err(thrown),
            };
            let closed = session::close(&cleanup, &config, &open.options, &id).await;
            match (outcome, closed) {
                (Ok(v), Ok(_)) => Ok(v),
                (Ok(_), Err(e)) => Err(to_js(&e)),
                (Err(e), _) => Err(e),
            }
        }
    }
}
