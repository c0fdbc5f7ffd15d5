//! The feed reader: RSS 0.9x/1.0/2.0, Atom and JSON Feed files.
//!
//! Input: a byte stream holding one feed. Output: one [`RawArticle`] per
//! item that has text, with its link, title, date and author; a diagnostic
//! per item without text, or one for a feed that does not parse.
//! Method: `feed-rs` parses every dialect into one model; an item's text is
//! its full content, else its description/summary, turned into plain text
//! by the HTML reader's fragment path (feeds carry HTML fragments, which
//! need no boilerplate removal). Record numbers are 1-based item numbers.

use std::io::Read;

use feed_rs::model::{Entry, Text};

use super::html;
use super::{read_error, Item, ReadConfig};
use crate::model::{DateSource, Diagnostic, DiagnosticKind, Fields, Format, Origin, RawArticle};

pub(super) fn read(name: &str, reader: impl Read, config: &ReadConfig, sink: &mut dyn FnMut(Item)) {
    let origin = Origin::file(name);
    // A feed is parsed whole; the cap keeps a hostile one from exhausting memory.
    let limit = config.max_record_bytes as u64 * 4;
    let mut bytes = Vec::new();
    if let Err(e) = reader.take(limit + 1).read_to_end(&mut bytes) {
        return sink(Item::Diagnostic(read_error(name, None, &e)));
    }
    if bytes.len() as u64 > limit {
        let msg = format!("feed larger than {limit} bytes; skipped");
        return sink(Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::TooLarge, msg)));
    }
    read_bytes(name, &bytes, sink);
}

/// Reads a feed held in memory (also used for feeds found in WARC files).
pub(super) fn read_bytes(name: &str, bytes: &[u8], sink: &mut dyn FnMut(Item)) {
    let feed = match feed_rs::parser::parse(bytes) {
        Ok(feed) => feed,
        Err(e) => {
            let msg =
                format!("not a readable rss, atom or json feed: {}", lowercase(&e.to_string()));
            return sink(Item::Diagnostic(Diagnostic::new(
                Origin::file(name),
                DiagnosticKind::Malformed,
                msg,
            )));
        }
    };
    let outlet = feed.title.as_ref().map(plain).filter(|t| !t.is_empty());
    for (i, entry) in feed.entries.iter().enumerate() {
        sink(entry_item(Origin::record(name, i as u64 + 1), entry, outlet.as_deref()));
    }
}

fn entry_item(origin: Origin, entry: &Entry, outlet: Option<&str>) -> Item {
    let html = entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref())
        .filter(|b| !b.trim().is_empty())
        .or_else(|| entry.summary.as_ref().map(|s| s.content.as_str()));
    let body = html.map(html::fragment_text).unwrap_or_default();
    if body.trim().is_empty() {
        let msg = "feed item has no content or description";
        return Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::Empty, msg));
    }
    let date = entry.published.or(entry.updated);
    let authors: Vec<&str> = entry
        .authors
        .iter()
        .filter_map(|p| p.name.as_deref())
        // RSS writes `desk@example.com (Name)`; feed-rs keeps the brackets.
        .map(|n| n.trim().trim_start_matches('(').trim_end_matches(')').trim())
        .filter(|n| !n.is_empty())
        .collect();
    let fields = Fields {
        title: entry.title.as_ref().map(plain).filter(|t| !t.is_empty()),
        published: date.map(|d| d.to_rfc3339()),
        published_source: date.map(|_| DateSource::Field),
        outlet: outlet.map(str::to_string),
        url: entry.links.first().map(|l| l.href.clone()),
        author: (!authors.is_empty()).then(|| authors.join(", ")),
        ..Fields::default()
    };
    Item::Article(RawArticle {
        origin,
        format: Format::Feed,
        body,
        fields,
        diagnostics: Vec::new(),
    })
}

