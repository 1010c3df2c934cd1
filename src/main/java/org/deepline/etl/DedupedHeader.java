package org.deepline.etl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Header fields that are one column name to Spark and Delta. Spark's CSV reader, finding two header
 * fields equal when letter case is ignored (its default), renames each to its name followed by its
 * position from 0 ({@code W} at 67 and {@code w} at 76 become {@code W67} and {@code w76}) without a word,
 * and a config written from the header then misses both. {@link #suspects} spots that renaming in
 * Spark's names, so the header line is read as it is written only when it may have happened;
 * {@link #clashes} names the fields from that line.
 *
 * <pre>{@code
 * DedupedHeader.suspects(List.of("MW", "W1", "w2"));   // [W1, w2]
 * DedupedHeader.clashes(List.of("MW", "W", "w"));      // ["W (field 2) and w (field 3)"]
 * }</pre>
 */
final class DedupedHeader {
  private DedupedHeader() {}

  /**
   * The names that end in their own position and share what precedes it, ignoring case, with
   * another such name: Spark's renaming of duplicates, or names written that way (the credit-card
   * fraud data's {@code Time,V1,V2,...}, two empty fields' {@code _c3,_c4}), for which the check
   * costs one more line read.
   */
  static List<String> suspects(List<String> names) {
    Map<String, List<String>> byStem = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String position = Integer.toString(i);
      if (name.length() > position.length() && name.endsWith(position)) {
        String stem = name.substring(0, name.length() - position.length());
        byStem.computeIfAbsent(stem.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(name);
      }
    }
    return byStem.values().stream().filter(group -> group.size() > 1)
        .flatMap(List::stream).toList();
  }

  /**
   * Each group of non-empty fields equal when letter case is ignored, as {@code "W (field 68) and
   * w (field 77)"} (counted from 1, as a user counts them); empty when the names are distinct.
   */
  static List<String> clashes(List<String> fields) {
    Map<String, List<String>> byName = new LinkedHashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      String field = fields.get(i);
      if (!field.isEmpty()) {
        byName.computeIfAbsent(field.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(field + " (field " + (i + 1) + ")");
      }
    }
    return byName.values().stream().filter(group -> group.size() > 1)
        .map(group -> String.join(" and ", group)).toList();
  }
}
