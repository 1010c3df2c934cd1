#!/usr/bin/env bash
# stop-cluster.sh: stops the cluster that submit/start-cluster.sh started (its Master and Workers; a
# Worker takes its executors down with it). Safe to call again: with nothing running it says so and
# exits 0. Uses the same DEEPLINE_CLUSTER_DIR as start-cluster.sh (default target/cluster).
set -euo pipefail

# shellcheck source=submit/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE_DIR="${DEEPLINE_CLUSTER_DIR:-$TARGET/cluster}"
# A Worker stops its executors on SIGTERM; give them that long before SIGKILL.
GRACE_SECONDS=15

if [[ ! -d "$STATE_DIR" ]]; then
  echo "stop-cluster.sh: no cluster state in $STATE_DIR, nothing to stop" >&2
  exit 0
fi
STATE_DIR="$(cd "$STATE_DIR" && pwd)"

# Workers first, so that the master does not log them as lost while it shuts down.
pids=()
for pid_file in "$STATE_DIR"/worker-*.pid "$STATE_DIR"/master.pid; do
  if cluster_daemon_running "$pid_file" "$STATE_DIR"; then
    pid="$(cat "$pid_file")"
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  fi
done

deadline=$((SECONDS + GRACE_SECONDS))
for pid in "${pids[@]}"; do
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "stop-cluster.sh: pid $pid did not stop within $GRACE_SECONDS s, killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
done
rm -f "$STATE_DIR"/*.pid "$STATE_DIR/master-url"
if [[ ${#pids[@]} -eq 0 ]]; then
  echo "stop-cluster.sh: no cluster running from $STATE_DIR" >&2
else
  echo "stop-cluster.sh: stopped ${#pids[@]} daemons from $STATE_DIR" >&2
fi
