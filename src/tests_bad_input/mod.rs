//! Hostile input, method by method: every case must fail validation with an
//! error that names the field, before a request exists (so nothing is sent).

use crate::api::{runs, sessions};
use crate::config::{CallOptions, Config};
use crate::error::Error;
use crate::plan::Plan;
use serde_json::Value;

mod config_cases;
mod id_cases;
mod profile_cases;
mod run_cases;
mod session_cases;

fn v(text: &str) -> Value {
    match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => panic!("bad fixture {text}"),
    }
}

fn obj(members: Vec<(&str, Value)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn s(text: &str) -> Value {
    Value::String(text.into())
}

const SID: &str = "pbs_1";

/// One case: a label, what the method returned, and the field the message must start with.
type Case = (String, Result<(), Error>, &'static str);

fn plan(r: Result<Plan, Error>) -> Result<(), Error> {
    r.map(|_| ())
}

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    let mut add = |label: &str, r: Result<(), Error>, field: &'static str| {
        out.push((label.to_string(), r, field));
    };
    session_cases::create_session_cases(&mut add);
    id_cases::id_cases(&mut add);
    session_cases::update_and_extend_cases(&mut add);
    run_cases::run_task_prompt_cases(&mut add);
    run_cases::run_task_field_cases(&mut add);
    run_cases::run_workflow_cases(&mut add);
    run_cases::wait_option_cases(&mut add);
    profile_cases::profile_cases(&mut add);
    session_cases::open_session_option_cases(&mut add);
    config_cases::request_option_cases(&mut add);
    config_cases::constructor_cases(&mut add);
    out
}

#[test]
fn every_bad_input_names_its_field_before_any_request() {
    let all = cases();
    assert!(all.len() >= 40, "only {} cases", all.len());
    eprintln!("bad input: {} cases", all.len());
    let mut failures = Vec::new();
    for (label, result, field) in &all {
        match result {
            Ok(()) => failures.push(format!("{label}: accepted")),
            Err(e @ Error::InvalidArgument { .. }) => {
                let m = e.message();
                let named = m.starts_with(field)
                    && m[field.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| matches!(c, ':' | '.' | '['));
                if !named {
                    failures.push(format!("{label}: `{m}` does not name {field}"));
                }
                if m.len() > 400 {
                    failures.push(format!("{label}: message of {} bytes", m.len()));
                }
            }
            Err(other) => failures.push(format!("{label}: {other:?}")),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn valid_neighbours_of_the_bad_inputs_are_accepted() {
    // The table above is only meaningful if the closest good input passes.
    assert!(sessions::create(Some(&v(r#"{"timeout":5}"#))).is_ok());
    assert!(sessions::create(Some(&v(r#"{"timeout":1000000000}"#))).is_ok());
    assert!(sessions::get(Some(&s("pbs_600838307902101396"))).is_ok());
    assert!(runs::get(Some(&s("tsk_v2_1"))).is_ok());
    assert!(runs::run_task(Some(&v(r#"{"prompt":"p","timeout":60.5}"#))).is_ok());
    assert!(runs::wait(Some(&s("wr_1")), Some(&v(r#"{"timeout":86400}"#))).is_ok());
    assert!(CallOptions::from_value(Some(&v(r#"{"timeoutInSeconds":0.3}"#))).is_ok());
    assert!(Config::from_options(Some(&v(r#"{"apiKey":"k"}"#)), false).is_ok());
}

#[test]
fn the_api_key_never_shows_in_debug_or_messages() {
    let sentinel = "sk-SENTINEL-host-7f3a";
    let text = format!(r#"{{"apiKey":"{sentinel}","baseUrl":"http://127.0.0.1:9"}}"#);
    let cfg = match Config::from_options(Some(&v(&text)), false) {
        Ok(c) => c,
        Err(e) => panic!("{e:?}"),
    };
    let call = match sessions::get(Some(&s("pbs_1"))) {
        Ok(Plan { call: Some(c), .. }) => c,
        other => panic!("{other:?}"),
    };
    let request = crate::client::build(&cfg, &CallOptions::default(), &call);
    assert!(request.headers.iter().any(|(_, v)| v == sentinel));
    for shown in [
        format!("{cfg:?}"),
        format!("{cfg:#?}"),
        format!("{request:?}"),
        format!("{request:#?}"),
        request.url.clone(),
    ] {
        assert!(!shown.contains(sentinel), "{shown}");
    }
    // Rejected keys are not echoed either.
    for bad in [
        format!(r#"{{"apiKey":"{sentinel}\n"}}"#),
        format!(r#"{{"apiKey":"{sentinel}","headers":{{"x-api-key":"{sentinel}"}}}}"#),
        format!(r#"{{"apiKey":"{sentinel}","timeoutInSeconds":-1}}"#),
    ] {
        let e = Config::from_options(Some(&v(&bad)), false).unwrap_err();
        assert!(!e.message().contains(sentinel), "{}", e.message());
        assert!(!format!("{e:?}").contains(sentinel));
    }
    let e = Config::from_options(Some(&v(&text)), true).unwrap_err();
    assert!(!e.message().contains(sentinel));
}
