package org.deepline.evaluation;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;
import org.deepline.metrics.BinaryMetrics;

/**
 * The evaluation report, its slices and behavioural tests, and the blessing of the model it judges.
 *
 * @param split              which split's predictions are judged; {@code test} unless studying
 *                           another
 * @param calibrationBins    bins of the reliability table and diagram
 * @param calibrationBinning {@code equal_width} (bins of equal probability width) or
 *                           {@code equal_mass} (bins of about equal row counts)
 * @param minRocAuc          when set, an evaluation below it fails the run (after writing the
 *                           report), blessing or not
 * @param bootstrap          confidence intervals; {@code replicates} 0 turns them off
 * @param slices             columns whose values are judged one by one
 * @param behavioural        CheckList-style tests of the model's behaviour, run in this order
 * @param blessing           the verdict on whether this model may replace the champion
 */
public record EvaluationConfig(
    @JsonPropertyDescription("Which split's predictions are judged.")
    @OneOf("SPLITS")
    String split,
    @JsonPropertyDescription("Bins of the reliability table and diagram, and of the expected "
        + "calibration error. Allowed: `[1, 1000]`.")
    Integer calibrationBins,
    @JsonPropertyDescription("`equal_width`: bins of equal probability width over [0, 1]. "
        + "`equal_mass`: bins cut at the probabilities' approximate quantiles (relative rank "
        + "error 0.001), so each holds about the same number of rows and none is a handful of "
        + "rows at the extremes.")
    @OneOf("BINNINGS")
    String calibrationBinning,
    @JsonPropertyDescription("When set, a ROC AUC below it (or undefined, e.g. a split with one "
        + "class) fails the run after the report is written, blessing or not. Allowed: `[0, 1]`. "
        + "When unset: no gate.")
    Double minRocAuc,
    @JsonPropertyDescription("Confidence intervals of the metrics.")
    BootstrapConfig bootstrap,
    @JsonPropertyDescription("Metrics per value of some columns.")
    SliceConfig slices,
    @JsonPropertyDescription("CheckList-style behavioural tests of the model.")
    List<BehaviouralTest> behavioural,
    @JsonPropertyDescription("Whether the model may replace the champion.")
    BlessingConfig blessing) {
  public static final List<String> SPLITS = List.of("train", "validation", "test");
  public static final List<String> BINNINGS = List.of("equal_width", "equal_mass");
  public static final int MAX_CALIBRATION_BINS = 1000;
  public static final int DEFAULT_CALIBRATION_BINS = 10;

  public EvaluationConfig {
    split = split == null ? "test" : split;
    calibrationBins = calibrationBins == null ? DEFAULT_CALIBRATION_BINS : calibrationBins;
    calibrationBinning = calibrationBinning == null ? "equal_width" : calibrationBinning;
    bootstrap = bootstrap == null ? BootstrapConfig.defaults() : bootstrap;
    slices = slices == null ? SliceConfig.defaults() : slices;
    behavioural = behavioural == null ? List.of() : List.copyOf(behavioural);
    blessing = blessing == null ? BlessingConfig.defaults() : blessing;
  }

  public static EvaluationConfig defaults() {
    return new EvaluationConfig(null, null, null, null, null, null, null, null);
  }

  public BinaryMetrics.Binning binning() {
    return "equal_mass".equals(calibrationBinning) ? BinaryMetrics.Binning.EQUAL_MASS
        : BinaryMetrics.Binning.EQUAL_WIDTH;
  }

  /**
   * The set settings that judge one class's probability (slices, behavioural tests), by name: a
   * multi-class or regression model's evaluation refuses them.
   */
  public List<String> oneClassSettings() {
    List<String> set = new java.util.ArrayList<>();
    if (!slices().columns().isEmpty()) {
      set.add("evaluation.slices");
    }
    if (!behavioural().isEmpty()) {
      set.add("evaluation.behavioural");
    }
    return set;
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(split, SPLITS, "split");
    errors.requirePositive(calibrationBins, "calibration_bins");
    errors.require(calibrationBins <= MAX_CALIBRATION_BINS, "calibration_bins",
        "must be <= " + MAX_CALIBRATION_BINS + ", got " + calibrationBins);
    errors.requireOneOf(calibrationBinning, BINNINGS, "calibration_binning");
    if (minRocAuc != null) {
      errors.requireFraction(minRocAuc, "min_roc_auc", true, true);
    }
    bootstrap.validate(errors.at("bootstrap"));
    slices.validate(errors.at("slices"));
    Set<String> names = new HashSet<>();
    for (int i = 0; i < behavioural.size(); i++) {
      BehaviouralTest test = behavioural.get(i);
      ConfigErrors at = errors.at("behavioural", i);
      if (test == null) {
        at.add(null, "must be an object");
        continue;
      }
      test.validate(at);
      if (test.name() != null && !names.add(test.name())) {
        at.add("name", "repeats the name of an earlier test: " + test.name());
      }
    }
    blessing.validate(errors.at("blessing"));
  }

  /**
   * Bootstrap confidence intervals of the metrics.
   *
   * @param replicates Poisson bootstrap replicates; 0 turns the intervals off
   * @param confidence two-sided confidence level of the intervals
   * @param seed       fixes the replicates' weights, so a re-run reports the same intervals
   */
  public record BootstrapConfig(
      @JsonPropertyDescription("Poisson bootstrap replicates; `0` turns the intervals off. Each "
          + "replicate costs one weight draw per row, in the same single pass over the rows. "
          + "Allowed: `[0, 2000]`.")
      Integer replicates,
      @JsonPropertyDescription("Two-sided level of the percentile intervals. Allowed: `(0, 1)`.")
      Double confidence,
      @JsonPropertyDescription("Seeds each row's weights (hashed with its `_record_id`), so a "
          + "re-run reports the same intervals whatever the partitioning.")
      Long seed) {
    public static final int DEFAULT_REPLICATES = 200;
    public static final double DEFAULT_CONFIDENCE = 0.95;
    public static final long DEFAULT_SEED = 42;
    /** Each replicate costs a Poisson draw per row; beyond this the intervals barely move. */
    public static final int MAX_REPLICATES = 2000;

    public BootstrapConfig {
      replicates = replicates == null ? DEFAULT_REPLICATES : replicates;
      confidence = confidence == null ? DEFAULT_CONFIDENCE : confidence;
      seed = seed == null ? DEFAULT_SEED : seed;
    }

    public static BootstrapConfig defaults() {
      return new BootstrapConfig(null, null, null);
    }

    void validate(ConfigErrors errors) {
      errors.require(replicates >= 0 && replicates <= MAX_REPLICATES, "replicates",
          "must be in [0, " + MAX_REPLICATES + "], got " + replicates);
      errors.requireFraction(confidence, "confidence", false, false);
    }
  }

  /**
   * Slice metrics: the report's metrics per value of each column.
   *
   * @param columns silver columns to slice by (their values are compared as text; null is its own
   *                slice)
   * @param minRows a slice with fewer rows is listed but neither judged nor compared: its metrics are
   *                noise
   */
  public record SliceConfig(
      @JsonPropertyDescription("The report gives rows, positives, accuracy, precision, recall, "
          + "F1, ROC AUC, log loss and Brier score per value of each column (values compared as "
          + "text; null is the slice `(null)`). A column missing from silver fails the run "
          + "naming it and the columns there are. Allowed: silver columns, each once, at most "
          + "1,000 values each.")
      List<String> columns,
      @JsonPropertyDescription("A slice with fewer rows is listed, greyed, but neither judged nor "
          + "compared with the champion. Allowed: `> 0`.")
      Long minRows) {
    public static final long DEFAULT_MIN_ROWS = 30;

    public SliceConfig {
      columns = columns == null ? List.of() : List.copyOf(columns);
      minRows = minRows == null ? DEFAULT_MIN_ROWS : minRows;
    }

    public static SliceConfig defaults() {
      return new SliceConfig(null, null);
    }

    void validate(ConfigErrors errors) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < columns.size(); i++) {
        String column = columns.get(i);
        if (column == null || column.isBlank()) {
          errors.add("columns[" + i + "]", "must name a column");
        } else if (!seen.add(column)) {
          errors.add("columns[" + i + "]", "repeats " + column);
        }
      }
      errors.requirePositive(minRows, "min_rows");
    }
  }
}
