package dev.strangler.sink;

import dev.strangler.sink.config.Mapping;
import java.util.List;

/**
 * A mapping checked against its table at start: the table's columns and the key columns resolved (the configured
 * ones, else the primary key). Everything the decoder and the writer need, so neither reads the catalog again.
 */
record MappingPlan(Mapping mapping, TargetCatalog.Table table, List<String> keyColumns) {

    MappingPlan {
        keyColumns = List.copyOf(keyColumns);
    }

    boolean keepNewer() {
        return mapping.conflict() == Mapping.Conflict.KEEP_NEWER;
    }
}
