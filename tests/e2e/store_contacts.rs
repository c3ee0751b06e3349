//! Contact store functions: outcomes, ordering, and that an owner key guards every one.

use chrono::{Duration, NaiveDate};
use emig_bot::domain::contact::{
    ContactFilter, ContactId, ContactName, ContactPatch, ContactSort, Email, InteractionKind,
    MentorKind, MetKind, NewContact, Relationship, Tags, Text, TextRule,
};
use emig_bot::domain::UserId;
use emig_bot::store::Store;

use crate::store::store;
use crate::support::bot::test_start;

/// A member-typed text, as a handler would have parsed it.
fn text<R: TextRule>(s: &str) -> Option<Text<R>> {
    Text::parse(s).expect("valid text")
}

const A: UserId = UserId(1);
const B: UserId = UserId(2);

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
}

fn named(name: &str) -> NewContact {
    NewContact::named(ContactName::parse(name).expect("name"), day(20))
}

async fn members(store: &Store) {
    for m in [A, B] {
        store
            .record_presence(m, None, test_start())
            .await
            .expect("member");
    }
}

#[tokio::test]
async fn a_contact_round_trips_every_field() {
    let (store, _dir) = store().await;
    members(&store).await;
    let mut new = named("Dr. Ana Lopez");
    new.institution = text("Hospital Y");
    new.met.kind = Some(MetKind::AwayRotation);
    new.met.label = Some("Away rotation at Y".into());
    new.met.rotation_ends_on = Some(day(28));
    new.relationship = Some(Relationship::Mentor);
    new.mentor_kind = Some(MentorKind::Application);
    new.callback = text("her ultrasound fellowship");
    new.email = Some(Email::parse("ana@example.org").expect("email"));
    new.tags = Tags::parse("ultrasound, sloe_writer").expect("tags");
    new.notes = text("no patient info");
    let saved = store.add_contact(A, &new, test_start()).await.expect("add");
    let read = store
        .contact(A, saved.id)
        .await
        .expect("read")
        .expect("found");
    assert_eq!(read, saved);
    assert_eq!(read.name, "Dr. Ana Lopez");
    assert_eq!(read.met.rotation_ends_on, Some(day(28)));
    assert_eq!(read.tags, vec!["ultrasound", "sloe_writer"]);
    assert_eq!(read.email.as_deref(), Some("ana@example.org"));
}

#[tokio::test]
async fn another_member_can_neither_read_nor_change_a_contact() {
    let (store, _dir) = store().await;
    members(&store).await;
    let ana = store
        .add_contact(A, &named("Ana"), test_start())
        .await
        .expect("add");
    let now = test_start();
    assert_eq!(store.contact(B, ana.id).await.expect("read"), None);
    assert!(store
        .contacts_named(B, "Ana")
        .await
        .expect("read")
        .is_empty());
    assert!(store
        .suggest_contacts(B, "an", 25)
        .await
        .expect("read")
        .is_empty());
    assert!(store
        .find_contacts(B, "ana", 25)
        .await
        .expect("read")
        .is_empty());
    assert_eq!(
        store
            .list_contacts(B, &ContactFilter::default(), ContactSort::Name, 0, 10)
            .await
            .expect("list")
            .total,
        0
    );
    let patch = ContactPatch {
        name: Some(ContactName::parse("Hacked").expect("name")),
        ..Default::default()
    };
    assert!(store
        .update_contact(B, ana.id, &patch, now)
        .await
        .expect("update")
        .is_none());
    assert!(!store.touch_contact(B, ana.id, now).await.expect("touch"));
    assert!(store
        .log_interaction(B, ana.id, InteractionKind::Ask, None, day(21), now)
        .await
        .expect("log")
        .is_none());
    assert!(!store.delete_contact(B, ana.id).await.expect("delete"));
    assert!(store.network_summaries(B).await.expect("map").is_empty());
    // A's contact is untouched.
    let still = store.contact(A, ana.id).await.expect("read").expect("kept");
    assert_eq!(still.name, "Ana");
    assert!(store
        .interactions(A, ana.id)
        .await
        .expect("history")
        .is_empty());
}

