//! HTML parsed with a bound on how deep its elements nest.
//!
//! html5ever's tree building takes time quadratic in the depth of the tree (each start tag
//! looks through the open elements), so a hostile page of 100,000 `<div/>` (which HTML
//! does not close) would take minutes. A scan of the tags cannot tell what the parser will
//! really open (`<div/>` opens, `</x>` closes nothing, `<p>` closes an open `p`, a
//! misnested `<b>` is opened again), so the parser itself is watched: each element's depth
//! is recorded as it is put in the tree, the text is fed in small pieces, and parsing stops
//! at the first piece that took the tree deeper than the limit.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use ego_tree::NodeId;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{namespace_url, ns, Attribute, LocalName, QualName};
use scraper::{Html, HtmlTreeSink};

/// How much text the parser reads between two checks of the depth. Small enough that one
/// piece cannot nest deep enough to be slow, large enough to cost nothing on real pages.
const PIECE_BYTES: usize = 4096;

/// The tree was deeper than allowed; parsing stopped there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep;

/// Parses a whole page, as [`Html::parse_document`] does.
pub fn parse_document(html: &str, max_depth: usize) -> Result<Html, TooDeep> {
    let sink = DepthSink::new(Html::new_document());
    let deepest = Rc::clone(&sink.deepest);
    feed(
        html5ever::parse_document(sink, Default::default()),
        html,
        &deepest,
        max_depth,
    )
}

/// Parses a fragment in a `<body>`, as [`Html::parse_fragment`] does.
pub fn parse_fragment(html: &str, max_depth: usize) -> Result<Html, TooDeep> {
    let sink = DepthSink::new(Html::new_fragment());
    let deepest = Rc::clone(&sink.deepest);
    let body = QualName::new(None, ns!(html), LocalName::from("body"));
    let parser = html5ever::parse_fragment(sink, Default::default(), body, Vec::new());
    feed(parser, html, &deepest, max_depth)
}

fn feed(
    mut parser: html5ever::driver::Parser<DepthSink>,
    html: &str,
    deepest: &Cell<usize>,
    max_depth: usize,
) -> Result<Html, TooDeep> {
    for piece in pieces(html, PIECE_BYTES) {
        parser.process(StrTendril::from_slice(piece));
        if deepest.get() > max_depth {
            return Err(TooDeep);
        }
    }
    let html = parser.finish();
    match deepest.get() > max_depth {
        true => Err(TooDeep),
        false => Ok(html),
    }
}

/// `text` cut into pieces of about `size` bytes, each ending on a char boundary.
fn pieces(text: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = size.min(rest.len());
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (piece, after) = rest.split_at(end);
        rest = after;
        Some(piece)
    })
}

/// scraper's tree sink, recording how deep each element is put.
struct DepthSink {
    inner: HtmlTreeSink,
    depths: RefCell<HashMap<NodeId, usize>>,
    deepest: Rc<Cell<usize>>,
}

impl DepthSink {
    fn new(html: Html) -> Self {
        Self {
            inner: HtmlTreeSink::new(html),
            depths: RefCell::default(),
            deepest: Rc::default(),
        }
    }

    fn depth(&self, node: &NodeId) -> usize {
        self.depths.borrow().get(node).copied().unwrap_or(0)
    }

    fn place(&self, child: &NodeOrText<NodeId>, depth: usize) {
        if let NodeOrText::AppendNode(id) = child {
            self.depths.borrow_mut().insert(*id, depth);
            self.deepest.set(self.deepest.get().max(depth));
        }
    }
}

impl TreeSink for DepthSink {
    type Handle = NodeId;
    type Output = Html;
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Html {
        self.inner.finish()
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg)
    }

    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        self.inner.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.place(&child, self.depth(parent) + 1);
        self.inner.append(parent, child)
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        let depth = self.depth(element).max(self.depth(prev_element)) + 1;
        self.place(&child, depth);
        self.inner
            .append_based_on_parent_node(element, prev_element, child)
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner
            .append_doctype_to_document(name, public_id, system_id)
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.inner.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode)
    }

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        self.place(&new_node, self.depth(sibling));
        self.inner.append_before_sibling(sibling, new_node)
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs)
    }

    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target)
    }

    /// The misnesting repair moves children one level down: they are counted one deeper
    /// (their descendants are not revisited; the repair is bounded per tag).
    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        let depth = self.depth(new_parent) + 1;
        self.deepest.set(self.deepest.get().max(depth));
        self.inner.reparent_children(node, new_parent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_end_on_char_boundaries_and_cover_the_text() {
        let text = "é".repeat(10) + "abc";
        let pieces: Vec<&str> = pieces(&text, 3).collect();
        assert!(pieces.iter().all(|p| p.len() <= 4 && !p.is_empty()));
        assert_eq!(pieces.concat(), text);
    }

    #[test]
    fn what_the_parser_opens_is_what_counts() {
        let deep = |unit: &str, n: usize| parse_fragment(&unit.repeat(n), 1000);
        // Not closed in HTML: each one opens a level.
        assert_eq!(deep("<div/>", 2000).err(), Some(TooDeep));
        assert_eq!(deep("<div></x>", 2000).err(), Some(TooDeep));
        assert_eq!(deep("<span><b>", 2000).err(), Some(TooDeep));
        // Closed, or closing the one before: flat however many there are.
        assert!(deep("<div></div>", 20_000).is_ok());
        assert!(deep("<p>a", 20_000).is_ok());
        assert!(deep("<li>a", 20_000).is_ok());
        assert!(deep("<br/>", 20_000).is_ok());
        assert!(deep("<svg><path/></svg>", 5_000).is_ok());
        assert!(parse_document(&"<div>".repeat(500), 1000).is_ok());
    }
}
