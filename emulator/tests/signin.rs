//! Signing in by hand and keeping it (skipped with a printed reason when
//! /usr/bin/chromium is absent): a session opens its start page (the
//! emulator's test site), keys typed through the input socket sign in, the
//! closed session's cookies and local storage become a browser profile, and a
//! session started from that profile is signed in.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use common::{emu_with, Emu};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;
const LONG: Duration = Duration::from_secs(30);

fn chromium() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/chromium");
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: /usr/bin/chromium not found, so there is no real browser to test");
        None
    }
}

async fn wait_running(e: &Emu, id: &str) {
    let until = Instant::now() + LONG;
    loop {
        let s = e.get(&format!("/v1/browser_sessions/{id}")).await.json();
        if s["status"] == "running" {
            return;
        }
        assert!(Instant::now() < until, "session never ran: {s}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What the scripted agent reads on the page the session shows now.
async fn read_page(e: &Emu, sid: &str) -> Value {
    let body = json!({"prompt": "Read the page", "browser_session_id": sid});
    let run = e.run_task(&body.to_string()).await;
    let id = run["run_id"].as_str().expect("run id").to_string();
    let (_, done) = e.follow_run(&id, LONG).await;
    assert_eq!(done["status"], "completed", "{done}");
    done["output"].clone()
}

async fn send(ws: &mut Client, v: Value) {
    ws.send(Message::text(v.to_string())).await.expect("send");
}

async fn key(ws: &mut Client, down: &str, key: &str, text: Option<&str>, vk: u32) {
    let mut d =
        json!({"kind": "keyEvent", "eventType": down, "key": key, "windowsVirtualKeyCode": vk});
    if let Some(t) = text {
        d["text"] = json!(t);
    }
    send(ws, d).await;
    send(
        ws,
        json!({"kind": "keyEvent", "eventType": "keyUp", "key": key, "windowsVirtualKeyCode": vk}),
    )
    .await;
}

async fn type_text(ws: &mut Client, s: &str) {
    for c in s.chars() {
        let t = c.to_string();
        key(ws, "keyDown", &t, Some(&t), 0).await;
    }
}

/// Takes control and signs in on the login form the session shows.
async fn sign_in_by_hand(e: &Emu, sid: &str) {
    let url = format!(
        "{}/v1/stream/cdp_input/browser_session/{sid}?client_id=t&apikey={}",
        e.base.replacen("http://", "ws://", 1),
        e.key
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("input socket");
    let ready = tokio::time::timeout(LONG, ws.next()).await.ok().flatten();
    assert!(
        matches!(&ready, Some(Ok(Message::Text(t))) if t.contains("ready")),
        "{ready:?}"
    );
    send(&mut ws, json!({"kind": "take-control"})).await;
    type_text(&mut ws, "demo").await; // the username field has the focus
    key(&mut ws, "rawKeyDown", "Tab", None, 9).await;
    type_text(&mut ws, "let-me-in").await;
    key(&mut ws, "rawKeyDown", "Enter", None, 13).await;
    let _ = ws.close(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_by_hand_is_kept_as_a_profile() {
    let Some(path) = chromium() else { return };
    let e = emu_with(|c| {
        c.chromium = Some(path);
        c.max_browsers = 2; // one closing while the next starts
        c.time_scale_ms = 60_000;
        c.start_delay_ms = 50;
        c.step_ms = 50;
    })
    .await;
    let login = format!("{}/test-site/login", e.base);
    let account = format!("{}/test-site/account", e.base);

    // The start page is open once the session runs.
    let s = e.create_session(&json!({"url": login}).to_string()).await;
    let sid = s["browser_session_id"].as_str().expect("id").to_string();
    wait_running(&e, &sid).await;
    let out = read_page(&e, &sid).await;
    assert_eq!(out["url"], login, "{out}");
    assert_eq!(out["heading"], "Sign in to the test site", "{out}");

    sign_in_by_hand(&e, &sid).await;
    wait_signed_in(&e, &sid, &account).await;

    let pid = a_profile_needs_the_option_and_an_ended_session(&e, &sid).await;

    // A session from the profile is signed in (cookie) and remembers the
    // user (local storage).
    let s2 = e
        .create_session(&json!({"url": account, "browser_profile_id": pid}).to_string())
        .await;
    let sid2 = s2["browser_session_id"].as_str().expect("id").to_string();
    wait_running(&e, &sid2).await;
    let out = read_page(&e, &sid2).await;
    assert_eq!(out["heading"], "Signed in as demo", "{out}");
    assert_eq!(out["title"], "Account (remembered: demo)", "{out}");
    e.post(&format!("/v1/browser_sessions/{sid2}/close"), "")
        .await;

    // A fresh session is not.
    let s3 = e.create_session(&json!({"url": account}).to_string()).await;
    let sid3 = s3["browser_session_id"].as_str().expect("id").to_string();
    wait_running(&e, &sid3).await;
    let out = read_page(&e, &sid3).await;
    assert_eq!(out["heading"], "Not signed in", "{out}");
    e.post(&format!("/v1/browser_sessions/{sid3}/close"), "")
        .await;
}

/// The hand-made sign-in lands on the account page.
async fn wait_signed_in(e: &Emu, sid: &str, account: &str) {
    let until = Instant::now() + LONG;
    loop {
        let out = read_page(e, sid).await;
        if out["heading"] == "Signed in as demo" {
            assert_eq!(out["url"], account, "{out}");
            break;
        }
        assert!(Instant::now() < until, "never signed in: {out}");
    }
}

/// A profile is kept only when the session was asked to keep one, and only
/// once the session has ended; an archive becomes a profile once.
async fn a_profile_needs_the_option_and_an_ended_session(e: &Emu, sid: &str) -> String {
    // Not asked to keep a profile: refused, like the real server.
    let name = json!({"name": "nope", "browser_session_id": sid}).to_string();
    let r = e.post("/v1/browser_profiles", &name).await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.text.contains("not configured to generate"), "{}", r.text);
    let patch = e
        .send(
            "PATCH",
            &format!("/v1/browser_sessions/{sid}"),
            Some(r#"{"generate_browser_profile": true}"#),
            &[("x-api-key", &e.key), ("content-type", "application/json")],
        )
        .await;
    assert_eq!(patch.status, 200, "{}", patch.text);
    // Still open: the archive is written when the session ends.
    let body = json!({"name": "Signed in", "browser_session_id": sid}).to_string();
    let r = e.post("/v1/browser_profiles", &body).await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.text.contains("persisted profile archive"), "{}", r.text);

    let closed = e
        .post(&format!("/v1/browser_sessions/{sid}/close"), "")
        .await;
    assert_eq!(closed.status, 200);
    let r = e.post("/v1/browser_profiles", &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let pid = r.json()["browser_profile_id"]
        .as_str()
        .expect("bp")
        .to_string();
    // An archive becomes a profile once.
    let again = json!({"name": "Again", "browser_session_id": sid}).to_string();
    assert_eq!(e.post("/v1/browser_profiles", &again).await.status, 400);
    pid
}
