-- Residency-fair group prep: a chapter's fair, the programs there, and which members want to
-- talk to which program (names shown to the chapter only when the member chose it).
CREATE TABLE fairs (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id              BIGINT NOT NULL REFERENCES chapters (guild_id) ON DELETE CASCADE,
    conference_id         BIGINT REFERENCES conferences (id) ON DELETE SET NULL,
    name                  TEXT NOT NULL,
    on_day                DATE NOT NULL,      -- a calendar date in the chapter's zone
    members_add_programs  BOOLEAN NOT NULL DEFAULT FALSE,
    created_by            BIGINT,             -- NULL once its author erased their data
    created_at            BIGINT NOT NULL
);

CREATE INDEX fairs_by_guild ON fairs (guild_id, on_day);

CREATE TABLE fair_programs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    fair_id     BIGINT NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    city        TEXT,
    notes       TEXT,
    created_at  BIGINT NOT NULL,
    UNIQUE (fair_id, name_folded)
);

CREATE TABLE fair_interests (
    fair_program_id  BIGINT NOT NULL REFERENCES fair_programs (id) ON DELETE CASCADE,
    owner_id         BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    show_name        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (fair_program_id, owner_id)
);

CREATE INDEX fair_interests_by_owner ON fair_interests (owner_id);
