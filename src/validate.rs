//! Input validation: every argument is checked before a request is built, and a
//! failure names the field (`request.timeout`, `requestOptions.maxRetries`, …).

use crate::error::Error;
use crate::json::Value;
use crate::text::{cat, int};

/// The expected type of a field.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// Any string.
    Str,
    /// A string with at least one character.
    NonEmpty,
    /// `true` or `false`.
    Bool,
    /// An integer within the range.
    Int(f64, f64),
    /// A finite number within the range (exclusive lower bound when `true`).
    Num(f64, f64),
    /// A JSON object (any members).
    Object,
    /// Any JSON value.
    Json,
    /// An object whose members are all strings.
    StrMap,
    /// An array of strings.
    StrList,
    /// A proxy location: enum string, GeoTarget object or `{url}`.
    Proxy,
    /// A JavaScript function.
    Func,
    /// An `AbortSignal` (checked by the JavaScript layer; here any object).
    Signal,
    /// An event source: an async iterable or a subscribe function (read by the
    /// JavaScript layer; here any object or function).
    Source,
}

/// One allowed field of an options object or request body.
pub struct Field {
    /// The field's name as the caller writes it.
    pub name: &'static str,
    /// The type the value must have.
    pub ty: Ty,
    /// `null` is accepted (and sent).
    pub nullable: bool,
    /// The caller must give the field.
    pub required: bool,
    /// Sent to the server (`false` for client-side options).
    pub wire: bool,
}

/// An optional field that may be `null` and is sent to the server.
pub const fn f(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        nullable: true,
        required: false,
        wire: true,
    }
}

/// A field the caller must give, sent to the server.
pub const fn required(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        nullable: false,
        required: true,
        wire: true,
    }
}

/// A client-side option: never sent, never null.
pub const fn local(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        nullable: false,
        required: false,
        wire: false,
    }
}

fn got(v: &Value) -> String {
    match v {
        Value::String(s) if crate::text::char_count(s) <= 40 => cat(&["\"", s, "\""]),
        Value::Number(n) if n.is_finite() => v.to_json(),
        Value::Decimal(..) => v.to_json(),
        Value::Bool(_) => v.to_json(),
        other => other.type_name().to_string(),
    }
}

fn fail(path: &str, expected: &str, v: &Value) -> Error {
    Error::invalid(path, cat(&["must be ", expected, " (got ", &got(v), ")"]))
}

/// Checks an optional options object. `undefined`/`null` count as empty.
/// Returns the members to send (fields with `wire`), in the caller's order.
pub fn object(path: &str, v: Option<&Value>, fields: &[Field]) -> Result<Value, Error> {
    let members = match v {
        None | Some(Value::Undefined) | Some(Value::Null) => &[][..],
        Some(Value::Object(m)) => &m[..],
        Some(other) => return Err(fail(path, "an object", other)),
    };
    for (k, _) in members {
        if !fields.iter().any(|f| f.name == k) {
            return Err(Error::invalid(
                &join(path, k),
                "is not a known field (check the spelling; field names use the API's snake_case)",
            ));
        }
    }
    let mut out = Vec::new();
    for field in fields {
        let p = join(path, field.name);
        let value = members
            .iter()
            .find(|(k, _)| k == field.name)
            .map(|(_, v)| v)
            .filter(|v| !matches!(v, Value::Undefined));
        match value {
            None if field.required => return Err(Error::invalid(&p, "is required")),
            None => {}
            // A wire field's `null` is sent; a local option's is its default.
            Some(Value::Null) if field.nullable && !field.required && field.wire => {
                out.push((field.name.to_string(), Value::Null));
            }
            Some(Value::Null) if field.nullable && !field.required => {}
            Some(value) => {
                check(&p, value, field.ty)?;
                if field.wire {
                    out.push((field.name.to_string(), value.clone()));
                }
            }
        }
    }
    Ok(Value::Object(out))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        cat(&[path, ".", key])
    }
}

/// `path[i]`.
fn index(path: &str, i: usize) -> String {
    cat(&[path, "[", &int(i as i64), "]"])
}

