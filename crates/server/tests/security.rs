//! Hostile input renders inert on every page; path traversal and oversized
//! bodies are refused with clear errors.

mod common;

use axum::http::StatusCode;
use common::{empty, get, send};

/// The tags and attributes our templates write. Anything else in a page
/// came from third-party text that escaping let through.
const TAGS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "link",
    "body",
    "header",
    "a",
    "form",
    "input",
    "button",
    "main",
    "footer",
    "span",
    "h1",
    "h2",
    "h3",
    "p",
    "ol",
    "ul",
    "li",
    "label",
    "select",
    "option",
    "time",
    "section",
    "article",
    "blockquote",
    "strong",
    "details",
    "summary",
    "dl",
    "dt",
    "dd",
    "div",
    "mark",
    "nav",
    "code",
];
const ATTRIBUTES: &[&str] = &[
    "lang",
    "charset",
    "name",
    "content",
    "rel",
    "href",
    "class",
    "action",
    "method",
    "role",
    "type",
    "value",
    "placeholder",
    "aria-label",
    "datetime",
    "title",
    "selected",
    "id",
];

/// Checks every tag of `html` against the lists and every link target:
/// site-relative, or http(s).
fn assert_inert(page: &str, html: &str) {
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').unwrap_or_else(|| panic!("{page}: unclosed tag"));
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.starts_with('/') {
            assert!(
                tag.eq_ignore_ascii_case("!doctype html") || TAGS.contains(&tag[1..].trim()),
                "{page}: <{tag}>"
            );
            continue;
        }
        let name = tag.split_whitespace().next().unwrap_or("");
        assert!(TAGS.contains(&name), "{page}: unexpected tag <{name}> in <{tag}>");
        // Attributes: name="value" pairs; values never hold a raw quote.
        let mut attrs = tag[name.len()..].trim();
        while !attrs.is_empty() {
            let key_end =
                attrs.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(attrs.len());
            let key = &attrs[..key_end];
            assert!(ATTRIBUTES.contains(&key), "{page}: unexpected attribute {key:?} in <{tag}>");
            attrs = attrs[key_end..].trim_start();
            if let Some(v) = attrs.strip_prefix("=\"") {
                let close =
                    v.find('"').unwrap_or_else(|| panic!("{page}: unquoted value in <{tag}>"));
                let value = &v[..close];
                if key == "href" || key == "action" {
                    let lower = value.to_ascii_lowercase();
                    assert!(
                        (lower.starts_with('/') && !lower.starts_with("//"))
                            || lower.starts_with("http://")
                            || lower.starts_with("https://"),
                        "{page}: link to {value:?}"
                    );
                }
                attrs = v[close + 1..].trim_start();
            }
        }
    }
}

const HOSTILE: &str = concat!(
    "{\"title\":\"<script>alert('title')</script> Ferry \\\" onerror=\\\"alert(1)\",",
    "\"source_domain\":\"<img src=x onerror=alert('outlet')>\",",
    "\"url\":\"javascript:alert('url')\",",
    "\"authors\":[\"<b onmouseover=alert(1)>Eve</b>\"],",
    "\"date_publish\":\"2021-03-01\",",
    "\"text\":\"The ferry <script>alert('text')</script> crews said \\\"we <a href=\\\\\\\"javascript:alert(2)\\\\\\\">click</a> will strike\\\" on Monday, Mayor Ann Lee said. ",
    "A link javascript:alert(3) and \\\" onerror=\\\"alert(4) and ' onload='x in the text.\"}\n",
    "{\"title\":\"Second ferry report\",\"url\":\" JAVASCRIPT:alert(5)\",\"source_domain\":\"x\\\" onclick=\\\"y\",",
    "\"text\":\"The ferry crews walked out again on Tuesday, the union said, in a second strike over pay.\"}\n",
);

