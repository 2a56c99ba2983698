//! Browser profiles: created from a closed session, listed, read, deleted.

use serde_json::{json, Map, Value};

use super::validate::{self, Body, Errors};
use super::{object_or_resp, render, unprocessable};
use crate::app::store::{Archive, Profile, Store};
use crate::app::{App, Req, Resp};
use crate::util::{self, percent_decode};

pub(super) fn create_profile(app: &App, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut errs = Errors::new();
    let name = profile_name(&mut errs, &obj);
    let opt = |errs: &mut Errors, k: &str| match obj.get(k) {
        None => None,
        Some(v) => validate::string(errs, k, v, true).flatten(),
    };
    let description = opt(&mut errs, "description");
    let session_id = opt(&mut errs, "browser_session_id");
    let run_id = opt(&mut errs, "workflow_run_id");
    let proxy_session_id = opt(&mut errs, "proxy_session_id");
    if !errs.is_empty() {
        return unprocessable(errs);
    }
    let name = name.unwrap_or_default();
    let (mut store, now) = app.store();
    let mut source_browser_type = Value::Null;
    if let Some(sid) = &session_id {
        match store.session(sid) {
            Some(s) => source_browser_type = s.browser_type.clone(),
            None => return Resp::detail(400, &format!("Browser session {sid} not found")),
        }
        if let Err(refused) = archive_ready(&store, sid) {
            return refused;
        }
    }
    if let Some(rid) = &run_id {
        if !store.runs.iter().any(|r| &r.id == rid && r.workflow) {
            return Resp::detail(400, &format!("Workflow run {rid} not found"));
        }
    }
    if store
        .profiles
        .iter()
        .any(|p| p.deleted.is_none() && p.name == name)
    {
        return Resp::detail(
            409,
            &format!("Browser profile with name '{name}' already exists"),
        );
    }
    let profile = Profile {
        id: util::new_id("bp_"),
        name,
        description: json!(description),
        source_browser_type,
        proxy_location: obj.get("proxy_location").cloned().unwrap_or(Value::Null),
        proxy_session_id: json!(proxy_session_id),
        created: now,
        modified: now,
        deleted: None,
        data: None,
    };
    let mut profile = profile;
    if let Some(s) = session_id.as_deref().and_then(|sid| store.session_mut(sid)) {
        if let Archive::Saved(path) = std::mem::replace(&mut s.archive, Archive::Taken) {
            profile.data = Some(path);
        }
    }
    let out = render(app, &store, now).profile(&profile);
    store.profiles.push(profile);
    Resp::json(200, &out)
}

/// The required, non-empty `name` of a new profile; problems go to `errs`.
fn profile_name(errs: &mut Errors, obj: &Map<String, Value>) -> Option<String> {
    match obj.get("name") {
        None => {
            errs.missing("name", &Value::Object(obj.clone()));
            None
        }
        Some(v) => match validate::string(errs, "name", v, false).flatten() {
            Some(n) if n.is_empty() => {
                errs.push(
                    "string_too_short",
                    "name",
                    "String should have at least 1 character",
                    v,
                    Some(json!({"min_length": 1})),
                );
                None
            }
            other => other,
        },
    }
}

/// A session backed by a real browser can be made into a profile only from
/// the archive it saved when it ended, with the real server's answers
/// otherwise. (Sessions without a real browser have nothing to save and
/// give an empty profile at any time.)
fn archive_ready(store: &Store, sid: &str) -> Result<(), Resp> {
    let Some(s) = store.session(sid) else {
        return Ok(());
    };
    if !s.real_browser || matches!(s.archive, Archive::Saved(_)) {
        return Ok(());
    }
    if !s.exports_profile() {
        return Err(Resp::detail(400, "This browser session was not configured to generate a browser profile. Start a session with generate_browser_profile enabled to capture a profile."));
    }
    if s.completed.is_some() && s.archive != Archive::Saving {
        return Err(Resp::detail(400, "This browser session has ended and has no profile archive to save, so retrying will not help. A session's archive can be saved as a profile only once; start a new session with generate_browser_profile enabled to capture another profile."));
    }
    Err(Resp::detail(400, "Browser session does not have a persisted profile archive. Close the session and wait for upload before creating a browser profile."))
}

