//! Both homes of a newsletter on 127.0.0.1, for the backfill tests and bench: a Substack
//! (archive API, post API, post pages) and a WordPress site (REST API with `X-WP-TotalPages`,
//! paged RSS feed), each on its own port. Posts are generated: realistic issue HTML with
//! sections, link lines and a Tech Tale, plus posts that are not issues. The site counts
//! every request and can be told to fail a path once (429 with Retry-After, 500, a stall),
//! to switch its REST API off, or to serve a body that cannot be read.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Response, StatusCode};
use axum::Router;

/// One post on one home.
#[derive(Debug, Clone)]
pub struct Post {
    pub id: u32,
    pub slug: String,
    pub title: String,
    /// `2023-03-20`.
    pub date: String,
    pub body_html: String,
}

/// A fault served once, on the first request for a path.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 429 with `Retry-After: N` seconds.
    RateLimited(u64),
    /// 500 Internal Server Error.
    ServerError,
    /// Waits this long before answering.
    Stall(Duration),
}

#[derive(Default)]
struct State {
    substack: Vec<Post>,
    wordpress: Vec<Post>,
    rest_off: bool,
    faults: HashMap<(&'static str, String), Fault>,
    /// Requests per path and query.
    requests: BTreeMap<String, usize>,
    /// Every request in arrival order.
    log: Vec<Request>,
}

/// One request as the site saw it.
#[derive(Debug, Clone)]
pub struct Request {
    /// `substack` or `wordpress`.
    pub home: &'static str,
    pub target: String,
    pub at: std::time::Instant,
    /// Answered 304: the request carried the listing's current ETag.
    pub not_modified: bool,
}

/// The running site. Its servers live on a runtime of their own, so tests can run the
/// binary with blocking calls.
pub struct Site {
    pub substack: SocketAddr,
    pub wordpress: SocketAddr,
    state: Arc<Mutex<State>>,
    _runtime: tokio::runtime::Runtime,
}

impl Site {
    pub fn start(substack: Vec<Post>, wordpress: Vec<Post>) -> Site {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let state = Arc::new(Mutex::new(State {
            substack,
            wordpress,
            ..State::default()
        }));
        let (substack, wordpress) = runtime.block_on(async {
            let substack = serve(Arc::clone(&state), Home::Substack).await;
            let wordpress = serve(Arc::clone(&state), Home::WordPress).await;
            (substack, wordpress)
        });
        Site {
            substack,
            wordpress,
            state,
            _runtime: runtime,
        }
    }

    pub fn substack_url(&self) -> String {
        format!("http://{}", self.substack)
    }

    pub fn wordpress_url(&self) -> String {
        format!("http://{}", self.wordpress)
    }

    /// Fails the first request to `home` (`substack` or `wordpress`) for `path_and_query`
    /// (as the client sends it) with `fault`.
    pub fn fault(&self, home: &'static str, path_and_query: &str, fault: Fault) {
        self.lock()
            .faults
            .insert((home, path_and_query.to_owned()), fault);
    }

    /// Requests to `home` for `path_and_query`.
    pub fn count(&self, home: &str, path_and_query: &str) -> usize {
        self.lock()
            .log
            .iter()
            .filter(|r| r.home == home && r.target == path_and_query)
            .count()
    }

    pub fn rest_off(&self) {
        self.lock().rest_off = true;
    }

    /// Requests per path and query, both homes together.
    pub fn requests(&self) -> BTreeMap<String, usize> {
        self.lock().requests.clone()
    }

