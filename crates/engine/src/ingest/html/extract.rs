//! Main-content extraction: the article body of a parsed page as text.
//!
//! Input: a [`Dom`]. Output: the body as plain text, paragraphs separated
//! by blank lines, and the [`Method`] that found it.
//! Method: (1) mark boilerplate (navigation, footers, share bars, comments,
//! related links, ads) by tag, ARIA role and class/id words, never marking
//! an element that holds most of the page; (2) count text and link text per
//! element bottom-up; (3) pick the container: an explicit article-body
//! marker when it holds real prose, else the element that the page's
//! paragraphs score highest (readability's scoring, discounted by link
//! density); (4) write the container's text block by block, leaving out
//! boilerplate, hidden elements and link lists. If that yields too little,
//! fall back to every paragraph of the page outside boilerplate.

use std::sync::LazyLock;

use super::dom::{Dom, NodeId};

/// How the body was found (shown by `storyline extract --json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// An element marked as the article body (`itemprop=articleBody`,
    /// `article`, a content class).
    Marked,
    /// The element the paragraphs scored highest.
    Scored,
    /// Every paragraph outside boilerplate (the page had no clear container).
    Paragraphs,
    /// Nothing readable was found.
    Empty,
}

impl Method {
    /// The lowercase name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Method::Marked => "marked",
            Method::Scored => "scored",
            Method::Paragraphs => "paragraphs",
            Method::Empty => "empty",
        }
    }
}

/// Elements that are never article text.
const DROPPED_TAGS: &[&str] = &[
    "nav", "footer", "aside", "button", "select", "option", "input", "textarea", "label", "dialog",
    "menu", "canvas", "video", "audio", "object", "embed", "map", "head", "title", "script",
    "figure", "img", "picture", "fieldset", "rt", "rp",
];

/// Class/id words (whole words, `-`/`_`-separated) that mark boilerplate.
const BOILER_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "mainmenu",
    "submenu",
    "breadcrumb",
    "breadcrumbs",
    "pagination",
    "pager",
    "sidebar",
    "widget",
    "widgets",
    "footer",
    "masthead",
    "topbar",
    "comment",
    "comments",
    "kommentare",
    "discussion",
    "disqus",
    "respond",
    "reply",
    "replies",
    "share",
    "sharing",
    "social",
    "socials",
    "shariff",
    "addthis",
    "sociable",
    "sharebar",
    "related",
    "recommended",
    "recommendations",
    "popular",
    "trending",
    "mostread",
    "teasers",
    "ad",
    "ads",
    "advert",
    "advertisement",
    "adsense",
    "banner",
    "sponsor",
    "sponsored",
    "promo",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "modal",
    "popup",
    "overlay",
    "byline",
    "author",
    "authors",
    "tags",
    "tagcloud",
    "tag",
    "categories",
    "category",
    "print",
    "rating",
    "copyright",
    "caption",
    // A picture's legend; a word of its own, since inside a name it is
    // also part of words (`grundlegende` in an id made of a heading).
    "legend",
    "legende",
    "credit",
    "credits",
    "hidden",
    "hide",
    "sronly",
    "screenreader",
    "skip",
    "skiplink",
    "toolbar",
    "metadata",
    "meta",
    "postmeta",
    "entrymeta",
    "date",
    "dateline",
    "timestamp",
    "published",
    "login",
    "search",
    "searchform",
    "header",
    "pageheader",
    "siteheader",
    "outbrain",
    "taboola",
    "infobox",
    "toc",
    "lightbox",
    "gallery",
    "slideshow",
    "carousel",
    "slider",
    "jump",
    "backtotop",
    "totop",
    "disclaimer",
    "disclosure",
    "imprint",
    "impressum",
    "rss",
    "feed",
    "follow",
    "donate",
    "paywall",
    "embed",
    "video",
    "player",
    "audio",
];

/// Class/id words that mark the article body.
const CONTENT_WORDS: &[&str] = &[
    "articlebody",
    "articlecontent",
    "articletext",
    "storybody",
    "storycontent",
    "storytext",
    "entrycontent",
    "entrybody",
    "postcontent",
    "postbody",
    "postentry",
    "posttext",
    "blogpost",
    "blogcontent",
    "textarticle",
    "fieldnamebody",
    "nodecontent",
    "contentarticle",
    "maincontent",
    "tdpostcontent",
    "singlecontent",
    "richtext",
    "articlecopy",
    "bodytext",
    "artikeltext",
    "artikelinhalt",
    "beitragstext",
    "contenttext",
    "contentbody",
    "pagecontent",
    "newsbody",
    "newstext",
    "newscontent",
    "itemfulltext",
    "articlemain",
    "story",
];

/// Blocks: their start and end break paragraphs.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "header",
    "address",
    "center",
    "details",
    "summary",
    "figcaption",
    "hr",
    "form",
    "body",
    "tbody",
    "thead",
    "tfoot",
    "caption",
];

