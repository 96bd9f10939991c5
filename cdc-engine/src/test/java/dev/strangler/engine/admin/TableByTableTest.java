package dev.strangler.engine.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.TableId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The order of a followed snapshot's requests: one table per request, the next only after the last one's scan
 * succeeded. Debezium 3.6.1 publishes a failed chunk's buffered rows as rows of the request's next table, so a
 * request never names two tables (RepairIT once found shop.items rows in shop.notes' topic).
 */
class TableByTableTest {

    private static final TableId ITEMS = TableId.parse("shop.items");
    private static final TableId NOTES = TableId.parse("shop.notes");

    /** A fake pipeline: each request's outcome taken from a script, every request written down. */
    private static final class Script {
        final List<String> requests = new ArrayList<>();
        final Deque<String> results = new ArrayDeque<>();

        Script(String... results) {
            this.results.addAll(List.of(results));
        }

        Outcome run(int attempts) {
            Map<TableId, Optional<String>> conditions = new LinkedHashMap<>();
            conditions.put(ITEMS, Optional.of("(\"id\") IN (('100'))"));
            conditions.put(NOTES, Optional.of("(\"code\") IN (('n1'))"));
            CheckedScope scope = new CheckedScope(new SnapshotScope(conditions));
            return new Outcome(IncrementalSnapshots.tableByTable(scope, attempts, (one, attempt) -> {
                assertThat(one.tables()).as("one table per request").hasSize(1);
                TableId table = one.tables().get(0);
                assertThat(one.scope().conditionOf(table)).as("with its own condition")
                        .isEqualTo(conditions.get(table));
                requests.add(table + "#" + attempt);
                return SnapshotSignal.execute(one.scope());
            }, (signal, failed) -> {
                String result = results.removeFirst();
                if (result.equals("failed")) {
                    failed.add(TableId.parse(requests.get(requests.size() - 1).split("#")[0]));
                    return Optional.empty();
                }
                return result.equals("completed") ? Optional.empty()
                        : Optional.of(IncrementalSnapshots.Outcome.valueOf(result));
            }), requests);
        }
    }

    private record Outcome(IncrementalSnapshots.Outcome outcome, List<String> requests) {
    }

    @Test
    void asksForEachTableAloneAndTheNextOnlyAfterTheLastCompleted() {
        Outcome o = new Script("completed", "completed").run(3);
        assertThat(o.outcome()).isEqualTo(IncrementalSnapshots.Outcome.COMPLETED);
        assertThat(o.requests()).containsExactly("shop.items#1", "shop.notes#1");
    }

    @Test
    void asksForAFailedTableAgainAloneBeforeTheNextTable() {
        Outcome o = new Script("failed", "completed", "completed").run(3);
        assertThat(o.outcome()).isEqualTo(IncrementalSnapshots.Outcome.COMPLETED);
        assertThat(o.requests()).as("the failed chunk's buffered rows go out with shop.items' own next request")
                .containsExactly("shop.items#1", "shop.items#2", "shop.notes#1");
    }

    @Test
    void neverAsksForTheNextTableAfterOneThatFailedEveryAttempt() {
        Outcome o = new Script("failed", "failed", "failed").run(3);
        assertThat(o.outcome()).isEqualTo(IncrementalSnapshots.Outcome.FAILED);
        assertThat(o.requests()).as("shop.notes' first chunk would carry shop.items' buffered rows")
                .containsExactly("shop.items#1", "shop.items#2", "shop.items#3");
    }

    @Test
    void endsAtTheFirstOutcomeOtherThanCompletion() {
        Outcome o = new Script("CANCELLED").run(3);
        assertThat(o.outcome()).isEqualTo(IncrementalSnapshots.Outcome.CANCELLED);
        assertThat(o.requests()).containsExactly("shop.items#1");
        assertThat(new Script("completed", "NOT_STARTED").run(3).outcome())
                .isEqualTo(IncrementalSnapshots.Outcome.NOT_STARTED);
    }
}
