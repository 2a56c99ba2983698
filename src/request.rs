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

/// A request ready to send. Rebuilt from the same parts on every attempt.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    /// The HTTP method to send.
    pub method: Method,
    /// The full URL, base URL plus the endpoint's encoded path.
    pub url: String,
    /// Lower-case names. Holds `x-api-key` when a key is configured.
    pub headers: Vec<(String, String)>,
    /// The JSON body, when the endpoint takes one.
    pub body: Option<String>,
}

impl HttpRequest {
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
            .finish()
    }
}

/// What came back from one attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The `Retry-After` header, when the server sent one (and the runtime may read it).
    pub retry_after: Option<String>,
    /// An error response's headers (lower-case names) as far as the runtime may
    /// read them; empty for a success.
    pub headers: Vec<(String, String)>,
    /// The response body as text.
    pub body: String,
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
        };
        let d = format!("{r:?}");
        assert!(!d.contains("sk-secret"));
        assert!(d.contains("[redacted]"));
    }
}
