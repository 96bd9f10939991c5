package dev.strangler.bench;

import dev.strangler.cli.ops.OpsRegistry;
import dev.strangler.engine.metrics.SnapshotProgress;
import dev.strangler.engine.metrics.StreamMeters;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * What the metrics cost the pipeline, measured without PostgreSQL or Kafka so that a busy machine does not drown it:
 * the publisher thread's per-batch call into {@link StreamMeters} (with the Prometheus registry, and without any as
 * with http.enabled=false), in nanoseconds per event over batches like the drain benchmark's (4,096 events of
 * transactions of 10,000 rows, 3/4 creates and 1/4 updates), and one scrape of a registry as strangler run builds it
 * (JVM and process binders, a Kafka producer's metrics, the pipeline's meters). Each figure is the best of several
 * rounds, the usual way to read a CPU-bound loop on a shared machine.
 *
 * <p>{@code java -cp ... dev.strangler.bench.MetricsOverhead [rounds]}
 */
public final class MetricsOverhead {

    private static final Schema ENVELOPE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).build();
    private static final int BATCH = 4096;
    private static final int BATCHES_PER_ROUND = 2_000;

    private MetricsOverhead() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        List<List<SourceRecord>> batches = batches(8);
        double without = Double.MAX_VALUE;
        double with = Double.MAX_VALUE;
        try (OpsRegistry ops = new OpsRegistry("bench")) {
            StreamMeters bare = new StreamMeters(null, t -> "bench.items", tx -> "", new SnapshotProgress());
            StreamMeters metered = new StreamMeters(ops.registry(), t -> "bench.items", tx -> "",
                    new SnapshotProgress());
            for (int r = 0; r < rounds; r++) {
                without = Math.min(without, nanosPerEvent(bare, batches));
                with = Math.min(with, nanosPerEvent(metered, batches));
            }
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                    new ByteArraySerializer()); KafkaClientMetrics kafka = new KafkaClientMetrics(producer)) {
                kafka.bindTo(ops.registry());
                double scrapeMillis = Double.MAX_VALUE;
                int bytes = 0;
                for (int r = 0; r < 50; r++) {
                    long t0 = System.nanoTime();
                    bytes = ops.scrape().length();
                    scrapeMillis = Math.min(scrapeMillis, (System.nanoTime() - t0) / 1e6);
                }
                System.out.printf("publisher thread, per event: %.0f ns without a registry (http.enabled=false), "
                        + "%.0f ns with the Prometheus registry%n", without, with);
                System.out.printf("one scrape of /metrics: %.2f ms (%d bytes, %d meters)%n", scrapeMillis, bytes,
                        ops.registry().getMeters().size());
            }
        }
    }

    private static double nanosPerEvent(StreamMeters meters, List<List<SourceRecord>> batches) {
        long t0 = System.nanoTime();
        long ack = System.currentTimeMillis();
        for (int i = 0; i < BATCHES_PER_ROUND; i++) {
            List<SourceRecord> batch = batches.get(i % batches.size());
            meters.batchCommitted(batch, batch.get(batch.size() - 1), 0, ack);
        }
        return (System.nanoTime() - t0) / (double) (BATCHES_PER_ROUND * (long) BATCH);
    }

    private static List<List<SourceRecord>> batches(int count) {
        List<List<SourceRecord>> batches = new ArrayList<>();
        long lsn = 1_000_000;
        long commit = System.currentTimeMillis() * 1000 - 2_000_000;
        for (int b = 0; b < count; b++) {
            List<SourceRecord> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                long n = (long) b * BATCH + i;
                Map<String, Object> offset = new HashMap<>();
                offset.put("lsn", lsn++);
                offset.put("txId", 1000 + n / 10_000);
                offset.put("ts_usec", commit + n / 10_000 * 1000);
                Struct value = new Struct(ENVELOPE).put("op", n % 4 == 3 ? "u" : "c");
                batch.add(new SourceRecord(Map.of("server", "drain"), offset, "drain.bench.items", null, null,
                        ENVELOPE, value));
            }
            batches.add(batch);
        }
        return batches;
    }
}
