#!/usr/bin/env bash
# start-cluster.sh: a Spark standalone cluster on this machine, made of the project's own Spark
# classes (spark-core holds the Master and Worker daemons), so no Spark download is needed.
#
#   submit/start-cluster.sh [--workers N] [--cores-per-worker C] [--memory M]
#   submit/deepline-submit --master "$(cat target/cluster/master-url)" pipeline --conf conf/churn.json
#   submit/stop-cluster.sh
#
# Starts one Master and N Workers (default 2 x 1 core, 2g each) on 127.0.0.1, waits until the master
# reports all N workers alive, then prints the master URL (spark://127.0.0.1:PORT) on stdout.
# Pids, logs, the master URL and the workers' work directories (executor logs) go to the state
# directory. Executors get their class path and JVM flags from deepline-submit, and
# OMP_NUM_THREADS=1 from the workers (one single-threaded ND4J per task core, see deepline-submit).
#
# Environment:
#   DEEPLINE_CLUSTER_DIR        state directory (default target/cluster)
#   DEEPLINE_MASTER_PORT        master RPC port (default 7177; not Spark's 7077, so an installed Spark
#                               keeps its port)
#   DEEPLINE_MASTER_WEBUI_PORT  master web UI and JSON status port (default 8180, not Spark's 8080)
#   DEEPLINE_CLUSTER_TIMEOUT    seconds to wait for the workers (default 120)
#   JAVA_HOME, DEEPLINE_MVN_OPTS  as for deepline-submit (the project is built first if needed)
# Worker RPC and web UI ports are picked free by the system (the master's /json/ lists them).
set -euo pipefail

# shellcheck source=submit/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOST="127.0.0.1"
STATE_DIR="${DEEPLINE_CLUSTER_DIR:-$TARGET/cluster}"
MASTER_PORT="${DEEPLINE_MASTER_PORT:-7177}"
WEBUI_PORT="${DEEPLINE_MASTER_WEBUI_PORT:-8180}"
TIMEOUT_SECONDS="${DEEPLINE_CLUSTER_TIMEOUT:-120}"
# The daemons only schedule and launch executors; the executors hold the data and the networks.
DAEMON_HEAP="512m"
POLL_SECONDS=1
LOG_TAIL_LINES=30
HELP_LINES="2,22p"

workers=2
cores_per_worker=1
worker_memory="2g"

usage_error() { echo "start-cluster.sh: $*" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --workers|--cores-per-worker|--memory)
      [[ $# -ge 2 ]] || usage_error "$1 needs a value"
      case "$1" in
        --workers) workers="$2" ;;
        --cores-per-worker) cores_per_worker="$2" ;;
        --memory) worker_memory="$2" ;;
      esac
      shift 2 ;;
    -h|--help) sed -n "$HELP_LINES" "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage_error "unknown option $1 (try --help)" ;;
  esac
done
[[ "$workers" =~ ^[1-9][0-9]*$ ]] || usage_error "--workers must be a positive integer, got '$workers'"
[[ "$cores_per_worker" =~ ^[1-9][0-9]*$ ]] \
  || usage_error "--cores-per-worker must be a positive integer, got '$cores_per_worker'"
[[ "$worker_memory" =~ ^[1-9][0-9]*[mMgG]$ ]] \
  || usage_error "--memory must look like 512m or 2g, got '$worker_memory'"
command -v curl >/dev/null || fail "curl is needed to read the master's status page"

