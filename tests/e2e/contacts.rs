//! `/contact` and `/network` end to end: capture, cards, forms, lists, history, privacy.

use chrono::NaiveDate;
use emig_bot::domain::contact::{ContactFilter, ContactId, ContactSort, MentorKind, MetKind};
use emig_bot::domain::UserId;

use crate::support::{OptValue, TestBot, MEMBER_A, MEMBER_B};

fn today() -> NaiveDate {
    // 25 Nov 2026, 09:00 in the default zone (America/New_York).
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
}

async fn ids_of(bot: &TestBot, owner: u64) -> Vec<ContactId> {
    bot.store
        .list_contacts(
            UserId(owner),
            &ContactFilter::default(),
            ContactSort::Name,
            0,
            100,
        )
        .await
        .expect("list")
        .contacts
        .iter()
        .map(|c| c.id)
        .collect()
}

async fn add_named(bot: &TestBot, owner: u64, name: &str) -> ContactId {
    let before = ids_of(bot, owner).await;
    bot.member(owner)
        .run_command("contact add", [("name", name)])
        .await;
    ids_of(bot, owner)
        .await
        .into_iter()
        .find(|id| !before.contains(id))
        .expect("a new contact")
}

fn pick(id: ContactId) -> OptValue {
    OptValue::Str(format!("#{id}"))
}

#[tokio::test]
async fn add_saves_at_once_and_shows_the_card() {
    let bot = TestBot::start().await;
    let reply = bot
        .run_command(
            "contact add",
            [
                ("name", OptValue::from("Dr. Ana Lopez")),
                (
                    "role",
                    bot.choice("contact add", "role", "Program director"),
                ),
                ("institution", "Hospital Y".into()),
                (
                    "how-met",
                    bot.choice("contact add", "how-met", "Conference"),
                ),
                ("where-met", "SAEM 2026".into()),
                ("when-met", "3 days ago".into()),
                (
                    "relationship",
                    bot.choice("contact add", "relationship", "Mentor"),
                ),
                (
                    "mentor-kind",
                    bot.choice("contact add", "mentor-kind", "Application (match, SLOEs)"),
                ),
                ("talked-about", "her ultrasound fellowship".into()),
                ("email", "ana@example.org".into()),
                ("tags", "ultrasound, #SLOE".into()),
            ],
        )
        .await;
    assert!(reply.ephemeral, "{reply:?}");
    assert!(reply.pings_nobody());
    assert!(
        reply
            .content
            .contains("**Dr. Ana Lopez** — Program director, Hospital Y"),
        "{}",
        reply.content
    );
    assert!(
        reply
            .content
            .contains("Met: Sun 22 Nov 2026 · Conference · SAEM 2026"),
        "{}",
        reply.content
    );
    assert!(
        reply
            .content
            .contains("Follow-up: Follow up after meeting — ideally Wed 25 Nov 2026, at the latest Fri 27 Nov 2026"),
        "{}",
        reply.content
    );
    reply.button("Add details");

    let ids = ids_of(&bot, MEMBER_A).await;
    let saved = bot
        .store
        .contact(UserId(MEMBER_A), ids[0])
        .await
        .expect("read")
        .expect("saved");
    assert_eq!(saved.met.kind, Some(MetKind::Conference));
    assert_eq!(saved.mentor_kind, Some(MentorKind::Application));
    assert_eq!(saved.tags, vec!["ultrasound", "sloe"]);
    assert_eq!(
        saved.met_on,
        NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
    );
}

#[tokio::test]
async fn only_the_name_is_needed_and_when_met_defaults_to_today() {
    let bot = TestBot::start().await;
    let id = add_named(&bot, MEMBER_A, "Sam Park").await;
    let saved = bot
        .store
        .contact(UserId(MEMBER_A), id)
        .await
        .expect("read")
        .expect("saved");
    assert_eq!(saved.met_on, today());
    assert_eq!(saved.role, None);
}

