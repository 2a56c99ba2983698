//! Runs: tasks and workflows started, read and cancelled.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::echo::Echo;
use super::validate::{self, Body};
use super::{object_or_resp, render, unprocessable};
use crate::app::store::{self as state, Forced, Outcome, Run, Store};
use crate::app::{App, Resp};
use crate::util::{self};

const ENGINES: [&str; 7] = [
    "skyvern-1.0",
    "skyvern-2.0",
    "skyvern-3.0",
    "openai-cua",
    "anthropic-cua",
    "ui-tars",
    "yutori-navigator",
];

/// Engine → (run_type, id prefix).
fn run_kind(engine: &str) -> (&'static str, &'static str) {
    match engine {
        "skyvern-2.0" => ("task_v2", "tsk_v2_"),
        "skyvern-3.0" => ("task_v3", "tsk_"),
        "openai-cua" => ("openai_cua", "tsk_"),
        "anthropic-cua" => ("anthropic_cua", "tsk_"),
        "ui-tars" => ("ui_tars", "tsk_"),
        "yutori-navigator" => ("yutori_navigator", "tsk_"),
        _ => ("task_v1", "tsk_"),
    }
}

pub(super) fn run_task(app: &App, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut e = Echo::new(&obj);
    match obj.get("prompt") {
        None => e.errs.missing("prompt", &Value::Object(obj.clone())),
        Some(v) => {
            if let Some(Some(p)) = validate::string(&mut e.errs, "prompt", v, false) {
                e.out.insert("prompt".into(), json!(p));
            }
        }
    }
    e.url("url");
    let engine = match obj.get("engine") {
        None => "skyvern-1.0".to_string(),
        Some(v) => validate::one_of(&mut e.errs, "engine", v, &ENGINES).unwrap_or_default(),
    };
    e.out.insert("engine".into(), json!(engine));
    e.string("title");
    e.pass("proxy_location", json!("RESIDENTIAL"));
    e.pass("data_extraction_schema", Value::Null);
    e.pass("error_code_mapping", Value::Null);
    e.int("max_steps", None, None);
    e.url("webhook_url");
    e.string("totp_identifier");
    e.url("totp_url");
    e.string("browser_session_id");
    e.string("browser_profile_id");
    e.boolean("start_fresh_browser", json!(false));
    e.pass("model", Value::Null);
    e.pass("extra_http_headers", Value::Null);
    e.masked("cdp_connect_headers");
    e.boolean("publish_workflow", json!(false));
    e.boolean("include_action_history_in_verification", json!(false));
    e.int("max_screenshot_scrolls", None, None);
    e.string("browser_address");
    e.string("run_with");
    e.pass("file_ids", Value::Null);
    if !e.errs.is_empty() {
        return unprocessable(e.errs);
    }
    let request = Value::Object(e.out);
    let prompt = request["prompt"].as_str().unwrap_or_default().to_string();
    let url = request["url"].as_str().map(str::to_string);
    let (run_type, prefix) = run_kind(&engine);
    create_run(app, request, run_type, prefix, false, prompt, url)
}

pub(super) fn run_workflow(app: &App, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut e = Echo::new(&obj);
    let agent = obj.get("agent_id").or_else(|| obj.get("workflow_id"));
    match agent {
        None => e.errs.missing("agent_id", &Value::Object(obj.clone())),
        Some(v) => {
            if let Some(Some(a)) = validate::string(&mut e.errs, "agent_id", v, false) {
                e.out.insert("workflow_id".into(), json!(a));
            }
        }
    }
    match obj.get("parameters") {
        None | Some(Value::Null) => {
            e.out.insert("parameters".into(), Value::Null);
        }
        Some(Value::Object(m)) => {
            e.out.insert("parameters".into(), Value::Object(m.clone()));
        }
        Some(other) => e.errs.push(
            "dict_type",
            "parameters",
            "Input should be a valid dictionary",
            other,
            None,
        ),
    }
    e.string("title");
    e.pass("proxy_location", json!("RESIDENTIAL"));
    e.url("webhook_url");
    e.url("totp_url");
    e.string("totp_identifier");
    e.string("browser_session_id");
    e.boolean("reuse_browser_session", Value::Null);
    e.string("browser_profile_id");
    e.boolean("start_fresh_browser", json!(false));
    e.int("max_screenshot_scrolls", None, None);
    e.int("max_elapsed_time_minutes", Some(1), Some(480));
    e.pass("extra_http_headers", Value::Null);
    e.masked("cdp_connect_headers");
    e.string("browser_address");
    e.boolean("ai_fallback", Value::Null);
    e.string("run_with");
    e.pass("browser_type", Value::Null);
    e.pass("run_metadata", Value::Null);
    e.pass("file_ids", Value::Null);
    if !e.errs.is_empty() {
        return unprocessable(e.errs);
    }
    let request = Value::Object(e.out);
    let workflow_id = request["workflow_id"].as_str().unwrap_or_default();
    if !workflow_exists(workflow_id) {
        return Resp::detail(
            404,
            &format!("Workflow not found. workflow_permanent_id={workflow_id}"),
        );
    }
    // The outcome tags are read from the title and the parameters.
    let prompt = format!(
        "{} {}",
        request["title"].as_str().unwrap_or_default(),
        request["parameters"]
    );
    let url = request["parameters"]
        .get("url")
        .and_then(Value::as_str)
        .map(str::to_string);
    create_run(app, request, "workflow_run", "wr_", true, prompt, url)
}

