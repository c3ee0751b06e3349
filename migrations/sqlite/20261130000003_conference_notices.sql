-- A conference's dates changed: one notice per member going, delivered as a nudge
-- (subject 'conference_changed', subject row = the notice) that reads the conference's dates
-- when it is sent, so two quick edits tell the member once, with the latest dates.
CREATE TABLE conference_notices (
    id          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: nudges name notices by id
    owner_id    BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    plan_id     BIGINT NOT NULL REFERENCES conference_plans (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL
);

CREATE INDEX conference_notices_by_plan ON conference_notices (owner_id, plan_id);
