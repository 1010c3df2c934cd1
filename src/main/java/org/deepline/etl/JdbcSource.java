package org.deepline.etl;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;

/**
 * Reads a table or query of a database over JDBC ({@link JdbcConfig}), in parallel ranges of a
 * partition column and, with a watermark column, only the rows changed since a given watermark.
 *
 * <p>Two small queries over plain JDBC come before Spark's read: the highest watermark now (the load
 * reads up to it, so that rows changed during the load are left for the next one rather than half
 * read), and the partition column's range when its bounds are not configured. Both name a missing
 * table or column in a one-line error before any task starts.
 *
 * <pre>{@code
 * JdbcSource.Extract extract = JdbcSource.extract(spark, config, Optional.of("2026-11-23 00:00:00"),
 *     Optional.empty(), System::getenv);
 * extract.rows();          // the changed rows, read by Spark in num_partitions ranges
 * extract.highWatermark(); // what Watermarks records once the load has committed
 * }</pre>
 */
public final class JdbcSource {
  /** The alias of the derived table Spark reads from; Spark adds each range's WHERE clause to it. */
  private static final String READ_ALIAS = "deepline_source";
  private static final String POSTGRESQL_DRIVER = "org.postgresql.Driver";
  /** The SQLSTATE class of connection exceptions (SQL standard; PostgreSQL's 08001, 08006, ...). */
  private static final String CONNECTION_STATE_CLASS = "08";
  /**
   * PostgreSQL's states of a server that a later attempt may find well: shut down by an
   * administrator or a crash (57P01, 57P02), starting up (57P03), too many connections (53300).
   */
  private static final java.util.Set<String> PASSING_STATES =
      java.util.Set.of("57P01", "57P02", "57P03", "53300");

  private JdbcSource() {}

  /**
   * What a load reads: its rows (not yet read: Spark reads them when they are written), and the
   * watermark it reads up to, to be recorded when the load commits (null without a watermark column,
   * or when the source has no row yet).
   */
  public record Extract(Dataset<Row> rows, String highWatermark) {}

  /**
   * Plans the read: checks the connection, table and columns and finds the high watermark and the
   * partition bounds now; the rows themselves are read by Spark later.
   *
   * @param since       the watermark of the last committed load; empty for a full load
   * @param ceiling     where the read stops when a later date was loaded ({@link Watermarks#ceiling});
   *                    empty: at the source's highest watermark value now
   * @param environment where {@code user_env} and {@code password_env} are looked up (the process
   *                    environment, {@code System::getenv})
   */
  public static Extract extract(SparkSession spark, JdbcConfig config, Optional<String> since,
      Optional<Watermarks.Ceiling> ceiling, UnaryOperator<String> environment) {
    Properties credentials = credentials(config, environment);
    String high = null;
    String select = "SELECT * FROM " + config.relation();
    try (Connection connection = DriverManager.getConnection(config.url(), credentials)) {
      if (config.incremental()) {
        // Under a ceiling the load reads up to it and records it, where the later load started:
        // the highest value left below it may be under the previous date's mark by now.
        high = ceiling.isPresent() ? ceiling.get().value()
            : single(connection, "SELECT MAX(" + config.watermarkColumn() + ") FROM "
                + config.relation()).get(0);
        select += " WHERE " + changedSince(config.watermarkColumn(), since, high);
      }
      DataFrameReader reader = spark.read().format("jdbc")
          .option("url", config.url())
          .option("driver", POSTGRESQL_DRIVER)
          .option("dbtable", "(" + select + ") AS " + READ_ALIAS)
          .option("fetchsize", config.fetchSize())
          .options(asOptions(credentials));
      if (config.partitionColumn() != null) {
        List<String> bounds = config.lowerBound() != null
            ? List.of(config.lowerBound(), config.upperBound())
            : single(connection, "SELECT MIN(" + config.partitionColumn() + "), MAX("
                + config.partitionColumn() + ") FROM (" + select + ") AS " + READ_ALIAS);
        // An empty range (no row to read) is one plain read: Spark rejects null bounds.
        if (bounds.get(0) != null) {
          reader = reader.option("partitionColumn", config.partitionColumn())
              .option("lowerBound", bounds.get(0))
              .option("upperBound", bounds.get(1))
              .option("numPartitions", config.numPartitions());
        }
      }
      return new Extract(reader.load(), high);
    } catch (SQLException e) {
      throw failed(config, e);
    } catch (DeeplineException e) {
      throw e;
    } catch (RuntimeException e) {
      // Spark resolves the schema with a query of its own: the same errors, wrapped.
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof SQLException sql) {
          throw failed(config, sql);
        }
      }
      throw e;
    }
  }

  /**
   * The condition of an incremental read: above the last load's watermark (all rows on the first
   * load), up to the high watermark. PostgreSQL reads the quoted text into the column's own type.
   */
  static String changedSince(String column, Optional<String> since, String high) {
    if (high == null) {
      return "FALSE";
    }
    String upTo = column + " <= " + literal(high);
    return since.map(mark -> column + " > " + literal(mark) + " AND " + upTo).orElse(upTo);
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** The one row of a query, each column as the database prints it. */
  private static List<String> single(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      List<String> values = new ArrayList<>();
      for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
        values.add(result.getString(i));
      }
      return values;
    }
  }

  private static Properties credentials(JdbcConfig config, UnaryOperator<String> environment) {
    Properties credentials = new Properties();
    credentials.setProperty("user", fromEnvironment(environment, config.userEnv(), "jdbc.user_env"));
    credentials.setProperty("password",
        fromEnvironment(environment, config.passwordEnv(), "jdbc.password_env"));
    return credentials;
  }

  /** The value of {@code variable}; a missing one is named with its config key below source. */
  static String fromEnvironment(UnaryOperator<String> environment, String variable,
      String key) {
    String value = environment.apply(variable);
    if (value == null || value.isEmpty()) {
      throw new DeeplineException("source." + key + ": environment variable " + variable
          + " is not set");
    }
    return value;
  }

  private static Map<String, String> asOptions(Properties properties) {
    Map<String, String> options = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(name -> options.put(name, properties.getProperty(name)));
    return options;
  }

  /**
   * The database's own first line (e.g. {@code relation "loans" does not exist}, {@code column
   * "updated" does not exist}, {@code password authentication failed for user "etl"}), which never
   * holds the password, with the source it concerns.
   */
  private static DeeplineException failed(JdbcConfig config, SQLException e) {
    String reason = e.getMessage() == null ? e.getClass().getSimpleName()
        : e.getMessage().lines().findFirst().orElse(e.getMessage());
    return new DeeplineException(unreachable(e) ? Failure.INFRASTRUCTURE : Failure.INPUT,
        "source " + config.describe() + ": " + reason, e);
  }

  /**
   * Whether the database could not be reached, the connection broke, or the server is starting,
   * stopping or full (SQLSTATE class {@value #CONNECTION_STATE_CLASS}, {@link #PASSING_STATES}, or
   * a network error beneath): trouble worth a retry, told apart from a wrong password, table or
   * column, which a retry does not mend.
   */
  static boolean unreachable(SQLException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException) {
        return true;
      }
      if (cause instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith(CONNECTION_STATE_CLASS)
              || PASSING_STATES.contains(sql.getSQLState()))) {
        return true;
      }
    }
    return false;
  }
}
