package org.deepline.leakage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeltaTables;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureConfig;
import org.deepline.features.FeatureFitter;
import org.deepline.features.FeatureModel;
import org.deepline.metrics.BinaryMetrics;
import org.deepline.quality.ConstraintResult;
import org.deepline.quality.Severity;
import org.deepline.sampling.SplitFingerprint;
import org.deepline.sampling.StratifiedSplitter;
import scala.Tuple3;

/**
 * The leakage analyzers. Each computes one metric over the run's data and judges it, giving a
 * {@link ConstraintResult} like the quality checks do, so both gates share one result table shape.
 */
public final class LeakageChecks {
  public static final String CHECK = "leakage";
  /** Check names: each followed by the feature, or by a pair {@code <a>+<b>}. */
  static final String SINGLE_FEATURE_AUC = "single_feature_auc:";
  static final String MUTUAL_INFORMATION = "mutual_information:";
  static final String MUTUAL_INFORMATION_PAIR = "mutual_information_pair:";
  static final String PAIR_SEPARATOR = "+";
  /** A numeric or date/time feature is scored by its values and, under this suffix, its gaps. */
  static final String MISSING_SUFFIX = FeatureModel.MISSING_INDICATOR_SUFFIX;
  private static final String FEATURE = "feature";
  private static final String SCORE = "score";
  private static final String BIN = "bin";
  private static final String TOKEN = "token";
  /** A multi-class AUC's columns: the class a row is scored for and whether it is of it. */
  private static final String CLASS = "class";
  private static final String OF_CLASS = "of_class";
  private static final String ONE_VS_REST = "one_vs_rest";
  private static final String FEATURE_CLASS = "feature_class";
  /** A category's train share of a class, suffixed with the class index. */
  private static final String CLASS_SHARE = "class_share_";
  /** A one-vs-rest row's label, as {@link BinaryMetrics#rocAucByGroup} reads a 0/1 label. */
  private static final double OF_THE_CLASS = 1.0;
  private static final double OF_ANOTHER_CLASS = 0.0;
  /** Equal-frequency bins of a numeric feature: enough for a non-monotone code, few enough to fill. */
  private static final int NUMERIC_BINS = 16;
  /** Hash buckets of a categorical feature's values. */
  private static final int CATEGORY_BUCKETS = 64;
  /** The bin of a missing value. */
  private static final int MISSING_BIN = -1;
  /** The most informative features whose pairs are binned jointly (6 pairs). */
  private static final int PAIR_CANDIDATES = 4;
  /** Joint bin of a pair: left * stride + right, unique since every bin is in [-1, 64]. */
  private static final int PAIR_STRIDE = 100;
  private static final int QUANTILE_ACCURACY = 10_000;
  /**
   * Standard errors of sampling noise {@code shared_row_labels} allows beyond its threshold: a few
   * hundred twins on a small data set must not fail an honest split by chance.
   */
  static final int STANDARD_ERRORS = 3;
  /**
   * Standard errors by which a feature's AUC must clear {@code max_single_feature_auc} to fail the
   * gate (about 98 % one-sided confidence), up to {@link #MAX_AUC_NOISE}. On a small validation
   * split a strong honest feature lands above the bar by chance (a tumour's cell size at 0.954 on
   * 105 rows, give or take 0.025); a copy of the label is at 1.0 with no spread and still fails.
   * Above the bar within the noise is a warning.
   */
  static final int AUC_STANDARD_ERRORS = 2;
  /**
   * The most the noise allowance of the AUC check can be: a noisy copy of the label at 0.97 must
   * fail on any split size, where 2 standard errors of a few hundred rows would let it through.
   */
  static final double MAX_AUC_NOISE = 0.01;
  /**
   * Share of the label's entropy a pair must tell beyond the better of its two features alone to
   * fail as a pair, or half of what the better half leaves unexplained when that is less (a half
   * at 0.75 leaves 0.25: 0.125 more fails). The pair check is for columns that give the label
   * away only together (a total split in two, an interaction: 0.6-1.0 beyond either half). Two honest features tell less
   * together: 0.05-0.10 more than the stronger on the breast-biopsy data (correlated cell
   * measures), about 0.2 for two independent tests each right 90 % of the time; a single strong
   * feature is judged by its own checks.
   */
  static final double PAIR_MIN_GAIN = 0.3;
  /**
   * The least a pair must tell of the label's entropy to fail, whatever {@code
   * max_mutual_information} is: two honest inputs tell more together than one does, up to 0.6-0.7
   * (cylinders and make together on a used-car price above the median, 120 validation rows: 0.61;
   * the two independent tests: 0.70), while a total split in two gives the label away nearly whole
   * (the XOR fixture: 1.0).
   */
  static final double PAIR_MIN_INFORMATION = 0.8;
  /**
   * Validation rows a target-leak finding (a feature's AUC or information beyond its bar) needs to
   * fail the run. With fewer, a strong honest feature orders every pair or fills pure bins by
   * chance among the dozens of features a small data set has (a 106-row data set leaves 16 rows to
   * validation), and the finding is a warning that says why. Counted over all of validation, not
   * the rarer class: 15 positives among 1,500 rows still show a copy of the label.
   */
  static final int MIN_VALIDATION_ROWS_TO_JUDGE = 40;
  /** How a single-feature AUC above its bar by less than its noise says so, before the rows. */
  private static final String WITHIN_NOISE = " (above it by less than its noise on ";
  /** The rows a finding was judged on, as its expectation says. */
  private static final String VALIDATION_ROWS = "validation";
  private static final String TRAIN_AND_VALIDATION_ROWS = "train and validation";
  /** {@link #withSplitSpan}'s column: the last split a record was assigned to. */
  public static final String LAST_SPLIT = "_last_split";
  /** Every split the split stage writes, in the order their codes follow. */
  private static final List<String> SPLIT_NAMES = List.of(StratifiedSplitter.TRAIN,
      StratifiedSplitter.VALIDATION, StratifiedSplitter.TEST, StratifiedSplitter.EXCLUDED);
  /** The split of a record whose split name is none of {@link #SPLIT_NAMES}. */
  private static final String UNKNOWN_SPLIT = "unknown";
  private static final String SPLIT_CODE = "_split_code";
  private static final String SHUFFLE_HASH_JOIN = "shuffle_hash";
  private static final String COPY_GROUP = "_copy_group";
  /**
   * Copy groups whose ids the driver collects and broadcasts; beyond this every record is grouped
   * by its first copy's id instead.
   */
  private static final int MAX_COLLECTED_COPY_GROUPS = 1_000_000;
  /** Columns per null mask of {@link #contentHash}: the bits of a long below its sign. */
  private static final int NULL_MASK_BITS = Long.SIZE - 1;
  /** The classes of a 0/1 label, which the checks judge as they always did. */
  static final int BINARY_CLASSES = 2;
  /**
   * The quantile bins of train's numbers a regression label is cut into for the mutual-information
   * check (its deciles): enough that a feature telling only which tenth of the range a row's
   * number is in (a band or a grade of it, a code of its deciles) tells nearly all of the binned
   * entropy and fails as a copy of a class label does; few enough that the bins fill on a small
   * validation split (the Miller-Madow correction charges {@code (bins - 1) (10 - 1) / 2n} nats).
   */
  static final int REGRESSION_LABEL_BINS = 10;
  /**
   * Two numbers of a regression label agree, for {@code shared_row_labels}, when they round to the
   * same multiple of this share of train's standard deviation: a copy of a row, label included,
   * agrees exactly; two honest rows with equal features agree only when their numbers are about
   * equal, as twins of a class label agree only on the same class.
   */
  static final double TWIN_TOLERANCE_OF_SPREAD = 0.01;
  /** How a regression label's single-feature figure says what it is, after the expectation. */
  private static final String CONCORDANCE_NOTE = " (concordance with the number: the share of "
      + "row pairs of different numbers the feature orders as they are, ties half; a 0/1 "
      + "label's ROC AUC)";

  private LeakageChecks() {}

  /**
   * Silver rows ({@code silver}: the columns the checks read, with the record id) joined with their
   * splits, one row per record: {@value StratifiedSplitter#SPLIT} is the record's first split (train,
   * validation, test, excluded), {@value #LAST_SPLIT} its last, equal unless the record was assigned to several. Grouping
   * the splits by record id here is what the join needs anyway (both sides meet by record id), so
   * {@link SplitSummary} reads the cached result for {@link #keyOverlap},
   * {@link #copiesAcrossSplits} and {@link #fittedOnTrain} instead of each check aggregating the
   * splits table over again. A split record without a silver
   * row is left out, as the features stage leaves it out: no model sees it.
   */
  public static Dataset<Row> withSplitSpan(Dataset<Row> silver, Dataset<Row> splits) {
    // Splits aggregate as small integers: min and max of a string have no fixed-width buffer, and
    // Spark then sorts all 3 M rows to aggregate them instead of hashing.
    Column code = functions.col(SPLIT_CODE);
    Dataset<Row> span = splits.select(functions.col(RecordIds.RECORD_ID),
            splitCode(functions.col(StratifiedSplitter.SPLIT)).as(SPLIT_CODE),
            functions.col(LabelConfig.LABEL))
        .groupBy(RecordIds.RECORD_ID).agg(
            splitName(functions.min(code)).as(StratifiedSplitter.SPLIT),
            splitName(functions.max(code)).as(LAST_SPLIT),
            functions.min(functions.col(LabelConfig.LABEL)).as(LabelConfig.LABEL));
    // The aggregation leaves the splits hash-partitioned by record id: a hash join with that side
    // as the table spares sorting both 3 M row sides, as a sort-merge join would.
    return silver.drop(DeltaTables.RUN_DATE).join(span.hint(SHUFFLE_HASH_JOIN),
        RecordIds.RECORD_ID);
  }

