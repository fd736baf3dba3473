-- task_id is the execution id as text (the recorder writes id::text; Celery's name for it, kept in the API), so no
-- query looks a row up by it: every read goes by the uuid primary key. Its b-tree was written for every row version
-- (no history update is HOT) with a collation-aware text comparison per entry, for nothing.
DROP INDEX IF EXISTS background_tasks_task_execution_task_id;
