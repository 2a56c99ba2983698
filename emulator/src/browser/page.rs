//! The page a browser shows: attaching to it over CDP, its events, its viewers.

use super::{Browser, Frame, WINDOW};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::broadcast;

use super::cdp::{Cdp, Event};
/// A registered viewer; the screencast stops when the last one goes.
pub struct Viewer {
    pub rx: broadcast::Receiver<Arc<Frame>>,
    pub(super) browser: Arc<Browser>,
}

impl Drop for Viewer {
    fn drop(&mut self) {
        let b = self.browser.clone();
        if let Ok(h) = tokio::runtime::Handle::try_current() {
            h.spawn(async move {
                let mut n = b.viewers.lock().await;
                *n = n.saturating_sub(1);
                if *n == 0 && b.is_alive() {
                    let _ = b.call("Page.stopScreencast", json!({})).await;
                }
            });
        }
    }
}

pub(super) fn layout_viewport(m: &Value) -> Option<(u32, u32)> {
    let v = m.get("cssLayoutViewport")?;
    let w = v.get("clientWidth")?.as_f64()?;
    let h = v.get("clientHeight")?.as_f64()?;
    if w >= 1.0 && h >= 1.0 {
        Some((w.round() as u32, h.round() as u32))
    } else {
        None
    }
}

pub(super) async fn attach_page(cdp: &Cdp) -> Result<String, String> {
    let mut target: Option<String> = None;
    for _ in 0..50 {
        let t = cdp.call(None, "Target.getTargets", json!({})).await?;
        target = t
            .get("targetInfos")
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|i| i.get("type").and_then(Value::as_str) == Some("page"))
            })
            .and_then(|i| i.get("targetId"))
            .and_then(Value::as_str)
            .map(str::to_string);
        if target.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let target = match target {
        Some(t) => t,
        None => cdp
            .call(None, "Target.createTarget", json!({"url": "about:blank"}))
            .await?
            .get("targetId")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or("no page target")?,
    };
    let r = cdp
        .call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        )
        .await?;
    let session = r
        .get("sessionId")
        .and_then(Value::as_str)
        .ok_or("no CDP session for the page")?
        .to_string();
    cdp.call(Some(&session), "Page.enable", json!({})).await?;
    // A fixed CSS viewport, whatever room the headless window leaves.
    cdp.call(
        Some(&session),
        "Emulation.setDeviceMetricsOverride",
        json!({"width": WINDOW.0, "height": WINDOW.1, "deviceScaleFactor": 1, "mobile": false}),
    )
    .await?;
    Ok(session)
}

/// Forwards screencast frames to viewers (acking each at once) and follows
/// the page's URL.
pub(super) async fn pump_events(
    b: std::sync::Weak<Browser>,
    mut events: tokio::sync::mpsc::UnboundedReceiver<Event>,
) {
    while let Some(ev) = events.recv().await {
        let Some(b) = b.upgrade() else { return };
        if ev.session.as_deref() != Some(b.page.as_str()) {
            continue;
        }
        match ev.method.as_str() {
            "Page.screencastFrame" => {
                if let Some(sid) = ev.params.get("sessionId").and_then(Value::as_i64) {
                    b.cdp.fire(
                        Some(&b.page),
                        "Page.screencastFrameAck",
                        json!({"sessionId": sid}),
                    );
                }
                let meta = ev.params.get("metadata");
                let dim = |k: &str| {
                    meta.and_then(|m| m.get(k))
                        .and_then(Value::as_f64)
                        .filter(|v| *v >= 1.0)
                        .map(|v| v.round() as u32)
                };
                let Some(data) = ev.params.get("data").and_then(Value::as_str) else {
                    continue;
                };
                let frame = {
                    let mut s = b.shared();
                    if let (Some(w), Some(h)) = (dim("deviceWidth"), dim("deviceHeight")) {
                        s.viewport = (w, h);
                    }
                    Frame {
                        data: data.to_string(),
                        viewport_width: s.viewport.0,
                        viewport_height: s.viewport.1,
                        url: s.url.clone(),
                    }
                };
                let _ = b.frames.send(Arc::new(frame));
            }
            "Page.frameNavigated" => {
                let f = ev.params.get("frame");
                let main = f.is_some_and(|f| f.get("parentId").is_none());
                if let (true, Some(u)) =
                    (main, f.and_then(|f| f.get("url")).and_then(Value::as_str))
                {
                    b.shared().url = u.to_string();
                }
            }
            "Page.navigatedWithinDocument" => {
                if let Some(u) = ev.params.get("url").and_then(Value::as_str) {
                    b.shared().url = u.to_string();
                }
            }
            _ => {}
        }
    }
}
