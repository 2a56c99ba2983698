//! The browsers behind sessions, at most `--max-browsers` at once.

use super::process::sweep_stale_profiles;
use super::Browser;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The browsers of all sessions, limited in number.
pub struct Pool {
    chromium: Option<PathBuf>,
    max: usize,
    inner: Mutex<PoolInner>,
}

#[derive(Default)]
struct PoolInner {
    /// Sessions whose browser is starting.
    launching: usize,
    browsers: HashMap<String, Arc<Browser>>,
}

impl Pool {
    pub fn new(chromium: Option<PathBuf>, max: usize) -> Pool {
        if chromium.is_some() {
            sweep_stale_profiles();
        }
        Pool {
            chromium,
            max,
            inner: Mutex::new(PoolInner::default()),
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, PoolInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reserves a slot for a new browser; `None` when there is no Chromium or
    /// the limit is reached (the session then uses drawn frames).
    pub fn reserve(&self) -> Option<PathBuf> {
        let path = self.chromium.clone()?;
        let mut g = self.inner();
        if g.launching + g.browsers.len() >= self.max {
            return None;
        }
        g.launching += 1;
        Some(path)
    }

    /// Ends a reservation with the launched browser (or none if it failed).
    pub fn launched(&self, session: &str, b: Option<Arc<Browser>>) {
        let mut g = self.inner();
        g.launching = g.launching.saturating_sub(1);
        if let Some(b) = b {
            g.browsers.insert(session.to_string(), b);
        }
    }

    pub fn get(&self, session: &str) -> Option<Arc<Browser>> {
        self.inner().browsers.get(session).cloned()
    }

    pub fn sessions(&self) -> Vec<String> {
        self.inner().browsers.keys().cloned().collect()
    }

    /// Removes a session's browser from the pool (the caller shuts it down).
    pub fn take(&self, session: &str) -> Option<Arc<Browser>> {
        self.inner().browsers.remove(session)
    }

    /// Removes a session's browser and shuts it down.
    pub async fn close(&self, session: &str) {
        if let Some(b) = self.take(session) {
            b.close().await;
        }
    }

    pub async fn close_all(&self) {
        let all: Vec<Arc<Browser>> = self.inner().browsers.drain().map(|(_, b)| b).collect();
        for b in all {
            b.close().await;
        }
    }
}
