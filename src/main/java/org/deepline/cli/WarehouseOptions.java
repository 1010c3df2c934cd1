package org.deepline.cli;

import org.deepline.core.Json;
import org.deepline.core.Warehouse;
import picocli.CommandLine.Option;

/**
 * The options and output of the commands that read deepline's own tables ({@code runs ...},
 * {@code models ...}): where the warehouse is and whether to print JSON for scripts or text for
 * people. These commands read the Delta log without starting Spark.
 */
abstract class WarehouseOptions {
  @Option(names = "--warehouse", paramLabel = "URI", defaultValue = CommonOptions.DEFAULT_WAREHOUSE,
      description = "Root of all tables and artifacts (default: ${DEFAULT-VALUE}).")
  String warehouse;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  Warehouse warehouse() {
    return Warehouse.at(warehouse);
  }

  /** Prints {@code value} as JSON with {@code --json}, else {@code text}. */
  void print(Object value, String text) {
    System.out.println(json ? Json.write(value) : text);
  }
}
