package dev.strangler.parity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.parity.canonical.CanonicalValue;
import dev.strangler.parity.canonical.ColumnType;
import dev.strangler.parity.compare.RowCodec;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which tables the in-database comparison takes, and the reason the report gives either way. */
class InDatabaseCompareTest {

    /** A codec that only knows its columns' types (the choice reads nothing else). */
    private static RowCodec codec(List<ColumnType> columns, List<ColumnType> key) {
        return new RowCodec() {
            @Override
            public List<String> columnNames() {
                return columns.stream().map(ColumnType::name).toList();
            }

            @Override
            public List<ColumnType> columnTypes() {
                return columns;
            }

            @Override
            public List<ColumnType> keyColumnTypes() {
                return key;
            }

            @Override
            public String selectList() {
                throw new UnsupportedOperationException();
            }

            @Override
            public String key(JsonNode recordKey) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String key(ResultSet rs) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String[] tableRow(ResultSet rs) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CanonicalValue[] streamRow(JsonNode after) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static final ColumnType ID = ColumnType.scalar("id", "int8");
    private static final RowCodec ELIGIBLE = codec(List.of(ID, ColumnType.scalar("name", "text"),
            ColumnType.scalar("doc", "jsonb")), List.of(ID));

    @Test
    void shouldCompareAnEligibleTableInTheDatabaseWhenToldOrWhenAutoFindsItLargeEnough() {
        assertThat(InDatabaseCompare.choose(new TableCompare(TableCompare.Mode.IN_DATABASE, 0), ELIGIBLE, 17, 10))
                .isEqualTo(new InDatabaseCompare.Choice(true, "--table-compare in-database"));
        InDatabaseCompare.Choice large = InDatabaseCompare.choose(new TableCompare(TableCompare.Mode.AUTO, 1_000),
                ELIGIBLE, 17, 5_000);
        assertThat(large.inDatabase()).isTrue();
        assertThat(large.reason()).contains("about 5,000 rows").contains("at least --in-database-min-rows 1,000");
        InDatabaseCompare.Choice small = InDatabaseCompare.choose(new TableCompare(TableCompare.Mode.AUTO, 1_000),
                ELIGIBLE, 17, 999);
        assertThat(small.inDatabase()).isFalse();
        assertThat(small.reason()).contains("fewer than --in-database-min-rows 1,000");
        assertThat(InDatabaseCompare.choose(new TableCompare(TableCompare.Mode.AUTO, 0), ELIGIBLE, 17, -1).reason())
                .contains("never analyzed");
        assertThat(InDatabaseCompare.choose(TableCompare.DEFAULT, ELIGIBLE, 17, 1_000_000_000))
                .as("the default scans").isEqualTo(new InDatabaseCompare.Choice(false, "--table-compare scan"));
    }

    @Test
    void shouldScanATableItCannotDigestSayingWhy() {
        TableCompare forced = new TableCompare(TableCompare.Mode.IN_DATABASE, 0);
        ColumnType a = ColumnType.scalar("a", "int4");
        ColumnType b = ColumnType.scalar("b", "int4");
        assertThat(InDatabaseCompare.choose(forced, codec(List.of(a, b), List.of(a, b)), 17, 10).reason())
                .contains("the primary key is not one smallint, integer or bigint column");
        ColumnType uuid = ColumnType.scalar("id", "uuid");
        assertThat(InDatabaseCompare.choose(forced, codec(List.of(uuid), List.of(uuid)), 17, 10).inDatabase())
                .isFalse();
        InDatabaseCompare.Choice array = InDatabaseCompare.choose(forced,
                codec(List.of(ID, ColumnType.arrayOf("tags", "text")), List.of(ID)), 17, 10);
        assertThat(array.inDatabase()).isFalse();
        assertThat(array.reason()).startsWith("cannot be compared in the database: column tags is an array");
        InDatabaseCompare.Choice numeric = InDatabaseCompare.choose(forced,
                codec(List.of(ID, ColumnType.scalar("n", "numeric")), List.of(ID)), 12, 10);
        assertThat(numeric.reason()).contains("trim_scale");
        assertThat(InDatabaseCompare.choose(forced, codec(List.of(), List.of()), 17, 10).reason())
                .contains("types are unknown");
    }
}
