package org.deepline.leakage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureJob;
import org.deepline.sampling.SplitJob;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeakageJobTest {
  private static final int ROWS = 400;

  /**
   * The honest toy data ingested and split ({@link #split}), and then featurised
   * ({@link #featured}), once for the class: each test that starts from one works on its own copy.
   */
  @TempDir
  static Path templates;
  private static Path split;
  private static Path featured;

  @BeforeAll
  static void prepareTheHonestWarehouseOnce() throws IOException {
    split = templates.resolve("split");
    prepared(split, false);
    featured = templates.resolve("featured");
    new FeatureJob().run(copyOf(split, featured));
  }

  private static RunContext prepared(Path dir, boolean leaky, String... overrides) {
    RunContext context = ToyData.context(dir, ROWS, leaky, overrides);
    new IngestJob().run(context);
    new SplitJob().run(context);
    return context;
  }

  /**
   * A copy of a prepared honest warehouse in {@code dir}, with its context. Delta tables keep their
   * files' paths relative to the table, so a copied table is a table of its own.
   */
  private static RunContext copyOf(Path template, Path dir, String... overrides)
      throws IOException {
    try (Stream<Path> files = Files.walk(template)) {
      for (Path file : files.toList()) {
        Path target = dir.resolve(template.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return ToyData.context(dir, ROWS, false, overrides);
  }

  private static List<Row> failedChecks(RunContext context) {
    return DeltaTables.read(SparkTestSession.get(), context.table(Table.LEAKAGE))
        .where("NOT passed").orderBy("constraint").collectAsList();
  }

  @Test
  void honestDataPasses(@TempDir Path dir) throws IOException {
    RunContext context = copyOf(featured, dir);

    StageResult result = new LeakageJob().run(context);

    // key_overlap (the toy data has a key: no copies_across_splits), shared_rows,
    // shared_row_labels, 5 single-feature AUCs plus 3 missingness AUCs, 5 single-feature and 6 pair
    // mutual informations (the 4 strongest features), fitted_on_train.
    assertEquals(23.0, result.metric("checks"));
    assertTrue(result.metric("max_mutual_information") < 0.6);
    assertTrue(result.metric("max_single_feature_auc") > 0.7, "x carries real signal");
    assertTrue(result.metric("max_single_feature_auc") < 0.95);
    assertEquals(List.of(), failedChecks(context));
  }

  @Test
  void featureThatCopiesTheLabelFailsTheGate(@TempDir Path dir) {
    RunContext context = prepared(dir, true);
    new FeatureJob().run(context);

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new LeakageJob().run(context));
    assertEquals(Failure.LEAKAGE_GATE, error.failure());

    assertTrue(error.getMessage().contains("single_feature_auc:outcome_code: failed, got 1.0"),
        error.getMessage());
    // The error says what to do next: drop a post-outcome feature, or waive an honest one.
    assertTrue(error.getMessage().endsWith(". A feature recorded after the outcome leaks it: drop "
        + "it from features. One known before the outcome may be waived with the reason: "
        + "leakage.waivers [{\"check\": \"single_feature_auc:outcome_code\", \"reason\": "
        + "\"...\"}, {\"check\": \"mutual_information:outcome_code\", \"reason\": "
        + "\"...\"}]"), error.getMessage());
    // The copy fails alone, by AUC and by information. Its pairs tell nothing beyond it, so they
    // pass: the pair check is for columns that give the label away only together.
    assertEquals(List.of("mutual_information:outcome_code", "single_feature_auc:outcome_code"),
        failedChecks(context).stream().map(r -> r.<String>getAs("constraint")).toList());
  }

  @Test
  void featureWhoseGapsGiveAwayTheLabelFailsTheGate(@TempDir Path dir) throws Exception {
    RunContext context = ToyData.context(dir, ROWS, false);
    Path csv = dir.resolve("toy.csv");
    // income is filled in only for positives: its value is noise, its absence is the label.
    List<String> lines = java.nio.file.Files.readAllLines(csv);
    List<String> leaky = new java.util.ArrayList<>(List.of(lines.get(0)));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      f[3] = line.endsWith(",yes") ? "50.0" : "";
      leaky.add(String.join(",", f));
    }
    java.nio.file.Files.write(csv, leaky);
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureJob().run(context);

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new LeakageJob().run(context));

    assertTrue(error.getMessage().contains("single_feature_auc:income__missing: failed, got 1.0"),
        error.getMessage());
  }

  @Test
  void recordInTwoSplitsFailsTheGate(@TempDir Path dir) throws IOException {
    RunContext context = copyOf(featured, dir);
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> splits = DeltaTables.read(spark, context.table(Table.SPLITS));
    Dataset<Row> movedToTest = splits.where("_split = 'train'").limit(3)
        .withColumn("_split", functions.lit("test"));
    DeltaTables.append(movedToTest.select(splits.columns()[0], java.util.Arrays.copyOfRange(
        splits.columns(), 1, splits.columns().length)), context.table(Table.SPLITS));

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new LeakageJob().run(context));

    assertTrue(error.getMessage().contains("key_overlap: failed, got 3.0"), error.getMessage());
    assertFalse(error.getMessage().contains("waive"), "a split's key overlap is never waived: "
        + error.getMessage());
  }

  @Test
  void copiesOfTestRowsInTrainFailTheGate(@TempDir Path dir) throws IOException {
    RunContext context = copyOf(split, dir);
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> splits = DeltaTables.read(spark, context.table(Table.SPLITS));
    Dataset<Row> silver = DeltaTables.read(spark, context.table(Table.SILVER));
    Dataset<Row> heldOutIds = splits.where("_split <> 'train'").select(RecordIds.RECORD_ID);
    Dataset<Row> copies = silver.join(heldOutIds, RecordIds.RECORD_ID)
        .withColumn(RecordIds.RECORD_ID, functions.concat(functions.col(RecordIds.RECORD_ID),
            functions.lit("-copy")))
        .select(silver.columns()[0], java.util.Arrays.copyOfRange(silver.columns(), 1,
            silver.columns().length));
    DeltaTables.append(copies, context.table(Table.SILVER));
    DeltaTables.append(copies.select(functions.col(RecordIds.RECORD_ID),
        functions.lit(1.0).as("_label"), functions.lit("train").as("_split"),
        functions.lit(null).cast("int").as("_fold"), functions.col("run_date"))
        .select(splits.columns()[0],
        java.util.Arrays.copyOfRange(splits.columns(), 1, splits.columns().length)),
        context.table(Table.SPLITS));
    new FeatureJob().run(context);

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new LeakageJob().run(context));

    assertTrue(error.getMessage().contains("shared_rows: failed, got 1.0"), error.getMessage());
  }

  @Test
  void featureModelFittedOnOtherRowsFailsTheGate(@TempDir Path dir) throws IOException {
    RunContext context = copyOf(featured, dir);
    RunContext resplit = ToyData.context(dir, ROWS, false, "split.seed=99");
    new SplitJob().run(resplit);

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new LeakageJob().run(context));

    assertTrue(error.getMessage().contains("fitted_on_train: failed"), error.getMessage());
    assertFalse(failedChecks(context).isEmpty());
  }
}