mkdir -p "$STATE_DIR"
STATE_DIR="$(cd "$STATE_DIR" && pwd)"
for pid_file in "$STATE_DIR"/*.pid; do
  if cluster_daemon_running "$pid_file" "$STATE_DIR"; then
    fail "a cluster is already running from $STATE_DIR (stop it with submit/stop-cluster.sh)"
  fi
done
rm -f "$STATE_DIR"/*.pid "$STATE_DIR/master-url"

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
for port in "$MASTER_PORT" "$WEBUI_PORT"; do
  if port_in_use "$port"; then
    fail "port $port on $HOST is in use; choose others with DEEPLINE_MASTER_PORT / DEEPLINE_MASTER_WEBUI_PORT"
  fi
done

require_java
ensure_built
# Spark and its dependencies only: the daemons never load deepline's classes, and a rebuild rewrites
# the app jar in target/ under running JVMs that would otherwise hold it open.
class_path="$(cat "$CLASSPATH_FILE")"

# A Worker builds each executor's command with Spark's launcher, which insists on $SPARK_HOME/jars
# and a Scala version even though every jar an executor needs comes from spark.executor.extraClassPath
# (set by deepline-submit to its own class path). An empty jars directory satisfies it.
spark_home="$STATE_DIR/spark-home"
mkdir -p "$spark_home/jars"

# Spark would move to the next free port when one is taken; the master URL printed must be the real
# one. The cluster directory property marks the daemons as this cluster's for stop-cluster.sh.
daemon_opts=("${JAVA17_OPENS[@]}" -Xmx"$DAEMON_HEAP" -Dspark.port.maxRetries=0
  "${USER_JAVA_OPTS[@]}" "$(cluster_marker "$STATE_DIR")")

start_daemon() {
  local name="$1"
  shift
  # The daemons outlive this script (a background job of a script ignores the terminal's Ctrl-C);
  # stop-cluster.sh ends them.
  SPARK_HOME="$spark_home" SPARK_SCALA_VERSION="2.12" OMP_NUM_THREADS=1 \
    "$JAVA_BIN" "${daemon_opts[@]}" -cp "$class_path" "$@" \
    > "$STATE_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$STATE_DIR/$name.pid"
}

stop_started() {
  "$(dirname "${BASH_SOURCE[0]}")/stop-cluster.sh" >&2 || true
}

fail_with_logs() {
  local log
  for log in "$STATE_DIR"/*.log; do
    echo "--- last lines of $log" >&2
    tail -n "$LOG_TAIL_LINES" "$log" >&2
  done
  stop_started
  fail "$*"
}

master_url="spark://$HOST:$MASTER_PORT"
start_daemon master org.apache.spark.deploy.master.Master \
  --host "$HOST" --port "$MASTER_PORT" --webui-port "$WEBUI_PORT"
for ((i = 1; i <= workers; i++)); do
  mkdir -p "$STATE_DIR/worker-$i"
  start_daemon "worker-$i" org.apache.spark.deploy.worker.Worker \
    --host "$HOST" --webui-port 0 --cores "$cores_per_worker" --memory "$worker_memory" \
    --work-dir "$STATE_DIR/worker-$i" "$master_url"
done

alive_workers() {
  curl -fsS --max-time "$POLL_SECONDS" "http://$HOST:$WEBUI_PORT/json/" 2>/dev/null \
    | sed -n 's/.*"aliveworkers" *: *\([0-9]*\).*/\1/p'
}

deadline=$((SECONDS + TIMEOUT_SECONDS))
while true; do
  for pid_file in "$STATE_DIR"/*.pid; do
    kill -0 "$(cat "$pid_file")" 2>/dev/null \
      || fail_with_logs "$(basename "$pid_file" .pid) exited during startup (its log is above)"
  done
  alive="$(alive_workers || true)"
  [[ "${alive:-0}" -ge "$workers" ]] && break
  ((SECONDS < deadline)) \
    || fail_with_logs "only ${alive:-0} of $workers workers registered within $TIMEOUT_SECONDS s"
  sleep "$POLL_SECONDS"
done

echo "$master_url" > "$STATE_DIR/master-url"
echo "start-cluster.sh: $workers workers x $cores_per_worker cores, $worker_memory each; web UI http://$HOST:$WEBUI_PORT/, state in $STATE_DIR" >&2
echo "$master_url"