/// Checks one value against a type.
pub fn check(path: &str, v: &Value, ty: Ty) -> Result<(), Error> {
    match ty {
        Ty::Str => v
            .as_str()
            .map(|_| ())
            .ok_or_else(|| fail(path, "a string", v)),
        Ty::NonEmpty => match v.as_str() {
            Some(s) if !s.trim().is_empty() => Ok(()),
            _ => Err(fail(path, "a non-empty string", v)),
        },
        Ty::Bool => v
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| fail(path, "a boolean", v)),
        Ty::Int(min, max) => match v.as_f64() {
            Some(n) if n.is_finite() && n.fract() == 0.0 && n >= min && n <= max => Ok(()),
            _ if max >= 9e15 => Err(fail(path, &cat(&["an integer ≥ ", &int(min as i64)]), v)),
            _ => Err(fail(
                path,
                &cat(&[
                    "an integer from ",
                    &int(min as i64),
                    " to ",
                    &int(max as i64),
                ]),
                v,
            )),
        },
        Ty::Num(min, max) => match v.as_f64() {
            Some(n) if n.is_finite() && n > min && n <= max => Ok(()),
            _ => Err(fail(
                path,
                &cat(&[
                    "a number greater than ",
                    &int(min as i64),
                    " and at most ",
                    &int(max as i64),
                ]),
                v,
            )),
        },
        Ty::Object => match v {
            Value::Object(_) => json(path, v),
            _ => Err(fail(path, "an object", v)),
        },
        Ty::Json => json(path, v),
        Ty::StrMap => match v {
            Value::Object(m) => {
                for (k, item) in m {
                    if !matches!(item, Value::Undefined) {
                        check(&join(path, k), item, Ty::Str)?;
                    }
                }
                Ok(())
            }
            _ => Err(fail(path, "an object of strings", v)),
        },
        Ty::StrList => match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(&index(path, i), item, Ty::Str)?;
                }
                Ok(())
            }
            _ => Err(fail(path, "an array of strings", v)),
        },
        Ty::Proxy => proxy(path, v),
        Ty::Func => match v {
            Value::Function => Ok(()),
            _ => Err(fail(path, "a function", v)),
        },
        Ty::Signal => match v {
            Value::Object(_) => Ok(()),
            _ => Err(fail(path, "an AbortSignal", v)),
        },
        Ty::Source => match v {
            Value::Object(_) | Value::Function => Ok(()),
            _ => Err(fail(path, "an async iterable or a subscribe function", v)),
        },
    }
}

/// Every nested value must have a JSON form.
fn json(path: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::Null | Value::Bool(_) | Value::String(_) => Ok(()),
        Value::Number(n) | Value::Decimal(n, _) if n.is_finite() => Ok(()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                json(&index(path, i), item)?;
            }
            Ok(())
        }
        Value::Object(m) => {
            for (k, item) in m {
                if !matches!(item, Value::Undefined) {
                    json(&join(path, k), item)?;
                }
            }
            Ok(())
        }
        other => Err(Error::invalid(
            path,
            cat(&["cannot be sent as JSON (got ", other.type_name(), ")"]),
        )),
    }
}

const GEO_TARGET: &[Field] = &[
    required("country", Ty::NonEmpty),
    f("subdivision", Ty::Str),
    f("city", Ty::Str),
    f("isISP", Ty::Bool),
];
const CUSTOM_PROXY: &[Field] = &[required("url", Ty::NonEmpty)];

fn proxy(path: &str, v: &Value) -> Result<(), Error> {
    match v {
        Value::String(s) if !s.is_empty() => Ok(()),
        Value::Object(_) if v.field("country").is_none() && v.field("url").is_some() => {
            object(path, Some(v), CUSTOM_PROXY).map(|_| ())
        }
        Value::Object(_) => object(path, Some(v), GEO_TARGET).map(|_| ()),
        _ => Err(fail(
            path,
            "a proxy location string, a {country, subdivision?, city?} object or a {url} object",
            v,
        )),
    }
}

/// The longest id accepted (Skyvern's ids are about 20 characters).
pub const MAX_ID_LEN: usize = 256;