#[tokio::test]
async fn bad_input_is_refused_with_a_sentence_and_nothing_is_stored() {
    let bot = TestBot::start().await;
    let cases: Vec<(Vec<(&str, OptValue)>, &str)> = vec![
        (
            vec![("name", "Ana".into()), ("email", "ana-at-example".into())],
            "is not an email address",
        ),
        (
            vec![("name", "Ana".into()), ("when-met", "12/03".into())],
            "day-first or month-first",
        ),
        (
            vec![("name", "Ana".into()), ("when-met", "soonish".into())],
            "can't read",
        ),
        (
            vec![("name", "Ana".into()), ("when-met", "tomorrow".into())],
            "in the future",
        ),
        (vec![("name", "   ".into())], "can't be empty"),
        (
            vec![("name", "Ana".into()), ("tags", "no/slash".into())],
            "Tag",
        ),
        (
            vec![("name", "Ana".into()), ("phone", "call me".into())],
            "not a phone number",
        ),
        (
            vec![
                ("name", "Ana".into()),
                (
                    "mentor-kind",
                    bot.choice("contact add", "mentor-kind", "Career"),
                ),
            ],
            "only to mentors",
        ),
    ];
    for (options, says) in cases {
        let reply = bot.run_command("contact add", options).await;
        assert!(reply.ephemeral);
        assert!(
            reply.content.contains(says),
            "expected {says:?} in {}",
            reply.content
        );
        assert!(
            reply.content.lines().count() <= 2,
            "short: {}",
            reply.content
        );
    }
    assert!(ids_of(&bot, MEMBER_A).await.is_empty());
}

#[tokio::test]
async fn a_duplicate_name_is_saved_with_a_warning_showing_the_first() {
    let bot = TestBot::start().await;
    bot.run_command(
        "contact add",
        [("name", "Ana Lopez"), ("institution", "Hospital Y")],
    )
    .await;
    let reply = bot
        .run_command("contact add", [("name", "ana lopez")])
        .await;
    assert!(
        reply
            .content
            .contains("you already had a contact with this name"),
        "{}",
        reply.content
    );
    assert!(reply.content.contains("Hospital Y"), "{}", reply.content);
    assert_eq!(ids_of(&bot, MEMBER_A).await.len(), 2);
}

#[tokio::test]
async fn the_details_form_saves_the_long_fields() {
    let bot = TestBot::start().await;
    let added = bot.run_command("contact add", [("name", "Ana")]).await;
    let form = bot
        .member(MEMBER_A)
        .click(&added.button("Add details"))
        .await;
    let form_id = form.modal_id();
    let fields: Vec<String> = form.modal_fields().into_iter().map(|(id, _)| id).collect();
    assert_eq!(fields, vec!["callback", "email", "handle", "tags", "notes"]);

    let saved = bot
        .member(MEMBER_A)
        .submit_modal(
            &form_id,
            &[
                ("callback", "sim curriculum"),
                ("email", ""),
                ("handle", ""),
                ("tags", "sim, education"),
                ("notes", "met at the EMIG dinner"),
            ],
        )
        .await;
    assert!(saved.ephemeral);
    assert!(
        saved.content.contains("Talked about: sim curriculum"),
        "{}",
        saved.content
    );
    let id = ids_of(&bot, MEMBER_A).await[0];
    let c = bot
        .store
        .contact(UserId(MEMBER_A), id)
        .await
        .expect("read")
        .expect("saved");
    assert_eq!(c.tags, vec!["sim", "education"]);
    assert_eq!(c.notes.as_deref(), Some("met at the EMIG dinner"));

    // The form just saved is out of date now: submitting it again is refused.
    let again = bot
        .member(MEMBER_A)
        .submit_modal(
            &form_id,
            &[
                ("callback", "older"),
                ("email", ""),
                ("handle", ""),
                ("tags", ""),
                ("notes", ""),
            ],
        )
        .await;
    assert!(
        again.content.contains("changed after you opened"),
        "{}",
        again.content
    );

    // A bad email in a fresh form is refused and changes nothing.
    let fresh = bot
        .member(MEMBER_A)
        .click(&added.button("Add details"))
        .await;
    let refused = bot
        .member(MEMBER_A)
        .submit_modal(
            &fresh.modal_id(),
            &[
                ("callback", "changed"),
                ("email", "nope"),
                ("handle", ""),
                ("tags", ""),
                ("notes", ""),
            ],
        )
        .await;
    assert!(
        refused.content.contains("not an email address"),
        "{}",
        refused.content
    );
    let c = bot
        .store
        .contact(UserId(MEMBER_A), id)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(c.callback.as_deref(), Some("sim curriculum"));
}

