package org.deepline.etl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Makes source column names acceptable to Delta, which (without column mapping) rejects a name that
 * contains a space or one of {@code ,;{}()=}, a newline or a tab. The rule, applied to every column
 * of every source format:
 *
 * <ol>
 *   <li>A name Delta accepts is kept exactly as it is, so data sets whose names were already valid
 *       keep their tables and configs.</li>
 *   <li>Any other name is rewritten: lower-cased, every run of characters other than {@code a-z},
 *       {@code 0-9} and {@code _} replaced by one {@code _}, leading and trailing {@code _} dropped;
 *       a name with nothing left becomes {@value #EMPTY_NAME}. {@code "Cost Total $"} becomes
 *       {@code cost_total}.</li>
 *   <li>A name equal, ignoring case (as Spark and Delta compare names), to one already taken gets the
 *       first free suffix {@code _2}, {@code _3}, ... Kept names are taken first, in source order,
 *       then rewritten ones, so a rewrite never takes a name the source already uses.</li>
 * </ol>
 */
public final class ColumnNames {
  /** The characters Delta refuses in a column name when column mapping is off. */
  public static final String DELTA_INVALID = " ,;{}()\n\t=";
  /** The name of a column whose name has no letter or digit at all. */
  static final String EMPTY_NAME = "column";
  private static final String DUPLICATE_SEPARATOR = "_";
  private static final int FIRST_DUPLICATE_SUFFIX = 2;

  private ColumnNames() {}

  public static boolean deltaAccepts(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (DELTA_INVALID.indexOf(name.charAt(i)) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** Step 2 of the rule: the rewritten form of a name Delta rejects. */
  public static String rewrite(String name) {
    String cleaned = name.toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9_]+", "_")
        .replaceAll("^_+|_+$", "");
    return cleaned.isEmpty() ? EMPTY_NAME : cleaned;
  }

  /** The Delta-safe name of each of {@code names}, in the same order. */
  public static List<String> deltaSafe(List<String> names) {
    Set<String> taken = new HashSet<>();
    String[] result = new String[names.size()];
    List<Integer> rewritten = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (deltaAccepts(name)) {
        result[i] = claim(name, taken);
      } else {
        rewritten.add(i);
      }
    }
    for (int i : rewritten) {
      result[i] = claim(rewrite(names.get(i)), taken);
    }
    return List.of(result);
  }

  private static String claim(String name, Set<String> taken) {
    String candidate = name;
    for (int suffix = FIRST_DUPLICATE_SUFFIX; !taken.add(candidate.toLowerCase(Locale.ROOT));
        suffix++) {
      candidate = name + DUPLICATE_SEPARATOR + suffix;
    }
    return candidate;
  }
}
