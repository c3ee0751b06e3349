-- A message a member chose to save as a contact note, kept until they pick the contact.
CREATE TABLE pending_notes (
    id         INTEGER PRIMARY KEY,
    owner_id   BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX pending_notes_by_owner ON pending_notes (owner_id, created_at);
