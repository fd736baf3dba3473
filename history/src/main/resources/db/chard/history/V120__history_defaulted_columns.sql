-- The NOT NULL columns a row got from their insert default because the change that created it did not carry
-- them (a newer change applied before an older one). An older change applied later still sets them, once.
ALTER TABLE background_tasks_task_execution ADD COLUMN defaulted TEXT[] NOT NULL DEFAULT '{}';
