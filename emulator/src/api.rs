//! The `/v1` API and `/api/v1/heartbeat`, answering like Skyvern 1.0.56.

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::server::{App, Req, Resp};
use crate::state::{self, Forced, Outcome, Profile, Render, Run, Session, Store};
use crate::util::{self, percent_decode};
use crate::validate::{self, Body, Errors};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Route {
    Heartbeat,
    CreateSession,
    ListSessions,
    GetSession,
    UpdateSession,
    CloseSession,
    ExtendSession,
    RunTask,
    RunWorkflow,
    GetRun,
    CancelRun,
    CreateProfile,
    ListProfiles,
    GetProfile,
    DeleteProfile,
}

/// In registration order: the first route whose path matches decides the
/// `allow` header of a 405, as in Starlette.
const ROUTES: &[(&[&str], &str, Route)] = &[
    (&["api", "v1", "heartbeat"], "GET", Route::Heartbeat),
    (&["v1", "browser_sessions"], "POST", Route::CreateSession),
    (&["v1", "browser_sessions"], "GET", Route::ListSessions),
    (&["v1", "browser_sessions", "{}"], "GET", Route::GetSession),
    (
        &["v1", "browser_sessions", "{}"],
        "PATCH",
        Route::UpdateSession,
    ),
    (
        &["v1", "browser_sessions", "{}", "close"],
        "POST",
        Route::CloseSession,
    ),
    (
        &["v1", "browser_sessions", "{}", "extend"],
        "POST",
        Route::ExtendSession,
    ),
    (&["v1", "run", "tasks"], "POST", Route::RunTask),
    (&["v1", "run", "agents"], "POST", Route::RunWorkflow),
    (&["v1", "run", "workflows"], "POST", Route::RunWorkflow),
    (&["v1", "runs", "{}"], "GET", Route::GetRun),
    (&["v1", "runs", "{}", "cancel"], "POST", Route::CancelRun),
    (&["v1", "browser_profiles"], "POST", Route::CreateProfile),
    (&["v1", "browser_profiles"], "GET", Route::ListProfiles),
    (&["v1", "browser_profiles", "{}"], "GET", Route::GetProfile),
    (
        &["v1", "browser_profiles", "{}"],
        "DELETE",
        Route::DeleteProfile,
    ),
];

fn match_path(pattern: &[&str], segs: &[&str]) -> Option<Option<String>> {
    if pattern.len() != segs.len() {
        return None;
    }
    let mut param = None;
    for (p, s) in pattern.iter().zip(segs) {
        if *p == "{}" {
            if s.is_empty() {
                return None;
            }
            param = Some(percent_decode(s));
        } else if p != s {
            return None;
        }
    }
    Some(param)
}

pub fn handle(app: &App, req: &Req) -> Resp {
    // Every route also answers with one trailing slash.
    let path = match req.path.strip_suffix('/') {
        Some(p) if !p.is_empty() => p,
        _ => req.path.as_str(),
    };
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut partial: Option<&str> = None;
    for (pattern, method, route) in ROUTES {
        let Some(param) = match_path(pattern, &segs) else {
            continue;
        };
        let method_ok = *method == req.method || (*method == "GET" && req.method == "HEAD");
        if method_ok {
            return dispatch(app, req, *route, param.unwrap_or_default());
        }
        partial.get_or_insert(method);
    }
    match partial {
        Some(m) => {
            let allow = if m == "GET" { "GET, HEAD" } else { m };
            Resp::detail(405, "Method Not Allowed").header("allow", allow)
        }
        None => Resp::not_found(),
    }
}