#[tokio::test]
async fn names_match_exactly_in_any_case_and_suggestions_rank_prefix_then_recent() {
    let (store, _dir) = store().await;
    members(&store).await;
    let t = test_start();
    let mut anna = named("Anna Berg");
    anna.institution = text("Mercy");
    let anna = store.add_contact(A, &anna, t).await.expect("add");
    let mut joanna = named("Joanna Li");
    joanna.institution = text("Anatomy Dept");
    let joanna = store
        .add_contact(A, &joanna, t + Duration::minutes(1))
        .await
        .expect("add");
    let ann2 = store
        .add_contact(A, &named("anna berg"), t + Duration::minutes(2))
        .await
        .expect("add");

    let same = store.contacts_named(A, "ANNA  BERG").await.expect("read");
    assert_eq!(
        same.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ann2.id, anna.id]
    );

    let hits = store.suggest_contacts(A, "ann", 25).await.expect("read");
    let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
    // Prefix matches first (most recent first), then substring (Joanna).
    assert_eq!(ids, vec![ann2.id.0, anna.id.0, joanna.id.0]);
    // Institution matches too.
    let by_place = store.suggest_contacts(A, "mercy", 25).await.expect("read");
    assert_eq!(
        by_place.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![anna.id.0]
    );

    store
        .touch_contact(A, anna.id, t + Duration::hours(1))
        .await
        .expect("touch");
    let recent = store.recent_contacts(A, 2).await.expect("read");
    assert_eq!(recent[0].id, anna.id.0);
    // A % or _ typed is a literal, not a wildcard.
    assert!(store
        .suggest_contacts(A, "%", 25)
        .await
        .expect("read")
        .is_empty());
}

#[tokio::test]
async fn edits_change_only_given_fields_and_keep_rules() {
    let (store, _dir) = store().await;
    members(&store).await;
    let mut new = named("Sam");
    new.relationship = Some(Relationship::Mentor);
    new.mentor_kind = Some(MentorKind::Career);
    new.institution = text("County");
    let sam = store.add_contact(A, &new, test_start()).await.expect("add");
    let patch = ContactPatch {
        callback: Some(text("sim lab")),
        ..Default::default()
    };
    let edited = store
        .update_contact(A, sam.id, &patch, test_start())
        .await
        .expect("update")
        .expect("mine")
        .expect("valid");
    assert_eq!(edited.callback.as_deref(), Some("sim lab"));
    assert_eq!(edited.institution.as_deref(), Some("County"));
    assert_eq!(edited.mentor_kind, Some(MentorKind::Career));

    // Becoming a peer drops the mentor kind.
    let patch = ContactPatch {
        relationship: Some(Some(Relationship::Peer)),
        ..Default::default()
    };
    let peer = store
        .update_contact(A, sam.id, &patch, test_start())
        .await
        .expect("update")
        .expect("mine")
        .expect("valid");
    assert_eq!(peer.mentor_kind, None);
    // A mentor kind on a peer is refused, and nothing changes.
    let patch = ContactPatch {
        mentor_kind: Some(Some(MentorKind::Wellness)),
        ..Default::default()
    };
    let refused = store
        .update_contact(A, sam.id, &patch, test_start())
        .await
        .expect("update")
        .expect("mine");
    assert!(refused.is_err());
    assert_eq!(
        store.contact(A, sam.id).await.expect("read").expect("kept"),
        peer
    );
}

#[tokio::test]
async fn lists_page_sort_and_filter() {
    let (store, _dir) = store().await;
    members(&store).await;
    for i in 0..23 {
        let mut c = named(&format!("Contact {i:02}"));
        c.met_on = day(1) + Duration::days(i);
        if i % 2 == 0 {
            c.tags = Tags::parse("sim_lab").expect("tags");
        }
        if i % 5 == 0 {
            c.relationship = Some(Relationship::Sponsor);
            c.met.kind = Some(MetKind::Conference);
        }
        store.add_contact(A, &c, test_start()).await.expect("add");
    }
    let all = ContactFilter::default();
    let first = store
        .list_contacts(A, &all, ContactSort::Name, 0, 10)
        .await
        .expect("list");
    assert_eq!(first.total, 23);
    assert_eq!(first.contacts.len(), 10);
    assert_eq!(first.contacts[0].name, "Contact 00");
    let last = store
        .list_contacts(A, &all, ContactSort::Name, 2, 10)
        .await
        .expect("list");
    assert_eq!(last.contacts.len(), 3);
    let met = store
        .list_contacts(A, &all, ContactSort::Met, 0, 1)
        .await
        .expect("list");
    assert_eq!(met.contacts[0].name, "Contact 22");

    let tagged = ContactFilter {
        tag: Some("sim_lab".into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_contacts(A, &tagged, ContactSort::Name, 0, 10)
            .await
            .expect("list")
            .total,
        12
    );
    // A tag matches whole, never as a prefix of another tag.
    let other = ContactFilter {
        tag: Some("sim".into()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_contacts(A, &other, ContactSort::Name, 0, 10)
            .await
            .expect("list")
            .total,
        0
    );
    let sponsors = ContactFilter {
        relationship: Some(Relationship::Sponsor),
        met_kind: Some(MetKind::Conference),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_contacts(A, &sponsors, ContactSort::Name, 0, 10)
            .await
            .expect("list")
            .total,
        5
    );
}

#[tokio::test]
async fn find_searches_every_text_field() {
    let (store, _dir) = store().await;
    members(&store).await;
    let mut c = named("Dr. Ray");
    c.callback = text("Talked about TOXICOLOGY rotation");
    let ray = store.add_contact(A, &c, test_start()).await.expect("add");
    store
        .add_contact(A, &named("Toxic Name"), test_start())
        .await
        .expect("add");
    let hits = store.find_contacts(A, "toxic", 10).await.expect("find");
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].name, "Toxic Name", "name matches first");
    assert_eq!(hits[1].id, ray.id);
}

