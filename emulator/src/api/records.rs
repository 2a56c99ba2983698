//! Run records: `GET /v1/runs`, bulk cancel and a run's timeline, answering
//! like Skyvern 1.0.56 (its artifacts are in `artifacts.rs`).

use std::time::Instant;

use serde_json::{json, Value};

use super::profiles::query_params;
use super::validate::{Body, Errors};
use super::{object_or_resp, unprocessable};
use crate::app::store::{is_terminal, Run};
use crate::app::{App, Req, Resp};

const RUN_STATUSES: [&str; 9] = [
    "created",
    "queued",
    "running",
    "paused",
    "timed_out",
    "failed",
    "terminated",
    "completed",
    "canceled",
];
const RUN_TYPES: [&str; 7] = [
    "task_v1",
    "task_v2",
    "workflow_run",
    "openai_cua",
    "anthropic_cua",
    "ui_tars",
    "yutori_navigator",
];

/// A query integer from 1 to `max` (FastAPI's messages).
fn page_param(
    errs: &mut Errors,
    params: &[(String, String)],
    k: &str,
    default: i64,
    max: i64,
) -> i64 {
    let Some((_, raw)) = params.iter().find(|(n, _)| n == k) else {
        return default;
    };
    let input = json!(raw);
    let loc = json!(["query", k]);
    match raw.trim().parse::<i64>() {
        Ok(n) if n < 1 => errs.push_loc(
            "greater_than_equal",
            loc,
            "Input should be greater than or equal to 1",
            &input,
            Some(json!({"ge": 1})),
        ),
        Ok(n) if n > max => errs.push_loc(
            "less_than_equal",
            loc,
            &format!("Input should be less than or equal to {max}"),
            &input,
            Some(json!({"le": max})),
        ),
        Ok(n) => return n,
        Err(_) => errs.push_loc(
            "int_parsing",
            loc,
            "Input should be a valid integer, unable to parse string as an integer",
            &input,
            None,
        ),
    }
    default
}

