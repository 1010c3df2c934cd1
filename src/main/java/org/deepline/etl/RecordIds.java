package org.deepline.etl;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;

/**
 * Gives every raw record a stable {@value #RECORD_ID}: the same record gets the same id on every
 * re-run, which is what split membership, leakage checks and idempotent re-scoring rely on.
 *
 * <p>With declared key columns the id is the key itself. Without one (most CSV extracts) it is a hash
 * of the record's content; identical records are real (two customers with the same plan) and are told
 * apart by their occurrence number, so none is dropped.
 */
public final class RecordIds {
  public static final String RECORD_ID = "_record_id";
  /** Occurrence of the same id within one load: 1 for the first, 2 for a repeat. */
  public static final String OCCURRENCE = "_occurrence";
  /** How many records of the load share the id (before the occurrence suffix). */
  public static final String COPIES = "_copies";
  private static final String FIELD_SEPARATOR = "\u001f";
  private static final String NULL_MARKER = "\u0000";
  private static final int HASH_HEX_CHARS = 20;

  private RecordIds() {}

  public static Dataset<Row> assign(Dataset<Row> raw, List<String> key, List<String> contentColumns) {
    Column base;
    if (key.isEmpty()) {
      Column[] values = contentColumns.stream()
          .map(c -> functions.coalesce(Columns.col(c), functions.lit(NULL_MARKER)))
          .toArray(Column[]::new);
      base = functions.substring(functions.sha2(functions.concat_ws(FIELD_SEPARATOR, values), 256),
          1, HASH_HEX_CHARS);
    } else {
      // One key column is its trimmed value; several are a JSON array, so ("a|b", "c") and
      // ("a", "b|c") stay apart.
      Column[] values = key.stream().map(c -> functions.trim(Columns.col(c))).toArray(Column[]::new);
      base = values.length == 1 ? values[0] : functions.to_json(functions.array(values));
    }
    Dataset<Row> withBase = raw.withColumn("_id_base", base);
    Dataset<Row> numbered = withBase
        .withColumn(OCCURRENCE, functions.row_number().over(
            Window.partitionBy("_id_base").orderBy(functions.col(CsvSource.SOURCE_FILE))))
        .withColumn(COPIES, functions.count(functions.lit(1)).over(Window.partitionBy("_id_base")));
    Column id = key.isEmpty()
        ? functions.concat_ws("-", functions.col("_id_base"), functions.col(OCCURRENCE).cast("string"))
        : functions.col("_id_base");
    return numbered.withColumn(RECORD_ID, id).drop("_id_base");
  }
}
