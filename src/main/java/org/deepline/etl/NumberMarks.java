package org.deepline.etl;

/**
 * How a load writes its text numbers: the decimal mark, a comma or a point, and the separator
 * between groups of thousands ({@code source.options.thousands}), removed before a number is read,
 * or none (null). Decided from a CSV source's options and delimiter ({@link CsvDelimiters}),
 * carried by the load's batch mark ({@link IngestBatches.Batch}) so that a repair reads bronze's text
 * as the load did, and applied by {@link SilverTyping}.
 *
 * <pre>{@code
 * NumberMarks german = new NumberMarks(true, ".");   // 1.234.567,5
 * NumberMarks plain = NumberMarks.POINT;            // 1234567.5
 * }</pre>
 */
public record NumberMarks(boolean decimalComma, String thousands) {
  /** Decimal points, no thousands separator: every source that is not text, and most that are. */
  public static final NumberMarks POINT = new NumberMarks(false, null);

  /** What a source's reader options say, for a CSV source; {@link #POINT} for any other. */
  static NumberMarks of(SourceConfig source) {
    if (!SourceConfig.CSV.equals(source.format())) {
      return POINT;
    }
    return new NumberMarks(CsvDelimiters.decimalComma(source.options()),
        CsvDelimiters.thousands(source.options()));
  }
}
