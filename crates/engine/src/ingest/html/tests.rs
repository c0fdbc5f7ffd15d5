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
    assert_eq!(page.date_evidence.as_deref(), Some("json-ld NewsArticle datePublished"));
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

/// The date, its evidence and the headline of a page made of `head`.
fn dated(head: &str) -> (Option<String>, Option<String>, Option<String>) {
    let html = format!(
        "<html><head>{head}</head><body><article><p>The ferry ran again on Monday \
         after the storm, and the island's shops opened their doors.</p></article></body></html>"
    );
    let page = extract_page(html.as_bytes(), None, None);
    (page.fields.published, page.date_evidence, page.fields.title)
}

fn ld(json: &str) -> String {
    format!(r#"<script type="application/ld+json">{json}</script>"#)
}

#[test]
fn json_ld_dates_from_main_entities_graphs_and_other_types() {
    // A WebPage wrapping its article as `mainEntity`.
    let page = ld(r#"{"@type":"WebPage","name":"Ferry","mainEntity":{"@type":"Article",
        "headline":"Ferry runs again","datePublished":"2019-01-17T15:15:00+01:00"}}"#);
    expect_test::expect![[r#"
        (
            Some(
                "2019-01-17T15:15:00+01:00",
            ),
            Some(
                "json-ld Article datePublished",
            ),
            Some(
                "Ferry runs again",
            ),
        )
    "#]]
    .assert_debug_eq(&dated(&page));
    // No article type: a recipe's own date, not its reviews' nor its photo's.
    let recipe = ld(r#"[{"@type":"ImageObject","datePublished":"2021-12-27"},
        {"@type":"Recipe","name":"Pie","datePublished":"2018-07-25","review":[
        {"@type":"Review","datePublished":"2019-04-12"}]}]"#);
    let (date, evidence, _) = dated(&recipe);
    assert_eq!(date.as_deref(), Some("2018-07-25"));
    assert_eq!(evidence.as_deref(), Some("json-ld Recipe datePublished"));
    // In a graph, the article's date before the WebPage's; a photo's never.
    let graph = ld(r#"{"@context":"https://schema.org","@graph":[
        {"@type":"WebPage","datePublished":"2020-02-14"},
        {"@type":["schema:NewsArticle"],"dateCreated":"2020-02-13T11:06:03+00:00"}]}"#);
    assert_eq!(dated(&graph).0.as_deref(), Some("2020-02-13T11:06:03+00:00"));
    let photo = ld(r#"{"@type":"ImageObject","datePublished":"2021-12-27"}"#);
    let og = r#"<meta property="article:published_time" content="2022-01-15T00:48:00+01:00">"#;
    assert_eq!(dated(&format!("{photo}{og}")).0.as_deref(), Some("2022-01-15T00:48:00+01:00"));
    // A forum post and a how-to carry the page's date too.
    let post =
        ld(r#"{"@type":"DiscussionForumPosting","datePublished":"2011-02-21T17:47:28+01:00"}"#);
    assert_eq!(dated(&post).0.as_deref(), Some("2011-02-21T17:47:28+01:00"));
}

#[test]
fn hand_written_json_ld_is_read_leniently() {
    let date = |json: &str| dated(&ld(json)).0;
    // A tab and a newline inside a string, and trailing commas.
    let raw = "[{\"@type\":\"NewsArticle\",\"description\":\"two\tlines\nhere\",\n\
               \"datePublished\":\"2022-02-02T11:14:00+01:00\",},]";
    assert_eq!(date(raw).as_deref(), Some("2022-02-02T11:14:00+01:00"));
    // A stray semicolon after the value, and two values in one script.
    assert_eq!(
        date(r#"{"@type":"Article","datePublished":"2020-03-01"};"#).as_deref(),
        Some("2020-03-01")
    );
    let two =
        r#"{"@type":"Organization","name":"X"}{"@type":"Article","datePublished":"2020-03-02"}"#;
    assert_eq!(date(two).as_deref(), Some("2020-03-02"));
    // Unquoted values and unescaped quotes: the keys are picked out.
    let broken = r#"{"@type": "NewsArticle", "@author": Jan Nowak, "headline": "A "quoted" word",
        "datePublished": "2021-05-11 09:49:18"}"#;
    assert_eq!(date(broken).as_deref(), Some("2021-05-11 09:49:18"));
    // `type` without the `@`, wrapped in a comment.
    assert_eq!(
        date(r#"<!-- {"type":"Article","datePublished":"2014-05-08"} -->"#).as_deref(),
        Some("2014-05-08")
    );
    // Not JSON-LD: a data script's date is never taken.
    let data = r#"<script type="application/json">{"@type":"Article","datePublished":"2001-01-01"}</script>"#;
    assert_eq!(dated(data).0, None);
}

#[test]
fn open_graph_updated_time_is_only_the_modification_date() {
    let html = r#"<html><head><meta property="og:updated_time" content="2016-09-11T06:37:58+00:00">
        </head><body><p>The ferry ran again on Monday after the storm, and the shops opened.</p></body></html>"#;
    let page = extract_page(html.as_bytes(), None, None);
    assert_eq!(page.fields.published, None);
    assert_eq!(page.fields.modified.as_deref(), Some("2016-09-11T06:37:58+00:00"));
}

#[test]
fn slashed_dates_read_in_the_order_of_the_page_language() {
    let head = r#"<meta property="article:published_time" content="10/05/2022 05:22 pm">"#;
    let html = |lang: &str| {
        format!(
            "<html lang=\"{lang}\"><head>{head}</head><body><p>Text of the page.</p></body></html>"
        )
    };
    let published = |lang| extract_page(html(lang).as_bytes(), None, None).fields.published;
    // Day first in Spanish, kept as the day so that no later reader takes
    // it for October; as written in US English.
    assert_eq!(published("es").as_deref(), Some("2022-05-10"));
    assert_eq!(published("en-US").as_deref(), Some("10/05/2022 05:22 pm"));
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
fn ruby_readings_legends_and_disclosures_are_not_article_text() {
    let html = r#"<html><body><div class="article-body">
        <p>The <ruby><span class="word">harbour</span><rt>HAR-ber</rt></ruby> reopened on Tuesday after three weeks of repairs, the port authority said, and the first boats came in.</p>
        <p class="disclosure">We may earn a commission when you buy through links on this page.</p>
        <div class="image"><div class="legend">The quay at dawn, seen from the lighthouse.</div></div>
        <p>Fishing boats, which had moored in the next town, began to return in the afternoon, and traders set up stalls again on the quay.</p>
        </div></body></html>"#;
    let page = extract_page(html.as_bytes(), None, None);
    expect_test::expect![[r#"
        The harbour reopened on Tuesday after three weeks of repairs, the port authority said, and the first boats came in.

        Fishing boats, which had moored in the next town, began to return in the afternoon, and traders set up stalls again on the quay."#]]
    .assert_eq(&page.text);
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
