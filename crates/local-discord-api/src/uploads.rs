//! Files uploaded with a message: `multipart/form-data` with a `payload_json` part and one
//! `files[n]` part per file, described (if at all) by the entry `{"id": n, "filename": …}`
//! of the payload's `attachments` (`data.attachments` in an interaction callback), as
//! Discord documents uploads. A file named `*.png` must be a PNG whose header states its
//! size: the bot's charts are shown by name (`attachment://trend.png`).

use serde_json::Value;

/// Discord's upload limit for a server without boosts.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

/// One file part of a multipart request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadedFile {
    /// The form field's name, `files[0]`.
    pub field: String,
    pub filename: String,
    pub bytes: Vec<u8>,
    /// The image's size from its PNG header, when it has one.
    pub width: u32,
    pub height: u32,
}

impl UploadedFile {
    pub fn new(field: String, filename: String, bytes: Vec<u8>) -> Self {
        let (width, height) = png_size(&bytes).unwrap_or((0, 0));
        Self {
            field,
            filename,
            bytes,
            width,
            height,
        }
    }
}

/// (width, height) from a PNG's signature and IHDR chunk; None if it is not a PNG.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let header = bytes.get(..24)?;
    if header[..8] != PNG_SIGNATURE || &header[8..16] != b"\0\0\0\x0dIHDR" {
        return None;
    }
    let number = |at: usize| u32::from_be_bytes(header[at..at + 4].try_into().unwrap());
    let (width, height) = (number(16), number(20));
    (width > 0 && height > 0).then_some((width, height))
}

/// What Discord would object to in the files of a request whose JSON part is `payload`.
pub fn problems(payload: &Value, files: &[UploadedFile]) -> Vec<String> {
    // A message body holds `attachments`; an interaction callback holds it in `data`.
    let stated: Vec<&Value> = payload
        .get("attachments")
        .or_else(|| payload.get("data")?.get("attachments"))
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let id_of = |attachment: &Value| match &attachment["id"] {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    };
    let mut problems = Vec::new();
    for file in files {
        let Some(n) = file
            .field
            .strip_prefix("files[")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            problems.push(format!("file part {:?} is not named files[n]", file.field));
            continue;
        };
        // Discord takes a file without an attachment entry (it gets no alt text).
        match stated.iter().find(|a| id_of(a) == Some(n)) {
            None => {}
            Some(a) if a["filename"].as_str() != Some(file.filename.as_str()) => {
                problems.push(format!(
                    "{} is named {:?} but its attachment says {}",
                    file.field, file.filename, a["filename"]
                ))
            }
            Some(_) => {}
        }
        if file.bytes.len() > MAX_FILE_BYTES {
            problems.push(format!(
                "{} is {} bytes, over Discord's {MAX_FILE_BYTES}",
                file.field,
                file.bytes.len()
            ));
        }
        if file.filename.to_lowercase().ends_with(".png") && png_size(&file.bytes).is_none() {
            problems.push(format!(
                "{} ({:?}) is not a PNG file",
                file.field, file.filename
            ));
        }
    }
    // A new attachment (its id a file index) needs its file; existing ones are snowflakes.
    for attachment in &stated {
        if let Some(n) = id_of(attachment).filter(|n| *n < 10) {
            if !files.iter().any(|f| f.field == format!("files[{n}]")) {
                problems.push(format!(
                    "attachment {n} ({}) has no files[{n}] part",
                    attachment["filename"]
                ));
            }
        }
    }
    problems
}
