//! The one-minute story: four parts, about 130–160 words, checked for length, balance,
//! vague phrases, filler words and a specific interest.

coded_enum!(
    /// The four parts of the story, in speaking order.
    Part {
        Who => ("who", "Who you are"),
        WhyEm => ("why_em", "Why emergency medicine"),
        Interest => ("interest", "What interests you in EM"),
        Hope => ("hope", "What you hope to learn or do here"),
    }
);

/// Limits, in characters (the modal enforces them too).
pub const PART_MAX_CHARS: usize = 1000;
pub const EVENT_MAX_CHARS: usize = 100;
/// The word target for about sixty seconds at 130–150 words a minute.
pub const TARGET_WORDS: (u32, u32) = (130, 160);
/// A part with fewer words than this is too thin to count as said.
pub const THIN_PART_WORDS: u32 = 8;

/// Why a story was refused; the text is what the member reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoryError {
    #[error("“{0}” is empty: write a sentence or two for it.")]
    EmptyPart(&'static str),
    #[error("“{0}” is too long: at most 1,000 characters per part.")]
    PartTooLong(&'static str),
    #[error("The event name is too long: at most 100 characters.")]
    EventTooLong,
}

/// A story as written: the four parts and, optionally, the event it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryText {
    pub who: String,
    pub why_em: String,
    pub interest: String,
    pub hope: String,
    pub event: Option<String>,
}

impl StoryText {
    pub fn parse(
        who: &str,
        why_em: &str,
        interest: &str,
        hope: &str,
        event: Option<&str>,
    ) -> Result<StoryText, StoryError> {
        let part = |p: Part, text: &str| -> Result<String, StoryError> {
            let text = text.trim();
            if text.is_empty() {
                Err(StoryError::EmptyPart(p.label()))
            } else if text.chars().count() > PART_MAX_CHARS {
                Err(StoryError::PartTooLong(p.label()))
            } else {
                Ok(text.to_owned())
            }
        };
        let event = event.map(str::trim).filter(|e| !e.is_empty());
        if event.is_some_and(|e| e.chars().count() > EVENT_MAX_CHARS) {
            return Err(StoryError::EventTooLong);
        }
        Ok(StoryText {
            who: part(Part::Who, who)?,
            why_em: part(Part::WhyEm, why_em)?,
            interest: part(Part::Interest, interest)?,
            hope: part(Part::Hope, hope)?,
            event: event.map(str::to_owned),
        })
    }

    pub fn part(&self, p: Part) -> &str {
        match p {
            Part::Who => &self.who,
            Part::WhyEm => &self.why_em,
            Part::Interest => &self.interest,
            Part::Hope => &self.hope,
        }
    }

