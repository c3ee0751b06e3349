//! The fake answers like Discord where later features depend on it: DMs, faults, nonces.
//! Driven through serenity's own HTTP client, as the bot's code will be.

use poise::serenity_prelude as serenity;
use serde_json::json;

use crate::support::{FakeDiscord, Fault, TEST_TOKEN};

fn http_for(fake: &FakeDiscord) -> serenity::Http {
    serenity::HttpBuilder::new(TEST_TOKEN)
        .proxy(fake.api_base.clone())
        .ratelimiter_disabled(true)
        .build()
}

fn status_and_code(error: serenity::Error) -> (u16, isize) {
    match error {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(e)) => {
            (e.status_code.as_u16(), e.error.code)
        }
        other => panic!("expected an unsuccessful request, got {other:?}"),
    }
}

const MEMBER: u64 = 100_000_000_000_000_042;

#[tokio::test]
async fn direct_messages_open_a_channel_then_post_to_it() {
    let fake = FakeDiscord::start().await;
    let http = http_for(&fake);
    let channel = serenity::UserId::new(MEMBER)
        .create_dm_channel(&http)
        .await
        .expect("DM channel");
    let sent = channel
        .id
        .send_message(&http, serenity::CreateMessage::new().content("hello"))
        .await
        .expect("message");
    assert_eq!(sent.content, "hello");
    let calls = fake.calls();
    assert!(calls[0].is("POST", "/api/v10/users/@me/channels"));
    assert_eq!(calls[0].body["recipient_id"], json!(MEMBER.to_string()));
    assert!(calls[1].is(
        "POST",
        &format!("/api/v10/channels/{}/messages", channel.id)
    ));
}

#[tokio::test]
async fn closed_dms_answer_403_with_code_50007() {
    let fake = FakeDiscord::start().await;
    fake.fail("POST", "/messages", Fault::DmsClosed, Some(1));
    let http = http_for(&fake);
    let channel = serenity::UserId::new(MEMBER)
        .create_dm_channel(&http)
        .await
        .expect("channel");
    let err = channel
        .id
        .send_message(&http, serenity::CreateMessage::new().content("nudge"))
        .await
        .expect_err("DMs are closed");
    assert_eq!(status_and_code(err), (403, 50007));
    // Only once: the next send goes through.
    channel
        .id
        .send_message(&http, serenity::CreateMessage::new().content("nudge"))
        .await
        .expect("second send succeeds");
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_injected_per_route() {
    let fake = FakeDiscord::start().await;
    fake.fail(
        "POST",
        "/users/@me/channels",
        Fault::RateLimited { retry_after: 1.5 },
        Some(1),
    );
    fake.fail("POST", "/messages", Fault::ServerError, None);
    let http = http_for(&fake);
    let err = serenity::UserId::new(MEMBER)
        .create_dm_channel(&http)
        .await
        .expect_err("rate limited");
    assert_eq!(status_and_code(err).0, 429);
    let limited = fake.calls().remove(0);
    assert_eq!(limited.status, 429);

    let channel = serenity::UserId::new(MEMBER)
        .create_dm_channel(&http)
        .await
        .expect("channel");
    for _ in 0..2 {
        let err = channel
            .id
            .send_message(&http, serenity::CreateMessage::new().content("x"))
            .await
            .expect_err("500");
        assert_eq!(status_and_code(err).0, 500);
    }
}

#[tokio::test]
async fn an_enforced_nonce_returns_the_first_message_instead_of_a_second() {
    let fake = FakeDiscord::start().await;
    let http = http_for(&fake);
    let channel = serenity::UserId::new(MEMBER)
        .create_dm_channel(&http)
        .await
        .expect("channel");
    let send = || {
        channel.id.send_message(
            &http,
            serenity::CreateMessage::new()
                .content("follow up with Dr. Lopez")
                .nonce(serenity::Nonce::String("nudge-17".into()))
                .enforce_nonce(true),
        )
    };
    let first = send().await.expect("first");
    let second = send().await.expect("second");
    assert_eq!(first.id, second.id);
}

#[test]
#[should_panic(expected = "serenity")]
fn an_event_serenity_would_drop_fails_loudly() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let fake = FakeDiscord::start().await;
        // An interaction without its required keys would vanish inside serenity.
        fake.dispatch("INTERACTION_CREATE", json!({"id": "1", "type": 2}));
    });
}
