//! skyvern-wasm: a Skyvern client compiled to WebAssembly.
