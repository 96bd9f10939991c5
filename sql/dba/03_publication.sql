-- 03_publication.sql: the publication the pipeline streams, for exactly its tables (captured and outbox).
--
-- Who and where: a superuser (or the owner of every table in it), connected to the legacy database,
--                after 02_pipeline_role.sql (which creates schema strangler).
-- Run:           psql -v ON_ERROR_STOP=1 -d legacy -v publication=strangler_billing \
--                     -v tables='shop.customers,shop.orders' -f 03_publication.sql
-- Variables:     publication  source.publication (default strangler_<pipeline.name>, e.g. strangler_billing)
--                tables       the tables the pipeline streams: source.tables, then outbox.tables (schema.table,
--                             comma-separated); strangler sql print dba --config fills them in
-- Idempotent:    created when missing, then its table list is SET: running it again (also with a changed list)
--                leaves exactly the tables given.
--
-- Why a DBA runs it: creating a publication needs ownership of every table in it, which the pipeline's role should
-- not have. When the publication exists, Strangler uses it as it is and never alters it.
--
-- Why never FOR ALL TABLES: while a publication publishes UPDATE and DELETE for a table, PostgreSQL rejects the
-- legacy application's own UPDATE and DELETE on that table unless it has a primary key or a REPLICA IDENTITY
-- ("cannot update table ... because it does not have a replica identity and publishes updates"). Listing only the
-- pipeline's tables keeps every other legacy table as it was. Check each table first: strangler doctor, and
-- 04_replica_identity.sql for the ones without a primary key.
--
-- Outbox tables (outbox.tables): published like captured tables, because their inserts are the events; a publication
-- without one means its events never reach Kafka (strangler doctor FAILs). The outbox of
-- sql/outbox/V1__outbox_and_inbox.sql has a primary key (id), so REPLICA IDENTITY DEFAULT is right and the outbox
-- library's delete right after each insert keeps working: nothing to do in 04_replica_identity.sql.
--
-- Schema strangler: the pipeline's heartbeat table must be published too (each beat moves the slot while the
-- captured tables are idle, so PostgreSQL can recycle WAL), and so must strangler.sink_marker when a strangler sink
-- writes to captured tables (its first change in every sink transaction tells the pipeline which changes are the
-- sink's own, so they do not come back as events: pipeline key sink.echo). Both are created by Strangler's
-- migrations, usually after this script ran. On PostgreSQL 15+ the publication therefore also covers TABLES IN SCHEMA
-- strangler, which includes them as soon as they exist (every table there has a primary key; the pipeline streams
-- only the two it needs). On 10-14 they are added when they exist: run this script again after the pipeline's first
-- start (or apply `strangler sql print migrations` before running it).
--
-- Partitioned tables: list the partitioned (parent) table; to get its events under the parent's name add
-- WITH (publish_via_partition_root = true) (PostgreSQL 13+) and review with the team consuming the topics.

\set ON_ERROR_STOP on

SELECT format('CREATE PUBLICATION %I', :'publication')
 WHERE NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = :'publication') \gexec

-- The ::regclass cast stops the script with "relation ... does not exist" on a misspelt table. The TABLE part is left
-- out when there is no table to list (tables='' on PostgreSQL 15+: only schema strangler).
-- Before PostgreSQL 15 (no TABLES IN SCHEMA) with no table to list, there is nothing to SET: the statement is skipped.
SELECT format('ALTER PUBLICATION %I SET %s', :'publication', o.objects)
  FROM (SELECT concat_ws(', ',
              'TABLE ' || nullif(concat_ws(', ',
                  (SELECT string_agg(trim(t.name)::regclass::text, ', ')
                     FROM unnest(string_to_array(:'tables', ',')) AS t(name)),
                  CASE WHEN current_setting('server_version_num')::int < 150000
                        AND to_regclass('strangler.heartbeat') IS NOT NULL THEN 'strangler.heartbeat' END,
                  CASE WHEN current_setting('server_version_num')::int < 150000
                        AND to_regclass('strangler.sink_marker') IS NOT NULL THEN 'strangler.sink_marker' END), ''),
              CASE WHEN current_setting('server_version_num')::int >= 150000
                   THEN 'TABLES IN SCHEMA strangler' END) AS objects) o
 WHERE o.objects <> '' \gexec

-- Changes of every kind are published (the default; a publication restricted to inserts would silently drop the
-- updates and deletes).
ALTER PUBLICATION :"publication" SET (publish = 'insert, update, delete, truncate');

-- What it publishes now.
SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = :'publication' ORDER BY 1, 2;
