//! `BrowserSessionHandle`: an open session with `refresh`, `runTask` and `close`.
//! The package adds `Symbol.asyncDispose` (→ `close()`) to its prototype, so
//! `await using session = await client.openBrowserSession()` closes it.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::client::prepare;
use super::convert::{parse_success, to_value};
use super::env::{to_js, JsEnv};
use crate::api::{runs, sessions};
use crate::client;
use crate::config::{CallOptions, Config};
use crate::error::Error;
use crate::json::Value;
use crate::session;

struct State {
    config: Rc<Config>,
    id: String,
    session: RefCell<JsValue>,
    /// Headers and limits the session was opened with, reused by `close()`.
    options: CallOptions,
    closing: RefCell<Option<Promise>>,
}

/// An open browser session. `close()` is idempotent; `await using` calls it.
#[wasm_bindgen]
pub struct BrowserSessionHandle {
    state: Rc<State>,
}

impl BrowserSessionHandle {
    pub(crate) fn new(
        config: Rc<Config>,
        text: &str,
        options: CallOptions,
    ) -> Result<BrowserSessionHandle, Error> {
        let id = Value::parse(text)
            .and_then(|v| {
                v.field("browser_session_id")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .ok_or_else(|| Error::InvalidResponse {
                status: 200,
                body: text.to_string(),
            })?;
        let session = parse_success(text)?;
        Ok(BrowserSessionHandle {
            state: Rc::new(State {
                config,
                id,
                session: RefCell::new(session),
                options,
                closing: RefCell::new(None),
            }),
        })
    }
}

#[wasm_bindgen]
impl BrowserSessionHandle {
    /// The session id (`pbs_…`).
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.state.id.clone()
    }

    /// The last session object seen (updated by `refresh()`).
    #[wasm_bindgen(getter, unchecked_return_type = "BrowserSession")]
    pub fn session(&self) -> JsValue {
        self.state.session.borrow().clone()
    }

    /// Fetches the session again and updates `.session`.
    #[wasm_bindgen(unchecked_return_type = "Promise<BrowserSession>")]
    pub fn refresh(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let p = match prepare(&request_options, None) {
            Ok(p) => p,
            Err(e) => return Promise::reject(&to_js(&e)),
        };
        let state = self.state.clone();
        future_to_promise(async move {
            let plan =
                sessions::get(Some(&Value::String(state.id.clone()))).map_err(|e| to_js(&e))?;
            let text = client::run(&p.env, &state.config, &p.options, &plan)
                .await
                .map_err(|e| p.env.error(e))?;
            let value = parse_success(&text).map_err(|e| to_js(&e))?;
            *state.session.borrow_mut() = value.clone();
            Ok(value)
        })
    }

    /// Runs a task in this session (`browser_session_id` is filled in).
    #[wasm_bindgen(js_name = runTask, unchecked_return_type = "Promise<TaskRun>")]
    pub fn run_task(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Omit<RunTaskRequest, 'browser_session_id'>")]
        request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let mut value = to_value(&request);
        if let Value::Object(members) = &mut value {
            match members.iter().find(|(k, _)| k == "browser_session_id") {
                Some((_, Value::String(s))) if *s != self.state.id => {
                    return Promise::reject(&to_js(&Error::invalid(
                        "request.browser_session_id",
                        "differs from this handle's session",
                    )))
                }
                Some((_, Value::String(_))) => {}
                _ => {
                    members.retain(|(k, _)| k != "browser_session_id");
                    members.push((
                        "browser_session_id".into(),
                        Value::String(self.state.id.clone()),
                    ));
                }
            }
        }
        let plan = runs::run_task(Some(&value));
        let prepared = prepare(&request_options, Some((&request, "request")));
        let (plan, p) = match (plan, prepared) {
            (Ok(plan), Ok(p)) => (plan, p),
            (Err(e), _) | (_, Err(e)) => return Promise::reject(&to_js(&e)),
        };
        let config = self.state.config.clone();
        future_to_promise(async move {
            let text = client::run(&p.env, &config, &p.options, &plan)
                .await
                .map_err(|e| p.env.error(e))?;
            parse_success(&text).map_err(|e| to_js(&e))
        })
    }

    /// Closes the session. Calling it again returns the same Promise.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn close(&self) -> Promise {
        if let Some(p) = self.state.closing.borrow().as_ref() {
            return p.clone();
        }
        let state = self.state.clone();
        let promise = future_to_promise(async move {
            let env = JsEnv::default();
            session::close(&env, &state.config, &state.options, &state.id)
                .await
                .map_err(|e| env.error(e))?;
            Ok(JsValue::UNDEFINED)
        });
        *self.state.closing.borrow_mut() = Some(promise.clone());
        promise
    }
}
