-- The pipeline's own objects live only in schema "strangler" (Flyway creates it and keeps its history table there).
-- The legacy application's tables are never altered by these migrations.

-- One row per pipeline. Debezium's heartbeat action query upserts this row every heartbeat.interval. The table is in
-- the pipeline's publication, so each beat is a change the slot must confirm: that keeps confirmed_flush_lsn moving
-- (and lets PostgreSQL recycle WAL) while the captured legacy tables are idle.
CREATE TABLE strangler.heartbeat (
    pipeline   text        PRIMARY KEY,
    beat_at    timestamptz NOT NULL DEFAULT now(),
    beats      bigint      NOT NULL DEFAULT 1
);

COMMENT ON TABLE strangler.heartbeat IS
    'Written by the Strangler pipeline''s heartbeat; keeps the replication slot advancing when captured tables are idle.';
