package dev.strangler.sink;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Refused events, with {@code sink.errors=dead-letter}: each goes to the dead-letter topic as it was (key, value and
 * headers), plus headers saying where it came from and why it was refused. The sink waits for every dead letter's
 * acknowledgement before it commits the transaction that moves past it, so no refused event is ever lost; after a
 * crash between the two, the same event is sent again (at least once: the {@value #TOPIC}, {@value #PARTITION} and
 * {@value #OFFSET} headers identify duplicates).
 */
final class DeadLetters implements AutoCloseable {

    static final String REASON = "strangler.sink.error";
    static final String TOPIC = "strangler.sink.topic";
    static final String PARTITION = "strangler.sink.partition";
    static final String OFFSET = "strangler.sink.offset";
    static final String MAPPING = "strangler.sink.mapping";
    static final String SINK = "strangler.sink.name";
    static final String FAILED_AT = "strangler.sink.failed_at";

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String sink;
    private final Clock clock;
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();

    DeadLetters(Producer<byte[], byte[]> producer, String topic, String sink, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.sink = sink;
        this.clock = clock;
    }

    String topic() {
        return topic;
    }

    /** Sends a refused event; {@link #awaitAll} before committing the transaction that moves past it. */
    void send(ConsumerRecord<byte[], byte[]> record, String mapping, String reason) {
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach(headers::add);
        headers.add(REASON, utf8(reason));
        headers.add(TOPIC, utf8(record.topic()));
        headers.add(PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(OFFSET, utf8(Long.toString(record.offset())));
        if (mapping != null) {
            headers.add(MAPPING, utf8(mapping));
        }
        headers.add(SINK, utf8(sink));
        headers.add(FAILED_AT, utf8(clock.instant().toString()));
        pending.add(producer.send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers)));
    }

    /** Waits for every dead letter sent since the last call; throws when Kafka did not take one. */
    void awaitAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Future<RecordMetadata> f : pending) {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw new SinkKafkaException("Kafka did not take a dead letter for " + topic + ": "
                    + e.getCause().getMessage() + "; nothing of the batch is committed and it is applied again", e
                    .getCause());
        } catch (TimeoutException e) {
            throw new SinkKafkaException("Kafka did not acknowledge the dead letters for " + topic + " within "
                    + timeout.toSeconds() + " s; nothing of the batch is committed and it is applied again", e);
        } finally {
            pending.clear();
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