fn dispatch(app: &App, req: &Req, route: Route, id: String) -> Resp {
    if route == Route::Heartbeat {
        return Resp {
            status: 200,
            headers: vec![("x-skyvern-api-version".into(), "1.0.56".into())],
            body: bytes::Bytes::from_static(b"Server is running."),
        };
    }
    // FastAPI decodes a JSON body before it checks the key.
    let body_route = matches!(
        route,
        Route::CreateSession
            | Route::UpdateSession
            | Route::ExtendSession
            | Route::RunTask
            | Route::RunWorkflow
            | Route::CreateProfile
    );
    let body = if body_route {
        match validate::read_body(req.header("content-type"), &req.body) {
            Ok(b) => Some(b),
            Err((status, v)) => return Resp::json(status, &v),
        }
    } else {
        None
    };
    if let Some(denied) = auth(app, req) {
        return denied;
    }
    let body = body.unwrap_or(Body::Empty);
    match route {
        Route::Heartbeat => Resp::not_found(),
        Route::CreateSession => create_session(app, body),
        Route::ListSessions => list_sessions(app),
        Route::GetSession => get_session(app, &id),
        Route::UpdateSession => update_session(app, &id, body),
        Route::CloseSession => close_session(app, &id),
        Route::ExtendSession => extend_session(app, &id, body),
        Route::RunTask => run_task(app, body),
        Route::RunWorkflow => run_workflow(app, body),
        Route::GetRun => get_run(app, &id),
        Route::CancelRun => cancel_run(app, &id),
        Route::CreateProfile => create_profile(app, body),
        Route::ListProfiles => list_profiles(app, req),
        Route::GetProfile => get_profile(app, &id),
        Route::DeleteProfile => delete_profile(app, &id),
    }
}

/// Missing or empty key: "Invalid credentials"; any other wrong key: "Could
/// not validate credentials"; a bearer token instead of a key: "Invalid
/// authentication method".
fn auth(app: &App, req: &Req) -> Option<Resp> {
    match req.header("x-api-key") {
        Some(k) if k == app.cfg.api_key => None,
        Some("") => Some(Resp::detail(403, "Invalid credentials")),
        Some(_) => Some(Resp::detail(403, "Could not validate credentials")),
        None if req.header("authorization").is_some() => {
            Some(Resp::detail(403, "Invalid authentication method"))
        }
        None => Some(Resp::detail(403, "Invalid credentials")),
    }
}

fn render<'a>(app: &'a App, store: &'a Store, now: Instant) -> Render<'a> {
    Render {
        clock: &app.clock,
        base_url: &app.base_url,
        org_id: &store.org_id,
        now,
    }
}

fn unprocessable(errs: Errors) -> Resp {
    let (s, v) = errs.into_response();
    Resp::json(s, &v)
}

fn object_or_resp(body: Body, required: bool) -> Result<Map<String, Value>, Resp> {
    validate::body_object(body, required).map_err(|(s, v)| Resp::json(s, &v))
}

const EXTENSIONS: [&str; 2] = ["ad-blocker", "captcha-solver"];
const BROWSER_TYPES: [&str; 3] = ["msedge", "chrome", "stealth-chromium"];
const ENGINES: [&str; 7] = [
    "skyvern-1.0",
    "skyvern-2.0",
    "skyvern-3.0",
    "openai-cua",
    "anthropic-cua",
    "ui-tars",
    "yutori-navigator",
];

fn session_not_found(id: &str) -> Resp {
    Resp::detail(404, &format!("Browser session {id} not found"))
}

