//! Hostile sources for the benchmarks: inputs that once took time quadratic in their size.
#![allow(dead_code)]

/// About 2 MB of plain text whose every paragraph ends in a comma, so that each one
/// continues the sentence of the one before.
pub fn comma_paragraphs() -> String {
    let mut text = String::from("Import AI 999: Commas all the way down\n\n");
    let mut n = 0;
    while text.len() < 2_000_000 {
        text.push_str(&format!("and then the model said {n},\n\n"));
        n += 1;
    }
    text
}

/// About 600 KB of `unit` after a post's opening, such as `<div/>` (which HTML does not
/// close) or `<div></x>` (whose end tag closes nothing).
pub fn nested_markup(unit: &str) -> String {
    let mut html = String::from(
        "<html><head><title>Import AI 998: Deep</title></head><body><article>\
         <p>Import AI 998: Deep</p><p>A heading:</p><p>Some text.</p>",
    );
    while html.len() < 600_000 {
        html.push_str(unit);
    }
    html.push_str("</article></body></html>");
    html
}

/// A post page with one section holding 100,000 links, each titled "A paper on …".
pub fn hundred_thousand_links() -> String {
    let mut html = String::from(
        "<html><head><title>Import AI 997: Every paper</title></head><body><article>\
         <p>Import AI 997: Every paper</p>\
         <p><strong>A reading list of every paper:</strong></p>\
         <p>…All of them, one per line…</p>",
    );
    for n in 0..100_000 {
        html.push_str(&format!(
            "<p>Read more: <a href=\"https://arxiv.org/abs/{n}\">A paper on topic {n} (arXiv)</a>.</p>"
        ));
    }
    html.push_str("</article></body></html>");
    html
}

/// A post page with one paragraph of about 1 MB: link items glued one after another
/// ("… (arXiv). Read more: …"), each of which the reader splits off the line.
pub fn glued_link_items() -> String {
    let mut html = String::from(
        "<html><head><title>Import AI 996: One long line</title></head><body><article>\
         <p>Import AI 996: One long line</p>\
         <p><strong>Everything on one line:</strong></p>\
         <p>…All of it glued…</p><p>It starts here.",
    );
    let mut n = 0;
    while html.len() < 1_000_000 {
        html.push_str(&format!(
            " Read more: <a href=\"https://arxiv.org/abs/{n}\">Paper {n} (arXiv)</a>."
        ));
        n += 1;
    }
    html.push_str("</p></article></body></html>");
    html
}