#[tokio::test]
async fn autocomplete_offers_own_contacts_and_a_pick_carries_the_id() {
    let bot = TestBot::start().await;
    bot.run_command(
        "contact add",
        [("name", "Ana Lopez"), ("institution", "Hospital Y")],
    )
    .await;
    bot.run_command("contact add", [("name", "Joanna Smith")])
        .await;
    add_named(&bot, MEMBER_B, "Anatoly Other").await;

    let choices = bot
        .member(MEMBER_A)
        .autocomplete("contact show", [("contact", "an")], "contact")
        .await;
    let names: Vec<&str> = choices.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["Ana Lopez — Hospital Y", "Joanna Smith"]);
    let ana = &choices[0].1;
    assert!(ana.starts_with('#'));

    let shown = bot
        .run_command("contact show", [("contact", ana.as_str())])
        .await;
    assert!(shown.content.contains("**Ana Lopez**"), "{}", shown.content);
    assert!(
        shown.content.contains("No interactions logged yet"),
        "{}",
        shown.content
    );
    // Typing the exact name works too, in any case.
    let typed = bot
        .run_command("contact show", [("contact", "ANA LOPEZ")])
        .await;
    assert!(typed.content.contains("**Ana Lopez**"), "{}", typed.content);
    let missing = bot
        .run_command("contact show", [("contact", "Nobody")])
        .await;
    assert!(
        missing.content.contains("can't find that contact"),
        "{}",
        missing.content
    );
}

#[tokio::test]
async fn namesakes_are_listed_to_pick_from() {
    let bot = TestBot::start().await;
    bot.run_command(
        "contact add",
        [("name", "Chris Lee"), ("institution", "Mercy")],
    )
    .await;
    bot.run_command(
        "contact add",
        [("name", "Chris Lee"), ("institution", "County")],
    )
    .await;
    let list = bot
        .run_command("contact show", [("contact", "chris lee")])
        .await;
    assert!(
        list.content.contains("2 contacts named"),
        "{}",
        list.content
    );
    assert!(list.content.contains("Mercy") && list.content.contains("County"));
    let shown = bot.member(MEMBER_A).click(&list.button("Show 1")).await;
    assert!(shown.content.contains("**Chris Lee**"), "{}", shown.content);
}

#[tokio::test]
async fn edit_changes_only_given_fields_and_without_fields_opens_a_prefilled_form() {
    let bot = TestBot::start().await;
    let id = add_named(&bot, MEMBER_A, "Ana").await;
    bot.run_command(
        "contact edit",
        [
            ("contact", pick(id)),
            ("email", "ana@example.org".into()),
            ("institution", "Mercy".into()),
        ],
    )
    .await;
    let edited = bot
        .run_command(
            "contact edit",
            [
                ("contact", pick(id)),
                ("institution", "-".into()),
                ("tags", "peds".into()),
            ],
        )
        .await;
    assert!(edited.content.starts_with("Updated."), "{}", edited.content);
    let c = bot
        .store
        .contact(UserId(MEMBER_A), id)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(c.institution, None, "- clears");
    assert_eq!(c.email.as_deref(), Some("ana@example.org"), "untouched");
    assert_eq!(c.tags, vec!["peds"]);

    let form = bot
        .run_command("contact edit", [("contact", pick(id))])
        .await;
    let fields = form.modal_fields();
    assert!(
        fields.contains(&("email".to_owned(), "ana@example.org".to_owned())),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("tags".to_owned(), "peds".to_owned())),
        "{fields:?}"
    );
    bot.member(MEMBER_A)
        .submit_modal(
            &form.modal_id(),
            &[
                ("callback", "EMS"),
                ("email", "ana@example.org"),
                ("handle", ""),
                ("tags", "peds"),
                ("notes", ""),
            ],
        )
        .await;
    let c = bot
        .store
        .contact(UserId(MEMBER_A), id)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(c.callback.as_deref(), Some("EMS"));
}

