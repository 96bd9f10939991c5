#!/usr/bin/env bash
# Outbox benchmark, end to end: installs the project's modules (tests skipped), builds the bench module, runs
# dev.strangler.bench.OutboxBenchmark. Every argument goes to the benchmark (--help lists them), e.g.
#   bench/run-outbox.sh --wait-quiet 60          # 100,000 events per phase, warm-up + 5 rounds: about 2 minutes
#   bench/run-outbox.sh --events 50000 --events-per-tx 10 --keep-outbox-rows
# SKIP_INSTALL=1 skips the `./mvnw install` of the other modules (when they are already installed and unchanged).
# The pipeline's log and properties are kept in bench/target/outbox-last/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_run OutboxBenchmark outbox-last "$@"
