//! Routes: upstream paths, the prefix, traversal, ids, methods, the allowlist and query keys.

use super::*;
use crate::proxy::routes::{is_id, Op, Seg, ALL_OPS};
use crate::proxy::ticket::{self, Grant};

#[test]
fn every_route_forwards_to_the_same_upstream_path() {
    let c = allowing_every_operation();
    let cases = [
        ("POST", "/v1/browser_sessions", Op::CreateBrowserSession),
        ("GET", "/v1/browser_sessions", Op::GetBrowserSessions),
        ("GET", "/v1/browser_sessions/pbs_1", Op::GetBrowserSession),
        (
            "PATCH",
            "/v1/browser_sessions/pbs_1",
            Op::UpdateBrowserSession,
        ),
        (
            "POST",
            "/v1/browser_sessions/pbs_1/close",
            Op::CloseBrowserSession,
        ),
        (
            "POST",
            "/v1/browser_sessions/pbs_1/extend",
            Op::ExtendBrowserSession,
        ),
        ("POST", "/v1/run/tasks", Op::RunTask),
        ("POST", "/v1/run/agents", Op::RunWorkflow),
        ("POST", "/v1/run/workflows", Op::RunWorkflow),
        ("GET", "/v1/runs/tsk_1", Op::GetRun),
        ("GET", "/v1/runs/tsk_v2_1", Op::GetRun),
        ("GET", "/v1/runs/wr_1", Op::GetRun),
        ("POST", "/v1/runs/wr_1/cancel", Op::CancelRun),
        ("POST", "/v1/runs/tsk_1/retry_webhook", Op::RetryRunWebhook),
        ("GET", "/v1/runs", Op::GetRuns),
        ("POST", "/v1/runs/cancel", Op::BulkCancelRuns),
        ("GET", "/v1/runs/wr_1/timeline", Op::GetRunTimeline),
        ("GET", "/v1/runs/tsk_1/artifacts", Op::GetRunArtifacts),
        ("GET", "/v1/artifacts/a_1/content", Op::GetArtifactContent),
        ("POST", "/v1/run/tasks/login", Op::Login),
        ("POST", "/v1/run/tasks/download_files", Op::DownloadFiles),
        ("POST", "/v1/upload_file", Op::UploadFile),
        ("POST", "/v1/credentials/totp", Op::SendTotpCode),
        (
            "PATCH",
            "/v1/browser_profiles/bp_1",
            Op::UpdateBrowserProfile,
        ),
        ("POST", "/v1/browser_profiles", Op::CreateBrowserProfile),
        ("GET", "/v1/browser_profiles", Op::ListBrowserProfiles),
        ("GET", "/v1/browser_profiles/bp_1", Op::GetBrowserProfile),
        (
            "DELETE",
            "/v1/browser_profiles/bp_1",
            Op::DeleteBrowserProfile,
        ),
    ];
    for (method, path, op) in cases {
        let f = forward(c.decide(&req(method, path)));
        assert_eq!(f.op, op, "{method} {path}");
        assert_eq!(f.url, format!("https://up.example{path}"));
        assert!(!f.socket);
        assert_eq!(f.body, method == "POST" || method == "PATCH");
    }
    live_routes_forward_as_sockets(&c);
    assert_eq!(ALL_OPS.len(), 27);
}

/// A config whose allowlist names every operation, with a ticket secret.
fn allowing_every_operation() -> ProxyConfig {
    cfg(&format!(
        r#"{{"apiKey":"k","upstream":"https://up.example","ticketSecret":"{SECRET}","allow":{}}}"#,
        {
            let names: Vec<String> = ALL_OPS
                .iter()
                .map(|o| format!("\"{}\"", o.name()))
                .collect();
            format!("[{}]", names.join(","))
        }
    ))
}

