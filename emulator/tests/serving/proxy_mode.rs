//! Proxy mode: requests forwarded with the upstream key.

use skyvern_emulator::Upstream;

use crate::common::*;

#[tokio::test]
async fn proxy_mode_forwards_with_the_upstream_key() {
    let upstream = emu_with(|c| c.api_key = "upstream-secret".into()).await;
    let up_base = upstream.base.clone();
    let proxy = emu_with(move |c| {
        c.api_key = "local-key".into();
        c.upstream = Some(Upstream {
            base_url: up_base,
            api_key: "upstream-secret".into(),
        });
    })
    .await;
    // the caller's key is dropped and replaced
    let r = proxy
        .send(
            "POST",
            "/v1/browser_sessions?x=1",
            Some(r#"{"timeout": 30}"#),
            &[
                ("x-api-key", "caller-key"),
                ("content-type", "application/json"),
                ("x-test-id", "proxy-1"),
                ("origin", "http://page.test"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["timeout"], 30);
    assert!(v["app_url"]
        .as_str()
        .is_some_and(|u| u.starts_with(&upstream.base)));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        r.header("x-frame-options"),
        Some("DENY"),
        "upstream headers pass through"
    );
    let log = upstream.requests().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["api_key"], "valid");
    assert_eq!(log[0]["query"], "x=1");
    assert_eq!(log[0]["headers"]["x-test-id"], "proxy-1");
    assert_eq!(log[0]["body"], r#"{"timeout": 30}"#);
    assert!(log[0]["headers"].get("origin").is_none());
    // upstream errors come back as they are
    let r = proxy
        .send("GET", "/v1/runs/tsk_000000000000000000", None, &[])
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.text,
        r#"{"detail":"Task run not found tsk_000000000000000000"}"#
    );
    // an unreachable upstream is a 502
    let dead = emu_with(|c| {
        c.upstream = Some(Upstream {
            base_url: "http://127.0.0.1:9".into(),
            api_key: "k".into(),
        });
    })
    .await;
    let r = dead.send("GET", "/v1/browser_sessions", None, &[]).await;
    assert_eq!(r.status, 502);
    assert!(!r.text.contains("\"k\""));
}
