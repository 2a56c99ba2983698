//! The `/v1` API and `/api/v1/heartbeat`, answering like Skyvern 1.0.56.

mod artifacts;
mod echo;
mod profiles;
mod records;
mod runs;
mod sessions;
mod tasks;
pub mod validate;
mod webhooks;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::app::store::{Render, Store};
use crate::app::{App, Req, Resp};
use crate::util::percent_decode;
use profiles::{create_profile, delete_profile, get_profile, list_profiles, update_profile};
use runs::{cancel_run, get_run, run_task, run_workflow};
use sessions::{
    close_session, create_session, extend_session, get_session, list_sessions, update_session,
};
use skyvern_wasm::endpoints::{Op, Seg, ENDPOINTS};
use validate::{Body, Errors};

/// Skyvern's health check, which the client does not call (so it is not in the endpoint table).
const HEARTBEAT: &[&str] = &["api", "v1", "heartbeat"];

/// Does `pattern` match the path's segments? Returns the id segment, decoded, when it has one.
fn match_path(pattern: &[Seg], segs: &[&str]) -> Option<Option<String>> {
    if pattern.len() != segs.len() {
        return None;
    }
    let mut param = None;
    for (p, s) in pattern.iter().zip(segs) {
        match p {
            Seg::Lit(lit) if lit == s => {}
            Seg::Lit(_) => return None,
            _ if s.is_empty() => return None,
            _ => param = Some(percent_decode(s)),
        }
    }
    Some(param)
}

/// Routes by the endpoint table (`skyvern_wasm::endpoints`), in its order: the
/// first row whose path matches decides the `allow` header of a 405, as in Starlette.
pub async fn handle(app: &App, req: &Req) -> Resp {
    // Every route also answers with one trailing slash.
    let path = match req.path.strip_suffix('/') {
        Some(p) if !p.is_empty() => p,
        _ => req.path.as_str(),
    };
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let allows = |method: &str| method == req.method || (method == "GET" && req.method == "HEAD");
    if segs == HEARTBEAT {
        return if allows("GET") {
            heartbeat()
        } else {
            method_not_allowed("GET")
        };
    }
    let mut partial: Option<&str> = None;
    // The live-view sockets are answered on upgrade, before this router.
    for endpoint in ENDPOINTS.iter().filter(|e| !e.op.is_live()) {
        let Some(param) = match_path(endpoint.path, &segs) else {
            continue;
        };
        let method = endpoint.method.as_str();
        if allows(method) {
            return dispatch(app, req, endpoint.op, param.unwrap_or_default()).await;
        }
        partial.get_or_insert(method);
    }
    match partial {
        Some(m) => method_not_allowed(m),
        None => Resp::not_found(),
    }
}

fn method_not_allowed(method: &str) -> Resp {
    let allow = if method == "GET" { "GET, HEAD" } else { method };
    Resp::detail(405, "Method Not Allowed").header("allow", allow)
}

fn heartbeat() -> Resp {
    Resp {
        status: 200,
        headers: vec![("x-skyvern-api-version".into(), "1.0.56".into())],
        body: bytes::Bytes::from_static(b"Server is running."),
    }
}

async fn dispatch(app: &App, req: &Req, op: Op, id: String) -> Resp {
    // FastAPI decodes a JSON body before it checks the key.
    let body_route = matches!(
        op,
        Op::CreateBrowserSession
            | Op::UpdateBrowserSession
            | Op::ExtendBrowserSession
            | Op::RunTask
            | Op::RunWorkflow
            | Op::CreateBrowserProfile
            | Op::UpdateBrowserProfile
            | Op::RetryRunWebhook
            | Op::BulkCancelRuns
            | Op::Login
            | Op::DownloadFiles
            | Op::SendTotpCode
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
    match op {
        Op::CreateBrowserSession => create_session(app, body),
        Op::GetBrowserSessions => list_sessions(app),
        Op::GetBrowserSession => get_session(app, &id),
        Op::UpdateBrowserSession => update_session(app, &id, body),
        Op::CloseBrowserSession => close_session(app, &id),
        Op::ExtendBrowserSession => extend_session(app, &id, body),
        Op::RunTask => run_task(app, body),
        Op::RunWorkflow => run_workflow(app, body),
        Op::GetRun => get_run(app, &id),
        Op::CancelRun => cancel_run(app, &id),
        Op::RetryRunWebhook => webhooks::retry_webhook(app, &id, body).await,
        Op::CreateBrowserProfile => create_profile(app, body),
        Op::GetRuns => records::list_runs(app, req),
        Op::BulkCancelRuns => records::bulk_cancel(app, body),
        Op::GetRunTimeline => records::timeline(app, &id),
        Op::GetRunArtifacts => artifacts::artifacts(app, req, &id),
        Op::GetArtifactContent => artifacts::artifact_content(app, &id),
        Op::Login => tasks::login(app, body),
        Op::DownloadFiles => tasks::download_files(app, body),
        Op::UploadFile => tasks::upload_file(app, req).await,
        Op::SendTotpCode => tasks::send_totp(app, body),
        Op::ListBrowserProfiles => list_profiles(app, req),
        Op::GetBrowserProfile => get_profile(app, &id),
        Op::UpdateBrowserProfile => update_profile(app, &id, body),
        Op::DeleteBrowserProfile => delete_profile(app, &id),
        Op::LiveView | Op::LiveControl => Resp::not_found(),
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

pub(crate) fn render<'a>(app: &'a App, store: &'a Store, now: Instant) -> Render<'a> {
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