pub(super) fn query_params(req: &Req) -> Vec<(String, String)> {
    req.query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

pub(super) fn list_profiles(app: &App, req: &Req) -> Resp {
    let params = query_params(req);
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let mut errs = Errors::new();
    let mut int_param = |k: &str, default: i64| -> i64 {
        let Some(raw) = get(k) else { return default };
        let input = Value::String(raw.clone());
        match raw.trim().parse::<i64>() {
            Ok(n) if n >= 1 => n,
            Ok(_) => {
                errs.push_loc(
                    "greater_than_equal",
                    json!(["query", k]),
                    "Input should be greater than or equal to 1",
                    &input,
                    Some(json!({"ge": 1})),
                );
                default
            }
            Err(_) => {
                errs.push_loc(
                    "int_parsing",
                    json!(["query", k]),
                    "Input should be a valid integer, unable to parse string as an integer",
                    &input,
                    None,
                );
                default
            }
        }
    };
    let page = int_param("page", 1);
    let page_size = int_param("page_size", 10);
    let include_deleted = matches!(
        get("include_deleted")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("true" | "1" | "yes" | "on" | "t" | "y")
    );
    if !errs.is_empty() {
        return unprocessable(errs);
    }
    let search = get("search_key").map(|s| s.to_lowercase());
    let (store, now) = app.store();
    let r = render(app, &store, now);
    let list: Vec<Value> = store
        .profiles
        .iter()
        .rev()
        .filter(|p| include_deleted || p.deleted.is_none())
        .filter(|p| {
            search.as_ref().is_none_or(|s| {
                p.name.to_lowercase().contains(s)
                    || p.description
                        .as_str()
                        .is_some_and(|d| d.to_lowercase().contains(s))
            })
        })
        .skip(((page - 1) * page_size) as usize)
        .take(page_size as usize)
        .map(|p| r.profile(p))
        .collect();
    Resp::json(200, &Value::Array(list))
}

/// `BrowserProfileNotFound` with the organization, as GET and DELETE raise it.
fn profile_not_found(id: &str, store: &Store) -> Resp {
    Resp::detail(
        404,
        &format!(
            "Browser profile {id} not found for organization {}",
            store.org_id
        ),
    )
}

pub(super) fn get_profile(app: &App, id: &str) -> Resp {
    let (store, now) = app.store();
    match store
        .profiles
        .iter()
        .find(|p| p.id == id && p.deleted.is_none())
    {
        Some(p) => Resp::json(200, &render(app, &store, now).profile(p)),
        None => profile_not_found(id, &store),
    }
}

pub(super) fn delete_profile(app: &App, id: &str) -> Resp {
    let (mut store, now) = app.store();
    match store
        .profiles
        .iter_mut()
        .find(|p| p.id == id && p.deleted.is_none())
    {
        Some(p) => {
            p.deleted = Some(now);
            p.modified = now;
            if let Some(data) = p.data.take() {
                crate::browser::remove_user_data(&data);
            }
            // FastAPI's default JSONResponse class: the header stays, the body is empty.
            Resp {
                status: 204,
                headers: vec![("content-type".into(), "application/json".into())],
                body: bytes::Bytes::new(),
            }
        }
        None => profile_not_found(id, &store),
    }
}

/// `PATCH /v1/browser_profiles/{id}`: the fields given change.
pub(super) fn update_profile(app: &App, id: &str, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut errs = Errors::new();
    let mut text = |k: &str| {
        obj.get(k)
            .map(|v| validate::string(&mut errs, k, v, true).flatten())
    };
    let name = text("name");
    let description = text("description");
    let proxy_session_id = text("proxy_session_id");
    if let Some(Some(n)) = &name {
        if n.is_empty() {
            errs.push(
                "string_too_short",
                "name",
                "String should have at least 1 character",
                &json!(n),
                Some(json!({"min_length": 1})),
            );
        }
    }
    if !errs.is_empty() {
        return unprocessable(errs);
    }
    let (mut store, now) = app.store();
    let taken = |store: &Store, n: &str| {
        store
            .profiles
            .iter()
            .any(|p| p.deleted.is_none() && p.name == n && p.id != id)
    };
    if let Some(Some(n)) = &name {
        if taken(&store, n) {
            return Resp::detail(
                409,
                &format!("Browser profile with name '{n}' already exists"),
            );
        }
    }
    let Some(p) = store
        .profiles
        .iter_mut()
        .find(|p| p.id == id && p.deleted.is_none())
    else {
        return profile_not_found(id, &store);
    };
    if let Some(Some(n)) = name {
        p.name = n;
    }
    if let Some(d) = description {
        p.description = json!(d);
    }
    if let Some(v) = obj.get("proxy_location") {
        p.proxy_location = v.clone();
    }
    if let Some(s) = proxy_session_id {
        p.proxy_session_id = json!(s);
    }
    if obj.get("rotate_proxy_session_id") == Some(&json!(true)) {
        p.proxy_session_id = json!(util::new_id("ps_"));
    }
    p.modified = now;
    let store = &*store;
    match store.profiles.iter().find(|p| p.id == id) {
        Some(p) => Resp::json(200, &render(app, store, now).profile(p)),
        None => profile_not_found(id, store),
    }
}
