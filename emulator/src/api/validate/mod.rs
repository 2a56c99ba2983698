//! Request-body validation that answers like FastAPI + pydantic v2 (lax mode):
//! `{"detail": [{"type", "loc", "msg", "input", "ctx"?}]}`.

use serde_json::{json, Map, Value};

use crate::pyjson;

mod fields;
mod settings;
mod url;

pub use fields::{boolean, ge, int, one_of, string};
pub use settings::browser_settings;
pub use url::url;
/// How the body arrived, after FastAPI's content-type handling.
pub enum Body {
    /// No body bytes at all.
    Empty,
    /// Parsed JSON (content type `application/json`, `*+json`, or none).
    Json(Value),
    /// Bytes with a non-JSON content type: pydantic sees a string.
    Raw(String),
}

/// What FastAPI does before validation: decode JSON or keep raw bytes.
/// `Err` is a ready error response: (status, body).
pub fn read_body(content_type: Option<&str>, bytes: &[u8]) -> Result<Body, (u16, Value)> {
    if bytes.is_empty() {
        return Ok(Body::Empty);
    }
    let is_json = match content_type {
        None => true,
        Some(ct) => {
            let main = ct
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            match main.split_once('/') {
                Some(("application", sub)) => sub == "json" || sub.ends_with("+json"),
                _ => false,
            }
        }
    };
    if !is_json {
        return Ok(Body::Raw(String::from_utf8_lossy(bytes).into_owned()));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err((
            400,
            json!({"detail": "There was an error parsing the body"}),
        ));
    };
    match pyjson::loads(text) {
        Ok(v) => Ok(Body::Json(v)),
        Err(e) => Err((
            422,
            json!({"detail": [{
                "type": "json_invalid",
                "loc": ["body", e.pos],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": e.msg},
            }]}),
        )),
    }
}

/// Collects pydantic-style errors for one body model.
pub struct Errors {
    pub items: Vec<Value>,
    /// An HTTP error a validator raised: it ends validation, and the request
    /// gets it instead of the 422 list.
    abort: Option<(u16, String)>,
}

impl Errors {
    pub fn new() -> Self {
        Errors {
            items: Vec::new(),
            abort: None,
        }
    }

    /// Records the first HTTP error a validator raises (later ones are never
    /// reached on the real server).
    pub fn abort(&mut self, status: u16, detail: &str) {
        self.abort
            .get_or_insert_with(|| (status, detail.to_string()));
    }

    pub fn push(&mut self, kind: &str, field: &str, msg: &str, input: &Value, ctx: Option<Value>) {
        self.push_loc(kind, json!(["body", field]), msg, input, ctx);
    }

    pub fn push_loc(
        &mut self,
        kind: &str,
        loc: Value,
        msg: &str,
        input: &Value,
        ctx: Option<Value>,
    ) {
        let mut e = Map::new();
        e.insert("type".into(), json!(kind));
        e.insert("loc".into(), loc);
        e.insert("msg".into(), json!(msg));
        e.insert("input".into(), input.clone());
        if let Some(c) = ctx {
            e.insert("ctx".into(), c);
        }
        self.items.push(Value::Object(e));
    }

    pub fn missing(&mut self, field: &str, body: &Value) {
        self.push("missing", field, "Field required", body, None);
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.abort.is_none()
    }

    pub fn into_response(self) -> (u16, Value) {
        match self.abort {
            Some((status, detail)) => (status, json!({ "detail": detail })),
            None => (422, json!({ "detail": self.items })),
        }
    }
}

impl Default for Errors {
    fn default() -> Self {
        Self::new()
    }
}

/// The body as an object, or the error FastAPI gives for a non-object body.
/// `required`: whether an absent body is an error (`missing` at `["body"]`).
pub fn body_object(body: Body, required: bool) -> Result<Map<String, Value>, (u16, Value)> {
    let not_dict = |input: Value| {
        (
            422,
            json!({"detail": [{
                "type": "model_attributes_type",
                "loc": ["body"],
                "msg": "Input should be a valid dictionary or object to extract fields from",
                "input": input,
            }]}),
        )
    };
    match body {
        Body::Empty | Body::Json(Value::Null) if required => Err((
            422,
            json!({"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": null}]}),
        )),
        Body::Empty | Body::Json(Value::Null) => Ok(Map::new()),
        Body::Json(Value::Object(m)) => Ok(m),
        Body::Json(other) => Err(not_dict(other)),
        Body::Raw(s) => Err(not_dict(Value::String(s))),
    }
}
