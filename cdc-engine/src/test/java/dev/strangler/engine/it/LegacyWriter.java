package dev.strangler.engine.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The legacy application of the fault tests: one transaction after another, each inserting, updating or deleting a
 * customer and updating one of a few "branch" rows (shop.products, as TPC-B updates its branches), so every
 * transaction leaves exactly one change per branch to count. It rides out the faults the tests inject: when a commit's
 * outcome is unknown (the connection broke), it reconnects and reads its branch row back to learn whether the
 * transaction committed, and records the changes only then. What it records is the history Kafka must hold.
 */
final class LegacyWriter implements AutoCloseable {

    private final String url;
    private final String user;
    private final String password;
    private final int branches;
    private final long pauseMillis;
    private final ExpectedHistory history = new ExpectedHistory();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger committed = new AtomicInteger();
    private final AtomicInteger unknownOutcomes = new AtomicInteger();
    private final Random random = new Random(42);
    private final List<Long> live = new ArrayList<>();
    private final Thread thread;
    private volatile Throwable failure;
    private long nextCustomer;
    private long sequence;

    /**
     * @param firstCustomerId the customers it creates get ids from here up (rows below are the test's seed)
     * @param branches        shop.products ids 1..branches, which must exist
     * @param pauseMillis     pause after each transaction: the legacy app's pace
     */
    LegacyWriter(String url, String user, String password, long firstCustomerId, int branches, long pauseMillis) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.nextCustomer = firstCustomerId;
        this.branches = branches;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::run, "legacy-writer");
        this.thread.setDaemon(true);
    }

    LegacyWriter start() {
        thread.start();
        return this;
    }

    int committed() {
        return committed.get();
    }

    /** Stops after the transaction in flight and returns what was committed. */
    ExpectedHistory stop() throws InterruptedException {
        stop.set(true);
        thread.join(120_000);
        if (thread.isAlive()) {
            throw new IllegalStateException("the legacy writer did not stop");
        }
        if (failure != null) {
            throw new IllegalStateException("the legacy writer failed", failure);
        }
        return history;
    }

    int unknownOutcomes() {
        return unknownOutcomes.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(120_000);
    }

    private void run() {
        Connection c = null;
        try {
            while (!stop.get()) {
                if (c == null) {
                    c = connect();
                    if (c == null) {
                        return;
                    }
                }
                Step step = nextStep();
                try {
                    apply(c, step);
                    c.commit();
                    record(step);
                } catch (SQLException e) {
                    closeQuietly(c);
                    c = null;
                    // the commit may or may not have happened: the branch row says which
                    Connection check = connect();
                    if (check == null) {
                        return;
                    }
                    unknownOutcomes.incrementAndGet();
                    if (branchTitle(check, step.branch()).equals(step.title())) {
                        record(step);
                    } else {
                        undo(step);
                    }
                    c = check;
                }
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            closeQuietly(c);
        }
    }

    private enum Op { INSERT, UPDATE, DELETE }

    private record Step(Op op, long customer, String name, int branch, String title) {
    }

    private Step nextStep() {
        long seq = ++sequence;
        int branch = (int) (seq % branches) + 1;
        String title = "t" + seq;
        double r = random.nextDouble();
        if (live.isEmpty() || r < 0.5) {
            long id = nextCustomer++;
            live.add(id);
            return new Step(Op.INSERT, id, "n" + seq, branch, title);
        }
        int index = random.nextInt(live.size());
        long id = live.get(index);
        if (r < 0.85) {
            return new Step(Op.UPDATE, id, "n" + seq, branch, title);
        }
        live.remove(index);
        return new Step(Op.DELETE, id, null, branch, title);
    }

    /** A step that did not commit: an insert's id stays unused, a deleted customer is live again. */
    private void undo(Step step) {
        if (step.op() == Op.INSERT) {
            live.remove(Long.valueOf(step.customer()));
        } else if (step.op() == Op.DELETE) {
            live.add(step.customer());
        }
    }

    private static void apply(Connection c, Step step) throws SQLException {
        switch (step.op()) {
            case INSERT -> update(c, "INSERT INTO shop.customers (id, external_ref, name, email) "
                    + "VALUES (?, gen_random_uuid(), ?, 'w@example.com')", step.customer(), step.name());
            case UPDATE -> update(c, "UPDATE shop.customers SET name = ? WHERE id = ?", step.name(), step.customer());
            case DELETE -> update(c, "DELETE FROM shop.customers WHERE id = ?", step.customer());
        }
        update(c, "UPDATE shop.products SET title = ? WHERE id = ?", step.title(), step.branch());
    }

    private void record(Step step) {
        switch (step.op()) {
            case INSERT -> history.add("customers", step.customer(), "c:" + step.name());
            case UPDATE -> history.add("customers", step.customer(), "u:" + step.name());
            case DELETE -> history.add("customers", step.customer(), "d");
        }
        history.add("products", step.branch(), "u:" + step.title());
        committed.incrementAndGet();
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private static String branchTitle(Connection c, int branch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT title FROM shop.products WHERE id = ?")) {
            ps.setInt(1, branch);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Connects, retrying while PostgreSQL is down; null once asked to stop. */
    private Connection connect() throws InterruptedException {
        while (true) {
            try {
                Connection c = DriverManager.getConnection(url, user, password);
                c.setAutoCommit(false);
                return c;
            } catch (SQLException e) {
                if (stop.get()) {
                    return null;
                }
                Thread.sleep(200);
            }
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the connection is broken already
            }
        }
    }
}
