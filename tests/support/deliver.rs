//! A strict test double of `Deliver`: records every digest it is asked to send and answers as
//! told, so a test can prove a nudge was sent once, or not at all.

use std::collections::VecDeque;
use std::sync::Mutex;

use emig_bot::domain::cadence::Digest;
use emig_bot::domain::UserId;
use emig_bot::scheduler::{Deliver, DeliverError, DeliverFuture, Sent};

#[derive(Default)]
pub struct RecordingDeliver {
    /// Every digest passed to `send_digest`, in order (failed attempts included).
    pub attempts: Mutex<Vec<Digest>>,
    /// Answers for the next sends; when empty, sends succeed.
    pub script: Mutex<VecDeque<DeliverError>>,
    /// Digest ids `find_digest` reports as already in the DM channel.
    pub already_in_channel: Mutex<Vec<i64>>,
    pub finds: Mutex<Vec<i64>>,
    /// Members told that their DMs are closed.
    pub told_dms_closed: Mutex<Vec<UserId>>,
}

impl RecordingDeliver {
    pub fn fail_next(&self, error: DeliverError) {
        self.script.lock().expect("lock").push_back(error);
    }

    pub fn attempts(&self) -> Vec<Digest> {
        self.attempts.lock().expect("lock").clone()
    }

    /// Nudges (follow-up ids) in successful sends, in order.
    pub fn delivered_follow_ups(&self, succeeded: &[bool]) -> Vec<i64> {
        self.attempts()
            .iter()
            .zip(succeeded)
            .filter(|(_, ok)| **ok)
            .flat_map(|(d, _)| d.nudges.iter().map(|n| n.follow_up_id))
            .collect()
    }
}

impl Deliver for RecordingDeliver {
    fn tell_dms_closed<'a>(&'a self, owner: UserId) -> DeliverFuture<'a, ()> {
        Box::pin(async move {
            self.told_dms_closed.lock().expect("lock").push(owner);
            Ok(())
        })
    }

    fn send_digest<'a>(&'a self, digest: &'a Digest) -> DeliverFuture<'a, Sent> {
        Box::pin(async move {
            self.attempts.lock().expect("lock").push(digest.clone());
            match self.script.lock().expect("lock").pop_front() {
                Some(error) => Err(error),
                None => Ok(Sent {
                    channel_id: 1,
                    message_id: u64::try_from(digest.id).unwrap_or(0) + 1000,
                }),
            }
        })
    }

    fn find_digest<'a>(
        &'a self,
        _owner: UserId,
        digest_id: i64,
    ) -> DeliverFuture<'a, Option<Sent>> {
        Box::pin(async move {
            self.finds.lock().expect("lock").push(digest_id);
            let found = self
                .already_in_channel
                .lock()
                .expect("lock")
                .contains(&digest_id);
            Ok(found.then_some(Sent {
                channel_id: 1,
                message_id: u64::try_from(digest_id).unwrap_or(0) + 1000,
            }))
        })
    }
}
