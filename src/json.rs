//! A small JSON value type with a parser and a serializer.
//!
//! Inputs arrive from JavaScript, where values exist that JSON cannot carry
//! (`undefined`, `NaN`, functions, symbols, …). They are kept as their own
//! variants so validation can name the offending field instead of silently
//! dropping or rewriting it.

use crate::text::push_int;

/// A JSON value, plus the JavaScript values that have no JSON form.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// JSON `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer (or any number built in Rust).
    Number(f64),
    /// A non-integer or very large number, with its JSON text as written by the
    /// JavaScript engine or found in a response. Keeping the text means no float
    /// formatting code is needed to send it back unchanged.
    Decimal(f64, String),
    /// A string.
    String(String),
    /// An array, in order.
    Array(Vec<Value>),
    /// Members in their original order.
    Object(Vec<(String, Value)>),
    /// JavaScript `undefined` (treated as "absent" for optional fields).
    Undefined,
    /// A JavaScript function (only valid where a callback is expected).
    Function,
    /// Any other value JSON cannot represent; the text names it ("a symbol", "a bigint").
    Unsupported(&'static str),
}

impl Value {
    /// The member `key` of an object, `undefined` included.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member `key` unless it is absent or `undefined`.
    pub fn field(&self, key: &str) -> Option<&Value> {
        self.get(key).filter(|v| !matches!(v, Value::Undefined))
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) | Value::Decimal(n, _) => Some(*n),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Whether this is JSON `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A short description of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(n) if n.is_nan() => "NaN",
            Value::Number(n) if n.is_infinite() => "Infinity",
            Value::Number(_) | Value::Decimal(..) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
            Value::Undefined => "undefined",
            Value::Function => "a function",
            Value::Unsupported(what) => what,
        }
    }

    /// Serializes to compact JSON. `undefined` object members are skipped (as
    /// `JSON.stringify` does); callers validate before serializing, so the
    /// other non-JSON variants never reach this point, and are written as `null`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_value(&mut out, self);
        out
    }

    /// Parses JSON text; `None` when the text is not valid JSON.
    pub fn parse(text: &str) -> Option<Value> {
        Parser::new(text, None).whole()
    }
}

/// The top level of a valid JSON text, found without building its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Top {
    /// JSON `null`.
    Null,
    /// An array.
    Array,
    /// An object; `true` when its member `key` (as asked for) is a string.
    Object(bool),
    /// A string, number or boolean.
    Scalar,
}

/// Checks that `text` is valid JSON and says what its top level is, allocating
/// nothing. `key` is looked up among a top-level object's members as written
/// (a name spelled with escapes is not recognised). `None` when `text` is not JSON.
pub fn top_level(text: &str, key: &str) -> Option<Top> {
    let mut p = Parser::new(text, Some(key));
    p.ws();
    let top = match p.s.get(p.i) {
        Some(b'n') => Top::Null,
        Some(b'[') => Top::Array,
        Some(b'{') => Top::Object(false),
        _ => Top::Scalar,
    };
    p.whole()?;
    Some(match top {
        Top::Object(_) => Top::Object(p.found),
        other => other,
    })
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null | Value::Undefined | Value::Function | Value::Unsupported(_) => {
            out.push_str("null")
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n),
        Value::Decimal(_, text) => out.push_str(text),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            let mut first = true;
            for (k, item) in members {
                if matches!(item, Value::Undefined) {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                write_string(out, k);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, n: f64) {
    if !n.is_finite() {
        out.push_str("null");
    } else if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        push_int(out, n as i64);
    } else {
        write_scientific(out, n);
    }
}

/// Writes `n` as `d.ddddddddddddddde±x` (17 significant digits, computed in floating
/// point, so the last digit may be off by one). Only reached for numbers built in
/// Rust: numbers from JavaScript and from responses keep their text.
fn write_scientific(out: &mut String, n: f64) {
    if n < 0.0 {
        out.push('-');
    }
    let mut m = n.abs();
    let mut exp: i32 = 0;
    while m >= 10.0 {
        m /= 10.0;
        exp += 1;
    }
    while m < 1.0 {
        m *= 10.0;
        exp -= 1;
    }
    let mut digits = String::new();
    for _ in 0..17 {
        let d = (m as u8).min(9);
        digits.push(char::from(b'0' + d));
        m = (m - f64::from(d)) * 10.0;
    }
    let digits = digits.trim_end_matches('0');
    out.push_str(digits.get(..1).unwrap_or("0"));
    if let Some(rest) = digits.get(1..).filter(|r| !r.is_empty()) {
        out.push('.');
        out.push_str(rest);
    }
    out.push('e');
    push_int(out, i64::from(exp));
}

/// Parses a JSON number's text (also used for `Retry-After` seconds). Exact for
/// integers up to 2^53 and for short decimals; otherwise within a few ulps.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let mut i = 0;
    let neg = b.first() == Some(&b'-');
    if neg {
        i += 1;
    }
    let mut mantissa: u64 = 0;
    let mut exp: i32 = 0;
    let mut digits = 0;
    let mut any = false;
    while let Some(&c @ b'0'..=b'9') = b.get(i) {
        any = true;
        if digits < 19 {
            mantissa = mantissa * 10 + u64::from(c - b'0');
            if mantissa > 0 {
                digits += 1;
            }
        } else {
            exp += 1;
        }
        i += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let mut frac = false;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            frac = true;
            if digits < 19 {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                if mantissa > 0 {
                    digits += 1;
                }
                exp -= 1;
            }
            i += 1;
        }
        if !frac {
            return None;
        }
    }
    if !any {
        return None;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        let eneg = b.get(i) == Some(&b'-');
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let mut e: i32 = 0;
        let mut edigits = false;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            edigits = true;
            e = (e * 10 + i32::from(c - b'0')).min(100_000);
            i += 1;
        }
        if !edigits {
            return None;
        }
        exp += if eneg { -e } else { e };
    }
    if i != b.len() {
        return None;
    }
    let mut v = mantissa as f64;
    if mantissa == 0 {
        // Zero with any exponent (`0e999` would otherwise be 0 × ∞ = NaN).
        exp = 0;
    }
    if exp > 0 {
        v *= 10f64.powi(exp.min(400));
    } else if exp < 0 {
        // Divide by an exact power of ten while it is one (≤ 1e22), for exact short decimals.
        let mut e = -exp;
        while e > 0 && v != 0.0 {
            let step = e.min(22);
            v /= 10f64.powi(step);
            e -= step;
        }
    }
    Some(if neg { -v } else { v })
}

/// Writes `s` as a JSON string literal.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let n = c as u8;
                out.push_str("\\u00");
                out.push(char::from(b"0123456789abcdef"[usize::from(n >> 4)]));
                out.push(char::from(b"0123456789abcdef"[usize::from(n & 15)]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

const MAX_DEPTH: u32 = 256;

/// A JSON parser. With `want` set it only validates (strings, arrays and objects
/// are not built; every value comes back as `Null`) and notes in `found` whether
/// the top-level member `want` is a string.
struct Parser<'a> {
    t: &'a str,
    s: &'a [u8],
    i: usize,
    depth: u32,
    want: Option<&'a str>,
    found: bool,
}

impl<'a> Parser<'a> {
    fn new(t: &'a str, want: Option<&'a str>) -> Parser<'a> {
        Parser {
            t,
            s: t.as_bytes(),
            i: 0,
            depth: 0,
            want,
            found: false,
        }
    }

    /// One value and nothing after it but whitespace.
    fn whole(&mut self) -> Option<Value> {
        let v = self.value()?;
        self.ws();
        (self.i == self.s.len()).then_some(v)
    }

    fn build(&self) -> bool {
        self.want.is_none()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &[u8]) -> bool {
        if self
            .s
            .get(self.i..)
            .is_some_and(|rest| rest.starts_with(lit))
        {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.ws();
        match *self.s.get(self.i)? {
            b'n' => self.eat(b"null").then_some(Value::Null),
            b't' => self.eat(b"true").then_some(Value::Bool(true)),
            b'f' => self.eat(b"false").then_some(Value::Bool(false)),
            b'"' => self.string().map(|t| {
                if self.build() {
                    Value::String(t)
                } else {
                    Value::Null
                }
            }),
            b'[' => {
                self.enter()?;
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat(b"]") {
                    self.depth -= 1;
                    return Some(Value::Array(items));
                }
                loop {
                    let v = self.value()?;
                    if self.build() {
                        items.push(v);
                    }
                    self.ws();
                    if self.eat(b",") {
                        continue;
                    }
                    if self.eat(b"]") {
                        break;
                    }
                    return None;
                }
                self.depth -= 1;
                Some(Value::Array(items))
            }
            b'{' => {
                self.enter()?;
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.eat(b"}") {
                    self.depth -= 1;
                    return Some(Value::Object(members));
                }
                loop {
                    self.ws();
                    if self.s.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    let name = self.i + 1;
                    let k = self.string()?;
                    let named = self.t.get(name..self.i - 1) == self.want;
                    self.ws();
                    if !self.eat(b":") {
                        return None;
                    }
                    self.ws();
                    let string = self.s.get(self.i) == Some(&b'"');
                    let v = self.value()?;
                    if self.build() {
                        members.push((k, v));
                    } else if named && self.depth == 1 {
                        self.found = string;
                    }
                    self.ws();
                    if self.eat(b",") {
                        continue;
                    }
                    if self.eat(b"}") {
                        break;
                    }
                    return None;
                }
                self.depth -= 1;
                Some(Value::Object(members))
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        self.eat(b"-");
        let digits = |p: &mut Self| {
            let from = p.i;
            while let Some(b'0'..=b'9') = p.s.get(p.i) {
                p.i += 1;
            }
            p.i > from
        };
        if !digits(self) {
            return None;
        }
        if self.eat(b".") && !digits(self) {
            return None;
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        let text = self.t.get(start..self.i)?;
        let n = parse_decimal(text)?;
        if !self.build() {
            return Some(Value::Null);
        }
        if text.bytes().all(|b| b.is_ascii_digit() || b == b'-')
            && n.abs() < 9.007_199_254_740_992e15
        {
            Some(Value::Number(n))
        } else {
            Some(Value::Decimal(n, text.to_string()))
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        self.i += 4;
        // As `u32::from_str_radix(h, 16)`: an optional leading `+`, then hex digits.
        let digits = h.strip_prefix(b"+").unwrap_or(h);
        if digits.is_empty() {
            return None;
        }
        let mut n = 0;
        for &c in digits {
            n = n * 16 + char::from(c).to_digit(16)?;
        }
        Some(n)
    }

    fn string(&mut self) -> Option<String> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            let run = self.t.get(start..self.i)?;
            if self.build() {
                out.push_str(run);
            }
            match *self.s.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let e = *self.s.get(self.i)?;
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) && self.eat(b"\\u") {
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    0xFFFD
                                }
                            } else {
                                hi
                            };
                            char::from_u32(code).unwrap_or('\u{FFFD}')
                        }
                        _ => return None,
                    };
                    if self.build() {
                        out.push(c);
                    }
                }
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Value;

    #[test]
    fn parses_and_serializes_round_trip() {
        let text = r#"{"a":[1,2.5,-3e2,true,false,null],"b":"x\"y\\z\n\u00e9\ud83d\ude00","c":{}}"#;
        let v = Value::parse(text).unwrap();
        assert_eq!(
            v.get("a").unwrap().to_json(),
            "[1,2.5,-3e2,true,false,null]"
        );
        assert_eq!(v.get("b").unwrap().as_str().unwrap(), "x\"y\\z\né😀");
        assert_eq!(Value::parse(&v.to_json()).unwrap(), v);
    }

    #[test]
    fn numbers_keep_their_text() {
        let v = Value::parse(r#"[0.1,1e21,-2.5E-3,12345678901234567890,7]"#).unwrap();
        assert_eq!(v.to_json(), "[0.1,1e21,-2.5E-3,12345678901234567890,7]");
        let Value::Array(items) = v else { panic!() };
        assert_eq!(items[0].as_f64(), Some(0.1));
        assert_eq!(items[2].as_f64(), Some(-0.0025));
        assert_eq!(items[4], Value::Number(7.0));
        for (text, n) in [
            ("0.25", 0.25),
            ("1.5", 1.5),
            ("3", 3.0),
            ("1e3", 1000.0),
            ("-0.4", -0.4),
        ] {
            assert_eq!(super::parse_decimal(text), Some(n), "{text}");
        }
        for bad in ["", "-", "1.", ".5", "1e", "1x", "+1", " 1"] {
            assert_eq!(super::parse_decimal(bad), None, "{bad}");
        }
        assert_eq!(Value::Number(0.5).to_json(), "5e-1");
        let big = Value::Number(1e300).to_json();
        let back = super::parse_decimal(&big).unwrap();
        assert!((back / 1e300 - 1.0).abs() < 1e-12, "{big}");
    }

    #[test]
    fn top_level_scans_without_building() {
        use super::{top_level, Top};
        let id = "browser_session_id";
        let session = r#"{"browser_session_id":"pbs_1","status":"running","n":[1,{"browser_session_id":2}],"x":1.5e3}"#;
        assert_eq!(top_level(session, id), Some(Top::Object(true)));
        // Only a top-level string counts.
        assert_eq!(
            top_level(r#"{"a":{"browser_session_id":"pbs_1"}}"#, id),
            Some(Top::Object(false))
        );
        assert_eq!(
            top_level(r#"{"browser_session_id":1}"#, id),
            Some(Top::Object(false))
        );
        assert_eq!(
            top_level(r#"{"browser_session_idx":"a"}"#, id),
            Some(Top::Object(false))
        );
        assert_eq!(top_level(" [1, \"a\", null] ", id), Some(Top::Array));
        assert_eq!(top_level("null", id), Some(Top::Null));
        assert_eq!(top_level("\"s\"", id), Some(Top::Scalar));
        assert_eq!(top_level("12", id), Some(Top::Scalar));
        for bad in [
            "",
            " ",
            "{",
            r#"{"browser_session_id":"pbs_1""#,
            r#"{"a":1,}"#,
            "[1,]",
            "nul",
            r#"{"a":"\x"}"#,
            "{} {}",
            "01x",
        ] {
            assert_eq!(top_level(bad, id), None, "{bad:?}");
            assert_eq!(Value::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn rejects_invalid_json() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01x",
            "<html>",
            "nul",
            "\"abc",
            "1 2",
            "-",
        ] {
            assert!(Value::parse(bad).is_none(), "{bad}");
        }
        let deep = "[".repeat(10_000);
        assert!(Value::parse(&deep).is_none());
    }

    #[test]
    fn skips_undefined_members_and_writes_integers_plainly() {
        let v = Value::Object(vec![
            ("a".into(), Value::Undefined),
            ("b".into(), Value::Number(60.0)),
            ("c".into(), Value::Number(0.5)),
            ("d".into(), Value::String("\u{1}".into())),
        ]);
        assert_eq!(v.to_json(), r#"{"b":60,"c":5e-1,"d":"\u0001"}"#);
    }
}
