package org.deepline.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deepline.core.Json;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.SourceReader;

/**
 * {@code validate --suggest}: constraints a profile supports (Deequ's constraint suggestion), as
 * {@code validation.constraints} entries to review and paste into the config. Rules:
 *
 * <ul>
 *   <li>{@code completeness} for a column without nulls (unless the schema already forbids them);
 *   <li>{@code uniqueness} for a column (not floating-point: a measurement unique by chance is no
 *       key) whose approximate distinct count is within {@value #UNIQUE_TOLERANCE} of its non-null
 *       rows;
 *   <li>{@code allowed_values} for a string column with at most {@value TopValues#MAX_LISTED}
 *       values, each seen {@value #MIN_ROWS_PER_VALUE} times on average;
 *   <li>{@code range} [min, max] for a numeric column.
 * </ul>
 *
 * A constraint the config already has (same name) is not suggested again; {@code _source_file}
 * (which file a row came from, different with each load) gets none. The profile's distinct counts
 * are approximate, so {@link #holding} runs the candidates on the rows (one aggregation) and keeps
 * those that pass: a pasted suggestion holds on the data it came from.
 */
public final class ConstraintSuggestions {
  /** The HyperLogLog count's error is 5 % (one standard deviation): allow two. */
  static final double UNIQUE_TOLERANCE = 0.1;
  /** Fewer repetitions than this and the values look like identifiers, not categories. */
  static final int MIN_ROWS_PER_VALUE = 2;
  private static final Set<String> NOT_SUGGESTED = Set.of(SourceReader.SOURCE_FILE);
  private static final Set<String> FLOATING = Set.of("float", "double");

  private ConstraintSuggestions() {}

  /**
   * @param existing the names of the constraints the config already yields
   * @param declared the schema's columns by name
   */
  public static List<ConstraintSpec> suggest(TableProfile profile, Set<String> existing,
      Map<String, ColumnSpec> declared) {
    List<ConstraintSpec> suggestions = new ArrayList<>();
    if (profile.rows() == 0) {
      return suggestions;
    }
    for (ColumnProfile column : profile.columns()) {
      String name = column.name();
      if (NOT_SUGGESTED.contains(name)) {
        continue;
      }
      long present = profile.rows() - column.nulls();
      ColumnSpec spec = declared.get(name);
      boolean nullsForbidden = spec != null && Boolean.FALSE.equals(spec.nullable());
      if (column.nulls() == 0 && !nullsForbidden) {
        suggestions.add(new ConstraintSpec(ConstraintSpec.COMPLETENESS, name, null, null, null,
            null, null));
      }
      if (column.distinct() != null && present > 1 && !FLOATING.contains(column.type())
          && column.distinct() >= (1 - UNIQUE_TOLERANCE) * present) {
        suggestions.add(new ConstraintSpec(ConstraintSpec.UNIQUENESS, name, null, null, null, null,
            null));
      }
      if (!column.values().isEmpty()
          && (long) column.values().size() * MIN_ROWS_PER_VALUE <= present) {
        suggestions.add(new ConstraintSpec(ConstraintSpec.ALLOWED_VALUES, name, null, null,
            column.values(), null, null));
      }
      if (column.numeric() && column.min() != null) {
        suggestions.add(new ConstraintSpec(ConstraintSpec.RANGE, name,
            Double.valueOf(column.min()), Double.valueOf(column.max()), null, null, null));
      }
    }
    suggestions.removeIf(s -> existing.contains(s.name()));
    return suggestions;
  }

  /** The suggestions that pass on {@code rows}, checked in one aggregation. */
  public static List<ConstraintSpec> holding(List<ConstraintSpec> suggestions,
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows) {
    QualityCheck check = QualityCheck.of("suggestions");
    for (ConstraintSpec suggestion : suggestions) {
      check = check.with(SchemaConstraints.declared(suggestion));
    }
    Set<String> passed = check.run(rows).stream().filter(ConstraintResult::passed)
        .map(ConstraintResult::name).collect(java.util.stream.Collectors.toSet());
    return suggestions.stream().filter(s -> passed.contains(s.name())).toList();
  }

  /** The snippet to paste into the {@code validation} section: {@code {"constraints": [...]}}. */
  public static String snippet(List<ConstraintSpec> suggestions) {
    return Json.write(Map.of("constraints", suggestions));
  }
}
