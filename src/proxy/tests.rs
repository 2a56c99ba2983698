//! Host tests of every proxy rule.

use super::headers::{keep_request, keep_response};
use super::routes::{is_id, segments, Op, Seg, ALL_OPS};
use super::ticket::{self, Grant};
use super::*;
use serde_json::Value;

const SECRET: &str = "a-ticket-secret-of-at-least-32-bytes!";
const OWN: &str = "https://proxy.example";
const APP: &str = "https://app.example";
const NOW_MS: f64 = 1_800_000_000_000.0;
const S1: &str = "pbs_600850236505758830";

fn cfg(json: &str) -> ProxyConfig {
    let v = serde_json::from_str::<Value>(json).unwrap();
    ProxyConfig::from_options(Some(&v)).unwrap()
}

fn cfg_err(json: &str) -> String {
    let v = serde_json::from_str::<Value>(json).unwrap();
    ProxyConfig::from_options(Some(&v)).unwrap_err().message()
}

fn base() -> ProxyConfig {
    cfg(&format!(
        r#"{{"apiKey":"sk-test","upstream":"http://127.0.0.1:9/","pathPrefix":"/api/skyvern/","allowedOrigins":["{APP}"],"ticketSecret":"{SECRET}","maxBodyBytes":100}}"#
    ))
}

fn req<'a>(method: &'a str, path: &'a str) -> Incoming<'a> {
    Incoming {
        method,
        path,
        own_origin: OWN,
        now_ms: NOW_MS,
        client_id: "generated-client",
        ..Incoming::default()
    }
}

fn status(d: &Decision) -> u16 {
    match d {
        Decision::Answer { status, .. } => *status,
        Decision::Preflight { .. } => 204,
        Decision::Forward(_) => 0,
    }
}

fn forward(d: Decision) -> Forward {
    match d {
        Decision::Forward(f) => f,
        other => panic!("expected a forward, got {other:?}"),
    }
}

// ---- options ----

