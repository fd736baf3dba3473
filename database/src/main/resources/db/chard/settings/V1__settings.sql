-- The engine settings stored in the database (seeded from CHARD_* variables at first boot, then authoritative).
CREATE TABLE background_tasks_setting (
    key              VARCHAR(100) PRIMARY KEY,
    value            TEXT         NOT NULL,
    requires_restart BOOLEAN      NOT NULL DEFAULT false,
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
