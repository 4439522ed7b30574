#!/usr/bin/env bash
# The benchmark suite of the lifecycle-bench module: `./lifecycle-bench.sh --quick` (every figure
# once, under a minute) or `./lifecycle-bench.sh --full` (JMH forks and iterations, repeated runs).
# Prints one name=value line per figure on standard output and writes them all, with details and
# the machine, to lifecycle-bench/target/bench-figures.json (or --json FILE). Builds the bench jar
# on first use (and again whenever a pom or a main source changed), then replaces itself with the
# JVM so that signals reach it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$root/lifecycle-bench/target/lifecycle-bench.jar"

stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$root" \( -name .git -o -name target -o -name .lifecycle \) -prune -o \
      -type f \( -name pom.xml -o -path '*/src/main/*' \) -newer "$jar" -print -quit)" ]
}

if stale; then
  echo "lifecycle-bench: building the benchmark jar (first use or sources changed)..." >&2
  (cd "$root" && mvn -B -q -Dstyle.color=never -DskipTests -Dmaven.javadoc.skip=true \
      -pl lifecycle-bench -am package) >&2
fi

commit="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit+uncommitted-changes"
fi
export LIFECYCLE_BENCH_COMMIT="$commit"
export LIFECYCLE_BENCH_ROOT="$root"
export LIFECYCLE_BENCH_JSON="${LIFECYCLE_BENCH_JSON:-$root/lifecycle-bench/target/bench-figures.json}"
exec java ${LIFECYCLE_BENCH_JAVA_OPTS:-} -jar "$jar" "$@"
