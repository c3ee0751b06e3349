//! A chapter's figures for its officers: aggregates only, each over at least 5 members, so no
//! figure can point at one person.

/// Fewer members than this and a figure is not shown.
pub const MIN_MEMBERS: u32 = 5;

/// A count, shown only when at least [`MIN_MEMBERS`] members are behind it.
pub fn count(value: u32, members: u32) -> String {
    if members < MIN_MEMBERS {
        "fewer than 5 members".to_owned()
    } else {
        format!("{value} (by {members} members)")
    }
}

/// A share as a percentage rounded to 5 points, shown only over at least [`MIN_MEMBERS`]
/// members and a non-zero whole.
pub fn percent(part: u32, whole: u32, members: u32) -> String {
    if members < MIN_MEMBERS || whole == 0 {
        return "fewer than 5 members".to_owned();
    }
    let exact = f64::from(part) * 100.0 / f64::from(whole);
    let rounded = ((exact / 5.0).round() * 5.0) as u32;
    format!("{rounded}% (over {members} members)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_hide_under_five_members_and_round_to_five_points() {
        assert_eq!(count(12, 4), "fewer than 5 members");
        assert_eq!(count(12, 5), "12 (by 5 members)");
        assert_eq!(percent(2, 3, 4), "fewer than 5 members");
        assert_eq!(percent(2, 3, 5), "65% (over 5 members)");
        assert_eq!(percent(7, 9, 6), "80% (over 6 members)");
        assert_eq!(percent(0, 0, 9), "fewer than 5 members");
        assert_eq!(percent(1, 1, 5), "100% (over 5 members)");
    }
}
