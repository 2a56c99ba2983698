//! Bytes across the boundary: the file `uploadFile` sends (a `Blob`, `File`,
//! `ArrayBuffer`, `Uint8Array`/`Buffer` or `{ data, filename?, contentType? }`),
//! and artifact content handed back as its content type says.

use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag};

use super::value::{get, parse_success};
use crate::api::tasks;
use crate::error::Error;
use crate::plan::Plan;
use crate::request::HttpResponse;

/// The file part's name when the caller's file has none.
const DEFAULT_FILENAME: &str = "file";

/// The caller's file, checked but not read yet.
pub(crate) struct Source {
    data: JsValue,
    filename: Option<String>,
    content_type: Option<String>,
}

const FILE_KINDS: &str =
    "must be a Blob, File, ArrayBuffer, Uint8Array or { data, filename?, contentType? }";

/// Checks `request.file` (and the request's `filename` / `contentType`).
pub(crate) fn source(request: &JsValue) -> Result<Source, Error> {
    let (filename, content_type) = tasks::upload_options(Some(request))?;
    let file = get(request, "file");
    if file.is_undefined() || file.is_null() {
        return Err(Error::invalid("request.file", "is required"));
    }
    let (data, inner_name, inner_type) = if is_bytes(&file) {
        (file, None, None)
    } else if file.is_object() && is_bytes(&get(&file, "data")) {
        let name = get(&file, "filename").as_string();
        let ctype = get(&file, "contentType").as_string();
        (get(&file, "data"), name, ctype)
    } else {
        return Err(Error::invalid("request.file", FILE_KINDS));
    };
    let blob_name = data
        .dyn_ref::<Blob>()
        .and_then(|_| get(&data, "name").as_string())
        .filter(|n| !n.is_empty());
    let blob_type = data
        .dyn_ref::<Blob>()
        .map(Blob::type_)
        .filter(|t| !t.is_empty());
    Ok(Source {
        filename: filename.or(inner_name).or(blob_name),
        content_type: content_type.or(inner_type).or(blob_type),
        data,
    })
}

fn is_bytes(v: &JsValue) -> bool {
    v.is_instance_of::<Blob>()
        || v.is_instance_of::<Uint8Array>()
        || v.is_instance_of::<ArrayBuffer>()
}

impl Source {
    /// Reads the bytes and plans the upload.
    pub(crate) async fn read(self) -> Result<Plan, Error> {
        let bytes = if let Some(blob) = self.data.dyn_ref::<Blob>() {
            let buffer = JsFuture::from(blob.array_buffer())
                .await
                .map_err(|_| Error::invalid("request.file", "could not be read"))?;
            Uint8Array::new(&buffer).to_vec()
        } else {
            Uint8Array::new(&self.data).to_vec()
        };
        let filename = self.filename.unwrap_or_else(|| DEFAULT_FILENAME.into());
        Ok(tasks::upload(filename, self.content_type, bytes))
    }
}

/// Artifact content as its content type says: JSON parsed, text as a string,
/// anything else as a `Blob` of that type.
pub(crate) fn value(resp: HttpResponse) -> Result<JsValue, Error> {
    let ctype = resp.content_type.unwrap_or_default();
    let bytes = resp.bytes.unwrap_or_else(|| resp.body.into_bytes());
    let essence = ctype
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        return parse_success(&String::from_utf8_lossy(&bytes));
    }
    if essence.starts_with("text/") {
        return Ok(JsValue::from_str(&String::from_utf8_lossy(&bytes)));
    }
    let parts = Array::of1(&Uint8Array::from(bytes.as_slice()));
    let bag = BlobPropertyBag::new();
    bag.set_type(&ctype);
    Blob::new_with_u8_array_sequence_and_options(&parts, &bag)
        .map(JsValue::from)
        .map_err(|_| Error::InvalidResponse {
            status: resp.status,
            body: String::new(),
        })
}
