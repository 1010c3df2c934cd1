package org.deepline.etl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.HashPartitioner;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.Columns;
import scala.Tuple2;

/**
 * Gives every raw record a stable {@value #RECORD_ID}: the same record gets the same id on every
 * re-run, which is what split membership, leakage checks and idempotent re-scoring rely on.
 *
 * <p>With declared key columns the id is the key itself. Without one (most CSV extracts) it is a hash
 * of the record's content, {@code <16 upper-case hex digits of xxhash64><4 of Murmur3>-<occurrence>} (80 bits of
 * hash, 22 characters for a record without copies); identical records are real (two customers with
 * the same plan) and are told apart by their occurrence number, so none is dropped.
 *
 * <p>Numbering occurrences needs the records of one id side by side, but almost every id occurs
 * once. So one aggregation over a 64-bit hash of the id finds the few hashes that repeat; only the
 * records carrying one of them are grouped and numbered, the others get occurrence 1 where they are.
 * The whole load is shuffled and sorted only when more than {@value #MAX_REPEATED_HASHES} hashes
 * repeat.
 */
public final class RecordIds {
  public static final String RECORD_ID = "_record_id";
  /** Occurrence of the same id within one load: 1 for the first, 2 for a repeat. */
  public static final String OCCURRENCE = "_occurrence";
  /** How many records of the load share the id (before the occurrence suffix). */
  public static final String COPIES = "_copies";
  private static final String NULL_MARKER = "\u0000";
  /** Hex digits of the 64-bit content hash in an id. */
  private static final int HASH_HEX_DIGITS = 16;
  /**
   * The low bits of a second (Murmur3) hash of the content that follow it: 80 bits in all, as the
   * id had when it was cut from a SHA-256, so that two different records of a warehouse share an id
   * about as rarely as they did.
   */
  private static final int EXTRA_HASH_MASK = 0xFFFF;
  private static final int EXTRA_HEX_DIGITS = 4;
  /**
   * Repeating id hashes the driver collects and broadcasts (8 bytes each); beyond this the load is
   * numbered by a window over all records instead.
   */
  static final int MAX_REPEATED_HASHES = 1_000_000;
  private static final String ID_BASE = "_id_base";
  /** The 64-bit hash of the id, a working column of {@link #assign}. */
  static final String ID_HASH = "_id_hash";
  /** The array each bucket of a task's hashes starts in; it doubles as they come. */
  private static final int INITIAL_BUCKET_HASHES = 1 << 10;
  /** The hashes a task holds before it hands them on: 32 MB of longs. */
  static final int HASHES_PER_FLUSH = 1 << 22;
  /** Bits of a value one hex digit writes. */
  private static final int HEX_DIGIT_BITS = 4;
  private static final int FIRST = 1;
  /**
   * The most copies of one record a split keeps together ({@link #copyGroupId}). A source loaded
   * twice or three times repeats each record that often, and its copies must not be scored as
   * unseen rows; a record repeated far more often is a kind of record, not a copy. R's Titanic
   * with one row per passenger has 387 identical rows of third-class adult men who died: kept
   * together, its 2,201 rows made 24 groups, and each split a lottery of a few of them (a test
   * split of 55 rows, 93 % positive).
   */
  public static final int MAX_COPIES_KEPT_TOGETHER = 10;
  private static final String OCCURRENCE_SUFFIX = "-[0-9]+$";

  private RecordIds() {}

