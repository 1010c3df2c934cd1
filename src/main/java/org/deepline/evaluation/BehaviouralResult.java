package org.deepline.evaluation;

/**
 * How the model did on one behavioural test.
 *
 * @param rows           rows the test looked at
 * @param failures       rows that broke the expectation
 * @param failureRate    failures / rows; NaN when no row matched
 * @param meanChange     mean change of the probability under the perturbation (NaN for a
 *                       minimum-functionality test)
 * @param maxChange      largest absolute change of a row's probability (NaN likewise)
 * @param detail         the outcome in one sentence, with the numbers
 */
public record BehaviouralResult(String name, String type, long rows, long failures,
    double failureRate, double maxFailureRate, double meanChange, double maxChange,
    boolean passed, String detail) {}
