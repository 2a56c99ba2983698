//! Sessions backed by a real headless Chromium (skipped with a printed reason
//! when /usr/bin/chromium is absent): JPEG screencast frames, a real CDP
//! `browser_address`, the scripted agent reading a local page, a click sent
//! through the input socket, and no browser process left after close or after
//! the emulator is stopped by a signal.
//!
//! The tests take turns (one browser at a time) to stay light on small
//! machines.

#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine;
use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

use crate::common::sockets::{send, ws_url, Client};
use crate::common::Emu;

mod session_in_chromium;
mod signal_shutdown;

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const CHROMIUM: &str = "/usr/bin/chromium";

const LONG: Duration = Duration::from_secs(30);

fn chromium() -> Option<PathBuf> {
    let p = PathBuf::from(CHROMIUM);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {CHROMIUM} not found, so there is no real browser to test");
        None
    }
}

const PAGE: &str = r#"<!doctype html>
<html><head><title>Emulator test page</title>
<style>body{margin:0;font-family:sans-serif}
#b{position:absolute;left:100px;top:200px;width:200px;height:80px;font-size:20px}
#i{position:absolute;left:100px;top:320px;width:300px;height:40px;font-size:20px}</style></head>
<body><h1 id="h">Hello from the test page</h1>
<button id="b" onclick="n++;document.getElementById('h').textContent='Clicked '+n">Click me</button>
<input id="i" oninput="document.getElementById('h').textContent='Typed '+this.value">
<script>var n=0</script></body></html>"#;

const PAGE_TWO: &str = r#"<!doctype html>
<html><head><title>Second page</title></head><body><h2>Page two</h2></body></html>"#;

/// A tiny HTTP server on 127.0.0.1 with `/` (a button that changes the
/// heading) and `/two`.
async fn page_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf);
                let path = head.split_whitespace().nth(1).unwrap_or("/");
                let (status, body) = match path {
                    "/" => ("200 OK", PAGE),
                    "/two" => ("200 OK", PAGE_TWO),
                    _ => ("404 Not Found", "not found"),
                };
                let resp = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(resp.as_bytes()).await;
                let _ = s.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

struct Proc {
    pid: u32,
    ppid: u32,
    pgrp: u32,
    zombie: bool,
}

fn procs() -> Vec<Proc> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|d| {
        let d = d.ok()?;
        let pid: u32 = d.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(d.path().join("stat")).ok()?;
        let rest = &stat[stat.rfind(')')? + 2..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        Some(Proc {
            pid,
            zombie: f.first() == Some(&"Z"),
            ppid: f.get(1)?.parse().ok()?,
            pgrp: f.get(2)?.parse().ok()?,
        })
    })
    .collect()
}

fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

/// Browser processes started by `parent`.
fn browsers_of(parent: u32) -> Vec<u32> {
    procs()
        .into_iter()
        .filter(|p| {
            p.ppid == parent && !p.zombie && cmdline(p.pid).contains("--remote-debugging-port")
        })
        .map(|p| p.pid)
        .collect()
}

fn alive_in_group(pgrp: u32) -> Vec<u32> {
    procs()
        .into_iter()
        .filter(|p| p.pgrp == pgrp && !p.zombie)
        .map(|p| p.pid)
        .collect()
}

fn user_data_dir(pid: u32) -> Option<PathBuf> {
    cmdline(pid)
        .split(' ')
        .find_map(|a| a.strip_prefix("--user-data-dir="))
        .map(PathBuf::from)
}

async fn wait_gone(pgrp: u32, dir: Option<&Path>) {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let left = alive_in_group(pgrp);
        let dir_left = dir.is_some_and(Path::exists);
        if left.is_empty() && !dir_left {
            return;
        }
        assert!(
            Instant::now() < until,
            "browser processes {left:?} (or the profile dir: {dir_left}) still there"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_running(e: &Emu, id: &str) -> Value {
    let until = Instant::now() + LONG;
    loop {
        let s = e.get(&format!("/v1/browser_sessions/{id}")).await.json();
        if s["status"] == "running" {
            return s;
        }
        assert!(Instant::now() < until, "session never ran: {s}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn connect(url: &str) -> Client {
    tokio_tungstenite::connect_async(url)
        .await
        .unwrap_or_else(|err| panic!("connect: {err}"))
        .0
}

/// The next JSON text message (pings skipped); `None` on timeout, close or drop.
async fn next_json(ws: &mut Client, limit: Duration) -> Option<Value> {
    let until = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(until, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return serde_json::from_str(&t).ok(),
            Ok(Some(Ok(Message::Ping(_)))) | Ok(Some(Ok(Message::Pong(_)))) => continue,
            _ => return None,
        }
    }
}

/// Frames until one matches `pred`.
async fn frame_where(ws: &mut Client, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + Duration::from_secs(15);
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match next_json(ws, left).await {
            Some(v) if v.get("screenshot").is_some() && pred(&v) => return v,
            Some(v) if v.get("screenshot").is_some() => continue,
            other => panic!("waiting for a frame ({what}), got {other:?}"),
        }
    }
}

fn jpeg(v: &Value) -> Vec<u8> {
    assert_eq!(v["format"], "jpeg");
    let b = base64::engine::general_purpose::STANDARD
        .decode(v["screenshot"].as_str().unwrap_or(""))
        .expect("base64");
    assert_eq!(&b[..3], &[0xff, 0xd8, 0xff], "not a JPEG");
    b
}

async fn task(e: &Emu, body: Value) -> Value {
    let run = e.run_task(&body.to_string()).await;
    let id = run["run_id"].as_str().expect("run id").to_string();
    let (_, done) = e.follow_run(&id, LONG).await;
    assert_eq!(done["status"], "completed", "{done}");
    done["output"].clone()
}

async fn click(ws: &mut Client, x: f64, y: f64) {
    for et in ["mousePressed", "mouseReleased"] {
        send(
            ws,
            json!({"kind": "mouseEvent", "eventType": et, "x": x, "y": y, "button": "left", "clickCount": 1}),
        )
        .await;
    }
}
