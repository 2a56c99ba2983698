//! The `/v1` API and `/api/v1/heartbeat`, answering like Skyvern 1.0.56.

mod profiles;
mod runs;
mod sessions;
pub mod validate;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::app::store::{Render, Store};
use crate::app::{App, Req, Resp};
use crate::util::percent_decode;
use profiles::{create_profile, delete_profile, get_profile, list_profiles};
use runs::{cancel_run, get_run, run_task, run_workflow};
use sessions::{
    close_session, create_session, extend_session, get_session, list_sessions, update_session,
};
use validate::{Body, Errors};

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

pub(super) fn render<'a>(app: &'a App, store: &'a Store, now: Instant) -> Render<'a> {
    Render {
        clock: &app.clock,
        base_url: &app.base_url,
        org_id: &store.org_id,
        now,
    }
}

pub(super) fn unprocessable(errs: Errors) -> Resp {
    let (s, v) = errs.into_response();
    Resp::json(s, &v)
}

pub(super) fn object_or_resp(body: Body, required: bool) -> Result<Map<String, Value>, Resp> {
    validate::body_object(body, required).map_err(|(s, v)| Resp::json(s, &v))
}
