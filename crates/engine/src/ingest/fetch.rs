//! Fetching a page or feed over HTTP(S) for `storyline ingest URL`.
//!
//! Input: an `http://` or `https://` URL and a [`FetchConfig`]. Output: the
//! same [`Item`]s as reading the bytes from a file, with the URL as origin;
//! or one diagnostic naming the URL when it cannot be fetched (offline,
//! unreachable, timed out, an HTTP error status, too many redirects, a body
//! over the size limit), so that the rest of a batch goes on.
//! Method: a blocking `ureq` agent with connect and read timeouts and a
//! bounded number of redirects; the body is read up to the size limit. The
//! reader is picked from the `Content-Type` when it says HTML or a feed,
//! else by sniffing the bytes as for a file; the header's charset and the
//! final URL (after redirects) go to the HTML reader.

use std::time::Duration;

use super::{html, read_bytes, Item, ReadConfig};
use crate::model::{Diagnostic, DiagnosticKind, Format, Origin};

/// Limits for fetching one URL.
#[derive(Clone, Debug)]
pub struct FetchConfig {
    /// Time allowed to connect (DNS and TCP and TLS).
    pub connect_timeout: Duration,
    /// Time allowed for the whole response after connecting.
    pub read_timeout: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: u32,
}

impl Default for FetchConfig {
    fn default() -> FetchConfig {
        FetchConfig {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            max_redirects: 5,
        }
    }
}

/// What a successful fetch returned.
struct Fetched {
    /// The URL after redirects.
    url: String,
    /// The `Content-Type` header, lowercase.
    content_type: Option<String>,
    body: Vec<u8>,
}

/// Fetches `url` and hands its articles (or a diagnostic) to `sink`. The
/// size limit is `config.max_record_bytes`.
pub fn read_url(url: &str, config: &ReadConfig, fetch: &FetchConfig, sink: &mut dyn FnMut(Item)) {
    let fetched = match get(url, config.max_record_bytes as u64, fetch) {
        Ok(f) => f,
        Err(d) => return sink(Item::Diagnostic(d)),
    };
    let format = config.format.or_else(|| format_of(fetched.content_type.as_deref()));
    if format == Some(Format::Html) {
        let charset = fetched.content_type.as_deref().and_then(charset_of);
        let origin = Origin::file(url);
        return sink(html::page_item(
            origin,
            Format::Html,
            &fetched.body,
            charset,
            Some(&fetched.url),
        ));
    }
    // Anything else is read as a file would be: the URL's path gives the
    // extension, the bytes the rest (gzip, WARC, JSONL, a feed).
    let config = ReadConfig { format, ..config.clone() };
    read_bytes(url_path(url), &fetched.body, &config, &mut |item| {
        sink(match item {
            Item::Article(mut a) => {
                a.origin.path = url.to_string();
                if a.format == Format::Html && a.fields.url.is_none() {
                    a.fields.url = Some(fetched.url.clone());
                }
                Item::Article(a)
            }
            Item::Diagnostic(mut d) => {
                d.origin.path = url.to_string();
                Item::Diagnostic(d)
            }
        })
    });
}

/// The reader a `Content-Type` names, when it names one for sure.
fn format_of(content_type: Option<&str>) -> Option<Format> {
    let mime = content_type?.split(';').next()?.trim();
    match mime {
        "text/html" | "application/xhtml+xml" => Some(Format::Html),
        "application/rss+xml"
        | "application/atom+xml"
        | "application/rdf+xml"
        | "application/feed+json" => Some(Format::Feed),
        _ => None,
    }
}

/// The `charset` parameter of a `Content-Type`.
fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (name, value) = p.split_once('=')?;
        (name.trim() == "charset").then(|| value.trim().trim_matches(['"', '\'']))
    })
}

/// The path of a URL without query or fragment (its extension names the
/// format, as a file name would).
fn url_path(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    &url[..end]
}

fn get(url: &str, limit: u64, fetch: &FetchConfig) -> Result<Fetched, Diagnostic> {
    let origin = Origin::file(url);
    let unreadable = |msg: String| Diagnostic::new(origin.clone(), DiagnosticKind::Unreadable, msg);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(fetch.connect_timeout))
        .timeout_recv_response(Some(fetch.read_timeout))
        .timeout_recv_body(Some(fetch.read_timeout))
        .max_redirects(fetch.max_redirects)
        .max_redirects_will_error(true)
        .http_status_as_error(false)
        .save_redirect_history(true)
        .user_agent(concat!("storyline/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let response = agent.get(url).call().map_err(|e| unreadable(describe(url, &e)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(unreadable(format!("cannot fetch {url}: http status {}", status.as_u16())));
    }
    let final_url = ureq::ResponseExt::get_uri(&response).to_string();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    let declared = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        let msg = format!("cannot fetch {url}: larger than {limit} bytes; skipped");
        Diagnostic::new(origin.clone(), DiagnosticKind::TooLarge, msg)
    };
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let body = response.into_body().with_config().limit(limit + 1).read_to_vec();
    let body = match body {
        Ok(b) if b.len() as u64 > limit => return Err(too_large()),
        Ok(b) => b,
        Err(ureq::Error::BodyExceedsLimit(_)) => return Err(too_large()),
        Err(e) => return Err(unreadable(describe(url, &e))),
    };
    Ok(Fetched { url: final_url, content_type, body })
}

