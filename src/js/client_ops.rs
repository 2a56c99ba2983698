//! The rest of `SkyvernClient`'s methods: run lists and records, artifacts,
//! task shortcuts, TOTP codes, file uploads and browser-profile changes.
//! Their TypeScript declarations and docs are in `types.d.ts`.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::call::{prepare, spawn, Job, Out};
use super::client::SkyvernClient;
use super::content;
use crate::api::{listing, profiles, tasks};
use crate::error::Error;
use crate::plan::Plan;

type Arg = Option<JsValue>;

impl SkyvernClient {
    /// Runs a plan made from a method's arguments. `extra` is the request when
    /// it may carry `abortSignal` / `onStatus` (the run-starting methods).
    #[inline(never)]
    fn go(
        &self,
        plan: Result<Plan, Error>,
        extra: Option<&JsValue>,
        ro: &Arg,
        out: Out,
    ) -> Promise {
        let extra = extra.map(|r| (r, "request"));
        spawn(&self.config, Job::plan(plan, prepare(ro, extra), out))
    }
}

#[wasm_bindgen]
impl SkyvernClient {
    /// Lists browser profiles (`GET /v1/browser_profiles`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = listBrowserProfiles)]
    pub fn list_browser_profiles(&self, request: Arg, request_options: Arg) -> Promise {
        self.go(
            profiles::list(request.as_ref()),
            None,
            &request_options,
            Out::Json,
        )
    }

    /// Changes a browser profile (`PATCH /v1/browser_profiles/{id}`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = updateBrowserProfile)]
    pub fn update_browser_profile(
        &self,
        profile_id: Arg,
        request: Arg,
        request_options: Arg,
    ) -> Promise {
        let plan = profiles::update(profile_id.as_ref(), request.as_ref());
        self.go(plan, None, &request_options, Out::Json)
    }

    /// Lists runs (`GET /v1/runs`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = getRunsV2)]
    pub fn get_runs_v2(&self, request: Arg, request_options: Arg) -> Promise {
        self.go(
            listing::get_runs(request.as_ref()),
            None,
            &request_options,
            Out::Json,
        )
    }

    /// The same as `getRunsV2`.
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = getRuns)]
    pub fn get_runs(&self, request: Arg, request_options: Arg) -> Promise {
        self.get_runs_v2(request, request_options)
    }

    /// Cancels several runs (`POST /v1/runs/cancel`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = bulkCancelRuns)]
    pub fn bulk_cancel_runs(&self, request: Arg, request_options: Arg) -> Promise {
        self.go(
            listing::bulk_cancel(request.as_ref()),
            None,
            &request_options,
            Out::Json,
        )
    }

    /// A run's timeline (`GET /v1/runs/{id}/timeline`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = getRunTimeline)]
    pub fn get_run_timeline(&self, run_id: Arg, request_options: Arg) -> Promise {
        self.go(
            listing::timeline(run_id.as_ref()),
            None,
            &request_options,
            Out::Json,
        )
    }

    /// A run's artifacts (`GET /v1/runs/{id}/artifacts`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = getRunArtifacts)]
    pub fn get_run_artifacts(&self, run_id: Arg, request: Arg, request_options: Arg) -> Promise {
        let plan = listing::artifacts(run_id.as_ref(), request.as_ref());
        self.go(plan, None, &request_options, Out::Json)
    }

    /// An artifact's content (`GET /v1/artifacts/{id}/content`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = getArtifactContent)]
    pub fn get_artifact_content(&self, artifact_id: Arg, request_options: Arg) -> Promise {
        let plan = listing::artifact_content(artifact_id.as_ref());
        self.go(plan, None, &request_options, Out::Content)
    }

    /// Sends a finished run's webhook again (`POST /v1/runs/{id}/retry_webhook`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = retryRunWebhook)]
    pub fn retry_run_webhook(&self, run_id: Arg, request: Arg, request_options: Arg) -> Promise {
        let plan = listing::retry_webhook(run_id.as_ref(), request.as_ref());
        self.go(plan, None, &request_options, Out::Json)
    }

    /// Starts a login run (`POST /v1/run/tasks/login`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc)]
    pub fn login(&self, request: Arg, request_options: Arg) -> Promise {
        let plan = tasks::login(request.as_ref());
        self.go(plan, request.as_ref(), &request_options, Out::Json)
    }

    /// Starts a file-download run (`POST /v1/run/tasks/download_files`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = downloadFiles)]
    pub fn download_files(&self, request: Arg, request_options: Arg) -> Promise {
        let plan = tasks::download_files(request.as_ref());
        self.go(plan, request.as_ref(), &request_options, Out::Json)
    }

    /// Hands Skyvern a TOTP code (`POST /v1/credentials/totp`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = sendTotpCode)]
    pub fn send_totp_code(&self, request: Arg, request_options: Arg) -> Promise {
        self.go(
            tasks::send_totp_code(request.as_ref()),
            None,
            &request_options,
            Out::Json,
        )
    }

    /// Uploads a file (`POST /v1/upload_file`, `multipart/form-data`).
    #[wasm_bindgen(skip_typescript, skip_jsdoc, js_name = uploadFile)]
    pub fn upload_file(&self, request: Arg, request_options: Arg) -> Promise {
        let request = request.unwrap_or(JsValue::UNDEFINED);
        let job = content::source(&request).and_then(|source| {
            let p = prepare(&request_options, None)?;
            Ok(Job::Upload {
                source,
                env: p.env,
                options: p.options,
            })
        });
        spawn(&self.config, job)
    }
}
