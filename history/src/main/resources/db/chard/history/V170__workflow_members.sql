-- Canvas workflows: a step that will never run because a step before it failed is 'cancelled'; a workflow's
-- members are found by their root (the workflow id).
ALTER TABLE background_tasks_task_execution DROP CONSTRAINT IF EXISTS background_tasks_task_execution_status_check;
ALTER TABLE background_tasks_task_execution ADD CONSTRAINT background_tasks_task_execution_status_check
    CHECK (status IN ('pending', 'running', 'success', 'failed', 'stuck', 'revoked', 'retrying', 'cancelled'));
CREATE INDEX background_tasks_task_execution_root ON background_tasks_task_execution (root_id)
    WHERE root_id IS NOT NULL;