/// A lowercase message for a failed fetch that names the URL and says
/// what went wrong in words a user can act on.
fn describe(url: &str, err: &ureq::Error) -> String {
    let what = match err {
        ureq::Error::Timeout(_) => "timed out".to_string(),
        ureq::Error::HostNotFound => "host not found (offline or unreachable)".to_string(),
        ureq::Error::ConnectionFailed => "connection failed (offline or unreachable)".to_string(),
        ureq::Error::TooManyRedirects => "too many redirects".to_string(),
        ureq::Error::Io(e) => format!("{e} (offline or unreachable)"),
        other => other.to_string(),
    };
    format!("cannot fetch {url}: {}", super::lowercase_first(&what))
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::Duration;

    use super::*;

    /// A local HTTP server for the tests, one thread per connection.
    fn serve() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || respond(stream));
            }
        });
        base
    }

    fn respond(mut stream: TcpStream) {
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let request = String::from_utf8_lossy(&request);
        let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
        let page = encoding_rs::WINDOWS_1252
            .encode(
                "<html><head><title>Quay works</title></head><body><article>\
                 <p>The harbour of Kl\u{f6}ven reopened on Tuesday after three weeks of repairs, \
                 the port authority said, and the fishing boats came back.</p></article></body></html>",
            )
            .0
            .into_owned();
        let feed = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Gazette</title>\
            <item><title>Quay reopens</title><link>https://gazette.example/quay</link>\
            <description>The quay reopened on Tuesday after repairs that took three weeks.</description></item>\
            <item><title>Library stays open</title><link>https://gazette.example/library</link>\
            <description>The council voted to keep the library open on Sundays.</description></item>\
            </channel></rss>"
            .to_vec();
        let (status, headers, body): (&str, String, Vec<u8>) = match path.as_str() {
            "/page" => ("200 OK", "Content-Type: text/html; charset=ISO-8859-1\r\n".into(), page),
            "/feed" => ("200 OK", "Content-Type: application/rss+xml\r\n".into(), feed),
            "/moved" => ("302 Found", "Location: /page\r\n".into(), Vec::new()),
            "/loop" => ("302 Found", "Location: /loop\r\n".into(), Vec::new()),
            "/big" => ("200 OK", "Content-Type: text/html\r\n".into(), vec![b'a'; 5000]),
            "/slow" => {
                std::thread::sleep(Duration::from_secs(3));
                ("200 OK", "Content-Type: text/html\r\n".into(), b"<p>late</p>".to_vec())
            }
            _ => ("404 Not Found", String::new(), b"not here".to_vec()),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(&body);
    }

    fn fetch_all(url: &str) -> Vec<Item> {
        let config = ReadConfig { max_record_bytes: 1000, ..ReadConfig::default() };
        let fetch = FetchConfig {
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(1),
            max_redirects: 3,
        };
        let mut items = Vec::new();
        read_url(url, &config, &fetch, &mut |i| items.push(i));
        items
    }

    fn diagnostic(items: Vec<Item>) -> Diagnostic {
        match items.as_slice() {
            [Item::Diagnostic(d)] => d.clone(),
            other => panic!("expected one diagnostic, got {other:?}"),
        }
    }

    #[test]
    fn a_page_is_read_with_the_charset_of_its_header() {
        let base = serve();
        let url = format!("{base}/page");
        let items = fetch_all(&url);
        let [Item::Article(a)] = items.as_slice() else { panic!("{items:?}") };
        assert_eq!(a.format, Format::Html);
        assert_eq!(a.origin.path, url);
        assert!(a.body.contains("Kl\u{f6}ven"), "{}", a.body);
        assert_eq!(a.fields.url.as_deref(), Some(url.as_str()));
    }

    #[test]
    fn a_redirect_is_followed_and_the_final_url_kept() {
        let base = serve();
        let items = fetch_all(&format!("{base}/moved"));
        let [Item::Article(a)] = items.as_slice() else { panic!("{items:?}") };
        assert_eq!(a.origin.path, format!("{base}/moved"));
        assert_eq!(a.fields.url, Some(format!("{base}/page")));
        let d = diagnostic(fetch_all(&format!("{base}/loop")));
        assert!(d.message.contains("too many redirects"), "{d}");
    }

    #[test]
    fn a_feed_gives_one_article_per_item() {
        let base = serve();
        let items = fetch_all(&format!("{base}/feed"));
        let articles: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Article(a) => Some(a),
                Item::Diagnostic(_) => None,
            })
            .collect();
        assert_eq!(articles.len(), 2, "{items:?}");
        assert!(articles.iter().all(|a| a.format == Format::Feed));
        assert_eq!(articles[0].fields.url.as_deref(), Some("https://gazette.example/quay"));
    }

    #[test]
    fn failures_are_diagnostics_naming_the_url() {
        let base = serve();
        let url = format!("{base}/missing");
        let d = diagnostic(fetch_all(&url));
        assert_eq!(d.kind, DiagnosticKind::Unreadable);
        assert_eq!(d.message, format!("cannot fetch {url}: http status 404"));

        let d = diagnostic(fetch_all(&format!("{base}/big")));
        assert_eq!(d.kind, DiagnosticKind::TooLarge, "{d}");

        let d = diagnostic(fetch_all(&format!("{base}/slow")));
        assert!(d.message.contains("timed out"), "{d}");

        // A port nobody listens on: connection refused, as when offline.
        let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = closed.local_addr().expect("addr").port();
        drop(closed);
        let url = format!("http://127.0.0.1:{port}/page");
        let d = diagnostic(fetch_all(&url));
        assert_eq!(d.origin.path, url);
        assert!(d.message.starts_with(&format!("cannot fetch {url}: ")), "{d}");
        assert!(d.message.contains("offline or unreachable"), "{d}");
    }
}
