//! Lax scalars as pydantic v2 coerces them, with its error types and messages.

use serde_json::{json, Value};

use super::Errors;
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    #[test]
    fn enums() {
        assert_eq!(expected_list(&["a", "b", "c"]), "'a', 'b' or 'c'");
        assert_eq!(expected_list(&["a"]), "'a'");
    }
}
