//! The story page in a real browser: headless Debian Chromium driven over
//! WebDriver (chromedriver) shows the timeline, the quotes of Mark Toner and
//! Dmitry Peskov and the 001/003 copy group, follows a timeline line to its
//! article, and saves screenshots under `target/screenshots/`.
//!
//! Without `/usr/bin/chromium` and `/usr/bin/chromedriver` the test fails
//! under CI (`CI` set, as `.ci/run` does, which also installs them) and
//! is skipped loudly elsewhere.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_driver() -> (Driver, u16) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    (driver, port)
}

async fn browser(port: u16, profile: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1800",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a chromium session")
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{name} is not a PNG");
    std::fs::write(screenshots().join(name), png).unwrap();
}

async fn visible_text(client: &Client, css: &str) -> String {
    let el = client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    assert!(el.is_displayed().await.unwrap(), "{css} is not visible");
    el.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_story_page_in_chromium() {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        let msg = "chromium or chromedriver is missing (apt-get install chromium chromium-driver)";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}: the browser test cannot run under CI");
        }
        eprintln!("\n!!!!!!!! SKIPPED the browser test: {msg} !!!!!!!!\n");
        return;
    }
    let served = common::empty(1 << 20);
    common::ingest_seeds(&served.state).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = storyline_server::router(served.state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let (_driver, port) = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let client = browser(port, profile.path()).await;
    let base = format!("http://{addr}");

    // Home: the one story, linked.
    client.goto(&format!("{base}/")).await.unwrap();
    let cards = visible_text(&client, ".cards").await;
    assert!(cards.contains("5 articles"), "{cards}");
    shot(&client, "home.png").await;
    client.find(Locator::Css(".card h2 a")).await.unwrap().click().await.unwrap();
    let url = client.current_url().await.unwrap();
    assert!(url.path().starts_with("/stories/"), "{url}");

    // The story: timeline, both speakers, the WSJ copy group.
    let timeline = visible_text(&client, "#timeline").await;
    assert!(timeline.contains("3 Oct 2016") && timeline.contains("4 Oct 2016"), "{timeline}");
    let lines = client.find_all(Locator::Css("#timeline .line-link")).await.unwrap();
    assert!(lines.len() >= 3, "{} timeline lines", lines.len());
    let quotes = visible_text(&client, "#quotes").await;
    for who in ["Mark Toner", "Dmitry Peskov"] {
        assert!(quotes.contains(who), "{who} not among the quotes:\n{quotes}");
    }
    let group = visible_text(&client, ".group.copies").await;
    assert!(group.contains("ORIGINAL") || group.contains("original"), "{group}");
    for seed in ["001", "003"] {
        let css = format!(".group.copies a[href=\"/articles/{}\"]", common::seed_id(seed));
        let link = client.find(Locator::Css(&css)).await.unwrap_or_else(|e| panic!("{seed}: {e}"));
        assert!(link.is_displayed().await.unwrap(), "{seed} not visible in the copy group");
    }
    shot(&client, "story.png").await;

    // A timeline line leads to its article, with its text highlighted.
    let first = &lines[0];
    let href = first.attr("href").await.unwrap().unwrap();
    first.click().await.unwrap();
    let url = client.current_url().await.unwrap();
    assert_eq!(url.path(), href, "{url}");
    let text = visible_text(&client, ".text").await;
    assert!(text.len() > 200, "{text}");
    let marks = client.find_all(Locator::Css(".text .ent, .text .q")).await.unwrap();
    assert!(!marks.is_empty(), "no highlighted names or quotes");
    shot(&client, "article.png").await;

    // A phone: the story page still reads (nothing wider than the screen).
    client.set_window_size(390, 844).await.unwrap();
    client.goto(&format!("{base}/stories/s0")).await.unwrap();
    let width =
        client.execute("return document.documentElement.scrollWidth;", vec![]).await.unwrap();
    assert!(width.as_u64().unwrap() <= 390, "page is {width} px wide on a 390 px phone");
    shot(&client, "story-phone.png").await;

    // Search, without JavaScript on our side: a form GET.
    client.goto(&format!("{base}/search?q=Peskov")).await.unwrap();
    let hits = visible_text(&client, ".hits").await;
    assert!(hits.contains("Peskov"), "{hits}");
    shot(&client, "search.png").await;
    client.close().await.unwrap();
}
