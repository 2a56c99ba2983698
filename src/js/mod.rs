//! The wasm-bindgen facade: the only place with `#[wasm_bindgen]`. Converts
//! JavaScript values to the core's types, delegates, and converts back.

#[cfg(feature = "client")]
mod call;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
mod client_ops;
#[cfg(feature = "client")]
mod content;
#[cfg(feature = "client")]
mod env;
mod errors;
#[cfg(feature = "client")]
mod handle;
#[cfg(feature = "live-view")]
mod live;
#[cfg(feature = "proxy")]
mod proxy;
#[cfg(feature = "client")]
mod types;
#[cfg(any(feature = "client", feature = "proxy"))]
mod value;
#[cfg(feature = "webhooks")]
mod webhook;

/// The module's allocator: Talc is a drop-in for the standard library's dlmalloc
/// that takes a fraction of its code size in the `.wasm` (and is faster).
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
