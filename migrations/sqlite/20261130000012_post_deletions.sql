-- Channel posts the bot made for a member who erased their data, whose delete Discord did not
-- confirm at the time: retried until they are gone. Nothing here names the member; a post
-- whose message id was never recorded is found by the custom id of its button (`marker`).
CREATE TABLE post_deletions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id INTEGER NOT NULL,
    message_id INTEGER,
    marker TEXT NOT NULL,
    queued_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL
);
CREATE INDEX post_deletions_due ON post_deletions (next_at);
