//! What both wasm test binaries need: the emulator's address and key (given at
//! compile time by `cargo xtask test`) and JSON literals as JavaScript values.

use js_sys::JSON;
use wasm_bindgen::JsValue;

pub fn url() -> &'static str {
    match option_env!("SKYVERN_EMULATOR_URL") {
        Some(u) => u,
        None => panic!("build the tests with SKYVERN_EMULATOR_URL set (cargo xtask test does)"),
    }
}

pub fn key() -> &'static str {
    option_env!("SKYVERN_EMULATOR_API_KEY").unwrap_or("")
}

pub fn js(text: &str) -> JsValue {
    JSON::parse(text).unwrap()
}
