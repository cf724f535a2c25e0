//! Backfill: every issue ever published, from each home of the newsletter (a Substack
//! publication, a WordPress site), read and stored as `ingest` would.
//!
//! ```text
//! discover (listing pages -> crawl table) -> fetch body -> read -> store (issue + crawl state)
//! ```
//!
//! - [`titles`]: which posts are issues;
//! - [`substack`], [`wordpress`]: discovery and bodies per kind of site;
//! - [`polite`]: delay per host, at most two requests in flight, `Retry-After`, retries;
//! - [`read`]: a body into its issue, with the API's title, date and URL.
//!
//! Every site is discovered before any body is fetched, so that an issue found on a Substack
//! site keeps its Substack URL as the read-online link whichever copy the archive keeps. The
//! crawl table ([`Store::crawl_page`]) makes an interrupted backfill resume where it stopped.

pub mod polite;
pub mod read;
pub mod substack;
pub mod titles;
pub mod wordpress;

use std::collections::BTreeMap;
use std::sync::Mutex;

use futures_util::future::join_all;

use self::polite::PoliteClient;
use self::read::Body;
use crate::store::{
    CrawlListing, CrawlPost, CrawlSite, CrawledPost, IngestOutcome, Store, Validators,
};

/// One listing page as fetched.
#[derive(Debug, Clone, Default)]
pub struct Listed {
    pub posts: Vec<CrawlPost>,
    /// To send back on the next request for the page.
    pub validators: Validators,
    /// The number of pages, when the site says (WordPress's `X-WP-TotalPages`).
    pub total_pages: Option<i64>,
}

/// The two homes of Import AI: Substack since 2023, WordPress since the first issue.
pub const DEFAULT_SITES: [&str; 2] = ["https://importai.substack.com", "https://jack-clark.net"];

/// The kind of site a base URL is, as the crawl table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    Substack,
    WordPress,
    /// A WordPress site whose REST API is off: its paged feed lists the posts.
    WordPressFeed,
}

impl Home {
    pub fn as_str(self) -> &'static str {
        match self {
            Home::Substack => "substack",
            Home::WordPress => "wordpress",
            Home::WordPressFeed => "wordpress-feed",
        }
    }

    fn parse(text: &str) -> Option<Home> {
        [Home::Substack, Home::WordPress, Home::WordPressFeed]
            .into_iter()
            .find(|home| home.as_str() == text)
    }

    /// The kind of a well-known site from its address; None when it has to be probed.
    fn known(base: &str) -> Option<Home> {
        let host = reqwest::Url::parse(base).ok()?.host_str()?.to_owned();
        if host == "substack.com" || host.ends_with(".substack.com") {
            Some(Home::Substack)
        } else if host == "jack-clark.net" || host.ends_with(".wordpress.com") {
            Some(Home::WordPress)
        } else {
            None
        }
    }

    /// The first listing page of a site of this kind.
    fn first_page(self) -> i64 {
        match self {
            Home::Substack => 0,
            Home::WordPress | Home::WordPressFeed => 1,
        }
    }
}

/// A site's base URL as given, without the slashes that would double in its API paths.
pub fn base_url(site: &str) -> String {
    site.trim().trim_end_matches('/').to_owned()
}

/// What a backfill does.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Base URLs; [`DEFAULT_SITES`] when empty.
    pub sites: Vec<String>,
    /// Only issues numbered this or higher are fetched.
    pub since: Option<u32>,
}

