//! The one router of buttons, selects and forms: it decodes a custom id into an area's typed
//! component, checks who may use it before any handler runs, and dispatches with one
//! exhaustive match, so a component that is not routed does not compile.

use poise::serenity_prelude as serenity;

use super::commands::conference::{self, ConferenceComponent};
use super::commands::contact::{self, ContactComponent, NoteComponent};
use super::commands::fair::{self, FairComponent};
use super::commands::followup::{self, NudgeButton};
use super::commands::letter::{self, LetterComponent};
use super::commands::me::{self, MeButton};
use super::commands::program::{self, ProgramComponent};
use super::commands::story::{self, StoryComponent};
use super::interaction::{decode, Component, Incoming, RawId, NOT_YOURS, STALE_BUTTON, STALE_FORM};
use super::{CommandError, Data};
use crate::domain::UserId;

/// Every area's components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routed {
    Me(MeButton),
    Contact(ContactComponent),
    Note(NoteComponent),
    Nudge(NudgeButton),
    Story(StoryComponent),
    Conference(ConferenceComponent),
    Letter(LetterComponent),
    Program(ProgramComponent),
    Fair(FairComponent),
}

impl Routed {
    /// The component a custom id names, from whichever area owns its code.
    pub fn decode(raw: &RawId<'_>) -> Option<Routed> {
        decode(raw)
            .map(Routed::Me)
            .or_else(|| decode(raw).map(Routed::Contact))
            .or_else(|| decode(raw).map(Routed::Note))
            .or_else(|| decode(raw).map(Routed::Nudge))
            .or_else(|| decode(raw).map(Routed::Story))
            .or_else(|| decode(raw).map(Routed::Conference))
            .or_else(|| decode(raw).map(Routed::Letter))
            .or_else(|| decode(raw).map(Routed::Program))
            .or_else(|| decode(raw).map(Routed::Fair))
    }

    /// Whether its answer may be a form: Discord takes a form only as the first answer, so
    /// such a component is never deferred (its handler reads little before opening it).
    fn may_open_form(&self) -> bool {
        matches!(
            self,
            Routed::Contact(ContactComponent::Details { .. })
                | Routed::Note(NoteComponent::SomeoneElse { .. })
                | Routed::Story(StoryComponent::Feedback { .. })
        )
    }

    fn public_because(&self) -> Option<&'static str> {
        match self {
            Routed::Me(c) => c.public_because(),
            Routed::Contact(c) => c.public_because(),
            Routed::Note(c) => c.public_because(),
            Routed::Nudge(c) => c.public_because(),
            Routed::Story(c) => c.public_because(),
            Routed::Conference(c) => c.public_because(),
            Routed::Letter(c) => c.public_because(),
            Routed::Program(c) => c.public_because(),
            Routed::Fair(c) => c.public_because(),
        }
    }

    #[cfg(test)]
    fn custom_id(&self, owner: UserId) -> String {
        match self {
            Routed::Me(c) => c.custom_id(owner),
            Routed::Contact(c) => c.custom_id(owner),
            Routed::Note(c) => c.custom_id(owner),
            Routed::Nudge(c) => c.custom_id(owner),
            Routed::Story(c) => c.custom_id(owner),
            Routed::Conference(c) => c.custom_id(owner),
            Routed::Letter(c) => c.custom_id(owner),
            Routed::Program(c) => c.custom_id(owner),
            Routed::Fair(c) => c.custom_id(owner),
        }
    }
}

/// Who may use `routed`, clicked by `clicker` from an id made for `owner` (0 on public ones):
/// the member it was made for, or anyone for a public component (whose handler then checks
/// the click against where it came from).
fn may_use(routed: &Routed, owner: u64, clicker: UserId) -> bool {
    routed.public_because().is_some() || owner == clicker.get()
}

