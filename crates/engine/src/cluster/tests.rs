use super::*;

fn input<'a>(id: u64, title: &'a str, text: &'a str, day: Option<u32>) -> ClusterInput<'a> {
    ClusterInput {
        article: ArticleId(id),
        title: Some(title),
        text,
        published: day.map(|d| NaiveDate::from_ymd_opt(2021, 3, d).unwrap()),
        duplicate_of: None,
    }
}

const FLOOD_A: &str = "Heavy rain flooded the river valley near Porto. Rescuers evacuated \
    villagers from flooded homes as the Douro river burst its banks.";
const FLOOD_B: &str = "The Douro river burst its banks after heavy rain and rescuers moved \
    villagers out of flooded homes near Porto.";
const CHESS: &str = "The chess olympiad opened in Tallinn with teams from ninety countries; \
    grandmasters played the first round of the tournament.";

#[test]
fn similar_articles_share_an_event_and_others_do_not() {
    let config = ClusterConfig::default();
    let mut state = ClusterState::new(&config);
    let a = state.assign(&input(1, "Douro floods homes near Porto", FLOOD_A, Some(1)), &config);
    let c = state.assign(&input(3, "Chess olympiad opens", CHESS, Some(1)), &config);
    let b = state.assign(&input(2, "Rescuers evacuate Porto villages", FLOOD_B, Some(2)), &config);
    assert_eq!(a, b);
    assert_ne!(a.story, c.story);
    assert_eq!(state.stories().count(), 2);
    let story = state.story(a.story).unwrap();
    assert_eq!(story.n_articles, 2);
    assert_eq!(story.first, NaiveDate::from_ymd_opt(2021, 3, 1));
    assert_eq!(story.last, NaiveDate::from_ymd_opt(2021, 3, 2));
    assert!(story.title.is_some());
}

#[test]
fn events_are_bounded_in_time_but_stories_are_not() {
    let config = ClusterConfig::default();
    let mut state = ClusterState::new(&config);
    let a = state.assign(&input(1, "Douro floods homes near Porto", FLOOD_A, Some(1)), &config);
    let b = state.assign(&input(2, "Rescuers evacuate Porto villages", FLOOD_B, Some(20)), &config);
    assert_ne!(a.event, b.event);
    assert_eq!(a.story, b.story);
    let story = state.story(a.story).unwrap();
    let firsts: Vec<_> = story.events.iter().map(|e| e.first.unwrap().to_string()).collect();
    assert_eq!(firsts, vec!["2021-03-01", "2021-03-20"]);
}

#[test]
fn a_story_takes_the_headline_of_its_largest_titled_event() {
    let config = ClusterConfig::default();
    let mut state = ClusterState::new(&config);
    // Two untitled reports on the 1st make the larger event; one titled
    // report on the 20th is an event of its own in the same story.
    let mut a = input(1, "", FLOOD_A, Some(1));
    a.title = None;
    let a = state.assign(&a, &config);
    let mut b = input(2, "", FLOOD_B, Some(2));
    b.title = None;
    let b = state.assign(&b, &config);
    let c = state.assign(&input(3, "Douro floods homes near Porto", FLOOD_A, Some(20)), &config);
    assert_eq!(a.event, b.event);
    assert_ne!(a.event, c.event);
    assert_eq!(a.story, c.story);
    let story = state.story(a.story).unwrap();
    assert_eq!(story.events.len(), 2);
    assert_eq!(story.title, Some("Douro floods homes near Porto"));
}

#[test]
fn copies_join_their_original_and_reassignment_is_a_no_op() {
    let config = ClusterConfig::default();
    let mut state = ClusterState::new(&config);
    let a = state.assign(&input(1, "Douro floods homes near Porto", FLOOD_A, Some(1)), &config);
    let mut copy = input(9, "Chess olympiad opens", CHESS, Some(1));
    copy.duplicate_of = Some(ArticleId(1));
    assert_eq!(state.assign(&copy, &config), a);
    assert_eq!(state.assign(&input(1, "x", CHESS, None), &config), a);
    assert_eq!(state.n_articles(), 2);
}