  /** A split's position in {@link #SPLIT_NAMES}; one past the end for a name not there. */
  private static Column splitCode(Column split) {
    Column code = functions.lit(SPLIT_NAMES.size());
    for (int i = SPLIT_NAMES.size() - 1; i >= 0; i--) {
      code = functions.when(split.equalTo(SPLIT_NAMES.get(i)), i).otherwise(code);
    }
    return code;
  }

  private static Column splitName(Column code) {
    Column name = functions.lit(UNKNOWN_SPLIT);
    for (int i = SPLIT_NAMES.size() - 1; i >= 0; i--) {
      name = functions.when(code.equalTo(i), SPLIT_NAMES.get(i)).otherwise(name);
    }
    return name;
  }

  /**
   * What the split checks read from every record, counted in one aggregation over
   * {@link #withSplitSpan}'s cached rows: a query of its own per check cost more in planning and
   * compiling than in reading the cache.
   *
   * @param recordsInSeveralSplits records whose first and last split differ
   * @param laterCopies            second or later copies of a record ({@link RecordIds#isLaterCopy})
   * @param trainRows              records in train (also when in another split as well)
   * @param trainFingerprint       their {@link SplitFingerprint}
   * @param validationRows         records whose first split is validation, as
   *                               {@link #singleFeatureAuc} judges them
   */
  public record SplitSummary(long recordsInSeveralSplits, long laterCopies, long trainRows,
      long trainFingerprint, long validationRows) {
    public static SplitSummary of(Dataset<Row> spans) {
      Column train = functions.lit(StratifiedSplitter.TRAIN);
      Column inTrain = functions.col(StratifiedSplitter.SPLIT).equalTo(train)
          .or(functions.col(LAST_SPLIT).equalTo(train));
      Row counted = spans.agg(
          functions.count(functions.when(functions.col(StratifiedSplitter.SPLIT)
              .notEqual(functions.col(LAST_SPLIT)), 1)),
          functions.count(functions.when(
              RecordIds.isLaterCopy(functions.col(RecordIds.RECORD_ID)), 1)),
          functions.count(functions.when(inTrain, 1)),
          functions.bit_xor(functions.when(inTrain, SplitFingerprint.recordHash())),
          functions.count(functions.when(functions.col(StratifiedSplitter.SPLIT)
              .equalTo(StratifiedSplitter.VALIDATION), 1))).head();
      return new SplitSummary(counted.getLong(0), counted.getLong(1), counted.getLong(2),
          counted.isNullAt(3) ? 0L : counted.getLong(3), counted.getLong(4));
    }
  }

  /** Records assigned to more than one split: must be none. */
  public static ConstraintResult keyOverlap(SplitSummary summary) {
    long shared = summary.recordsInSeveralSplits();
    return new ConstraintResult("key_overlap", RecordIds.RECORD_ID, Severity.ERROR, shared,
        shared == 0, "0 records in more than one split");
  }

  /**
   * Exact copies of one source record (a load without key columns numbers them
   * {@code <hash>-1, <hash>-2, ...}) spread over two splits: the model would be scored on a row it
   * learned. The split keeps copies together in runs of {@value RecordIds#MAX_COPIES_KEPT_TOGETHER}
   * ({@link RecordIds#copyGroupId}); splits written before it did, or by hand, are caught here.
   * Only a group with a second copy can spread, and those are few (none, says
   * {@link SplitSummary}, and no job runs): their ids are collected from {@link #withSplitSpan}'s
   * rows first, and only their records are grouped (a grouping of every record by its run's first
   * copy cost a full shuffle of the splits).
   */
  public static ConstraintResult copiesAcrossSplits(Dataset<Row> spans, SplitSummary summary) {
    Column id = functions.col(RecordIds.RECORD_ID);
    List<String> groups = summary.laterCopies() == 0 ? List.of() : spans
        .where(RecordIds.isLaterCopy(id))
        .select(RecordIds.copyGroupId(id).as(COPY_GROUP)).distinct()
        .limit(MAX_COLLECTED_COPY_GROUPS + 1).as(Encoders.STRING()).collectAsList();
    long spread = 0;
    if (!groups.isEmpty()) {
      // A first copy is its own group: the regular expression runs only on the later copies.
      Dataset<Row> copies = spans.withColumn(COPY_GROUP, functions.when(
          RecordIds.isLaterCopy(id), RecordIds.copyGroupId(id)).otherwise(id));
      if (groups.size() <= MAX_COLLECTED_COPY_GROUPS) {
        Dataset<Row> collected = functions.broadcast(spans.sparkSession()
            .createDataset(groups, Encoders.STRING()).toDF(COPY_GROUP));
        copies = copies.join(collected, COPY_GROUP);
      }
      spread = copies.groupBy(COPY_GROUP)
          .agg(functions.min(StratifiedSplitter.SPLIT).as("_first"),
              functions.max(LAST_SPLIT).as("_last"))
          .where(functions.col("_first").notEqual(functions.col("_last")))
          .count();
    }
    return new ConstraintResult("copies_across_splits", RecordIds.RECORD_ID, Severity.ERROR,
        spread, spread == 0, "0 records with exact copies in another split (copies "
            + RecordIds.MAX_COPIES_KEPT_TOGETHER + " at a time)");
  }

  /**
   * Two checks of validation and test rows identical to a train row (feature values, label
   * excluded), from one grouping of the rows by content:
   *
   * <ul>
   *   <li>{@code shared_rows}: how much more often held-out rows equal a train row than train rows
   *       equal another train row. Real data repeats itself (two customers on the same plan, few
   *       distinct values); under a random split a held-out row and a train row find a train twin
   *       equally often, so only repetition across the split boundary beyond that base rate, as
   *       from copied evaluation rows, fails. When train repeats itself at a rate {@code b} so high
   *       that {@code 1 - b} is within the threshold while many held-out rows have a twin, this
   *       check cannot fail (flights: every held-out row has a twin); it says so in its expectation
   *       and leaves the judgement to the next one.
   *   <li>{@code shared_row_labels}: whether those twins carry their labels across. A held-out row's
   *       agreement with its train twins is the share of them with its label; a train row's, the
   *       share of its other train twins with its label. Under a random split both are the same
   *       pairwise agreement of rows with equal features, in expectation. A held-out row that is a
   *       copy of a train row (label included) agrees with its own original on top: its agreement
   *       rises by about {@code (1 - agreement) / twins}, which is exactly how much memorising train
   *       rows would flatter the model on it. Fails when the held-out agreement exceeds train's by
   *       more than the threshold plus {@value #STANDARD_ERRORS} standard errors of the difference
   *       (rows taken as independent; twins share their train rows, so the error is a lower bound;
   *       the held-out side's variance is at least train's, as it would be without a leak).
   * </ul>
   *
   * A mature check reports what it measured and whether that could have told anything: on data of
   * few distinct combinations the share of twins is the data's nature and says nothing about leaks,
   * while the labels the twins carry still do; on data of unique rows the reverse holds (no twins
   * to compare labels by), and each check says which one judged.
   */
  public static List<ConstraintResult> sharedRows(Dataset<Row> labelled, FeatureConfig features,
      double maxExcessFraction, double maxLabelExcess) {
    return sharedRows(labelled, features, maxExcessFraction, maxLabelExcess, BINARY_CLASSES);
  }

  /**
   * As above, for a label of {@code classCount} classes ({@link LabelConfig#classCount()}: 2 for a
   * 0/1 label, K for a multi-class one, whose {@value LabelConfig#LABEL} is the class index). A
   * row's agreement with its twins is still the share of them with its label: summed over the
   * classes, {@code sum_c share_c(twins) * [label == c]}. For two classes that is the 0/1 formula
   * {@code p * rate + (1 - p) * (1 - rate)}, which a 0/1 label keeps computing as it did, so its
   * results stay as they were to the bit; a multi-class label counts its twins by class, where
   * {@code _label == 1} would count the third class as agreeing with the first.
   */
  public static List<ConstraintResult> sharedRows(Dataset<Row> labelled, FeatureConfig features,
      double maxExcessFraction, double maxLabelExcess, int classCount) {
    TwinAgreement agreement = classCount == BINARY_CLASSES ? TwinAgreement.binary()
        : TwinAgreement.ofClasses(classCount);
    return sharedRows(labelled, features, maxExcessFraction, maxLabelExcess, agreement, "");
  }

