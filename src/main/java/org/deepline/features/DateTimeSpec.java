package org.deepline.features;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;
import org.deepline.core.Required;
import org.deepline.etl.ColumnSpec;

/**
 * A date or timestamp column turned into calendar parts, each an input of the network.
 *
 * @param column   a declared column of type {@code date} or {@code timestamp}
 * @param parts    which parts to extract, in UTC: {@code hour} (0-23), {@code day_of_week} (ISO,
 *                 Monday = 1 to Sunday = 7), {@code day_of_month}, {@code day_of_year}, {@code month}
 *                 (1-12), {@code year}
 * @param encoding per part: {@code numeric} (the default: standardised like a numeric feature),
 *                 {@code one_hot} (one slot per value of the period) or {@code cyclical} (sine and
 *                 cosine of the position in the period, so 23 h and 0 h are neighbours); the last two
 *                 only for the periodic parts hour, day_of_week and month
 */
public record DateTimeSpec(
    @JsonPropertyDescription("The column. Allowed: a declared `date` or `timestamp` column.")
    @Required
    String column,
    @JsonPropertyDescription("The calendar parts to extract. Allowed: at least one, each once.")
    @Required
    @OneOf(value = "PARTS", in = DateTimeParts.class)
    List<String> parts,
    @JsonPropertyDescription("How each part becomes inputs. Allowed: keys among `parts`; "
        + "`numeric`, or for `hour`, `day_of_week` and `month` also `one_hot` or `cyclical`. "
        + "Default: `{}` (all `numeric`).")
    Map<String, String> encoding)
    implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String NUMERIC = "numeric";
  public static final String ONE_HOT = "one_hot";
  public static final String CYCLICAL = "cyclical";
  public static final List<String> ENCODINGS = List.of(NUMERIC, ONE_HOT, CYCLICAL);
  private static final Set<String> DATE_TYPES = Set.of("date", "timestamp");

  public DateTimeSpec {
    parts = parts == null ? List.of() : List.copyOf(parts);
    encoding = encoding == null ? Map.of() : Map.copyOf(encoding);
  }

  public String encodingOf(String part) {
    return encoding.getOrDefault(part, NUMERIC);
  }

  public void validate(ConfigErrors errors, Map<String, ColumnSpec> columns) {
    errors.requireColumn(column, columns, "column");
    ColumnSpec spec = columns.get(column);
    if (spec != null && !DATE_TYPES.contains(spec.type())) {
      errors.add("column", column + " is declared " + spec.type() + "; date and time parts need a "
          + "date or timestamp column");
    }
    if (parts.isEmpty()) {
      errors.add("parts", "list at least one of " + DateTimeParts.PARTS);
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < parts.size(); i++) {
      String part = parts.get(i);
      errors.requireOneOf(part, DateTimeParts.PARTS, "parts[" + i + "]");
      errors.require(seen.add(part), "parts[" + i + "]", part + " is listed twice");
    }
    encoding.forEach((part, value) -> {
      ConfigErrors at = errors.at("encoding");
      if (!parts.contains(part)) {
        at.add(part, "is not one of this column's parts " + parts);
      }
      at.requireOneOf(value, ENCODINGS, part);
      if (!NUMERIC.equals(value) && DateTimeParts.PARTS.contains(part)
          && !DateTimeParts.isPeriodic(part)) {
        at.add(part, value + " applies to the periodic parts " + DateTimeParts.PERIODIC.keySet()
            + " only; " + part + " can only be numeric");
      }
    });
  }
}
