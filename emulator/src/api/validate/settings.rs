//! `browser_settings` and its IANA `timezone_id`.

use serde_json::{json, Value};

use super::Errors;
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
}
