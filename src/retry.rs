//! Which failures are retried, and how long to wait before the next attempt.
//!
//! Rule: idempotent calls (GET, close, cancel, delete) retry on connection errors,
//! 408, 429 and ≥ 500. Calls that create or change something (create session, run
//! task/workflow, create profile, update, extend) retry only when the server said
//! nothing happened: 429, and 503 with `Retry-After`. No call is retried after an
//! attempt timed out: the server may still be working on it.

use crate::error::Error;

/// How a request may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Repeating the request has no further effect.
    Idempotent,
    /// Repeating the request could create or change something twice.
    Create,
}

/// Backoff settings (milliseconds).
pub const BASE_DELAY_MS: f64 = 1000.0;
/// The longest backoff between attempts.
pub const MAX_DELAY_MS: f64 = 60_000.0;
/// `Retry-After` values above this are capped.
pub const MAX_RETRY_AFTER_MS: f64 = 60_000.0;

/// May the failed attempt be retried?
pub fn should_retry(class: Retry, error: &Error, retry_after: Option<&str>) -> bool {
    match (class, error) {
        (_, Error::AttemptTimeout { .. }) => false,
        (Retry::Idempotent, Error::Connection { .. }) => true,
        (Retry::Idempotent, Error::Api { status, .. }) => {
            *status == 408 || *status == 429 || *status >= 500
        }
        (Retry::Create, Error::Api { status: 429, .. }) => true,
        (Retry::Create, Error::Api { status: 503, .. }) => retry_after.is_some(),
        _ => false,
    }
}

/// The delay before retry number `attempt` (0 for the first retry).
/// `random` is in [0, 1); `now_ms` is the Unix time, for HTTP-date `Retry-After`s.
pub fn delay_ms(attempt: u32, retry_after: Option<&str>, random: f64, now_ms: f64) -> f64 {
    if let Some(ms) = retry_after.and_then(|h| parse_retry_after(h, now_ms)) {
        return ms.clamp(0.0, MAX_RETRY_AFTER_MS);
    }
    let base = (BASE_DELAY_MS * 2f64.powi(attempt.min(16) as i32)).min(MAX_DELAY_MS);
    base * (0.9 + 0.2 * random.clamp(0.0, 1.0))
}

/// Parses `Retry-After`: delta seconds or an HTTP date. Returns milliseconds from now.
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    let v = value.trim();
    let is_number = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if let Some(secs) = v.parse::<f64>().ok().filter(|_| is_number) {
        return (secs.is_finite() && secs >= 0.0).then_some(secs * 1000.0);
    }
    parse_http_date(v).map(|t| (t - now_ms).max(0.0))
}

/// Parses an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`) into Unix milliseconds.
pub fn parse_http_date(s: &str) -> Option<f64> {
    let time = httpdate::parse_http_date(s).ok()?;
    let since_epoch = time.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(since_epoch.as_secs() as f64 * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::from_response;

    fn conn() -> Error {
        Error::Connection {
            detail: "x".into(),
            in_browser: false,
        }
    }

    #[test]
    fn idempotent_calls_retry_transient_failures() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(
                should_retry(Retry::Idempotent, &from_response(s, ""), None),
                "{s}"
            );
        }
        for s in [400, 403, 404, 409, 410, 422] {
            assert!(
                !should_retry(Retry::Idempotent, &from_response(s, ""), None),
                "{s}"
            );
        }
        assert!(should_retry(Retry::Idempotent, &conn(), None));
        let t = Error::AttemptTimeout { timeout_ms: 1.0 };
        assert!(!should_retry(Retry::Idempotent, &t, None));
    }

    #[test]
    fn creates_retry_only_when_nothing_was_created() {
        assert!(should_retry(Retry::Create, &from_response(429, ""), None));
        assert!(should_retry(
            Retry::Create,
            &from_response(503, ""),
            Some("5")
        ));
        assert!(!should_retry(Retry::Create, &from_response(503, ""), None));
        for s in [408, 500, 502, 504] {
            assert!(
                !should_retry(Retry::Create, &from_response(s, ""), Some("1")),
                "{s}"
            );
        }
        assert!(!should_retry(Retry::Create, &conn(), None));
        let t = Error::AttemptTimeout { timeout_ms: 1.0 };
        assert!(!should_retry(Retry::Create, &t, Some("1")));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        assert_eq!(delay_ms(0, None, 0.5, 0.0), 1000.0);
        assert_eq!(delay_ms(1, None, 0.5, 0.0), 2000.0);
        assert_eq!(delay_ms(0, None, 0.0, 0.0), 900.0);
        assert!((delay_ms(0, None, 0.999_999, 0.0) - 1100.0).abs() < 0.01);
        assert_eq!(delay_ms(10, None, 0.5, 0.0), 60_000.0);
        assert_eq!(delay_ms(40, None, 0.5, 0.0), 60_000.0);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(delay_ms(3, Some("1"), 0.5, 0.0), 1000.0);
        assert_eq!(delay_ms(0, Some("0.25"), 0.5, 0.0), 250.0);
        assert_eq!(delay_ms(0, Some("3600"), 0.5, 0.0), MAX_RETRY_AFTER_MS);
        let t = parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(t, 1_445_412_480_000.0);
        assert_eq!(
            delay_ms(0, Some("Wed, 21 Oct 2015 07:28:00 GMT"), 0.5, t - 3000.0),
            3000.0
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", t + 5.0),
            Some(0.0)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2028 12:00:00 GMT"),
            Some(1_835_438_400_000.0)
        );
        // Garbage falls back to backoff.
        assert_eq!(delay_ms(0, Some("soon"), 0.5, 0.0), 1000.0);
        assert_eq!(delay_ms(0, Some("-1"), 0.5, 0.0), 1000.0);
    }
}
