//! Fitting text that grows with what members type into fixed limits. Lengths are counted in
//! UTF-16 code units (the stricter count: an emoji counts twice, so whatever fits here fits
//! however the limit is counted); text is cut only between graphemes (never inside an emoji or
//! an accented letter), and a cut always shows a trailing "…".

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;

/// Marks where text was cut.
pub const ELLIPSIS: &str = "…";

/// Typed text as one line: runs of whitespace (newlines included) become one space, and the
/// ends are trimmed. For names and titles shown inline.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The length limits count: UTF-16 code units.
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `text` when it fits in `max`; otherwise its longest start that fits together with "…".
pub fn cut(text: &str, max: usize) -> Cow<'_, str> {
    if utf16_len(text) <= max {
        return Cow::Borrowed(text);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let kept = trim_escape(longest_start(text, max - utf16_len(ELLIPSIS))).trim_end();
    Cow::Owned(format!("{kept}{ELLIPSIS}"))
}

/// The longest start of `text` made of whole graphemes and at most `budget` units long.
fn longest_start(text: &str, budget: usize) -> &str {
    let mut used = 0;
    let mut end = 0;
    for (at, grapheme) in text.grapheme_indices(true) {
        let n = utf16_len(grapheme);
        if used + n > budget {
            break;
        }
        used += n;
        end = at + grapheme.len();
    }
    &text[..end]
}

/// The longest start of `text` made of whole characters (at least one) and at most `budget`
/// units long: for a grapheme wider than a whole page.
fn longest_chars(text: &str, budget: usize) -> &str {
    let mut used = 0;
    let mut end = 0;
    for (at, c) in text.char_indices() {
        let n = c.len_utf16();
        if used + n > budget && end > 0 {
            break;
        }
        used += n;
        end = at + c.len_utf8();
    }
    &text[..end]
}

/// Drops a lone markdown escape left at the end by a cut: "\" would escape what follows.
fn trim_escape(text: &str) -> &str {
    let backslashes = text.len() - text.trim_end_matches('\\').len();
    if backslashes % 2 == 1 {
        &text[..text.len() - 1]
    } else {
        text
    }
}

/// Splits `text` into pieces of at most `max` units each, at line ends where it can and
/// between graphemes inside a line longer than `max`. Nothing is lost: the pieces joined
/// with line ends give the text back (less blank pieces, which are dropped).
pub fn split_pages(text: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut pages: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for line in text.split('\n') {
        let mut rest = line;
        loop {
            let rest_len = utf16_len(rest);
            let joined = current_len + usize::from(!current.is_empty()) + rest_len;
            if joined <= max {
                if !current.is_empty() {
                    current.push('\n');
                }
                current.push_str(rest);
                current_len = joined;
                break;
            }
            if !current.is_empty() {
                pages.push(std::mem::take(&mut current));
                current_len = 0;
                continue;
            }
            // A single line longer than a page: split it between graphemes; a lone grapheme
            // wider than a page (a letter under thousands of accents) between its characters.
            let mut head = trim_escape(longest_start(rest, max));
            if head.is_empty() {
                head = longest_start(rest, max);
            }
            if head.is_empty() {
                head = longest_chars(rest, max);
            }
            pages.push(head.to_owned());
            rest = &rest[head.len()..];
        }
    }
    pages.push(current);
    pages.retain(|p| !p.trim().is_empty());
    pages
}

