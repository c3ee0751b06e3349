-- A shared story's post is removed in two steps: the share is marked removed (the intent),
-- then the channel message is deleted and this is set (the outcome). A removal whose delete
-- failed is retried until it is set. Removals before this migration were attempted already.
ALTER TABLE story_shares ADD COLUMN post_gone_at BIGINT;
UPDATE story_shares SET post_gone_at = removed_at WHERE removed_at IS NOT NULL;
