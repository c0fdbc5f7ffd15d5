//! Tests of the HTML reader on hand-written pages.

use super::*;

fn page(html: &str) -> Page {
    extract_page(html.as_bytes(), None, Some("https://news.example/2016/10/05/harbour-story"))
}

#[test]
fn the_body_comes_out_without_boilerplate() {
    let html = r##"<!doctype html><html><head><title>Harbour reopens | The Gazette</title></head><body>
        <header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
        <div class="layout has-sidebar">
          <article><h1>Harbour reopens</h1>
            <div class="byline">By Ana Lima</div>
            <div class="article-body">
              <p>The harbour reopened on Tuesday after three weeks of repairs, the port authority said.</p>
              <p>Fishing boats, which had moored in the next town, began to return in the afternoon, and traders set up stalls again.</p>
              <div class="share-buttons"><a href="#">Share on social media</a></div>
              <p>Repairs cost less than expected, according to the council.</p>
            </div>
            <section class="comments"><p>Great news, finally, my cousin will be happy about it!</p></section>
          </article>
          <aside class="sidebar"><ul><li><a href="/a">Most read story one</a></li><li><a href="/b">Most read story two</a></li></ul></aside>
        </div>
        <footer>Copyright 2016 The Gazette. Impressum.</footer>
        </body></html>"##;
    let page = page(html);
    expect_test::expect![[r#"
        The harbour reopened on Tuesday after three weeks of repairs, the port authority said.

        Fishing boats, which had moored in the next town, began to return in the afternoon, and traders set up stalls again.

        Repairs cost less than expected, according to the council."#]]
    .assert_eq(&page.text);
    assert_eq!(page.method, Method::Scored);
}

#[test]
fn the_date_comes_from_structure_never_from_scripts_comments_or_widgets() {
    let html = r##"<html><head>
        <script>var built = "2001-01-01";</script>
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
          {"@type":"WebSite","name":"Gazette"},
          {"@type":"NewsArticle","headline":"Harbour reopens","datePublished":"2016-10-05T16:32:00+02:00",
           "dateModified":"2016-10-07T09:00:00Z","author":[{"@type":"Person","name":"Ana Lima"}],
           "publisher":{"@type":"Organization","name":"The Gazette"}}]}</script>
        <meta property="og:site_name" content="The Gazette">
        </head><body><!-- cached 2002-02-02 -->
        <div class="updated">Last updated: March 3, 2003</div>
        <article><p>The harbour reopened on Tuesday after three weeks of repairs, the port authority said on the quay.</p></article>
        <footer>Copyright April 4, 2004</footer></body></html>"##;
    let page = extract_page(html.as_bytes(), None, None);
    let f = &page.fields;
    assert_eq!(f.published.as_deref(), Some("2016-10-05T16:32:00+02:00"));
    assert_eq!(page.date_evidence.as_deref(), Some("json-ld datePublished"));
    assert_eq!(f.modified.as_deref(), Some("2016-10-07T09:00:00Z"));
    assert_eq!(f.title.as_deref(), Some("Harbour reopens"));
    assert_eq!(f.author.as_deref(), Some("Ana Lima"));
    assert_eq!(f.outlet.as_deref(), Some("The Gazette"));

    // Without structured data: none of those dates is taken, only the URL's.
    let bare = html.replace("datePublished", "x").replace("dateModified", "y");
    let page = extract_page(bare.as_bytes(), None, None);
    assert_eq!(page.fields.published, None);
    let page =
        extract_page(bare.as_bytes(), None, Some("https://gazette.example/2016/10/05/harbour"));
    assert_eq!(page.fields.published.as_deref(), Some("2016-10-05"));
    assert_eq!(page.fields.published_source, Some(crate::model::DateSource::Url));
}

