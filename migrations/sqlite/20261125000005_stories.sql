-- One-minute stories (versions kept), their shares in chapter channels, and peer feedback.

CREATE TABLE stories (
    id         INTEGER PRIMARY KEY,
    owner_id   BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    who        TEXT NOT NULL,
    why_em     TEXT NOT NULL,
    interest   TEXT NOT NULL,
    hope       TEXT NOT NULL,
    event      TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (owner_id, version)
);

CREATE TABLE story_shares (
    id         INTEGER PRIMARY KEY,
    story_id   BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    owner_id   BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    message_id BIGINT,                 -- set once the channel message exists
    shared_at  BIGINT NOT NULL,
    removed_at BIGINT,                 -- unshared by the author or removed by a moderator
    author_told_at BIGINT              -- the DM about the first feedback went out
);

CREATE INDEX story_shares_by_owner ON story_shares (owner_id, removed_at);

CREATE TABLE story_feedback (
    story_id   BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    share_id   BIGINT NOT NULL REFERENCES story_shares (id) ON DELETE CASCADE,
    rater_id   BIGINT NOT NULL,
    clear      TEXT NOT NULL,          -- yes | somewhat | no
    specific   TEXT NOT NULL,
    on_time    TEXT NOT NULL,
    suggestion TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (story_id, rater_id)   -- one per member per version; a second replaces it
);