fn create_session(app: &App, body: Body) -> Resp {
    let obj = match object_or_resp(body, false) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut errs = Errors::new();
    let url = match obj.get("url") {
        Some(v) => validate::url(&mut errs, "url", v).flatten(),
        None => None,
    };
    let (timeout, requested) = match obj.get("timeout") {
        None => (Some(60), None),
        Some(v) => match validate::int(&mut errs, "timeout", v) {
            Some(Some(t)) => {
                validate::ge(&mut errs, "timeout", t, 5, v);
                (Some(t), Some(t))
            }
            Some(None) => (None, None),
            None => (None, None),
        },
    };
    let extensions = match obj.get("extensions") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                if !item.as_str().is_some_and(|s| EXTENSIONS.contains(&s)) {
                    errs.push_loc(
                        "enum",
                        json!(["body", "extensions", i]),
                        "Input should be 'ad-blocker' or 'captcha-solver'",
                        item,
                        Some(json!({"expected": "'ad-blocker' or 'captcha-solver'"})),
                    );
                }
            }
            Value::Array(items.clone())
        }
        Some(other) => {
            errs.push(
                "list_type",
                "extensions",
                "Input should be a valid list",
                other,
                None,
            );
            Value::Null
        }
    };
    let browser_type = match obj.get("browser_type") {
        None | Some(Value::Null) => Value::Null,
        Some(v) => validate::one_of(&mut errs, "browser_type", v, &BROWSER_TYPES)
            .map(Value::String)
            .unwrap_or(Value::Null),
    };
    let profile_id = match obj.get("browser_profile_id") {
        None => None,
        Some(v) => match validate::string(&mut errs, "browser_profile_id", v, true) {
            Some(Some(s)) if !s.starts_with("bp_") => {
                errs.push(
                    "string_pattern_mismatch",
                    "browser_profile_id",
                    "String should match pattern '^bp_'",
                    v,
                    Some(json!({"pattern": "^bp_"})),
                );
                None
            }
            other => other.flatten(),
        },
    };
    let generate = match obj.get("generate_browser_profile") {
        None => false,
        Some(v) => validate::boolean(&mut errs, "generate_browser_profile", v, false)
            .flatten()
            .unwrap_or(false),
    };
    let browser_settings = match obj.get("browser_settings") {
        None => Value::Null,
        Some(v) => validate::browser_settings(&mut errs, v).unwrap_or(Value::Null),
    };
    if let Some(v) = obj.get("needs_live_view") {
        validate::boolean(&mut errs, "needs_live_view", v, false);
    }
    if !errs.is_empty() {
        return unprocessable(errs);
    }

    let (mut store, now) = app.store();
    if let Some(pid) = &profile_id {
        if !store
            .profiles
            .iter()
            .any(|p| &p.id == pid && p.deleted.is_none())
        {
            return Resp::detail(404, &format!("Browser profile {pid} not found"));
        }
    }
    let (timeout, warning) = match (timeout, requested) {
        (Some(t), Some(r)) if t > 240 => (
            Some(240),
            Some(state::TIMEOUT_WARNING.replace("{N}", &r.to_string())),
        ),
        (t, _) => (t, None),
    };
    let address = store.next_cdp_address();
    let session = Session {
        id: util::new_id("pbs_"),
        created: now,
        modified: now,
        timeout,
        start_at: now + Duration::from_millis(app.timing.start_delay_ms),
        completed: None,
        expired: false,
        address,
        closed_suffix: util::random_hex(32),
        url,
        extensions,
        browser_type,
        browser_profile_id: profile_id,
        generate_browser_profile: generate,
        browser_settings,
        warning,
        runnable: None,
        browser_pending: false,
        nav: None,
    };
    let mut session = session;
    if crate::agent::launch_for_session(app, &session.id) {
        // The session turns `running` once its browser is up.
        session.browser_pending = true;
        session.start_at = state::far_future(now);
    }
    let r = render(app, &store, now);
    let out = r.session(&session, false);
    session.warning = None;
    store.sessions.push(session);
    Resp::json(200, &out)
}

fn list_sessions(app: &App) -> Resp {
    let (store, now) = app.store();
    let r = render(app, &store, now);
    let list: Vec<Value> = store
        .sessions
        .iter()
        .rev()
        .filter(|s| s.is_live())
        .map(|s| r.session(s, false))
        .collect();
    Resp::json(200, &Value::Array(list))
}

fn get_session(app: &App, id: &str) -> Resp {
    let (store, now) = app.store();
    match store.session(id) {
        Some(s) => Resp::json(200, &render(app, &store, now).session(s, true)),
        None => session_not_found(id),
    }
}

fn close_session(app: &App, id: &str) -> Resp {
    let (mut store, now) = app.store();
    let Some(s) = store.session_mut(id) else {
        return session_not_found(id);
    };
    if s.completed.is_none() {
        s.completed = Some(now);
        s.modified = now;
        store.stop_runs_of(id, now);
    }
    drop(store);
    if let Some(app) = app.arc() {
        let id = id.to_string();
        tokio::spawn(async move { app.browsers.close(&id).await });
    }
    Resp::json(200, &json!({"message": "Browser session closed"}))
}

fn update_session(app: &App, id: &str, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut errs = Errors::new();
    let generate = match obj.get("generate_browser_profile") {
        None => {
            errs.missing("generate_browser_profile", &Value::Object(obj.clone()));
            None
        }
        Some(v) => validate::boolean(&mut errs, "generate_browser_profile", v, false).flatten(),
    };
    if !errs.is_empty() {
        return unprocessable(errs);
    }
    let (mut store, now) = app.store();
    let Some(s) = store.session_mut(id) else {
        return session_not_found(id);
    };
    if s.completed.is_some() {
        return Resp::detail(
            409,
            &format!("Browser session {id} has already ended and can no longer be updated."),
        );
    }
    s.generate_browser_profile = generate.unwrap_or(false);
    s.modified = now;
    let store = &*store;
    match store.session(id) {
        Some(s) => Resp::json(200, &render(app, store, now).session(s, false)),
        None => session_not_found(id),
    }
}

