//! The JSON bodies of sessions, runs and profiles, as the real server writes them.

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::{is_terminal, Outcome, Profile, Run, Session, DEFAULT_MAX_STEPS};
use crate::util::Clock;
/// Renders JSON bodies.
pub struct Render<'a> {
    pub clock: &'a Clock,
    pub base_url: &'a str,
    pub org_id: &'a str,
    pub now: Instant,
}

impl Render<'_> {
    fn ts(&self, t: Instant) -> Value {
        Value::String(self.clock.iso(t))
    }

    fn ts_opt(&self, t: Option<Instant>) -> Value {
        t.map(|t| self.ts(t)).unwrap_or(Value::Null)
    }

    /// BrowserSessionResponse. `single`: the single-session GET, the only
    /// place `stream_transport` is filled in.
    pub fn session(&self, s: &Session, single: bool) -> Value {
        let now = self.now;
        let started = s.started(now);
        let address = if started {
            if s.completed.is_some() {
                Value::String(format!("{}::closed::{}", s.address, s.closed_suffix))
            } else {
                Value::String(s.address.clone())
            }
        } else {
            Value::Null
        };
        let modified = if started && s.start_at > s.modified && s.completed.is_none() {
            s.start_at
        } else {
            s.modified
        };
        let (rt, rid) = match &s.runnable {
            Some((t, i)) => (json!(t), json!(i)),
            None => (Value::Null, Value::Null),
        };
        let mut m = Map::new();
        m.insert("browser_session_id".into(), json!(s.id));
        m.insert("organization_id".into(), json!(self.org_id));
        m.insert("status".into(), json!(s.status(now)));
        m.insert("runnable_type".into(), rt);
        m.insert("runnable_id".into(), rid);
        m.insert("timeout".into(), json!(s.timeout));
        m.insert("browser_address".into(), address);
        m.insert(
            "app_url".into(),
            json!(format!("{}/browser-session/{}", self.base_url, s.id)),
        );
        m.insert("extensions".into(), s.extensions.clone());
        m.insert("browser_type".into(), s.browser_type.clone());
        m.insert("browser_profile_id".into(), json!(s.browser_profile_id));
        m.insert(
            "generate_browser_profile".into(),
            json!(s.generate_browser_profile),
        );
        m.insert("browser_settings".into(), s.browser_settings.clone());
        m.insert("browser_settings_receipt".into(), Value::Null);
        m.insert("vnc_streaming_supported".into(), json!(started));
        m.insert(
            "stream_transport".into(),
            if single { json!("cdp") } else { Value::Null },
        );
        m.insert(
            "download_path".into(),
            json!(format!("/app/downloads/{}/{}", self.org_id, s.id)),
        );
        m.insert("downloaded_files".into(), json!([]));
        m.insert("recordings".into(), json!([]));
        m.insert(
            "started_at".into(),
            if started {
                self.ts(s.start_at)
            } else {
                Value::Null
            },
        );
        m.insert("completed_at".into(), self.ts_opt(s.completed));
        m.insert("created_by".into(), Value::Null);
        m.insert("created_at".into(), self.ts(s.created));
        m.insert(
            "modified_at".into(),
            self.ts(modified.max(s.created + Duration::from_micros(4))),
        );
        m.insert("deleted_at".into(), Value::Null);
        m.insert("warning".into(), json!(s.warning));
        m.insert("source".into(), json!("managed"));
        m.insert("remaining_lifetime_seconds".into(), Value::Null);
        Value::Object(m)
    }

    /// TaskRunResponse / WorkflowRunResponse.
    pub fn run(&self, r: &Run) -> Value {
        let v = r.view(self.now);
        let terminal = is_terminal(v.status);
        let steps = v.step_count.unwrap_or(0);
        let show_result = terminal || v.status == "paused";
        let screenshots = if show_result && steps > 0 {
            json!((1..=steps)
                .rev()
                .map(|k| format!("{}/runs/{}/screenshots/{k}.svg", self.base_url, r.id))
                .collect::<Vec<_>>())
        } else {
            Value::Null
        };
        let output = if v.status == "completed" {
            r.output()
        } else {
            Value::Null
        };
        // Once a task's first step exists the real server reads its task row
        // back: `errors` (the row's list), `downloaded_files` (the storage
        // listing) and `max_steps` (the limit the step runner set, 10 unless
        // the request gave one) are filled in. Workflow runs are not observed.
        // An occupied session fails the task in its first step.
        let begun = v.started.is_some()
            || (matches!(r.outcome, Outcome::Occupied(_)) && v.finished.is_some());
        let task_read_back = !r.workflow && begun;
        let errors = run_errors(r, v.status, task_read_back);
        let request = request_echo(r, terminal, task_read_back);
        let mut m = Map::new();
        m.insert("run_id".into(), json!(r.id));
        m.insert("status".into(), json!(v.status));
        m.insert("output".into(), output);
        m.insert(
            "downloaded_files".into(),
            if task_read_back {
                json!([])
            } else {
                Value::Null
            },
        );
        m.insert("recording_url".into(), Value::Null);
        m.insert("recording_archived".into(), json!(false));
        m.insert("screenshot_urls".into(), screenshots);
        m.insert("failure_reason".into(), json!(v.failure_reason));
        m.insert("created_at".into(), self.ts(r.created));
        m.insert(
            "modified_at".into(),
            self.ts(v.modified.max(r.created + Duration::from_micros(3))),
        );
        m.insert("queued_at".into(), self.ts_opt(v.queued));
        m.insert("started_at".into(), self.ts_opt(v.started));
        m.insert("finished_at".into(), self.ts_opt(v.finished));
        m.insert(
            "app_url".into(),
            json!(format!("{}/runs/{}", self.base_url, r.id)),
        );
        m.insert("browser_session_id".into(), Value::Null);
        m.insert("browser_profile_id".into(), Value::Null);
        m.insert(
            "max_screenshot_scrolls".into(),
            r.request
                .get("max_screenshot_scrolls")
                .cloned()
                .unwrap_or(Value::Null),
        );
        m.insert("script_run".into(), Value::Null);
        m.insert("errors".into(), errors);
        m.insert("step_count".into(), json!(v.step_count));
        m.insert("run_type".into(), json!(r.run_type));
        if r.workflow {
            insert_workflow_fields(&mut m, r);
        }
        m.insert("run_request".into(), request);
        Value::Object(m)
    }

    pub fn profile(&self, p: &Profile) -> Value {
        json!({
            "browser_profile_id": p.id,
            "organization_id": self.org_id,
            "name": p.name,
            "description": p.description,
            "source_browser_type": p.source_browser_type,
            "proxy_location": p.proxy_location,
            "proxy_session_id": p.proxy_session_id,
            "is_managed": false,
            "workflow_permanent_id": null,
            "browser_profile_key_digest": null,
            "created_at": self.ts(p.created),
            "modified_at": self.ts(p.modified),
            "deleted_at": self.ts_opt(p.deleted),
            "last_verified_login_at": null,
            "linked_credential_name": null,
        })
    }
}

