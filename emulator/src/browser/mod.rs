//! Real headless Chromium browsers behind emulated sessions: launch, CDP
//! attach, screencast frames for viewers, input dispatch, navigation, page
//! reads for the scripted agent, and clean shutdown (no orphan processes).

mod cdp;
mod page;
mod pool;
mod process;
mod userdata;

pub use page::Viewer;
pub use pool::Pool;
use process::{chromium_command, devtools_address, kill_group, register, unregister};
pub use process::{default_chromium, kill_all};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
pub use userdata::{remove as remove_user_data, temp_dir_for};

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;
use tokio::sync::broadcast;

use cdp::Cdp;
use page::{attach_page, layout_viewport, pump_events};

/// One screencast image, as the stream socket sends it.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Base64 JPEG.
    pub data: String,
    pub viewport_width: u32,
    pub viewport_height: u32,
    pub url: String,
}

struct Shared {
    url: String,
    viewport: (u32, u32),
}

pub struct Browser {
    /// `ws://127.0.0.1:PORT/devtools/browser/UUID`.
    pub address: String,
    cdp: Arc<Cdp>,
    /// Flattened CDP session of the attached page.
    page: String,
    frames: broadcast::Sender<Arc<Frame>>,
    shared: Mutex<Shared>,
    viewers: tokio::sync::Mutex<usize>,
    child: Mutex<Option<Child>>,
    pid: Option<u32>,
    dir: PathBuf,
    closed: AtomicBool,
}

/// The CSS viewport of the window every browser is launched with.
pub const WINDOW: (u32, u32) = (1280, 720);

