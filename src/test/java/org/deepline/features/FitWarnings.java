package org.deepline.features;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.LoggedWarnings;
import org.deepline.testing.SparkTestSession;

/** The WARN lines a feature fit of a few numeric inputs logs, for tests of the fit's advice. */
final class FitWarnings {
  private FitWarnings() {}

  /** Fits {@code numeric} on {@code rows} (with a {@code _label} column) and returns its WARNs. */
  static List<String> ofNumeric(List<Row> rows, StructType schema, List<String> numeric) {
    return of(rows, schema, new FeatureConfig(numeric, List.of(), null, null, null, null, null,
        null, null, null));
  }

  /** ... of {@code categorical} inputs. */
  static List<String> ofCategorical(List<Row> rows, StructType schema, List<String> categorical) {
    return of(rows, schema, new FeatureConfig(List.of(), categorical, null, null, null, null,
        null, null, null, null));
  }

  private static List<String> of(List<Row> rows, StructType schema, FeatureConfig config) {
    FeatureModel.FitProvenance provenance = new FeatureModel.FitProvenance("toy", "2026-12-07",
        "run", "train", rows.size(), "splits", 0, 0);
    return LoggedWarnings.during(() -> FeatureFitter.fit(
        SparkTestSession.get().createDataFrame(rows, schema), config, provenance, 7));
  }
}
