//! `SkyvernClient`: every method validates, delegates to the core and returns a Promise.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::AbortSignal;

use super::convert::{get, parse_success, to_value};
use super::env::{error_classes, to_js, JsEnv};
use super::handle::BrowserSessionHandle;
use crate::api::{profiles, runs, sessions};
use crate::client::{self, Plan};
use crate::config::{CallOptions, Config};
use crate::error::Error;
use crate::json::Value;
use crate::session;

/// Returns the error classes (`SkyvernError` and its subclasses).
#[wasm_bindgen(js_name = errorClasses, unchecked_return_type = "ErrorClasses")]
pub fn error_classes_export() -> JsValue {
    error_classes()
}

/// A Skyvern API client. Methods return Promises; request and response fields
/// keep Skyvern's wire names.
#[wasm_bindgen]
pub struct SkyvernClient {
    config: Rc<Config>,
}

fn in_browser() -> bool {
    !get(&js_sys::global(), "document").is_undefined()
}

/// The abort signal in `options.abortSignal`; an error when it is not an `AbortSignal`.
fn signal_of(options: &JsValue, path: &str) -> Result<Option<AbortSignal>, Error> {
    let s = get(options, "abortSignal");
    if s.is_undefined() {
        return Ok(None);
    }
    s.dyn_into::<AbortSignal>()
        .map(Some)
        .map_err(|_| Error::invalid(&format!("{path}.abortSignal"), "must be an AbortSignal"))
}

fn opt(v: &Option<JsValue>) -> Option<Value> {
    v.as_ref().map(to_value)
}

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
    let options = CallOptions::from_value(opt(request_options).as_ref())?;
    let mut signal = signal_of(&ro, "requestOptions")?;
    let mut on_status = None;
    if let Some((extra, path)) = extra {
        if signal.is_none() {
            signal = signal_of(extra, path)?;
        }
        on_status = get(extra, "onStatus").dyn_into::<Function>().ok();
    }
    Ok(Prepared {
        env: JsEnv::new(signal, on_status),
        options,
    })
}

/// Rejects with a validation error.
fn reject(e: Error) -> Promise {
    Promise::reject(&to_js(&e))
}

impl SkyvernClient {
    fn start(&self, plan: Result<Plan, Error>, prepared: Result<Prepared, Error>) -> Promise {
        let (plan, p) = match (plan, prepared) {
            (Ok(plan), Ok(p)) => (plan, p),
            (Err(e), _) | (_, Err(e)) => return reject(e),
        };
        let config = self.config.clone();
        future_to_promise(async move {
            if let Some(s) = &p.env.signal {
                if s.aborted() {
                    return Err(s.reason());
                }
            }
            let text = client::run(&p.env, &config, &p.options, &plan)
                .await
                .map_err(|e| p.env.error(e))?;
            parse_success(&text).map_err(|e| to_js(&e))
        })
    }

    fn simple(&self, plan: Result<Plan, Error>, request_options: &Option<JsValue>) -> Promise {
        self.start(plan, prepare(request_options, None))
    }
}

