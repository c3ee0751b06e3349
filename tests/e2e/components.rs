//! Buttons and forms the bot no longer knows get a clear answer instead of "interaction failed".

use crate::support::{TestBot, MEMBER_A};

#[tokio::test]
async fn a_stale_button_says_to_run_the_command_again() {
    let bot = TestBot::start().await;
    for custom_id in ["emig:retired-action:1", "something-else"] {
        let reply = bot.member(MEMBER_A).click(custom_id).await;
        assert_eq!(reply.kind, 4);
        assert!(reply.ephemeral);
        assert!(
            reply.content.contains("no longer active"),
            "{}",
            reply.content
        );
    }
}

#[tokio::test]
async fn a_stale_form_says_nothing_was_saved() {
    let bot = TestBot::start().await;
    let reply = bot
        .member(MEMBER_A)
        .submit_modal("emig:old-form:1", &[("notes", "some text")])
        .await;
    assert!(reply.ephemeral);
    assert!(
        reply.content.contains("nothing was saved"),
        "{}",
        reply.content
    );
}