#[test]
fn state_round_trips_through_json_and_resumes_identically() {
    let config = ClusterConfig::default();
    let mut state = ClusterState::new(&config);
    state.assign(&input(1, "Douro floods homes near Porto", FLOOD_A, Some(1)), &config);
    let json = serde_json::to_string(&state).unwrap();
    let mut resumed: ClusterState = serde_json::from_str(&json).unwrap();
    let later = input(2, "Rescuers evacuate Porto villages", FLOOD_B, Some(2));
    assert_eq!(resumed.assign(&later, &config), state.assign(&later, &config));
    assert_eq!(serde_json::to_string(&resumed).unwrap(), serde_json::to_string(&state).unwrap());
}

#[test]
fn untitled_articles_round_trip_through_json() {
    // An event with no headline yet must still serialise to numbers only
    // (JSON has no infinity).
    let config = ClusterConfig::default();
    let mut state = ClusterState::new(&config);
    let mut a = input(1, "", FLOOD_A, None);
    a.title = None;
    let got = state.assign(&a, &config);
    let json = serde_json::to_string(&state).unwrap();
    let back: ClusterState = serde_json::from_str(&json).unwrap();
    assert_eq!(back.assignment_of(ArticleId(1)), Some(got));
}

#[test]
fn merged_ids_stay_resolvable() {
    let config = ClusterConfig::default();
    let mut state = ClusterState::new(&config);
    let a = state.assign(&input(1, "Douro floods homes near Porto", FLOOD_A, Some(1)), &config);
    let c = state.assign(&input(3, "Chess olympiad opens", CHESS, Some(1)), &config);
    state.merge_stories(c.story.0, a.story.0, &config);
    assert_eq!(state.resolve_story(c.story), a.story);
    assert_eq!(state.story_of(ArticleId(3)), Some(a.story));
    assert_eq!(state.story(c.story).unwrap().n_articles, 2);
    assert_eq!(state.stories().count(), 1);
    state.merge_events(c.event.0, a.event.0, &config);
    assert_eq!(state.event_of(ArticleId(3)), Some(a.event));
    assert_eq!(state.event(c.event).unwrap().n_articles(), 2);
    expect_test::expect![[
        r#"[{"kind":"story_merged","from":1,"into":0},{"kind":"event_merged","from":1,"into":0}]"#
    ]]
    .assert_eq(&serde_json::to_string(state.changes()).unwrap());
}

#[test]
fn events_whose_members_drift_apart_are_split() {
    let config = ClusterConfig { event_threshold: 0.0, ..ClusterConfig::default() };
    let mut state = ClusterState::new(&config);
    for i in 0..4 {
        // A shared word lets the index find the event; nothing else is shared.
        let text =
            if i % 2 == 0 { format!("{FLOOD_A} bulletin") } else { format!("{CHESS} bulletin") };
        state.assign(&input(i, "", &text, Some(1)), &config);
    }
    let split = state.changes().iter().find_map(|c| match c {
        Change::EventSplit { articles, .. } => Some(articles.len()),
        _ => None,
    });
    assert_eq!(split, Some(2));
    assert_eq!(state.event_of(ArticleId(0)), state.event_of(ArticleId(2)));
    assert_ne!(state.event_of(ArticleId(0)), state.event_of(ArticleId(1)));
}

