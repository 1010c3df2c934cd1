package org.deepline.featurestore;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;
import org.deepline.core.Required;
import org.deepline.core.SqlExpressions;

/**
 * One feature table of the feature store, as declared in {@code feature_store.tables[]}: where its rows
 * come from and the Spark SQL that turns the source into feature rows keyed by entity and event time.
 * The registry ({@link FeatureRegistry}) gives each distinct declaration a version.
 *
 * <pre>{@code
 * {"name": "airport_daily", "owner": "ops-analytics", "description": "an origin's flights and mean
 *   delay of the day before", "source": "silver", "entity_keys": ["airport"],
 *  "event_time": "event_time", "ttl": "P7D",
 *  "transform": "SELECT origin AS airport, timestamp '{run_date}' AS event_time, count(*) AS
 *     flights_prev_day, avg(delay) AS mean_delay_prev_day FROM source
 *     WHERE to_date(date) = date_sub(date '{run_date}', 1) GROUP BY origin"}
 * }</pre>
 *
 * @param name         the table's name: lower-case letters, digits and _; its Delta table is
 *                     {@code <warehouse>/<dataset>/feature_store/<name>}
 * @param owner        who answers for the definition (a team or a person)
 * @param description  what the features mean
 * @param source       a table of the data set ({@code silver}, {@code bronze}, ...) or the path or URI
 *                     of a table or files, read whole
 * @param sourceFormat the format of a {@code source} given as a path: {@code delta} (default) or
 *                     {@code parquet}
 * @param transform    Spark SQL over the view {@code source}; {@code {run_date}} stands for the run
 *                     date ({@code YYYY-MM-DD}). Its result must hold the entity keys and the event time
 * @param entityKeys   the entity key column(s) of the result
 * @param eventTime    the event-time column of the result: date, timestamp or timestamp_ntz; a feature
 *                     row is usable for labels at or after this time
 * @param ttl          optional ISO-8601 duration ({@code P7D}, {@code PT12H}): a feature row older than
 *                     this at the label time is not used by the table's joins
 *                     ({@link FeatureJoin#ttl} overrides it)
 */
public record FeatureDefinition(
    @JsonPropertyDescription("The table's name and directory. Allowed: `[a-z][a-z0-9_]{0,63}`.")
    @Required
    String name,
    @JsonPropertyDescription("Who answers for the definition. Allowed: not blank.")
    @Required
    String owner,
    @JsonPropertyDescription("What the features mean. Allowed: not blank.")
    @Required
    String description,
    @JsonPropertyDescription("The rows the transform reads, whole (every date); a data set table "
        + "is recorded as an input with its version. Allowed: a table of the data set (`silver`, "
        + "`bronze`, `splits`, ...) or a path/URI.")
    @Required
    String source,
    @JsonPropertyDescription("Format of a `source` given as a path.")
    @OneOf("SOURCE_FORMATS")
    String sourceFormat,
    @JsonPropertyDescription("A query over the view `source`; `{run_date}` becomes the run date "
        + "(`YYYY-MM-DD`). Its result must have the entity keys and the event time; every other "
        + "column but `run_date` and `definition_version` (which it must not have) is a feature. "
        + "Allowed: Spark SQL (checked by Spark's parser before Spark starts).")
    @Required
    String transform,
    @JsonPropertyDescription("The entity key column(s) of the result. Allowed: non-empty, "
        + "distinct, not `run_date`/`definition_version`.")
    @Required
    List<String> entityKeys,
    @JsonPropertyDescription("When the feature row became known: a label at or after this time "
        + "may use it. Allowed: a date, timestamp or timestamp_ntz column of the result, not an "
        + "entity key.")
    @Required
    String eventTime,
    @JsonPropertyDescription("A feature row older than this at a row's event time is not used "
        + "by the `feature_store.joins` of this table that set no `ttl` of their own. Allowed: "
        + "ISO-8601 duration > 0 (`P7D`, `PT12H`).")
    String ttl) {
  public static final String DELTA = "delta";
  public static final String PARQUET = "parquet";
  public static final List<String> SOURCE_FORMATS = List.of(DELTA, PARQUET);
  /** Stands for the run date in {@code transform}. */
  public static final String RUN_DATE_PLACEHOLDER = "{run_date}";
  /** The view name under which {@code transform} sees the source rows. */
  public static final String SOURCE_VIEW = "source";
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  public FeatureDefinition {
    sourceFormat = sourceFormat == null ? DELTA : sourceFormat;
    entityKeys = entityKeys == null ? List.of() : List.copyOf(entityKeys);
  }

  /** The TTL as a duration, null when there is none. */
  public Duration ttlDuration() {
    return ttl == null ? null : Duration.parse(ttl);
  }

  /** {@code transform} with the run date in place of {@value #RUN_DATE_PLACEHOLDER}. */
  public String sql(String runDate) {
    return transform.replace(RUN_DATE_PLACEHOLDER, runDate);
  }

  public void validate(ConfigErrors errors) {
    errors.require(name != null && NAME.matcher(name).matches(), "name",
        "must be lower-case letters, digits and _, starting with a letter, got " + name);
    errors.requireNonBlank(owner, "owner");
    errors.requireNonBlank(description, "description");
    errors.requireNonBlank(source, "source");
    errors.requireOneOf(sourceFormat, SOURCE_FORMATS, "source_format");
    if (transform == null || transform.isBlank()) {
      errors.add("transform", "is required");
    } else {
      try {
        // Spark's own parser, without a session: a typo fails before Spark starts.
        CatalystSqlParser$.MODULE$.parsePlan(sql("2000-01-01"));
      } catch (Exception e) {
        // ParseException, which Scala throws undeclared (a checked exception to Java).
        errors.add("transform", "is not valid Spark SQL: " + SqlExpressions.firstMessageLine(e));
      }
    }
    if (entityKeys.isEmpty()) {
      errors.add("entity_keys", "at least one entity key column is required");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entityKeys.size(); i++) {
      String key = entityKeys.get(i);
      if (key == null || key.isBlank()) {
        errors.add("entity_keys[" + i + "]", "must not be blank");
      } else if (!seen.add(key)) {
        errors.add("entity_keys[" + i + "]", "repeats " + key);
      } else if (FeatureTables.BOOKKEEPING.contains(key)) {
        errors.add("entity_keys[" + i + "]", key + " is a column the feature store adds itself");
      }
    }
    errors.requireNonBlank(eventTime, "event_time");
    if (eventTime != null && seen.contains(eventTime)) {
      errors.add("event_time", eventTime + " is also an entity key");
    }
    validateTtl(ttl, errors);
  }

  /** A feature's maximum age, when given, must be a positive ISO-8601 duration. */
  static void validateTtl(String ttl, ConfigErrors errors) {
    if (ttl == null) {
      return;
    }
    try {
      Duration maxAge = Duration.parse(ttl);
      errors.require(!maxAge.isNegative() && !maxAge.isZero(), "ttl", "must be > 0, got " + ttl);
    } catch (DateTimeParseException e) {
      errors.add("ttl", "must be an ISO-8601 duration such as P7D or PT12H, got " + ttl);
    }
  }
}
