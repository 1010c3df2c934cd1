package org.deepline.quality;

/** The verdict on one constraint: the metric seen and whether it met the expectation. */
public record ConstraintResult(String name, String column, Severity severity, double value,
    boolean passed, String expectation) {

  public String message() {
    return name + ": " + (passed ? "ok" : "failed") + ", got " + value + ", expected " + expectation;
  }
}
