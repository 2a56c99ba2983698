//! One request as the handlers see it, and one response before it is sent.

use bytes::Bytes;
use serde_json::{json, Value};

use crate::util::percent_decode;
/// One request, fully read.
pub struct Req {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Lower-cased names, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A response before it is sent.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Resp {
    pub fn json(status: u16, v: &Value) -> Resp {
        Resp {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Bytes::from(v.to_string()),
        }
    }

    pub fn detail(status: u16, msg: &str) -> Resp {
        Resp::json(status, &json!({ "detail": msg }))
    }

    pub fn not_found() -> Resp {
        Resp::detail(404, "Not Found")
    }

    pub fn text(status: u16, content_type: &str, body: impl Into<Bytes>) -> Resp {
        Resp {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Resp {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }
}

/// Whether a path is one of the stream sockets (their `apikey` is redacted
/// from the request log).
pub fn is_stream_path(path: &str) -> bool {
    path.starts_with("/v1/stream/") || path.starts_with("/api/v1/stream/")
}
/// A query parameter, percent-decoded (`+` is a space).
pub fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (percent_decode(&k.replace('+', " ")) == name).then(|| percent_decode(&v.replace('+', " ")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query() {
        assert_eq!(
            query_param(Some("a=1&apikey=k%2Bx&b"), "apikey").as_deref(),
            Some("k+x")
        );
        assert_eq!(query_param(Some("b"), "b").as_deref(), Some(""));
        assert_eq!(query_param(None, "b"), None);
    }
}
