//! Proxy options: required and validated settings, and the default allowlist.

use super::*;
use crate::proxy::routes::{Op, ALL_OPS};

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
