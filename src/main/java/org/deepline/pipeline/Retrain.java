package org.deepline.pipeline;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.functions;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse;
import org.deepline.evaluation.EvaluateJob;
import org.deepline.features.FeatureJob;
import org.deepline.leakage.LeakageJob;
import org.deepline.monitoring.DriftJob;
import org.deepline.sampling.SplitJob;
import org.deepline.scoring.ScoreJob;
import org.deepline.scoring.ScoringConfig;
import org.deepline.training.TrainJob;
import org.deepline.tracking.ModelRegistry;
import org.deepline.tracking.RunRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code retrain}: the champion/challenger loop in one command. Trains a challenger on the run
 * date's silver rows ({@code split}, {@code features}, {@code leakage}, {@code train}), scores and
 * evaluates it against the champion on the date's test rows ({@code score}, {@code evaluate} with
 * the challenger pinned), and gives it the alias {@code champion} when {@code evaluate} blesses it
 * ({@code evaluation.blessing}); otherwise the champion stays, scores and evaluates the date
 * again (its predictions and evaluation were the challenger's while it was judged) and a WARN gives
 * the reasons. With
 * {@code --if-drifted} it does all that only when {@code monitor} found a drifted column or
 * drifted probabilities on the date, and otherwise records that it had no cause.
 *
 * <pre>{@code
 * deepline nightly --conf conf/churn.json --run-date 2026-12-02             # ingest ... monitor
 * deepline retrain --conf conf/churn.json --run-date 2026-12-02 --if-drifted
 * }</pre>
 *
 * <p>Why a command and not a nightly stage: training is the costly, judged step, and a scheduler
 * decides how often it may run; each stage is a child run as in {@code pipeline}, so a failure
 * names its stage and leaves the champion as it was.
 */
public final class Retrain implements Stage {
  /** The stages that make the challenger, in order. */
  static final List<Supplier<Stage>> TRAINING = List.of(SplitJob::new, FeatureJob::new,
      LeakageJob::new, TrainJob::new);
  /** The stages that judge it against the champion, with the challenger pinned. */
  static final List<Supplier<Stage>> JUDGING = List.of(ScoreJob::new, EvaluateJob::new);
  private static final Logger LOG = LoggerFactory.getLogger(Retrain.class);

  private final RunRecorder recorder;
  private final boolean onlyWhenDrifted;

  /**
   * @param recorder        records each stage as a child run
   * @param onlyWhenDrifted {@code --if-drifted}: retrain only when the date's drift rows hold a
   *                        drifted verdict
   */
  public Retrain(RunRecorder recorder, boolean onlyWhenDrifted) {
    this.recorder = recorder;
    this.onlyWhenDrifted = onlyWhenDrifted;
  }

  @Override
  public Name name() {
    return new Name("retrain", "Train a challenger on the run date (split, features, leakage, "
        + "train), score and evaluate it against the champion, and make it the champion when "
        + "evaluate blesses it; with --if-drifted only when monitor found drift on the date.");
  }

  @Override
  public List<Warehouse.Table> replacedTables() {
    return whole().replacedTables();
  }

  /** Each stage plans for its own input, as in {@link Pipeline}. */
  @Override
  public long inputBytes(RunContext context) {
    return whole().inputBytes(context);
  }

  @Override
  public int inputColumns(RunContext context) {
    return whole().inputColumns(context);
  }

  /** Every stage retrain may run, as one pipeline: what it replaces and how it plans. */
  private Pipeline whole() {
    return Pipeline.of(recorder, name().command(),
        java.util.stream.Stream.concat(TRAINING.stream(), JUDGING.stream()).toList());
  }

  @Override
  public StageResult run(RunContext context) {
    StageResult.Builder all = StageResult.builder();
    ModelRegistry registry = new ModelRegistry(context.spark(), context.warehouse());
    Optional<ModelRegistry.ModelEntry> champion = registry.alias(context.dataset(),
        ModelRegistry.CHAMPION);
    if (onlyWhenDrifted) {
      long drifted = driftedColumns(context);
      all.metric("columns_drifted", drifted);
      if (drifted == 0) {
        LOG.info("retrain --if-drifted: monitor found no drifted column on {}: nothing trained; "
            + "{}", context.runDate(), champion.map(held -> "the champion " + held.modelVersion()
                + " stays").orElse("no model holds the alias champion yet"));
        return all.metric("retrained", 0).metric("promoted", 0).build();
      }
    }
    StageResult trained = runStages(context, TRAINING, all);
    String challenger = trained.artifacts().get("train.model_version");
    StageResult judged;
    try {
      judged = runStages(pin(context, challenger), JUDGING, all);
    } catch (DeeplineException refused) {
      // evaluation.blessing.gate (or min_roc_auc) refused the challenger: the champion's
      // predictions go back first, then the run fails as the gate asks.
      if (refused.failure() == DeeplineException.Failure.MODEL_GATE) {
        champion.ifPresent(held -> rescore(context, held, all));
      }
      throw refused;
    }
    boolean blessed = judged.metric("evaluate.blessed") == 1;
    all.metric("retrained", 1).metric("promoted", blessed ? 1 : 0)
        .artifact("challenger", challenger);
    champion.ifPresent(held -> all.artifact("previous_champion", held.modelVersion()));
    String verdict = judged.artifacts().get("evaluate.blessing");
    if (blessed) {
      registry.promote(context.dataset(), challenger);
      LOG.info("retrain: {} is the champion of {} ({}; it was {})", challenger,
          context.dataset(), verdict,
          champion.map(ModelRegistry.ModelEntry::modelVersion).orElse("held by none"));
    } else {
      LOG.warn(String.format(Locale.ROOT, "retrain: challenger %s not blessed (%s): %s", challenger,
          verdict, champion.map(held -> "the champion " + held.modelVersion() + " stays and "
              + "scores the date again").orElse("no model holds the alias champion")));
      // The date's predictions were the challenger's, scored to judge it; whoever reads them
      // should get the model in production's.
      champion.ifPresent(held -> rescore(context, held, all));
    }
    return all.build();
  }

  /**
   * Runs {@code stages} as child runs ({@link Pipeline}); their metrics and artifacts go into
   * {@code all} as the pipeline names them ({@code stage.metric}) and are returned.
   */
  private StageResult runStages(RunContext context, List<Supplier<Stage>> stages,
      StageResult.Builder all) {
    StageResult ran = Pipeline.of(recorder, name().command(), stages).run(context);
    ran.inputs().forEach(all::input);
    ran.outputs().forEach(all::output);
    all.metrics(ran.metrics());
    ran.artifacts().forEach(all::artifact);
    return ran;
  }

  /**
   * Scores and evaluates the date with the champion again: its predictions, its {@code evaluations}
   * row and its report were the challenger's, and whoever reads them should get the model in
   * production's (the challenger's figures stay in its own child runs and in this run's
   * {@code evaluate.*}). A gate the champion's
   * evaluation does not pass is a WARN here: the run already fails or reports the refusal, and the
   * champion's rows and report are written before the gate is checked.
   */
  private void rescore(RunContext context, ModelRegistry.ModelEntry champion,
      StageResult.Builder all) {
    RunContext pinned = pin(context, champion.modelVersion());
    runStages(pinned, List.of(ScoreJob::new), all);
    try {
      // Not merged into the run's record: its evaluate.* figures stay the challenger's verdict.
      Pipeline.of(recorder, name().command(), List.of(EvaluateJob::new)).run(pinned);
    } catch (DeeplineException gated) {
      if (gated.failure() != DeeplineException.Failure.MODEL_GATE) {
        throw gated;
      }
      LOG.warn("retrain: the champion {}'s evaluation of {} is written; its gate: {}",
          champion.modelVersion(), context.runDate(), gated.getMessage());
    }
  }

  /** The run's context with {@code scoring.model_version} set to {@code modelVersion}. */
  private static RunContext pin(RunContext context, String modelVersion) {
    return context.withSection(context.section(ScoringConfig.class).withModelVersion(modelVersion));
  }

  /** The date's drifted columns as monitor wrote them; fails when monitor has not run for it. */
  private static long driftedColumns(RunContext context) {
    String drift = context.table(Warehouse.Table.DRIFT);
    if (!DeltaTables.exists(context.spark(), drift)) {
      throw new DeeplineException("retrain --if-drifted: no drift table at " + drift + " (run "
          + "monitor --run-date " + context.runDate() + " first; nightly runs it)");
    }
    return DeltaTables.nonEmptySlice(context.spark(), DeltaTables.ref(context.spark(), drift),
            context.runDate(), Warehouse.Table.DRIFT.writtenBy())
        .where(functions.col(DriftJob.VERDICT).equalTo(DriftJob.DRIFTED)).count();
  }
}
