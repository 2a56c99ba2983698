//! What both live-view sockets share: the socket type, the session's phase,
//! waiting for its browser, pings and closing.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::app::App;

pub(super) type Ws = WebSocketStream<TokioIo<Upgraded>>;

/// How long a socket waits for a session's browser (then `timeout` / 4408).
pub(super) const START_WAIT: Duration = Duration::from_secs(120);
/// How often an open socket checks whether its session ended.
pub(super) const CHECK_EVERY: Duration = Duration::from_millis(250);
pub(super) const PING_EVERY: Duration = Duration::from_secs(20);

pub(super) enum Phase {
    NotFound,
    Starting,
    Running,
    Ended(&'static str),
}

pub(super) fn phase(app: &App, id: &str) -> Phase {
    let (store, now) = app.store();
    match store.session(id) {
        None => Phase::NotFound,
        Some(s) => match s.status(now) {
            "created" => Phase::Starting,
            "running" => Phase::Running,
            other => Phase::Ended(other),
        },
    }
}

pub(super) async fn send_text(ws: &mut Ws, text: String) -> bool {
    ws.send(Message::text(text)).await.is_ok()
}

pub(super) async fn send_status(ws: &mut Ws, id: &str, status: &str) {
    let _ = send_text(
        ws,
        json!({"browser_session_id": id, "status": status}).to_string(),
    )
    .await;
}

/// Sends a close frame and waits briefly for the client's.
pub(super) async fn close_with(mut ws: Ws, code: u16, reason: &str) {
    let frame = CloseFrame {
        code: CloseCode::from(code),
        reason: reason.to_string().into(),
    };
    if ws.close(Some(frame)).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
}

/// Whether a message read from the client means it went away.
pub(super) fn gone(m: &Option<Result<Message, tokio_tungstenite::tungstenite::Error>>) -> bool {
    matches!(m, None | Some(Err(_)) | Some(Ok(Message::Close(_))))
}

pub(super) fn interval(every: Duration) -> tokio::time::Interval {
    let mut i = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    i
}

/// Waits until the session's browser is up. `Err(phase)`: it never came (the
/// session is unknown, ended, or the wait timed out: `Starting`), or the
/// client left (`None`).
pub(super) async fn wait_running(app: &App, ws: &mut Ws, id: &str) -> Result<(), Option<Phase>> {
    let until = Instant::now() + START_WAIT;
    loop {
        match phase(app, id) {
            Phase::Running => return Ok(()),
            Phase::Starting if Instant::now() < until => {}
            p => return Err(Some(p)),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(50)) => {}
            m = ws.next() => if gone(&m) { return Err(None) },
        }
    }
}
