package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureTransform;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import scala.collection.mutable.WrappedArray;

/**
 * Resampling and augmentation of a tiny features table: 20 negative and 6 positive training rows,
 * 4 validation and 4 test rows, in the {@link SmoteTest#LAYOUT} (two continuous slots, a one-hot
 * group, an indicator, a cyclical pair).
 */
class RebalancerTest {
  private static final StructType SCHEMA = new StructType()
      .add(RecordIds.RECORD_ID, DataTypes.StringType, false)
      .add(StratifiedSplitter.SPLIT, DataTypes.StringType, false)
      .add(LabelConfig.LABEL, DataTypes.DoubleType, false)
      .add(FeatureTransform.FEATURES, new ArrayType(DataTypes.DoubleType, false), false);
  private static final long SEED = 7;
  private static final Map<String, double[]> VECTORS = new HashMap<>();
  private static final Map<String, Double> LABELS = new HashMap<>();
  private static final Dataset<Row> FEATURES = features();

  private static Dataset<Row> features() {
    Random random = new Random(3);
    List<Row> rows = new ArrayList<>();
    String[] splits = new String[34];
    java.util.Arrays.fill(splits, StratifiedSplitter.TRAIN);
    for (int i = 26; i < 34; i++) {
      splits[i] = i < 30 ? StratifiedSplitter.VALIDATION : StratifiedSplitter.TEST;
    }
    for (int i = 0; i < 34; i++) {
      String id = "row-" + i;
      double label = i < 20 || (i >= 26 && i % 2 == 0) ? 0.0 : 1.0;
      double[] vector = SmoteTest.randomRow(random);
      VECTORS.put(id, vector);
      LABELS.put(id, label);
      rows.add(RowFactory.create(id, splits[i], label, WrappedArray.make(vector)));
    }
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  private static Rebalancer.Outcome run(Dataset<Row> features, String method, double ratio,
      Integer exactMaxRows, AugmentConfig augment) {
    return Rebalancer.apply(features, new ResampleConfig(method, ratio, 3, exactMaxRows, null, null,
        null), augment, SmoteTest.LAYOUT, SEED);
  }

  private static Map<String, Row> byId(Rebalancer.Outcome outcome) {
    Map<String, Row> rows = new HashMap<>();
    for (Row row : outcome.rows().collectAsList()) {
      assertTrue(rows.put(row.getString(0), row) == null, "duplicate id " + row.getString(0));
    }
    outcome.release();
    return rows;
  }

  private static long count(Map<String, Row> rows, double label) {
    return rows.values().stream().filter(r -> r.getDouble(1) == label).count();
  }

  private static String parent(String id) {
    int hash = id.indexOf('#');
    return hash < 0 ? id : id.substring(0, hash);
  }

  /** Only training rows come out: validation and test rows are neither changed nor added. */
  private static void onlyTrainingRows(Map<String, Row> rows) {
    for (Map.Entry<String, Row> entry : rows.entrySet()) {
      int index = Integer.parseInt(parent(entry.getKey()).substring("row-".length()));
      assertTrue(index < 26, entry.getKey() + " is not a training row");
      String origin = entry.getValue().getString(3);
      if (origin.equals(Rebalancer.REAL) || origin.equals(Rebalancer.OVERSAMPLED)) {
        assertTrue(java.util.Arrays.equals(VECTORS.get(parent(entry.getKey())),
            Rebalancer.vector(entry.getValue(), 2)), entry.getKey() + " changed");
      }
    }
  }

  @Test
  void undersamplingAndOversamplingReachTheRatioExactlyWhateverThePartitioning() {
    Map<String, Row> under = byId(run(FEATURES, ResampleConfig.UNDERSAMPLE, 0.5, null,
        AugmentConfig.defaults()));
    // round(6 / 0.5) = 12 of the 20 negatives, all 6 positives.
    assertEquals(12, count(under, 0.0));
    assertEquals(6, count(under, 1.0));
    onlyTrainingRows(under);
    assertEquals(under.keySet(), byId(run(FEATURES.repartition(5), ResampleConfig.UNDERSAMPLE, 0.5,
        null, AugmentConfig.defaults())).keySet());
    assertFalse(under.keySet().equals(byId(Rebalancer.apply(FEATURES, new ResampleConfig(
        ResampleConfig.UNDERSAMPLE, 0.5, null, null, null, null, null), AugmentConfig.defaults(),
        SmoteTest.LAYOUT, SEED + 1)).keySet()), "another seed keeps other rows");

    Map<String, Row> over = byId(run(FEATURES, ResampleConfig.OVERSAMPLE, 0.8, null,
        AugmentConfig.defaults()));
    // round(0.8 * 20) = 16 positives: 10 copies, one per positive and 4 more.
    assertEquals(20, count(over, 0.0));
    assertEquals(16, count(over, 1.0));
    assertEquals(10, over.values().stream()
        .filter(r -> r.getString(3).equals(Rebalancer.OVERSAMPLED)).count());
    onlyTrainingRows(over);
    assertEquals(over.keySet(), byId(run(FEATURES.repartition(3), ResampleConfig.OVERSAMPLE, 0.8,
        null, AugmentConfig.defaults())).keySet());
  }

  /**
   * Every SMOTE row lies on the segment between its parent and one of the parent's k = 3 nearest
   * minority neighbours (computed here by brute force over the training positives), and its one-hot
   * groups are valid; the ratio is reached exactly.
   */
  @Test
  void smoteRowsLieBetweenAMinorityRowAndOneOfItsNearestNeighbours() {
    Rebalancer.Outcome outcome = run(FEATURES, ResampleConfig.SMOTE, 1.0, null,
        AugmentConfig.defaults());
    assertEquals(1.0, outcome.metrics().get("balance.smote_exact"));
    Map<String, Row> rows = byId(outcome);
    assertEquals(20, count(rows, 0.0));
    assertEquals(20, count(rows, 1.0));
    onlyTrainingRows(rows);
    List<String> minority = new ArrayList<>();
    for (int i = 20; i < 26; i++) {
      minority.add("row-" + i);
    }
    double[][] minorityRows = minority.stream().map(VECTORS::get).toArray(double[][]::new);
    double[] scale = Smote.distanceScale(SmoteTest.LAYOUT, SmoteTest.stddev(minorityRows));
    int synthetic = 0;
    for (Row row : rows.values()) {
      if (!row.getString(3).equals(Rebalancer.SMOTE)) {
        continue;
      }
      synthetic++;
      double[] point = Rebalancer.vector(row, 2);
      int parent = minority.indexOf(parent(row.getString(0)));
      assertTrue(parent >= 0, row.getString(0));
      assertEquals(1.0, row.getDouble(1));
      assertTrue(SmoteTest.LAYOUT.validGroups(point));
      boolean between = false;
      for (int neighbour : nearest(parent, minorityRows, scale, 3)) {
        between |= SmoteTest.onSegment(point, minorityRows[parent], minorityRows[neighbour],
            SmoteTest.LAYOUT);
      }
      assertTrue(between, row.getString(0) + " is not between its parent and a near neighbour");
    }
    assertEquals(14, synthetic);
  }

  /**
   * The forest search (forced with exact_max_rows 0; 4 trees of leaves of about 4 of the 6 minority
   * rows) reaches the same ratio, reports its recall and cost, and makes the same children, bit for
   * bit, however the rows are partitioned.
   */
  @Test
  void smoteWithTheForestReachesTheRatioAndIsTheSameOnAnyPartitioning() {
    ResampleConfig config = new ResampleConfig(ResampleConfig.SMOTE, 0.5, 3, 0, 4, 4, null);
    Rebalancer.Outcome outcome = Rebalancer.apply(FEATURES, config, AugmentConfig.defaults(),
        SmoteTest.LAYOUT, SEED);
    Map<String, Double> metrics = outcome.metrics();
    Map<String, Row> rows = byId(outcome);
    assertEquals(0.0, metrics.get("balance.smote_exact"));
    double recall = metrics.get("balance.smote_neighbour_recall");
    assertTrue(recall >= 0 && recall <= 1, "recall " + recall);
    assertEquals(6.0, metrics.get("balance.smote_recall_sample_rows"));
    assertEquals(6.0, metrics.get("balance.smote_forest_sample_rows"));
    // Each row meets at most 2 x 4 - 1 others in each of the 4 trees (here at most 5: 6 rows).
    double candidates = metrics.get("balance.smote_candidates_per_row");
    assertTrue(candidates >= 3 && candidates <= 4 * 5, "candidates per row " + candidates);
    assertEquals(20, count(rows, 0.0));
    assertEquals(10, count(rows, 1.0));
    onlyTrainingRows(rows);
    Map<String, double[]> children = new HashMap<>();
    for (Row row : rows.values()) {
      if (row.getString(3).equals(Rebalancer.SMOTE)) {
        double[] point = Rebalancer.vector(row, 2);
        double[] parent = VECTORS.get(parent(row.getString(0)));
        boolean between = false;
        for (int i = 20; i < 26; i++) {
          between |= !VECTORS.get("row-" + i).equals(parent)
              && SmoteTest.onSegment(point, parent, VECTORS.get("row-" + i), SmoteTest.LAYOUT);
        }
        assertTrue(between, row.getString(0));
        assertTrue(SmoteTest.LAYOUT.validGroups(point));
        children.put(row.getString(0), point);
      }
    }
    assertEquals(4, children.size());
    Map<String, Row> again = byId(Rebalancer.apply(FEATURES.repartition(5), config,
        AugmentConfig.defaults(), SmoteTest.LAYOUT, SEED));
    for (Map.Entry<String, double[]> child : children.entrySet()) {
      assertTrue(java.util.Arrays.equals(child.getValue(),
          Rebalancer.vector(again.get(child.getKey()), 2)), child.getKey());
    }
    assertEquals(rows.keySet(), again.keySet());
  }

  @Test
  void noiseAndMixupKeepLabelsAndMarkTheirRows() {
    Map<String, Row> rows = byId(run(FEATURES, ResampleConfig.NONE, 1.0, null,
        new AugmentConfig(1.0, 0.5, 1.0, 0.4)));
    // Fraction 1: every one of the 26 training rows gets a noisy copy and a mixup row.
    assertEquals(26 * 3, rows.size());
    onlyTrainingRows(rows);
    for (Row row : rows.values()) {
      String parent = parent(row.getString(0));
      assertEquals(LABELS.get(parent), row.getDouble(1), row.getString(0));
      double[] point = Rebalancer.vector(row, 2);
      double[] original = VECTORS.get(parent);
      assertTrue(SmoteTest.LAYOUT.validGroups(point));
      switch (row.getString(3)) {
        case Rebalancer.REAL -> assertTrue(java.util.Arrays.equals(original, point));
        case Rebalancer.NOISE -> {
          assertTrue(row.getString(0).endsWith("#noise-1"));
          assertTrue(point[0] != original[0] && point[1] != original[1]);
          for (int slot = 2; slot < 8; slot++) {
            assertEquals(original[slot], point[slot]);
          }
        }
        case Rebalancer.MIXUP -> {
          boolean between = false;
          for (int i = 0; i < 26; i++) {
            String other = "row-" + i;
            between |= !other.equals(parent) && LABELS.get(other).equals(LABELS.get(parent))
                && SmoteTest.onSegment(point, original, VECTORS.get(other), SmoteTest.LAYOUT);
          }
          assertTrue(between, row.getString(0) + " is no mix with a row of its class");
        }
        default -> throw new AssertionError("origin " + row.getString(3));
      }
    }
  }

  /** Brute force: the k rows nearest to {@code query} (itself excluded), ties all included. */
  private static Set<Integer> nearest(int query, double[][] rows, double[] scale, int k) {
    List<double[]> distances = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      if (i != query) {
        distances.add(new double[] {Smote.squaredDistance(rows[query], rows[i], scale), i});
      }
    }
    distances.sort((a, b) -> Double.compare(a[0], b[0]));
    double kth = distances.get(k - 1)[0];
    Set<Integer> out = new HashSet<>();
    for (double[] d : distances) {
      if (d[0] <= kth) {
        out.add((int) d[1]);
      }
    }
    return out;
  }
}
