//! Live sockets: the tickets they need, and tickets minted for sessions.

use super::*;
use crate::proxy::routes::Op;
use crate::proxy::ticket::{self, Grant};

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

    valid_tickets_are_forwarded(&c, view_path, input_path, &view, &control);
    bad_tickets_are_refused(&c, view_path, input_path, &view, &expired, &other);
    socket_ids_follow_the_id_rules(&c);
}

/// Good tickets go upstream, with the view socket's `force_cdp` and the input
/// socket's client id (a fresh one for a malformed id).
fn valid_tickets_are_forwarded(
    c: &ProxyConfig,
    view_path: &str,
    input_path: &str,
    view: &str,
    control: &str,
) {
    let f = forward(live(c, view_path, &format!("ticket={view}"), true));
    assert_eq!(
        f.url,
        "http://127.0.0.1:9/v1/stream/browser_sessions/pbs_600850236505758830?apikey="
    );
    let f = forward(live(
        c,
        view_path,
        &format!("force_cdp=true&ticket={control}"),
        true,
    ));
    assert!(f.url.ends_with("?force_cdp=true&apikey="), "{}", f.url);
    let f = forward(live(
        c,
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
        c,
        input_path,
        &format!("ticket={control}&client_id=a%26apikey%3Dx"),
        true,
    ));
    assert!(
        f.url.ends_with("?client_id=generated-client&apikey="),
        "{}",
        f.url
    );
}

/// A missing, expired, wrong-operation or foreign ticket is refused with 403;
/// a socket route without an upgrade answers 426.
fn bad_tickets_are_refused(
    c: &ProxyConfig,
    view_path: &str,
    input_path: &str,
    view: &str,
    expired: &str,
    other: &str,
) {
    let missing = live(c, view_path, "", true);
    assert_eq!(
        (status(&missing), detail(&missing)),
        (403, ticket::Refusal::Missing.detail())
    );
    let d = live(c, view_path, &format!("ticket={expired}"), true);
    assert_eq!(
        (status(&d), detail(&d)),
        (403, ticket::Refusal::Expired.detail())
    );
    let d = live(c, input_path, &format!("ticket={view}"), true);
    assert_eq!(
        (status(&d), detail(&d)),
        (403, ticket::Refusal::WrongOperation.detail())
    );
    let d = live(c, view_path, &format!("ticket={other}"), true);
    assert_eq!(
        (status(&d), detail(&d)),
        (403, ticket::Refusal::Invalid.detail())
    );
    // Without an upgrade the socket routes answer 426.
    assert_eq!(
        status(&live(c, view_path, &format!("ticket={view}"), false)),
        426
    );
}

/// Socket ids follow the id rules too.
fn socket_ids_follow_the_id_rules(c: &ProxyConfig) {
    assert_eq!(
        status(&live(
            c,
            "/api/skyvern/v1/stream/browser_sessions/pbs_1%2f..",
            "",
            true
        )),
        404
    );
    assert_eq!(
        status(&live(
            c,
            "/api/skyvern/v1/stream/vnc/browser_session/pbs_1",
            "",
            true
        )),
        404
    );
    assert_eq!(
        status(&live(
            c,
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
