//! WebSocket helpers shared by the live-view socket tests.

use futures_util::SinkExt;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::Emu;

pub type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The emulator's address for `path` with the `ws://` scheme.
pub fn ws_url(e: &Emu, path: &str) -> String {
    format!("{}{path}", e.base.replacen("http://", "ws://", 1))
}

/// Sends `v` as a JSON text message.
pub async fn send(ws: &mut Client, v: Value) {
    ws.send(Message::text(v.to_string())).await.expect("send");
}
