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

/// The text after `Invalid {field}: ` in the real server's 400 for a URL it
/// refuses.
const URL_HINT: &str = "Use an HTTP or HTTPS URL with at most 2083 characters.";

/// pydantic's `HttpUrl` refuses longer URLs.
const MAX_URL_CHARS: usize = 2083;

/// A URL field as the real server's `validate_url` takes it (session `url`,
/// task `url`, `webhook_url`, `totp_url`): null and `""` pass as they are; a
/// URL without a scheme gets `https://`; any other scheme than http(s) is
/// refused, and so is what pydantic's `HttpUrl` cannot parse. A refusal is not
/// a 422 item: the validator raises an HTTP exception, which aborts the whole
/// body's validation with 400 `Invalid {field}: malformed. …` (or
/// `unsupported scheme`), whatever else is wrong. Returns the normalised URL.
pub fn url(errs: &mut Errors, field: &str, v: &Value) -> Option<Option<String>> {
    let s = match string(errs, field, v, true)? {
        None => return Some(None),
        Some(s) => s,
    };
    if s.is_empty() {
        return Some(Some(s));
    }
    match normalize_url(&s) {
        Ok(u) => Some(Some(u)),
        Err(reason) => {
            errs.abort(400, &format!("Invalid {field}: {reason}. {URL_HINT}"));
            None
        }
    }
}

/// Why a URL is refused, in the real server's words.
const MALFORMED: &str = "malformed";
const UNSUPPORTED_SCHEME: &str = "unsupported scheme";

/// `urllib.parse.urlsplit`'s scheme: letters first, then letters, digits,
/// `+`, `-`, `.`, up to the first `:` (so `localhost:3000` has the scheme
/// `localhost`, and `127.0.0.1:80` has none).
fn python_scheme(s: &str) -> Option<String> {
    let (sc, _) = s.split_once(':')?;
    let mut chars = sc.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then(|| sc.to_ascii_lowercase())
}

/// Percent-encodes what the WHATWG URL parser encodes in one component.
fn encode_component(out: &mut String, s: &str, extra: &str) {
    for c in s.chars() {
        if c.is_ascii_control() || c == ' ' || !c.is_ascii() || extra.contains(c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
}

/// What `_prepend_scheme` and pydantic's `HttpUrl` make of a URL (the common
/// cases of the WHATWG parser): `Err` is the reason the real server gives.
pub fn normalize_url(raw: &str) -> Result<String, &'static str> {
    // Both parsers drop surrounding spaces and controls, and tabs/newlines anywhere.
    let s: String = raw
        .trim_matches(|c: char| c.is_ascii_control() || c == ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, rest) = match python_scheme(&s) {
        Some(sc) if sc == "http" || sc == "https" => {
            (sc, s[s.find(':').unwrap_or(0) + 1..].to_string())
        }
        Some(_) => return Err(UNSUPPORTED_SCHEME),
        None => ("https".to_string(), format!("//{s}")),
    };
    if scheme.len() + 1 + rest.chars().count() > MAX_URL_CHARS {
        return Err(MALFORMED);
    }
    // Special schemes: any run of slashes (either way) before the authority.
    let rest = rest.trim_start_matches(['/', '\\']);
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (host, port) = if hostport.starts_with('[') {
        let i = hostport.find(']').ok_or(MALFORMED)?;
        let (h, p) = hostport.split_at(i + 1);
        if !h[1..i]
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
            || h.len() < 4
        {
            return Err(MALFORMED);
        }
        match p {
            "" => (h.to_ascii_lowercase(), None),
            p => (
                h.to_ascii_lowercase(),
                Some(p.strip_prefix(':').ok_or(MALFORMED)?),
            ),
        }
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (h.to_lowercase(), Some(p)),
            None => (hostport.to_lowercase(), None),
        }
    };
    if host.is_empty() {
        return Err(MALFORMED);
    }
    if !host.starts_with('[')
        && host
            .chars()
            .any(|c| c.is_ascii_control() || " #%/:<>?@[\\]^|".contains(c))
    {
        return Err(MALFORMED);
    }
    let port = match port {
        None | Some("") => None,
        Some(p) => {
            if !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(MALFORMED);
            }
            let n: u32 = p.parse().map_err(|_| MALFORMED)?;
            if n > 65535 {
                return Err(MALFORMED);
            }
            let default = if scheme == "http" { 80 } else { 443 };
            (n != default).then_some(n)
        }
    };
    let mut out = format!("{scheme}://");
    if let Some(u) = userinfo {
        encode_component(&mut out, u, "\"#<>?`{}/;=@[\\]^|");
        out.push('@');
    }
    out.push_str(&host);
    if let Some(p) = port {
        out.push_str(&format!(":{p}"));
    }
    let (before_frag, frag) = match tail.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (tail, None),
    };
    let (path, query) = match before_frag.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_frag, None),
    };
    let path = path.replace('\\', "/");
    if path.is_empty() {
        out.push('/');
    } else {
        encode_component(&mut out, &path, "\"<>`{}");
    }
    if let Some(q) = query {
        out.push('?');
        encode_component(&mut out, q, "\"<>'");
    }
    if let Some(f) = frag {
        out.push('#');
        encode_component(&mut out, f, "\"<>`");
    }
    Ok(out)
}

/// The IANA zone names Python's `zoneinfo.available_timezones()` lists (minus
/// Debian's `localtime`), which the real server takes as `timezone_id`.
const TIMEZONES: &str = include_str!("timezones.txt");

