//! Client options and per-request options, validated. `Debug` never shows the API key.

use std::fmt;

use crate::codec::{self, Input};
use crate::error::Error;
use crate::models::fields::{JsonObject, StrMap};
use crate::models::options::{RequestOptions, SkyvernClientOptions};
use crate::request::{valid_header_name, valid_header_value};

/// Skyvern Cloud's API.
pub const CLOUD_URL: &str = "https://api.skyvern.com";
/// Skyvern's staging API.
pub const STAGING_URL: &str = "https://api-staging.skyvern.com";
/// A self-hosted Skyvern server on this machine.
pub const LOCAL_URL: &str = "http://localhost:8000";
/// How long one attempt may take unless configured otherwise.
pub const DEFAULT_TIMEOUT_MS: f64 = 60_000.0;
/// How many times a failed call is retried unless configured otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// The API key. Its `Debug` form is redacted.
#[derive(Clone, PartialEq)]
pub struct ApiKey(String);

impl ApiKey {
    /// The key itself, for the `x-api-key` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

/// Validated client configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The Skyvern API's URL that endpoint paths go under.
    pub base_url: String,
    /// The key sent with every request, if any.
    pub api_key: Option<ApiKey>,
    /// How long one attempt may take, in milliseconds.
    pub timeout_ms: f64,
    /// How many times a failed call is retried.
    pub max_retries: u32,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    /// Running in a web page (a `document` exists): shapes connection-error messages.
    pub in_browser: bool,
    /// An API key may be used in this web page (`dangerouslyAllowBrowser: true`,
    /// or not a web page): also decides whether `requestOptions.apiKey` is accepted.
    pub key_allowed: bool,
}

impl Config {
    /// Validates `new SkyvernClient(options)`.
    pub fn from_options(options: Option<&Input>, in_browser: bool) -> Result<Config, Error> {
        let o: SkyvernClientOptions = codec::object("options", options)?;
        let api_key = match o.api_key {
            Some(k) if k.trim().is_empty() => {
                return Err(Error::invalid(
                    "options.apiKey",
                    "must not be empty (omit it when a proxy adds the key)",
                ))
            }
            Some(k) if !valid_header_value(&k) => {
                return Err(Error::invalid(
                    "options.apiKey",
                    "contains characters that cannot be sent in a header",
                ))
            }
            Some(k) => Some(ApiKey(k)),
            None => None,
        };
        if in_browser && api_key.is_some() && o.dangerously_allow_browser != Some(true) {
            return Err(Error::BrowserApiKey);
        }
        let base_url = match (o.base_url, o.environment) {
            (Some(url), _) => base_url("options.baseUrl", &url.0)?,
            (None, Some(env)) => environment_url(&env.0)?,
            _ => CLOUD_URL.to_string(),
        };
        Ok(Config {
            base_url,
            api_key,
            timeout_ms: o
                .timeout_in_seconds
                .map_or(DEFAULT_TIMEOUT_MS, |s| s.0 * 1000.0),
            max_retries: o.max_retries.map_or(DEFAULT_MAX_RETRIES, |n| n.0 as u32),
            headers: headers("options.headers", o.headers)?,
            in_browser,
            key_allowed: !in_browser || o.dangerously_allow_browser == Some(true),
        })
    }
}

/// The URL of a named environment (`cloud`, `staging`, `local`) or a URL given as one.
fn environment_url(env: &str) -> Result<String, Error> {
    match env {
        "cloud" | "Cloud" => Ok(CLOUD_URL.to_string()),
        "staging" | "Staging" => Ok(STAGING_URL.to_string()),
        "local" | "Local" => Ok(LOCAL_URL.to_string()),
        url if url.starts_with("http://") || url.starts_with("https://") => {
            base_url("options.environment", url)
        }
        _ => Err(Error::invalid(
            "options.environment",
            format!("must be \"cloud\", \"staging\", \"local\" or a URL (got \"{env}\")"),
        )),
    }
}

