-- A user's sessions carry the version current at login; disabling, deleting, a role or password change bumps it,
-- which ends every older session at its next request.
ALTER TABLE background_tasks_user ADD COLUMN session_version BIGINT NOT NULL DEFAULT 0;

-- Sessions ended by logout before their expiry; kept until then.
CREATE TABLE background_tasks_ended_session (
    session_id UUID PRIMARY KEY,
    expires_at TIMESTAMPTZ NOT NULL
);

-- Orders the copies of the access rules (users, tokens, ended sessions) that admin-api keeps in Redis:
-- a copy drawn later includes every change committed before an earlier one was drawn.
CREATE SEQUENCE background_tasks_access_generation;

-- The live feed (SSE) asks every second for the rows changed since its last look.
CREATE INDEX IF NOT EXISTS background_tasks_task_execution_updated
    ON background_tasks_task_execution (updated_at);
