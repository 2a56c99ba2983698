//! A JSON parser that fails the way Python's `json.loads` does: the same
//! message and the same character position, which FastAPI copies into its
//! `json_invalid` error (`"loc": ["body", <pos>]`, `"ctx": {"error": <msg>}`).

use serde_json::{Map, Number, Value};

#[derive(Debug, PartialEq)]
pub struct DecodeError {
    pub msg: String,
    /// Position in characters (Python string index), not bytes.
    pub pos: usize,
}

pub fn loads(text: &str) -> Result<Value, DecodeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser { s: &chars, i: 0 };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i != chars.len() {
        return Err(p.err("Extra data", p.i));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
}

impl Parser<'_> {
    fn err(&self, msg: &str, pos: usize) -> DecodeError {
        DecodeError {
            msg: msg.to_string(),
            pos,
        }
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.i += 1;
        }
    }

    fn starts_with(&self, lit: &str) -> bool {
        let n = lit.chars().count();
        self.s
            .get(self.i..self.i + n)
            .is_some_and(|w| w.iter().copied().eq(lit.chars()))
    }

    /// Parses a value at the current position (no leading whitespace skip).
    fn value(&mut self) -> Result<Value, DecodeError> {
        let start = self.i;
        match self.peek() {
            Some('"') => {
                self.i += 1;
                Ok(Value::String(self.string(start)?))
            }
            Some('{') => {
                self.i += 1;
                self.object()
            }
            Some('[') => {
                self.i += 1;
                self.array()
            }
            Some('n') if self.starts_with("null") => {
                self.i += 4;
                Ok(Value::Null)
            }
            Some('t') if self.starts_with("true") => {
                self.i += 4;
                Ok(Value::Bool(true))
            }
            Some('f') if self.starts_with("false") => {
                self.i += 5;
                Ok(Value::Bool(false))
            }
            // Python accepts these; JSON values cannot hold them, so they read as null.
            Some('N') if self.starts_with("NaN") => {
                self.i += 3;
                Ok(Value::Null)
            }
            Some('I') if self.starts_with("Infinity") => {
                self.i += 8;
                Ok(Value::Null)
            }
            Some('-') if self.starts_with("-Infinity") => {
                self.i += 9;
                Ok(Value::Null)
            }
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(start),
            _ => Err(self.err("Expecting value", start)),
        }
    }

    fn number(&mut self, start: usize) -> Result<Value, DecodeError> {
        let mut j = self.i;
        if self.s.get(j) == Some(&'-') {
            j += 1;
        }
        match self.s.get(j) {
            Some('0') => j += 1,
            Some(c) if c.is_ascii_digit() => {
                while self.s.get(j).is_some_and(|c| c.is_ascii_digit()) {
                    j += 1;
                }
            }
            _ => return Err(self.err("Expecting value", start)),
        }
        let int_end = j;
        let mut is_float = false;
        if self.s.get(j) == Some(&'.') && self.s.get(j + 1).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
            while self.s.get(j).is_some_and(|c| c.is_ascii_digit()) {
                j += 1;
            }
            is_float = true;
        }
        if matches!(self.s.get(j), Some('e' | 'E')) {
            let mut k = j + 1;
            if matches!(self.s.get(k), Some('+' | '-')) {
                k += 1;
            }
            if self.s.get(k).is_some_and(|c| c.is_ascii_digit()) {
                while self.s.get(k).is_some_and(|c| c.is_ascii_digit()) {
                    k += 1;
                }
                j = k;
                is_float = true;
            }
        }
        let text: String = self.s[start..j].iter().collect();
        self.i = j;
        if !is_float {
            if let Ok(n) = text.parse::<i64>() {
                return Ok(Value::Number(n.into()));
            }
            if let Ok(n) = text.parse::<u64>() {
                return Ok(Value::Number(n.into()));
            }
        }
        let _ = int_end;
        let f: f64 = text.parse().unwrap_or(0.0);
        Ok(Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null))
    }

    /// After the opening quote; `quote` is the position of that quote.
    fn string(&mut self, quote: usize) -> Result<String, DecodeError> {
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("Unterminated string starting at", quote));
            };
            match c {
                '"' => {
                    self.i += 1;
                    return Ok(out);
                }
                '\\' => {
                    let esc_pos = self.i;
                    self.i += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.err("Unterminated string starting at", quote));
                    };
                    let simple = match e {
                        '"' => Some('"'),
                        '\\' => Some('\\'),
                        '/' => Some('/'),
                        'b' => Some('\u{8}'),
                        'f' => Some('\u{c}'),
                        'n' => Some('\n'),
                        'r' => Some('\r'),
                        't' => Some('\t'),
                        _ => None,
                    };
                    if let Some(ch) = simple {
                        out.push(ch);
                        self.i += 1;
                    } else if e == 'u' {
                        let hi = self.hex4(esc_pos)?;
                        self.i += 5;
                        if (0xd800..0xdc00).contains(&hi)
                            && self.peek() == Some('\\')
                            && self.s.get(self.i + 1) == Some(&'u')
                        {
                            let lo = self.hex4(self.i)?;
                            if (0xdc00..0xe000).contains(&lo) {
                                self.i += 6;
                                let cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
                                out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                                continue;
                            }
                        }
                        out.push(char::from_u32(hi).unwrap_or('\u{fffd}'));
                    } else {
                        return Err(self.err("Invalid \\escape", esc_pos));
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(self.err("Invalid control character at", self.i));
                }
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    /// Reads the 4 hex digits after `\u` at `esc_pos` (the backslash).
    fn hex4(&self, esc_pos: usize) -> Result<u32, DecodeError> {
        let digits = self.s.get(esc_pos + 2..esc_pos + 6);
        let ok = digits.filter(|d| d.iter().all(|c| c.is_ascii_hexdigit()));
        match ok {
            Some(d) => Ok(d
                .iter()
                .fold(0, |acc, c| acc * 16 + c.to_digit(16).unwrap_or(0))),
            None => Err(self.err("Invalid \\uXXXX escape", esc_pos + 1)),
        }
    }

    fn object(&mut self) -> Result<Value, DecodeError> {
        let mut map = Map::new();
        self.ws();
        match self.peek() {
            Some('}') => {
                self.i += 1;
                return Ok(Value::Object(map));
            }
            Some('"') => {}
            _ => return Err(self.err("Expecting property name enclosed in double quotes", self.i)),
        }
        loop {
            // at a '"'
            let q = self.i;
            self.i += 1;
            let key = self.string(q)?;
            self.ws();
            if self.peek() != Some(':') {
                return Err(self.err("Expecting ':' delimiter", self.i));
            }
            self.i += 1;
            self.ws();
            let v = self.value()?;
            map.insert(key, v);
            self.ws();
            match self.peek() {
                Some('}') => {
                    self.i += 1;
                    return Ok(Value::Object(map));
                }
                Some(',') => {
                    self.i += 1;
                    self.ws();
                    if self.peek() != Some('"') {
                        return Err(
                            self.err("Expecting property name enclosed in double quotes", self.i)
                        );
                    }
                }
                _ => return Err(self.err("Expecting ',' delimiter", self.i)),
            }
        }
    }

    fn array(&mut self) -> Result<Value, DecodeError> {
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(']') {
            self.i += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(']') => {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                Some(',') => {
                    self.i += 1;
                    self.ws();
                }
                _ => return Err(self.err("Expecting ',' delimiter", self.i)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: &str) -> (String, usize) {
        match loads(s) {
            Err(d) => (d.msg, d.pos),
            Ok(v) => panic!("parsed {v}"),
        }
    }

    #[test]
    fn errors_like_python() {
        assert_eq!(
            e(r#"{"timeout": 60"#),
            ("Expecting ',' delimiter".into(), 14)
        );
        assert_eq!(e(""), ("Expecting value".into(), 0));
        assert_eq!(e("  "), ("Expecting value".into(), 2));
        assert_eq!(
            e("{'a': 1}"),
            (
                "Expecting property name enclosed in double quotes".into(),
                1
            )
        );
        assert_eq!(e(r#"{"a" 1}"#), ("Expecting ':' delimiter".into(), 5));
        assert_eq!(
            e(r#"{"a": 1,}"#),
            (
                "Expecting property name enclosed in double quotes".into(),
                8
            )
        );
        assert_eq!(e("[1,]"), ("Expecting value".into(), 3));
        assert_eq!(e("{} x"), ("Extra data".into(), 3));
        assert_eq!(
            e(r#"{"a": "b"#),
            ("Unterminated string starting at".into(), 6)
        );
        assert_eq!(e(r#"{"a": "\x"}"#), ("Invalid \\escape".into(), 7));
        assert_eq!(
            e("{\"a\": \"\n\"}"),
            ("Invalid control character at".into(), 7)
        );
        assert_eq!(e("01"), ("Extra data".into(), 1));
        assert_eq!(e("{\"é\": tru}"), ("Expecting value".into(), 6));
    }

    #[test]
    fn values() {
        let v = loads(r#" {"a": [1, 2.5, -3e2, "x\u00e9\ud83d\ude00", true, null], "a": 2} "#)
            .unwrap_or(Value::Null);
        assert_eq!(v.to_string(), r#"{"a":2}"#);
        let v = loads(r#"[1, 2.5, -300.0, "xé😀", true, null]"#).unwrap_or(Value::Null);
        assert_eq!(v[3], "xé😀");
    }
}