pub async fn on_event(
    framework: poise::FrameworkContext<'_, Data, CommandError>,
    event: &serenity::FullEvent,
) -> Result<(), CommandError> {
    if let serenity::FullEvent::Ready { data_about_bot } = event {
        let data = framework.user_data;
        let shard = data_about_bot.shard.map_or(0, |s| s.id.0);
        let all = {
            let mut ready = data.shards_ready.lock().unwrap_or_else(|p| p.into_inner());
            ready.insert(shard);
            ready.len() == data.shards.count() as usize
        };
        tracing::info!(shard, shards = %data.shards, "gateway shard connected");
        if all {
            tracing::info!(shards = %data.shards, "ready: every shard of this process is connected");
        }
        return Ok(());
    }
    if let serenity::FullEvent::GuildDelete { incomplete, .. } = event {
        // Removed from the server (an outage says `unavailable` and proves nothing).
        if !incomplete.unavailable {
            let data = framework.user_data;
            let forgotten = data
                .store
                .forget_guild(
                    crate::domain::GuildId(incomplete.id.get()),
                    data.clock.now(),
                )
                .await?;
            tracing::info!(
                chapter = forgotten.chapter,
                shares = forgotten.story_shares,
                "removed from a server: forgot what was shared there"
            );
        }
        return Ok(());
    }
    let serenity::FullEvent::InteractionCreate { interaction } = event else {
        return Ok(());
    };
    let (incoming, custom_id, stale) = match interaction {
        serenity::Interaction::Component(click) => (
            Incoming::click(click),
            click.data.custom_id.as_str(),
            STALE_BUTTON,
        ),
        serenity::Interaction::Modal(form) => (
            Incoming::form(form),
            form.data.custom_id.as_str(),
            STALE_FORM,
        ),
        _ => return Ok(()),
    };
    let ctx = framework.serenity_context;
    let data = framework.user_data;
    let Some(raw) = RawId::parse(custom_id) else {
        return incoming.say(ctx, stale).await;
    };
    let Some(routed) = Routed::decode(&raw) else {
        return incoming.say(ctx, stale).await;
    };
    let clicker = incoming.user();
    if !may_use(&routed, raw.owner, clicker) {
        return incoming.say(ctx, NOT_YOURS).await;
    }
    let area = format!("{routed:?}");
    let deferrable = !routed.may_open_form();
    let handle = async {
        match routed {
            Routed::Me(c) => me::on_component(ctx, data, &incoming, clicker, c).await,
            Routed::Contact(c) => {
                contact::on_contact_component(ctx, data, &incoming, clicker, c).await
            }
            Routed::Note(c) => contact::on_note_component(ctx, data, &incoming, clicker, c).await,
            Routed::Nudge(c) => followup::on_nudge_button(ctx, data, &incoming, clicker, c).await,
            Routed::Story(c) => story::on_component(ctx, data, &incoming, clicker, c).await,
            Routed::Conference(c) => {
                conference::on_component(ctx, data, &incoming, clicker, c).await
            }
            Routed::Letter(c) => letter::on_component(ctx, data, &incoming, clicker, c).await,
            Routed::Program(c) => program::on_component(ctx, data, &incoming, clicker, c).await,
            Routed::Fair(c) => fair::on_component(ctx, data, &incoming, clicker, c).await,
        }
    };
    tokio::pin!(handle);
    // Still working after `defer_after` (a busy database): acknowledge now, while the handler
    // is suspended, so Discord keeps the interaction; its answer follows as an edit or a
    // follow-up (see `Incoming`).
    let outcome = match tokio::time::timeout(data.defer_after, &mut handle).await {
        Ok(outcome) => outcome,
        Err(_) => {
            if deferrable {
                incoming.defer(ctx).await;
            }
            handle.await
        }
    };
    match outcome {
        Ok(()) => Ok(()),
        // A member-facing refusal: say it, change nothing.
        Err(CommandError::User(text)) => incoming.say(ctx, text).await,
        Err(internal) => {
            tracing::error!(component = %area, error = %super::error::chain(&internal), "component failed");
            incoming
                .say(ctx, super::error::internal_text(&data.store, &internal))
                .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_example() -> Vec<Routed> {
        let mut all: Vec<Routed> = Vec::new();
        all.extend(me::examples().into_iter().map(Routed::Me));
        all.extend(contact::contact_examples().into_iter().map(Routed::Contact));
        all.extend(contact::note_examples().into_iter().map(Routed::Note));
        all.extend(followup::examples().into_iter().map(Routed::Nudge));
        all.extend(story::examples().into_iter().map(Routed::Story));
        all.extend(conference::examples().into_iter().map(Routed::Conference));
        all.extend(letter::examples().into_iter().map(Routed::Letter));
        all.extend(program::examples().into_iter().map(Routed::Program));
        all.extend(fair::examples().into_iter().map(Routed::Fair));
        all
    }

    /// Also proves no two components share a code: one that did would decode as the other.
    #[test]
    fn every_component_round_trips_within_100_characters() {
        let owner = UserId(u64::MAX);
        for component in every_example() {
            let id = component.custom_id(owner);
            assert!(id.chars().count() <= 100, "{id}");
            let raw = RawId::parse(&id).unwrap_or_else(|| panic!("unreadable {id}"));
            assert_eq!(Routed::decode(&raw), Some(component.clone()), "{id}");
            let expected = if component.public_because().is_some() {
                0
            } else {
                owner.get()
            };
            assert_eq!(raw.owner, expected, "{id}");
        }
    }

    /// Buttons already posted (digests waiting in DMs, shared stories in channels) carry ids
    /// written before the typed components: each still decodes to what it meant.
    #[test]
    fn ids_posted_before_the_typed_components_still_decode() {
        let contact = crate::domain::contact::ContactId;
        let cases: Vec<(&str, Routed)> = vec![
            (
                "emig:me-delete-yes:42",
                Routed::Me(MeButton::DeleteConfirm { issued_at: None }),
            ),
            ("emig:me-delete-no:42", Routed::Me(MeButton::DeleteCancel)),
            (
                "emig:c-details:42:7",
                Routed::Contact(ContactComponent::Details {
                    contact: contact(7),
                }),
            ),
            (
                "emig:c-details-form:42:7",
                Routed::Contact(ContactComponent::DetailsForm {
                    contact: contact(7),
                    opened_at: None,
                }),
            ),
            (
                "emig:c-delete-yes:42:7",
                Routed::Contact(ContactComponent::DeleteConfirm {
                    contact: contact(7),
                }),
            ),
            (
                "emig:c-delete-no:42:7",
                Routed::Contact(ContactComponent::DeleteCancel {
                    contact: contact(7),
                }),
            ),
            (
                "emig:c-page:42:2:n:mentor::sim",
                Routed::Contact(ContactComponent::ListPage {
                    page: 2,
                    sort: crate::domain::contact::ContactSort::Name,
                    filter: crate::domain::contact::ContactFilter {
                        tag: Some("sim".into()),
                        relationship: Some(crate::domain::contact::Relationship::Mentor),
                        met_kind: None,
                    },
                }),
            ),
            (
                "emig:c-show:42:7",
                Routed::Contact(ContactComponent::Show {
                    contact: contact(7),
                }),
            ),
            (
                "emig:c-new-form:42",
                Routed::Contact(ContactComponent::NewContactForm),
            ),
            (
                "emig:n-target:42:5",
                Routed::Note(NoteComponent::Target { pending: 5 }),
            ),
            (
                "emig:n-else:42:5",
                Routed::Note(NoteComponent::SomeoneElse { pending: 5 }),
            ),
            (
                "emig:n-new-form:42:5",
                Routed::Note(NoteComponent::NewContactForm { pending: 5 }),
            ),
            (
                "emig:n-done:42:11:3",
                Routed::Nudge(NudgeButton::Done {
                    follow_up: 11,
                    digest: 3,
                }),
            ),
            (
                "emig:n-snooze:42:11:3:7",
                Routed::Nudge(NudgeButton::Snooze {
                    follow_up: 11,
                    digest: 3,
                    days: 7,
                }),
            ),
            (
                "emig:n-draft:42:11:3",
                Routed::Nudge(NudgeButton::Draft {
                    follow_up: 11,
                    digest: 3,
                }),
            ),
            ("emig:s-write:42", Routed::Story(StoryComponent::WriteForm)),
            (
                "emig:s-delete-yes:42:all",
                Routed::Story(StoryComponent::DeleteConfirm { which: None }),
            ),
            (
                "emig:s-delete-no:42:2",
                Routed::Story(StoryComponent::DeleteCancel { which: Some(2) }),
            ),
            (
                "emig:s-feedback:0:9",
                Routed::Story(StoryComponent::Feedback { share: 9 }),
            ),
            (
                "emig:s-feedback-form:0:9",
                Routed::Story(StoryComponent::FeedbackForm { share: 9 }),
            ),
            (
                "emig:s-remove:0:9",
                Routed::Story(StoryComponent::Remove { share: 9 }),
            ),
            (
                "emig:s-stop:42:123456789",
                Routed::Story(StoryComponent::PracticeStop { timer: 123456789 }),
            ),
        ];
        for (id, expected) in cases {
            let raw = RawId::parse(id).unwrap_or_else(|| panic!("unreadable {id}"));
            assert_eq!(Routed::decode(&raw), Some(expected), "{id}");
        }
    }

    #[test]
    fn malformed_or_foreign_ids_decode_to_nothing() {
        for id in [
            "emig:n-done:42:11",
            "emig:n-done:42:11:3:extra",
            "emig:n-snooze:42:11:3:999",
            "emig:c-page:42:x:n:::",
            "emig:c-page:42:1:n:nonsense::",
            "emig:s-delete-yes:42:0",
            "emig:unknown:42",
        ] {
            let raw = RawId::parse(id).expect("ours in shape");
            assert_eq!(Routed::decode(&raw), None, "{id}");
        }
    }

    proptest::proptest! {
        #![proptest_config(crate::domain::props_config())]

        /// Whatever a client sends as a custom id, decoding answers and never panics.
        #[test]
        fn any_custom_id_decodes_or_is_refused_without_panicking(
            id in proptest::prop_oneof![
                ".{0,120}",
                "emig:[a-z-]{1,16}:[0-9]{0,20}(:[0-9a-z-]{0,22}){0,6}",
            ]
        ) {
            if let Some(raw) = RawId::parse(&id) {
                let _ = Routed::decode(&raw);
            }
        }

        /// Components carrying any ids round-trip through their custom id within 100
        /// characters.
        #[test]
        fn components_with_any_ids_round_trip(
            owner in proptest::prelude::any::<u64>(),
            a in proptest::prelude::any::<i64>(),
            b in proptest::prelude::any::<i64>(),
            page in proptest::prelude::any::<u32>(),
            days in 1i64..=60,
        ) {
            let contact = crate::domain::contact::ContactId(a);
            let all = vec![
                Routed::Contact(ContactComponent::Details { contact }),
                Routed::Contact(ContactComponent::DetailsForm { contact, opened_at: Some(b) }),
                Routed::Contact(ContactComponent::ListPage {
                    page,
                    sort: crate::domain::contact::ContactSort::Recent,
                    filter: crate::domain::contact::ContactFilter::default(),
                }),
                Routed::Note(NoteComponent::Target { pending: a }),
                Routed::Nudge(NudgeButton::Snooze { follow_up: a, digest: b, days }),
                Routed::Story(StoryComponent::Remove { share: b }),
                Routed::Story(StoryComponent::PracticeStop { timer: owner }),
            ];
            for component in all {
                let id = component.custom_id(UserId(owner));
                proptest::prop_assert!(id.chars().count() <= 100, "{}", id);
                let raw = RawId::parse(&id);
                proptest::prop_assert!(raw.is_some(), "{}", id);
                let decoded = raw.and_then(|r| Routed::decode(&r));
                proptest::prop_assert_eq!(decoded, Some(component));
            }
        }
    }

    #[test]
    fn only_the_owner_uses_a_private_component_and_anyone_a_public_one() {
        let done = Routed::Nudge(NudgeButton::Done {
            follow_up: 1,
            digest: 1,
        });
        assert!(may_use(&done, 42, UserId(42)));
        assert!(!may_use(&done, 42, UserId(43)));
        let feedback = Routed::Story(StoryComponent::Feedback { share: 1 });
        assert!(may_use(&feedback, 0, UserId(43)));
    }
}
