//! A small, fast, forgiving HTML parser into an arena tree.
//!
//! Input: an HTML document as `&str`. Output: a [`Dom`], a flat arena of
//! elements and text nodes in document order.
//! Method: one pass over the bytes: tags, comments and raw-text elements
//! (`script`, `style`) are recognised by hand, character references are
//! decoded, and a stack of open elements repairs what browsers repair most
//! often (unclosed `p`, `li`, `td`, stray end tags). It does not implement
//! the whole HTML5 tree-construction algorithm: extraction only needs the
//! block structure right, and skipping the rest is what makes it fast.
//! Only the attributes extraction and metadata need are kept.

use super::entities::ENTITIES;

/// The index of a node in [`Dom::nodes`].
pub(crate) type NodeId = u32;

/// Nested deeper than this, elements are flattened into their parent, so
/// that no walk over the tree can be driven into pathological depth.
const MAX_DEPTH: usize = 256;

/// One node: an element or a run of text.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    /// The lowercase tag name; empty for a text node.
    pub tag: Box<str>,
    /// For text nodes, the decoded text; for elements, empty.
    pub text: Box<str>,
    /// The kept attributes, names lowercase, values decoded.
    pub attrs: Vec<(Box<str>, Box<str>)>,
    /// The parent element (the root is its own parent).
    pub parent: NodeId,
    /// The first child, if any.
    pub first_child: Option<NodeId>,
    /// The last child, if any.
    pub last_child: Option<NodeId>,
    /// The next sibling, if any.
    pub next_sibling: Option<NodeId>,
}

impl Node {
    /// True for a text node.
    pub fn is_text(&self) -> bool {
        self.tag.is_empty()
    }

    /// The value of attribute `name`, if it was kept.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| &**n == name).map(|(_, v)| &**v)
    }
}

/// A parsed document: node 0 is the root (a synthetic `#root` element).
#[derive(Clone, Debug)]
pub(crate) struct Dom {
    /// Every node, in document order (a parent comes before its children).
    pub nodes: Vec<Node>,
}

impl Dom {
    /// The children of `id`, in order.
    pub fn children(&self, id: NodeId) -> Children<'_> {
        Children { dom: self, next: self.nodes[id as usize].first_child }
    }

    /// The node `id`.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// The first element named `tag`, in document order.
    pub fn find(&self, tag: &str) -> Option<NodeId> {
        self.nodes.iter().position(|n| &*n.tag == tag).map(|i| i as NodeId)
    }
}

/// Iterator over the children of a node.
pub(crate) struct Children<'a> {
    dom: &'a Dom,
    next: Option<NodeId>,
}

impl Iterator for Children<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = self.next?;
        self.next = self.dom.nodes[id as usize].next_sibling;
        Some(id)
    }
}

/// Attributes worth keeping: what extraction and metadata read.
const KEPT_ATTRS: &[&str] = &[
    "class",
    "id",
    "role",
    "itemprop",
    "itemtype",
    "property",
    "name",
    "content",
    "datetime",
    "charset",
    "http-equiv",
    "type",
    "hidden",
    "style",
    "aria-hidden",
    "rel",
    "href",
    "lang",
];

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "command",
];

/// Elements whose start closes an open `p` (HTML's "close a p element").
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
    "li",
    "dd",
    "dt",
];

/// Elements whose content is skipped entirely (not text a reader sees).
const SKIPPED_RAW: &[&str] =
    &["style", "noscript", "template", "xmp", "iframe", "noembed", "noframes"];

/// Parses `html` into a tree. Never fails: anything is some tree.
pub(crate) fn parse(html: &str) -> Dom {
    let mut b = Builder::new(html.len());
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut text_start = 0;
    while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
        let lt = i + off;
        let next = bytes.get(lt + 1).copied().unwrap_or(0);
        if next == b'!' || next == b'?' || next == b'/' || next.is_ascii_alphabetic() {
            if lt > text_start {
                b.text(&html[text_start..lt]);
            }
            i = match next {
                b'!' if bytes[lt..].starts_with(b"<!--") => {
                    find(bytes, lt + 4, b"-->").map_or(bytes.len(), |e| e + 3)
                }
                b'!' | b'?' => {
                    memchr::memchr(b'>', &bytes[lt..]).map_or(bytes.len(), |e| lt + e + 1)
                }
                b'/' => end_tag(html, lt, &mut b),
                _ => start_tag(html, lt, &mut b),
            };
            text_start = i;
        } else {
            i = lt + 1;
        }
    }
    if text_start < bytes.len() {
        b.text(&html[text_start..]);
    }
    Dom { nodes: b.nodes }
}

/// The first occurrence of `needle` at or after `from`.
fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&hay[from.min(hay.len())..], needle).map(|p| p + from)
}

