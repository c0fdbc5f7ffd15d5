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
    assert_eq!(page.method, Method::Marked);
}

#[test]
fn debug_outline() {
    let Ok(path) = std::env::var("HTML_DEBUG") else { return };
    let bytes = std::fs::read(path).unwrap();
    let (html, _, _) = decode(&bytes, None, None);
    let d = dom::parse(&html);
    fn walk(d: &dom::Dom, id: dom::NodeId, depth: usize) {
        let n = d.node(id);
        if n.is_text() {
            return;
        }
        if depth < 14 {
            println!("{}{} {:?} {:?}", "  ".repeat(depth), n.tag, n.attr("class"), n.attr("id"));
        }
        for c in d.children(id) {
            walk(d, c, depth + 1);
        }
    }
    walk(&d, 0, 0);
}
