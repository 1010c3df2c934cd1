package org.deepline.labeling;

/**
 * The rows that share one combination of votes, as the one aggregation of {@code label} counts
 * them. Each labelling function votes only its own class, so a combination is just which functions
 * voted: bit {@code j} of {@code votedMask} is set when function {@code j} (in config order) voted.
 *
 * <pre>{@code
 * // 120 rows where functions 0 and 2 voted and 1 abstained; 100 have a gold label, 30 positive
 * new VotePattern(0b101, 120, 100, 30);
 * }</pre>
 *
 * @param votedMask     bit j set when function j voted
 * @param rows          rows with this combination
 * @param goldRows      of those, rows whose gold label is known
 * @param goldPositives of those, rows whose gold label is positive
 */
public record VotePattern(long votedMask, long rows, long goldRows, long goldPositives) {
  public VotePattern {
    if (rows < 0 || goldRows < 0 || goldRows > rows || goldPositives < 0
        || goldPositives > goldRows) {
      throw new IllegalArgumentException("inconsistent counts: rows " + rows + ", gold rows "
          + goldRows + ", gold positives " + goldPositives);
    }
  }

  /** Whether function {@code function} voted in this pattern. */
  public boolean voted(int function) {
    return (votedMask >>> function & 1L) == 1L;
  }

  /** Whether any function voted. */
  public boolean covered() {
    return votedMask != 0;
  }

  /** Gold rows whose label is negative. */
  public long goldNegatives() {
    return goldRows - goldPositives;
  }
}
