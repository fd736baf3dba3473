-- A schedule whose dispatch keeps failing (its task removed, arguments that no longer bind) is put in error after a
-- few consecutive failures and skipped by the tick until it is enabled again or updated.
ALTER TABLE background_tasks_schedule
    ADD COLUMN last_error  TEXT,
    ADD COLUMN error_count INTEGER NOT NULL DEFAULT 0;
