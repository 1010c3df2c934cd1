package org.deepline.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.deepline.tracking.Lineage;
import org.deepline.tracking.ModelRegistry;
import org.deepline.tracking.ModelRegistry.AliasChange;
import org.deepline.tracking.ModelRegistry.ModelEntry;
import org.deepline.tracking.RunRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The model registry from the command line: versions, aliases ({@code champion}, {@code challenger})
 * and where a version's training data came from. None of them starts Spark: reads and the alias
 * log's appends go through Delta Kernel.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "List, show, promote and roll back registered models; trace a model's lineage.",
    subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Show.class,
        ModelsCommand.Promote.class, ModelsCommand.Rollback.class, ModelsCommand.LineageOf.class})
final class ModelsCommand {

  abstract static class ModelsOptions extends WarehouseOptions {
    @Option(names = "--dataset", paramLabel = "NAME", required = true,
        description = "The data set (the config's dataset key), e.g. churn.")
    String dataset;

    ModelRegistry registry() {
      return new ModelRegistry(warehouse());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Every version of the data set, newest first, with its aliases and "
          + "validation metrics.")
  static final class ListModels extends ModelsOptions implements Callable<Integer> {
    /** One line of the list (and one element of its JSON). */
    record Listed(ModelEntry model, List<String> aliases) {}

    @Override
    public Integer call() {
      ModelRegistry registry = registry();
      Map<String, List<String>> aliasesByVersion = registry.aliases(dataset).entrySet().stream()
          .collect(Collectors.groupingBy(Map.Entry::getValue,
              Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
      List<Listed> listed = registry.list(dataset).stream()
          .map(m -> new Listed(m, aliasesByVersion.getOrDefault(m.modelVersion(), List.of())))
          .toList();
      StringBuilder text = new StringBuilder();
      listed.forEach(l -> text.append(String.format(Locale.ROOT, "%-22s %-10s %-20s %-22s %s%n",
          l.model().modelVersion(), l.model().runDate(), String.join(",", l.aliases()),
          l.model().createdAt(), metrics(l.model()))));
      print(listed, listed.isEmpty() ? "no model of " + dataset + " in " + registry.path()
          : text.toString().stripTrailing());
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One version (or the holder of an alias): its bundle, metrics, aliases and "
          + "the history of those aliases.")
  static final class Show extends ModelsOptions implements Callable<Integer> {
    @Parameters(paramLabel = "VERSION_OR_ALIAS", description = "A model version or an alias, "
        + "e.g. champion.")
    String versionOrAlias;

    /** What {@code show --json} prints. */
    record Shown(ModelEntry model, List<String> aliases, Map<String, List<AliasChange>> history) {}

    @Override
    public Integer call() {
      ModelRegistry registry = registry();
      ModelEntry model = registry.resolve(dataset, versionOrAlias);
      List<String> aliases = registry.aliases(dataset).entrySet().stream()
          .filter(e -> e.getValue().equals(model.modelVersion())).map(Map.Entry::getKey).toList();
      Map<String, List<AliasChange>> history = new LinkedHashMap<>();
      aliases.forEach(a -> history.put(a, registry.aliasHistory(dataset, a)));
      StringBuilder text = new StringBuilder();
      text.append("model ").append(model.modelVersion()).append(" of ").append(dataset)
          .append(", trained on run_date ").append(model.runDate()).append(" by run ")
          .append(model.runId()).append(", registered ").append(model.createdAt()).append('\n');
      text.append("  bundle: ").append(model.path()).append('\n');
      text.append("  metrics: ").append(metrics(model)).append('\n');
      text.append("  aliases: ").append(aliases.isEmpty() ? "none" : String.join(", ", aliases))
          .append('\n');
      history.forEach((alias, changes) -> changes.forEach(c -> text.append("    ").append(alias)
          .append(" #").append(c.sequence()).append(' ').append(c.changedAt()).append(' ')
          .append(c.action()).append(" -> ").append(c.modelVersion())
          .append(c.previousVersion() == null ? "" : " (was " + c.previousVersion() + ")")
          .append('\n')));
      print(new Shown(model, aliases, history), text.toString().stripTrailing());
      return 0;
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = "Give an alias (default champion) to a registered version.")
  static final class Promote extends ModelsOptions implements Callable<Integer> {
    @Parameters(paramLabel = "VERSION", description = "The model version, e.g. "
        + "20261124T014022-56dc8a.")
    String version;

    @Option(names = "--alias", paramLabel = "NAME", defaultValue = ModelRegistry.CHAMPION,
        description = "The alias to give (default: ${DEFAULT-VALUE}).")
    String alias;

    @Override
    public Integer call() {
      AliasChange change = registry().setAlias(dataset, alias, version);
      print(change, alias + " of " + dataset + " is now " + change.modelVersion()
          + (change.previousVersion() == null ? "" : " (was " + change.previousVersion() + ")"));
      return 0;
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Give an alias (default champion) back to the version that held it before.")
  static final class Rollback extends ModelsOptions implements Callable<Integer> {
    @Option(names = "--alias", paramLabel = "NAME", defaultValue = ModelRegistry.CHAMPION,
        description = "The alias to roll back (default: ${DEFAULT-VALUE}).")
    String alias;

    @Override
    public Integer call() {
      AliasChange change = registry().rollback(dataset, alias);
      print(change, alias + " of " + dataset + " is back to " + change.modelVersion() + " (was "
          + change.previousVersion() + ")");
      return 0;
    }
  }

  @Command(name = "lineage", mixinStandardHelpOptions = true,
      description = "The exact table versions a model was trained on, and the runs that wrote "
          + "them: read them back with Delta time travel (versionAsOf) and the run date.")
  static final class LineageOf extends ModelsOptions implements Callable<Integer> {
    @Parameters(paramLabel = "VERSION_OR_ALIAS", description = "A model version or an alias.")
    String versionOrAlias;

    /** What {@code lineage --json} prints. */
    record Traced(String modelVersion, String dataset, String trainingRun, String runDate,
        List<Lineage.Source> sources) {}

    @Override
    public Integer call() {
      ModelEntry model = registry().resolve(dataset, versionOrAlias);
      Lineage lineage = Lineage.of(model, new RunRegistry(warehouse()).all());
      StringBuilder text = new StringBuilder();
      text.append("model ").append(model.modelVersion()).append(" of ").append(dataset)
          .append(": ").append(lineage.training().command()).append(" run ")
          .append(lineage.training().runId()).append(" on run_date ")
          .append(lineage.training().runDate()).append('\n');
      for (Lineage.Source s : lineage.sources()) {
        text.append("  ".repeat(s.depth())).append(s.table().path()).append(" @ v")
            .append(s.table().version()).append(", run_date ").append(s.runDate())
            .append(s.writtenBy() == null ? ", written outside deepline"
                : ", written by " + s.writer() + " run " + s.writtenBy())
            .append('\n');
      }
      print(new Traced(model.modelVersion(), dataset, lineage.training().runId(),
          lineage.training().runDate(), lineage.sources()), text.toString().stripTrailing());
      return 0;
    }
  }

  private static String metrics(ModelEntry model) {
    return model.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> String.format(Locale.ROOT, "%s=%.4f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(" "));
  }
}
