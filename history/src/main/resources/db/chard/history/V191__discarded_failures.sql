-- An operator's "discard" of a failure: it leaves the Dead list, its row stays in the history (searchable, purged
-- with its day). Who and when, so the list and the audit agree.
ALTER TABLE background_tasks_task_execution ADD COLUMN IF NOT EXISTS discarded_at TIMESTAMPTZ;
ALTER TABLE background_tasks_task_execution ADD COLUMN IF NOT EXISTS discarded_by TEXT;
-- The Dead list reads failures not discarded, newest first: this partial index gives that order directly.
CREATE INDEX IF NOT EXISTS background_tasks_task_execution_dead
    ON background_tasks_task_execution (queued_at DESC NULLS LAST, id DESC)
    WHERE status = 'failed' AND discarded_at IS NULL;