  /**
   * As above, for {@code label}: a 0/1 or multi-class label by its classes. A regression label's
   * rows agree with their twins when their numbers are nearly equal: rounded down to the same
   * multiple of {@value #TWIN_TOLERANCE_OF_SPREAD} of train's standard deviation (the number
   * itself when train's numbers are all equal). A row's agreement is still the share of its twins
   * it agrees with, so {@code max_shared_row_label_excess} keeps its meaning: how much more a
   * held-out row agrees with its train twins than a train row with its other train twins. A
   * held-out copy of a train row, number included, agrees with its original exactly; honest twins
   * of a continuous number seldom agree at all, on either side. Two numbers closer than the
   * tolerance across a multiple of it count as different, as few do.
   */
  public static List<ConstraintResult> sharedRows(Dataset<Row> labelled, FeatureConfig features,
      double maxExcessFraction, double maxLabelExcess, LabelConfig label) {
    if (!label.isRegression()) {
      return sharedRows(labelled, features, maxExcessFraction, maxLabelExcess,
          label.classCount());
    }
    Row spread = labelled.where(functions.col(StratifiedSplitter.SPLIT)
            .equalTo(StratifiedSplitter.TRAIN))
        .agg(functions.stddev_pop(functions.col(LabelConfig.LABEL).cast("double"))).head();
    double tolerance = spread.isNullAt(0) ? 0.0 : TWIN_TOLERANCE_OF_SPREAD * spread.getDouble(0);
    return sharedRows(labelled, features, maxExcessFraction, maxLabelExcess,
        TwinAgreement.ofNumbers(tolerance), " (a regression label: numbers agree when they "
            + "round down to the same multiple of " + round(tolerance) + ", "
            + TWIN_TOLERANCE_OF_SPREAD + " of train's standard deviation)");
  }

  private static List<ConstraintResult> sharedRows(Dataset<Row> labelled, FeatureConfig features,
      double maxExcessFraction, double maxLabelExcess, TwinAgreement agreement,
      String agreementNote) {
    Column t = functions.col(TwinAgreement.TRAIN_ROWS);
    Column h = functions.col(TwinAgreement.HELD_ROWS);
    // Per distinct content, the train and held-out rows having it and how many of them are of
    // each class (of a regression label: in each bucket of nearly equal numbers).
    Dataset<Row> byContent = agreement.byContent(labelled,
        contentHash(features.inputColumns()).as("content"));
    Column heldAgreement = agreement.held();
    Column heldSquares = agreement.heldSquares();
    Column trainAgreement = agreement.train();
    Column trainSquares = agreement.trainSquares();
    Column hasTwin = t.gt(0);
    Column repeats = t.gt(1);
    Row totals = byContent.agg(
        functions.sum(t),
        functions.sum(functions.when(repeats, t).otherwise(0)),
        functions.sum(h),
        functions.sum(functions.when(hasTwin, h).otherwise(0)),
        functions.sum(functions.when(hasTwin, heldAgreement).otherwise(0.0)),
        functions.sum(functions.when(hasTwin, heldSquares).otherwise(0.0)),
        functions.sum(functions.when(repeats, trainAgreement).otherwise(0.0)),
        functions.sum(functions.when(repeats, trainSquares).otherwise(0.0))).head();
    long train = longOrZero(totals, 0);
    long repeated = longOrZero(totals, 1);
    long held = longOrZero(totals, 2);
    long twinned = longOrZero(totals, 3);
    double baseRate = train == 0 ? 0.0 : (double) repeated / train;
    double sharedFraction = held == 0 ? 0.0 : (double) twinned / held;
    double excess = Math.max(0.0, sharedFraction - baseRate);
    boolean rowsCanTell = sharedFraction <= maxExcessFraction || 1 - baseRate > maxExcessFraction;
    String rowsExpectation = "<= " + maxExcessFraction + " of validation+test rows identical to a "
        + "train row, beyond train's own repetition rate " + round(baseRate)
        + (rowsCanTell ? "" : " (cannot tell here: " + round(sharedFraction) + " of held-out rows "
            + "equal a train row, but train rows equal each other at that rate too, so twins are "
            + "this data's nature; shared_row_labels judges whether they carry their labels)");
    ConstraintResult rows = new ConstraintResult("shared_rows", null, Severity.ERROR, excess,
        excess <= maxExcessFraction, rowsExpectation);

    String labelsExpectation = "<= " + maxLabelExcess + " more agreement of a validation+test row's "
        + "label with its identical train rows' labels than of a train row's with its other "
        + "identical train rows'" + agreementNote;
    if (twinned == 0 || repeated == 0) {
      return List.of(rows, new ConstraintResult("shared_row_labels", null, Severity.ERROR,
          Double.NaN, true, labelsExpectation + " (nothing to compare: " + twinned
              + " held-out rows equal a train row, " + repeated + " train rows equal another; "
              + "shared_rows judges them)"));
    }
    double heldMean = totals.getDouble(4) / twinned;
    double trainMean = totals.getDouble(6) / repeated;
    double trainVariance = Math.max(0.0, totals.getDouble(7) / repeated - trainMean * trainMean);
    // Judged under no leak, where held-out rows' agreement varies as train rows' does: a handful
    // of held-out twins that happen to agree all alike (variance 0) tells almost nothing, and
    // their own variance would have made the difference look exact.
    double heldVariance = Math.max(trainVariance,
        Math.max(0.0, totals.getDouble(5) / twinned - heldMean * heldMean));
    double standardError = Math.sqrt(heldVariance / twinned + trainVariance / repeated);
    double labelExcess = heldMean - trainMean;
    return List.of(rows, new ConstraintResult("shared_row_labels", null, Severity.ERROR,
        labelExcess, labelExcess <= maxLabelExcess + STANDARD_ERRORS * standardError,
        labelsExpectation + ", allowing " + STANDARD_ERRORS + " standard errors ("
            + round(standardError) + " each; agreement " + round(heldMean) + " over " + twinned
            + " held-out rows vs " + round(trainMean) + " over " + repeated + " train rows)"));
  }

  private static long longOrZero(Row row, int index) {
    return row.isNullAt(index) ? 0 : row.getLong(index);
  }

