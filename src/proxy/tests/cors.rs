//! CORS: preflights and requests from origins that are not allowed.

use super::*;

#[test]
fn preflight_for_allowed_origins_only() {
    let c = base();
    let mut r = req("OPTIONS", "/api/skyvern/v1/browser_sessions/pbs_1");
    r.preflight = true;
    r.origin = Some(APP);
    assert_eq!(
        c.decide(&r),
        Decision::Preflight {
            origin: APP.into(),
            methods: "GET, PATCH".into()
        }
    );
    r.origin = Some("https://evil.example");
    assert_eq!(
        c.decide(&r),
        Decision::Answer {
            status: 403,
            detail: "Origin not allowed",
            allow: None,
            cors: None
        }
    );
    r.origin = Some("https://app.example.evil.example");
    assert_eq!(status(&c.decide(&r)), 403);
    r.origin = Some("null");
    assert_eq!(status(&c.decide(&r)), 403);
    r.origin = None;
    assert_eq!(status(&c.decide(&r)), 403);
    // A preflight for an unknown route is a 404 the page can read.
    r.origin = Some(APP);
    r.path = "/api/skyvern/v1/credentials";
    match c.decide(&r) {
        Decision::Answer { status, cors, .. } => {
            assert_eq!(status, 404);
            assert_eq!(cors.as_deref(), Some(APP));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn requests_from_other_origins_never_reach_upstream() {
    let c = base();
    let mut r = req("POST", "/api/skyvern/v1/browser_sessions");
    r.origin = Some("https://evil.example");
    assert_eq!(status(&c.decide(&r)), 403);
    r.origin = Some(OWN);
    assert_eq!(forward(c.decide(&r)).cors.as_deref(), Some(OWN));
    r.origin = Some(APP);
    assert_eq!(forward(c.decide(&r)).cors.as_deref(), Some(APP));
    r.origin = None;
    assert_eq!(forward(c.decide(&r)).cors, None);
}
