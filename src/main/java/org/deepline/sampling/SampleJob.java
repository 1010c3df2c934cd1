package org.deepline.sampling;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.PositiveClass;
import org.deepline.etl.RecordIds;

/**
 * {@code deepline sample}: draws the configured sample ({@link SampleConfig}) from the run date's
 * silver rows and writes it to the {@code sample} table, replacing that date's slice. The rows keep
 * silver's columns; draws with replacement add {@value Samplers#MULTIPLICITY} and importance
 * sampling {@value Samplers#IMPORTANCE_WEIGHT}.
 *
 * <pre>{@code
 * submit/deepline-submit sample --conf conf/flights.json --set sample.method=reservoir \
 *     --set sample.n=10000 --run-date 2026-12-02
 * }</pre>
 *
 * <p>Metrics: {@code rows_in}, {@code rows_out}, per stratum {@code rows_in:<value>} and
 * {@code rows_out:<value>}, with replacement {@code draws} (the sum of the multiplicities), and for
 * importance sampling {@code effective_sample_size}: Kish's {@code (sum m*w)^2 / sum m*w^2}.
 */
public final class SampleJob implements Stage {
  @Override
  public Name name() {
    return new Name("sample",
        "Draw a seeded sample of the date's silver rows (random, stratified, weighted, "
            + "reservoir or importance) into the sample table.");
  }

  @Override
  public StageResult run(RunContext context) {
    SampleConfig config = context.section(SampleConfig.class);
    RunContext.Input silver = context.input(Table.SILVER);
    LabelConfig label = LabelConfig.LABEL.equals(config.strataColumn())
        ? PositiveClass.named(context, context.section(LabelConfig.class), silver::rows, "sample")
        : context.section(LabelConfig.class);
    Samplers.Sample sample = sample(silver.rows(), config, label);
    DeltaTables.Written written;
    try {
      written = DeltaTables.replaceRunDateCounted(sample.rows(), context.table(Table.SAMPLE),
          context.runDate());
    } finally {
      sample.rows().unpersist();
    }
    StageResult.Builder result = StageResult.builder().input(silver.ref()).output(written.table());
    Dataset<Row> out = DeltaTables.slice(context.spark(), written.table(), context.runDate());
    Map<String, Double> metrics = new LinkedHashMap<>(sample.metrics());
    if (!metrics.containsKey("rows_in")) {
      metrics.put("rows_in", (double) silver.rows().count());
    }
    metrics.put("rows_out", (double) (written.rows().isPresent() ? written.rows().getAsLong()
        : out.count()));
    if (SampleConfig.STRATIFIED.equals(config.method())) {
      for (Row row : out.groupBy(Samplers.stratumText(stratum(config))).count().collectAsList()) {
        metrics.put("rows_out:" + row.getString(0), (double) row.getLong(1));
      }
    }
    if (config.multiplicities()) {
      Column m = functions.col(Samplers.MULTIPLICITY);
      Column w = SampleConfig.IMPORTANCE.equals(config.method())
          ? functions.col(Samplers.IMPORTANCE_WEIGHT) : functions.lit(1.0);
      Row sums = out.agg(functions.sum(m), functions.sum(m.multiply(w)),
          functions.sum(m.multiply(w).multiply(w))).head();
      metrics.put("draws", sums.isNullAt(0) ? 0 : (double) sums.getLong(0));
      if (SampleConfig.IMPORTANCE.equals(config.method())) {
        double weighted = sums.isNullAt(1) ? 0 : sums.getDouble(1);
        double squares = sums.isNullAt(2) ? 0 : sums.getDouble(2);
        metrics.put("effective_sample_size", squares > 0 ? weighted * weighted / squares : 0);
      }
    }
    return result.metrics(metrics).build();
  }

  private static Column stratum(SampleConfig config) {
    return LabelConfig.LABEL.equals(config.strataColumn())
        ? functions.col(LabelConfig.LABEL).cast("int") : Columns.col(config.strataColumn());
  }

  /**
   * The configured sample of silver rows, keyed by {@code _record_id}. With {@code strata_column}
   * {@value LabelConfig#LABEL} the label is computed for the draw (strata {@code 0} and {@code 1},
   * or a multi-class label's class indices)
   * and kept as a column of the sample.
   */
  public static Samplers.Sample sample(Dataset<Row> silver, SampleConfig config, LabelConfig label) {
    String id = RecordIds.RECORD_ID;
    long seed = config.seed();
    return switch (config.method()) {
      case SampleConfig.STRATIFIED -> {
        boolean byLabel = LabelConfig.LABEL.equals(config.strataColumn());
        Dataset<Row> rows = byLabel ? silver.withColumn(LabelConfig.LABEL, label.targetOn(silver))
            : silver;
        Samplers.Sample drawn = config.counts() != null && !config.counts().isEmpty()
            ? Samplers.stratifiedCounts(rows, id, stratum(config), config.strataColumn(),
                config.counts(), seed)
            : Samplers.stratifiedFractions(rows, id, stratum(config), config.strataColumn(),
                config.fractions(), seed);
        yield drawn;
      }
      case SampleConfig.WEIGHTED -> config.withReplacement()
          ? Samplers.withReplacement(silver, id, config.weightColumn(), config.n(), seed)
          : Samplers.weighted(silver, id, config.weightColumn(), config.n(), seed);
      case SampleConfig.RESERVOIR -> Samplers.reservoir(silver, id, Math.toIntExact(config.n()),
          seed);
      case SampleConfig.IMPORTANCE -> Samplers.importance(silver, id,
          functions.expr(config.proposal()),
          config.target() == null ? null : functions.expr(config.target()), config.proposal(),
          config.n(), seed);
      default -> config.n() != null ? Samplers.exactly(silver, id, config.n(), seed)
          : new Samplers.Sample(Samplers.bernoulli(silver, id, config.fraction(), seed), Map.of());
    };
  }
}
