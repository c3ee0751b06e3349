//! `/fair`: the chapter's residency-fair prep — programs, interest (names only when chosen),
//! and each member's own brief.

use crate::support::interactions::{MEMBER_PERMISSIONS, PERM_MANAGE_GUILD};
use crate::support::{OptValue, TestBot, MEMBER_A, MEMBER_B};

const OFFICERS: u64 = 810_000_000_000_000_001;
const OFFICER: u64 = 100_000_000_000_000_009;

async fn chapter_with_a_fair(bot: &TestBot) {
    bot.member(MEMBER_B)
        .with_permissions(MEMBER_PERMISSIONS | PERM_MANAGE_GUILD)
        .run_command(
            "chapter setup",
            [
                ("officer-role", OptValue::Role(OFFICERS)),
                (
                    "fallback-channel",
                    OptValue::Channel(820_000_000_000_000_001, 0),
                ),
            ],
        )
        .await;
    let officer = bot.member(OFFICER).with_role(OFFICERS);
    officer
        .run_command(
            "conference add",
            [
                ("name", "SAEM"),
                ("starts", "2027-05-12"),
                ("ends", "2027-05-15"),
                ("city", "Atlanta"),
            ],
        )
        .await;
    let refused = bot
        .member(MEMBER_A)
        .run_command("fair create", [("date", "2027-05-13"), ("name", "Fair")])
        .await;
    assert!(
        refused.content.contains("Only chapter officers"),
        "{}",
        refused.content
    );
    let past = officer
        .run_command(
            "fair create",
            [("date", "2026-05-13"), ("name", "Old fair")],
        )
        .await;
    assert!(past.content.contains("already past"), "{}", past.content);
    let created = officer
        .run_command(
            "fair create",
            [("date", "2027-05-13"), ("conference", "SAEM")],
        )
        .await;
    assert!(
        created
            .content
            .starts_with("Created **SAEM residency fair** on Thu 13 May 2027"),
        "{}",
        created.content
    );
    for name in ["Hospital Y EM", "Quiet Valley EM"] {
        officer.run_command("fair program", [("name", name)]).await;
    }
}

#[tokio::test]
async fn interest_shows_counts_and_only_the_names_members_chose_to_show() {
    let bot = TestBot::start().await;
    chapter_with_a_fair(&bot).await;
    let not_allowed = bot
        .member(MEMBER_A)
        .run_command("fair program", [("name", "Another EM")])
        .await;
    assert!(
        not_allowed.content.contains("Only officers add programs"),
        "{}",
        not_allowed.content
    );

    let members: Vec<u64> = (1..=5).map(|n| 300_000_000_000_000_000 + n).collect();
    for (i, member) in members.iter().enumerate() {
        let reply = bot
            .member(*member)
            .run_command(
                "fair interest",
                [
                    ("program", OptValue::from("Hospital Y EM")),
                    ("show-my-name", OptValue::Bool(i < 2)),
                ],
            )
            .await;
        assert!(
            reply
                .content
                .starts_with("You'll talk to **Hospital Y EM**"),
            "{}",
            reply.content
        );
    }
    let again = bot
        .member(members[0])
        .run_command("fair interest", [("program", "Hospital Y EM")])
        .await;
    assert!(
        again.content.contains("already marked"),
        "{}",
        again.content
    );

    let listed = bot
        .member(MEMBER_A)
        .run_command::<&str>("fair programs", [])
        .await;
    assert!(listed.pings_nobody(), "{listed:?}");
    assert!(
        listed.content.contains(&format!(
            "**Hospital Y EM** · 5 interested: <@{}>, <@{}> and 3 more",
            members[0], members[1]
        )),
        "{}",
        listed.content
    );
    for hidden in &members[2..] {
        assert!(
            !listed.content.contains(&hidden.to_string()),
            "{}",
            listed.content
        );
    }
    assert!(
        listed
            .content
            .contains("**Quiet Valley EM** · 0 interested"),
        "{}",
        listed.content
    );
    let unknown = bot
        .member(members[0])
        .run_command("fair interest", [("program", "Nowhere EM")])
        .await;
    assert!(
        unknown.content.contains("not on this fair's list"),
        "{}",
        unknown.content
    );
    let mine = bot
        .member(members[0])
        .run_command::<&str>("fair mine", [])
        .await;
    assert!(
        mine.content.contains("• Hospital Y EM (name shown)"),
        "{}",
        mine.content
    );
}

