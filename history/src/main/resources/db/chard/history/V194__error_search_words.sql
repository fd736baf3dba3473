-- The error search's words: the exception type's dotted name is split into its parts, so "IllegalStateException"
-- finds java.lang.IllegalStateException (the 'simple' parser kept the dotted name as one word, and a class name
-- found nothing). The message is indexed as before. The expression and the condition must stay
-- HistoryStore.ERROR_DOCUMENT and its "exception_type IS NOT NULL", or the planner will not use the index.
DROP INDEX IF EXISTS background_tasks_task_execution_error;
CREATE INDEX background_tasks_task_execution_error ON background_tasks_task_execution
    USING gin (to_tsvector('simple', translate(coalesce(exception_type, ''), '.$', '  ') || ' '
        || coalesce(exception_message, '')))
    WHERE exception_type IS NOT NULL;