/// Cuts several texts that share one `budget` as evenly as possible: those that fit in an
/// equal share keep everything, and what they leave over goes to the longer ones.
pub fn share<'a>(texts: &[&'a str], budget: usize) -> Vec<Cow<'a, str>> {
    let lengths: Vec<usize> = texts.iter().map(|t| utf16_len(t)).collect();
    if lengths.iter().sum::<usize>() <= budget {
        return texts.iter().map(|t| Cow::Borrowed(*t)).collect();
    }
    // The largest cap such that the capped lengths fit the budget.
    let mut sorted = lengths.clone();
    sorted.sort_unstable();
    let mut left = budget;
    let mut cap = 0;
    for (i, len) in sorted.iter().enumerate() {
        let remaining = sorted.len() - i;
        let even = left / remaining;
        if *len > even {
            cap = even;
            break;
        }
        left -= len;
    }
    texts.iter().map(|t| cut(t, cap)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_fits_is_unchanged() {
        assert_eq!(cut("Ana López", 9), "Ana López");
        assert!(matches!(cut("abc", 3), Cow::Borrowed(_)));
    }

    #[test]
    fn emoji_count_twice_and_are_never_split() {
        let text = "😀😀😀";
        assert_eq!(utf16_len(text), 6);
        // 5 units: two emoji (4) and the ellipsis (1).
        assert_eq!(cut(text, 5), "😀😀…");
        assert_eq!(cut(text, 4), "😀…");
        // A family emoji is one grapheme of several code points: kept whole or dropped.
        let family = "👨‍👩‍👧 and more";
        let shown = cut(family, 6);
        assert_eq!(shown, "…", "{shown}");
        assert_eq!(cut(family, 10), "👨‍👩‍👧…");
    }

    #[test]
    fn accented_letters_keep_their_accents() {
        // "é" as e + combining acute accent: one grapheme, two code points.
        let decomposed = "Jose\u{301} Pe\u{301}rez";
        let shown = cut(decomposed, 6);
        assert_eq!(shown, "Jose\u{301}…");
        assert!(utf16_len(&shown) <= 6);
    }

    #[test]
    fn a_cut_never_leaves_half_an_escape() {
        assert_eq!(cut(r"ab\*cd", 4), "ab…");
        assert_eq!(cut(r"a\\bcd", 4), r"a\\…");
    }

    #[test]
    fn cuts_fit_their_limit_exactly() {
        for max in 1..40 {
            let text = "Dr. Zoë 😀 Ñúñez — résidence d’urgence 👩🏽‍⚕️ **bold** ".repeat(3);
            let shown = cut(&text, max);
            assert!(utf16_len(&shown) <= max, "{max}: {shown}");
            assert!(shown.ends_with(ELLIPSIS));
        }
    }

    #[test]
    fn pages_split_at_line_ends_and_lose_nothing() {
        let line = "x".repeat(900);
        let text = [line.as_str(); 5].join("\n");
        let pages = split_pages(&text, 2000);
        assert_eq!(pages.len(), 3);
        assert!(pages.iter().all(|p| utf16_len(p) <= 2000));
        assert_eq!(pages.join("\n"), text);
    }

    #[test]
    fn a_line_longer_than_a_page_is_split_between_graphemes() {
        let text = format!("head\n{}", "é😀".repeat(700));
        let pages = split_pages(&text, 2000);
        assert!(pages.iter().all(|p| utf16_len(p) <= 2000), "{pages:?}");
        assert_eq!(pages.concat().replace('\n', ""), text.replace('\n', ""));
        assert!(pages.iter().all(|p| !p.starts_with('\u{301}')));
    }

    #[test]
    fn a_grapheme_wider_than_a_page_is_split_instead_of_looping() {
        // "e" under 2,500 combining accents: one grapheme, 2,501 units.
        let zalgo = format!("e{}", "\u{301}".repeat(2500));
        let pages = split_pages(&zalgo, 2000);
        assert!(pages.len() >= 2);
        assert!(pages.iter().all(|p| utf16_len(p) <= 2000));
        assert_eq!(pages.concat(), zalgo);
        assert_eq!(cut(&zalgo, 10), "…");
    }

    #[test]
    fn sharing_a_budget_cuts_only_the_long_texts() {
        let short = "a".repeat(100);
        let long = "b".repeat(1000);
        let longer = "c".repeat(2000);
        let shown = share(&[&short, &long, &longer], 1000);
        assert_eq!(shown[0], short);
        assert!(utf16_len(&shown[1]) <= 450 && shown[1].ends_with(ELLIPSIS));
        let total: usize = shown.iter().map(|s| utf16_len(s)).sum();
        assert!(total <= 1000, "{total}");
        assert!(total > 950, "the budget is used: {total}");
        let fits = share(&[&short, &short], 1000);
        assert_eq!(fits[1], short);
    }
}