fn dated<'a>(id: u64, title: &'a str, text: &'a str, date: NaiveDate) -> ClusterInput<'a> {
    ClusterInput {
        article: ArticleId(id),
        title: Some(title),
        text,
        published: Some(date),
        duplicate_of: None,
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn a_story_silent_for_months_takes_no_more_articles() {
    let config = ClusterConfig::default();
    let mut state = ClusterState::new(&config);
    let a =
        state.assign(&dated(1, "Douro floods homes near Porto", FLOOD_A, day(2021, 3, 1)), &config);
    let b = state
        .assign(&dated(2, "Rescuers evacuate Porto villages", FLOOD_B, day(2021, 5, 1)), &config);
    assert_eq!(a.story, b.story, "two months apart is one story");
    let late = dated(3, "Douro floods homes near Porto", FLOOD_A, day(2022, 1, 10));
    let c = state.assign(&late, &config);
    assert_ne!(c.story, a.story, "eight months of silence end a story");
}

const FLOOD_C: &str = "Floodwaters in the Douro valley rose again overnight and rescuers \
    moved more villagers near Porto to shelters.";
const AFTERMATH: &str = "Wine growers in the valley counted their losses after the river rose.";

#[test]
fn a_small_dated_story_gets_a_second_look() {
    let config = ClusterConfig { recheck_after: 2, recheck_max: 1, ..ClusterConfig::default() };
    let run = |date: Option<NaiveDate>| {
        let mut state = ClusterState::new(&config);
        let texts = [FLOOD_A, FLOOD_B, FLOOD_C];
        for (i, text) in texts.into_iter().enumerate() {
            let mut a = dated(i as u64, "Douro floods near Porto", text, day(2021, 3, 1));
            a.published = date;
            state.assign(&a, &config);
        }
        let mut late = dated(7, "Cleaning up", AFTERMATH, day(2021, 3, 2));
        late.published = date;
        let first = state.assign(&late, &config);
        // Two more articles on something else let the second look fall due.
        for i in 8..10 {
            let mut other = dated(i, "Chess olympiad opens", CHESS, day(2021, 3, 2));
            other.published = date;
            state.assign(&other, &config);
        }
        (first.story, state.story_of(ArticleId(0)).unwrap(), state.story_of(ArticleId(7)).unwrap())
    };
    let (first, flood, now) = run(Some(day(2021, 3, 1)));
    assert_ne!(first, flood, "the aftermath piece starts a story of its own");
    assert_eq!(now, flood, "and joins the flood story on its second look");
    let (first, flood, now) = run(None);
    assert_ne!(first, flood);
    assert_ne!(now, flood, "an undated story keeps its place");
}

proptest::proptest! {
    #[test]
    fn assign_never_panics_and_every_article_is_placed(texts in proptest::collection::vec(".{0,80}", 1..12)) {
        let config = ClusterConfig::default();
        let mut state = ClusterState::new(&config);
        for (i, t) in texts.iter().enumerate() {
            let got = state.assign(&input(i as u64, t, t, Some(1 + (i as u32 % 28))), &config);
            proptest::prop_assert_eq!(state.resolve_story(got.story), state.story_of(ArticleId(i as u64)).unwrap());
        }
        let total: usize = state.stories().map(|s| s.n_articles).sum();
        proptest::prop_assert_eq!(total, texts.len());
    }
}

#[test]
fn reconciliation_merges_events_of_a_story_that_arrival_order_kept_apart() {
    // Online, a threshold no pair passes keeps each article in an event of
    // its own (the story still takes them all); the reconciliation pass,
    // with the default threshold and the centroids as they now are, joins
    // the events the articles would have joined had the others come first.
    let apart = ClusterConfig { event_threshold: 0.99, reconcile_every: 0, ..Default::default() };
    let mut state = ClusterState::new(&apart);
    let texts = [FLOOD_A, FLOOD_B, FLOOD_C];
    let got: Vec<Assignment> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| state.assign(&input(i as u64, "Douro floods near Porto", t, Some(1)), &apart))
        .collect();
    assert!(got.iter().all(|a| a.story == got[0].story));
    assert_eq!(got.iter().map(|a| a.event).collect::<std::collections::BTreeSet<_>>().len(), 3);
    state.reconcile(&ClusterConfig::default());
    let events: Vec<EventId> = (0..3).map(|i| state.event_of(ArticleId(i)).unwrap()).collect();
    assert!(events.iter().all(|&e| e == events[0]), "{events:?}");
    // Every old id still resolves to where its articles are now.
    for a in &got {
        assert_eq!(state.resolve_event(a.event), events[0]);
    }
    assert_eq!(state.event(got[1].event).unwrap().n_articles(), 3);
    let merges = state.changes().iter().filter(|c| matches!(c, Change::EventMerged { .. })).count();
    assert_eq!(merges, 2);
    assert!(state.fresh.is_empty());
}

const FIGHT_A: &str = "Champion Marek Dolan stopped challenger Ivo Brandt in the seventh round \
    to keep his heavyweight belts. Dolan dropped Brandt twice before the referee waved it off, \
    and Brandt said afterwards that Dolan was the better man.";
const FIGHT_A2: &str = "Marek Dolan kept his heavyweight belts when the referee stopped his \
    fight with Ivo Brandt in the seventh round. Brandt went down twice; Dolan barely took a punch.";
const FIGHT_B: &str = "Marek Dolan kept his heavyweight belts against challenger Tomas Quill, \
    stopped in the sixth round. Challenger Tomas Quill had wanted the rematch for a year; Dolan \
    floored him with a right hand and the referee waved it off.";

#[test]
fn a_title_fight_against_another_opponent_is_another_event_of_the_story() {
    // The two fights share the words of their kind and the champion; only
    // the challenger differs, and each side names a challenger the other
    // never mentions (the second in full). A low join threshold makes the
    // participant test the only thing that keeps them apart.
    let run = |conflict_margin: f32| {
        let config = ClusterConfig { event_threshold: 0.1, conflict_margin, ..Default::default() };
        let mut state = ClusterState::new(&config);
        let a = state.assign(&input(1, "", FIGHT_A, None), &config);
        let a2 = state.assign(&input(2, "", FIGHT_A2, None), &config);
        let b = state.assign(&input(3, "", FIGHT_B, None), &config);
        assert_eq!(a.event, a2.event);
        assert_eq!(a.story, b.story);
        a.event == b.event
    };
    assert!(!run(1.0), "a conflict no similarity outweighs keeps them apart");
    assert!(run(0.0), "without the participant test the second fight joins the first");
}

#[test]
fn config_overrides_set_fields_and_name_what_is_wrong() {
    let base = ClusterConfig::default();
    let c = base.with_overrides("event_threshold=0.4, text.max_words=300,").unwrap();
    assert_eq!(c.event_threshold, 0.4);
    assert_eq!(c.text.max_words, 300);
    assert_eq!(c.story_threshold, base.story_threshold);
    assert_eq!(base.with_overrides("").unwrap().event_days, base.event_days);
    for (spec, says) in [
        ("event_threshold", "expected field=value"),
        ("no_such=1", "no such setting"),
        ("text.no_such=1", "no such setting"),
        ("event_threshold=abc", "event_threshold=abc"),
    ] {
        let err = base.with_overrides(spec).unwrap_err().to_string();
        assert!(err.contains(says), "{spec}: {err}");
    }
}

const QUAKE_2009: &str = "An earthquake struck the coast of Calder province in 2009, \
    toppling houses in the port town; rescuers searched the rubble for survivors.";
const QUAKE_2009_B: &str = "Rescuers searched the rubble of toppled houses in the port town \
    after the 2009 earthquake on the Calder coast, officials said.";
const QUAKE_2013: &str = "An earthquake struck the coast of Calder province in 2013, \
    toppling houses in the port town; rescuers searched the rubble for survivors.";

#[test]
fn an_undated_report_that_never_writes_the_events_year_is_another_event() {
    let undated = |id, text| ClusterInput {
        article: ArticleId(id),
        title: Some("Earthquake on the Calder coast"),
        text,
        published: None,
        duplicate_of: None,
    };
    let run = |year_margin: f32| {
        let config = ClusterConfig { year_margin, ..ClusterConfig::default() };
        let mut state = ClusterState::new(&config);
        let a = state.assign(&undated(1, QUAKE_2009), &config);
        let b = state.assign(&undated(2, QUAKE_2009_B), &config);
        let c = state.assign(&undated(3, QUAKE_2013), &config);
        assert_eq!(a, b);
        (a, c)
    };
    // Word for word the same report but for the year: without the year test
    // it joins; with it, it starts another event of the same story.
    let (a, c) = run(0.0);
    assert_eq!(a, c);
    let (a, c) = run(ClusterConfig::default().year_margin * 10.0);
    assert_ne!(a.event, c.event);
    assert_eq!(a.story, c.story);
}

#[test]
fn re_examined_members_move_and_every_article_stays_placed_once() {
    // A low join threshold lets mixed reports land in whichever event came
    // first; a tiny margin lets the re-examination move them.
    let config = ClusterConfig {
        story_threshold: 0.0,
        event_threshold: 0.4,
        split_threshold: 0.0,
        reconcile_every: 0,
        ..ClusterConfig::default()
    };
    let texts = [
        format!("{FLOOD_A} bulletin"),
        format!("{CHESS} {FLOOD_B} bulletin"),
        format!("{QUAKE_2009} {FLOOD_A} bulletin"),
        format!("{CHESS} bulletin"),
        format!("{FLOOD_B} bulletin"),
        format!("{QUAKE_2009_B} bulletin"),
        format!("{CHESS} {QUAKE_2009} bulletin"),
        format!("{FLOOD_A} {FLOOD_B} bulletin"),
        format!("{QUAKE_2009} bulletin"),
        format!("{CHESS} {CHESS} bulletin"),
    ];
    let run = |reexamine_margin: f32| {
        let config = ClusterConfig { reexamine_margin, ..config.clone() };
        let mut state = ClusterState::new(&config);
        for (i, text) in texts.iter().enumerate() {
            state.assign(&input(i as u64, "", text, None), &config);
        }
        state
    };
    let group = |state: &ClusterState| -> Vec<Vec<u64>> {
        let mut events: Vec<Vec<u64>> = state
            .stories()
            .flat_map(|s| s.events)
            .map(|e| e.articles().map(|a| a.0).collect::<Vec<u64>>())
            .collect();
        for e in &mut events {
            e.sort_unstable();
        }
        events.sort();
        events
    };
    let without = run(0.0);
    let with = run(0.001);
    // Without a second look the first mixed reports stay in the flood event.
    assert_eq!(group(&without), vec![vec![0, 1, 2, 4, 7], vec![3, 6, 9], vec![5, 8]]);
    // With it, the chess report and the earthquake report move to the
    // events of their own kind that formed after them.
    assert_eq!(group(&with), vec![vec![0, 4, 7], vec![1, 3, 9], vec![2, 5, 6, 8]]);
    for state in [&without, &with] {
        for i in 0..texts.len() as u64 {
            let e = state.event(state.event_of(ArticleId(i)).unwrap()).unwrap();
            assert!(e.articles().any(|a| a == ArticleId(i)), "article {i} not in its event");
        }
        let n: usize = state.stories().map(|s| s.n_articles).sum();
        assert_eq!(n, texts.len());
    }
    let moved = with.changes().iter().filter(|c| matches!(c, Change::EventSplit { .. })).count();
    assert_eq!(moved, 3);
}

// Two title defences of one champion, against two different challengers
// (each named in full twice by one report), each reported three times in
// different words.
const FIGHTS: [&str; 6] = [
    "Champion Marek Tolvan kept his belt, stopping challenger Jory Pellam in the ninth \
     round. Jory Pellam was cut early and Tolvan pressed until the referee waved it off.",
    "Jory Pellam could not finish the fight: Marek Tolvan defended the title with a \
     stoppage in round nine, and Pellam said the cut had blinded him.",
    "Tolvan against Pellam ended in the ninth when the referee stopped it; Jory Pellam \
     went to hospital for stitches, Marek Tolvan to a party.",
    "Marek Tolvan retained the championship on points against Oskar Brandvik after twelve \
     rounds; the judges scored it wide and Oskar Brandvik protested the decision.",
    "Oskar Brandvik lost a unanimous decision to Marek Tolvan over twelve rounds; \
     Brandvik's trainer called the scoring a disgrace.",
    "Twelve rounds were not enough for Oskar Brandvik, outpointed by Tolvan, who \
     kept the belt; Brandvik wants a rematch with Marek Tolvan.",
];

#[test]
fn an_event_mixing_two_conflicting_groups_splits_along_them() {
    // Without the participant test every report joins one event; the
    // conflict split then looks at the mix with the test on.
    let mixing = ClusterConfig {
        conflict_margin: 0.0,
        conflict_split: false,
        event_threshold: 0.1,
        split_threshold: 0.0,
        ..ClusterConfig::default()
    };
    let mut state = ClusterState::new(&mixing);
    let mut event = None;
    for (i, text) in [0, 3, 1, 4, 2, 5].map(|i| (i, FIGHTS[i])) {
        let a = state.assign(&input(i as u64, "Title fight", text, None), &mixing);
        assert_eq!(*event.get_or_insert(a.event), a.event, "report {i} joined another event");
    }
    let event = event.unwrap();
    let config = ClusterConfig { event_threshold: 0.35, ..ClusterConfig::default() };
    let mut off = state.clone();
    off.split_on_conflict(event.0, &ClusterConfig { conflict_split: false, ..config.clone() });
    assert_eq!(off.event(event).unwrap().n_articles(), 6);
    state.split_on_conflict(event.0, &config);
    let sides: Vec<Vec<u64>> = [0u64, 3]
        .iter()
        .map(|&a| {
            let e = state.event(state.event_of(ArticleId(a)).unwrap()).unwrap();
            let mut v: Vec<u64> = e.articles().map(|a| a.0).collect();
            v.sort_unstable();
            v
        })
        .collect();
    assert_eq!(sides, vec![vec![0, 1, 2], vec![3, 4, 5]]);
    let a = state.assignment_of(ArticleId(0)).unwrap();
    let b = state.assignment_of(ArticleId(3)).unwrap();
    assert_eq!(a.story, b.story);
    assert!(state
        .changes()
        .iter()
        .any(|c| matches!(c, Change::EventSplit { articles, .. } if articles.len() == 3)));
    // One fight's reports alone do not split: nothing conflicts.
    let mut one = ClusterState::new(&mixing);
    for (i, text) in FIGHTS[..3].iter().enumerate() {
        one.assign(&input(i as u64, "Title fight", text, None), &mixing);
    }
    one.assign(&input(9, "Title fight", FIGHTS[0], None), &mixing);
    let e = one.event_of(ArticleId(0)).unwrap();
    one.split_on_conflict(e.0, &config);
    assert_eq!(one.event(e).unwrap().n_articles(), 4);
}

/// A state saved while the one-shot kind merge existed (removed in favour
/// of the kind links) holds its fields: a story's `kind_merged`, the
/// state's `kind_looks` and `kind_pending`. It still loads, as JSON (store
/// schema 6) and as MessagePack (schema 7), as the same state, and goes on
/// taking articles.
#[test]
fn a_state_saved_with_the_kind_merge_fields_still_loads() {
    let config = ClusterConfig::default();
    let mut state = ClusterState::new(&config);
    let a = state.assign(&input(1, "Douro floods homes near Porto", FLOOD_A, Some(1)), &config);
    let c = state.assign(&input(3, "Chess olympiad opens", CHESS, Some(1)), &config);
    let mut old = serde_json::to_value(&state).unwrap();
    for story in old["stories"].as_array_mut().unwrap() {
        story["kind_merged"] = serde_json::json!(true);
    }
    old["kind_looks"] = serde_json::json!([[64, 0, 0]]);
    old["kind_pending"] = serde_json::json!({ "0": [1, 5] });
    let mut back: ClusterState = serde_json::from_str(&old.to_string()).unwrap();
    assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&state).unwrap());
    assert_eq!(back.assignment_of(ArticleId(3)), Some(c));
    let b = back.assign(&input(2, "Rescuers evacuate Porto villages", FLOOD_B, Some(2)), &config);
    assert_eq!(b, a);
    // The store saves states as MessagePack with field names: extra fields
    // are skipped there too.
    #[derive(serde::Serialize)]
    struct Old<'a> {
        #[serde(flatten)]
        state: &'a ClusterState,
        kind_looks: std::collections::BTreeSet<(u64, u32, u32)>,
        kind_pending: BTreeMap<u32, (u32, u64)>,
    }
    let old =
        Old { state: &state, kind_looks: [(64, 0, 0)].into(), kind_pending: [(0, (1, 5))].into() };
    let bytes = rmp_serde::to_vec_named(&old).unwrap();
    let back: ClusterState = rmp_serde::from_slice(&bytes).unwrap();
    assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&state).unwrap());
}