#[tokio::test]
async fn a_hostile_article_renders_inert_on_every_page() {
    let served = empty(1 << 20);
    let state = &served.state;
    let answer =
        send(state, "POST", "/api/ingest", Some("application/x-ndjson"), HOSTILE.into()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.json()["added"], 2, "{}", answer.body);
    let articles = get(state, "/api/articles").await.json();
    let ids: Vec<String> = articles["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    let stories = get(state, "/api/stories").await.json();
    let mut pages = vec![
        "/".to_string(),
        "/?q=script".to_string(),
        "/search?q=ferry".to_string(),
        "/search?q=script".to_string(),
        "/search?q=%3Cscript%3E".to_string(),
        "/search?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
        "/stories/%3Cscript%3E".to_string(),
        "/no/such/%3Cscript%3Epage".to_string(),
    ];
    pages.extend(stories["stories"].as_array().unwrap().iter().flat_map(|s| {
        let id = s["id"].as_str().unwrap();
        [
            format!("/stories/{id}"),
            format!("/stories/{id}/quotes?speaker=%3Cscript%3E"),
            format!("/stories/{id}/quotes"),
            format!("/stories/{id}/sources"),
            format!("/stories/{id}/entities"),
        ]
    }));
    pages.extend(ids.iter().map(|id| format!("/articles/{id}")));
    let mut seen_hostile = false;
    for page in &pages {
        let answer = get(state, page).await;
        assert!(answer.content_type.starts_with("text/html"), "{page}");
        assert_inert(page, &answer.body);
        let lower = answer.body.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{page}");
        assert!(!lower.contains("href=\"javascript"), "{page}");
        // The hostile text is there, escaped.
        seen_hostile |= answer.body.contains("&lt;script&gt;");
    }
    assert!(seen_hostile, "the hostile text should be shown, escaped");
    // The article page shows the javascript: URL as text, never as a link.
    for id in &ids {
        let page = get(state, &format!("/articles/{id}")).await.body;
        assert!(!page.to_ascii_lowercase().contains("href=\" javascript"), "{page}");
    }
    // The JSON API returns the text as data (a JSON string, not HTML).
    let api = get(state, &format!("/api/articles/{}", ids[0])).await;
    assert!(api.content_type.starts_with("application/json"));
}

#[tokio::test]
async fn pages_forbid_scripts_by_header() {
    let served = empty(1 << 20);
    let response = get(&served.state, "/").await;
    assert_eq!(response.status, StatusCode::OK);
    let router = storyline_server::router(served.state.clone());
    use tower::ServiceExt;
    let r = router
        .oneshot(axum::http::Request::get("/").body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    let csp = r.headers().get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && !csp.contains("script-src"), "{csp}");
}

#[tokio::test]
async fn path_traversal_is_refused() {
    let served = empty(1 << 20);
    let state = &served.state;
    assert_eq!(get(state, "/static/style.css").await.status, StatusCode::OK);
    for uri in [
        "/static/../../etc/passwd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/static/....//....//etc/passwd",
        "/static/..%5c..%5cetc%5cpasswd",
        "/static/%252e%252e%252fetc%252fpasswd",
        "/static//etc/passwd",
        "/../../etc/passwd",
        "/static/style.css/../../../etc/passwd",
        "/api/../../etc/passwd",
    ] {
        let answer = get(state, uri).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!answer.body.contains("root:"), "{uri}");
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_a_json_error() {
    let served = empty(1000);
    let answer =
        send(&served.state, "POST", "/api/ingest?format=text", None, vec![b'x'; 1001]).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.content_type.starts_with("application/json"));
    let body = answer.json();
    assert_eq!(body["status"], 413);
    assert_eq!(body["message"], "the body is larger than the limit of 1000 bytes");
    // Exactly at the limit is fine (and holds no article: a diagnostic).
    let answer =
        send(&served.state, "POST", "/api/ingest?format=text", None, vec![b'x'; 1000]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}
