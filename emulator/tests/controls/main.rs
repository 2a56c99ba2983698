//! CORS, test controls (faults, request log, reset) and profiles.

#[path = "../common/mod.rs"]
mod common;

mod cors;
mod faults;
mod profiles;
mod request_log_and_reset;
