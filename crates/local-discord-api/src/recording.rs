//! What the harness saw, as tests inspect it.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::uploads::UploadedFile;

/// One REST request and how it was answered.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// The path after `/api/v10`, e.g. `/channels/1/messages`.
    pub path: String,
    pub query: Option<String>,
    /// The JSON body (`payload_json` for multipart), `Null` if none.
    pub body: Value,
    /// Files uploaded with a multipart body.
    pub files: Vec<UploadedFile>,
    pub status: u16,
    /// Why Discord would have refused the request, if it would have.
    pub violations: Vec<String>,
    /// True for routes the harness does not implement.
    pub unexpected: bool,
    pub at: Instant,
}

/// One answer to an interaction (`POST /interactions/{id}/{token}/callback`).
#[derive(Clone, Debug)]
pub struct Recorded {
    pub interaction_id: u64,
    /// The callback `type` (4 message, 5 deferred, 6 deferred update, 7 update, 8
    /// autocomplete, 9 modal), if the body had one.
    pub callback_type: Option<u64>,
    pub body: Value,
    /// 204 if Discord would have accepted it.
    pub status: u16,
    pub violations: Vec<String>,
    pub dispatched_at: Instant,
    pub responded_at: Instant,
}

impl Recorded {
    /// Time from INTERACTION_CREATE leaving the gateway to the callback arriving.
    pub fn latency(&self) -> Duration {
        self.responded_at.duration_since(self.dispatched_at)
    }

    /// The callback's `data` (message, or autocomplete choices).
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    pub fn is_accepted(&self) -> bool {
        self.status == 204
    }
}

/// An IDENTIFY the gateway accepted.
#[derive(Clone, Debug)]
pub struct Identified {
    pub shard_id: u32,
    pub shard_total: u32,
    pub intents: u64,
    pub token: String,
    pub at: Instant,
}
