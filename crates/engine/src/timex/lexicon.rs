//! The words of English temporal expressions: numbers, units, weekdays,
//! months, seasons, parts of the day and modifiers, as regular-expression
//! fragments (for the rules) and as lookups (for normalization).
//!
//! Month names come from [`crate::dates::month_number`], so the tagger and
//! the absolute-date parser agree on what a month is.

/// Cardinal number words up to twenty, and the tens.
const SMALL: [&str; 21] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];
const TENS: [&str; 8] =
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// A number written in digits or words ("12", "twelve", "twenty-four",
/// "twenty four", "a", "an", "a couple of"). Vague quantities ("several",
/// "a few", "some", "many") are `None`: TimeML writes them as `X`.
pub fn number(word: &str) -> Option<Option<f64>> {
    let w = word.trim().to_lowercase().replace(['-', ','], " ");
    let w = w.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Ok(n) = w.parse::<f64>() {
        return Some(Some(n));
    }
    if let Some((whole, "1/2")) = w.split_once(' ') {
        return whole.parse::<f64>().ok().map(|n| Some(n + 0.5));
    }
    match w.as_str() {
        "a" | "an" | "one" | "a single" | "single" => return Some(Some(1.0)),
        "a couple of" | "a couple" | "couple of" => return Some(Some(2.0)),
        "a dozen" | "dozen" => return Some(Some(12.0)),
        "a hundred" | "one hundred" => return Some(Some(100.0)),
        "a thousand" | "one thousand" => return Some(Some(1000.0)),
        "half a" | "a half" => return Some(Some(0.5)),
        "several" | "a few" | "few" | "some" | "many" | "the" | "a number of" => return Some(None),
        _ => {}
    }
    if let Some(i) = SMALL.iter().position(|s| *s == w) {
        return Some(Some(i as f64));
    }
    let mut parts = w.split(' ');
    let tens = parts.next()?;
    let t = TENS.iter().position(|s| *s == tens)? as f64 * 10.0 + 20.0;
    // "forty" alone, or "forty-two".
    let Some(unit) = parts.next() else { return Some(Some(t)) };
    let u = SMALL[1..10].iter().position(|s| *s == unit)? as f64 + 1.0;
    if parts.next().is_some() {
        return None;
    }
    Some(Some(t + u))
}

/// The regex fragment of a [`number`] (no capture group).
pub fn number_pattern() -> String {
    let units = SMALL[1..10].join("|");
    let small = SMALL[1..].iter().rev().copied().collect::<Vec<_>>().join("|");
    let tens = TENS.join("|");
    format!(
        r"(?:\d+(?:\.\d+)?(?:\s+1/2)?|(?:{tens})(?:[- ](?:{units}))?|{small}|(?:a|one)\s+(?:hundred|thousand)|an?|a\s+couple\s+of|couple\s+of|a\s+dozen|several|a\s+few|few|some|many|a\s+number\s+of)"
    )
}

/// The TimeML letter of a unit of time, and whether it is a clock unit
/// (written after `T` in a duration).
pub fn unit(word: &str) -> Option<(&'static str, bool)> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches("'s");
    Some(match w {
        "second" | "seconds" | "sec" | "secs" => ("S", true),
        "minute" | "minutes" | "min" | "mins" => ("M", true),
        "hour" | "hours" | "hr" | "hrs" => ("H", true),
        "day" | "days" | "trading day" | "trading days" | "business day" | "business days" => {
            ("D", false)
        }
        "night" | "nights" => ("D", false),
        "week" | "weeks" => ("W", false),
        "weekend" | "weekends" => ("WE", false),
        "fortnight" | "fortnights" => ("FN", false),
        "month" | "months" => ("M", false),
        "quarter" | "quarters" => ("Q", false),
        "year" | "years" | "yr" | "yrs" => ("Y", false),
        "decade" | "decades" => ("DE", false),
        "century" | "centuries" => ("CE", false),
        "millennium" | "millennia" | "millenniums" => ("ML", false),
        _ => return None,
    })
}

/// The regex fragment of a unit, singular or plural (no capture group).
pub const UNIT: &str = r"(?:seconds?|minutes?|hours?|(?:trading\s+|business\s+)?days?|nights?|weeks?|weekends?|fortnights?|months?|quarters?|years?|decades?|centur(?:y|ies)|millenni(?:um|a|ums))";

/// Weekday names, Monday first; index 0 is Monday.
pub const WEEKDAYS: [&str; 7] =
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// The regex fragment of a weekday (capitalized, optional abbreviation).
pub const WEEKDAY: &str = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon\.|Tue\.|Tues\.|Wed\.|Thu\.|Thurs\.|Fri\.|Sat\.|Sun\.|MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY)";