/// A resource id used as a path segment. Skyvern's ids (`pbs_…`, `tsk_…`,
/// `wr_…`, `bp_…`) are ASCII letters, digits and `_`; anything that could not
/// be one (empty, whitespace, `/ ? # %`, non-ASCII, `.`/`..`, very long) is
/// refused before a request is built.
pub fn id(path: &str, v: Option<&Value>) -> Result<String, Error> {
    match v {
        Some(Value::String(s)) if s.trim().is_empty() => {
            Err(Error::invalid(path, "must be a non-empty id"))
        }
        Some(Value::String(s))
            if s.len() <= MAX_ID_LEN
                && s != "."
                && s != ".."
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b)) =>
        {
            Ok(s.clone())
        }
        Some(v @ Value::String(_)) => Err(fail(
            path,
            "an id of ASCII letters, digits, `_`, `-` and `.` (at most 256 characters)",
            v,
        )),
        None | Some(Value::Undefined) => Err(Error::invalid(path, "is required")),
        Some(other) => Err(fail(path, "a string id", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(text: &str) -> Value {
        Value::parse(text).unwrap()
    }

    const FIELDS: &[Field] = &[
        required("prompt", Ty::NonEmpty),
        f("timeout", Ty::Int(5.0, 1e16)),
        f("proxy_location", Ty::Proxy),
        f("data", Ty::Json),
        f("headers", Ty::StrMap),
        local("wait", Ty::Bool),
    ];

    #[test]
    fn names_the_field() {
        let e = object("request", Some(&obj(r#"{"timeout":5}"#)), FIELDS).unwrap_err();
        assert_eq!(e.message(), "request.prompt: is required");
        let e = object(
            "request",
            Some(&obj(r#"{"prompt":"x","timeout":3}"#)),
            FIELDS,
        )
        .unwrap_err();
        assert_eq!(
            e.message(),
            "request.timeout: must be an integer ≥ 5 (got 3)"
        );
        let e = object(
            "request",
            Some(&obj(r#"{"prompt":"x","timeout":"abc"}"#)),
            FIELDS,
        )
        .unwrap_err();
        assert_eq!(
            e.message(),
            "request.timeout: must be an integer ≥ 5 (got \"abc\")"
        );
        let e = object("request", Some(&obj(r#"{"prompt":"x","bogus":1}"#)), FIELDS).unwrap_err();
        assert!(e
            .message()
            .starts_with("request.bogus: is not a known field"));
        let e = object("request", Some(&obj(r#"{"prompt":""}"#)), FIELDS).unwrap_err();
        assert!(e
            .message()
            .starts_with("request.prompt: must be a non-empty string"));
        let e = object("request", Some(&Value::String("x".into())), FIELDS).unwrap_err();
        assert_eq!(e.message(), "request: must be an object (got \"x\")");
        let e = object(
            "request",
            Some(&obj(r#"{"prompt":"x","headers":{"a":1}}"#)),
            FIELDS,
        )
        .unwrap_err();
        assert_eq!(e.message(), "request.headers.a: must be a string (got 1)");
    }

    #[test]
    fn non_json_values_are_named() {
        let v = Value::Object(vec![
            ("prompt".into(), Value::String("x".into())),
            (
                "data".into(),
                Value::Object(vec![(
                    "n".into(),
                    Value::Array(vec![Value::Number(f64::NAN)]),
                )]),
            ),
        ]);
        let e = object("request", Some(&v), FIELDS).unwrap_err();
        assert_eq!(
            e.message(),
            "request.data.n[0]: cannot be sent as JSON (got NaN)"
        );
        let v = Value::Object(vec![
            ("prompt".into(), Value::String("x".into())),
            ("data".into(), Value::Function),
        ]);
        assert!(object("r", Some(&v), FIELDS)
            .unwrap_err()
            .message()
            .contains("a function"));
        let v = Value::Object(vec![
            ("prompt".into(), Value::String("x".into())),
            ("timeout".into(), Value::Number(f64::INFINITY)),
        ]);
        assert!(object("r", Some(&v), FIELDS)
            .unwrap_err()
            .message()
            .contains("Infinity"));
    }

    #[test]
    fn keeps_wire_fields_only_and_skips_undefined() {
        let v = Value::Object(vec![
            ("wait".into(), Value::Bool(true)),
            ("prompt".into(), Value::String("x".into())),
            ("timeout".into(), Value::Undefined),
            ("proxy_location".into(), Value::Null),
        ]);
        let out = object("r", Some(&v), FIELDS).unwrap();
        assert_eq!(out.to_json(), r#"{"prompt":"x","proxy_location":null}"#);
    }

    #[test]
    fn proxy_shapes() {
        for ok in [
            r#""RESIDENTIAL""#,
            r#""FUTURE_VALUE""#,
            r#"{"country":"US","subdivision":"CA"}"#,
            r#"{"url":"http://user:pass@host:1"}"#,
        ] {
            check("p", &obj(ok), Ty::Proxy).unwrap();
        }
        for bad in [
            r#"1"#,
            r#"{"subdivision":"CA"}"#,
            r#"{"country":"US","x":1}"#,
            r#""""#,
        ] {
            assert!(check("p", &obj(bad), Ty::Proxy).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids() {
        assert_eq!(id("id", Some(&obj(r#""pbs_1""#))).unwrap(), "pbs_1");
        for bad in [r#""""#, r#"" ""#, r#"".""#, r#""..""#, "1", "null"] {
            assert!(id("id", Some(&obj(bad))).is_err(), "{bad}");
        }
        assert_eq!(id("id", None).unwrap_err().message(), "id: is required");
    }
}