/// A title or name as plain text (Atom allows HTML in them).
fn plain(text: &Text) -> String {
    if text.content_type.essence().to_string().contains("html") {
        html::fragment_text(&text.content).split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        text.content.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

fn lowercase(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::{read_bytes, Item, ReadConfig};

    fn read(name: &str, bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        read_bytes(name, bytes, &ReadConfig::default(), &mut |i| {
            out.push(match i {
                Item::Article(a) => format!(
                    "{} | {:?} | {:?} | {:?} | {:?} | {:?} | {:?}",
                    a.origin,
                    a.fields.title,
                    a.fields.published,
                    a.fields.author,
                    a.fields.url,
                    a.fields.outlet,
                    a.body
                ),
                Item::Diagnostic(d) => d.to_string(),
            })
        });
        out
    }

    #[test]
    fn rss_2_items_become_articles() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>The Harbour Gazette</title>
            <item><title>Ferry timetable changes</title><link>https://gazette.example/ferry</link>
            <pubDate>Wed, 05 Oct 2016 16:32:00 +0000</pubDate><author>desk@gazette.example (Ana Lima)</author>
            <description>&lt;p&gt;The morning ferry leaves &lt;b&gt;earlier&lt;/b&gt; from Monday.&lt;/p&gt;&lt;p&gt;Tickets stay the same.&lt;/p&gt;</description></item>
            <item><title>No words here</title><link>https://gazette.example/empty</link></item>
            </channel></rss>"#;
        expect_test::expect![[r#"
            [
                "feed.rss record 1 | Some(\"Ferry timetable changes\") | Some(\"2016-10-05T16:32:00+00:00\") | Some(\"Ana Lima\") | Some(\"https://gazette.example/ferry\") | Some(\"The Harbour Gazette\") | \"The morning ferry leaves earlier from Monday.\\n\\nTickets stay the same.\"",
                "feed.rss record 2: empty: feed item has no content or description",
            ]
        "#]]
        .assert_debug_eq(&read("feed.rss", rss.as_bytes()));
    }

    #[test]
    fn atom_and_json_feed_and_rss_1() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Notes</title>
            <entry><title type="html">Bridge &lt;em&gt;reopens&lt;/em&gt;</title><link href="https://valley.example/bridge"/>
            <published>2021-03-02T08:00:00Z</published><updated>2021-03-03T08:00:00Z</updated><author><name>Ken Ito</name></author>
            <content type="html">&lt;p&gt;The old bridge carries traffic again.&lt;/p&gt;</content></entry></feed>"#;
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"Plain Wire","items":[
            {"id":"1","url":"https://wire.example/1","title":"Rain due","content_text":"Rain is due on Friday.",
             "date_published":"2022-06-01T10:00:00Z","authors":[{"name":"Jo Park"}]}]}"#;
        let rdf = r#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
            <channel rdf:about="https://old.example/"><title>Old Post</title><link>https://old.example/</link><description>d</description></channel>
            <item rdf:about="https://old.example/a"><title>Mill closes</title><link>https://old.example/a</link><description>The mill closed its doors.</description></item></rdf:RDF>"#;
        let mut all = read("a.atom", atom.as_bytes());
        all.extend(read("feed.json", json.as_bytes()));
        all.extend(read("r.rdf", rdf.as_bytes()));
        expect_test::expect![[r#"
            [
                "a.atom record 1 | Some(\"Bridge reopens\") | Some(\"2021-03-02T08:00:00+00:00\") | Some(\"Ken Ito\") | Some(\"https://valley.example/bridge\") | Some(\"Valley Notes\") | \"The old bridge carries traffic again.\"",
                "feed.json record 1 | Some(\"Rain due\") | Some(\"2022-06-01T10:00:00+00:00\") | Some(\"Jo Park\") | Some(\"https://wire.example/1\") | Some(\"Plain Wire\") | \"Rain is due on Friday.\"",
                "r.rdf record 1 | Some(\"Mill closes\") | None | None | Some(\"https://old.example/a\") | Some(\"Old Post\") | \"The mill closed its doors.\"",
            ]
        "#]]
        .assert_debug_eq(&all);
    }

    #[test]
    fn a_broken_feed_is_one_diagnostic() {
        let out = read("bad.rss", b"<rss><channel><item><title>unclosed");
        assert_eq!(out.len(), 1);
        assert!(out[0].starts_with("bad.rss: malformed: "), "{out:?}");
    }
}

#[cfg(test)]
mod props {
    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2000)) {
            let mut xml = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><description>".to_vec();
            xml.extend_from_slice(&bytes);
            super::read_bytes("x.rss", &xml, &mut |_| {});
            super::read_bytes("y.rss", &bytes, &mut |_| {});
        }
    }
}
