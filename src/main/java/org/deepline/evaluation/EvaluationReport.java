package org.deepline.evaluation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.deepline.features.FeatureModel;
import org.deepline.metrics.BinaryMetrics;
import org.deepline.metrics.SliceMetrics;
import org.deepline.training.Ensembles;
import org.deepline.training.EpochMetrics;
import org.deepline.training.LayerStatistics;
import org.deepline.training.ModelMetadata;

/**
 * What the evaluate stage found about one model on one split: saved as {@code evaluation.json} (via
 * {@link org.deepline.core.Json}) and rendered as {@code evaluation.html} by {@link HtmlReport}. The
 * JSON's layout is versioned by {@code schema_version} and documented in
 * {@code docs/evaluation-report.md}; a change that renames or removes a field bumps it.
 *
 * <pre>{@code
 * EvaluationReport report = new EvaluationReport(EvaluationReport.SCHEMA_VERSION, "churn", runId,
 *     "2024-06-30", "v7", "test", "scoring.threshold", Instant.now().toString(), summary, slices,
 *     behavioural, champion, verdict, baselines, importance);
 * files.writeText(reportDir + "/evaluation.json", Json.write(report));
 * }</pre>
 *
 * @param schemaVersion    {@link #SCHEMA_VERSION} when written by this code; reports without the
 *                         field are version 1 (a single threshold, no slices, no blessing)
 * @param thresholdSource  where the chosen threshold (the first operating point) came from
 * @param generatedAt      when the report was made, as given (ISO-8601); the renderers print it as
 *                         is and never read the clock, so the same report always renders the same
 *                         bytes
 * @param metrics          the judged model on the judged rows
 * @param slices           per slice, in the order of {@code evaluation.slices.columns}
 * @param behavioural      the behavioural tests' results, in config order
 * @param champion         the champion and the challenger on the same rows; null when there is no
 *                         champion
 * @param blessing         the verdict
 * @param baselines        the validation ROC AUC of the network and of each baseline of the ladder
 *                         its train run fitted on the same features and rows, network first, with
 *                         the ROC AUC on this report's rows of the model and of the rungs saved with
 *                         it; empty for a model trained without the ladder (and in reports written
 *                         before it)
 * @param importance       the validation ROC AUC drop of the model's network when each input is
 *                         shuffled (its train run's permutation importance), largest first; empty
 *                         for models trained before it was measured
 * @param modelKind        what the evaluated model is: {@code network}, or its ensemble's
 *                         description, e.g. {@code bagging of 5 networks (mean)}
 * @param ensemble         the ensemble's validation ROC AUC next to its members'; null for a single
 *                         network
 * @param training         how the model's (main) network trained, epoch by epoch, and its layers'
 *                         statistics at the best epoch; null in reports written before it was added
 */
