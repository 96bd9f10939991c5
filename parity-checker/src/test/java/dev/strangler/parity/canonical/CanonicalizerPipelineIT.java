package dev.strangler.parity.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.sandbox.Sandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The canonical form against the real pipeline: every row of a table with every supported type and its edge values
 * is written once before the pipeline starts (snapshot events) and once after (streaming events); for every row and
 * column, the canonical text of the JDBC value (read three ways: text protocol, binary protocol, odd session
 * settings) equals the canonical text of the event's value, except for the Debezium losses listed in
 * {@link #KNOWN_LOSSES}, which must differ. Near-identical values must not compare equal, equal values written
 * differently must.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CanonicalizerPipelineIT {

    private static final ObjectMapper JSON = Canonicalizer.eventMapper();
    private static final int STREAMED = 100; // streamed copy of row n has id n + STREAMED

    private static final String COLUMNS = """
            id int PRIMARY KEY,
            b bool, i2 int2, i4 int4, i8 int8, n numeric, n122 numeric(12,2), n83 numeric(8,3), r real,
            d double precision, m money, t text, vc varchar(10), c char(5), ci citext, u uuid, e canon.mood, j json,
            jb jsonb, by bytea, dt date, ts timestamp, ts0 timestamp(0), tstz timestamptz, tstz3 timestamptz(3),
            tm time, tm3 time(3), tmtz timetz, iv interval, ip inet, cid cidr, mac macaddr, hs hstore, x xml,
            bit1 bit(1), bits bit(10), vb varbit, i4r int4range, i8r int8range, nr numrange, dr daterange,
            tsr tsrange, tstzr tstzrange, pint canon.pint, money2 canon.money2,
            ta text[], na numeric[], ia int4[], i8a int8[], i2a int2[], da date[], ua uuid[], tsa timestamptz[],
            tsna timestamp[], ba bool[], fa float8[], ra real[], ja jsonb[], ea canon.mood[], bya bytea[],
            tma time[], ca char(3)[], vca varchar[], ia2 int4[], ma money[], iva interval[]""";

    /** Rows by id: column -> SQL literal (missing columns are NULL). */
    private static final Map<Integer, Map<String, String>> ROWS = new TreeMap<>();

    static {
        row(1, "b", "true", "i2", "-32768", "i4", "2147483647", "i8", "-9223372036854775808", "n", "1.500",
                "n122", "1234567890.10", "n83", "0.5", "r", "0.1", "d", "0.1", "m", "1234.56",
                "t", "'héllo 🎉 é'", "vc", "'abc'", "c", "'ab'", "ci", "'MiXeD'",
                "u", "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", "e", "'happy'",
                "j", "'{\"b\":1, \"a\":[true,null], \"c\":{\"z\":1,\"y\":2}}'",
                "jb", "'{\"b\":1.50, \"a\":[true,null], \"é\":\"\\u00e9\"}'", "by", "'\\xdeadbeef'",
                "dt", "'2000-02-29'", "ts", "'2024-03-01 12:34:56.789012'", "ts0", "'2024-03-01 12:34:56.5'",
                "tstz", "'2024-03-01 12:34:56.789012+02'", "tstz3", "'2024-03-01 12:34:56.789+02'",
                "tm", "'12:34:56.789012'", "tm3", "'12:34:56.5'", "tmtz", "'12:34:56.789012+02'",
                "iv", "'1 year 2 mons 3 days 04:05:06.78'", "ip", "'192.168.0.1'", "cid", "'10.0.0.0/8'",
                "mac", "'08:00:2b:01:02:03'", "hs", "'a=>1, b=>NULL, \"k e\\\"y\"=>\"v,=>\"'", "x", "'<a>x</a>'",
                "bit1", "B'1'", "bits", "B'1010101010'", "vb", "B'101'", "i4r", "'[1,5)'", "i8r", "'(,5]'",
                "nr", "'[1.50,2.5]'", "dr", "'[2000-02-29,2000-03-01)'", "tsr", "'[2024-03-01 12:00,2024-03-02 00:00)'",
                "tstzr", "'[2024-03-01 12:00+02,2024-03-02 00:00+00)'", "pint", "5", "money2", "12.5",
                "ta", "ARRAY['a', NULL, 'b,c', '\"q\"', '', 'NULL', 'é🎉']",
                "na", "ARRAY[1.50, NULL, 0, -2.5, 123456789012345678901234567890.5]::numeric[]",
                "ia", "ARRAY[1, NULL, 3]", "i8a", "ARRAY[9223372036854775807]::int8[]", "i2a", "ARRAY[-1, 2]::int2[]",
                "da", "ARRAY['2000-02-29', NULL, 'infinity', '1960-01-01']::date[]",
                "ua", "ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']::uuid[]",
                "tsa", "ARRAY['2024-03-01 12:34:56.789012+02', '1960-01-01 00:00:00+00', NULL]::timestamptz[]",
                "tsna", "ARRAY['2024-03-01 12:34:56.789012', '1960-01-01 00:00:00.5']::timestamp[]",
                "ba", "ARRAY[true, false, NULL]", "fa", "ARRAY[0.1, 'NaN', '-Infinity', '-0', 1e300]::float8[]",
                "ra", "ARRAY[0.1, 'Infinity', 1.17549435e-38]::real[]",
                "ja", "ARRAY['{\"b\":1,\"a\":2}', 'null', '[1.0]']::jsonb[]", "ea", "ARRAY['happy','sad']::canon.mood[]",
                "bya", "ARRAY['\\xdeadbeef'::bytea, NULL, '\\x']", "tma", "ARRAY['12:00'::time, '23:59:59.999999']",
                "ca", "ARRAY['a'::char(3), 'abc']", "vca", "ARRAY['x'::varchar, '']", "ia2", "ARRAY[1, 2]",
                "ma", "ARRAY[1.5]::money[]", "iva", "ARRAY['1 day'::interval]");
        row(2, "b", "false", "i2", "0", "i4", "0", "i8", "0", "n", "'-0'", "n122", "-0.00", "n83", "0", "r", "'-0'",
                "d", "'-0'", "m", "-1.5", "t", "''", "c", "'abcde'", "ci", "''", "e", "'sad'", "j", "'null'",
                "jb", "'null'", "by", "'\\x'", "dt", "'1960-01-01'", "ts", "'1960-01-01 00:00:00'",
                "ts0", "'9999-12-31 23:59:59'", "tstz", "'1960-01-01 00:00:00-08'",
                "tstz3", "'2024-03-01 23:59:59.999+14'", "tm", "'00:00:00'", "tm3", "'23:59:59.999'",
                "tmtz", "'00:00:00-08'", "iv", "'-1 mon +02:00:00.000001'", "ip", "'::1'", "cid", "'2001:db8::/32'",
                "hs", "''", "bit1", "B'0'", "bits", "B'0000000001'", "vb", "B''", "i4r", "'empty'",
                "nr", "'(,)'", "tstzr", "'[2024-03-01 00:00+00,)'",
                "ta", "'{}'::text[]", "na", "'{}'::numeric[]", "ia", "'{}'::int4[]", "da", "'{}'::date[]",
                "fa", "'{}'::float8[]", "ea", "'{}'::canon.mood[]", "vca", "'{}'::varchar[]", "bya", "'{}'::bytea[]");
        row(3, "n", "'NaN'", "r", "'NaN'", "d", "'NaN'", "t", "U&'e\\0301'", "j", "'[1, 2.0, 1e2, \"\\u00e9\"]'",
                "jb", "'[1, 2.0, 1e2, 12345678901234567890.123, {}]'", "dt", "'infinity'", "ts", "'infinity'",
                "ts0", "'-infinity'", "tstz", "'infinity'", "tstz3", "'-infinity'", "tm", "'23:59:59.999999'",
                "tmtz", "'23:59:59.999999+14'", "iv", "'3 days 25:00:00'", "tsr", "'[-infinity,infinity]'",
                "dr", "'[2000-01-01,infinity)'", "da", "ARRAY['-infinity']::date[]");
        row(4, "n", "'Infinity'", "n122", "9999999999.99", "r", "'Infinity'", "d", "'-Infinity'",
                "dt", "'5874897-12-31'", "ts", "'294276-12-31 23:59:59.999999'", "ts0", "'0044-03-15 12:00:00 BC'",
                "tstz", "'0001-01-01 00:00:00+00'", "tstz3", "'1900-01-01 00:00:00+00'",
                "iv", "'-1 years -2 mons -3 days -04:05:06.5'", "tmtz", "'12:34:56.5-03:30'");
        row(5, "n", "'-Infinity'", "r", "3.4028235e38", "d", "1.7976931348623157e308",
                "tstz", "'2262-04-11 23:47:16.854775+00'", "iv", "'-00:00:00.5'", "dt", "'1970-01-01'",
                "ts", "'1970-01-01 00:00:00.000001'");
        row(6, "n", "123456789012345678901234567890.123456789012345678901234567890", "r", "1e-45", "d", "5e-324",
                "tstz", "'1969-12-31 23:59:59.999999+00'", "iv", "'1.5 years 45.25 minutes'", "dt", "'1969-12-31'",
                "n83", "-99999.999");
        row(7, "r", "1.17549435e-38", "d", "123456789012345.6", "tstz", "'1895-01-01 00:00:00 Europe/Amsterdam'",
                "tstz3", "'2024-03-01 12:34:56.5+05:30'", "ts", "'2024-03-01 12:34:56.000001'", "iv", "'100 years'");
        // what Debezium 3.6.1 loses (see KNOWN_LOSSES)
        row(8, "tm", "'24:00:00'", "ia2", "'{{1,2},{3,4}}'", "na", "ARRAY[1, 'NaN']::numeric[]",
                "dt", "'0044-03-15 BC'");
        // 10 and 11 differ minimally in every listed column
        row(10, "b", "true", "i8", "9007199254740993", "n", "1.10", "n122", "0.01", "r", "0.1", "d", "0.1",
                "t", "'é'", "c", "'ab'", "ci", "'abc'", "u", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
                "jb", "'{\"a\": 1}'", "j", "'[1, 2]'", "by", "'\\xdeadbeef'", "dt", "'2000-02-29'",
                "ts", "'2024-03-01 12:34:56.789012'", "tstz", "'2024-03-01 12:34:56.789012+00'",
                "tm", "'12:34:56.789012'", "tmtz", "'12:34:56+02'", "iv", "'1 day'", "hs", "'a=>1'",
                "bits", "B'1010101010'", "i4r", "'[1,5)'", "tstzr", "'[2024-03-01 00:00+00,)'",
                "ta", "ARRAY['a','b']", "ia", "ARRAY[1,2]", "fa", "ARRAY[0.1]::float8[]", "da", "ARRAY['2000-02-29']::date[]");
        row(11, "b", "false", "i8", "9007199254740992", "n", "1.11", "n122", "0.02", "r", "0.100000009",
                "d", "0.10000000000000002", "t", "U&'e\\0301'", "c", "' ab'", "ci", "'ABC'",
                "u", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'", "jb", "'{\"a\": \"1\"}'", "j", "'[2, 1]'",
                "by", "'\\xdeadbeee'", "dt", "'2000-03-01'", "ts", "'2024-03-01 12:34:56.789013'",
                "tstz", "'2024-03-01 12:34:56.789013+00'", "tm", "'12:34:56.789013'", "tmtz", "'12:34:56+03'",
                "iv", "'24:00:00'", "hs", "'a=>2'", "bits", "B'1010101011'", "i4r", "'[1,6)'",
                "tstzr", "'(2024-03-01 00:00+00,)'", "ta", "ARRAY['b','a']", "ia", "ARRAY[1,2,NULL]",
                "fa", "ARRAY[0.10000000000000002]::float8[]", "da", "ARRAY['2000-03-01']::date[]");
        // 20 and 21 are the same values written differently
        row(20, "n", "1.500", "n122", "7", "r", "0.30000001", "d", "'-0'", "c", "'ab'", "u", "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'",
                "j", "'{\"b\":1,  \"a\":[true,null]}'", "jb", "'{\"a\": [true, null], \"b\": 1.0}'",
                "tstz", "'2024-03-01 12:34:56.789012+02'", "tmtz", "'12:34:56+02'", "iv", "'1 year 2 mons'",
                "tstzr", "'[2024-03-01 12:00+02,)'", "hs", "'b=>2, a=>1'", "nr", "'[1.50,2.5]'");
        row(21, "n", "1.5", "n122", "7.00", "r", "0.3", "d", "0", "c", "'ab   '", "u", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
                "j", "'{\"a\": [true, null], \"b\": 1}'", "jb", "'{\"b\": 1, \"a\": [true, null]}'",
                "tstz", "'2024-03-01 04:49:56.789012-05:45'", "tmtz", "'10:34:56+00'", "iv", "'14 mons'",
                "tstzr", "'[2024-03-01 10:00+00,)'", "hs", "'a=>1, b=>2'", "nr", "'[1.5,2.50]'");
    }

    /** Columns of rows 10/11 that must differ, and of rows 20/21 that must be equal. */
    private static final List<String> NEAR = List.of("b", "i8", "n", "n122", "r", "d", "t", "c", "ci", "u", "jb", "j",
            "by", "dt", "ts", "tstz", "tm", "tmtz", "iv", "hs", "bits", "i4r", "tstzr", "ta", "ia", "fa", "da");
    private static final List<String> SAME = List.of("n", "n122", "r", "d", "c", "u", "j", "jb", "tstz", "tmtz", "iv",
            "tstzr", "hs", "nr");

    /** (row, column) -> what Debezium 3.6.1 makes of it; the canonical forms must differ. Streamed rows: +100. */
    private static final Map<String, String> KNOWN_LOSSES = Map.of(
            "8.tm", "time 24:00:00 arrives as 00:00:00",
            "108.tm", "time 24:00:00 arrives as 00:00:00",
            "8.ia2", "a two-dimensional array arrives as an array of nulls",
            "108.ia2", "a two-dimensional array arrives as an array of nulls",
            "8.na", "a numeric[] holding NaN arrives as null",
            "108.na", "a numeric[] holding NaN arrives as null",
            "8.dt", "a BC date in a snapshot event loses its era",
            "1.tma", "time[] elements arrive truncated to milliseconds",
            "101.tma", "time[] elements arrive truncated to milliseconds");
    /** Columns Debezium leaves out of events altogether. */
    private static final Set<String> ABSENT = Set.of("ma", "iva");

    private Sandbox sandbox;
    private String db;
    private Pipeline pipeline;
    private final Canonicalizer canon = new Canonicalizer();
    private List<ColumnType> columns;
    private final Map<Integer, JsonNode> after = new HashMap<>();
    private final Map<Integer, JsonNode> keys = new HashMap<>();
    private List<JsonNode[]> compositeEvents;
    private List<JsonNode[]> toastEvents;
    private long started;

    private static void row(int id, String... columnsAndLiterals) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndLiterals.length; i += 2) {
            if (columnsAndLiterals[i + 1] != null) {
                row.put(columnsAndLiterals[i], columnsAndLiterals[i + 1]);
            }
        }
        ROWS.put(id, row);
    }

    private static String insert(String table, int id, Map<String, String> row) {
        return "INSERT INTO " + table + " (id" + row.keySet().stream().map(c -> ", " + c).collect(Collectors.joining())
                + ") VALUES (" + id + row.values().stream().map(v -> ", " + v).collect(Collectors.joining()) + ")";
    }

    @BeforeAll
    void writeEveryRowBeforeAndAfterThePipelineStarts() throws Exception {
        started = System.nanoTime();
        sandbox = Sandbox.start();
        db = "canon";
        sandbox.postgres().createDatabase(db);
        execute("CREATE EXTENSION hstore", "CREATE EXTENSION citext", "CREATE SCHEMA canon",
                "CREATE TYPE canon.mood AS ENUM ('happy', 'sad')",
                "CREATE DOMAIN canon.pint AS int CHECK (VALUE > 0)", "CREATE DOMAIN canon.money2 AS numeric(10,2)",
                "CREATE TABLE canon.all_types (" + COLUMNS + ")",
                "CREATE TABLE canon.composite (u uuid, ts timestamptz, n numeric, t text, d date, v int,"
                        + " PRIMARY KEY (t, ts, n, u, d))",
                "CREATE TABLE canon.toasted (id int PRIMARY KEY, k int, t text, jb jsonb, by bytea, ta text[],"
                        + " ia int4[], ua uuid[], hs hstore, n numeric, na numeric[])",
                "ALTER TABLE canon.toasted ALTER t SET STORAGE EXTERNAL, ALTER jb SET STORAGE EXTERNAL,"
                        + " ALTER by SET STORAGE EXTERNAL, ALTER ta SET STORAGE EXTERNAL, ALTER ia SET STORAGE EXTERNAL,"
                        + " ALTER ua SET STORAGE EXTERNAL, ALTER hs SET STORAGE EXTERNAL, ALTER n SET STORAGE EXTERNAL,"
                        + " ALTER na SET STORAGE EXTERNAL");
        List<String> inserts = new ArrayList<>();
        ROWS.forEach((id, row) -> inserts.add(insert("canon.all_types", id, row)));
        inserts.add(compositeInsert(1));
        execute(inserts.toArray(String[]::new));

        Map<String, String> m = new HashMap<>();
        m.put("pipeline.name", "canon");
        m.put("source.url", sandbox.postgres().jdbcUrl(db));
        m.put("source.user", sandbox.postgres().superuser());
        m.put("source.password", sandbox.postgres().superuserPassword());
        m.put("source.tables", "canon.all_types,canon.composite,canon.toasted");
        m.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        m.put("heartbeat.interval", "1s");
        m.put("offsets.flush.interval", "500ms");
        pipeline = new Pipeline(new PipelineConfigLoader(Map.of()).fromMap(m), Pipeline.Options.defaults());
        pipeline.start();

        inserts.clear();
        ROWS.forEach((id, row) -> inserts.add(insert("canon.all_types", id + STREAMED, row)));
        inserts.add(compositeInsert(2));
        inserts.add("INSERT INTO canon.toasted SELECT 1, 0, repeat('x', 5000), jsonb_build_object('a', repeat('y', 5000)),"
                + " convert_to(repeat('z', 5000), 'UTF8'), ARRAY[repeat('w', 5000)], array_agg(g),"
                + " array_agg(md5(g::text)::uuid), hstore('k', repeat('v', 5000)), (repeat('9', 5000) || '.5')::numeric,"
                + " array_agg(g + 0.5) FROM generate_series(1, 3000) g");
        inserts.add("UPDATE canon.toasted SET k = 1 WHERE id = 1");
        execute(inserts.toArray(String[]::new));

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                read("canon.canon.all_types").size() == 2 * ROWS.size()
                        && read("canon.canon.composite").size() == 2 && read("canon.canon.toasted").size() == 2);
        for (JsonNode[] kv : read("canon.canon.all_types")) {
            int id = kv[0].path("id").asInt();
            keys.put(id, kv[0]);
            after.put(id, kv[1].path("after"));
        }
        compositeEvents = read("canon.canon.composite");
        toastEvents = read("canon.canon.toasted");
        try (Connection c = connect("")) {
            columns = ColumnCatalog.load(c, "canon", "all_types");
        }
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
        System.out.printf("CanonicalizerPipelineIT: %d ms including sandbox and pipeline start%n",
                (System.nanoTime() - started) / 1_000_000);
    }

    @Test
    void catalogResolvesDomainsArraysEnumsAndKeyOrder() throws Exception {
        Map<String, ColumnType> byName = columns.stream().collect(Collectors.toMap(ColumnType::name, ct -> ct));
        assertThat(columns.get(0).name()).isEqualTo("id");
        assertThat(columns).hasSize(COLUMNS.replaceAll("\\([^)]*\\)", "").split(",").length);
        assertThat(byName.get("pint")).isEqualTo(new ColumnType("pint", "int4", "N", null, false));
        assertThat(byName.get("money2")).as("the domain's numeric(10,2) modifier, for encodings that need the scale")
                .isEqualTo(new ColumnType("money2", "numeric", "N", null, false, (10 << 16 | 2) + 4));
        assertThat(byName.get("money2").numericScale()).hasValue(2);
        assertThat(byName.get("e")).isEqualTo(new ColumnType("e", "mood", "E", null, true));
        assertThat(byName.get("ea")).isEqualTo(new ColumnType("ea", "_mood", "A", "mood", true));
        assertThat(byName.get("ta")).isEqualTo(new ColumnType("ta", "_text", "A", "text", false));
        assertThat(byName.get("c").typeName()).isEqualTo("bpchar");
        assertThat(byName.get("tstzr").typeName()).isEqualTo("tstzrange");
        assertThat(byName.get("hs").typeName()).isEqualTo("hstore");
        assertThat(columns).allSatisfy(ct -> assertThat(Canonicalizer.isVerified(ct)).as(ct.toString()).isTrue());
        try (Connection c = connect("")) {
            assertThat(ColumnCatalog.primaryKey(c, "canon", "composite")).containsExactly("t", "ts", "n", "u", "d");
            assertThat(ColumnCatalog.primaryKey(c, "canon", "all_types")).containsExactly("id");
            assertThat(ColumnCatalog.load(c, "canon", "composite")).extracting(ColumnType::name)
                    .containsExactly("u", "ts", "n", "t", "d", "v");
            execute("CREATE TABLE canon.keyless (a int)", "ALTER TABLE canon.keyless ADD COLUMN b text",
                    "ALTER TABLE canon.keyless DROP COLUMN a");
            assertThat(ColumnCatalog.primaryKey(c, "canon", "keyless")).isEmpty();
            assertThat(ColumnCatalog.load(c, "canon", "keyless")).extracting(ColumnType::name).containsExactly("b");
        }
    }

    @Test
    void everyValueReadByJdbcEqualsItsEventValueTextProtocol() throws Exception {
        assertJdbcEqualsEvents("", "text protocol, default session");
    }

    @Test
    void everyValueReadByJdbcEqualsItsEventValueBinaryProtocol() throws Exception {
        assertJdbcEqualsEvents("?prepareThreshold=-1", "binary protocol, TimeZone Asia/Kathmandu",
                "SET TimeZone = 'Asia/Kathmandu'");
    }

    @Test
    void everyValueReadByJdbcEqualsItsEventValueWhateverTheSessionSettings() throws Exception {
        // (not extra_float_digits: the driver sets 3 so floats print exactly; 0 or less would round them)
        assertJdbcEqualsEvents("", "TimeZone Europe/Amsterdam, IntervalStyle sql_standard, bytea_output escape, money as text",
                "SET TimeZone = 'Europe/Amsterdam'", "SET IntervalStyle = 'sql_standard'", "SET bytea_output = 'escape'",
                "SET lc_monetary = 'C'");
        assertJdbcEqualsEvents("", "TimeZone America/St_Johns, IntervalStyle postgres_verbose",
                "SET TimeZone = 'America/St_Johns'", "SET IntervalStyle = 'postgres_verbose'");
        assertJdbcEqualsEvents("", "IntervalStyle iso_8601", "SET IntervalStyle = 'iso_8601'");
    }

    /**
     * The table scan reads rows by COPY TO STDOUT (TableScan, PgCopyText): every key and spilled value of every row
     * of the three tables (every type, a composite key of five types, TOASTed values) is the one the same codec reads
     * from a result set of the same SELECT, whatever the session prints values like.
     */
    @Test
    void everyRowReadByCopyGivesTheKeyAndValuesOfItsResultSet() throws Exception {
        List<String[]> sessions = List.of(new String[0],
                new String[] {"SET TimeZone = 'Asia/Kathmandu'", "SET IntervalStyle = 'sql_standard'",
                        "SET bytea_output = 'escape'"},
                new String[] {"SET TimeZone = 'America/St_Johns'", "SET IntervalStyle = 'iso_8601'"});
        for (String[] session : sessions) {
            for (String table : List.of("all_types", "composite", "toasted")) {
                try (Connection c = connect("")) {
                    try (Statement st = c.createStatement()) {
                        for (String sql : session) {
                            st.execute(sql);
                        }
                    }
                    c.setAutoCommit(false);
                    var codec = dev.strangler.parity.compare.CanonicalRowCodecs.factory(
                            dev.strangler.parity.ParityConfig.DEBEZIUM_UNAVAILABLE_VALUE)
                            .create(c, new dev.strangler.contract.TableId("canon", table));
                    String select = "SELECT " + codec.selectList() + " FROM canon." + table;
                    Map<String, List<String>> byResultSet = new TreeMap<>();
                    try (PreparedStatement ps = c.prepareStatement(select)) {
                        ps.setFetchSize(3); // as a scan streams them
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                byResultSet.put(codec.key(rs), shown(codec.tableValues(rs)));
                            }
                        }
                    }
                    Map<String, List<String>> byCopy = new TreeMap<>();
                    var copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI()
                            .copyOut("COPY (" + select + ") TO STDOUT");
                    byte[] row;
                    while ((row = copy.readFromCopy()) != null) {
                        byte[][] texts = dev.strangler.parity.compare.PgCopyText.columns(row,
                                codec.columnNames().size());
                        byCopy.put(codec.key(texts), shown(codec.tableValues(texts)));
                    }
                    c.rollback();
                    assertThat(byResultSet).as(table + " " + String.join("; ", session)).isNotEmpty();
                    assertThat(byCopy).as(table + " " + String.join("; ", session)).isEqualTo(byResultSet);
                }
            }
        }
    }

    private static List<String> shown(byte[][] values) {
        List<String> shown = new ArrayList<>();
        for (byte[] v : values) {
            shown.add(v == null ? "(null)" : new String(v, java.nio.charset.StandardCharsets.UTF_8));
        }
        return shown;
    }

    private void assertJdbcEqualsEvents(String urlSuffix, String how, String... session) throws Exception {
        Map<Integer, Map<String, String>> jdbc = readJdbc(urlSuffix, session);
        SoftAssertions softly = new SoftAssertions();
        int compared = 0;
        for (int id : after.keySet()) {
            JsonNode event = after.get(id);
            for (ColumnType column : columns) {
                String fromTable = jdbc.get(id).get(column.name());
                CanonicalValue fromEvent = canon.fromJson(event.get(column.name()), column);
                String where = how + ": row " + id + " column " + column + " event " + event.get(column.name());
                if (ABSENT.contains(column.name())) {
                    softly.assertThat(fromEvent).as(where).isEqualTo(CanonicalValue.ABSENT);
                } else if (KNOWN_LOSSES.containsKey(id + "." + column.name())) {
                    softly.assertThat(fromEvent.value()).as(where + " (" + KNOWN_LOSSES.get(id + "." + column.name())
                            + ")").isNotEqualTo(fromTable);
                } else {
                    softly.assertThat(fromEvent.value()).as(where).isEqualTo(fromTable);
                    compared++;
                }
            }
        }
        softly.assertAll();
        assertThat(compared).isGreaterThan(2 * ROWS.size() * (columns.size() - 5));
        // and the keys
        for (int id : after.keySet()) {
            assertThat(canon.canonicalKey(keys.get(id), List.of(columns.get(0))))
                    .isEqualTo(jdbc.get(id).get("$key")).isEqualTo("{\"id\":" + id + "}");
        }
    }

    @Test
    void minimallyDifferentValuesDoNotCompareEqual() throws Exception {
        Map<Integer, Map<String, String>> jdbc = readJdbc("");
        SoftAssertions softly = new SoftAssertions();
        for (int offset : new int[] {0, STREAMED}) {
            for (String name : NEAR) {
                ColumnType column = column(name);
                String table10 = jdbc.get(10 + offset).get(name);
                String table11 = jdbc.get(11 + offset).get(name);
                String event10 = canon.fromJson(after.get(10 + offset).get(name), column).value();
                String event11 = canon.fromJson(after.get(11 + offset).get(name), column).value();
                softly.assertThat(table10).as(name + " 10/11").isNotEqualTo(event11).isNotEqualTo(table11);
                softly.assertThat(event10).as(name + " 10/11").isNotEqualTo(table11).isNotEqualTo(event11);
            }
        }
        softly.assertAll();
    }

    @Test
    void equalValuesWrittenDifferentlyCompareEqual() throws Exception {
        Map<Integer, Map<String, String>> jdbc = readJdbc("");
        SoftAssertions softly = new SoftAssertions();
        for (int offset : new int[] {0, STREAMED}) {
            for (String name : SAME) {
                ColumnType column = column(name);
                String event21 = canon.fromJson(after.get(21 + offset).get(name), column).value();
                softly.assertThat(jdbc.get(20 + offset).get(name)).as(name + " 20/21").isEqualTo(event21)
                        .isEqualTo(jdbc.get(21 + offset).get(name));
            }
        }
        softly.assertAll();
    }

    @Test
    void compositeKeysFromTheKafkaKeyEqualKeysFromTheTable() throws Exception {
        try (Connection c = connect("");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT t, ts, n, u, d FROM canon.composite ORDER BY v")) {
            List<String> keyColumns = ColumnCatalog.primaryKey(c, "canon", "composite");
            Map<String, ColumnType> types = ColumnCatalog.load(c, "canon", "composite").stream()
                    .collect(Collectors.toMap(ColumnType::name, ct -> ct));
            List<ColumnType> key = keyColumns.stream().map(types::get).toList();
            List<String> fromTable = new ArrayList<>();
            while (rs.next()) {
                fromTable.add(canon.canonicalKey(rs, new int[] {1, 2, 3, 4, 5}, key));
            }
            List<String> fromEvents = compositeEvents.stream().map(kv -> canon.canonicalKey(kv[0], key)).toList();
            assertThat(fromEvents).containsExactlyElementsOf(fromTable);
            assertThat(fromTable.get(0)).isEqualTo("{\"t\":\"é 1\",\"ts\":\"2024-03-01T10:34:56.5Z\",\"n\":1.5,"
                    + "\"u\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",\"d\":\"2000-02-29\"}");
        }
    }

    @Test
    void unchangedToastedValuesAreUnavailableOrLost() throws Exception {
        JsonNode update = toastEvents.get(1)[1];
        assertThat(update.path("op").asText()).isEqualTo("u");
        JsonNode event = update.path("after");
        List<ColumnType> types;
        Map<String, String> table = new HashMap<>();
        try (Connection c = connect("")) {
            types = ColumnCatalog.load(c, "canon", "toasted");
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM canon.toasted")) {
                rs.next();
                for (int i = 0; i < types.size(); i++) {
                    table.put(types.get(i).name(), canon.fromJdbc(rs, i + 1, types.get(i)));
                }
            }
        }
        Map<String, CanonicalValue> values = new HashMap<>();
        types.forEach(ct -> values.put(ct.name(), canon.fromJson(event.get(ct.name()), ct)));
        for (String name : List.of("t", "jb", "ta", "ia", "ua", "hs", "n")) {
            assertThat(values.get(name)).as(name).isEqualTo(CanonicalValue.UNAVAILABLE);
        }
        // Debezium sends null for these: indistinguishable from SQL NULL (use REPLICA IDENTITY FULL)
        for (String name : List.of("by", "na")) {
            assertThat(values.get(name)).as(name).isEqualTo(CanonicalValue.NULL);
            assertThat(table.get(name)).isNotEqualTo(Canonicalizer.NULL);
        }
        assertThat(values.get("k").value()).isEqualTo(table.get("k")).isEqualTo("1");
        // the insert carried every value in full
        JsonNode insert = toastEvents.get(0)[1].path("after");
        for (ColumnType ct : types) {
            if (!ct.name().equals("k")) {
                assertThat(canon.fromJson(insert.get(ct.name()), ct).value()).as(ct.name()).isEqualTo(table.get(ct.name()));
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private ColumnType column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static String compositeInsert(int v) {
        return "INSERT INTO canon.composite VALUES ('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '2024-03-01 12:34:56.5+02',"
                + " 1.50, 'é " + v + "', '2000-02-29', " + v + ")";
    }

    /** Canonical JDBC values by id and column name (and "$key"), selected with the canonicalizer's expressions. */
    private Map<Integer, Map<String, String>> readJdbc(String urlSuffix, String... session) throws SQLException {
        // without the money cast when the session says lc_monetary=C: then the driver reads "$1,234.56"
        boolean plain = String.join(";", session).contains("lc_monetary");
        String select = "SELECT " + columns.stream().map(ct -> plain ? '"' + ct.name() + '"'
                : Canonicalizer.selectExpression(ct)).collect(Collectors.joining(", ")) + " FROM canon.all_types ORDER BY id";
        Map<Integer, Map<String, String>> result = new HashMap<>();
        try (Connection c = connect(urlSuffix)) {
            try (Statement st = c.createStatement()) {
                for (String sql : session) {
                    st.execute(sql);
                }
            }
            for (int pass = 0; pass < 2; pass++) { // twice, so a prepared statement really runs server-prepared
                try (PreparedStatement ps = c.prepareStatement(select); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, String> row = new HashMap<>();
                        for (int i = 0; i < columns.size(); i++) {
                            row.put(columns.get(i).name(), canon.fromJdbc(rs, i + 1, columns.get(i)));
                        }
                        row.put("$key", canon.canonicalKey(rs, new int[] {1}, List.of(columns.get(0))));
                        result.put(rs.getInt(1), row);
                    }
                }
            }
        }
        return result;
    }

    private Connection connect(String urlSuffix) throws SQLException {
        return DriverManager.getConnection(sandbox.postgres().jdbcUrl(db) + urlSuffix, sandbox.postgres().superuser(),
                sandbox.postgres().superuserPassword());
    }

    private void execute(String... statements) throws SQLException {
        try (Connection c = connect(""); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /** Every record of the topic (key, value), tombstones left out. */
    private List<JsonNode[]> read(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        List<JsonNode[]> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        records.add(new JsonNode[] {parse(r.key()), parse(r.value())});
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return List.of();
        }
        return records;
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