  public static Dataset<Row> assign(Dataset<Row> raw, List<String> key, List<String> contentColumns) {
    Column base;
    Column hash;
    if (key.isEmpty()) {
      // Typed values are hashed as they are (a timestamp as its microseconds, whatever the session
      // time zone): converting every field to text for a SHA-256 cost more than writing the row.
      Column[] content = hashInputs(raw.schema(), contentColumns);
      hash = functions.xxhash64(content);
      // Spark's hex digits are upper case; turning them to lower case cost as much as the padding.
      base = functions.concat(fixedWidthHex(functions.col(ID_HASH), HASH_HEX_DIGITS),
          fixedWidthHex(functions.hash(content).bitwiseAND(EXTRA_HASH_MASK), EXTRA_HEX_DIGITS));
    } else {
      // One key column is its trimmed value; several are a JSON array, so ("a|b", "c") and
      // ("a", "b|c") stay apart.
      Column[] identity = key.stream()
          .map(c -> functions.trim(asText(c, raw.schema().apply(c).dataType())))
          .toArray(Column[]::new);
      base = identity.length == 1 ? identity[0] : functions.to_json(functions.array(identity));
      hash = functions.xxhash64(identity);
    }
    // Equal ids have equal hashes; two ids that merely share a hash are numbered apart below, by id.
    Dataset<Row> hashed = raw.withColumn(ID_HASH, hash);
    List<Long> repeated = repeatedHashes(hashed.select(ID_HASH));
    Dataset<Row> numbered;
    if (repeated.isEmpty()) {
      numbered = once(hashed.withColumn(ID_BASE, base));
    } else if (repeated.size() > MAX_REPEATED_HASHES) {
      numbered = byWindow(hashed.withColumn(ID_BASE, base));
    } else {
      Dataset<Row> hashes = functions.broadcast(raw.sparkSession()
          .createDataset(repeated, Encoders.LONG()).toDF(ID_HASH));
      numbered = once(hashed.join(hashes, hashed.col(ID_HASH).equalTo(hashes.col(ID_HASH)),
              "left_anti").withColumn(ID_BASE, base))
          .unionByName(byWindow(hashed.join(hashes,
              hashed.col(ID_HASH).equalTo(hashes.col(ID_HASH)), "left_semi").withColumn(ID_BASE, base)));
    }
    Column id = key.isEmpty()
        ? functions.concat_ws("-", functions.col(ID_BASE), functions.col(OCCURRENCE).cast("string"))
        : functions.col(ID_BASE);
    return numbered.withColumn(RECORD_ID, id).drop(ID_BASE, ID_HASH);
  }

  /**
   * The id of the first copy of the record whose id is {@code id}, for ids of a load without key
   * columns ({@code <content hash>-<occurrence>}): exact copies of one record share it, so a split
   * that decides by it keeps them together (a copy in train and another in test would score the
   * model on a row it learned). A record without copies keeps its own id. Meaningless for keyed
   * ids, which carry no occurrence and never repeat in silver.
   */
  public static Column firstCopyId(Column id) {
    return functions.regexp_replace(id, OCCURRENCE_SUFFIX, "-" + FIRST);
  }

  /**
   * What a split keeps together, for ids of a load without key columns: the id of the first copy
   * of the record's run of {@value #MAX_COPIES_KEPT_TOGETHER} ({@code <hash>-1} for copies 1-10,
   * {@code <hash>-11} for 11-20, ...). A record with up to that many copies keeps all of them in
   * one split, as {@link #firstCopyId} would; a kind of record repeated hundreds of times is
   * spread over the splits in runs.
   */
  public static Column copyGroupId(Column id) {
    Column occurrence = functions.regexp_extract(id, "-([0-9]+)$", 1).cast("long");
    Column runStart = occurrence.minus(FIRST).divide(MAX_COPIES_KEPT_TOGETHER).cast("long")
        .multiply(MAX_COPIES_KEPT_TOGETHER).plus(FIRST);
    // An id without an occurrence (none of ingest's, but a hand-written splits input) is its own;
    // tested first, so the cast never sees an empty suffix (an error under ANSI mode).
    return functions.when(numbersCopies(id), functions.concat(
        functions.regexp_replace(id, OCCURRENCE_SUFFIX, "-"), runStart.cast("string")))
        .otherwise(id);
  }

  /**
   * The run a row of a record of {@code recordRows} rows (counting every label) belongs to, as a
   * split or a fold keeps a record's copies together: 0 for a record of at most
   * {@value #MAX_COPIES_KEPT_TOGETHER} rows (or of unknown rows, null); otherwise one of its
   * {@code ceil(recordRows / }{@value #MAX_COPIES_KEPT_TOGETHER}{@code )} runs, which each run of
   * copies ({@link #copyGroupId}) joins by a hash of its own. A record repeated hundreds of times is
   * spread in runs whose labels are a draw of the record's, not put in order.
   */
  public static Column copyRun(Column id, Column recordRows) {
    return functions.when(recordRows.gt(MAX_COPIES_KEPT_TOGETHER),
            functions.pmod(functions.xxhash64(copyGroupId(id)),
                functions.ceil(recordRows.divide(MAX_COPIES_KEPT_TOGETHER))))
        .otherwise(functions.lit(0L));
  }