/// Below this many characters a container is suspected of being a part of
/// the article only, and every paragraph outside boilerplate is tried.
const MIN_CHARS: u32 = 1250;

/// Per-element figures, computed bottom-up.
#[derive(Clone, Copy, Default)]
struct Stats {
    /// Characters of text (whitespace not counted), outside dropped parts.
    text: u32,
    /// Of which inside links.
    link: u32,
    /// Characters of text including dropped parts (the element's real size).
    raw: u32,
}

/// The extraction of one page.
pub(crate) struct Extraction {
    /// The body text, paragraphs separated by blank lines.
    pub text: String,
    /// How it was found.
    pub method: Method,
    /// Why: the container and the rule that chose it.
    pub why: String,
}

/// Extracts the main text of `dom`.
pub(crate) fn extract(dom: &Dom) -> Extraction {
    let n = dom.nodes.len();
    let body = dom.find("body").unwrap_or(0);
    let mut stats = vec![Stats::default(); n];
    // Raw sizes first: boilerplate marks must not swallow most of a page.
    for id in (0..n).rev() {
        let node = &dom.nodes[id];
        if node.is_text() {
            stats[id].raw = count_chars(&node.text);
        }
        if id > 0 {
            let r = stats[id].raw;
            stats[node.parent as usize].raw += r;
        }
    }
    let total = stats[body as usize].raw.max(1);
    // Elements holding an article-body marker are layout, never boilerplate,
    // whatever their class says (`widget Blog` around a blog's posts).
    let classes: Vec<Class> = (0..n).map(|id| class_of(dom, id as NodeId)).collect();
    let mut holds_marker = vec![false; n];
    for id in (1..n).rev() {
        if holds_marker[id] || is_marked(dom, id as NodeId, classes[id]) {
            holds_marker[id] = true;
            holds_marker[dom.nodes[id].parent as usize] = true;
        }
    }
    let mut dropped = vec![false; n];
    let mut in_link = vec![false; n];
    for id in 1..n {
        let node = &dom.nodes[id];
        let parent = node.parent as usize;
        in_link[id] = in_link[parent] || &*node.tag == "a";
        dropped[id] = dropped[parent]
            || (!node.is_text()
                && !holds_marker[id]
                && is_boilerplate(dom, id as NodeId, classes[id], stats[id].raw, total));
    }
    for id in (0..n).rev() {
        let node = &dom.nodes[id];
        if node.is_text() && !dropped[id] {
            let c = stats[id].raw;
            stats[id].text = c;
            if in_link[id] {
                stats[id].link = c;
            }
        }
        if id > 0 {
            let s = stats[id];
            let p = &mut stats[node.parent as usize];
            p.text += s.text;
            p.link += s.link;
        }
    }

    let ctx = Ctx { dom, stats: &stats, dropped: &dropped, classes: &classes };
    let scored = best_scored(&ctx);
    let marked = best_marked(&ctx);
    let marked_why = |m: NodeId| format!("article-body marker on {}", describe(dom, m));
    let scored_why = |s: NodeId| format!("highest paragraph score: {}", describe(dom, s));
    let (container, method, mut why) = match (marked, scored) {
        (Some(m), Some(s)) => {
            let m_prose = ctx.prose(m);
            let s_prose = ctx.prose(s);
            if contains(dom, m, s) || contains(dom, s, m) || m_prose * 2 >= s_prose {
                (ctx.with_siblings(m), Method::Marked, marked_why(m))
            } else {
                let why = format!(
                    "{}; the marked {} holds under half its prose",
                    scored_why(s),
                    describe(dom, m)
                );
                (ctx.with_siblings(s), Method::Scored, why)
            }
        }
        (Some(m), None) => (ctx.with_siblings(m), Method::Marked, marked_why(m)),
        (None, Some(s)) => (ctx.with_siblings(s), Method::Scored, scored_why(s)),
        (None, None) => (Vec::new(), Method::Empty, "no element holds prose".to_string()),
    };
    if container.len() > 1 {
        why.push_str(&format!(", with {} sibling blocks", container.len() - 1));
    }
    let mut out = Writer::default();
    for l in ctx.leads(&container) {
        ctx.write(l, &mut out);
    }
    for &c in &container {
        ctx.write(c, &mut out);
    }
    let text = out.finish();
    if count_chars(&text) >= MIN_CHARS || method == Method::Empty {
        return Extraction { text, method, why };
    }
    // Too little: take every paragraph of the page outside boilerplate.
    let mut out = Writer::default();
    ctx.write(body, &mut out);
    let fallback = out.finish();
    if count_chars(&fallback) > count_chars(&text) {
        let method = if fallback.is_empty() { Method::Empty } else { Method::Paragraphs };
        let why = format!(
            "{why} gave {} characters, under {MIN_CHARS}: every paragraph outside boilerplate",
            count_chars(&text)
        );
        return Extraction { text: fallback, method, why };
    }
    Extraction { text, method, why }
}