public record EvaluationReport(int schemaVersion, String dataset, String runId, String runDate,
    String modelVersion, String split, String thresholdSource, String generatedAt,
    BinaryMetrics.Summary metrics, List<SliceMetrics.Slice> slices,
    List<BehaviouralResult> behavioural, ChampionComparison champion, Blessing.Verdict blessing,
    List<Baseline> baselines, List<Importance> importance, String modelKind, Ensemble ensemble,
    TrainingHistory training, List<FoldedInput> foldedInputs) {
  public static final int SCHEMA_VERSION = 2;
  public static final String SINGLE_NETWORK = "network";

  public EvaluationReport {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(runId, "run_id");
    Objects.requireNonNull(runDate, "run_date");
    Objects.requireNonNull(modelVersion, "model_version");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(thresholdSource, "threshold_source");
    Objects.requireNonNull(generatedAt, "generated_at");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(blessing, "blessing");
    slices = slices == null ? List.of() : List.copyOf(slices);
    behavioural = behavioural == null ? List.of() : List.copyOf(behavioural);
    baselines = baselines == null ? List.of() : List.copyOf(baselines);
    importance = importance == null ? List.of() : List.copyOf(importance);
    modelKind = modelKind == null ? SINGLE_NETWORK : modelKind;
    foldedInputs = foldedInputs == null ? List.of() : List.copyOf(foldedInputs);
  }

  /** A report without folded inputs (and one written before they were reported). */
  public EvaluationReport(int schemaVersion, String dataset, String runId, String runDate,
      String modelVersion, String split, String thresholdSource, String generatedAt,
      BinaryMetrics.Summary metrics, List<SliceMetrics.Slice> slices,
      List<BehaviouralResult> behavioural, ChampionComparison champion, Blessing.Verdict blessing,
      List<Baseline> baselines, List<Importance> importance, String modelKind, Ensemble ensemble,
      TrainingHistory training) {
    this(schemaVersion, dataset, runId, runDate, modelVersion, split, thresholdSource,
        generatedAt, metrics, slices, behavioural, champion, blessing, baselines, importance,
        modelKind, ensemble, training, null);
  }

  /** A single network's report (and a report written before ensembles existed). */
  public EvaluationReport(int schemaVersion, String dataset, String runId, String runDate,
      String modelVersion, String split, String thresholdSource, String generatedAt,
      BinaryMetrics.Summary metrics, List<SliceMetrics.Slice> slices,
      List<BehaviouralResult> behavioural, ChampionComparison champion, Blessing.Verdict blessing,
      List<Baseline> baselines, List<Importance> importance) {
    this(schemaVersion, dataset, runId, runDate, modelVersion, split, thresholdSource,
        generatedAt, metrics, slices, behavioural, champion, blessing, baselines, importance,
        SINGLE_NETWORK, null, null, null);
  }

  /**
   * An ensemble's validation ROC AUC next to its members': {@code rows} are the ensemble, the main
   * network of its train run, each member and the members' mean.
   *
   * @param autoGbtLead for a stack {@code training.ensemble.method: auto} built, how far the
   *                    baseline ladder's boosted trees led the network alone on validation ROC
   *                    AUC (why the stack exists); null for an ensemble the config asked for
   * @param autoLogisticRegressionLead the same for the ladder's logistic regression; null also for
   *                    stacks built before it was a member (December 2026)
   * @param autoSmallSplit for a stack {@code auto} built because the training split had at most
   *                    {@code auto_stack_rows} rows, those rows (then held-out predictions on the
   *                    training rows, not the leads, decided); null otherwise
   * @param autoAveraged true for a deep ensemble {@code auto} built (no stack registered, more
   *                    than {@code auto_stack_rows} training rows, the network trained on the
   *                    driver); null otherwise
   */
  public record Ensemble(String description, List<Baseline> rows, Double autoGbtLead,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double autoLogisticRegressionLead,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long autoSmallSplit,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean autoAveraged) {
    public static final String ENSEMBLE = "ensemble";
    public static final String MAIN_NETWORK = "network (early-stopped, main)";
    public static final String MEMBERS_MEAN = "members' mean";
    private static final String MEMBER_PREFIX = "ensemble_member_";
    private static final String SUFFIX = "_validation_roc_auc";

    public Ensemble {
      rows = List.copyOf(rows);
    }

    /** The rows a model's validation metrics hold, or null when it is not an ensemble. */
    public static Ensemble fromValidationMetrics(String description, List<String> memberNames,
        Map<String, Double> metrics) {
      Double ensemble = metrics.get("ensemble" + SUFFIX);
      if (ensemble == null) {
        return null;
      }
      List<Baseline> rows = new java.util.ArrayList<>();
      rows.add(new Baseline(ENSEMBLE, ensemble));
      Double network = metrics.get("network" + SUFFIX);
      if (network != null) {
        rows.add(new Baseline(MAIN_NETWORK, network));
      }
      for (String member : memberNames) {
        Double auc = metrics.get(MEMBER_PREFIX + member + SUFFIX);
        if (auc != null) {
          rows.add(new Baseline("member " + member, auc));
        }
      }
      Double mean = metrics.get("ensemble_members_mean" + SUFFIX);
      if (mean != null) {
        rows.add(new Baseline(MEMBERS_MEAN, mean));
      }
      Double smallSplit = metrics.get(Ensembles.AUTO_SMALL_SPLIT);
      boolean averaged = Double.valueOf(1.0).equals(metrics.get(Ensembles.AUTO_AVERAGED));
      return new Ensemble(description, rows, metrics.get(Ensembles.AUTO_GBT_LEAD),
          metrics.get(Ensembles.AUTO_LINEAR_LEAD),
          smallSplit == null ? null : Long.valueOf(smallSplit.longValue()),
          averaged ? Boolean.TRUE : null);
    }
  }

  /** One input's permutation importance: how much validation ROC AUC it is worth to the network. */
  public record Importance(String input, double validationRocAucDrop) {
    /** The model's {@code importance:<input>} validation metrics, largest drop first. */
    public static List<Importance> fromValidationMetrics(Map<String, Double> metrics,
        String prefix) {
      return metrics.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
          .map(e -> new Importance(e.getKey().substring(prefix.length()), e.getValue()))
          .sorted(java.util.Comparator.comparingDouble(Importance::validationRocAucDrop).reversed()
              .thenComparing(Importance::input))
          .toList();
    }
  }

  /**
   * A categorical input whose rarer training values share one slot or embedding row: cut by a cap
   * ({@code max_categories}, an embedding's or a bag of words' {@code max_values}, target
   * encoding's limit) or by
   * {@code min_category_count}. The network cannot tell those values apart, whatever it learns.
   *
   * @param distinctValues training values of the input
   * @param keptValues     values with their own slot or row
   * @param foldedRows     training rows whose value shares the rest's
   */
  public record FoldedInput(String input, String encoding, long distinctValues, int keptValues,
      long foldedRows) {
    /** The model's categorical inputs that fold values, in the feature model's order. */
    public static List<FoldedInput> of(FeatureModel model) {
      return model.categorical().stream()
          .filter(f -> f.foldedValues() > 0)
          .map(f -> new FoldedInput(f.name(), f.encoding(), f.distinctValues(),
              f.vocabulary().size(), f.foldedRows() == null ? 0 : f.foldedRows()))
          .toList();
    }
  }

  /**
   * One row of the baseline comparison: a model of the train run, its validation ROC AUC and, where
   * evaluate scored it, its ROC AUC on the report's split.
   *
   * @param splitRocAuc ROC AUC on the judged rows of the report's split (the same rows as
   *                    {@code metrics}): the registered model's, and each ladder rung's saved with
   *                    the model ({@code logistic_regression}, {@code gbt}); null for the other
   *                    rungs, a promoted baseline's own rung, models without saved rungs and in
   *                    ensemble rows. For information only: models are chosen on validation,
   *                    never on test.
   */
  public record Baseline(String model, double validationRocAuc,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double splitRocAuc) {
    /** The row of the network itself. */
    public static final String NETWORK = "network";
    /** The row of the registered model when it is an ensemble. */
    public static final String ENSEMBLE = "ensemble";
    private static final String PREFIX = "baseline_";
    private static final String SUFFIX = "_validation_roc_auc";

    /** A row with its validation ROC AUC alone. */
    public Baseline(String model, double validationRocAuc) {
      this(model, validationRocAuc, null);
    }

    /**
     * The rows a model's validation metrics hold: the network's {@code validation_roc_auc}, then
     * each {@code baseline_<model>_validation_roc_auc} in the ladder's order; empty without a
     * ladder.
     */
    public static List<Baseline> fromValidationMetrics(Map<String, Double> metrics,
        List<String> ladderOrder) {
      return fromValidationMetrics(metrics, ladderOrder, NETWORK);
    }

    /**
     * As {@link #fromValidationMetrics(Map, List)}, the first row named {@code registered}: the
     * registered model's {@code validation_roc_auc} ({@value #ENSEMBLE} for an ensemble).
     */
    public static List<Baseline> fromValidationMetrics(Map<String, Double> metrics,
        List<String> ladderOrder, String registered) {
      List<Baseline> rows = new java.util.ArrayList<>();
      for (String model : ladderOrder) {
        Double auc = metrics.get(PREFIX + model + SUFFIX);
        if (auc != null) {
          rows.add(new Baseline(model, auc));
        }
      }
      Double network = metrics.get("validation_roc_auc");
      if (rows.isEmpty() || network == null) {
        return List.of();
      }
      rows.add(0, new Baseline(registered, network));
      return rows;
    }

    /**
     * {@code rows} (registered model first, as {@link #fromValidationMetrics} makes them) with
     * their ROC AUC on the split: {@code registered} for the first row, {@code rungs}' by model
     * name for the others; rows without a figure keep none.
     */
    public static List<Baseline> withSplitRocAuc(List<Baseline> rows, double registered,
        Map<String, Double> rungs) {
      if (rows.isEmpty() || rungs.isEmpty()) {
        return rows;
      }
      List<Baseline> judged = new java.util.ArrayList<>();
      judged.add(new Baseline(rows.get(0).model(), rows.get(0).validationRocAuc(), registered));
      rows.stream().skip(1).map(row -> new Baseline(row.model(), row.validationRocAuc(),
          rungs.get(row.model()))).forEach(judged::add);
      return judged;
    }
  }

  /**
   * How the model's network trained: every epoch's training and validation figures, the epoch whose
   * weights ship, and each layer's statistics after that epoch.
   */
  public record TrainingHistory(int bestEpoch, List<EpochMetrics> epochs,
      List<LayerStatistics.Layer> bestEpochLayers) {
    public TrainingHistory {
      epochs = List.copyOf(epochs);
      bestEpochLayers = bestEpochLayers == null ? List.of() : List.copyOf(bestEpochLayers);
    }

    /** The history a model's metadata holds; null for a model without epochs. */
    public static TrainingHistory of(ModelMetadata model) {
      if (model.epochs().isEmpty()) {
        return null;
      }
      return new TrainingHistory(model.bestEpoch(), model.epochs(), model.layerStatistics()
          .stream().filter(layer -> layer.epoch() == model.bestEpoch()).toList());
    }
  }

  /** The chosen threshold: the one the confusion matrix and the verdict are given at. */
  public double threshold() {
    return metrics.primary().threshold();
  }

  /**
   * The champion and the challenger judged on the same rows (those neither model was trained on).
   *
   * @param metric     the compared metric ({@code evaluation.blessing.metric})
   * @param rows       rows both were scored on
   * @param challenger the challenger's metrics on those rows, by name
   * @param champion   the champion's metrics on those rows, by name
   * @param challengerSlices the compared metric per judged slice, by slice name
   * @param championSlices   the same for the champion
   */
  public record ChampionComparison(String modelVersion, String metric, long rows,
      Map<String, Double> challenger, Map<String, Double> champion,
      Map<String, Double> challengerSlices, Map<String, Double> championSlices) {
    public ChampionComparison {
      Objects.requireNonNull(modelVersion, "model_version");
      challenger = new TreeMap<>(challenger);
      champion = new TreeMap<>(champion);
      challengerSlices = new TreeMap<>(challengerSlices);
      championSlices = new TreeMap<>(championSlices);
    }
  }
}
