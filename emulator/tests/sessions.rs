//! Browser-session routes against the bodies observed on the real server.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};

/// The create response observed on the real 1.0.56 server (real-server.md).
const REAL_CREATE: &str = r#"{"browser_session_id":"pbs_600838307902101396","organization_id":"o_600837986374021018","status":"created","runnable_type":null,"runnable_id":null,"timeout":60,"browser_address":null,"app_url":"http://localhost:8080/browser-session/pbs_600838307902101396","extensions":null,"browser_type":null,"browser_profile_id":null,"generate_browser_profile":false,"browser_settings":null,"browser_settings_receipt":null,"vnc_streaming_supported":false,"stream_transport":null,"download_path":"/app/downloads/o_600837986374021018/pbs_600838307902101396","downloaded_files":[],"recordings":[],"started_at":null,"completed_at":null,"created_by":null,"created_at":"2026-11-25T03:19:29.623708","modified_at":"2026-11-25T03:19:29.623712","deleted_at":null,"warning":null,"source":"managed","remaining_lifetime_seconds":null}"#;

const DYNAMIC: &[&str] = &[
    "browser_session_id",
    "organization_id",
    "app_url",
    "download_path",
    "created_at",
    "modified_at",
    "started_at",
    "completed_at",
    "browser_address",
];

const CAP_WARNING: &str = "Requested timeout of 241 minutes exceeds the maximum of 240 minutes (4 hours); this session was capped at 240 minutes. A running session can be extended up to 360 minutes (6 hours) with the extend endpoint. Longer browser durations are available on our enterprise plan, please contact sales@skyvern.com";

#[tokio::test]
async fn create_returns_the_real_shape() {
    let emu = emu().await;
    let r = emu.post("/v1/browser_sessions", r#"{"timeout": 60}"#).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(
        r.header("content-security-policy"),
        Some("frame-ancestors 'none'")
    );
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("vary"), Some("Origin"));
    let v = r.json();
    let real: Value = serde_json::from_str(REAL_CREATE).expect("fixture");
    assert_shape(&v, &real, DYNAMIC);
    let id = v["browser_session_id"].as_str().expect("id");
    assert!(is_id(&v["browser_session_id"], "pbs_"));
    assert!(is_id(&v["organization_id"], "o_"));
    assert!(is_naive_ts(&v["created_at"]) && is_naive_ts(&v["modified_at"]));
    assert_eq!(
        v["app_url"],
        json!(format!("{}/browser-session/{id}", emu.base))
    );
    assert_eq!(
        v["download_path"],
        json!(format!(
            "/app/downloads/{}/{id}",
            v["organization_id"].as_str().unwrap_or("")
        ))
    );
}

#[tokio::test]
async fn lifecycle_created_running_closed() {
    let emu = emu().await;
    let s = emu.create_session("{}").await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    assert_eq!(s["status"], "created");
    assert_eq!(s["timeout"], 60);
    let path = format!("/v1/browser_sessions/{id}");
    let first = emu.get(&path).await.json();
    assert_eq!(
        first["stream_transport"], "cdp",
        "single GET resolves stream_transport"
    );
    wait_for(Duration::from_secs(3), || async {
        emu.get(&path).await.json()["status"] == "running"
    })
    .await;
    let running = emu.get(&path).await.json();
    assert!(is_naive_ts(&running["started_at"]));
    let addr = running["browser_address"].as_str().expect("address");
    assert!(addr.starts_with("ws://127.0.0.1:") && addr.contains("/devtools/browser/"));
    assert_eq!(running["vnc_streaming_supported"], true);
    assert_eq!(running["completed_at"], Value::Null);

    // list shows it, with stream_transport null
    let list = emu.get("/v1/browser_sessions").await.json();
    assert_eq!(list[0]["browser_session_id"], json!(id));
    assert_eq!(list[0]["stream_transport"], Value::Null);

    let close = format!("/v1/browser_sessions/{id}/close");
    for _ in 0..2 {
        let r = emu.post(&close, "{}").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.text, r#"{"message":"Browser session closed"}"#);
    }
    let closed = emu.get(&path).await.json();
    assert_eq!(closed["status"], "completed");
    assert!(is_naive_ts(&closed["completed_at"]));
    let caddr = closed["browser_address"].as_str().expect("address");
    let (head, hex) = caddr.split_once("::closed::").expect("closed suffix");
    assert_eq!(head, addr);
    assert!(hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    let list = emu.get("/v1/browser_sessions/").await.json();
    assert_eq!(list, json!([]), "closed sessions drop out of the list");
}

#[tokio::test]
async fn list_is_active_only_newest_first() {
    let emu = emu().await;
    let a = emu.create_session("{}").await;
    let b = emu.create_session("{}").await;
    let c = emu.create_session("{}").await;
    let closed = format!(
        "/v1/browser_sessions/{}/close",
        b["browser_session_id"].as_str().unwrap_or("")
    );
    assert_eq!(emu.post(&closed, "").await.status, 200);
    let list = emu.get("/v1/browser_sessions").await.json();
    let ids: Vec<&Value> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|s| &s["browser_session_id"])
        .collect();
    assert_eq!(
        ids,
        vec![&c["browser_session_id"], &a["browser_session_id"]]
    );
    let slash = emu.get("/v1/browser_sessions/").await;
    assert_eq!(slash.status, 200);
    assert_eq!(slash.json(), list);
}