/// `tag.class#id` of an element, for the reasons shown to users.
fn describe(dom: &Dom, id: NodeId) -> String {
    let node = dom.node(id);
    let mut s = node.tag.to_string();
    if let Some(class) = node.attr("class") {
        for c in class.split_whitespace().take(3) {
            s.push('.');
            s.push_str(c);
        }
    }
    if let Some(i) = node.attr("id") {
        s.push('#');
        s.push_str(i);
    }
    if node.attr("itemprop") == Some("articleBody") {
        s.push_str("[itemprop=articleBody]");
    }
    s
}

/// All the text of a fragment (a feed item's HTML), block by block, with
/// only non-text elements (forms, media, `head`) left out: a fragment has
/// no boilerplate to remove.
pub(crate) fn fragment_text(dom: &Dom) -> String {
    let dropped: Vec<bool> = dom.nodes.iter().map(|n| DROPPED_TAGS.contains(&&*n.tag)).collect();
    let stats = vec![Stats::default(); dom.nodes.len()];
    let classes = vec![Class::default(); dom.nodes.len()];
    let ctx = Ctx { dom, stats: &stats, dropped: &dropped, classes: &classes };
    let mut out = Writer::default();
    ctx.write(0, &mut out);
    out.finish()
}

fn count_chars(s: &str) -> u32 {
    s.chars().filter(|c| !c.is_whitespace()).count() as u32
}

/// True when `a` is `b` or one of its ancestors.
fn contains(dom: &Dom, a: NodeId, b: NodeId) -> bool {
    let mut x = b;
    loop {
        if x == a {
            return true;
        }
        if x == 0 {
            return false;
        }
        x = dom.node(x).parent;
    }
}

/// The lowercase words of an element's class and id: each class name with
/// `-` and `_` removed (so `article-body`, `article_body` and `articleBody`
/// all give `articlebody`), then, marked `false`, the parts of compound
/// names (`share` and `buttons` of `share-buttons`).
fn ident_words(dom: &Dom, id: NodeId) -> Vec<(String, bool)> {
    let node = dom.node(id);
    let mut words = Vec::new();
    for value in [node.attr("class"), node.attr("id")].into_iter().flatten() {
        for name in value.split_ascii_whitespace() {
            let lower = name.to_ascii_lowercase();
            words.push((lower.replace(['-', '_'], ""), true));
            if lower.contains(['-', '_']) {
                words.extend(
                    lower
                        .split(['-', '_'])
                        .filter(|w| !w.is_empty())
                        .map(|w| (w.to_string(), false)),
                );
            }
        }
    }
    words
}

/// Boilerplate words that count only as a whole class name: as part of a
/// compound they are usually a value (`tag-json`, `category-news` on a
/// WordPress article, `has-date`).
const WHOLE_ONLY: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "date",
    "author",
    "meta",
    "hidden",
    "hide",
    "video",
    "embed",
    "print",
    "search",
    "feed",
    "follow",
    "rating",
    "credit",
    "caption",
    "published",
    "audio",
    "player",
    "header",
    "jump",
    "toc",
    "ad",
    "ads",
];

/// Boilerplate words sure enough to remove an element of any size (below
/// half the page); the others remove only small elements, since they are
/// also found on wrappers (`entry share`, `elementor-widget-container`).
const STRONG_WORDS: &[&str] = &[
    "comment",
    "comments",
    "kommentare",
    "disqus",
    "respond",
    "sidebar",
    "footer",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "related",
    "recommended",
    "recommendations",
    "cookie",
    "cookies",
    "consent",
    "newsletter",
    "banner",
    "outbrain",
    "taboola",
    "mostread",
    "popular",
    "trending",
];

/// Below this many characters any boilerplate word removes an element.
const SMALL: u32 = 1500;

/// What the class and id words of an element say, computed once per
/// element (the words are looked up in the lists only here).
#[derive(Clone, Copy, Default)]
struct Class {
    /// It has a class or id at all.
    any: bool,
    /// A content word: the article body.
    content: bool,
    /// A lead word.
    lead: bool,
    /// A boilerplate word that removes an element of any size.
    strong: bool,
    /// A boilerplate word that removes only small elements.
    weak: bool,
}

