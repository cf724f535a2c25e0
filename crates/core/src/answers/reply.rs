//! The Reply model: what a command answers, with no Discord types in it.
//!
//! A [`Reply`] is one message: optional plain content, cards (rendered as embeds), link
//! buttons, and controls whose state lives in a [`Target`] so they keep working after a
//! restart.

use super::target::Target;
use super::trend::TrendQuery;

/// One message to show a reader.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    pub content: Option<String>,
    pub cards: Vec<Card>,
    /// Buttons that open a web page.
    pub links: Vec<LinkButton>,
    /// Buttons and menus that open another answer.
    pub controls: Vec<Control>,
    /// Shown only to the person who asked.
    pub private: bool,
    /// A file sent with the message: a chart, shown as the first card's image.
    pub attachment: Option<Attachment>,
}

/// A picture sent with a reply.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Attachment {
    /// The file's name, which the card's image refers to (`attachment://trend.png`).
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Alt text: what the picture shows, in words.
    pub description: String,
}

impl Attachment {
    /// How a card refers to the file.
    pub fn url(&self) -> String {
        format!("attachment://{}", self.file_name)
    }
}

impl std::fmt::Debug for Attachment {
    // The bytes would flood every log line that prints a reply.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("file_name", &self.file_name)
            .field("bytes", &self.bytes.len())
            .field("description", &self.description)
            .finish()
    }
}

/// A titled block of text with optional fields: an embed on Discord.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Card {
    pub title: String,
    pub url: Option<String>,
    /// A line above the title (the issue a section belongs to, a tale's setting).
    pub author: Option<String>,
    pub description: String,
    pub fields: Vec<Field>,
    pub footer: Option<String>,
    pub tone: Tone,
}

/// A named value inside a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

impl Field {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
            inline: false,
        }
    }

    pub fn inline(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            inline: true,
            ..Self::new(name, value)
        }
    }
}

/// What kind of answer a card is: the renderer picks a colour from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    #[default]
    Archive,
    Tale,
    Notice,
    Problem,
}

/// A button that opens a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkButton {
    pub label: String,
    pub url: String,
}

/// An interactive element whose state is carried in its target(s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    Button {
        label: String,
        target: Target,
    },
    /// Redraw a trend, e.g. per quarter instead of per year; the query is the custom_id.
    Trend {
        label: String,
        query: TrendQuery,
    },
    Menu {
        /// The menu's own identity, so several menus on one message stay distinct.
        id: MenuId,
        placeholder: String,
        options: Vec<MenuOption>,
    },
}

impl Control {
    pub fn button(label: impl Into<String>, target: Target) -> Self {
        Control::Button {
            label: label.into(),
            target,
        }
    }
}

/// Which menu: part of the menu's custom_id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuId {
    /// Open a part of an issue (its sections and tale).
    Contents,
    /// Open a search result.
    Results,
    /// Open an issue that this one mentions.
    Mentions,
}

impl MenuId {
    /// The menu's custom_id; the chosen option's value carries the target.
    pub fn custom_id(self) -> &'static str {
        match self {
            MenuId::Contents => "ia1:menu:contents",
            MenuId::Results => "ia1:menu:results",
            MenuId::Mentions => "ia1:menu:mentions",
        }
    }

    pub fn from_custom_id(id: &str) -> Option<Self> {
        [MenuId::Contents, MenuId::Results, MenuId::Mentions]
            .into_iter()
            .find(|m| m.custom_id() == id)
    }
}

/// One choice of a menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuOption {
    pub label: String,
    pub description: Option<String>,
    pub target: Target,
}

impl Reply {
    /// A reply made of one card.
    pub fn card(card: Card) -> Self {
        Self {
            cards: vec![card],
            ..Self::default()
        }
    }

    /// A short private notice, for answers that explain what to do instead.
    pub fn notice(title: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            cards: vec![Card {
                title: title.into(),
                description: text.into(),
                tone: Tone::Notice,
                ..Card::default()
            }],
            private: true,
            ..Self::default()
        }
    }
}
