# Shared by bench/run-*.sh (sourced, not run): builds the bench module and runs one benchmark's main class.
#   bench_run <main class> <out dir name under bench/target> <args...>
# Builds with `package` through the reactor (nothing is installed into ~/.m2). SKIP_BUILD=1 skips the build when an
# earlier one left the jars and bench/target/classpath.txt in place (SKIP_INSTALL=1, its old name, does the same).
# The orchestrator JVM (-Xmx1g) hosts the Kafka broker; measured parts run in their own JVMs (see bench/README.md).

bench_run() {
  local main="$1" out_name="$2"
  shift 2
  local bench_dir root
  bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  root="$(cd "$bench_dir/.." && pwd)"
  cd "$root"

  if [[ "${SKIP_BUILD:-${SKIP_INSTALL:-0}}" != "1" ]]; then
    echo "== ./mvnw -q -B -DskipTests -pl bench -am package" >&2
    ./mvnw -q -B -DskipTests -pl bench -am package
  fi

  local classpath out
  classpath="$bench_dir/target/classes:$(cat "$bench_dir/target/classpath.txt")"
  out="$bench_dir/target/$out_name"
  rm -rf "$out"

  echo "== java dev.strangler.bench.$main $*" >&2
  # the bench's own logback.xml, not the CLI's (both are on the classpath); child JVMs inherit the setting
  exec java -Xmx1g -Dlogback.configurationFile="$bench_dir/target/classes/logback.xml" -cp "$classpath" \
    "dev.strangler.bench.$main" --out "$out" "$@"
}
