-- Every execution Chard ran or was asked to run; written by the recorder from the broker's event stream.
CREATE TABLE background_tasks_task_execution (
    id                UUID PRIMARY KEY,
    task_id           VARCHAR(64),
    task_name         VARCHAR(200),
    status            VARCHAR(16)  NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'success', 'failed', 'stuck', 'revoked', 'retrying')),
    queue             VARCHAR(100) NOT NULL DEFAULT 'default',
    priority          SMALLINT     NOT NULL DEFAULT 5,
    args              JSONB,
    kwargs            JSONB,
    result            JSONB,
    traceback         TEXT,
    exception_type    VARCHAR(300),
    exception_message TEXT,
    revoke_reason     VARCHAR(200),
    worker            VARCHAR(200),
    retries           INTEGER      NOT NULL DEFAULT 0,
    deliveries        INTEGER      NOT NULL DEFAULT 0,
    stale_reports     INTEGER      NOT NULL DEFAULT 0,
    progress          SMALLINT     NOT NULL DEFAULT 0,
    progress_step     VARCHAR(200),
    idempotency_key   VARCHAR(200),
    retried_from_id   UUID,
    parent_id         UUID,
    root_id           UUID,
    group_id          UUID,
    queued_at         TIMESTAMPTZ,
    eta               TIMESTAMPTZ,
    expires_at        TIMESTAMPTZ,
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ,
    heartbeat_at      TIMESTAMPTZ,
    timeline          JSONB        NOT NULL DEFAULT '[]',
    last_event_seq    BIGINT       NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX background_tasks_task_execution_task_id ON background_tasks_task_execution (task_id);
CREATE INDEX background_tasks_task_execution_task_name ON background_tasks_task_execution (task_name);
CREATE INDEX background_tasks_task_execution_status_queued ON background_tasks_task_execution (status, queued_at);
CREATE INDEX background_tasks_task_execution_queued ON background_tasks_task_execution (queued_at DESC);
CREATE INDEX background_tasks_task_execution_retried_from ON background_tasks_task_execution (retried_from_id)
    WHERE retried_from_id IS NOT NULL;
