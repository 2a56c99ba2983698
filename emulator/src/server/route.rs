//! One request through faults, CORS and security headers to the room that answers it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;

use super::Reset;
use super::{proxy, static_files};
use crate::app::test_controls::FaultAction;
use crate::app::{App, Req, Resp};
use crate::live::stream;
use crate::{api, controls, live};

const MAX_BODY: usize = 10 * 1024 * 1024;
const HANG_CAP: Duration = Duration::from_secs(300);
type HyperResp = hyper::Response<Full<Bytes>>;

pub(super) async fn handle(
    app: Arc<App>,
    req: hyper::Request<Incoming>,
    reset: Arc<AtomicBool>,
) -> Result<HyperResp, Reset> {
    let started = Instant::now();
    let mut req = req;
    let ws_upgrade = if stream::is_upgrade(req.headers()) {
        Some(hyper::upgrade::on(&mut req))
    } else {
        None
    };
    let req = match read_request(req).await {
        Ok(req) => req,
        Err((method, path, resp)) => {
            log_line(&app, &method, &path, &resp.status.to_string(), started);
            return Ok(to_hyper(resp));
        }
    };

    if app.cfg.test_controls && is_logged_path(&req.path) {
        app.controls().record(&req, &app.cfg.api_key);
    }

    let preflight = req.method == "OPTIONS"
        && req.header("origin").is_some()
        && req.header("access-control-request-method").is_some();

    if app.cfg.test_controls && !req.path.starts_with("/_emulator") {
        let action = app.controls().take_fault(&req, preflight);
        if let Some(action) = action {
            if let Some(done) = apply_fault(&app, &req, action, &reset, started).await {
                return done;
            }
        }
    }

    if let Some(on_upgrade) = ws_upgrade {
        let resp = if app.cfg.upstream.is_some() {
            Resp::text(403, "text/plain; charset=utf-8", "")
        } else {
            stream::upgrade(&app, &req, on_upgrade)
        };
        log_line(
            &app,
            &req.method,
            &req.path,
            &resp.status.to_string(),
            started,
        );
        return Ok(to_hyper(resp));
    }

    let resp = if preflight {
        // The real server's security-header middleware wraps CORS: preflights get them too.
        with_security_headers(preflight_response(&req))
    } else {
        let mut resp = route(&app, &req).await;
        if req.header("origin").is_some() && !resp.has_header("access-control-allow-origin") {
            resp = resp.header("access-control-allow-origin", "*");
        }
        resp
    };
    log_line(
        &app,
        &req.method,
        &req.path,
        &resp.status.to_string(),
        started,
    );
    Ok(to_hyper(resp))
}

/// The request with its body read (at most `MAX_BODY`), or the 413 that
/// answers a larger one, with its method and path for the log.
async fn read_request(req: hyper::Request<Incoming>) -> Result<Req, (String, String, Resp)> {
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_ascii_uppercase();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            let resp = Resp::detail(413, "Request body too large");
            return Err((method, path, resp));
        }
    };
    Ok(Req {
        method,
        path,
        query,
        headers,
        body,
    })
}

/// Carries out a queued fault: `None` when the request then goes on as usual.
async fn apply_fault(
    app: &App,
    req: &Req,
    action: FaultAction,
    reset: &AtomicBool,
    started: Instant,
) -> Option<Result<HyperResp, Reset>> {
    match action {
        FaultAction::Reset => {
            log_line(app, &req.method, &req.path, "reset", started);
            reset.store(true, Ordering::SeqCst);
            Some(Err(Reset))
        }
        FaultAction::Hang => {
            tokio::time::sleep(HANG_CAP).await;
            log_line(app, &req.method, &req.path, "hang", started);
            reset.store(true, Ordering::SeqCst);
            Some(Err(Reset))
        }
        FaultAction::Delay(d) => {
            tokio::time::sleep(d).await;
            None
        }
        FaultAction::Respond(d, mut resp) => {
            tokio::time::sleep(d).await;
            if req.header("origin").is_some() && !resp.has_header("access-control-allow-origin") {
                resp = resp.header("access-control-allow-origin", "*");
            }
            log_line(
                app,
                &req.method,
                &req.path,
                &resp.status.to_string(),
                started,
            );
            Some(Ok(to_hyper(resp)))
        }
    }
}

fn is_logged_path(path: &str) -> bool {
    path == "/v1" || path.starts_with("/v1/") || path == "/api" || path.starts_with("/api/")
}

fn log_line(app: &App, method: &str, path: &str, status: &str, started: Instant) {
    if app.cfg.log_requests {
        eprintln!(
            "{method} {path} {status} {}ms",
            started.elapsed().as_millis()
        );
    }
}

/// Starlette's CORSMiddleware with `allow_origins=["*"]`, all methods and
/// headers, no credentials.
fn preflight_response(req: &Req) -> Resp {
    let mut r = Resp::text(200, "text/plain; charset=utf-8", "OK")
        .header(
            "vary",
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network",
        )
        .header("access-control-allow-origin", "*")
        .header(
            "access-control-allow-methods",
            "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY",
        )
        .header("access-control-max-age", "600");
    if let Some(h) = req.header("access-control-request-headers") {
        r = r.header("access-control-allow-headers", h);
    }
    r
}

/// Headers the real server's middleware puts on every API response.
fn with_security_headers(mut r: Resp) -> Resp {
    for (n, v) in [
        ("vary", "Origin"),
        ("x-frame-options", "DENY"),
        ("content-security-policy", "frame-ancestors 'none'"),
        ("x-content-type-options", "nosniff"),
    ] {
        if !r.has_header(n) {
            r.headers.push((n.into(), v.into()));
        }
    }
    r
}

async fn route(app: &App, req: &Req) -> Resp {
    let path = req.path.as_str();
    if path == "/_emulator" || path.starts_with("/_emulator/") {
        return with_security_headers(if app.cfg.test_controls {
            controls::handle(app, req)
        } else {
            Resp::not_found()
        });
    }
    if path == "/v1" || path.starts_with("/v1/") {
        if let Some(up) = &app.cfg.upstream {
            return proxy::forward(app, up, req).await;
        }
        crate::userdata::settle_profile_source(app, req).await;
        return with_security_headers(api::handle(app, req).await);
    }
    if path == "/api" || path.starts_with("/api/") {
        return with_security_headers(api::handle(app, req).await);
    }
    if let Some(resp) = live::handle(app, req) {
        return resp;
    }
    if let Some(resp) = crate::site::handle(req) {
        return resp;
    }
    if req.method == "GET" || req.method == "HEAD" {
        if let Some(resp) = static_files::serve(app, path).await {
            return resp;
        }
    }
    with_security_headers(Resp::not_found())
}

/// hyper sends the headers of a HEAD response without its body.
fn to_hyper(r: Resp) -> HyperResp {
    let mut b = hyper::Response::builder().status(r.status);
    for (n, v) in &r.headers {
        b = b.header(n.as_str(), v.as_str());
    }
    match b.body(Full::new(r.body)) {
        Ok(resp) => resp,
        Err(_) => {
            let mut resp = hyper::Response::new(Full::new(Bytes::from_static(
                b"{\"detail\":\"Internal Server Error\"}",
            )));
            *resp.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            resp
        }
    }
}