/// The live sockets go upstream as sockets, the key appended and the ticket left out.
fn live_routes_forward_as_sockets(c: &ProxyConfig) {
    let t = ticket::mint(SECRET.as_bytes(), S1, Grant::Control, 2_000_000_000).unwrap();
    let q = format!("ticket={t}");
    let live = [
        (
            "/v1/stream/browser_sessions/pbs_600850236505758830",
            Op::LiveView,
        ),
        (
            "/v1/stream/cdp_input/browser_session/pbs_600850236505758830",
            Op::LiveControl,
        ),
    ];
    for (path, op) in live {
        let mut r = req("GET", path);
        r.upgrade = true;
        r.query = &q;
        let f = forward(c.decide(&r));
        assert_eq!(f.op, op);
        assert!(f.socket && !f.body);
        assert!(f.url.starts_with(&format!("https://up.example{path}?")));
        assert!(f.url.ends_with("apikey="), "{}", f.url);
        assert!(!f.url.contains("ticket"), "the ticket is not sent upstream");
    }
}

#[test]
fn prefix_is_required_and_stripped() {
    let c = base();
    let f = forward(c.decide(&req("GET", "/api/skyvern/v1/runs/tsk_1")));
    assert_eq!(f.url, "http://127.0.0.1:9/v1/runs/tsk_1");
    assert_eq!(f.id.as_deref(), Some("tsk_1"));
    for p in [
        "/v1/runs/tsk_1",
        "/api/skyvernv1/runs/tsk_1",
        "/API/skyvern/v1/runs/tsk_1",
        "/api/skyvern",
        "/api/skyvern/",
    ] {
        assert_eq!(status(&c.decide(&req("GET", p))), 404, "{p}");
    }
}

#[test]
fn traversal_in_every_encoding_reaches_nothing() {
    let c = base();
    let paths = [
        "/api/skyvern/v1/browser_sessions/../credentials",
        "/api/skyvern/v1/browser_sessions/pbs_1/../../credentials",
        "/api/skyvern/../v1/credentials",
        "/api/skyvern/v1/browser_sessions/%2e%2e/credentials",
        "/api/skyvern/v1/browser_sessions/%2E%2E/credentials",
        "/api/skyvern/v1/browser_sessions/.%2e/credentials",
        "/api/skyvern/v1/browser_sessions/%252e%252e/credentials",
        "/api/skyvern/v1/browser_sessions/pbs_1%2fclose",
        "/api/skyvern/v1/browser_sessions/pbs_1%2Fclose",
        "/api/skyvern/v1/runs/tsk_1%2f..%2f..%2fcredentials",
        "/api/skyvern/v1/browser_sessions%2fpbs_1",
        "/api/skyvern/v1/browser_sessions/pbs_1%5c..%5ccredentials",
        "/api/skyvern/v1/browser_sessions/pbs_1\\..\\credentials",
        "/api/skyvern/v1//browser_sessions",
        "/api/skyvern//v1/browser_sessions",
        "/api/skyvern/v1/browser_sessions//pbs_1",
        "/api/skyvern/v1/browser_sessions/",
        "/api/skyvern/v1/browser_sessions/./pbs_1",
        "/api/skyvern/v1/browser_sessions/pbs_1;x=y",
        "/api/skyvern/v1/browser_sessions/pbs_1%00",
        "/api/skyvern/v1/browser_sessions/pbs_1%3Fx",
        "/api/skyvern/v1/credentials",
        "/api/skyvern/v1/credentials/totp",
        "/api/skyvern/api/v1/browser_sessions",
    ];
    for p in paths {
        for m in ["GET", "POST"] {
            assert_eq!(status(&c.decide(&req(m, p))), 404, "{m} {p}");
        }
    }
}

