//! `/story` end to end: write via the form, analysis, share, peer feedback, unshare, delete.

use serde_json::Value;

use crate::support::interactions::{CHANNEL_ID, MEMBER_PERMISSIONS};
use crate::support::{Reply, TestBot, MEMBER_A, MEMBER_B};

const MEMBER_C: u64 = 100_000_000_000_000_003;
const MODERATOR: u64 = 100_000_000_000_000_004;
const PERM_MANAGE_MESSAGES: u64 = 1 << 13;

const PARTS: [(&str, &str); 5] = [
    ("who", "I am Maya, a third-year medical student at State University, finishing my core clerkships this spring."),
    ("why_em", "During my first ED shift I watched a team run a pediatric code in silence and calm, and I knew this was where I wanted to train."),
    ("interest", "Within emergency medicine I am drawn to point-of-care ultrasound, because it turns uncertainty at the bedside into a decision in minutes."),
    ("hope", "Today I hope to meet residents from programs with strong ultrasound fellowships and ask how they found research mentors early."),
    ("event", "SAEM residency fair"),
];

async fn write_story(bot: &TestBot, owner: u64) -> Reply {
    let form = bot
        .member(owner)
        .run_command::<&str>("story write", [])
        .await;
    bot.member(owner)
        .submit_modal(&form.modal_id(), &PARTS)
        .await
}

/// The shared post the bot created in the channel.
async fn shared_post(bot: &TestBot) -> Reply {
    let path = format!("/api/v10/channels/{CHANNEL_ID}/messages");
    let body: Value = bot
        .fake
        .wait_for("the shared story post", |calls| {
            calls
                .iter()
                .find(|c| c.is("POST", &path))
                .map(|c| c.body.clone())
        })
        .await;
    Reply::from_followup(&body)
}

async fn give_feedback(
    bot: &TestBot,
    rater: u64,
    post: &Reply,
    answers: [&str; 3],
    suggestion: &str,
) -> Reply {
    let form = bot.member(rater).click(&post.button("Give feedback")).await;
    let fields = [
        ("clear", answers[0]),
        ("specific", answers[1]),
        ("on_time", answers[2]),
        ("suggestion", suggestion),
    ];
    bot.member(rater)
        .submit_modal(&form.modal_id(), &fields)
        .await
}

#[tokio::test]
async fn a_story_written_in_the_form_is_saved_analysed_and_versioned() {
    let bot = TestBot::start().await;
    let saved = write_story(&bot, MEMBER_A).await;
    assert!(saved.ephemeral);
    assert!(
        saved.content.starts_with("Saved as version 1."),
        "{}",
        saved.content
    );
    assert!(
        saved
            .content
            .contains("84 words, about 39 s at 130 words a minute, 34 s at 150"),
        "{}",
        saved.content
    );
    assert!(
        saved.content.contains("short: add about 46 words"),
        "{}",
        saved.content
    );
    assert!(
        saved.content.contains("Specific interest: ultrasound"),
        "{}",
        saved.content
    );

    // The form opens prefilled with the latest version; saving makes version 2.
    let form = bot
        .member(MEMBER_A)
        .run_command::<&str>("story write", [])
        .await;
    assert!(form
        .modal_fields()
        .contains(&("event".to_owned(), "SAEM residency fair".to_owned())));
    bot.member(MEMBER_A)
        .submit_modal(&form.modal_id(), &PARTS)
        .await;
    let history = bot.run_command::<&str>("story history", []).await;
    assert!(
        history.content.contains("v2") && history.content.contains("v1"),
        "{}",
        history.content
    );
    let shown = bot
        .run_command(
            "story show",
            [("version", crate::support::OptValue::Int(1))],
        )
        .await;
    assert!(
        shown.content.contains("**Who you are** — I am Maya"),
        "{}",
        shown.content
    );
    assert!(shown.content.contains("version 1"), "{}", shown.content);
    let missing = bot
        .run_command(
            "story show",
            [("version", crate::support::OptValue::Int(9))],
        )
        .await;
    assert!(
        missing.content.contains("no version 9"),
        "{}",
        missing.content
    );
    // Another member sees none of it.
    let other = bot
        .member(MEMBER_B)
        .run_command::<&str>("story show", [])
        .await;
    assert!(
        other.content.contains("You have no story yet"),
        "{}",
        other.content
    );
}

