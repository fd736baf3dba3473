-- The arguments as they were dispatched. jsonb keeps object keys sorted by length and then bytes, so kwargs
-- {"zebra": 1, "apple": 2} read back as {"apple": 2, "zebra": 1}; the text keeps the caller's order for the
-- admin views, while args and kwargs stay jsonb for the search's GIN indexes. NULL on rows recorded before.
ALTER TABLE background_tasks_task_execution ADD COLUMN IF NOT EXISTS args_text TEXT;
ALTER TABLE background_tasks_task_execution ADD COLUMN IF NOT EXISTS kwargs_text TEXT;
