# Shared by bench/run-*.sh (sourced, not run): builds the bench module and runs one benchmark's main class.
#   bench_run <main class> <out dir name under bench/target> <args...>
# SKIP_INSTALL=1 skips the `./mvnw install` of the other modules (when they are already installed and unchanged).
# The orchestrator JVM (-Xmx1g) hosts the Kafka broker; measured parts run in their own JVMs (see bench/README.md).

bench_run() {
  local main="$1" out_name="$2"
  shift 2
  local bench_dir root
  bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  root="$(cd "$bench_dir/.." && pwd)"
  cd "$root"

  if [[ "${SKIP_INSTALL:-0}" != "1" ]]; then
    echo "== ./mvnw -q install -DskipTests" >&2
    ./mvnw -q install -DskipTests
  fi
  echo "== ./mvnw -q -f bench/pom.xml package" >&2
  ./mvnw -q -f bench/pom.xml package -DskipTests

  local classpath out
  classpath="$bench_dir/target/classes:$(cat "$bench_dir/target/classpath.txt")"
  out="$bench_dir/target/$out_name"
  rm -rf "$out"

  echo "== java dev.strangler.bench.$main $*" >&2
  exec java -Xmx1g -cp "$classpath" "dev.strangler.bench.$main" --out "$out" "$@"
}
