-- Periodic schedules (beat) and every claimed fire of one.
CREATE TABLE background_tasks_schedule (
    id               UUID PRIMARY KEY,
    name             VARCHAR(200) NOT NULL UNIQUE,
    task_name        VARCHAR(200) NOT NULL,
    kind             VARCHAR(16)  NOT NULL CHECK (kind IN ('cron', 'interval', 'solar', 'one_off')),
    cron             VARCHAR(200),
    interval_seconds BIGINT,
    solar_event      VARCHAR(16),
    latitude         DOUBLE PRECISION,
    longitude        DOUBLE PRECISION,
    run_at           TIMESTAMPTZ,
    timezone         VARCHAR(64)  NOT NULL DEFAULT 'UTC',
    start_at         TIMESTAMPTZ,
    expires_at       TIMESTAMPTZ,
    enabled          BOOLEAN      NOT NULL DEFAULT true,
    args             JSONB,
    kwargs           JSONB,
    queue            VARCHAR(100),
    priority         SMALLINT,
    misfire_policy   VARCHAR(16)  NOT NULL DEFAULT 'fire_once' CHECK (misfire_policy IN ('fire_once', 'skip', 'fire_all')),
    catch_up_seconds INTEGER      NOT NULL DEFAULT 3600,
    source           VARCHAR(16)  NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'code', 'builtin')),
    last_run_at      TIMESTAMPTZ,
    total_runs       BIGINT       NOT NULL DEFAULT 0,
    next_run_at      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX background_tasks_schedule_due ON background_tasks_schedule (next_run_at) WHERE enabled;

-- The exactly-once claim: whoever inserts (schedule, fire_time) first dispatches it; everyone else skips it.
CREATE TABLE background_tasks_schedule_fire (
    schedule_id  UUID        NOT NULL REFERENCES background_tasks_schedule (id) ON DELETE CASCADE,
    fire_time    TIMESTAMPTZ NOT NULL,
    claimed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    execution_id UUID,
    PRIMARY KEY (schedule_id, fire_time)
);
CREATE INDEX background_tasks_schedule_fire_undispatched ON background_tasks_schedule_fire (claimed_at)
    WHERE execution_id IS NULL;
