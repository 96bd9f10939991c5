package dev.strangler.bench;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --wait-quiet}: before a measurement, waits (bounded) until the processes that are not the benchmark's use
 * less than a quarter of a core for 3 s, so a measurement does not share the machine with someone else's build.
 */
final class Quiet {

    private static final Logger LOG = LoggerFactory.getLogger(Quiet.class);

    private Quiet() {
    }

    /**
     * Waits up to {@code max} (zero: returns at once). The benchmark's own processes are this JVM and
     * {@code ownPids} (e.g. a pipeline JVM idling between measurements); their CPU does not count as noise.
     */
    static void await(Duration max, long... ownPids) throws InterruptedException {
        if (max.isZero()) {
            return;
        }
        long self = ProcessHandle.current().pid();
        long deadline = System.nanoTime() + max.toNanos();
        boolean logged = false;
        while (true) {
            long machine = Proc.machineBusyMillis();
            long own = ownCpu(self, ownPids);
            Thread.sleep(3000);
            long foreign = (Proc.machineBusyMillis() - machine) - (ownCpu(self, ownPids) - own);
            if (foreign < 750) {
                return;
            }
            if (System.nanoTime() > deadline) {
                LOG.warn("the machine is still busy (other processes: {} ms of CPU in 3 s); measuring anyway",
                        foreign);
                return;
            }
            if (!logged) {
                LOG.info("waiting for a quiet machine (other processes: {} ms of CPU in 3 s) ...", foreign);
                logged = true;
            }
        }
    }

    private static long ownCpu(long self, long[] pids) {
        long sum = Math.max(0, Proc.cpuMillis(self));
        for (long pid : pids) {
            sum += Math.max(0, Proc.cpuMillis(pid));
        }
        return sum;
    }
}
