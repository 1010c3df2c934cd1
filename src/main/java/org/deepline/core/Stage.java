package org.deepline.core;

import java.util.List;

/**
 * One step of the pipeline. A stage reads its inputs from the warehouse, transforms them with pure
 * {@code Dataset -> Dataset} functions and writes its outputs; it throws {@link DeeplineException}
 * for anything the user must fix.
 *
 * <pre>{@code
 * public final class FeatureJob implements Stage {
 *   @Override
 *   public Name name() {
 *     return new Name("features", "Fit the feature model on train, ...");
 *   }
 *   ...
 * }
 * }</pre>
 */
public interface Stage {
  /**
   * What a stage is called and says of itself.
   *
   * @param command     the CLI command that runs this stage alone
   * @param description one line for {@code --help}: what the stage reads, writes and fails on
   */
  record Name(String command, String description) {}

  /** The stage's command and description, in one place. */
  Name name();

  /** The CLI command that runs this stage alone. */
  default String command() {
    return name().command();
  }

  /** One line for {@code --help}: what the stage reads, writes and fails on. */
  default String description() {
    return name().description();
  }

  /**
   * The size in bytes of what the stage reads, or {@link SmallInputPlanning#UNKNOWN_SIZE}: a stage
   * reading a small input is planned for one ({@link SmallInputPlanning}). By default the data set's
   * silver table, which every stage after ingest reads or derives its input from.
   */
  default long inputBytes(RunContext context) {
    return DeltaTables.sizeInBytes(context.spark(), context.table(Warehouse.Table.SILVER));
  }

  /**
   * The columns of what the stage reads, or {@link SmallInputPlanning#UNKNOWN_WIDTH}: a small input
   * this wide is planned for its width too ({@link SmallInputPlanning}). By default the silver
   * table's.
   */
  default int inputColumns(RunContext context) {
    return DeltaTables.columnCount(context.spark(), context.table(Warehouse.Table.SILVER));
  }

  /**
   * The tables whose run date this stage replaces, in the order it does: a pipeline loads their
   * Delta state while earlier stages run ({@link TableStates}). None by default.
   */
  default List<Warehouse.Table> replacedTables() {
    return List.of();
  }

  StageResult run(RunContext context);
}
