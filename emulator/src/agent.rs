//! Ties real browsers to the emulated lifecycle: a session's browser is
//! launched when it is created (the session turns `running` once it is up),
//! closed when the session ends, and a task run in such a session is done by
//! a scripted agent: it navigates to the task's `url` and reports the page's
//! title and first heading as `output`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::app::store::{far_future, is_terminal, Agent, Outcome};
use crate::app::App;
use crate::browser::Browser;

/// Starts the browser of a new session in the background. Returns false
/// when no browser is available (no Chromium, or the limit is reached).
pub fn launch_for_session(
    app: &App,
    session: &str,
    url: Option<String>,
    seed: Option<std::path::PathBuf>,
) -> bool {
    let Some(path) = app.browsers.reserve() else {
        return false;
    };
    let Some(app) = app.arc() else {
        app.browsers.launched(session, None);
        return false;
    };
    let sid = session.to_string();
    tokio::spawn(async move {
        let res = Browser::launch(&path, seed.as_deref()).await;
        if let Err(e) = &res {
            eprintln!("chromium did not start for {sid}: {e}; the session streams drawn frames");
        }
        let b = res.ok();
        if let Some(b) = &b {
            crate::userdata::open_start_page(b, url.as_deref()).await;
        }
        app.browsers.launched(&sid, b.clone());
        let live = {
            let (mut store, now) = app.store();
            let step = Duration::from_millis(app.timing.step_ms);
            let start_delay = Duration::from_millis(app.timing.start_delay_ms);
            let start = match store.session_mut(&sid) {
                Some(s) if s.completed.is_none() => {
                    let start = (s.created + start_delay).max(now);
                    s.start_at = start;
                    s.browser_pending = false;
                    if let Some(b) = &b {
                        s.address = b.address.clone();
                        s.real_browser = true;
                    }
                    Some(start)
                }
                _ => None,
            };
            if let Some(start) = start {
                // Runs sent while the browser was starting begin now.
                let waiting = far_future(now) - Duration::from_secs(86_400);
                for r in store.runs.iter_mut() {
                    if r.session_id.as_deref() == Some(sid.as_str()) && r.start_at > waiting {
                        r.start_at = (r.created + step).max(start);
                    }
                }
            }
            start.is_some()
        };
        if !live && b.is_some() {
            app.browsers.close(&sid).await;
        }
    });
    true
}

/// Closes the browsers of sessions that ended or no longer exist, every
/// 300 ms (expiry is computed lazily, so this is what notices it).
pub async fn reap(app: std::sync::Weak<App>) {
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let Some(app) = app.upgrade() else { return };
        let ended: Vec<String> = {
            let sessions = app.browsers.sessions();
            if sessions.is_empty() {
                continue;
            }
            let (store, _) = app.store();
            sessions
                .into_iter()
                .filter(|sid| store.session(sid).is_none_or(|s| s.completed.is_some()))
                .collect()
        };
        for sid in ended {
            crate::userdata::end_browser(&app, &sid).await;
        }
    }
}

/// Whether a run sent to `session` should be done by the scripted agent.
pub fn uses_browser(app: &App, pending: bool, session: &str) -> bool {
    pending || app.browsers.get(session).is_some()
}

/// Marks a new run as worked on by the agent (when it is meant to complete)
/// and starts the agent.
pub fn start_agent(app: &App, run: &mut crate::app::store::Run, session: &str) {
    let Some(app) = app.arc() else { return };
    if matches!(run.outcome, Outcome::Occupied(_)) {
        return;
    }
    let gate = run.outcome == Outcome::Completed;
    if gate {
        run.agent = Some(Agent::Pending);
    }
    tokio::spawn(agent(app, run.id.clone(), session.to_string(), gate));
}

fn set_agent(app: &App, rid: &str, agent: Option<Agent>) {
    let (mut store, _) = app.store();
    if let Some(r) = store.runs.iter_mut().find(|r| r.id == rid) {
        r.agent = agent;
    }
}

async fn agent(app: Arc<App>, rid: String, sid: String, gate: bool) {
    // Wait until the run begins (its session's browser may still be starting).
    let (url, steps_end) = loop {
        {
            let (store, now) = app.store();
            let Some(r) = store.run(&rid) else { return };
            let v = r.view(now);
            if is_terminal(v.status) || v.status == "paused" {
                return;
            }
            if v.started.is_some() {
                break (r.url.clone(), r.steps_end());
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let Some(b) = app.browsers.get(&sid) else {
        // The browser did not start: the run ends like any emulated run.
        if gate {
            set_agent(&app, &rid, None);
        }
        return;
    };
    let mut error: Option<String> = None;
    if let Some(url) = &url {
        match b.navigate(url).await {
            Ok(()) => {
                if let Err(e) = b.wait_loaded(Duration::from_secs(20)).await {
                    error = Some(e);
                }
            }
            Err(e) => error = Some(format!("could not load {url}: {e}")),
        }
    }
    if !gate {
        return;
    }
    tokio::time::sleep_until(tokio::time::Instant::from_std(
        steps_end.max(Instant::now()),
    ))
    .await;
    let output = match b.read_page().await {
        Ok(Value::Object(mut m)) => {
            if let Some(e) = error {
                m.insert("error".into(), json!(e));
            }
            Value::Object(m)
        }
        other => {
            let e = match other {
                Err(e) => e,
                Ok(_) => "the page could not be read".into(),
            };
            json!({"title": null, "heading": null, "url": url, "error": e})
        }
    };
    set_agent(
        &app,
        &rid,
        Some(Agent::Done {
            at: Instant::now(),
            output,
        }),
    );
}
