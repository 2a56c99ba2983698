//! URL fields as the real server normalises or refuses them.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::Value;

use super::{string, Errors};
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

/// What the WHATWG URL parser percent-encodes in each component: controls,
/// spaces and non-ASCII everywhere, and these characters besides.
const C0_AND_SPACE: &AsciiSet = &CONTROLS.add(b' ');
const USERINFO: &AsciiSet = &C0_AND_SPACE
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b';')
    .add(b'=')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'|');
const PATH: &AsciiSet = &C0_AND_SPACE
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}');
const QUERY: &AsciiSet = &C0_AND_SPACE.add(b'"').add(b'<').add(b'>').add(b'\'');
const FRAGMENT: &AsciiSet = &C0_AND_SPACE.add(b'"').add(b'<').add(b'>').add(b'`');

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
    let (host, port) = host_and_port(hostport)?;
    let port = port_number(port, &scheme)?;
    let mut out = format!("{scheme}://");
    if let Some(u) = userinfo {
        out.extend(utf8_percent_encode(u, USERINFO));
        out.push('@');
    }
    out.push_str(&host);
    if let Some(p) = port {
        out.push_str(&format!(":{p}"));
    }
    push_path_query_fragment(&mut out, tail);
    Ok(out)
}

/// The host (lower-cased; an IPv6 literal keeps its brackets) and the port
/// text after it, if any.
fn host_and_port(hostport: &str) -> Result<(String, Option<&str>), &'static str> {
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
    Ok((host, port))
}

/// The port to write: `None` for none or the scheme's default.
fn port_number(port: Option<&str>, scheme: &str) -> Result<Option<u32>, &'static str> {
    Ok(match port {
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
    })
}

/// The path (at least `/`), query and fragment, percent-encoded as the WHATWG
/// parser does.
fn push_path_query_fragment(out: &mut String, tail: &str) {
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
        out.extend(utf8_percent_encode(&path, PATH));
    }
    if let Some(q) = query {
        out.push('?');
        out.extend(utf8_percent_encode(q, QUERY));
    }
    if let Some(f) = frag {
        out.push('#');
        out.extend(utf8_percent_encode(f, FRAGMENT));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn urls() {
        assert_eq!(
            normalize_url("https://u s@a.com/\u{e9} x?q=\"'#f`"),
            Ok("https://u%20s@a.com/%C3%A9%20x?q=%22%27#f%60".to_string())
        );
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
}
