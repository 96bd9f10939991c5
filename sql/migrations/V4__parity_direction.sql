-- Reverse parity: a parity run may check a table twice, once as a captured table against its topic and once as a
-- sink's target table against the sink's topics folded up to the positions the sink stored (the demo's
-- shop.web_orders is both). Each per-table result says which direction it is, and the key includes it.
ALTER TABLE strangler.parity_table_result
    ADD COLUMN direction text NOT NULL DEFAULT 'TABLE_TO_TOPIC'
        CHECK (direction IN ('TABLE_TO_TOPIC', 'TOPIC_TO_TABLE'));

ALTER TABLE strangler.parity_table_result DROP CONSTRAINT parity_table_result_pkey;
ALTER TABLE strangler.parity_table_result ADD PRIMARY KEY (run_id, table_name, direction);

COMMENT ON COLUMN strangler.parity_table_result.direction IS
    'TABLE_TO_TOPIC: a captured table against its topic; TOPIC_TO_TABLE: a sink''s table against the sink''s topics.';
