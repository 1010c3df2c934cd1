package org.deepline.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Decides whether a challenger is blessed: a pure function of the blessing config, the challenger's
 * metrics, the champion's metrics on the same rows (when there is a champion) and the behavioural
 * tests' results, so every rule is tested with inline numbers.
 *
 * <pre>{@code
 * Blessing.Verdict verdict = Blessing.judge(config.blessing(),
 *     new Blessing.Candidate("v8", Map.of("roc_auc", 0.861), Map.of("segment=a", 0.84)),
 *     new Blessing.Candidate("v7", Map.of("roc_auc", 0.874), Map.of("segment=a", 0.85)),
 *     List.of());
 * verdict.blessed(); // false: roc_auc 0.8610 is 0.0130 behind the champion's 0.8740 (max_drop 0.01)
 * }</pre>
 */
public final class Blessing {
  private static final String NUMBER = "%.4f";

  private Blessing() {}

  /**
   * A model's numbers as the verdict needs them.
   *
   * @param metrics by name ({@code roc_auc}, {@code pr_auc}, {@code log_loss}, {@code brier},
   *                {@code ece}, {@code accuracy}, {@code f1}, ...)
   * @param slices  the comparison metric on each judged slice, by slice name ({@code column=value})
   */
  public record Candidate(String modelVersion, Map<String, Double> metrics,
      Map<String, Double> slices) {
    public Candidate {
      Objects.requireNonNull(modelVersion, "modelVersion");
      metrics = new TreeMap<>(metrics);
      slices = new TreeMap<>(slices);
    }
  }

  /** One rule and how the challenger fared; {@code detail} says it with the numbers. */
  public record Check(String name, boolean passed, String detail) {}

  /**
   * @param blessed         every check passed
   * @param championVersion the model compared with; null when there is no champion
   * @param summary         one sentence for people: the verdict and what it was judged against
   * @param reasons         the details of the failed checks, in check order
   */
  public record Verdict(boolean blessed, String championVersion, String summary,
      List<Check> checks, List<String> reasons) {
    public Verdict {
      checks = List.copyOf(checks);
      reasons = List.copyOf(reasons);
    }
  }

  public static Verdict judge(BlessingConfig config, Candidate challenger, Candidate champion,
      List<BehaviouralResult> behavioural) {
    return judge(config, challenger, champion, behavioural, false);
  }

  /**
   * As {@link #judge(BlessingConfig, Candidate, Candidate, List)}; {@code isTheChampion} says that
   * the challenger is the champion itself (scored by its alias, as a nightly run does), which has
   * no other model to compare with, rather than that there is none yet.
   */
  public static Verdict judge(BlessingConfig config, Candidate challenger, Candidate champion,
      List<BehaviouralResult> behavioural, boolean isTheChampion) {
    return judge(config, challenger, champion, behavioural, isTheChampion, List.of());
  }

  /**
   * As above with {@code ownChecks} first: absolute checks a kind of model brings that the
   * config's bounds do not name (a regression model's R² above 0).
   */
  public static Verdict judge(BlessingConfig config, Candidate challenger, Candidate champion,
      List<BehaviouralResult> behavioural, boolean isTheChampion, List<Check> ownChecks) {
    List<Check> checks = new ArrayList<>(ownChecks);
    absolute(checks, challenger, "roc_auc", config.minRocAuc(), true);
    absolute(checks, challenger, "pr_auc", config.minPrAuc(), true);
    absolute(checks, challenger, "log_loss", config.maxLogLoss(), false);
    absolute(checks, challenger, "brier", config.maxBrier(), false);
    absolute(checks, challenger, "ece", config.maxEce(), false);
    if (champion != null) {
      String metric = config.metric();
      checks.add(compare("champion:" + metric, metric, metric,
          challenger.metrics().get(metric), champion.metrics().get(metric), config.maxDrop(),
          "max_drop"));
      for (Map.Entry<String, Double> slice : champion.slices().entrySet()) {
        Double mine = challenger.slices().get(slice.getKey());
        if (mine == null || mine.isNaN() || slice.getValue() == null || slice.getValue().isNaN()) {
          continue;
        }
        checks.add(compare("champion:" + metric + "[" + slice.getKey() + "]", metric,
            metric + " on " + slice.getKey(), mine, slice.getValue(), config.maxSliceDrop(),
            "max_slice_drop"));
      }
    }
    if (config.requireBehavioural()) {
      for (BehaviouralResult result : behavioural) {
        checks.add(new Check("behavioural:" + result.name(), result.passed(),
            "behavioural test '" + result.name() + "': " + result.detail()));
      }
    }
    List<String> reasons = checks.stream().filter(c -> !c.passed()).map(Check::detail).toList();
    boolean blessed = reasons.isEmpty();
    String against;
    if (champion != null) {
      against = "compared with champion " + champion.modelVersion() + " on the same rows";
    } else if (isTheChampion) {
      against = "this model is the champion, so judged against the absolute thresholds only";
    } else {
      against = "no champion yet, so judged against the absolute thresholds only";
    }
    String summary = (blessed ? "Blessed" : "Refused (" + reasons.size() + " of " + checks.size()
        + " checks failed)") + ": " + against + ".";
    return new Verdict(blessed, champion == null ? null : champion.modelVersion(), summary, checks,
        reasons);
  }

  private static void absolute(List<Check> checks, Candidate challenger, String metric,
      Double limit, boolean higherIsBetter) {
    if (limit == null) {
      return;
    }
    Double value = challenger.metrics().get(metric);
    String bound = (higherIsBetter ? "min_" : "max_") + metric;
    if (value == null || value.isNaN()) {
      checks.add(new Check(bound, false, metric + " is not defined on these rows, so "
          + bound + " " + number(limit) + " cannot be met"));
      return;
    }
    boolean passed = higherIsBetter ? value >= limit : value <= limit;
    checks.add(new Check(bound, passed, metric + " " + number(value) + (passed
        ? (higherIsBetter ? " meets " : " is within ") : (higherIsBetter ? " is below " : " is above "))
        + bound + " " + number(limit)));
  }

  /**
   * The challenger may trail the champion by at most {@code margin}: for a metric where lower is
   * better, trailing means being higher. {@code what} is only the text the check is reported as.
   */
  private static Check compare(String name, String metric, String what, Double challenger,
      Double champion, double margin, String marginKey) {
    if (challenger == null || challenger.isNaN()) {
      return new Check(name, false, what + " of the challenger is not defined");
    }
    if (champion == null || champion.isNaN()) {
      return new Check(name, true, what + " of the champion is not defined: nothing to trail");
    }
    boolean lowerIsBetter = BlessingConfig.LOWER_IS_BETTER.contains(metric);
    double behind = lowerIsBetter ? challenger - champion : champion - challenger;
    boolean passed = behind <= margin;
    String relation = behind > 0 ? number(behind) + " behind" : number(-behind) + " ahead of";
    return new Check(name, passed, what + " " + number(challenger) + " is " + relation
        + " the champion's " + number(champion) + " (" + marginKey + " " + number(margin) + ")");
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, NUMBER, value);
  }
}
