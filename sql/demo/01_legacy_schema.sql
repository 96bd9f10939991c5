-- The demo's "legacy application" schema: a small shop, written the way legacy schemas are (serial keys, an enum,
-- money as numeric, a jsonb bag of attributes, an array of tags, a bytea thumbnail). Strangler never alters it.
CREATE SCHEMA IF NOT EXISTS shop;

CREATE TYPE shop.order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');

CREATE TABLE shop.customers (
    id           bigserial    PRIMARY KEY,
    external_ref uuid         NOT NULL UNIQUE,
    name         text         NOT NULL,
    email        text         NOT NULL,
    vip          boolean      NOT NULL DEFAULT false,
    birth_date   date,
    tags         text[]       NOT NULL DEFAULT '{}',
    created_at   timestamptz  NOT NULL DEFAULT now(),
    updated_at   timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE shop.products (
    id           serial        PRIMARY KEY,
    sku          text          NOT NULL UNIQUE,
    title        text          NOT NULL,
    price        numeric(12,2) NOT NULL,
    weight_kg    numeric(8,3),
    attributes   jsonb         NOT NULL DEFAULT '{}',
    thumbnail    bytea,
    active       boolean       NOT NULL DEFAULT true,
    updated_at   timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE shop.orders (
    id           bigserial          PRIMARY KEY,
    customer_id  bigint             NOT NULL REFERENCES shop.customers(id),
    status       shop.order_status  NOT NULL DEFAULT 'new',
    total        numeric(14,2)      NOT NULL DEFAULT 0,
    placed_at    timestamptz        NOT NULL DEFAULT now(),
    ship_by      date,
    note         text
);

CREATE TABLE shop.order_lines (
    order_id     bigint         NOT NULL REFERENCES shop.orders(id) ON DELETE CASCADE,
    line_no      int            NOT NULL,
    product_id   int            NOT NULL REFERENCES shop.products(id),
    quantity     int            NOT NULL CHECK (quantity > 0),
    unit_price   numeric(12,2)  NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- A legacy table with no primary key that the pipeline does not capture: the legacy app must keep updating it.
CREATE TABLE shop.audit_log (
    happened_at  timestamptz NOT NULL DEFAULT now(),
    actor        text        NOT NULL,
    action       text        NOT NULL
);
