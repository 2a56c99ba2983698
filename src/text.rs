//! Small text helpers for messages and paths. The client builds every message
//! with these instead of `format!`, which keeps the formatting machinery (and
//! its tables) out of the WebAssembly module.

/// Concatenates `parts`.
pub fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// Appends the decimal form of `n`.
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut v = n.unsigned_abs();
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// The decimal form of `n`.
pub fn int(n: i64) -> String {
    let mut out = String::new();
    push_int(&mut out, n);
    out
}

/// Parses an optionally signed decimal integer (as `str::parse::<i64>` does).
pub fn parse_int(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        let d = i64::from(c - b'0');
        v = v.checked_mul(10)?;
        v = if neg {
            v.checked_sub(d)?
        } else {
            v.checked_add(d)?
        };
    }
    Some(v)
}

/// The number of `char`s in `s` (as `s.chars().count()`).
pub fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| (b & 0xC0) != 0x80).count()
}

/// The byte offset of the first `needle` in `haystack`.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    h.windows(n.len()).position(|w| w == n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        for n in [
            0,
            7,
            -7,
            10,
            1800,
            i64::MAX,
            i64::MIN,
            -9_007_199_254_740_991,
        ] {
            assert_eq!(int(n), n.to_string());
        }
        for s in [
            "0",
            "12",
            "-5",
            "+5",
            "",
            "-",
            "+",
            "1a",
            "99999999999999999999",
            " 1",
        ] {
            assert_eq!(parse_int(s), s.parse::<i64>().ok(), "{s}");
        }
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
    }

    #[test]
    fn concatenation_and_search() {
        assert_eq!(cat(&["a", "", "bc"]), "abc");
        assert_eq!(find("<html><title>x", "<title>"), Some(6));
        assert_eq!(find("abc", "abcd"), None);
        assert_eq!(find("abc", ""), Some(0));
        for s in ["", "abc", "é", "a€😀b"] {
            assert_eq!(char_count(s), s.chars().count());
        }
    }
}