#[test]
fn meta_tags_and_time_elements_give_dates_in_order_of_trust() {
    let html = r#"<html><head><meta property="article:published_time" content="2019-05-06T07:00:00Z">
        <meta name="date" content="2019-05-07"></head><body><time datetime="2019-05-08">8 May</time></body></html>"#;
    let page = extract_page(html.as_bytes(), None, None);
    assert_eq!(page.fields.published.as_deref(), Some("2019-05-06T07:00:00Z"));
    let html = r#"<html><body><div class="comment"><time datetime="2019-05-09">x</time></div>
        <span class="posted"><time class="entry-date published" datetime="2019-05-08T10:00">8 May</time></span></body></html>"#;
    let page = extract_page(html.as_bytes(), None, None);
    assert_eq!(page.fields.published.as_deref(), Some("2019-05-08T10:00"));
    assert_eq!(page.date_evidence.as_deref(), Some("time element"));
}

#[test]
fn charsets_from_transport_bom_meta_and_detection() {
    let body = "<p>Gr\u{fc}\u{df}e aus K\u{f6}ln, sch\u{f6}ne Stra\u{df}en und \u{fc}berall Caf\u{e9}s.</p>";
    let latin1 = encoding_rs::WINDOWS_1252.encode(body).0.into_owned();
    let with_meta =
        [b"<html><head><meta charset=\"iso-8859-1\"></head><body>".as_slice(), &latin1].concat();
    let page = extract_page(&with_meta, None, None);
    assert_eq!((page.encoding, page.encoding_source), ("windows-1252", "meta"));
    assert!(page.text.contains("Grüße aus Köln"), "{}", page.text);
    let page = extract_page(&latin1, Some("ISO-8859-1"), None);
    assert_eq!(page.encoding_source, "transport");
    let page = extract_page(&latin1, None, Some("https://zeitung.example.de/a"));
    assert_eq!(page.encoding_source, "detected");
    assert!(page.text.contains("Grüße aus Köln"), "{}", page.text);
    let bom = [b"\xef\xbb\xbf".as_slice(), body.as_bytes()].concat();
    assert_eq!(extract_page(&bom, Some("windows-1252"), None).encoding_source, "bom");
    // Mislabelled: declared legacy, but valid UTF-8 with non-ASCII text.
    let lying = format!("<meta charset=\"windows-1252\">{body}");
    let page = extract_page(lying.as_bytes(), None, None);
    assert_eq!(page.encoding, "UTF-8");
    assert!(page.text.contains("Grüße"));
}

#[test]
fn read_through_ingest_by_extension_and_sniffing() {
    let html = b"<!DOCTYPE html><html><body><main><p>The council voted to keep the library open on Sundays, after a petition signed by two thousand residents.</p></main></body></html>";
    for name in ["page.html", "page"] {
        let mut items = Vec::new();
        super::super::read_bytes(name, html, &ReadConfig::default(), &mut |i| items.push(i));
        let [Item::Article(a)] = items.as_slice() else { panic!("{items:?}") };
        assert_eq!(a.format, Format::Html);
        assert!(a.body.starts_with("The council voted"));
        assert!(a.fields.extraction.is_some());
    }
}

proptest::proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..3000)) {
        let page = extract_page(&bytes, None, None);
        proptest::prop_assert!(!page.text.contains("\n\n\n"));
    }

    #[test]
    fn never_panics_on_tag_soup(parts in proptest::collection::vec(proptest::sample::select(vec![
        "<p>", "</p>", "<div class='article-body'>", "</div>", "<li>", "<ul>", "</ul>", "<table><tr><td>",
        "<script>", "</script>", "<!--", "-->", "&amp;", "&#x1F600;", "&#99999999;", "<a href=x>", "</a>",
        "word, ", "<br/>", "<nav>", "<h2>", "<", ">", "\"", "<article>", "&nbsp", "<meta charset=utf-16>",
    ]), 0..200)) {
        let html = parts.concat();
        extract_page(html.as_bytes(), None, Some("https://x.example/2020/01/02/a"));
    }
}
