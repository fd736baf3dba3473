-- The repair finds a fire dispatched earlier (whose bookkeeping failed) by its idempotency key in the history,
-- even after the broker's idempotency window has passed.
CREATE INDEX IF NOT EXISTS background_tasks_task_execution_beat_key ON background_tasks_task_execution (idempotency_key)
    WHERE idempotency_key LIKE 'beat:%';
