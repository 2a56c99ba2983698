//! Plain-data HTTP requests and responses, URL and path-segment encoding.

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// HTTP methods the client uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`: read a browser session, run or browser profile.
    Get,
    /// `POST`: create a browser session, run or browser profile.
    Post,
    /// `PATCH`: change part of an existing resource.
    Patch,
    /// `DELETE`: remove a resource.
    Delete,
}

impl Method {
    /// The method's name as it goes on the wire, e.g. `"GET"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A request body.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// JSON text, sent as `application/json`.
    Json(String),
    /// One file as a `multipart/form-data` part; the runtime's `FormData` writes
    /// the body and its boundary.
    File(FilePart),
}

/// A file sent as one part of a `multipart/form-data` body.
#[derive(Clone, PartialEq)]
pub struct FilePart {
    /// The form field's name (`file`).
    pub field: &'static str,
    /// The part's file name.
    pub filename: String,
    /// The part's content type, when the caller's file has one.
    pub content_type: Option<String>,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("field", &self.field)
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("size", &self.bytes.len())
            .finish()
    }
}

/// A request ready to send. Rebuilt from the same parts on every attempt.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    /// The HTTP method to send.
    pub method: Method,
    /// The full URL: base URL, the endpoint's encoded path and the encoded query.
    pub url: String,
    /// Lower-case names. Holds `x-api-key` when a key is configured.
    pub headers: Vec<(String, String)>,
    /// The body, when the endpoint takes one.
    pub body: Option<Body>,
    /// Read a successful response's body as bytes (`HttpResponse::bytes`), not text.
    pub binary: bool,
}

impl HttpRequest {
    /// The JSON body's text, when the request has one.
    pub fn json(&self) -> Option<&str> {
        match &self.body {
            Some(Body::Json(text)) => Some(text),
            _ => None,
        }
    }

    /// The value of the header with this lower-case name, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let shown = if k == "x-api-key" { "[redacted]" } else { v };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .field("binary", &self.binary)
            .finish()
    }
}

/// What came back from one attempt.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The `Retry-After` header, when the server sent one (and the runtime may read it).
    pub retry_after: Option<String>,
    /// An error response's headers (lower-case names) as far as the runtime may
    /// read them; empty for a success.
    pub headers: Vec<(String, String)>,
    /// The response body as text (empty when it was read as `bytes`).
    pub body: String,
    /// The `Content-Type` header of a response read as bytes.
    pub content_type: Option<String>,
    /// A successful response's body, when the request asked for bytes.
    pub bytes: Option<Vec<u8>>,
}

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment: everything but RFC 3986 unreserved characters.
pub fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, NOT_UNRESERVED).collect()
}

/// Percent-encodes a query component.
pub fn encode_query(s: &str) -> String {
    encode_segment(s)
}

/// `?k=v&k2=v2` for these pairs, percent-encoded in order (a repeated key is a
/// list, as FastAPI reads one); empty when there are none.
pub fn query_string(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        out.push(if out.is_empty() { '?' } else { '&' });
        out.push_str(&encode_query(k));
        out.push('=');
        out.push_str(&encode_query(v));
    }
    out
}

/// Is `name` a valid HTTP header name (an RFC 9110 token)?
pub fn valid_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Is `value` a valid header value (no control characters but tab)?
pub fn valid_header_value(value: &str) -> bool {
    value
        .chars()
        .all(|c| c == '\t' || (c >= ' ' && c != '\u{7f}' && (c as u32) < 256))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cannot_change_the_route() {
        assert_eq!(encode_segment("pbs_123"), "pbs_123");
        assert_eq!(encode_segment("../credentials"), "..%2Fcredentials");
        assert_eq!(encode_segment("a?b#c"), "a%3Fb%23c");
        assert_eq!(encode_segment("a b/é"), "a%20b%2F%C3%A9");
        assert_eq!(encode_segment("%2e"), "%252e");
    }

    #[test]
    fn queries_repeat_keys_for_lists() {
        let pairs = [
            ("status".to_string(), "failed".to_string()),
            ("status".to_string(), "timed_out".to_string()),
            ("search_key".to_string(), "a b&c=d".to_string()),
        ];
        assert_eq!(
            query_string(&pairs),
            "?status=failed&status=timed_out&search_key=a%20b%26c%3Dd"
        );
        assert_eq!(query_string(&[]), "");
    }

    #[test]
    fn file_parts_debug_without_their_bytes() {
        let part = FilePart {
            field: "file",
            filename: "a.txt".into(),
            content_type: None,
            bytes: b"secret-bytes".to_vec(),
        };
        let d = format!("{part:?}");
        assert!(d.contains("size: 12") && !d.contains("secret"), "{d}");
    }

    #[test]
    fn header_rules() {
        assert!(valid_header_name("x-test-id"));
        assert!(!valid_header_name("bad name"));
        assert!(!valid_header_name(""));
        assert!(valid_header_value("a\tb"));
        assert!(!valid_header_value("a\r\nb"));
        assert!(!valid_header_value("€"));
    }

    #[test]
    fn debug_redacts_the_key() {
        let r = HttpRequest {
            method: Method::Get,
            url: "http://x/v1".into(),
            headers: vec![("x-api-key".into(), "sk-secret".into())],
            body: None,
            binary: false,
        };
        let d = format!("{r:?}");
        assert!(!d.contains("sk-secret"));
        assert!(d.contains("[redacted]"));
    }
}
