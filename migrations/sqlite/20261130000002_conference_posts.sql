-- Channel posts about conferences: a member's shared plan ("I'm going") and an officer's
-- announcement. The row (and so the post's nonce) is written before the post is sent, so a
-- retry after a crash finds the same post.
CREATE TABLE conference_posts (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,               -- share | announce
    conference_id  BIGINT NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    author_id      BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    guild_id       BIGINT NOT NULL,
    channel_id     BIGINT NOT NULL,
    message_id     BIGINT,                      -- NULL until Discord confirmed the post
    note           TEXT,
    created_at     BIGINT NOT NULL,
    gone_at        BIGINT                       -- taken down, or never posted
);

CREATE INDEX conference_posts_by_author ON conference_posts (author_id, conference_id);
