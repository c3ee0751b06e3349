-- Exactly once for nudge digests: one process owns a digest while it sends it (a lease that
-- every record checks), a send whose outcome is unknown keeps its digest and nonce and is
-- tried again after `retry_at` (after looking for it in the DM channel), and nonces carry a
-- random part so they never repeat.
ALTER TABLE digests ADD COLUMN lease_owner TEXT;
ALTER TABLE digests ADD COLUMN lease_until BIGINT;
ALTER TABLE digests ADD COLUMN retry_at BIGINT;
ALTER TABLE digests ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
-- Digests left sending by an earlier release: recoverable at once (looked for first).
UPDATE digests SET lease_until = created_at WHERE state = 'sending';
CREATE INDEX digests_unfinished ON digests (state, lease_until, retry_at);
