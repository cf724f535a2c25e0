//! The crawl table of a backfill (migration 0008): per site, how far discovery got; per post,
//! whether it was stored, skipped or failed. An interrupted backfill reads it back and goes
//! on from there; an issue and its post's state are written in one transaction, so a post is
//! never fetched again once its issue is stored.

use super::ingest::{check_storable, upsert, Ingested};
use super::{Result, Store, Validators};
use crate::archive::Issue;

/// Where discovery of a site stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawlSite {
    /// `substack`, `wordpress` or `wordpress-feed`.
    pub home: String,
    pub next_page: i64,
    pub discovered: bool,
}

/// A listing page as last served: its validators, and whether it ended the listing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CrawlListing {
    pub url: String,
    pub validators: Validators,
    pub last_page: bool,
}

/// A post as discovered in a site's listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawlPost {
    pub post: String,
    pub title: String,
    /// The issue number its title announces; None for a post that is not an issue.
    pub issue: Option<u32>,
    pub url: String,
    pub published: Option<String>,
    pub body_url: Option<String>,
    pub body: Option<String>,
}

/// What the crawl table holds about a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawledPost {
    pub post: CrawlPost,
    /// `discovered`, `skipped`, `stored` or `failed`.
    pub state: String,
    pub reason: Option<String>,
}

impl Store {
    pub async fn crawl_site(&self, site: &str) -> Result<Option<CrawlSite>> {
        let row = sqlx::query!(
            "SELECT home, next_page, discovered FROM crawl_sites WHERE site = ?",
            site
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| CrawlSite {
            home: row.home,
            next_page: row.next_page,
            discovered: row.discovered != 0,
        }))
    }

    /// The listing page at `url` as last served, if it was.
    pub async fn crawl_listing(&self, url: &str) -> Result<Option<CrawlListing>> {
        let row = sqlx::query!(
            "SELECT etag, last_modified, last_page FROM crawl_listings WHERE url = ?",
            url
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| CrawlListing {
            url: url.to_owned(),
            validators: Validators {
                etag: row.etag,
                last_modified: row.last_modified,
            },
            last_page: row.last_page != 0,
        }))
    }

    /// Records one listing page: its posts (a post already known keeps its state), where
    /// discovery goes on, and the page's validators, in one transaction.
    pub async fn crawl_page(
        &self,
        site: &str,
        next: &CrawlSite,
        posts: &[CrawlPost],
        listing: Option<&CrawlListing>,
    ) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let discovered = i64::from(next.discovered);
        sqlx::query!(
            "INSERT INTO crawl_sites (site, home, next_page, discovered) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (site) DO UPDATE SET home = ?2, next_page = ?3, discovered = ?4",
            site,
            next.home,
            next.next_page,
            discovered,
        )
        .execute(&mut *tx)
        .await?;
        for post in posts {
            let state = if post.issue.is_some() {
                "discovered"
            } else {
                "skipped"
            };
            sqlx::query!(
                "INSERT INTO crawl_posts
                   (site, post, position, title, issue, url, published, body_url, body, state)
                 VALUES (?1, ?2, (SELECT COUNT(*) FROM crawl_posts WHERE site = ?1),
                         ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (site, post) DO UPDATE SET
                   title = ?3, issue = ?4, url = ?5, published = ?6, body_url = ?7,
                   body = CASE WHEN state = 'stored' THEN NULL ELSE ?8 END,
                   state = CASE WHEN state = 'stored' AND issue IS ?4 THEN 'stored' ELSE ?9 END",
                site,
                post.post,
                post.title,
                post.issue,
                post.url,
                post.published,
                post.body_url,
                post.body,
                state,
            )
            .execute(&mut *tx)
            .await?;
        }
        if let Some(listing) = listing {
            let last_page = i64::from(listing.last_page);
            sqlx::query!(
                "INSERT OR REPLACE INTO crawl_listings (url, etag, last_modified, last_page)
                 VALUES (?, ?, ?, ?)",
                listing.url,
                listing.validators.etag,
                listing.validators.last_modified,
                last_page,
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every post discovered on `site`, in discovery order.
    pub async fn crawl_posts(&self, site: &str) -> Result<Vec<CrawledPost>> {
        let rows = sqlx::query!(
            "SELECT post, title, issue, url, published, body_url, body, state, reason
             FROM crawl_posts WHERE site = ? ORDER BY position",
            site
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| CrawledPost {
                post: CrawlPost {
                    post: row.post,
                    title: row.title,
                    issue: row.issue.and_then(|n| u32::try_from(n).ok()),
                    url: row.url,
                    published: row.published,
                    body_url: row.body_url,
                    body: row.body,
                },
                state: row.state,
                reason: row.reason,
            })
            .collect())
    }

    /// The URL a Substack site gives issue `number`, if any site discovered it there.
    pub async fn crawl_substack_url(&self, number: u32) -> Result<Option<String>> {
        Ok(sqlx::query_scalar!(
            "SELECT p.url FROM crawl_posts p JOIN crawl_sites s ON s.site = p.site
             WHERE p.issue = ? AND s.home = 'substack' ORDER BY p.site LIMIT 1",
            number
        )
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Stores `issue` as the copy read from the post's URL and marks the post stored, in
    /// one transaction.
    pub async fn crawl_store(
        &self,
        site: &str,
        post: &CrawlPost,
        issue: &Issue,
    ) -> Result<Ingested> {
        check_storable(issue)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let ingested = upsert(&mut tx, issue, &post.url, self.clock.now()).await?;
        sqlx::query!(
            "UPDATE crawl_posts SET state = 'stored', body = NULL, reason = NULL
             WHERE site = ? AND post = ?",
            site,
            post.post,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.forget_recent_if_changed(&[(ingested.number, ingested.outcome)])
            .await;
        Ok(ingested)
    }

    /// Records why a post could not be stored; the next backfill tries it again.
    pub async fn crawl_fail(&self, site: &str, post: &str, reason: &str) -> Result<()> {
        sqlx::query!(
            "UPDATE crawl_posts SET state = 'failed', reason = ? WHERE site = ? AND post = ?",
            reason,
            site,
            post,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// After a backfill that went through every post of `site`: the next one reads the
    /// listing again from its start, to find what was published since.
    pub async fn crawl_finish(&self, site: &str, first_page: i64) -> Result<()> {
        sqlx::query!(
            "UPDATE crawl_sites SET next_page = ?, discovered = 0 WHERE site = ?",
            first_page,
            site
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
