//! Ids that every method taking one must refuse.

use super::{plan, s, v};
use crate::api::{profiles, runs, sessions};
use crate::error::Error;
use serde_json::{json, Value};

/// Ids, for every method that takes one.
pub(super) fn id_cases(add: &mut impl FnMut(&str, Result<(), Error>, &'static str)) {
    let long = "a".repeat(10 * 1024);
    let bad_ids: Vec<(String, Option<Value>)> = vec![
        ("empty".into(), Some(s(""))),
        ("whitespace".into(), Some(s(" \t "))),
        ("slash".into(), Some(s("pbs_1/close"))),
        ("question mark".into(), Some(s("pbs_1?x=1"))),
        ("hash".into(), Some(s("pbs_1#x"))),
        ("percent".into(), Some(s("pbs_1%2F"))),
        ("dot dot".into(), Some(s(".."))),
        ("dot dot slash".into(), Some(s("../credentials"))),
        ("non-ASCII".into(), Some(s("pbs_é"))),
        ("10 KB".into(), Some(Value::String(long))),
        ("null".into(), Some(json!(null))),
        ("undefined".into(), None),
        ("missing".into(), None),
        ("number".into(), Some(json!(5.0))),
        ("object".into(), Some(v(r#"{"id":"pbs_1"}"#))),
    ];
    for (label, id) in &bad_ids {
        let id = id.as_ref();
        add(
            &format!("getBrowserSession id {label}"),
            plan(sessions::get(id)),
            "browserSessionId",
        );
        add(
            &format!("closeBrowserSession id {label}"),
            plan(sessions::close(id)),
            "browserSessionId",
        );
        add(&format!("getRun id {label}"), plan(runs::get(id)), "runId");
        add(
            &format!("cancelRun id {label}"),
            plan(runs::cancel(id)),
            "runId",
        );
        add(
            &format!("getBrowserProfile id {label}"),
            plan(profiles::get(id)),
            "profileId",
        );
        add(
            &format!("deleteBrowserProfile id {label}"),
            plan(profiles::delete(id)),
            "profileId",
        );
        add(
            &format!("waitForRun id {label}"),
            plan(runs::wait(id, None)),
            "runId",
        );
        add(
            &format!("waitForBrowserSession id {label}"),
            plan(sessions::wait(id, None)),
            "browserSessionId",
        );
        add(
            &format!("updateBrowserSession id {label}"),
            plan(sessions::update(
                id,
                Some(&v(r#"{"generate_browser_profile":true}"#)),
            )),
            "browserSessionId",
        );
        add(
            &format!("extendBrowserSession id {label}"),
            plan(sessions::extend(
                id,
                Some(&v(r#"{"additional_minutes":5}"#)),
            )),
            "browserSessionId",
        );
    }
}
