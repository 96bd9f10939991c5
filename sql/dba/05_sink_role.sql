-- 05_sink_role.sql: the least-privilege role strangler sink connects as (keep the lights on: events applied to
-- legacy tables). Only for a sink; a pipeline that only captures needs none of this.
--
-- Who and where: a superuser (or a role with CREATEROLE that owns the mapped tables and schema strangler), connected
--                to the legacy database the sink writes, AFTER Strangler's migrations created
--                strangler.sink_offsets and strangler.sink_marker (the pipeline's first start, or
--                `strangler sql print migrations` applied by hand).
-- Run:           psql -v ON_ERROR_STOP=1 -d legacy -v sink_role=strangler_sink -v sink_password='...' \
--                     -v sink_tables='shop.web_orders,shop.order_notes' -f 05_sink_role.sql
-- Variables:     sink_role      the sink's role (target.user)
--                sink_password  its password (target.password / STRANGLER_TARGET_PASSWORD); PostgreSQL stores it
--                               hashed. To keep it out of shell history and server logs, pass a dummy here and set
--                               the real one afterwards with \password in psql.
--                sink_tables    the tables the sink writes: every mapping.<id>.table (schema.table, comma-separated);
--                               strangler sql print dba --sink-config fills them in
-- Idempotent:    the role is created only when missing; every other statement (ALTER ROLE, GRANT) gives the same
--                result when run again.
--
-- What the role gets, and why it is enough:
--   LOGIN                    to connect; no REPLICATION (the sink reads Kafka, not the WAL)
--   CONNECT                  on the legacy database
--   USAGE on each mapped table's schema, and on each mapped table:
--     INSERT, UPDATE         the upserts (INSERT ... ON CONFLICT DO UPDATE) and the updates
--     DELETE                 delete events
--     SELECT                 PostgreSQL requires it for ON CONFLICT DO UPDATE (it reads the conflicting row) and for
--                            the WHERE of an update or delete by key; without it every upsert fails
--     USAGE on the sequences the table's columns own (serial, identity), so a row inserted without its key column
--                            takes the next value
--   schema strangler (USAGE only, it stays the pipeline role's):
--     strangler.sink_offsets SELECT, INSERT, UPDATE: the positions, written in the same transaction as the rows
--     strangler.sink_marker  INSERT (the first change of every sink transaction, so the pipeline recognises the
--                            sink's own writes), SELECT and DELETE (its rows older than sink.marker.retention)
-- What it does not get: SUPERUSER, CREATEDB, CREATEROLE, REPLICATION, TRUNCATE, ownership of anything, any privilege
-- on a legacy table it does not write, any change to the tables' definitions, triggers or REPLICA IDENTITY.
-- Row-level security: a mapped table with RLS policies limits what the sink may write: add a policy for this role, or
-- its writes fail (and stop the sink) instead of silently doing nothing.

\set ON_ERROR_STOP on

-- PostgreSQL has no CREATE ROLE IF NOT EXISTS: build the statement only when the role is missing.
SELECT format('CREATE ROLE %I WITH LOGIN PASSWORD %L', :'sink_role', :'sink_password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'sink_role') \gexec

-- An existing role: make sure it may log in and set the password given; nothing more.
ALTER ROLE :"sink_role" WITH LOGIN NOREPLICATION PASSWORD :'sink_password';

SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'sink_role') \gexec

-- The mapped tables: USAGE on their schemas, the four table privileges, and their own sequences. The ::regclass cast
-- stops the script with "relation ... does not exist" on a misspelt table.
SELECT DISTINCT format('GRANT USAGE ON SCHEMA %I TO %I', n.nspname, :'sink_role')
  FROM unnest(string_to_array(:'sink_tables', ',')) AS t(name)
  JOIN pg_class c ON c.oid = trim(t.name)::regclass
  JOIN pg_namespace n ON n.oid = c.relnamespace \gexec
SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %s TO %I', trim(t.name)::regclass, :'sink_role')
  FROM unnest(string_to_array(:'sink_tables', ',')) AS t(name) \gexec
SELECT format('GRANT USAGE ON SEQUENCE %s TO %I', s.oid::regclass, :'sink_role')
  FROM unnest(string_to_array(:'sink_tables', ',')) AS t(name)
  JOIN pg_depend d ON d.refobjid = trim(t.name)::regclass AND d.classid = 'pg_class'::regclass
                  AND d.deptype IN ('a', 'i')
  JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' \gexec

-- The sink's bookkeeping in schema strangler: usage of the schema, and exactly these two tables. ::regclass stops the
-- script when the migrations have not created them yet (start the pipeline once, or apply the migrations, first).
SELECT format('GRANT USAGE ON SCHEMA strangler TO %I', :'sink_role') \gexec
SELECT format('GRANT SELECT, INSERT, UPDATE ON TABLE %s TO %I', 'strangler.sink_offsets'::regclass, :'sink_role') \gexec
SELECT format('GRANT SELECT, INSERT, DELETE ON TABLE %s TO %I', 'strangler.sink_marker'::regclass, :'sink_role') \gexec

-- The role as it is now: expect rolsuper = false, rolreplication = false, rolcanlogin = true, and the grants above.
SELECT rolname, rolsuper, rolreplication, rolcanlogin FROM pg_roles WHERE rolname = :'sink_role';
SELECT table_schema, table_name, string_agg(privilege_type, ', ' ORDER BY privilege_type) AS privileges
  FROM information_schema.role_table_grants WHERE grantee = :'sink_role'
 GROUP BY 1, 2 ORDER BY 1, 2;
