//! The gateway: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, then dispatches that
//! tests send. Plain-text JSON frames (Discord compresses only when asked per connection).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use super::objects;
use super::recording::Identified;
use super::state::{shard_of, Session, Shared};

/// Discord's usual interval; serenity heartbeats well within a test's lifetime anyway.
const HEARTBEAT_INTERVAL_MS: u64 = 41_250;

pub async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    while let Ok((stream, _)) = listener.accept().await {
        let connection = Arc::clone(&shared);
        shared.keep_task(tokio::spawn(async move {
            // A connection that fails is the client's to retry; nothing to report here.
            let _ = run_connection(stream, connection).await;
        }));
    }
}

fn next_connection_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

async fn run_connection(
    stream: TcpStream,
    shared: Arc<Shared>,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let mut socket = tokio_tungstenite::accept_async(stream).await?;
    let connection = next_connection_id();
    let (events_tx, mut events_rx) = mpsc::unbounded_channel();
    let mut sequence = 0_u64;
    let mut send = |op: u64, event: Option<&str>, data: Value| {
        let sequence = (op == 0).then(|| {
            sequence += 1;
            sequence
        });
        Message::Text(json!({"op": op, "d": data, "s": sequence, "t": event}).to_string())
    };
    socket
        .send(send(
            10,
            None,
            json!({"heartbeat_interval": HEARTBEAT_INTERVAL_MS}),
        ))
        .await?;
    let outcome = loop {
        tokio::select! {
            incoming = socket.next() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(_))) | None => break Ok(()),
                    Some(Ok(_)) => continue,
                    Some(Err(error)) => break Err(error),
                };
                let Ok(payload) = serde_json::from_str::<Value>(&text) else {
                    // Discord closes with 4002 "Decode error".
                    break close(&mut socket, 4002, "Decode error").await;
                };
                match payload["op"].as_u64() {
                    Some(1) => socket.send(send(11, None, Value::Null)).await?,
                    Some(2) => {
                        let Some(greeting) = identify(&shared, connection, &payload["d"], &events_tx) else {
                            break close(&mut socket, 4004, "Authentication failed").await;
                        };
                        for (event, data) in greeting {
                            socket.send(send(0, Some(&event), data)).await?;
                        }
                    }
                    // No session survives a reconnect here: ask the client to identify anew.
                    Some(6) => socket.send(send(9, None, json!(false))).await?,
                    // Presence, voice and member-chunk requests need no answer.
                    Some(3 | 4 | 8 | 31) => {}
                    _ => break close(&mut socket, 4001, "Unknown opcode").await,
                }
            }
            Some((event, data)) = events_rx.recv() => {
                socket.send(send(0, Some(&event), data)).await?;
            }
        }
    };
    shared.with(|state| state.sessions.retain(|s| s.connection != connection));
    outcome
}

async fn close(
    socket: &mut tokio_tungstenite::WebSocketStream<TcpStream>,
    code: u16,
    reason: &str,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    use tokio_tungstenite::tungstenite::protocol::{frame::coding::CloseCode, CloseFrame};
    let frame = CloseFrame {
        code: CloseCode::from(code),
        reason: reason.to_string().into(),
    };
    socket.send(Message::Close(Some(frame))).await
}

/// Records the IDENTIFY, registers the session for dispatches and returns READY followed
/// by a GUILD_CREATE per guild of the shard. `None` for a bad token.
fn identify(
    shared: &Shared,
    connection: u64,
    data: &Value,
    events: &mpsc::UnboundedSender<(String, Value)>,
) -> Option<Vec<(String, Value)>> {
    let token = data["token"].as_str()?.to_string();
    let shard_id = data["shard"][0].as_u64().unwrap_or(0) as u32;
    let shard_total = data["shard"][1].as_u64().unwrap_or(1).max(1) as u32;
    shared.with(|state| {
        let guild_ids: Vec<u64> = state
            .guilds
            .keys()
            .copied()
            .filter(|id| shard_of(*id, shard_total) == shard_id)
            .collect();
        let ready = json!({
            "v": 10,
            "user": state.bot_user(),
            "guilds": guild_ids
                .iter()
                .map(|id| json!({"id": id.to_string(), "unavailable": true}))
                .collect::<Vec<_>>(),
            "session_id": format!("session-{connection}"),
            "resume_gateway_url": state.gateway_url,
            "shard": [shard_id, shard_total],
            "application": {"id": super::APPLICATION_ID.to_string(), "flags": 0},
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "guild_join_requests": [],
            "user_settings": {},
            "auth_session_id_hash": objects::next_snowflake().to_string(),
        });
        let mut greeting = vec![("READY".to_string(), ready)];
        for id in guild_ids {
            if let Some(guild) = state.guild_create(id) {
                greeting.push(("GUILD_CREATE".to_string(), guild));
            }
        }
        state.sessions.push(Session {
            connection,
            shard_id,
            shard_total,
            events: events.clone(),
        });
        state.identified.push(Identified {
            shard_id,
            shard_total,
            intents: data["intents"].as_u64().unwrap_or(0),
            token,
            at: Instant::now(),
        });
        Some(greeting)
    })
}
