//! `/chapter`: officer-only settings of a server.

use emig_bot::domain::{ChannelId, GuildId, RoleId, UserId};

use crate::support::interactions::{
    GUILD_ID, MEMBER_PERMISSIONS, OTHER_GUILD_ID, PERM_MANAGE_GUILD,
};
use crate::support::{OptValue, TestBot, MEMBER_A, MEMBER_B};

const OFFICERS: u64 = 810_000_000_000_000_001;
const FALLBACK: u64 = 820_000_000_000_000_001;

fn setup_options(channel_type: u8) -> [(&'static str, OptValue); 2] {
    [
        ("officer-role", OptValue::Role(OFFICERS)),
        (
            "fallback-channel",
            OptValue::Channel(FALLBACK, channel_type),
        ),
    ]
}

#[tokio::test]
async fn setup_without_manage_server_is_refused() {
    let bot = TestBot::start().await;
    let reply = bot
        .member(MEMBER_B)
        .with_permissions(MEMBER_PERMISSIONS)
        .run_command("chapter setup", setup_options(0))
        .await;
    assert!(reply.ephemeral);
    assert!(reply.content.contains("Manage Server"), "{}", reply.content);
    let chapter = bot.store.chapter(GuildId(GUILD_ID)).await.expect("read");
    assert!(
        chapter.is_none_or(|c| c.officer_role.is_none()),
        "nothing stored"
    );
}

#[tokio::test]
async fn setup_stores_the_settings_and_show_reports_them_without_pinging() {
    let bot = TestBot::start().await;
    let officer = bot
        .member(MEMBER_A)
        .with_permissions(MEMBER_PERMISSIONS | PERM_MANAGE_GUILD);
    let reply = officer.run_command("chapter setup", setup_options(0)).await;
    assert!(reply.ephemeral);
    assert!(reply.pings_nobody(), "{reply:?}");
    assert!(
        reply.content.contains(&format!("<@&{OFFICERS}>")),
        "{}",
        reply.content
    );

    let chapter = bot
        .store
        .chapter(GuildId(GUILD_ID))
        .await
        .expect("read")
        .expect("chapter exists");
    assert_eq!(chapter.officer_role, Some(RoleId(OFFICERS)));
    assert_eq!(chapter.fallback_channel, Some(ChannelId(FALLBACK)));
    assert_eq!(chapter.configured_by, Some(UserId(MEMBER_A)));

    let shown = officer.run_command::<&str>("chapter show", []).await;
    assert!(shown.pings_nobody(), "{shown:?}");
    assert!(
        shown.content.contains(&format!("<#{FALLBACK}>")),
        "{}",
        shown.content
    );
    assert!(
        shown.content.contains("Members who have used me here: 1"),
        "{}",
        shown.content
    );
}

#[tokio::test]
async fn a_voice_channel_is_refused_as_fallback() {
    let bot = TestBot::start().await;
    let reply = bot
        .member(MEMBER_A)
        .with_permissions(PERM_MANAGE_GUILD)
        .run_command("chapter setup", setup_options(2))
        .await;
    assert!(reply.content.contains("text channel"), "{}", reply.content);
    let chapter = bot.store.chapter(GuildId(GUILD_ID)).await.expect("read");
    assert!(chapter.is_none_or(|c| !c.is_configured()));
}

#[tokio::test]
async fn chapter_commands_in_a_dm_say_they_need_a_server() {
    let bot = TestBot::start().await;
    for path in ["chapter show", "chapter setup"] {
        let options: Vec<(&str, OptValue)> = if path == "chapter setup" {
            setup_options(0).to_vec()
        } else {
            Vec::new()
        };
        let reply = bot
            .member(MEMBER_A)
            .in_dm()
            .run_command(path, options)
            .await;
        assert!(reply.ephemeral);
        assert!(
            reply.content.contains("needs a server"),
            "{path}: {}",
            reply.content
        );
    }
}

#[tokio::test]
async fn show_before_setup_says_how_to_set_up() {
    let bot = TestBot::start().await;
    let shown = bot
        .member(MEMBER_A)
        .with_permissions(PERM_MANAGE_GUILD)
        .run_command::<&str>("chapter show", [])
        .await;
    assert!(
        shown.content.contains("not set up yet"),
        "{}",
        shown.content
    );
}

#[tokio::test]
async fn members_are_recorded_in_each_chapter_where_they_use_the_bot() {
    let bot = TestBot::start().await;
    bot.member(MEMBER_A).run_command::<&str>("help", []).await;
    bot.member(MEMBER_A)
        .in_guild(OTHER_GUILD_ID)
        .run_command::<&str>("me show", [])
        .await;
    bot.member(MEMBER_A)
        .in_dm()
        .run_command::<&str>("help", [])
        .await;
    bot.member(MEMBER_B).run_command::<&str>("help", []).await;

    let chapters = bot.store.chapters_of(UserId(MEMBER_A)).await.expect("read");
    assert_eq!(chapters, vec![GuildId(GUILD_ID), GuildId(OTHER_GUILD_ID)]);
    let here = bot
        .store
        .chapter(GuildId(GUILD_ID))
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(here.member_count, 2);
    let other = bot
        .store
        .chapter(GuildId(OTHER_GUILD_ID))
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(other.member_count, 1);
}

#[tokio::test]
async fn chapter_stats_are_for_officers_and_hide_every_figure_under_five_members() {
    let bot = TestBot::start().await;
    bot.member(MEMBER_A)
        .with_permissions(MEMBER_PERMISSIONS | PERM_MANAGE_GUILD)
        .run_command("chapter setup", setup_options(0))
        .await;
    let officer = bot.member(200_000_000_000_000_009).with_role(OFFICERS);
    let members: Vec<u64> = (1..=5).map(|n| 300_000_000_000_000_000 + n).collect();
    for member in &members[..4] {
        let m = bot.member(*member);
        m.run_command(
            "contact add",
            [("name", "Dr. Private Name"), ("where-met", "SAEM 2026")],
        )
        .await;
        m.run_command("followup done", [("contact", "Dr. Private Name")])
            .await;
    }
    let refused = bot
        .member(members[0])
        .run_command::<&str>("chapter stats", [])
        .await;
    assert!(
        refused.content.contains("Only chapter officers"),
        "{}",
        refused.content
    );

    let four = officer.run_command::<&str>("chapter stats", []).await;
    assert!(four.ephemeral);
    assert!(
        four.content
            .contains("Contacts logged this month: fewer than 5 members"),
        "{}",
        four.content
    );
    assert!(
        four.content.contains("last 30 days: fewer than 5 members"),
        "{}",
        four.content
    );

    let m = bot.member(members[4]);
    m.run_command(
        "contact add",
        [("name", "Dr. Private Name"), ("where-met", "SAEM 2026")],
    )
    .await;
    m.run_command("followup done", [("contact", "Dr. Private Name")])
        .await;
    let five = officer.run_command::<&str>("chapter stats", []).await;
    let text = &five.content;
    assert!(
        text.contains("Contacts logged this month: 5 (by 5 members)"),
        "{text}"
    );
    assert!(
        text.contains("Follow-ups done on time, last 30 days: 100% (over 5 members)"),
        "{text}"
    );
    assert!(!text.contains("Private Name"), "never a contact: {text}");
    assert!(!text.contains("<@"), "never a name: {text}");
}

#[tokio::test]
async fn a_chapter_match_day_is_offered_and_is_theirs_for_members_who_set_none_here_only() {
    let bot = TestBot::start().await;
    // A uses the bot only here, with a mentor (as does the officer setting it up); B also
    // elsewhere; C set their own day.
    let a = bot.member(MEMBER_A);
    a.run_command(
        "contact add",
        [
            ("name", OptValue::from("Dr. Mentor")),
            (
                "relationship",
                bot.choice("contact add", "relationship", "Mentor"),
            ),
        ],
    )
    .await;
    bot.member(MEMBER_B)
        .in_guild(OTHER_GUILD_ID)
        .run_command::<&str>("me show", [])
        .await;
    bot.member(MEMBER_B)
        .run_command::<&str>("me show", [])
        .await;
    let c = 100_000_000_000_000_003;
    bot.member(c)
        .run_command("me matchday", [("date", "2027-03-26")])
        .await;

    let mut options = setup_options(0).to_vec();
    options.push(("match-day", OptValue::from("2027-03-19")));
    options.push(("members-add-programs", OptValue::Bool(true)));
    let set = bot
        .member(200_000_000_000_000_001)
        .with_permissions(MEMBER_PERMISSIONS | PERM_MANAGE_GUILD)
        .run_command("chapter setup", options)
        .await;
    assert!(
        set.content
            .contains("Chapter Match Day: Fri 19 Mar 2027 (theirs for the 2 members who set none"),
        "{}",
        set.content
    );
    let store = &bot.store;
    assert_eq!(
        store.match_day(UserId(MEMBER_A)).await.expect("read"),
        Some("2027-03-19".parse().expect("date"))
    );
    assert_eq!(store.match_day(UserId(MEMBER_B)).await.expect("read"), None);
    assert_eq!(
        store.match_day(UserId(c)).await.expect("read"),
        Some("2027-03-26".parse().expect("date"))
    );
    // A's mentor gets the close-the-loop thanks on the chapter's day.
    let thanks: Vec<_> = store
        .pending_follow_ups(UserId(MEMBER_A), None)
        .await
        .expect("read")
        .into_iter()
        .filter(|f| f.kind == emig_bot::domain::cadence::FollowUpKind::MatchThanks)
        .collect();
    assert_eq!(thanks.len(), 1, "{thanks:?}");
    assert_eq!(thanks[0].window.ideal, "2027-03-19".parse().expect("date"));
    // Offered first when a member sets their own.
    let offered = bot
        .member(MEMBER_B)
        .autocomplete("me matchday", [("date", "")], "date")
        .await;
    assert_eq!(offered[0].1, "2027-03-19", "{offered:?}");
    let shown = bot
        .member(MEMBER_B)
        .run_command::<&str>("chapter show", [])
        .await;
    assert!(
        shown.content.contains("Members add fair programs: yes"),
        "{}",
        shown.content
    );
}

#[tokio::test]
async fn removed_from_a_server_the_bot_forgets_what_was_shared_there_but_not_personal_lists() {
    use emig_bot::domain::GuildId;
    let bot = TestBot::start().await;
    let officer = bot
        .member(MEMBER_A)
        .with_permissions(MEMBER_PERMISSIONS | PERM_MANAGE_GUILD);
    officer.run_command("chapter setup", setup_options(0)).await;
    officer
        .run_command(
            "conference add",
            [
                ("name", "SAEM"),
                ("starts", "2026-11-23"),
                ("ends", "2026-11-26"),
                ("city", "Atlanta"),
            ],
        )
        .await;
    bot.member(MEMBER_B)
        .run_command(
            "contact add",
            [("name", "Dr. Ana Lopez"), ("conference", "SAEM")],
        )
        .await;
    // Another server with a chapter, to see events were handled.
    bot.member(MEMBER_B)
        .in_guild(OTHER_GUILD_ID)
        .with_permissions(MEMBER_PERMISSIONS | PERM_MANAGE_GUILD)
        .run_command("chapter setup", setup_options(0))
        .await;

    // An outage is not a removal.
    bot.fake.dispatch(
        "GUILD_DELETE",
        serde_json::json!({"id": GUILD_ID.to_string(), "unavailable": true}),
    );
    bot.fake.dispatch(
        "GUILD_DELETE",
        serde_json::json!({"id": OTHER_GUILD_ID.to_string()}),
    );
    let store = bot.store.clone();
    crate::support::bot::eventually("the other server is forgotten", || {
        let store = store.clone();
        async move {
            store
                .chapter(GuildId(OTHER_GUILD_ID))
                .await
                .expect("read")
                .is_none()
        }
    })
    .await;
    assert!(bot
        .store
        .chapter(GuildId(GUILD_ID))
        .await
        .expect("read")
        .is_some());

    bot.fake.dispatch(
        "GUILD_DELETE",
        serde_json::json!({"id": GUILD_ID.to_string()}),
    );
    let store = bot.store.clone();
    crate::support::bot::eventually("this server is forgotten", || {
        let store = store.clone();
        async move {
            store
                .chapter(GuildId(GUILD_ID))
                .await
                .expect("read")
                .is_none()
        }
    })
    .await;
    // B's contact stays, and its follow-up still gets a nudge of its own.
    let pending = bot
        .store
        .pending_follow_ups(UserId(MEMBER_B), None)
        .await
        .expect("read");
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].contact_name, "Dr. Ana Lopez");
    let found = bot
        .store
        .conference_follow_ups(UserId(MEMBER_B), 1)
        .await
        .expect("read");
    assert!(found.is_empty(), "no longer grouped: {found:?}");
    bot.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-29T14:00:00Z")
            .expect("instant")
            .with_timezone(&chrono::Utc),
    );
    bot.fake
        .wait_for("the follow-up DM", |calls| {
            calls
                .iter()
                .find(|c| {
                    c.method == "POST"
                        && c.body["content"]
                            .as_str()
                            .is_some_and(|t| t.contains("**Dr. Ana Lopez**"))
                })
                .map(|_| ())
        })
        .await;
}
