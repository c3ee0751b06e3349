-- Letters of recommendation a member asked for (SLOEs above all): private to the member.
CREATE TABLE letters (
    id          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: nudges name letters by id
    owner_id    BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    contact_id  BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,                  -- sloe | letter
    rotation    TEXT,                           -- the rotation it is about, as typed
    status      TEXT NOT NULL,                  -- asked | agreed | submitted | thanked | declined
    asked_on    DATE NOT NULL,
    status_on   DATE NOT NULL,                  -- the day it reached its status
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE INDEX letters_by_owner ON letters (owner_id, status);
CREATE INDEX letters_by_contact ON letters (contact_id);
