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

# DEEPLINE_LOG_FORMAT=json: log lines as JSON objects for log shippers. log4j2 merges a
# comma-separated list of configurations; the JSON one only replaces the console appender's layout,
# so the levels stay those of log4j2.properties.
case "${DEEPLINE_LOG_FORMAT:-text}" in
  text) ;;
  json) LOG_CONFIG="$LOG_CONFIG,$DEEPLINE_HOME/conf/log4j2-json.properties" ;;
  # A usage error: exit 2, as deepline-submit's own.
  *) echo "${0##*/}: DEEPLINE_LOG_FORMAT must be text or json, got '$DEEPLINE_LOG_FORMAT'" >&2
     exit 2 ;;
esac

# The driver's JVM options for C1 only (DEEPLINE_JIT). Stopping at C1 also shrinks the JVM's
# default code cache from 240 to 48 MB, which a churn pipeline fills: the JIT then stops
# ("CodeCache is full. Compiler has been disabled") and a Spark task that links a method handle
# afterwards dies with "Out of space in CodeCache for method handle intrinsic". So the cache keeps
# its usual size.
C1_ONLY_JAVA_OPTS=(-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m)

# Extra JVM options from the environment for every JVM the scripts start (driver, executors of a
# standalone cluster, cluster daemons), e.g.
# DEEPLINE_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m": on small data the
# C2 compiler's work (about 40 % of a churn stage's CPU) is never paid back by a short JVM, and C1
# alone would shrink the code cache to 48 MB, which a pipeline fills.
read -ra USER_JAVA_OPTS <<< "${DEEPLINE_JAVA_OPTS:-}"

# The largest input run with the C1 compiler only under DEEPLINE_JIT=auto: the size below which
# every stage is planned as small too (SmallInputPlanning.MAX_SMALL_INPUT_BYTES, 16 MiB).
SMALL_INPUT_BYTES=$((16 * 1024 * 1024))

# Whether every "path" the job config FILE names is a local, uncompressed text file (CSV, JSON), or
# a directory of them, with at most SMALL_INPUT_BYTES in all: a data set whose stages are all fixed
# cost. Bytes tell rows only for text: flights-3m's 3 M rows are 13 MB of Parquet. A {run_date}
# placeholder is the RUN_DATE given (--run-date), else every date's files together (a backfill, or
# the default date), so a nightly layout of small files is small. A config with no path (a
# database or REST source), a URI (s3a://, hdfs://) or a path that matches nothing is not small.
small_local_input() {
  local config="$1" run_date="${2:-*}" paths path entry file total=0 entries
  [[ -f "$config" ]] || return 1
  paths=$(grep -o '"path"[[:space:]]*:[[:space:]]*"[^"]*"' "$config" \
    | sed 's/.*:[[:space:]]*"\(.*\)"$/\1/') || return 1
  [[ -n "$paths" ]] || return 1
  while IFS= read -r path; do
    [[ "$path" != *://* ]] || return 1
    entries=$(compgen -G "${path//\{run_date\}/$run_date}") || return 1
    while IFS= read -r entry; do
      while IFS= read -r -d '' file; do
        case "${file,,}" in *.csv | *.tsv | *.json | *.jsonl | *.txt) ;; *) return 1 ;; esac
        total=$((total + $(stat -c %s -- "$file")))
      done < <(find "$entry" -type f ! -name '.*' ! -name '_*' -print0)
    done <<< "$entries"
  done <<< "$paths"
  (( total <= SMALL_INPUT_BYTES ))
}

# The value of --run-date among the arguments, or nothing.
run_date_argument() {
  local previous="" arg
  for arg in "$@"; do
    [[ "$previous" == "--run-date" ]] && { echo "$arg"; return; }
    [[ "$arg" == --run-date=* ]] && { echo "${arg#--run-date=}"; return; }
    previous="$arg"
  done
}

