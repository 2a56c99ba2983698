//! Live-view tickets: short-lived HMAC-SHA-256 tokens that let one browser
//! session's sockets through the proxy.
//!
//! Format: `v1.{op}.{exp}.{mac}` where `op` is `view` (screencast only) or
//! `control` (screencast and input), `exp` the expiry in Unix seconds and `mac`
//! the unpadded base64url HMAC-SHA-256, under the proxy's ticket secret, of
//! `skyvern-live-ticket:v1:{session id}:{op}:{exp}`. The session id is not in
//! the ticket; the socket path supplies it, so a ticket for one session fails
//! on every other.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::routes::Op;

/// HMAC-SHA-256 of `message` under `key` (`None` only for a key HMAC refuses, which
/// no key is: HMAC takes keys of any length).
fn hmac_sha256(key: &[u8], message: &[u8]) -> Option<[u8; 32]> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    mac.update(message);
    Some(mac.finalize().into_bytes().into())
}

/// What a ticket opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// The screencast socket only.
    View,
    /// The screencast and the input socket.
    Control,
}

impl Grant {
    /// The grant's name in a ticket (`view`, `control`).
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::View => "view",
            Grant::Control => "control",
        }
    }

    /// The socket operation this grant is named after.
    pub fn op(self) -> Op {
        match self {
            Grant::View => Op::LiveView,
            Grant::Control => Op::LiveControl,
        }
    }

    /// The grant a ticket minted for this operation carries.
    pub fn for_op(op: Op) -> Option<Grant> {
        match op {
            Op::LiveView => Some(Grant::View),
            Op::LiveControl => Some(Grant::Control),
            _ => None,
        }
    }

    fn opens(self, op: Op) -> bool {
        match op {
            Op::LiveView => true,
            Op::LiveControl => self == Grant::Control,
            _ => false,
        }
    }
}

/// Why a ticket was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No ticket came with the socket.
    Missing,
    /// Malformed, forged, or minted for another session.
    Invalid,
    /// A valid view ticket on the input socket.
    WrongOperation,
    /// The ticket's time is up.
    Expired,
}

impl Refusal {
    /// The refusal's message, as the proxy answers it.
    pub fn detail(self) -> &'static str {
        match self {
            Refusal::Missing => "A live-view ticket is required (query parameter `ticket`)",
            Refusal::Invalid => "The live-view ticket is not valid for this browser session",
            Refusal::WrongOperation => {
                "The live-view ticket does not allow controlling the browser"
            }
            Refusal::Expired => "The live-view ticket has expired",
        }
    }
}

fn mac(secret: &[u8], session: &str, grant: Grant, exp: &str) -> Option<String> {
    let mut msg = String::from("skyvern-live-ticket:v1:");
    for part in [session, ":", grant.as_str(), ":", exp] {
        msg.push_str(part);
    }
    hmac_sha256(secret, msg.as_bytes()).map(|mac| base64url(&mac))
}

/// A ticket for `session` that expires at `exp` (Unix seconds).
pub fn mint(secret: &[u8], session: &str, grant: Grant, exp: u64) -> Option<String> {
    let exp = exp.to_string();
    let mac = mac(secret, session, grant, &exp)?;
    let mut t = String::from("v1.");
    for part in [grant.as_str(), ".", &exp, ".", &mac] {
        t.push_str(part);
    }
    Some(t)
}

/// Checks `ticket` for opening `op` on `session` at `now` (Unix seconds).
pub fn verify(
    secret: &[u8],
    ticket: Option<&str>,
    session: &str,
    op: Op,
    now: u64,
) -> Result<(), Refusal> {
    let ticket = match ticket {
        None | Some("") => return Err(Refusal::Missing),
        Some(t) => t,
    };
    let mut parts = ticket.split('.');
    let (Some("v1"), Some(grant), Some(exp), Some(given), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(Refusal::Invalid);
    };
    let grant = match grant {
        "view" => Grant::View,
        "control" => Grant::Control,
        _ => return Err(Refusal::Invalid),
    };
    let exp_s = match exp.parse::<u64>().ok() {
        Some(n) if exp.len() <= 12 && exp.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => return Err(Refusal::Invalid),
    };
    let Some(want) = mac(secret, session, grant, exp) else {
        return Err(Refusal::Invalid);
    };
    if !same(want.as_bytes(), given.as_bytes()) {
        return Err(Refusal::Invalid);
    }
    if !grant.opens(op) {
        return Err(Refusal::WrongOperation);
    }
    if exp_s <= now {
        return Err(Refusal::Expired);
    }
    Ok(())
}