#[tokio::test]
async fn a_brief_shows_only_the_members_own_contacts_at_their_programs() {
    let bot = TestBot::start().await;
    chapter_with_a_fair(&bot).await;
    bot.member(MEMBER_A)
        .run_command(
            "contact add",
            [("name", "Dr. Ana Lopez"), ("institution", "Hospital Y")],
        )
        .await;
    bot.member(MEMBER_B)
        .run_command(
            "contact add",
            [("name", "Dr. Bee Other"), ("institution", "Hospital Y")],
        )
        .await;
    for member in [MEMBER_A, MEMBER_B] {
        bot.member(member)
            .run_command("fair interest", [("program", "Hospital Y EM")])
            .await;
    }
    let brief = bot
        .member(MEMBER_A)
        .run_command::<&str>("fair brief", [])
        .await;
    assert!(brief.ephemeral);
    assert!(
        brief
            .content
            .starts_with("**Your brief: SAEM residency fair** · Thu 13 May 2027"),
        "{}",
        brief.content
    );
    assert!(
        brief
            .content
            .contains("• Hospital Y EM — you know Dr. Ana Lopez"),
        "{}",
        brief.content
    );
    assert!(!brief.content.contains("Bee"), "{}", brief.content);
    assert!(
        brief.content.contains("No one-minute story yet"),
        "{}",
        brief.content
    );
}

/// The groups of a posted round: each "• " line's mentioned members.
fn groups_of(text: &str) -> Vec<Vec<u64>> {
    text.lines()
        .filter(|l| l.starts_with("• "))
        .map(|l| {
            l.split("<@")
                .skip(1)
                .filter_map(|p| p.split('>').next()?.parse().ok())
                .collect()
        })
        .collect()
}

fn key(a: u64, b: u64) -> (u64, u64) {
    (a.min(b), a.max(b))
}

fn cost(groups: &[Vec<u64>], history: &std::collections::HashMap<(u64, u64), u32>) -> u32 {
    let mut c = 0;
    for g in groups {
        for (i, a) in g.iter().enumerate() {
            for b in &g[i + 1..] {
                c += history.get(&key(*a, *b)).copied().unwrap_or(0);
            }
        }
    }
    c
}

/// The fewest repeats any grouping of five (one pair and one trio) could have.
fn best_for_five(people: &[u64], history: &std::collections::HashMap<(u64, u64), u32>) -> u32 {
    let mut best = u32::MAX;
    for i in 0..people.len() {
        for j in i + 1..people.len() {
            let pair = vec![people[i], people[j]];
            let trio: Vec<u64> = people
                .iter()
                .copied()
                .filter(|p| *p != people[i] && *p != people[j])
                .collect();
            best = best.min(cost(&[pair, trio], history));
        }
    }
    best
}

#[tokio::test]
async fn practice_rounds_pair_with_the_fewest_repeats_and_ping_exactly_their_members() {
    let bot = TestBot::start().await;
    chapter_with_a_fair(&bot).await;
    let officer = bot.member(OFFICER).with_role(OFFICERS);
    let refused = bot
        .member(MEMBER_A)
        .run_command::<&str>("fair practice start", [])
        .await;
    assert!(
        refused.content.contains("Only chapter officers"),
        "{}",
        refused.content
    );
    officer.run_command::<&str>("fair practice start", []).await;
    let signup = bot
        .fake
        .calls()
        .into_iter()
        .find(|c| {
            c.method == "POST"
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("**Practice rounds**"))
        })
        .expect("the sign-up post");
    let join = signup.body["components"][0]["components"][0]["custom_id"]
        .as_str()
        .expect("join")
        .to_owned();
    let message = bot.fake.message_with_component(&join).expect("posted");
    // A Join from another server's copy changes nothing.
    let forged = bot
        .member(MEMBER_A)
        .in_guild(crate::support::interactions::OTHER_GUILD_ID)
        .click_on(&message, &join)
        .await;
    assert!(
        forged.content.contains("no longer active"),
        "{}",
        forged.content
    );

    let members: Vec<u64> = (1..=5).map(|n| 300_000_000_000_000_000 + n).collect();
    for m in &members {
        let joined = bot.member(*m).click(&join).await;
        assert!(
            joined.content.contains("in from the next round"),
            "{}",
            joined.content
        );
    }
    // One more joins, then leaves the server: Discord no longer knows them there.
    let gone = 300_000_000_000_000_099;
    bot.member(gone).click(&join).await;
    bot.fake.member_left(gone);
    // And one joins and leaves the rounds.
    let quitter = 300_000_000_000_000_098;
    bot.member(quitter).click(&join).await;
    let leave = signup.body["components"][0]["components"][1]["custom_id"]
        .as_str()
        .expect("leave")
        .to_owned();
    let left = bot.member(quitter).click(&leave).await;
    assert!(
        left.content.contains("out from the next round"),
        "{}",
        left.content
    );
    let mut history = std::collections::HashMap::new();
    for round in 1..=3 {
        officer.run_command::<&str>("fair practice next", []).await;
        let post = bot
            .fake
            .wait_for(&format!("round {round}"), |calls| {
                calls
                    .iter()
                    .find(|c| {
                        c.method == "POST"
                            && c.body["content"]
                                .as_str()
                                .is_some_and(|t| t.starts_with(&format!("**Round {round}**")))
                    })
                    .map(|c| c.body.clone())
            })
            .await;
        let text = post["content"].as_str().unwrap_or_default();
        let groups = groups_of(text);
        let mut everyone: Vec<u64> = groups.iter().flatten().copied().collect();
        everyone.sort_unstable();
        assert_eq!(everyone, members, "{text}");
        assert_eq!(groups.iter().filter(|g| g.len() == 3).count(), 1, "{text}");
        assert_eq!(
            cost(&groups, &history),
            best_for_five(&members, &history),
            "round {round}: {text}"
        );
        // Pings exactly its members.
        let mut pinged: Vec<u64> = post["allowed_mentions"]["users"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|u| u.as_str()?.parse().ok())
            .collect();
        pinged.sort_unstable();
        assert_eq!(pinged, members, "{post}");
        assert!(
            post["allowed_mentions"]["parse"]
                .as_array()
                .is_none_or(Vec::is_empty),
            "{post}"
        );
        for g in &groups {
            for (i, a) in g.iter().enumerate() {
                for b in &g[i + 1..] {
                    *history.entry(key(*a, *b)).or_insert(0) += 1;
                }
            }
        }
    }
}

