//! The controls of a paged answer: previous and next page, and the way back to the issue.

use super::reply::Control;
use super::target::Target;

/// "page 2 of 3" for a footer, or nothing for a single page.
pub fn page_note(page: u32, total: u32) -> String {
    if total > 1 {
        format!(" · page {page} of {total}")
    } else {
        String::new()
    }
}

/// Previous/next buttons where there is such a page, then a button back to `issue`.
pub fn controls(issue: u32, page: u32, total: u32, at: impl Fn(u32) -> Target) -> Vec<Control> {
    let mut controls = Vec::new();
    if page > 1 {
        controls.push(Control::button("◀ Previous page", at(page - 1)));
    }
    if page < total {
        controls.push(Control::button("Next page ▶", at(page + 1)));
    }
    controls.push(Control::button(
        format!("Issue {issue}"),
        Target::Issue(issue),
    ));
    controls
}
