//! One session in a real Chromium: frames, the CDP address, the scripted agent, a click, close.

use super::{
    browsers_of, chromium, click, connect, frame_where, jpeg, next_json, page_server, send, task,
    user_data_dir, wait_gone, wait_running, ws_url, LONG, ONE_AT_A_TIME,
};

use std::path::Path;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::common::sockets::Client;
use crate::common::{emu_with, Emu};

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
    let http = devtools_http_endpoint(&e, &s).await;

    let pids = browsers_of(std::process::id());
    assert_eq!(pids.len(), 1, "one browser process: {pids:?}");
    let pgrp = pids[0];
    let dir = user_data_dir(pgrp);
    assert!(dir.as_deref().is_some_and(Path::exists));

    let mut view = screencast(&e, &id).await;
    let page = format!("{site}/");
    let before = agent_reads_the_page(&e, &mut view, &id, &page).await;
    let mut input = input_is_ignored_before_take_control(&e, &id).await;
    a_click_after_take_control_reaches_the_page(&e, &mut input, &mut view, &id, &page, &before)
        .await;
    typed_keys_reach_the_page(&e, &mut input, &id).await;
    navigation_and_history_through_input(&mut input, &mut view, &site, &page).await;
    beyond_max_browsers_frames_are_drawn(&e).await;
    close_ends_both_sockets(&e, &mut view, &mut input, &id).await;
    wait_gone(pgrp, dir.as_deref()).await;
    assert!(e
        .client
        .get(format!("{http}/json/version"))
        .send()
        .await
        .is_err());
}

/// `browser_address` is the real DevTools endpoint; returns its HTTP base.
async fn devtools_http_endpoint(e: &Emu, s: &Value) -> String {
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
    http
}

/// Frames are the browser's JPEG screencast.
async fn screencast(e: &Emu, id: &str) -> Client {
    let mut view = connect(&ws_url(
        e,
        &format!("/v1/stream/browser_sessions/{id}?apikey={}", e.key),
    ))
    .await;
    let first = frame_where(&mut view, "prime", |_| true).await;
    jpeg(&first);
    assert_eq!(first["browser_session_id"], id);
    assert_eq!(first["status"], "running");
    assert_eq!(first["viewport_width"], 1280);
    assert_eq!(first["viewport_height"], 720);
    view
}

/// The scripted agent navigates to the task's URL and reads the page;
/// returns the frame that shows it.
async fn agent_reads_the_page(e: &Emu, view: &mut Client, id: &str, page: &str) -> Vec<u8> {
    let out = task(
        e,
        json!({"prompt": "Read the heading", "url": page, "browser_session_id": id}),
    )
    .await;
    assert_eq!(out["title"], "Emulator test page", "{out}");
    assert_eq!(out["heading"], "Hello from the test page", "{out}");
    assert_eq!(out["url"], page);
    assert_eq!(out["prompt"], "Read the heading");
    let shown = frame_where(view, "the test page", |v| v["url"] == page).await;
    jpeg(&shown)
}

/// Input before take-control is ignored.
async fn input_is_ignored_before_take_control(e: &Emu, id: &str) -> Client {
    let mut input = connect(&ws_url(
        e,
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
    let out = task(e, json!({"prompt": "Read again", "browser_session_id": id})).await;
    assert_eq!(out["heading"], "Hello from the test page", "{out}");
    input
}

/// After take-control a click on the button reaches the page, and the
/// next frames show it.
async fn a_click_after_take_control_reaches_the_page(
    e: &Emu,
    input: &mut Client,
    view: &mut Client,
    id: &str,
    page: &str,
    before: &[u8],
) {
    send(input, json!({"kind": "take-control"})).await;
    click(input, 200.0, 240.0).await;
    frame_where(view, "after the click", |v| {
        v["url"] == page && jpeg(v) != before
    })
    .await;
    let out = task(
        e,
        json!({"prompt": "Read after the click", "browser_session_id": id}),
    )
    .await;
    assert_eq!(out["heading"], "Clicked 1", "{out}");
}

/// Keys: printable ones with `text`, Backspace as rawKeyDown.
async fn typed_keys_reach_the_page(e: &Emu, input: &mut Client, id: &str) {
    click(input, 250.0, 340.0).await;
    for ch in ["H", "i", "y"] {
        send(input, json!({"kind": "keyEvent", "eventType": "keyDown", "key": ch, "code": format!("Key{}", ch.to_uppercase()), "text": ch})).await;
        send(input, json!({"kind": "keyEvent", "eventType": "keyUp", "key": ch, "code": format!("Key{}", ch.to_uppercase())})).await;
    }
    send(input, json!({"kind": "keyEvent", "eventType": "rawKeyDown", "key": "Backspace", "code": "Backspace", "windowsVirtualKeyCode": 8})).await;
    send(input, json!({"kind": "keyEvent", "eventType": "keyUp", "key": "Backspace", "code": "Backspace", "windowsVirtualKeyCode": 8})).await;
    let out = task(
        e,
        json!({"prompt": "Read what was typed", "browser_session_id": id}),
    )
    .await;
    assert_eq!(out["heading"], "Typed Hi", "{out}");
}

/// Navigation and history through the input socket.
async fn navigation_and_history_through_input(
    input: &mut Client,
    view: &mut Client,
    site: &str,
    page: &str,
) {
    let two = format!("{site}/two");
    send(input, json!({"kind": "navigateEvent", "url": two})).await;
    frame_where(view, "page two", |v| v["url"] == two).await;
    send(input, json!({"kind": "goBackEvent"})).await;
    frame_where(view, "back", |v| v["url"] == page).await;
    send(
        input,
        json!({"kind": "navigateEvent", "url": "http://127.0.0.1:1/"}),
    )
    .await;
    assert_eq!(
        next_json(input, LONG).await,
        Some(json!({"kind": "navigate-error", "reason": "failed"}))
    );
}

/// Beyond --max-browsers a session streams drawn frames.
async fn beyond_max_browsers_frames_are_drawn(e: &Emu) {
    let other = e.create_session("{}").await;
    let other_id = other["browser_session_id"]
        .as_str()
        .expect("id")
        .to_string();
    wait_running(e, &other_id).await;
    let mut drawn = connect(&ws_url(
        e,
        &format!("/v1/stream/browser_sessions/{other_id}?apikey={}", e.key),
    ))
    .await;
    let f = frame_where(&mut drawn, "drawn", |_| true).await;
    assert_eq!(f["format"], "png");
    e.post(&format!("/v1/browser_sessions/{other_id}/close"), "{}")
        .await;
}

/// Close: a status message then a drop on the view socket, 4404 on the input
/// socket. (The caller then checks that the browser's processes and profile are gone.)
async fn close_ends_both_sockets(e: &Emu, view: &mut Client, input: &mut Client, id: &str) {
    let closed = Instant::now();
    e.post(&format!("/v1/browser_sessions/{id}/close"), "{}")
        .await;
    let end = loop {
        match next_json(view, Duration::from_secs(5)).await {
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
}