/// Workflow ids the emulator has: there are no workflow definitions, so every
/// id with this prefix (such as `wpid_emulator_demo`) stands for a workflow
/// that exists; any other id is unknown, as on a fresh real server.
pub const WORKFLOW_ID_PREFIX: &str = "wpid_emulator_";

fn workflow_exists(id: &str) -> bool {
    id.len() > WORKFLOW_ID_PREFIX.len() && id.starts_with(WORKFLOW_ID_PREFIX)
}

/// The browser session a new run asked for, as the run sees it.
struct ChosenSession {
    /// When the session is ready; the run starts no earlier.
    ready_at: Instant,
    /// The session has a real browser, so an agent drives the run in it.
    backed: bool,
    /// The run that already occupies the session, if any.
    holder: Option<String>,
}

/// The live session `sid` for a new run, or the real server's answer when it
/// does not exist or has ended.
fn chosen_session(
    app: &App,
    store: &Store,
    sid: &str,
    now: Instant,
) -> Result<ChosenSession, Resp> {
    let Some(s) = store.session(sid) else {
        return Err(Resp::detail(
            404,
            &format!("Browser session {sid} does not exist or is not live."),
        ));
    };
    if s.completed.is_some() {
        return Err(Resp::detail(
            410,
            &format!(
                "Browser session {sid} is no longer usable (status: {}). Create a new browser session and retry.",
                s.status(now)
            ),
        ));
    }
    Ok(ChosenSession {
        ready_at: s.start_at,
        backed: crate::agent::uses_browser(app, s.browser_pending, sid),
        holder: store.holder_of(sid, now).map(|r| r.id.clone()),
    })
}

pub(super) fn create_run(
    app: &App,
    request: Value,
    run_type: &str,
    prefix: &str,
    workflow: bool,
    prompt: String,
    url: Option<String>,
) -> Resp {
    let timing = app.timing;
    let (mut store, now) = app.store();
    let session_id = request["browser_session_id"].as_str().map(str::to_string);
    let chosen = match session_id
        .as_deref()
        .map(|sid| chosen_session(app, &store, sid, now))
    {
        None => ChosenSession {
            ready_at: now,
            backed: false,
            holder: None,
        },
        Some(Ok(found)) => found,
        Some(Err(refused)) => return refused,
    };
    let plan = state::plan_from_prompt(&prompt);
    let step = Duration::from_millis(timing.step_ms);
    let id = util::new_id(prefix);
    let queued_at = now + step / 2;
    let (outcome, start_at) = match chosen.holder {
        Some(h) => (Outcome::Occupied(h), now + step),
        None => (plan.outcome, (now + step).max(chosen.ready_at)),
    };
    let interval = match plan.duration {
        Some(d) => d / plan.steps.max(1),
        None => step,
    };
    if let (Some(sid), false) = (&session_id, matches!(outcome, Outcome::Occupied(_))) {
        if let Some(s) = store.session_mut(sid) {
            let kind = if workflow { "workflow_run" } else { "task" };
            s.runnable = Some((kind.to_string(), id.clone()));
            s.modified = now;
        }
    }
    let run = Run {
        id,
        run_type: run_type.to_string(),
        workflow,
        created: now,
        session_id,
        queued_at,
        start_at,
        interval,
        steps: plan.steps,
        outcome,
        forced: None,
        request,
        prompt,
        url,
        agent: None,
    };
    let mut run = run;
    if let (true, Some(sid)) = (chosen.backed, run.session_id.clone()) {
        crate::agent::start_agent(app, &mut run, &sid);
    }
    let out = render(app, &store, now).run(&run);
    let webhook = out["run_request"]["webhook_url"].is_string();
    let id = run.id.clone();
    store.runs.push(run);
    drop(store);
    if webhook {
        crate::webhooks::watch(app, id);
    }
    Resp::json(200, &out)
}

pub(super) fn get_run(app: &App, id: &str) -> Resp {
    let (store, now) = app.store();
    match store.run(id) {
        Some(r) => Resp::json(200, &render(app, &store, now).run(r)),
        None => Resp::detail(404, &format!("Task run not found {id}")),
    }
}

pub(super) fn cancel_run(app: &App, id: &str) -> Resp {
    let (mut store, now) = app.store();
    let Some(run) = store.runs.iter_mut().find(|r| r.id == id) else {
        return Resp::detail(404, &format!("Run not found {id}"));
    };
    let status = run.view(now).status;
    // Task runs check the status transition; workflow runs (and task v2) leave
    // a finished run as it is and answer 200.
    let checks_transition = !run.workflow && run.run_type != "task_v2";
    if checks_transition && state::is_terminal(status) {
        match status {
            "canceled" => {
                return Resp::detail(
                    400,
                    &format!("Invalid task status transition to canceled for {id} because task is already canceled"),
                )
            }
            // TaskAlreadyTimeout is not an HTTP exception: the catch-all 500.
            "timed_out" => {
                return Resp::json(
                    500,
                    &json!({"error": "Unexpected error: TaskAlreadyTimeout"}),
                )
            }
            _ => {
                return Resp::detail(
                    400,
                    &format!("Invalid task status transition from {status} to canceled for {id}"),
                )
            }
        }
    }
    if !state::is_terminal(status) {
        run.forced = Some(Forced {
            status: "canceled",
            at: now,
            reason: None,
        });
        if let Some(sid) = run.session_id.clone() {
            if let Some(s) = store.session_mut(&sid) {
                if s.runnable.as_ref().is_some_and(|(_, rid)| rid == id) {
                    s.runnable = None;
                    s.modified = now;
                }
            }
        }
    }
    Resp::json(200, &Value::Null)
}
