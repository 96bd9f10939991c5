-- 99_teardown.sql: remove everything Strangler put in the legacy database. The last step of a migration.
--
-- Who and where: a superuser, connected to the legacy database, AFTER the pipeline is stopped for good.
-- Run:           psql -v ON_ERROR_STOP=1 -d legacy -v role=strangler -v slot=strangler_billing \
--                     -v publication=strangler_billing -f 99_teardown.sql
-- Variables:     role         the pipeline's role (source.user)
--                slot         source.slot (default strangler_<pipeline.name>)
--                publication  source.publication (default strangler_<pipeline.name>)
-- Idempotent:    every step skips what is already gone.
--
-- Order matters: the slot first, because an unread slot keeps WAL until the disk is full; the role last, because
-- PostgreSQL refuses to drop a role that still owns objects or holds privileges.
-- Not touched: the legacy tables (their REPLICA IDENTITY stays as 04_replica_identity.sql set it; DEFAULT is
-- PostgreSQL's default), server settings from 01_enable_logical_decoding.sql, and Kafka (delete the table topics
-- <topic.prefix>.<schema>.<table> and the offsets topic with kafka-topics.sh --delete when no consumer needs them).

\set ON_ERROR_STOP on

-- 1. The replication slot. Fails with "replication slot ... is active for PID ..." while a pipeline still reads it:
--    stop the pipeline first (this refusal is what keeps a running pipeline from losing its position).
SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = :'slot';

-- 2. The publication.
DROP PUBLICATION IF EXISTS :"publication";

-- 3. Strangler's own schema: heartbeat, parity history, the sink's positions and markers, Flyway's history table.
DROP SCHEMA IF EXISTS strangler CASCADE;

-- 4. The role: first what it owns and the privileges granted to it in this database (and on the database itself),
--    then the role. If it was granted privileges in other databases too, run DROP OWNED BY there first.
--    A strangler sink's role (05_sink_role.sql) goes the same way: run this step again with -v role=<sink role>.
SELECT format('DROP OWNED BY %I', :'role') WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
DROP ROLE IF EXISTS :"role";

-- Nothing left: every count is 0.
SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name = :'slot') AS slots,
       (SELECT count(*) FROM pg_publication WHERE pubname = :'publication') AS publications,
       (SELECT count(*) FROM pg_namespace WHERE nspname = 'strangler') AS schemas,
       (SELECT count(*) FROM pg_roles WHERE rolname = :'role') AS roles;
