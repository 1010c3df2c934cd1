package org.deepline.sampling;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.etl.RecordIds;

/**
 * An order-independent fingerprint of which records form a split: the XOR of their ids' 64-bit
 * hashes. A feature model records the fingerprint of the rows it was fitted on; the leakage gate
 * recomputes it from the splits table to prove the model saw exactly the training split.
 */
public final class SplitFingerprint {
  private SplitFingerprint() {}

  /** Fingerprint of the records of {@code rows} whose split is {@code split}; 0 for none. */
  public static long of(Dataset<Row> rows, String split) {
    Row result = rows.where(functions.col(StratifiedSplitter.SPLIT).equalTo(split))
        .agg(functions.bit_xor(recordHash()))
        .head();
    return result.isNullAt(0) ? 0L : result.getLong(0);
  }

  /** The per-record hash the fingerprint XORs; aggregate it with {@code bit_xor}. */
  public static Column recordHash() {
    return functions.xxhash64(functions.col(RecordIds.RECORD_ID));
  }

  /** A fingerprint as the run record shows it: 16 hex digits. */
  public static String format(long fingerprint) {
    return String.format("%016x", fingerprint);
  }
}
