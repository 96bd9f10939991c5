-- History of parity runs, so reports can show a trend and `strangler parity --history` can list past verdicts.
CREATE TABLE strangler.parity_run (
    run_id        uuid         PRIMARY KEY,
    started_at    timestamptz  NOT NULL,
    finished_at   timestamptz  NOT NULL,
    topic_prefix  text         NOT NULL,
    slot_name     text,
    verdict       text         NOT NULL CHECK (verdict IN ('GO', 'NO-GO', 'UNVERIFIABLE')),
    reason        text,
    cut_snapshot  text         NOT NULL,
    cut_lsn       pg_lsn       NOT NULL,
    cut_at        timestamptz  NOT NULL,
    tables        int          NOT NULL,
    rows_in_tables bigint      NOT NULL,
    findings      bigint       NOT NULL
);

CREATE INDEX parity_run_started_at ON strangler.parity_run (started_at);

CREATE TABLE strangler.parity_table_result (
    run_id             uuid    NOT NULL REFERENCES strangler.parity_run (run_id) ON DELETE CASCADE,
    table_name         text    NOT NULL,
    topic              text    NOT NULL,
    verdict            text    NOT NULL CHECK (verdict IN ('GO', 'NO-GO', 'UNVERIFIABLE')),
    reason             text,
    rows_in_table      bigint  NOT NULL,
    live_keys_in_stream bigint NOT NULL,
    missing_in_stream  bigint  NOT NULL,
    extra_in_stream    bigint  NOT NULL,
    content_differs    bigint  NOT NULL,
    not_comparable     bigint  NOT NULL,
    anomalies          bigint  NOT NULL,
    duplicates         bigint  NOT NULL,
    PRIMARY KEY (run_id, table_name)
);
