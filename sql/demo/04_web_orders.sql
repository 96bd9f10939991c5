-- The legacy back office's table of web orders. Orders are placed by the new service now (orders_svc); the legacy
-- application still reads them from here until it is switched off, and still writes orders of its own into it (phone
-- orders typed in by the back office). strangler sink keeps it filled from the new service's outbox events (keep the
-- lights on). The pipeline captures it like any legacy table: the sink's writes are recognised by its marker rows
-- and marked (the demo pipeline's sink.echo=mark), the back office's own changes flow as they always did.
CREATE TABLE shop.web_orders (
    order_ref     uuid           PRIMARY KEY,
    customer_ref  uuid,
    total         numeric(14,2)  NOT NULL,
    currency      text           NOT NULL DEFAULT 'EUR',
    status        text           NOT NULL,
    channel       text           NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'phone')),
    updated_at    timestamptz    NOT NULL DEFAULT now()
);
