package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;

/** Calendar parts of dates and timestamps: extracted in UTC, fitted on train, replayed by the vectorizer. */
class DateTimeFeaturesTest {
  private static final double TOLERANCE = 1e-9;
  private static final StructType SCHEMA = new StructType().add("at", DataTypes.TimestampType, true);
  private static final FeatureModel.FitProvenance PROVENANCE =
      new FeatureModel.FitProvenance("toy", "2026-11-24", "run", "train", 4, "splits", 0, 0);
  private static final DateTimeSpec SPEC = new DateTimeSpec("at",
      List.of("hour", "day_of_week", "month"),
      Map.of("day_of_week", "one_hot", "month", "cyclical"));

  /** hour, day_of_week, day_of_month, day_of_year, month, year of a value. */
  private static List<Integer> parts(Object value) {
    LocalDateTime time = DateTimeParts.utc(value, "at");
    return DateTimeParts.PARTS.stream().map(p -> DateTimeParts.part(time, p)).toList();
  }

  private static Timestamp at(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }

  private static Dataset<Row> train() {
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create(at("2001-01-01T00:47:00Z")));
    rows.add(RowFactory.create(at("2001-01-02T06:00:00Z")));
    rows.add(RowFactory.create(at("2001-02-03T12:00:00Z")));
    rows.add(RowFactory.create((Object) null));
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  private static FeatureModel fit() {
    return FeatureFitter.fit(train(), new FeatureConfig(null, null, null, null, null, List.of(SPEC), null, null, null, null),
        PROVENANCE);
  }

  @Test
  void partsAreTakenInUtcWhateverTheValuesType() {
    // Monday 1 January 2001.
    assertEquals(List.of(0, 1, 1, 1, 1, 2001), parts(Instant.parse("2001-01-01T00:47:00Z")));
    assertEquals(List.of(0, 1, 1, 1, 1, 2001), parts("2001-01-01T01:47:00+01:00"));
    // A leap day, Thursday, the 60th day of 2024.
    assertEquals(List.of(23, 4, 29, 60, 2, 2024), parts(at("2024-02-29T23:59:59Z")));
    // Sunday 1 July 2001, day 182; a wall-clock time without zone is read as UTC.
    assertEquals(List.of(0, 7, 1, 182, 7, 2001), parts(LocalDateTime.of(2001, 7, 1, 0, 0)));
    assertEquals(List.of(5, 7, 4, 63, 3, 2001), parts("2001-03-04 05:06:07"));
    // A date is midnight: Monday 31 December 2001, day 365.
    assertEquals(List.of(0, 1, 31, 365, 12, 2001), parts(LocalDate.of(2001, 12, 31)));
    assertEquals(List.of(0, 1, 31, 365, 12, 2001), parts(java.sql.Date.valueOf("2001-12-31")));
  }

  @Test
  void cyclicalPartsAreTheSineAndCosineOfThePositionInThePeriod() {
    assertArrayEquals(new double[] {1, 0}, DateTimeParts.cyclical(6, "hour"), TOLERANCE);
    assertArrayEquals(new double[] {0, 1}, DateTimeParts.cyclical(1, "day_of_week"), TOLERANCE);
    assertArrayEquals(new double[] {0.5, Math.sqrt(3) / 2}, DateTimeParts.cyclical(2, "month"),
        TOLERANCE);
    assertArrayEquals(new double[] {0, -1}, DateTimeParts.cyclical(7, "month"), TOLERANCE);
  }

