//! `SkyvernClient`: every method validates, delegates to the core and returns a Promise.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

use super::call::{prepare, reject, signal_of, spawn, Job, Out};
use super::env::in_browser;
use super::env::JsEnv;
use super::errors::to_js;
use super::handle::BrowserSessionHandle;
use crate::api::{profiles, runs, sessions};
use crate::config::Config;
use crate::error::Error;
use crate::session;

/// A Skyvern API client. Methods return Promises; request and response fields
/// keep Skyvern's wire names.
#[wasm_bindgen]
pub struct SkyvernClient {
    pub(crate) config: Rc<Config>,
}

/// The client's plain methods, dispatched by [`SkyvernClient::call`].
#[derive(Clone, Copy)]
enum M {
    CreateSession,
    GetSession,
    ListSessions,
    CloseSession,
    UpdateSession,
    ExtendSession,
    WaitSession,
    RunTask,
    RunWorkflow,
    GetRun,
    CancelRun,
    WaitRun,
    CreateProfile,
    ListProfiles,
    GetProfile,
    DeleteProfile,
}

impl SkyvernClient {
    /// Validates a method's arguments into a plan and runs it. `extra` is an
    /// options object (or the request) that may also carry `abortSignal` / `onStatus`.
    #[inline(never)]
    fn call(
        &self,
        m: M,
        a: Option<JsValue>,
        b: Option<JsValue>,
        extra: Option<(&JsValue, &str)>,
        request_options: &Option<JsValue>,
    ) -> Promise {
        let (a, b) = (a.as_ref(), b.as_ref());
        let plan = match m {
            M::CreateSession => sessions::create(a),
            M::GetSession => sessions::get(a),
            M::ListSessions => Ok(sessions::list()),
            M::CloseSession => sessions::close(a),
            M::UpdateSession => sessions::update(a, b),
            M::ExtendSession => sessions::extend(a, b),
            M::WaitSession => sessions::wait(a, b),
            M::RunTask => runs::run_task(a),
            M::RunWorkflow => runs::run_workflow(a),
            M::GetRun => runs::get(a),
            M::CancelRun => runs::cancel(a),
            M::WaitRun => runs::wait(a, b),
            M::CreateProfile => profiles::create(a),
            M::ListProfiles => profiles::list(None),
            M::GetProfile => profiles::get(a),
            M::DeleteProfile => profiles::delete(a),
        };
        spawn(
            &self.config,
            Job::plan(plan, prepare(request_options, extra), Out::Json),
        )
    }

    /// `openBrowserSession` and `withBrowserSession`.
    #[inline(never)]
    fn open(
        &self,
        request: Option<JsValue>,
        options: Option<JsValue>,
        callback: Option<Function>,
    ) -> Promise {
        let o = options.clone().unwrap_or(JsValue::UNDEFINED);
        let job = session::open_plan(request.as_ref(), options.as_ref()).and_then(|open| {
            Ok(Job::Open {
                open,
                env: JsEnv::new(signal_of(&o, "options")?, None),
                callback,
                make_handle: BrowserSessionHandle::make,
            })
        });
        spawn(&self.config, job)
    }
}

