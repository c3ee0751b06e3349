-- Residency programs a member follows, and contacts they linked to one. Private.
CREATE TABLE programs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id    BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    city        TEXT,
    status      TEXT NOT NULL,                  -- domain ProgramStatus code
    status_on   DATE NOT NULL,
    no_contact  BOOLEAN NOT NULL DEFAULT FALSE, -- asks for no post-interview communication
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE INDEX programs_by_owner ON programs (owner_id, status);

CREATE TABLE program_contacts (
    program_id  BIGINT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    contact_id  BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (program_id, contact_id)
);