  @Test
  void textThatIsNoDateIsNamed() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> DateTimeParts.utc("01/02/2001", "at"));
    assertEquals("feature at: not an ISO date or timestamp: '01/02/2001'", error.getMessage());
  }

  @Test
  void fittedModelImputesNumericPartsAndMarksMissingValues() {
    FeatureModel model = fit();

    FeatureModel.DateTimeFeature at = model.datetime().get(0);
    assertTrue(at.missingIndicator());
    // Hours 0, 6, 12 observed, median 6; imputed 0, 6, 12, 6: mean 6, variance 18.
    assertEquals(new FeatureModel.DateTimePart("hour", "numeric", 6, 6, Math.sqrt(18)),
        at.parts().get(0));
    List<String> names = new ArrayList<>(List.of("at.hour"));
    for (int day = 1; day <= 7; day++) {
      names.add("at.day_of_week=" + day);
    }
    names.addAll(List.of("at.month_sin", "at.month_cos", "at__missing"));
    assertEquals(names, model.featureNames());
    assertEquals(11, model.width());
    assertEquals(model, FeatureModel.fromJson(model.toJson(), "test"));
  }

  @Test
  void vectorsOfKnownTimestamps() {
    FeatureVectorizer vectorizer = new FeatureVectorizer(fit());
    Map<String, Object> saturdayNoon = Map.of("at", at("2001-02-03T12:00:00Z"));
    assertArrayEquals(new double[] {6 / Math.sqrt(18), 0, 0, 0, 0, 0, 1, 0, 0.5, Math.sqrt(3) / 2, 0},
        vectorizer.vectorize(saturdayNoon::get), TOLERANCE);
    Map<String, Object> mondayLateEvening = Map.of("at", "2001-01-01T23:30:00Z");
    assertArrayEquals(new double[] {17 / Math.sqrt(18), 1, 0, 0, 0, 0, 0, 0, 0, 1, 0},
        vectorizer.vectorize(mondayLateEvening::get), TOLERANCE);
    Map<String, Object> missing = new HashMap<>();
    missing.put("at", null);
    assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
        vectorizer.vectorize(missing::get), TOLERANCE);
  }

  @Test
  void sparkTransformGivesTheSameVectorsInAnySessionTimeZone() {
    SparkSession spark = SparkTestSession.get();
    FeatureModel model = fit();
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    String zone = spark.conf().get("spark.sql.session.timeZone");
    try {
      spark.conf().set("spark.sql.session.timeZone", "America/Los_Angeles");
      FeatureModel fittedElsewhere = fit();
      assertEquals(model.datetime(), fittedElsewhere.datetime());
      for (Row row : new FeatureTransform(model).transform(train()).collectAsList()) {
        List<Double> fromSpark = row.getList(row.fieldIndex(FeatureTransform.FEATURES));
        double[] direct = vectorizer.vectorize(c -> row.getAs(c));
        assertArrayEquals(direct, fromSpark.stream().mapToDouble(Double::doubleValue).toArray());
      }
    } finally {
      spark.conf().set("spark.sql.session.timeZone", zone);
    }
  }

  @Test
  void configChecksColumnTypePartsAndEncodings() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> TestRuns.configFromJson("""
        {"dataset": "toy", "source": {"path": "x.csv"},
         "schema": {"columns": [{"name": "at", "type": "timestamp"}, {"name": "kind", "type": "string"},
           {"name": "label", "type": "string", "nullable": false}]},
         "label": {"column": "label", "positive": "yes"},
         "features": {"datetime": [
           {"column": "at", "parts": ["hour", "year", "week"],
            "encoding": {"year": "one_hot", "hour": "binary", "month": "cyclical"}},
           {"column": "kind", "parts": ["hour"]}]}}
        """));
    String message = error.getMessage();
    assertTrue(message.contains("features.datetime[0].parts[2]: must be one of [hour, day_of_week, "
        + "day_of_month, day_of_year, month, year], got week"), message);
    assertTrue(message.contains("features.datetime[0].encoding.year: one_hot applies to the periodic "
        + "parts [hour, day_of_week, month] only; year can only be numeric"), message);
    assertTrue(message.contains("features.datetime[0].encoding.hour: must be one of [numeric, "
        + "one_hot, cyclical], got binary"), message);
    assertTrue(message.contains("features.datetime[0].encoding.month: is not one of this column's "
        + "parts [hour, year, week]"), message);
    assertTrue(message.contains("features.datetime[1].column: kind is declared string; date and time "
        + "parts need a date or timestamp column"), message);
  }
}
