package org.deepline.core;

import java.util.Optional;

/**
 * A failure the user can act on: bad input, bad config, a missing table or a failed quality gate.
 *
 * <p>The CLI prints {@link #getMessage()} as the one-line reason and exits with the {@link Failure}'s
 * code, so the message must name the file, field, table or row at fault, and a scheduler can tell a
 * refused model from bad data without reading it. Unexpected failures keep their own exception types
 * and are reported with a stack trace instead (exit code 3).
 *
 * <pre>{@code
 * throw new DeeplineException(Failure.LEAKAGE_GATE, "leakage: 1 check(s) failed for 2026-11-24: ...");
 * }</pre>
 */
public class DeeplineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * What kind of failure it is, and the process exit code that says so (docs/operations.md). Code 3
   * (unexpected: a bug, with a stack trace) belongs to the CLI itself; 9 is kept for drift alerts.
   */
  public enum Failure {
    /** Anything else the user can fix: a missing table, model or path, a date without rows. */
    INPUT(1),
    /** The command line itself, as picocli reports its own parse errors: a malformed run date. */
    USAGE(2),
    /** The job config or an override: unknown keys, bad values, columns the data does not have. */
    CONFIG(4),
    /** The data broke a rule: failed error-level constraints, too many quarantined rows. */
    DATA_QUALITY(5),
    /** A feature gives the label away, or rows of one record sit in two splits. */
    LEAKAGE_GATE(6),
    /**
     * A model was refused: blessing refused, a metric floor missed, the network collapsed to one
     * class, its loss diverged, or it lost to a baseline it was required to beat.
     */
    MODEL_GATE(7),
    /** Storage or cluster trouble: a commit raced by another writer, an unreachable service. */
    INFRASTRUCTURE(8),
    /**
     * The run date's inputs or the model's probabilities drifted from the model's training rows
     * past {@code monitoring.alert_psi}, and {@code monitoring.fail_on_drift} makes that a failure.
     */
    DRIFT(9),
    /**
     * Another run holds the lock of this data set and date ({@code nightly}): nothing was done; run
     * again when it has finished. (9 is drift.)
     */
    LOCKED(10);

    private final int exitCode;

    Failure(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final Failure failure;

  public DeeplineException(String message) {
    this(Failure.INPUT, message);
  }

  public DeeplineException(String message, Throwable cause) {
    this(Failure.INPUT, message, cause);
  }

  public DeeplineException(Failure failure, String message) {
    super(message);
    this.failure = failure;
  }

  public DeeplineException(Failure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = failure;
  }

  public Failure failure() {
    return failure;
  }

  /**
   * The user's failure in {@code failure} or among its causes: one thrown inside a Spark task
   * reaches the driver wrapped in Spark's own exceptions.
   */
  public static Optional<DeeplineException> in(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof DeeplineException user) {
        return Optional.of(user);
      }
    }
    return Optional.empty();
  }
}
