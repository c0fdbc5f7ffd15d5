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
