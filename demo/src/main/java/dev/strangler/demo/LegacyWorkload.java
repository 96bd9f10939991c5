package dev.strangler.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The "legacy shop application" of the demo: plain JDBC on its own connection, writing the {@code shop} schema the
 * way an old order system would, paced to a fixed number of operations per second. A multi-statement transaction
 * counts as one operation, because that is what the legacy app would call one change.
 *
 * <p>Every choice comes from one {@code Random(seed)}, so two runs with the same seed issue the same statements in
 * the same order (ids come from the fresh database's sequences). The rows of {@code shop.audit_log}, the table
 * without a primary key that the pipeline does not capture, are inserted and updated too: PostgreSQL rejects an
 * UPDATE on such a table if a publication covers it, so these operations prove the pipeline's publication is limited
 * to the captured tables.
 */
public final class LegacyWorkload extends PacedWorkload<LegacyWorkload.Kind> {

    /** What the legacy app does. */
    public enum Kind {
        CUSTOMER_INSERT, CUSTOMER_UPDATE, ORDER_PLACE, ORDER_STATUS, PRODUCT_UPDATE, ORDER_DELETE, AUDIT_INSERT,
        AUDIT_UPDATE, PHONE_ORDER
    }

    /** How often the legacy app does each, relative to the others. */
    static final OperationMix<Kind> MIX = OperationMix.of(Kind.class)
            .with(Kind.CUSTOMER_INSERT, 10, "customer signed up")
            .with(Kind.CUSTOMER_UPDATE, 15, "customer edited (email, vip, tags)")
            .with(Kind.ORDER_PLACE, 18, "order placed: order + 1-3 lines + total, one transaction")
            .with(Kind.ORDER_STATUS, 15, "order status changed")
            .with(Kind.PRODUCT_UPDATE, 10, "product edited (price, attributes, thumbnail)")
            .with(Kind.ORDER_DELETE, 7, "order deleted with its lines (cascade)")
            .with(Kind.AUDIT_INSERT, 15, "audit_log row inserted (not captured)")
            .with(Kind.AUDIT_UPDATE, 10, "audit_log rows updated (no primary key, not captured)")
            .with(Kind.PHONE_ORDER, 4, "phone order typed in by the back office: a shop.web_orders row of its own "
                    + "(the sink writes the web ones)");

    private static final String[] TAGS = {"newsletter", "früh", "b2b", "日本語", "🛒 loyal", "Ærø", "naïve", "vip-lounge"};
    private static final String[] FIRST_NAMES = {"Anna", "Jörg", "Zoë", "Mohammed", "Siobhán", "Łukasz", "Yuki", "Ana"};
    private static final String[] ACTORS = {"batch-job", "clerk:anna", "clerk:jörg", "api", "cron:nightly"};
    private static final String[] STATUSES = {"new", "paid", "shipped", "cancelled"};
    private static final String[] COLOURS = {"red", "green", "blue", "schwarz", "écru"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Long> customerIds = new ArrayList<>();
    private final List<Integer> productIds = new ArrayList<>();
    private final List<Long> orderIds = new ArrayList<>();

    public LegacyWorkload(Connection connection, long seed, double ratePerSecond, Duration duration) {
        super(MIX, "legacy workload", "operations", connection, seed, ratePerSecond, duration);
    }

    /** Reads the ids of the seeded rows, which the updates and deletes pick from. */
    @Override
    protected void prepare() {
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id FROM shop.customers ORDER BY id")) {
                while (rs.next()) {
                    customerIds.add(rs.getLong(1));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT id FROM shop.products ORDER BY id")) {
                while (rs.next()) {
                    productIds.add(rs.getInt(1));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT id FROM shop.orders ORDER BY id")) {
                while (rs.next()) {
                    orderIds.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            abort("could not read the shop's ids: " + e.getMessage());
        }
    }

    /** Deleting or shipping needs an order; with none left the legacy app would place one instead. */
    @Override
    protected Kind feasible(Kind wanted) {
        boolean needsOrder = wanted == Kind.ORDER_DELETE || wanted == Kind.ORDER_STATUS;
        return needsOrder && orderIds.isEmpty() ? Kind.ORDER_PLACE : wanted;
    }

    @Override
    protected void perform(Kind kind) throws SQLException {
        switch (kind) {
            case CUSTOMER_INSERT -> insertCustomer();
            case CUSTOMER_UPDATE -> updateCustomer();
            case ORDER_PLACE -> placeOrder();
            case ORDER_STATUS -> changeOrderStatus();
            case PRODUCT_UPDATE -> updateProduct();
            case ORDER_DELETE -> deleteOrder();
            case AUDIT_INSERT -> insertAudit();
            case AUDIT_UPDATE -> updateAudit();
            case PHONE_ORDER -> phoneOrder();
            default -> throw new AssertionError(kind);
        }
    }

    private void insertCustomer() throws SQLException {
        String first = pick(FIRST_NAMES);
        long number = random.nextInt(1_000_000);
        try (PreparedStatement ps = connection.prepareStatement("""
                INSERT INTO shop.customers (external_ref, name, email, vip, birth_date, tags)
                VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")) {
            ps.setObject(1, new UUID(random.nextLong(), random.nextLong()));
            ps.setString(2, first + " " + number);
            ps.setString(3, first.toLowerCase(Locale.ROOT) + "." + number + "@example.com");
            ps.setBoolean(4, random.nextInt(10) == 0);
            ps.setObject(5, random.nextInt(5) == 0 ? null : LocalDate.of(1940, 1, 1).plusDays(random.nextInt(25_000)));
            ps.setArray(6, connection.createArrayOf("text", randomTags()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                customerIds.add(rs.getLong(1));
            }
        }
    }

    private void updateCustomer() throws SQLException {
        long id = pick(customerIds);
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE shop.customers SET email = ?, vip = ?, tags = ?, updated_at = now() WHERE id = ?")) {
            ps.setString(1, pick(FIRST_NAMES).toLowerCase(Locale.ROOT) + "+" + random.nextInt(1000) + "@example.org");
            ps.setBoolean(2, random.nextBoolean());
            ps.setArray(3, connection.createArrayOf("text", randomTags()));
            ps.setLong(4, id);
            ps.executeUpdate();
        }
    }

    private void placeOrder() throws SQLException {
        long customer = pick(customerIds);
        int lines = 1 + random.nextInt(3);
        int[] products = new int[lines];
        int[] quantities = new int[lines];
        for (int i = 0; i < lines; i++) {
            products[i] = pick(productIds);
            quantities[i] = 1 + random.nextInt(5);
        }
        String note = random.nextInt(6) == 0 ? "bitte klingeln ☎" : null;
        int shipInDays = 1 + random.nextInt(14);
        connection.setAutoCommit(false);
        try {
            long orderId;
            try (PreparedStatement ps = connection.prepareStatement("""
                    INSERT INTO shop.orders (customer_id, status, total, ship_by, note)
                    VALUES (?, 'new', 0, current_date + ?, ?) RETURNING id""")) {
                ps.setLong(1, customer);
                ps.setInt(2, shipInDays);
                ps.setString(3, note);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    orderId = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = connection.prepareStatement("""
                    INSERT INTO shop.order_lines (order_id, line_no, product_id, quantity, unit_price)
                    SELECT ?, ?, p.id, ?, p.price FROM shop.products p WHERE p.id = ?""")) {
                for (int i = 0; i < lines; i++) {
                    ps.setLong(1, orderId);
                    ps.setInt(2, i + 1);
                    ps.setInt(3, quantities[i]);
                    ps.setInt(4, products[i]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = connection.prepareStatement("""
                    UPDATE shop.orders SET total = (SELECT sum(quantity * unit_price) FROM shop.order_lines
                                                    WHERE order_id = ?) WHERE id = ?""")) {
                ps.setLong(1, orderId);
                ps.setLong(2, orderId);
                ps.executeUpdate();
            }
            connection.commit();
            orderIds.add(orderId);
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private void changeOrderStatus() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE shop.orders SET status = ?::shop.order_status WHERE id = ?")) {
            ps.setString(1, pick(STATUSES));
            ps.setLong(2, pick(orderIds));
            ps.executeUpdate();
        }
    }

    private void updateProduct() throws SQLException {
        int id = pick(productIds);
        BigDecimal price = BigDecimal.valueOf(99 + random.nextInt(99_900), 2).setScale(2, RoundingMode.UNNECESSARY);
        ObjectNode attributes = JSON.createObjectNode()
                .put("colour", pick(COLOURS))
                .put("size", random.nextInt(5))
                .put("label", random.nextBoolean() ? "Größe ✓" : "taille unique");
        byte[] thumbnail = new byte[16 + random.nextInt(48)];
        random.nextBytes(thumbnail);
        try (PreparedStatement ps = connection.prepareStatement("""
                UPDATE shop.products SET price = ?, attributes = attributes || ?::jsonb, thumbnail = ?,
                                         updated_at = now() WHERE id = ?""")) {
            ps.setBigDecimal(1, price);
            ps.setString(2, attributes.toString());
            ps.setBytes(3, thumbnail);
            ps.setInt(4, id);
            ps.executeUpdate();
        }
    }

    private void deleteOrder() throws SQLException {
        int index = random.nextInt(orderIds.size());
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM shop.orders WHERE id = ?")) {
            ps.setLong(1, orderIds.get(index));
            ps.executeUpdate();
        }
        orderIds.remove(index);
    }

    private void insertAudit() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO shop.audit_log (actor, action) VALUES (?, ?)")) {
            ps.setString(1, pick(ACTORS));
            ps.setString(2, "viewed customer " + pick(customerIds));
            ps.executeUpdate();
        }
    }

    private void updateAudit() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE shop.audit_log SET action = action || ' · reviewed' WHERE actor = ? "
                        + "AND action NOT LIKE '%reviewed'")) {
            ps.setString(1, pick(ACTORS));
            ps.executeUpdate();
        }
    }

    /** The back office's own row in the table the sink also writes: it must flow as a change of the legacy app. */
    private void phoneOrder() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO shop.web_orders "
                + "(order_ref, customer_ref, total, status, channel) VALUES (?, ?, ?, 'placed', 'phone')")) {
            ps.setObject(1, new UUID(random.nextLong(), random.nextLong()));
            ps.setObject(2, new UUID(random.nextLong(), random.nextLong()));
            ps.setBigDecimal(3, BigDecimal.valueOf(500 + random.nextInt(20_000), 2));
            ps.executeUpdate();
        }
    }

    private String[] randomTags() {
        int count = random.nextInt(3);
        String[] tags = new String[count];
        for (int i = 0; i < count; i++) {
            tags[i] = pick(TAGS);
        }
        return tags;
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

}
