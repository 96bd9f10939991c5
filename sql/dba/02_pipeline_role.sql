-- 02_pipeline_role.sql: the least-privilege role the pipeline connects as.
--
-- Who and where: a superuser (or a role with CREATEROLE that owns the captured tables' schemas), connected to the
--                legacy database.
-- Run:           psql -v ON_ERROR_STOP=1 -d legacy -v role=strangler -v password='...' \
--                     -v tables='shop.customers,shop.orders' -f 02_pipeline_role.sql
-- Variables:     role      the pipeline's role (source.user)
--                password  its password (source.password / STRANGLER_SOURCE_PASSWORD); PostgreSQL stores it hashed
--                          (password_encryption, scram-sha-256 by default). To keep it out of shell history and
--                          server logs, pass a dummy here and set the real one afterwards with \password in psql.
--                tables    the tables the pipeline streams: source.tables, then outbox.tables (schema.table,
--                          comma-separated); strangler sql print dba --config fills them in
-- Idempotent:    the role is created only when missing; every other statement (ALTER ROLE, GRANT, ALTER SCHEMA)
--                gives the same result when run again.
--
-- What the role gets, and why it is enough:
--   LOGIN, REPLICATION   to open the replication connection and create its logical slot (pgoutput)
--   CONNECT              on the legacy database
--   USAGE + SELECT       on the schemas and tables of source.tables and outbox.tables only: the initial snapshot
--                        reads each of them, an outbox table too (a missing grant fails the start)
--   schema strangler     owned by the role: Strangler's own migrations (heartbeat, parity history) live there
-- What it does not get: SUPERUSER, CREATEDB, CREATEROLE, ownership of any legacy table, any write on legacy tables.
-- The publication is created by a DBA (03_publication.sql) because creating one needs ownership of the tables.
-- Row-level security: if a captured table has RLS policies, the snapshot only sees the rows they allow: grant
-- BYPASSRLS (ALTER ROLE ... BYPASSRLS) or add a policy for this role, or parity will report rows missing.
--
-- Managed PostgreSQL, where REPLICATION cannot be granted directly:
--   Amazon RDS / Aurora:   CREATE ROLE ... LOGIN (without REPLICATION), then GRANT rds_replication TO <role>;
--   Google Cloud SQL:      create the user in the console or with gcloud, then ALTER ROLE <role> WITH REPLICATION;
--                          as a cloudsqlsuperuser member.
--   Azure Flexible Server: ALTER ROLE <role> WITH REPLICATION; as an azure_pg_admin member.

\set ON_ERROR_STOP on

-- PostgreSQL has no CREATE ROLE IF NOT EXISTS: build the statement only when the role is missing (psql's \gexec runs
-- each value the query returns as a statement).
SELECT format('CREATE ROLE %I WITH LOGIN REPLICATION PASSWORD %L', :'role', :'password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec

-- An existing role: make sure it may log in and replicate, and set the password given.
ALTER ROLE :"role" WITH LOGIN REPLICATION PASSWORD :'password';

SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'role') \gexec

-- USAGE on each streamed table's schema, SELECT on each streamed table: nothing else in the legacy schemas.
-- The ::regclass cast stops the script with "relation ... does not exist" on a misspelt table.
SELECT DISTINCT format('GRANT USAGE ON SCHEMA %I TO %I', n.nspname, :'role')
  FROM unnest(string_to_array(:'tables', ',')) AS t(name)
  JOIN pg_class c ON c.oid = trim(t.name)::regclass
  JOIN pg_namespace n ON n.oid = c.relnamespace \gexec
SELECT format('GRANT SELECT ON TABLE %s TO %I', trim(t.name)::regclass, :'role')
  FROM unnest(string_to_array(:'tables', ',')) AS t(name) \gexec

-- Schema strangler, owned by the role: Strangler's Flyway migrations create the heartbeat and history tables in it.
-- Owning the schema (not CREATE on the whole database) is what keeps those objects out of the legacy schemas.
CREATE SCHEMA IF NOT EXISTS strangler AUTHORIZATION :"role";
ALTER SCHEMA strangler OWNER TO :"role";

-- The role as it is now: expect rolsuper = false, rolreplication = true, rolcanlogin = true.
SELECT rolname, rolsuper, rolreplication, rolcanlogin FROM pg_roles WHERE rolname = :'role';
