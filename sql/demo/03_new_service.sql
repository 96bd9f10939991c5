-- The demo's "new service": an order service carved out of the legacy shop, in a schema of its own in the same
-- database. It publishes its events through the transactional outbox (orders_svc.outbox, created by the outbox
-- library's own migration, OutboxMigrations.apply, not here), so these business tables are never captured: the
-- events are what it chooses to tell the world, written in the same transaction as the rows below.
CREATE SCHEMA IF NOT EXISTS orders_svc;

CREATE TABLE orders_svc.orders (
    id            uuid           PRIMARY KEY,
    customer_ref  uuid           NOT NULL,
    total         numeric(14,2)  NOT NULL CHECK (total >= 0),
    status        text           NOT NULL DEFAULT 'placed' CHECK (status IN ('placed', 'confirmed', 'paid')),
    placed_at     timestamptz    NOT NULL DEFAULT now(),
    confirmed_at  timestamptz
);

CREATE TABLE orders_svc.payments (
    id            uuid           PRIMARY KEY,
    order_id      uuid           NOT NULL UNIQUE REFERENCES orders_svc.orders(id),
    amount        numeric(14,2)  NOT NULL,
    captured_at   timestamptz    NOT NULL DEFAULT now()
);