#[tokio::test]
async fn delete_asks_then_removes_and_keep_changes_nothing() {
    let bot = TestBot::start().await;
    let id = add_named(&bot, MEMBER_A, "Ana").await;
    let ask = bot
        .run_command("contact delete", [("contact", pick(id))])
        .await;
    let kept = bot.member(MEMBER_A).click(&ask.button("Keep")).await;
    assert!(kept.content.contains("Nothing was deleted"));
    assert!(bot
        .store
        .contact(UserId(MEMBER_A), id)
        .await
        .expect("read")
        .is_some());
    let done = bot.member(MEMBER_A).click(&ask.button("Delete")).await;
    assert_eq!(done.kind, 7);
    assert!(done.content.starts_with("Deleted"), "{}", done.content);
    assert!(bot
        .store
        .contact(UserId(MEMBER_A), id)
        .await
        .expect("read")
        .is_none());
    let again = bot.member(MEMBER_A).click(&ask.button("Delete")).await;
    assert!(
        again.content.contains("no longer exists"),
        "{}",
        again.content
    );
}

#[tokio::test]
async fn list_pages_ten_at_a_time_with_buttons() {
    let bot = TestBot::start().await;
    for i in 0..23 {
        bot.run_command("contact add", [("name", format!("Contact {i:02}"))])
            .await;
    }
    let first = bot.run_command::<&str>("contact list", []).await;
    assert!(
        first.content.contains("page 1 of 3 · 23 in all"),
        "{}",
        first.content
    );
    assert_eq!(
        first.content.lines().filter(|l| l.starts_with('•')).count(),
        10
    );
    assert!(first.button_disabled("◀ Previous"));
    let second = bot.member(MEMBER_A).click(&first.button("Next ▶")).await;
    assert_eq!(second.kind, 7, "the list is edited in place");
    assert!(second.content.contains("page 2 of 3"), "{}", second.content);
    assert!(second.content.contains("Contact 10"));
    let third = bot.member(MEMBER_A).click(&second.button("Next ▶")).await;
    assert_eq!(
        third.content.lines().filter(|l| l.starts_with('•')).count(),
        3
    );
    assert!(third.button_disabled("Next ▶"));
    // Someone else cannot page through it.
    let stranger = bot.member(MEMBER_B).click(&first.button("Next ▶")).await;
    assert!(
        stranger.content.contains("someone else's"),
        "{}",
        stranger.content
    );
}

#[tokio::test]
async fn list_filters_by_tag_relationship_and_how_met() {
    let bot = TestBot::start().await;
    bot.run_command(
        "contact add",
        [
            ("name", OptValue::from("A")),
            ("tags", "sim".into()),
            (
                "relationship",
                bot.choice("contact add", "relationship", "Sponsor"),
            ),
        ],
    )
    .await;
    bot.run_command(
        "contact add",
        [
            ("name", OptValue::from("B")),
            (
                "how-met",
                bot.choice("contact add", "how-met", "Residency fair"),
            ),
        ],
    )
    .await;
    let by_tag = bot.run_command("contact list", [("tag", "#SIM")]).await;
    assert!(
        by_tag.content.contains("1 in all") && by_tag.content.contains("**A**"),
        "{}",
        by_tag.content
    );
    let sponsors = bot
        .run_command(
            "contact list",
            [(
                "relationship",
                bot.choice("contact list", "relationship", "Sponsor"),
            )],
        )
        .await;
    assert!(
        sponsors.content.contains("**A**") && !sponsors.content.contains("**B**"),
        "{}",
        sponsors.content
    );
    let fair = bot
        .run_command(
            "contact list",
            [(
                "how-met",
                bot.choice("contact list", "how-met", "Residency fair"),
            )],
        )
        .await;
    assert!(
        fair.content.contains("**B**") && !fair.content.contains("**A**"),
        "{}",
        fair.content
    );
    let none = bot.run_command("contact list", [("tag", "nothing")]).await;
    assert!(
        none.content.contains("No contacts match"),
        "{}",
        none.content
    );
}

