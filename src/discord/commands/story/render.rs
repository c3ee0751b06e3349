//! How a story reads: its text (in full, or within a post's room) and its analysis.

use crate::discord::reply;
use crate::domain::story::{analyse, Part, Story, Verdict};
use crate::domain::text;

/// The analysis as a member reads it.
pub fn analysis_text(story: &Story) -> String {
    let a = analyse(&story.text);
    let verdict = match a.verdict {
        Verdict::OnTime => "on time (130–160 words)".to_owned(),
        Verdict::Short { add } => format!("short: add about {add} words"),
        Verdict::Long { cut } => format!("long: cut about {cut} words"),
    };
    let shares: Vec<String> = a
        .parts
        .iter()
        .map(|p| format!("{} {}% ({} words)", p.part.label(), p.percent, p.words))
        .collect();
    let mut text = format!(
        "**Your story, version {}** — {} words, about {} s at 130 words a minute, {} s at 150\nVerdict: {verdict}\nParts: {}",
        story.version,
        a.words,
        a.seconds_at_130,
        a.seconds_at_150,
        shares.join(" · ")
    );
    if let Some(interest) = a.specific_interest {
        text.push_str(&format!("\nSpecific interest: {interest} ✓"));
    }
    if a.flags.is_empty() {
        text.push_str("\nNothing to fix: practise it aloud with a peer.");
    } else {
        text.push_str("\n**To improve**");
        for flag in &a.flags {
            text.push_str(&format!("\n• {}", flag.fix()));
        }
    }
    text
}

/// The story's text in full.
pub(super) fn story_body(story: &Story) -> String {
    story_body_within(story, usize::MAX)
}

/// The story's text in at most `budget` units (a shared post is one message): a part that
/// fits its share keeps everything, and the longest parts are cut first, each with "…".
pub(super) fn story_body_within(story: &Story, budget: usize) -> String {
    let event = story
        .text
        .event
        .as_deref()
        .map(|e| format!("*For {}*\n", reply::escape(e)))
        .unwrap_or_default();
    let heads: Vec<String> = Part::ALL
        .iter()
        .map(|p| format!("**{}** — ", p.label()))
        .collect();
    let bodies: Vec<String> = Part::ALL
        .iter()
        .map(|p| reply::escape(story.text.part(*p)))
        .collect();
    let fixed =
        text::utf16_len(&event) + heads.iter().map(|h| text::utf16_len(h) + 1).sum::<usize>();
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    let shown = text::share(&bodies, budget.saturating_sub(fixed));
    let mut out = event;
    for (head, body) in heads.iter().zip(shown) {
        out.push_str(&format!("{head}{body}\n"));
    }
    out
}
