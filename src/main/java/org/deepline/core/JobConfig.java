package org.deepline.core;

/**
 * The validated job config as a stage sees it: the data set's name and one typed record per section.
 * Each section's record lives in the package of the stage it configures, and the record that composes
 * them all stands above every stage; a stage asks for its section by type, so it never imports the
 * composition that imports it back.
 *
 * <pre>{@code
 * ScoringConfig scoring = context.section(ScoringConfig.class);
 * }</pre>
 */
public interface JobConfig {
  /** The data set's name; its tables and artifacts live under {@code <warehouse>/<dataset>/}. */
  String dataset();

  /**
   * The section whose record is of {@code type}, never null.
   *
   * @throws IllegalArgumentException when the config has no such section: a programming error, as
   *     validation has already required every section a stage reads
   */
  <T> T section(Class<T> type);

  /**
   * This config with {@code section} in place of the section of its type: how a stage that runs
   * others pins what they must use (the model {@code retrain} just trained, for its score).
   *
   * @throws IllegalArgumentException when the config has no section of that type
   */
  JobConfig withSection(Object section);
}
