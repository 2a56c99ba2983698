//! TypeScript declarations beside the generated ones: value types with room
//! for future values, error classes and method signatures, kept in `types.d.ts`
//! (the request, option and response types come from `src/models/`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");