/// Compares in time that depends only on the lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const S1: &str = "pbs_600850236505758830";
    const S2: &str = "pbs_600850236505758831";

    /// Minting with the test secret, which always succeeds.
    fn mint(secret: &[u8], session: &str, grant: Grant, exp: u64) -> String {
        super::mint(secret, session, grant, exp).unwrap()
    }

    #[test]
    fn hmac_is_rfc_4231_hmac_sha256() {
        // RFC 4231, test case 2.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?").unwrap();
        assert_eq!(
            base64url(&mac),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM"
        );
    }

    #[test]
    fn base64url_without_padding() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff, 0xfe]), "-__-");
        assert_eq!(base64url(&[0u8; 32]).len(), 43);
    }

    #[test]
    fn minted_ticket_has_the_documented_form() {
        let t = mint(SECRET, S1, Grant::View, 1_800_000_000);
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts[..3], ["v1", "view", "1800000000"]);
        assert_eq!(parts[3].len(), 43);
        // The MAC is the HMAC of the documented message.
        let want = base64url(
            &hmac_sha256(
                SECRET,
                b"skyvern-live-ticket:v1:pbs_600850236505758830:view:1800000000",
            )
            .unwrap(),
        );
        assert_eq!(parts[3], want);
        assert!(!t.contains(S1), "the session id is not in the ticket");
    }

    #[test]
    fn valid_tickets_open_their_sockets() {
        let view = mint(SECRET, S1, Grant::View, 1000);
        let control = mint(SECRET, S1, Grant::Control, 1000);
        assert_eq!(verify(SECRET, Some(&view), S1, Op::LiveView, 999), Ok(()));
        assert_eq!(
            verify(SECRET, Some(&control), S1, Op::LiveView, 999),
            Ok(())
        );
        assert_eq!(
            verify(SECRET, Some(&control), S1, Op::LiveControl, 999),
            Ok(())
        );
    }

    #[test]
    fn view_ticket_cannot_open_the_input_socket() {
        let view = mint(SECRET, S1, Grant::View, 1000);
        assert_eq!(
            verify(SECRET, Some(&view), S1, Op::LiveControl, 1),
            Err(Refusal::WrongOperation)
        );
        // Rewriting the grant breaks the MAC.
        let forged = view.replacen(".view.", ".control.", 1);
        assert_eq!(
            verify(SECRET, Some(&forged), S1, Op::LiveControl, 1),
            Err(Refusal::Invalid)
        );
    }

    #[test]
    fn expiry_is_enforced_and_cannot_be_extended() {
        let t = mint(SECRET, S1, Grant::View, 1000);
        assert_eq!(
            verify(SECRET, Some(&t), S1, Op::LiveView, 1000),
            Err(Refusal::Expired)
        );
        assert_eq!(
            verify(SECRET, Some(&t), S1, Op::LiveView, 5000),
            Err(Refusal::Expired)
        );
        let extended = t.replacen(".1000.", ".9999999999.", 1);
        assert_eq!(
            verify(SECRET, Some(&extended), S1, Op::LiveView, 5000),
            Err(Refusal::Invalid)
        );
    }

    #[test]
    fn another_session_or_secret_is_refused() {
        let t = mint(SECRET, S1, Grant::Control, 1000);
        assert_eq!(
            verify(SECRET, Some(&t), S2, Op::LiveView, 1),
            Err(Refusal::Invalid)
        );
        let other = b"another secret, also 32 bytes long";
        assert_eq!(
            verify(other, Some(&t), S1, Op::LiveView, 1),
            Err(Refusal::Invalid)
        );
    }

    #[test]
    fn malformed_tickets_are_refused() {
        let good = mint(SECRET, S1, Grant::View, 1000);
        assert_eq!(
            verify(SECRET, None, S1, Op::LiveView, 1),
            Err(Refusal::Missing)
        );
        assert_eq!(
            verify(SECRET, Some(""), S1, Op::LiveView, 1),
            Err(Refusal::Missing)
        );
        for bad in [
            "garbage".to_string(),
            "v1.view.1000".to_string(),
            good.replacen("v1.", "v2.", 1),
            good.replacen(".view.", ".admin.", 1),
            good.replacen(".1000.", ".+1000.", 1),
            good.replacen(".1000.", ".-1.", 1),
            good.replacen(".1000.", "..", 1),
            format!("{good}."),
            format!("{good}x"),
            good[..good.len() - 1].to_string(),
            good.to_uppercase(),
        ] {
            assert_eq!(
                verify(SECRET, Some(&bad), S1, Op::LiveView, 1),
                Err(Refusal::Invalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn tickets_never_open_rest_operations() {
        let t = mint(SECRET, S1, Grant::Control, 1000);
        assert_eq!(
            verify(SECRET, Some(&t), S1, Op::CloseBrowserSession, 1),
            Err(Refusal::WrongOperation)
        );
    }
}
