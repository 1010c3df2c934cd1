package org.deepline.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.deepline.core.DeeplineException;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;

/**
 * Fits the out-of-fold target encodings ({@link FeatureModel.TargetEncoding}) of every
 * target-encoded categorical input in one grouped count over the training split: rows and positives
 * per (input, value, fold), the fold being {@code pmod(}{@link #foldKey}{@code , folds)}, the same
 * key {@link FeatureTransform} gives a training row. Only the {@value FeatureModel.TargetEncoding#MAX_VALUES}
 * most frequent values of an input reach the driver.
 *
 * <pre>{@code
 * Map<String, FeatureModel.CategoricalFeature> fitted = TargetEncoder.fit(train, config, 42L);
 * }</pre>
 */
final class TargetEncoder {
  private static final String FEATURE = "feature";
  private static final String TOKEN = "token";
  private static final String FOLD = "fold";
  private static final String ROWS = "rows";
  private static final String POSITIVES = "positives";
  private static final String TOTAL = "total";
  private static final String RANK = "rank";
  private static final String DISTINCT = "distinct_values";

  private TargetEncoder() {}

  static Map<String, FeatureModel.CategoricalFeature> fit(Dataset<Row> train, FeatureConfig config,
      long seed) {
    List<String> encoded = config.categorical().stream()
        .filter(c -> config.encodingOf(c).encoding().equals(CategoricalEncodingSpec.TARGET))
        .toList();
    if (encoded.isEmpty()) {
      return Map.of();
    }
    List<String> columns = List.of(train.columns());
    for (String needed : List.of(RecordIds.RECORD_ID, LabelConfig.LABEL)) {
      if (!columns.contains(needed)) {
        throw new DeeplineException("features.categorical_encodings." + encoded.get(0)
            + ": target encoding needs the training rows' " + needed + " column");
      }
    }
    Column key = foldKey(seed);
    Column[] triples = encoded.stream()
        .map(c -> functions.struct(functions.lit(c).as(FEATURE), FeatureFitter.token(c).as(TOKEN),
            functions.pmod(key, functions.lit(config.encodingOf(c).folds())).as(FOLD)))
        .toArray(Column[]::new);
    Dataset<Row> byFold = train
        .select(functions.explode(functions.array(triples)).as("t"),
            functions.col(LabelConfig.LABEL).cast("double").as(LabelConfig.LABEL))
        .groupBy("t." + FEATURE, "t." + TOKEN, "t." + FOLD)
        .agg(functions.count(functions.lit(1)).as(ROWS),
            functions.sum(LabelConfig.LABEL).as(POSITIVES))
        .persist();
    try {
      WindowSpec byFeature = Window.partitionBy(FEATURE);
      Dataset<Row> kept = byFold.groupBy(FEATURE, TOKEN).agg(functions.sum(ROWS).as(TOTAL))
          .withColumn(DISTINCT, functions.count(functions.lit(1)).over(byFeature))
          .withColumn(RANK, functions.row_number().over(byFeature
              .orderBy(functions.col(TOTAL).desc(), functions.col(TOKEN))))
          .where(functions.col(RANK).leq(FeatureModel.TargetEncoding.MAX_VALUES));
      List<Row> values = byFold.join(kept, new String[] {FEATURE, TOKEN})
          .select(FEATURE, TOKEN, FOLD, ROWS, POSITIVES, TOTAL, RANK, DISTINCT)
          .collectAsList();
      List<Row> folds = byFold.groupBy(FEATURE, FOLD)
          .agg(functions.sum(ROWS), functions.sum(POSITIVES)).collectAsList();
      Map<String, FeatureModel.CategoricalFeature> fitted = new LinkedHashMap<>();
      for (String column : encoded) {
        fitted.put(column, encoding(column, config.encodingOf(column), seed, values, folds));
      }
      return fitted;
    } finally {
      byFold.unpersist();
    }
  }

  /**
   * A training row's fold key: {@code xxhash64(}{@link RecordIds#copyGroupId}{@code (_record_id),
   * seed)}. Copies of one record (a load without key columns numbers them {@code <hash>-1},
   * {@code -2}, ...) share it in runs of {@value RecordIds#MAX_COPIES_KEPT_TOGETHER}, as the split
   * keeps them: a copy in another fold would hand a row its own label through its value's rate, which
   * no test row gets (its copies are in its own split). A record without copies keeps its id's hash;
   * a key that happens to end in {@code -<digits>} ({@code CUST-0042}) is grouped with nine
   * neighbours, which coarsens its folds and leaks nothing.
   */
  static Column foldKey(long seed) {
    return functions.xxhash64(RecordIds.copyGroupId(functions.col(RecordIds.RECORD_ID)),
        functions.lit(seed));
  }

  /** One input's statistics from the collected rows of every input. */
  private static FeatureModel.CategoricalFeature encoding(String column,
      CategoricalEncodingSpec spec, long seed, List<Row> values, List<Row> folds) {
    int k = spec.folds();
    long[] foldRows = new long[k];
    long[] foldPositives = new long[k];
    for (Row row : folds) {
      if (row.getString(0).equals(column)) {
        int fold = (int) row.getLong(1);
        foldRows[fold] = row.getLong(2);
        foldPositives[fold] = Math.round(row.getDouble(3));
      }
    }
    // Vocabulary order: most frequent first, ties by value, as the rank computed it.
    Map<Integer, String> tokenByRank = new HashMap<>();
    Map<String, long[]> rowsByToken = new HashMap<>();
    Map<String, long[]> positivesByToken = new HashMap<>();
    long distinct = 0;
    long keptRows = 0;
    for (Row row : values) {
      if (!row.getString(0).equals(column)) {
        continue;
      }
      String token = row.getString(1);
      int fold = (int) row.getLong(2);
      if (tokenByRank.put(row.getInt(6), token) == null) {
        keptRows += row.getLong(5);
      }
      rowsByToken.computeIfAbsent(token, t -> new long[k])[fold] = row.getLong(3);
      positivesByToken.computeIfAbsent(token, t -> new long[k])[fold] = Math.round(row.getDouble(4));
      distinct = row.getLong(7);
    }
    List<String> vocabulary = new ArrayList<>();
    List<long[]> valueRows = new ArrayList<>();
    List<long[]> valuePositives = new ArrayList<>();
    for (int rank = 1; rank <= tokenByRank.size(); rank++) {
      String token = tokenByRank.get(rank);
      vocabulary.add(token);
      valueRows.add(rowsByToken.get(token));
      valuePositives.add(positivesByToken.get(token));
    }
    long totalRows = 0;
    for (long rows : foldRows) {
      totalRows += rows;
    }
    FeatureModel.TargetEncoding target = new FeatureModel.TargetEncoding(spec.smoothing(), k, seed,
        foldRows, foldPositives, valueRows, valuePositives);
    return new FeatureModel.CategoricalFeature(column, vocabulary, distinct, totalRows - keptRows,
        CategoricalEncodingSpec.TARGET, null, target, null, null);
  }
}
