package org.deepline.quality;

import java.util.List;

/**
 * The profile of a table: its row count and each column's statistics, in the table's column order.
 *
 * @param rows    rows profiled
 * @param columns one entry per column
 */
public record TableProfile(long rows, List<ColumnProfile> columns) {
  public TableProfile {
    columns = List.copyOf(columns);
  }

  /** The column's profile; fails naming the columns when there is no such one. */
  public ColumnProfile column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no column " + name + " in the profile; "
            + "columns: " + columns.stream().map(ColumnProfile::name).toList()));
  }
}