pub fn is_iana_timezone(name: &str) -> bool {
    !name.is_empty() && TIMEZONES.lines().any(|l| l == name)
}

/// Python's `repr` of a string, as an f-string's `!r` writes it.
pub fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `browser_settings` (a `BrowserSettings` model with a `timezone_id` that must
/// be an IANA name): the value to store (null unless a timezone is set, as the
/// real server answers), or `None` after pushing the errors.
pub fn browser_settings(errs: &mut Errors, v: &Value) -> Option<Value> {
    let m = match v {
        Value::Null => return Some(Value::Null),
        Value::Object(m) => m,
        other => {
            errs.push(
                "model_attributes_type",
                "browser_settings",
                "Input should be a valid dictionary or object to extract fields from",
                other,
                None,
            );
            return None;
        }
    };
    match m.get("timezone_id") {
        None | Some(Value::Null) => Some(Value::Null),
        Some(Value::String(tz)) if is_iana_timezone(tz) => Some(json!({ "timezone_id": tz })),
        Some(Value::String(tz)) => {
            errs.push(
                "value_error",
                "browser_settings",
                &format!(
                    "Value error, timezone_id {} is not an IANA timezone name. Use a name such as 'America/New_York' or 'Africa/Kampala'; UTC offsets are not accepted.",
                    py_repr(tz)
                ),
                v,
                Some(json!({"error": {}})),
            );
            None
        }
        Some(other) => {
            errs.push_loc(
                "string_type",
                json!(["body", "browser_settings", "timezone_id"]),
                "Input should be a valid string",
                other,
                None,
            );
            None
        }
    }
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
        assert_eq!(e.items[0]["type"], "int_from_float");
        assert_eq!(e.items[1]["type"], "int_parsing");
    }

    /// Each case as the real server's `validate_url` answered it.
    #[test]
    fn urls() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("http://127.0.0.1:8765/", Ok("http://127.0.0.1:8765/")),
            ("http://127.0.0.1:8765", Ok("http://127.0.0.1:8765/")),
            ("127.0.0.1:8765", Ok("https://127.0.0.1:8765/")),
            ("example.com", Ok("https://example.com/")),
            ("https://a.b/c?d", Ok("https://a.b/c?d")),
            ("HTTP://Example.COM/a b", Ok("http://example.com/a%20b")),
            ("//example.com/x", Ok("https://example.com/x")),
            ("http:example.com", Ok("http://example.com/")),
            ("https:/example.com", Ok("https://example.com/")),
            (" http://a.b ", Ok("http://a.b/")),
            ("http://a.b:80/", Ok("http://a.b/")),
            ("not a url", Err(MALFORMED)),
            ("http://", Err(MALFORMED)),
            ("http://[::1", Err(MALFORMED)),
            ("http://a:99999/", Err(MALFORMED)),
            ("http://a<b/", Err(MALFORMED)),
            ("http://a b/", Err(MALFORMED)),
            ("http://a%20b/", Err(MALFORMED)),
            ("ftp://example.test/", Err(UNSUPPORTED_SCHEME)),
            ("localhost:3000", Err(UNSUPPORTED_SCHEME)),
            ("a.b:80", Err(UNSUPPORTED_SCHEME)),
            ("mailto:x", Err(UNSUPPORTED_SCHEME)),
            ("javascript:alert(1)", Err(UNSUPPORTED_SCHEME)),
            ("file:///etc/passwd", Err(UNSUPPORTED_SCHEME)),
            ("about:blank", Err(UNSUPPORTED_SCHEME)),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_url(input), want.map(str::to_string), "{input}");
        }
        let long = format!("http://{}", "a".repeat(2076));
        assert_eq!(long.len(), 2083);
        assert!(normalize_url(&long).is_ok());
        assert_eq!(normalize_url(&format!("{long}a")), Err(MALFORMED));
        assert_eq!(normalize_url(&"x".repeat(2100)), Err(MALFORMED));
    }

    #[test]
    fn url_errors_abort_with_400() {
        let mut e = Errors::new();
        e.missing("prompt", &json!({}));
        assert_eq!(url(&mut e, "url", &json!("not a url")), None);
        assert_eq!(url(&mut e, "webhook_url", &json!("ftp://x")), None);
        assert_eq!(url(&mut e, "url", &json!("")), Some(Some(String::new())));
        assert_eq!(url(&mut e, "url", &json!(null)), Some(None));
        let (status, body) = e.into_response();
        assert_eq!(status, 400);
        assert_eq!(
            body,
            json!({"detail": "Invalid url: malformed. Use an HTTP or HTTPS URL with at most 2083 characters."})
        );
    }

    #[test]
    fn timezones() {
        assert!(is_iana_timezone("America/New_York"));
        assert!(is_iana_timezone("Africa/Kampala"));
        assert!(is_iana_timezone("UTC"));
        assert!(!is_iana_timezone("+02:00"));
        assert!(!is_iana_timezone("localtime"));
        assert!(!is_iana_timezone(""));
        assert_eq!(py_repr("+02:00"), "'+02:00'");
        assert_eq!(py_repr("it's\\x"), "\"it's\\\\x\"");
        assert_eq!(py_repr("a'\"b"), "'a\\'\"b'");
    }

    #[test]
    fn enums() {
        assert_eq!(expected_list(&["a", "b", "c"]), "'a', 'b' or 'c'");
        assert_eq!(expected_list(&["a"]), "'a'");
    }
}
