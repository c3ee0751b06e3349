-- Fair practice rounds: a sign-up post, who is in, and who practised with whom (so later
-- rounds repeat as few pairs as possible).
CREATE TABLE practice_sessions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    BIGINT NOT NULL REFERENCES chapters (guild_id) ON DELETE CASCADE,
    channel_id  BIGINT NOT NULL,
    message_id  BIGINT,                         -- the sign-up post, once Discord confirmed it
    created_at  BIGINT NOT NULL,
    ended_at    BIGINT
);

CREATE INDEX practice_sessions_by_guild ON practice_sessions (guild_id, ended_at);

CREATE TABLE practice_members (
    session_id  BIGINT NOT NULL REFERENCES practice_sessions (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    joined_at   BIGINT NOT NULL,
    left_at     BIGINT,                         -- out from the next round
    PRIMARY KEY (session_id, user_id)
);

CREATE TABLE practice_pairs (
    session_id  BIGINT NOT NULL REFERENCES practice_sessions (id) ON DELETE CASCADE,
    round       INTEGER NOT NULL,
    a           BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    b           BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE
);

CREATE INDEX practice_pairs_by_session ON practice_pairs (session_id);