fn class_of(dom: &Dom, id: NodeId) -> Class {
    let node = dom.node(id);
    if node.is_text() || (node.attr("class").is_none() && node.attr("id").is_none()) {
        return Class::default();
    }
    let (words, names) = &*LOOKUP;
    let mut c = Class::default();
    for (word, whole) in ident_words(dom, id) {
        let word = word.as_str();
        c.any = true;
        let flags = words.get(word).copied().unwrap_or(0);
        c.content |= flags & CONTENT != 0;
        c.lead |= flags & LEAD != 0;
        if flags & BOILER != 0 && (whole || flags & WHOLE == 0) {
            if flags & STRONG != 0 {
                c.strong = true;
            } else {
                c.weak = true;
            }
        }
        if !whole {
            continue;
        }
        // Whole class names: words inside them and at their end.
        let (mut author, mut boxy) = (false, false);
        // WordPress prints a post's categories and tags as classes
        // (`category-social-issues`): values, not a role.
        let value = word.starts_with("category") || word.starts_with("tag");
        for m in names.find_overlapping_iter(word) {
            let at_end = m.end() == word.len();
            match NAME_PARTS[m.pattern().as_usize()].1 {
                Part::Boiler => c.strong |= !value,
                Part::Caption => c.weak = true,
                Part::Author => author = true,
                Part::Box => boxy = true,
                Part::ContentEnd => c.content |= at_end,
                Part::LeadEnd => c.lead |= at_end,
            }
        }
        // A box about the author (`author-box`, `about-author`, `author-bio`).
        c.weak |= author && boxy;
    }
    c
}

const CONTENT: u8 = 1;
const LEAD: u8 = 2;
const BOILER: u8 = 4;
const WHOLE: u8 = 8;
const STRONG: u8 = 16;

/// What a word found inside a whole class name says.
#[derive(Clone, Copy)]
enum Part {
    /// Boilerplate wherever it occurs (`fi-cookieconsent`).
    Boiler,
    /// A caption or picture credit (`wp-caption-text`).
    Caption,
    /// `author`, a box about the author with a [`Part::Box`] word.
    Author,
    /// A word for a box.
    Box,
    /// A content word, when the name ends with it (`c-article__content`).
    ContentEnd,
    /// A lead word, when the name ends with it (`article-header__lead`).
    LeadEnd,
}

/// The words looked for inside whole class names.
static NAME_PARTS: LazyLock<Vec<(&'static str, Part)>> = LazyLock::new(|| {
    let mut parts: Vec<(&str, Part)> = Vec::new();
    parts.extend(BOILER_PARTS.iter().map(|w| (*w, Part::Boiler)));
    parts.extend(CAPTIONS.iter().map(|w| (*w, Part::Caption)));
    parts.push(("author", Part::Author));
    parts.extend(AUTHOR_BOXES.iter().map(|w| (*w, Part::Box)));
    parts.extend(CONTENT_WORDS.iter().filter(|w| w.len() >= 10).map(|w| (*w, Part::ContentEnd)));
    parts.extend(LEAD_ENDINGS.iter().map(|w| (*w, Part::LeadEnd)));
    parts
});

