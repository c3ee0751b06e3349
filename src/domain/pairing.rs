//! Practice-round pairing: groups of two (one of three when the count is odd) with the fewest
//! pairs that already practised together in earlier rounds.

use std::collections::HashMap;

/// How often each two members (smaller id first) practised together before.
pub type History = HashMap<(u64, u64), u32>;

/// Up to this many members, every grouping is tried: the result has the fewest repeats
/// possible. Beyond it, many shuffled greedy groupings are tried.
const EXHAUSTIVE_UP_TO: usize = 12;
const GREEDY_TRIES: usize = 400;

fn key(a: u64, b: u64) -> (u64, u64) {
    (a.min(b), a.max(b))
}

/// The repeats inside one group: each two of its members who practised together before, as
/// often as they did.
pub fn group_cost(group: &[u64], history: &History) -> u32 {
    let mut cost = 0;
    for (i, a) in group.iter().enumerate() {
        for b in &group[i + 1..] {
            cost += history.get(&key(*a, *b)).copied().unwrap_or(0);
        }
    }
    cost
}

/// The repeats of a whole round.
pub fn round_cost(groups: &[Vec<u64>], history: &History) -> u32 {
    groups.iter().map(|g| group_cost(g, history)).sum()
}

/// The next round's groups for `members` (two each; one three when the count is odd), with
/// the fewest repeats of `history`; ties are broken by `rng`, so rounds vary.
pub fn pair_round(members: &[u64], history: &History, rng: &mut fastrand::Rng) -> Vec<Vec<u64>> {
    let mut people: Vec<u64> = members.to_vec();
    people.sort_unstable();
    people.dedup();
    rng.shuffle(&mut people);
    match people.len() {
        0 | 1 => return Vec::new(),
        2 | 3 => return vec![people],
        _ => {}
    }
    if people.len() <= EXHAUSTIVE_UP_TO {
        let mut best: Option<(u32, Vec<Vec<u64>>)> = None;
        let mut current = Vec::new();
        search(
            &people,
            history,
            people.len() % 2 == 1,
            &mut current,
            0,
            &mut best,
        );
        return best.map(|(_, groups)| groups).unwrap_or_default();
    }
    let mut best: Option<(u32, Vec<Vec<u64>>)> = None;
    for _ in 0..GREEDY_TRIES {
        rng.shuffle(&mut people);
        let groups = greedy(&people, history);
        let cost = round_cost(&groups, history);
        if best.as_ref().is_none_or(|(c, _)| cost < *c) {
            best = Some((cost, groups));
        }
    }
    best.map(|(_, groups)| groups).unwrap_or_default()
}

/// Every grouping of `left`, keeping the cheapest (pruned once it cannot win).
fn search(
    left: &[u64],
    history: &History,
    trio_due: bool,
    current: &mut Vec<Vec<u64>>,
    cost: u32,
    best: &mut Option<(u32, Vec<Vec<u64>>)>,
) {
    if best.as_ref().is_some_and(|(c, _)| cost >= *c) {
        return;
    }
    if left.is_empty() {
        *best = Some((cost, current.clone()));
        return;
    }
    let first = left[0];
    let rest = &left[1..];
    // A trio, when one is due and the rest can still be paired.
    if trio_due && rest.len() >= 2 && (rest.len() - 2).is_multiple_of(2) {
        for i in 0..rest.len() {
            for j in i + 1..rest.len() {
                let group = vec![first, rest[i], rest[j]];
                let c = group_cost(&group, history);
                let remaining: Vec<u64> = rest
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != i && *k != j)
                    .map(|(_, m)| *m)
                    .collect();
                current.push(group);
                search(&remaining, history, false, current, cost + c, best);
                current.pop();
            }
        }
    }
    // A pair, when what is left can still be grouped.
    if rest.len() % 2 == 1 || trio_due {
        for i in 0..rest.len() {
            let remaining: Vec<u64> = rest
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != i)
                .map(|(_, m)| *m)
                .collect();
            if remaining.is_empty() && trio_due {
                continue;
            }
            let group = vec![first, rest[i]];
            let c = group_cost(&group, history);
            current.push(group);
            search(&remaining, history, trio_due, current, cost + c, best);
            current.pop();
        }
    }
}