# Sets JAVA_BIN to the java that JAVA_HOME (or PATH) names, after checking its version.
require_java() {
  JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  local major
  JAVA_VERSION_TEXT="$("$JAVA_BIN" -version 2>&1 || true)"
  major=$(sed -n 's/.*version "\([0-9]*\).*/\1/p' <<< "$JAVA_VERSION_TEXT" | head -1)
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
  local mvn_opts=() wanted_backend="cpu"
  read -ra mvn_opts <<< "${DEEPLINE_MVN_OPTS:-}"
  if [[ " ${DEEPLINE_MVN_OPTS:-} " =~ [[:space:]](-P|--activate-profiles[=[:space:]])[[:space:]]*([^[:space:]]*,)?cuda[,[:space:]] ]]; then
    wanted_backend="cuda"
  fi
  if build_needed "$wanted_backend"; then
    # Two launchers started at once (a scheduler's parallel tasks) would both run Maven in one
    # target/ and corrupt each other's jar: the second waits for the first and finds the build done.
    mkdir -p "$TARGET"
    exec {build_lock}> "$TARGET/.build.lock"
    flock "$build_lock"
    if build_needed "$wanted_backend"; then
      echo "${0##*/}: building the application (mvn package, $wanted_backend backend)..." >&2
      (cd "$DEEPLINE_HOME" && mvn -B -q "${mvn_opts[@]}" -DskipTests package) >&2 \
        || fail "build failed: run 'mvn -B package' in $DEEPLINE_HOME to see why"
    fi
    exec {build_lock}>&-
  fi
  APP_JAR="$(launch_copy "$(app_jar)")"
}

# Whether target/ lacks a build, holds one older than a source or the pom, or one of the other
# backend than the one asked for ($1: cpu or cuda).
build_needed() {
  local wanted_backend="$1" jar built_backend="cpu"
  jar="$(app_jar || true)"
  [[ -n "$jar" && -f "$CLASSPATH_FILE" ]] || return 0
  if grep -q -- "$CUDA_BACKEND_JAR_PATTERN" "$CLASSPATH_FILE"; then
    built_backend="cuda"
  fi
  [[ "$built_backend" != "$wanted_backend" ]] && return 0
  [[ -n "$(find "$DEEPLINE_HOME/src/main" "$DEEPLINE_HOME/pom.xml" -newer "$jar" -type f -print -quit)" ]]
}

# Jobs run the application jar from a copy named by its content: a rebuild (this script's, or a
# developer's mvn package) rewrites target/deepline-*.jar in place, and a job still running from
# it, or a cluster executor it starts later, would fail with NoClassDefFoundError. Copies of
# earlier builds go after LAUNCH_COPY_DAYS, long after any job that used them.
LAUNCH_COPY_DAYS=2
launch_copy() {
  local jar="$1" dir="$TARGET/launch" digest copy
  digest="$(sha1sum "$jar" | cut -c1-12)"
  copy="$dir/$(basename "$jar" .jar)-$digest.jar"
  if [[ ! -f "$copy" ]]; then
    mkdir -p "$dir"
    cp "$jar" "$copy.tmp.$$" && mv -f "$copy.tmp.$$" "$copy"
    find "$dir" \( -name '*.jar' -o -name 'cds-*' \) -mtime +"$LAUNCH_COPY_DAYS" -delete \
      2>/dev/null || true
  fi
  echo "$copy"
}

# Class data sharing (AppCDS) for the driver: an archive of the classes a deepline job loads (about
# 23,000 from Spark, Delta, Hadoop, DL4J and deepline), which the JVM maps instead of reading,
# verifying and linking each class from its jar. It took a churn pipeline from 47.2-47.8 s to
# 39.9-41.0 s wall (docs/operations.md). The JVM refuses an archive silently, and loads classes as
# usual, when the java build, the class path or the heap's pointer mode differ from the dump's, so
# the archive's name carries a checksum of all that (cds_archive); a new build gets a new one.
#
# How an archive comes about, without a job ever waiting for it: the first Spark job of a build
# records the classes it loads (-XX:DumpLoadedClassList, no measurable cost) under a claim (a lock
# directory holding its pid: the launcher execs the JVM, so the pid is the job's). A later launch
# that finds the claim's owner ended and its list showing that the job got as far as Spark starts
# the dump (java -Xshare:dump, about 35 s of CPU) in the background at the lowest priority, under
# the same claim; a list that does not is dropped and that launch records anew. A dump that fails
# leaves cds-<checksum>.jsa.failed (its output) and the build records no more.
CDS_SPARK_CLASS="org/apache/spark/SparkContext"
# Archives are 270 MB: a new one replaces all but the newest of the older ones.
CDS_KEPT_ARCHIVES=2
# A claim without its owner's pid yet (it is written just after the lock is made) is taken as
# held for this long.
CDS_UNNAMED_CLAIM_MINUTES=1

# The archive for this java, class path ($1) and the driver's heap and user options ($2...).
cds_archive() {
  local key
  key="$( { grep -v '^Picked up' <<< "$JAVA_VERSION_TEXT" || true; printf '%s\n' "$@"; } \
    | cksum | cut -d' ' -f1)"
  echo "$TARGET/launch/cds-$key.jsa"
}

