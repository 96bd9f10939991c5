#!/usr/bin/env bash
# Outbox benchmark, end to end: builds bench and the modules it uses (package, tests skipped), runs
# dev.strangler.bench.OutboxBenchmark. Every argument goes to the benchmark (--help lists them), e.g.
#   bench/run-outbox.sh --wait-quiet 60          # 100,000 events per phase, warm-up + 5 rounds: about 2 minutes
#   bench/run-outbox.sh --events 50000 --events-per-tx 10 --keep-outbox-rows
# SKIP_BUILD=1 skips the build (when an earlier one is still current); see lib.sh.
# The pipeline's log and properties are kept in bench/target/outbox-last/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_run OutboxBenchmark outbox-last "$@"
