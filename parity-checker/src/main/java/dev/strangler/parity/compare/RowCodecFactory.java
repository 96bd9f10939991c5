package dev.strangler.parity.compare;

import dev.strangler.contract.TableId;
import java.sql.Connection;
import java.sql.SQLException;

/** Builds a table's {@link RowCodec} from the catalog, or refuses with {@link NotCheckableException}. */
@FunctionalInterface
public interface RowCodecFactory {

    RowCodec create(Connection c, TableId table) throws SQLException;

    /** The table cannot be compared (it does not exist, or has no primary key to match rows by). */
    final class NotCheckableException extends RuntimeException {
        public NotCheckableException(String message) {
            super(message);
        }
    }
}