# Where the job with pid $2 records its classes for archive $1.
cds_class_list() {
  echo "$1.classes.$2"
}

# The driver's JVM options for class data sharing with archive $1 for class path $2: the archive
# when it exists. Otherwise, with $3 = record, the option that records this job's classes when
# nobody holds the claim; and, whatever $3, the background dump of an ended job's list (see above).
# Prints one option per line, nothing when none applies. CDS_DRIVER_MEMORY is the driver's -Xmx.
cds_options() {
  local archive="$1" class_path="$2" mode="$3" owner list
  if [[ -f "$archive" ]]; then
    echo "-XX:SharedArchiveFile=$archive"
    return 0
  fi
  [[ -f "$archive.failed" ]] && return 0
  mkdir -p "$(dirname "$archive")" 2> /dev/null || return 0
  if [[ -d "$archive.lock" ]]; then
    owner="$(cat "$archive.lock/pid" 2> /dev/null || true)"
    if [[ -n "$owner" ]] && kill -0 "$owner" 2> /dev/null; then
      return 0
    fi
    if [[ -z "$owner" && -z "$(find "$archive.lock" -maxdepth 0 \
        -mmin +"$CDS_UNNAMED_CLAIM_MINUTES" 2> /dev/null)" ]]; then
      return 0
    fi
    # The owner ended; of two launchers that see it, the one whose rename wins takes over.
    mv "$archive.lock" "$archive.lock.ended.$$" 2> /dev/null || return 0
    rm -rf "$archive.lock.ended.$$" "$archive".partial.*
    list="$(cds_class_list "$archive" "${owner:-none}")"
    if [[ -n "$owner" ]] && grep -qxF "$CDS_SPARK_CLASS" "$list" 2> /dev/null; then
      mkdir "$archive.lock" 2> /dev/null || return 0
      cds_dump_in_background "$archive" "$list" "$class_path"
      return 0
    fi
    rm -f "$list"
  fi
  if [[ "$mode" == record ]] && mkdir "$archive.lock" 2> /dev/null; then
    echo "$$" > "$archive.lock/pid"
    echo "-XX:DumpLoadedClassList=$(cds_class_list "$archive" "$$")"
  fi
}

# Builds archive $1 from class list $2 for class path $3 (java -Xshare:dump), written aside and
# renamed so that no JVM maps half an archive; then drops the older archives beyond
# CDS_KEPT_ARCHIVES, the list and the claim. Its output goes to $1.log, or to $1.failed when the
# dump fails.
cds_dump() {
  local archive="$1" classes="$2" class_path="$3" partial="$1.partial.$BASHPID" old
  if "$JAVA_BIN" "${JAVA17_OPENS[@]}" ${CDS_DRIVER_MEMORY:+-Xmx"$CDS_DRIVER_MEMORY"} -Xshare:dump \
      -XX:SharedClassListFile="$classes" -XX:SharedArchiveFile="$partial" -cp "$class_path" \
      > "$archive.log" 2>&1; then
    mv -f "$partial" "$archive"
    while read -r old; do
      rm -f "$old" "${old%.jsa}".jsa.log
    done < <(ls -t "$(dirname "$archive")"/cds-*.jsa 2> /dev/null | tail -n +"$((CDS_KEPT_ARCHIVES + 1))")
  else
    mv -f "$archive.log" "$archive.failed"
  fi
  rm -f "$partial" "$classes"
  rm -rf "$archive.lock"
}

# cds_dump at the lowest priority under the claim in $1.lock (its pid written there), detached
# from the launching job's terminal and output, so that neither that job nor a scheduler waiting for
# its output waits for it. A dump killed half-way leaves its partial file to the next takeover.
cds_dump_in_background() {
  ( trap '' HUP; echo "$BASHPID" > "$1.lock/pid"; renice -n 19 "$BASHPID" > /dev/null 2>&1 || true
    cds_dump "$@" ) < /dev/null > /dev/null 2>&1 &
  disown
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
  local pid_file="$1" state_dir="$2" pid cmdline
  [[ -f "$pid_file" ]] || return 1
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  # Read whole before grep: with pipefail, `tr | grep -q` fails when grep stops at the marker while
  # tr still writes a long class path (SIGPIPE), and a running daemon would read as stopped.
  cmdline="$(tr '\0' '\n' < "/proc/$pid/cmdline")"
  grep -qxF -- "$(cluster_marker "$state_dir")" <<< "$cmdline"
}
