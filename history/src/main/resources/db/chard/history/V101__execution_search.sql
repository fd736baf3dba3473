-- The list's search (issue 14): containment in the arguments, keyword arguments and result (jsonb_path_ops GIN
-- indexes answer @> only, and are about a third of the default jsonb_ops size), full text over the error, and
-- equality on worker and exception type. updated_at is what the live stream reads every second.
CREATE INDEX background_tasks_task_execution_args ON background_tasks_task_execution
    USING gin (args jsonb_path_ops);
CREATE INDEX background_tasks_task_execution_kwargs ON background_tasks_task_execution
    USING gin (kwargs jsonb_path_ops);
CREATE INDEX background_tasks_task_execution_result ON background_tasks_task_execution
    USING gin (result jsonb_path_ops);
-- The expression and the condition must stay HistoryStore.ERROR_DOCUMENT and its "exception_type IS NOT NULL",
-- or the planner will not use the index.
CREATE INDEX background_tasks_task_execution_error ON background_tasks_task_execution
    USING gin (to_tsvector('simple', coalesce(exception_type, '') || ' ' || coalesce(exception_message, '')))
    WHERE exception_type IS NOT NULL;
CREATE INDEX background_tasks_task_execution_worker ON background_tasks_task_execution (worker);
CREATE INDEX background_tasks_task_execution_exception_type ON background_tasks_task_execution (exception_type)
    WHERE exception_type IS NOT NULL;
CREATE INDEX background_tasks_task_execution_updated ON background_tasks_task_execution (updated_at);
