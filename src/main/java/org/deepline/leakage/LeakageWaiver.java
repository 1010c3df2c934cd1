package org.deepline.leakage;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import org.deepline.core.ConfigErrors;
import org.deepline.core.Required;
import org.deepline.quality.ConstraintResult;
import org.deepline.quality.Severity;

/**
 * A leakage finding the user has looked at and accepts, declared under {@code leakage.waivers}: the
 * check still runs and its result is kept, as a warning that carries the reason, instead of failing
 * the run. A waiver that matches no check is reported too, so a stale one does not linger unseen.
 *
 * <pre>{@code
 * "waivers": [{"check": "single_feature_auc:contract",
 *              "reason": "contract type is set at sign-up, long before churn"}]
 * }</pre>
 *
 * @param check  the check's name as the leakage table shows it, e.g. {@code mutual_information:code}
 * @param reason why the finding is not a leak; required, and kept in the leakage table
 */
public record LeakageWaiver(
    @JsonPropertyDescription("The failed check to accept, by its name as the leakage table shows "
        + "it, e.g. `single_feature_auc:contract` or `mutual_information:code`; each check at "
        + "most once.")
    @Required
    String check,
    @JsonPropertyDescription("Why the finding is not a leak, kept in the leakage table with the "
        + "warning. Allowed: at least 10 characters.")
    @Required
    String reason) {
  /** Reasons shorter than this say nothing ("ok", "fine"). */
  private static final int MIN_REASON_LENGTH = 10;

  public void validate(ConfigErrors errors) {
    errors.requireNonBlank(check, "check");
    errors.require(reason != null && reason.strip().length() >= MIN_REASON_LENGTH, "reason",
        "say why this finding is not a leak, in at least " + MIN_REASON_LENGTH + " characters");
  }

  /**
   * {@code results} with every failed error that a waiver names turned into a warning carrying the
   * waiver's reason, and one warning per waiver that names no check.
   */
  public static List<ConstraintResult> apply(List<ConstraintResult> results,
      List<LeakageWaiver> waivers) {
    List<ConstraintResult> applied = new ArrayList<>();
    for (ConstraintResult result : results) {
      LeakageWaiver waiver = waivers.stream().filter(w -> w.check().equals(result.name()))
          .findFirst().orElse(null);
      if (waiver != null && result.failedAsError()) {
        applied.add(result.keptAsWarning(" (waived: " + waiver.reason() + ")"));
      } else {
        applied.add(result);
      }
    }
    for (LeakageWaiver waiver : waivers) {
      if (results.stream().noneMatch(r -> r.name().equals(waiver.check()))) {
        applied.add(new ConstraintResult("waiver:" + waiver.check(), null, Severity.WARNING,
            Double.NaN, false, "a check named " + waiver.check() + " (no check has this name: "
            + "remove the waiver or fix its name)"));
      }
    }
    return applied;
  }
}
