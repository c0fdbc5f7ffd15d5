//! The JSON API over the seeds: every route is in the OpenAPI document,
//! the story view has what the issue asks, errors are JSON with the right
//! status, and ingest over HTTP updates the stories.

mod common;

use axum::http::StatusCode;
use common::{empty, get, ingest_seeds, seed_id, send};

#[tokio::test]
async fn openapi_describes_every_route_and_every_route_answers() {
    let served = empty(1 << 20);
    let state = &served.state;
    ingest_seeds(state).await;
    let spec = get(state, "/openapi.json").await.json();
    assert_eq!(spec["openapi"], "3.0.3");
    let paths = spec["paths"].as_object().unwrap();
    let mut described = 0;
    for (method, path) in storyline_server::api::ROUTES {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} not in /openapi.json"
        );
        described += 1;
        if *method != "get" {
            continue;
        }
        let article = seed_id("000");
        let uri = path.replace("{id}", if path.contains("stories") { "s0" } else { &article });
        let uri = if uri == "/api/search" { "/api/search?q=Kerry".to_string() } else { uri };
        let answer = get(state, &uri).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
        assert!(answer.content_type.starts_with("application/json"), "{uri}");
    }
    let n_operations: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(n_operations, described, "the document has routes the server does not");
}

#[tokio::test]
async fn the_seed_story_through_the_api() {
    let served = empty(1 << 20);
    let state = &served.state;
    ingest_seeds(state).await;
    let list = get(state, "/api/stories").await.json();
    assert_eq!(list["total"], 1);
    let card = &list["stories"][0];
    assert_eq!(card["n_articles"], 5);
    assert!(
        card["top_entities"].as_array().unwrap().iter().any(|e| e["name"] == "John Kerry"),
        "{card}"
    );
    let id = card["id"].as_str().unwrap();

    let story = get(state, &format!("/api/stories/{id}")).await.json();
    let speakers: Vec<&str> = story["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["speaker"].as_str())
        .collect();
    assert!(
        speakers.contains(&"Mark Toner") && speakers.contains(&"Dmitry Peskov"),
        "{speakers:?}"
    );
    assert!(!story["timeline"]["dates"].as_array().unwrap().is_empty());
    assert!((3..=5).contains(&story["summary"].as_array().unwrap().len()));
    // The WSJ copy group: 001 and 003, one of them marked original.
    let (a, b) = (seed_id("001"), seed_id("003"));
    let group = story["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["articles"].as_array().unwrap().len() == 2)
        .expect("a copy group of two");
    let mut members: Vec<&str> =
        group["articles"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
    members.sort();
    let mut expected = [a.as_str(), b.as_str()];
    expected.sort();
    assert_eq!(members, expected);
    assert_eq!(group["articles"][0]["original"], true);
    assert_eq!(group["original_outlet"], "The Wall Street Journal");

    // The long lists, paged under the story: their totals are what the
    // document's `more` says, and pages cut them.
    let more = &story["more"];
    for list in ["speakers", "quotes", "entities", "sources", "articles"] {
        let href = more[list]["href"].as_str().unwrap();
        assert_eq!(href, format!("/api/stories/{id}/{list}"));
        let all = get(state, &format!("{href}?limit=100")).await.json();
        assert_eq!(all["total"], more[list]["total"], "{list}");
        let one = get(state, &format!("{href}?offset=1&limit=1")).await.json();
        assert_eq!(one[list].as_array().unwrap().len(), 1, "{list}: {one}");
        assert_eq!(one[list][0], all[list][1], "{list}");
    }
    assert_eq!(more["articles"]["total"], 5);
    assert_eq!(more["sources"]["total"], 4);
    let peskov_in_story =
        get(state, &format!("/api/stories/{id}/quotes?speaker=peskov")).await.json();
    assert!(peskov_in_story["total"].as_u64().unwrap() >= 1);
    for list in ["speakers", "quotes", "entities", "sources", "articles"] {
        let answer = get(state, &format!("/api/stories/s999/{list}")).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{list}: {}", answer.body);
    }
    // The page's lists, without script: pager links.
    let sources = get(state, &format!("/stories/{id}/sources?limit=2")).await;
    assert_eq!(sources.status, StatusCode::OK);
    assert!(
        // minijinja escapes `/` in attributes too.
        sources.body.contains(&format!("&#x2f;{id}&#x2f;sources?limit=2&amp;offset=2")),
        "{}",
        sources.body
    );
    let quotes = get(state, &format!("/stories/{id}/quotes?speaker=toner")).await;
    assert!(quotes.body.contains("Mark Toner"), "{}", quotes.body);
    assert_eq!(get(state, &format!("/stories/{id}/nothing")).await.status, StatusCode::NOT_FOUND);

    // An article: spans point into its text; its copy is listed.
    let article = get(state, &format!("/api/articles/{a}")).await.json();
    let text = article["text"].as_str().unwrap();
    for span in
        article["quotes"].as_array().unwrap().iter().chain(article["entities"].as_array().unwrap())
    {
        let (s, e) =
            (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
        assert!(text.get(s..e).is_some_and(|t| !t.is_empty()), "{span}");
    }
    assert_eq!(article["copies"][0]["id"], b.as_str());

    // Lists and filters.
    let peskov = get(state, "/api/quotes?speaker=peskov").await.json();
    assert!(peskov["total"].as_u64().unwrap() >= 1);
    assert!(peskov["quotes"].as_array().unwrap().iter().all(|q| q["speaker"] == "Dmitry Peskov"));
    let in_story = get(state, &format!("/api/quotes?story={id}&kind=direct&limit=1")).await.json();
    assert_eq!(in_story["quotes"].as_array().unwrap().len(), 1);
    let kerry = get(state, "/api/entities?q=kerry&kind=person").await.json();
    assert_eq!(kerry["entities"][0]["name"], "John Kerry");
    assert_eq!(get(state, "/api/articles?limit=2").await.json()["total"], 5);
    assert_eq!(get(state, "/api/articles?from=2016-10-06").await.json()["total"], 0);
    assert_eq!(get(state, "/api/stories?entity=peskov").await.json()["total"], 1);
    assert_eq!(get(state, "/api/stories?entity=nobody+at+all").await.json()["total"], 0);
    assert_eq!(get(state, "/api/stories?q=Aleppo&sort=largest").await.json()["total"], 1);
    assert_eq!(get(state, "/api/stories?to=2016-01-01").await.json()["total"], 0);

    // Search: ranked hits with marked snippets, and the matching quotes.
    let found = get(state, "/api/search?q=Peskov").await.json();
    assert!(found["total"].as_u64().unwrap() >= 1);
    let snippet = &found["hits"][0]["snippet"];
    let mark = &snippet["marks"][0];
    let marked = &snippet["text"].as_str().unwrap()
        [mark["start"].as_u64().unwrap() as usize..mark["end"].as_u64().unwrap() as usize];
    assert_eq!(marked, "Peskov");
    assert!(
        found["quotes"].as_array().unwrap().iter().any(|q| q["speaker"] == "Dmitry Peskov"),
        "{found}"
    );
    let only_001 =
        get(state, &format!("/api/search?q=Kerry&story={id}&from=2016-10-05")).await.json();
    assert!(only_001["total"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn errors_are_json_with_their_status() {
    let served = empty(1 << 20);
    let state = &served.state;
    ingest_seeds(state).await;
    for (method, uri, status) in [
        ("GET", "/api/stories/s999", StatusCode::NOT_FOUND),
        ("GET", "/api/stories/zz", StatusCode::BAD_REQUEST),
        ("GET", "/api/articles/00000000000000ff", StatusCode::NOT_FOUND),
        ("GET", "/api/articles/not-an-id", StatusCode::BAD_REQUEST),
        ("GET", "/api/stories?from=yesterday", StatusCode::BAD_REQUEST),
        ("GET", "/api/stories?sort=random", StatusCode::BAD_REQUEST),
        ("GET", "/api/stories?limit=1000", StatusCode::BAD_REQUEST),
        ("GET", "/api/quotes?kind=rumour", StatusCode::BAD_REQUEST),
        ("GET", "/api/search", StatusCode::BAD_REQUEST),
        ("GET", "/api/nothing/here", StatusCode::NOT_FOUND),
        ("DELETE", "/api/stories", StatusCode::METHOD_NOT_ALLOWED),
        ("GET", "/api/ingest", StatusCode::METHOD_NOT_ALLOWED),
        ("POST", "/api/ingest?format=pdf", StatusCode::BAD_REQUEST),
    ] {
        let answer = send(state, method, uri, Some("text/plain"), b"x".to_vec()).await;
        assert_eq!(answer.status, status, "{method} {uri}: {}", answer.body);
        assert!(
            answer.content_type.starts_with("application/json"),
            "{method} {uri}: {}",
            answer.content_type
        );
        let body = answer.json();
        assert_eq!(body["status"], status.as_u16());
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
    let page = get(state, "/stories/s999").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.content_type.starts_with("text/html"));
}

#[tokio::test]
async fn ingest_is_limited_typed_and_updates_the_stories() {
    let served = empty(4096);
    let state = &served.state;
    let big = vec![b'a'; 5000];
    let answer = send(state, "POST", "/api/ingest", Some("text/plain"), big).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.json()["message"].as_str().unwrap().contains("4096 bytes"));
    let answer = send(state, "POST", "/api/ingest", Some("image/png"), b"x".to_vec()).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // The empty store's search index, built now, is extended by the ingest.
    assert_eq!(get(state, "/api/search?q=ferry").await.json()["total"], 0);
    let lines = concat!(
        "{\"title\":\"Harbour ferries halted by strike\",\"text\":\"The harbour ferries stopped on Monday as crews walked out over pay, the union said.\",\"date_publish\":\"2021-03-01\"}\n",
        "{not json\n",
    );
    let answer =
        send(state, "POST", "/api/ingest", Some("application/x-ndjson"), lines.into()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let summary = answer.json();
    assert_eq!((summary["added"].as_u64(), summary["not_ingested"].as_u64()), (Some(1), Some(1)));
    // Live: the next request sees the new story.
    let list = get(state, "/api/stories").await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["stories"][0]["title"], "Harbour ferries halted by strike");
    let found = get(state, "/api/search?q=ferry+crews").await.json();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(get(state, "/api/stories?q=strike").await.json()["total"], 1);

    // A server started without --allow-ingest refuses.
    let db = served.dir.path().join("s.db");
    let read_only = storyline_server::State::open(storyline_server::Config {
        warm: false,
        ..storyline_server::Config::new(&db)
    })
    .unwrap();
    let answer =
        send(&read_only, "POST", "/api/ingest", Some("text/plain"), b"Some words here.".to_vec())
            .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_write_by_another_process_is_picked_up() {
    let served = empty(1 << 20);
    let db = served.dir.path().join("s.db");
    let reader = storyline_server::State::open(storyline_server::Config {
        warm: false,
        ..storyline_server::Config::new(&db)
    })
    .unwrap();
    assert_eq!(get(&reader, "/api/status").await.json()["articles"], 0);
    // The other writer: the ingest-enabled state on the same file.
    ingest_seeds(&served.state).await;
    let mut seen = 0;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        seen = get(&reader, "/api/status").await.json()["articles"].as_u64().unwrap();
        if seen == 5 {
            break;
        }
    }
    assert_eq!(seen, 5);
}