/// Checks and normalises a base URL: `http(s)://host[:port][/prefix]`, no query or fragment,
/// no trailing slash.
fn base_url(field: &str, url: &str) -> Result<String, Error> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let ok = match rest {
        Some(r) => {
            let host = r.split('/').next().unwrap_or("");
            !host.is_empty()
                && !r.contains(['?', '#', ' ', '\\'])
                && !host.contains('@')
                && r.chars().all(|c| c.is_ascii_graphic())
        }
        None => false,
    };
    if !ok {
        let shown: String = url.chars().take(80).collect();
        return Err(Error::invalid(
            field,
            format!(
                "must be an http:// or https:// URL without query or credentials (got \"{shown}\")"
            ),
        ));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// Validates a `headers` option into lower-case (name, value) pairs.
pub fn headers(field: &str, map: Option<StrMap>) -> Result<Vec<(String, String)>, Error> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, value) in map.map(|m| m.0).unwrap_or_default() {
        let path = format!("{field}.{name}");
        let lower = name.to_ascii_lowercase();
        if !valid_header_name(&name) {
            return Err(Error::invalid(&path, "is not a valid header name"));
        }
        if !valid_header_value(&value) {
            return Err(Error::invalid(
                &path,
                "contains characters that cannot be sent in a header",
            ));
        }
        if lower == "x-api-key" {
            return Err(Error::invalid(
                &path,
                "cannot be set here; use the apiKey option",
            ));
        }
        out.retain(|(k, _)| *k != lower);
        out.push((lower, value));
    }
    Ok(out)
}

/// Per-call options (`requestOptions`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallOptions {
    /// This call's attempt timeout in milliseconds, replacing the client's.
    pub timeout_ms: Option<f64>,
    /// This call's retry count, replacing the client's.
    pub max_retries: Option<u32>,
    /// Extra headers for this call (lower-case names).
    pub headers: Vec<(String, String)>,
    /// This call's API key, replacing the client's.
    pub api_key: Option<ApiKey>,
    /// Extra query parameters (`requestOptions.queryParams`).
    pub query: Vec<(String, String)>,
    /// Members merged into the JSON body (`requestOptions.extraBody`).
    pub extra_body: Option<JsonObject>,
}

