-- Follow-ups (one nudge each), the DM digests that carry nudges, and the delivery log.

ALTER TABLE members ADD COLUMN match_day DATE;
-- When a DM failed with "cannot send messages to this user" (50007); NULL when DMs work.
ALTER TABLE members ADD COLUMN dms_closed_at BIGINT;
-- The member has not yet been told that their DMs are closed.
ALTER TABLE members ADD COLUMN dms_closed_notice BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE members ADD COLUMN dm_channel_id BIGINT;
-- Transient send failures in a row, and when to try again (exponential backoff).
ALTER TABLE members ADD COLUMN dm_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN dm_retry_at BIGINT;

CREATE TABLE digests (
    id          INTEGER PRIMARY KEY,
    owner_id    BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    nonce       TEXT NOT NULL UNIQUE,           -- Discord enforce_nonce: a retry never duplicates
    state       TEXT NOT NULL,                  -- sending | sent | failed
    more        INTEGER NOT NULL DEFAULT 0,     -- nudges left for a later digest
    channel_id  BIGINT,
    message_id  BIGINT,
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT
);

CREATE INDEX digests_sending ON digests (state, created_at);

CREATE TABLE follow_ups (
    id            INTEGER PRIMARY KEY,
    owner_id      BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    contact_id    BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,                -- domain FollowUpKind code
    series        TEXT NOT NULL,                -- domain Series code
    ideal_on      DATE NOT NULL,
    latest_on     DATE NOT NULL,
    state         TEXT NOT NULL,                -- pending | done | off | replaced
    due_at        BIGINT NOT NULL,              -- when its nudge may go out (UTC)
    nudge_state   TEXT NOT NULL,                -- waiting | claimed | sent
    digest_id     BIGINT REFERENCES digests (id) ON DELETE SET NULL,
    claimed_until BIGINT,
    created_at    BIGINT NOT NULL,
    closed_at     BIGINT
);

-- At most one pending follow-up per contact and series: nothing piles up.
CREATE UNIQUE INDEX follow_ups_one_pending ON follow_ups (contact_id, series) WHERE state = 'pending';
CREATE INDEX follow_ups_due ON follow_ups (due_at) WHERE state = 'pending' AND nudge_state = 'waiting';
CREATE INDEX follow_ups_by_owner ON follow_ups (owner_id, state, latest_on);
CREATE INDEX follow_ups_by_digest ON follow_ups (digest_id);

CREATE TABLE deliveries (
    id         INTEGER PRIMARY KEY,
    owner_id   BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    digest_id  BIGINT REFERENCES digests (id) ON DELETE SET NULL,
    at         BIGINT NOT NULL,
    nudges     INTEGER NOT NULL,
    outcome    TEXT NOT NULL                   -- sent | found_after_crash | dms_closed | rate_limited | failed
);

CREATE INDEX deliveries_by_owner ON deliveries (owner_id, at);
