-- A claim the repair decided never to dispatch (the schedule's misfire policy dropped it): why, or null.
ALTER TABLE background_tasks_schedule_fire ADD COLUMN skipped VARCHAR(32);

DROP INDEX IF EXISTS background_tasks_schedule_fire_undispatched;
CREATE INDEX background_tasks_schedule_fire_undispatched ON background_tasks_schedule_fire (claimed_at)
    WHERE execution_id IS NULL AND skipped IS NULL;