// The methods' TypeScript declarations and docs are in `types.rs` (merged into the
// class in the generated `.d.ts`); `skip_jsdoc` keeps them out of the shipped JS glue.
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
        let config = Config::from_options(options.as_ref(), in_browser()).map_err(|e| to_js(&e))?;
        Ok(SkyvernClient {
            config: Rc::new(config),
        })
    }

    /// Creates a browser session (`POST /v1/browser_sessions`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = createBrowserSession, unchecked_return_type = "Promise<BrowserSession>")]
    pub fn create_browser_session(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CreateBrowserSessionRequest")]
        request: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.call(
            M::CreateSession,
            request.clone(),
            None,
            None,
            &request_options,
        )
    }

    /// Gets a browser session by id.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = getBrowserSession, unchecked_return_type = "Promise<BrowserSession>")]
    pub fn get_browser_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] browser_session_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let id = Some(browser_session_id.clone());
        self.call(M::GetSession, id, None, None, &request_options)
    }

    /// Lists the active browser sessions.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = getBrowserSessions, unchecked_return_type = "Promise<BrowserSession[]>")]
    pub fn get_browser_sessions(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.call(M::ListSessions, None, None, None, &request_options)
    }

    /// Closes a browser session (idempotent).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = closeBrowserSession, unchecked_return_type = "Promise<CloseBrowserSessionResponse>")]
    pub fn close_browser_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] browser_session_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let id = Some(browser_session_id.clone());
        self.call(M::CloseSession, id, None, None, &request_options)
    }

    /// Changes a browser session (whether it saves a profile).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = updateBrowserSession, unchecked_return_type = "Promise<BrowserSession>")]
    pub fn update_browser_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] browser_session_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "UpdateBrowserSessionRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let (id, request) = (Some(browser_session_id.clone()), Some(request.clone()));
        self.call(M::UpdateSession, id, request, None, &request_options)
    }

    /// Extends a browser session by some minutes.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = extendBrowserSession, unchecked_return_type = "Promise<BrowserSession>")]
    pub fn extend_browser_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] browser_session_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ExtendBrowserSessionRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let (id, request) = (Some(browser_session_id.clone()), Some(request.clone()));
        self.call(M::ExtendSession, id, request, None, &request_options)
    }

    /// Waits until a browser session is ready.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = waitForBrowserSession, unchecked_return_type = "Promise<BrowserSession>")]
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
        let id = Some(browser_session_id.clone());
        let extra = Some((&o, "options"));
        self.call(M::WaitSession, id, options.clone(), extra, &request_options)
    }

    /// Runs a task, optionally waiting for it to finish.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = runTask, unchecked_return_type = "Promise<TaskRun>")]
    pub fn run_task(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RunTaskRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let value = Some(request.clone());
        self.call(
            M::RunTask,
            value,
            None,
            Some((&request, "request")),
            &request_options,
        )
    }

    /// Runs a workflow, optionally waiting for it to finish.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = runWorkflow, unchecked_return_type = "Promise<WorkflowRun>")]
    pub fn run_workflow(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RunWorkflowRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let value = Some(request.clone());
        self.call(
            M::RunWorkflow,
            value,
            None,
            Some((&request, "request")),
            &request_options,
        )
    }

    /// Gets a run by id.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = getRun, unchecked_return_type = "Promise<Run>")]
    pub fn get_run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] run_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.call(
            M::GetRun,
            Some(run_id.clone()),
            None,
            None,
            &request_options,
        )
    }

    /// Cancels a run (idempotent).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = cancelRun, unchecked_return_type = "Promise<unknown>")]
    pub fn cancel_run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] run_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.call(
            M::CancelRun,
            Some(run_id.clone()),
            None,
            None,
            &request_options,
        )
    }

    /// Waits until a run reaches a terminal status.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = waitForRun, unchecked_return_type = "Promise<Run>")]
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
        let id = Some(run_id.clone());
        let extra = Some((&o, "options"));
        self.call(M::WaitRun, id, options.clone(), extra, &request_options)
    }

    /// Creates a browser profile.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = createBrowserProfile, unchecked_return_type = "Promise<BrowserProfile>")]
    pub fn create_browser_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateBrowserProfileRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let value = Some(request.clone());
        self.call(M::CreateProfile, value, None, None, &request_options)
    }

    /// Lists the browser profiles (deprecated: `listBrowserProfiles`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = getBrowserProfiles, unchecked_return_type = "Promise<BrowserProfile[]>")]
    pub fn get_browser_profiles(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.call(M::ListProfiles, None, None, None, &request_options)
    }

    /// Gets a browser profile by id.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = getBrowserProfile, unchecked_return_type = "Promise<BrowserProfile>")]
    pub fn get_browser_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] profile_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let id = Some(profile_id.clone());
        self.call(M::GetProfile, id, None, None, &request_options)
    }

    /// Deletes a browser profile.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = deleteBrowserProfile, unchecked_return_type = "Promise<void>")]
    pub fn delete_browser_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] profile_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] request_options: Option<
            JsValue,
        >,
    ) -> Promise {
        let id = Some(profile_id.clone());
        self.call(M::DeleteProfile, id, None, None, &request_options)
    }

    /// Creates a session, waits until it is ready and resolves with its handle.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = openBrowserSession, unchecked_return_type = "Promise<BrowserSessionHandle>")]
    pub fn open_browser_session(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CreateBrowserSessionRequest")]
        request: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "OpenBrowserSessionOptions")]
        options: Option<JsValue>,
    ) -> Promise {
        self.open(request.clone(), options, None)
    }

    /// Runs a callback with a ready session and closes the session afterwards.
    #[wasm_bindgen(js_name = withBrowserSession, skip_typescript, skip_jsdoc)]
    pub fn with_browser_session(
        &self,
        request: JsValue,
        callback: JsValue,
        options: Option<JsValue>,
    ) -> Promise {
        let Ok(callback) = callback.dyn_into::<Function>() else {
            return reject(Error::invalid("callback", "must be a function"));
        };
        self.open(Some(request.clone()), options, Some(callback))
    }
}
