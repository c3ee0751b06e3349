-- Counts a contact's edits: a form opened at one version is refused at a later one, so it
-- cannot overwrite what changed meanwhile (a note saved from a message, another edit).
ALTER TABLE contacts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
