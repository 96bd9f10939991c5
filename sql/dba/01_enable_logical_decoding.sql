-- 01_enable_logical_decoding.sql: turn on logical decoding for Strangler.
--
-- Who and where: a superuser, once per server, in any database.
-- Run:           psql -v ON_ERROR_STOP=1 -d postgres -f 01_enable_logical_decoding.sql
--                then RESTART PostgreSQL (see "restart" below) and check with: strangler doctor --config ...
-- Variables:     slot_wal_keep_size: the most WAL one replication slot may hold back, e.g. -v slot_wal_keep_size=20GB
-- Idempotent:    ALTER SYSTEM only rewrites postgresql.auto.conf, and the slot/sender counts are only ever raised,
--                never lowered below what the server has now: running it twice changes nothing.
--
-- Managed PostgreSQL has no ALTER SYSTEM; set the same values where the provider keeps them:
--   Amazon RDS / Aurora:  parameter group rds.logical_replication = 1 (it sets wal_level = logical), plus
--                         max_replication_slots, max_wal_senders, max_slot_wal_keep_size; reboot the instance.
--   Google Cloud SQL:     database flag cloudsql.logical_decoding = on (restarts the instance).
--   Azure Flexible Server: server parameter wal_level = logical; restart the server.

\set ON_ERROR_STOP on

-- wal_level = logical: the WAL then carries what logical decoding (pgoutput) needs to rebuild row changes.
-- Needs a RESTART. Costs a little more WAL than 'replica' (mostly for tables with REPLICA IDENTITY FULL).
ALTER SYSTEM SET wal_level = logical;

-- One slot and one WAL sender per running pipeline, plus headroom for other consumers and for a standby.
-- Both need a RESTART. 10 is a floor, not a ceiling: an existing larger value is kept (lowering
-- max_replication_slots below the slots that exist would stop the server from starting).
SELECT format('ALTER SYSTEM SET max_replication_slots = %s',
              greatest(current_setting('max_replication_slots')::int, 10)) \gexec
SELECT format('ALTER SYSTEM SET max_wal_senders = %s',
              greatest(current_setting('max_wal_senders')::int, 10)) \gexec

-- max_slot_wal_keep_size (PostgreSQL 13+): the cap on WAL one slot may retain. Unset (-1), a slot whose consumer is
-- stopped keeps every WAL segment until the disk is full and the whole database stops. With a cap PostgreSQL
-- invalidates the slot instead (wal_status = lost): the pipeline then refuses to start, says events were lost and how
-- to recover (a new slot and a fresh snapshot), which is far cheaper than a full disk.
-- Recommended: what the WAL volume can spare with a margin, and at least the WAL your busiest day writes in the time
-- you need to notice and fix a stopped pipeline (e.g. 20GB for a database writing ~1GB of WAL an hour, which gives a
-- weekend's night of slack). Reload is enough, no restart.
-- PostgreSQL 12 has no such setting (ALTER SYSTEM would stop the script there): there, watch the slot's retained WAL
-- instead (strangler slot status, the strangler_slot_retained_wal_bytes metric).
SELECT format('ALTER SYSTEM SET max_slot_wal_keep_size = %L', :'slot_wal_keep_size')
 WHERE current_setting('server_version_num')::int >= 130000 \gexec
SELECT pg_reload_conf();

-- What is in force now and what waits for the restart (pending_restart is true until PostgreSQL restarts).
SELECT name, setting, unit, pending_restart
  FROM pg_settings
 WHERE name IN ('wal_level', 'max_replication_slots', 'max_wal_senders', 'max_slot_wal_keep_size')
 ORDER BY name;
