# shellcheck shell=bash
# The variables are for the sourcing scripts.
# shellcheck disable=SC2034
# Shared by deepline-submit, start-cluster.sh and stop-cluster.sh (sourced, never run): where the
# build is, the JVM flags Spark needs on Java 17, the Java check and the build on first use.
# The sourcing script sets -euo pipefail.

DEEPLINE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$DEEPLINE_HOME/target"
CLASSPATH_FILE="$TARGET/runtime-classpath.txt"
LOG_CONFIG="$DEEPLINE_HOME/conf/log4j2.properties"
NATIVE_CACHE="${DEEPLINE_NATIVE_CACHE:-$TARGET/javacpp-cache}"
# The ND4J backend jar that only the cuda profile puts on the class path (pom.xml, docs/gpu.md).
CUDA_BACKEND_JAR_PATTERN="/nd4j-cuda-"

# The module openings Spark 3.5 needs on Java 17 (what spark-submit's launcher adds itself).
JAVA17_OPENS=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false)

fail() { echo "${0##*/}: $*" >&2; exit 1; }

# Sets JAVA_BIN to the java that JAVA_HOME (or PATH) names, after checking its version.
require_java() {
  JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  local major
  major=$("$JAVA_BIN" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  if [[ -z "$major" || "$major" -lt 17 || "$major" -ge 23 ]]; then
    fail "Java 17 to 22 is required (Hadoop 3.3.4 breaks on 23+), found '${major:-none}' at $JAVA_BIN"
  fi
}

app_jar() {
  local candidate
  for candidate in "$TARGET"/deepline-*.jar; do
    case "$candidate" in *-sources.jar | *-tests.jar) continue ;; esac
    if [[ -f "$candidate" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# Sets APP_JAR, building first when there is no build, sources or the pom changed since it, or it was
# made for the other ND4J backend than DEEPLINE_MVN_OPTS asks for (-Pcuda or not): a CUDA build left
# in target/ would otherwise fail on a machine without a GPU, and a CPU build on a GPU host would
# silently train on the CPU.
ensure_built() {
  local mvn_opts=() stale="" wanted_backend="cpu" built_backend="cpu"
  read -ra mvn_opts <<< "${DEEPLINE_MVN_OPTS:-}"
  if [[ " ${DEEPLINE_MVN_OPTS:-} " =~ [[:space:]](-P|--activate-profiles[=[:space:]])[[:space:]]*([^[:space:]]*,)?cuda[,[:space:]] ]]; then
    wanted_backend="cuda"
  fi
  APP_JAR="$(app_jar || true)"
  if [[ -n "$APP_JAR" && -f "$CLASSPATH_FILE" ]]; then
    stale="$(find "$DEEPLINE_HOME/src/main" "$DEEPLINE_HOME/pom.xml" -newer "$APP_JAR" -type f -print -quit)"
    if grep -q -- "$CUDA_BACKEND_JAR_PATTERN" "$CLASSPATH_FILE"; then
      built_backend="cuda"
    fi
  fi
  if [[ -z "$APP_JAR" || ! -f "$CLASSPATH_FILE" || -n "$stale" || "$built_backend" != "$wanted_backend" ]]; then
    echo "${0##*/}: building the application (mvn package, $wanted_backend backend)..." >&2
    (cd "$DEEPLINE_HOME" && mvn -B -q "${mvn_opts[@]}" -DskipTests package) >&2 \
      || fail "build failed: run 'mvn -B package' in $DEEPLINE_HOME to see why"
    APP_JAR="$(app_jar)"
  fi
}

# The class path of the driver and, on a standalone cluster, of every executor and daemon.
runtime_classpath() {
  echo "$APP_JAR:$(cat "$CLASSPATH_FILE")"
}

# The JVM option that tags a cluster daemon (submit/start-cluster.sh) with its state directory.
cluster_marker() {
  echo "-Ddeepline.cluster.dir=$1"
}

# Whether the pid in the file is alive and is a daemon of the cluster in the state directory (a pid
# file left by a crash may name a pid the system has since given to an unrelated process).
cluster_daemon_running() {
  local pid_file="$1" state_dir="$2" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' '\n' < "/proc/$pid/cmdline" | grep -qxF -- "$(cluster_marker "$state_dir")"
}
