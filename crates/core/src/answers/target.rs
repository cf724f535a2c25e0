//! What a button or menu choice opens, encoded in its `custom_id` (or option value).
//!
//! The whole state lives in the string, so a button on a week-old message still works after
//! the bot restarts. The `ia1` prefix versions the format and marks ids as ours.

use std::fmt;
use std::str::FromStr;

const PREFIX: &str = "ia1";
/// Longest search a button carries: the custom_id's 100 less `ia1:find:`.
pub const SEARCH_TEXT_BYTES: usize = 88;

/// An answer that a control opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Issue(u32),
    Section {
        issue: u32,
        position: u32,
    },
    /// A page (1-based) of a section's whole text.
    SectionText {
        issue: u32,
        position: u32,
        page: u32,
    },
    /// A page (1-based) of an issue's tale.
    Tale {
        issue: u32,
        page: u32,
    },
    /// A page (1-based) of an issue's links.
    Links {
        issue: u32,
        page: u32,
    },
    /// A search (a suggested spelling, say).
    Search(SearchText),
}

/// The words of a search, short enough for a custom_id, kept inline so that a [`Target`]
/// stays a plain value.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SearchText {
    bytes: [u8; SEARCH_TEXT_BYTES],
    len: u8,
}

impl SearchText {
    /// None when `text` is longer than [`SEARCH_TEXT_BYTES`] bytes.
    pub fn new(text: &str) -> Option<Self> {
        if text.len() > SEARCH_TEXT_BYTES {
            return None;
        }
        let mut bytes = [0; SEARCH_TEXT_BYTES];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Some(Self {
            bytes,
            len: text.len() as u8,
        })
    }

    pub fn as_str(&self) -> &str {
        // Built only from a whole &str in `new`.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Debug for SearchText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// A custom_id that is not one of ours, or is damaged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognised control id {0:?}")]
pub struct UnknownTarget(pub String);

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Issue(n) => write!(f, "{PREFIX}:issue:{n}"),
            Target::Section { issue, position } => write!(f, "{PREFIX}:sec:{issue}:{position}"),
            Target::SectionText {
                issue,
                position,
                page,
            } => write!(f, "{PREFIX}:text:{issue}:{position}:{page}"),
            Target::Tale { issue, page } => write!(f, "{PREFIX}:tale:{issue}:{page}"),
            Target::Links { issue, page } => write!(f, "{PREFIX}:links:{issue}:{page}"),
            Target::Search(text) => write!(f, "{PREFIX}:find:{}", text.as_str()),
        }
    }
}

impl FromStr for Target {
    type Err = UnknownTarget;

    fn from_str(id: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownTarget(id.chars().take(100).collect());
        if let Some(text) = id
            .strip_prefix(PREFIX)
            .and_then(|r| r.strip_prefix(":find:"))
        {
            return SearchText::new(text)
                .filter(|t| !t.as_str().trim().is_empty())
                .map(Target::Search)
                .ok_or_else(unknown);
        }
        let mut parts = id.split(':');
        if parts.next() != Some(PREFIX) {
            return Err(unknown());
        }
        let kind = parts.next().ok_or_else(unknown)?;
        let numbers: Vec<u32> = parts
            .map(|p| p.parse::<u32>().map_err(|_| unknown()))
            .collect::<Result<_, _>>()?;
        match (kind, numbers.as_slice()) {
            ("issue", [n]) => Ok(Target::Issue(*n)),
            ("sec", [issue, position]) => Ok(Target::Section {
                issue: *issue,
                position: *position,
            }),
            ("text", [issue, position, page]) => Ok(Target::SectionText {
                issue: *issue,
                position: *position,
                page: *page,
            }),
            ("tale", [issue, page]) => Ok(Target::Tale {
                issue: *issue,
                page: *page,
            }),
            ("links", [issue, page]) => Ok(Target::Links {
                issue: *issue,
                page: *page,
            }),
            _ => Err(unknown()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_survives_its_own_encoding() {
        let targets = [
            Target::Issue(310),
            Target::Section {
                issue: 4_000_000_000,
                position: 25,
            },
            Target::Tale {
                issue: 304,
                page: 3,
            },
            Target::Links { issue: 1, page: 1 },
            Target::SectionText {
                issue: u32::MAX,
                position: u32::MAX,
                page: u32::MAX,
            },
            Target::Search(SearchText::new("alignment: \"naïve\" 漢字").unwrap()),
            Target::Search(SearchText::new(&"é".repeat(SEARCH_TEXT_BYTES / 2)).unwrap()),
        ];
        for target in targets {
            let id = target.to_string();
            assert!(id.len() <= 100, "{id} is too long for a custom_id");
            assert_eq!(id.parse::<Target>(), Ok(target));
        }
    }

    #[test]
    fn foreign_and_damaged_ids_are_rejected() {
        for id in [
            "",
            "ia1",
            "ia1:sec:310",
            "ia1:sec:310:x",
            "ia1:sec:310:2:9",
            "ia2:issue:310",
            "other:issue:310",
            "ia1:issue:-1",
            "ia1:issue:99999999999",
            "ia1:find:",
            "ia1:find:   ",
        ] {
            assert!(id.parse::<Target>().is_err(), "{id:?} was accepted");
        }
    }
}