/// Parses `</name ...>` at `lt`; returns the index after it.
fn end_tag(html: &str, lt: usize, b: &mut Builder) -> usize {
    let bytes = html.as_bytes();
    let start = lt + 2;
    let mut j = start;
    while j < bytes.len() && !matches!(bytes[j], b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/') {
        j += 1;
    }
    let end = memchr::memchr(b'>', &bytes[j..]).map_or(bytes.len(), |e| j + e + 1);
    if j > start {
        b.close(&html[start..j].to_ascii_lowercase());
    }
    end
}

/// Parses `<name attr=value ...>` at `lt`; returns the index after it (and
/// after the content of a raw-text element).
fn start_tag(html: &str, lt: usize, b: &mut Builder) -> usize {
    let bytes = html.as_bytes();
    let mut j = lt + 1;
    while j < bytes.len() && !matches!(bytes[j], b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/' | 0x0c)
    {
        j += 1;
    }
    let name = html[lt + 1..j].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    // Attributes.
    loop {
        while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
            self_closing = bytes[j] == b'/';
            j += 1;
        }
        if j >= bytes.len() || bytes[j] == b'>' {
            j = (j + 1).min(bytes.len());
            break;
        }
        self_closing = false;
        let a = j;
        while j < bytes.len()
            && !matches!(bytes[j], b'>' | b'=' | b' ' | b'\t' | b'\n' | b'\r' | b'/')
        {
            j += 1;
        }
        let attr_name = &html[a..j];
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = "";
        if j < bytes.len() && bytes[j] == b'=' {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
                let q = bytes[j];
                let v = j + 1;
                let e = memchr::memchr(q, &bytes[v..]).map_or(bytes.len(), |e| v + e);
                value = &html[v..e];
                j = (e + 1).min(bytes.len());
            } else {
                let v = j;
                while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                    j += 1;
                }
                value = &html[v..j];
            }
        }
        let attr_name = attr_name.to_ascii_lowercase();
        if KEPT_ATTRS.contains(&attr_name.as_str())
            && !attrs.iter().any(|(n, _): &(Box<str>, Box<str>)| **n == *attr_name)
        {
            attrs.push((attr_name.into_boxed_str(), decode_entities(value).into_boxed_str()));
        }
    }
    let script_type = attrs.iter().find(|(n, _)| &**n == "type").map(|(_, v)| &**v);
    if name == "script" && matches!(script_type, Some("text/template" | "text/x-template")) {
        // A client-side template that holds paragraphs of prose (Blogger
        // puts the whole post in one) is parsed as a `div`; its
        // `</script>` is then a stray end tag and the div closes with its
        // parent. Other templates (a cart line, a dialog) are skipped.
        let end = find_end_of_raw(bytes, j, b"script");
        let body = &bytes[j..end];
        if body.len() > 1000 && memchr::memmem::find(body, b"<p>").is_some() {
            b.open("div", Vec::new());
            return j;
        }
        return skip_end_tag(bytes, end);
    }
    if name == "script" {
        let end = find_end_of_raw(bytes, j, b"script");
        let is_json_ld = attrs.iter().any(|(n, v)| &**n == "type" && v.contains("ld+json"));
        if is_json_ld {
            // JSON-LD is structured metadata, the only script content kept.
            let id = b.open("script", attrs);
            b.push_text(id, html[j..end].into());
            b.close("script");
        }
        return skip_end_tag(bytes, end);
    }
    if SKIPPED_RAW.contains(&name.as_str()) {
        let end = find_end_of_raw(bytes, j, name.as_bytes());
        return skip_end_tag(bytes, end);
    }
    if name == "title" || name == "textarea" {
        let end = find_end_of_raw(bytes, j, name.as_bytes());
        b.open(&name, attrs);
        b.text(&html[j..end]);
        b.close(&name);
        return skip_end_tag(bytes, end);
    }
    if name == "svg" || name == "math" {
        // Foreign content: its text is labels and formulas, not prose.
        let end = find_end_of_raw(bytes, j, name.as_bytes());
        return if self_closing { j } else { skip_end_tag(bytes, end) };
    }
    b.open(&name, attrs);
    if self_closing || VOID.contains(&name.as_str()) {
        b.close_void(&name);
    }
    j
}

/// Where the raw text that starts at `from` ends: the `</name` that closes
/// it, compared case-insensitively.
fn find_end_of_raw(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut k = from;
    while let Some(p) = find(bytes, k, b"</") {
        let rest = &bytes[p + 2..];
        if rest.len() >= name.len() && rest[..name.len()].eq_ignore_ascii_case(name) {
            return p;
        }
        k = p + 2;
    }
    bytes.len()
}