proptest::proptest! {
    /// The redirects with their bits resolve every id as walking the map
    /// does, serialise as the map alone, and load back from a map (a
    /// state saved before the bits) to the same lookups.
    #[test]
    fn redirects_resolve_as_the_map_and_serialise_as_it(
        merges in proptest::collection::vec((0u32..300, 0u32..300), 0..80),
    ) {
        let mut map = std::collections::BTreeMap::new();
        let mut redirects = super::Redirects::default();
        for (from, into) in merges {
            // As a merge does: the id absorbing is current, and one merged
            // away is not merged again (so no cycles; chains do form).
            let mut into = into;
            while let Some(&to) = map.get(&into) {
                into = to;
            }
            if from == into || map.contains_key(&from) {
                continue;
            }
            map.insert(from, into);
            redirects.insert(from, into);
        }
        let walk = |mut id: u32| {
            while let Some(&to) = map.get(&id) {
                id = to;
            }
            id
        };
        let json = serde_json::to_string(&redirects).unwrap();
        proptest::prop_assert_eq!(&json, &serde_json::to_string(&map).unwrap());
        let back: super::Redirects = serde_json::from_str(&json).unwrap();
        for id in 0..320 {
            proptest::prop_assert_eq!(redirects.resolve(id), walk(id));
            proptest::prop_assert_eq!(back.resolve(id), walk(id));
        }
    }
}
