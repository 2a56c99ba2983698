//! Skyvern's signed webhooks, checked: when a run ends, Skyvern POSTs the run's
//! JSON to its `webhook_url` with two headers,
//!
//! - `x-skyvern-signature`: the lowercase hex HMAC-SHA-256 of the raw body
//!   bytes, keyed with the organisation's API key (UTF-8);
//! - `x-skyvern-timestamp`: Unix seconds as a decimal string (not signed).
//!
//! [`Verifier::verify`] checks a delivery as received (the bytes, never a
//! re-serialisation), with hmac's constant-time comparison. It never says
//! what the expected signature was. JSON parsing of the body is the
//! JavaScript engine's job (`js/webhook.js`), after the signature passed.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::Error;

/// The header carrying the body's signature.
pub const SIGNATURE_HEADER: &str = "x-skyvern-signature";
/// The header carrying the delivery time.
pub const TIMESTAMP_HEADER: &str = "x-skyvern-timestamp";
/// Default `toleranceSeconds`: a delivery older (or newer) than 5 minutes is refused.
pub const DEFAULT_TOLERANCE_SECONDS: f64 = 300.0;

/// Why a delivery was refused (`WebhookVerificationError.reason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// No `x-skyvern-signature` header, or an empty one.
    MissingSignature,
    /// The signature does not match the body under the key.
    BadSignature,
    /// `x-skyvern-timestamp` is missing, unreadable or outside the tolerance.
    Stale,
    /// The body is not a JSON object.
    MalformedBody,
}

impl Reason {
    /// The reason's name as JavaScript sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::MissingSignature => "missing_signature",
            Reason::BadSignature => "bad_signature",
            Reason::Stale => "stale",
            Reason::MalformedBody => "malformed_body",
        }
    }

    /// The error message: what is wrong, never the key or the expected signature.
    pub fn message(self) -> &'static str {
        match self {
            Reason::MissingSignature => "Webhook refused: the x-skyvern-signature header is missing",
            Reason::BadSignature => {
                "Webhook refused: x-skyvern-signature does not match the body (a wrong API key, or the body was changed)"
            }
            Reason::Stale => {
                "Webhook refused: x-skyvern-timestamp is missing or outside the allowed tolerance"
            }
            Reason::MalformedBody => "Webhook refused: the body is not a JSON object",
        }
    }

    /// The reason named `name`.
    pub fn from_name(name: &str) -> Option<Reason> {
        [
            Reason::MissingSignature,
            Reason::BadSignature,
            Reason::Stale,
            Reason::MalformedBody,
        ]
        .into_iter()
        .find(|r| r.as_str() == name)
    }
}

/// Checks deliveries signed with one API key.
pub struct Verifier {
    key: Vec<u8>,
    /// `None`: the freshness check is off.
    tolerance_s: Option<f64>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("key", &"<redacted>")
            .field("tolerance_s", &self.tolerance_s)
            .finish()
    }
}

impl Verifier {
    /// A verifier for `api_key`. `tolerance_s`: `None` for the default 300 s;
    /// `0` or infinity turn the freshness check off; NaN or negative is refused.
    pub fn new(api_key: Option<&str>, tolerance_s: Option<f64>) -> Result<Verifier, Error> {
        let key = match api_key {
            Some(k) if !k.is_empty() => k.as_bytes().to_vec(),
            _ => {
                return Err(Error::invalid(
                    "options.apiKey",
                    "is required: the Skyvern API key the webhooks are signed with",
                ))
            }
        };
        let tolerance_s = match tolerance_s {
            None => Some(DEFAULT_TOLERANCE_SECONDS),
            Some(t) if t.is_nan() || t < 0.0 => {
                return Err(Error::invalid(
                    "options.toleranceSeconds",
                    "must be a number of seconds >= 0 (0 or Infinity turns the check off)",
                ))
            }
            Some(t) if t == 0.0 || t.is_infinite() => None,
            Some(t) => Some(t),
        };
        Ok(Verifier { key, tolerance_s })
    }

    /// Checks one delivery: the signature over `body` first, then the
    /// timestamp. Resolves with the timestamp (Unix seconds) when one was
    /// given and readable.
    pub fn verify(
        &self,
        body: &[u8],
        signature: Option<&str>,
        timestamp: Option<&str>,
        now_ms: f64,
    ) -> Result<Option<f64>, Reason> {
        let signature = signature
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(Reason::MissingSignature)?;
        if !self.signed(body, signature) {
            return Err(Reason::BadSignature);
        }
        let at = timestamp.and_then(parse_timestamp);
        match self.tolerance_s {
            None => Ok(at),
            Some(tolerance) => match at {
                Some(t) if (now_ms / 1000.0 - t).abs() <= tolerance => Ok(Some(t)),
                _ => Err(Reason::Stale),
            },
        }
    }

    /// Does `signature` (hex) match `body`? A header that is not 64 hex
    /// digits cannot match and gets the same answer as a wrong one.
    fn signed(&self, body: &[u8], signature: &str) -> bool {
        let mut given = [0u8; 32];
        if hex::decode_to_slice(signature, &mut given).is_err() {
            return false;
        }
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.key) else {
            return false;
        };
        mac.update(body);
        // hmac compares in constant time.
        mac.verify_slice(&given).is_ok()
    }
}

/// Unix seconds as Skyvern writes them: decimal digits, maybe a fraction.
fn parse_timestamp(text: &str) -> Option<f64> {
    let text = text.trim();
    let digits = !text.is_empty()
        && text.len() <= 24
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && text.bytes().filter(|&b| b == b'.').count() <= 1;
    if !digits {
        return None;
    }
    text.parse::<f64>().ok().filter(|t| t.is_finite())
}

#[cfg(test)]
mod tests;