/// What happens, as it happens: for a progress bar or log lines.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A listing page was read: how many issues and other posts it held.
    Discovered {
        site: &'a str,
        issues: usize,
        skipped: usize,
    },
    /// Discovery is over: this many issue bodies are to be fetched.
    ToFetch(usize),
    /// A post that is not an issue (its title).
    Skipped(&'a str),
    Stored {
        number: u32,
        title: &'a str,
        outcome: IngestOutcome,
    },
    Failed(&'a Failure),
}

/// Receives a backfill's [`Event`]s.
pub trait Observer: Send + Sync {
    fn event(&self, event: Event<'_>);
}

/// An observer that ignores everything (`serve`'s background backfill).
pub struct Quiet;

impl Observer for Quiet {
    fn event(&self, _: Event<'_>) {}
}

/// Something that went wrong: with the issue when it concerns one, and the URL fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub issue: Option<u32>,
    pub url: String,
    pub reason: String,
}

/// What a backfill did. Counts are of issues (an issue from two sites counts once, by what
/// happened to it at all), skipped of posts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Posts that are not issues, and issues before `since`.
    pub skipped: usize,
    /// Issues discovered and not stored yet (a dry run, or a stopped backfill).
    pub pending: usize,
    pub failures: Vec<Failure>,
    /// The backfill was stopped before it was done.
    pub stopped: bool,
}

/// The outcomes per issue and the rest, gathered as the sites go.
#[derive(Default)]
struct Tally {
    outcomes: BTreeMap<u32, IngestOutcome>,
    skipped: usize,
    pending: usize,
    failures: Vec<Failure>,
}

impl Tally {
    fn outcome(&mut self, number: u32, outcome: IngestOutcome) {
        let rank = |o: IngestOutcome| match o {
            IngestOutcome::Added => 2,
            IngestOutcome::Updated => 1,
            IngestOutcome::Unchanged => 0,
        };
        let entry = self.outcomes.entry(number).or_insert(outcome);
        if rank(outcome) > rank(*entry) {
            *entry = outcome;
        }
    }
}

/// A backfill over its sites, with the store it fills (None: a dry run that only
/// discovers, writing nothing).
pub struct Backfill<'a> {
    pub store: Option<&'a Store>,
    pub client: &'a PoliteClient,
    pub observer: &'a dyn Observer,
    tally: Mutex<Tally>,
}

impl<'a> Backfill<'a> {
    pub fn new(
        store: Option<&'a Store>,
        client: &'a PoliteClient,
        observer: &'a dyn Observer,
    ) -> Self {
        Self {
            store,
            client,
            observer,
            tally: Mutex::new(Tally::default()),
        }
    }

    /// Discovers every site, then fetches and stores what is not stored yet.
    pub async fn run(self, options: &Options) -> Summary {
        let sites: Vec<String> = if options.sites.is_empty() {
            DEFAULT_SITES.iter().map(|s| base_url(s)).collect()
        } else {
            options.sites.iter().map(|s| base_url(s)).collect()
        };
        let discovered = join_all(sites.iter().map(|site| self.discover(site))).await;
        let to_fetch = discovered
            .iter()
            .flat_map(|(posts, _)| posts)
            .filter(|p| wanted(p, options.since))
            .count();
        self.observer.event(Event::ToFetch(to_fetch));
        join_all(
            sites
                .iter()
                .zip(&discovered)
                .map(|(site, (posts, complete))| self.fetch_site(site, posts, *complete, options)),
        )
        .await;
        let stopped = self.client.stopped();
        let tally = self.tally.into_inner().unwrap_or_else(|e| e.into_inner());
        let count =
            |wanted: IngestOutcome| tally.outcomes.values().filter(|&&o| o == wanted).count();
        Summary {
            added: count(IngestOutcome::Added),
            updated: count(IngestOutcome::Updated),
            unchanged: count(IngestOutcome::Unchanged),
            skipped: tally.skipped,
            pending: tally.pending,
            failures: tally.failures,
            stopped,
        }
    }

    fn fail(&self, failure: Failure) {
        self.observer.event(Event::Failed(&failure));
        self.tally().failures.push(failure);
    }

