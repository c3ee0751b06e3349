-- When a member who set no time zone was told, once, that the deployment's default is
-- assumed for them and how to set their own.
ALTER TABLE members ADD COLUMN zone_notice_at BIGINT;
