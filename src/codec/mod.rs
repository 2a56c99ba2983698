//! Values in and out of the core. A caller's argument (a JavaScript value in
//! the wasm, a `serde_json::Value` in host tests) is read into a typed model
//! through serde; JSON text is made and read by the JavaScript engine in the
//! wasm (`src/js/codec.rs`) and by `serde_json` on the host (`native.rs`).
//!
//! Every failure names the field: `request.timeout: must be an integer ≥ 5 (got 3)`.

// The wasm side names JavaScript types, so its file lives with the rest of them.
#[cfg(target_arch = "wasm32")]
#[path = "../js/codec.rs"]
mod js;
#[cfg(not(target_arch = "wasm32"))]
mod native;
mod paths;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

#[cfg(target_arch = "wasm32")]
pub use js::{from_text, from_text_seed, number, to_text, Input};
#[cfg(not(target_arch = "wasm32"))]
pub use native::{from_text, from_text_seed, number, to_text, Input};

#[cfg(target_arch = "wasm32")]
use js as host;
#[cfg(not(target_arch = "wasm32"))]
use native as host;

use serde::de::DeserializeOwned;

use crate::error::Error;
pub use paths::{check_keys, fields_of, join, within};

/// Reads an options object or request body: absent, `undefined` and `null` count
/// as `{}`; keys the model does not have are refused, naming the closest known one.
pub fn object<T: DeserializeOwned>(path: &str, v: Option<&Input>) -> Result<T, Error> {
    let v = match v {
        Some(v) if !host::nullish(v) => v,
        _ => return host::read(&host::empty_object()).map_err(|m| paths::to_error(path, &m)),
    };
    let Some(keys) = host::keys(v) else {
        return Err(Error::invalid(
            path,
            format!("must be an object (got {})", host::describe(v)),
        ));
    };
    paths::check_keys(path, &keys, fields_of::<T>())?;
    // A member set to `undefined` is absent, so that `null` can mean null.
    let defined = host::without_undefined(v, &keys);
    let v = defined.as_ref().unwrap_or(v);
    host::read(v).map_err(|message| locate::<T>(path, v, &keys, &message))
}

/// The member at fault when a model did not read: the first key whose value,
/// read alone, fails for a reason other than a missing field.
fn locate<T: DeserializeOwned>(path: &str, v: &Input, keys: &[String], message: &str) -> Error {
    for key in keys {
        if let Err(alone) = host::read::<T>(&host::only(v, key)) {
            if !paths::is_missing_field(&alone) {
                return paths::to_error(&join(path, key), &alone);
            }
        }
    }
    paths::to_error(path, message)
}

/// Reads one argument (an id, a list of ids); absent counts as `undefined`.
pub fn value<T: DeserializeOwned>(path: &str, v: Option<&Input>) -> Result<T, Error> {
    let read = match v {
        Some(v) => host::read(v),
        None => host::read(&host::undefined()),
    };
    read.map_err(|message| paths::to_error(path, &message))
}

/// The member `key` of an object argument (not `undefined`), as given.
pub fn member(v: Option<&Input>, key: &str) -> Option<Input> {
    v.and_then(|v| host::member(v, key))
}

/// The keys of an object argument; `None` when it is not a plain object.
pub fn keys(v: Option<&Input>) -> Option<Vec<String>> {
    v.filter(|v| !host::nullish(v)).and_then(host::keys)
}

/// JSON object text with `extra`'s members set on it (`requestOptions.extraBody`);
/// `None` when the text is not a JSON object.
pub fn merge_object(text: &str, extra: &crate::models::fields::JsonObject) -> Option<String> {
    let mut body: crate::models::fields::JsonObject = from_text(text)?;
    for (k, v) in &extra.0 {
        body.0.insert(k.clone(), v.clone());
    }
    to_text(&body)
}

/// A response body as a JSON value; `None` when it is not JSON (or nested
/// more than 128 deep).
pub fn parse_body(text: &str) -> Option<serde_json::Value> {
    from_text::<crate::models::fields::Received>(text).map(|r| r.0)
}