/// Pairs each member in turn with the unpaired one they repeated least with; the last three
/// form the trio when the count is odd.
fn greedy(people: &[u64], history: &History) -> Vec<Vec<u64>> {
    let mut left: Vec<u64> = people.to_vec();
    let mut groups = Vec::new();
    while left.len() > 3 || (left.len() == 2) {
        let a = left.remove(0);
        let (at, _) = left
            .iter()
            .enumerate()
            .min_by_key(|(_, b)| history.get(&key(a, **b)).copied().unwrap_or(0))
            .unwrap_or((0, &0));
        let b = left.remove(at);
        groups.push(vec![a, b]);
    }
    if left.len() == 3 {
        groups.push(left);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way to split `people` into twos (and one three when odd), by plain enumeration.
    fn all_groupings(people: &[u64]) -> Vec<Vec<Vec<u64>>> {
        fn go(left: Vec<u64>, trio: bool, acc: &mut Vec<Vec<u64>>, out: &mut Vec<Vec<Vec<u64>>>) {
            if left.is_empty() {
                if !trio {
                    out.push(acc.clone());
                }
                return;
            }
            let first = left[0];
            for i in 1..left.len() {
                let mut rest = left.clone();
                let b = rest.remove(i);
                rest.remove(0);
                acc.push(vec![first, b]);
                go(rest.clone(), trio, acc, out);
                acc.pop();
                if trio {
                    for j in 0..rest.len() {
                        let mut rest2 = rest.clone();
                        let c = rest2.remove(j);
                        acc.push(vec![first, b, c]);
                        go(rest2, false, acc, out);
                        acc.pop();
                    }
                }
            }
        }
        let mut out = Vec::new();
        go(
            people.to_vec(),
            people.len() % 2 == 1,
            &mut Vec::new(),
            &mut out,
        );
        out
    }

    #[test]
    fn every_round_has_the_fewest_repeats_possible_for_4_to_8_members() {
        let mut rng = fastrand::Rng::with_seed(20261130);
        for n in 4..=8u64 {
            let people: Vec<u64> = (1..=n).collect();
            let mut history = History::new();
            for _round in 0..4 {
                let groups = pair_round(&people, &history, &mut rng);
                // Everyone, once; twos and at most one three (exactly one when odd).
                let mut seen: Vec<u64> = groups.iter().flatten().copied().collect();
                seen.sort_unstable();
                assert_eq!(seen, people, "{groups:?}");
                let trios = groups.iter().filter(|g| g.len() == 3).count();
                assert_eq!(trios, usize::from(n % 2 == 1), "{groups:?}");
                assert!(groups.iter().all(|g| g.len() == 2 || g.len() == 3));
                let best = all_groupings(&people)
                    .iter()
                    .map(|g| round_cost(g, &history))
                    .min()
                    .expect("groupings");
                assert_eq!(round_cost(&groups, &history), best, "n={n}: {groups:?}");
                for g in &groups {
                    for (i, a) in g.iter().enumerate() {
                        for b in &g[i + 1..] {
                            *history.entry(key(*a, *b)).or_insert(0) += 1;
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn large_rounds_are_whole_and_small_ones_are_one_group() {
        let mut rng = fastrand::Rng::with_seed(7);
        let people: Vec<u64> = (1..=21).collect();
        let groups = pair_round(&people, &History::new(), &mut rng);
        let mut seen: Vec<u64> = groups.iter().flatten().copied().collect();
        seen.sort_unstable();
        assert_eq!(seen, people);
        assert_eq!(groups.iter().filter(|g| g.len() == 3).count(), 1);
        assert_eq!(pair_round(&[1, 2, 3], &History::new(), &mut rng).len(), 1);
        assert!(pair_round(&[1], &History::new(), &mut rng).is_empty());
    }
}
