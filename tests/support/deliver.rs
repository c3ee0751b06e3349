//! A strict test double of `Deliver`: records every digest it is asked to send and every
//! lookup, answers as told, and keeps a DM channel that honours nonces the way Discord does, so
//! a test can prove a nudge reached the member once, or not at all.

use std::collections::VecDeque;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use emig_bot::domain::cadence::Digest;
use emig_bot::domain::UserId;
use emig_bot::scheduler::{Deliver, DeliverError, DeliverFuture, PostRemoval, Sent};
use emig_bot::store::PostToDelete;

/// How the next send goes.
#[derive(Debug, Clone)]
pub enum Scripted {
    /// Refused or failed before Discord created anything.
    Fail(DeliverError),
    /// Discord created the message, then the answer was lost (a timeout, a reset): the
    /// sender sees `Transient`.
    CreatedThenLost,
}

#[derive(Default)]
pub struct RecordingDeliver {
    /// Every digest passed to `send_digest`, in order (failed attempts included).
    pub attempts: Mutex<Vec<Digest>>,
    /// Answers for the next sends; when empty, sends succeed.
    pub script: Mutex<VecDeque<Scripted>>,
    /// Digest ids `find_digest` reports as already in the DM channel.
    pub already_in_channel: Mutex<Vec<i64>>,
    /// Every lookup, by digest id.
    pub finds: Mutex<Vec<i64>>,
    /// Answers for the next lookups; when empty, lookups work.
    pub find_script: Mutex<VecDeque<DeliverError>>,
    /// Messages in the members' DM channels: (nonce, digest id). A send whose nonce is here
    /// returns that message instead of creating another, as Discord's `enforce_nonce` does.
    pub channel: Mutex<Vec<(String, i64)>>,
    /// Members told that their DMs are closed.
    pub told_dms_closed: Mutex<Vec<UserId>>,
    /// Posts of erased members it was asked to delete.
    pub deleted_posts: Mutex<Vec<PostToDelete>>,
}

impl RecordingDeliver {
    pub fn fail_next(&self, error: DeliverError) {
        self.script
            .lock()
            .expect("lock")
            .push_back(Scripted::Fail(error));
    }

    pub fn script_next(&self, next: Scripted) {
        self.script.lock().expect("lock").push_back(next);
    }

    pub fn fail_next_find(&self, error: DeliverError) {
        self.find_script.lock().expect("lock").push_back(error);
    }

    pub fn attempts(&self) -> Vec<Digest> {
        self.attempts.lock().expect("lock").clone()
    }

    /// Messages that exist in DM channels, by digest id (each one a DM the member got).
    pub fn messages(&self) -> Vec<i64> {
        self.channel
            .lock()
            .expect("lock")
            .iter()
            .map(|(_, id)| *id)
            .collect()
    }

    pub fn finds(&self) -> Vec<i64> {
        self.finds.lock().expect("lock").clone()
    }

    /// Nudges (follow-up ids) in successful sends, in order.
    pub fn delivered_follow_ups(&self, succeeded: &[bool]) -> Vec<i64> {
        self.attempts()
            .iter()
            .zip(succeeded)
            .filter(|(_, ok)| **ok)
            .flat_map(|(d, _)| d.nudges.iter().map(|n| n.subject_id))
            .collect()
    }

    fn sent(digest_id: i64) -> Sent {
        Sent {
            channel_id: 1,
            message_id: u64::try_from(digest_id).unwrap_or(0) + 1000,
        }
    }
}

impl Deliver for RecordingDeliver {
    fn delete_post<'a>(&'a self, post: &'a PostToDelete) -> DeliverFuture<'a, PostRemoval> {
        Box::pin(async move {
            self.deleted_posts.lock().expect("lock").push(post.clone());
            Ok(PostRemoval::Gone)
        })
    }

    fn tell_dms_closed<'a>(&'a self, owner: UserId) -> DeliverFuture<'a, ()> {
        Box::pin(async move {
            self.told_dms_closed.lock().expect("lock").push(owner);
            Ok(())
        })
    }

    fn send_digest<'a>(&'a self, digest: &'a Digest) -> DeliverFuture<'a, Sent> {
        Box::pin(async move {
            self.attempts.lock().expect("lock").push(digest.clone());
            let next = self.script.lock().expect("lock").pop_front();
            if let Some(Scripted::Fail(error)) = next {
                return Err(error);
            }
            let mut channel = self.channel.lock().expect("lock");
            let existing = channel.iter().find(|(n, _)| *n == digest.nonce).cloned();
            let message = match existing {
                Some((_, id)) => id,
                None => {
                    channel.push((digest.nonce.clone(), digest.id));
                    digest.id
                }
            };
            match next {
                Some(Scripted::CreatedThenLost) => Err(DeliverError::Transient(
                    "connection reset after the message was created".into(),
                )),
                _ => Ok(Self::sent(message)),
            }
        })
    }

    fn find_digest<'a>(
        &'a self,
        _owner: UserId,
        digest_id: i64,
        _since: DateTime<Utc>,
    ) -> DeliverFuture<'a, Option<Sent>> {
        Box::pin(async move {
            self.finds.lock().expect("lock").push(digest_id);
            if let Some(error) = self.find_script.lock().expect("lock").pop_front() {
                return Err(error);
            }
            let found = self
                .already_in_channel
                .lock()
                .expect("lock")
                .contains(&digest_id)
                || self
                    .channel
                    .lock()
                    .expect("lock")
                    .iter()
                    .any(|(_, id)| *id == digest_id);
            Ok(found.then(|| Self::sent(digest_id)))
        })
    }
}

/// The benches' zero-latency `Deliver`: counts every nudge it is given (by subject id) and
/// answers at once, so a bench measures claim, record and bookkeeping alone.
#[derive(Default)]
pub struct CountingDeliver {
    pub seen: Mutex<std::collections::HashMap<i64, u32>>,
}

impl CountingDeliver {
    /// (distinct nudges delivered, deliveries beyond the first of each).
    pub fn distinct_and_duplicates(&self) -> (usize, u32) {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        (seen.len(), seen.values().map(|n| n - 1).sum())
    }
}

impl Deliver for CountingDeliver {
    fn send_digest<'a>(&'a self, digest: &'a Digest) -> DeliverFuture<'a, Sent> {
        Box::pin(async move {
            let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
            for n in &digest.nudges {
                *seen.entry(n.subject_id).or_default() += 1;
            }
            Ok(Sent {
                channel_id: 1,
                message_id: u64::try_from(digest.id).unwrap_or(0),
            })
        })
    }
    fn find_digest<'a>(
        &'a self,
        _: UserId,
        _: i64,
        _: DateTime<Utc>,
    ) -> DeliverFuture<'a, Option<Sent>> {
        Box::pin(async { Ok(None) })
    }
    fn tell_dms_closed<'a>(&'a self, _: UserId) -> DeliverFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }
    fn delete_post<'a>(&'a self, _: &'a PostToDelete) -> DeliverFuture<'a, PostRemoval> {
        Box::pin(async { Ok(PostRemoval::Gone) })
    }
}
