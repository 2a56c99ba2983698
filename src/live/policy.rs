//! What a screencast message means, when a closed socket is reopened, and how
//! a key is sent.

/// Messages longer than this (in UTF-16 units, as a page measures text) are
/// dropped unread. Real frames are 10–700 KB; a full-size first frame on a
/// very large viewport stays far below this.
pub const MAX_MESSAGE: u32 = 32 * 1024 * 1024;

/// What to do with one text message of the screencast socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing to do: JSON that is not a frame or a status, an unknown image
    /// format, an empty picture, or an oversized message.
    Ignore = 0,
    /// A frame: draw its picture, with its viewport size and URL.
    Draw = 1,
    /// A status that does not end the stream (`created`, `running`, …).
    Status = 2,
    /// A status that ends the stream: report it and never reconnect.
    Ended = 3,
    /// Text that is not JSON. The server sends only its two credential
    /// messages (`No valid credential provided`, `Invalid credential
    /// provided`) that way: a fatal authentication failure, never retried.
    AuthFailed = 4,
}

/// Statuses after which a session's stream never resumes: the session ended,
/// was never found, or its browser never came.
pub fn is_terminal(status: &str) -> bool {
    matches!(
        status,
        "completed"
            | "failed"
            | "terminated"
            | "canceled"
            | "cancelled"
            | "timed_out"
            | "timeout"
            | "session_expired"
            | "not_found"
    )
}

/// Classifies one screencast message from what the page's JSON parser found:
/// `len` is the text's length, `parsed` whether it was JSON at all,
/// `screenshot_len` the length of a string `screenshot` field (`None` when
/// absent or not a string), and the string `status` and `format` fields.
pub fn classify(
    len: u32,
    parsed: bool,
    screenshot_len: Option<u32>,
    status: Option<&str>,
    format: Option<&str>,
) -> Verdict {
    if len > MAX_MESSAGE {
        return Verdict::Ignore;
    }
    if !parsed {
        return Verdict::AuthFailed;
    }
    match (screenshot_len, status) {
        (Some(n), _) => {
            let known = matches!(format, None | Some("jpeg" | "jpg" | "png" | "webp"));
            if n > 0 && known {
                Verdict::Draw
            } else {
                Verdict::Ignore
            }
        }
        (None, Some(s)) if is_terminal(s) => Verdict::Ended,
        (None, Some(_)) => Verdict::Status,
        (None, None) => Verdict::Ignore,
    }
}

/// The two sockets of a live view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// `/v1/stream/browser_sessions/{id}`: the pictures.
    Screencast,
    /// `/v1/stream/cdp_input/browser_session/{id}`: mouse, keys, navigation.
    Input,
}

/// What to do after a socket closed (and no terminal status or credential
/// failure came before, which always stop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Reopen after this many milliseconds.
    After(u32),
    /// The session streams over VNC (close 4001): reopen at once with
    /// `force_cdp=true`.
    ForceCdp,
    /// Give up: the close says the session or the credential is not usable,
    /// or too many tries failed in a row.
    Stop,
}

/// Screencast tries in a row before giving up (as Skyvern's own app).
const SCREENCAST_TRIES: u32 = 20;
const SCREENCAST_FIRST_MS: u32 = 1_000;
const SCREENCAST_MAX_MS: u32 = 15_000;
/// Input socket: fixed delay, fewer tries (as Skyvern's own app).
const INPUT_TRIES: u32 = 5;
const INPUT_DELAY_MS: u32 = 2_000;

/// Whether a close code is worth another try: the connection dropped
/// (1006, as when the server drops it without a close frame), the server
/// went away or restarts (1001, 1012), is overloaded (1011, 1013, 1014), or,
/// on the input socket, the browser was not ready (4408, 4410, 4411).
/// Everything else (1002 credential or protocol error, 1003, 1007, 1008
/// refused by a proxy, 1009 too big, 4404 unknown or finished session, other
/// application codes) would fail the same way again.
fn transient(channel: Channel, code: u16) -> bool {
    match code {
        1006 | 1001 | 1011 | 1012 | 1013 | 1014 | 4408 | 4410 | 4411 => true,
        // A clean close or no code at all: the screencast server and proxies
        // close that way on restarts; the input socket only on purpose.
        1000 | 1005 => channel == Channel::Screencast,
        _ => false,
    }
}

