package org.deepline.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.deepline.etl.ColumnSpec;

/**
 * A {@code string} column whose common values are text that means "no value" in typed columns
 * ({@code ingest.null_tokens}: R's {@code NA}, pandas' {@code NaN}, a database's {@code NULL}).
 * Ingest keeps a string column's text as it is ({@code NA} may be North America), so such a column
 * looks complete to {@code null_fraction:<name>} and the model sees the text as a category: R's
 * export of a note field empty on 96 % of rows read as a column with no missing value at all.
 *
 * <p>Judged from the profile's top values, so it costs no pass over the data (text rarer than the
 * top values is not seen: it cannot mislead much). A warning, {@value #CHECK}{@code <name>}, only for
 * a column that has such text, naming its share and both ways out: the column's own
 * {@code null_tokens} (missing) or {@code []} (data). A column that declares its tokens, and the
 * label column (whose tokens are already no label), are not judged.
 */
final class NullText {
  static final String CHECK = "null_text:";
  private static final double PERCENT = 100.0;

  private NullText() {}

  /**
   * @param declared the schema's columns by name
   * @param tokens   {@code ingest.null_tokens}
   * @param label    the label column, or null for a label expression
   */
  static List<ConstraintResult> check(TableProfile profile, Map<String, ColumnSpec> declared,
      List<String> tokens, String label) {
    Set<String> nullText = Set.copyOf(tokens);
    List<ConstraintResult> results = new ArrayList<>();
    for (ColumnProfile column : profile.columns()) {
      ColumnSpec spec = declared.get(column.name());
      if (spec == null || !"string".equals(spec.type()) || spec.nullTokens() != null
          || column.name().equals(label) || profile.rows() == 0) {
        continue;
      }
      long rows = 0;
      Set<String> found = new TreeSet<>();
      for (TopValues.TopValue top : column.topValues()) {
        if (top.value() != null && nullText.contains(top.value().strip())) {
          rows += top.count();
          found.add(top.value().strip());
        }
      }
      if (rows == 0) {
        continue;
      }
      double share = (double) rows / profile.rows();
      String quoted = String.join(", ", found.stream().map(t -> "\"" + t + "\"").toList());
      results.add(new ConstraintResult(CHECK + column.name(), column.name(), Severity.WARNING,
          share, false, String.format(Locale.ROOT, "no value that ingest.null_tokens reads as "
              + "missing in typed columns; %.1f %% of %s's rows are %s, which a string column "
              + "keeps as text, so null_fraction:%s does not count them and the model sees a "
              + "category: declare \"null_tokens\": [%s] on %s in schema.columns if they mean "
              + "missing, or \"null_tokens\": [] if they are data", share * PERCENT,
              column.name(), quoted, column.name(), quoted, column.name())));
    }
    return results;
  }
}
