//! How responses become errors, and the errors' messages.

use super::*;

fn msg(status: u16, body: &str) -> (ErrorKind, String, bool) {
    let e = from_response(status, body);
    (e.kind(), e.message(), e.retryable())
}

#[test]
fn string_details() {
    for (status, detail, kind) in [
        (403, "Invalid credentials", ErrorKind::Forbidden),
        (403, "Could not validate credentials", ErrorKind::Forbidden),
        (403, "Auth token is expired", ErrorKind::Forbidden),
        (403, "Invalid authentication method", ErrorKind::Forbidden),
        (404, "Organization not found", ErrorKind::NotFound),
        (404, "Browser session pbs_000000000000000000 not found", ErrorKind::NotFound),
        (404, "Task run not found tsk_000000000000000000", ErrorKind::NotFound),
        (405, "Method Not Allowed", ErrorKind::Skyvern),
        (409, "Browser session has ended", ErrorKind::Conflict),
        (
            410,
            "Browser session pbs_1 is no longer usable (status: completed). Create a new browser session and retry.",
            ErrorKind::Gone,
        ),
        (400, "proxy_session_id requires RESIDENTIAL_ISP", ErrorKind::BadRequest),
        (429, "Rate limit exceeded", ErrorKind::TooManyRequests),
        (
            503,
            "The server is busy dispatching other runs. No run was created; retry this request.",
            ErrorKind::InternalServer,
        ),
        (504, "Browser session failed to start", ErrorKind::InternalServer),
        (422, "body.timeout: Input should be greater than or equal to 5", ErrorKind::UnprocessableEntity),
    ] {
        let body = format!("{{\"detail\":{}}}", serde_json::to_string(&detail).unwrap());
        let (k, m, _) = msg(status, &body);
        assert_eq!(k, kind, "{status}");
        assert!(m.contains(detail), "{m}");
        assert!(m.starts_with(&status.to_string()), "{m}");
        assert_eq!(from_response(status, &body).body(), Some(body.as_str()));
    }
}

#[test]
fn validation_lists() {
    let body = r#"{"detail":[{"type":"greater_than_equal","loc":["body","timeout"],"msg":"Input should be greater than or equal to 5","input":3,"ctx":{"ge":5}}]}"#;
    let (k, m, r) = msg(422, body);
    assert_eq!(k, ErrorKind::UnprocessableEntity);
    assert_eq!(
        m,
        "422 Unprocessable Entity: body.timeout: Input should be greater than or equal to 5 (got 3)"
    );
    assert!(!r);
    let body = r#"{"detail":[{"type":"json_invalid","loc":["body",14],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting ',' delimiter"}},{"type":"int_parsing","loc":["body","timeout"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}"#;
    let (_, m, _) = msg(422, body);
    assert!(m.contains("body.14: JSON decode error"), "{m}");
    assert!(
        m.contains("; body.timeout: Input should be a valid integer"),
        "{m}"
    );
    assert!(m.contains("(got \"abc\")"), "{m}");
    let body = r#"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[]}]}"#;
    assert!(msg(422, body)
        .1
        .contains("body: Input should be a valid dictionary"));
}

#[test]
fn code_objects_and_error_keys() {
    let (k, m, r) = msg(
        503,
        r#"{"detail":{"code":"downloaded_files_unavailable","retryable":true}}"#,
    );
    assert_eq!(k, ErrorKind::InternalServer);
    assert!(m.contains("downloaded files unavailable"), "{m}");
    assert!(r);
    let (_, _, r) = msg(503, r#"{"detail":{"code":"x","retryable":false}}"#);
    assert!(!r);
    let (_, m, _) = msg(400, r#"{"detail":{"code":"c1","message":"Readable"}}"#);
    assert!(m.contains("Readable (c1)"));
    let (k, m, r) = msg(500, r#"{"error":"Unexpected error: ValueError"}"#);
    assert_eq!(k, ErrorKind::InternalServer);
    assert!(m.contains("Unexpected error: ValueError"));
    assert!(r);
    let (_, m, _) = msg(503, r#"{"error":"Database temporarily unavailable"}"#);
    assert!(m.contains("Database temporarily unavailable"));
}

#[test]
fn html_empty_and_text_bodies() {
    let (k, m, r) = msg(
        502,
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
    );
    assert_eq!(k, ErrorKind::InternalServer);
    assert!(m.contains("HTML page \"502 Bad Gateway\""), "{m}");
    assert!(r);
    let (_, m, _) = msg(500, "");
    assert_eq!(m, "500 Internal Server Error (empty response body)");
    let (_, m, _) = msg(404, "   ");
    assert!(m.contains("empty"));
    let (k, m, _) = msg(418, "I'm a teapot");
    assert_eq!(k, ErrorKind::Skyvern);
    assert!(m.contains("I'm a teapot"));
    let long = "x".repeat(5000);
    assert!(msg(500, &long).1.len() < 700);
    let (_, m, _) = msg(400, r#"{"detail":null}"#);
    assert_eq!(m, "400 Bad Request");
    let (_, m, _) = msg(400, r#"[1,2]"#);
    assert!(m.contains("[1,2]"));
    let (_, m, _) = msg(400, r#"{"detail":5}"#);
    assert!(m.contains(": 5"));
}

#[test]
fn statuses_map_to_classes() {
    assert_eq!(ErrorKind::for_status(408), ErrorKind::Skyvern);
    assert!(from_response(408, "").retryable());
    assert!(!from_response(400, "").retryable());
    assert!(!from_response(409, "").retryable());
    assert_eq!(ErrorKind::for_status(599), ErrorKind::InternalServer);
    assert_eq!(ErrorKind::Gone.class_name(), "GoneError");
}

#[test]
fn every_error_has_a_stable_code() {
    let api = |status| from_response(status, "{}").code();
    assert_eq!(api(400), "bad_request");
    assert_eq!(api(403), "forbidden");
    assert_eq!(api(404), "not_found");
    assert_eq!(api(409), "conflict");
    assert_eq!(api(410), "gone");
    assert_eq!(api(422), "unprocessable_entity");
    assert_eq!(api(429), "too_many_requests");
    assert_eq!(api(503), "server_error");
    assert_eq!(api(418), "http_error");
    assert_eq!(
        Error::invalid("request.prompt", "is required").code(),
        "invalid_argument"
    );
    assert_eq!(
        Error::AttemptTimeout { timeout_ms: 1.0 }.code(),
        "attempt_timeout"
    );
    let offline = Error::Connection {
        detail: "refused".into(),
        in_browser: false,
    };
    assert_eq!(offline.code(), "connection_error");
}
