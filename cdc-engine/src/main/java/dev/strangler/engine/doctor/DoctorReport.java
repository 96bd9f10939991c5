package dev.strangler.engine.doctor;

import java.util.List;
import java.util.Optional;

/**
 * Everything {@link Doctor} found for one pipeline, in check order.
 *
 * @param pipeline pipeline.name
 * @param source   where it looked: host:port/database
 * @param role     the role it connected as (source.user)
 * @param server   PostgreSQL's version string, empty when the connection failed
 */
public record DoctorReport(String pipeline, String source, String role, String server, List<Check> checks) {

    public DoctorReport {
        checks = List.copyOf(checks);
    }

    /** True when no check failed: the pipeline can start (warnings do not stop it). */
    public boolean ok() {
        return checks.stream().noneMatch(c -> c.status() == Status.FAIL);
    }

    public long count(Status status) {
        return checks.stream().filter(c -> c.status() == status).count();
    }

    public Optional<Check> firstFailure() {
        return checks.stream().filter(c -> c.status() == Status.FAIL).findFirst();
    }

    public List<Check> warnings() {
        return checks.stream().filter(c -> c.status() == Status.WARN).toList();
    }

    /** The check of that name, for tests and for callers that act on one finding. */
    public Optional<Check> check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
