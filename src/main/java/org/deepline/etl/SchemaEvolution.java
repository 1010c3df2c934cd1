package org.deepline.etl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.deepline.core.DeeplineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a source's columns may differ from {@code schema.columns}, per {@code source.schema_evolution}:
 *
 * <ul>
 *   <li>{@value SourceConfig#FAIL}: the source must have exactly the declared columns; an undeclared
 *       column (one the source gained) or a declared one it lacks fails the load before anything is
 *       written, naming them and the source.</li>
 *   <li>{@value SourceConfig#ADD_COLUMNS}: undeclared source columns are loaded into bronze and silver
 *       as they are (text from CSV, the source's type otherwise), which adds them to the tables by
 *       Delta schema evolution; a declared column the source lacks is loaded as null when it is
 *       nullable and fails the load otherwise.</li>
 *   <li>{@value SourceConfig#BRONZE_ONLY}: undeclared source columns are kept in bronze only; a
 *       declared column the source lacks fails the load.</li>
 * </ul>
 *
 * <p>A JDBC source's {@code watermark_column} and {@code partition_column} are named by its config
 * and are never undeclared: they stay in bronze unless the schema declares them. Nor is a CSV
 * header's field left empty (a line ending in the delimiter, as many exports write it, which Spark
 * names {@code _c<position>}): it stays in bronze, with a warning, under every policy, since no
 * config can declare it.
 *
 * <p>The check compares column names only, after ingest's renaming for Delta ({@link ColumnNames});
 * types are checked by {@link SilverTyping}. {@link #check} runs on the source's schema, so it reads
 * no row.
 */
public final class SchemaEvolution {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaEvolution.class);
  /** How Spark names a CSV header field left empty: {@code _c} and its position from 0. */
  static final String UNNAMED_CSV_PREFIX = "_c";
  /** Columns ingest adds to every source: never a source column of the user's. */
  private static final Set<String> DEEPLINE_COLUMNS = Set.of(SourceReader.CORRUPT_RECORD,
      SourceReader.SOURCE_FILE, SilverTyping.RAW_RECORD);

  private SchemaEvolution() {}

  /**
   * How a source differs from the declared schema, once the policy accepted it.
   *
   * @param undeclared source columns {@code schema.columns} does not declare, in source order
   * @param carried    the undeclared columns that go to silver ({@value SourceConfig#ADD_COLUMNS})
   * @param missing    declared columns the source does not have, loaded as null
   *                   ({@value SourceConfig#ADD_COLUMNS}, nullable columns only)
   */
  public record Drift(List<String> undeclared, List<String> carried, List<String> missing) {
    public static final Drift NONE = new Drift(List.of(), List.of(), List.of());

    public Drift {
      undeclared = List.copyOf(undeclared);
      carried = List.copyOf(carried);
      missing = List.copyOf(missing);
    }
  }

  /**
   * Applies {@code config.schemaEvolution()} to the source's columns ({@code columns}, deepline's
   * own left out here): fails on a missing declared column the policy does not load as null, else
   * returns what differs. Undeclared columns are checked by {@link #requireDeclared}.
   *
   * @param where how the error names where the columns come from ("the CSV header")
   * @param hint  appended to an error about missing columns (renames, a JSON layout hint)
   */
  public static Drift check(List<String> columns, SourceConfig config, SchemaConfig schema,
      String where, String hint) {
    List<String> present = columns.stream().filter(c -> !DEEPLINE_COLUMNS.contains(c)).toList();
    Set<String> declared = new LinkedHashSet<>(schema.byName().keySet());
    List<String> missing = schema.columns().stream().map(ColumnSpec::name)
        .filter(c -> !present.contains(c)).toList();
    List<String> named = namedBySource(config);
    List<String> unnamed = unnamedInHeader(config, present);
    if (!unnamed.isEmpty()) {
      LOG.warn("source {}: {} column(s) {} of {} have no name (a line ending in the delimiter?); "
          + "kept in bronze only", config.describe(), unnamed.size(), unnamed, where);
    }
    List<String> undeclared = present.stream()
        .filter(c -> !declared.contains(c) && !named.contains(c) && !unnamed.contains(c)).toList();
    String policy = config.schemaEvolution();
    String source = "source " + config.describe() + ": ";
    List<String> filled = new ArrayList<>();
    if (!missing.isEmpty()) {
      List<String> required = SourceConfig.ADD_COLUMNS.equals(policy) ? schema.columns().stream()
          .filter(c -> missing.contains(c.name()) && !c.nullable()).map(ColumnSpec::name).toList()
          : missing;
      if (!required.isEmpty()) {
        String nullable = SourceConfig.ADD_COLUMNS.equals(policy)
            ? " (not nullable, so source.schema_evolution add_columns cannot load it as null)"
            : nullableHint(config, schema, missing);
        throw new DeeplineException(source + "declared column(s) " + required + " missing from "
            + where + " " + present + nullable + hint);
      }
      filled.addAll(missing);
    }
    return new Drift(undeclared, SourceConfig.ADD_COLUMNS.equals(policy) ? undeclared : List.of(),
        filled);
  }

  /**
   * For declared columns the source lacks that are all nullable, under {@code fail}: the policy
   * that loads them as null. Why: a JSON writer (Spark's, pandas' {@code to_json}) leaves out a key
   * whose value is null, so a date where no record has a value has no such column, and the error
   * alone sent users to the data (the seventh sweep).
   */
  private static String nullableHint(SourceConfig config, SchemaConfig schema,
      List<String> missing) {
    boolean allNullable = schema.columns().stream()
        .filter(c -> missing.contains(c.name())).allMatch(ColumnSpec::nullable);
    if (!allNullable) {
      return "";
    }
    return "; declared nullable, so source.schema_evolution add_columns would load "
        + (missing.size() == 1 ? "it" : "them") + " as null"
        + (SourceConfig.JSON.equals(config.format()) ? " (a JSON writer leaves out a key whose "
            + "value is null: in a file where no record has a value the key is gone)" : "");
  }

  /** Whether the source is CSV whose files start with a header line (unless its options say not). */
  static boolean hasHeaderLine(SourceConfig config) {
    return SourceConfig.CSV.equals(config.format())
        && config.options().entrySet().stream().noneMatch(option ->
            "header".equalsIgnoreCase(option.getKey())
                && "false".equalsIgnoreCase(option.getValue()));
  }

  /**
   * A CSV source's header fields left empty, as Spark names them: the field at position {@code i}
   * is {@code _c<i>} (no schema can declare it: deepline's names start with '_'). None for other
   * formats, or when the source's options say the files have no header.
   */
  static List<String> unnamedInHeader(SourceConfig config, List<String> header) {
    if (!hasHeaderLine(config)) {
      return List.of();
    }
    List<String> unnamed = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).equals(UNNAMED_CSV_PREFIX + i)) {
        unnamed.add(header.get(i));
      }
    }
    return unnamed;
  }

  /**
   * Source columns the source's own config names, which are expected there without being declared
   * (they stay in bronze): a JDBC source's watermark and partition columns.
   */
  static List<String> namedBySource(SourceConfig config) {
    if (!config.isJdbc() || config.jdbc() == null) {
      return List.of();
    }
    return Stream.of(config.jdbc().watermarkColumn(), config.jdbc().partitionColumn())
        .filter(Objects::nonNull).toList();
  }

  /**
   * Fails under {@value SourceConfig#FAIL} when the source has columns the schema does not declare;
   * run after {@link #check} and the checks of declared names, whose errors say more.
   */
  public static void requireDeclared(Drift drift, SourceConfig config, String where) {
    if (SourceConfig.FAIL.equals(config.schemaEvolution()) && !drift.undeclared().isEmpty()) {
      throw new DeeplineException("source " + config.describe() + ": column(s) "
          + drift.undeclared() + " of " + where + " not declared in schema.columns; declare them, or "
          + "set source.schema_evolution to " + SourceConfig.ADD_COLUMNS + " (load them into silver "
          + "too) or " + SourceConfig.BRONZE_ONLY + " (keep them in bronze only)");
    }
  }

  /**
   * Bronze rows with every declared column they lack added as null text, which typing reads as a
   * missing value: a declared nullable column the source does not have
   * ({@value SourceConfig#ADD_COLUMNS}). A pure function; a no-op when nothing is missing.
   */
  public static Dataset<Row> withMissingAsNull(Dataset<Row> bronze, SchemaConfig schema) {
    List<String> present = Arrays.asList(bronze.columns());
    Dataset<Row> filled = bronze;
    for (ColumnSpec column : schema.columns()) {
      if (!present.contains(column.name())) {
        filled = filled.withColumn(column.name(), functions.lit(null).cast(DataTypes.StringType));
      }
    }
    return filled;
  }

  /** {@code columns} that a table with columns {@code existing} does not have yet. */
  public static List<String> newTo(List<String> columns, String[] existing) {
    List<String> known = Arrays.asList(existing);
    return columns.stream().filter(c -> !known.contains(c)).toList();
  }
}
