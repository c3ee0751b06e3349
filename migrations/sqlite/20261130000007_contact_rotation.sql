-- A contact met on one of the member's away rotations (a season milestone): its rotation end
-- is the rotation's.
ALTER TABLE contacts ADD COLUMN rotation_id BIGINT REFERENCES milestones (id) ON DELETE SET NULL;
