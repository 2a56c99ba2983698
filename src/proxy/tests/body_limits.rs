//! Request bodies over the size limit.

use super::*;

#[test]
fn oversize_body_is_413_before_upstream() {
    let c = base();
    let mut r = req("POST", "/api/skyvern/v1/run/tasks");
    r.content_length = Some(101.0);
    assert_eq!(status(&c.decide(&r)), 413);
    r.content_length = Some(100.0);
    assert!(forward(c.decide(&r)).body);
    let d = cfg(r#"{"apiKey":"k"}"#);
    r.path = "/v1/run/tasks";
    r.content_length = Some(DEFAULT_MAX_BODY + 1.0);
    assert_eq!(status(&d.decide(&r)), 413);
}
