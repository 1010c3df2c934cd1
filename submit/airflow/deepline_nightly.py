"""Airflow 2.4+ DAGs that run deepline's nightly job, one DAG per data set (docs/operations.md).

Put this file in the DAGs folder of an Airflow whose workers can run a deepline checkout (Java 17,
and Maven or SPARK_HOME, as submit/deepline-submit needs). Each DAG checks the config, then runs
submit/nightly.sh for the run's logical date. The tasks run the scripts through a Python callable
rather than a BashOperator because a BashOperator retries every failure alike, and most of
deepline's failures (a bad config, a refused model) would only fail again: the callable raises
AirflowFailException for those, which ends the task without its retries.
"""
from __future__ import annotations

import contextlib
import logging
import os
import shlex
import signal
import subprocess
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.operators.python import PythonOperator

log = logging.getLogger(__name__)

# One DAG per data set: its name and its job config, relative to the project directory.
DATA_SETS = {
    "churn": "conf/churn.json",
}
# Where the deepline checkout is on the workers; a run can override it, as every param.
DEFAULT_PROJECT_DIR = "/opt/deepline"
# The CLI's own default (CommonOptions.DEFAULT_WAREHOUSE), relative to the project directory.
DEFAULT_WAREHOUSE = "./warehouse"
# With catchup, the scheduler runs every night from here on: the first date with landing data.
START_DATE = pendulum.datetime(2026, 12, 1, tz="UTC")
# 02:30 UTC: the run of logical date D starts after its interval ends, on D+1, so {{ ds }} is the
# day before the run, what nightly.sh would pick by itself (yesterday, UTC).
SCHEDULE = "30 2 * * *"
RETRIES = 3
RETRY_DELAY = timedelta(minutes=15)

# deepline's exit codes by name (docs/operations.md, DeeplineException.Failure): 3 is the CLI's own
# (a bug), 9 is kept for drift alerts.
EXIT_CODES = {
    1: "input",
    2: "usage",
    3: "unexpected",
    4: "config",
    5: "data quality",
    6: "leakage gate",
    7: "model gate",
    8: "infrastructure",
    9: "reserved for drift",
    10: "locked",
}
# Storage or cluster trouble may pass, and a date another run holds is free once that run ends;
# every other code says something a retry cannot change.
RETRYABLE_EXIT_CODES = frozenset({8, 10})

CHECK_CONFIG_COMMAND = "submit/deepline-submit check --conf {{ params.conf | sh }}"
NIGHTLY_COMMAND = (
    "submit/nightly.sh --conf {{ params.conf | sh }} --warehouse {{ params.warehouse | sh }}"
    " --run-date {{ ds }}"
)

DOC_MD = """
### deepline nightly

Every night at 02:30 UTC: `check_config` validates the job config without starting Spark, then
`nightly` ingests, validates, splits, scores and evaluates the logical date `ds` (the day before
the run) with the registered model. Training is its own, deliberate job and not part of this DAG.

* **Backfill:** `catchup` is on, so the scheduler runs every missed night, one at a time
  (`max_active_runs` 1); `airflow dags backfill -s 2026-11-01 -e 2026-11-30 <dag_id>` runs a
  range the same way. Re-running a date replaces its output.
* **Params:** `conf` (job config), `warehouse` (tables root), `project_dir` (the deepline
  checkout, the tasks' working directory, default /opt/deepline); a manual run may override them.
* **Retries:** only exit codes 8 (infrastructure) and 10 (the date is locked by another run,
  e.g. a backfill started by hand) are retried. 1 input, 2 usage, 3 unexpected, 4 config,
  5 data quality, 6 leakage gate and 7 model gate fail the task at once: read its log.
* **Locks:** nightly.sh locks each date in a local directory, so two workers on different
  machines do not see each other's locks; `max_active_runs` 1 keeps this DAG to one run.

The same run outside Airflow:
`submit/nightly.sh --conf conf/churn.json --from 2026-11-01 --to 2026-11-30`
"""


def run_deepline(command: str, project_dir: str) -> None:
    """Runs one deepline command line (already rendered) in the project directory.

    Its output goes to the task log line by line. Exit codes 8 and 10 raise AirflowException, so
    Airflow retries; any other failure raises AirflowFailException, which skips the retries.
    """
    argv = shlex.split(command)
    log.info("Running %s in %s", argv, project_dir)
    # Its own session, so a stopped task can end the job and its JVM together.
    with subprocess.Popen(
        argv,
        cwd=project_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    ) as process:
        try:
            for line in process.stdout:
                log.info("%s", line.rstrip("\n"))
            code = process.wait()
        except BaseException:
            # Airflow stops a task (timeout, marked failed) by raising here: end the job too, so
            # its date lock is not held by an orphan.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            raise
    if code == 0:
        return
    reason = f"{argv[0]} exited {code} ({EXIT_CODES.get(code, 'not a deepline exit code')})"
    if code in RETRYABLE_EXIT_CODES:
        raise AirflowException(reason + "; worth a retry")
    raise AirflowFailException(reason + "; a retry would fail the same way, not retrying")


def nightly_dag(data_set: str, conf: str) -> DAG:
    """The nightly DAG of one data set: check its config, then run the logical date."""
    with DAG(
        dag_id=f"deepline_nightly_{data_set}",
        description=f"deepline nightly run of {data_set}",
        doc_md=DOC_MD,
        schedule=SCHEDULE,
        start_date=START_DATE,
        catchup=True,
        max_active_runs=1,
        default_args={"retries": RETRIES, "retry_delay": RETRY_DELAY},
        params={
            "conf": conf,
            "warehouse": DEFAULT_WAREHOUSE,
            "project_dir": DEFAULT_PROJECT_DIR,
        },
        # Params are quoted for the command line, which shlex.split reads back.
        user_defined_filters={"sh": shlex.quote},
        tags=["deepline"],
    ) as dag:
        check_config = PythonOperator(
            task_id="check_config",
            python_callable=run_deepline,
            op_kwargs={"command": CHECK_CONFIG_COMMAND, "project_dir": "{{ params.project_dir }}"},
        )
        nightly = PythonOperator(
            task_id="nightly",
            python_callable=run_deepline,
            op_kwargs={"command": NIGHTLY_COMMAND, "project_dir": "{{ params.project_dir }}"},
        )
        check_config >> nightly
    return dag


for _name, _conf in DATA_SETS.items():
    _dag = nightly_dag(_name, _conf)
    globals()[_dag.dag_id] = _dag
