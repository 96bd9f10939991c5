package dev.strangler.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.outbox.Outbox;
import dev.strangler.outbox.OutboxEvent;
import dev.strangler.outbox.OutboxOptions;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's "new service": an order service that no longer writes the legacy shop but its own schema,
 * {@code orders_svc}, and publishes what happened through the transactional outbox: each transaction writes its
 * business rows and its events with {@link Outbox} on the same connection, then commits (or, for the deliberately
 * abandoned checkouts, rolls back). It runs next to the legacy workload, on its own connection, at a fraction of its
 * rate, paced the same way.
 *
 * <p>It remembers the id of every event it wrote, by aggregate type and by outcome: the ids of committed
 * transactions are exactly what must reach Kafka, and the ids of rolled-back ones what must never reach it. An event
 * of a transaction whose commit itself failed is in neither set: its fate is unknown to the writer.
 *
 * <p>Every choice, including the order, payment and event ids, comes from one {@code Random(seed + 1)} (the legacy
 * workload has {@code seed}), so the same seed writes the same events.
 */
public final class NewServiceWorkload extends PacedWorkload<NewServiceWorkload.Kind> {

    private static final Logger LOG = LoggerFactory.getLogger(NewServiceWorkload.class);
    /** The new service is a newcomer taking over a slice of the traffic: a quarter of the legacy rate. */
    static final double SHARE_OF_LEGACY_RATE = 0.25;
    /** ... but never so slow that a short demo shows no outbox event at all. */
    static final double MIN_RATE = 1;

    public static final String ORDER = "order";
    public static final String PAYMENT = "payment";
    /** The aggregate types it writes, hence its outbox topics (one per type). */
    public static final List<String> AGGREGATE_TYPES = List.of(ORDER, PAYMENT);

    /** What the new service does. */
    public enum Kind {
        PLACE_ORDER, CONFIRM_ORDER, CAPTURE_PAYMENT, ABANDON_CHECKOUT
    }

    /** How often the new service does each, relative to the others. */
    static final OperationMix<Kind> MIX = OperationMix.of(Kind.class)
            .with(Kind.PLACE_ORDER, 6, "order placed: orders_svc.orders row + OrderPlaced, one transaction")
            .with(Kind.CONFIRM_ORDER, 3, "order confirmed in a later transaction: row updated + OrderConfirmed")
            .with(Kind.CAPTURE_PAYMENT, 2, "payment captured: orders_svc.payments row + PaymentCaptured")
            .with(Kind.ABANDON_CHECKOUT, 1, "order + OrderPlaced + PaymentCaptured written, then rolled back: no "
                    + "event may reach Kafka");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An order the service knows is committed, with what it needs for the next step. */
    private record PlacedOrder(UUID id, BigDecimal total) {
    }

    private final Outbox outbox;
    private final Map<String, Set<UUID>> committedEvents = new LinkedHashMap<>();
    private final Map<String, Set<UUID>> rolledBackEvents = new LinkedHashMap<>();
    private final List<PlacedOrder> toConfirm = new ArrayList<>();
    private final List<PlacedOrder> toPay = new ArrayList<>();

    /**
     * @param outboxTable    the outbox table, schema.table
     * @param seed           the legacy workload's seed; this one draws from {@code seed + 1}
     * @param legacyRate     the legacy workload's rate; this one runs at {@link #rateFor(double)} of it
     */
    public NewServiceWorkload(Connection connection, String outboxTable, long seed, double legacyRate,
                              Duration duration) {
        super(MIX, "new service", "transactions", connection, seed + 1, rateFor(legacyRate), duration);
        this.outbox = new Outbox(OutboxOptions.defaults().withTable(outboxTable));
        for (String type : AGGREGATE_TYPES) {
            committedEvents.put(type, new LinkedHashSet<>());
            rolledBackEvents.put(type, new LinkedHashSet<>());
        }
    }

    /** Transactions per second of the new service for a legacy rate. */
    public static double rateFor(double legacyRate) {
        return Math.max(MIN_RATE, legacyRate * SHARE_OF_LEGACY_RATE);
    }

    /** Ids of the events of committed transactions, by aggregate type: each must be in Kafka. */
    public synchronized Map<String, Set<UUID>> committedEvents() {
        return copy(committedEvents);
    }

    /** Ids of the events of rolled-back transactions, by aggregate type: none may be in Kafka. */
    public synchronized Map<String, Set<UUID>> rolledBackEvents() {
        return copy(rolledBackEvents);
    }

    private static Map<String, Set<UUID>> copy(Map<String, Set<UUID>> byType) {
        Map<String, Set<UUID>> copy = new LinkedHashMap<>();
        byType.forEach((type, ids) -> copy.put(type, Set.copyOf(ids)));
        return Collections.unmodifiableMap(copy);
    }

    @Override
    protected Kind feasible(Kind wanted) {
        return feasible(wanted, !toConfirm.isEmpty(), !toPay.isEmpty());
    }

