-- A service's own first migration, to show the outbox migrations living next to a service's own Flyway.
CREATE TABLE orders (
    id     bigint PRIMARY KEY,
    total  numeric(12, 2) NOT NULL
);