const MAX_LIFETIME_MINUTES: i64 = 360;

fn extend_session(app: &App, id: &str, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut errs = Errors::new();
    let add = match obj.get("additional_minutes") {
        None => {
            errs.missing("additional_minutes", &Value::Object(obj.clone()));
            None
        }
        Some(v) => match validate::int(&mut errs, "additional_minutes", v) {
            Some(Some(n)) => validate::ge(&mut errs, "additional_minutes", n, 1, v).then_some(n),
            Some(None) => {
                errs.push(
                    "int_type",
                    "additional_minutes",
                    "Input should be a valid integer",
                    v,
                    None,
                );
                None
            }
            None => None,
        },
    };
    if !errs.is_empty() {
        return unprocessable(errs);
    }
    let add = add.unwrap_or(1);
    let timing = app.timing;
    let (mut store, now) = app.store();
    let Some(s) = store.session_mut(id) else {
        return session_not_found(id);
    };
    if s.completed.is_some() {
        return Resp::detail(
            409,
            &format!("Browser session {id} has already ended and can no longer be extended."),
        );
    }
    let budget = s.budget_minutes();
    if budget >= MAX_LIFETIME_MINUTES {
        return Resp::detail(
            409,
            &format!(
                "Browser session {id} is already at its maximum lifetime of {MAX_LIFETIME_MINUTES} minutes (6 hours)"
            ),
        );
    }
    let started = now >= s.start_at;
    if started && s.deadline(&timing).saturating_duration_since(now) < timing.seconds(120) {
        return Resp::detail(
            409,
            &format!("Browser session {id} expires in less than 120 seconds and can no longer be extended"),
        );
    }
    let granted = add.min(MAX_LIFETIME_MINUTES - budget);
    let mut warning = (granted < add).then(|| {
        format!(
            "Requested extension of {add} minutes exceeds the remaining headroom; the session was extended by {granted} minutes to its maximum lifetime of {MAX_LIFETIME_MINUTES} minutes (6 hours)."
        )
    });
    s.timeout = Some(budget + granted);
    s.modified = now;
    // Before the browser is up the new deadline cannot be confirmed yet.
    let status = if started {
        200
    } else {
        warning = Some("The extension was requested but its effect could not be confirmed yet because the browser has not started; read the session back with GET instead of retrying, because each retry adds again.".into());
        202
    };
    let store = &*store;
    let Some(s) = store.session(id) else {
        return session_not_found(id);
    };
    let mut out = render(app, store, now).session(s, false);
    if let Some(o) = out.as_object_mut() {
        o.insert("warning".into(), json!(warning));
    }
    Resp::json(status, &out)
}

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

/// Echo field helper: the given value or the default, with light checks.
struct Echo<'a> {
    obj: &'a Map<String, Value>,
    errs: Errors,
    out: Map<String, Value>,
}

impl Echo<'_> {
    fn pass(&mut self, k: &str, default: Value) {
        let v = self.obj.get(k).cloned().unwrap_or(default);
        self.out.insert(k.into(), v);
    }
    fn string(&mut self, k: &str) {
        let v = match self.obj.get(k) {
            None => Value::Null,
            Some(v) => validate::string(&mut self.errs, k, v, true)
                .flatten()
                .map(Value::String)
                .unwrap_or(Value::Null),
        };
        self.out.insert(k.into(), v);
    }
    fn url(&mut self, k: &str) {
        let v = match self.obj.get(k) {
            None => Value::Null,
            Some(v) => match validate::url(&mut self.errs, k, v) {
                Some(Some(u)) => Value::String(u),
                _ => Value::Null,
            },
        };
        self.out.insert(k.into(), v);
    }
    fn int(&mut self, k: &str, min: Option<i64>, max: Option<i64>) {
        let v = match self.obj.get(k) {
            None => Value::Null,
            Some(v) => match validate::int(&mut self.errs, k, v) {
                Some(Some(n)) => {
                    let lo = min.is_none_or(|m| validate::ge(&mut self.errs, k, n, m, v));
                    let hi = match max {
                        Some(m) if n > m => {
                            self.errs.push(
                                "less_than_equal",
                                k,
                                &format!("Input should be less than or equal to {m}"),
                                v,
                                Some(json!({ "le": m })),
                            );
                            false
                        }
                        _ => true,
                    };
                    if lo && hi {
                        json!(n)
                    } else {
                        Value::Null
                    }
                }
                _ => Value::Null,
            },
        };
        self.out.insert(k.into(), v);
    }
    fn boolean(&mut self, k: &str, default: Value) {
        let nullable = default.is_null();
        let v = match self.obj.get(k) {
            None => default,
            Some(v) => match validate::boolean(&mut self.errs, k, v, nullable) {
                Some(Some(b)) => json!(b),
                _ => Value::Null,
            },
        };
        self.out.insert(k.into(), v);
    }
    fn masked(&mut self, k: &str) {
        let v = match self.obj.get(k) {
            Some(Value::Object(m)) => {
                Value::Object(m.iter().map(|(n, _)| (n.clone(), json!("****"))).collect())
            }
            Some(other) => other.clone(),
            None => Value::Null,
        };
        self.out.insert(k.into(), v);
    }
}