#[test]
fn missing_api_key_is_a_clear_error() {
    let m = cfg_err("{}");
    assert!(m.starts_with("options.apiKey: is required"), "{m}");
    assert!(ProxyConfig::from_options(None).is_err());
    assert!(cfg_err(r#"{"apiKey":""}"#).contains("options.apiKey: is empty"));
    assert!(cfg_err(r#"{"apiKey":"  "}"#).contains("options.apiKey"));
    assert!(cfg_err(r#"{"apiKey":"a\nb"}"#).contains("header"));
    assert!(cfg_err(r#"{"apiKey":42}"#).contains("options.apiKey"));
}

#[test]
fn errors_never_contain_the_key_or_secret() {
    for bad in [
        r#"{"apiKey":"sk-secret-1","upstream":"ftp://x"}"#,
        r#"{"apiKey":"sk-secret-1","allow":["getCredentials"]}"#,
        r#"{"apiKey":"sk-secret-1","ticketSecret":"short-secret-2"}"#,
        r#"{"apiKey":"sk-secret-1","unknownOption":1}"#,
    ] {
        let m = cfg_err(bad);
        assert!(
            !m.contains("sk-secret-1") && !m.contains("short-secret-2"),
            "{m}"
        );
    }
    let d = format!("{:?}", base());
    assert!(!d.contains(SECRET) && !d.contains("sk-test"), "{d}");
}

#[test]
fn option_validation() {
    assert_eq!(cfg(r#"{"apiKey":"k"}"#).upstream, DEFAULT_UPSTREAM);
    assert_eq!(
        cfg(r#"{"apiKey":"k","upstream":"http://h:1/base/"}"#).upstream,
        "http://h:1/base"
    );
    for u in [
        "ftp://x",
        "http://",
        "http://u:p@h",
        "http://h/?q",
        "http://h/#f",
        "http://h /",
    ] {
        assert!(
            cfg_err(&format!(r#"{{"apiKey":"k","upstream":"{u}"}}"#)).contains("options.upstream"),
            "{u}"
        );
    }
    assert_eq!(
        cfg(r#"{"apiKey":"k","pathPrefix":"/api/skyvern/"}"#).prefix,
        "/api/skyvern"
    );
    assert_eq!(cfg(r#"{"apiKey":"k","pathPrefix":"/"}"#).prefix, "");
    for p in ["api", "/a//b", "/a/../b", "/a/%2e", "/a b"] {
        assert!(
            cfg_err(&format!(r#"{{"apiKey":"k","pathPrefix":"{p}"}}"#)).contains("pathPrefix"),
            "{p}"
        );
    }
    for o in [
        "*",
        "https://app.example/",
        "https://app.example/path",
        "app.example",
    ] {
        assert!(
            cfg_err(&format!(r#"{{"apiKey":"k","allowedOrigins":["{o}"]}}"#))
                .contains("allowedOrigins"),
            "{o}"
        );
    }
    let m = cfg_err(r#"{"apiKey":"k","allow":["getRun","getCredentials"]}"#);
    assert!(
        m.contains("options.allow") && m.contains("\"getCredentials\" is not a known operation"),
        "{m}"
    );
    assert!(cfg_err(r#"{"apiKey":"k","allow":["liveView"]}"#)
        .contains("options.ticketSecret: is required"));
    assert!(cfg_err(r#"{"apiKey":"k","ticketSecret":"too short"}"#).contains("at least 32 bytes"));
    assert!(cfg_err(r#"{"apiKey":"k","maxBodyBytes":-1}"#).contains("maxBodyBytes"));
    assert!(cfg_err(r#"{"apiKey":"k","ticketTtlSeconds":0}"#).contains("ticketTtlSeconds"));
    assert!(cfg_err(r#"{"apiKey":"k","apikey":"x"}"#).contains("options.apikey"));
}

#[test]
fn default_allowlist_is_sessions_and_runs() {
    let c = cfg(r#"{"apiKey":"k"}"#);
    for op in ALL_OPS {
        let profile = op.name().contains("Profile");
        // A replay can send the signed run to any URL, and credentials and
        // one-time codes stay behind the server: only when listed.
        let listed_only = matches!(op, Op::RetryRunWebhook | Op::Login | Op::SendTotpCode);
        assert_eq!(
            c.allows(op),
            !profile && !listed_only && !op.is_live(),
            "{}",
            op.name()
        );
    }
    // With a ticket secret the live sockets join the defaults.
    let c = cfg(&format!(r#"{{"apiKey":"k","ticketSecret":"{SECRET}"}}"#));
    assert!(c.allows(Op::LiveView) && c.allows(Op::LiveControl));
    assert!(!c.allows(Op::DeleteBrowserProfile));
    // An explicit list is exactly that list.
    let c = cfg(r#"{"apiKey":"k","allow":["getRun"]}"#);
    assert!(ALL_OPS.iter().all(|&op| c.allows(op) == (op == Op::GetRun)));
}

// ---- routes ----

#[test]
fn every_route_forwards_to_the_same_upstream_path() {
    let c = cfg(&format!(
        r#"{{"apiKey":"k","upstream":"https://up.example","ticketSecret":"{SECRET}","allow":{}}}"#,
        {
            let names: Vec<String> = ALL_OPS
                .iter()
                .map(|o| format!("\"{}\"", o.name()))
                .collect();
            format!("[{}]", names.join(","))
        }
    ));
    let t = ticket::mint(SECRET.as_bytes(), S1, Grant::Control, 2_000_000_000).unwrap();
    let q = format!("ticket={t}");
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
    assert_eq!(ALL_OPS.len(), 27);
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

// ---- CORS ----

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

// ---- bodies ----

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

// ---- live sockets ----

fn live(c: &ProxyConfig, path: &str, query: &str, upgrade: bool) -> Decision {
    let mut r = req("GET", path);
    r.query = query;
    r.upgrade = upgrade;
    c.decide(&r)
}

fn detail(d: &Decision) -> &'static str {
    match d {
        Decision::Answer { detail, .. } => detail,
        _ => "",
    }
}

#[test]
fn live_sockets_need_a_valid_ticket() {
    let c = base();
    let view_path = "/api/skyvern/v1/stream/browser_sessions/pbs_600850236505758830";
    let input_path = "/api/skyvern/v1/stream/cdp_input/browser_session/pbs_600850236505758830";
    let now = (NOW_MS / 1000.0) as u64;
    let view = ticket::mint(SECRET.as_bytes(), S1, Grant::View, now + 60).unwrap();
    let control = ticket::mint(SECRET.as_bytes(), S1, Grant::Control, now + 60).unwrap();
    let expired = ticket::mint(SECRET.as_bytes(), S1, Grant::Control, now).unwrap();
    let other = ticket::mint(SECRET.as_bytes(), "pbs_1", Grant::Control, now + 60).unwrap();

    let f = forward(live(&c, view_path, &format!("ticket={view}"), true));
    assert_eq!(
        f.url,
        "http://127.0.0.1:9/v1/stream/browser_sessions/pbs_600850236505758830?apikey="
    );
    let f = forward(live(
        &c,
        view_path,
        &format!("force_cdp=true&ticket={control}"),
        true,
    ));
    assert!(f.url.ends_with("?force_cdp=true&apikey="), "{}", f.url);
    let f = forward(live(
        &c,
        input_path,
        &format!("ticket={control}&client_id=abc-123"),
        true,
    ));
    assert!(
        f.url
            .ends_with("/pbs_600850236505758830?client_id=abc-123&apikey="),
        "{}",
        f.url
    );
    let f = forward(live(
        &c,
        input_path,
        &format!("ticket={control}&client_id=a%26apikey%3Dx"),
        true,
    ));
    assert!(
        f.url.ends_with("?client_id=generated-client&apikey="),
        "{}",
        f.url
    );

    let missing = live(&c, view_path, "", true);
    assert_eq!(
        (status(&missing), detail(&missing)),
        (403, ticket::Refusal::Missing.detail())
    );
    let d = live(&c, view_path, &format!("ticket={expired}"), true);
    assert_eq!(
        (status(&d), detail(&d)),
        (403, ticket::Refusal::Expired.detail())
    );
    let d = live(&c, input_path, &format!("ticket={view}"), true);
    assert_eq!(
        (status(&d), detail(&d)),
        (403, ticket::Refusal::WrongOperation.detail())
    );
    let d = live(&c, view_path, &format!("ticket={other}"), true);
    assert_eq!(
        (status(&d), detail(&d)),
        (403, ticket::Refusal::Invalid.detail())
    );
    // Without an upgrade the socket routes answer 426.
    assert_eq!(
        status(&live(&c, view_path, &format!("ticket={view}"), false)),
        426
    );
    // Socket ids follow the id rules too.
    assert_eq!(
        status(&live(
            &c,
            "/api/skyvern/v1/stream/browser_sessions/pbs_1%2f..",
            "",
            true
        )),
        404
    );
    assert_eq!(
        status(&live(
            &c,
            "/api/skyvern/v1/stream/vnc/browser_session/pbs_1",
            "",
            true
        )),
        404
    );
    assert_eq!(
        status(&live(
            &c,
            "/api/skyvern/v1/stream/messages/browser_session/pbs_1",
            "",
            true
        )),
        404
    );
}

#[test]
fn tickets_are_minted_for_created_and_fetched_sessions() {
    let c = base();
    assert_eq!(
        forward(c.decide(&req("POST", "/api/skyvern/v1/browser_sessions"))).mint,
        Some(Grant::Control)
    );
    assert_eq!(
        forward(c.decide(&req("GET", "/api/skyvern/v1/browser_sessions/pbs_1"))).mint,
        Some(Grant::Control)
    );
    assert_eq!(
        forward(c.decide(&req("GET", "/api/skyvern/v1/browser_sessions"))).mint,
        None
    );
    assert_eq!(
        forward(c.decide(&req("POST", "/api/skyvern/v1/browser_sessions/pbs_1/close"))).mint,
        None
    );
    let v = cfg(&format!(
        r#"{{"apiKey":"k","ticketSecret":"{SECRET}","allow":["getBrowserSession","liveView"]}}"#
    ));
    assert_eq!(
        forward(v.decide(&req("GET", "/v1/browser_sessions/pbs_1"))).mint,
        Some(Grant::View)
    );
    let none = cfg(r#"{"apiKey":"k"}"#);
    assert_eq!(
        forward(none.decide(&req("GET", "/v1/browser_sessions/pbs_1"))).mint,
        None
    );
    // An auto-minted ticket opens the sockets of that session only.
    let t = c.mint(S1, Grant::Control, 300, NOW_MS).unwrap();
    assert!(ticket::verify(
        SECRET.as_bytes(),
        Some(&t),
        S1,
        Op::LiveControl,
        (NOW_MS / 1000.0) as u64 + 299
    )
    .is_ok());
    assert!(ticket::verify(
        SECRET.as_bytes(),
        Some(&t),
        S1,
        Op::LiveControl,
        (NOW_MS / 1000.0) as u64 + 300
    )
    .is_err());
    assert_eq!(c.mint("not-an-id", Grant::View, 300, NOW_MS), None);
    assert_eq!(none.mint(S1, Grant::View, 300, NOW_MS), None);
}

#[test]
fn mint_helper_checks_its_arguments() {
    let c = base();
    let s = Some(S1);
    let t = c.mint_for(s, Some("liveView"), Some(30.0), NOW_MS).unwrap();
    assert!(t.starts_with(&format!("v1.view.{}.", (NOW_MS / 1000.0) as u64 + 30)));
    let t = c.mint_for(s, None, None, NOW_MS).unwrap();
    assert!(t.starts_with("v1.control."));
    let e = |r: Result<String, Error>| r.unwrap_err().message();
    assert!(e(c.mint_for(s, Some("getRun"), None, NOW_MS)).contains("operation"));
    assert!(e(c.mint_for(s, Some("null"), None, NOW_MS)).contains("operation"));
    assert!(e(c.mint_for(Some("x/../y"), None, None, NOW_MS)).contains("sessionId"));
    assert!(e(c.mint_for(None, None, None, NOW_MS)).contains("sessionId"));
    for bad in [0.0, 1.5, 86_401.0, f64::NAN, -1.0] {
        assert!(
            e(c.mint_for(s, None, Some(bad), NOW_MS)).contains("ttlSeconds"),
            "{bad}"
        );
    }
    let v = cfg(&format!(
        r#"{{"apiKey":"k","ticketSecret":"{SECRET}","allow":["liveView"]}}"#
    ));
    assert!(e(v.mint_for(s, Some("liveControl"), None, NOW_MS)).contains("not in options.allow"));
    let none = cfg(r#"{"apiKey":"k"}"#);
    assert!(e(none.mint_for(s, None, None, NOW_MS)).contains("ticketSecret"));
}

// ---- headers ----

#[test]
fn request_header_rules() {
    for name in [
        "x-api-key",
        "X-API-Key",
        "authorization",
        "Authorization",
        "proxy-authorization",
        "cookie",
        "host",
        "origin",
        "referer",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "proxy-connection",
        "content-length",
        "accept-encoding",
        "sec-websocket-key",
        "sec-websocket-version",
        "cf-connecting-ip",
        "x-skyvern-live-ticket",
    ] {
        assert!(!keep_request(name, ""), "{name}");
    }
    for name in [
        "content-type",
        "accept",
        "user-agent",
        "x-test-id",
        "x-request-id",
        "accept-language",
    ] {
        assert!(keep_request(name, "keep-alive"), "{name}");
    }
    // Headers named in Connection are hop-by-hop too.
    assert!(!keep_request("x-test-id", "keep-alive, X-Test-Id"));
}

#[test]
fn response_header_rules() {
    for name in [
        "set-cookie",
        "Set-Cookie",
        "connection",
        "transfer-encoding",
        "content-length",
        "content-encoding",
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "x-skyvern-live-ticket",
        "upgrade",
        "keep-alive",
    ] {
        assert!(!keep_response(name), "{name}");
    }
    for name in [
        "content-type",
        "retry-after",
        "x-frame-options",
        "vary",
        "allow",
        "location",
    ] {
        assert!(keep_response(name), "{name}");
    }
}

// ---- the adapter's view ----

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