    /** The kind that can run now: a step that needs an earlier one falls back to it, as a real checkout would. */
    static Kind feasible(Kind wanted, boolean anyToConfirm, boolean anyToPay) {
        if (wanted == Kind.CAPTURE_PAYMENT && !anyToPay) {
            return anyToConfirm ? Kind.CONFIRM_ORDER : Kind.PLACE_ORDER;
        }
        if (wanted == Kind.CONFIRM_ORDER && !anyToConfirm) {
            return Kind.PLACE_ORDER;
        }
        return wanted;
    }

    /** One transaction: the business rows and their outbox events, committed (or rolled back on purpose). */
    @Override
    protected void perform(Kind kind) throws SQLException {
        List<OutboxEvent> events = new ArrayList<>();
        try {
            connection.setAutoCommit(false);
            Runnable afterCommit = switch (kind) {
                case PLACE_ORDER -> placeOrder(events);
                case CONFIRM_ORDER -> confirmOrder(events);
                case CAPTURE_PAYMENT -> capturePayment(events);
                case ABANDON_CHECKOUT -> abandonCheckout(events);
            };
            outbox.writeAll(connection, events);
            if (kind == Kind.ABANDON_CHECKOUT) {
                connection.rollback();
                record(rolledBackEvents, events);
            } else {
                commit(events);
                afterCommit.run();
            }
        } catch (SQLException | RuntimeException e) {
            if (rollbackQuietly()) {
                record(rolledBackEvents, events);
            }
            throw e;
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                LOG.debug("resetting autocommit failed: {}", e.getMessage());
            }
        }
    }

    private void commit(List<OutboxEvent> events) throws SQLException {
        try {
            connection.commit();
        } catch (SQLException e) {
            // the commit may or may not have happened: these events go in neither set (see the class comment)
            events.clear();
            throw e;
        }
        record(committedEvents, events);
    }

    private Runnable placeOrder(List<OutboxEvent> events) throws SQLException {
        PlacedOrder order = insertOrder(uuid(random), events);
        return () -> toConfirm.add(order);
    }

    private Runnable confirmOrder(List<OutboxEvent> events) throws SQLException {
        int index = random.nextInt(toConfirm.size());
        PlacedOrder order = toConfirm.get(index);
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE orders_svc.orders SET status = 'confirmed', confirmed_at = now() WHERE id = ?")) {
            ps.setObject(1, order.id());
            ps.executeUpdate();
        }
        events.add(event(ORDER, order.id(), "OrderConfirmed", JSON.createObjectNode()
                .put("orderId", order.id().toString())));
        return () -> {
            toConfirm.remove(index);
            toPay.add(order);
        };
    }

    private Runnable capturePayment(List<OutboxEvent> events) throws SQLException {
        int index = random.nextInt(toPay.size());
        PlacedOrder order = toPay.get(index);
        insertPayment(order, events);
        return () -> toPay.remove(index);
    }

    /** A checkout that gets as far as a payment, then is given up: the whole transaction rolls back. */
    private Runnable abandonCheckout(List<OutboxEvent> events) throws SQLException {
        PlacedOrder order = insertOrder(uuid(random), events);
        insertPayment(order, events);
        return () -> {
        };
    }

    private PlacedOrder insertOrder(UUID id, List<OutboxEvent> events) throws SQLException {
        UUID customer = uuid(random);
        BigDecimal total = BigDecimal.valueOf(500 + random.nextInt(49_500), 2);
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO orders_svc.orders (id, customer_ref, total) VALUES (?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setObject(2, customer);
            ps.setBigDecimal(3, total);
            ps.executeUpdate();
        }
        events.add(event(ORDER, id, "OrderPlaced", JSON.createObjectNode()
                .put("orderId", id.toString())
                .put("customerRef", customer.toString())
                // as text: a consumer must not round money through a double
                .put("total", total.toPlainString())
                .put("currency", "EUR")));
        return new PlacedOrder(id, total);
    }

    private void insertPayment(PlacedOrder order, List<OutboxEvent> events) throws SQLException {
        UUID payment = uuid(random);
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO orders_svc.payments (id, order_id, amount) VALUES (?, ?, ?)")) {
            ps.setObject(1, payment);
            ps.setObject(2, order.id());
            ps.setBigDecimal(3, order.total());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE orders_svc.orders SET status = 'paid' WHERE id = ?")) {
            ps.setObject(1, order.id());
            ps.executeUpdate();
        }
        events.add(event(PAYMENT, payment, "PaymentCaptured", JSON.createObjectNode()
                .put("paymentId", payment.toString())
                .put("orderId", order.id().toString())
                .put("amount", order.total().toPlainString())));
    }

    private OutboxEvent event(String aggregateType, UUID aggregateId, String type, ObjectNode payload) {
        return OutboxEvent.builder()
                .id(uuid(random))
                .aggregateType(aggregateType)
                .aggregateId(aggregateId.toString())
                .type(type)
                .payload(payload)
                .build();
    }

    private synchronized void record(Map<String, Set<UUID>> byType, List<OutboxEvent> events) {
        for (OutboxEvent e : events) {
            byType.computeIfAbsent(e.aggregateType(), t -> new LinkedHashSet<>()).add(e.id());
        }
    }

    /** A random (version 4) UUID from the seeded generator, so the same seed gives the same ids. */
    static UUID uuid(Random random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