#[tokio::test]
async fn find_looks_through_the_text_fields() {
    let bot = TestBot::start().await;
    bot.run_command(
        "contact add",
        [("name", "Dr. Ray"), ("talked-about", "toxicology elective")],
    )
    .await;
    bot.run_command("contact add", [("name", "Dr. Kim")]).await;
    let hits = bot.run_command("contact find", [("text", "TOXIC")]).await;
    assert!(
        hits.content.contains("Dr. Ray") && !hits.content.contains("Dr. Kim"),
        "{}",
        hits.content
    );
    let none = bot
        .run_command("contact find", [("text", "cardiology")])
        .await;
    assert!(
        none.content.contains("No contact mentions"),
        "{}",
        none.content
    );
}

#[tokio::test]
async fn log_records_history_shown_on_the_card() {
    let bot = TestBot::start().await;
    let id = add_named(&bot, MEMBER_A, "Ana").await;
    let logged = bot
        .run_command(
            "contact log",
            [
                ("contact", pick(id)),
                ("kind", bot.choice("contact log", "kind", "Thanks")),
                ("note", "for the SLOE advice".into()),
                ("date", "yesterday".into()),
            ],
        )
        .await;
    assert!(
        logged
            .content
            .contains("Logged **Thanks** with Ana on Tue 24 Nov 2026"),
        "{}",
        logged.content
    );
    let refused = bot
        .run_command(
            "contact log",
            [
                ("contact", pick(id)),
                (
                    "kind",
                    bot.choice("contact log", "kind", "Ask (letter, favour, introduction)"),
                ),
                ("date", "next monday".into()),
            ],
        )
        .await;
    assert!(
        refused.content.contains("in the future"),
        "{}",
        refused.content
    );
    let shown = bot
        .run_command("contact show", [("contact", pick(id))])
        .await;
    assert!(
        shown
            .content
            .contains("Tue 24 Nov 2026 — Thanks: for the SLOE advice"),
        "{}",
        shown.content
    );
    assert_eq!(
        bot.store
            .interactions(UserId(MEMBER_A), id)
            .await
            .expect("history")
            .len(),
        1
    );
}

#[tokio::test]
async fn when_autocomplete_previews_the_date() {
    let bot = TestBot::start().await;
    let choices = bot
        .member(MEMBER_A)
        .autocomplete(
            "contact add",
            [("name", "Ana"), ("when-met", "3 days ago")],
            "when-met",
        )
        .await;
    assert_eq!(
        choices,
        vec![(
            "Sun 22 Nov 2026 — 3 days ago".to_owned(),
            "2026-11-22".to_owned()
        )]
    );
    let bad = bot
        .member(MEMBER_A)
        .autocomplete(
            "contact add",
            [("name", "Ana"), ("when-met", "12/03")],
            "when-met",
        )
        .await;
    assert!(bad[0].0.contains("day-first"), "{bad:?}");
}

#[tokio::test]
async fn names_with_markup_are_kept_as_typed_and_shown_escaped() {
    let bot = TestBot::start().await;
    let name = "@everyone **Bold** <@123> `code`";
    let reply = bot.run_command("contact add", [("name", name)]).await;
    assert!(reply.pings_nobody());
    // Every @ and < the member typed is escaped, so nothing renders as a mention.
    assert!(reply.content.contains("\\@everyone"), "{}", reply.content);
    assert!(reply.content.contains("\\<\\@123\\>"), "{}", reply.content);
    assert!(
        !reply.content.contains(" @everyone") && !reply.content.contains(" <@123>"),
        "{}",
        reply.content
    );
    assert!(
        reply.content.contains("\\*\\*Bold\\*\\*"),
        "{}",
        reply.content
    );
    let id = ids_of(&bot, MEMBER_A).await[0];
    let c = bot
        .store
        .contact(UserId(MEMBER_A), id)
        .await
        .expect("read")
        .expect("saved");
    assert_eq!(c.name, name);
}

