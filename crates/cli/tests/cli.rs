//! End-to-end tests of the `storyline` binary: bad input, idempotent
//! ingest, a killed ingest, and the seeds through every command.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

fn storyline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_storyline")).args(args).output().expect("run storyline")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn seeds() -> String {
    storyline::eval::shared_dir().join("seeds").display().to_string()
}

/// Every kind of bad input in one folder: each gets a diagnostic naming
/// the file (and record), the good records are stored, the exit code is 3.
#[test]
fn bad_input_is_diagnosed_and_the_rest_ingests() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    let w = |name: &str, bytes: &[u8]| fs::write(input.join(name), bytes).unwrap();
    w(
        "good.txt",
        "Headline for a good story\n\nThe river rose two metres overnight, the mayor said.\n"
            .as_bytes(),
    );
    w("junk.bin", &[0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 3, 0, 0xff, 0xfe, 0, 0]);
    w("latin1.txt", b"The caf\xe9 reopened on Monday after the flood, its owner said.\n");
    w("empty.txt", b"");
    w("lines.jsonl", b"{\"title\":\"One\",\"text\":\"The bridge reopened to traffic on Friday.\"}\n{not json\n{\"title\":\"No text\"}\n{\"text\":\"The school will reopen next week, officials said.\"}\n");
    let mut big = vec![b'a'; 50 << 20];
    big.push(b'\n');
    w("huge.txt", &big);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for i in 0..3000 {
        writeln!(
            gz,
            "{{\"text\":\"Record number {i} tells of a market that opened early today.\"}}"
        )
        .unwrap();
    }
    let gz = gz.finish().unwrap();
    w("cut.jsonl.gz", &gz[..gz.len() / 2]);
    let missing = dir.path().join("no-such-file.txt");
    let db = dir.path().join("s.db");

    let out = storyline(&[
        "ingest",
        "-q",
        input.to_str().unwrap(),
        missing.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "partial: {err}");
    for needle in [
        "junk.bin: binary",
        "empty.txt: empty",
        "huge.txt: too_large",
        "lines.jsonl record 2: malformed",
        "lines.jsonl record 3: empty",
        "cut.jsonl.gz record",
        ": truncated",
        "no-such-file.txt: unreadable",
    ] {
        assert!(err.contains(needle), "{needle:?} not in:\n{err}");
    }
    let summary = stdout(&out);
    assert!(summary.contains("invalid_utf8 1"), "{summary}");

    let list = storyline(&["articles", "--json", "--db", db.to_str().unwrap()]);
    let articles: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let n = articles.as_array().unwrap().len();
    // good.txt, latin1.txt, two JSONL records, and the whole records before the gzip break.
    assert!(n > 4 + 100 && n < 4 + 3000, "{n} articles");
    let latin = articles
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["input"]["path"].as_str().unwrap().ends_with("latin1.txt"))
        .unwrap();
    assert!(latin["text"].as_str().unwrap().contains("café"));

    // The same input again: nothing new, nothing lost.
    let again = storyline(&[
        "ingest",
        "-q",
        "--json",
        input.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    let summary: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(summary["added"], 0);
    assert_eq!(summary["already_present"].as_u64().unwrap() as usize, n);
}

/// A killed ingest leaves a readable store holding whole batches only.
#[test]
fn killed_ingest_keeps_every_committed_batch() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.jsonl");
    let mut f = fs::File::create(&big).unwrap();
    for i in 0..200_000 {
        writeln!(f, "{{\"title\":\"Item {i}\",\"text\":\"Report {i}: the council met and voted on the budget for the coming year.\"}}").unwrap();
    }
    drop(f);
    let db = dir.path().join("s.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_storyline"))
        .args([
            "ingest",
            "-q",
            "--batch",
            "100",
            big.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ])
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let mut stored = 0;
    while started.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(50));
        if let Ok(store) = storyline::store::Store::open(&db) {
            stored = store.count().unwrap_or(0);
            if stored > 0 {
                break;
            }
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(stored > 0, "nothing was committed before the kill");
    let store = storyline::store::Store::open(&db).unwrap();
    let n = store.count().unwrap();
    assert!(n >= stored && n < 200_000, "{n}");
    assert_eq!(n % 100, 0, "only whole batches are stored");
    assert_eq!(store.articles().unwrap().len(), n);
}