/// Word lookups: flags per known word, and an automaton for the words
/// inside class names, built once.
static LOOKUP: LazyLock<(rustc_hash::FxHashMap<&'static str, u8>, aho_corasick::AhoCorasick)> =
    LazyLock::new(|| {
        let mut words = rustc_hash::FxHashMap::default();
        let mut add = |list: &[&'static str], flag: u8| {
            for w in list {
                *words.entry(*w).or_insert(0) |= flag;
            }
        };
        add(CONTENT_WORDS, CONTENT);
        add(LEAD_WORDS, LEAD);
        add(BOILER_WORDS, BOILER);
        add(WHOLE_ONLY, WHOLE);
        add(STRONG_WORDS, STRONG);
        let names = aho_corasick::AhoCorasick::new(NAME_PARTS.iter().map(|(w, _)| *w))
            .expect("class name parts");
        (words, names)
    });

/// Class words of a lead (standfirst, summary) printed before the body,
/// as a whole class name or a part of one (`article-lead`, `ts-intro`).
const LEAD_WORDS: &[&str] = &[
    "lead",
    "intro",
    "introduction",
    "excerpt",
    "abstract",
    "standfirst",
    "subheadline",
    "summary",
    "vorspann",
    "sommario",
    "perex",
    "deck",
    "dek",
    "bajada",
    "teasertext",
    "leadtext",
    "articleteaser",
];

/// Whole class names ending in one of these are leads too
/// (`article-header-full__lead`, `c-article__teaser-text`).
const LEAD_ENDINGS: &[&str] =
    &["lead", "intro", "excerpt", "abstract", "standfirst", "teasertext", "subheadline"];

/// A lead holds less text than this.
const LEAD_MAX: u32 = 1500;

/// Elements that can hold a whole article body.
const CONTAINERS: &[&str] =
    &["div", "article", "section", "main", "td", "body", "span", "font", "center", "form"];

/// Picture captions and credits inside a class name (`wp-caption-text`,
/// `figure__caption`, `imagedescription`, `bildunterschrift`).
const CAPTIONS: &[&str] = &[
    "caption",
    "imagedescription",
    "imgdescription",
    "bildunterschrift",
    "imagecredit",
    "photocredit",
];

/// With `author` in a class name, a box about the author (`author-box`,
/// `about-author`, `author-bio`).
const AUTHOR_BOXES: &[&str] =
    &["box", "bio", "info", "card", "profile", "about", "description", "wrap"];

/// Parts of class names that mark boilerplate wherever they occur in the
/// name (`fi-cookieconsent`, `BorlabsCookie`, `post-metadata`).
const BOILER_PARTS: &[&str] = &[
    "cookie",
    "newsletter",
    "sabox",
    "postmetadata",
    "entryutility",
    "entryfooter",
    "paywall",
    "related",
    "social",
];

/// An explicit article-body marker: `itemprop=articleBody`, `<article>`,
/// or a content class.
fn is_marked(dom: &Dom, id: NodeId, class: Class) -> bool {
    let node = dom.node(id);
    // A paragraph marked `bodytext` is one paragraph of the body, not the
    // body: the container is found around it.
    if node.is_text() || !CONTAINERS.contains(&&*node.tag) {
        return false;
    }
    node.attr("itemprop") == Some("articleBody") || &*node.tag == "article" || class.content
}

fn is_boilerplate(dom: &Dom, id: NodeId, class: Class, raw: u32, total: u32) -> bool {
    let node = dom.node(id);
    if DROPPED_TAGS.contains(&&*node.tag) {
        return true;
    }
    if node.attr("hidden").is_some() || node.attr("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(style) = node.attr("style") {
        let style = style.to_ascii_lowercase().replace(' ', "");
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    if matches!(
        node.attr("role"),
        Some("navigation" | "complementary" | "contentinfo" | "banner" | "search" | "dialog")
    ) {
        return raw * 2 < total;
    }
    if node.attr("itemprop") == Some("articleBody") {
        return false;
    }
    if matches!(&*node.tag, "article" | "main" | "body" | "html") {
        return false;
    }
    if !class.any || class.content {
        return false;
    }
    // A lead is the article's first paragraph, whatever else its class
    // says (`teaser-text`).
    if raw < LEAD_MAX && class.lead {
        return false;
    }
    // A boilerplate word on an element that holds most of the page is a
    // layout class (`has-sidebar`), not a sidebar.
    (class.strong || (class.weak && raw < SMALL)) && raw * 2 < total
}

struct Ctx<'a> {
    dom: &'a Dom,
    stats: &'a [Stats],
    dropped: &'a [bool],
    classes: &'a [Class],
}

impl Ctx<'_> {
    fn link_density(&self, id: NodeId) -> f32 {
        let s = self.stats[id as usize];
        if s.text == 0 {
            1.0
        } else {
            s.link as f32 / s.text as f32
        }
    }

    /// Text outside links: the prose an element holds.
    fn prose(&self, id: NodeId) -> u32 {
        let s = self.stats[id as usize];
        s.text - s.link.min(s.text)
    }

    fn write(&self, id: NodeId, out: &mut Writer) {
        let node = self.dom.node(id);
        if self.dropped[id as usize] {
            return;
        }
        if node.is_text() {
            out.text(&node.text);
            return;
        }
        let tag = &*node.tag;
        if tag == "br" {
            out.line_break();
            return;
        }
        let block = BLOCKS.contains(&tag);
        if block && tag != "p" && self.is_link_list(id) {
            return;
        }
        if self.is_lead_in_to_removed(id) {
            return;
        }
        let item = matches!(tag, "li" | "dd" | "td" | "th");
        if matches!(tag, "td" | "th") {
            out.text(" ");
        }
        if block {
            out.paragraph();
        }
        out.in_list += u32::from(item);
        for c in self.dom.children(id) {
            self.write(c, out);
        }
        out.in_list -= u32::from(item);
        if block {
            out.paragraph();
        }
    }

    /// The leads printed before the body: elements with a lead class that
    /// come before its first block, close to it in the tree (their common
    /// ancestor at most a few levels up), short, mostly not links, and not
    /// inside another lead. At most two, the nearest.
    fn leads(&self, container: &[NodeId]) -> Vec<NodeId> {
        let Some(&first) = container.first() else { return Vec::new() };
        let first_depth = self.depth(first);
        let mut ancestors = Vec::new();
        let mut x = first;
        while x != 0 && ancestors.len() < LEAD_REACH {
            x = self.dom.node(x).parent;
            ancestors.push(x);
        }
        let mut leads: Vec<NodeId> = Vec::new();
        for id in 1..first {
            if self.dropped[id as usize] || !self.classes[id as usize].lead {
                continue;
            }
            if leads.iter().any(|&l| contains(self.dom, l, id)) || contains(self.dom, id, first) {
                continue;
            }
            let s = self.stats[id as usize];
            if s.text < 30 || s.text > LEAD_MAX || self.link_density(id) > 0.3 {
                continue;
            }
            // The lowest common ancestor must be one of the container's
            // near ancestors, and the lead not too deep below it.
            let mut y = id;
            let mut steps = 0;
            while !ancestors.contains(&y) && y != 0 && steps < 8 {
                y = self.dom.node(y).parent;
                steps += 1;
            }
            if ancestors.contains(&y) && self.depth(y) + LEAD_REACH as u32 >= first_depth {
                leads.push(id);
            }
        }
        let n = leads.len();
        leads.split_off(n.saturating_sub(2))
    }

    fn depth(&self, id: NodeId) -> u32 {
        let mut d = 0;
        let mut x = id;
        while x != 0 {
            x = self.dom.node(x).parent;
            d += 1;
        }
        d
    }

    /// A heading or short line ("Related articles", "Mehr zum Thema") whose
    /// next element is removed boilerplate or a link list: it introduces
    /// what was removed, not the article.
    fn is_lead_in_to_removed(&self, id: NodeId) -> bool {
        let node = self.dom.node(id);
        let heading = matches!(&*node.tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
        let short = matches!(&*node.tag, "p" | "div" | "strong" | "b" | "span")
            && self.stats[id as usize].text < 40;
        if !(heading || short) {
            return false;
        }
        let mut next = node.next_sibling;
        while let Some(n) = next {
            let sib = self.dom.node(n);
            if sib.is_text() && sib.text.trim().is_empty() {
                next = sib.next_sibling;
                continue;
            }
            // A ruby annotation (`<rt>`) is dropped, but what it annotates
            // is the text itself, not a lead-in.
            if sib.is_text() || matches!(&*sib.tag, "rt" | "rp") {
                return false;
            }
            return self.dropped[n as usize] && self.stats[n as usize].raw > 0
                || (BLOCKS.contains(&&*sib.tag) && self.is_link_list(n));
        }
        false
    }

    /// A block that is mostly links: a menu, a list of related articles.
    fn is_link_list(&self, id: NodeId) -> bool {
        let s = self.stats[id as usize];
        if s.text == 0 {
            return false;
        }
        let ld = self.link_density(id);
        let tag = &*self.dom.node(id).tag;
        match tag {
            "ul" | "ol" | "dl" | "table" | "tbody" | "tr" => ld > 0.5,
            "li" | "dd" | "dt" => ld > 0.8 && s.text < 300,
            _ => ld > 0.6,
        }
    }

    /// Readability's container choice: paragraphs score their parent fully,
    /// their grandparent half and the next ancestor a third.
    fn scores(&self) -> Vec<f32> {
        let mut score = vec![0.0f32; self.dom.nodes.len()];
        for (i, node) in self.dom.nodes.iter().enumerate() {
            if !matches!(
                &*node.tag,
                "p" | "pre" | "td" | "blockquote" | "section" | "div" | "li" | "h2" | "h3" | "dd"
            ) || self.dropped[i]
            {
                continue;
            }
            // Only the element's own text: a div counts as a paragraph only
            // for its direct text (like readability's div-to-p rule).
            let own = self.own_text(i as NodeId);
            if own < 25 {
                continue;
            }
            let commas = self.own_commas(i as NodeId);
            let s = 1.0 + commas as f32 + (own as f32 / 100.0).min(3.0);
            let mut ancestor = node.parent;
            for div in [1.0, 2.0, 3.0] {
                score[ancestor as usize] += s / div;
                if ancestor == 0 {
                    break;
                }
                ancestor = self.dom.node(ancestor).parent;
            }
        }
        for (i, s) in score.iter_mut().enumerate() {
            *s *= 1.0 - self.link_density(i as NodeId);
        }
        score
    }

    fn own_text(&self, id: NodeId) -> u32 {
        let tag = &*self.dom.node(id).tag;
        if matches!(tag, "div" | "section" | "li" | "td" | "dd") {
            // Direct text and inline children only.
            self.dom
                .children(id)
                .filter(|&c| !self.dropped[c as usize])
                .filter(|&c| {
                    let t = &*self.dom.node(c).tag;
                    t.is_empty() || !BLOCKS.contains(&t)
                })
                .map(|c| self.prose(c))
                .sum()
        } else {
            self.prose(id)
        }
    }

    fn own_commas(&self, id: NodeId) -> usize {
        let mut n = 0;
        let mut stack = vec![id];
        while let Some(x) = stack.pop() {
            let node = self.dom.node(x);
            if node.is_text() {
                n += node.text.matches([',', '，', '、']).count();
            } else if x == id || !BLOCKS.contains(&&*node.tag) {
                stack.extend(self.dom.children(x));
            }
        }
        n
    }

    fn best_scored(&self) -> Option<NodeId> {
        let score = self.scores();
        let (best, &s) = score
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.partial_cmp(b.1).unwrap_or(std::cmp::Ordering::Equal))?;
        (s > 0.0).then_some(best as NodeId)
    }

    /// The best node and the siblings that hold prose like it.
    fn with_siblings(&self, best: NodeId) -> Vec<NodeId> {
        if best == 0 {
            return vec![best];
        }
        let parent = self.dom.node(best).parent;
        let best_prose = self.prose(best).max(1);
        let mut chosen: Vec<NodeId> = self
            .dom
            .children(parent)
            .filter(|&c| {
                if c == best {
                    return true;
                }
                let node = self.dom.node(c);
                if self.dropped[c as usize] || node.is_text() {
                    return false;
                }
                let prose = self.prose(c);
                let ld = self.link_density(c);
                (prose * 5 >= best_prose && ld < 0.25)
                    || (&*node.tag == "p" && prose > 80 && ld < 0.25)
            })
            .collect();
        // The article's other parts may be wrapped like the best element's
        // wrapper (`section.detail-body` after `section.detail-body`): a
        // wrapper that holds little but the best element stands for it.
        let raw = |id: NodeId| self.stats[id as usize].raw;
        let mut wrapper = best;
        for _ in 0..3 {
            let up = self.dom.node(wrapper).parent;
            if up == 0 || raw(up) * 10 > raw(best) * 11 {
                break;
            }
            wrapper = up;
        }
        if wrapper != best {
            let node = self.dom.node(wrapper);
            let class = node.attr("class").and_then(|c| c.split_whitespace().next());
            let alike = |c: NodeId| {
                let n = self.dom.node(c);
                c != wrapper
                    && n.tag == node.tag
                    && class.is_some()
                    && n.attr("class").and_then(|c| c.split_whitespace().next()) == class
                    && !self.dropped[c as usize]
                    && self.prose(c) >= 100
                    && self.link_density(c) < 0.25
            };
            chosen.extend(self.dom.children(node.parent).filter(|&c| alike(c)));
            chosen.sort_unstable();
        }
        chosen
    }

    /// The marked element holding the most prose, narrowed to the
    /// innermost marked element inside it that still holds most of that
    /// prose (an `article` wrapper around an `article-body`).
    fn best_marked(&self) -> Option<NodeId> {
        let marked: Vec<(NodeId, u32)> = (0..self.dom.nodes.len())
            .filter(|&i| !self.dropped[i] && is_marked(self.dom, i as NodeId, self.classes[i]))
            .map(|i| (i as NodeId, self.prose(i as NodeId)))
            .filter(|&(id, prose)| prose >= 250 && self.link_density(id) <= 0.5)
            .collect();
        let &(outer, outer_prose) =
            marked.iter().max_by_key(|&&(id, prose)| (prose, std::cmp::Reverse(id)))?;
        let inner = marked
            .iter()
            .filter(|&&(id, prose)| {
                prose * 10 >= outer_prose * NARROW && contains(self.dom, outer, id)
            })
            .min_by_key(|&&(id, prose)| (prose, std::cmp::Reverse(id)));
        Some(inner.map_or(outer, |&(id, _)| id))
    }
}

