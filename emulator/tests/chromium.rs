//! Sessions backed by a real headless Chromium (skipped with a printed reason
//! when /usr/bin/chromium is absent): JPEG screencast frames, a real CDP
//! `browser_address`, the scripted agent reading a local page, a click sent
//! through the input socket, and no browser process left after close or after
//! the emulator is stopped by a signal.
//!
//! The tests take turns (one browser at a time) to stay light on small
//! machines.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use common::{emu_with, Emu};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

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

fn ws_url(e: &Emu, path: &str) -> String {
    format!("{}{path}", e.base.replacen("http://", "ws://", 1))
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

async fn send(ws: &mut Client, v: Value) {
    ws.send(Message::text(v.to_string())).await.expect("send");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_backed_by_chromium() {
    let Some(path) = chromium() else { return };
    let _turn = ONE_AT_A_TIME.lock().await;
    let e = emu_with(|c| {
        c.chromium = Some(path);
        c.max_browsers = 1;
        c.time_scale_ms = 60_000;
        c.start_delay_ms = 50;
        c.step_ms = 100;
    })
    .await;
    let site = page_server().await;

    let s = e.create_session("{}").await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    assert_eq!(s["status"], "created");
    let s = wait_running(&e, &id).await;

    // browser_address is the real DevTools endpoint.
    let address = s["browser_address"].as_str().expect("address").to_string();
    assert!(address.starts_with("ws://127.0.0.1:"), "{address}");
    let http = address
        .replacen("ws://", "http://", 1)
        .split("/devtools/")
        .next()
        .unwrap_or("")
        .to_string();
    let version: Value = e
        .client
        .get(format!("{http}/json/version"))
        .send()
        .await
        .expect("/json/version answers")
        .text()
        .await
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .expect("JSON");
    assert_eq!(version["webSocketDebuggerUrl"], address);

    let pids = browsers_of(std::process::id());
    assert_eq!(pids.len(), 1, "one browser process: {pids:?}");
    let pgrp = pids[0];
    let dir = user_data_dir(pgrp);
    assert!(dir.as_deref().is_some_and(Path::exists));

    // Frames are the browser's JPEG screencast.
    let mut view = connect(&ws_url(
        &e,
        &format!("/v1/stream/browser_sessions/{id}?apikey={}", e.key),
    ))
    .await;
    let first = frame_where(&mut view, "prime", |_| true).await;
    jpeg(&first);
    assert_eq!(first["browser_session_id"], id);
    assert_eq!(first["status"], "running");
    assert_eq!(first["viewport_width"], 1280);
    assert_eq!(first["viewport_height"], 720);

    // The scripted agent navigates to the task's URL and reads the page.
    let page = format!("{site}/");
    let out = task(
        &e,
        json!({"prompt": "Read the heading", "url": page, "browser_session_id": id}),
    )
    .await;
    assert_eq!(out["title"], "Emulator test page", "{out}");
    assert_eq!(out["heading"], "Hello from the test page", "{out}");
    assert_eq!(out["url"], page);
    assert_eq!(out["prompt"], "Read the heading");
    let shown = frame_where(&mut view, "the test page", |v| v["url"] == page).await;
    let before = jpeg(&shown);

    // Input before take-control is ignored.
    let mut input = connect(&ws_url(
        &e,
        &format!(
            "/v1/stream/cdp_input/browser_session/{id}?client_id=t1&apikey={}",
            e.key
        ),
    ))
    .await;
    assert_eq!(
        next_json(&mut input, LONG).await,
        Some(json!({"kind": "ready"}))
    );
    click(&mut input, 200.0, 240.0).await;
    let out = task(
        &e,
        json!({"prompt": "Read again", "browser_session_id": id}),
    )
    .await;
    assert_eq!(out["heading"], "Hello from the test page", "{out}");

    // After take-control a click on the button reaches the page, and the
    // next frames show it.
    send(&mut input, json!({"kind": "take-control"})).await;
    click(&mut input, 200.0, 240.0).await;
    frame_where(&mut view, "after the click", |v| {
        v["url"] == page && jpeg(v) != before
    })
    .await;
    let out = task(
        &e,
        json!({"prompt": "Read after the click", "browser_session_id": id}),
    )
    .await;
    assert_eq!(out["heading"], "Clicked 1", "{out}");

    // Keys: printable ones with `text`, Backspace as rawKeyDown.
    click(&mut input, 250.0, 340.0).await;
    for ch in ["H", "i", "y"] {
        send(&mut input, json!({"kind": "keyEvent", "eventType": "keyDown", "key": ch, "code": format!("Key{}", ch.to_uppercase()), "text": ch})).await;
        send(&mut input, json!({"kind": "keyEvent", "eventType": "keyUp", "key": ch, "code": format!("Key{}", ch.to_uppercase())})).await;
    }
    send(&mut input, json!({"kind": "keyEvent", "eventType": "rawKeyDown", "key": "Backspace", "code": "Backspace", "windowsVirtualKeyCode": 8})).await;
    send(&mut input, json!({"kind": "keyEvent", "eventType": "keyUp", "key": "Backspace", "code": "Backspace", "windowsVirtualKeyCode": 8})).await;
    let out = task(
        &e,
        json!({"prompt": "Read what was typed", "browser_session_id": id}),
    )
    .await;
    assert_eq!(out["heading"], "Typed Hi", "{out}");

    // Navigation and history through the input socket.
    let two = format!("{site}/two");
    send(&mut input, json!({"kind": "navigateEvent", "url": two})).await;
    frame_where(&mut view, "page two", |v| v["url"] == two).await;
    send(&mut input, json!({"kind": "goBackEvent"})).await;
    frame_where(&mut view, "back", |v| v["url"] == page).await;
    send(
        &mut input,
        json!({"kind": "navigateEvent", "url": "http://127.0.0.1:1/"}),
    )
    .await;
    assert_eq!(
        next_json(&mut input, LONG).await,
        Some(json!({"kind": "navigate-error", "reason": "failed"}))
    );

    // Beyond --max-browsers a session streams drawn frames.
    let other = e.create_session("{}").await;
    let other_id = other["browser_session_id"]
        .as_str()
        .expect("id")
        .to_string();
    wait_running(&e, &other_id).await;
    let mut drawn = connect(&ws_url(
        &e,
        &format!("/v1/stream/browser_sessions/{other_id}?apikey={}", e.key),
    ))
    .await;
    let f = frame_where(&mut drawn, "drawn", |_| true).await;
    assert_eq!(f["format"], "png");
    e.post(&format!("/v1/browser_sessions/{other_id}/close"), "{}")
        .await;

    // Close: a status message then a drop, 4404 on the input socket, and the
    // browser's processes and profile are gone.
    let closed = Instant::now();
    e.post(&format!("/v1/browser_sessions/{id}/close"), "{}")
        .await;
    let end = loop {
        match next_json(&mut view, Duration::from_secs(5)).await {
            Some(v) if v.get("screenshot").is_some() => continue,
            other => break other,
        }
    };
    assert_eq!(
        end,
        Some(json!({"browser_session_id": id, "status": "completed"}))
    );
    assert!(matches!(
        view.next().await,
        None | Some(Err(WsError::Protocol(_))) | Some(Err(WsError::Io(_)))
    ));
    assert!(
        closed.elapsed() < Duration::from_secs(3),
        "{:?}",
        closed.elapsed()
    );
    match tokio::time::timeout(LONG, input.next()).await {
        Ok(Some(Ok(Message::Close(Some(f))))) => {
            assert_eq!(u16::from(f.code), 4404);
            assert_eq!(f.reason.as_str(), "browser_session_finalized");
        }
        other => panic!("expected close 4404, got {other:?}"),
    }
    wait_gone(pgrp, dir.as_deref()).await;
    assert!(e
        .client
        .get(format!("{http}/json/version"))
        .send()
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_the_emulator_with_a_signal_kills_its_browsers() {
    let Some(_) = chromium() else { return };
    let _turn = ONE_AT_A_TIME.lock().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_skyvern-emulator"))
        .args([
            "--port",
            "0",
            "--api-key",
            "sig-key",
            "--start-delay-ms",
            "0",
        ])
        .args(["--chromium", CHROMIUM])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("emulator starts");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("first line");
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .expect("listening line")
        .to_string();
    let e = Emu {
        base,
        key: "sig-key".into(),
        client: reqwest::Client::new(),
    };
    let s = e.create_session("{}").await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    wait_running(&e, &id).await;
    let pids = browsers_of(child.id());
    assert_eq!(pids.len(), 1, "{pids:?}");
    let dir = user_data_dir(pids[0]);

    // SAFETY: signalling our own child process.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let until = Instant::now() + LONG;
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        assert!(Instant::now() < until, "the emulator did not stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    wait_gone(pids[0], dir.as_deref()).await;
}
