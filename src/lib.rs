//! skyvern-wasm: a Skyvern client compiled to WebAssembly.
//!
//! The core (everything but `js/` and `transport/fetch.rs`) is plain Rust: it
//! validates arguments, builds requests, maps responses to errors, applies the
//! retry rule and polls, over the [`transport::Env`] trait. `js/` is the
//! wasm-bindgen facade that JavaScript sees.

#![deny(missing_docs)]

#[cfg(feature = "client")]
pub mod api;
#[cfg(feature = "client")]
pub mod client;
pub mod codec;
#[cfg(feature = "client")]
pub mod config;
pub mod endpoints;
pub mod error;
pub mod live;
pub mod models;
#[cfg(feature = "client")]
pub mod plan;
#[cfg(feature = "proxy")]
pub mod proxy;
pub mod request;
pub mod retry;
#[cfg(feature = "client")]
pub mod session;
pub mod transport;
#[cfg(feature = "client")]
pub mod wait;
#[cfg(feature = "webhooks")]
pub mod webhook;

#[cfg(target_arch = "wasm32")]
pub mod js;

// Host tests: requests built from `serde_json` values, a scripted transport.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_bad_input;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_fuzz;
