package org.deepline.labeling;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;

/**
 * The Spark side of {@code label}: every labelling function evaluated in one projection of silver,
 * the distinct vote combinations counted in one {@code groupBy}, and each row's majority vote and
 * label-model posterior joined back from the (small) table of combinations. The label model itself
 * runs on the driver over the combinations ({@link LabelModel}).
 *
 * <pre>{@code
 * Dataset<Row> votes = WeakLabels.votes(silver, labelingFunctions, gold).persist();
 * List<VotePattern> patterns = WeakLabels.patterns(votes, "label");
 * LabelModel model = LabelModel.fit(WeakLabels.voteClasses(labelingFunctions), patterns);
 * Dataset<Row> labelled = WeakLabels.label(votes, labelingFunctions, model, patterns);
 * }</pre>
 */
public final class WeakLabels {
  /** Which functions voted, bit j for function j (config order); internal to the job. */
  public static final String VOTED_MASK = "_voted_mask";
  /** The gold label (1.0, 0.0 or null), internal to the job. */
  public static final String GOLD = "_gold";
  /** The output's votes: function name to the class it voted, abstaining functions left out. */
  public static final String VOTES = "votes";
  public static final String VOTES_CAST = "votes_cast";
  /** 1 or 0 by majority; null on a tie or without votes. */
  public static final String MAJORITY_LABEL = "majority_label";
  /** 1 or 0 by the label model's posterior; null without votes or at a posterior of 1/2. */
  public static final String MODEL_LABEL = "label_model_label";
  /** The label model's {@code P(positive | votes)} for every row (a row without votes included). */
  public static final String PROBABILITY = "label_model_probability";
  /** The posterior of the label chosen: {@code max(p, 1 - p)}; null where there is no label. */
  public static final String CONFIDENCE = "confidence";
  private static final String PROBE = "_labeling_probe";

  private WeakLabels() {}

  /** Each function's class, in config order. */
  public static int[] voteClasses(List<LabelingFunction> labelingFunctions) {
    return labelingFunctions.stream().mapToInt(LabelingFunction::voteClass).toArray();
  }

  /**
   * Checks, before any row is read, that every function's expression resolves on {@code silver}, is
   * boolean and deterministic (a re-run must give the same votes); the error names the function.
   */
  public static void checkExpressions(Dataset<Row> silver,
      List<LabelingFunction> labelingFunctions) {
    for (LabelingFunction function : labelingFunctions) {
      String where = "labeling function " + function.name() + " `" + function.expression() + "`";
      Dataset<Row> probe;
      try {
        probe = silver.select(functions.expr(function.expression()).as(PROBE));
      } catch (Exception e) {
        // Analysis and parse errors are checked Scala exceptions, thrown undeclared.
        String reason = e instanceof AnalysisException analysis ? analysis.getSimpleMessage()
            : String.valueOf(e.getMessage());
        throw new DeeplineException(Failure.CONFIG, where + " cannot be evaluated on silver: "
            + reason.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst()
                .orElse(reason), e);
      }
      DataType type = probe.schema().apply(PROBE).dataType();
      if (type != DataTypes.BooleanType) {
        throw new DeeplineException(Failure.CONFIG, where + " is " + type.simpleString()
            + ", not boolean; write a condition, e.g. tenure < 12");
      }
      LogicalPlan analyzed = probe.queryExecution().analyzed();
      if (analyzed instanceof Project project) {
        Expression evaluated = (Expression) project.projectList().last();
        if (!evaluated.deterministic()) {
          throw new DeeplineException(Failure.CONFIG, where + " is not deterministic; a re-run "
              + "of the date would give other votes");
        }
      }
    }
  }

  /**
   * Pure transform: {@code _record_id}, {@link #VOTED_MASK} and {@link #GOLD} per silver row. A
   * function votes where its expression is true and abstains where it is false or null.
   */
  public static Dataset<Row> votes(Dataset<Row> silver, List<LabelingFunction> labelingFunctions,
      Column gold) {
    Column mask = functions.lit(0L);
    for (int j = 0; j < labelingFunctions.size(); j++) {
      Column fired = functions.coalesce(functions.expr(labelingFunctions.get(j).expression()),
          functions.lit(false));
      mask = mask.plus(functions.when(fired, functions.lit(1L << j)).otherwise(functions.lit(0L)));
    }
    return silver.select(functions.col(RecordIds.RECORD_ID), mask.as(VOTED_MASK),
        gold.cast(DataTypes.DoubleType).as(GOLD));
  }

