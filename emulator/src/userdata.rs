//! Sessions that keep a sign-in: a session's start page is loaded before it
//! turns `running`; when a session that exports a profile ends, its
//! browser's cookies and local storage are saved (like the real server's
//! profile archive, uploaded at teardown); a profile made from the session
//! takes that archive, and a session started from the profile begins with it.

use std::sync::Arc;
use std::time::Duration;

use crate::app::store::Archive;
use crate::app::{App, Req};
use crate::browser::{remove_user_data, temp_dir_for, Browser};

/// Loads a new session's start page (at most 15 s); a page that fails to
/// load is left as Chromium shows it.
pub async fn open_start_page(b: &Browser, url: Option<&str>) {
    let Some(url) = url else { return };
    match b.navigate(url).await {
        Ok(()) => {
            let _ = b.wait_loaded(Duration::from_secs(15)).await;
        }
        Err(e) => eprintln!("the start page {url} did not load: {e}"),
    }
}

/// Shuts a session's browser down, saving its user data first when the
/// session exports a profile (`generate_browser_profile`, or started from one).
pub async fn end_browser(app: &Arc<App>, sid: &str) {
    // Taken from the pool under the store's lock, so a second caller (the
    // reaper, a repeated close) finds nothing left to close.
    let (browser, exports) = {
        let (mut store, _) = app.store();
        let Some(browser) = app.browsers.take(sid) else {
            return;
        };
        match store.session_mut(sid) {
            Some(s) if s.exports_profile() && s.archive == Archive::None => {
                s.archive = Archive::Saving;
                (browser, true)
            }
            _ => (browser, false),
        }
    };
    if !exports {
        browser.close().await;
        return;
    }
    let dest = temp_dir_for(&format!("archive-{sid}"));
    let saved = browser.close_saving(Some(&dest)).await;
    let (mut store, _) = app.store();
    match store.session_mut(sid) {
        Some(s) if saved => s.archive = Archive::Saved(dest),
        Some(s) => {
            s.archive = Archive::None;
            remove_user_data(&dest);
        }
        None => remove_user_data(&dest),
    }
}

/// Before a profile is created from a session whose browser is still
/// saving its user data, waits for that (at most 20 s), as the real server
/// waits for a closing session's archive.
pub async fn settle_profile_source(app: &App, req: &Req) {
    let is_create = req.method == "POST"
        && matches!(
            req.path.as_str(),
            "/v1/browser_profiles" | "/v1/browser_profiles/"
        );
    if !is_create {
        return;
    }
    let Some(sid) = serde_json::from_slice::<serde_json::Value>(&req.body)
        .ok()
        .and_then(|v| v.get("browser_session_id")?.as_str().map(str::to_string))
    else {
        return;
    };
    for _ in 0..200 {
        let busy = {
            let (store, _) = app.store();
            store.session(&sid).is_some_and(|s| {
                s.archive == Archive::Saving
                    || (s.completed.is_some()
                        && s.exports_profile()
                        && s.archive == Archive::None
                        && app.browsers.get(&sid).is_some())
            })
        };
        if !busy {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
