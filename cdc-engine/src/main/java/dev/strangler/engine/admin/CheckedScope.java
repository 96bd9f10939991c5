package dev.strangler.engine.admin;

import dev.strangler.contract.TableId;
import java.util.List;

/**
 * A {@link SnapshotScope} that {@link IncrementalSnapshots#check(SnapshotScope)} accepted: only that method makes one,
 * so a request is checked once, before the first send, and never again when it is sent again (a retry asks for part of
 * it, which the check already covered).
 */
public final class CheckedScope {

    private final SnapshotScope scope;

    CheckedScope(SnapshotScope scope) {
        this.scope = scope;
    }

    public SnapshotScope scope() {
        return scope;
    }

    public List<TableId> tables() {
        return scope.tables();
    }

    /** The part of the checked scope for some of its tables: checked too. */
    CheckedScope only(List<TableId> tables) {
        return new CheckedScope(scope.only(tables));
    }
}
