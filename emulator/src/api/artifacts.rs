//! A run's artifacts, answering like Skyvern 1.0.56: its step screenshots and,
//! once it is over, its log (text) and its page's element tree (JSON), and
//! each artifact's content with the content type the real server gives its type.

use std::time::Instant;

use serde_json::{json, Value};

use super::profiles::query_params;
use super::records::{digits, enum_list};
use super::unprocessable;
use super::validate::Errors;
use crate::app::store::{is_terminal, Run, Store};
use crate::app::{App, Req, Resp};

/// Skyvern 1.0.56's `ArtifactType`, in its order (the 422 lists them so).
const ARTIFACT_TYPES: [&str; 40] = [
    "recording",
    "audio",
    "session_replay",
    "eval_score",
    "eval_trajectory",
    "eval_rubrics",
    "browser_console_log",
    "browser_session_action_log",
    "skyvern_log",
    "skyvern_log_raw",
    "screenshot",
    "screenshot_llm",
    "screenshot_action",
    "screenshot_final",
    "screenshot_proxy",
    "screenshot_pre_submit",
    "llm_prompt",
    "llm_request",
    "llm_response",
    "llm_response_parsed",
    "llm_response_rendered",
    "visible_elements_id_css_map",
    "visible_elements_id_frame_map",
    "visible_elements_tree",
    "visible_elements_tree_trimmed",
    "visible_elements_tree_in_prompt",
    "hashed_href_map",
    "visible_elements_id_xpath_map",
    "html",
    "html_scrape",
    "html_action",
    "html_pre_submit",
    "trace",
    "har",
    "script_file",
    "pdf",
    "step_archive",
    "task_archive",
    "download",
    "unknown",
];
/// A run's artifacts: a `screenshot_action` per finished step and, once the
/// run is over, a `screenshot_final` (the step pictures `screenshot_urls` lists),
/// its `skyvern_log` and the `visible_elements_tree` of its last page.
fn run_artifacts(app: &App, store: &Store, r: &Run, now: Instant) -> Vec<Value> {
    let v = r.view(now);
    let done = v.step_count.unwrap_or(0);
    let finished = is_terminal(v.status) || v.status == "paused";
    let steps = if finished {
        done
    } else {
        done.saturating_sub(1)
    };
    let shot = |k: u32| format!("{}/runs/{}/screenshots/{k}.svg", app.base_url, r.id);
    let mut out: Vec<Value> = (1..=steps)
        .map(|k| {
            artifact(
                app,
                store,
                r,
                ("screenshot_action", &format!("s{k}")),
                k,
                shot(k),
            )
        })
        .collect();
    if finished && done > 0 {
        out.push(artifact(
            app,
            store,
            r,
            ("screenshot_final", "f"),
            done,
            shot(done),
        ));
        let file = |name: &str| format!("file:///emulator/artifacts/{}/{name}", r.id);
        out.push(artifact(
            app,
            store,
            r,
            ("skyvern_log", "l"),
            done,
            file("skyvern.log"),
        ));
        out.push(artifact(
            app,
            store,
            r,
            ("visible_elements_tree", "t"),
            done,
            file("visible_elements_tree.json"),
        ));
    }
    out
}

/// One artifact record; `kind` is its type and the tag its id ends with.
fn artifact(
    app: &App,
    store: &Store,
    r: &Run,
    kind: (&str, &str),
    step: u32,
    uri: String,
) -> Value {
    let at = app.clock.iso(r.start_at + r.interval * step);
    json!({
        "created_at": at, "modified_at": at,
        "artifact_id": format!("a_{}{}", digits(&r.id), kind.1),
        "artifact_type": kind.0, "uri": uri, "bundle_key": null, "checksum": null, "file_size": null,
        "task_id": if r.workflow { Value::Null } else { json!(r.id) },
        "step_id": format!("stp_{}{step}", digits(&r.id)),
        "workflow_run_id": if r.workflow { json!(r.id) } else { Value::Null },
        "workflow_run_block_id": null, "run_id": r.id, "browser_session_id": r.session_id,
        "observer_cruise_id": null, "observer_thought_id": null, "ai_suggestion_id": null,
        "signed_url": uri, "archived": false, "organization_id": store.org_id,
    })
}

/// `GET /v1/runs/{id}/artifacts?artifact_type=…` (an unknown run has none).
pub(super) fn artifacts(app: &App, req: &Req, id: &str) -> Resp {
    let params = query_params(req);
    let mut errs = Errors::new();
    let wanted = enum_list(&mut errs, &params, "artifact_type", &ARTIFACT_TYPES);
    if !errs.is_empty() {
        return unprocessable(errs);
    }
    let (store, now) = app.store();
    let list = match store.run(id) {
        Some(r) => run_artifacts(app, &store, r, now),
        None => Vec::new(),
    };
    let list: Vec<Value> = list
        .into_iter()
        .filter(|a| wanted.is_empty() || wanted.iter().any(|w| a["artifact_type"] == json!(w)))
        .collect();
    Resp::json(200, &Value::Array(list))
}

/// `GET /v1/artifacts/{id}/content`: a step picture as an image, the log as
/// text and the element tree as JSON, each served inline.
pub(super) fn artifact_content(app: &App, id: &str) -> Resp {
    let not_found = || Resp::detail(404, &format!("Artifact not found {id}"));
    let (store, now) = app.store();
    let Some(rest) = id.strip_prefix("a_") else {
        return not_found();
    };
    let Some(cut) = rest.find(['s', 'f', 'l', 't']) else {
        return not_found();
    };
    let (run_digits, tag) = rest.split_at(cut);
    let Some(r) = store.runs.iter().find(|r| digits(&r.id) == run_digits) else {
        return not_found();
    };
    if !run_artifacts(app, &store, r, now)
        .iter()
        .any(|a| a["artifact_id"] == json!(id))
    {
        return not_found();
    }
    let done = r.view(now).step_count.unwrap_or(1);
    let resp = match tag {
        "l" => Resp::text(200, "text/plain; charset=utf-8", run_log(app, r, now)),
        "t" => Resp::json(200, &element_tree(r, done)),
        "f" => Resp::text(200, "image/svg+xml", crate::live::step_picture(r, done)),
        t => {
            let step = t.get(1..).and_then(|n| n.parse::<u32>().ok()).unwrap_or(1);
            Resp::text(200, "image/svg+xml", crate::live::step_picture(r, step))
        }
    };
    resp.header("content-disposition", "inline")
}

/// The run's log: one line per step, then how it ended.
fn run_log(app: &App, r: &Run, now: Instant) -> String {
    let v = r.view(now);
    let done = v.step_count.unwrap_or(0);
    let mut out: String = (1..=done)
        .map(|k| {
            let at = app.clock.iso(r.start_at + r.interval * k);
            format!("{at} INFO step {k} of {done}: {}\n", r.step_label(k))
        })
        .collect();
    let at = app.clock.iso(v.finished.unwrap_or(v.modified));
    out.push_str(&format!("{at} INFO run {} {}\n", r.id, v.status));
    out
}

/// The elements the agent saw on its last page: a `body` holding one element per step.
fn element_tree(r: &Run, done: u32) -> Value {
    let children: Vec<Value> = (1..=done)
        .map(|k| json!({"id": format!("AAA{k}"), "tagName": "div", "interactable": false, "text": r.step_label(k), "children": []}))
        .collect();
    json!([{"id": "AAA0", "tagName": "body", "interactable": false, "children": children}])
}
