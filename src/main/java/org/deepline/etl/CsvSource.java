package org.deepline.etl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;

/**
 * Reads CSV files as they are: every column as a string, malformed lines kept whole in
 * {@value #CORRUPT_RECORD}, and the file each row came from in {@value #SOURCE_FILE}. Typing happens
 * later ({@link SilverTyping}) so that a bad value can be quarantined with its reason instead of
 * silently becoming null.
 */
public final class CsvSource {
  public static final String CORRUPT_RECORD = "_corrupt_record";
  public static final String SOURCE_FILE = "_source_file";
  /** Spark's header check message, up to the file it names (the rest is a task stack trace). */
  private static final java.util.regex.Pattern HEADER_MISMATCH = java.util.regex.Pattern.compile(
      "CSV header does not conform to the schema\\.[\\s\\S]*?CSV file: \\S+");

  private CsvSource() {}

  public static Dataset<Row> read(SparkSession spark, SourceConfig source, SchemaConfig schema) {
    List<String> header = header(spark, source);
    Set<String> missing = new LinkedHashSet<>();
    schema.columns().forEach(c -> {
      if (!header.contains(c.name())) {
        missing.add(c.name());
      }
    });
    if (!missing.isEmpty()) {
      throw new DeeplineException("source " + source.path() + ": declared column(s) " + missing
          + " missing from the CSV header " + header);
    }
    StructType raw = new StructType();
    for (String name : header) {
      raw = raw.add(name, DataTypes.StringType, true);
    }
    raw = raw.add(CORRUPT_RECORD, DataTypes.StringType, true);
    return reader(spark, source)
        .schema(raw)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT_RECORD)
        // A file whose header differs from the first file's is an error, not a silent column shift.
        .option("enforceSchema", "false")
        .csv(source.path())
        .withColumn(SOURCE_FILE, functions.col("_metadata.file_path"));
  }

  /**
   * Turns a failure met while reading the files into a one-line error when it is the input's fault
   * (Spark reports a file whose header differs from the first file's deep inside a task failure);
   * anything else is rethrown as it is.
   */
  public static RuntimeException explain(Exception failure, SourceConfig source) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      java.util.regex.Matcher header =
          message == null ? null : HEADER_MISMATCH.matcher(message);
      if (header != null && header.find()) {
        return new DeeplineException("source " + source.path() + ": "
            + header.group().lines().map(String::strip)
                .collect(java.util.stream.Collectors.joining(" ")));
      }
    }
    return failure instanceof RuntimeException runtime ? runtime
        : new IllegalStateException("reading " + source.path() + " failed", failure);
  }

  /** The column names of the source's header line, in order; reads one line. */
  static List<String> header(SparkSession spark, SourceConfig source) {
    try {
      String[] names = reader(spark, source).csv(source.path()).columns();
      List<String> header = new ArrayList<>(Arrays.asList(names));
      Set<String> unique = new LinkedHashSet<>(header);
      if (unique.size() != header.size()) {
        throw new DeeplineException("source " + source.path() + ": duplicate column names in the header "
            + header);
      }
      return header;
    } catch (DeeplineException e) {
      throw e;
    } catch (Exception e) {
      // Spark's Scala API throws the checked AnalysisException (e.g. path does not exist) undeclared.
      String reason = e instanceof AnalysisException analysis ? analysis.getSimpleMessage() : e.toString();
      throw new DeeplineException("source.path: cannot read " + source.path() + ": " + reason, e);
    }
  }

  private static DataFrameReader reader(SparkSession spark, SourceConfig source) {
    return spark.read()
        .option("header", "true")
        .option("inferSchema", "false")
        .options(source.options());
  }
}