/// The weekday number (Monday = 0) of a name or abbreviation.
pub fn weekday(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    WEEKDAYS.iter().position(|d| d.starts_with(w) && w.len() >= 3).map(|i| i as u32)
}

/// Month names before a day number or a year: full or abbreviated,
/// capitalized ("Oct.", "Sept.", "October", "OCT.").
pub const MONTH: &str = r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|JAN\.|FEB\.|AUG\.|SEPT\.|OCT\.|NOV\.|DEC\.)";

/// Month names that can stand alone: full names only, and not "May",
/// which alone is usually the verb ("in May" is handled by the rules).
pub const MONTH_ALONE: &str = r"(?-i:January|February|March|April|June|July|August|September|October|November|December|Sept\.)";

/// The month number of an English name or abbreviation.
pub fn month(word: &str) -> Option<u32> {
    crate::dates::month_number(word)
}

/// Seasons: the TimeML code of a season word.
pub fn season(word: &str) -> Option<&'static str> {
    Some(match word.to_lowercase().as_str() {
        "spring" => "SP",
        "summer" => "SU",
        "fall" | "autumn" => "FA",
        "winter" => "WI",
        _ => return None,
    })
}

/// The regex fragment of a season.
pub const SEASON: &str = r"(?:spring|summer|fall|autumn|winter)";

/// Parts of the day: the TimeML code of "morning", "night", ...
pub fn part_of_day(word: &str) -> Option<&'static str> {
    Some(match word.to_lowercase().as_str() {
        "morning" => "MO",
        "afternoon" => "AF",
        "evening" => "EV",
        "night" | "overnight" => "NI",
        "midday" | "noon" => "MI",
        _ => return None,
    })
}

/// The regex fragment of a part of the day.
pub const PART_OF_DAY: &str = r"(?:morning|afternoon|evening|night)";

/// Ordinals "first" .. "fourth" (for quarters and halves), in words or
/// digits.
pub fn ordinal(word: &str) -> Option<u32> {
    Some(match word.to_lowercase().as_str() {
        "first" | "1st" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" | "4th" => 4,
        _ => return None,
    })
}

/// The regex fragment of an ordinal up to fourth.
pub const ORDINAL: &str = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)";

/// A TimeML `mod` from a modifier word before or after an expression.
pub fn modifier(words: &str) -> Option<&'static str> {
    let w = words.to_lowercase();
    let w = w.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match w.as_str() {
        "about" | "around" | "approximately" | "roughly" | "some" | "nearly" | "almost"
        | "close to" => "APPROX",
        "more than" | "over" | "upwards of" => "MORE_THAN",
        "less than" | "under" | "fewer than" => "LESS_THAN",
        "at least" | "no less than" => "EQUAL_OR_MORE",
        "at most" | "up to" | "no more than" => "EQUAL_OR_LESS",
        "early" | "earlier" | "early in" | "the beginning of" | "the start of" | "the start"
        | "start of" => "START",
        "late" | "later" | "late in" | "the end of" | "end of" => "END",
        "mid" | "mid-" | "mid in" | "the middle of" | "middle of" => "MID",
        _ => return None,
    })
}

/// The regex fragment of a modifier before a duration or a point.
///
/// TimeBank leaves "about", "almost" and "over" outside the span more often
/// than not ("about [two weeks]", "over [the past 20 years]"), so they are
/// not part of it here either.
pub const APPROX: &str = r"(?:around|approximately|roughly|nearly|close\s+to|more\s+than|upwards\s+of|less\s+than|fewer\s+than|at\s+least|no\s+less\s+than|at\s+most|up\s+to|no\s+more\s+than)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_words_and_digits() {
        let got: Vec<_> = [
            "12",
            "twelve",
            "twenty-four",
            "twenty four",
            "an",
            "several",
            "2 1/2",
            "ninety-nine",
            "sixty",
        ]
        .iter()
        .map(|w| number(w))
        .collect();
        assert_eq!(
            got,
            vec![
                Some(Some(12.0)),
                Some(Some(12.0)),
                Some(Some(24.0)),
                Some(Some(24.0)),
                Some(Some(1.0)),
                Some(None),
                Some(Some(2.5)),
                Some(Some(99.0)),
                Some(Some(60.0))
            ]
        );
        assert_eq!(number("banana"), None);
    }

    #[test]
    fn weekdays_and_units() {
        assert_eq!(weekday("Tues."), Some(1));
        assert_eq!(weekday("sunday"), Some(6));
        assert_eq!(weekday("su"), None);
        assert_eq!(unit("Hours"), Some(("H", true)));
        assert_eq!(unit("centuries"), Some(("CE", false)));
    }
}