#[tokio::test]
async fn an_empty_part_is_refused_and_nothing_is_saved() {
    let bot = TestBot::start().await;
    let form = bot.run_command::<&str>("story write", []).await;
    let reply = bot
        .member(MEMBER_A)
        .submit_modal(
            &form.modal_id(),
            &[
                ("who", "I am Sam."),
                ("why_em", "  "),
                ("interest", "EMS"),
                ("hope", "Learn"),
                ("event", ""),
            ],
        )
        .await;
    assert!(
        reply.content.contains("“Why emergency medicine” is empty"),
        "{}",
        reply.content
    );
    assert!(bot
        .store
        .stories(emig_bot::domain::UserId(MEMBER_A))
        .await
        .expect("read")
        .is_empty());
}

#[tokio::test]
async fn peers_give_structured_feedback_and_the_author_reads_it_combined() {
    let bot = TestBot::start().await;
    write_story(&bot, MEMBER_A).await;
    let shared = bot.run_command::<&str>("story share", []).await;
    assert!(
        shared.content.starts_with("Shared version 1"),
        "{}",
        shared.content
    );
    let post = shared_post(&bot).await;
    assert!(post.content.contains("I am Maya"), "{}", post.content);
    assert!(post.pings_nobody(), "{post:?}");

    let own = bot
        .member(MEMBER_A)
        .click(&post.button("Give feedback"))
        .await;
    assert!(
        own.content.contains("can't rate your own"),
        "{}",
        own.content
    );

    let thanks = give_feedback(
        &bot,
        MEMBER_B,
        &post,
        ["yes", "somewhat", "no"],
        "Slow down a little",
    )
    .await;
    assert!(
        thanks.content.starts_with("Thank you"),
        "{}",
        thanks.content
    );
    // The author hears about the first feedback by DM.
    let author = MEMBER_A.to_string();
    bot.fake
        .wait_for("the author's DM", |calls| {
            calls
                .iter()
                .find(|c| {
                    c.path == "/api/v10/users/@me/channels"
                        && c.body["recipient_id"] == author.as_str()
                })
                .map(|_| ())
        })
        .await;
    give_feedback(&bot, MEMBER_C, &post, ["Yes", "yes", "somewhat"], "").await;
    // A second feedback from the same peer replaces the first.
    give_feedback(
        &bot,
        MEMBER_B,
        &post,
        ["yes", "yes", "no"],
        "Name the hospital",
    )
    .await;
    let bad = give_feedback(&bot, MEMBER_C, &post, ["maybe", "yes", "yes"], "").await;
    assert!(
        bad.content.contains("answer yes, somewhat or no"),
        "{}",
        bad.content
    );

    let summary = bot.run_command::<&str>("story feedback", []).await;
    assert!(summary.ephemeral);
    let text = &summary.content;
    assert!(text.contains("2 peers"), "{text}");
    assert!(text.contains("Clear: yes 2 · somewhat 0 · no 0"), "{text}");
    assert!(
        text.contains("Specific: yes 2 · somewhat 0 · no 0"),
        "{text}"
    );
    assert!(
        text.contains("On time: yes 0 · somewhat 1 · no 1"),
        "{text}"
    );
    assert!(
        text.contains("Name the hospital") && !text.contains("Slow down"),
        "{text}"
    );
    assert!(
        !text.contains(&MEMBER_B.to_string()) && !text.contains(&MEMBER_C.to_string()),
        "anonymous: {text}"
    );
}

#[tokio::test]
async fn unsharing_removes_the_post_and_later_feedback_is_refused() {
    let bot = TestBot::start().await;
    write_story(&bot, MEMBER_A).await;
    bot.run_command::<&str>("story share", []).await;
    let post = shared_post(&bot).await;
    let form = bot
        .member(MEMBER_B)
        .click(&post.button("Give feedback"))
        .await;
    let done = bot.run_command::<&str>("story unshare", []).await;
    assert!(
        done.content.contains("Removed 1 shared post"),
        "{}",
        done.content
    );
    assert!(bot.fake.calls().iter().any(|c| c.method == "DELETE"
        && c.path
            .starts_with(&format!("/api/v10/channels/{CHANNEL_ID}/messages/"))));
    let click = bot
        .member(MEMBER_B)
        .click(&post.button("Give feedback"))
        .await;
    assert!(
        click.content.contains("no longer shared"),
        "{}",
        click.content
    );
    let late = bot
        .member(MEMBER_B)
        .submit_modal(
            &form.modal_id(),
            &[
                ("clear", "yes"),
                ("specific", "yes"),
                ("on_time", "yes"),
                ("suggestion", ""),
            ],
        )
        .await;
    assert!(
        late.content.contains("nothing was saved"),
        "{}",
        late.content
    );
    let summary = bot.run_command::<&str>("story feedback", []).await;
    assert!(
        summary.content.contains("No feedback"),
        "{}",
        summary.content
    );
}

