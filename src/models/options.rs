//! The client's own options: `new SkyvernClient(options)`, `requestOptions`,
//! and the wait options. None of these is sent to the server.

use serde::Deserialize;

use super::fields::{Int, JsonObject, Local, NonEmpty, Positive, StrMap};
use super::query::QueryParams;

/// Upper bound for wait timeouts and attempt timeouts: one day, in seconds.
pub const MAX_WAIT_SECONDS: u64 = 86_400;
/// Upper bound for poll intervals: one day, in milliseconds.
pub const MAX_POLL_MS: u64 = 86_400_000;
/// The most retries a caller may ask for.
pub const MAX_RETRIES_LIMIT: i64 = 10;

/// `new SkyvernClient(options)`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, tsify::Tsify)]
#[serde(rename_all = "camelCase")]
pub struct SkyvernClientOptions {
    /// Sent as `x-api-key`. Omit when `baseUrl` is a proxy that adds it.
    #[tsify(optional, type = "string")]
    pub api_key: Option<String>,
    /// Wins over `environment`.
    #[tsify(optional, type = "string")]
    pub base_url: Option<NonEmpty>,
    /// "cloud" (default), "staging", "local" or a URL.
    #[tsify(optional, type = r#"OpenString<"cloud" | "staging" | "local">"#)]
    pub environment: Option<NonEmpty>,
    /// Per attempt; default 60.
    #[tsify(optional, type = "number")]
    pub timeout_in_seconds: Option<Positive<MAX_WAIT_SECONDS>>,
    /// Default 2.
    #[tsify(optional, type = "number")]
    pub max_retries: Option<Int<0, MAX_RETRIES_LIMIT>>,
    /// Sent with every request.
    #[tsify(optional, type = "Record<string, string>")]
    pub headers: Option<StrMap>,
    /// Allow `apiKey` in a web page, where anyone who can open the page can read it.
    #[tsify(optional, type = "boolean")]
    pub dangerously_allow_browser: Option<bool>,
}

/// `requestOptions`, the last argument of every method.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, tsify::Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RequestOptions {
    /// This call's attempt timeout, replacing the client's.
    #[tsify(optional, type = "number")]
    pub timeout_in_seconds: Option<Positive<MAX_WAIT_SECONDS>>,
    /// This call's retry count, replacing the client's.
    #[tsify(optional, type = "number")]
    pub max_retries: Option<Int<0, MAX_RETRIES_LIMIT>>,
    /// Aborts the call.
    #[tsify(optional, type = "AbortSignal")]
    pub abort_signal: Option<Local>,
    /// Extra headers for this call.
    #[tsify(optional, type = "Record<string, string>")]
    pub headers: Option<StrMap>,
    /// This call's API key, replacing the client's (refused in a web page
    /// unless the client has `dangerouslyAllowBrowser: true`).
    #[tsify(optional, type = "string")]
    pub api_key: Option<NonEmpty>,
    /// Extra query parameters; an array repeats its key. They win over the
    /// method's own parameters of the same name.
    #[tsify(
        optional,
        type = "Record<string, string | number | boolean | Array<string | number | boolean> | null | undefined>"
    )]
    pub query_params: Option<QueryParams>,
    /// Members merged into the JSON body unchecked, for fields newer than this package.
    #[tsify(optional, type = "{ [key: string]: JsonValue }")]
    pub extra_body: Option<JsonObject>,
}

/// `waitForRun` / `waitForBrowserSession` options.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitOptions {
    /// Seconds to wait (runs: 1800; sessions: 300).
    pub timeout: Option<Positive<MAX_WAIT_SECONDS>>,
    /// Fixed poll interval; by default polling starts at 250 ms and backs off to 5 s.
    pub poll_interval_ms: Option<Positive<MAX_POLL_MS>>,
    /// Called with the polled object whenever its status changes.
    pub on_status: Option<Local>,
    /// Aborts the wait.
    pub abort_signal: Option<Local>,
    /// `waitForRun` only: verified webhook events (an async iterable or a
    /// subscribe function, checked by the JavaScript layer, which resolves on
    /// the run's event; the poll becomes a 30 s safety net).
    pub webhooks: Option<Local>,
}

/// `openBrowserSession` / `withBrowserSession` options: the request options
/// plus the readiness wait.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, tsify::Tsify)]
#[serde(rename_all = "camelCase")]
pub struct OpenBrowserSessionOptions {
    /// Wait until the browser is running (default true).
    #[tsify(optional, type = "boolean")]
    pub wait_until_ready: Option<bool>,
    /// Seconds to wait for readiness (default 300).
    #[tsify(optional, type = "number")]
    pub timeout: Option<Positive<MAX_WAIT_SECONDS>>,
    /// Fixed poll interval while waiting.
    #[tsify(optional, type = "number")]
    pub poll_interval_ms: Option<Positive<MAX_POLL_MS>>,
    /// Each call's attempt timeout, replacing the client's.
    #[tsify(optional, type = "number")]
    pub timeout_in_seconds: Option<Positive<MAX_WAIT_SECONDS>>,
    /// Each call's retry count, replacing the client's.
    #[tsify(optional, type = "number")]
    pub max_retries: Option<Int<0, MAX_RETRIES_LIMIT>>,
    /// Aborts the open.
    #[tsify(optional, type = "AbortSignal")]
    pub abort_signal: Option<Local>,
    /// Extra headers for the calls.
    #[tsify(optional, type = "Record<string, string>")]
    pub headers: Option<StrMap>,
}