#[test]
fn ids_must_look_like_ids() {
    assert!(is_id(Seg::Session, "pbs_600850236505758830"));
    assert!(is_id(Seg::Run, "tsk_1") && is_id(Seg::Run, "tsk_v2_1") && is_id(Seg::Run, "wr_1"));
    assert!(is_id(Seg::Profile, "bp_1"));
    for (kind, bad) in [
        (Seg::Session, "pbs_"),
        (Seg::Session, "tsk_1"),
        (Seg::Session, "pbs_1-2"),
        (Seg::Session, "pbs_1_2"),
        (Seg::Session, "PBS_1"),
        (Seg::Session, "1"),
        (Seg::Run, "pbs_1"),
        (Seg::Run, "run_1"),
        (Seg::Profile, "bp_a.b"),
    ] {
        assert!(!is_id(kind, bad), "{bad}");
    }
    assert!(!is_id(Seg::Session, &format!("pbs_{}", "1".repeat(65))));
    let c = base();
    for p in [
        "/api/skyvern/v1/browser_sessions/credentials",
        "/api/skyvern/v1/browser_sessions/tsk_1",
        "/api/skyvern/v1/runs/pbs_1",
        "/api/skyvern/v1/runs/tsk_1-x",
    ] {
        assert_eq!(status(&c.decide(&req("GET", p))), 404, "{p}");
    }
}

#[test]
fn wrong_method_is_405_with_allow() {
    let c = base();
    let d = c.decide(&req("DELETE", "/api/skyvern/v1/browser_sessions/pbs_1"));
    match d {
        Decision::Answer { status, allow, .. } => {
            assert_eq!(status, 405);
            assert_eq!(allow.as_deref(), Some("GET, PATCH"));
        }
        other => panic!("{other:?}"),
    }
    for (m, p) in [
        ("PUT", "/api/skyvern/v1/browser_sessions"),
        ("GET", "/api/skyvern/v1/run/tasks"),
        ("GET", "/api/skyvern/v1/browser_sessions/pbs_1/close"),
        ("HEAD", "/api/skyvern/v1/runs/tsk_1"),
        ("patch", "/api/skyvern/v1/browser_sessions/pbs_1"),
        ("OPTIONS", "/api/skyvern/v1/browser_sessions"),
    ] {
        assert_eq!(status(&c.decide(&req(m, p))), 405, "{m} {p}");
    }
}

#[test]
fn disallowed_operations_look_unknown() {
    let c = cfg(r#"{"apiKey":"k","allow":["getBrowserSession"]}"#);
    assert_eq!(
        status(&c.decide(&req("PATCH", "/v1/browser_sessions/pbs_1"))),
        405
    );
    assert_eq!(status(&c.decide(&req("POST", "/v1/browser_sessions"))), 404);
    assert_eq!(
        status(&c.decide(&req("DELETE", "/v1/browser_profiles/bp_1"))),
        404
    );
    assert_eq!(status(&c.decide(&req("GET", "/v1/browser_profiles"))), 404);
    // Profiles are not allowed by default.
    let d = cfg(r#"{"apiKey":"k"}"#);
    assert_eq!(status(&d.decide(&req("GET", "/v1/browser_profiles"))), 404);
    assert_eq!(
        status(&d.decide(&req("GET", "/v1/stream/browser_sessions/pbs_1"))),
        404
    );
}

#[test]
fn only_an_operations_own_query_keys_are_forwarded() {
    let c = base();
    for q in [
        "apikey=evil",
        "x-api-key=evil",
        "path=/v1/credentials",
        "a=b&apikey=evil",
        "%61pikey=evil",
    ] {
        let mut r = req("GET", "/api/skyvern/v1/browser_sessions/pbs_1");
        r.query = q;
        let f = forward(c.decide(&r));
        assert_eq!(f.url, "http://127.0.0.1:9/v1/browser_sessions/pbs_1", "{q}");
    }
    let c = cfg(r#"{"apiKey":"k","upstream":"http://u","allow":["getBrowserProfiles"]}"#);
    let mut r = req("GET", "/v1/browser_profiles");
    r.query = "page=2&apikey=x&page_size=10&%70age=3";
    assert_eq!(
        forward(c.decide(&r)).url,
        "http://u/v1/browser_profiles?page=2&page_size=10"
    );
    let mut r = req("GET", "/api/skyvern/v1/runs");
    r.query = "status=failed&token=t&status=canceled";
    assert_eq!(
        forward(base().decide(&r)).url,
        "http://127.0.0.1:9/v1/runs?status=failed&status=canceled"
    );
}