    /// The story as it is said: the four parts in order.
    pub fn spoken(&self) -> String {
        Part::ALL
            .iter()
            .map(|p| self.part(*p))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Words as a listener hears them: tokens with at least one letter or digit.
pub fn count_words(text: &str) -> u32 {
    let n = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Under 130 words: add this many.
    Short {
        add: u32,
    },
    OnTime,
    /// Over 160 words: cut this many.
    Long {
        cut: u32,
    },
}

/// Something to fix, with the one line that says how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flag {
    /// A part too thin to count as said.
    ThinPart(Part),
    /// A cliché listeners have heard many times.
    Vague(&'static str),
    /// Filler words, and how many.
    Filler(u32),
    /// Part 3 names nothing specific.
    NoSpecificInterest,
}

impl Flag {
    pub fn fix(&self) -> String {
        match self {
            Flag::ThinPart(p) => format!(
                "“{}” is very short: give it one concrete sentence.",
                p.label()
            ),
            Flag::Vague(phrase) => format!(
                "“{phrase}” is what everyone says: replace it with one real moment that drew you to EM."
            ),
            Flag::Filler(n) => format!(
                "{n} filler words (really, just, basically, like…): cut them and the story gets stronger."
            ),
            Flag::NoSpecificInterest => {
                "Name one specific interest within EM (ultrasound, toxicology, EMS, education…) and why."
                    .to_owned()
            }
        }
    }
}

/// One part's size and share of the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartShare {
    pub part: Part,
    pub words: u32,
    /// Percent of all words, rounded.
    pub percent: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    pub words: u32,
    /// Speaking time in seconds at 130 and at 150 words a minute, rounded.
    pub seconds_at_130: u32,
    pub seconds_at_150: u32,
    pub verdict: Verdict,
    pub parts: Vec<PartShare>,
    /// The specific interest part 3 names, if any.
    pub specific_interest: Option<&'static str>,
    pub flags: Vec<Flag>,
}

/// Clichés, lowercase; each is flagged once.
const VAGUE: &[&str] = &[
    "always been passionate",
    "passionate about",
    "like helping people",
    "love helping people",
    "want to help people",
    "fast-paced",
    "fast paced",
    "adrenaline",
    "never a dull moment",
    "make a difference",
    "love the variety",
];

/// Filler words, lowercase.
const FILLER: &[&str] = &[
    "um",
    "uh",
    "basically",
    "actually",
    "really",
    "very",
    "just",
    "literally",
    "like",
];

/// Interests within EM, with the name shown when found.
const INTERESTS: &[(&str, &str)] = &[
    ("ultrasound", "ultrasound"),
    ("pocus", "ultrasound"),
    ("toxicology", "toxicology"),
    ("tox", "toxicology"),
    ("ems", "EMS"),
    ("prehospital", "EMS"),
    ("global", "global EM"),
    ("education", "education"),
    ("teaching", "education"),
    ("critical care", "critical care"),
    ("resuscitation", "critical care"),
    ("icu", "critical care"),
    ("advocacy", "advocacy"),
    ("policy", "advocacy"),
    ("simulation", "simulation"),
    ("administration", "administration"),
    ("operations", "administration"),
    ("pediatric", "pediatrics"),
    ("peds", "pediatrics"),
    ("research", "research"),
    ("wilderness", "wilderness medicine"),
    ("disaster", "disaster medicine"),
    ("sports medicine", "sports medicine"),
    ("addiction", "addiction medicine"),
    ("palliative", "palliative care"),
    ("informatics", "informatics"),
    ("quality improvement", "quality improvement"),
    ("trauma", "trauma"),
];

fn words_lower(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn specific_interest(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    let words = words_lower(text);
    INTERESTS.iter().find_map(|(key, name)| {
        let found = if key.contains(' ') {
            lower.contains(key)
        } else {
            // Whole words, or a word starting with the key ("pediatrics", "simulations").
            words
                .iter()
                .any(|w| w == key || (key.len() >= 5 && w.starts_with(key)))
        };
        found.then_some(*name)
    })
}

pub fn analyse(story: &StoryText) -> Analysis {
    let spoken = story.spoken();
    let words = count_words(&spoken);
    let seconds = |wpm: u32| (words * 60 + wpm / 2) / wpm;
    let (low, high) = TARGET_WORDS;
    let verdict = if words < low {
        Verdict::Short { add: low - words }
    } else if words > high {
        Verdict::Long { cut: words - high }
    } else {
        Verdict::OnTime
    };
    let parts: Vec<PartShare> = Part::ALL
        .iter()
        .map(|p| {
            let n = count_words(story.part(*p));
            PartShare {
                part: *p,
                words: n,
                percent: (n * 100 + words / 2).checked_div(words).unwrap_or(0),
            }
        })
        .collect();

    let mut flags: Vec<Flag> = parts
        .iter()
        .filter(|s| s.words < THIN_PART_WORDS)
        .map(|s| Flag::ThinPart(s.part))
        .collect();
    let lower = spoken.to_lowercase();
    flags.extend(
        VAGUE
            .iter()
            .filter(|v| lower.contains(*v))
            .map(|v| Flag::Vague(v)),
    );
    let filler = u32::try_from(
        words_lower(&spoken)
            .iter()
            .filter(|w| FILLER.contains(&w.as_str()))
            .count(),
    )
    .unwrap_or(u32::MAX);
    if filler >= 3 {
        flags.push(Flag::Filler(filler));
    }
    let interest = specific_interest(&story.interest);
    if interest.is_none() {
        flags.push(Flag::NoSpecificInterest);
    }
    Analysis {
        words,
        seconds_at_130: seconds(130),
        seconds_at_150: seconds(150),
        verdict,
        parts,
        specific_interest: interest,
        flags,
    }
}

/// A saved version of a member's story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    pub id: i64,
    pub version: u32,
    pub text: StoryText,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

coded_enum!(
    /// A peer's answer to one feedback question.
    Rating {
        Yes => ("yes", "Yes"),
        Somewhat => ("somewhat", "Somewhat"),
        No => ("no", "No"),
    }
);

impl Rating {
    /// Reads "yes", "Somewhat", "n"… as typed in the feedback form.
    pub fn parse(text: &str) -> Option<Rating> {
        match text.trim().to_lowercase().as_str() {
            "yes" | "y" => Some(Rating::Yes),
            "somewhat" | "some" | "s" | "partly" => Some(Rating::Somewhat),
            "no" | "n" => Some(Rating::No),
            _ => None,
        }
    }
}

/// One peer's structured feedback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub clear: Rating,
    pub specific: Rating,
    pub on_time: Rating,
    pub suggestion: Option<String>,
}

pub const SUGGESTION_MAX_CHARS: usize = 300;

/// All feedback on a version, without who gave it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackSummary {
    pub count: u32,
    /// (yes, somewhat, no) for each question.
    pub clear: (u32, u32, u32),
    pub specific: (u32, u32, u32),
    pub on_time: (u32, u32, u32),
    /// Suggestions in no particular order (shuffled by the store's ordering, never by rater).
    pub suggestions: Vec<String>,
}