#[wasm_bindgen]
impl SkyvernClient {
    /// Creates a client. Throws a `SkyvernError` naming the option when an option is
    /// unknown, of the wrong type or out of range, and when an `apiKey` is used in a
    /// web page without `dangerouslyAllowBrowser: true`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "SkyvernClientOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<SkyvernClient, JsValue> {
        let config =
            Config::from_options(opt(&options).as_ref(), in_browser()).map_err(|e| to_js(&e))?;
        Ok(SkyvernClient {
            config: Rc::new(config),
        })
    }

    /// Creates a browser session (`POST /v1/browser_sessions`). Never retried unless the
    /// server said nothing was created.
    #[wasm_bindgen(js_name = createBrowserSession, unchecked_return_type = "Promise<BrowserSession>")]
    pub fn create_browser_session(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CreateBrowserSessionRequest")]
        request: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.simple(sessions::create(opt(&request).as_ref()), &request_options)
    }

    /// Gets a browser session.
    #[wasm_bindgen(js_name = getBrowserSession, unchecked_return_type = "Promise<BrowserSession>")]
    pub fn get_browser_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] browser_session_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.simple(
            sessions::get(Some(&to_value(&browser_session_id))),
            &request_options,
        )
    }

    /// Lists the active browser sessions.
    #[wasm_bindgen(js_name = getBrowserSessions, unchecked_return_type = "Promise<BrowserSession[]>")]
    pub fn get_browser_sessions(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.simple(Ok(sessions::list()), &request_options)
    }

    /// Closes a browser session (idempotent).
    #[wasm_bindgen(js_name = closeBrowserSession, unchecked_return_type = "Promise<CloseBrowserSessionResponse>")]
    pub fn close_browser_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] browser_session_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.simple(
            sessions::close(Some(&to_value(&browser_session_id))),
            &request_options,
        )
    }

    /// Turns profile generation on or off for a session.
    #[wasm_bindgen(js_name = updateBrowserSession, unchecked_return_type = "Promise<BrowserSession>")]
    pub fn update_browser_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] browser_session_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "UpdateBrowserSessionRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let plan = sessions::update(
            Some(&to_value(&browser_session_id)),
            Some(&to_value(&request)),
        );
        self.simple(plan, &request_options)
    }

    /// Extends a session's lifetime. A 202 (not confirmed) resolves with the body and its
    /// `warning`; read the session back with `getBrowserSession`.
    #[wasm_bindgen(js_name = extendBrowserSession, unchecked_return_type = "Promise<BrowserSession>")]
    pub fn extend_browser_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] browser_session_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ExtendBrowserSessionRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let plan = sessions::extend(
            Some(&to_value(&browser_session_id)),
            Some(&to_value(&request)),
        );
        self.simple(plan, &request_options)
    }

    /// Resolves with the session once it is running; rejects if it ends first or the
    /// wait times out (`SkyvernTimeoutError` with `lastSeen`).
    #[wasm_bindgen(js_name = waitForBrowserSession, unchecked_return_type = "Promise<BrowserSession>")]
    pub fn wait_for_browser_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] browser_session_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions<BrowserSession>")]
        options: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let o = options.clone().unwrap_or(JsValue::UNDEFINED);
        let plan = sessions::wait(Some(&to_value(&browser_session_id)), opt(&options).as_ref());
        self.start(plan, prepare(&request_options, Some((&o, "options"))))
    }

    /// Runs a task (`POST /v1/run/tasks`); with `waitForCompletion` resolves with the run
    /// in a terminal status.
    #[wasm_bindgen(js_name = runTask, unchecked_return_type = "Promise<TaskRun>")]
    pub fn run_task(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RunTaskRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let plan = runs::run_task(Some(&to_value(&request)));
        self.start(plan, prepare(&request_options, Some((&request, "request"))))
    }

    /// Runs a workflow (`POST /v1/run/agents`), with the same wait options as `runTask`.
    #[wasm_bindgen(js_name = runWorkflow, unchecked_return_type = "Promise<WorkflowRun>")]
    pub fn run_workflow(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RunWorkflowRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let plan = runs::run_workflow(Some(&to_value(&request)));
        self.start(plan, prepare(&request_options, Some((&request, "request"))))
    }

    /// Gets a run (task or workflow).
    #[wasm_bindgen(js_name = getRun, unchecked_return_type = "Promise<Run>")]
    pub fn get_run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] run_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.simple(runs::get(Some(&to_value(&run_id))), &request_options)
    }

    /// Cancels a run (idempotent).
    #[wasm_bindgen(js_name = cancelRun, unchecked_return_type = "Promise<unknown>")]
    pub fn cancel_run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] run_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.simple(runs::cancel(Some(&to_value(&run_id))), &request_options)
    }

    /// Polls a run until its status is terminal (`paused` is not). A timeout rejects with
    /// `SkyvernTimeoutError` carrying `lastSeen` and does not cancel the run.
    #[wasm_bindgen(js_name = waitForRun, unchecked_return_type = "Promise<Run>")]
    pub fn wait_for_run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] run_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions<Run>")] options: Option<
            JsValue,
        >,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let o = options.clone().unwrap_or(JsValue::UNDEFINED);
        let plan = runs::wait(Some(&to_value(&run_id)), opt(&options).as_ref());
        self.start(plan, prepare(&request_options, Some((&o, "options"))))
    }

    /// Creates a browser profile.
    #[wasm_bindgen(js_name = createBrowserProfile, unchecked_return_type = "Promise<BrowserProfile>")]
    pub fn create_browser_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateBrowserProfileRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.simple(
            profiles::create(Some(&to_value(&request))),
            &request_options,
        )
    }

    /// Lists browser profiles.
    #[wasm_bindgen(js_name = getBrowserProfiles, unchecked_return_type = "Promise<BrowserProfile[]>")]
    pub fn get_browser_profiles(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.simple(Ok(profiles::list()), &request_options)
    }

    /// Gets a browser profile.
    #[wasm_bindgen(js_name = getBrowserProfile, unchecked_return_type = "Promise<BrowserProfile>")]
    pub fn get_browser_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] profile_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.simple(
            profiles::get(Some(&to_value(&profile_id))),
            &request_options,
        )
    }

    /// Deletes a browser profile.
    #[wasm_bindgen(js_name = deleteBrowserProfile, unchecked_return_type = "Promise<void>")]
    pub fn delete_browser_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] profile_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.simple(
            profiles::delete(Some(&to_value(&profile_id))),
            &request_options,
        )
    }

    /// Creates a session, waits until it is ready (unless `waitUntilReady: false`) and
    /// resolves with a handle; `await using` closes it. If the wait fails the session is
    /// closed before the Promise rejects.
    #[wasm_bindgen(js_name = openBrowserSession, unchecked_return_type = "Promise<BrowserSessionHandle>")]
    pub fn open_browser_session(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CreateBrowserSessionRequest")]
        request: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "OpenBrowserSessionOptions")]
        options: Option<JsValue>,
    ) -> Promise {
        let o = options.clone().unwrap_or(JsValue::UNDEFINED);
        let open = session::open_plan(opt(&request).as_ref(), opt(&options).as_ref());
        let (open, signal) = match (open, signal_of(&o, "options")) {
            (Ok(open), Ok(signal)) => (open, signal),
            (Err(e), _) | (_, Err(e)) => return reject(e),
        };
        let config = self.config.clone();
        future_to_promise(async move {
            let env = JsEnv::new(signal, None);
            if env.signal.as_ref().is_some_and(|s| s.aborted()) {
                return Err(env.error(Error::Aborted));
            }
            let text = session::open(&env, &JsEnv::default(), &config, &open)
                .await
                .map_err(|e| env.error(e))?;
            let handle =
                BrowserSessionHandle::new(config, &text, open.options).map_err(|e| to_js(&e))?;
            Ok(handle.into())
        })
    }

    /// Creates a session, waits until it is ready (unless `waitUntilReady: false`), calls
    /// `callback(session)` and always closes the session afterwards (success, throw or
    /// abort). Resolves with the callback's value.
    #[wasm_bindgen(js_name = withBrowserSession, skip_typescript)]
    pub fn with_browser_session(
        &self,
        request: JsValue,
        callback: JsValue,
        options: Option<JsValue>,
    ) -> Promise {
        let o = options.clone().unwrap_or(JsValue::UNDEFINED);
        let Ok(callback) = callback.dyn_into::<Function>() else {
            return reject(Error::invalid("callback", "must be a function"));
        };
        let open = session::open_plan(Some(&to_value(&request)), opt(&options).as_ref());
        let (open, signal) = match (open, signal_of(&o, "options")) {
            (Ok(open), Ok(signal)) => (open, signal),
            (Err(e), _) | (_, Err(e)) => return reject(e),
        };
        let config = self.config.clone();
        future_to_promise(async move {
            let env = JsEnv::new(signal, None);
            if env.signal.as_ref().is_some_and(|s| s.aborted()) {
                return Err(env.error(Error::Aborted));
            }
            let cleanup = JsEnv::default();
            let text = session::open(&env, &cleanup, &config, &open)
                .await
                .map_err(|e| env.error(e))?;
            let id = Value::parse(&text)
                .and_then(|v| {
                    v.field("browser_session_id")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .unwrap_or_default();
            let session_obj = parse_success(&text).map_err(|e| to_js(&e))?;
            let outcome = match callback.call1(&JsValue::UNDEFINED, &session_obj) {
                Ok(v) => until_abort(Promise::resolve(&v), env.signal.as_ref()).await,
                Err(thrown) => Err(thrown),
            };
            let closed = session::close(&cleanup, &config, &open.options, &id).await;
            match (outcome, closed) {
                (Ok(v), Ok(_)) => Ok(v),
                (Ok(_), Err(e)) => Err(to_js(&e)),
                (Err(e), _) => Err(e),
            }
        })
    }
}

/// Awaits `promise`, or rejects with the signal's reason as soon as it aborts.
async fn until_abort(promise: Promise, signal: Option<&AbortSignal>) -> Result<JsValue, JsValue> {
    let Some(signal) = signal else {
        return JsFuture::from(promise).await;
    };
    let mut reject_fn: Option<Function> = None;
    let aborted = Promise::new(&mut |_, reject| {
        let _ = signal.add_event_listener_with_callback("abort", &reject);
        reject_fn = Some(reject);
    });
    let raced = Promise::race(&js_sys::Array::of2(&promise, &aborted));
    let result = JsFuture::from(raced).await;
    if let Some(f) = &reject_fn {
        let _ = signal.remove_event_listener_with_callback("abort", f);
    }
    if signal.aborted() && result.is_err() {
        return Err(signal.reason());
    }
    result
}
