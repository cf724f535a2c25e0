//! A newsletter site on 127.0.0.1 for the follow tests: a feed whose answer the test sets
//! (a feed, 304 support, a 500, a slow or huge answer, broken XML, an HTML page), a post
//! page, and a record of the conditional headers each request carried.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub const ITEM_911: &str = include_str!("../fixtures/follow/item-911.xml");
pub const ITEM_912: &str = include_str!("../fixtures/follow/item-912.xml");
pub const ITEM_310: &str = include_str!("../fixtures/follow/item-310.xml");
pub const PAGE_913: &str = include_str!("../fixtures/follow/page-913.html");

/// An RSS feed holding these items (newest first, as feeds list them).
pub fn feed(items: &[&str]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>Import AI</title>\n\
         <link>https://importai.substack.com</link>\n<description>Import AI is a newsletter \
         about AI research.</description>\n{}</channel>\n</rss>\n",
        items.concat()
    )
}

/// An item as a feed may rewrite it later: other date, other guid, same issue.
pub fn redated(item: &str, date: &str, guid: &str) -> String {
    let start = item.find("<pubDate>").expect("pubDate");
    let end = item.find("</pubDate>").expect("pubDate end");
    let item = format!("{}<pubDate>{date}{}", &item[..start], &item[end..]);
    let start = item.find("<guid").expect("guid");
    let end = item.find("</guid>").expect("guid end");
    format!(
        "{}<guid isPermaLink=\"false\">{guid}{}",
        &item[..start],
        &item[end..]
    )
}

/// What the feed route answers.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The feed, with an ETag and Last-Modified, honouring both validators with a 304.
    Feed(String),
    /// The feed, without validators and ignoring conditional headers.
    PlainFeed(String),
    Status(u16),
    /// Waits this long before answering with the feed.
    Slow(Duration, String),
    /// This many MiB of XML-ish bytes, streamed (no Content-Length).
    HugeStream(usize),
    /// This many MiB, with a Content-Length.
    Huge(usize),
    /// Served as the feed with this content type.
    Raw(&'static str, String),
}

/// The conditional headers one feed request carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
    pub status: u16,
}

#[derive(Default)]
struct Site {
    answer: Mutex<Option<Answer>>,
    seen: Mutex<Vec<Seen>>,
    /// MiB chunks produced by streamed answers.
    chunks_produced: AtomicUsize,
}

/// The running site; dropping it does not stop the server (the test's runtime does).
#[derive(Clone)]
pub struct NewsletterSite {
    addr: SocketAddr,
    site: Arc<Site>,
}

pub const LAST_MODIFIED: &str = "Mon, 06 Mar 2023 13:01:00 GMT";

impl NewsletterSite {
    pub async fn start(answer: Answer) -> Self {
        let site = Arc::new(Site::default());
        *site.answer.lock().unwrap() = Some(answer);
        let app = Router::new()
            .route("/feed", get(feed_route))
            .route("/p/import-ai-913", get(page_route))
            .with_state(Arc::clone(&site));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, site }
    }

    pub fn feed_url(&self) -> String {
        format!("http://{}/feed", self.addr)
    }

    pub fn page_url(&self) -> String {
        format!("http://{}/p/import-ai-913", self.addr)
    }

    pub fn answer(&self, answer: Answer) {
        *self.site.answer.lock().unwrap() = Some(answer);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.site.seen.lock().unwrap().clone()
    }

    pub fn requests(&self) -> usize {
        self.site.seen.lock().unwrap().len()
    }

    pub fn chunks_produced(&self) -> usize {
        self.site.chunks_produced.load(Ordering::SeqCst)
    }
}

/// A strong ETag derived from the body, as a server computes it.
pub fn etag_of(body: &str) -> String {
    let sum = body.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("\"{sum:016x}\"")
}

async fn feed_route(State(site): State<Arc<Site>>, headers: HeaderMap) -> Response {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let if_none_match = text(header::IF_NONE_MATCH);
    let if_modified_since = text(header::IF_MODIFIED_SINCE);
    let answer = site.answer.lock().unwrap().clone().expect("an answer");
    let response = match answer {
        Answer::Feed(body) => {
            let etag = etag_of(&body);
            let fresh = if_none_match.as_deref() == Some(etag.as_str())
                && if_modified_since.as_deref() == Some(LAST_MODIFIED);
            if fresh {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                (
                    [
                        (header::CONTENT_TYPE, "application/rss+xml; charset=utf-8"),
                        (header::ETAG, etag.as_str()),
                        (header::LAST_MODIFIED, LAST_MODIFIED),
                    ],
                    body,
                )
                    .into_response()
            }
        }
        Answer::PlainFeed(body) => (
            [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
            body,
        )
            .into_response(),
        Answer::Status(code) => (
            StatusCode::from_u16(code).unwrap(),
            "<html><body>Internal error</body></html>",
        )
            .into_response(),
        Answer::Slow(delay, body) => {
            tokio::time::sleep(delay).await;
            body.into_response()
        }
        Answer::HugeStream(mib) => {
            let site = Arc::clone(&site);
            let chunks = futures_util::stream::iter(0..mib).then(move |_| {
                let site = Arc::clone(&site);
                async move {
                    site.chunks_produced.fetch_add(1, Ordering::SeqCst);
                    Ok::<_, std::io::Error>(vec![b'x'; 1024 * 1024])
                }
            });
            let mut response = Response::new(Body::from_stream(chunks));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, "application/rss+xml".parse().unwrap());
            response
        }
        Answer::Huge(mib) => (
            [(header::CONTENT_TYPE, "application/rss+xml")],
            vec![b'x'; mib * 1024 * 1024],
        )
            .into_response(),
        Answer::Raw(content_type, body) => {
            ([(header::CONTENT_TYPE, content_type)], body).into_response()
        }
    };
    site.seen.lock().unwrap().push(Seen {
        if_none_match,
        if_modified_since,
        status: response.status().as_u16(),
    });
    response
}

use futures_util::StreamExt;

async fn page_route() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        PAGE_913,
    )
}

/// Log lines written while the guard lives (on this thread), each with the name of the
/// thread that wrote it, for checking warnings.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    pub fn capture() -> (Self, tracing::subscriber::DefaultGuard) {
        let logs = Logs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .with_thread_names(true)
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        (logs, guard)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
