package org.deepline.labeling;

/**
 * Majority vote over the functions that voted, the baseline the label model must beat. A tie, or a
 * row no function voted on, has no majority label: Snorkel's {@code MajorityLabelVoter} with its
 * default tie-break policy ({@code abstain}) does the same.
 *
 * <pre>{@code
 * // functions 0 and 1 vote positive, 2 votes negative; 0 and 2 voted: a tie
 * Integer label = MajorityVote.label(0b101, new int[] {1, 1, 0}); // null
 * }</pre>
 */
public final class MajorityVote {
  private MajorityVote() {}

  /** Positive votes in {@code votedMask}, given each function's class. */
  public static int positiveVotes(long votedMask, int[] voteClass) {
    int votes = 0;
    for (int j = 0; j < voteClass.length; j++) {
      if ((votedMask >>> j & 1L) == 1L && voteClass[j] == 1) {
        votes++;
      }
    }
    return votes;
  }

  /** Negative votes in {@code votedMask}, given each function's class. */
  public static int negativeVotes(long votedMask, int[] voteClass) {
    return Long.bitCount(votedMask) - positiveVotes(votedMask, voteClass);
  }

  /** 1 or 0 by the majority of the votes cast; null on a tie or when no function voted. */
  public static Integer label(long votedMask, int[] voteClass) {
    int positive = positiveVotes(votedMask, voteClass);
    int negative = negativeVotes(votedMask, voteClass);
    return positive > negative ? Integer.valueOf(1) : negative > positive ? Integer.valueOf(0)
        : null;
  }
}
