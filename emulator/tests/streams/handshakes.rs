//! Socket handshakes in the request log, and faults on them.

use super::{assert_png_frame, connect, next_json, screencast, ws_url, T};

use tokio_tungstenite::tungstenite::Error as WsError;

use crate::common::emu;

#[tokio::test]
async fn handshakes_log_and_faults() {
    let e = emu().await;
    let id = e.running_session().await;

    // The legacy prefix and unknown socket routes are refused at the handshake.
    for path in [
        format!("/api/v1/stream/browser_sessions/{id}?apikey={}", e.key),
        format!(
            "/v1/stream/vnc/browser_session/{id}?client_id=c&apikey={}",
            e.key
        ),
    ] {
        match tokio_tungstenite::connect_async(ws_url(&e, &path)).await {
            Err(WsError::Http(r)) => assert_eq!(r.status().as_u16(), 403, "{path}"),
            other => panic!("{path}: expected HTTP 403, got {:?}", other.map(|x| x.1)),
        }
    }
    // A plain GET of a socket route is an ordinary 404.
    let r = e
        .get(&format!(
            "/v1/stream/browser_sessions/{id}?apikey={}",
            e.key
        ))
        .await;
    assert_eq!(r.status, 404);

    // The request log never holds the key.
    let mut ws = connect(&screencast(&e, &id, Some(&e.key))).await;
    next_json(&mut ws, T).await;
    let log = e.requests().await;
    let entry = log
        .iter()
        .rev()
        .find(|r| r["path"] == format!("/v1/stream/browser_sessions/{id}"))
        .expect("logged");
    assert_eq!(entry["query"], "apikey=REDACTED");
    assert_eq!(entry["api_key"], "valid");
    assert!(!serde_json::to_string(&log)
        .unwrap_or_default()
        .contains(&e.key));

    // Faults apply to handshakes like to any request.
    e.fault(r#"{"path_prefix": "/v1/stream/", "status": 503, "body": "down"}"#)
        .await;
    match tokio_tungstenite::connect_async(screencast(&e, &id, Some(&e.key))).await {
        Err(WsError::Http(r)) => assert_eq!(r.status().as_u16(), 503),
        other => panic!("expected HTTP 503, got {:?}", other.map(|x| x.1)),
    }
    e.fault(r#"{"path_prefix": "/v1/stream/", "reset": true}"#)
        .await;
    assert!(
        tokio_tungstenite::connect_async(screencast(&e, &id, Some(&e.key)))
            .await
            .is_err()
    );
    // And the next one works again.
    let mut ws = connect(&screencast(&e, &id, Some(&e.key))).await;
    assert_png_frame(&next_json(&mut ws, T).await, &id);
}
