-- Canvas workflows for good: the workflow's tree (its shape with member ids and JSON paths) is recorded on the row
-- of its first member (the enqueued event that carries it), and the view names it by the workflow id. A workflow's
-- status is derived from that tree and its members' rows (root_id), as it is from Redis while it runs.
ALTER TABLE background_tasks_task_execution ADD COLUMN IF NOT EXISTS workflow_tree JSONB;
CREATE OR REPLACE VIEW background_tasks_workflow AS
    SELECT root_id AS id, workflow_tree AS tree, workflow_tree ->> 'redrive_of' AS redrive_of, queued_at AS created_at
    FROM background_tasks_task_execution
    WHERE workflow_tree IS NOT NULL;
