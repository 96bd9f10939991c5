#!/usr/bin/env bash
# Parity benchmark, end to end: builds bench and the modules it uses (package, tests skipped), runs
# dev.strangler.bench.ParityBenchmark. Every argument goes to the benchmark (--help lists them), e.g.
#   bench/run-parity.sh                                  # 10,000,000 rows: 8-10 minutes on 2 cores
#   bench/run-parity.sh --rows 1000000 --wait-quiet 120  # a quick run: about 1.5 minutes
# SKIP_BUILD=1 skips the build (when an earlier one is still current); see lib.sh.
# Logs (pipeline, check) and properties are kept in bench/target/parity-last/; the spill files go there while the
# check runs (about 2.4 times the table's size: 5.2 GB for 10M rows; deleted by the check), the Kafka topic in the
# system temp dir (1 GB for 10M rows).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_run ParityBenchmark parity-last "$@"