#[tokio::test]
async fn quick_add_reads_one_line_and_names_what_is_missing() {
    let bot = TestBot::start().await;
    let reply = bot
        .run_command(
            "contact quick",
            [(
                "text",
                "Dr. Ana Lopez <ana@example.org>, PD at Hospital Y, met at SAEM",
            )],
        )
        .await;
    assert!(
        reply
            .content
            .contains("**Dr. Ana Lopez** — Program director, Hospital Y"),
        "{}",
        reply.content
    );
    assert!(
        !reply.content.contains("Still missing"),
        "{}",
        reply.content
    );
    let partial = bot
        .run_command("contact quick", [("text", "Sam Park, resident")])
        .await;
    assert!(
        partial
            .content
            .contains("Still missing: institution, how you met"),
        "{}",
        partial.content
    );
    let bad = bot
        .run_command("contact quick", [("text", "Ana <ana@nowhere>")])
        .await;
    assert!(
        bad.content.contains("not an email address"),
        "{}",
        bad.content
    );
    assert_eq!(ids_of(&bot, MEMBER_A).await.len(), 2);
}

#[tokio::test]
async fn add_as_contact_prefills_name_and_handle_from_the_member() {
    let bot = TestBot::start().await;
    let form = bot
        .member(MEMBER_A)
        .user_menu("Add as contact", MEMBER_B)
        .await;
    let fields = form.modal_fields();
    assert!(
        fields.contains(&("name".to_owned(), format!("Member {MEMBER_B}"))),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("handle".to_owned(), format!("@member{MEMBER_B} (Discord)"))),
        "{fields:?}"
    );
    let saved = bot
        .member(MEMBER_A)
        .submit_modal(
            &form.modal_id(),
            &[
                ("name", "Jamie (MS4)"),
                ("handle", "@jamie"),
                ("institution", "State U"),
                ("where", "SAEM residency fair"),
                ("callback", ""),
            ],
        )
        .await;
    assert!(
        saved.content.contains("**Jamie (MS4)**"),
        "{}",
        saved.content
    );
    let id = ids_of(&bot, MEMBER_A).await[0];
    let c = bot
        .store
        .contact(UserId(MEMBER_A), id)
        .await
        .expect("read")
        .expect("saved");
    assert_eq!(c.met.kind, Some(MetKind::ResidencyFair));
    assert_eq!(c.handle.as_deref(), Some("@jamie"));
}

#[tokio::test]
async fn a_message_is_saved_as_a_note_on_a_chosen_or_new_contact() {
    let bot = TestBot::start().await;
    let ana = add_named(&bot, MEMBER_A, "Ana").await;
    let ask = bot
        .member(MEMBER_A)
        .message_menu(
            "Save as contact note",
            "Apply to the sim fellowship by March",
        )
        .await;
    let (select_id, options) = ask.select_menu();
    assert_eq!(options, vec![("Ana".to_owned(), ana.to_string())]);
    let saved = bot
        .member(MEMBER_A)
        .select(&select_id, &[&ana.to_string()])
        .await;
    assert!(
        saved.content.contains("Saved to **Ana**'s notes"),
        "{}",
        saved.content
    );
    let c = bot
        .store
        .contact(UserId(MEMBER_A), ana)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(
        c.notes.as_deref(),
        Some("2026-11-25: Apply to the sim fellowship by March")
    );
    let twice = bot
        .member(MEMBER_A)
        .select(&select_id, &[&ana.to_string()])
        .await;
    assert!(twice.content.contains("already saved"), "{}", twice.content);

    let ask = bot
        .member(MEMBER_A)
        .message_menu("Save as contact note", "Great talk on POCUS")
        .await;
    let form = bot
        .member(MEMBER_A)
        .click(&ask.button("Someone else…"))
        .await;
    let created = bot
        .member(MEMBER_A)
        .submit_modal(&form.modal_id(), &[("name", "Dr. Speaker")])
        .await;
    assert!(
        created.content.contains("**Dr. Speaker**"),
        "{}",
        created.content
    );
    assert!(
        created.content.contains("Great talk on POCUS"),
        "{}",
        created.content
    );
}

