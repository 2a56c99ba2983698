//! Authentication and its check order, unknown sessions and wrong methods.

use crate::common::*;

#[tokio::test]
async fn auth_table_and_check_order() {
    let emu = emu().await;
    let missing = r#"{"detail":"Invalid credentials"}"#;
    let wrong = r#"{"detail":"Could not validate credentials"}"#;
    let routes = [
        ("POST", "/v1/browser_sessions"),
        ("GET", "/v1/browser_sessions"),
        ("GET", "/v1/browser_sessions/pbs_000000000000000000"),
        ("POST", "/v1/browser_sessions/pbs_000000000000000000/close"),
        ("GET", "/v1/runs/tsk_000000000000000000"),
        ("POST", "/v1/run/tasks"),
        ("GET", "/v1/browser_profiles"),
    ];
    for (m, p) in routes {
        let r = emu.send(m, p, None, &[]).await;
        assert_eq!(
            (r.status, r.text.as_str()),
            (403, missing),
            "{m} {p} no key"
        );
        let r = emu.send(m, p, None, &[("x-api-key", "")]).await;
        assert_eq!(
            (r.status, r.text.as_str()),
            (403, missing),
            "{m} {p} empty key"
        );
        let r = emu.send(m, p, None, &[("x-api-key", "wrong-key")]).await;
        assert_eq!(
            (r.status, r.text.as_str()),
            (403, wrong),
            "{m} {p} wrong key"
        );
    }
    let r = emu
        .send(
            "GET",
            "/v1/browser_sessions",
            None,
            &[("authorization", &format!("Bearer {KEY}"))],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.text, r#"{"detail":"Invalid authentication method"}"#);

    // body parsing before auth: malformed JSON is 422 even without a key
    for key in [None, Some("wrong-key")] {
        let mut h = vec![("content-type", "application/json")];
        if let Some(k) = key {
            h.push(("x-api-key", k));
        }
        let r = emu
            .send(
                "POST",
                "/v1/browser_sessions",
                Some(r#"{"timeout": 60"#),
                &h,
            )
            .await;
        assert_eq!(r.status, 422, "{key:?}");
        assert_eq!(r.json()["detail"][0]["type"], "json_invalid");
    }
    // well-formed JSON with a bad timeout and no key is 403
    let r = emu
        .send(
            "POST",
            "/v1/browser_sessions",
            Some(r#"{"timeout": 4}"#),
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (403, missing));
    // the 403 carries the security headers too
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
}

#[tokio::test]
async fn not_found_and_method_errors() {
    let emu = emu().await;
    for id in ["pbs_000000000000000000", "not-a-session"] {
        let r = emu.get(&format!("/v1/browser_sessions/{id}")).await;
        assert_eq!(r.status, 404);
        assert_eq!(
            r.text,
            format!(r#"{{"detail":"Browser session {id} not found"}}"#)
        );
    }
    let r = emu
        .post("/v1/browser_sessions/pbs_000000000000000000/close", "")
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.text,
        r#"{"detail":"Browser session pbs_000000000000000000 not found"}"#
    );
    let r = emu
        .send(
            "DELETE",
            "/v1/browser_sessions/pbs_000000000000000000",
            None,
            &[("x-api-key", KEY)],
        )
        .await;
    assert_eq!(r.status, 405);
    assert_eq!(r.text, r#"{"detail":"Method Not Allowed"}"#);
    let r = emu
        .get("/api/v1/browser_sessions/pbs_000000000000000000")
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.text, r#"{"detail":"Not Found"}"#);
    let r = emu.get("/v1/heartbeat").await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (404, r#"{"detail":"Not Found"}"#)
    );
    let r = emu.send("GET", "/api/v1/heartbeat", None, &[]).await;
    assert_eq!(r.status, 200, "heartbeat needs no key");
    let r = emu
        .send("HEAD", "/v1/browser_sessions", None, &[("x-api-key", KEY)])
        .await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (200, ""),
        "HEAD answers like GET"
    );
    assert_eq!(r.header("content-length"), Some("2"));
    let r = emu.send("PUT", "/v1/browser_sessions", None, &[]).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("POST"));
}