impl Browser {
    /// Starts Chromium with a fresh profile (seeded with the user data saved
    /// in `seed`, if any) and attaches to its page.
    pub async fn launch(chromium: &Path, seed: Option<&Path>) -> Result<Arc<Browser>, String> {
        let dir = temp_dir_for(&crate::util::random_hex(16));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create a profile dir: {e}"))?;
        if let Some(seed) = seed {
            if let Err(e) = userdata::restore(seed, &dir) {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(format!("cannot load the browser profile: {e}"));
            }
        }
        let mut cmd = chromium_command(chromium, &dir);
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(format!("cannot start {}: {e}", chromium.display()));
            }
        };
        let pid = child.id();
        if let Some(p) = pid {
            register(p, &dir);
        }
        let cleanup = |mut child: Child, why: String| {
            if let Some(p) = pid {
                kill_group(p);
                unregister(p);
            }
            let _ = child.start_kill();
            let _ = std::fs::remove_dir_all(&dir);
            Err::<Arc<Browser>, String>(why)
        };
        let Some(stderr) = child.stderr.take() else {
            return cleanup(child, "no stderr from the browser".into());
        };
        let mut lines = BufReader::new(stderr).lines();
        let address = match devtools_address(&mut lines).await {
            Ok(a) => a,
            Err(why) => return cleanup(child, why),
        };
        // Keep reading stderr so the browser never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let (cdp, events) = match Cdp::connect(&address).await {
            Ok(c) => c,
            Err(e) => return cleanup(child, e),
        };
        let page = match attach_page(&cdp).await {
            Ok(p) => p,
            Err(e) => return cleanup(child, e),
        };
        let (frames, _) = broadcast::channel(2);
        let b = Arc::new(Browser {
            address,
            cdp,
            page,
            frames,
            shared: Mutex::new(Shared {
                url: "about:blank".into(),
                viewport: WINDOW,
            }),
            viewers: tokio::sync::Mutex::new(0),
            child: Mutex::new(Some(child)),
            pid,
            dir,
            closed: AtomicBool::new(false),
        });
        tokio::spawn(pump_events(Arc::downgrade(&b), events));
        if let Ok(m) = b.call("Page.getLayoutMetrics", json!({})).await {
            if let Some(vp) = layout_viewport(&m) {
                b.shared().viewport = vp;
            }
        }
        Ok(b)
    }

    fn shared(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_alive(&self) -> bool {
        !self.closed.load(Ordering::SeqCst) && !self.cdp.is_closed()
    }

    async fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        self.cdp.call(Some(&self.page), method, params).await
    }

    /// Registers a viewer: starts the screencast for the first one, and
    /// returns the frame receiver plus a prime frame of the page as it is.
    pub async fn watch(self: &Arc<Self>) -> (Viewer, Option<Frame>) {
        let rx = self.frames.subscribe();
        {
            let mut n = self.viewers.lock().await;
            *n += 1;
            if *n == 1 {
                let _ = self
                    .call(
                        "Page.startScreencast",
                        json!({"format": "jpeg", "quality": 60, "maxWidth": 1280, "maxHeight": 720, "everyNthFrame": 1}),
                    )
                    .await;
            }
        }
        let viewer = Viewer {
            rx,
            browser: self.clone(),
        };
        let prime = self.capture().await;
        (viewer, prime)
    }

    /// A JPEG screenshot of the viewport.
    pub async fn capture(&self) -> Option<Frame> {
        if let Ok(m) = self.call("Page.getLayoutMetrics", json!({})).await {
            if let Some(vp) = layout_viewport(&m) {
                self.shared().viewport = vp;
            }
        }
        let shot = self
            .call(
                "Page.captureScreenshot",
                json!({"format": "jpeg", "quality": 60}),
            )
            .await
            .ok()?;
        let data = shot.get("data")?.as_str()?.to_string();
        let s = self.shared();
        Some(Frame {
            data,
            viewport_width: s.viewport.0,
            viewport_height: s.viewport.1,
            url: s.url.clone(),
        })
    }

    pub async fn mouse(&self, params: Value) -> Result<(), String> {
        self.call("Input.dispatchMouseEvent", params)
            .await
            .map(|_| ())
    }

    pub async fn key(&self, params: Value) -> Result<(), String> {
        self.call("Input.dispatchKeyEvent", params)
            .await
            .map(|_| ())
    }

    /// Navigates the page. `Err` carries Chromium's error text.
    pub async fn navigate(&self, url: &str) -> Result<(), String> {
        let r = self.call("Page.navigate", json!({"url": url})).await?;
        match r.get("errorText").and_then(Value::as_str) {
            Some(e) if !e.is_empty() => Err(e.to_string()),
            _ => {
                self.shared().url = url.to_string();
                Ok(())
            }
        }
    }

    /// Moves `delta` entries through the history (-1 back, 1 forward).
    pub async fn history(&self, delta: i64) -> Result<(), String> {
        let h = self.call("Page.getNavigationHistory", json!({})).await?;
        let idx = h.get("currentIndex").and_then(Value::as_i64).unwrap_or(0) + delta;
        let entries = h.get("entries").and_then(Value::as_array);
        let entry = entries.and_then(|e| usize::try_from(idx).ok().and_then(|i| e.get(i)));
        if let Some(id) = entry.and_then(|e| e.get("id")).and_then(Value::as_i64) {
            self.call("Page.navigateToHistoryEntry", json!({"entryId": id}))
                .await?;
        }
        Ok(())
    }

    pub async fn reload(&self) -> Result<(), String> {
        self.call("Page.reload", json!({})).await.map(|_| ())
    }

    /// Evaluates an expression in the page and returns its JSON value.
    pub async fn evaluate(&self, expr: &str) -> Result<Value, String> {
        let r = self
            .call(
                "Runtime.evaluate",
                json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
            )
            .await?;
        if let Some(d) = r.get("exceptionDetails") {
            return Err(d
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or("evaluation failed")
                .to_string());
        }
        Ok(r.get("result")
            .and_then(|x| x.get("value"))
            .cloned()
            .unwrap_or(Value::Null))
    }

    /// Waits until the document has loaded (at most `limit`).
    pub async fn wait_loaded(&self, limit: Duration) -> Result<(), String> {
        let start = tokio::time::Instant::now();
        loop {
            if let Ok(v) = self.evaluate("document.readyState").await {
                if v == "complete" {
                    return Ok(());
                }
            }
            if start.elapsed() > limit {
                return Err("the page did not finish loading".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The page's title, first heading and URL.
    pub async fn read_page(&self) -> Result<Value, String> {
        self.evaluate(
            "(() => { const h = document.querySelector('h1, h2, h3, h4, h5, h6'); \
             return { title: document.title, heading: h ? h.innerText.trim() : null, url: location.href }; })()",
        )
        .await
    }

    /// Closes the browser: politely, then by killing its process group.
    pub async fn close(&self) {
        self.close_saving(None).await;
    }

    /// Closes the browser and, when `save` is given, keeps its cookies and
    /// local storage there (written by Chromium as it shuts down). Returns
    /// whether they were saved.
    pub async fn close_saving(&self, save: Option<&Path>) -> bool {
        if self.closed.swap(true, Ordering::SeqCst) {
            return false;
        }
        let _ = tokio::time::timeout(
            Duration::from_millis(800),
            self.cdp.call(None, "Browser.close", json!({})),
        )
        .await;
        let child = self.child.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(mut child) = child {
            let exited = tokio::time::timeout(Duration::from_millis(1500), child.wait()).await;
            if let Some(p) = self.pid {
                kill_group(p);
            }
            if exited.is_err() {
                let _ = child.start_kill();
                let _ = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
            }
        }
        if let Some(p) = self.pid {
            unregister(p);
        }
        let dir = self.dir.clone();
        let save = save.map(Path::to_path_buf);
        let saved = tokio::task::spawn_blocking(move || {
            let saved = save.is_some_and(|to| match userdata::save(&dir, &to) {
                Ok(()) => true,
                Err(e) => {
                    eprintln!("the browser's user data was not saved: {e}");
                    false
                }
            });
            let _ = std::fs::remove_dir_all(dir);
            saved
        })
        .await;
        saved.unwrap_or(false)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(p) = self.pid {
            if !self.closed.load(Ordering::SeqCst) {
                kill_group(p);
                // Let the processes go before their profile is removed.
                let child = self.child.get_mut().unwrap_or_else(|e| e.into_inner());
                if let Some(c) = child.as_mut() {
                    for _ in 0..40 {
                        if !matches!(c.try_wait(), Ok(None)) {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(25));
                    }
                }
            }
            unregister(p);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
