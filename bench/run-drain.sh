#!/usr/bin/env bash
# Drain benchmark, end to end: builds bench and the modules it uses (package, tests skipped), runs
# dev.strangler.bench.DrainBenchmark. Every argument goes to the benchmark (--help lists them), e.g.
#   bench/run-drain.sh
#   bench/run-drain.sh --changes 500000 --xmx 384m
#   bench/run-drain.sh --skip-raw --set debezium.max.batch.size=8192 --set kafka.producer.linger.ms=20
# SKIP_BUILD=1 skips the build (when an earlier one is still current); see lib.sh.
# The pipeline's log, properties and (with --thread-dump) thread dump are kept in bench/target/drain-last/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The orchestrator hosts the Kafka broker and the raw reader; the pipeline gets its own JVM (see --xmx).
bench_run DrainBenchmark drain-last "$@"
