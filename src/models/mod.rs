//! The request and option models: serde types whose field types check their
//! values while they are read, so a model that deserialized is a valid request.
//! Field names are the API's wire names; the client's own options are camelCase.

pub mod common;
pub mod fields;
pub mod options;
pub mod profiles;
pub mod runs;
pub mod sessions;
