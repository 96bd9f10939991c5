#!/usr/bin/env bash
# Idle benchmark: what `strangler run` costs while its source is idle, per debezium.poll.interval.ms. Builds bench and
# the modules it uses (package, tests skipped), runs dev.strangler.bench.IdleBenchmark, e.g.
#   bench/run-idle.sh                                     # 10, 100 and 500 ms: about 5 minutes
#   bench/run-idle.sh --poll-intervals 10,25,50 --seconds 30
# SKIP_BUILD=1 skips the build (when an earlier one is still current); see lib.sh. Logs in bench/target/idle-last/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_run IdleBenchmark idle-last "$@"
