package org.deepline.config;

import java.util.List;

/**
 * One config record as the reference and the schema show it: where it sits in a job config and its
 * keys, in the record's component order.
 *
 * @param path   where the record sits, e.g. {@code training.layers[i]}; empty for the top level
 * @param record the record's class
 * @param depth  0 for the top level, 1 for a section, more for records inside a section
 * @param keys   one per record component
 */
record ConfigSection(String path, Class<?> record, int depth, List<ConfigKey> keys) {
  static final String TOP_LEVEL = "Top level";

  /** The heading of the section's table, e.g. {@code `training.layers[i]` (`LayerSpec`)}. */
  String title() {
    return (path.isEmpty() ? TOP_LEVEL : "`" + path + "`") + " (`" + record.getSimpleName() + "`)";
  }
}
