//! What every part of the emulator shares: the running [`App`] with its
//! store, test-control state and browser pool, and the request and response
//! types handlers take and give.

pub mod http;
pub mod store;
pub mod test_controls;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use crate::browser::Pool;
use crate::config::Config;
use crate::util::Clock;

pub use http::{Req, Resp};
use store::{Store, Timing};
use test_controls::Controls;
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
