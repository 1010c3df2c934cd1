package org.deepline.quality;

/** The verdict on one constraint: the metric seen and whether it met the expectation. */
public record ConstraintResult(String name, String column, Severity severity, double value,
    boolean passed, String expectation) {

  /** Whether this verdict fails the run: failed at error level. */
  public boolean failedAsError() {
    return !passed && severity == Severity.ERROR;
  }

  /**
   * This failed verdict kept as a warning, its expectation followed by {@code why} (a waiver's
   * reason, an easy label, too few rows to judge, a column no run ever filled): recorded and
   * reported, but the run goes on.
   */
  public ConstraintResult keptAsWarning(String why) {
    return new ConstraintResult(name, column, Severity.WARNING, value, false, expectation + why);
  }

  public String message() {
    return name + ": " + (passed ? "ok" : "failed") + ", got " + value + ", expected " + expectation;
  }
}
