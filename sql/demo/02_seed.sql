-- Rows that exist before the pipeline starts, so the initial snapshot has something to read.
INSERT INTO shop.customers (external_ref, name, email, vip, birth_date, tags)
SELECT md5('customer' || g)::uuid,
       'Customer ' || g,
       'customer' || g || '@example.com',
       g % 7 = 0,
       DATE '1960-02-29' + (g * 97) % 15000,
       CASE WHEN g % 3 = 0 THEN ARRAY['newsletter', 'früh'] ELSE '{}' END
FROM generate_series(1, 50) AS g;

INSERT INTO shop.products (sku, title, price, weight_kg, attributes, thumbnail)
SELECT 'SKU-' || lpad(g::text, 5, '0'),
       'Product ' || g,
       round((g * 3.17)::numeric, 2),
       CASE WHEN g % 4 = 0 THEN NULL ELSE round((g * 0.125)::numeric, 3) END,
       jsonb_build_object('colour', (ARRAY['red', 'green', 'blue'])[1 + g % 3], 'size', g % 5),
       decode(md5('thumb' || g), 'hex')
FROM generate_series(1, 20) AS g;

INSERT INTO shop.orders (customer_id, status, total, ship_by, note)
SELECT 1 + g % 50,
       (ARRAY['new', 'paid', 'shipped']::shop.order_status[])[1 + g % 3],
       0,
       DATE '2024-01-01' + g,
       CASE WHEN g % 5 = 0 THEN 'gift wrap' END
FROM generate_series(1, 30) AS g;

INSERT INTO shop.order_lines (order_id, line_no, product_id, quantity, unit_price)
SELECT o.id, l, 1 + (o.id + l) % 20, 1 + l, p.price
FROM shop.orders o CROSS JOIN generate_series(1, 2) AS l
JOIN shop.products p ON p.id = 1 + (o.id + l) % 20;

UPDATE shop.orders o SET total = s.sum
FROM (SELECT order_id, sum(quantity * unit_price) AS sum FROM shop.order_lines GROUP BY order_id) s
WHERE s.order_id = o.id;