    /// Every request, in arrival order.
    pub fn log(&self) -> Vec<Request> {
        self.lock().log.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }
}

#[derive(Clone, Copy)]
enum Home {
    Substack,
    WordPress,
}

async fn serve(state: Arc<Mutex<State>>, home: Home) -> SocketAddr {
    let app = Router::new().fallback(move |request: axum::http::Request<Body>| {
        let state = Arc::clone(&state);
        let uri = request.uri().clone();
        let if_none_match = request
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        async move { answer(&state, home, &uri, if_none_match).await }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

async fn answer(
    state: &Mutex<State>,
    home: Home,
    uri: &axum::http::Uri,
    if_none_match: Option<String>,
) -> Response<Body> {
    let target = uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let fault = {
        let mut state = state.lock().unwrap();
        let name = match home {
            Home::Substack => "substack",
            Home::WordPress => "wordpress",
        };
        let etag = listing_etag(&state, home, uri);
        let not_modified = etag.is_some() && etag == if_none_match;
        *state.requests.entry(target.clone()).or_default() += 1;
        state.log.push(Request {
            home: name,
            target: target.clone(),
            at: std::time::Instant::now(),
            not_modified,
        });
        let fault = state.faults.remove(&(name, target.clone()));
        if fault.is_none() && not_modified {
            return status(StatusCode::NOT_MODIFIED);
        }
        (fault, etag)
    };
    let (fault, etag) = fault;
    match fault {
        Some(Fault::RateLimited(seconds)) => {
            return Response::builder()
                .status(StatusCode::TOO_MANY_REQUESTS)
                .header(header::RETRY_AFTER, seconds.to_string())
                .body(Body::from("slow down"))
                .unwrap()
        }
        Some(Fault::ServerError) => return status(StatusCode::INTERNAL_SERVER_ERROR),
        Some(Fault::Stall(pause)) => tokio::time::sleep(pause).await,
        None => {}
    }
    let path = uri.path();
    let query: HashMap<String, String> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let number = |key: &str, default: usize| {
        query
            .get(key)
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(default)
    };
    let mut response = listing_or_post(&state.lock().unwrap(), home, path, &number);
    if let (Some(etag), true) = (etag, response.status().is_success()) {
        response
            .headers_mut()
            .insert(header::ETAG, etag.parse().unwrap());
    }
    response
}

/// A listing's ETag: it changes whenever the home's posts do. None for other paths.
fn listing_etag(state: &State, home: Home, uri: &axum::http::Uri) -> Option<String> {
    let listing = matches!(
        uri.path(),
        "/api/v1/archive" | "/wp-json/wp/v2/posts" | "/feed/"
    );
    if !listing || (state.rest_off && uri.path() == "/wp-json/wp/v2/posts") {
        return None;
    }
    use std::hash::{Hash, Hasher};
    let posts = match home {
        Home::Substack => &state.substack,
        Home::WordPress => &state.wordpress,
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    uri.to_string().hash(&mut hasher);
    for post in posts {
        (&post.slug, &post.title, &post.body_html).hash(&mut hasher);
    }
    Some(format!("\"{:x}\"", hasher.finish()))
}

fn listing_or_post(
    state: &State,
    home: Home,
    path: &str,
    number: &dyn Fn(&str, usize) -> usize,
) -> Response<Body> {
    match home {
        Home::Substack => {
            if path == "/api/v1/archive" {
                let (offset, limit) = (number("offset", 0), number("limit", 12).min(50));
                let page: Vec<_> = state
                    .substack
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .map(|post| {
                        serde_json::json!({
                            "id": post.id,
                            "title": post.title,
                            "subtitle": "A newsletter about AI research",
                            "slug": post.slug,
                            "post_date": format!("{}T13:00:00.000Z", post.date),
                            "canonical_url": format!("https://importai.substack.com/p/{}", post.slug),
                            "type": "newsletter",
                            "audience": "everyone",
                        })
                    })
                    .collect();
                return json(&serde_json::Value::Array(page), &[]);
            }
            let post = |slug: &str| state.substack.iter().find(|p| p.slug == slug);
            if let Some(post) = path.strip_prefix("/api/v1/posts/").and_then(post) {
                let body = serde_json::json!({"id": post.id, "title": post.title, "body_html": post.body_html});
                return json(&body, &[]);
            }
            status(StatusCode::NOT_FOUND)
        }
        Home::WordPress => {
            if path == "/wp-json/wp/v2/posts" {
                if state.rest_off {
                    let off = serde_json::json!({"code": "rest_disabled", "message": "The REST API is disabled on this site."});
                    let mut response = json(&off, &[]);
                    *response.status_mut() = StatusCode::UNAUTHORIZED;
                    return response;
                }
                let per_page = number("per_page", 10).min(100);
                let page = number("page", 1);
                if page == 0 {
                    let invalid = serde_json::json!({"code": "rest_invalid_param"});
                    let mut response = json(&invalid, &[]);
                    *response.status_mut() = StatusCode::BAD_REQUEST;
                    return response;
                }
                let total = state.wordpress.len();
                let pages = total.div_ceil(per_page).max(1);
                if page > pages {
                    let invalid = serde_json::json!({"code": "rest_post_invalid_page_number"});
                    let mut response = json(&invalid, &[]);
                    *response.status_mut() = StatusCode::BAD_REQUEST;
                    return response;
                }
                let posts: Vec<_> = state
                    .wordpress
                    .iter()
                    .skip((page - 1) * per_page)
                    .take(per_page)
                    .map(|post| {
                        serde_json::json!({
                            "id": post.id,
                            "date": format!("{}T09:00:00", post.date),
                            "link": wordpress_link(post),
                            "title": {"rendered": html_escape(&post.title)},
                            "content": {"rendered": post.body_html, "protected": false},
                        })
                    })
                    .collect();
                return json(
                    &serde_json::Value::Array(posts),
                    &[
                        ("x-wp-total", total.to_string()),
                        ("x-wp-totalpages", pages.to_string()),
                    ],
                );
            }
            if path == "/feed/" || path == "/feed" {
                const FEED_PAGE: usize = 10;
                let page = number("paged", 1).max(1);
                let items: Vec<&Post> = state
                    .wordpress
                    .iter()
                    .skip((page - 1) * FEED_PAGE)
                    .take(FEED_PAGE)
                    .collect();
                if items.is_empty() && page > 1 {
                    return status(StatusCode::NOT_FOUND);
                }
                return Response::builder()
                    .header(header::CONTENT_TYPE, "application/rss+xml; charset=UTF-8")
                    .body(Body::from(rss(&items)))
                    .unwrap();
            }
            status(StatusCode::NOT_FOUND)
        }
    }
}

pub fn wordpress_link(post: &Post) -> String {
    format!(
        "https://jack-clark.net/{}/{}/",
        post.date.replace('-', "/"),
        post.slug
    )
}

fn rss(items: &[&Post]) -> String {
    let items: String = items
        .iter()
        .map(|post| {
            let date = chrono::NaiveDate::parse_from_str(&post.date, "%Y-%m-%d")
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap()
                .and_utc()
                .to_rfc2822();
            format!(
                "<item><title>{}</title><link>{}</link><pubDate>{date}</pubDate>\
                 <guid isPermaLink=\"false\">https://jack-clark.net/?p={}</guid>\
                 <description>A newsletter about AI research</description>\
                 <content:encoded><![CDATA[{}]]></content:encoded></item>\n",
                html_escape(&post.title),
                wordpress_link(post),
                post.id,
                post.body_html
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n<channel>\n\
         <title>Import AI</title>\n<link>https://jack-clark.net</link>\n\
         <description>Jack Clark's newsletter</description>\n{items}</channel>\n</rss>\n"
    )
}

fn json(value: &serde_json::Value, headers: &[(&str, String)]) -> Response<Body> {
    let mut response = Response::builder().header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        response = response.header(*name, value);
    }
    response.body(Body::from(value.to_string())).unwrap()
}

fn status(status: StatusCode) -> Response<Body> {
    Response::builder()
        .status(status)
        .body(Body::from(status.to_string()))
        .unwrap()
}

/// What WordPress does to a title: `&` and quotes as entities, a dash as `&#8211;`.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('–', "&#8211;")
        .replace('’', "&#8217;")
}

/// A generated issue's body: an editor's note, `sections` stories (heading, teaser, text,
/// why-it-matters, a link line; `urls` of them with an address), and a Tech Tale.
pub fn issue_html(number: u32, sections: usize, urls: usize) -> String {
    let mut html = format!(
        "<p>Welcome to Import AI, a newsletter about artificial intelligence. Issue {number} \
         comes a little late this week.</p>\n"
    );
    for s in 1..=sections {
        let topic = ["robots", "chips", "language models", "datasets", "policy"][s % 5];
        if s > 1 {
            html.push_str("<p>####################################################</p>\n");
        }
        html.push_str(&format!(
            "<p><strong>Researchers teach {topic} trick {number}.{s}:</strong></p>\n\
             <p><em>…A story about {topic} and what it means for issue {number}…</em></p>\n\
             <p>Researchers at a lab published a paper about {topic} in which they show a new \
             method, number {s}, that is about {s}0% better than the prior state of the art on \
             a benchmark that people care about. The details are in the paper.</p>\n\
             <p><strong>Why this matters:</strong> Progress in {topic} compounds, and this \
             result from issue {number} is one more sign of it.</p>\n"
        ));
        let link_title = format!("Teaching {topic} trick {number}.{s}");
        if s <= urls {
            html.push_str(&format!(
                "<p>   <strong>Read more</strong>: <a href=\"https://arxiv.org/abs/{number}.{s:05}\">{link_title} (arXiv)</a>.</p>\n"
            ));
        } else {
            html.push_str(&format!(
                "<p>   <strong>Read more</strong>: {link_title} (arXiv).</p>\n"
            ));
        }
    }
    html.push_str(&format!(
        "<p>####################################################</p>\n\
         <p><strong>Tech Tales:</strong></p>\n\
         <p><strong>The Archivist {number}</strong></p>\n\
         <p><em>[Earth, 2031]</em></p>\n\
         <p>The machine kept every issue of the newsletter, and on quiet nights it read them \
         back to itself, number {number} most of all, wondering which of the predictions had \
         come true and which had merely been hoped for.</p>\n\
         <p><em>Things that inspired this story: archives; backfills; patience.</em></p>\n"
    ));
    html
}

/// A post of issue `number` with a generated body.
pub fn issue_post(number: u32, title: &str, date: &str, sections: usize, urls: usize) -> Post {
    Post {
        id: 10_000 + number,
        slug: format!("import-ai-{number}"),
        title: title.to_owned(),
        date: date.to_owned(),
        body_html: issue_html(number, sections, urls),
    }
}

/// A post that is not an issue.
pub fn other_post(id: u32, title: &str, date: &str) -> Post {
    Post {
        id,
        slug: format!("post-{id}"),
        title: title.to_owned(),
        date: date.to_owned(),
        body_html: "<p>A note to readers about the newsletter.</p>".to_owned(),
    }
}
