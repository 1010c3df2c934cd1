package org.deepline.tracking;

import java.util.Locale;

/**
 * The text of a progress report, as pure functions of the counts: the line a terminal rewrites in
 * place and the structured line a scheduler's log gets.
 *
 * <pre>{@code
 * ProgressFormat.schedulerLine(new ProgressFormat.Snapshot("score", "20261124T0100-ab12cd", 12, 45,
 *     64, 12_000, "")) // progress stage=score run=20261124T0100-ab12cd job=12 tasks=45/64 elapsed_s=12 eta_s=5
 * }</pre>
 */
public final class ProgressFormat {
  /** What {@link #etaSeconds} returns before the first task of a job has finished. */
  public static final long UNKNOWN = -1;
  private static final long MILLIS_PER_SECOND = 1000;
  private static final long SECONDS_PER_MINUTE = 60;
  private static final int PERCENT = 100;

  private ProgressFormat() {}

  /**
   * One job's progress within a stage: its Spark job id, tasks done and in all, the time since it
   * started and the stage's notes ({@link org.deepline.core.ProgressNotes}), empty when none.
   */
  public record Snapshot(String stage, String runId, int jobId, int tasksDone, int tasksTotal,
      long elapsedMillis, String notes) {}

  /**
   * Seconds until the job's last task ends if the remaining tasks run at the rate of those done so
   * far, rounded to the nearest second; {@link #UNKNOWN} before any task is done.
   */
  public static long etaSeconds(int tasksDone, int tasksTotal, long elapsedMillis) {
    if (tasksDone <= 0 || tasksTotal <= 0) {
      return UNKNOWN;
    }
    int remaining = Math.max(tasksTotal - tasksDone, 0);
    return Math.round(elapsedMillis * (double) remaining / tasksDone / MILLIS_PER_SECOND);
  }

  /** {@code progress stage=score run=ID job=12 tasks=45/64 elapsed_s=12 eta_s=5 [notes]}. */
  public static String schedulerLine(Snapshot progress) {
    long eta = etaSeconds(progress.tasksDone(), progress.tasksTotal(), progress.elapsedMillis());
    return String.format(Locale.ROOT, "progress stage=%s run=%s job=%d tasks=%d/%d elapsed_s=%d%s%s",
        progress.stage(), progress.runId(), progress.jobId(), progress.tasksDone(),
        progress.tasksTotal(), progress.elapsedMillis() / MILLIS_PER_SECOND,
        eta == UNKNOWN ? "" : " eta_s=" + eta,
        progress.notes().isEmpty() ? "" : " " + progress.notes());
  }

  /** {@code score: job 12 tasks 45/64 (70%) 0:12, ETA 0:05 [| notes]}, for a person watching. */
  public static String terminalLine(Snapshot progress) {
    long eta = etaSeconds(progress.tasksDone(), progress.tasksTotal(), progress.elapsedMillis());
    int percent = progress.tasksTotal() <= 0 ? 0
        : PERCENT * Math.min(progress.tasksDone(), progress.tasksTotal()) / progress.tasksTotal();
    return String.format(Locale.ROOT, "%s: job %d tasks %d/%d (%d%%) %s, ETA %s%s",
        progress.stage(), progress.jobId(), progress.tasksDone(), progress.tasksTotal(), percent,
        clock(progress.elapsedMillis() / MILLIS_PER_SECOND), eta == UNKNOWN ? "?" : clock(eta),
        progress.notes().isEmpty() ? "" : " | " + progress.notes());
  }

  /** Seconds as {@code m:ss}, e.g. 75 as {@code 1:15}. */
  static String clock(long seconds) {
    return String.format(Locale.ROOT, "%d:%02d", seconds / SECONDS_PER_MINUTE,
        seconds % SECONDS_PER_MINUTE);
  }
}
