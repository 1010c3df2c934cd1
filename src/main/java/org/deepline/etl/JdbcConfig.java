package org.deepline.etl;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.regex.Pattern;
import org.deepline.core.ConfigErrors;
import org.deepline.core.Required;

/**
 * A database table or query read over JDBC ({@code source.format: jdbc}, PostgreSQL's driver is on
 * the class path).
 *
 * <p>The credentials never appear in the config, the logs or the run records: {@code user_env} and
 * {@code password_env} name the environment variables that hold them, read when the job runs.
 *
 * <p>With {@code partition_column}, Spark reads {@code num_partitions} ranges of that numeric, date or
 * timestamp column in parallel; bounds that are not given are found with one
 * {@code SELECT MIN, MAX} query. With {@code watermark_column}, a load reads only the rows whose
 * watermark is above the one recorded by the last successful load of an earlier run date (all rows on
 * the first load), up to the highest value at the start of the load, and records that value only once
 * bronze, silver and quarantine have committed: see {@link Watermarks}.
 *
 * @param url             {@code jdbc:postgresql://host:port/database}, without user or password
 * @param table           the table (or view) to read, e.g. {@code public.loans}; or
 * @param query           a {@code SELECT} to read instead of a table
 * @param userEnv         the environment variable holding the database user
 * @param passwordEnv     the environment variable holding the password
 * @param partitionColumn a numeric, date or timestamp column to split the read on
 * @param numPartitions   how many ranges to read in parallel (and at most how many connections)
 * @param lowerBound      the low end of the partition column's range (found when absent)
 * @param upperBound      the high end of the partition column's range (found when absent)
 * @param watermarkColumn a column that grows whenever a row is added or changed (e.g.
 *                        {@code updated_at}): incremental extraction
 * @param fetchSize       rows fetched per round trip
 */
public record JdbcConfig(
    @JsonPropertyDescription("The database. Allowed: `jdbc:...`, without a user or password "
        + "(neither `user@host` nor `user=`/`password=` parameters: a config error that does not "
        + "echo the URL).")
    @Required
    String url,
    @JsonPropertyDescription("The table or view to read, e.g. `public.loans`. Allowed: non-blank. "
        + "One of `table` and `query` is required.")
    String table,
    @JsonPropertyDescription("A query to read instead; it is read as a derived table, so the "
        + "partition and watermark columns must be among its output columns. Allowed: non-blank. "
        + "One of `table` and `query` is required.")
    String query,
    @JsonPropertyDescription("The variable that holds the database user; a load fails with "
        + "`source.jdbc.user_env: environment variable <NAME> is not set` when it is missing. "
        + "Allowed: the name of an environment variable.")
    @Required
    String userEnv,
    @JsonPropertyDescription("The variable that holds the password. The password is never in the "
        + "config, the run record, the logs or an error. Allowed: the name of an environment "
        + "variable.")
    @Required
    String passwordEnv,
    @JsonPropertyDescription("Spark reads `num_partitions` ranges of this column in parallel, one "
        + "connection each. Allowed: a numeric, `date` or `timestamp` column. When unset: one "
        + "connection reads everything.")
    String partitionColumn,
    @JsonPropertyDescription("How many ranges (and connections). Allowed: > 0.")
    Integer numPartitions,
    @JsonPropertyDescription("The range split into `num_partitions` strides (`\"0\"`, "
        + "`\"2026-01-01\"`). Rows outside it are still read, by the first and last ranges. "
        + "Allowed: both or neither; need `partition_column`. When unset: found with `SELECT "
        + "MIN(c), MAX(c)` over the rows to read.")
    String lowerBound,
    @JsonPropertyDescription("The range split into `num_partitions` strides (`\"0\"`, "
        + "`\"2026-01-01\"`). Rows outside it are still read, by the first and last ranges. "
        + "Allowed: both or neither; need `partition_column`. When unset: found with `SELECT "
        + "MIN(c), MAX(c)` over the rows to read.")
    String upperBound,
    @JsonPropertyDescription("Incremental extraction: a load reads only the rows with `watermark "
        + "> ` the watermark of the last successful load of an earlier run date, up to the "
        + "highest value when the load starts (`<=`). See [incremental "
        + "loads](configuration.md#sourcejdbc-jdbcconfig). Allowed: a column that grows whenever "
        + "a row is added or changed, e.g. `updated_at`. When unset: every load reads every row.")
    String watermarkColumn,
    @JsonPropertyDescription("Rows per round trip (PostgreSQL's driver otherwise fetches a whole "
        + "result into memory). Allowed: > 0.")
    Integer fetchSize) {
  public static final int DEFAULT_NUM_PARTITIONS = 4;
  /** The alias a query gets as a derived table (SQL requires one). */
  static final String QUERY_ALIAS = "deepline_query";
  /** PostgreSQL's driver fetches the whole result at once by default; this keeps memory bounded. */
  public static final int DEFAULT_FETCH_SIZE = 10_000;
  /** A JDBC URL that carries a password in its user info or its parameters. */
  private static final Pattern CREDENTIALS_IN_URL = Pattern.compile(
      "(?i)(//[^/?]*@)|([?&;](password|user)=)");

  public JdbcConfig {
    numPartitions = numPartitions == null ? DEFAULT_NUM_PARTITIONS : numPartitions;
    fetchSize = fetchSize == null ? DEFAULT_FETCH_SIZE : fetchSize;
  }

  public boolean incremental() {
    return watermarkColumn != null;
  }

  /** What is read: the table's name, or the query as a derived table. */
  public String relation() {
    return table != null ? table : "(" + query + ") AS " + QUERY_ALIAS;
  }

  /** How the source is named in errors, bronze's {@code _source_file} and logs: no credentials. */
  public String describe() {
    return url + (table != null ? " table " + table : " query");
  }

  public void validate(ConfigErrors errors) {
    errors.requireNonBlank(url, "url");
    if (url != null && !url.startsWith("jdbc:")) {
      errors.add("url", "expected a JDBC URL (jdbc:postgresql://host:port/database)");
    }
    if (url != null && CREDENTIALS_IN_URL.matcher(url).find()) {
      // Never echo the URL here: it holds the credentials.
      errors.add("url", "credentials in the URL are not accepted (they would be written to run "
          + "records and logs); name environment variables in user_env and password_env");
    }
    if ((table == null) == (query == null)) {
      errors.add("table", "give exactly one of table and query");
    }
    if (table != null) {
      errors.requireNonBlank(table, "table");
    }
    if (query != null) {
      errors.requireNonBlank(query, "query");
    }
    errors.requireNonBlank(userEnv, "user_env");
    errors.requireNonBlank(passwordEnv, "password_env");
    errors.requirePositive(numPartitions, "num_partitions");
    errors.requirePositive(fetchSize, "fetch_size");
    if (partitionColumn == null && (lowerBound != null || upperBound != null)) {
      errors.add("partition_column", "is required with lower_bound and upper_bound");
    }
    if ((lowerBound == null) != (upperBound == null)) {
      errors.add("lower_bound", "give both lower_bound and upper_bound, or neither (then they are "
          + "found with a MIN/MAX query)");
    }
    if (partitionColumn != null) {
      errors.requireNonBlank(partitionColumn, "partition_column");
    }
    if (watermarkColumn != null) {
      errors.requireNonBlank(watermarkColumn, "watermark_column");
    }
  }
}
