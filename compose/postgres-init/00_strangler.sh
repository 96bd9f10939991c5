#!/usr/bin/env bash
# Runs once, when the postgres service starts on an empty data volume (docker-entrypoint-initdb.d): the demo legacy
# schema, then the DBA scripts of sql/dba/ exactly as a DBA runs them, with psql variables from the environment.
# The teardown (99_teardown.sql) and the per-table 04_replica_identity.sql are not run: every demo table it
# captures has a primary key.
set -euo pipefail

run_psql() {
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" "$@"
}

run_psql -f /strangler/sql/demo/01_legacy_schema.sql
run_psql -f /strangler/sql/demo/02_seed.sql
run_psql -v slot_wal_keep_size="$STRANGLER_SLOT_WAL_KEEP_SIZE" \
    -f /strangler/sql/dba/01_enable_logical_decoding.sql
run_psql -v role="$STRANGLER_ROLE" -v password="$STRANGLER_ROLE_PASSWORD" -v tables="$STRANGLER_TABLES" \
    -f /strangler/sql/dba/02_pipeline_role.sql
run_psql -v publication="$STRANGLER_PUBLICATION" -v tables="$STRANGLER_TABLES" \
    -f /strangler/sql/dba/03_publication.sql