#[tokio::test]
async fn only_the_author_or_a_moderator_can_remove_a_shared_story() {
    let bot = TestBot::start().await;
    write_story(&bot, MEMBER_A).await;
    bot.run_command::<&str>("story share", []).await;
    let post = shared_post(&bot).await;
    let refused = bot
        .member(MEMBER_B)
        .with_permissions(MEMBER_PERMISSIONS)
        .click(&post.button("Remove"))
        .await;
    assert!(
        refused
            .content
            .contains("Only the author, an officer or a moderator"),
        "{}",
        refused.content
    );
    let removed = bot
        .member(MODERATOR)
        .with_permissions(MEMBER_PERMISSIONS | PERM_MANAGE_MESSAGES)
        .click(&post.button("Remove"))
        .await;
    assert_eq!(removed.content, "Removed.");
    let again = bot.member(MEMBER_A).click(&post.button("Remove")).await;
    assert!(
        again.content.contains("already removed"),
        "{}",
        again.content
    );
}

#[tokio::test]
async fn deleting_asks_first_then_erases_versions_and_feedback() {
    let bot = TestBot::start().await;
    write_story(&bot, MEMBER_A).await;
    write_story(&bot, MEMBER_A).await;
    let both = bot
        .run_command(
            "story delete",
            [
                ("version", crate::support::OptValue::Int(1)),
                ("all", crate::support::OptValue::Bool(true)),
            ],
        )
        .await;
    assert!(both.content.contains("not both"), "{}", both.content);
    let ask = bot
        .run_command(
            "story delete",
            [("version", crate::support::OptValue::Int(1))],
        )
        .await;
    let kept = bot.member(MEMBER_A).click(&ask.button("Keep")).await;
    assert!(kept.content.contains("Nothing was deleted"));
    let done = bot.member(MEMBER_A).click(&ask.button("Delete")).await;
    assert!(
        done.content.contains("Deleted 1 version"),
        "{}",
        done.content
    );
    let ask_all = bot
        .run_command(
            "story delete",
            [("all", crate::support::OptValue::Bool(true))],
        )
        .await;
    bot.member(MEMBER_A).click(&ask_all.button("Delete")).await;
    assert!(bot
        .store
        .stories(emig_bot::domain::UserId(MEMBER_A))
        .await
        .expect("read")
        .is_empty());
}

