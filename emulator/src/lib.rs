//! A local, in-memory server that behaves like the Skyvern 1.0.56 HTTP API
//! (browser sessions, runs, browser profiles), with a live-view page behind
//! every `app_url`, test controls (faults, request log, reset), static file
//! serving for the demo, and a proxy mode that forwards to a real Skyvern.
//!
//! The binary is a thin wrapper around [`parse_args`] and [`serve`]; tests
//! start the server in-process with [`start`].

mod agent;
mod api;
mod app;
mod browser;
pub mod config;
mod controls;
mod live;
mod pyjson;
mod server;
mod site;
mod userdata;
mod util;
mod webhooks;

use std::io;
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use browser::kill_all as kill_browsers;
pub use config::{parse_args, Command, Config, Upstream, USAGE};
pub use server::serve;

/// Binds `cfg.host:cfg.port` and serves in a background task.
pub async fn start(cfg: Config) -> io::Result<(SocketAddr, JoinHandle<io::Result<()>>)> {
    let listener = bind(&cfg.host, cfg.port).await?;
    let addr = listener.local_addr()?;
    Ok((addr, tokio::spawn(serve(cfg, listener))))
}

/// Binds a listener; `host` may be a name, an IPv4 or an IPv6 address.
pub async fn bind(host: &str, port: u16) -> io::Result<TcpListener> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    TcpListener::bind((host, port)).await
}