/// The decision after the `attempt`-th failed try in a row (0 for the first
/// close after a working connection) closed with `code`. `forced_cdp`: the
/// socket was already opened with `force_cdp=true`.
pub fn retry(channel: Channel, code: u16, attempt: u32, forced_cdp: bool) -> Retry {
    if channel == Channel::Screencast && code == 4001 {
        return if forced_cdp {
            Retry::Stop
        } else {
            Retry::ForceCdp
        };
    }
    if !transient(channel, code) {
        return Retry::Stop;
    }
    match channel {
        Channel::Screencast if attempt < SCREENCAST_TRIES => {
            let doubled = SCREENCAST_FIRST_MS.saturating_mul(1u32 << attempt.min(16));
            Retry::After(doubled.min(SCREENCAST_MAX_MS))
        }
        Channel::Input if attempt < INPUT_TRIES => Retry::After(INPUT_DELAY_MS),
        _ => Retry::Stop,
    }
}

/// How a key goes to the remote page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySend {
    /// `keyDown` with the key as `text`, then `keyUp`; the virtual key code
    /// when one is known (letters, digits, space), else 0.
    Text(u8),
    /// `rawKeyDown` with this `windowsVirtualKeyCode`, then `keyUp`: keys that
    /// type nothing (Backspace, Enter, arrows…) and shortcuts with Ctrl or Meta.
    Raw(u8),
    /// Not sent: dead keys, IME composition, unknown names.
    Skip,
}

fn letter_or_digit_code(c: char) -> Option<u8> {
    match c {
        'a'..='z' => Some(c as u8 - b'a' + b'A'),
        'A'..='Z' | '0'..='9' => Some(c as u8),
        ' ' => Some(32),
        _ => None,
    }
}

/// Decides how the DOM key `key` (`KeyboardEvent.key`) is sent; `shortcut`
/// is whether Ctrl or Meta is held (then a character is a command, not text).
pub fn key_code(key: &str, shortcut: bool) -> KeySend {
    let mut chars = key.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_control() {
            return KeySend::Skip;
        }
        let vk = letter_or_digit_code(c);
        return match (shortcut, vk) {
            (false, v) => KeySend::Text(v.unwrap_or(0)),
            (true, Some(v)) => KeySend::Raw(v),
            (true, None) => KeySend::Skip,
        };
    }
    if let Some(n) = key.strip_prefix('F') {
        // F1..F12 → 112..123.
        let b = n.as_bytes();
        let num = match b {
            [d @ b'1'..=b'9'] => d - b'0',
            [b'1', d @ b'0'..=b'2'] => 10 + d - b'0',
            _ => 0,
        };
        if num > 0 {
            return KeySend::Raw(111 + num);
        }
    }
    match SPECIAL.iter().find(|(name, _)| *name == key) {
        Some(&(_, vk)) => KeySend::Raw(vk),
        None => KeySend::Skip,
    }
}

/// Keys that type nothing, with their Windows virtual key codes.
const SPECIAL: &[(&str, u8)] = &[
    ("Backspace", 8),
    ("Tab", 9),
    ("Enter", 13),
    ("Shift", 16),
    ("Control", 17),
    ("Alt", 18),
    ("Pause", 19),
    ("CapsLock", 20),
    ("Escape", 27),
    ("PageUp", 33),
    ("PageDown", 34),
    ("End", 35),
    ("Home", 36),
    ("ArrowLeft", 37),
    ("ArrowUp", 38),
    ("ArrowRight", 39),
    ("ArrowDown", 40),
    ("Insert", 45),
    ("Delete", 46),
    ("Meta", 91),
    ("ContextMenu", 93),
    ("NumLock", 144),
    ("ScrollLock", 145),
];
