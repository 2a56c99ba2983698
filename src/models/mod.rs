//! The request and option models: serde types whose field types check their
//! values while they are read, so a model that deserialized is a valid request.
//! Field names are the API's wire names; the client's own options are camelCase.

pub mod common;
pub mod fields;
#[cfg(feature = "client")]
pub mod lists;
#[cfg(feature = "client")]
pub mod options;
#[cfg(feature = "client")]
pub mod profiles;
#[cfg(feature = "client")]
pub mod query;
#[cfg(feature = "client")]
pub mod responses;
#[cfg(feature = "client")]
pub mod runs;
#[cfg(feature = "client")]
pub mod sessions;
#[cfg(feature = "client")]
pub mod tasks;
pub mod views;
