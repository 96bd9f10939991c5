-- 99_teardown.sql: remove everything Strangler put in the legacy database. The last step of a migration.
--
-- Who and where: a superuser, connected to the legacy database, AFTER the pipeline is stopped for good.
-- Run:           psql -v ON_ERROR_STOP=1 -d legacy -v role=strangler -v slot=strangler_billing \
--                     -v publication=strangler_billing -f 99_teardown.sql
-- Variables:     role         the pipeline's role (source.user)
--                slot         source.slot (default strangler_<pipeline.name>)
--                publication  source.publication (default strangler_<pipeline.name>)
-- Idempotent:    every step skips what is already gone.
-- Guarded:       step 4 drops everything the role owns in this database, so step 0 first refuses a superuser and a
--                role that owns anything outside schema strangler (a shared role, an application's owner role): it
--                lists what it found and stops before anything is dropped. The pipeline's role from
--                02_pipeline_role.sql owns schema strangler and at most the pipeline's publication, and passes.
--
-- Order matters: the slot first, because an unread slot keeps WAL until the disk is full; the role last, because
-- PostgreSQL refuses to drop a role that still owns objects or holds privileges.
-- Not touched: the legacy tables (their REPLICA IDENTITY stays as 04_replica_identity.sql set it; DEFAULT is
-- PostgreSQL's default), server settings from 01_enable_logical_decoding.sql, and Kafka (delete the table topics
-- <topic.prefix>.<schema>.<table> and the offsets topic with kafka-topics.sh --delete when no consumer needs them).

\set ON_ERROR_STOP on

-- 0. The guard. A psql variable cannot reach inside a DO block (nothing is substituted within quotes), so the names
--    go through session settings. Objects are found through pg_shdepend, PostgreSQL's own record of what a role owns:
--    here and in shared catalogs (a database, a tablespace), and counted per other database. Allowed: schema
--    strangler, what is in it, and the pipeline's publication.
SELECT set_config('strangler.teardown_role', :'role', false) AS role,
       set_config('strangler.teardown_publication', :'publication', false) AS publication;
DO $guard$
DECLARE
  target oid;
  super boolean;
  owned text;
BEGIN
  SELECT oid, rolsuper INTO target, super FROM pg_roles
   WHERE rolname = current_setting('strangler.teardown_role');
  IF target IS NULL THEN
    RETURN; -- the role is gone already
  END IF;
  IF super THEN
    RAISE EXCEPTION 'refusing to tear down role "%": it is a superuser', current_setting('strangler.teardown_role')
      USING DETAIL = 'Step 4 would DROP OWNED BY it (every table, schema and function it owns in this database) '
                     'and drop the role. Nothing has been dropped.',
            HINT = 'Pass -v role= the pipeline''s own role (source.user, made by 02_pipeline_role.sql). With a shared '
                   'role, run steps 1-3 of this script by hand and keep the role.';
  END IF;
  SELECT string_agg(what, '; ' ORDER BY what) INTO owned FROM (
    SELECT o.type || ' ' || o.identity AS what
      FROM pg_shdepend d CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, d.objsubid) o
     WHERE d.refclassid = 'pg_authid'::regclass AND d.refobjid = target AND d.deptype = 'o'
       AND d.dbid IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
       AND o.schema IS DISTINCT FROM 'strangler'
       AND NOT (o.type = 'schema' AND o.identity = 'strangler')
       AND NOT (o.type = 'publication' AND o.identity = quote_ident(current_setting('strangler.teardown_publication')))
    UNION ALL
    SELECT count(*) || ' object(s) in database ' || quote_ident(db.datname)
      FROM pg_shdepend d JOIN pg_database db ON db.oid = d.dbid
     WHERE d.refclassid = 'pg_authid'::regclass AND d.refobjid = target AND d.deptype = 'o'
       AND db.datname <> current_database()
     GROUP BY db.datname
  ) found;
  IF owned IS NOT NULL THEN
    RAISE EXCEPTION 'refusing to tear down role "%": it owns objects outside schema strangler: %',
        current_setting('strangler.teardown_role'), owned
      USING DETAIL = 'Step 4 would DROP OWNED BY it, dropping them. Nothing has been dropped.',
            HINT = 'Pass -v role= the pipeline''s own role (source.user, made by 02_pipeline_role.sql); if it is '
                   'that role, move each object to its proper owner first (ALTER ... OWNER TO ...).';
  END IF;
END
$guard$;

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
