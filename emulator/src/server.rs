//! The HTTP server: connections, CORS, security headers, faults, logging and
//! dispatch to the API, the live-view pages and the static files.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::browser::Pool;
use crate::config::Config;
use crate::controls::{Controls, FaultAction};
use crate::state::{Store, Timing};
use crate::util::Clock;
use crate::{agent, api, controls, live, proxy, static_files, stream};

const MAX_BODY: usize = 10 * 1024 * 1024;
const HANG_CAP: Duration = Duration::from_secs(300);

/// One request, fully read.
pub struct Req {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Lower-cased names, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A response before it is sent.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Resp {
    pub fn json(status: u16, v: &Value) -> Resp {
        Resp {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Bytes::from(v.to_string()),
        }
    }

    pub fn detail(status: u16, msg: &str) -> Resp {
        Resp::json(status, &json!({ "detail": msg }))
    }

    pub fn not_found() -> Resp {
        Resp::detail(404, "Not Found")
    }

    pub fn text(status: u16, content_type: &str, body: impl Into<Bytes>) -> Resp {
        Resp {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Resp {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }
}

/// Shared state of one running emulator.
pub struct App {
    pub cfg: Config,
    pub clock: Clock,
    pub timing: Timing,
    /// `http://host:port` of this server, used in `app_url`s.
    pub base_url: String,
    pub store: Mutex<Store>,
    pub controls: Mutex<Controls>,
    pub http: Option<reqwest::Client>,
    /// Real browsers behind sessions (empty without Chromium).
    pub browsers: Pool,
    me: Weak<App>,
}

impl App {
    pub fn new(cfg: Config, addr: SocketAddr) -> Arc<App> {
        let host = match addr.ip() {
            ip if ip.is_unspecified() => "127.0.0.1".to_string(),
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            std::net::IpAddr::V4(ip) => ip.to_string(),
        };
        let timing = Timing {
            minute_ms: cfg.time_scale_ms.max(1),
            start_delay_ms: cfg.start_delay_ms,
            step_ms: cfg.step_ms.max(1),
        };
        let http = cfg.upstream.as_ref().and_then(|_| {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(180))
                .build()
                .ok()
        });
        let browsers = Pool::new(
            if cfg.upstream.is_some() {
                None
            } else {
                cfg.chromium.clone()
            },
            cfg.max_browsers,
        );
        Arc::new_cyclic(|me| App {
            base_url: format!("http://{host}:{}", addr.port()),
            cfg,
            clock: Clock::new(),
            timing,
            store: Mutex::new(Store::new()),
            controls: Mutex::new(Controls::default()),
            http,
            browsers,
            me: me.clone(),
        })
    }

    /// This app, for work that outlives a request.
    pub fn arc(&self) -> Option<Arc<App>> {
        self.me.upgrade()
    }

    /// The store, with expiry applied up to now.
    pub fn store(&self) -> (MutexGuard<'_, Store>, Instant) {
        let mut g = self.store.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        g.advance(now, &self.timing);
        (g, now)
    }

    pub fn controls(&self) -> MutexGuard<'_, Controls> {
        self.controls.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Accepts connections until the listener fails.
pub async fn serve(cfg: Config, listener: TcpListener) -> io::Result<()> {
    let addr = listener.local_addr()?;
    let app = App::new(cfg, addr);
    tokio::spawn(agent::reap(Arc::downgrade(&app)));
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(c) => c,
            Err(e) if is_transient_accept_error(&e) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        let _ = stream.set_nodelay(true);
        let reset = Arc::new(AtomicBool::new(false));
        let io = TokioIo::new(ResettableStream {
            inner: stream,
            reset: reset.clone(),
        });
        let app = app.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| {
                let app = app.clone();
                let reset = reset.clone();
                async move { handle(app, req, reset).await }
            });
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(io, svc)
                .with_upgrades()
                .await;
        });
    }
}

fn is_transient_accept_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    ) || e.raw_os_error().is_some_and(|c| c == 23 || c == 24)
}

/// The error that makes hyper drop a connection without answering.
#[derive(Debug)]
pub struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset on purpose")
    }
}

impl std::error::Error for Reset {}

/// A TCP stream that, once `reset` is set, writes nothing more and is closed
/// with an RST (SO_LINGER 0) instead of a FIN.
struct ResettableStream {
    inner: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            let _ = socket2::SockRef::from(&self.inner).set_linger(Some(Duration::ZERO));
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.reset.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.reset.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.reset.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

type HyperResp = hyper::Response<Full<Bytes>>;

async fn handle(
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
            log_line(&app, &method, &path, &resp.status.to_string(), started);
            return Ok(to_hyper(resp));
        }
    };
    let req = Req {
        method,
        path,
        query,
        headers,
        body,
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
            match action {
                FaultAction::Reset => {
                    log_line(&app, &req.method, &req.path, "reset", started);
                    reset.store(true, Ordering::SeqCst);
                    return Err(Reset);
                }
                FaultAction::Hang => {
                    tokio::time::sleep(HANG_CAP).await;
                    log_line(&app, &req.method, &req.path, "hang", started);
                    reset.store(true, Ordering::SeqCst);
                    return Err(Reset);
                }
                FaultAction::Delay(d) => tokio::time::sleep(d).await,
                FaultAction::Respond(d, mut resp) => {
                    tokio::time::sleep(d).await;
                    if req.header("origin").is_some()
                        && !resp.has_header("access-control-allow-origin")
                    {
                        resp = resp.header("access-control-allow-origin", "*");
                    }
                    log_line(
                        &app,
                        &req.method,
                        &req.path,
                        &resp.status.to_string(),
                        started,
                    );
                    return Ok(to_hyper(resp));
                }
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
        return with_security_headers(api::handle(app, req));
    }
    if path == "/api" || path.starts_with("/api/") {
        return with_security_headers(api::handle(app, req));
    }
    if let Some(resp) = live::handle(app, req) {
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
