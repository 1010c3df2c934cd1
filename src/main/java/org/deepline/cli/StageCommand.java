package org.deepline.cli;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.RunContext;
import org.deepline.core.SparkSessions;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse;
import org.deepline.tracking.ProgressListener;
import org.deepline.tracking.RunRecorder;
import org.deepline.tracking.RunRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs one stage (or the pipeline) from the command line; {@link DeeplineCli} registers one instance
 * per stage under the stage's command name. Config and arguments are checked before a Spark session
 * exists, so a typo fails in a second, not after the JVM has warmed up a cluster.
 */
@Command(mixinStandardHelpOptions = true)
final class StageCommand implements Callable<Integer> {
  @Mixin
  CommonOptions options;

  private final Function<RunRecorder, Stage> stageFactory;

  StageCommand(Function<RunRecorder, Stage> stageFactory) {
    this.stageFactory = stageFactory;
  }

  @Override
  public Integer call() {
    DeeplineConfig config = ConfigLoader.load(options.conf, options.overrides);
    String runDate = RunContext.parseRunDate(options.runDate);
    Warehouse warehouse = Warehouse.at(options.warehouse);
    ProgressListener progress = options.progressListener();
    SparkSession spark = SparkSessions.getOrCreate();
    RunRecorder recorder = new RunRecorder(new RunRegistry(spark, warehouse), progress);
    Stage stage = stageFactory.apply(recorder);
    RunContext context = new RunContext(RunContext.newRunId(), null, stage.command(), runDate,
        config, warehouse, spark);
    long start = System.currentTimeMillis();
    StageResult result;
    try (ProgressListener.Attached attached = progress.attachTo(spark.sparkContext())) {
      result = recorder.run(context, stage);
    }
    System.out.printf(Locale.ROOT, "%s %s %s: succeeded in %.1f s (run %s)%n", stage.command(),
        config.dataset(), runDate, (System.currentTimeMillis() - start) / 1000.0, context.runId());
    System.out.println(result.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> String.format(Locale.ROOT, "  %s = %.4f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(System.lineSeparator())));
    return 0;
  }
}
