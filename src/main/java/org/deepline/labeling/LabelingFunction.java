package org.deepline.labeling;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Locale;
import org.deepline.core.Required;

/**
 * One labelling function: a Spark SQL condition over silver columns and the class it votes for the
 * rows where the condition is true. Where it is false or null the function abstains.
 *
 * <pre>{@code
 * {"name": "two_year_contract", "expression": "contract = 'Two year'", "vote": "negative"}
 * }</pre>
 *
 * @param name       lower-case letters, digits and _, unique in the section; names the function's
 *                   metrics ({@code coverage:<name>}) and its entry in the votes column
 * @param expression a deterministic Spark SQL boolean expression over declared silver columns
 * @param vote       {@code positive} (or {@code 1}) or {@code negative} (or {@code 0})
 */
public record LabelingFunction(
    @JsonPropertyDescription("Names the function's metrics (`coverage:<name>`) and its key in the "
        + "`votes` column. Allowed: `[a-z][a-z0-9_]{0,63}`, unique.")
    @Required
    String name,
    @JsonPropertyDescription("Where it is true the function votes `vote`; where it is false or "
        + "null it abstains. Allowed: a deterministic Spark SQL boolean expression over declared "
        + "columns, not reading the label or gold column.")
    @Required
    String expression,
    @JsonPropertyDescription("The class the function votes. Allowed: `positive`, `negative`, `1`, "
        + "`0`.")
    @Required
    String vote) {
  public static final String POSITIVE = "positive";
  public static final String NEGATIVE = "negative";
  /** The spellings of a vote, each class by name or by its label value. */
  public static final List<String> VOTES = List.of(POSITIVE, NEGATIVE, "1", "0");
  /** A name usable as a metric suffix and a map key, and short enough to read in a table. */
  static final String NAME_PATTERN = "[a-z][a-z0-9_]{0,63}";

  /** The class the function votes: 1 for positive, 0 for negative. */
  public int voteClass() {
    String spelled = vote == null ? "" : vote.strip().toLowerCase(Locale.ROOT);
    return POSITIVE.equals(spelled) || "1".equals(spelled) ? 1 : 0;
  }

  /** Whether {@link #vote} is one of {@link #VOTES}. */
  boolean voteValid() {
    return vote != null && VOTES.contains(vote.strip().toLowerCase(Locale.ROOT));
  }
}