fn skip_end_tag(bytes: &[u8], at: usize) -> usize {
    memchr::memchr(b'>', &bytes[at.min(bytes.len())..]).map_or(bytes.len(), |e| at + e + 1)
}

/// Decodes character references (`&amp;`, `&#233;`, `&#xE9;`, `&eacute`).
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        match decode_one(rest) {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes one reference at the start of `s` (which starts with `&`).
fn decode_one(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let (hex, start) =
            if matches!(b.get(2), Some(b'x' | b'X')) { (true, 3) } else { (false, 2) };
        let mut end = start;
        while end < b.len()
            && end - start < 8
            && (if hex { b[end].is_ascii_hexdigit() } else { b[end].is_ascii_digit() })
        {
            end += 1;
        }
        if end == start {
            return None;
        }
        let n = u32::from_str_radix(&s[start..end], if hex { 16 } else { 10 }).ok()?;
        let c = match n {
            // Windows-1252 code points written as numbers, as browsers read them.
            0x80..=0x9f => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&[n as u8])
                .0
                .chars()
                .next()?,
            0 => '\u{FFFD}',
            _ => char::from_u32(n).unwrap_or('\u{FFFD}'),
        };
        let used = if b.get(end) == Some(&b';') { end + 1 } else { end };
        return Some((c, used));
    }
    let mut end = 1;
    while end < b.len() && end < 12 && b[end].is_ascii_alphanumeric() {
        end += 1;
    }
    let name = &s[1..end];
    // The whole name first, then the longest known prefix, so "&nbspword"
    // still reads as a no-break space and "word", as browsers read it.
    for len in (2..=name.len()).rev() {
        if let Ok(i) = ENTITIES.binary_search_by(|(n, _)| n.as_bytes().cmp(&name.as_bytes()[..len]))
        {
            let terminated = len == name.len() && b.get(end) == Some(&b';');
            let c = char::from_u32(ENTITIES[i].1)?;
            return Some((c, 1 + len + usize::from(terminated)));
        }
    }
    None
}

/// Builds the arena with a stack of open elements.
struct Builder {
    nodes: Vec<Node>,
    stack: Vec<NodeId>,
}

impl Builder {
    fn new(len: usize) -> Builder {
        let root = element("#root");
        let mut nodes = Vec::with_capacity(len / 40);
        nodes.push(root);
        Builder { nodes, stack: vec![0] }
    }

    fn current(&self) -> NodeId {
        *self.stack.last().unwrap_or(&0)
    }

    fn append(&mut self, parent: NodeId, node: Node) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(node);
        let p = &mut self.nodes[parent as usize];
        match p.last_child.replace(id) {
            Some(prev) => self.nodes[prev as usize].next_sibling = Some(id),
            None => self.nodes[parent as usize].first_child = Some(id),
        }
        id
    }

    fn open(&mut self, name: &str, attrs: Vec<(Box<str>, Box<str>)>) -> NodeId {
        self.implied_ends(name);
        let parent = self.current();
        let node = Node {
            tag: name.into(),
            text: "".into(),
            attrs,
            parent,
            first_child: None,
            last_child: None,
            next_sibling: None,
        };
        let id = self.append(parent, node);
        if self.stack.len() < MAX_DEPTH {
            self.stack.push(id);
        } else {
            // Too deep: the element gets no children; its content goes to
            // its parent, which keeps every walk bounded.
        }
        id
    }

    /// Closes what a new `name` element implicitly closes.
    fn implied_ends(&mut self, name: &str) {
        let closes = |open: &str| -> bool {
            match name {
                "li" => open == "li",
                "dt" | "dd" => open == "dt" || open == "dd",
                "tr" => open == "tr",
                "td" | "th" => matches!(open, "td" | "th"),
                "option" => open == "option",
                _ => false,
            }
        };
        if CLOSES_P.contains(&name) {
            self.pop_if_open(
                "p",
                &["div", "section", "article", "td", "li", "blockquote", "table", "body"],
            );
        }
        // Close the innermost matching list item or cell, but never across a
        // list or table boundary.
        let boundary: &[&str] = match name {
            "li" => &["ul", "ol", "menu"],
            "dt" | "dd" => &["dl"],
            "tr" => &["table", "tbody", "thead", "tfoot"],
            "td" | "th" => &["tr", "table", "tbody", "thead", "tfoot"],
            _ => return,
        };
        let mut k = self.stack.len();
        while k > 1 {
            k -= 1;
            let tag = &*self.nodes[self.stack[k] as usize].tag;
            if closes(tag) {
                self.stack.truncate(k);
                return;
            }
            if boundary.contains(&tag) {
                return;
            }
        }
    }

    /// Pops up to and including an open `tag`, unless a `stop` element is
    /// inside it.
    fn pop_if_open(&mut self, tag: &str, stop: &[&str]) {
        let mut k = self.stack.len();
        while k > 1 {
            k -= 1;
            let t = &*self.nodes[self.stack[k] as usize].tag;
            if t == tag {
                self.stack.truncate(k);
                return;
            }
            if stop.contains(&t) {
                return;
            }
        }
    }

    fn close_void(&mut self, name: &str) {
        if let Some(&top) = self.stack.last() {
            if top != 0 && &*self.nodes[top as usize].tag == name {
                self.stack.pop();
            }
        }
    }

    /// An end tag: pops to the matching open element; a stray one is ignored.
    fn close(&mut self, name: &str) {
        let mut k = self.stack.len();
        // Look a bounded way down the stack: a stray `</div>` deep in a
        // page must not close the whole document.
        let floor = self.stack.len().saturating_sub(64).max(1);
        while k > floor {
            k -= 1;
            if &*self.nodes[self.stack[k] as usize].tag == name {
                self.stack.truncate(k);
                return;
            }
        }
        if name == "p" {
            // `</p>` without `<p>` is an empty paragraph break in browsers.
            let parent = self.current();
            self.append(parent, element("br"));
        }
    }

    fn text(&mut self, raw: &str) {
        let parent = self.current();
        self.push_text(parent, decode_entities(raw));
    }

    fn push_text(&mut self, parent: NodeId, text: String) {
        if text.is_empty() {
            return;
        }
        // Merge with a preceding text sibling (split by a dropped comment).
        if let Some(last) = self.nodes[parent as usize].last_child {
            let prev = &mut self.nodes[last as usize];
            if prev.is_text() {
                let mut merged = std::mem::take(&mut prev.text).into_string();
                merged.push_str(&text);
                prev.text = merged.into_boxed_str();
                return;
            }
        }
        let node = Node {
            tag: "".into(),
            text: text.into_boxed_str(),
            attrs: Vec::new(),
            parent,
            first_child: None,
            last_child: None,
            next_sibling: None,
        };
        self.append(parent, node);
    }
}

