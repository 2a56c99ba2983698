use super::*;

const KEY: &str = "sk-test-key";
const BODY: &[u8] = br#"{"run_id":"tsk_1","status":"failed"}"#;
/// Python's `hmac.new(b"sk-test-key", BODY, hashlib.sha256).hexdigest()`, as
/// Skyvern's `generate_skyvern_signature` computes it.
const PYTHON_SIGNATURE: &str = "07d7b0bb9ac16d16f493c3cf66ff6ce39ddf7d2b20d4682ab4b8b8ef144bbe67";
const NOW_MS: f64 = 1_765_000_000_000.0;
const NOW: &str = "1765000000";

fn verifier(tolerance: Option<f64>) -> Verifier {
    match Verifier::new(Some(KEY), tolerance) {
        Ok(v) => v,
        Err(e) => panic!("{e:?}"),
    }
}

fn check(body: &[u8], sig: Option<&str>, ts: Option<&str>) -> Result<Option<f64>, Reason> {
    verifier(None).verify(body, sig, ts, NOW_MS)
}

#[test]
fn accepts_what_python_signs() {
    assert_eq!(
        check(BODY, Some(PYTHON_SIGNATURE), Some(NOW)),
        Ok(Some(1_765_000_000.0))
    );
    // Surrounding blanks and upper-case hex are the same signature.
    let upper = PYTHON_SIGNATURE.to_uppercase();
    assert!(check(BODY, Some(&format!(" {upper} ")), Some(NOW)).is_ok());
}

#[test]
fn refuses_a_changed_body_or_a_wrong_key() {
    for i in 0..BODY.len() {
        let mut body = BODY.to_vec();
        body[i] ^= 1;
        assert_eq!(
            check(&body, Some(PYTHON_SIGNATURE), Some(NOW)),
            Err(Reason::BadSignature),
            "byte {i}"
        );
    }
    // A re-serialised body (a space after the colon) is not what was signed.
    let spaced = br#"{"run_id": "tsk_1","status":"failed"}"#;
    assert_eq!(
        check(spaced, Some(PYTHON_SIGNATURE), Some(NOW)),
        Err(Reason::BadSignature)
    );
    let Ok(other) = Verifier::new(Some("sk-other-key"), None) else {
        panic!("key refused");
    };
    assert_eq!(
        other.verify(BODY, Some(PYTHON_SIGNATURE), Some(NOW), NOW_MS),
        Err(Reason::BadSignature)
    );
}

#[test]
fn refuses_a_missing_or_malformed_signature() {
    assert_eq!(check(BODY, None, Some(NOW)), Err(Reason::MissingSignature));
    assert_eq!(
        check(BODY, Some("  "), Some(NOW)),
        Err(Reason::MissingSignature)
    );
    let truncated = &PYTHON_SIGNATURE[..63];
    let longer = format!("{PYTHON_SIGNATURE}00");
    let prefixed = format!("sha256={PYTHON_SIGNATURE}");
    for bad in ["zz", truncated, &longer, &prefixed, "0"] {
        assert_eq!(
            check(BODY, Some(bad), Some(NOW)),
            Err(Reason::BadSignature),
            "{bad}"
        );
    }
}

#[test]
fn refuses_a_stale_or_missing_timestamp() {
    let at = |secs: f64| format!("{}", 1_765_000_000.0 + secs);
    assert!(check(BODY, Some(PYTHON_SIGNATURE), Some(&at(-300.0))).is_ok());
    assert!(check(BODY, Some(PYTHON_SIGNATURE), Some(&at(300.0))).is_ok());
    for ts in [at(-301.0), at(301.0), "0".into()] {
        assert_eq!(
            check(BODY, Some(PYTHON_SIGNATURE), Some(&ts)),
            Err(Reason::Stale),
            "{ts}"
        );
    }
    for ts in [
        None,
        Some(""),
        Some("soon"),
        Some("1e9"),
        Some("-1765000000"),
        Some("inf"),
    ] {
        assert_eq!(
            check(BODY, Some(PYTHON_SIGNATURE), ts),
            Err(Reason::Stale),
            "{ts:?}"
        );
    }
    // A fraction is read as Skyvern's `time.time()` could write it.
    assert_eq!(
        check(BODY, Some(PYTHON_SIGNATURE), Some("1765000000.5")),
        Ok(Some(1_765_000_000.5))
    );
}

#[test]
fn the_signature_is_checked_before_the_timestamp() {
    assert_eq!(check(BODY, Some("00"), None), Err(Reason::BadSignature));
}

#[test]
fn zero_or_infinite_tolerance_turns_the_freshness_check_off() {
    for tolerance in [0.0, f64::INFINITY] {
        let v = verifier(Some(tolerance));
        assert_eq!(
            v.verify(BODY, Some(PYTHON_SIGNATURE), None, NOW_MS),
            Ok(None)
        );
        assert_eq!(
            v.verify(BODY, Some(PYTHON_SIGNATURE), Some("12"), NOW_MS),
            Ok(Some(12.0))
        );
        // The signature is still checked.
        assert_eq!(
            v.verify(b"{}", Some(PYTHON_SIGNATURE), None, NOW_MS),
            Err(Reason::BadSignature)
        );
    }
    let tight = verifier(Some(10.0));
    assert_eq!(
        tight.verify(BODY, Some(PYTHON_SIGNATURE), Some("1764999989"), NOW_MS),
        Err(Reason::Stale)
    );
}

#[test]
fn options_are_checked_and_the_key_is_never_shown() {
    for key in [None, Some("")] {
        let Err(e) = Verifier::new(key, None) else {
            panic!("an empty key was accepted");
        };
        assert!(e.message().contains("options.apiKey"), "{}", e.message());
    }
    for t in [f64::NAN, -1.0, f64::NEG_INFINITY] {
        let Err(e) = Verifier::new(Some(KEY), Some(t)) else {
            panic!("tolerance {t} was accepted");
        };
        assert!(e.message().contains("options.toleranceSeconds"));
        assert!(!e.message().contains(KEY));
    }
    let debug = format!("{:?}", verifier(None));
    assert!(!debug.contains(KEY), "{debug}");
}

#[test]
fn messages_name_the_reason_and_reveal_nothing() {
    for name in [
        "missing_signature",
        "bad_signature",
        "stale",
        "malformed_body",
    ] {
        let Some(reason) = Reason::from_name(name) else {
            panic!("{name} is not a reason");
        };
        assert_eq!(reason.as_str(), name);
        let m = reason.message();
        assert!(m.starts_with("Webhook refused: "), "{m}");
        assert!(
            !m.contains(KEY) && !m.contains(&PYTHON_SIGNATURE[..8]),
            "{m}"
        );
    }
    assert_eq!(Reason::from_name("other"), None);
}
