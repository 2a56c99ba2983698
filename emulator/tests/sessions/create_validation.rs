//! What a create accepts: the timeout table, options, the start URL and the timezone.

use super::CAP_WARNING;

use serde_json::{json, Value};

use crate::common::*;

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

    a_timeout_over_240_is_capped_with_a_warning(&emu).await;
    malformed_bodies_are_refused(&emu).await;
}

/// A timeout over 240 minutes becomes 240, with a warning.
async fn a_timeout_over_240_is_capped_with_a_warning(emu: &Emu) {
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
}

/// Malformed bodies get the real server's 422 texts.
async fn malformed_bodies_are_refused(emu: &Emu) {
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
