//! `GET /openapi.json`: the OpenAPI 3 description of every route, written
//! by hand (the shapes are those of `docs/json.md` and `storyline::views`).

use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// The document.
pub fn spec() -> Value {
    let page = |name: &str, item: &str| {
        json!({
            "type": "object",
            "required": ["total", "offset", "limit", name],
            "properties": {
                "total": {"type": "integer", "description": "items over all pages"},
                "offset": {"type": "integer"}, "limit": {"type": "integer"},
                name: {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}}
            }
        })
    };
    let ok = |schema: Value, what: &str| json!({"description": what, "content": {"application/json": {"schema": schema}}});
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let err = |what: &str| json!({"$ref": "#/components/responses/Error", "description": what});
    let q = |name: &str, what: &str| json!({"name": name, "in": "query", "required": false, "description": what, "schema": {"type": "string"}});
    let date = |name: &str, what: &str| json!({"name": name, "in": "query", "required": false, "description": what, "schema": {"type": "string", "format": "date"}});
    let num = |name: &str, what: &str| json!({"name": name, "in": "query", "required": false, "description": what, "schema": {"type": "integer", "minimum": 0}});
    let paging = || {
        vec![
            num("offset", "items to skip (default 0)"),
            num("limit", "items to return, 0 to 100 (default 20)"),
        ]
    };
    let with_paging = |mut v: Vec<Value>| {
        v.extend(paging());
        Value::Array(v)
    };
    let id = |what: &str| json!({"name": "id", "in": "path", "required": true, "description": what, "schema": {"type": "string"}});
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "storyline",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "News articles as clean, deduplicated, sourced stories. Every error is JSON {status, message}. Dates are YYYY-MM-DD; article ids are 16 hex digits; story ids s12; byte offsets point into an article's clean text."
        },
        "paths": {
            "/api/stories": {"get": {
                "summary": "Stories, newest first by default",
                "parameters": with_paging(vec![
                    date("from", "only stories with an article on or after this day"),
                    date("to", "only stories with an article on or before this day"),
                    q("entity", "only stories naming an entity whose name or alias contains this (any case)"),
                    q("outlet", "only stories with an article from an outlet containing this (any case)"),
                    q("q", "only stories with an article matching these words (full-text)"),
                    json!({"name": "sort", "in": "query", "required": false, "schema": {"type": "string", "enum": ["newest", "oldest", "largest"]}}),
                ]),
                "responses": {"200": ok(page("stories", "StoryCard"), "a page of stories"), "400": err("a bad parameter")}
            }},
            "/api/stories/{id}": {"get": {
                "summary": "One story: events, summary, timeline, quotes by speaker, entities, sources in copy groups",
                "parameters": [id("story id (s12 or 12); a merged-away id gives the story it joined")],
                "responses": {"200": ok(r("StoryDoc"), "the story with the first items of its long lists; `more` says where the rest is"), "400": err("not a story id"), "404": err("no such story")}
            }},
            "/api/stories/{id}/speakers": {"get": {
                "summary": "A story's speakers, most reported first (their quotes: /api/stories/{id}/quotes?speaker=)",
                "parameters": with_paging(vec![id("story id")]),
                "responses": {"200": ok(page("speakers", "SpeakerItem"), "a page of speakers"), "400": err("a bad parameter"), "404": err("no such story")}
            }},
            "/api/stories/{id}/quotes": {"get": {
                "summary": "A story's quotes, by speaker (as /api/quotes?story=)",
                "parameters": with_paging(vec![
                    id("story id"), q("speaker", "speaker's name contains this (any case)"),
                    json!({"name": "kind", "in": "query", "required": false, "schema": {"type": "string", "enum": ["direct", "indirect"]}}),
                ]),
                "responses": {"200": ok(page("quotes", "QuoteItem"), "a page of quotes"), "400": err("a bad parameter"), "404": err("no such story")}
            }},
            "/api/stories/{id}/entities": {"get": {
                "summary": "A story's people, organizations and places (as /api/entities?story=)",
                "parameters": with_paging(vec![
                    id("story id"), q("q", "name or alias contains this (any case)"),
                    json!({"name": "kind", "in": "query", "required": false, "schema": {"type": "string", "enum": ["person", "organization", "place"]}}),
                ]),
                "responses": {"200": ok(page("entities", "Entity"), "a page of entities"), "400": err("a bad parameter"), "404": err("no such story")}
            }},
            "/api/stories/{id}/sources": {"get": {
                "summary": "A story's articles in copy groups (canonical first), by date",
                "parameters": with_paging(vec![id("story id")]),
                "responses": {"200": ok(page("sources", "SourceGroup"), "a page of copy groups"), "400": err("a bad parameter"), "404": err("no such story")}
            }},
            "/api/stories/{id}/articles": {"get": {
                "summary": "A story's articles, newest first (as /api/articles?story=)",
                "parameters": with_paging(vec![
                    id("story id"), date("from", "published on or after"), date("to", "published on or before"),
                    q("outlet", "outlet contains this (any case)"), q("q", "only articles matching these words (full-text)"),
                ]),
                "responses": {"200": ok(page("articles", "ArticleItem"), "a page of articles"), "400": err("a bad parameter"), "404": err("no such story")}
            }},
            "/api/articles": {"get": {
                "summary": "Articles, newest first",
                "parameters": with_paging(vec![
                    date("from", "published on or after"), date("to", "published on or before"),
                    q("outlet", "outlet contains this (any case)"), q("story", "only this story's articles"),
                    q("q", "only articles matching these words (full-text)"),
                ]),
                "responses": {"200": ok(page("articles", "ArticleItem"), "a page of articles"), "400": err("a bad parameter")}
            }},
            "/api/articles/{id}": {"get": {
                "summary": "One article: clean text, metadata, quote and entity spans, its copies",
                "parameters": [id("article id, 16 hex digits")],
                "responses": {"200": ok(r("ArticlePage"), "the article"), "400": err("not an article id"), "404": err("no such article")}
            }},
            "/api/quotes": {"get": {
                "summary": "Quotes merged across articles (copies count once), by speaker",
                "parameters": with_paging(vec![
                    q("speaker", "speaker's name contains this (any case)"), q("story", "only this story's quotes"),
                    json!({"name": "kind", "in": "query", "required": false, "schema": {"type": "string", "enum": ["direct", "indirect"]}}),
                ]),
                "responses": {"200": ok(page("quotes", "QuoteItem"), "a page of quotes"), "400": err("a bad parameter"), "404": err("no such story")}
            }},
            "/api/entities": {"get": {
                "summary": "People, organizations and places, named in most articles first",
                "parameters": with_paging(vec![
                    q("story", "only this story's entities"), q("q", "name or alias contains this (any case)"),
                    json!({"name": "kind", "in": "query", "required": false, "schema": {"type": "string", "enum": ["person", "organization", "place"]}}),
                ]),
                "responses": {"200": ok(page("entities", "Entity"), "a page of entities"), "400": err("a bad parameter"), "404": err("no such story")}
            }},
            "/api/search": {"get": {
                "summary": "Full-text search over headlines, text and quotes: BM25 ranking, highlighted snippets",
                "parameters": with_paging(vec![
                    json!({"name": "q", "in": "query", "required": true, "description": "words (all must match), \"a phrase\", word* for a prefix, OR between alternatives", "schema": {"type": "string"}}),
                    date("from", "published on or after"), date("to", "published on or before"),
                    q("outlet", "this outlet (any case)"), q("story", "only this story"), q("entity", "only articles naming this entity"),
                ]),
                "responses": {"200": ok(r("SearchResult"), "hits and matching quotes"), "400": err("no words, or a bad parameter"), "404": err("no such story")}
            }},
            "/api/status": {"get": {
                "summary": "What is loaded: article and story counts, whether every view is computed",
                "responses": {"200": ok(r("Status"), "the status")}
            }},
            "/api/ingest": {"post": {
                "summary": "Ingest articles (only when the server runs with --allow-ingest)",
                "parameters": [json!({"name": "format", "in": "query", "required": false, "description": "force the reader (else from Content-Type, else sniffed)", "schema": {"type": "string", "enum": ["text", "html", "jsonl", "warc", "feed"]}})],
                "requestBody": {"required": true, "content": {
                    "text/plain": {"schema": {"type": "string"}},
                    "text/html": {"schema": {"type": "string"}},
                    "application/x-ndjson": {"schema": {"type": "string", "description": "one JSON article per line"}}
                }},
                "responses": {
                    "200": ok(r("IngestSummary"), "what was ingested; stories are updated before the answer"),
                    "400": err("unknown format"), "403": err("ingest is not allowed on this server"),
                    "413": err("the body is larger than --max-body"), "415": err("a Content-Type the readers do not take")
                }
            }},
            "/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3", "content": {"application/json": {"schema": {"type": "object"}}}}}
            }}
        },
        "components": {
            "responses": {"Error": {"description": "an error", "content": {"application/json": {"schema": r("Error")}}}},
            "schemas": {
                "Error": {"type": "object", "required": ["status", "message"], "properties": {
                    "status": {"type": "integer"}, "message": {"type": "string"}}},
                "EntityBrief": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "kind": {"type": "string", "enum": ["person", "organization", "place"]}}},
                "StoryCard": {"type": "object", "properties": {
                    "id": {"type": "string"}, "title": {"type": "string", "nullable": true},
                    "first": {"type": "string", "format": "date", "nullable": true}, "last": {"type": "string", "format": "date", "nullable": true},
                    "n_articles": {"type": "integer"}, "n_outlets": {"type": "integer"}, "n_events": {"type": "integer"},
                    "outlets": {"type": "array", "items": {"type": "string"}},
                    "top_entities": {"type": "array", "items": r("EntityBrief")}}},
                "CitedSentence": {"type": "object", "properties": {"text": {"type": "string"}, "article": {"type": "string"}, "sources": {"type": "array", "items": {"type": "string"}}}},
                "Timeline": {"type": "object", "properties": {
                    "dates": {"type": "array", "items": {"type": "object", "properties": {"date": {"type": "string", "format": "date"}, "sentences": {"type": "array", "items": r("CitedSentence")}}}},
                    "undated": {"type": "array", "items": r("CitedSentence")}}},
                "QuoteView": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "text": {"type": "string"}, "kind": {"type": "string", "enum": ["direct", "indirect"]},
                    "cue": {"type": "string", "nullable": true}, "n_reports": {"type": "integer"}, "first_seen": {"type": "string", "format": "date", "nullable": true},
                    "sources": {"type": "array", "items": {"type": "object", "properties": {"article": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"}, "copy": {"type": "boolean"}}}}}},
                "QuoteItem": {"allOf": [r("QuoteView"), {"type": "object", "properties": {"speaker": {"type": "string", "nullable": true}, "anonymous": {"type": "boolean"}}}]},
                "Entity": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}, "kind": {"type": "string"}, "aliases": {"type": "array", "items": {"type": "string"}},
                    "roles": {"type": "array", "items": {"type": "object", "properties": {"role": {"type": "string"}, "since": {"type": "string", "format": "date", "nullable": true}}}},
                    "n_mentions": {"type": "integer"}, "n_articles": {"type": "integer"}}},
                "SourceRef": {"type": "object", "properties": {
                    "id": {"type": "string"}, "title": {"type": "string", "nullable": true}, "outlet": {"type": "string", "nullable": true},
                    "published": {"type": "string", "format": "date", "nullable": true}, "url": {"type": "string", "nullable": true},
                    "original": {"type": "boolean", "description": "the canonical article of a copy group with copies"},
                    "relation": {"type": "string", "nullable": true, "enum": ["exact", "near", "contained", null]}, "similarity": {"type": "number", "nullable": true}}},
                "SpeakerItem": {"type": "object", "properties": {
                    "speaker": {"type": "string", "nullable": true}, "entity": {"type": "integer", "nullable": true}, "anonymous": {"type": "boolean"},
                    "n_quotes": {"type": "integer", "description": "the speaker's quotes in the story"}, "n_reports": {"type": "integer", "description": "reports of those quotes"}}},
                "SourceGroup": {"type": "object", "properties": {"original_outlet": {"type": "string", "nullable": true}, "articles": {"type": "array", "items": r("SourceRef")}}},
                "More": {"type": "object", "properties": {
                    "total": {"type": "integer", "description": "items in the whole list"}, "shown": {"type": "integer", "description": "items in this document"},
                    "href": {"type": "string", "description": "the paged list (offset, limit)"}}},
                "StoryDoc": {"allOf": [r("StoryCard"), {"type": "object", "properties": {
                    "events": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "title": {"type": "string", "nullable": true}, "first": {"type": "string", "nullable": true}, "last": {"type": "string", "nullable": true}, "articles": {"type": "array", "items": {"type": "string"}}}}},
                    "summary": {"type": "array", "items": r("CitedSentence")},
                    "timeline": r("Timeline"),
                    "speakers": {"type": "array", "description": "the 20 most reported speakers, each with their 5 most reported quotes", "items": {"allOf": [r("SpeakerItem"), {"type": "object", "properties": {"quotes": {"type": "array", "items": r("QuoteView")}}}]}},
                    "entities": {"type": "array", "description": "the 50 entities named in most articles", "items": r("Entity")},
                    "sources": {"type": "array", "description": "the first 50 copy groups, by date", "items": r("SourceGroup")},
                    "more": {"type": "object", "description": "for each long list, its size and where to page through it", "properties": {
                        "speakers": r("More"), "quotes": r("More"), "entities": r("More"), "sources": r("More"), "articles": r("More")}}}}]},
                "ArticleItem": {"type": "object", "properties": {
                    "id": {"type": "string"}, "title": {"type": "string", "nullable": true}, "outlet": {"type": "string", "nullable": true},
                    "published": {"type": "string", "format": "date", "nullable": true}, "url": {"type": "string", "nullable": true},
                    "story": {"type": "string", "nullable": true}, "event": {"type": "string", "nullable": true}, "duplicate_of": {"type": "string", "nullable": true}}},
                "ArticlePage": {"type": "object", "properties": {
                    "id": {"type": "string"}, "title": {"type": "string", "nullable": true}, "outlet": {"type": "string", "nullable": true},
                    "original_outlet": {"type": "string", "nullable": true}, "author": {"type": "string", "nullable": true},
                    "published": {"type": "string", "format": "date", "nullable": true}, "published_source": {"type": "string", "nullable": true},
                    "language": {"type": "string", "nullable": true}, "url": {"type": "string", "nullable": true}, "format": {"type": "string"}, "input": {"type": "string"},
                    "story": {"type": "string", "nullable": true}, "story_title": {"type": "string", "nullable": true}, "event": {"type": "string", "nullable": true},
                    "original": {"type": "boolean"}, "duplicate_of": {"type": "string", "nullable": true}, "relation": {"type": "string", "nullable": true}, "similarity": {"type": "number", "nullable": true},
                    "copies": {"type": "array", "items": r("SourceRef")},
                    "text": {"type": "string"},
                    "quotes": {"type": "array", "items": {"type": "object", "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}, "kind": {"type": "string"}, "speaker": {"type": "string", "nullable": true}, "speaker_span": {"type": "array", "nullable": true, "items": {"type": "integer"}}}}},
                    "entities": {"type": "array", "items": {"type": "object", "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}, "name": {"type": "string"}, "kind": {"type": "string"}}}}}},
                "Marked": {"type": "object", "properties": {"text": {"type": "string"}, "marks": {"type": "array", "items": {"type": "object", "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}}}}}},
                "SearchResult": {"type": "object", "properties": {
                    "query": {"type": "string"}, "total": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"},
                    "hits": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "string"}, "score": {"type": "number", "description": "BM25, lower is better"},
                        "published": {"type": "string", "nullable": true}, "outlet": {"type": "string", "nullable": true},
                        "title": {"allOf": [r("Marked")], "nullable": true}, "snippet": r("Marked"), "story": {"type": "string", "nullable": true}}}},
                    "quotes": {"type": "array", "items": {"type": "object", "properties": {
                        "speaker": {"type": "string", "nullable": true}, "text": r("Marked"), "kind": {"type": "string"},
                        "first_seen": {"type": "string", "nullable": true}, "n_reports": {"type": "integer"},
                        "sources": {"type": "array", "items": {"type": "string"}}, "story": {"type": "string", "nullable": true}}}}}},
                "Status": {"type": "object", "properties": {"articles": {"type": "integer"}, "stories": {"type": "integer"}, "warm": {"type": "boolean"}, "generations": {"type": "integer"}, "ingest": {"type": "boolean"},
                    "cache_hits": {"type": "integer", "description": "answers of this store generation sent from the cache"}, "cache_misses": {"type": "integer", "description": "answers of this store generation rendered"}}},
                "IngestSummary": {"type": "object", "properties": {"added": {"type": "integer"}, "already_present": {"type": "integer"}, "not_ingested": {"type": "integer"}, "diagnostics": {"type": "array", "items": {"type": "string"}}}}
            }
        }
    })
}

/// The handler.
pub async fn document() -> Response {
    Json(spec()).into_response()
}
