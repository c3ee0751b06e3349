-- Nudges of every kind in one table: what a nudge is about (`subject`: a follow-up today;
-- conference plans, letters and milestones later) and that subject's row, when it is due, and
-- where it stands. The scheduler claims, sends and records these rows whatever their subject,
-- so a new kind plugs in without touching that path.
CREATE TABLE nudges (
    id          INTEGER PRIMARY KEY,
    owner_id    BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    subject     TEXT NOT NULL,
    subject_id  BIGINT NOT NULL,
    ideal_on    DATE NOT NULL,                  -- the window the digest words it by
    latest_on   DATE NOT NULL,
    due_at      BIGINT NOT NULL,                -- when it may go out (UTC)
    state       TEXT NOT NULL,                  -- waiting | claimed | sent | cancelled
    digest_id   BIGINT REFERENCES digests (id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL
);

-- One live nudge per subject.
CREATE UNIQUE INDEX nudges_one_per_subject ON nudges (subject, subject_id) WHERE state <> 'cancelled';
CREATE INDEX nudges_due ON nudges (due_at) WHERE state = 'waiting';
CREATE INDEX nudges_by_owner ON nudges (owner_id, state);
CREATE INDEX nudges_by_digest ON nudges (digest_id);

-- The nudges of pending follow-ups move here; the follow_ups nudge columns are no longer read.
INSERT INTO nudges (owner_id, subject, subject_id, ideal_on, latest_on, due_at, state, digest_id, created_at)
SELECT owner_id, 'follow_up', id, ideal_on, latest_on, due_at,
       CASE nudge_state WHEN 'sent' THEN 'sent' WHEN 'claimed' THEN 'claimed' ELSE 'waiting' END,
       digest_id, created_at
FROM follow_ups WHERE state = 'pending';