#[tokio::test]
async fn network_shows_gaps_quiet_contacts_asks_and_stage_steps() {
    let bot = TestBot::start().await;
    let m3 = bot.choice("me stage", "stage", "M3 (third-year medical student)");
    bot.run_command("me stage", [("stage", m3)]).await;
    bot.run_command(
        "contact add",
        [
            ("name", OptValue::from("Dr. Career")),
            (
                "relationship",
                bot.choice("contact add", "relationship", "Mentor"),
            ),
            (
                "mentor-kind",
                bot.choice("contact add", "mentor-kind", "Career"),
            ),
        ],
    )
    .await;
    bot.run_command(
        "contact add",
        [
            ("name", OptValue::from("Old Friend")),
            ("when-met", "2026-01-10".into()),
        ],
    )
    .await;
    let pd = add_named(&bot, MEMBER_A, "Dr. PD").await;
    for _ in 0..2 {
        bot.run_command(
            "contact log",
            [
                ("contact", pick(pd)),
                (
                    "kind",
                    bot.choice("contact log", "kind", "Ask (letter, favour, introduction)"),
                ),
            ],
        )
        .await;
    }
    let map = bot.run_command::<&str>("network", []).await;
    assert!(map.ephemeral);
    let text = &map.content;
    assert!(text.contains("3 contacts"), "{text}");
    assert!(text.contains("Mentor 1"), "{text}");
    assert!(
        text.contains("a content mentor (a niche") && text.contains("a sponsor"),
        "{text}"
    );
    assert!(text.contains("Old Friend — 319 days"), "{text}");
    assert!(
        text.contains("Mostly asking") && text.contains("Only asks so far with: Dr. PD"),
        "{text}"
    );
    assert!(
        text.contains("permission to stay in touch"),
        "M3 step: {text}"
    );
}

#[tokio::test]
async fn another_member_sees_only_not_found_for_every_contact_command() {
    let bot = TestBot::start().await;
    let added = bot
        .run_command("contact add", [("name", "Private Person")])
        .await;
    let id = ids_of(&bot, MEMBER_A).await[0];
    let b = bot.member(MEMBER_B);

    for (path, extra) in [
        ("contact show", vec![]),
        ("contact edit", vec![("notes", OptValue::from("hijacked"))]),
        ("contact edit", vec![]),
        ("contact delete", vec![]),
        (
            "contact log",
            vec![("kind", bot.choice("contact log", "kind", "Thanks"))],
        ),
    ] {
        let mut options = vec![("contact", pick(id))];
        options.extend(extra);
        let reply = b.run_command(path, options).await;
        assert!(reply.ephemeral);
        assert!(
            reply.content.contains("can't find that contact"),
            "{path}: {}",
            reply.content
        );
        assert!(
            !reply.content.contains("Private Person"),
            "{path} leaked: {}",
            reply.content
        );
    }
    let by_name = b
        .run_command("contact show", [("contact", "Private Person")])
        .await;
    assert!(by_name.content.contains("can't find that contact"));
    assert!(b
        .autocomplete("contact show", [("contact", "priv")], "contact")
        .await
        .is_empty());
    let found = b.run_command("contact find", [("text", "private")]).await;
    assert!(
        found.content.contains("No contact mentions"),
        "{}",
        found.content
    );
    let listed = b.run_command::<&str>("contact list", []).await;
    assert!(listed.content.contains("empty"), "{}", listed.content);

    // A's buttons refuse B; ids B forges for itself find nothing.
    let details = b.click(&added.button("Add details")).await;
    assert!(
        details.content.contains("someone else's"),
        "{}",
        details.content
    );
    let forged_show = format!("emig:c-show:{MEMBER_B}:{id}");
    assert!(b
        .click(&forged_show)
        .await
        .content
        .contains("can't find that contact"));
    let forged_delete = format!("emig:c-delete-yes:{MEMBER_B}:{id}");
    assert!(b
        .click(&forged_delete)
        .await
        .content
        .contains("no longer exists"));
    let forged_form = format!("emig:c-details-form:{MEMBER_B}:{id}");
    let submitted = b
        .submit_modal(
            &forged_form,
            &[
                ("callback", "x"),
                ("email", ""),
                ("handle", ""),
                ("tags", ""),
                ("notes", "hijacked"),
            ],
        )
        .await;
    assert!(
        submitted.content.contains("can't find that contact"),
        "{}",
        submitted.content
    );

    let c = bot
        .store
        .contact(UserId(MEMBER_A), id)
        .await
        .expect("read")
        .expect("untouched");
    assert_eq!(c.notes, None);
    assert!(bot
        .store
        .interactions(UserId(MEMBER_A), id)
        .await
        .expect("history")
        .is_empty());
}
