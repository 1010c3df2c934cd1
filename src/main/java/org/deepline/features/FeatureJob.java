package org.deepline.features;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.UncompressedCache;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.PositiveClass;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeeplineException;
import org.deepline.etl.RecordIds;
import org.deepline.etl.SchemaConfig;
import org.deepline.featurestore.FeatureJoins;
import org.deepline.featurestore.FeatureStoreConfig;
import org.deepline.featurestore.JoinedFeatureTable;
import org.deepline.sampling.SplitConfig;
import org.deepline.sampling.SplitFingerprint;
import org.deepline.sampling.StratifiedSplitter;

/**
 * Features: fits the feature model on the run date's training split, saves it as a JSON artifact, and
 * writes the features table ({@code _record_id, _split, _label, features_sparse}) for every split
 * with that one model, partitioned by run date and split so that each split reads alone. Read the
 * table with {@link FeatureTable#withDenseVectors}. The feature tables
 * of {@code feature_store.joins} are joined to silver's rows first ({@link FeatureJoins}); the model
 * records which table versions it joined.
 */
public final class FeatureJob implements Stage {
  @Override
  public Name name() {
    return new Name("features",
        "Fit the feature model on train, save it, and write the features table.");
  }

  @Override
  public List<Table> replacedTables() {
    return List.of(Table.FEATURES);
  }

  /**
   * Fails before a row is read when a target-encoded input meets a multi-class or regression
   * label: target encoding stores one positive rate per category, which neither has.
   */
  private static void requireBinaryForTargetEncoding(RunContext context, FeatureConfig config,
      RunContext.Input silver) {
    List<String> encoded = config.categorical().stream()
        .filter(c -> CategoricalEncodingSpec.TARGET.equals(config.encodingOf(c).encoding()))
        .toList();
    if (encoded.isEmpty()) {
      return;
    }
    LabelConfig label = PositiveClass.named(context, context.section(LabelConfig.class),
        silver::rows, "features");
    if (label.isMulticlass()) {
      throw new DeeplineException(Failure.CONFIG, "features: " + encoded + " are target encoded, "
          + "which needs a 0/1 label, and " + label.describe() + " is a multi-class label of "
          + label.classCount() + " classes " + label.classes() + "; encode them one_hot, "
          + "hashing or embedding");
    }
    if (label.isRegression()) {
      throw new DeeplineException(Failure.CONFIG, "features: " + encoded + " are target encoded, "
          + "which needs a 0/1 label, and " + label.describe() + " is a regression label (a "
          + "number); encode them one_hot, hashing or embedding");
    }
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    FeatureConfig config = context.section(FeatureConfig.class);
    String runDate = context.runDate();
    RunContext.Input silver = context.input(Table.SILVER);
    RunContext.Input splits = context.input(Table.SPLITS);
    TableRef splitsRef = splits.ref();
    requireBinaryForTargetEncoding(context, config, silver);
    List<JoinedFeatureTable> joins = FeatureJoins.resolve(spark, context.warehouse(),
        context.dataset(), context.section(FeatureStoreConfig.class));
    // Read three times (the fit's two passes and the transform) and dropped: uncompressed, as the
    // leakage gate caches its join.
    UncompressedCache uncompressed = UncompressedCache.open(spark);
    Dataset<Row> labelled = withSplits(FeatureJoins.apply(silver.rows(), joins), splits.rows())
        .persist();
    try {
      FeatureModel model = fitOnTrainAllowingEmptyColumns(labelled, config,
          new FeatureModel.FitProvenance(context.dataset(), runDate, context.runId(),
              StratifiedSplitter.TRAIN, 0, splitsRef.path(), splitsRef.version(), 0),
          context.section(SplitConfig.class).seed(),
          context.section(SchemaConfig.class).byName().keySet())
          .withJoins(joins);
      FeatureModel.FitProvenance provenance = model.fittedOn();
      TableRef featuresRef = DeltaTables.replaceRunDateCounted(featureRows(labelled, model),
          context.table(Table.FEATURES), runDate, List.of(StratifiedSplitter.SPLIT)).table();
      // The artifact goes last: if the table write fails, the old artifact still matches the old table.
      String artifact = context.warehouse().featureArtifact(context.dataset(), runDate);
      context.files().writeText(artifact, model.toJson());
      StageResult.Builder result = StageResult.builder()
          .input(silver.ref()).input(splitsRef).output(featuresRef)
          .artifact("feature_model", artifact)
          .metric("feature_width", model.width())
          .metric("rows_train", provenance.rows())
          // Empty columns of the data (validate kept them as warnings): 0 for every row.
          .metric("numeric_without_values", model.numeric().stream()
              .filter(FeatureModel.NumericFeature::withoutValuesInTraining).count())
          .metric("datetime_without_values", model.datetime().stream()
              .filter(FeatureModel.DateTimeFeature::withoutValuesInTraining).count())
          .metric("categories_folded", model.categorical().stream()
              .mapToLong(FeatureModel.CategoricalFeature::foldedValues).sum())
          // Columns whose vocabulary its cap cut (max_categories, or max_values of an embedding or
          // a bag of words; fitting logged a warning for each).
          .metric("categories_capped_columns", model.categorical().stream()
              .filter(f -> f.cappedAt(config.maxCategories())).count());
      joins.forEach(join -> result.input(new TableRef(join.path(), join.version())));
      // Values beyond max_categories or under min_category_count share the other slot: say how many.
      for (FeatureModel.CategoricalFeature f : model.categorical()) {
        if (f.foldedValues() > 0) {
          result.metric("categories_folded:" + f.name(), f.foldedValues());
        }
      }
      return result.build();
    } finally {
      labelled.unpersist();
      uncompressed.close();
    }
  }