/// A lead's common ancestor with the body is at most this many levels
/// above the body.
const LEAD_REACH: usize = 6;

/// A marked element inside the best one replaces it when it holds at least
/// this many tenths of its prose.
const NARROW: u32 = 9;

fn best_scored(ctx: &Ctx) -> Option<NodeId> {
    ctx.best_scored()
}

fn best_marked(ctx: &Ctx) -> Option<NodeId> {
    ctx.best_marked()
}

/// Openings of lines that send the reader elsewhere, in the languages of
/// the pages we read (lowercase).
const POINTERS: &[&str] = &[
    "read more",
    "read also",
    "see also",
    "related:",
    "related articles",
    "related stories",
    "you may also like",
    "you might also like",
    "more from",
    "recommended for you",
    "mehr zum thema",
    "auch interessant",
    "das könnte sie",
    "das könnte dich",
    "lesen sie auch",
    "lesen sie mehr",
    "lies auch",
    "weitere artikel",
    "weitere beiträge",
    "ähnliche beiträge",
    "ähnliche artikel",
    "verwandte artikel",
    "schon gelesen",
    "auch lesen",
    "zurück zu",
    "kommentare",
    "lea más",
    "lea también",
    "lee también",
    "vea también",
    "ver también",
    "te puede interesar",
    "le puede interesar",
    "lire aussi",
    "à lire aussi",
    "a lire aussi",
    "voir aussi",
    "leggi anche",
    "czytaj też",
    "czytaj także",
    "zobacz też",
];

