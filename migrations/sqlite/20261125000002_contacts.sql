-- A member's private contact list and the interactions logged with each contact.
-- Every row carries its owner: every query is keyed by it.

CREATE TABLE contacts (
    id               INTEGER PRIMARY KEY,      -- SQLite rowid (an identity column elsewhere)
    owner_id         BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    name             TEXT NOT NULL,            -- as typed
    name_folded      TEXT NOT NULL,            -- lowercased name: exact and prefix matches
    search_text      TEXT NOT NULL,            -- lowercased name + institution: substring matches
    role             TEXT,                     -- domain ContactRole code
    institution      TEXT,
    met_kind         TEXT,                     -- domain MetKind code
    met_label        TEXT,
    met_on           DATE NOT NULL,            -- calendar date, YYYY-MM-DD
    rotation_ends_on DATE,
    conference_id    BIGINT,                   -- link to a chapter conference (later feature)
    relationship     TEXT,                     -- domain Relationship code
    mentor_kind      TEXT,                     -- domain MentorKind code
    callback         TEXT,
    email            TEXT,
    phone            TEXT,
    handle           TEXT,
    tags             TEXT NOT NULL DEFAULT '', -- ",ultrasound,sim," (lowercase, no wildcards but _)
    notes            TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    last_used_at     BIGINT NOT NULL
);

CREATE INDEX contacts_by_owner_recent ON contacts (owner_id, last_used_at);
CREATE INDEX contacts_by_owner_name ON contacts (owner_id, name_folded);

CREATE TABLE interactions (
    id          INTEGER PRIMARY KEY,
    contact_id  BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    owner_id    BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,                 -- domain InteractionKind code
    note        TEXT,
    happened_on DATE NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE INDEX interactions_by_contact ON interactions (contact_id, happened_on);
CREATE INDEX interactions_by_owner ON interactions (owner_id, contact_id);
