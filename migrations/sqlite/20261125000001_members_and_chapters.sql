-- Members (one per Discord user, across servers), chapters (one per server) and who has used
-- the bot where. Ids are Discord snowflakes; instants are unix seconds (UTC).

CREATE TABLE members (
    user_id       BIGINT PRIMARY KEY,
    timezone      TEXT,                         -- IANA name; NULL = the deployment default
    stage         TEXT,                         -- domain::Stage code; NULL = not set
    dms_enabled   BOOLEAN NOT NULL DEFAULT TRUE,
    nudge_hour    INTEGER NOT NULL DEFAULT 9 CHECK (nudge_hour BETWEEN 0 AND 23),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE chapters (
    guild_id            BIGINT PRIMARY KEY,
    officer_role_id     BIGINT,
    fallback_channel_id BIGINT,
    configured_by       BIGINT,
    configured_at       BIGINT,
    created_at          BIGINT NOT NULL
);

CREATE TABLE chapter_members (
    guild_id      BIGINT NOT NULL REFERENCES chapters (guild_id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    first_seen_at BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

CREATE INDEX chapter_members_by_user ON chapter_members (user_id);
