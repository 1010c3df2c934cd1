package org.deepline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.metrics.BinaryMetrics.Interval;
import org.deepline.metrics.BinaryMetrics.Intervals;
import org.deepline.metrics.BinaryMetrics.Summary;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class PoissonBootstrapTest {
  private static final StructType SCORED = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("score", DataTypes.DoubleType, false)
      .add("label", DataTypes.DoubleType, false);
  private static final int REPLICATES = 100;

  @Test
  void weightsArePoissonWithMeanOne() {
    int draws = 200_000;
    long sum = 0;
    long zeros = 0;
    for (int key = 0; key < draws; key++) {
      int weight = PoissonBootstrap.weight(7, key, key % REPLICATES);
      sum += weight;
      zeros += weight == 0 ? 1 : 0;
    }
    // Poisson(1): mean 1 and P(0) = 1/e = 0.3679; the standard errors here are about 0.002 and 0.001.
    assertEquals(1.0, (double) sum / draws, 0.01);
    assertEquals(Math.exp(-1), (double) zeros / draws, 0.005);
  }

  @Test
  void quantilesInterpolateBetweenRanks() {
    double[] sorted = {1, 2, 3, 4, 5};
    assertEquals(2.0, PoissonBootstrap.quantile(sorted, 0.25));
    assertEquals(4.6, PoissonBootstrap.quantile(sorted, 0.9), 1e-12);
  }

  @Test
  void intervalsBracketTheEstimateAndDoNotDependOnPartitioning() {
    Dataset<Row> rows = leaning(600, 11);

    Summary summary = summarize(rows, 5);
    Intervals again = summarize(rows.repartition(3), 5).intervals();
    Intervals otherSeed = summarize(rows, 6).intervals();

    Interval auc = summary.intervals().metrics().get("roc_auc");
    assertTrue(auc.lower() < summary.rocAuc() && summary.rocAuc() < auc.upper(), auc.toString());
    // 600 rows: the AUC's standard error is about 0.02, so a 90 % interval is a few hundredths wide.
    assertTrue(auc.upper() - auc.lower() > 0.02 && auc.upper() - auc.lower() < 0.15,
        auc.toString());
    Interval f1 = summary.intervals().metrics().get("f1");
    assertTrue(f1.lower() < summary.f1() && summary.f1() < f1.upper(), f1.toString());
    Interval ece = summary.intervals().metrics().get("ece");
    assertTrue(ece.lower() >= 0 && ece.lower() < ece.upper(), ece.toString());
    // Equal up to the order floating-point sums are merged in.
    summary.intervals().metrics().forEach((name, interval) -> {
      assertEquals(interval.lower(), again.metrics().get(name).lower(), 1e-9, name);
      assertEquals(interval.upper(), again.metrics().get(name).upper(), 1e-9, name);
    });
    assertNotEquals(summary.intervals().metrics(), otherSeed.metrics());
    assertEquals(List.of("accuracy", "brier", "ece", "f1", "log_loss", "pr_auc", "precision",
        "recall", "roc_auc"), List.copyOf(summary.intervals().metrics().keySet()));
  }

  private static Summary summarize(Dataset<Row> rows, long seed) {
    return BinaryMetrics.summarize(rows, "score", "label", BinaryMetrics.options()
        .threshold("chosen", 0.5).bootstrap(REPLICATES, 0.9, seed, "id"));
  }

  /** Scores uniform in [0, 1]; each row positive with probability equal to its score. */
  private static Dataset<Row> leaning(int count, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double score = random.nextDouble();
      rows.add(RowFactory.create("row-" + i, score, random.nextDouble() < score ? 1.0 : 0.0));
    }
    return SparkTestSession.get().createDataFrame(rows, SCORED);
  }
}