    fn tally(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.tally.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads a site's listing from where the crawl table says it stopped; returns every post
    /// known on the site and whether the listing was read to its end.
    async fn discover(&self, site: &str) -> (Vec<CrawledPost>, bool) {
        let mut state = match self.store {
            Some(store) => match store.crawl_site(site).await {
                Ok(state) => state,
                Err(error) => {
                    self.fail(Failure {
                        issue: None,
                        url: site.to_owned(),
                        reason: format!("cannot read the crawl table: {error}"),
                    });
                    return (Vec::new(), false);
                }
            },
            None => None,
        };
        let mut found: Vec<CrawledPost> = Vec::new();
        let complete = loop {
            let current = match &state {
                Some(current) if current.discovered => break true,
                Some(current) => current.clone(),
                None => match Home::known(site) {
                    Some(home) => CrawlSite {
                        home: home.as_str().to_owned(),
                        next_page: home.first_page(),
                        discovered: false,
                    },
                    // Unknown sites are tried as Substack first; a site without its
                    // archive API is taken for WordPress.
                    None => CrawlSite {
                        home: "probe".to_owned(),
                        next_page: 0,
                        discovered: false,
                    },
                },
            };
            if self.client.stopped() {
                break false;
            }
            let (posts, next, listing) = match self.listing_page(site, &current).await {
                Ok(page) => page,
                Err(failure) => {
                    // Stopping is not a failure of the site.
                    if !self.client.stopped() {
                        self.fail(failure);
                    }
                    break false;
                }
            };
            let issues = posts.iter().filter(|p| p.issue.is_some()).count();
            self.observer.event(Event::Discovered {
                site,
                issues,
                skipped: posts.len() - issues,
            });
            if let Some(store) = self.store {
                if let Err(error) = store
                    .crawl_page(site, &next, &posts, listing.as_ref())
                    .await
                {
                    self.fail(Failure {
                        issue: None,
                        url: site.to_owned(),
                        reason: format!("cannot record the listing: {error}"),
                    });
                    break false;
                }
            } else {
                found.extend(posts.into_iter().map(|post| {
                    CrawledPost {
                        state: if post.issue.is_some() {
                            "discovered"
                        } else {
                            "skipped"
                        }
                        .to_owned(),
                        post,
                        reason: None,
                    }
                }));
            }
            state = Some(next);
        };
        let posts = match self.store {
            Some(store) => match store.crawl_posts(site).await {
                Ok(posts) => posts,
                Err(error) => {
                    self.fail(Failure {
                        issue: None,
                        url: site.to_owned(),
                        reason: format!("cannot read the crawl table: {error}"),
                    });
                    Vec::new()
                }
            },
            None => found,
        };
        (posts, complete)
    }

    /// One listing page at `state`: its posts, the state after it, and the page's
    /// validators to keep. A page unchanged since the last backfill (304) lists no post: its
    /// posts are in the crawl table already.
    async fn listing_page(
        &self,
        site: &str,
        state: &CrawlSite,
    ) -> Result<(Vec<CrawlPost>, CrawlSite, Option<CrawlListing>), Failure> {
        let page = state.next_page;
        let home = Home::parse(&state.home);
        let url = match home {
            None | Some(Home::Substack) => substack::archive_url(site, page),
            Some(Home::WordPress) => wordpress::rest_url(site, page),
            Some(Home::WordPressFeed) => wordpress::feed_url(site, page),
        };
        let failure = |reason: String| Failure {
            issue: None,
            url: url.clone(),
            reason,
        };
        let known = match (home, self.store) {
            (Some(_), Some(store)) => store
                .crawl_listing(&url)
                .await
                .map_err(|e| failure(format!("cannot read the crawl table: {e}")))?,
            _ => None,
        };
        let last = known
            .as_ref()
            .map(|k| k.validators.clone())
            .unwrap_or_default();
        let advance = |home: Home, listed: Option<Listed>, ends: &dyn Fn(&Listed) -> bool| {
            let step = match home {
                Home::Substack => substack::PAGE_SIZE,
                Home::WordPress | Home::WordPressFeed => 1,
            };
            let (posts, last_page, listing) = match listed {
                Some(listed) => {
                    let last_page = ends(&listed);
                    let listing = CrawlListing {
                        url: url.clone(),
                        validators: listed.validators,
                        last_page,
                    };
                    (listed.posts, last_page, Some(listing))
                }
                None => (
                    Vec::new(),
                    known.as_ref().is_some_and(|k| k.last_page),
                    None,
                ),
            };
            let next = CrawlSite {
                home: home.as_str().to_owned(),
                next_page: page + step,
                discovered: last_page,
            };
            (posts, next, listing)
        };
        let empty = |listed: &Listed| listed.posts.is_empty();
        match home {
            None => match substack::archive_page(self.client, site, page, &last).await {
                Ok(listed) => Ok(advance(Home::Substack, listed, &empty)),
                Err(substack::SubstackError::Request(polite::RequestError::Stopped)) => {
                    Err(failure("stopped".into()))
                }
                // Not a Substack: try it as WordPress.
                Err(_) => Ok((
                    Vec::new(),
                    CrawlSite {
                        home: Home::WordPress.as_str().to_owned(),
                        next_page: Home::WordPress.first_page(),
                        discovered: false,
                    },
                    None,
                )),
            },
            Some(Home::Substack) => {
                let listed = substack::archive_page(self.client, site, page, &last)
                    .await
                    .map_err(|e| failure(e.to_string()))?;
                Ok(advance(Home::Substack, listed, &empty))
            }
            Some(Home::WordPress) => {
                match wordpress::rest_page(self.client, site, page, &last).await {
                    Ok(listed) => {
                        // Without a page count, a short page is the last.
                        let ends = |listed: &Listed| match listed.total_pages {
                            Some(total) => page >= total,
                            None => (listed.posts.len() as i64) < wordpress::PAGE_SIZE,
                        };
                        Ok(advance(Home::WordPress, listed, &ends))
                    }
                    Err(error) if page == 1 && error.rest_is_off() => {
                        tracing::info!(site, %error, "the REST API is off; reading the feed");
                        let feed = CrawlSite {
                            home: Home::WordPressFeed.as_str().to_owned(),
                            next_page: Home::WordPressFeed.first_page(),
                            discovered: false,
                        };
                        Ok((Vec::new(), feed, None))
                    }
                    Err(error) => Err(failure(error.to_string())),
                }
            }
            Some(Home::WordPressFeed) => {
                let listed = wordpress::feed_page(self.client, site, page, &last)
                    .await
                    .map_err(|e| failure(e.to_string()))?;
                Ok(advance(Home::WordPressFeed, listed, &empty))
            }
        }
    }

    /// Fetches, reads and stores each issue of `site` that is not stored yet.
    async fn fetch_site(
        &self,
        site: &str,
        posts: &[CrawledPost],
        complete: bool,
        options: &Options,
    ) {
        for crawled in posts {
            let Some(number) = crawled.post.issue else {
                self.observer.event(Event::Skipped(&crawled.post.title));
                self.tally().skipped += 1;
                continue;
            };
            if crawled.state == "stored" {
                self.tally().outcome(number, IngestOutcome::Unchanged);
                continue;
            }
            if !wanted(crawled, options.since) {
                self.tally().skipped += 1;
                continue;
            }
            let Some(store) = self.store else {
                self.tally().pending += 1;
                continue;
            };
            if self.client.stopped() {
                self.tally().pending += 1;
                continue;
            }
            match self.fetch_one(store, site, &crawled.post, number).await {
                Ok(Some((title, outcome))) => {
                    self.observer.event(Event::Stored {
                        number,
                        title: &title,
                        outcome,
                    });
                    self.tally().outcome(number, outcome);
                }
                Ok(None) => self.tally().pending += 1,
                Err(failure) => {
                    if let Err(error) = store
                        .crawl_fail(site, &crawled.post.post, &failure.reason)
                        .await
                    {
                        tracing::warn!(%error, "cannot record a failure in the crawl table");
                    }
                    self.fail(failure);
                }
            }
        }
        let clean = complete && !self.client.stopped();
        if let (true, Some(store)) = (clean, self.store) {
            let first_page = first_page_of(site, store).await;
            if let Err(error) = store.crawl_finish(site, first_page).await {
                tracing::warn!(%error, site, "cannot record the end of the backfill");
            }
        }
    }

    /// One issue: its body fetched (unless it came with the listing), read and stored.
    /// None when the backfill was stopped before the request.
    async fn fetch_one(
        &self,
        store: &Store,
        site: &str,
        post: &CrawlPost,
        number: u32,
    ) -> Result<Option<(String, IngestOutcome)>, Failure> {
        let failure = |url: &str, reason: String| Failure {
            issue: Some(number),
            url: url.to_owned(),
            reason,
        };
        let body = match &post.body {
            Some(html) => Body::Fragment(html.clone()),
            None => match substack::body(self.client, post).await {
                Ok(body) => body,
                Err(polite::RequestError::Stopped) => return Ok(None),
                Err(error) => {
                    let url = post.body_url.as_deref().unwrap_or(&post.url);
                    return Err(failure(url, error.to_string()));
                }
            },
        };
        let mut issue = read::read_issue(post, &body)
            .map_err(|error| failure(&post.url, format!("the post could not be read: {error}")))?;
        let substack_url = store
            .crawl_substack_url(number)
            .await
            .map_err(|error| failure(&post.url, error.to_string()))?;
        if let Some(url) = substack_url {
            issue.url = Some(url);
        }
        let stored = store
            .crawl_store(site, post, &issue)
            .await
            .map_err(|error| failure(&post.url, format!("cannot store it: {error}")))?;
        Ok(Some((issue.title, stored.outcome)))
    }
}

/// The first listing page of the kind of site `site` was found to be.
async fn first_page_of(site: &str, store: &Store) -> i64 {
    let home = store.crawl_site(site).await.ok().flatten();
    home.and_then(|state| Home::parse(&state.home))
        .map_or(0, Home::first_page)
}

/// Whether a discovered issue is to be fetched under `since`.
fn wanted(post: &CrawledPost, since: Option<u32>) -> bool {
    post.state != "stored"
        && post
            .post
            .issue
            .is_some_and(|number| since.is_none_or(|since| number >= since))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_homes_of_well_known_sites_need_no_probe() {
        assert_eq!(
            Home::known("https://importai.substack.com"),
            Some(Home::Substack)
        );
        assert_eq!(Home::known("https://jack-clark.net"), Some(Home::WordPress));
        assert_eq!(
            Home::known("https://x.wordpress.com/"),
            Some(Home::WordPress)
        );
        assert_eq!(Home::known("http://127.0.0.1:8080"), None);
        assert_eq!(Home::known("not a url"), None);
        assert_eq!(
            base_url(" https://jack-clark.net// "),
            "https://jack-clark.net"
        );
        for home in [Home::Substack, Home::WordPress, Home::WordPressFeed] {
            assert_eq!(Home::parse(home.as_str()), Some(home));
        }
        assert_eq!(Home::WordPress.first_page(), 1);
        assert_eq!(Home::Substack.first_page(), 0);
    }

    #[test]
    fn api_timestamps_give_their_day() {
        let day = chrono::NaiveDate::from_ymd_opt(2023, 3, 20);
        assert_eq!(read::date("2023-03-20T10:00:00.000Z"), day);
        assert_eq!(read::date("2023-03-20T10:00:00"), day);
        assert_eq!(read::date("Mon, 20 Mar 2023"), None);
        assert_eq!(read::date("2023"), None);
    }
}
