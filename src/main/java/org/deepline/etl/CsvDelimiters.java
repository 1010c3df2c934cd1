package org.deepline.etl;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds the delimiter of a CSV file whose config does not name one and whose header, read with
 * Spark's comma, is one column: European exports write {@code ;} (UCI's bank marketing and wine
 * quality files: {@code "age";"job";"marital";...}), databases and spreadsheets tabs or {@code |}.
 * A config written from such a header declares the names the header holds; before, the load
 * failed with every declared column "missing from the CSV header". The delimiter is taken only
 * when splitting the one column by it gives at least two of the declared names and more declared
 * names than any other candidate, so a real one-column file is never split. The split does not
 * read quotes: a header whose names hold the delimiter or a comma needs {@code sep} set. It also
 * says which mark the file's decimals use ({@link #decimalComma}).
 *
 * <pre>{@code
 * CsvDelimiters.sniff(List.of("\"age\";\"job\";\"y\""), Set.of("age", "job", "y")); // ";"
 * }</pre>
 */
final class CsvDelimiters {
  /** The reader option a sniffed delimiter is set as. */
  static final String SEP = "sep";
  /** Spark's other spelling of {@link #SEP}. */
  static final String DELIMITER = "delimiter";
  /**
   * deepline's own reader option (pandas' name for it; R's is {@code dec}), never passed to Spark:
   * the decimal mark of a CSV source's text numbers, {@code ","} or {@code "."}.
   */
  static final String DECIMAL = "decimal";
  static final String DECIMAL_COMMA = ",";
  static final String DECIMAL_POINT = ".";
  static final List<String> DECIMAL_MARKS = List.of(DECIMAL_COMMA, DECIMAL_POINT);
  /**
   * deepline's own reader option (pandas' name for it), never passed to Spark: the character that
   * separates groups of thousands in a CSV source's text numbers ({@code 1,234}, {@code 1.234,5},
   * {@code 1 234}, {@code 1'234}), removed before a number is parsed.
   */
  static final String THOUSANDS = "thousands";
  static final List<String> THOUSANDS_SEPARATORS = List.of(",", ".", " ", "'");
  private static final String SEMICOLON = ";";
  private static final String COMMA = ",";
  private static final String TAB = "\t";
  /** Delimiters tried, in the order a tie is decided. */
  static final List<String> CANDIDATES = List.of(SEMICOLON, TAB, "|");
  /** Declared names a split must give: one could be the one column's own name. */
  private static final int MIN_DECLARED_NAMES = 2;
  /** The characters a header field may be wrapped in (Spark's default quote, and spaces). */
  private static final String WRAPPING = "^[\" ]+|[\" ]+$";

  private CsvDelimiters() {}

  /** Whether a reader option names the delimiter (Spark takes both spellings, in any case). */
  static boolean namesDelimiter(String option) {
    return SEP.equalsIgnoreCase(option) || DELIMITER.equalsIgnoreCase(option);
  }

  /**
   * Whether a CSV source's numbers take a comma as the decimal mark: as its {@value #DECIMAL}
   * option says, else not when its {@value #THOUSANDS} separator is the comma, else when its fields
   * are delimited by {@code ;} (declared or sniffed). Where the
   * comma is the decimal mark, spreadsheets and R's {@code write.csv2} write {@code ;} between
   * fields ({@code 6;160;3,9;2,875}); a comma-delimited file's {@code "1,234"} is a thousands
   * separator, and stays a value that does not parse.
   *
   * @param options the source's reader options, with a sniffed delimiter set as {@value #SEP}
   */
  static boolean decimalComma(Map<String, String> options) {
    String declared = option(options, DECIMAL);
    if (declared != null) {
      return DECIMAL_COMMA.equals(declared);
    }
    if (COMMA.equals(thousands(options))) {
      // Commas between thousands leave the point to the decimals, whatever the delimiter.
      return false;
    }
    String delimiter = option(options, SEP);
    return SEMICOLON.equals(delimiter != null ? delimiter : option(options, DELIMITER));
  }

  /** Whether a reader option is deepline's own, kept from Spark's reader. */
  static boolean isOwnOption(String option) {
    return DECIMAL.equalsIgnoreCase(option) || THOUSANDS.equalsIgnoreCase(option);
  }

  /** The thousands separator a CSV source's options declare ({@value #THOUSANDS}), or null. */
  static String thousands(Map<String, String> options) {
    return option(options, THOUSANDS);
  }

  /** The delimiter a CSV source's options name, or Spark's default, the comma. */
  static String delimiter(Map<String, String> options) {
    String sep = option(options, SEP);
    String delimiter = sep != null ? sep : option(options, DELIMITER);
    return delimiter != null ? delimiter : COMMA;
  }

  /** An option's value whatever the case of its key, as Spark reads them; null when unset. */
  static String option(Map<String, String> options, String key) {
    return options.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(key))
        .map(Map.Entry::getValue).findFirst().orElse(null);
  }

  /** {@code delimiter} as a log line can show it: a tab as {@code \t}. */
  static String describe(String delimiter) {
    return TAB.equals(delimiter) ? "\\t" : delimiter;
  }

  /**
   * The delimiter that splits a one-column {@code header} into the most {@code declared} names
   * (compared ignoring case, as Spark does), at least {@value #MIN_DECLARED_NAMES}; null when the
   * header has more than one column or no candidate gives that many.
   */
  static String sniff(List<String> header, Collection<String> declared) {
    if (header.size() != 1) {
      return null;
    }
    Set<String> names = declared.stream().map(n -> n.toLowerCase(Locale.ROOT))
        .collect(Collectors.toSet());
    String best = null;
    long bestMatches = MIN_DECLARED_NAMES - 1;
    for (String candidate : CANDIDATES) {
      // A field matches as written or as ingest renames it for Delta (a declared fixed_acidity
      // is the header's "fixed acidity").
      long matches = Arrays.stream(header.get(0).split(Pattern.quote(candidate), -1))
          .map(field -> field.replaceAll(WRAPPING, ""))
          .filter(field -> names.contains(field.toLowerCase(Locale.ROOT))
              || names.contains(ColumnNames.rewrite(field)))
          .distinct().count();
      if (matches > bestMatches) {
        best = candidate;
        bestMatches = matches;
      }
    }
    return best;
  }
}
