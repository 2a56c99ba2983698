//! The core's environment in JavaScript: fetch, timers, the abort signal and
//! the `onStatus` callback of one call.

use std::cell::RefCell;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::errors::to_js;
use crate::error::Error;
use crate::request::{HttpRequest, HttpResponse};
use crate::transport::{fetch, Env, SendError};

/// Abort races, written where the engine provides them (in `host.js`).
#[wasm_bindgen(module = "/src/js/host.js")]
extern "C" {
    /// Resolves like `value`, or rejects with the signal's reason as soon as it aborts.
    #[wasm_bindgen(js_name = untilAbort)]
    pub fn until_abort(value: &JsValue, signal: &JsValue) -> Promise;
}

/// One call's environment.
#[derive(Default)]
pub struct JsEnv {
    pub signal: Option<AbortSignal>,
    pub on_status: Option<Function>,
    /// What a throwing `onStatus` threw.
    thrown: RefCell<Option<JsValue>>,
}

impl JsEnv {
    pub fn new(signal: Option<AbortSignal>, on_status: Option<Function>) -> JsEnv {
        JsEnv {
            signal,
            on_status,
            thrown: RefCell::new(None),
        }
    }

    /// The abort signal, or `undefined`.
    pub fn signal_value(&self) -> JsValue {
        match &self.signal {
            Some(s) => s.into(),
            None => JsValue::UNDEFINED,
        }
    }

    /// The JavaScript value a core error rejects with.
    pub fn error(&self, e: Error) -> JsValue {
        match e {
            Error::Aborted => match &self.signal {
                Some(s) => s.reason(),
                None => to_js(&e),
            },
            Error::Callback => self
                .thrown
                .borrow_mut()
                .take()
                .unwrap_or(JsValue::UNDEFINED),
            other => to_js(&other),
        }
    }
}

impl Env for JsEnv {
    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: f64,
    ) -> Result<HttpResponse, SendError> {
        fetch::send(request, timeout_ms, self.signal.as_ref()).await
    }

    async fn sleep(&self, ms: f64) -> Result<(), Error> {
        if self.aborted() {
            return Err(Error::Aborted);
        }
        fetch::sleep(ms, self.signal.as_ref()).await;
        if self.aborted() {
            Err(Error::Aborted)
        } else {
            Ok(())
        }
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    fn aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(|s| s.aborted())
    }

    fn on_status(&self, body: &str) -> Result<(), Error> {
        let Some(f) = &self.on_status else {
            return Ok(());
        };
        let value = js_sys::JSON::parse(body).unwrap_or(JsValue::UNDEFINED);
        match f.call1(&JsValue::UNDEFINED, &value) {
            Ok(_) => Ok(()),
            Err(thrown) => {
                *self.thrown.borrow_mut() = Some(thrown);
                Err(Error::Callback)
            }
        }
    }
}

/// Is the client running in a web page (a global `document`)?
pub fn in_browser() -> bool {
    !super::value::get(&js_sys::global(), "document").is_undefined()
}