  /**
   * A 64-bit hash of {@code columns}' values, as the record id's hashes read them (a null apart
   * from any value, typed values as they are).
   */
  public static Column contentHash(StructType schema, List<String> columns) {
    return functions.xxhash64(hashInputs(schema, columns));
  }

  private static Column[] hashInputs(StructType schema, List<String> columns) {
    return columns.stream().flatMap(c -> hashable(c, schema.apply(c).dataType()).stream())
        .toArray(Column[]::new);
  }

  /**
   * Whether {@code id} is a second or later copy of a record ({@code <content hash>-2}, ...): exactly
   * the ids whose {@link #firstCopyId} differs from them. The cheap suffix test goes first, so the
   * regular expression runs only on the rare ids that do not end in {@code -1}.
   */
  public static Column isLaterCopy(Column id) {
    return functions.not(id.endsWith("-" + FIRST)).and(firstCopyId(id).notEqual(id));
  }

  /** Whether {@code id} is a load's without key columns, {@code <content hash>-<n>}. */
  public static Column numbersCopies(Column id) {
    return id.rlike(OCCURRENCE_SUFFIX);
  }

  /**
   * {@code value} as {@code digits} upper-case hex digits with leading zeros, for {@code 0 <= value
   * < 16^digits}, or any long when {@code digits} is 16 (a negative one as its 16 digits of two's
   * complement). What
   * {@code lpad(hex(value), digits, '0')} gives, without its cost on the values that need no
   * padding, 15 in 16 of uniform hashes: Spark's {@code lpad} counts the characters of its input
   * and copies it even when it pads nothing, a tenth of the CPU of writing bronze's record ids.
   */
  public static Column fixedWidthHex(Column value, int digits) {
    long padless = 1L << (HEX_DIGIT_BITS * (digits - 1));
    return functions.when(value.lt(0).or(value.geq(padless)), functions.hex(value))
        .otherwise(functions.lpad(functions.hex(value), digits, "0"));
  }

  /**
   * The hashes that occur more than once, at most {@value #MAX_REPEATED_HASHES} + 1 of them per
   * bucket. Each task sorts its hashes into one primitive array per bucket of hash values, the
   * arrays are shuffled whole, and each bucket's sorted again on the other side: a shuffle of the
   * hashes as rows serialised, wrote and read each 8-byte value as a row of its own (1.9 CPU-s
   * for flights-3m's 3 M hashes, 1.3 in arrays), and an aggregation counted them in two hash maps,
   * although almost every hash occurs once and no count is needed.
   */
  static List<Long> repeatedHashes(Dataset<Row> hashes) {
    return repeatedHashes(hashes, HASHES_PER_FLUSH);
  }

  /** {@link #repeatedHashes(Dataset)}, a task handing its hashes on every {@code perFlush}. */
  static List<Long> repeatedHashes(Dataset<Row> hashes, int perFlush) {
    int buckets = hashes.sparkSession().sessionState().conf().numShufflePartitions();
    return hashes.select(ID_HASH).as(Encoders.LONG()).javaRDD()
        .mapPartitionsToPair(values -> byBucket(values, buckets, perFlush))
        .partitionBy(new HashPartitioner(buckets))
        .mapPartitions(RecordIds::repeatedIn)
        .collect();
  }

