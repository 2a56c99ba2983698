//! Request-body validation that answers like FastAPI + pydantic v2 (lax mode):
//! `{"detail": [{"type", "loc", "msg", "input", "ctx"?}]}`.

use serde_json::{json, Map, Value};

use crate::pyjson;

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
pub struct Errors(pub Vec<Value>);

impl Errors {
    pub fn new() -> Self {
        Errors(Vec::new())
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
        self.0.push(Value::Object(e));
    }

    pub fn missing(&mut self, field: &str, body: &Value) {
        self.push("missing", field, "Field required", body, None);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_response(self) -> (u16, Value) {
        (422, json!({ "detail": self.0 }))
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

/// Lax integer: ints, integral floats, numeric strings, and bools (as 0/1).
/// `Ok(None)` for null.
pub fn int(errs: &mut Errors, field: &str, v: &Value) -> Option<Option<i64>> {
    match v {
        Value::Null => Some(None),
        Value::Bool(b) => Some(Some(i64::from(*b))),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Some(Some(i));
            }
            let f = n.as_f64().unwrap_or(f64::NAN);
            if !f.is_finite() {
                errs.push(
                    "finite_number",
                    field,
                    "Input should be a finite number",
                    v,
                    None,
                );
                None
            } else if f.fract() != 0.0 {
                errs.push(
                    "int_from_float",
                    field,
                    "Input should be a valid integer, got a number with a fractional part",
                    v,
                    None,
                );
                None
            } else if f.abs() < 9.0e18 {
                Some(Some(f as i64))
            } else {
                errs.push(
                    "int_parsing_size",
                    field,
                    "Unable to parse input string as an integer, exceeded maximum size",
                    v,
                    None,
                );
                None
            }
        }
        Value::String(s) => {
            let t = s.trim();
            let t = strip_decimal_zeros(t);
            match t.parse::<i64>() {
                Ok(i) => Some(Some(i)),
                Err(_) => {
                    errs.push(
                        "int_parsing",
                        field,
                        "Input should be a valid integer, unable to parse string as an integer",
                        v,
                        None,
                    );
                    None
                }
            }
        }
        _ => {
            errs.push(
                "int_type",
                field,
                "Input should be a valid integer",
                v,
                None,
            );
            None
        }
    }
}

fn strip_decimal_zeros(s: &str) -> &str {
    match s.split_once('.') {
        Some((int, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => int,
        _ => s,
    }
}

/// `ge` constraint on an already-coerced integer; reports the original input.
pub fn ge(errs: &mut Errors, field: &str, value: i64, min: i64, input: &Value) -> bool {
    if value < min {
        errs.push(
            "greater_than_equal",
            field,
            &format!("Input should be greater than or equal to {min}"),
            input,
            Some(json!({ "ge": min })),
        );
        false
    } else {
        true
    }
}

/// Lax boolean. `nullable`: whether null is accepted (`Ok(None)`).
pub fn boolean(errs: &mut Errors, field: &str, v: &Value, nullable: bool) -> Option<Option<bool>> {
    let parse_err = |errs: &mut Errors| {
        errs.push(
            "bool_parsing",
            field,
            "Input should be a valid boolean, unable to interpret input",
            v,
            None,
        );
        None
    };
    match v {
        Value::Null if nullable => Some(None),
        Value::Bool(b) => Some(Some(*b)),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f == 0.0 {
                Some(Some(false))
            } else if f == 1.0 {
                Some(Some(true))
            } else {
                parse_err(errs)
            }
        }
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "0" | "off" | "f" | "false" | "n" | "no" => Some(Some(false)),
            "1" | "on" | "t" | "true" | "y" | "yes" => Some(Some(true)),
            _ => parse_err(errs),
        },
        _ => {
            errs.push(
                "bool_type",
                field,
                "Input should be a valid boolean",
                v,
                None,
            );
            None
        }
    }
}

/// Strict-ish string (pydantic does not turn numbers into strings).
pub fn string(errs: &mut Errors, field: &str, v: &Value, nullable: bool) -> Option<Option<String>> {
    match v {
        Value::Null if nullable => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        _ => {
            errs.push(
                "string_type",
                field,
                "Input should be a valid string",
                v,
                None,
            );
            None
        }
    }
}

/// One of a fixed set of strings, with pydantic's `enum` error.
pub fn one_of(errs: &mut Errors, field: &str, v: &Value, allowed: &[&str]) -> Option<String> {
    if let Value::String(s) = v {
        if allowed.contains(&s.as_str()) {
            return Some(s.clone());
        }
    }
    let expected = expected_list(allowed);
    errs.push(
        "enum",
        field,
        &format!("Input should be {expected}"),
        v,
        Some(json!({ "expected": expected })),
    );
    None
}

/// `'a', 'b' or 'c'`
fn expected_list(allowed: &[&str]) -> String {
    let quoted: Vec<String> = allowed.iter().map(|a| format!("'{a}'")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// A URL as Skyvern's run models take it: `https://` is added when there is no
/// scheme, only http(s) is accepted, and a host is required. Returns the
/// normalised URL.
pub fn url(errs: &mut Errors, field: &str, v: &Value) -> Option<Option<String>> {
    let s = match string(errs, field, v, true)? {
        None => return Some(None),
        Some(s) => s,
    };
    if s.is_empty() {
        return Some(Some(s));
    }
    let fail = |errs: &mut Errors, why: &str| {
        errs.push(
            "url_parsing",
            field,
            &format!("Input should be a valid URL, {why}"),
            v,
            Some(json!({ "error": why })),
        );
        None
    };
    let (scheme, rest) = match s.split_once("://") {
        Some((sc, rest))
            if !sc.is_empty()
                && sc
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            (sc.to_ascii_lowercase(), rest.to_string())
        }
        _ => {
            // `mailto:x`, `javascript:...`: a scheme without `//`.
            if let Some((sc, _)) = s.split_once(':') {
                if !sc.is_empty()
                    && sc.chars().all(|c| c.is_ascii_alphabetic())
                    && !s[sc.len() + 1..].starts_with(|c: char| c.is_ascii_digit())
                {
                    return url_scheme_error(errs, field, v);
                }
            }
            ("https".to_string(), s.clone())
        }
    };
    if scheme != "http" && scheme != "https" {
        return url_scheme_error(errs, field, v);
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let hostport = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    let (host, port) = if hostport.starts_with('[') {
        match hostport.find(']') {
            Some(i) => (&hostport[..=i], &hostport[i + 1..]),
            None => return fail(errs, "invalid IPv6 address"),
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, &hostport[h.len()..][..p.len() + 1]),
            None => (hostport, ""),
        }
    };
    if host.is_empty() {
        return fail(errs, "empty host");
    }
    if host
        .chars()
        .any(|c| c.is_whitespace() || "<>^|%\"`{}\\".contains(c))
    {
        return fail(errs, "invalid domain character");
    }
    if let Some(p) = port.strip_prefix(':') {
        if !p.is_empty() && p.parse::<u16>().is_err() {
            return fail(errs, "invalid port number");
        }
    }
    let tail = if tail.is_empty() { "/" } else { tail };
    Some(Some(format!("{scheme}://{authority}{tail}")))
}

fn url_scheme_error(errs: &mut Errors, field: &str, v: &Value) -> Option<Option<String>> {
    errs.push(
        "url_scheme",
        field,
        "URL scheme should be 'http' or 'https'",
        v,
        Some(json!({ "expected_schemes": "'http' or 'https'" })),
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        let mut e = Errors::new();
        assert_eq!(int(&mut e, "t", &json!("60")), Some(Some(60)));
        assert_eq!(int(&mut e, "t", &json!(60.0)), Some(Some(60)));
        assert_eq!(int(&mut e, "t", &json!(" 7 ")), Some(Some(7)));
        assert_eq!(int(&mut e, "t", &json!(true)), Some(Some(1)));
        assert!(e.is_empty());
        assert_eq!(int(&mut e, "t", &json!(60.5)), None);
        assert_eq!(int(&mut e, "t", &json!("abc")), None);
        assert_eq!(e.0[0]["type"], "int_from_float");
        assert_eq!(e.0[1]["type"], "int_parsing");
    }

    #[test]
    fn urls() {
        let mut e = Errors::new();
        let ok = |e: &mut Errors, s: &str| url(e, "url", &json!(s)).flatten();
        assert_eq!(
            ok(&mut e, "http://127.0.0.1:8765/").as_deref(),
            Some("http://127.0.0.1:8765/")
        );
        assert_eq!(
            ok(&mut e, "example.com").as_deref(),
            Some("https://example.com/")
        );
        assert_eq!(
            ok(&mut e, "https://a.b/c?d").as_deref(),
            Some("https://a.b/c?d")
        );
        assert_eq!(
            ok(&mut e, "localhost:3000").as_deref(),
            Some("https://localhost:3000/")
        );
        assert!(e.is_empty());
        assert_eq!(ok(&mut e, "not a url"), None);
        assert_eq!(ok(&mut e, "ftp://x.y"), None);
        assert_eq!(ok(&mut e, "http://"), None);
        assert_eq!(e.0[0]["type"], "url_parsing");
        assert_eq!(e.0[1]["type"], "url_scheme");
        assert_eq!(e.0[2]["ctx"]["error"], "empty host");
    }

    #[test]
    fn enums() {
        assert_eq!(expected_list(&["a", "b", "c"]), "'a', 'b' or 'c'");
        assert_eq!(expected_list(&["a"]), "'a'");
    }
}