/// A task's `errors`: the row's list once its first step exists, with the
/// retry error of an emulated failure.
fn run_errors(r: &Run, status: &str, task_read_back: bool) -> Value {
    match (&r.outcome, status) {
        (Outcome::Failed, "failed") if r.forced.is_none() => json!([{
            "error_code": "REACH_MAX_RETRIES",
            "reasoning": "The agent has reached the maximum number of retries. It might be an issue with the agent. Please reach out to the Skyvern team if you encounter this issue.",
            "error_type": "SYSTEM_DEFINED_ERROR",
        }]),
        _ if task_read_back => json!([]),
        _ => Value::Null,
    }
}

/// The request as the run echoes it back.
fn request_echo(r: &Run, terminal: bool, task_read_back: bool) -> Value {
    let mut request = r.request.clone();
    if let Some(o) = request.as_object_mut() {
        if terminal && o.contains_key("browser_session_id") {
            // The real server drops the session id from the echo once a run ends.
            o.insert("browser_session_id".into(), Value::Null);
        }
        if task_read_back && o.get("max_steps").is_some_and(Value::is_null) {
            o.insert("max_steps".into(), json!(DEFAULT_MAX_STEPS));
        }
    }
    request
}

/// The fields only a workflow run has.
fn insert_workflow_fields(m: &mut Map<String, Value>, r: &Run) {
    m.insert("attempt".into(), json!(1));
    m.insert("retry_pending".into(), json!(false));
    m.insert("next_attempt_at".into(), Value::Null);
    m.insert("attempts".into(), Value::Null);
    m.insert(
        "run_with".into(),
        r.request
            .get("run_with")
            .filter(|v| !v.is_null())
            .cloned()
            .unwrap_or(json!("agent")),
    );
    m.insert(
        "ai_fallback".into(),
        r.request.get("ai_fallback").cloned().unwrap_or(Value::Null),
    );
    m.insert("script_id".into(), Value::Null);
    m.insert("browser_seed_source".into(), Value::Null);
    m.insert("browser_settings_receipt".into(), Value::Null);
}
