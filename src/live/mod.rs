//! The live view's decisions, kept free of the DOM so they can be tested on
//! the host: what a screencast message means ([`classify`]), where a pointer
//! on the letterboxed picture lands in the remote viewport ([`fit`],
//! [`to_viewport`]), whether and when a closed socket is reopened
//! ([`retry`]), and how a key is sent ([`key_code`]).
//!
//! The protocol is the one of Skyvern's stream sockets:
//! `/v1/stream/browser_sessions/{id}` (JSON frames with a base64 image, or a
//! bare status when the stream ends; any other text is a credential failure)
//! and `/v1/stream/cdp_input/browser_session/{id}` (input events after
//! `take-control`).

mod coords;
mod policy;

pub use coords::{fit, to_viewport, Rect, MAX_COORD};
pub use policy::{
    classify, is_terminal, key_code, retry, Channel, KeySend, Retry, Verdict, MAX_MESSAGE,
};

#[cfg(test)]
mod tests;
