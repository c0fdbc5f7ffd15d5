//! Tagger tests on sentences written for them. 2016-10-05 is a Wednesday.

use chrono::NaiveDate;
use expect_test::{expect, Expect};
use proptest::prelude::*;

use super::*;

fn check(text: &str, reference: Option<&str>, expect: Expect) {
    let reference = reference.map(|r| NaiveDate::parse_from_str(r, "%Y-%m-%d").expect("reference"));
    let got: Vec<String> = tag(text, reference, &TimexConfig::default())
        .iter()
        .map(|t| {
            let m = t.modifier.map_or(String::new(), |m| format!(" {m}"));
            format!("{:?} {} {}{m}", &text[t.span.clone()], t.kind.name(), t.value)
        })
        .collect();
    expect.assert_eq(&got.join("\n"));
}

const WED: Option<&str> = Some("2016-10-05");

#[test]
fn absolute_dates() {
    check(
        "The accord of October 5, 2016 replaced the one signed Oct. 5 and on 5 October; \
         the attacks of Sept. 11 changed everything, and the file is dated 2016-10-05.",
        WED,
        expect![[r#"
            "October 5, 2016" DATE 2016-10-05
            "Oct. 5" DATE 2016-10-05
            "5 October" DATE 2016-10-05
            "Sept. 11" DATE 2016-09-11
            "2016-10-05" DATE 2016-10-05"#]],
    );
}

#[test]
fn weekdays_follow_tense() {
    check(
        "The US walked away from the talks on Monday. Kerry spoke in Brussels on Tuesday. \
         The ministers will meet on Friday, and again next Tuesday.",
        WED,
        expect![[r#"
            "Monday" DATE 2016-10-03
            "Tuesday" DATE 2016-10-04
            "Friday" DATE 2016-10-07
            "next Tuesday" DATE 2016-10-11"#]],
    );
}

#[test]
fn deictic_days_and_periods() {
    check(
        "Yesterday the envoy left; today he rests and tomorrow he flies home. \
         Prices rose last week, fell this month and may recover next year. \
         Fighting flared early in August and again two days ago, three years ago and last summer.",
        WED,
        expect![[r#"
            "Yesterday" DATE 2016-10-04
            "today" DATE 2016-10-05
            "tomorrow" DATE 2016-10-06
            "last week" DATE 2016-W39
            "this month" DATE 2016-10
            "next year" DATE 2017
            "early in August" DATE 2016-08 START
            "two days ago" DATE 2016-10-03
            "three years ago" DATE 2013
            "last summer" DATE 2015-SU"#]],
    );
}

#[test]
fn anaphora_counts_from_the_last_day_mentioned() {
    check(
        "Kerry spoke in Brussels on Tuesday. The cease-fire had collapsed the day before, \
         and two days later the talks resumed.",
        WED,
        expect![[r#"
            "Tuesday" DATE 2016-10-04
            "the day before" DATE 2016-10-03
            "two days later" DATE 2016-10-05"#]],
    );
}

#[test]
fn years_months_quarters_decades() {
    check(
        "Sales fell in 2013 and in March, and third-quarter profit beat the third quarter of 2015; \
         the 1990s were calmer than the early 2000s.",
        WED,
        expect![[r#"
            "2013" DATE 2013
            "March" DATE 2016-03
            "third-quarter" DATE 2016-Q3
            "the third quarter of 2015" DATE 2015-Q3
            "the 1990s" DATE 199
            "the early 2000s" DATE 200 START"#]],
    );
}

#[test]
fn durations_times_references_sets() {
    check(
        "The truce lasted three years, the talks two weeks and the meeting more than four hours. \
         It began at 4:32 PM this morning. Now the army is currently regrouping; it recently \
         withdrew and the future is unclear. Inspectors visit every week and report daily.",
        WED,
        expect![[r#"
            "three years" DURATION P3Y
            "two weeks" DURATION P2W
            "more than four hours" DURATION PT4H MORE_THAN
            "4:32 PM" TIME 2016-10-05T16:32
            "this morning" TIME 2016-10-05TMO
            "Now" DATE PRESENT_REF
            "currently" DATE PRESENT_REF
            "recently" DATE PAST_REF
            "the future" DATE FUTURE_REF
            "every week" SET P1W
            "daily" SET P1D"#]],
    );
}

#[test]
fn undated_text_keeps_relative_values() {
    check(
        "Officials met on Tuesday, two days ago, after talks on October 5, 2016 failed last week.",
        None,
        expect![[r#"
            "Tuesday" DATE XXXX-WXX-2
            "two days ago" DATE XXXX-XX-XX
            "October 5, 2016" DATE 2016-10-05
            "last week" DATE XXXX-WXX"#]],
    );
    let t = tag("They met yesterday.", None, &TimexConfig::default());
    assert_eq!(t[0].relative, Some(Relative::Days(-1)));
}

#[test]
fn days_and_ranges() {
    let r = NaiveDate::from_ymd_opt(2016, 10, 5);
    let t = tag("He left on Tuesday, in March and last week.", r, &TimexConfig::default());
    let days: Vec<_> = t.iter().map(|t| (t.day(), t.days())).collect();
    let d = |m, d| NaiveDate::from_ymd_opt(2016, m, d).expect("test date");
    assert_eq!(
        days,
        vec![
            (Some(d(10, 4)), Some((d(10, 4), d(10, 4)))),
            (None, Some((d(3, 1), d(3, 31)))),
            (None, Some((d(9, 26), d(10, 2)))),
        ]
    );
}

proptest! {
    #[test]
    fn never_panics_and_spans_are_on_char_boundaries(text in "\\PC{0,200}", day in 0i64..40000) {
        let reference = NaiveDate::from_ymd_opt(1900, 1, 1).map(|d| d + chrono::Duration::days(day));
        for t in tag(&text, reference, &TimexConfig::default()) {
            prop_assert!(t.span.start < t.span.end && t.span.end <= text.len());
            prop_assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
        }
    }

    #[test]
    fn temporal_words_in_noise_never_panic(
        words in proptest::collection::vec(
            prop_oneof![
                Just("Tuesday"), Just("last"), Just("week"), Just("ago"), Just("two"), Just("Oct."),
                Just("5,"), Just("2016"), Just("the"), Just("day"), Just("before"), Just("4:32"),
                Just("PM"), Just("é"), Just("every"), Just("quarter"), Just("third"), Just("99"),
                Just("1/2"), Just("mid-"), Just("'90s"), Just("summer"), Just("now"), Just("noon"),
            ],
            0..30,
        ),
        day in 0i64..80000,
    ) {
        let text = words.join(" ");
        let reference = NaiveDate::from_ymd_opt(1900, 1, 1).map(|d| d + chrono::Duration::days(day));
        for t in tag(&text, reference, &TimexConfig::default()) {
            prop_assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
            prop_assert!(!t.value.is_empty());
        }
    }
}

/// The seed story: the US walked away from the cease-fire on Monday
/// 2016-10-03 and Kerry spoke in Brussels on Tuesday 2016-10-04, as the
/// article of 2016-10-05 tells it (the texts are read from `../shared`).
#[test]
fn seed_weekdays_resolve_against_the_publication_date() {
    let seeds = crate::eval::shared_dir().join("seeds");
    let mut paths: Vec<_> = std::fs::read_dir(&seeds)
        .expect("seeds folder")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    let path = paths
        .iter()
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("001_")))
        .expect("seed 001");
    let text = std::fs::read_to_string(path).expect("seed text");
    let reference = NaiveDate::from_ymd_opt(2016, 10, 5);
    let timexes = tag(&text, reference, &TimexConfig::default());
    let value_of = |word: &str| -> Vec<String> {
        timexes.iter().filter(|t| &text[t.span.clone()] == word).map(|t| t.value.clone()).collect()
    };
    let mondays = value_of("Monday");
    let tuesdays = value_of("Tuesday");
    assert!(!mondays.is_empty() && mondays.iter().all(|v| v == "2016-10-03"), "{mondays:?}");
    assert!(!tuesdays.is_empty() && tuesdays.iter().all(|v| v == "2016-10-04"), "{tuesdays:?}");
    // "the day before" follows "on Tuesday": Monday again.
    assert_eq!(value_of("the day before"), ["2016-10-03"]);
}

#[test]
fn anaphora_keeps_the_granularity_of_what_was_named() {
    check(
        "The plant opened in 1987. That year, sales doubled; the following year they fell. \
         It was sold in March 2010, and the following month it closed.",
        WED,
        expect![[r#"
            "1987" DATE 1987
            "That year" DATE 1987
            "the following year" DATE 1988
            "March 2010" DATE 2010-03
            "the following month" DATE 2010-04"#]],
    );
}

#[test]
fn an_earnings_report_compares_its_own_quarter() {
    check(
        "Acme said third-quarter profit rose 10% from a year earlier. Sales in the year-ago \
         quarter were flat, and the company expects fourth-quarter results to improve. \
         Separately, Bolt reported second-quarter net fell. A year earlier, Bolt earned $2 million. \
         In the quarter ended July 31, orders rose.",
        WED,
        expect![[r#"
            "third-quarter" DATE 2016-Q3
            "a year earlier" DATE 2015-Q3
            "the year-ago quarter" DATE 2015-Q3
            "fourth-quarter" DATE 2016-Q4
            "second-quarter" DATE 2016-Q2
            "A year earlier" DATE 2015-Q2
            "the quarter" DATE 2016-Q2
            "July 31" DATE 2016-07-31"#]],
    );
    // Without a quarter named, "a year ago" is just the year before.
    check("Wages were 3% higher than a year ago.", WED, expect![[r#""a year ago" DATE 2015"#]]);
}

#[test]
fn weekdays_count_from_the_day_in_focus_and_plans_look_ahead() {
    check(
        "Stocks closed at a record on Friday, up 2% from the previous Friday. The offer had \
         been due to expire Monday. The dividend will be paid Nov. 15, and the deal should \
         close by Dec. 1. Officials are set to meet Tuesday.",
        WED,
        expect![[r#"
            "Friday" DATE 2016-09-30
            "the previous Friday" DATE 2016-09-23
            "Monday" DATE 2016-10-03
            "Nov. 15" DATE 2016-11-15
            "Dec. 1" DATE 2016-12-01
            "Tuesday" DATE 2016-10-11"#]],
    );
}

#[test]
fn months_follow_the_tense_and_last_month_names_skip_a_year_when_close() {
    check(
        "Talks began in January, and a deal is expected in November. The treaty signed last \
         May took effect last September, and the bonus is payable in December.",
        WED,
        expect![[r#"
            "January" DATE 2016-01
            "November" DATE 2016-11
            "last May" DATE 2016-05
            "last September" DATE 2015-09
            "December" DATE 2016-12"#]],
    );
}

#[test]
fn spoken_years_long_durations_and_parts_of_days() {
    check(
        "For nearly forty years the border was shut; one strike lasted a minute and a half, in \
         the winter of nineteen ninety-four, and another began in January nineteen ninety-five. \
         The language will one day be taught here; mid-afternoon yesterday the bells rang.",
        WED,
        expect![[r#"
            "nearly forty years" DURATION P40Y APPROX
            "a minute and a half" DURATION PT1M30S
            "the winter of nineteen ninety-four" DATE 1994-WI
            "January nineteen ninety-five" DATE 1995-01
            "one day" DATE FUTURE_REF
            "mid-afternoon yesterday" TIME 2016-10-04TAF MID"#]],
    );
}
