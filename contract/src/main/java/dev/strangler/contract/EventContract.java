package dev.strangler.contract;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Debezium settings that make Strangler's events what its README promises (the value encodings of
 * {@link EventEncoding#strangler()}, hstore as JSON text, a tombstone after each delete, Debezium's placeholder for an
 * unchanged TOASTed value). The engine sets exactly these and refuses them under {@code debezium.*}; the parity
 * checker reads with them unless told a topic was written otherwise.
 */
public final class EventContract {

    /** What Debezium sends for a TOASTed value an UPDATE left unchanged (under a non-FULL replica identity). */
    public static final String UNAVAILABLE_VALUE = "__debezium_unavailable_value";
    static final String HSTORE_HANDLING_MODE = "hstore.handling.mode";
    static final String TOMBSTONES_ON_DELETE = "tombstones.on.delete";
    static final String UNAVAILABLE_VALUE_PLACEHOLDER = "unavailable.value.placeholder";

    private EventContract() {
    }

    /** Debezium's property names and values, in the order the README lists them. */
    public static Map<String, String> debeziumSettings() {
        Map<String, String> settings = new LinkedHashMap<>(EventEncoding.strangler().debeziumSettings());
        settings.put(HSTORE_HANDLING_MODE, "json");
        settings.put(TOMBSTONES_ON_DELETE, "true");
        settings.put(UNAVAILABLE_VALUE_PLACEHOLDER, UNAVAILABLE_VALUE);
        return settings;
    }
}
