-- A chapter's question bank for residency fairs, with one up-vote per member.
CREATE TABLE fair_questions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    BIGINT NOT NULL REFERENCES chapters (guild_id) ON DELETE CASCADE,
    audience    TEXT NOT NULL,                  -- residents | faculty
    text        TEXT NOT NULL,
    author_id   BIGINT,                         -- NULL for the seeded ones, or once erased
    created_at  BIGINT NOT NULL,
    removed_at  BIGINT
);

CREATE INDEX fair_questions_by_guild ON fair_questions (guild_id, removed_at);

CREATE TABLE fair_votes (
    question_id  BIGINT NOT NULL REFERENCES fair_questions (id) ON DELETE CASCADE,
    voter_id     BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    PRIMARY KEY (question_id, voter_id)
);