fn element(tag: &str) -> Node {
    Node {
        tag: tag.into(),
        text: "".into(),
        attrs: Vec::new(),
        parent: 0,
        first_child: None,
        last_child: None,
        next_sibling: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact dump: elements as `tag(children)`, text quoted.
    fn dump(dom: &Dom, id: NodeId, out: &mut String) {
        let n = dom.node(id);
        if n.is_text() {
            out.push_str(&format!("{:?}", &*n.text));
            return;
        }
        out.push_str(&n.tag);
        out.push('(');
        for (k, c) in dom.children(id).enumerate() {
            if k > 0 {
                out.push(' ');
            }
            dump(dom, c, out);
        }
        out.push(')');
    }

    fn check(html: &str, expect: expect_test::Expect) {
        let dom = parse(html);
        let mut out = String::new();
        dump(&dom, 0, &mut out);
        expect.assert_eq(&out);
    }

    #[test]
    fn repairs_what_browsers_repair() {
        check(
            "<div><p>One<p>Two<ul><li>a<li>b</ul></div><p>Three</span>",
            expect_test::expect![[
                r#"#root(div(p("One") p("Two") ul(li("a") li("b"))) p("Three"))"#
            ]],
        );
        check(
            "<table><tr><td>a<td>b<tr><td>c</table>",
            expect_test::expect![[r#"#root(table(tr(td("a") td("b")) tr(td("c"))))"#]],
        );
    }

    #[test]
    fn skips_scripts_styles_and_comments_but_keeps_json_ld() {
        check(
            "<p>a<!-- x <p>b -->c</p><script>var s='<p>no</p>';</script><style>p{}</style>\
             <script type=\"application/ld+json\">{\"a\":1}</script>",
            expect_test::expect![[r#"#root(p("ac") script("{\"a\":1}"))"#]],
        );
    }

    #[test]
    fn decodes_character_references() {
        assert_eq!(
            decode_entities("Caf&eacute; &amp; &#8220;x&#x201D; &nbsp;&copy 2016 &#150; &bogus;"),
            "Café & “x” \u{a0}© 2016 – &bogus;"
        );
        assert_eq!(decode_entities("a &notit; b &"), "a ¬it; b &");
    }

    #[test]
    fn keeps_the_attributes_that_matter() {
        let dom = parse("<div class='post body' data-x=1 ID=main><meta property=\"og:title\" content=\"A &amp; B\"></div>");
        let div = dom.find("div").unwrap();
        assert_eq!(dom.node(div).attr("class"), Some("post body"));
        assert_eq!(dom.node(div).attr("id"), Some("main"));
        assert_eq!(dom.node(div).attr("data-x"), None);
        let meta = dom.find("meta").unwrap();
        assert_eq!(dom.node(meta).attr("content"), Some("A & B"));
    }
}