#[test]
fn seeds_through_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let db = db.to_str().unwrap();
    let out = storyline(&["ingest", &seeds(), "--db", db]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("5 articles added"), "{}", stdout(&out));

    let export = storyline(&["export", "--json", "--db", db]);
    let doc: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    let export = doc.clone();
    assert_eq!(doc["schema_version"], storyline::store::SCHEMA_VERSION);
    let articles = doc["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 5);
    for key in [
        "id",
        "input",
        "title",
        "outlet",
        "original_outlet",
        "author",
        "published",
        "published_source",
        "language",
        "url",
        "text",
        "diagnostics",
        "duplicate_of",
        "relation",
        "similarity",
    ] {
        assert!(articles[0].get(key).is_some(), "export lacks {key}");
    }
    let wsj: Vec<&serde_json::Value> =
        articles.iter().filter(|a| a["original_outlet"] == "The Wall Street Journal").collect();
    assert_eq!(wsj.len(), 2);
    assert!(wsj
        .iter()
        .all(|a| a["published"] == "2016-10-05" && a["published_source"] == "dateline"));

    // The two WSJ republications are one copy group: one is the original,
    // the other (the shortened 001) copies it; nothing else is a copy.
    let copies: Vec<&serde_json::Value> =
        articles.iter().filter(|a| !a["duplicate_of"].is_null()).collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0]["input"]["path"].as_str().map(|p| p.contains("001_")), Some(true));
    assert_eq!(copies[0]["relation"], "contained");
    let original = articles.iter().find(|a| a["id"] == copies[0]["duplicate_of"]).unwrap();
    assert_eq!(original["original_outlet"], "The Wall Street Journal");
    let groups = storyline(&["duplicates", "--json", "--db", db]);
    let groups: serde_json::Value = serde_json::from_slice(&groups.stdout).unwrap();
    assert_eq!(groups.as_array().map(Vec::len), Some(1));
    assert_eq!(groups[0]["canonical"], original["id"]);

    let one = Path::new(&seeds()).join("004_0609b44ece0b164b.txt");
    let extract = storyline(&["extract", one.to_str().unwrap(), "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&extract.stdout).unwrap();
    assert_eq!(
        doc["articles"][0]["title"],
        "Kerry warns that U.S. may suspend cooperation with Russia in Syria"
    );

    // Who said what: the shared WSJ quote is one quote with two reports.
    let quotes = export["quotes"].as_array().map_or(0, Vec::len);
    assert!(quotes > 20, "{quotes} quotes");
    let peskov = storyline(&["quotes", "--speaker", "peskov", "--json", "--db", db]);
    let peskov: serde_json::Value = serde_json::from_slice(&peskov.stdout).unwrap();
    let contact = peskov
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["text"].as_str().unwrap_or("").starts_with("Contact is continuing"))
        .expect("Peskov's quote");
    assert_eq!(contact["kind"], "direct");
    // Reported by 001 and 003; when the duplicates stage takes one for a
    // copy of the other, the two reports count once.
    assert_eq!(contact["sources"].as_array().map(Vec::len), Some(2));
    let copies =
        contact["sources"].as_array().unwrap().iter().filter(|s| s["copy"] == true).count();
    assert_eq!(contact["n_reports"], 2 - copies);
    assert_eq!(contact["first_seen"], "2016-10-05");
    let nobody = storyline(&["quotes", "--speaker", "nobody at all", "--db", db]);
    assert_eq!(nobody.status.code(), Some(1));
    let entities = storyline(&["entities", "--db", db]);
    let entities = stdout(&entities);
    let kerry: Vec<&str> = entities.lines().filter(|l| l.contains("Kerry")).collect();
    assert_eq!(kerry.len(), 1, "{kerry:?}");
    assert!(kerry[0].contains("John F. Kerry") && kerry[0].contains("Secretary of State"));

    // The five seeds are one story; the two WSJ copies share an event.
    let story = articles[0]["story"].as_str().unwrap().to_string();
    assert!(articles.iter().all(|a| a["story"] == story.as_str()));
    assert_eq!(wsj[0]["event"], wsj[1]["event"]);
    let export = storyline(&["export", "--json", "--db", db]);
    let exported: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(exported["stories"].as_array().unwrap().len(), 1);
    assert_eq!(exported["stories"][0]["n_articles"], 5);
    // `quotes --story`: the one story holds every quote; an unknown story
    // is no result.
    let all = storyline(&["quotes", "--json", "--db", db]);
    let all: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    let in_story = storyline(&["quotes", "--story", &story, "--json", "--db", db]);
    let in_story: serde_json::Value = serde_json::from_slice(&in_story.stdout).unwrap();
    assert_eq!(in_story.as_array().map(Vec::len), all.as_array().map(Vec::len));
    let no_story = storyline(&["quotes", "--story", "s999999", "--db", db]);
    assert_eq!(no_story.status.code(), Some(1));
    // `quotes --speaker` matches an alias: Kerry's quotes under "John F.
    // Kerry", the form only 004 uses.
    let alias = storyline(&["quotes", "--speaker", "john f. kerry", "--json", "--db", db]);
    let alias: serde_json::Value = serde_json::from_slice(&alias.stdout).unwrap();
    let alias = alias.as_array().unwrap();
    assert!(alias.len() >= 5, "{alias:?}");
    assert!(alias.iter().all(|q| q["speaker"] == "John Kerry"), "{alias:?}");
    let stories = storyline(&["stories", "--db", db]);
    assert_eq!(stdout(&stories).lines().count(), 1, "{}", stdout(&stories));
    let shown = storyline(&["story", &story, "--json", "--db", db]);
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let n: usize = shown["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["articles"].as_array().unwrap().len())
        .sum();
    assert_eq!(n, 5);
    assert_eq!(storyline(&["story", "s999", "--db", db]).status.code(), Some(1));

    // The story's timeline and summary: in the export, `timeline`, `report`.
    let narrated = &exported["stories"][0];
    let summary = narrated["summary"].as_array().unwrap();
    assert!((3..=5).contains(&summary.len()), "{summary:?}");
    let dates: Vec<&str> = narrated["timeline"]["dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    assert!(dates.contains(&"2016-10-03") && dates.contains(&"2016-10-04"), "{dates:?}");
    let timeline = storyline(&["timeline", &story, "--json", "--db", db]);
    let timeline: serde_json::Value = serde_json::from_slice(&timeline.stdout).unwrap();
    assert_eq!(timeline, narrated["timeline"]);
    let text = stdout(&storyline(&["timeline", &story, "--db", db]));
    assert!(text.lines().any(|l| l.starts_with("2016-10-03 ")), "{text}");
    let report = stdout(&storyline(&["report", "--story", &story, "--db", db]));
    for heading in [
        "## Summary",
        "## Timeline",
        "## Key quotes",
        "**Dmitry Peskov**",
        "**Mark Toner**",
        "## Sources",
        "  - copy: ",
    ] {
        assert!(report.contains(heading), "{heading} missing:\n{report}");
    }
    assert_eq!(storyline(&["timeline", "s999", "--db", db]).status.code(), Some(1));

    let list = storyline(&["articles", "--db", db]);
    assert_eq!(stdout(&list).lines().count(), 5);
    let missing = storyline(&["articles", "--db", dir.path().join("none.db").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no store at"), "{}", stderr(&missing));
}

/// `storyline ingest URL`: a page served by a local server is stored, a
/// missing page and an unreachable port are diagnostics naming their URL,
/// and the run is partial (exit code 3).
#[test]
fn ingest_url_fetches_and_names_what_failed() {
    use std::io::Read;
    use std::net::TcpListener;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let (status, body) = if request.starts_with("GET /story ") {
                ("200 OK", "<html><body><article><p>The night ferry resumed its crossings on Friday, the harbour master said, after a week of storms kept it in port.</p></article></body></html>")
            } else {
                ("404 Not Found", "gone")
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/story", closed.local_addr().unwrap());
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let (story, missing) = (format!("{base}/story"), format!("{base}/missing"));
    let out = storyline(&["ingest", "-q", "--db", db.to_str().unwrap(), &story, &missing, &dead]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "partial: {err}");
    assert!(stdout(&out).contains("1 articles added"), "{}", stdout(&out));
    assert!(err.contains(&format!("cannot fetch {missing}: http status 404")), "{err}");
    assert!(err.contains(&format!("cannot fetch {dead}: ")), "{err}");
    let list = storyline(&["articles", "--db", db.to_str().unwrap(), "--json"]);
    assert!(stdout(&list).contains(&story), "{}", stdout(&list));
}

/// `storyline search`: ranked hits with marked snippets, filters, and the
/// quotes that hold the words; exit 1 when nothing matches.
#[test]
fn search_finds_articles_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let db = db.to_str().unwrap();
    assert_eq!(storyline(&["ingest", "-q", &seeds(), "--db", db]).status.code(), Some(0));
    let out = storyline(&["search", "Peskov", "--json", "--db", db]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hits = doc["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && doc["total"].as_u64() == Some(hits.len() as u64));
    let snippet = &hits[0]["snippet"];
    let (s, e) = (
        snippet["marks"][0]["start"].as_u64().unwrap(),
        snippet["marks"][0]["end"].as_u64().unwrap(),
    );
    assert_eq!(&snippet["text"].as_str().unwrap()[s as usize..e as usize], "Peskov");
    assert_eq!(hits[0]["story"], "s0");
    assert!(
        doc["quotes"].as_array().unwrap().iter().any(|q| q["speaker"] == "Dmitry Peskov"),
        "{doc}"
    );
    let text = stdout(&storyline(&["search", "cease-fire Aleppo", "--db", db]));
    assert!(text.lines().next().unwrap().ends_with("articles match"), "{text}");
    // The snippet is the best window of the text: one of the words is marked.
    assert!(text.contains("[cease-fire]") || text.contains("[Aleppo]"), "{text}");
    let none = storyline(&["search", "zeppelin", "--db", db]);
    assert_eq!(none.status.code(), Some(1));
    let earlier = storyline(&["search", "Kerry", "--to", "2016-01-01", "--db", db]);
    assert_eq!(earlier.status.code(), Some(1), "{}", stdout(&earlier));
}
