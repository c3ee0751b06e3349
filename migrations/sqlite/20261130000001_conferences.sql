-- Conference plans: a chapter's calendar, members' plans to go, and their private targets.

-- The chapter's own time zone, for its calendar dates; NULL = the deployment default.
ALTER TABLE chapters ADD COLUMN timezone TEXT;

CREATE TABLE conferences (
    id          INTEGER PRIMARY KEY,            -- SQLite rowid (an identity column elsewhere)
    guild_id    BIGINT NOT NULL REFERENCES chapters (guild_id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    starts_on   DATE NOT NULL,                  -- calendar dates in the chapter's zone
    ends_on     DATE NOT NULL,
    city        TEXT NOT NULL,
    url         TEXT,
    kind        TEXT NOT NULL,                  -- domain ConferenceKind code
    event_id    BIGINT,                         -- its Discord scheduled event, if mirrored
    created_by  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    removed_at  BIGINT,                         -- off the calendar; members' plans are kept
    CHECK (ends_on >= starts_on)
);

CREATE INDEX conferences_by_guild ON conferences (guild_id, starts_on);

-- One member going to one conference. Visibility 'chapter' lets the chapter see it.
CREATE TABLE conference_plans (
    id             INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: nudges name plans by id
    conference_id  BIGINT NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    owner_id       BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    visibility     TEXT NOT NULL,               -- chapter | private
    joined_at      BIGINT NOT NULL,
    UNIQUE (conference_id, owner_id)
);

CREATE INDEX conference_plans_by_owner ON conference_plans (owner_id);

-- What a member wants to reach there; private to them.
CREATE TABLE conference_targets (
    id          INTEGER PRIMARY KEY,
    plan_id     BIGINT NOT NULL REFERENCES conference_plans (id) ON DELETE CASCADE,
    owner_id    BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,                  -- person | program | session
    name        TEXT NOT NULL,
    note        TEXT,
    contact_id  BIGINT REFERENCES contacts (id) ON DELETE SET NULL,
    done        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL
);

CREATE INDEX conference_targets_by_plan ON conference_targets (plan_id);
