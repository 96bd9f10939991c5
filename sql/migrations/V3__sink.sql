-- The sink's bookkeeping (strangler sink: topics applied to legacy tables). Like everything Strangler keeps in the
-- legacy database, it lives in schema strangler only; the legacy tables the sink writes are never altered.

-- Where each sink consumer group stands in each topic partition: the offset of the next record to apply. The sink
-- writes it in the same transaction as the rows those records changed, so the tables and the positions can never
-- disagree: a crash at any moment rolls back both, and the restart (or whichever sink process Kafka's group protocol
-- gives the partition) resumes from exactly here. Kafka's own committed offsets are only a hint for lag monitoring.
-- Every update is a compare-and-set on next_offset: an instance that lost the partition to another one cannot write
-- it again. The reverse parity check reads these rows in its consistent cut: the topics folded up to exactly these
-- positions must equal the tables.
CREATE TABLE strangler.sink_offsets (
    sink_group   text        NOT NULL,
    topic        text        NOT NULL,
    "partition"  int         NOT NULL CHECK ("partition" >= 0),
    next_offset  bigint      NOT NULL CHECK (next_offset >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sink_group, topic, "partition")
);

COMMENT ON TABLE strangler.sink_offsets IS
    'Written by strangler sink in the same transaction as its writes: the next offset to apply per group and partition.';

-- One row per sink transaction, inserted as that transaction's first change (txid_current(): the 64-bit transaction
-- id). The table is in the pipeline's publication (like strangler.heartbeat), so the pipeline sees the marker before
-- the rest of the transaction's changes (a transaction's changes are decoded together, in order) and knows by the
-- source transaction id that those changes are the sink's own writes: it drops them, or marks them with the header
-- strangler.origin=sink:<sink> (pipeline key sink.echo), instead of publishing them as new legacy events (echo).
-- A pipeline that restarts in the middle of a transaction looks its id up here. The sink deletes its rows older than
-- sink.marker.retention.
CREATE TABLE strangler.sink_marker (
    txid       bigint      PRIMARY KEY,
    sink       text        NOT NULL,
    marked_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sink_marker_by_age ON strangler.sink_marker (sink, marked_at);

COMMENT ON TABLE strangler.sink_marker IS
    'Written first in every strangler sink transaction, so the pipeline recognises the sink''s own changes (no echo).';
