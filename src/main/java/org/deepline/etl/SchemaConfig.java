package org.deepline.etl;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deepline.core.ConfigErrors;
import org.deepline.core.Required;

/**
 * The declared schema of a data set: the silver table's typed columns and the columns that identify a
 * record. Without a key, ingest derives {@code record_id} from the record's content (see
 * {@link RecordIds}).
 */
public record SchemaConfig(
    @JsonPropertyDescription("Columns that identify a record; each is required (not nullable): "
        + "leave `nullable` out or declare it `false`, `true` is an error. With a key, "
        + "`_record_id` is the trimmed key value (several key columns: a JSON array of them) and "
        + "records sharing a key are all quarantined. Without one, `_record_id` is a content "
        + "hash plus an occurrence number (see [architecture](architecture.md#record-ids)). "
        + "Allowed: each names a declared column.")
    List<String> key,
    @JsonPropertyDescription("The columns of the silver table, in order. Allowed: at least one; "
        + "unique names; names must not start with `_`.")
    @Required
    List<ColumnSpec> columns) {
  public SchemaConfig {
    key = key == null ? List.of() : List.copyOf(key);
    columns = columns == null ? List.of() : List.copyOf(columns);
  }

  public Map<String, ColumnSpec> byName() {
    Map<String, ColumnSpec> byName = new LinkedHashMap<>();
    columns.forEach(c -> byName.put(c.name(), c));
    return byName;
  }

  /**
   * The schema with {@code names} required (not nullable) where the config left {@code nullable}
   * out: a row without its label or key cannot be used, so it goes to quarantine without the user
   * having to say so. A column declared {@code "nullable": true} stays so, and {@link #validate}
   * (or the label's) names it.
   */
  public SchemaConfig requiring(Collection<String> names) {
    return new SchemaConfig(key, columns.stream()
        .map(c -> c != null && names.contains(c.name()) && !c.nullableDeclared() ? c.required() : c)
        .toList());
  }

  public void validate(ConfigErrors errors) {
    if (columns.isEmpty()) {
      errors.add("columns", "must declare at least one column");
    }
    // Spark and Delta compare column names ignoring letter case: W and w are one column. A CSV
    // header's second one is read under ColumnNames' name for it, which the error offers.
    Map<String, String> seen = new HashMap<>();
    List<String> asRead = ColumnNames.deltaSafe(columns.stream()
        .map(c -> c == null || c.name() == null ? "" : c.name()).toList());
    for (int i = 0; i < columns.size(); i++) {
      ColumnSpec column = columns.get(i);
      ConfigErrors at = errors.at("columns", i);
      if (column == null) {
        at.add(null, "must be an object");
        continue;
      }
      column.validate(at);
      String earlier = column.name() == null ? null
          : seen.putIfAbsent(column.name().toLowerCase(Locale.ROOT), column.name());
      if (earlier != null) {
        at.add("name", "duplicate column " + column.name() + (earlier.equals(column.name())
            ? " (a CSV header that writes it twice: ingest reads the second one as "
                + asRead.get(i) + ", so declare it under that name)"
            : " (" + earlier + " is declared too: Spark and Delta ignore letter case in column "
                + "names; ingest reads a CSV header's second one as " + asRead.get(i)
                + ", so declare it under that name)"));
      }
      if (column.name() != null && column.name().startsWith("_")) {
        at.add("name", "names starting with '_' are reserved for deepline's own columns: "
            + column.name());
      }
    }
    Map<String, ColumnSpec> byName = byName();
    for (int i = 0; i < key.size(); i++) {
      errors.requireColumn(key.get(i), byName, "key[" + i + "]");
      ColumnSpec column = byName.get(key.get(i));
      if (column != null && column.nullable()) {
        errors.add("key[" + i + "]", "key column " + key.get(i) + " cannot be nullable");
      }
    }
  }

  /** Each declared column's name in the source's header: its source name when it has one. */
  public List<String> headerNames() {
    return columns.stream().map(c -> c.sourceName() != null ? c.sourceName() : c.name()).toList();
  }
}
