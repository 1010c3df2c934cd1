package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.sampling.SplitFingerprint;
import org.deepline.sampling.SplitJob;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

class FeatureJobTest {
  @Test
  void modelIsFittedOnTheTrainingSplitOnlyAndAppliedToEverySplit(@TempDir Path dir) {
    RunContext context = ToyData.context(dir, 400, false);
    new IngestJob().run(context);
    StageResult split = new SplitJob().run(context);

    StageResult result = new FeatureJob().run(context);

    SparkSession spark = SparkTestSession.get();
    Dataset<Row> labelled = FeatureJob.withSplits(
        DeltaTables.read(spark, context.table(Table.SILVER)),
        DeltaTables.read(spark, context.table(Table.SPLITS)));
    double trainMean = labelled.where("_split = 'train'").agg(functions.avg("x")).head().getDouble(0);
    double allMean = labelled.agg(functions.avg("x")).head().getDouble(0);
    FeatureModel model = FeatureModel.fromJson(context.files().readText(
        result.artifacts().get("feature_model")), "artifact");
    assertEquals(trainMean, model.numeric().get(0).mean(), 1e-9);
    assertNotEquals(allMean, model.numeric().get(0).mean());
    assertEquals(labelled.where("_split = 'train'").count(), model.fittedOn().rows());
    assertEquals("train", model.fittedOn().split());
    // The split's run record names the fingerprint the feature model was fitted on.
    assertTrue(split.artifacts().get(SplitJob.FINGERPRINT_ARTIFACT).contains(
        "train=" + SplitFingerprint.format(model.fittedOn().fingerprint())),
        split.artifacts().toString());

    Dataset<Row> features = FeatureTable.withDenseVectors(
        DeltaTables.read(spark, context.table(Table.FEATURES)));
    assertEquals(400, features.count());
    assertEquals(model.width(), features.select(functions.size(functions.col("features")))
        .distinct().head().getInt(0));
    assertEquals(model.width(), (int) result.metric("feature_width"));
    // segment (3 values) and channel (4) fit under the default cap of 100.
    assertEquals(0.0, result.metric("categories_capped_columns"));
    assertEquals(TestRuns.RUN_DATE, model.fittedOn().runDate());
    // Partitioned by date and split: a read of one split opens that split's files only.
    assertEquals(List.of("run_date", "_split"), DeltaTable.forPath(spark,
        context.table(Table.FEATURES)).detail().select("partitionColumns").head().getList(0));
    String[] validationFiles = DeltaTables.read(spark, context.table(Table.FEATURES))
        .where("_split = 'validation'").inputFiles();
    assertTrue(validationFiles.length > 0);
    for (String file : validationFiles) {
      assertTrue(file.contains("/_split=validation/"), file);
    }
  }

  /**
   * Train/serve skew: the features table (Spark, the training path) and the vectorizer that scoring
   * runs on a plain record (with or without Spark) give bit-identical vectors for every row of
   * churn and credit, with every kind of input switched on. Training rows are compared with their
   * fold key (out-of-fold target encoding), the others as scoring sees them; the sparse float path
   * of batch scoring must give the same floats.
   */
  @ParameterizedTest
  @CsvSource({
      "conf/churn.json, payment_method, contract, tenure, monthly_charges, total_charges, "
          + "internet_service, online_backup",
      "conf/credit.json, Job, Home, Seniority, Amount, Price, Marital, Records"})
  void trainingAndScoringPathsGiveBitIdenticalVectors(String conf, String targetColumn,
      String hashedColumn, String binnedColumn, String otherNumeric, String secondNumeric,
      String otherCategorical, String wordsColumn,
      @TempDir Path dir) {
    DeeplineConfig config = TestRuns.config(conf,
        "features.categorical_encodings={\"" + targetColumn + "\": {\"encoding\": \"target\"}, \""
            + hashedColumn + "\": {\"encoding\": \"hashing\", \"buckets\": 16}, \""
            + otherCategorical + "\": {\"encoding\": \"embedding\", \"max_values\": 2}, \""
            + wordsColumn + "\": {\"encoding\": \"words\"}}",
        "features.numeric_transforms." + binnedColumn + "={\"bins\": {\"quantiles\": 5}}",
        "features.crosses=[{\"columns\": [\"" + binnedColumn + "\", \"" + targetColumn + "\", \""
            + otherCategorical + "\"], \"buckets\": 32}]",
        "features.products=[{\"columns\": [\"" + otherNumeric + "\", \"" + secondNumeric + "\"]}]",
        "features.positional=[{\"column\": \"" + otherNumeric + "\", \"dimensions\": 4}]");
    RunContext context = TestRuns.context(config, dir.resolve("warehouse"), "test");
    new IngestJob().run(context);
    new SplitJob().run(context);
    StageResult result = new FeatureJob().run(context);

    SparkSession spark = SparkTestSession.get();
    FeatureModel model = FeatureModel.fromJson(context.files().readText(
        result.artifacts().get("feature_model")), "artifact");
    assertTrue(model.hasOutOfFoldInputs());
    long seed = config.split().seed();
    List<Row> rows = FeatureJob.withSplits(DeltaTables.read(spark, context.table(Table.SILVER)),
            DeltaTables.read(spark, context.table(Table.SPLITS)))
        .withColumn("_fold_key", TargetEncoder.foldKey(seed))
        .join(FeatureTable.withDenseVectors(DeltaTables.read(spark, context.table(Table.FEATURES)))
            .select("_record_id", "features"), "_record_id")
        .collectAsList();
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    int width = model.width();
    int[] slots = new int[width];
    float[] values = new float[width];
    int trainRows = 0;
    for (Row row : rows) {
      Map<String, Object> record = new HashMap<>();
      for (String column : model.inputColumns()) {
        record.put(column, row.get(row.fieldIndex(column)));
      }
      boolean train = "train".equals(row.getString(row.fieldIndex("_split")));
      trainRows += train ? 1 : 0;
      Long foldKey = train ? row.getLong(row.fieldIndex("_fold_key")) : null;
      double[] stored = row.<Double>getList(row.fieldIndex("features")).stream()
          .mapToDouble(Double::doubleValue).toArray();
      String id = row.getString(row.fieldIndex("_record_id"));
      assertArrayEquals(stored, vectorizer.vectorize(record::get, foldKey), 0.0, id);
      if (!train) {
        float[] dense = new float[width];
        int end = vectorizer.vectorizeSparse(record::get, slots, values, 0);
        for (int i = 0; i < end; i++) {
          dense[slots[i]] = values[i];
        }
        float[] expected = new float[width];
        for (int i = 0; i < width; i++) {
          expected[i] = (float) stored[i];
        }
        assertArrayEquals(expected, dense, 0.0f, id);
      }
    }
    assertEquals(result.metric("rows_train"), trainRows);
    assertTrue(rows.size() > trainRows, "validation and test rows were compared too");
  }
}
