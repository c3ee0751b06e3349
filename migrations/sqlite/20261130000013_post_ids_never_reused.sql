-- A channel post's row id names it on Discord: in its nonce (`emig-share-<id>`,
-- `emig-cf-<id>`) and in its buttons, which is how a post whose message id was never recorded
-- is found again. Without AUTOINCREMENT, SQLite gives the largest id again once that row is
-- erased, so another member's next post could answer to the same nonce or button. Rebuilt
-- with AUTOINCREMENT, keeping every row. (Migrations run in a transaction with foreign keys
-- on, so story_feedback is rebuilt first: dropping a table deletes its rows, and that would
-- cascade to the feedback.)

CREATE TABLE story_shares_next (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id       BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    owner_id       BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    guild_id       BIGINT NOT NULL,
    channel_id     BIGINT NOT NULL,
    message_id     BIGINT,
    shared_at      BIGINT NOT NULL,
    removed_at     BIGINT,
    author_told_at BIGINT,
    post_gone_at   BIGINT
);
INSERT INTO story_shares_next (id, story_id, owner_id, guild_id, channel_id, message_id,
                               shared_at, removed_at, author_told_at, post_gone_at)
    SELECT id, story_id, owner_id, guild_id, channel_id, message_id,
           shared_at, removed_at, author_told_at, post_gone_at
    FROM story_shares;

CREATE TABLE story_feedback_next (
    story_id   BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    share_id   BIGINT NOT NULL REFERENCES story_shares_next (id) ON DELETE CASCADE,
    rater_id   BIGINT NOT NULL,
    clear      TEXT NOT NULL,
    specific   TEXT NOT NULL,
    on_time    TEXT NOT NULL,
    suggestion TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (story_id, rater_id)
);
INSERT INTO story_feedback_next (story_id, share_id, rater_id, clear, specific, on_time,
                                 suggestion, created_at)
    SELECT story_id, share_id, rater_id, clear, specific, on_time, suggestion, created_at
    FROM story_feedback;

DROP TABLE story_feedback;
DROP TABLE story_shares;
-- Renaming updates story_feedback_next's reference to the new name.
ALTER TABLE story_shares_next RENAME TO story_shares;
ALTER TABLE story_feedback_next RENAME TO story_feedback;
CREATE INDEX story_shares_by_owner ON story_shares (owner_id, removed_at);

CREATE TABLE conference_posts_next (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT NOT NULL,
    conference_id  BIGINT NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    author_id      BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    guild_id       BIGINT NOT NULL,
    channel_id     BIGINT NOT NULL,
    message_id     BIGINT,
    note           TEXT,
    created_at     BIGINT NOT NULL,
    gone_at        BIGINT
);
INSERT INTO conference_posts_next (id, kind, conference_id, author_id, guild_id, channel_id,
                                   message_id, note, created_at, gone_at)
    SELECT id, kind, conference_id, author_id, guild_id, channel_id,
           message_id, note, created_at, gone_at
    FROM conference_posts;
DROP TABLE conference_posts;
ALTER TABLE conference_posts_next RENAME TO conference_posts;
CREATE INDEX conference_posts_by_author ON conference_posts (author_id, conference_id);
