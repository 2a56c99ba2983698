//! The list and run-management requests: their members go in the query string
//! (`listBrowserProfiles`, `getRunsV2`, `getRunArtifacts`) or a small JSON body
//! (`bulkCancelRuns`, `retryRunWebhook`).

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::fields::{Int, NonEmpty, StrList, MAX_SAFE};
use super::query::OneOrMany;

/// `listBrowserProfiles`' request (query parameters).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, tsify::Tsify)]
pub struct ListBrowserProfilesRequest {
    /// The page, from 1 (default 1).
    #[tsify(optional, type = "number | null")]
    pub page: Option<Int<1, MAX_SAFE>>,
    /// Profiles per page, at least 1 (default 10).
    #[tsify(optional, type = "number | null")]
    pub page_size: Option<Int<1, MAX_SAFE>>,
    /// Include deleted browser profiles.
    #[tsify(optional, type = "boolean | null")]
    pub include_deleted: Option<bool>,
    /// Case-insensitive substring search across the profile's name and description.
    #[tsify(optional, type = "string | null")]
    pub search_key: Option<String>,
    /// Omit for all profiles; `false`: only user-created ones; `true`: only auto-managed ones.
    #[tsify(optional, type = "boolean | null")]
    pub managed: Option<bool>,
}

/// `getRunsV2`'s request (query parameters).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, tsify::Tsify)]
pub struct GetRunsV2Request {
    /// The page, 1 to 100 (default 1).
    #[tsify(optional, type = "number | null")]
    pub page: Option<Int<1, 100>>,
    /// Runs per page, 1 to 100 (default 10).
    #[tsify(optional, type = "number | null")]
    pub page_size: Option<Int<1, 100>>,
    /// Only runs with this status (or one of these).
    #[tsify(optional, type = "RunStatus | RunStatus[] | null")]
    pub status: Option<OneOrMany>,
    /// Case-insensitive substring search (at least 3 characters).
    #[tsify(optional, type = "string | null")]
    pub search_key: Option<SearchKey>,
    /// Only runs of this type (or one of these).
    #[tsify(optional, type = "RunType | RunType[] | null")]
    pub run_type: Option<OneOrMany>,
}

/// A search text of at least 3 characters (the server's trigram index needs them).
#[derive(Clone, Debug, PartialEq)]
pub struct SearchKey(pub String);

impl<'de> Deserialize<'de> for SearchKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.chars().count() < 3 {
            return Err(serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(&s),
                &"a string of at least 3 characters",
            ));
        }
        Ok(SearchKey(s))
    }
}

/// `getRunArtifacts`' request (query parameters).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, tsify::Tsify)]
pub struct GetRunArtifactsRequest {
    /// Only artifacts of this type (or one of these), e.g. `"screenshot_final"`.
    #[tsify(optional, type = "ArtifactType | ArtifactType[] | null")]
    pub artifact_type: Option<OneOrMany>,
}

/// `bulkCancelRuns`' request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, tsify::Tsify)]
pub struct BulkCancelRunsRequest {
    /// The runs to cancel, at most 100.
    #[tsify(type = "string[]")]
    pub run_ids: RunIds,
}

/// At most 100 run ids.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct RunIds(pub Vec<String>);

impl<'de> Deserialize<'de> for RunIds {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let list = StrList::deserialize(d)?;
        if list.0.len() > 100 {
            return Err(serde::de::Error::invalid_length(
                list.0.len(),
                &"at most 100 run ids",
            ));
        }
        Ok(RunIds(list.0))
    }
}

/// `retryRunWebhook`'s request.
#[skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, tsify::Tsify)]
pub struct RetryRunWebhookRequest {
    /// Send the payload here instead of the run's own `webhook_url`.
    #[tsify(optional, type = "string | null")]
    pub webhook_url: Option<NonEmpty>,
}
