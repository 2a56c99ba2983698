//! createBrowserProfile requests that must be refused.

use super::{plan, v};
use crate::api::profiles;
use crate::error::Error;

/// createBrowserProfile.
pub(super) fn profile_cases(add: &mut impl FnMut(&str, Result<(), Error>, &'static str)) {
    add(
        "createBrowserProfile missing name",
        plan(profiles::create(Some(&v("{}")))),
        "request.name",
    );
    add(
        "createBrowserProfile name number",
        plan(profiles::create(Some(&v(r#"{"name":1}"#)))),
        "request.name",
    );
    add(
        "createBrowserProfile request undefined",
        plan(profiles::create(None)),
        "request.name",
    );
}
