-- The member's own season milestones (the bot invents no dates). Match Day stays in
-- members.match_day: one value for /me matchday and /season.
CREATE TABLE milestones (
    id          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: nudges name milestones by id
    owner_id    BIGINT NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,                  -- domain MilestoneKind code
    starts_on   DATE,                           -- an away rotation's first day
    on_day      DATE NOT NULL,                  -- the day (a rotation's last day)
    label       TEXT,
    created_at  BIGINT NOT NULL
);

CREATE INDEX milestones_by_owner ON milestones (owner_id, on_day);