#[tokio::test]
async fn interactions_are_logged_listed_and_summarised() {
    let (store, _dir) = store().await;
    members(&store).await;
    let ana = store
        .add_contact(A, &named("Ana"), test_start())
        .await
        .expect("add");
    store
        .log_interaction(
            A,
            ana.id,
            InteractionKind::Ask,
            Some("SLOE"),
            day(22),
            test_start(),
        )
        .await
        .expect("log")
        .expect("mine");
    store
        .log_interaction(
            A,
            ana.id,
            InteractionKind::Thanks,
            None,
            day(24),
            test_start(),
        )
        .await
        .expect("log")
        .expect("mine");
    store
        .log_interaction(A, ana.id, InteractionKind::Ask, None, day(23), test_start())
        .await
        .expect("log")
        .expect("mine");
    let history = store.interactions(A, ana.id).await.expect("history");
    let days: Vec<NaiveDate> = history.iter().map(|i| i.happened_on).collect();
    assert_eq!(days, vec![day(24), day(23), day(22)]);
    assert_eq!(history[2].note.as_deref(), Some("SLOE"));

    let map = store.network_summaries(A).await.expect("map");
    assert_eq!(map.len(), 1);
    assert_eq!(map[0].interactions.get(&InteractionKind::Ask), Some(&2));
    assert_eq!(map[0].last_contact, day(24));
    assert_eq!(store.count_contacts(A).await.expect("count"), 1);

    assert!(store.delete_contact(A, ana.id).await.expect("delete"));
    assert!(store
        .interactions(A, ana.id)
        .await
        .expect("history")
        .is_empty());
    assert_eq!(
        store.contact(A, ContactId(ana.id.0)).await.expect("read"),
        None
    );
}

#[tokio::test]
async fn deleting_a_member_deletes_their_contacts() {
    let (store, _dir) = store().await;
    members(&store).await;
    store
        .add_contact(A, &named("Ana"), test_start())
        .await
        .expect("add");
    store
        .add_contact(B, &named("Bo"), test_start())
        .await
        .expect("add");
    store
        .delete_member(A, &[], chrono::Utc::now())
        .await
        .expect("delete");
    assert_eq!(store.count_contacts(A).await.expect("count"), 0);
    assert_eq!(store.count_contacts(B).await.expect("count"), 1);
}

#[tokio::test]
async fn lists_sort_by_the_soonest_pending_follow_up() {
    use emig_bot::domain::cadence;
    let (store, _dir) = store().await;
    members(&store).await;
    let t = test_start();
    let none = store
        .add_contact(A, &named("Aaron No-follow-up"), t)
        .await
        .expect("add");
    let later = store
        .add_contact(A, &named("Bea Later"), t)
        .await
        .expect("add");
    let sooner = store
        .add_contact(A, &named("Cy Sooner"), t)
        .await
        .expect("add");
    for (c, on) in [(later.id, day(30)), (sooner.id, day(26))] {
        store
            .schedule_follow_up(A, c, &cadence::custom(on), t, t)
            .await
            .expect("schedule")
            .expect("owned");
    }
    let page = store
        .list_contacts(
            A,
            &ContactFilter::default(),
            ContactSort::NextFollowUp,
            0,
            10,
        )
        .await
        .expect("list");
    let order: Vec<ContactId> = page.contacts.iter().map(|c| c.id).collect();
    assert_eq!(order, vec![sooner.id, later.id, none.id]);
}
