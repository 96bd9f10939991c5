package dev.strangler.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The outbox against a recording fake connection: what it sends, and that refused input sends nothing. */
class OutboxTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String OTHER_TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void shouldInsertThenDeleteInTheCallersTransactionAndNeverEndIt() {
        FakeConnection c = new FakeConnection(false, false);
        OutboxEvent event = OutboxEvent.builder().aggregateType("order").aggregateId("42").type("OrderPlaced")
                .payload("{\"total\":\"42.00\"}").header("tenant", "acme").build();
        UUID id = new Outbox(OutboxOptions.defaults().withTraceContext(TraceContext.none())).write(c.proxy(), event);

        assertThat(id).isEqualTo(event.id());
        assertThat(c.prepared).containsExactly(
                "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, occurred_at, traceparent, headers) "
                        + "VALUES (CAST(? AS uuid), ?, ?, ?, CAST(? AS jsonb), ?, ?, CAST(? AS jsonb))",
                "DELETE FROM outbox WHERE id = CAST(? AS uuid)");
        assertThat(c.parameters.get(0)).containsEntry(1, id.toString()).containsEntry(2, "order")
                .containsEntry(3, "42").containsEntry(4, "OrderPlaced").containsEntry(5, "{\"total\":\"42.00\"}")
                .containsEntry(8, "{\"tenant\":\"acme\"}");
        assertThat(c.parameters.get(0).get(7)).isNull();
        assertThat(c.parameters.get(1)).containsEntry(1, id.toString());
        assertThat(c.calls).doesNotContain("commit", "rollback", "setAutoCommit", "setSavepoint");
    }

    @Test
    void shouldKeepTheRowWhenDeleteAfterInsertIsOffAndUseTheConfiguredTable() {
        FakeConnection c = new FakeConnection(false, false);
        new Outbox(OutboxOptions.defaults().withDeleteAfterInsert(false).withTable("orders.outbox"))
                .write(c.proxy(), OutboxEvent.of("order", "42", "OrderPlaced", "{}"));
        assertThat(c.prepared).hasSize(1).allMatch(sql -> sql.startsWith("INSERT INTO orders.outbox "));
    }

    @Test
    void shouldTakeTheTraceparentFromTheEventElseFromTheTraceContextIgnoringAnInvalidOne() {
        Outbox outbox = new Outbox(OutboxOptions.defaults().withTraceContext(() -> OTHER_TRACEPARENT));
        FakeConnection c = new FakeConnection(false, false);
        outbox.write(c.proxy(), OutboxEvent.builder().aggregateType("order").aggregateId("1").type("T").payload("{}")
                .traceparent(TRACEPARENT).build());
        outbox.write(c.proxy(), OutboxEvent.of("order", "1", "T", "{}"));
        new Outbox(OutboxOptions.defaults().withTraceContext(() -> "garbage"))
                .write(c.proxy(), OutboxEvent.of("order", "1", "T", "{}"));
        List<Object> stored = c.parameters.stream().filter(p -> p.containsKey(2)).map(p -> p.get(7)).toList();
        assertThat(stored).containsExactly(TRACEPARENT, OTHER_TRACEPARENT, null);
    }

    @Test
    void shouldRefuseAnAutocommitConnectionBeforeAnyStatement() {
        FakeConnection c = new FakeConnection(true, false);
        assertThatThrownBy(() -> new Outbox().write(c.proxy(), OutboxEvent.of("order", "42", "T", "{}")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("autocommit mode")
                .hasMessageContaining("nothing was written");
        assertThat(c.prepared).isEmpty();
    }

    @Test
    void shouldRefuseAReadOnlyConnectionBeforeAnyStatement() {
        FakeConnection c = new FakeConnection(false, true);
        assertThatThrownBy(() -> new Outbox().write(c.proxy(), OutboxEvent.of("order", "42", "T", "{}")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
        assertThat(c.prepared).isEmpty();
    }

    @Test
    void shouldRefuseATooLargePayloadBeforeAnyStatement() {
        FakeConnection c = new FakeConnection(false, false);
        Outbox outbox = new Outbox(OutboxOptions.defaults().withMaxPayloadBytes(19));
        outbox.write(c.proxy(), OutboxEvent.of("order", "42", "T", "{\"a\":\"0123456789\"}"));
        assertThat(c.prepared).hasSize(2);
        assertThatThrownBy(() -> outbox.writeAll(c.proxy(), List.of(OutboxEvent.of("order", "1", "T", "{}"),
                OutboxEvent.of("order", "42", "T", "{\"a\":\"é0123456789\"}"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is 20 bytes, more than "
                        + "maxPayloadBytes 19");
        assertThat(c.prepared).as("nothing more, not even the first event of the batch").hasSize(2);
    }

    @Test
    void shouldWriteABatchInOrderWithOneInsertAndOneDelete() {
        FakeConnection c = new FakeConnection(false, false);
        List<OutboxEvent> events = List.of(OutboxEvent.of("order", "1", "A", "{}"),
                OutboxEvent.of("order", "1", "B", "{}"), OutboxEvent.of("order", "2", "A", "{}"));
        List<UUID> ids = new Outbox().writeAll(c.proxy(), events);
        assertThat(ids).containsExactly(events.get(0).id(), events.get(1).id(), events.get(2).id());
        assertThat(c.prepared).hasSize(2);
        assertThat(c.calls).containsSubsequence("addBatch", "addBatch", "addBatch", "executeBatch", "addBatch",
                "addBatch", "addBatch", "executeBatch");
        assertThat(new Outbox().writeAll(c.proxy(), List.of())).isEmpty();
    }

    @Test
    void shouldRefuseBadOptions() {
        for (String bad : new String[] {"", "outbox; DROP TABLE x", "a.b.c", "\"Outbox\"", "1outbox", null}) {
            assertThatThrownBy(() -> OutboxOptions.defaults().withTable(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table must be");
        }
        assertThatThrownBy(() -> OutboxOptions.defaults().withMaxPayloadBytes(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutboxOptions.defaults().withTraceContext(null))
                .isInstanceOf(NullPointerException.class);
        assertThat(OutboxOptions.defaults().deleteAfterInsert()).isTrue();
        assertThat(OutboxOptions.defaults().table()).isEqualTo("outbox");
    }

    @Test
    void shouldRefuseAnAutocommitConnectionInTheInboxBeforeAnyStatement() {
        FakeConnection c = new FakeConnection(true, false);
        List<String> ran = new ArrayList<>();
        assertThatThrownBy(() -> new Inbox().processOnce(c.proxy(), "billing", UUID.randomUUID(),
                tx -> ran.add("work"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("autocommit mode");
        assertThatThrownBy(() -> new Inbox().processOnce(new FakeConnection(false, false).proxy(), " ",
                UUID.randomUUID(), tx -> ran.add("work"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consumer must be a non-blank name");
        assertThat(ran).isEmpty();
        assertThat(c.prepared).isEmpty();
    }

    /** A JDBC connection that records what it is asked to do; every statement "affects" one row. */
    static final class FakeConnection {
        final boolean autoCommit;
        final boolean readOnly;
        final List<String> prepared = new ArrayList<>();
        final List<Map<Integer, Object>> parameters = new ArrayList<>();
        final List<String> calls = new ArrayList<>();

        FakeConnection(boolean autoCommit, boolean readOnly) {
            this.autoCommit = autoCommit;
            this.readOnly = readOnly;
        }

        Connection proxy() {
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (p, method, args) -> {
                        calls.add(method.getName());
                        return switch (method.getName()) {
                            case "getAutoCommit" -> autoCommit;
                            case "isReadOnly" -> readOnly;
                            case "isClosed" -> false;
                            case "prepareStatement" -> statement((String) args[0]);
                            case "close" -> null;
                            default -> throw new UnsupportedOperationException(method.getName());
                        };
                    });
        }

        private PreparedStatement statement(String sql) {
            prepared.add(sql);
            Map<Integer, Object> params = new HashMap<>();
            parameters.add(params);
            int[] batch = {0};
            return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, (p, method, args) -> {
                        calls.add(method.getName());
                        switch (method.getName()) {
                            case "setString", "setObject" -> {
                                params.put((Integer) args[0], args[1]);
                                return null;
                            }
                            case "addBatch" -> {
                                batch[0]++;
                                return null;
                            }
                            case "executeUpdate" -> {
                                return 1;
                            }
                            case "executeBatch" -> {
                                int[] counts = new int[batch[0]];
                                java.util.Arrays.fill(counts, 1);
                                return counts;
                            }
                            case "close" -> {
                                return null;
                            }
                            default -> throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }
    }
}
