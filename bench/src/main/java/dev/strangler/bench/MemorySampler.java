package dev.strangler.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples this JVM's used and committed heap and its VmRSS every 100 ms and keeps the peaks; used by the JVMs the
 * benchmarks measure (the pipeline, the parity check), which report them in their {@code BENCH result} line.
 */
final class MemorySampler extends Thread {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    final AtomicLong heapUsedPeak = new AtomicLong();
    final AtomicLong heapCommittedPeak = new AtomicLong();
    final AtomicLong nonHeapCommittedPeak = new AtomicLong();
    final AtomicLong rssPeak = new AtomicLong();
    private volatile long lastHeapUsed;
    private volatile long lastRss;

    MemorySampler() {
        super("bench-memory-sampler");
        setDaemon(true);
    }

    @Override
    public void run() {
        while (!isInterrupted()) {
            sampleOnce();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void sampleOnce() {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        lastHeapUsed = heap.getUsed();
        heapUsedPeak.accumulateAndGet(heap.getUsed(), Math::max);
        heapCommittedPeak.accumulateAndGet(heap.getCommitted(), Math::max);
        nonHeapCommittedPeak.accumulateAndGet(memory.getNonHeapMemoryUsage().getCommitted(), Math::max);
        long rss = Proc.selfStatusBytes("VmRSS");
        lastRss = rss;
        rssPeak.accumulateAndGet(rss, Math::max);
    }

    long lastHeapUsed() {
        return lastHeapUsed;
    }

    long lastRss() {
        return lastRss;
    }

    /**
     * The memory, GC and CPU figures of this JVM for a result line: heapMaxBytes, heapUsedPeakBytes,
     * heapCommittedPeakBytes, nonHeapCommittedPeakBytes, rssPeakSampledBytes, vmHwmBytes, gcCount, gcMillis,
     * cpuMillis, threads.
     */
    void putFigures(Map<String, Object> r) {
        r.put("heapMaxBytes", memory.getHeapMemoryUsage().getMax());
        r.put("heapUsedPeakBytes", heapUsedPeak.get());
        r.put("heapCommittedPeakBytes", heapCommittedPeak.get());
        r.put("nonHeapCommittedPeakBytes", nonHeapCommittedPeak.get());
        r.put("rssPeakSampledBytes", rssPeak.get());
        r.put("vmHwmBytes", Proc.selfStatusBytes("VmHWM"));
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        r.put("gcCount", gcCount);
        r.put("gcMillis", gcMillis);
        r.put("cpuMillis", ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime() / 1_000_000 : -1);
        r.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    }
}