#[tokio::test]
async fn questions_are_seeded_sorted_by_up_votes_one_per_member_and_officers_remove_them() {
    let bot = TestBot::start().await;
    chapter_with_a_fair(&bot).await;
    let a = bot.member(MEMBER_A);
    let listed = a.run_command::<&str>("fair questions", []).await;
    assert!(listed.ephemeral);
    assert!(
        listed
            .content
            .contains("1. *Residents* · What tipped the balance"),
        "{}",
        listed.content
    );
    assert!(
        listed.content.contains("6. *Faculty*"),
        "{}",
        listed.content
    );
    // A's up-vote on the fourth, once.
    let fourth = listed.button("▲ 4");
    let voted = a.click(&fourth).await;
    assert_eq!(voted.content, "Up-voted.");
    let again = a.click(&fourth).await;
    assert!(
        again.content.contains("already up-voted"),
        "{}",
        again.content
    );
    // The same button from another server counts nothing; someone else's click is refused.
    let message = bot.fake.new_id();
    let elsewhere = a
        .in_guild(crate::support::interactions::OTHER_GUILD_ID)
        .click_on(&message, &fourth)
        .await;
    assert!(
        elsewhere.content.contains("no longer active"),
        "{}",
        elsewhere.content
    );
    let theirs = bot.member(MEMBER_B).click(&fourth).await;
    assert!(
        theirs.content.contains("someone else's"),
        "{}",
        theirs.content
    );

    let b_list = bot
        .member(MEMBER_B)
        .run_command::<&str>("fair questions", [])
        .await;
    assert!(
        b_list.content.contains(
            "1. *Faculty* · Which part of the training here are you proudest of? · 1 vote"
        ),
        "{}",
        b_list.content
    );
    bot.member(MEMBER_B).click(&b_list.button("▲ 1")).await;
    let added = a
        .run_command(
            "fair question add",
            [
                (
                    "audience",
                    bot.choice("fair question add", "audience", "Residents"),
                ),
                (
                    "text",
                    OptValue::from("How are night shifts scheduled for interns?"),
                ),
            ],
        )
        .await;
    assert!(added.content.starts_with("Added"), "{}", added.content);
    let offered = bot
        .member(OFFICER)
        .with_role(OFFICERS)
        .autocomplete("fair question remove", [("question", "night")], "question")
        .await;
    assert_eq!(offered.len(), 1, "{offered:?}");
    let refused = a
        .run_command(
            "fair question remove",
            [("question", offered[0].1.as_str())],
        )
        .await;
    assert!(
        refused.content.contains("Only chapter officers"),
        "{}",
        refused.content
    );
    bot.member(OFFICER)
        .with_role(OFFICERS)
        .run_command(
            "fair question remove",
            [("question", offered[0].1.as_str())],
        )
        .await;
    let after = a.run_command::<&str>("fair questions", []).await;
    assert!(!after.content.contains("night shifts"), "{}", after.content);
    assert!(
        after.content.contains("proudest of? · 2 votes"),
        "{}",
        after.content
    );
}
