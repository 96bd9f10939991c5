-- 04_replica_identity.sql: set the REPLICA IDENTITY of one captured table.
--
-- Who and where: the owner of the table (or a superuser), connected to the legacy database. Takes an ACCESS
--                EXCLUSIVE lock on the table for a moment (a catalog change, no rewrite): run it in a quiet minute.
-- Run:           psql -v ON_ERROR_STOP=1 -d legacy -v table=shop.audit_log -v identity=FULL -f 04_replica_identity.sql
-- Variables:     table     schema.table
--                identity  DEFAULT | FULL | 'USING INDEX <index name>' (quote it: it has spaces)
-- Idempotent:    setting the identity the table already has changes nothing.
--
-- The replica identity decides which old values an UPDATE or DELETE writes to the WAL, and so what the event's
-- "before" holds. Choose per table; strangler doctor tells which tables need a decision:
--
--   DEFAULT           the primary key. Right for every table that has one: nothing to do. "before" holds the key
--                     on deletes and is null on updates.
--   USING INDEX idx   a UNIQUE index on NOT NULL columns, not partial, not deferrable. For a table without a primary
--                     key that has such a natural key (e.g. an external reference). Cheap, like DEFAULT.
--   FULL              the whole old row. Needed for a table with neither a primary key nor such an index: without
--                     one, once the table is in the publication PostgreSQL REJECTS the legacy application's UPDATE
--                     and DELETE on it. Also the fix when parity must compare large (TOASTed) columns that updates
--                     leave unchanged: with DEFAULT they arrive as "__debezium_unavailable_value" and parity reports
--                     "not comparable". Costs more WAL on every UPDATE and DELETE of the table.
--   NOTHING           never for a captured table: updates and deletes would be rejected.
--
-- A table without a primary key also gives events without a key (the topic's records are not keyed, so there is no
-- per-key order); prefer adding a primary key where the application allows it.

\set ON_ERROR_STOP on

ALTER TABLE :table REPLICA IDENTITY :identity;

-- The table's identity now: d = DEFAULT, f = FULL, i = USING INDEX, n = NOTHING.
SELECT c.oid::regclass AS table_name, c.relreplident,
       (SELECT i.indexrelid::regclass FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident) AS identity_index,
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_primary_key
  FROM pg_class c
 WHERE c.oid = :'table'::regclass;
