//! The input socket: auth and close codes, and events only after take-control.

use super::{connect, input, next, next_json, screencast, ws_url, Ev, T};

use std::time::Duration;

use futures_util::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::common::sockets::{send, Client};
use crate::common::{emu, wait_for, Emu};

#[tokio::test]
async fn input_socket_auth_and_not_found_close_codes() {
    let e = emu().await;
    let id = e.running_session().await;
    let cases = [
        format!("/v1/stream/cdp_input/browser_session/{id}?client_id=c"),
        format!("/v1/stream/cdp_input/browser_session/{id}?client_id=c&apikey=wrong"),
        format!("/v1/stream/cdp_input/browser_session/{id}?apikey={}", e.key),
        format!(
            "/v1/stream/cdp_input/browser_session/{id}?client_id=&apikey={}",
            e.key
        ),
    ];
    for path in &cases {
        let mut ws = connect(&ws_url(&e, path)).await;
        assert_eq!(
            next(&mut ws, T).await,
            Ev::Close(1002, String::new()),
            "{path}"
        );
    }
    let mut ws = connect(&input(&e, "pbs_000000000000000000", &e.key)).await;
    assert_eq!(
        next(&mut ws, T).await,
        Ev::Close(4404, "browser_session_not_found".into())
    );
    let ended = e.running_session().await;
    e.post(&format!("/v1/browser_sessions/{ended}/close"), "{}")
        .await;
    let mut ws = connect(&input(&e, &ended, &e.key)).await;
    assert_eq!(
        next(&mut ws, T).await,
        Ev::Close(4404, "browser_session_finalized".into())
    );
}

async fn current_url(e: &Emu, id: &str) -> String {
    let v = e.get(&format!("/browser-session/{id}/state")).await.json();
    v["current_url"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn input_socket_takes_events_only_after_take_control() {
    let e = emu().await;
    let id = e.running_session().await;
    let mut ws = connect(&input(&e, &id, &e.key)).await;
    assert_eq!(next_json(&mut ws, T).await, json!({"kind": "ready"}));

    events_before_take_control_are_dropped(&e, &mut ws, &id).await;

    // Garbage is ignored and the socket stays open.
    ws.send(Message::text("{not json")).await.expect("send");
    send(&mut ws, json!({"kind": "take-control"})).await;
    send(
        &mut ws,
        json!({"kind": "mouseEvent", "eventType": "mousePressed", "x": "left", "y": 1}),
    )
    .await;
    send(&mut ws, json!({"kind": "somethingElse"})).await;

    for bad in [
        "not a url at all",
        "file:///etc/passwd",
        "javascript:alert(1)",
    ] {
        send(&mut ws, json!({"kind": "navigateEvent", "url": bad})).await;
        assert_eq!(
            next_json(&mut ws, T).await,
            json!({"kind": "navigate-error", "reason": "invalid_url"}),
            "{bad}"
        );
    }
    // `type` works like `kind`; a bare host gets https://.
    send(
        &mut ws,
        json!({"type": "navigateEvent", "url": "docs.example.test/start"}),
    )
    .await;
    wait_for(T, || async {
        current_url(&e, &id).await == "https://docs.example.test/start"
    })
    .await;

    // The screencast shows the new URL.
    let mut view = connect(&screencast(&e, &id, Some(&e.key))).await;
    assert_eq!(
        next_json(&mut view, T).await["url"],
        "https://docs.example.test/start"
    );

    // cede-control: dropped again.
    send(&mut ws, json!({"kind": "cede-control"})).await;
    send(
        &mut ws,
        json!({"kind": "navigateEvent", "url": "https://after.example.test/"}),
    )
    .await;
    assert_eq!(next(&mut ws, Duration::from_millis(300)).await, Ev::Timeout);
    assert_eq!(
        current_url(&e, &id).await,
        "https://docs.example.test/start"
    );

    // The session ends: the input socket closes with 4404.
    e.post(&format!("/v1/browser_sessions/{id}/close"), "{}")
        .await;
    assert_eq!(
        next(&mut ws, T).await,
        Ev::Close(4404, "browser_session_finalized".into())
    );
}

/// Before take-control everything is dropped silently.
async fn events_before_take_control_are_dropped(e: &Emu, ws: &mut Client, id: &str) {
    send(
        ws,
        json!({"kind": "navigateEvent", "url": "not a url at all"}),
    )
    .await;
    send(
        ws,
        json!({"kind": "navigateEvent", "url": "https://before.example.test/"}),
    )
    .await;
    assert_eq!(next(ws, Duration::from_millis(300)).await, Ev::Timeout);
    assert_eq!(current_url(e, id).await, "about:blank");
}
