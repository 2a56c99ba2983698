//! `BrowserSessionHandle`: an open session with `refresh`, `runTask` and `close`.
//! The package adds `Symbol.asyncDispose` (→ `close()`) to its prototype, so
//! `await using session = await client.openBrowserSession()` closes it.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::call::{prepare, spawn, Job, Out};
use super::env::JsEnv;
use super::value::parse_success;
use crate::api::{runs, sessions};
use crate::config::{CallOptions, Config};
use crate::error::Error;

struct State {
    config: Rc<Config>,
    id: String,
    session: Rc<RefCell<JsValue>>,
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
    /// The handle of an opened session, as the JavaScript value a Promise resolves with.
    pub(crate) fn make(
        config: Rc<Config>,
        text: &str,
        options: CallOptions,
    ) -> Result<JsValue, Error> {
        BrowserSessionHandle::new(config, text, options).map(JsValue::from)
    }

    pub(crate) fn new(
        config: Rc<Config>,
        text: &str,
        options: CallOptions,
    ) -> Result<BrowserSessionHandle, Error> {
        let id = crate::session::id_of(text).ok_or_else(|| Error::InvalidResponse {
            status: 200,
            body: text.to_string(),
        })?;
        let session = parse_success(text)?;
        Ok(BrowserSessionHandle {
            state: Rc::new(State {
                config,
                id,
                session: Rc::new(RefCell::new(session)),
                options,
                closing: RefCell::new(None),
            }),
        })
    }
}

// The methods' TypeScript declarations and docs are in `types.rs` (merged into the
// class in the generated `.d.ts`); `skip_jsdoc` keeps them out of the shipped JS glue.
#[wasm_bindgen]
impl BrowserSessionHandle {
    #[wasm_bindgen(skip_typescript, skip_jsdoc, getter)]
    pub fn id(&self) -> String {
        self.state.id.clone()
    }

    #[wasm_bindgen(
        skip_typescript,
        skip_jsdoc,
        getter,
        unchecked_return_type = "BrowserSession"
    )]
    pub fn session(&self) -> JsValue {
        self.state.session.borrow().clone()
    }

    #[wasm_bindgen(
        skip_typescript,
        skip_jsdoc,
        unchecked_return_type = "Promise<BrowserSession>"
    )]
    pub fn refresh(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let plan = Ok(sessions::get_id(&self.state.id));
        let out = Out::Store(self.state.session.clone());
        spawn(
            &self.state.config,
            Job::plan(plan, prepare(&request_options, None), out),
        )
    }

    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = runTask, unchecked_return_type = "Promise<TaskRun>")]
    pub fn run_task(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Omit<RunTaskRequest, 'browser_session_id'>")]
        request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let plan = runs::run_task_in_session(Some(&request), &self.state.id);
        let prepared = prepare(&request_options, Some((&request, "request")));
        spawn(&self.state.config, Job::plan(plan, prepared, Out::Json))
    }

    #[wasm_bindgen(skip_typescript, skip_jsdoc, unchecked_return_type = "Promise<void>")]
    pub fn close(&self) -> Promise {
        if let Some(p) = self.state.closing.borrow().as_ref() {
            return p.clone();
        }
        let job = Ok(Job::Plan {
            plan: sessions::close_id(&self.state.id),
            env: JsEnv::default(),
            options: self.state.options.clone(),
            out: Out::Nothing,
        });
        let promise = spawn(&self.state.config, job);
        *self.state.closing.borrow_mut() = Some(promise.clone());
        promise
    }
}
