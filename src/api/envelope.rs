//! Request keys that are not body fields, as @skyvern/client takes them:
//! `"x-user-agent"` and `"x-max-steps-override"` become headers and `template`
//! the `?template=` query parameter. They may sit in the request itself or
//! around it: `{ body: { prompt }, "x-user-agent": "…" }` (the wrapper form some
//! @skyvern/client versions use).

use serde::Deserialize;

use crate::codec::{self, Input};
use crate::error::Error;
use crate::models::fields::{Int, Local, NonEmpty, MAX_SAFE, MIN_SAFE};
use crate::plan::Plan;
use crate::request::valid_header_value;

/// The wrapper form's members besides `body`.
#[derive(Deserialize)]
struct Wrapper {
    #[allow(dead_code)]
    body: Local,
    #[serde(rename = "x-user-agent")]
    x_user_agent: Option<NonEmpty>,
    #[serde(rename = "x-max-steps-override")]
    x_max_steps_override: Option<Int<MIN_SAFE, MAX_SAFE>>,
    template: Option<bool>,
}

/// Header- and query-valued request keys.
#[derive(Default)]
pub(crate) struct Extras {
    pub x_user_agent: Option<NonEmpty>,
    pub x_max_steps_override: Option<Int<MIN_SAFE, MAX_SAFE>>,
    pub template: Option<bool>,
}

impl Extras {
    /// `self` with the wrapper's values where it gave them.
    pub(crate) fn or(self, inner: Extras) -> Extras {
        Extras {
            x_user_agent: self.x_user_agent.or(inner.x_user_agent),
            x_max_steps_override: self.x_max_steps_override.or(inner.x_max_steps_override),
            template: self.template.or(inner.template),
        }
    }

    /// Puts the keys on the plan's call as headers and query parameters.
    pub(crate) fn apply(self, path: &str, mut plan: Plan) -> Result<Plan, Error> {
        let Some(call) = plan.call.as_mut() else {
            return Ok(plan);
        };
        if let Some(ua) = self.x_user_agent {
            if !valid_header_value(&ua.0) {
                return Err(Error::invalid(
                    &codec::join(path, "x-user-agent"),
                    "contains characters that cannot be sent in a header",
                ));
            }
            call.headers.push(("x-user-agent".into(), ua.0));
        }
        if let Some(n) = self.x_max_steps_override {
            call.headers
                .push(("x-max-steps-override".into(), n.0.to_string()));
        }
        if let Some(t) = self.template {
            call.query.push(("template".into(), t.to_string()));
        }
        Ok(plan)
    }
}

/// The request body and where it sits: `request` itself, or `request.body` in
/// the wrapper form (whose other keys must be among `keys`).
pub(crate) fn unwrap(
    request: Option<&Input>,
    keys: &[&'static str],
) -> Result<(Option<Input>, &'static str, Extras), Error> {
    let inner = codec::member(request, "body");
    if codec::keys(inner.as_ref()).is_none() {
        return Ok((request.cloned(), "request", Extras::default()));
    }
    let mut allowed = vec!["body"];
    allowed.extend_from_slice(keys);
    let given = codec::keys(request).unwrap_or_default();
    codec::check_keys("request", &given, &allowed)?;
    let w: Wrapper = codec::value("request", request)?;
    let extras = Extras {
        x_user_agent: w.x_user_agent,
        x_max_steps_override: w.x_max_steps_override,
        template: w.template,
    };
    Ok((inner, "request.body", extras))
}