/// Openings of byline and timestamp lines (lowercase).
const BYLINES: &[&str] = &[
    "by ",
    "von ",
    "par ",
    "por ",
    "updated",
    "aktualisiert",
    "veröffentlicht",
    "published",
    "posted",
    "publié",
    "publicado",
    "stand:",
    "zuletzt",
];

/// Calls to action and notices the publisher puts inside the body:
/// subscribe, follow us, get the app, advertising labels, reprint terms.
static CTA: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(concat!(
        r"(?-u:\b)subscribe (now|today|to)(?-u:\b)|(?-u:\b)please subscribe(?-u:\b)|(?-u:\b)already a subscriber(?-u:\b)|",
        r"(?-u:\b)subscribers (also|can)(?-u:\b)|(?-u:\b)follow (us|the \w+)(?-u:\b).*(?-u:\b)(twitter|facebook|instagram)(?-u:\b)|",
        r"(?-u:\b)download (the|our)(?-u:\b).*(?-u:\b)apps?(?-u:\b)|(?-u:\b)submit your letter(?-u:\b)|(?-u:\b)copyrighted(?-u:\b)|",
        r"(?-u:\b)written permission(?-u:\b)|s[ií]guenos(?-u:\b)|(?-u:\b)[úu]nete(?-u:\b)|suscr[ií]bete|hazte miembro|",
        r"canal de (youtube|telegram|whatsapp)|^\W*(werbung|anzeige)(?-u:\b)|folgen sie uns|",
        r"abonnieren sie|(?-u:\b)newsletter abonnieren|sign up for (our|the) newsletter"
    ))
    .expect("call-to-action pattern")
});

