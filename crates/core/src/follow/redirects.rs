//! Which redirects a fetch follows: http(s) only, never from https down to http, and not
//! too many. Used by every client that fetches a source or a feed.

use reqwest::header::LOCATION;
use reqwest::redirect::{Attempt, Policy};
use reqwest::Url;

/// More hops than this end the fetch.
const MAX_REDIRECTS: usize = 10;

/// A redirect that was not followed: where it pointed and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the server redirected to {to}, which is refused: {why}")]
pub struct RedirectRefused {
    pub to: String,
    pub why: &'static str,
}

/// The policy for a `reqwest::ClientBuilder`.
pub fn policy() -> Policy {
    Policy::custom(|attempt: Attempt<'_>| {
        let from = attempt.previous().last().cloned();
        match refusal(from.as_ref(), attempt.url(), attempt.previous().len()) {
            Some(refused) => attempt.error(refused),
            None => attempt.follow(),
        }
    })
}

/// Why a redirect from `from` to `to`, after `hops` earlier ones, is not followed; None
/// if it is.
pub fn refusal(from: Option<&Url>, to: &Url, hops: usize) -> Option<RedirectRefused> {
    let refused = |why| {
        Some(RedirectRefused {
            to: to.to_string(),
            why,
        })
    };
    if !matches!(to.scheme(), "http" | "https") {
        return refused("only http and https addresses are fetched");
    }
    if from.is_some_and(|from| from.scheme() == "https") && to.scheme() == "http" {
        return refused("it leaves https for unencrypted http");
    }
    if hops > MAX_REDIRECTS {
        return refused("too many redirects");
    }
    None
}

/// A redirect the HTTP client handed back unfollowed (reqwest does so when the target is
/// not a URL it can request at all, such as `file:///etc/passwd`), as a refusal.
pub fn unfollowed(response: &reqwest::Response) -> Option<RedirectRefused> {
    if !response.status().is_redirection() {
        return None;
    }
    let to = response.headers().get(LOCATION)?.to_str().ok()?;
    let to = response
        .url()
        .join(to)
        .map_or_else(|_| to.to_owned(), |url| url.to_string());
    let to_url = Url::parse(&to).ok();
    let why = to_url
        .as_ref()
        .and_then(|url| refusal(Some(response.url()), url, 0))
        .map_or("it cannot be fetched", |refused| refused.why);
    Some(RedirectRefused { to, why })
}

/// The refusal behind a failed request, if a redirect was refused.
pub fn refused_in(error: &reqwest::Error) -> Option<RedirectRefused> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(inner) = cause {
        if let Some(refused) = inner.downcast_ref::<RedirectRefused>() {
            return Some(refused.clone());
        }
        cause = inner.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn only_http_and_https_are_followed_and_never_downwards() {
        let https = url("https://importai.substack.com/feed");
        let http = url("http://importai.substack.com/feed");
        assert_eq!(refusal(Some(&http), &https, 0), None);
        assert_eq!(refusal(Some(&https), &https, 3), None);
        assert_eq!(refusal(Some(&http), &http, 0), None);
        let down = refusal(Some(&https), &http, 0).unwrap();
        assert!(down.why.contains("unencrypted"), "{down}");
        for target in ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/"] {
            let refused = refusal(Some(&http), &url(target), 0).unwrap();
            assert!(refused.to_string().contains(target), "{refused}");
        }
        assert!(refusal(Some(&http), &https, MAX_REDIRECTS + 1).is_some());
    }
}
