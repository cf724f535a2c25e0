//! The gateway: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, then dispatches that
//! tests send. Plain-text JSON frames (Discord compresses only when asked per connection).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

use super::objects;
use super::recording::Identified;
use super::state::{shard_of, Event, Session, Shared};

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

type Socket = tokio_tungstenite::WebSocketStream<TcpStream>;
type WsResult<T = ()> = Result<T, tokio_tungstenite::tungstenite::Error>;

/// One client connection: its socket, its sequence numbers and whether it identified.
struct Connection {
    id: u64,
    socket: Socket,
    sequence: u64,
    identified: bool,
    shared: Arc<Shared>,
    events: mpsc::UnboundedSender<Event>,
}

/// What to do after a client payload.
enum Next {
    Continue,
    Close(u16, &'static str),
}

async fn run_connection(stream: TcpStream, shared: Arc<Shared>) -> WsResult {
    let socket = tokio_tungstenite::accept_async(stream).await?;
    let (events, mut queued) = mpsc::unbounded_channel();
    let mut connection = Connection {
        id: next_connection_id(),
        socket,
        sequence: 0,
        identified: false,
        shared,
        events,
    };
    let hello = json!({"heartbeat_interval": HEARTBEAT_INTERVAL_MS});
    connection.send_op(10, hello).await?;
    let outcome = loop {
        tokio::select! {
            incoming = connection.socket.next() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(_))) | None => break Ok(()),
                    Some(Ok(_)) => continue,
                    Some(Err(error)) => break Err(error),
                };
                match connection.answer(&text).await {
                    Ok(Next::Continue) => {}
                    Ok(Next::Close(code, reason)) => break connection.close(code, reason).await,
                    Err(error) => break Err(error),
                }
            }
            Some((event, data)) = queued.recv() => {
                if let Err(error) = connection.dispatch(&event, data).await {
                    break Err(error);
                }
            }
        }
    };
    let id = connection.id;
    let shared = connection.shared;
    shared.with(|state| state.sessions.retain(|session| session.connection != id));
    outcome
}

impl Connection {
    async fn answer(&mut self, text: &str) -> WsResult<Next> {
        let Ok(payload) = serde_json::from_str::<Value>(text) else {
            return Ok(Next::Close(4002, "Decode error"));
        };
        match payload["op"].as_u64() {
            Some(1) => self.send_op(11, Value::Null).await?,
            Some(2) if self.identified => return Ok(Next::Close(4005, "Already authenticated")),
            Some(2) => {
                let Some(greeting) = identify(&self.shared, self.id, &payload["d"], &self.events)
                else {
                    return Ok(Next::Close(4004, "Authentication failed"));
                };
                self.identified = true;
                for (event, data) in greeting {
                    self.dispatch(&event, data).await?;
                }
            }
            // No session survives a reconnect here: ask the client to identify anew.
            Some(6) => self.send_op(9, json!(false)).await?,
            // Presence, voice, member-chunk and soundboard requests need no answer.
            Some(3 | 4 | 8 | 31) => {}
            _ => return Ok(Next::Close(4001, "Unknown opcode")),
        }
        Ok(Next::Continue)
    }

    async fn send_op(&mut self, op: u64, data: Value) -> WsResult {
        let payload = json!({"op": op, "d": data, "s": null, "t": null});
        self.socket.send(Message::Text(payload.to_string())).await
    }

    /// A dispatch (op 0), numbered per connection as Discord numbers them.
    async fn dispatch(&mut self, event: &str, data: Value) -> WsResult {
        self.sequence += 1;
        let payload = json!({"op": 0, "d": data, "s": self.sequence, "t": event});
        self.socket.send(Message::Text(payload.to_string())).await
    }

    async fn close(&mut self, code: u16, reason: &str) -> WsResult {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.to_string().into(),
        };
        self.socket.send(Message::Close(Some(frame))).await
    }
}

/// Records the IDENTIFY, registers the session for dispatches and returns READY followed
/// by a GUILD_CREATE per guild of the shard. `None` for a bad token.
fn identify(
    shared: &Shared,
    connection: u64,
    data: &Value,
    events: &mpsc::UnboundedSender<Event>,
) -> Option<Vec<Event>> {
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
