package org.deepline.core;

/**
 * One step of the pipeline. A stage reads its inputs from the warehouse, transforms them with pure
 * {@code Dataset -> Dataset} functions and writes its outputs; it throws {@link DeeplineException}
 * for anything the user must fix.
 */
public interface Stage {
  /** The CLI command that runs this stage alone. */
  String command();

  /** One line for {@code --help}: what the stage reads, writes and fails on. */
  String description();

  StageResult run(RunContext context);
}