impl FeedbackSummary {
    pub fn from_feedback(items: &[Feedback]) -> FeedbackSummary {
        let tally = |pick: fn(&Feedback) -> Rating| {
            items.iter().fold((0, 0, 0), |(y, s, n), f| match pick(f) {
                Rating::Yes => (y + 1, s, n),
                Rating::Somewhat => (y, s + 1, n),
                Rating::No => (y, s, n + 1),
            })
        };
        let mut suggestions: Vec<String> =
            items.iter().filter_map(|f| f.suggestion.clone()).collect();
        // Sorted, so the order never hints at who wrote what.
        suggestions.sort();
        FeedbackSummary {
            count: u32::try_from(items.len()).unwrap_or(u32::MAX),
            clear: tally(|f| f.clear),
            specific: tally(|f| f.specific),
            on_time: tally(|f| f.on_time),
            suggestions,
        }
    }
}

/// When the practice timer changes colour, in seconds from the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerSignals {
    /// You can wrap up.
    pub green: u32,
    pub yellow: u32,
    /// Time.
    pub red: u32,
}

/// "0:37"
pub fn clock_text(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{}:{:02}", s / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(who: &str, why: &str, interest: &str, hope: &str) -> StoryText {
        StoryText::parse(who, why, interest, hope, None).unwrap()
    }

    /// A part of exactly `n` neutral words.
    fn words(n: usize) -> String {
        vec!["patients"; n].join(" ")
    }

    // A corpus of stories written for these tests, with the verdicts they must get.

    const WHO: &str = "I am Maya, a third-year medical student at State University, finishing my core clerkships this spring.";
    const WHY: &str = "During my first ED shift I watched a team run a pediatric code in silence and calm, and I knew this was where I wanted to train.";
    const INTEREST: &str = "Within emergency medicine I am drawn to point-of-care ultrasound, because it turns uncertainty at the bedside into a decision in minutes.";
    const HOPE: &str = "Today I hope to meet residents from programs with strong ultrasound fellowships and ask how they found research mentors early.";

    #[test]
    fn a_balanced_specific_story_is_short_of_target_but_clean() {
        let a = analyse(&story(WHO, WHY, INTEREST, HOPE));
        // 16 + 27 + 21 + 20 words.
        assert_eq!(a.words, 84);
        assert_eq!(a.verdict, Verdict::Short { add: 46 });
        assert_eq!(a.specific_interest, Some("ultrasound"));
        assert!(a.flags.is_empty(), "{:?}", a.flags);
        assert_eq!(a.seconds_at_130, 39);
        assert_eq!(a.seconds_at_150, 34);
    }

    #[test]
    fn exactly_on_time_at_both_ends_of_the_target() {
        let a = analyse(&story(
            &words(30),
            &words(30),
            &format!("ultrasound {}", words(39)),
            &words(30),
        ));
        assert_eq!(a.words, 130);
        assert_eq!(a.verdict, Verdict::OnTime);
        assert_eq!(a.seconds_at_130, 60);
        let a = analyse(&story(
            &words(40),
            &words(40),
            &format!("toxicology {}", words(39)),
            &words(40),
        ));
        assert_eq!(a.words, 160);
        assert_eq!(a.verdict, Verdict::OnTime);
        assert_eq!(a.seconds_at_150, 64);
    }

    #[test]
    fn long_stories_say_how_many_words_to_cut() {
        let a = analyse(&story(
            &words(60),
            &words(60),
            &format!("EMS {}", words(59)),
            &words(60),
        ));
        assert_eq!(a.words, 240);
        assert_eq!(a.verdict, Verdict::Long { cut: 80 });
        assert_eq!(a.seconds_at_130, 111);
        assert_eq!(a.parts[0].percent, 25);
    }

    #[test]
    fn very_short_stories_flag_thin_parts() {
        let a = analyse(&story(
            "I'm Sam.",
            "I like it.",
            "Ultrasound.",
            "Meeting people.",
        ));
        assert_eq!(a.words, 8);
        assert_eq!(a.verdict, Verdict::Short { add: 122 });
        assert_eq!(
            a.flags,
            vec![
                Flag::ThinPart(Part::Who),
                Flag::ThinPart(Part::WhyEm),
                Flag::ThinPart(Part::Interest),
                Flag::ThinPart(Part::Hope)
            ]
        );
    }

    #[test]
    fn cliches_are_flagged_with_a_fix() {
        let why = "I have always been passionate about medicine and I like helping people in a fast-paced setting every single day of the week.";
        let a = analyse(&story(WHO, why, INTEREST, HOPE));
        assert_eq!(
            a.flags,
            vec![
                Flag::Vague("always been passionate"),
                Flag::Vague("passionate about"),
                Flag::Vague("like helping people"),
                Flag::Vague("fast-paced"),
            ]
        );
        assert!(a.flags[0].fix().contains("one real moment"));
    }

    #[test]
    fn filler_words_are_counted_and_flagged_from_three() {
        let why = "Um, I really just basically knew on my first shift that the ED was where I wanted to be, honestly, for sure.";
        let a = analyse(&story(WHO, why, INTEREST, HOPE));
        assert_eq!(a.flags, vec![Flag::Filler(4)]);
        let two = "I really just knew on my first shift that the emergency department was where I wanted to spend my career.";
        assert!(analyse(&story(WHO, two, INTEREST, HOPE)).flags.is_empty());
    }

    #[test]
    fn an_interest_without_anything_specific_is_flagged() {
        let vague = "I am interested in many things within emergency medicine and I keep an open mind about what comes next.";
        let a = analyse(&story(WHO, WHY, vague, HOPE));
        assert_eq!(a.specific_interest, None);
        assert_eq!(a.flags, vec![Flag::NoSpecificInterest]);
        assert!(Flag::NoSpecificInterest.fix().contains("ultrasound"));
    }

    #[test]
    fn specific_interests_are_recognised_in_many_forms() {
        let cases = [
            (
                "I love pediatrics and the peds ED at night shifts always.",
                "pediatrics",
            ),
            (
                "Prehospital care and EMS systems fascinate me most of all.",
                "EMS",
            ),
            (
                "I want to build simulations for residents and students here.",
                "simulation",
            ),
            (
                "Global health work in resource-limited emergency settings matters.",
                "global EM",
            ),
            (
                "Critical care in the ED, especially resuscitation of septic patients.",
                "critical care",
            ),
            (
                "Medical education: teaching students to present at the bedside.",
                "education",
            ),
        ];
        for (interest, expected) in cases {
            let a = analyse(&story(WHO, WHY, interest, HOPE));
            assert_eq!(a.specific_interest, Some(expected), "{interest}");
        }
        // "tox" as a prefix of another word does not count; the whole word does.
        assert_eq!(specific_interest("toxic work culture"), None);
        assert_eq!(
            specific_interest("clinical tox rotations"),
            Some("toxicology")
        );
    }

    #[test]
    fn parts_share_the_words() {
        let a = analyse(&story(
            &words(10),
            &words(20),
            &format!("research {}", words(29)),
            &words(40),
        ));
        let shares: Vec<u32> = a.parts.iter().map(|p| p.percent).collect();
        assert_eq!(a.words, 100);
        assert_eq!(shares, vec![10, 20, 30, 40]);
    }

    #[test]
    fn a_story_with_every_problem_gets_every_flag() {
        let a = analyse(&story(
            "Hi, um, I'm Jo.",
            "I've always been passionate about EM and I want to help people, it's very fast paced and I really like the adrenaline.",
            "Lots of things honestly.",
            "Just to network.",
        ));
        // 4 + 22 + 4 + 3 words.
        assert_eq!(a.verdict, Verdict::Short { add: 97 });
        assert!(a.flags.contains(&Flag::ThinPart(Part::Who)));
        assert!(a.flags.contains(&Flag::Vague("want to help people")));
        assert!(a.flags.contains(&Flag::Vague("fast paced")));
        assert!(a.flags.contains(&Flag::Vague("adrenaline")));
        // um, very, really, like, just.
        assert!(a.flags.contains(&Flag::Filler(5)), "{:?}", a.flags);
        assert!(a.flags.contains(&Flag::NoSpecificInterest));
    }

    #[test]
    fn empty_or_oversized_parts_and_events_are_refused() {
        assert_eq!(
            StoryText::parse(" ", "a", "b", "c", None),
            Err(StoryError::EmptyPart("Who you are"))
        );
        assert_eq!(
            StoryText::parse("a", "b", &"x".repeat(1001), "c", None),
            Err(StoryError::PartTooLong("What interests you in EM"))
        );
        assert_eq!(
            StoryText::parse("a", "b", "c", "d", Some(&"e".repeat(101))),
            Err(StoryError::EventTooLong)
        );
        let s = StoryText::parse(" a ", "b", "c", "d", Some("  ")).unwrap();
        assert_eq!((s.who.as_str(), s.event), ("a", None));
    }

    #[test]
    fn feedback_is_tallied_without_raters_and_ratings_parse_loosely() {
        let f = |c, s, o, text: Option<&str>| Feedback {
            clear: c,
            specific: s,
            on_time: o,
            suggestion: text.map(str::to_owned),
        };
        let summary = FeedbackSummary::from_feedback(&[
            f(Rating::Yes, Rating::No, Rating::Somewhat, Some("Slow down")),
            f(
                Rating::Yes,
                Rating::Somewhat,
                Rating::Somewhat,
                Some("Add a patient moment"),
            ),
            f(Rating::No, Rating::No, Rating::Yes, None),
        ]);
        assert_eq!(summary.count, 3);
        assert_eq!(summary.clear, (2, 0, 1));
        assert_eq!(summary.specific, (0, 1, 2));
        assert_eq!(summary.on_time, (1, 2, 0));
        assert_eq!(
            summary.suggestions,
            vec!["Add a patient moment", "Slow down"]
        );
        assert_eq!(Rating::parse(" Somewhat "), Some(Rating::Somewhat));
        assert_eq!(Rating::parse("Y"), Some(Rating::Yes));
        assert_eq!(Rating::parse("maybe"), None);
    }

    #[test]
    fn timer_clock_text() {
        assert_eq!(clock_text(37), "0:37");
        assert_eq!(clock_text(60), "1:00");
        assert_eq!(clock_text(-3), "0:00");
    }

    #[test]
    fn word_counting_ignores_punctuation_only_tokens() {
        assert_eq!(count_words("Hello — world, it's 2026 !"), 4);
        assert_eq!(count_words(""), 0);
    }
}