#[tokio::test]
async fn expiry_completes_the_session() {
    // one emulated minute = 100 ms: timeout 5 => ~500 ms after start
    let emu = emu().await;
    let s = emu.create_session(r#"{"timeout": 5}"#).await;
    let path = format!(
        "/v1/browser_sessions/{}",
        s["browser_session_id"].as_str().unwrap_or("")
    );
    wait_for(Duration::from_secs(1), || async {
        emu.get(&path).await.json()["status"] == "running"
    })
    .await;
    wait_for(Duration::from_secs(3), || async {
        emu.get(&path).await.json()["status"] == "completed"
    })
    .await;
    let v = emu.get(&path).await.json();
    assert!(v["browser_address"]
        .as_str()
        .is_some_and(|a| a.contains("::closed::")));
    assert!(is_naive_ts(&v["completed_at"]));
    assert_eq!(emu.get("/v1/browser_sessions").await.json(), json!([]));
}

#[tokio::test]
async fn timeout_validation_table() {
    let emu = emu().await;
    let ge = |input: Value| json!({"detail":[{"type":"greater_than_equal","loc":["body","timeout"],"msg":"Input should be greater than or equal to 5","input":input,"ctx":{"ge":5}}]});
    for (body, input) in [
        (r#"{"timeout": 4}"#, json!(4)),
        (r#"{"timeout": 0}"#, json!(0)),
        (r#"{"timeout": -1}"#, json!(-1)),
        (r#"{"timeout": true}"#, json!(true)),
    ] {
        let r = emu.post("/v1/browser_sessions", body).await;
        assert_eq!(r.status, 422, "{body}");
        assert_eq!(r.json(), ge(input), "{body}");
    }
    for (body, timeout) in [
        ("{}", json!(60)),
        ("", json!(60)),
        (r#"{"timeout": null}"#, Value::Null),
        (r#"{"timeout": "60"}"#, json!(60)),
        (r#"{"timeout": 60.0}"#, json!(60)),
        (r#"{"timeout": 60, "bogus": 1}"#, json!(60)),
        (r#"{"timeout": 240}"#, json!(240)),
    ] {
        let r = emu.post("/v1/browser_sessions", body).await;
        assert_eq!(r.status, 200, "{body}: {}", r.text);
        let v = r.json();
        assert_eq!(v["timeout"], timeout, "{body}");
        assert_eq!(v["warning"], Value::Null, "{body}");
    }
    // no body and no content type at all
    let r = emu
        .send("POST", "/v1/browser_sessions", None, &[("x-api-key", KEY)])
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["timeout"], 60);

    for n in [241, 100000] {
        let r = emu
            .post("/v1/browser_sessions", &format!(r#"{{"timeout": {n}}}"#))
            .await;
        assert_eq!(r.status, 200);
        let v = r.json();
        assert_eq!(v["timeout"], 240);
        assert_eq!(
            v["warning"],
            json!(CAP_WARNING.replace("241 minutes exceeds", &format!("{n} minutes exceeds")))
        );
        // the warning belongs to the create response only
        let id = v["browser_session_id"].as_str().unwrap_or("");
        let again = emu.get(&format!("/v1/browser_sessions/{id}")).await.json();
        assert_eq!(again["timeout"], 240);
    }

    let cases = [
        (
            r#"{"timeout": 60.5}"#,
            r#"{"detail":[{"type":"int_from_float","loc":["body","timeout"],"msg":"Input should be a valid integer, got a number with a fractional part","input":60.5}]}"#,
        ),
        (
            r#"{"timeout": "abc"}"#,
            r#"{"detail":[{"type":"int_parsing","loc":["body","timeout"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}"#,
        ),
        (
            r#"{"timeout": 60"#,
            r#"{"detail":[{"type":"json_invalid","loc":["body",14],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting ',' delimiter"}}]}"#,
        ),
        (
            "[]",
            r#"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[]}]}"#,
        ),
    ];
    for (body, expected) in cases {
        let r = emu.post("/v1/browser_sessions", body).await;
        assert_eq!(r.status, 422, "{body}");
        assert_eq!(r.text, expected, "{body}");
    }
    let r = emu
        .send(
            "POST",
            "/v1/browser_sessions",
            Some(r#"{"timeout": 60}"#),
            &[("x-api-key", KEY), ("content-type", "text/plain")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"{\"timeout\": 60}"}]}"#
    );
}

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

#[tokio::test]
async fn patch_updates_and_refuses_ended_sessions() {
    let emu = emu().await;
    let s = emu.create_session("{}").await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    let path = format!("/v1/browser_sessions/{id}");
    let h = [("x-api-key", KEY), ("content-type", "application/json")];
    let r = emu
        .send(
            "PATCH",
            &path,
            Some(r#"{"generate_browser_profile": true}"#),
            &h,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["generate_browser_profile"], true);
    assert_eq!(
        emu.get(&path).await.json()["generate_browser_profile"],
        true
    );

    let r = emu.send("PATCH", &path, Some("{}"), &h).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"missing","loc":["body","generate_browser_profile"],"msg":"Field required","input":{}}]}"#
    );
    let r = emu
        .send(
            "PATCH",
            &path,
            Some(r#"{"generate_browser_profile": "maybe"}"#),
            &h,
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["detail"][0]["type"], "bool_parsing");
    let r = emu
        .send(
            "PATCH",
            "/v1/browser_sessions/pbs_000000000000000000",
            Some(r#"{"generate_browser_profile": true}"#),
            &h,
        )
        .await;
    assert_eq!(r.status, 404);

    emu.post(&format!("{path}/close"), "").await;
    let r = emu
        .send(
            "PATCH",
            &path,
            Some(r#"{"generate_browser_profile": false}"#),
            &h,
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.json()["detail"],
        format!("Browser session {id} has already ended and can no longer be updated.")
    );
    let r = emu
        .post(&format!("{path}/extend"), r#"{"additional_minutes": 10}"#)
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.json()["detail"],
        format!("Browser session {id} has already ended and can no longer be extended.")
    );
}

#[tokio::test]
async fn extend_rules() {
    // Real minutes here, so deadlines are far away.
    let emu = emu_with(|c| c.time_scale_ms = 60_000).await;
    let s = emu.create_session(r#"{"timeout": 60}"#).await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    let ext = format!("/v1/browser_sessions/{id}/extend");

    // before the browser is up: accepted but unconfirmed
    let r = emu.post(&ext, r#"{"additional_minutes": 10}"#).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let v = r.json();
    assert_eq!(v["timeout"], 70);
    assert!(v["warning"].as_str().is_some_and(|w| !w.is_empty()));

    wait_for(Duration::from_secs(3), || async {
        emu.get(&format!("/v1/browser_sessions/{id}")).await.json()["status"] == "running"
    })
    .await;
    let r = emu.post(&ext, r#"{"additional_minutes": 30}"#).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["timeout"], 100);
    assert_eq!(v["warning"], Value::Null);

    // more than the headroom: granted the remainder, with a warning
    let r = emu.post(&ext, r#"{"additional_minutes": 1000}"#).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["timeout"], 360);
    assert!(v["warning"].as_str().is_some_and(|w| w.contains("360")));

    // at the maximum lifetime
    let r = emu.post(&ext, r#"{"additional_minutes": 1}"#).await;
    assert_eq!(r.status, 409);

    // validation
    let r = emu.post(&ext, r#"{"additional_minutes": 0}"#).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"greater_than_equal","loc":["body","additional_minutes"],"msg":"Input should be greater than or equal to 1","input":0,"ctx":{"ge":1}}]}"#
    );
    let r = emu.post(&ext, "{}").await;
    assert_eq!(r.json()["detail"][0]["type"], "missing");
    let r = emu
        .post(
            "/v1/browser_sessions/pbs_000000000000000000/extend",
            r#"{"additional_minutes": 5}"#,
        )
        .await;
    assert_eq!(r.status, 404);

    // ended
    emu.post(&format!("/v1/browser_sessions/{id}/close"), "")
        .await;
    let r = emu.post(&ext, r#"{"additional_minutes": 5}"#).await;
    assert_eq!(r.status, 409);
}

#[tokio::test]
async fn extend_refused_near_expiry() {
    // one emulated minute = 400 ms: 120 s = 800 ms; timeout 5 = 2000 ms
    let emu = emu_with(|c| c.time_scale_ms = 400).await;
    let s = emu.create_session(r#"{"timeout": 5}"#).await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    let path = format!("/v1/browser_sessions/{id}");
    wait_for(Duration::from_secs(1), || async {
        emu.get(&path).await.json()["status"] == "running"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let r = emu
        .post(&format!("{path}/extend"), r#"{"additional_minutes": 5}"#)
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.json()["detail"]
        .as_str()
        .is_some_and(|d| d.contains("120 seconds")));
}

#[tokio::test]
async fn create_options_are_validated_and_echoed() {
    let emu = emu().await;
    let v = emu
        .create_session(
            r#"{"extensions": ["ad-blocker"], "browser_type": "msedge", "generate_browser_profile": true, "browser_settings": {"timezone_id": "Europe/Paris"}, "url": "example.com"}"#,
        )
        .await;
    assert_eq!(v["extensions"], json!(["ad-blocker"]));
    assert_eq!(v["browser_type"], "msedge");
    assert_eq!(v["generate_browser_profile"], true);
    assert_eq!(
        v["browser_settings"],
        json!({"timezone_id": "Europe/Paris"})
    );
    let r = emu
        .post("/v1/browser_sessions", r#"{"browser_type": "firefox"}"#)
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"enum","loc":["body","browser_type"],"msg":"Input should be 'msedge', 'chrome' or 'stealth-chromium'","input":"firefox","ctx":{"expected":"'msedge', 'chrome' or 'stealth-chromium'"}}]}"#
    );
    let r = emu
        .post("/v1/browser_sessions", r#"{"browser_profile_id": "xyz"}"#)
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["detail"][0]["type"], "string_pattern_mismatch");
    let r = emu
        .post(
            "/v1/browser_sessions",
            r#"{"browser_profile_id": "bp_000000000000000000"}"#,
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.text,
        r#"{"detail":"Browser profile bp_000000000000000000 not found"}"#
    );
}

#[tokio::test]
async fn create_url_and_timezone_are_checked_like_the_real_server() {
    let emu = emu().await;
    // URL refusals are a 400 with the real text, never a 422 list
    for (url, reason) in [
        ("not a url", "malformed"),
        ("http://", "malformed"),
        ("ftp://example.test/", "unsupported scheme"),
        ("localhost:3000", "unsupported scheme"),
    ] {
        let r = emu
            .post(
                "/v1/browser_sessions",
                &json!({"url": url, "timeout": 1}).to_string(),
            )
            .await;
        assert_eq!(r.status, 400, "{url}");
        assert_eq!(
            r.json(),
            json!({"detail": format!("Invalid url: {reason}. Use an HTTP or HTTPS URL with at most 2083 characters.")}),
            "{url}: the 400 wins over the other field's 422"
        );
    }
    // a UTC offset is not an IANA name
    let r = emu
        .post(
            "/v1/browser_sessions",
            r#"{"browser_settings": {"timezone_id": "+02:00"}}"#,
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json(),
        json!({"detail": [{
            "type": "value_error",
            "loc": ["body", "browser_settings"],
            "msg": "Value error, timezone_id '+02:00' is not an IANA timezone name. Use a name such as 'America/New_York' or 'Africa/Kampala'; UTC offsets are not accepted.",
            "input": {"timezone_id": "+02:00"},
            "ctx": {"error": {}},
        }]})
    );
    let r = emu
        .post(
            "/v1/browser_sessions",
            r#"{"browser_settings": {"timezone_id": 5}}"#,
        )
        .await;
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"string_type","loc":["body","browser_settings","timezone_id"],"msg":"Input should be a valid string","input":5}]}"#
    );
    // settings without a timezone read back as null; unknown keys are dropped
    let v = emu.create_session(r#"{"browser_settings": {}}"#).await;
    assert_eq!(v["browser_settings"], Value::Null);
    let v = emu
        .create_session(r#"{"browser_settings": {"timezone_id": "UTC", "foo": 1}}"#)
        .await;
    assert_eq!(v["browser_settings"], json!({"timezone_id": "UTC"}));
}