/// Longest paragraph (bytes) that can be a call to action.
const CTA_MAX: usize = 250;

/// Shorter lines after the last paragraph of prose are dropped.
const TAIL_MIN: usize = 50;

/// A paragraph of prose: long enough and ends a sentence.
fn is_prose(p: &str) -> bool {
    p.chars().count() >= 100
        && p.trim_end().ends_with(['.', '!', '?', '"', '”', '“', '»', '«', ')', '。'])
}

/// A short paragraph that only points elsewhere, or only dates the page
/// ("31. Mai 2012", "Updated: 03.04.2020 14:00", "By Ana Lima").
fn is_pointer(paragraph: &str) -> bool {
    let n_words = paragraph.split_whitespace().count();
    if crate::clean::chrome::classify(paragraph, n_words).is_some() {
        return true;
    }
    if paragraph.len() <= CTA_MAX && CTA.is_match(&paragraph.to_lowercase()) {
        return true;
    }
    if paragraph.len() > 200 {
        return false;
    }
    if paragraph.len() < 80 {
        let dated: usize = crate::dates::find_dates(paragraph).iter().map(|d| d.span.len()).sum();
        if dated * 3 >= paragraph.trim().len() {
            return true;
        }
        let lower = paragraph.to_lowercase();
        if BYLINES.iter().any(|b| lower.starts_with(b)) {
            return true;
        }
    }
    let lower = paragraph.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    if POINTERS.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    // "4 min read", "5 Min. Lesezeit"
    let mut words = lower.split_whitespace();
    let first_is_number = words.next().is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()));
    first_is_number
        && lower.split_whitespace().count() <= 3
        && (lower.contains("read") || lower.contains("lesezeit"))
}

/// Accumulates text with collapsed whitespace and paragraph breaks.
#[derive(Default)]
struct Writer {
    out: String,
    /// A space is owed before the next word.
    space: bool,
    /// A break is owed: 1 line, 2 paragraph.
    brk: u8,
    /// How many list items or table cells the writer is inside.
    in_list: u32,
    /// Per paragraph written, whether it began inside a list or table.
    listed: Vec<bool>,
}

impl Writer {
    fn text(&mut self, s: &str) {
        for (k, word) in s.split(char::is_whitespace).enumerate() {
            if k > 0 {
                self.space = true;
            }
            if word.is_empty() {
                continue;
            }
            if self.out.is_empty() || self.brk == 2 {
                self.listed.push(self.in_list > 0);
            }
            if !self.out.is_empty() {
                match self.brk {
                    2 => self.out.push_str("\n\n"),
                    1 => self.out.push('\n'),
                    _ if self.space => self.out.push(' '),
                    _ => {}
                }
            }
            self.brk = 0;
            self.space = false;
            self.out.push_str(word);
        }
    }

    fn paragraph(&mut self) {
        self.brk = 2;
    }

    fn line_break(&mut self) {
        self.brk = self.brk.max(1);
    }

    /// The text, without the short paragraphs that point away from the
    /// article ("Read more: ...", "Mehr zum Thema", "Lea también").
    fn finish(self) -> String {
        let listed = &self.listed;
        let mut kept: Vec<(&str, bool)> = self
            .out
            .split("\n\n")
            .enumerate()
            .map(|(i, p)| (p, listed.get(i).copied().unwrap_or(false)))
            .filter(|(p, _)| !is_pointer(p))
            .collect();
        // Short lines after the last real paragraph are the page's tail
        // (share prompts, tags, "back to the list"), not the article's;
        // the items of a list or table there are the article's.
        if let Some(last) = kept.iter().rposition(|(p, _)| is_prose(p)) {
            let tail_start = last + 1;
            let mut out = kept[..tail_start].to_vec();
            out.extend(
                kept[tail_start..]
                    .iter()
                    .filter(|(p, listed)| *listed || p.chars().count() >= TAIL_MIN),
            );
            kept = out;
        }
        kept.iter().map(|(p, _)| *p).collect::<Vec<_>>().join("\n\n")
    }
}
