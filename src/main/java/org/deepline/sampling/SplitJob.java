package org.deepline.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.PositiveClass;
import org.deepline.etl.RecordIds;
import org.deepline.etl.SchemaConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Split: stores which split every silver record of the run date belongs to, in the splits table
 * ({@code _record_id, label, _split, _fold}). Later stages join on it instead of re-deriving the
 * split. {@code _fold} is the training records' fold with {@code split.folds}, else null; tables
 * written before it existed gain it as null for their older dates.
 *
 * <p>The run record gets {@code rows_<split>}, {@code positive_rate_<split>} (of a multi-class
 * label {@code class_share_<split>:<class>} instead), {@code rows_train_fold_<j>} with folds, and the artifact {@value #FINGERPRINT_ARTIFACT}
 * ({@code split=<16 hex digits>} per split, by split name), all from one pass over the written
 * slice.
 */
public final class SplitJob implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(SplitJob.class);
  /** What a random or stratified split decides by: the record id, or its record's run. */
  private static final String COPY_GROUP = "_copy_group";
  /** What a stratified split stratifies by: the label, or a repeating record's majority label. */
  private static final String COPY_STRATUM = "_copy_stratum";
  /** The run record's artifact naming each split's {@link SplitFingerprint}. */
  public static final String FINGERPRINT_ARTIFACT = "split_fingerprint";
  /** The most common label values named when every row has the same class. */
  private static final int VALUES_NAMED = 5;
  /** The run record's metric prefix of a multi-class label's share of a split's rows per class. */
  public static final String CLASS_SHARE = "class_share_";

  /** A split's rows, labelled rows, positives and fingerprint, summed over its folds. */
  /**
   * One split's rows, the sum of their labels (a 0/1 label's positives), the labelled rows, the
   * fingerprint and the sum of the labels' squares (a regression label's spread).
   */
  private record SplitSummary(long rows, double positives, long labelled, long fingerprint,
      double squares) {
    SplitSummary plus(SplitSummary other) {
      return new SplitSummary(rows + other.rows, positives + other.positives,
          labelled + other.labelled, fingerprint ^ other.fingerprint, squares + other.squares);
    }

    /** The labels' standard deviation (a regression label's), 0 when they are one number. */
    double spread() {
      double mean = positives / labelled;
      return Math.sqrt(Math.max(0, squares / labelled - mean * mean));
    }
  }

  /** A regression label's split is stratified by these quantile bins of its number. */
  static final int REGRESSION_STRATA = 10;
  /** The rank error of the quantiles the strata are cut at: a stratum's bounds need not be exact. */
  private static final double STRATA_QUANTILE_ERROR = 0.001;
  private static final String TARGET_NUMBER = "_target_number";
  /** The split's metric of a regression label's mean per split, e.g. {@code label_mean_train}. */
  public static final String LABEL_MEAN = "label_mean_";

  /** Whether a date whose labelled rows are all one class fails (training follows) or is logged. */
  private final boolean requireBothClasses;

  /** The split a model is trained from: a date with one class only fails ({@link #oneClass}). */
  public SplitJob() {
    this(true);
  }

  private SplitJob(boolean requireBothClasses) {
    this.requireBothClasses = requireBothClasses;
  }

  /**
   * The split of a night that scores and evaluates a registered model ({@code nightly}): a date
   * with one class only is logged, not refused. A rare event that did not occur that day is data,
   * and evaluate reports what a single class allows; nothing is trained from it.
   */
  public static SplitJob forScoring() {
    return new SplitJob(false);
  }

  @Override
  public Name name() {
    return new Name("split",
        "Assign silver records to train/validation/test (random and stratified, by time or by group).");
  }

  @Override
  public List<Table> replacedTables() {
    return List.of(Table.SPLITS);
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    RunContext.Input silver = context.input(Table.SILVER);
    LabelConfig label = PositiveClass.named(context, context.section(LabelConfig.class),
        silver::rows, "split");
    SplitConfig config = context.section(SplitConfig.class);
    if (!declaresTwoClasses(context.section(SchemaConfig.class), label)) {
      classesBesideThePositive(silver.rows(), label, context.runDate()).ifPresent(LOG::warn);
    }
    if (label.isMulticlass()) {
      // Before a row is written: a class outside the kept ones has no index to split by.
      long unknown = silver.rows().where(label.target().isNull()).count();
      if (unknown > 0) {
        throw new DeeplineException(Failure.DATA_QUALITY, unknownClasses(silver.rows(), label,
            unknown, context.runDate()));
      }
    }
    if (label.isRegression()) {
      // Before a row is written: text that is no number has no label to split or learn.
      long notNumbers = silver.rows().where(Columns.col(label.column()).isNotNull()
          .and(label.target().isNull())).count();
      if (notNumbers > 0) {
        throw new DeeplineException(Failure.DATA_QUALITY, notNumbers(silver.rows(), label,
            notNumbers, context.runDate()));
      }
    }
    Dataset<Row> splits = split(silver.rows(), label, config,
        CopyGrouping.of(context.section(SchemaConfig.class), label));
    TableRef splitsRef = DeltaTables.replaceRunDate(splits, context.table(Table.SPLITS),
        context.runDate());

    StageResult.Builder result = StageResult.builder().input(silver.ref()).output(splitsRef);
    // One pass over the written slice: rows, labels and fingerprint per (split, fold, label),
    // whose label groups also give a multi-class label's rows per class. A regression label's
    // numbers are not grouped by (a group per number): their sum of squares gives the spread.
    Column number = functions.col(LabelConfig.LABEL).cast("double");
    List<Row> summary = DeltaTables.slice(spark, splitsRef, context.runDate())
        .groupBy(functions.col(StratifiedSplitter.SPLIT), functions.col(Folds.FOLD),
            label.isRegression() ? functions.lit(null).cast("double").as(LabelConfig.LABEL)
                : functions.col(LabelConfig.LABEL))
        .agg(functions.count(functions.lit(1)),
            functions.sum(number),
            functions.count(functions.col(LabelConfig.LABEL)),
            functions.bit_xor(SplitFingerprint.recordHash()),
            functions.sum(number.multiply(number)))
        .collectAsList();
    Map<String, SplitSummary> bySplit = new TreeMap<>();
    Map<Integer, Long> trainFolds = new TreeMap<>();
    Map<String, long[]> rowsByClass = new TreeMap<>();
    for (Row row : summary) {
      bySplit.merge(row.getString(0), new SplitSummary(row.getLong(3), row.isNullAt(4) ? 0
          : row.getDouble(4), row.getLong(5), row.getLong(6), row.isNullAt(7) ? 0
          : row.getDouble(7)), SplitSummary::plus);
      if (!row.isNullAt(1)) {
        trainFolds.merge(row.getInt(1), row.getLong(3), Long::sum);
      }
      if (label.isMulticlass() && !row.isNullAt(2)) {
        rowsByClass.computeIfAbsent(row.getString(0), split -> new long[label.classCount()])
            [(int) row.getDouble(2)] += row.getLong(3);
      }
    }
    long unlabelled = 0;
    long labelled = 0;
    double positives = 0;
    for (Map.Entry<String, SplitSummary> split : bySplit.entrySet()) {
      SplitSummary s = split.getValue();
      result.metric("rows_" + split.getKey(), s.rows());
      if (label.isRegression()) {
        result.metric(LABEL_MEAN + split.getKey(), s.labelled() == 0 ? Double.NaN
            : s.positives() / s.labelled());
      } else if (!label.isMulticlass()) {
        result.metric("positive_rate_" + split.getKey(), s.labelled() == 0 ? Double.NaN
            : s.positives() / s.labelled());
      }
      unlabelled += s.rows() - s.labelled();
      labelled += s.labelled();
      positives += s.positives();
    }
    if (unlabelled > 0) {
      // Ingest quarantines rows without a label; silver written before that rule, or by hand, may not.
      throw new DeeplineException("split: " + unlabelled + " silver rows of " + context.runDate()
          + " have no label (" + label.describe() + " is null); re-run ingest");
    }
    if (label.isRegression()) {
      requireSpread(bySplit.values().stream().reduce(SplitSummary::plus).orElse(null), label,
          context.runDate());
    } else if (label.isMulticlass()) {
      checkClasses(rowsByClass, label, context.runDate(), result);
    } else if (labelled > 0 && (positives == 0 || positives == labelled)) {
      String reason = oneClass(silver.rows(), label, labelled, positives > 0, context.runDate());
      if (requireBothClasses) {
        throw new DeeplineException(Failure.DATA_QUALITY, reason);
      }
      LOG.warn("{}; scored and evaluated as it is", reason);
    }
    for (String required : List.of(StratifiedSplitter.TRAIN, StratifiedSplitter.VALIDATION,
        StratifiedSplitter.TEST)) {
      if (!bySplit.containsKey(required)) {
        throw new DeeplineException("split: the " + required + " split of " + context.runDate()
            + " is empty; " + silver.ref().path() + " has too few rows for the configured fractions");
      }
    }
    if (config.folds() != null) {
      requireFolds(trainFolds, config, context.runDate());
      trainFolds.forEach((fold, rows) -> result.metric("rows_train_fold_" + fold, rows));
    }
    // The split's identity in the run record: what SplitFingerprint gives for each split, the value
    // the feature model records for the rows it was fitted on.
    result.artifact(FINGERPRINT_ARTIFACT, bySplit.entrySet().stream()
        .map(e -> e.getKey() + "=" + SplitFingerprint.format(e.getValue().fingerprint()))
        .collect(Collectors.joining(",")));
    return result.build();
  }

  /**
   * Fails when a regression label's rows of the date all hold one number: there is nothing to
   * learn, and a model would predict that number for every row; the split of a night that trains
   * nothing WARNs instead (its evaluation has no R²).
   */
  private void requireSpread(SplitSummary all, LabelConfig label, String runDate) {
    if (all == null || all.labelled() == 0 || all.spread() > 0) {
      return;
    }
    String reason = "split: all " + all.labelled() + " labelled rows of " + runDate + " hold the "
        + "number " + all.positives() / all.labelled() + " in " + label.describe()
        + ": a regression label must vary";
    if (requireBothClasses) {
      throw new DeeplineException(Failure.DATA_QUALITY, reason);
    }
    LOG.warn("{}; scored and evaluated as it is (no R²)", reason);
  }

  /**
   * Whether the label column declares at most two {@code allowed_values}: then validate refuses
   * any other value, and counting the column's classes for {@link #classesBesideThePositive}
   * would be a pass over silver that can find nothing.
   */
  static boolean declaresTwoClasses(SchemaConfig schema, LabelConfig label) {
    ColumnSpec spec = label.isExpression() ? null : schema.byName().get(label.column());
    return spec != null && !spec.allowedValues().isEmpty() && spec.allowedValues().size() <= 2;
  }

  /**
   * What to tell a user whose label column, with {@code label.positive} named, holds more than two
   * classes: every class but the positive one is labelled negative, which is right for one class
   * against the rest and wrong for a typo ({@code Y} beside {@code Yes}, silently negative).
   * Empty for an expression, a multi-class label, or a column of at most two classes.
   */
  public static Optional<String> classesBesideThePositive(Dataset<Row> silver, LabelConfig label,
      String runDate) {
    if (label.isExpression() || label.isMulticlass() || label.positive() == null) {
      return Optional.empty();
    }
    List<PositiveClass.ClassCount> classes = PositiveClass.classes(silver, label.column());
    if (classes.size() <= 2) {
      return Optional.empty();
    }
    String counts = classes.stream().limit(VALUES_NAMED * 2)
        .map(c -> "'" + c.value() + "' " + c.rows()).collect(Collectors.joining(", "));
    return Optional.of("split: " + label.describe() + " holds " + (classes.size()
        > LabelConfig.MAX_CLASSES ? "more than " + LabelConfig.MAX_CLASSES : classes.size())
        + " classes in the silver rows of " + runDate + " (" + counts + (classes.size()
        > VALUES_NAMED * 2 ? ", ..." : "") + "): '" + label.positive() + "' is the positive "
        + "class and every other one a negative; declare the column's allowed_values to reject "
        + "misspelt classes at ingest, or leave label.positive out for a multi-class label");
  }

  /**
   * A multi-class label's classes in each split ({@value #CLASS_SHARE}{@code <split>:<class>}),
   * from the summary pass's rows by split and class index ({@code rowsByClass}):
   * fails when the train split holds fewer than two of them (nothing to tell apart), WARNs of
   * classes a split lacks (a class without training rows is never predicted; one without
   * validation or test rows has no recall there).
   */
  private void checkClasses(Map<String, long[]> rowsByClass, LabelConfig label, String runDate,
      StageResult.Builder result) {
    int classes = label.classCount();
    for (Map.Entry<String, long[]> split : rowsByClass.entrySet()) {
      long[] counts = split.getValue();
      long rows = Arrays.stream(counts).sum();
      List<String> missing = new ArrayList<>();
      for (int c = 0; c < classes; c++) {
        result.metric(CLASS_SHARE + split.getKey() + ":" + label.className(c),
            counts[c] / (double) rows);
        if (counts[c] == 0) {
          missing.add(label.className(c));
        }
      }
      String where = "split: the " + split.getKey() + " split of " + runDate + " has no row of "
          + missing.size() + " of " + label.describe() + "'s " + classes + " classes " + missing;
      if (requireBothClasses && StratifiedSplitter.TRAIN.equals(split.getKey())
          && classes - missing.size() < 2) {
        throw new DeeplineException(Failure.DATA_QUALITY, where + "; a model needs at least two "
            + "classes to train on");
      }
      if (!missing.isEmpty()) {
        LOG.warn("{} ({}); {}", where, StratifiedSplitter.TRAIN.equals(split.getKey())
            ? "the model never predicts a class it has no training row of"
            : "their recall is not measured there", "more rows of the date, or fewer classes");
      }
    }
  }

  /**
   * Why a run date whose regression label holds {@code count} values that are not finite numbers
   * cannot be split, naming the most common: they have no number to learn or judge.
   */
  static String notNumbers(Dataset<Row> silver, LabelConfig label, long count, String runDate) {
    String values = silver.where(Columns.col(label.column()).isNotNull()
            .and(label.target().isNull()))
        .groupBy(Columns.col(label.column())).count()
        .orderBy(functions.col("count").desc(), Columns.col(label.column()))
        .limit(VALUES_NAMED).collectAsList().stream()
        .map(r -> "'" + r.get(0) + "' (" + r.getLong(1) + ")")
        .collect(Collectors.joining(", "));
    return "split: " + count + " silver rows of " + runDate + " hold a value of "
        + label.describe() + " that is not a finite number: " + values + "; a regression label "
        + "is a number: correct or drop them at the source, or declare the column double so "
        + "that ingest quarantines them";
  }

  /**
   * Why a run date with {@code unlabelled} rows of a class outside a multi-class label's classes
   * cannot be split, naming the most common such values: the classes are kept for the data set, so
   * that a model's outputs keep their meaning, and a new class needs a decision.
   */
  static String unknownClasses(Dataset<Row> silver, LabelConfig label, long unlabelled,
      String runDate) {
    String values = silver.where(label.target().isNull())
        .groupBy(Columns.col(label.column())).count()
        .orderBy(functions.col("count").desc()).limit(VALUES_NAMED).collectAsList().stream()
        .map(r -> "'" + r.get(0) + "' (" + r.getLong(1) + ")")
        .collect(Collectors.joining(", "));
    return "split: " + unlabelled + " silver rows of " + runDate + " hold a class that is not "
        + "one of " + label.describe() + "'s " + label.classCount() + " classes "
        + label.classes() + ": " + values + "; add it to label.classes (a model trained on the "
        + "old ones cannot predict it), or map it to one of them in the source; classes taken "
        + "from the data are kept in artifacts/label/classes.json";
  }

  /**
   * Why a run date whose {@code labelled} rows are all of one class cannot be split: a label that
   * never matches (a {@code positive} spelled as the data does not spell it, a condition that is
   * never true) would otherwise go through features and leakage to fail in train, or train nothing.
   * A column label is named with its most common values, among which the positive class is.
   */
  static String oneClass(Dataset<Row> silver, LabelConfig label, long labelled,
      boolean allPositive, String runDate) {
    String which = allPositive ? "positive" : "negative";
    if (label.isExpression()) {
      return "split: all " + labelled + " labelled rows of " + runDate + " are " + which + ": "
          + label.describe() + " is " + allPositive + " for every one; a model needs both "
          + "classes (check the condition against the data)";
    }
    String values = silver.groupBy(Columns.col(label.column())).count()
        .orderBy(functions.col("count").desc()).limit(VALUES_NAMED).collectAsList().stream()
        .map(r -> "'" + r.get(0) + "' (" + r.getLong(1) + ")")
        .collect(Collectors.joining(", "));
    return "split: all " + labelled + " labelled rows of " + runDate + " are " + which + ": "
        + label.describe() + (allPositive ? " always matches" : " never matches")
        + " label.positive '" + label.positive() + "'; its most common values are " + values
        + "; a model needs both classes (set label.positive to the value of the positive class, "
        + "written as the data writes it, letter case aside)";
  }

  /** Fails when a fold of the train split has no record; {@code rowsByFold}: train rows per fold. */
  static void requireFolds(Map<Integer, Long> rowsByFold, SplitConfig config, String runDate) {
    for (int fold = 0; fold < config.folds(); fold++) {
      if (rowsByFold.getOrDefault(fold, 0L) == 0) {
        throw new DeeplineException("split: fold " + fold + " of the " + config.folds()
            + " folds of the train split of " + runDate + " is empty; use fewer split.folds"
            + (SplitConfig.TIME.equals(config.method()) ? " (rolling-origin blocks are cut at "
            + "quantiles of the training times, and many records at one time leave a block "
            + "empty)" : ""));
      }
    }
  }

  /**
   * What a random or stratified split keeps together. A load with key columns ({@code keyed}) has
   * one record per id. One without numbers the copies of a record ({@code <content hash>-<n>}, the
   * label part of the content), and the split decides by a group over {@code recordColumns}, the
   * columns but the label's inputs ({@link #withGroups}).
   *
   * <p>Why not by the id alone: a record's copies that say yes and those that say no were split
   * apart independently, and where the yes went to train the no went elsewhere. On data of few
   * distinct records that made held-out rows contradict train's: dslabs' heights (sex from
   * height) scored validation ROC AUC 0.906 and test 0.541, Cowles' volunteers test 0.466 where
   * splits of rows give 0.58.
   */
  public record CopyGrouping(boolean keyed, List<String> recordColumns) {
    /** A working column: the hash of a row's {@code recordColumns}. */
    private static final String RECORD_HASH = RepeatedRecords.HASH;
    /** A working column: the rows of a record that repeats, every label counted. */
    private static final String RECORD_ROWS = RepeatedRecords.ROWS;
    /** A working column: the label most of a repeating record's rows have. */
    private static final String RECORD_MAJORITY = RepeatedRecords.MAJORITY;

    public CopyGrouping {
      recordColumns = List.copyOf(recordColumns);
    }

    /** The declared columns but the label's inputs; nothing when the schema declares a key. */
    public static CopyGrouping of(SchemaConfig schema, LabelConfig label) {
      if (!schema.key().isEmpty()) {
        return new CopyGrouping(true, List.of());
      }
      Set<String> labelInputs = label.columnsRead(schema.byName());
      return new CopyGrouping(false, schema.columns().stream().map(ColumnSpec::name)
          .filter(name -> !labelInputs.contains(name)).toList());
    }

    /** A load without key columns whose columns are {@code silver}'s own (not deepline's). */
    static CopyGrouping unkeyed(Dataset<Row> silver, LabelConfig label) {
      List<String> columns = Arrays.stream(silver.columns())
          .filter(name -> !name.startsWith("_") && !name.equals(DeltaTables.RUN_DATE)).toList();
      Set<String> labelInputs = label.columnsRead(columns);
      return new CopyGrouping(false, columns.stream()
          .filter(name -> !labelInputs.contains(name)).toList());
    }

    /**
     * {@code rows} (silver's, with the {@value LabelConfig#LABEL}) with {@code group} and
     * {@code stratum}: when keyed, the id and the label. Otherwise the group is the record (a
     * hash of {@code recordColumns}) and one of its runs: a record of {@code r} rows, counting
     * every label, has {@code ceil(r / }{@value RecordIds#MAX_COPIES_KEPT_TOGETHER}{@code )} runs,
     * and each run of up to that many copies of one content ({@link RecordIds#copyGroupId}) joins
     * one of them by a hash of its own. A record's few copies are one group whatever their labels;
     * one repeated hundreds of times is spread over the splits in runs whose labels are a draw of
     * the record's (put in order, the first run would hold every copy of the rarer label). A
     * repeating record's rows share one stratum, its majority label, so that a stratified split
     * cuts them at one point instead of at each label's own.
     *
     * <p>A record's group changes only when its own rows cross a multiple of ten. Only records
     * that repeat are counted, in one pass over the hashes ({@link RepeatedRecords}).
     */
    Dataset<Row> withGroups(Dataset<Row> rows, String group, String stratum) {
      Column id = functions.col(RecordIds.RECORD_ID);
      Column label = functions.col(LabelConfig.LABEL);
      if (keyed) {
        return rows.withColumn(group, id).withColumn(stratum, label);
      }
      if (recordColumns.isEmpty()) {
        return rows.withColumn(group, RecordIds.copyGroupId(id)).withColumn(stratum, label);
      }
      Dataset<Row> hashed = rows.withColumn(RECORD_HASH,
          RecordIds.contentHash(rows.schema(), recordColumns));
      Dataset<Row> counts = RepeatedRecords.of(hashed.select(functions.col(RECORD_HASH), label));
      Dataset<Row> joined = hashed.join(counts, RECORD_HASH, "left");
      Column repeats = functions.col(RECORD_ROWS).isNotNull();
      // A record that does not repeat was not counted: one row, one run, and no copy's run to
      // read from its id (most rows: the regular expressions run for the few with more runs).
      Column run = RecordIds.copyRun(id, functions.col(RECORD_ROWS));
      Column numbered = RecordIds.numbersCopies(id);
      return joined
          .withColumn(group, functions.when(numbered, functions.concat(
              functions.hex(functions.col(RECORD_HASH)), functions.lit("-"), run.cast("string")))
              .otherwise(id))
          .withColumn(stratum, functions.when(numbered.and(repeats),
              functions.col(RECORD_MAJORITY)).otherwise(label))
          .drop(RECORD_HASH, RECORD_ROWS, RECORD_MAJORITY);
    }
  }

  /** Membership rows of a load without key columns: {@link #split(Dataset, LabelConfig, SplitConfig, CopyGrouping)}. */
  public static Dataset<Row> split(Dataset<Row> silver, LabelConfig label, SplitConfig config) {
    return split(silver, label, config, CopyGrouping.unkeyed(silver, label));
  }

  /**
   * Membership rows: record id, label ({@link LabelConfig#target}), split and fold. A random or stratified split decides by
   * {@code copies}' group of each record; time and group splits keep a record's copies together by
   * their equal time or group already.
   */
  public static Dataset<Row> split(Dataset<Row> silver, LabelConfig label, SplitConfig config,
      CopyGrouping copies) {
    Column id = functions.col(RecordIds.RECORD_ID);
    Column binary = label.targetOn(silver).as(LabelConfig.LABEL);
    return switch (config.method()) {
      case SplitConfig.TIME -> TimeSplitter.assign(
              silver.select(id, binary, Columns.col(config.timeColumn())), config.timeColumn(),
              config)
          .select(RecordIds.RECORD_ID, LabelConfig.LABEL, StratifiedSplitter.SPLIT, Folds.FOLD);
      case SplitConfig.GROUP -> GroupSplitter.assign(
              silver.select(id, binary, Columns.col(config.groupColumn())), config.groupColumn(),
              config)
          .select(RecordIds.RECORD_ID, LabelConfig.LABEL, StratifiedSplitter.SPLIT, Folds.FOLD);
      default -> StratifiedSplitter.assign(withStrata(silver, label, copies)
                  .select(id, functions.col(LabelConfig.LABEL),
                  functions.col(COPY_GROUP), functions.col(COPY_STRATUM)), COPY_GROUP,
              functions.col(COPY_STRATUM), config)
          .select(RecordIds.RECORD_ID, LabelConfig.LABEL, StratifiedSplitter.SPLIT, Folds.FOLD);
    };
  }

  /**
   * Silver with the label, {@code copies}' groups and strata: a class label's strata are its
   * classes; a regression label's are {@value #REGRESSION_STRATA} quantile bins of its number, so
   * that each split holds the low, middle and high numbers in their shares (a repeating record's
   * stratum is its most common bin).
   */
  private static Dataset<Row> withStrata(Dataset<Row> silver, LabelConfig label,
      CopyGrouping copies) {
    Dataset<Row> labelled = silver.withColumn(LabelConfig.LABEL, label.targetOn(silver));
    if (!label.isRegression()) {
      return copies.withGroups(labelled, COPY_GROUP, COPY_STRATUM);
    }
    double[] probabilities = new double[REGRESSION_STRATA - 1];
    for (int i = 0; i < probabilities.length; i++) {
      probabilities[i] = (i + 1) / (double) REGRESSION_STRATA;
    }
    double[] edges = labelled.stat().approxQuantile(LabelConfig.LABEL, probabilities,
        STRATA_QUANTILE_ERROR);
    Column number = functions.col(TARGET_NUMBER);
    Column bin = functions.lit(0.0);
    for (int i = 0; i < edges.length; i++) {
      bin = functions.when(number.gt(edges[i]), (double) (i + 1)).otherwise(bin);
    }
    Dataset<Row> binned = labelled.withColumn(TARGET_NUMBER, functions.col(LabelConfig.LABEL))
        .withColumn(LabelConfig.LABEL, functions.when(number.isNull(), null).otherwise(bin));
    return copies.withGroups(binned, COPY_GROUP, COPY_STRATUM)
        .withColumn(LabelConfig.LABEL, number).drop(TARGET_NUMBER);
  }
}
