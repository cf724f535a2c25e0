//! A WordPress site: the REST API lists every post with its content, a hundred at a time,
//! its page count in `X-WP-TotalPages`; where the REST API is switched off, the paged feed
//! (`/feed/?paged=N`) lists them instead.

use reqwest::StatusCode;
use serde::Deserialize;

use super::polite::{PoliteClient, RequestError};
use super::{titles, Listed};
use crate::archive::feed::plain_text;
use crate::follow::FetchError;
use crate::store::{CrawlPost, Validators};

/// Posts per REST page (the most WordPress serves).
pub const PAGE_SIZE: i64 = 100;

#[derive(Debug, Deserialize)]
struct RestPost {
    id: i64,
    #[serde(default)]
    date: Option<String>,
    link: String,
    title: Rendered,
    content: Rendered,
}

#[derive(Debug, Deserialize)]
struct Rendered {
    #[serde(default)]
    rendered: String,
}

/// Why a WordPress listing gave nothing usable.
#[derive(Debug, thiserror::Error)]
pub enum WordPressError {
    #[error("{0}")]
    Request(#[from] RequestError),
    #[error("the REST API answered something other than a list of posts: {0}")]
    NotPosts(String),
    #[error("the feed could not be read: {0}")]
    Feed(String),
}

impl WordPressError {
    /// Whether the REST API looks switched off or absent (rather than failing for now), so
    /// that the feed should be read instead.
    pub fn rest_is_off(&self) -> bool {
        match self {
            WordPressError::NotPosts(_) => true,
            WordPressError::Request(RequestError::Fetch(FetchError::Status { status, .. })) => {
                status.is_client_error() && *status != StatusCode::TOO_MANY_REQUESTS
            }
            _ => false,
        }
    }
}

pub fn rest_url(base: &str, page: i64) -> String {
    format!(
        "{base}/wp-json/wp/v2/posts?per_page={PAGE_SIZE}&page={page}&_fields=id,date,link,title,content"
    )
}

pub fn feed_url(base: &str, page: i64) -> String {
    format!("{base}/feed/?paged={page}")
}

/// REST page `page` (from 1): its posts and the number of pages; None when the page is as
/// it was when `last` was served.
pub async fn rest_page(
    client: &PoliteClient,
    base: &str,
    page: i64,
    last: &Validators,
) -> Result<Option<Listed>, WordPressError> {
    let Some(fetched) = client.get_if_changed(&rest_url(base, page), last).await? else {
        return Ok(None);
    };
    let posts: Vec<RestPost> = serde_json::from_slice(&fetched.bytes)
        .map_err(|error| WordPressError::NotPosts(error.to_string()))?;
    let total_pages = fetched
        .headers
        .get("x-wp-totalpages")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse().ok());
    let posts = posts
        .into_iter()
        .map(|post| {
            listed(
                post.id.to_string(),
                &post.title.rendered,
                post.link,
                post.date,
                post.content.rendered,
            )
        })
        .collect();
    Ok(Some(Listed {
        posts,
        validators: fetched.validators,
        total_pages,
    }))
}

/// Feed page `page` (from 1): an empty list, or a 404 past the first page, ends the feed;
/// None when the page is as it was when `last` was served.
pub async fn feed_page(
    client: &PoliteClient,
    base: &str,
    page: i64,
    last: &Validators,
) -> Result<Option<Listed>, WordPressError> {
    let fetched = match client.get_if_changed(&feed_url(base, page), last).await {
        Ok(Some(fetched)) => fetched,
        Ok(None) => return Ok(None),
        Err(RequestError::Fetch(FetchError::Status {
            status: StatusCode::NOT_FOUND,
            ..
        })) if page > 1 => return Ok(Some(Listed::default())),
        Err(error) => return Err(error.into()),
    };
    let feed = feed_rs::parser::parse(&fetched.bytes[..])
        .map_err(|error| WordPressError::Feed(error.to_string()))?;
    let posts = feed
        .entries
        .into_iter()
        .filter_map(|entry| {
            let link = entry.links.first()?.href.clone();
            let title = entry.title.map(|t| t.content).unwrap_or_default();
            let body = entry
                .content
                .and_then(|content| content.body)
                .or(entry.summary.map(|summary| summary.content))
                .unwrap_or_default();
            let published = entry.published.or(entry.updated).map(|at| at.to_rfc3339());
            Some(listed(link.clone(), &title, link, published, body))
        })
        .collect();
    Ok(Some(Listed {
        posts,
        validators: fetched.validators,
        total_pages: None,
    }))
}

fn listed(
    key: String,
    title_html: &str,
    link: String,
    published: Option<String>,
    body: String,
) -> CrawlPost {
    let title = plain_text(title_html);
    let issue = titles::issue_of(&title).map(|(number, _)| number);
    CrawlPost {
        post: key,
        issue,
        title,
        url: link,
        published,
        body_url: None,
        // Only an issue's body is kept until it is stored.
        body: issue.map(|_| body),
    }
}
