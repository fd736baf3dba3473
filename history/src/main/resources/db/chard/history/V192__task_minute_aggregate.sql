-- What the overview reads instead of scanning the history: per minute (of the end), task and queue, the
-- executions that ended by outcome (one column per ended status, named by it), the run and wait times' sums and
-- counts, and two fixed log-scale histograms (RuntimeHistogram: bucket i holds times in [2^(i/4), 2^((i+1)/4)) ms,
-- the last one everything longer) that add up element by element, so any window's p50/p95 is a merge of its minutes. The recorder adds to it in the
-- statement that writes its batch, counting an execution only when that statement moved it into an ended status.
CREATE TABLE IF NOT EXISTS background_tasks_task_minute (
    minute         TIMESTAMPTZ NOT NULL,
    task_name      TEXT        NOT NULL,
    queue          TEXT        NOT NULL,
    success        BIGINT      NOT NULL DEFAULT 0,
    failed         BIGINT      NOT NULL DEFAULT 0,
    revoked        BIGINT      NOT NULL DEFAULT 0,
    cancelled      BIGINT      NOT NULL DEFAULT 0,
    run_ms_sum     BIGINT      NOT NULL DEFAULT 0,
    run_count      BIGINT      NOT NULL DEFAULT 0,
    wait_ms_sum    BIGINT      NOT NULL DEFAULT 0,
    wait_count     BIGINT      NOT NULL DEFAULT 0,
    run_histogram  INTEGER[]   NOT NULL,
    wait_histogram INTEGER[]   NOT NULL,
    PRIMARY KEY (minute, task_name, queue)
);
