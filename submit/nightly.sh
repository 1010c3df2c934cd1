#!/usr/bin/env bash
# nightly.sh: a scheduler's nightly run of one data set: ingest, validate, split, score and evaluate
# one date with the registered model (training is its own, deliberate job).
#
#   submit/nightly.sh --conf conf/churn.json                          # yesterday (UTC)
#   submit/nightly.sh --conf conf/churn.json --run-date 2026-12-02    # one date
#   submit/nightly.sh --conf conf/churn.json --from 2026-11-01 --to 2026-11-30   # a backfill
#   submit/nightly.sh --master spark://host:7077 --conf conf/flights.json --warehouse s3a://b/wh
#
# Options after the Spark ones are deepline's `nightly` options: --conf FILE (required),
# --warehouse URI, --run-date D or --from D1 --to D2 (dates oldest first, in one Spark session),
# --set KEY.PATH=VALUE, --lock-dir DIR. Spark options (--master, --driver-memory, --conf KEY=VALUE
# before deepline's --conf, ...) go first, as with deepline-submit. A source path with {run_date}
# reads that date's files (e.g. "path": "/landing/churn/{run_date}/*.csv").
#
# Safe to re-run: every stage replaces its output for the date, so running a date twice leaves the
# same tables, and a failed backfill is resumed by running the same range again. Two runs of one
# data set, warehouse and date cannot overlap: each date's lock (a file lock in $DEEPLINE_LOCK_DIR,
# default deepline-locks in the temp directory, released by the OS even if the run is killed) is
# taken before Spark starts, and a held date exits 10 at once without touching anything. Before the
# command, --conf KEY=VALUE is a Spark setting: a job config whose path holds '=' goes after another
# deepline option (--warehouse W --conf my=conf.json).
#
# Exit codes (docs/operations.md): 0 ok, 1 input, 2 usage, 3 unexpected, 4 config, 5 data quality,
# 6 leakage gate, 7 model gate, 8 infrastructure, 9 reserved for drift, 10 date locked.
# Example crontab line (02:30 each night, yesterday's data; more in docs/operations.md):
#   30 2 * * * cd /opt/deepline && submit/nightly.sh --conf conf/churn.json --warehouse /data/wh
set -euo pipefail

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi

# Spark options come first and take a value each; the first other argument starts deepline's.
spark_options=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --master|--driver-memory|--executor-memory|--deploy-mode|--num-executors|--executor-cores)
      [ "$#" -ge 2 ] || { echo "nightly.sh: $1 needs a value" >&2; exit 2; }
      spark_options+=("$1" "$2"); shift 2 ;;
    --conf)
      # Before the command, --conf KEY=VALUE is a Spark setting; a file name is deepline's config.
      if [[ "${2:-}" == *=* ]]; then spark_options+=("$1" "$2"); shift 2; else break; fi ;;
    *) break ;;
  esac
done

exec "$(dirname "${BASH_SOURCE[0]}")/deepline-submit" "${spark_options[@]}" nightly "$@"
