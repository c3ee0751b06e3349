-- Chapter settings: a chapter Match Day (the default for members who set none and use the bot
-- in this chapter only) and whether members may add fair programs.
ALTER TABLE chapters ADD COLUMN match_day DATE;
ALTER TABLE chapters ADD COLUMN members_add_programs BOOLEAN NOT NULL DEFAULT FALSE;
