package org.deepline.bench;

import java.util.Locale;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deepline.metrics.BinaryMetrics;
import scala.Tuple2;

/**
 * Times {@code BinaryMetrics.summarize} (what {@code evaluate} computes) on cached synthetic
 * predictions against two references measured in the same run on the same rows: one aggregation
 * pass over them (the floor: every metric must read every row once), and MLlib's
 * {@code BinaryClassificationMetrics} with exact thresholds (its ROC and PR AUC: the same distributed
 * sort of distinct scores). Wall and CPU seconds of the JVM, as {@link IngestBench}.
 *
 * <pre>
 * bench/run EvaluationBench --rows 3000000 --runs 2
 * </pre>
 *
 * Options: {@code --rows N} (default 3,000,000), {@code --runs N} (default 2), {@code --replicates N}
 * (bootstrap replicates of the second deepline contender, default 200).
 */
public final class EvaluationBench {
  private static final long DEFAULT_ROWS = 3_000_000;
  private static final int DEFAULT_RUNS = 2;
  private static final int DEFAULT_REPLICATES = 200;
  private static final long SCORE_SEED = 7;
  private static final long LABEL_SEED = 11;
  /** The logits' spread: a ROC AUC of about 0.8, like the real data sets. */
  private static final double LOGIT_SCALE = 1.5;
  private static final int CALIBRATION_BINS = 10;

  private EvaluationBench() {}

  public static void main(String[] args) {
    long rows = DEFAULT_ROWS;
    int runs = DEFAULT_RUNS;
    int replicates = DEFAULT_REPLICATES;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--replicates" -> replicates = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SparkSession spark = SparkSession.builder()
        .appName("deepline-bench")
        .master("local[*]")
        .config("spark.ui.enabled", false)
        .config("spark.sql.shuffle.partitions", 8)
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    // Float probabilities, as the network gives them: about as many distinct values as rows.
    Column probability = functions.lit(1.0).divide(functions.lit(1.0).plus(functions.exp(
        functions.randn(SCORE_SEED).multiply(-LOGIT_SCALE)))).cast("float").cast("double");
    Dataset<Row> predictions = spark.range(rows)
        .select(functions.concat(functions.lit("r"), functions.col("id")).as("_record_id"),
            probability.as("probability"))
        .withColumn("label", functions.when(functions.rand(LABEL_SEED)
            .lt(functions.col("probability")), 1.0).otherwise(0.0))
        .persist(StorageLevel.MEMORY_ONLY());
    System.out.printf(Locale.ROOT, "%,d cached rows, %d cores, %d runs%n", predictions.count(),
        Runtime.getRuntime().availableProcessors(), runs);
    try {
      for (int run = 1; run <= runs; run++) {
        BenchTimer timer = new BenchTimer();
        Row scan = predictions.agg(functions.sum("probability"), functions.sum("label")).head();
        double[] floor = timer.seconds();

        timer = new BenchTimer();
        BinaryClassificationMetrics mllib = new BinaryClassificationMetrics(predictions
            .select("probability", "label").javaRDD()
            .map(r -> new Tuple2<Object, Object>(r.getDouble(0), r.getDouble(1))).rdd());
        double mllibAuc = mllib.areaUnderROC();
        double mllibPr = mllib.areaUnderPR();
        mllib.unpersist();
        double[] reference = timer.seconds();

        timer = new BenchTimer();
        BinaryMetrics.Summary exact = BinaryMetrics.summarize(predictions, "probability", "label",
            BinaryMetrics.options().threshold("chosen", 0.5)
                .calibration(CALIBRATION_BINS, BinaryMetrics.Binning.EQUAL_WIDTH));
        double[] deepline = timer.seconds();

        timer = new BenchTimer();
        BinaryMetrics.Summary withIntervals = BinaryMetrics.summarize(predictions, "probability",
            "label", BinaryMetrics.options().threshold("chosen", 0.5)
                .calibration(CALIBRATION_BINS, BinaryMetrics.Binning.EQUAL_WIDTH)
                .bootstrap(replicates, 0.95, 1, "_record_id"));
        double[] bootstrap = timer.seconds();

        System.out.printf(Locale.ROOT, "run %d: scan %.1f s wall / %.1f s cpu (mean p %.4f); "
                + "MLlib ROC+PR AUC %.1f / %.1f (AUC %.6f, PR %.4f); deepline summary %.1f / %.1f "
                + "(AUC %.6f, AP %.4f, ECE %.4f); with %d bootstrap replicates %.1f / %.1f "
                + "(AUC CI %.4f..%.4f)%n",
            run, floor[0], floor[1], scan.getDouble(0) / rows, reference[0], reference[1],
            mllibAuc, mllibPr, deepline[0], deepline[1], exact.rocAuc(), exact.prAuc(),
            exact.expectedCalibrationError(), replicates, bootstrap[0], bootstrap[1],
            withIntervals.intervals().metrics().get("roc_auc").lower(),
            withIntervals.intervals().metrics().get("roc_auc").upper());
        System.out.printf(Locale.ROOT, "run %d ratios (cpu): summary / scan %.1f x, summary / MLlib "
                + "%.2f x, bootstrap summary / summary %.1f x; (wall): summary / MLlib %.2f x%n",
            run, deepline[1] / floor[1], deepline[1] / reference[1], bootstrap[1] / deepline[1],
            deepline[0] / reference[0]);
      }
    } finally {
      predictions.unpersist();
      spark.stop();
    }
  }
}
