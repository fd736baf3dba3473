-- Operators of the admin app and the API, the long-lived tokens services use, and what operators did.
CREATE TABLE background_tasks_user (
    id            UUID PRIMARY KEY,
    username      VARCHAR(100) NOT NULL UNIQUE,
    password_hash VARCHAR(100) NOT NULL,
    roles         VARCHAR(200) NOT NULL,
    disabled      BOOLEAN      NOT NULL DEFAULT false,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- The secret is shown once; only its SHA-256 is kept (it has 256 random bits, so a slow hash adds nothing).
CREATE TABLE background_tasks_api_token (
    id           UUID PRIMARY KEY,
    name         VARCHAR(100) NOT NULL,
    user_id      UUID         NOT NULL REFERENCES background_tasks_user (id) ON DELETE CASCADE,
    token_hash   CHAR(64)     NOT NULL UNIQUE,
    roles        VARCHAR(200) NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ
);

CREATE TABLE background_tasks_audit (
    id       BIGSERIAL PRIMARY KEY,
    at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    username VARCHAR(100) NOT NULL,
    action   VARCHAR(100) NOT NULL,
    target   VARCHAR(200),
    detail   TEXT
);
CREATE INDEX background_tasks_audit_at ON background_tasks_audit (at DESC);