  /**
   * The gold label from a column: 1.0 where its value is {@code positive} (as
   * {@link LabelConfig#matchesPositive} matches {@code label.positive}), else 0.0; without
   * {@code positive} the column's value as a number (true/false as 1/0). Null stays null.
   */
  public static Column goldFromColumn(String column, String positive) {
    Column value = Columns.col(column);
    if (positive == null) {
      return value.cast(DataTypes.DoubleType);
    }
    return functions.when(value.isNull(), null)
        .otherwise(LabelConfig.matchesPositive(column, positive).cast(DataTypes.DoubleType));
  }

  /**
   * The distinct vote combinations with their counts, in one aggregation, sorted by mask. Fails
   * naming {@code goldName} when a gold value is neither 0 nor 1.
   */
  public static List<VotePattern> patterns(Dataset<Row> votes, String goldName) {
    Column gold = functions.col(GOLD);
    List<Row> counted = votes.groupBy(VOTED_MASK).agg(
            functions.count(functions.lit(1)),
            functions.count(gold),
            functions.sum(functions.when(gold.equalTo(1.0), 1L).otherwise(0L)),
            functions.sum(functions.when(gold.isNotNull().and(gold.notEqual(1.0))
                .and(gold.notEqual(0.0)), 1L).otherwise(0L)))
        .orderBy(VOTED_MASK).collectAsList();
    List<VotePattern> patterns = new ArrayList<>();
    long invalidGold = 0;
    for (Row row : counted) {
      invalidGold += row.getLong(4);
      patterns.add(new VotePattern(row.getLong(0), row.getLong(1), row.getLong(2) - row.getLong(4),
          row.getLong(3)));
    }
    if (invalidGold > 0) {
      throw new DeeplineException(Failure.DATA_QUALITY, invalidGold + " rows have a gold label ("
          + goldName + ") that is neither 1 nor 0; set labeling.gold_positive to the positive "
          + "value");
    }
    return patterns;
  }

  /**
   * Pure transform: each voted row with its votes by name, majority label, label-model label,
   * probability and confidence. The per-combination values are computed on the driver and joined
   * back by mask (a broadcast join: at most one row per combination).
   */
  public static Dataset<Row> label(Dataset<Row> votes, List<LabelingFunction> labelingFunctions,
      LabelModel model, List<VotePattern> patterns) {
    int[] classes = voteClasses(labelingFunctions);
    StructType schema = new StructType()
        .add(VOTED_MASK, DataTypes.LongType, false)
        .add(MAJORITY_LABEL, DataTypes.IntegerType, true)
        .add(MODEL_LABEL, DataTypes.IntegerType, true)
        .add(PROBABILITY, DataTypes.DoubleType, false)
        .add(CONFIDENCE, DataTypes.DoubleType, true);
    List<Row> byPattern = new ArrayList<>();
    for (VotePattern pattern : patterns) {
      long mask = pattern.votedMask();
      double probability = model.posterior(mask);
      Integer modelLabel = pattern.covered() ? LabelModel.decide(probability) : null;
      Double confidence = modelLabel == null ? null
          : modelLabel == 1 ? probability : 1 - probability;
      byPattern.add(RowFactory.create(mask, MajorityVote.label(mask, classes), modelLabel,
          probability, confidence));
    }
    Dataset<Row> decided = votes.sparkSession().createDataFrame(byPattern, schema);
    List<Column> entries = new ArrayList<>();
    for (int j = 0; j < labelingFunctions.size(); j++) {
      entries.add(functions.lit(labelingFunctions.get(j).name()));
      entries.add(functions.when(functions.col(VOTED_MASK).bitwiseAND(1L << j).notEqual(0L),
          functions.lit(classes[j])));
    }
    Column votesByName = functions.map_filter(functions.map(entries.toArray(Column[]::new)),
        (name, vote) -> vote.isNotNull());
    return votes.join(functions.broadcast(decided), VOTED_MASK)
        .select(functions.col(RecordIds.RECORD_ID), votesByName.as(VOTES),
            functions.bit_count(functions.col(VOTED_MASK)).cast(DataTypes.IntegerType)
                .as(VOTES_CAST),
            functions.col(MAJORITY_LABEL), functions.col(MODEL_LABEL),
            functions.col(PROBABILITY), functions.col(CONFIDENCE));
  }
}
