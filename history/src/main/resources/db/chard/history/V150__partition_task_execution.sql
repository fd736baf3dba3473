-- The history becomes a table partitioned by id range, one partition per UTC day (see docs/architecture.md,
-- "The history table"). Execution ids are UUIDv7: their first 48 bits are the Unix time in milliseconds, so a
-- day is one id range, and any change of an execution (even one that arrives before its enqueued event) routes
-- to the same partition by its id alone. Ids that are not v7 (the random v4 ids of older releases) fall in no
-- day's range, or by chance in one, and otherwise land in the DEFAULT partition, which the purge still empties
-- row by row. The maintenance task creates the days ahead and drops the days past the retention.
--
-- The table is rebuilt (rename, create, copy, drop): PostgreSQL cannot partition an existing table in place.
-- Columns, defaults and checks are taken from the old table (LIKE ... INCLUDING ALL), and so are the indexes a
-- migration between V100 and this one may have added, so this migration does not depend on knowing them all.

ALTER TABLE background_tasks_task_execution RENAME TO background_tasks_task_execution_v100;
ALTER INDEX background_tasks_task_execution_pkey RENAME TO background_tasks_task_execution_v100_pkey;

CREATE TABLE background_tasks_task_execution
    (LIKE background_tasks_task_execution_v100 INCLUDING ALL EXCLUDING INDEXES)
    PARTITION BY RANGE (id);
ALTER TABLE background_tasks_task_execution ADD PRIMARY KEY (id);

CREATE TABLE background_tasks_task_execution_default PARTITION OF background_tasks_task_execution DEFAULT;

-- Today and the next 7 days (UTC), as the maintenance task keeps them: background_tasks_task_execution_pYYYYMMDD
-- holds the ids from the first UUIDv7 of that day (its millisecond time, every other bit 0) to the next day's.
DO $$
DECLARE
    day DATE;
BEGIN
    FOR i IN 0..7 LOOP
        day := (now() AT TIME ZONE 'UTC')::date + i;
        EXECUTE format('CREATE TABLE %I PARTITION OF background_tasks_task_execution FOR VALUES FROM (%L) TO (%L)',
            'background_tasks_task_execution_p' || to_char(day, 'YYYYMMDD'),
            (lpad(to_hex((extract(epoch FROM day::timestamp AT TIME ZONE 'UTC') * 1000)::bigint), 12, '0')
                || repeat('0', 20))::uuid,
            (lpad(to_hex((extract(epoch FROM (day + 1)::timestamp AT TIME ZONE 'UTC') * 1000)::bigint), 12, '0')
                || repeat('0', 20))::uuid);
    END LOOP;
END
$$;

INSERT INTO background_tasks_task_execution SELECT * FROM background_tasks_task_execution_v100;

-- The old table's other indexes, under their own names, on the new table (and so on every partition); V100's
-- two list indexes are replaced below by ones whose order is the list's order.
DO $$
DECLARE
    definitions TEXT[];
    definition TEXT;
BEGIN
    SELECT coalesce(array_agg(regexp_replace(indexdef, ' ON \S+ USING ', ' ON background_tasks_task_execution USING ')),
                    '{}')
    INTO definitions
    FROM pg_indexes
    WHERE tablename = 'background_tasks_task_execution_v100'
      AND schemaname = current_schema()
      AND indexname NOT IN ('background_tasks_task_execution_v100_pkey',
                            'background_tasks_task_execution_queued',
                            'background_tasks_task_execution_status_queued',
                            'background_tasks_task_execution_task_name');
    DROP TABLE background_tasks_task_execution_v100;
    FOREACH definition IN ARRAY definitions LOOP
        EXECUTE definition;
    END LOOP;
END
$$;

-- The list's order is queued_at DESC NULLS LAST, id DESC (the keyset cursor compares (queued_at, id)); each
-- list index ends in that order, so a page reads its rows from the index (a merge over the partitions) instead
-- of sorting every matching row. The filtered lists the admin pages use most (by status, task and queue) have
-- their own.
CREATE INDEX background_tasks_task_execution_list
    ON background_tasks_task_execution (queued_at DESC NULLS LAST, id DESC);
CREATE INDEX background_tasks_task_execution_status_list
    ON background_tasks_task_execution (status, queued_at DESC NULLS LAST, id DESC);
CREATE INDEX background_tasks_task_execution_task_name_list
    ON background_tasks_task_execution (task_name, queued_at DESC NULLS LAST, id DESC);
CREATE INDEX background_tasks_task_execution_queue_list
    ON background_tasks_task_execution (queue, queued_at DESC NULLS LAST, id DESC);
-- The live view's "changed since" (admin's V301 creates the same, and the copy above kept it if V301 came first;
-- a recorder-only role never applies V301).
CREATE INDEX IF NOT EXISTS background_tasks_task_execution_updated ON background_tasks_task_execution (updated_at);