  /**
   * {@code hashes} in arrays by their value modulo {@code buckets}, each sorted, at most
   * {@value #HASHES_PER_FLUSH} hashes of a task held at a time: a task of hundreds of millions of
   * rows (one gzip file, a JDBC read without partitions) hands its hashes on in rounds instead of
   * holding them all in memory Spark does not manage.
   */
  private static Iterator<Tuple2<Integer, long[]>> byBucket(Iterator<Long> hashes, int buckets,
      int perFlush) {
    return new Iterator<>() {
      private final Deque<Tuple2<Integer, long[]>> ready = new ArrayDeque<>();

      @Override
      public boolean hasNext() {
        fill();
        return !ready.isEmpty();
      }

      @Override
      public Tuple2<Integer, long[]> next() {
        fill();
        if (ready.isEmpty()) {
          throw new NoSuchElementException();
        }
        return ready.poll();
      }

      /** Reads the next round of hashes when the last one is handed on. */
      private void fill() {
        if (!ready.isEmpty() || !hashes.hasNext()) {
          return;
        }
        long[][] values = new long[buckets][];
        int[] sizes = new int[buckets];
        for (int held = 0; held < perFlush && hashes.hasNext(); held++) {
          long hash = hashes.next();
          int bucket = (int) Math.floorMod(hash, (long) buckets);
          if (values[bucket] == null) {
            values[bucket] = new long[INITIAL_BUCKET_HASHES];
          } else if (sizes[bucket] == values[bucket].length) {
            values[bucket] = Arrays.copyOf(values[bucket], values[bucket].length * 2);
          }
          values[bucket][sizes[bucket]++] = hash;
        }
        for (int bucket = 0; bucket < buckets; bucket++) {
          if (sizes[bucket] > 0) {
            long[] bucketValues = Arrays.copyOf(values[bucket], sizes[bucket]);
            Arrays.sort(bucketValues);
            ready.add(new Tuple2<>(bucket, bucketValues));
          }
        }
      }
    };
  }

  /** Each value of one bucket's {@code arrays} that occurs more than once, once, up to the cap. */
  private static Iterator<Long> repeatedIn(Iterator<Tuple2<Integer, long[]>> arrays) {
    List<long[]> parts = new ArrayList<>();
    int size = 0;
    while (arrays.hasNext()) {
      long[] part = arrays.next()._2();
      parts.add(part);
      size += part.length;
    }
    long[] values = new long[size];
    int filled = 0;
    for (long[] part : parts) {
      System.arraycopy(part, 0, values, filled, part.length);
      filled += part.length;
    }
    Arrays.sort(values);
    List<Long> repeated = new ArrayList<>();
    for (int i = 1; i < size && repeated.size() <= MAX_REPEATED_HASHES; i++) {
      if (values[i] == values[i - 1] && (i == 1 || values[i - 1] != values[i - 2])) {
        repeated.add(values[i]);
      }
    }
    return repeated.iterator();
  }

  /** Records whose id occurs once: occurrence 1 of 1. */
  private static Dataset<Row> once(Dataset<Row> rows) {
    return rows.withColumn(OCCURRENCE, functions.lit(FIRST))
        .withColumn(COPIES, functions.lit((long) FIRST));
  }

  /** Records numbered within their id, in source file order. */
  private static Dataset<Row> byWindow(Dataset<Row> rows) {
    return rows
        .withColumn(OCCURRENCE, functions.row_number().over(
            Window.partitionBy(ID_BASE).orderBy(functions.col(SourceReader.SOURCE_FILE))))
        .withColumn(COPIES, functions.count(functions.lit(1)).over(Window.partitionBy(ID_BASE)));
  }

  /**
   * A content column as the id hash reads it: text as it is (a null and the null marker are one id),
   * typed values as they are, nested values as JSON. Spark's hashes skip a null, so a typed value
   * comes with whether it is null: ({@code null}, 5) and (5, {@code null}) are two records.
   */
  private static List<Column> hashable(String name, DataType type) {
    Column value = Columns.col(name);
    if (type == DataTypes.StringType) {
      return List.of(functions.coalesce(value, functions.lit(NULL_MARKER)));
    }
    if (type instanceof ArrayType || type instanceof MapType || type instanceof StructType) {
      value = functions.to_json(value);
    }
    return List.of(value, value.isNull());
  }

  /**
   * A key column as text: strings as they are, typed values in a form that does not depend on the
   * session: a timestamp as its microseconds since the epoch (its text would follow the session
   * time zone), nested values as JSON.
   */
  private static Column asText(String name, DataType type) {
    Column value = Columns.col(name);
    if (type == DataTypes.StringType) {
      return value;
    }
    if (type == DataTypes.TimestampType) {
      return functions.expr("unix_micros(" + Columns.quote(name) + ")").cast(DataTypes.StringType);
    }
    if (type instanceof ArrayType || type instanceof MapType || type instanceof StructType) {
      return functions.to_json(value);
    }
    if (type == DataTypes.BinaryType) {
      return functions.hex(value);
    }
    return value.cast(DataTypes.StringType);
  }
}