/// PATCHes of the practice timer message, in order.
fn timer_edits(calls: &[crate::support::fake_discord::RestCall]) -> Vec<String> {
    calls
        .iter()
        .filter(|c| {
            c.method == "PATCH"
                && c.path
                    .starts_with(&format!("/api/v10/channels/{CHANNEL_ID}/messages/"))
        })
        .map(|c| {
            format!(
                "{}:{}",
                c.status,
                c.body["content"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

async fn start_timer(bot: &TestBot) -> Reply {
    let started = bot.run_command::<&str>("story practice", []).await;
    assert!(
        started.ephemeral && started.content.starts_with("Timer started"),
        "{started:?}"
    );
    let path = format!("/api/v10/channels/{CHANNEL_ID}/messages");
    let body: Value = bot
        .fake
        .wait_for("the timer message", |calls| {
            calls
                .iter()
                .find(|c| c.is("POST", &path))
                .map(|c| c.body.clone())
        })
        .await;
    Reply::from_followup(&body)
}

async fn wait_edits(bot: &TestBot, n: usize) -> Vec<String> {
    bot.fake
        .wait_for(&format!("{n} timer edit(s)"), |calls| {
            let edits = timer_edits(calls);
            (edits.len() >= n).then_some(edits)
        })
        .await
}

#[tokio::test]
async fn the_practice_timer_signals_green_yellow_red_on_the_clock() {
    let bot = TestBot::start().await;
    let timer = start_timer(&bot).await;
    assert!(
        timer.content.contains("**1:00** to go"),
        "{}",
        timer.content
    );
    timer.button("Stop");
    bot.clock.advance(chrono::Duration::seconds(45));
    assert_eq!(
        wait_edits(&bot, 1).await,
        vec!["200:🟢 **0:45** — you can wrap up"]
    );
    bot.clock.advance(chrono::Duration::seconds(10));
    assert_eq!(
        wait_edits(&bot, 2).await[1],
        "200:🟡 **0:55** — finish your sentence"
    );
    bot.clock.advance(chrono::Duration::seconds(5));
    assert_eq!(wait_edits(&bot, 3).await[2], "200:🔴 **1:00** — time!");
    let late = bot.member(MEMBER_A).click(&timer.button("Stop")).await;
    assert!(late.content.contains("already ended"), "{}", late.content);
    assert!(
        late.content.contains("the bot restarted"),
        "{}",
        late.content
    );
}

#[tokio::test]
async fn stop_reports_the_elapsed_time_and_only_the_speaker_can_stop_it() {
    let bot = TestBot::start().await;
    let timer = start_timer(&bot).await;
    bot.clock.advance(chrono::Duration::seconds(45));
    wait_edits(&bot, 1).await;
    bot.clock.advance(chrono::Duration::seconds(7));
    let stranger = bot.member(MEMBER_B).click(&timer.button("Stop")).await;
    assert!(
        stranger.content.contains("someone else's"),
        "{}",
        stranger.content
    );
    let stopped = bot.member(MEMBER_A).click(&timer.button("Stop")).await;
    assert_eq!(stopped.kind, 7);
    assert!(
        stopped.content.contains("Stopped at **0:52**"),
        "{}",
        stopped.content
    );
}

#[tokio::test]
async fn a_deleted_timer_message_ends_the_timer_cleanly() {
    let bot = TestBot::start().await;
    let timer = start_timer(&bot).await;
    bot.fake.fail(
        "PATCH",
        "/messages/",
        crate::support::Fault::UnknownMessage,
        None,
    );
    bot.clock.advance(chrono::Duration::seconds(45));
    assert_eq!(
        wait_edits(&bot, 1).await,
        vec!["404:🟢 **0:45** — you can wrap up"]
    );
    // The timer ends there: moving past yellow and red makes no further edits.
    bot.clock.advance(chrono::Duration::seconds(20));
    bot.run_command::<&str>("help", []).await;
    let _ = &timer;
    assert_eq!(timer_edits(&bot.fake.calls()).len(), 1);
}

#[tokio::test]
async fn a_chapter_officer_can_remove_a_shared_story() {
    const OFFICERS: u64 = 810_000_000_000_000_077;
    let bot = TestBot::start().await;
    bot.member(MEMBER_C)
        .with_permissions(crate::support::interactions::PERM_MANAGE_GUILD)
        .run_command(
            "chapter setup",
            [
                ("officer-role", crate::support::OptValue::Role(OFFICERS)),
                (
                    "fallback-channel",
                    crate::support::OptValue::Channel(CHANNEL_ID, 0),
                ),
            ],
        )
        .await;
    write_story(&bot, MEMBER_A).await;
    bot.run_command::<&str>("story share", []).await;
    let post = shared_post(&bot).await;
    let removed = bot
        .member(MEMBER_B)
        .with_permissions(MEMBER_PERMISSIONS)
        .with_role(OFFICERS)
        .click(&post.button("Remove"))
        .await;
    assert_eq!(removed.content, "Removed.");
}

#[tokio::test]
async fn erasing_a_member_erases_their_stories_and_the_feedback_they_gave() {
    let bot = TestBot::start().await;
    write_story(&bot, MEMBER_A).await;
    bot.run_command::<&str>("story share", []).await;
    let post = shared_post(&bot).await;
    give_feedback(&bot, MEMBER_B, &post, ["yes", "yes", "yes"], "Great").await;
    // B erases everything: their feedback goes too.
    let ask = bot
        .member(MEMBER_B)
        .run_command::<&str>("me delete", [])
        .await;
    bot.member(MEMBER_B)
        .click(&ask.button("Delete everything"))
        .await;
    let summary = bot.run_command::<&str>("story feedback", []).await;
    assert!(
        summary.content.contains("No feedback"),
        "{}",
        summary.content
    );
    // A erases everything: their stories go, and their shared post.
    let ask = bot
        .member(MEMBER_A)
        .run_command::<&str>("me delete", [])
        .await;
    let post_id = bot
        .fake
        .message_with_component(&post.button("Remove"))
        .expect("the post");
    // Discord fails the delete twice: the member is erased anyway, and told the post is
    // queued; the queue (which names nobody) retries until it is gone.
    bot.fake.fail(
        "DELETE",
        "/messages/",
        crate::support::Fault::ServerError,
        Some(2),
    );
    let erased = bot
        .member(MEMBER_A)
        .click(&ask.button("Delete everything"))
        .await;
    assert!(
        erased.content.starts_with("Done: everything"),
        "{}",
        erased.content
    );
    assert!(
        erased.content.contains(
            "1 shared post could not be deleted just now: I keep trying until it is gone"
        ),
        "{}",
        erased.content
    );
    assert!(bot
        .store
        .stories(emig_bot::domain::UserId(MEMBER_A))
        .await
        .expect("read")
        .is_empty());
    // The nudge loop tries again at once (a second 500), then after its backoff.
    bot.fake
        .wait_for("the queued delete's first retry", |calls| {
            (calls
                .iter()
                .filter(|c| c.method == "DELETE" && c.status == 500)
                .count()
                == 2)
                .then_some(())
        })
        .await;
    assert_eq!(bot.store.queued_post_deletions().await.expect("count"), 1);
    bot.clock.advance(chrono::Duration::seconds(61));
    bot.fake
        .wait_for("the queued delete to succeed", |calls| {
            calls
                .iter()
                .any(|c| c.method == "DELETE" && c.status == 204)
                .then_some(())
        })
        .await;
    crate::support::bot::eventually("the queue to empty", || async {
        bot.store.queued_post_deletions().await.expect("count") == 0
    })
    .await;
    // The shared post went with the data, not left public.
    assert_eq!(
        post_deletes(&bot),
        vec![
            (post_id.clone(), 500),
            (post_id.clone(), 500),
            (post_id, 204)
        ]
    );
}

#[tokio::test]
async fn a_click_naming_a_share_of_another_server_or_message_changes_nothing() {
    use crate::support::interactions::OTHER_GUILD_ID;
    let bot = TestBot::start().await;
    write_story(&bot, MEMBER_A).await;
    bot.run_command::<&str>("story share", []).await;
    let post = shared_post(&bot).await;
    let remove = post.button("Remove");
    let feedback = post.button("Give feedback");
    let moderator = bot
        .member(MODERATOR)
        .with_permissions(MEMBER_PERMISSIONS | PERM_MANAGE_MESSAGES);

    // A moderator of another server, clicking the same id there: refused.
    let elsewhere = moderator.in_guild(OTHER_GUILD_ID).click(&remove).await;
    assert!(
        elsewhere.content.contains("no longer active"),
        "{}",
        elsewhere.content
    );
    // The same server, but on another message than the share's own post: refused.
    let other_message = bot.fake.new_id();
    let wrong_post = moderator.click_on(&other_message, &remove).await;
    assert!(
        wrong_post.content.contains("no longer active"),
        "{}",
        wrong_post.content
    );
    let no_form = bot
        .member(MEMBER_B)
        .click_on(&other_message, &feedback)
        .await;
    assert_eq!(no_form.kind, 4, "no feedback form opens: {no_form:?}");
    // Nothing was removed or deleted.
    let deletes = bot
        .fake
        .calls()
        .iter()
        .filter(|c| c.method == "DELETE")
        .count();
    assert_eq!(deletes, 0);
    let share = bot
        .store
        .active_shares(emig_bot::domain::UserId(MEMBER_A))
        .await
        .expect("shares");
    assert_eq!(share.len(), 1);
    // From the post itself it works.
    assert_eq!(moderator.click(&remove).await.content, "Removed.");
}

#[tokio::test]
async fn another_members_stop_with_a_crafted_id_changes_nothing() {
    let bot = TestBot::start().await;
    let timer = start_timer(&bot).await;
    let stop = timer.button("Stop");
    // Member B rewrites the owner in A's Stop id to their own: the router lets them in, the
    // timer does not.
    let timer_id = stop.rsplit(':').next().expect("the timer id");
    assert_eq!(stop, format!("emig:s-stop:{MEMBER_A}:{timer_id}"));
    let crafted = format!("emig:s-stop:{MEMBER_B}:{timer_id}");
    let message = bot
        .fake
        .message_with_component(&stop)
        .expect("the timer message");
    let stranger = bot.member(MEMBER_B).click_on(&message, &crafted).await;
    assert!(
        stranger.content.contains("already ended"),
        "{}",
        stranger.content
    );
    // A's timer runs on: green at 0:45.
    bot.clock.advance(chrono::Duration::seconds(45));
    assert_eq!(
        wait_edits(&bot, 1).await,
        vec!["200:🟢 **0:45** — you can wrap up"]
    );
}

#[tokio::test]
async fn a_second_timer_is_refused_with_a_link_to_the_running_one() {
    let bot = TestBot::start().await;
    start_timer(&bot).await;
    let second = bot.run_command::<&str>("story practice", []).await;
    assert!(
        second
            .content
            .contains("already have a practice timer running"),
        "{}",
        second.content
    );
    assert!(
        second.content.contains("https://discord.com/channels/"),
        "{}",
        second.content
    );
    let posts = bot
        .fake
        .calls()
        .iter()
        .filter(|c| c.method == "POST" && c.path.ends_with(&format!("{CHANNEL_ID}/messages")))
        .count();
    assert_eq!(posts, 1, "no second timer message");
    // Another member may run their own.
    let theirs = bot
        .member(MEMBER_B)
        .run_command::<&str>("story practice", [])
        .await;
    assert!(
        theirs.content.starts_with("Timer started"),
        "{}",
        theirs.content
    );
}

/// DELETEs of channel messages the fake saw, as (message id, status).
fn post_deletes(bot: &TestBot) -> Vec<(String, u16)> {
    bot.fake
        .calls()
        .iter()
        .filter(|c| c.method == "DELETE" && c.path.contains("/channels/"))
        .map(|c| {
            (
                c.path.rsplit('/').next().unwrap_or_default().to_owned(),
                c.status,
            )
        })
        .collect()
}

#[tokio::test]
async fn a_post_whose_delete_failed_is_deleted_by_the_next_unshare() {
    let bot = TestBot::start().await;
    write_story(&bot, MEMBER_A).await;
    bot.run_command::<&str>("story share", []).await;
    let post = shared_post(&bot).await;
    let post_id = bot
        .fake
        .message_with_component(&post.button("Remove"))
        .expect("the post");
    bot.fake.fail(
        "DELETE",
        "/messages/",
        crate::support::Fault::ServerError,
        Some(1),
    );
    let first = bot.run_command::<&str>("story unshare", []).await;
    assert!(
        first.content.contains("could not be deleted right now"),
        "{}",
        first.content
    );
    // It takes no feedback meanwhile.
    let form = bot
        .member(MEMBER_B)
        .click(&post.button("Give feedback"))
        .await;
    assert_ne!(form.kind, 9, "no form for a removed story: {form:?}");
    let second = bot.run_command::<&str>("story unshare", []).await;
    assert!(
        second.content.starts_with("Removed 1 shared post."),
        "{}",
        second.content
    );
    assert_eq!(
        post_deletes(&bot),
        vec![(post_id.clone(), 500), (post_id, 204)]
    );
    let third = bot.run_command::<&str>("story unshare", []).await;
    assert!(
        third.content.contains("no shared story posts"),
        "{}",
        third.content
    );
}

#[tokio::test]
async fn a_post_made_before_a_crash_is_found_in_its_channel_and_can_be_removed() {
    let bot = TestBot::start().await;
    write_story(&bot, MEMBER_A).await;
    bot.run_command::<&str>("story share", []).await;
    let post = shared_post(&bot).await;
    let post_id = bot
        .fake
        .message_with_component(&post.button("Remove"))
        .expect("the post");
    // The process died after Discord created the post and before it was recorded.
    crate::support::db::Db::open(&bot.db_url)
        .await
        .execute("UPDATE story_shares SET message_id = NULL")
        .await;
    // A share this recent may still be posting; after a restart, it is looked for.
    bot.clock.advance(chrono::Duration::minutes(3));
    let removed = bot.run_command::<&str>("story unshare", []).await;
    assert!(
        removed.content.starts_with("Removed 1 shared post."),
        "{}",
        removed.content
    );
    assert_eq!(post_deletes(&bot), vec![(post_id, 204)]);
}