fn run_task(app: &App, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut e = Echo {
        obj: &obj,
        errs: Errors::new(),
        out: Map::new(),
    };
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

fn run_workflow(app: &App, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut e = Echo {
        obj: &obj,
        errs: Errors::new(),
        out: Map::new(),
    };
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

fn create_run(
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
    let mut holder: Option<String> = None;
    let mut session_ready = now;
    let mut backed = false;
    if let Some(sid) = &session_id {
        let Some(s) = store.session(sid) else {
            return Resp::detail(
                404,
                &format!("Browser session {sid} does not exist or is not live."),
            );
        };
        if s.completed.is_some() {
            return Resp::detail(
                410,
                &format!(
                    "Browser session {sid} is no longer usable (status: {}). Create a new browser session and retry.",
                    s.status(now)
                ),
            );
        }
        session_ready = s.start_at;
        backed = crate::agent::uses_browser(app, s.browser_pending, sid);
        holder = store.holder_of(sid, now).map(|r| r.id.clone());
    }
    let plan = state::plan_from_prompt(&prompt);
    let step = Duration::from_millis(timing.step_ms);
    let id = util::new_id(prefix);
    let queued_at = now + step / 2;
    let (outcome, start_at) = match holder {
        Some(h) => (Outcome::Occupied(h), now + step),
        None => (plan.outcome, (now + step).max(session_ready)),
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
    if let (true, Some(sid)) = (backed, run.session_id.clone()) {
        crate::agent::start_agent(app, &mut run, &sid);
    }
    let out = render(app, &store, now).run(&run);
    store.runs.push(run);
    Resp::json(200, &out)
}

fn get_run(app: &App, id: &str) -> Resp {
    let (store, now) = app.store();
    match store.run(id) {
        Some(r) => Resp::json(200, &render(app, &store, now).run(r)),
        None => Resp::detail(404, &format!("Task run not found {id}")),
    }
}

fn cancel_run(app: &App, id: &str) -> Resp {
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
            // The real server answers 400 `Invalid task status transition to
            // canceled for {id} because task is already canceled`; the emulator
            // keeps a repeated cancel idempotent (see docs/emulator.md).
            "canceled" => {}
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

fn create_profile(app: &App, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut errs = Errors::new();
    let name = match obj.get("name") {
        None => {
            errs.missing("name", &Value::Object(obj.clone()));
            None
        }
        Some(v) => match validate::string(&mut errs, "name", v, false).flatten() {
            Some(n) if n.is_empty() => {
                errs.push(
                    "string_too_short",
                    "name",
                    "String should have at least 1 character",
                    v,
                    Some(json!({"min_length": 1})),
                );
                None
            }
            other => other,
        },
    };
    let opt = |errs: &mut Errors, k: &str| match obj.get(k) {
        None => None,
        Some(v) => validate::string(errs, k, v, true).flatten(),
    };
    let description = opt(&mut errs, "description");
    let session_id = opt(&mut errs, "browser_session_id");
    let run_id = opt(&mut errs, "workflow_run_id");
    let proxy_session_id = opt(&mut errs, "proxy_session_id");
    if !errs.is_empty() {
        return unprocessable(errs);
    }
    let name = name.unwrap_or_default();
    let (mut store, now) = app.store();
    let mut source_browser_type = Value::Null;
    if let Some(sid) = &session_id {
        match store.session(sid) {
            Some(s) => source_browser_type = s.browser_type.clone(),
            None => return Resp::detail(400, &format!("Browser session {sid} not found")),
        }
    }
    if let Some(rid) = &run_id {
        if !store.runs.iter().any(|r| &r.id == rid && r.workflow) {
            return Resp::detail(400, &format!("Workflow run {rid} not found"));
        }
    }
    if store
        .profiles
        .iter()
        .any(|p| p.deleted.is_none() && p.name == name)
    {
        return Resp::detail(
            409,
            &format!("Browser profile with name '{name}' already exists"),
        );
    }
    let profile = Profile {
        id: util::new_id("bp_"),
        name,
        description: json!(description),
        source_browser_type,
        proxy_location: obj.get("proxy_location").cloned().unwrap_or(Value::Null),
        proxy_session_id: json!(proxy_session_id),
        created: now,
        modified: now,
        deleted: None,
    };
    let out = render(app, &store, now).profile(&profile);
    store.profiles.push(profile);
    Resp::json(200, &out)
}

fn query_params(req: &Req) -> Vec<(String, String)> {
    req.query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

fn list_profiles(app: &App, req: &Req) -> Resp {
    let params = query_params(req);
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let mut errs = Errors::new();
    let mut int_param = |k: &str, default: i64| -> i64 {
        let Some(raw) = get(k) else { return default };
        let input = Value::String(raw.clone());
        match raw.trim().parse::<i64>() {
            Ok(n) if n >= 1 => n,
            Ok(_) => {
                errs.push_loc(
                    "greater_than_equal",
                    json!(["query", k]),
                    "Input should be greater than or equal to 1",
                    &input,
                    Some(json!({"ge": 1})),
                );
                default
            }
            Err(_) => {
                errs.push_loc(
                    "int_parsing",
                    json!(["query", k]),
                    "Input should be a valid integer, unable to parse string as an integer",
                    &input,
                    None,
                );
                default
            }
        }
    };
    let page = int_param("page", 1);
    let page_size = int_param("page_size", 10);
    let include_deleted = matches!(
        get("include_deleted")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("true" | "1" | "yes" | "on" | "t" | "y")
    );
    if !errs.is_empty() {
        return unprocessable(errs);
    }
    let search = get("search_key").map(|s| s.to_lowercase());
    let (store, now) = app.store();
    let r = render(app, &store, now);
    let list: Vec<Value> = store
        .profiles
        .iter()
        .rev()
        .filter(|p| include_deleted || p.deleted.is_none())
        .filter(|p| {
            search.as_ref().is_none_or(|s| {
                p.name.to_lowercase().contains(s)
                    || p.description
                        .as_str()
                        .is_some_and(|d| d.to_lowercase().contains(s))
            })
        })
        .skip(((page - 1) * page_size) as usize)
        .take(page_size as usize)
        .map(|p| r.profile(p))
        .collect();
    Resp::json(200, &Value::Array(list))
}

/// `BrowserProfileNotFound` with the organization, as GET and DELETE raise it.
fn profile_not_found(id: &str, store: &Store) -> Resp {
    Resp::detail(
        404,
        &format!(
            "Browser profile {id} not found for organization {}",
            store.org_id
        ),
    )
}

fn get_profile(app: &App, id: &str) -> Resp {
    let (store, now) = app.store();
    match store
        .profiles
        .iter()
        .find(|p| p.id == id && p.deleted.is_none())
    {
        Some(p) => Resp::json(200, &render(app, &store, now).profile(p)),
        None => profile_not_found(id, &store),
    }
}

fn delete_profile(app: &App, id: &str) -> Resp {
    let (mut store, now) = app.store();
    match store
        .profiles
        .iter_mut()
        .find(|p| p.id == id && p.deleted.is_none())
    {
        Some(p) => {
            p.deleted = Some(now);
            p.modified = now;
            // FastAPI's default JSONResponse class: the header stays, the body is empty.
            Resp {
                status: 204,
                headers: vec![("content-type".into(), "application/json".into())],
                body: bytes::Bytes::new(),
            }
        }
        None => profile_not_found(id, &store),
    }
}
