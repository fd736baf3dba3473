-- The W3C trace id a dispatch carried (envelope header traceparent), so an execution can be found from a trace.
ALTER TABLE background_tasks_task_execution ADD COLUMN IF NOT EXISTS trace_id VARCHAR(32);
CREATE INDEX IF NOT EXISTS background_tasks_task_execution_trace_id
    ON background_tasks_task_execution (trace_id) WHERE trace_id IS NOT NULL;
