//! What a run request accepts.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn run_validation() {
    let emu = emu().await;
    let r = emu
        .post("/v1/run/tasks", r#"{"url": "https://example.com"}"#)
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"missing","loc":["body","prompt"],"msg":"Field required","input":{"url":"https://example.com"}}]}"#
    );
    // A refused URL is a 400 that ends validation (the first URL field in
    // the model's order wins, whatever else is wrong), as on the real server.
    for (body, detail) in [
        (
            r#"{"prompt": "[fail] x", "url": "not a url"}"#,
            "Invalid url: malformed.",
        ),
        (
            r#"{"prompt": "x", "url": "ftp://example.test/"}"#,
            "Invalid url: unsupported scheme.",
        ),
        (
            r#"{"prompt": "x", "webhook_url": "ftp://a", "totp_url": "nope nope", "url": "not a url"}"#,
            "Invalid url: malformed.",
        ),
        (
            r#"{"webhook_url": "ftp://a"}"#,
            "Invalid webhook_url: unsupported scheme.",
        ),
        (
            r#"{"prompt": "x", "totp_url": "http://a b/"}"#,
            "Invalid totp_url: malformed.",
        ),
    ] {
        let r = emu.post("/v1/run/tasks", body).await;
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(
            r.json(),
            json!({"detail": format!("{detail} Use an HTTP or HTTPS URL with at most 2083 characters.")}),
            "{body}"
        );
    }
    let r = emu.post("/v1/run/tasks", "").await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}"#
    );
    let r = emu.post("/v1/run/tasks", r#"{"prompt": 5}"#).await;
    assert_eq!(r.json()["detail"][0]["type"], "string_type");
    let r = emu
        .post("/v1/run/tasks", r#"{"prompt": "x", "engine": "skyvern-9"}"#)
        .await;
    assert_eq!(r.json()["detail"][0]["type"], "enum");
    // a scheme-less URL gets https:// as on the real server
    let v = emu
        .run_task(r#"{"prompt": "x", "url": "example.com"}"#)
        .await;
    assert_eq!(v["run_request"]["url"], "https://example.com/");
    // no key: 403 before validation
    let r = emu
        .send(
            "POST",
            "/v1/run/tasks",
            Some("{}"),
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(r.status, 403);
    // engine decides run_type and id
    let v = emu
        .run_task(r#"{"prompt": "x", "engine": "skyvern-2.0"}"#)
        .await;
    assert_eq!(v["run_type"], "task_v2");
    assert!(v["run_id"]
        .as_str()
        .is_some_and(|i| i.starts_with("tsk_v2_")));
}