  /**
   * How {@link #sharedRows} counts a distinct content's rows ({@link #counts}: the train and
   * held-out rows with it, {@value #TRAIN_ROWS} and {@value #HELD_ROWS} among them) and, from
   * those counts, the agreement of its held-out rows with their train twins and of its train rows
   * with their other train twins, summed over its rows, with the sums of their squares. A
   * regression label's rows are counted per content and {@code bucket} of nearly equal numbers
   * first, and those counts summed per content ({@code perContent}); a class label's bucket is
   * null.
   */
  private record TwinAgreement(List<Column> counts, Column held, Column heldSquares, Column train,
      Column trainSquares, Column bucket, List<Column> perContent) {
    static final String TRAIN_ROWS = "train_rows";
    static final String HELD_ROWS = "held_rows";
    private static final String NUMBER_BUCKET = "number_bucket";
    private static final String TRAIN_IN_BUCKET = "train_in_bucket";
    private static final String HELD_IN_BUCKET = "held_in_bucket";
    private static final String HELD_MATCHES = "held_matches";
    private static final String HELD_MATCH_SQUARES = "held_match_squares";
    private static final String TRAIN_MATCHES = "train_matches";
    private static final String TRAIN_MATCH_SQUARES = "train_match_squares";
    private static final String TRAIN_POSITIVES = "train_positives";
    private static final String HELD_POSITIVES = "held_positives";
    private static final String TRAIN_OF_CLASS = "train_class_";
    private static final String HELD_OF_CLASS = "held_class_";

    /** Classes counted per content. */
    private TwinAgreement(List<Column> counts, Column held, Column heldSquares, Column train,
        Column trainSquares) {
      this(counts, held, heldSquares, train, trainSquares, null, List.of());
    }

    /**
     * One row per distinct {@code content} with the counts {@link #held} and the others read:
     * grouped by content, or for numbers by content and bucket first, then by content.
     */
    Dataset<Row> byContent(Dataset<Row> labelled, Column content) {
      Dataset<Row> grouped = (bucket == null ? labelled.groupBy(content)
          : labelled.groupBy(content, bucket.as(NUMBER_BUCKET)))
          .agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new));
      if (bucket == null) {
        return grouped;
      }
      return grouped.groupBy("content").agg(perContent.get(0),
          perContent.subList(1, perContent.size()).toArray(Column[]::new));
    }

    /**
     * A regression label's numbers, rounded down to multiples of {@code tolerance} (taken as they
     * are when it is 0): each content's rows counted per bucket, {@code t_b} train and {@code h_b}
     * held-out ones. A held-out row in bucket b agrees with its train twins by {@code t_b / t}; a
     * train row by {@code (t_b - 1) / (t - 1)}; summed over a content's rows, with their squares.
     */
    static TwinAgreement ofNumbers(double tolerance) {
      Column number = functions.col(LabelConfig.LABEL).cast("double");
      Column bucket = tolerance > 0 ? functions.floor(number.divide(tolerance)) : number;
      List<Column> counts = List.of(
          functions.count(functions.when(isTrain(), 1)).as(TRAIN_IN_BUCKET),
          functions.count(functions.when(functions.not(isTrain()), 1)).as(HELD_IN_BUCKET));
      Column tb = functions.col(TRAIN_IN_BUCKET).cast("double");
      Column hb = functions.col(HELD_IN_BUCKET).cast("double");
      List<Column> perContent = List.of(
          functions.sum(functions.col(TRAIN_IN_BUCKET)).as(TRAIN_ROWS),
          functions.sum(functions.col(HELD_IN_BUCKET)).as(HELD_ROWS),
          functions.sum(hb.multiply(tb)).as(HELD_MATCHES),
          functions.sum(hb.multiply(tb).multiply(tb)).as(HELD_MATCH_SQUARES),
          functions.sum(tb.multiply(tb.minus(1))).as(TRAIN_MATCHES),
          functions.sum(tb.multiply(tb.minus(1)).multiply(tb.minus(1))).as(TRAIN_MATCH_SQUARES));
      Column t = functions.col(TRAIN_ROWS).cast("double");
      Column others = t.minus(1);
      return new TwinAgreement(counts, functions.col(HELD_MATCHES).divide(t),
          functions.col(HELD_MATCH_SQUARES).divide(t.multiply(t)),
          functions.col(TRAIN_MATCHES).divide(others),
          functions.col(TRAIN_MATCH_SQUARES).divide(others.multiply(others)), bucket, perContent);
    }

    /** A 0/1 label: each side's positives, and the agreement from the positive rate. */
    static TwinAgreement binary() {
      Column positive = functions.col(LabelConfig.LABEL).equalTo(1);
      Column t = functions.col(TRAIN_ROWS);
      Column tp = functions.col(TRAIN_POSITIVES);
      Column h = functions.col(HELD_ROWS);
      Column hp = functions.col(HELD_POSITIVES);
      List<Column> counts = List.of(
          functions.count(functions.when(isTrain(), 1)).as(TRAIN_ROWS),
          functions.count(functions.when(isTrain().and(positive), 1)).as(TRAIN_POSITIVES),
          functions.count(functions.when(functions.not(isTrain()), 1)).as(HELD_ROWS),
          functions.count(functions.when(functions.not(isTrain()).and(positive), 1))
              .as(HELD_POSITIVES));
      // A held-out row's agreement with its train twins: their positive share if it is positive.
      Column twinRate = tp.divide(t);
      Column held = hp.multiply(twinRate).plus(h.minus(hp).multiply(functions.lit(1)
          .minus(twinRate)));
      Column heldSquares = hp.multiply(twinRate.multiply(twinRate)).plus(h.minus(hp)
          .multiply(functions.pow(functions.lit(1).minus(twinRate), 2)));
      // A train row's agreement with its other train twins (leave itself out).
      Column others = t.minus(1);
      Column positiveAgrees = tp.minus(1).divide(others);
      Column negativeAgrees = others.minus(tp).divide(others);
      Column train = tp.multiply(positiveAgrees).plus(t.minus(tp).multiply(negativeAgrees));
      Column trainSquares = tp.multiply(positiveAgrees.multiply(positiveAgrees))
          .plus(t.minus(tp).multiply(negativeAgrees.multiply(negativeAgrees)));
      return new TwinAgreement(counts, held, heldSquares, train, trainSquares);
    }

    /**
     * A label of {@code classCount} class indices: each side's rows of each class. A held-out row
     * of class c agrees with its train twins by their share of c, {@code t_c / t}; a train row of
     * class c with its other train twins by {@code (t_c - 1) / (t - 1)}.
     */
    static TwinAgreement ofClasses(int classCount) {
      Column label = functions.col(LabelConfig.LABEL);
      Column t = functions.col(TRAIN_ROWS);
      Column others = t.minus(1);
      List<Column> counts = new ArrayList<>(List.of(
          functions.count(functions.when(isTrain(), 1)).as(TRAIN_ROWS),
          functions.count(functions.when(functions.not(isTrain()), 1)).as(HELD_ROWS)));
      Column held = functions.lit(0.0);
      Column heldSquares = functions.lit(0.0);
      Column train = functions.lit(0.0);
      Column trainSquares = functions.lit(0.0);
      for (int c = 0; c < classCount; c++) {
        Column ofClass = label.equalTo(c);
        counts.add(functions.count(functions.when(isTrain().and(ofClass), 1))
            .as(TRAIN_OF_CLASS + c));
        counts.add(functions.count(functions.when(functions.not(isTrain()).and(ofClass), 1))
            .as(HELD_OF_CLASS + c));
        Column tc = functions.col(TRAIN_OF_CLASS + c);
        Column hc = functions.col(HELD_OF_CLASS + c);
        Column twinShare = tc.divide(t);
        held = held.plus(hc.multiply(twinShare));
        heldSquares = heldSquares.plus(hc.multiply(twinShare.multiply(twinShare)));
        Column othersShare = tc.minus(1).divide(others);
        train = train.plus(tc.multiply(othersShare));
        trainSquares = trainSquares.plus(tc.multiply(othersShare.multiply(othersShare)));
      }
      return new TwinAgreement(counts, held, heldSquares, train, trainSquares);
    }

    private static Column isTrain() {
      return functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN);
    }
  }

  /**
   * Validation ROC AUC of each raw feature on its own, folded so that 0.5 is no signal and 1.0 a
   * perfect predictor either way. Numeric features score by their value (date and time features by
   * their instant), and separately by whether
   * they are missing ({@code <feature>__missing}: a field filled in only after the outcome leaks
   * through its gaps); categorical ones by their category's positive rate in train (unseen categories
   * get train's overall rate). One job for all. A feature whose AUC cannot be computed (no value on
   * validation) is recorded as a warning, never passed as if it were harmless. An AUC above
   * {@code maxAuc} fails as an error when it clears it by {@value #AUC_STANDARD_ERRORS} standard
   * errors ({@link BinaryMetrics#rocAucStandardError}; at most {@value #MAX_AUC_NOISE}), as a
   * warning when it is above it by less, or when it was judged on fewer than
   * {@value #MIN_VALIDATION_ROWS_TO_JUDGE} rows. When validation has fewer, values and their
   * missingness (which need nothing fitted) are judged on train and validation together;
   * categories, scored by train's rates, stay on validation and warn.
   */
  public static List<ConstraintResult> singleFeatureAuc(Dataset<Row> labelled,
      FeatureConfig features, double maxAuc) {
    Column isValidation = functions.col(StratifiedSplitter.SPLIT)
        .equalTo(StratifiedSplitter.VALIDATION);
    return singleFeatureAuc(labelled, features, maxAuc, labelled.where(isValidation).count());
  }

  /**
   * As above, with the validation rows already counted ({@link SplitSummary#validationRows}: the
   * gate's one aggregation over the splits), so the check needs no job of its own to count them.
   */
  public static List<ConstraintResult> singleFeatureAuc(Dataset<Row> labelled,
      FeatureConfig features, double maxAuc, long validationRows) {
    return singleFeatureAuc(labelled, features, maxAuc, validationRows, null);
  }

  /**
   * As above, for {@code label}'s classes: a 0/1 label (or null) is scored as it always was. A
   * multi-class label ({@link LabelConfig#isMulticlass()}, {@value LabelConfig#LABEL} the class
   * index) is scored one class against the rest: a feature that gives away one class of many is a
   * leak, even when its AUC against any other split of the classes is 0.5 (a marker set only on
   * the rows of class 2, a status code whose values follow no order of the classes). Each feature
   * gets the largest folded one-vs-rest AUC over the classes, judged on that class's rows and the
   * rest (the noise bound from that class's size), and its expectation names the class. A
   * category is scored for class c by its train share of c (unseen ones by train's). Every scored
   * row stands once for each class in the same ranking job ({@link BinaryMetrics#rocAucByGroup}
   * grouped by feature and class), so K classes cost no more jobs than two. A regression label
   * ({@link LabelConfig#isRegression()}, {@value LabelConfig#LABEL} the number) is scored by each
   * feature's {@link Concordance} with the number, the AUC generalised to a number, judged against
   * the same bar ({@link #concordances}).
   */
  public static List<ConstraintResult> singleFeatureAuc(Dataset<Row> labelled,
      FeatureConfig features, double maxAuc, long validationRows, LabelConfig label) {
    boolean multiclass = label != null && label.isMulticlass();
    Column isTrain = functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN);
    Column isValidation = functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.VALIDATION);
    // A value's rank needs nothing fitted on train, so where validation is too small to judge,
    // train's rows judge it too: a post-outcome score on a 113-row data set (17 validation rows)
    // ordered every pair on both, and passed as a warning when only validation could tell.
    boolean valuesOnTrainToo = tooFewToJudge(validationRows);
    Column valuesJudgedOn = valuesOnTrainToo ? isTrain.or(isValidation) : isValidation;
    AucRows judged = new AucRows(orderedValues(features), maxAuc, validationRows,
        valuesOnTrainToo, valuesOnTrainToo ? TRAIN_AND_VALIDATION_ROWS : VALIDATION_ROWS);
    Dataset<Row> values = judged.ordered().isEmpty() ? null
        : scoredValues(labelled.where(valuesJudgedOn), judged.ordered());
    Dataset<Row> tokens = features.categorical().isEmpty() ? null
        : categoryTokens(labelled, features.categorical());
    if (multiclass) {
      return multiclassAuc(labelled, values, tokens, label, judged);
    }
    boolean regression = label != null && label.isRegression();
    Column labelColumn = functions.col(LabelConfig.LABEL);
    List<Dataset<Row>> scored = new ArrayList<>();
    if (values != null) {
      scored.add(values);
    }
    if (tokens != null) {
      double trainRate = labelled.where(isTrain).agg(functions.avg(labelColumn)).head()
          .getDouble(0);
      Dataset<Row> rates = tokens.where(isTrain).groupBy(FEATURE, TOKEN)
          .agg(functions.avg(labelColumn).as("rate"));
      scored.add(tokens.where(isValidation).join(rates, new String[] {FEATURE, TOKEN}, "left")
          .select(functions.col(FEATURE),
              functions.coalesce(functions.col("rate"), functions.lit(trainRate)).as(SCORE),
              labelColumn));
    }
    Dataset<Row> all = scored.stream().reduce(Dataset::unionByName).orElseThrow();
    if (regression) {
      return concordances(all, judged);
    }
    List<ConstraintResult> results = new ArrayList<>();
    List<Row> aucs = BinaryMetrics.rocAucByGroup(all, FEATURE, SCORE, LabelConfig.LABEL)
        .orderBy(FEATURE).collectAsList();
    for (Row row : aucs) {
      String feature = row.getString(row.fieldIndex(FEATURE));
      int aucIndex = row.fieldIndex(BinaryMetrics.ROC_AUC);
      Double auc = row.isNullAt(aucIndex) ? null : row.getDouble(aucIndex);
      results.add(judged.result(feature, "", auc,
          row.getLong(row.fieldIndex(BinaryMetrics.POSITIVES)),
          row.getLong(row.fieldIndex(BinaryMetrics.NEGATIVES)), "positive", "negative"));
    }
    return results;
  }

  /**
   * {@link #singleFeatureAuc} of a regression label: each feature's {@link Concordance} with the
   * number, from {@code scored}'s rows of {@value #FEATURE}, {@value #SCORE} and the label (a
   * category scored by its train mean of the number, as a 0/1 label's by its positive rate), one
   * group per feature counted on an executor in {@code O(n log n)}. The concordance is the ROC AUC
   * generalised to a number, so {@code max_single_feature_auc} keeps its meaning to the letter
   * (the share of row pairs the feature alone orders right), folded and judged as an AUC is. The
   * noise is that of an AUC of the upper half of the rows against the lower half
   * ({@link BinaryMetrics#rocAucStandardError}), at most {@value #MAX_AUC_NOISE} as ever.
   *
   * <p>Why not the correlation ratio or a correlation: a copy of the label cut into quantile bins
   * explains 0.97 of a normal label's variance and less of a skewed one's (its top bin holds the
   * tail), under a bar a perfect copy must clear; and a Spearman or Pearson coefficient needs its
   * own bar, mapped from the AUC's through assumptions on the data's shape.
   */
  private static List<ConstraintResult> concordances(Dataset<Row> scored, AucRows judged) {
    Column score = functions.col(SCORE).cast("double");
    Column number = functions.col(LabelConfig.LABEL).cast("double");
    List<Tuple3<String, Double, Long>> figures = scored
        .where(score.isNotNull().and(functions.not(functions.isnan(score)))
            .and(number.isNotNull()))
        .select(functions.col(FEATURE), score.as(SCORE), number.as(LabelConfig.LABEL))
        .groupByKey((MapFunction<Row, String>) row -> row.getString(0), Encoders.STRING())
        .mapGroups((MapGroupsFunction<String, Row, Tuple3<String, Double, Long>>)
                LeakageChecks::concordanceOf,
            Encoders.tuple(Encoders.STRING(), Encoders.DOUBLE(), Encoders.LONG()))
        .collectAsList();
    List<ConstraintResult> results = new ArrayList<>();
    figures.stream().sorted(java.util.Comparator.comparing(Tuple3::_1)).forEach(figure -> {
      long rows = figure._3();
      long upperHalf = rows / 2;
      Double concordance = Double.isNaN(figure._2()) ? null : figure._2();
      results.add(judged.result(figure._1(), CONCORDANCE_NOTE, concordance, upperHalf,
          rows - upperHalf, "upper-half", "lower-half"));
    });
    return results;
  }

  /** One feature's concordance (NaN when no two numbers differ) over its rows, and their count. */
  private static Tuple3<String, Double, Long> concordanceOf(String feature, Iterator<Row> rows) {
    double[] scores = new double[16];
    double[] numbers = new double[16];
    int n = 0;
    while (rows.hasNext()) {
      Row row = rows.next();
      if (n == scores.length) {
        scores = java.util.Arrays.copyOf(scores, 2 * n);
        numbers = java.util.Arrays.copyOf(numbers, 2 * n);
      }
      // + 0.0 makes -0.0 the 0.0 it equals: sorted apart, they would not tie.
      scores[n] = row.getDouble(1) + 0.0;
      numbers[n] = row.getDouble(2) + 0.0;
      n++;
    }
    return new Tuple3<>(feature, Concordance.of(java.util.Arrays.copyOf(scores, n),
        java.util.Arrays.copyOf(numbers, n)), (long) n);
  }

  /**
   * Each ordered feature's value and, under {@value #MISSING_SUFFIX}, its missingness, as rows of
   * {@value #FEATURE}, {@value #SCORE} and the label.
   */
  private static Dataset<Row> scoredValues(Dataset<Row> rows, Map<String, Column> ordered) {
    Column label = functions.col(LabelConfig.LABEL);
    Column[] pairs = ordered.entrySet().stream()
        .flatMap(e -> java.util.stream.Stream.of(
            functions.struct(functions.lit(e.getKey()).as(FEATURE), e.getValue().as(SCORE)),
            functions.struct(functions.lit(e.getKey() + MISSING_SUFFIX).as(FEATURE),
                functions.when(Columns.col(e.getKey()).isNull(), 1.0).otherwise(0.0).as(SCORE))))
        .toArray(Column[]::new);
    return rows.select(functions.explode(functions.array(pairs)).as("p"), label)
        .select(functions.col("p." + FEATURE), functions.col("p." + SCORE), label);
  }

  /** Each categorical feature's token, as rows of the split, {@value #FEATURE}, token and label. */
  private static Dataset<Row> categoryTokens(Dataset<Row> labelled, List<String> categorical) {
    Column label = functions.col(LabelConfig.LABEL);
    Column[] pairs = categorical.stream()
        .map(c -> functions.struct(functions.lit(c).as(FEATURE),
            FeatureFitter.token(c).as(TOKEN)))
        .toArray(Column[]::new);
    return labelled.select(functions.col(StratifiedSplitter.SPLIT),
            functions.explode(functions.array(pairs)).as("p"), label)
        .select(functions.col(StratifiedSplitter.SPLIT), functions.col("p." + FEATURE),
            functions.col("p." + TOKEN), label);
  }

  /**
   * {@link #singleFeatureAuc} of a multi-class label: every scored row once per class c, in the
   * group (feature, c), with its score for c and whether it is of c; the AUCs of all groups in one
   * ranking job, and each feature judged by its class of largest folded AUC (the first class of
   * the largest, on a tie).
   */
  private static List<ConstraintResult> multiclassAuc(Dataset<Row> labelled,
      Dataset<Row> values, Dataset<Row> tokens, LabelConfig label, AucRows judged) {
    int classCount = label.classCount();
    Column isTrain = functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN);
    Column isValidation = functions.col(StratifiedSplitter.SPLIT)
        .equalTo(StratifiedSplitter.VALIDATION);
    Column labelColumn = functions.col(LabelConfig.LABEL);
    List<Dataset<Row>> scored = new ArrayList<>();
    if (values != null) {
      List<Column> perClass = new ArrayList<>();
      for (int c = 0; c < classCount; c++) {
        perClass.add(oneVsRest(c, functions.col(SCORE)));
      }
      scored.add(values.select(functions.col(FEATURE),
          functions.explode(functions.array(perClass.toArray(Column[]::new))).as(ONE_VS_REST)));
    }
    if (tokens != null) {
      List<Column> shares = new ArrayList<>();
      for (int c = 0; c < classCount; c++) {
        shares.add(functions.avg(functions.when(labelColumn.equalTo(c), 1.0).otherwise(0.0))
            .as(CLASS_SHARE + c));
      }
      Column[] restOfShares = shares.subList(1, shares.size()).toArray(Column[]::new);
      Row trainShares = labelled.where(isTrain).agg(shares.get(0), restOfShares).head();
      Dataset<Row> rates = tokens.where(isTrain).groupBy(FEATURE, TOKEN)
          .agg(shares.get(0), restOfShares);
      Dataset<Row> joined = tokens.where(isValidation)
          .join(rates, new String[] {FEATURE, TOKEN}, "left");
      List<Column> perClass = new ArrayList<>();
      for (int c = 0; c < classCount; c++) {
        double overall = trainShares.isNullAt(c) ? 0.0 : trainShares.getDouble(c);
        perClass.add(oneVsRest(c, functions.coalesce(functions.col(CLASS_SHARE + c),
            functions.lit(overall))));
      }
      scored.add(joined.select(functions.col(FEATURE),
          functions.explode(functions.array(perClass.toArray(Column[]::new))).as(ONE_VS_REST)));
    }
    Dataset<Row> all = scored.stream().reduce(Dataset::unionByName).orElseThrow()
        .select(functions.struct(functions.col(FEATURE), functions.col(ONE_VS_REST + "." + CLASS))
                .as(FEATURE_CLASS),
            functions.col(ONE_VS_REST + "." + SCORE).as(SCORE),
            functions.col(ONE_VS_REST + "." + OF_CLASS).as(OF_CLASS));
    List<Row> aucs = BinaryMetrics.rocAucByGroup(all, FEATURE_CLASS, SCORE, OF_CLASS)
        .orderBy(FEATURE_CLASS).collectAsList();
    Map<String, Row> best = new LinkedHashMap<>();
    for (Row row : aucs) {
      String feature = row.getStruct(0).getString(0);
      best.merge(feature, row, (kept, next) -> folded(next) > folded(kept) ? next : kept);
    }
    List<ConstraintResult> results = new ArrayList<>();
    best.forEach((feature, row) -> {
      int aucIndex = row.fieldIndex(BinaryMetrics.ROC_AUC);
      Double auc = row.isNullAt(aucIndex) ? null : row.getDouble(aucIndex);
      String className = label.className(row.getStruct(0).getInt(1));
      String forClass = auc == null ? "" : " (one class against the rest: largest for class "
          + className + ")";
      results.add(judged.result(feature, forClass, auc,
          row.getLong(row.fieldIndex(BinaryMetrics.POSITIVES)),
          row.getLong(row.fieldIndex(BinaryMetrics.NEGATIVES)), className, "other-class"));
    });
    return results;
  }

  /** A row's one-vs-rest entry for class {@code c}: the class, its score and whether it is of it. */
  private static Column oneVsRest(int c, Column score) {
    return functions.struct(functions.lit(c).as(CLASS), score.as(SCORE),
        functions.when(functions.col(LabelConfig.LABEL).equalTo(c), OF_THE_CLASS)
            .otherwise(OF_ANOTHER_CLASS).as(OF_CLASS));
  }

  /** A ranking row's AUC folded to [0.5, 1]; below any AUC when it has none. */
  private static double folded(Row row) {
    int aucIndex = row.fieldIndex(BinaryMetrics.ROC_AUC);
    if (row.isNullAt(aucIndex)) {
      return Double.NEGATIVE_INFINITY;
    }
    double auc = row.getDouble(aucIndex);
    return Math.max(auc, 1 - auc);
  }

  /**
   * How {@link #singleFeatureAuc} judges a feature's AUC: the ordered features (judged on
   * {@code valueRows}), the bar, and validation's rows.
   */
  private record AucRows(Map<String, Column> ordered, double maxAuc, long validationRows,
      boolean valuesOnTrainToo, String valueRows) {
    /**
     * The verdict on {@code feature}'s AUC (null when not computable), ranked on {@code positives}
     * rows said as {@code positiveRows} against {@code negatives} said as {@code negativeRows};
     * {@code forClass} follows the expectation (which class a multi-class AUC is of).
     */
    ConstraintResult result(String feature, String forClass, Double auc, long positives,
        long negatives, String positiveRows, String negativeRows) {
      boolean byValue = ordered.containsKey(feature) || (feature.endsWith(MISSING_SUFFIX)
          && ordered.containsKey(feature.substring(0, feature.length() - MISSING_SUFFIX.length())));
      String judgedOn = byValue ? valueRows : VALIDATION_ROWS;
      String expectation = "<= " + maxAuc + " " + judgedOn + " AUC of the feature alone" + forClass;
      if (auc == null) {
        return new ConstraintResult(SINGLE_FEATURE_AUC + feature, feature, Severity.WARNING,
            Double.NaN, false, expectation + " (not computable: no value on validation)");
      }
      double folded = Math.max(auc, 1 - auc);
      long judgedRows = byValue && valuesOnTrainToo ? positives + negatives : validationRows;
      if (folded > maxAuc && tooFewToJudge(judgedRows)) {
        return new ConstraintResult(SINGLE_FEATURE_AUC + feature, feature, Severity.WARNING,
            folded, false, expectation + tooFewNote(judgedRows, judgedOn));
      }
      double standardError = BinaryMetrics.rocAucStandardError(folded, positives, negatives);
      double noise = Math.min(AUC_STANDARD_ERRORS * standardError, MAX_AUC_NOISE);
      if (folded > maxAuc && folded - noise <= maxAuc) {
        return new ConstraintResult(SINGLE_FEATURE_AUC + feature, feature, Severity.WARNING,
            folded, false, expectation + WITHIN_NOISE + positives + " " + positiveRows + " and "
                + negatives + " " + negativeRows + " " + judgedOn + " rows, " + round(noise)
                + ": " + AUC_STANDARD_ERRORS + " standard errors, at most " + MAX_AUC_NOISE
                + "; a strong feature as far as this split can tell, kept as a warning)");
      }
      return new ConstraintResult(SINGLE_FEATURE_AUC + feature, feature, Severity.ERROR,
          folded, folded <= maxAuc, expectation);
    }
  }

  /**
   * Validation mutual information between each raw feature, binned, and the label
   * ({@link MutualInformation}: normalised by the label's entropy, bias-corrected). Binning sees any
   * shape of dependence: a status code stored as a number whose codes 3 and 7 mean "cancelled" has no
   * order the AUC check could rank, but its bins carry the label. Numeric and date/time features
   * (by their instant) get {@value #NUMERIC_BINS} equal-frequency bins cut on train, plus one for a
   * missing value; categorical ones their value hashed into {@value #CATEGORY_BUCKETS} buckets plus
   * one for a missing value, which bounds the cells whatever the cardinality (a collision merges
   * values and lowers the estimate: the overload with vocabularies bins by value). Then every pair
   * of the {@value #PAIR_CANDIDATES} most informative features is binned jointly: two columns
   * that give the label away only together (an interaction, a total split in two) fail as the pair
   * {@code a+b}, when the pair also tells
   * {@value #PAIR_MIN_GAIN} of the label's entropy more than its better half alone (else the half
   * is what its own checks judge). Two passes over validation, one over train for the cut points.
   */
  public static List<ConstraintResult> binnedMutualInformation(Dataset<Row> labelled,
      FeatureConfig features, double maxNormalized) {
    return binnedMutualInformation(labelled, features, Map.of(), maxNormalized);
  }

  /**
   * As above, with the categorical features of {@code vocabularies} (their training values, most
   * frequent first: the fitted one-hot vocabularies) binned by their value itself, each of the
   * first {@value #CATEGORY_BUCKETS} values its own bin and the rest one more: hashed, two values
   * share a bucket one time in 64 for two values and about every other time for ten, and a copy
   * of the label whose two values collided ({@code closed_won}, {@code closed_lost}) measured no
   * information at all.
   */
  public static List<ConstraintResult> binnedMutualInformation(Dataset<Row> labelled,
      FeatureConfig features, Map<String, List<String>> vocabularies, double maxNormalized) {
    return binnedMutualInformation(labelled, features, vocabularies, maxNormalized,
        BINARY_CLASSES);
  }

  /**
   * As above, for a label of {@code classCount} classes ({@link LabelConfig#classCount()}): a
   * bin's cell counts its rows of each class index, and the information is over the label's
   * entropy across all of them ({@link MutualInformation#normalized}). Read as 0/1, a multi-class
   * label's third class would count as the first, and a code that tells the first class from the
   * third would seem to tell nothing.
   */
  public static List<ConstraintResult> binnedMutualInformation(Dataset<Row> labelled,
      FeatureConfig features, Map<String, List<String>> vocabularies, double maxNormalized,
      int classCount) {
    Column isTrain = functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN);
    Column isValidation = functions.col(StratifiedSplitter.SPLIT)
        .equalTo(StratifiedSplitter.VALIDATION);
    Map<String, Column> ordered = orderedValues(features);
    Map<String, Column> bins = new LinkedHashMap<>();
    if (!ordered.isEmpty()) {
      Column[] quantiles = ordered.values().stream()
          .map(value -> functions.percentile_approx(value, functions.array(
              java.util.stream.IntStream.range(1, NUMERIC_BINS)
                  .mapToObj(i -> functions.lit(i / (double) NUMERIC_BINS)).toArray(Column[]::new)),
              functions.lit(QUANTILE_ACCURACY)))
          .toArray(Column[]::new);
      Row cuts = labelled.where(isTrain).agg(quantiles[0],
          java.util.Arrays.copyOfRange(quantiles, 1, quantiles.length)).head();
      int i = 0;
      for (Map.Entry<String, Column> e : ordered.entrySet()) {
        List<Double> edges = cuts.isNullAt(i) ? List.of()
            : new java.util.TreeSet<Double>(cuts.<Double>getList(i)).stream().toList();
        i++;
        Column bin = functions.lit(0);
        for (double edge : edges) {
          bin = bin.plus(functions.when(e.getValue().geq(edge), 1).otherwise(0));
        }
        bins.put(e.getKey(), functions.when(e.getValue().isNull(), MISSING_BIN).otherwise(bin));
      }
    }
    for (String c : features.categorical()) {
      Column token = FeatureFitter.token(c);
      List<String> vocabulary = vocabularies.getOrDefault(c, List.of()).stream()
          .limit(CATEGORY_BUCKETS).toList();
      // array_position is 1-based, and 0 for a value not in the vocabulary: the bin of the rest.
      Column bin = vocabulary.isEmpty()
          ? functions.pmod(functions.xxhash64(token), functions.lit(CATEGORY_BUCKETS)).cast("int")
          : functions.array_position(functions.array(vocabulary.stream().map(functions::lit)
              .toArray(Column[]::new)), token).cast("int");
      bins.put(c, functions.when(token.equalTo(FeatureModel.MISSING_TOKEN), MISSING_BIN)
          .otherwise(bin));
    }
    // Every bin computed once per row: a pair's joint bin reads two of these columns instead of
    // evaluating both features' cut-point comparisons again for each of the pairs it is part of.
    List<Column> binned = new ArrayList<>(List.of(functions.col(LabelConfig.LABEL)));
    Map<String, Column> binColumns = new LinkedHashMap<>();
    for (Map.Entry<String, Column> e : bins.entrySet()) {
      String column = BIN + "_" + binColumns.size();
      binned.add(e.getValue().as(column));
      binColumns.put(e.getKey(), functions.col(column));
    }
    Dataset<Row> validation = labelled.where(isValidation).select(binned.toArray(Column[]::new));
    ValidationInformation singles = informationByGroup(validation, binColumns, classCount);
    Map<String, Double> single = singles.normalized();
    List<ConstraintResult> results = new ArrayList<>();
    single.forEach((feature, nmi) -> results.add(singles.judged(informationResult(
        MUTUAL_INFORMATION + feature, feature, nmi, maxNormalized))));
    List<String> candidates = single.entrySet().stream().filter(e -> !Double.isNaN(e.getValue()))
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(PAIR_CANDIDATES).map(Map.Entry::getKey).toList();
    Map<String, Column> pairs = new LinkedHashMap<>();
    Map<String, Double> betterHalf = new LinkedHashMap<>();
    for (int a = 0; a < candidates.size(); a++) {
      for (int b = a + 1; b < candidates.size(); b++) {
        String left = candidates.get(a);
        String right = candidates.get(b);
        pairs.put(left + PAIR_SEPARATOR + right,
            binColumns.get(left).multiply(PAIR_STRIDE).plus(binColumns.get(right)));
        betterHalf.put(left + PAIR_SEPARATOR + right,
            Math.max(single.get(left), single.get(right)));
      }
    }
    if (!pairs.isEmpty()) {
      informationByGroup(validation, pairs, classCount).normalized().forEach((pair, nmi) -> results.add(
          singles.judged(pairInformationResult(pair, nmi, betterHalf.get(pair), maxNormalized))));
    }
    return results;
  }

  /**
   * As above, for {@code label}: a 0/1 or multi-class label by its classes
   * ({@link LabelConfig#classCount()}), as the overload of a class count judges it. A regression
   * label's number is cut into its {@value #REGRESSION_LABEL_BINS} train quantile bins (its
   * deciles; fewer where the numbers repeat so that cut points coincide), and each bin is a class
   * of the same mutual information over the label's entropy, normalised and bias-corrected as
   * over K classes: a feature that tells which decile a row's number is in (the number itself, a
   * band or grade of it, a code of its deciles with no order) tells all of that entropy and fails
   * at {@code maxNormalized} as a copy of a class label does. Each expectation says so.
   */
  public static List<ConstraintResult> binnedMutualInformation(Dataset<Row> labelled,
      FeatureConfig features, Map<String, List<String>> vocabularies, double maxNormalized,
      LabelConfig label) {
    if (!label.isRegression()) {
      return binnedMutualInformation(labelled, features, vocabularies, maxNormalized,
          label.classCount());
    }
    Column number = functions.col(LabelConfig.LABEL).cast("double");
    List<Double> edges = trainCutPoints(labelled, number, REGRESSION_LABEL_BINS);
    Dataset<Row> binned = labelled.withColumn(LabelConfig.LABEL,
        binOf(number, edges).cast("double"));
    String note = " (the number cut into its " + (edges.size() + 1) + " train quantile bins)";
    return binnedMutualInformation(binned, features, vocabularies, maxNormalized,
        edges.size() + 1).stream()
        .map(r -> new ConstraintResult(r.name(), r.column(), r.severity(), r.value(), r.passed(),
            r.expectation() + note))
        .toList();
  }

  /**
   * The distinct cut points of {@code value}'s {@code bins} equal-frequency bins over train's rows,
   * ascending; empty when train has no value.
   */
  private static List<Double> trainCutPoints(Dataset<Row> labelled, Column value, int bins) {
    Column isTrain = functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN);
    Row cuts = labelled.where(isTrain).agg(functions.percentile_approx(value, functions.array(
        java.util.stream.IntStream.range(1, bins)
            .mapToObj(i -> functions.lit(i / (double) bins)).toArray(Column[]::new)),
        functions.lit(QUANTILE_ACCURACY))).head();
    return cuts.isNullAt(0) ? List.of()
        : new java.util.TreeSet<Double>(cuts.<Double>getList(0)).stream().toList();
  }

  /**
   * The bin of {@code value} among ascending cut points: how many of them it is above. Above, not
   * at or above: a number most rows share (a cost that is 0 for nine rows of ten) is a cut point
   * and the smallest value, and at-or-above put every row in one bin, leaving nothing to measure.
   */
  private static Column binOf(Column value, List<Double> edges) {
    Column bin = functions.lit(0);
    for (double edge : edges) {
      bin = bin.plus(functions.when(value.gt(edge), 1).otherwise(0));
    }
    return bin;
  }

  /**
   * A pair fails when it tells the label beyond {@code maxNormalized} (at least
   * {@value #PAIR_MIN_INFORMATION}) and at least
   * {@value #PAIR_MIN_GAIN} of its entropy more than its better half does alone (or half of what
   * that half leaves unexplained, when less).
   */
  private static ConstraintResult pairInformationResult(String pair, double nmi, double betterHalf,
      double maxNormalized) {
    ConstraintResult beyondBar = informationResult(MUTUAL_INFORMATION_PAIR + pair, pair, nmi,
        Math.max(maxNormalized, PAIR_MIN_INFORMATION));
    if (Double.isNaN(nmi)) {
      return beyondBar;
    }
    double minGain = Math.min(PAIR_MIN_GAIN, (1 - betterHalf) / 2);
    return new ConstraintResult(beyondBar.name(), pair, beyondBar.severity(), nmi,
        beyondBar.passed() || nmi - betterHalf < minGain, beyondBar.expectation()
            + ", or less than " + round(minGain) + " above the better of the two alone ("
            + round(betterHalf) + ")");
  }

  /**
   * Each group's normalised mutual information with the label, and validation's rows (every group
   * bins the same rows).
   */
  private record ValidationInformation(Map<String, Double> normalized, long rows) {
    /** {@code result}, a warning when it failed as an error on too few rows to judge. */
    ConstraintResult judged(ConstraintResult result) {
      if (!result.failedAsError() || !tooFewToJudge(rows)) {
        return result;
      }
      return result.keptAsWarning(tooFewNote(rows, VALIDATION_ROWS));
    }
  }

  /**
   * Whether {@code result} is a {@code single_feature_auc} finding kept as a warning for being
   * above its bar by less than its noise: a strong feature as far as the split can tell.
   */
  static boolean aboveBarWithinNoise(ConstraintResult result) {
    return result.name().startsWith(SINGLE_FEATURE_AUC) && !result.passed()
        && result.severity() == Severity.WARNING && result.expectation().contains(WITHIN_NOISE);
  }

  private static boolean tooFewToJudge(long validationRows) {
    return validationRows < MIN_VALIDATION_ROWS_TO_JUDGE;
  }

  /** Why a finding on {@code rows} rows of {@code which} split(s) is only a warning. */
  private static String tooFewNote(long rows, String which) {
    return " (only " + rows + " " + which + " rows: too few to tell a leak from a strong "
        + "feature, " + MIN_VALIDATION_ROWS_TO_JUDGE + " are needed; kept as a warning)";
  }

  /**
   * {@code results} with the failed {@code mutual_information:<f>} error of each feature whose
   * {@code single_feature_auc:<f>} is a warning with a value (above its bar within the split's
   * noise, or on too few rows) turned into a warning too: the split cannot tell that feature from
   * a strong honest one by its rank, and its binned information says the same thing. A feature
   * whose information alone fails (a code with no order, AUC near 0.5) keeps failing.
   */
  static List<ConstraintResult> informationAlikeAuc(List<ConstraintResult> results) {
    Set<String> strongWithinNoise = results.stream()
        .filter(r -> r.name().startsWith(SINGLE_FEATURE_AUC) && !r.passed()
            && r.severity() == Severity.WARNING && !Double.isNaN(r.value()))
        .map(r -> r.name().substring(SINGLE_FEATURE_AUC.length())).collect(Collectors.toSet());
    List<ConstraintResult> alike = new ArrayList<>();
    for (ConstraintResult result : results) {
      boolean soften = result.name().startsWith(MUTUAL_INFORMATION) && !result.passed()
          && result.severity() == Severity.ERROR
          && strongWithinNoise.contains(result.name().substring(MUTUAL_INFORMATION.length()));
      alike.add(!soften ? result : result.keptAsWarning(" (kept as a warning with the feature's "
          + "single_feature_auc: a strong feature as far as this split can tell)"));
    }
    return alike;
  }

  /**
   * The normalised mutual information of each group's bins with the label of {@code classCount}
   * classes, in one job: a bin's cell counts its rows of each class. A 0/1 label's cell is
   * {negatives, positives} as it always was, anything but 1 a negative.
   */
  private static ValidationInformation informationByGroup(Dataset<Row> rows,
      Map<String, Column> bins, int classCount) {
    Column[] cells = bins.entrySet().stream()
        .map(e -> functions.struct(functions.lit(e.getKey()).as(FEATURE), e.getValue().as(BIN)))
        .toArray(Column[]::new);
    List<Row> counts = rows.select(functions.explode(functions.array(cells)).as("c"),
            functions.col(LabelConfig.LABEL).cast("int").as(LabelConfig.LABEL))
        .groupBy(functions.col("c." + FEATURE), functions.col("c." + BIN),
            functions.col(LabelConfig.LABEL))
        .count().collectAsList();
    Map<String, Map<Long, long[]>> byGroup = new LinkedHashMap<>();
    bins.keySet().forEach(g -> byGroup.put(g, new java.util.HashMap<>()));
    for (Row row : counts) {
      int classIndex = classIndex(row.getInt(2), classCount);
      if (classIndex < 0) {
        continue;
      }
      long[] cell = byGroup.get(row.getString(0))
          .computeIfAbsent(((Number) row.get(1)).longValue(), k -> new long[classCount]);
      cell[classIndex] += row.getLong(3);
    }
    Map<String, Double> information = new LinkedHashMap<>();
    byGroup.forEach((group, cellCounts) ->
        information.put(group, MutualInformation.normalized(cellCounts)));
    long[] validationRows = new long[1];
    byGroup.values().stream().findFirst().ifPresent(first -> first.values().forEach(cell -> {
      for (long classRows : cell) {
        validationRows[0] += classRows;
      }
    }));
    return new ValidationInformation(information, validationRows[0]);
  }

  /**
   * The cell index of a row labelled {@code label}: a 0/1 label's 1 or 0 (anything but 1), a
   * multi-class label's class index; -1 for an index outside the classes, which split never
   * writes and no cell could hold.
   */
  private static int classIndex(int label, int classCount) {
    if (classCount == BINARY_CLASSES) {
      return label == 1 ? 1 : 0;
    }
    return label >= 0 && label < classCount ? label : -1;
  }

  private static ConstraintResult informationResult(String name, String column, double nmi,
      double maxNormalized) {
    String expectation = "<= " + maxNormalized + " validation mutual information with the label, "
        + "over the label's entropy (binned)";
    if (Double.isNaN(nmi)) {
      return new ConstraintResult(name, column, Severity.WARNING, Double.NaN, false,
          expectation + " (not computable: validation has one class)");
    }
    return new ConstraintResult(name, column, Severity.ERROR, nmi, nmi <= maxNormalized,
        expectation);
  }

  /**
   * In a time split, no validation or test record may be earlier than the latest training record:
   * one that is lets the model be evaluated on the past of what it learnt from (a split computed on
   * other data, or rows whose time changed after splitting). Records the split left out (in a gap,
   * or without a time) do not count.
   */
  public static ConstraintResult timeOrder(Dataset<Row> labelled, String timeColumn) {
    Column time = functions.unix_micros(Columns.col(timeColumn).cast("timestamp"));
    Column split = functions.col(StratifiedSplitter.SPLIT);
    Row latestTrain = labelled.where(split.equalTo(StratifiedSplitter.TRAIN))
        .agg(functions.max(time)).head();
    long earlier = latestTrain.isNullAt(0) ? 0 : labelled
        .where(split.isin(StratifiedSplitter.VALIDATION, StratifiedSplitter.TEST)
            .and(time.lt(latestTrain.getLong(0))))
        .count();
    return new ConstraintResult("time_order", timeColumn, Severity.ERROR, earlier, earlier == 0,
        "0 validation or test records earlier than the latest train record by " + timeColumn);
  }

  /**
   * One check per feature with an event time: the records (of every split) whose feature was
   * observed after their label was known. Such a value cannot exist when the model is used, so a
   * model trained on it learns the outcome from its consequences. One pass for every feature; a
   * record without either time is not counted (nothing says it is late).
   *
   * <pre>{@code
   * // "balance" is the balance on balance_as_of; the label is the default known on decided_at
   * featureAfterLabelTime(labelled, "decided_at", Map.of("balance", "balance_as_of"));
   * }</pre>
   */
  public static List<ConstraintResult> featureAfterLabelTime(Dataset<Row> labelled,
      String labelTimeColumn, Map<String, String> eventTimes) {
    if (eventTimes.isEmpty()) {
      return List.of();
    }
    Column labelTime = functions.unix_micros(Columns.col(labelTimeColumn).cast("timestamp"));
    List<Column> late = new ArrayList<>();
    eventTimes.forEach((feature, time) -> late.add(functions.count(functions.when(
        functions.unix_micros(Columns.col(time).cast("timestamp")).gt(labelTime), 1))));
    Row counts = labelled.agg(late.get(0), late.subList(1, late.size()).toArray(new Column[0]))
        .head();
    List<ConstraintResult> results = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, String> entry : eventTimes.entrySet()) {
      long records = counts.getLong(i++);
      String observed = entry.getKey().equals(entry.getValue()) ? entry.getKey()
          : entry.getKey() + " (observed at " + entry.getValue() + ")";
      results.add(new ConstraintResult("event_time_after_label:" + entry.getKey(),
          entry.getKey(), Severity.ERROR, records, records == 0,
          "0 records whose " + observed + " is after their " + labelTimeColumn
              + ": a value observed after the label is known is not there when the model is used"));
    }
    return results;
  }

  /**
   * A 64-bit hash of a row's values in {@code columns}. Spark's hash skips a null, so (null, 5) and
   * (5, null) would collide; masks of which columns are null go in first and tell them apart. It
   * replaces a hash of the row as JSON text, which built a string per row (on flights-3m the
   * shared-rows check then cost more task CPU than the four other checks together).
   */
  static Column contentHash(List<String> columns) {
    List<Column> parts = new ArrayList<>();
    for (int from = 0; from < columns.size(); from += NULL_MASK_BITS) {
      Column mask = functions.lit(0L);
      for (int i = from; i < Math.min(columns.size(), from + NULL_MASK_BITS); i++) {
        mask = mask.bitwiseOR(functions.when(Columns.col(columns.get(i)).isNull(),
            functions.lit(1L << (i - from))).otherwise(functions.lit(0L)));
      }
      parts.add(mask);
    }
    columns.forEach(c -> parts.add(Columns.col(c)));
    return functions.xxhash64(parts.toArray(Column[]::new));
  }

  /**
   * The numeric and date/time features as ordered values: a number as a double, a date or time by
   * its instant (a label that follows the calendar shows up that way).
   */
  private static Map<String, Column> orderedValues(FeatureConfig features) {
    Map<String, Column> ordered = new LinkedHashMap<>();
    features.numeric().forEach(c -> ordered.put(c, Columns.col(c).cast("double")));
    features.datetime().forEach(d -> ordered.put(d.column(), functions.expr("unix_micros(cast("
        + Columns.quote(d.column()) + " as timestamp))").cast("double")));
    return ordered;
  }

  /**
   * The feature model must have been fitted on exactly the current training split of this run date:
   * a model fitted on other rows has seen validation or test data (or stale splits). Its rows and
   * fingerprint are those of the training records the features stage joined with silver, so they
   * are counted on {@link #withSplitSpan}'s rows ({@link SplitSummary}); a record in train and
   * another split was a train row there too.
   */
  public static ConstraintResult fittedOnTrain(FeatureModel model, SplitSummary summary,
      String runDate) {
    FeatureModel.FitProvenance fitted = model.fittedOn();
    long trainRows = summary.trainRows();
    long fingerprint = summary.trainFingerprint();
    boolean ok = StratifiedSplitter.TRAIN.equals(fitted.split()) && runDate.equals(fitted.runDate())
        && fitted.rows() == trainRows && fitted.fingerprint() == fingerprint;
    return new ConstraintResult("fitted_on_train", null, Severity.ERROR, ok ? 1.0 : 0.0, ok,
        "feature model fitted on the " + trainRows + " train rows of " + runDate + " (it says: "
        + fitted.rows() + " " + fitted.split() + " rows of " + fitted.runDate() + ")");
  }

  private static String round(double value) {
    return String.format(java.util.Locale.ROOT, "%.4f", value);
  }
}
