//! Browser sessions: create, list, get, update, extend, close.

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::validate::{self, Body, Errors};
use super::{object_or_resp, render, unprocessable};
use crate::app::store::{self as state, Session};
use crate::app::{App, Resp};
use crate::util::{self};

const EXTENSIONS: [&str; 2] = ["ad-blocker", "captcha-solver"];
const BROWSER_TYPES: [&str; 3] = ["msedge", "chrome", "stealth-chromium"];
fn session_not_found(id: &str) -> Resp {
    Resp::detail(404, &format!("Browser session {id} not found"))
}

pub(super) fn create_session(app: &App, body: Body) -> Resp {
    let obj = match object_or_resp(body, false) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let SessionRequest {
        url,
        timeout,
        requested,
        extensions,
        browser_type,
        profile_id,
        generate,
        browser_settings,
    } = match read_session_request(&obj) {
        Ok(r) => r,
        Err(errs) => return unprocessable(errs),
    };
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
        archive: state::Archive::None,
        real_browser: false,
    };
    let mut session = session;
    let seed = session
        .browser_profile_id
        .as_deref()
        .and_then(|p| store.profile_data(p));
    if crate::agent::launch_for_session(app, &session.id, session.url.clone(), seed) {
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

pub(super) fn list_sessions(app: &App) -> Resp {
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

pub(super) fn get_session(app: &App, id: &str) -> Resp {
    let (store, now) = app.store();
    match store.session(id) {
        Some(s) => Resp::json(200, &render(app, &store, now).session(s, true)),
        None => session_not_found(id),
    }
}

pub(super) fn close_session(app: &App, id: &str) -> Resp {
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
        tokio::spawn(async move { crate::userdata::end_browser(&app, &id).await });
    }
    Resp::json(200, &json!({"message": "Browser session closed"}))
}

pub(super) fn update_session(app: &App, id: &str, body: Body) -> Resp {
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

pub(super) fn extend_session(app: &App, id: &str, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let add = match additional_minutes(&obj) {
        Ok(n) => n,
        Err(r) => return r,
    };
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

/// `additional_minutes` of an extend request: a whole number of at least 1.
fn additional_minutes(obj: &Map<String, Value>) -> Result<i64, Resp> {
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
        return Err(unprocessable(errs));
    }
    Ok(add.unwrap_or(1))
}

/// What a create request asks for, once every field is valid.
struct SessionRequest {
    url: Option<String>,
    timeout: Option<i64>,
    /// The timeout as sent, for the warning when it is capped.
    requested: Option<i64>,
    extensions: Value,
    browser_type: Value,
    profile_id: Option<String>,
    generate: bool,
    browser_settings: Value,
}

/// The fields of a create request, or every error pydantic would list.
fn read_session_request(obj: &Map<String, Value>) -> Result<SessionRequest, Errors> {
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
    let extensions = extensions_field(&mut errs, obj.get("extensions"));
    let browser_type = match obj.get("browser_type") {
        None | Some(Value::Null) => Value::Null,
        Some(v) => validate::one_of(&mut errs, "browser_type", v, &BROWSER_TYPES)
            .map(Value::String)
            .unwrap_or(Value::Null),
    };
    let profile_id = profile_id_field(&mut errs, obj.get("browser_profile_id"));
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
        return Err(errs);
    }
    Ok(SessionRequest {
        url,
        timeout,
        requested,
        extensions,
        browser_type,
        profile_id,
        generate,
        browser_settings,
    })
}

/// `extensions`: a list of known extension names, or null.
fn extensions_field(errs: &mut Errors, value: Option<&Value>) -> Value {
    match value {
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
    }
}

/// `browser_profile_id`: a string starting with `bp_`, or null.
fn profile_id_field(errs: &mut Errors, value: Option<&Value>) -> Option<String> {
    match value {
        None => None,
        Some(v) => match validate::string(errs, "browser_profile_id", v, true) {
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
    }
}