/// The values of a repeated enum query key.
pub(super) fn enum_list(
    errs: &mut Errors,
    params: &[(String, String)],
    k: &str,
    allowed: &[&str],
) -> Vec<String> {
    let values: Vec<String> = params
        .iter()
        .filter(|(n, _)| n == k)
        .map(|(_, v)| v.clone())
        .collect();
    let expected = match allowed.split_last() {
        Some((last, rest)) => format!(
            "{} or '{last}'",
            rest.iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => String::new(),
    };
    for (i, v) in values.iter().enumerate() {
        if !allowed.contains(&v.as_str()) {
            errs.push_loc(
                "enum",
                json!(["query", k, i]),
                &format!("Input should be {expected}"),
                &json!(v),
                Some(json!({"expected": expected})),
            );
        }
    }
    values
}

/// `GET /v1/runs`: newest first, filtered and paged.
pub(super) fn list_runs(app: &App, req: &Req) -> Resp {
    let params = query_params(req);
    let mut errs = Errors::new();
    let page = page_param(&mut errs, &params, "page", 1, 100);
    let page_size = page_param(&mut errs, &params, "page_size", 10, 100);
    let statuses = enum_list(&mut errs, &params, "status", &RUN_STATUSES);
    let types = enum_list(&mut errs, &params, "run_type", &RUN_TYPES);
    let search = params
        .iter()
        .find(|(n, _)| n == "search_key")
        .map(|(_, v)| v.clone());
    if let Some(s) = search.as_ref().filter(|s| s.chars().count() < 3) {
        errs.push_loc(
            "string_too_short",
            json!(["query", "search_key"]),
            "String should have at least 3 characters",
            &json!(s),
            Some(json!({"min_length": 3})),
        );
    }
    if !errs.is_empty() {
        return unprocessable(errs);
    }
    let search = search.map(|s| s.to_lowercase());
    let (store, now) = app.store();
    let list: Vec<Value> = store
        .runs
        .iter()
        .rev()
        .map(|r| list_item(app, r, now))
        .filter(|v| statuses.is_empty() || statuses.iter().any(|s| v["status"] == json!(s)))
        .filter(|v| types.is_empty() || types.iter().any(|t| v["task_run_type"] == json!(t)))
        .filter(|v| {
            search.as_ref().is_none_or(|s| {
                v["run_id"]
                    .as_str()
                    .is_some_and(|id| id.to_lowercase().contains(s))
                    || v["title"]
                        .as_str()
                        .is_some_and(|t| t.to_lowercase().contains(s))
            })
        })
        .skip(((page - 1) * page_size) as usize)
        .take(page_size as usize)
        .collect();
    Resp::json(200, &Value::Array(list))
}

/// The digits of a run id (`tsk_123` → `123`).
pub(super) fn digits(id: &str) -> &str {
    id.rsplit('_').next().unwrap_or(id)
}

fn list_item(app: &App, r: &Run, now: Instant) -> Value {
    let v = r.view(now);
    let iso = |t: Option<Instant>| t.map(|t| app.clock.iso(t));
    json!({
        "task_run_id": format!("tr_{}", digits(&r.id)),
        "run_id": r.id,
        "task_run_type": r.run_type,
        "status": v.status,
        "title": r.request.get("title").cloned().unwrap_or(Value::Null),
        "started_at": iso(v.started),
        "finished_at": iso(v.finished),
        "created_at": app.clock.iso(r.created),
        "workflow_permanent_id": if r.workflow { r.request.get("workflow_id").cloned().unwrap_or(Value::Null) } else { Value::Null },
        "workflow_deleted": false,
        "script_run": false,
        "trigger_type": if r.workflow { json!("api") } else { Value::Null },
        "created_by": null,
        "attempt": 1,
        "retry_pending": false,
        "next_attempt_at": null,
    })
}

/// `POST /v1/runs/cancel`: each run that was not finished is canceled.
pub(super) fn bulk_cancel(app: &App, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let ids: Vec<String> = match obj.get("run_ids") {
        None => {
            let mut errs = Errors::new();
            errs.missing("run_ids", &Value::Object(obj.clone()));
            return unprocessable(errs);
        }
        Some(Value::Array(items)) if items.iter().all(Value::is_string) && items.len() <= 100 => {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        }
        Some(other) => {
            let mut errs = Errors::new();
            errs.push(
                "list_type",
                "run_ids",
                "Input should be a valid list of at most 100 strings",
                other,
                None,
            );
            return unprocessable(errs);
        }
    };
    let (mut cancelled, mut failed) = (Vec::new(), Vec::new());
    for id in ids {
        let open = {
            let (store, now) = app.store();
            store
                .run(&id)
                .is_some_and(|r| !is_terminal(r.view(now).status))
        };
        if open && super::runs::cancel_run(app, &id).status == 200 {
            cancelled.push(id);
        } else {
            failed.push(id);
        }
    }
    Resp::json(200, &json!({ "cancelled": cancelled, "failed": failed }))
}

/// `GET /v1/runs/{id}/timeline`: workflow and task v2 runs only, one block.
pub(super) fn timeline(app: &App, id: &str) -> Resp {
    let (store, now) = app.store();
    let Some(r) = store.run(id) else {
        return Resp::detail(404, &format!("Run not found {id}"));
    };
    if !r.workflow && r.run_type != "task_v2" {
        return Resp::detail(
            400,
            &format!("Timeline not available for run type {}", r.run_type),
        );
    }
    let v = r.view(now);
    let label = r
        .request
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("task")
        .to_lowercase()
        .replace(' ', "_");
    let created = app.clock.iso(r.start_at.min(r.created.max(r.queued_at)));
    let modified = app.clock.iso(v.modified);
    let block = json!({
        "workflow_run_block_id": format!("wrb_{}", digits(&r.id)),
        "workflow_run_id": r.id,
        "organization_id": store.org_id,
        "block_type": label,
        "label": label,
        "status": v.status,
        "failure_reason": v.failure_reason,
        "url": r.url,
        "navigation_goal": r.prompt.trim(),
        "actions": (1..=v.step_count.unwrap_or(0)).map(|k| json!({"step": k, "description": r.step_label(k)})).collect::<Vec<_>>(),
        "created_at": created,
        "modified_at": modified,
    });
    let entry = json!({"type": "block", "attempt": 1, "block": block, "thought": null, "children": [], "created_at": created, "modified_at": modified});
    Resp::json(200, &json!([entry]))
}