impl CallOptions {
    /// Validates a `requestOptions` object.
    pub fn from_value(v: Option<&Input>) -> Result<CallOptions, Error> {
        let o: RequestOptions = codec::object("requestOptions", v)?;
        let api_key = match o.api_key {
            Some(k) if !valid_header_value(&k.0) => {
                return Err(Error::invalid(
                    "requestOptions.apiKey",
                    "contains characters that cannot be sent in a header",
                ))
            }
            k => k.map(|k| ApiKey(k.0)),
        };
        Ok(CallOptions {
            timeout_ms: o.timeout_in_seconds.map(|s| s.0 * 1000.0),
            max_retries: o.max_retries.map(|n| n.0 as u32),
            headers: headers("requestOptions.headers", o.headers)?,
            api_key,
            query: o.query_params.map(|q| q.0).unwrap_or_default(),
            extra_body: o.extra_body,
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn json(text: &str) -> Option<Input> {
        serde_json::from_str(text).ok()
    }

    fn cfg(text: &str, browser: bool) -> Result<Config, Error> {
        Config::from_options(Some(&json(text).unwrap()), browser)
    }

    #[test]
    fn defaults_and_environments() {
        let c = Config::from_options(None, false).unwrap();
        assert_eq!(c.base_url, CLOUD_URL);
        assert_eq!(c.timeout_ms, 60_000.0);
        assert_eq!(c.max_retries, 2);
        assert!(c.api_key.is_none());
        assert_eq!(
            cfg(r#"{"environment":"local"}"#, false).unwrap().base_url,
            LOCAL_URL
        );
        assert_eq!(
            cfg(r#"{"environment":"staging"}"#, false).unwrap().base_url,
            STAGING_URL
        );
        let c = cfg(
            r#"{"environment":"local","baseUrl":"http://127.0.0.1:9/proxy/"}"#,
            false,
        )
        .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:9/proxy");
        assert!(cfg(r#"{"environment":"mars"}"#, false)
            .unwrap_err()
            .message()
            .contains("options.environment"));
        for bad in [
            r#""ftp://x""#,
            r#""http://""#,
            r#""http://x/?a=1""#,
            r#""http://u:p@x""#,
        ] {
            let e = cfg(&format!(r#"{{"baseUrl":{bad}}}"#), false).unwrap_err();
            assert!(e.message().starts_with("options.baseUrl"), "{bad}");
        }
    }

    #[test]
    fn options_are_checked() {
        let c = cfg(
            r#"{"timeoutInSeconds":1.5,"maxRetries":0,"headers":{"X-Test":"1"}}"#,
            false,
        )
        .unwrap();
        assert_eq!(c.timeout_ms, 1500.0);
        assert_eq!(c.max_retries, 0);
        assert_eq!(c.headers, vec![("x-test".to_string(), "1".to_string())]);
        for (bad, field) in [
            (r#"{"timeoutInSeconds":0}"#, "options.timeoutInSeconds"),
            (r#"{"timeoutInSeconds":"60"}"#, "options.timeoutInSeconds"),
            (r#"{"maxRetries":-1}"#, "options.maxRetries"),
            (r#"{"maxRetries":1.5}"#, "options.maxRetries"),
            (r#"{"maxRetries":11}"#, "options.maxRetries"),
            (r#"{"apiKey":5}"#, "options.apiKey"),
            (r#"{"apiKey":""}"#, "options.apiKey"),
            (
                r#"{"headers":{"x-api-key":"k"}}"#,
                "options.headers.x-api-key",
            ),
            (
                r#"{"headers":{"bad name":"k"}}"#,
                "options.headers.bad name",
            ),
            (r#"{"headers":{"a":"b\nc"}}"#, "options.headers.a"),
            (r#"{"apikey":"k"}"#, "options.apikey"),
        ] {
            let e = cfg(bad, false).unwrap_err();
            assert!(e.message().starts_with(field), "{bad}: {}", e.message());
        }
    }

    #[test]
    fn browser_key_guard() {
        let e = cfg(r#"{"apiKey":"sk-secret"}"#, true).unwrap_err();
        assert_eq!(e, Error::BrowserApiKey);
        assert!(e.message().contains("dangerouslyAllowBrowser"));
        assert!(e.message().contains("proxy"));
        assert!(!e.message().contains("sk-secret"));
        assert!(cfg(r#"{"apiKey":"k","dangerouslyAllowBrowser":true}"#, true).is_ok());
        assert!(cfg(r#"{"baseUrl":"https://proxy.example"}"#, true).is_ok());
        assert!(cfg(r#"{"apiKey":"k"}"#, false).is_ok());
    }

    #[test]
    fn debug_never_shows_the_key() {
        let c = cfg(r#"{"apiKey":"sk-very-secret"}"#, false).unwrap();
        let d = format!("{c:?}");
        assert!(!d.contains("sk-very-secret"));
        assert!(d.contains("redacted"));
    }

    #[test]
    fn request_options() {
        let o = CallOptions::from_value(Some(
            &json(r#"{"timeoutInSeconds":2,"maxRetries":1,"headers":{"X-Test-Id":"t"},"abortSignal":{}}"#).unwrap(),
        ))
        .unwrap();
        assert_eq!(o.timeout_ms, Some(2000.0));
        assert_eq!(o.max_retries, Some(1));
        assert_eq!(o.headers, vec![("x-test-id".into(), "t".into())]);
        let e = CallOptions::from_value(Some(&json(r#"{"timeout":2}"#).unwrap())).unwrap_err();
        assert!(e.message().starts_with("requestOptions.timeout"));
    }
}
