//! Decisions as the adapters see them, and how paths split into segments.

use super::*;
use crate::proxy::routes::segments;

#[test]
fn decisions_as_json() {
    let c = base();
    let d = c.decide(&req("DELETE", "/api/skyvern/v1/browser_sessions/pbs_1"));
    assert_eq!(
        d.to_json(),
        r#"{"status":"405","detail":"Method Not Allowed","allow":"GET, PATCH"}"#
    );
    let mut r = req("POST", "/api/skyvern/v1/browser_sessions");
    r.origin = Some(APP);
    assert_eq!(
        c.decide(&r).to_json(),
        r#"{"op":"createBrowserSession","url":"http://127.0.0.1:9/v1/browser_sessions","origin":"https://app.example","body":"1","mint":"liveControl"}"#
    );
    let p = Decision::Preflight {
        origin: APP.into(),
        methods: "GET".into(),
    };
    assert_eq!(
        p.to_json(),
        r#"{"methods":"GET","origin":"https://app.example"}"#
    );
    assert!(serde_json::from_str::<Value>(&d.to_json()).is_ok());
}

#[test]
fn segments_split_only_clean_paths() {
    assert_eq!(segments("/p/v1/runs", "/p"), Some(vec!["v1", "runs"]));
    assert_eq!(segments("/v1/runs", ""), Some(vec!["v1", "runs"]));
    assert_eq!(segments("/pv1/runs", "/p"), None);
    assert_eq!(segments("/v1/runs/", ""), None);
    assert_eq!(segments("", ""), None);
}