  /**
   * The feature model fitted on the training rows of {@code labelled} (silver rows with their split
   * and label, see {@link #withSplits}), with the rows and fingerprint ({@link SplitFingerprint}) of
   * that split filled into {@code provenance} by the fit's own aggregation. The features stage runs
   * this; the features benchmark too.
   */
  public static FeatureModel fitOnTrain(Dataset<Row> labelled, FeatureConfig config,
      FeatureModel.FitProvenance provenance, long foldSeed) {
    return fitOnTrain(labelled, config, provenance, foldSeed, Set.of());
  }

  private static FeatureModel fitOnTrain(Dataset<Row> labelled, FeatureConfig config,
      FeatureModel.FitProvenance provenance, long foldSeed, Set<String> emptyColumns) {
    Dataset<Row> train = labelled.where(
        functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN));
    return FeatureFitter.fitCountingRows(train, config, provenance, foldSeed, emptyColumns);
  }

  /**
   * {@link #fitOnTrain}; when a numeric or date/time input has no value in train, fitted again with
   * the silver columns among those inputs that have no value in any split of the date as 0 for
   * every row: an empty column of the data set, which {@code validate} let through because no run ever
   * saw a value in it. A column with values in validation or test only (a sparse column, a field
   * that starts after a time split's cut) or a joined column still fails. The extra pass over the
   * data and the second fit run only then (on every run of a data set with such a column: a cost
   * of one more aggregation and fit, kept for the common case's single fit).
   */
  public static FeatureModel fitOnTrainAllowingEmptyColumns(Dataset<Row> labelled,
      FeatureConfig config, FeatureModel.FitProvenance provenance, long foldSeed,
      Set<String> silverColumns) {
    try {
      return fitOnTrain(labelled, config, provenance, foldSeed);
    } catch (FeatureFitter.NoValueInTraining noValue) {
      Set<String> dates = config.datetime().stream().map(DateTimeSpec::column)
          .collect(Collectors.toSet());
      List<String> candidates = Stream.concat(config.numeric().stream(), dates.stream())
          .filter(silverColumns::contains).distinct().toList();
      Set<String> empty = new HashSet<>();
      if (!candidates.isEmpty()) {
        // Counted as the fit counts them: NaN is no number.
        List<Column> observed = candidates.stream().map(c -> dates.contains(c)
            ? functions.count(Columns.col(c)) : functions.count(FeatureFitter.observedValue(c)))
            .toList();
        Row counts = labelled.agg(observed.get(0),
            observed.subList(1, observed.size()).toArray(Column[]::new)).head();
        for (int i = 0; i < candidates.size(); i++) {
          if (counts.getLong(i) == 0) {
            empty.add(candidates.get(i));
          }
        }
      }
      if (!empty.contains(noValue.column())) {
        throw noValue;
      }
      return fitOnTrain(labelled, config, provenance, foldSeed, empty);
    }
  }

  /**
   * The features table's rows of {@code labelled}: {@code _record_id, _split, _label,
   * features_sparse} (read them back with {@link FeatureTable#withDenseVectors}).
   */
  public static Dataset<Row> featureRows(Dataset<Row> labelled, FeatureModel model) {
    return new FeatureTransform(model).transformSparse(labelled,
        List.of(RecordIds.RECORD_ID, StratifiedSplitter.SPLIT, LabelConfig.LABEL));
  }

  /** Silver rows joined with their split and 0/1 label. */
  public static Dataset<Row> withSplits(Dataset<Row> silver, Dataset<Row> splits) {
    return silver.drop(DeltaTables.RUN_DATE).join(
        splits.select(RecordIds.RECORD_ID, StratifiedSplitter.SPLIT, LabelConfig.LABEL),
        RecordIds.RECORD_ID);
  }
}
