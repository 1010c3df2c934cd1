package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureTransform;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nd4j.linalg.dataset.DataSet;

/** The cached training rows and the minibatches each averaging round cuts from them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingDataTest {
  private static final int ROWS = 2000;
  private static final int POSITIVES = 600;
  private static final int WIDTH = 3;
  private static final int WORKERS = 2;
  private static final int BATCH = 50;
  private static final int ROWS_PER_WORKER = 200;
  private TrainingData data;

  /** Rows written class by class, as a stratified split used to leave them: all negatives first. */
  @BeforeAll
  void cacheClassSortedRows() {
    Dataset<Row> frame = SparkTestSession.get().createDataFrame(rowsOf(), schemaOf()).coalesce(1);
    data = TrainingData.cache(frame, WORKERS, 42L, "train", WIDTH);
  }

  @AfterAll
  void release() {
    data.release();
  }

  @Test
  void countsRowsAndClassesOverExactlyTheWorkersPartitions() {
    assertEquals(ROWS, data.rows());
    assertEquals(POSITIVES, data.positives());
    assertEquals(WORKERS, data.partitions());
    assertTrue(data.largestPartitionRows() < ROWS * 0.6, "hash assignment balances partitions");
  }

  @Test
  void everyMinibatchOfClassSortedInputLooksLikeTheWholeSplit() {
    // 30 % positive overall; a 50-row minibatch of a fair shuffle has sd about 6.5 points.
    for (DataSet batch : data.round(1, 0, ROWS_PER_WORKER, BATCH).collect()) {
      double share = batch.getLabels().getColumn(1).meanNumber().doubleValue();
      assertTrue(share > 0.05 && share < 0.6, "positive share of a minibatch " + share);
      // The label column the row carries agrees with the one-hot label: rows stay whole.
      assertEquals(batch.getFeatures().getColumn(2).sumNumber().doubleValue(),
          batch.getLabels().getColumn(1).sumNumber().doubleValue(), 1e-9);
    }
  }

  @Test
  void anEpochsRoundsVisitEveryRowOnceAndTheNextEpochInAnotherOrder() {
    int rounds = data.roundsPerEpoch(ROWS_PER_WORKER);
    Set<Integer> seen = new HashSet<>();
    List<Integer> epochOne = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (DataSet batch : data.round(1, round, ROWS_PER_WORKER, BATCH).collect()) {
        assertTrue(batch.numExamples() <= BATCH);
        for (int i = 0; i < batch.numExamples(); i++) {
          int row = batch.getFeatures().getInt(i, 0);
          assertTrue(seen.add(row), "row " + row + " twice in one epoch");
          epochOne.add(row);
        }
      }
    }
    assertEquals(ROWS, seen.size());
    List<Integer> epochTwoStart = new ArrayList<>();
    for (DataSet batch : data.round(2, 0, ROWS_PER_WORKER, BATCH).collect()) {
      for (int i = 0; i < batch.numExamples(); i++) {
        epochTwoStart.add(batch.getFeatures().getInt(i, 0));
      }
    }
    assertTrue(!epochTwoStart.equals(epochOne.subList(0, epochTwoStart.size())),
        "a new epoch reshuffles");
  }

  @Test
  void theSameSeedCachesTheSameOrderWhateverTheInputPartitioning() {
    Dataset<Row> spread =
        SparkTestSession.get().createDataFrame(rowsOf(), schemaOf()).repartition(5);
    TrainingData again = TrainingData.cache(spread, WORKERS, 42L, "train", WIDTH);
    try {
      assertEquals(firstRows(data), firstRows(again));
    } finally {
      again.release();
    }
  }

  @Test
  void theStoredSparseVectorsCacheWhatTheDenseArraysCache() {
    // The table as the features stage writes it now: no dense column at all.
    Dataset<Row> sparse = SparkTestSession.get()
        .createDataFrame(sparseRowsOf(i -> true), sparseSchemaOf()).coalesce(1)
        .drop(FeatureTransform.FEATURES);
    // A table written by both layouts: each row in the one that is not null.
    Dataset<Row> mixed = SparkTestSession.get()
        .createDataFrame(sparseRowsOf(i -> i % 3 == 0), sparseSchemaOf()).repartition(3);
    for (Dataset<Row> stored : List.of(sparse, mixed)) {
      TrainingData cached = TrainingData.cache(stored, WORKERS, 42L, "train", WIDTH);
      try {
        assertEquals(ROWS, cached.rows());
        assertEquals(POSITIVES, cached.positives());
        List<DataSet> expected = data.round(1, 0, ROWS_PER_WORKER, BATCH).collect();
        List<DataSet> actual = cached.round(1, 0, ROWS_PER_WORKER, BATCH).collect();
        assertEquals(expected.size(), actual.size());
        for (int b = 0; b < expected.size(); b++) {
          assertEquals(expected.get(b).getFeatures(), actual.get(b).getFeatures());
          assertEquals(expected.get(b).getLabels(), actual.get(b).getLabels());
        }
      } finally {
        cached.release();
      }
    }
  }

  @Test
  void aStoredVectorTheFeaturesStageDoesNotWriteFailsNamingTheSplit() {
    assertEquals("train: feature 1 of a validation row is NaN; the features stage must not emit "
        + "NaN or infinite values", cacheFailure("validation", RowFactory.create(WIDTH,
            new int[] {0, 1}, new double[] {1.0, Double.NaN})));
    assertEquals("train: a train row's stored vector has slot 3 out of order or outside its "
        + "width 3; re-run features", cacheFailure("train", RowFactory.create(WIDTH,
            new int[] {0, WIDTH}, new double[] {1.0, 2.0})));
    // A repeated slot: which of its values counts would depend on the reader.
    assertEquals("train: a train row's stored vector has slot 1 out of order or outside its "
        + "width 3; re-run features", cacheFailure("train", RowFactory.create(WIDTH,
            new int[] {1, 1}, new double[] {1.0, 0.0})));
    assertEquals("train: a train row's stored vector has 2 slots and 1 values for a width of 3; "
        + "re-run features", cacheFailure("train", RowFactory.create(WIDTH, new int[] {0, 1},
            new double[] {1.0})));
    assertEquals("train: a train row has 4 features, the feature model makes 3; re-run features",
        cacheFailure("train", RowFactory.create(WIDTH + 1, new int[] {0}, new double[] {1.0})));
    assertEquals("train: a train row has no feature vector; re-run features",
        cacheFailure("train", null));
  }

  /** The error of caching one row whose stored vector is {@code vector}, in a table without dense. */
  private static String cacheFailure(String split, Row vector) {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(
        List.of(RowFactory.create("bad", vector, null, 0.0)), sparseSchemaOf())
        .drop(FeatureTransform.FEATURES);
    return assertThrows(DeeplineException.class,
        () -> TrainingData.cache(rows, WORKERS, 42L, split, WIDTH)).getMessage();
  }

  private static List<Integer> firstRows(TrainingData cached) {
    List<Integer> rows = new ArrayList<>();
    for (DataSet batch : cached.round(1, 0, ROWS_PER_WORKER, BATCH).collect()) {
      for (int i = 0; i < batch.numExamples(); i++) {
        rows.add(batch.getFeatures().getInt(i, 0));
      }
    }
    return rows;
  }

  /** A features frame's schema: record id, feature array, label. */
  static StructType schemaOf() {
    return new StructType()
        .add(RecordIds.RECORD_ID, DataTypes.StringType)
        .add(FeatureTransform.FEATURES, DataTypes.createArrayType(DataTypes.DoubleType, false))
        .add(LabelConfig.LABEL, DataTypes.DoubleType);
  }

  /** The features table as stored since the sparse layout, with the dense column of older dates. */
  private static StructType sparseSchemaOf() {
    return new StructType()
        .add(RecordIds.RECORD_ID, DataTypes.StringType)
        .add(FeatureTransform.FEATURES_SPARSE, FeatureTransform.SPARSE_TYPE, true)
        .add(FeatureTransform.FEATURES, DataTypes.createArrayType(DataTypes.DoubleType, false))
        .add(LabelConfig.LABEL, DataTypes.DoubleType);
  }

  /** {@link #rowsOf}'s rows, stored sparse where {@code sparse} says so and dense elsewhere. */
  private static List<Row> sparseRowsOf(IntPredicate sparse) {
    List<Row> rows = new ArrayList<>();
    for (Row row : rowsOf()) {
      int number = Integer.parseInt(row.getString(0).substring(1));
      double[] dense = (double[]) row.get(1);
      if (!sparse.test(number)) {
        rows.add(RowFactory.create(row.getString(0), null, dense, row.get(2)));
        continue;
      }
      int[] slots = IntStream.range(0, WIDTH).filter(i -> dense[i] != 0).toArray();
      double[] values = IntStream.of(slots).mapToDouble(i -> dense[i]).toArray();
      rows.add(RowFactory.create(row.getString(0), RowFactory.create(WIDTH, slots, values), null,
          row.get(2)));
    }
    return rows;
  }

  private static List<Row> rowsOf() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      double label = i >= ROWS - POSITIVES ? 1.0 : 0.0;
      // Feature 0 is the row number, so a minibatch row can be traced back to its source row;
      // feature 1 is mostly zero, as one-hot slots are; feature 2 repeats the label.
      rows.add(RowFactory.create("r" + i, new double[] {i, i % 10 == 0 ? 1.0 : 0.0, label}, label));
    }
    return rows;
  }
}
