//! `createProxyHandler`'s options, checked into a [`ProxyConfig`]: the upstream,
//! the path prefix, the allowlist, CORS origins, the ticket secret and limits.

use super::routes::{bit, Op, DEFAULT_OPS};
use super::{
    ProxyConfig, Secret, DEFAULT_MAX_BODY, DEFAULT_TICKET_TTL, DEFAULT_UPSTREAM, MIN_SECRET_BYTES,
};
use crate::codec::{self, Input};
use crate::error::Error;
use crate::models::fields::{Int, Local, NonEmpty, StrList};
use crate::request::valid_header_value;

/// `createProxyHandler(options)`.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProxyOptions {
    api_key: Option<String>,
    upstream: Option<NonEmpty>,
    allow: Option<StrList>,
    allowed_origins: Option<StrList>,
    path_prefix: Option<String>,
    authorize: Option<Local>,
    max_body_bytes: Option<Int<0, 1_000_000_000>>,
    ticket_secret: Option<String>,
    ticket_ttl_seconds: Option<Int<1, 86_400>>,
}

fn invalid(field: &str, problem: &str) -> Error {
    Error::invalid(field, problem)
}

/// `http(s)://` + an authority without credentials, then an optional path;
/// only printable ASCII, no query, fragment, spaces or backslashes.
fn valid_url(url: &str, path_allowed: bool) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    let (host, has_path) = match rest.split_once('/') {
        Some((host, path)) => (host, !path.is_empty()),
        None => (rest, false),
    };
    !host.is_empty()
        && !host.contains('@')
        && (path_allowed || (!has_path && !rest.ends_with('/')))
        && !rest.contains(['?', '#', '\\'])
        && rest.bytes().all(|b| b.is_ascii_graphic())
}

impl ProxyConfig {
    /// Validates the options object of `createProxyHandler`.
    pub fn from_options(options: Option<&Input>) -> Result<ProxyConfig, Error> {
        let o: ProxyOptions = codec::object("options", options)?;
        check_api_key(o.api_key.as_deref())?;
        let upstream = upstream_of(o.upstream.as_ref())?;
        let prefix = prefix_of(o.path_prefix.as_deref())?;
        let origins = origins_of(o.allowed_origins.as_ref())?;
        let secret = secret_of(o.ticket_secret.as_deref())?;
        let allow = allow_bits(o.allow.as_ref(), secret.is_some())?;
        Ok(ProxyConfig {
            upstream,
            prefix,
            allow,
            origins,
            max_body: o.max_body_bytes.map_or(DEFAULT_MAX_BODY, |n| n.0 as f64),
            secret,
            ticket_ttl: o
                .ticket_ttl_seconds
                .map_or(DEFAULT_TICKET_TTL, |n| n.0 as u64),
        })
    }
}

/// `apiKey` is required, not blank, and sendable in a header.
fn check_api_key(api_key: Option<&str>) -> Result<(), Error> {
    match api_key {
        None => Err(invalid(
            "options.apiKey",
            "is required: the Skyvern API key the proxy adds to every request \
(in a Worker, a secret binding such as env.SKYVERN_API_KEY)",
        )),
        Some(k) if k.trim().is_empty() => Err(invalid(
            "options.apiKey",
            "is empty (is the secret binding set?)",
        )),
        Some(k) if !valid_header_value(k) => Err(invalid(
            "options.apiKey",
            "contains characters that cannot be sent in a header",
        )),
        Some(_) => Ok(()),
    }
}

/// `upstream` without its trailing slashes, Skyvern Cloud when not given.
fn upstream_of(upstream: Option<&NonEmpty>) -> Result<String, Error> {
    match upstream.map(|u| u.0.as_str()) {
        None => Ok(DEFAULT_UPSTREAM.to_string()),
        Some(u) if valid_url(u, true) => Ok(u.trim_end_matches('/').to_string()),
        Some(_) => Err(invalid(
            "options.upstream",
            "must be an http:// or https:// URL without credentials, query or fragment",
        )),
    }
}

/// `pathPrefix` without its trailing slashes, `""` when not given.
fn prefix_of(path_prefix: Option<&str>) -> Result<String, Error> {
    let Some(p) = path_prefix else {
        return Ok(String::new());
    };
    let t = p.trim_end_matches('/');
    if !valid_prefix(t) {
        return Err(invalid(
            "options.pathPrefix",
            "must be a path like \"/api/skyvern\" (letters, digits, - _ . ~ between slashes)",
        ));
    }
    Ok(t.to_string())
}

/// `""`, or `/` + segments of letters, digits, `- _ . ~` that are not `.` or `..`.
fn valid_prefix(prefix: &str) -> bool {
    prefix.is_empty()
        || prefix.strip_prefix('/').is_some_and(|rest| {
            rest.split('/').all(|s| {
                !s.is_empty()
                    && s != "."
                    && s != ".."
                    && s.bytes().all(|b| {
                        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
                    })
            })
        })
}

/// `allowedOrigins`: exact origins only.
fn origins_of(allowed_origins: Option<&StrList>) -> Result<Vec<String>, Error> {
    let mut origins = Vec::new();
    for origin in allowed_origins.iter().flat_map(|l| l.0.iter()) {
        if !valid_url(origin, false) {
            return Err(invalid(
                "options.allowedOrigins",
                "must list exact origins like \"https://app.example\" (scheme, host, optional port; no path or wildcard)",
            ));
        }
        origins.push(origin.to_string());
    }
    Ok(origins)
}

/// `ticketSecret`, at least [`MIN_SECRET_BYTES`] long.
fn secret_of(ticket_secret: Option<&str>) -> Result<Option<Secret>, Error> {
    match ticket_secret {
        None => Ok(None),
        Some(s) if s.len() < MIN_SECRET_BYTES => Err(invalid(
            "options.ticketSecret",
            "must be at least 32 bytes long (a random secret, e.g. from a secret binding)",
        )),
        Some(s) => Ok(Some(Secret(s.as_bytes().to_vec()))),
    }
}

/// The allowlist as bits: the named operations (the live sockets only with a
/// ticket secret), or [`DEFAULT_OPS`] plus the live sockets when there is a secret.
fn allow_bits(allow: Option<&StrList>, has_secret: bool) -> Result<u32, Error> {
    let Some(names) = allow else {
        let mut bits = DEFAULT_OPS.iter().fold(0, |b, &op| b | bit(op));
        if has_secret {
            bits |= bit(Op::LiveView) | bit(Op::LiveControl);
        }
        return Ok(bits);
    };
    let mut bits = 0;
    for name in &names.0 {
        let Some(op) = Op::from_name(name) else {
            return Err(Error::invalid(
                "options.allow",
                format!("\"{name}\" is not a known operation (see ProxyOperation)"),
            ));
        };
        if op.is_live() && !has_secret {
            return Err(invalid(
                "options.ticketSecret",
                "is required when options.allow includes liveView or liveControl",
            ));
        }
        bits |= bit(op);
    }
    Ok(bits)
}
