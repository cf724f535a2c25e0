//! A Substack publication: its archive API lists every post, fifty at a time, newest
//! first; each post's body comes from the post API, or from its page when the API has none.

use serde::Deserialize;

use super::polite::{PoliteClient, RequestError};
use super::read::Body;
use super::{titles, Listed};
use crate::store::{CrawlPost, Validators};

/// Posts per archive page (the most Substack serves).
pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Deserialize)]
struct ArchivePost {
    slug: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    post_date: Option<String>,
    #[serde(default)]
    canonical_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PostBody {
    #[serde(default)]
    body_html: Option<String>,
}

/// Why a Substack request gave nothing usable.
#[derive(Debug, thiserror::Error)]
pub enum SubstackError {
    #[error("{0}")]
    Request(#[from] RequestError),
    #[error("the archive API answered something other than a list of posts: {0}")]
    NotAnArchive(String),
}

pub fn archive_url(base: &str, offset: i64) -> String {
    format!("{base}/api/v1/archive?sort=new&offset={offset}&limit={PAGE_SIZE}")
}

/// The posts at `offset` of the archive (an empty page ends it); None when the page is as
/// it was when `last` was served.
pub async fn archive_page(
    client: &PoliteClient,
    base: &str,
    offset: i64,
    last: &Validators,
) -> Result<Option<Listed>, SubstackError> {
    let url = archive_url(base, offset);
    let Some(page) = client.get_if_changed(&url, last).await? else {
        return Ok(None);
    };
    let posts: Vec<ArchivePost> = serde_json::from_slice(&page.bytes)
        .map_err(|error| SubstackError::NotAnArchive(error.to_string()))?;
    let posts = posts
        .into_iter()
        .map(|post| {
            let title = post.title.unwrap_or_default().trim().to_owned();
            let url = post
                .canonical_url
                .unwrap_or_else(|| format!("{base}/p/{}", post.slug));
            CrawlPost {
                issue: titles::issue_of(&title).map(|(number, _)| number),
                body_url: Some(format!("{base}/api/v1/posts/{}", post.slug)),
                post: post.slug,
                title,
                url,
                published: post.post_date,
                body: None,
            }
        })
        .collect();
    Ok(Some(Listed {
        posts,
        validators: page.validators,
        total_pages: None,
    }))
}

/// A post's body: from the post API, else (no body there, for a paid post or an API
/// that refuses) from the post's page.
pub async fn body(client: &PoliteClient, post: &CrawlPost) -> Result<Body, RequestError> {
    if let Some(api) = &post.body_url {
        match client.get(api).await {
            Ok((bytes, _)) => {
                let html = serde_json::from_slice::<PostBody>(&bytes)
                    .ok()
                    .and_then(|body| body.body_html)
                    .filter(|html| !html.trim().is_empty());
                if let Some(html) = html {
                    return Ok(Body::Fragment(html));
                }
            }
            Err(RequestError::Fetch(error)) => {
                tracing::info!(url = api, %error, "no body from the post API; reading the page")
            }
            Err(error) => return Err(error),
        }
    }
    let (bytes, _) = client.get(&post.url).await?;
    Ok(Body::Page(String::from_utf8_lossy(&bytes).into_owned()))
}
