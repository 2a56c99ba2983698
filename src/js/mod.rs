//! The wasm-bindgen facade: the only place with `#[wasm_bindgen]`. Converts
//! JavaScript values to the core's types, delegates, and converts back.

pub mod client;
mod convert;
mod env;
mod handle;
mod types;
