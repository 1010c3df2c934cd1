package org.deepline.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deepline.config.ConfigReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deepline config-reference}: writes the config reference and the JSON Schema of a job
 * config, generated from the config records (no Spark, no config read). Run it from the repository
 * root after changing a config record; {@code ConfigReferenceTest} fails until the committed files
 * match.
 */
@Command(name = "config-reference", mixinStandardHelpOptions = true,
    description = "Write the job config reference (Markdown) and its JSON Schema, generated from "
        + "the config records. Run from the repository root after changing a config record.")
final class ConfigReferenceCommand implements Callable<Integer> {
  @Option(names = "--markdown", paramLabel = "FILE",
      description = "Where the reference goes (default: ${DEFAULT-VALUE}).")
  Path markdown = ConfigReference.MARKDOWN;

  @Option(names = "--schema", paramLabel = "FILE",
      description = "Where the JSON Schema goes (default: ${DEFAULT-VALUE}).")
  Path schema = ConfigReference.SCHEMA;

  @Override
  public Integer call() {
    ConfigReference.write(markdown, schema);
    System.out.println("wrote " + markdown + " and " + schema);
    return 0;
  }
}
