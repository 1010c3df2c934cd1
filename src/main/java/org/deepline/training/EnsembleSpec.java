package org.deepline.training;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.Serializable;
import java.util.List;

/**
 * What a saved ensemble is made of and how its members' probabilities are combined; stored in
 * {@code model.json} as {@code ensemble} (null for a single network). The model directory holds:
 *
 * <pre>
 * models/&lt;version&gt;/
 *   model.json            metadata; "ensemble": {method, members: [{name, kind, file}], combiner,
 *                         weights, intercept}
 *   network.zip           the main (early-stopped) network; stacking's network member
 *   members/bag_1.zip ... bagging's bootstrap networks (DL4J's format, as network.zip)
 *   members/seed_1.zip ... a deep ensemble's networks, each trained on the whole training split
 *   members/gbt.json      stacking's boosted trees ({@link BoostedTrees}: split feature, threshold,
 *                         children, leaf value, tree weight)
 * </pre>
 *
 * <p>The one place the combination is computed: training's validation metrics, batch scoring and
 * single-record scoring all call {@link #combine}, so they agree on the same member probabilities.
 *
 * <pre>{@code
 * EnsembleSpec spec = EnsembleSpec.mean("bagging", members);
 * double p = spec.combine(new double[] {0.2, 0.4}); // 0.3
 * }</pre>
 *
 * @param method    {@link EnsembleConfig#BAGGING}, {@link EnsembleConfig#DEEP_ENSEMBLE} or
 *                  {@link EnsembleConfig#STACKING}
 * @param members   the members in the order {@link #combine} takes their probabilities
 * @param combiner  {@value #MEAN}: the plain average; {@value #LOGISTIC}: the logistic function of
 *                  {@code intercept + sum(weights[i] * logit(p[i]))}
 * @param weights   {@value #LOGISTIC} only: one weight per member (empty for {@value #MEAN})
 * @param intercept {@value #LOGISTIC} only
 */
public record EnsembleSpec(String method, List<Member> members, String combiner,
    List<Double> weights, double intercept) implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String MEAN = "mean";
  public static final String LOGISTIC = "logistic_regression";
  public static final String NETWORK = "network";
  public static final String BOOSTED_TREES = "boosted_trees";
  /** A logistic regression in {@code LinearModel}'s JSON. */
  public static final String LINEAR = "linear";
  /** The main network's member name: its file is the bundle's own {@code network.zip}. */
  public static final String MAIN_NETWORK = "network";
  public static final String MEMBERS_DIR = "members/";
  /**
   * Probabilities are clipped this far from 0 and 1 before their logit: a float probability can be
   * exactly 0 or 1, whose logit is infinite.
   */
  public static final double LOGIT_CLIP = 1e-7;

  /**
   * One member.
   *
   * @param kind {@value #NETWORK}, {@value #BOOSTED_TREES} or {@value #LINEAR}
   * @param file the member's file, relative to the model directory
   */
  public record Member(String name, String kind, String file) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static Member mainNetwork() {
      return new Member(MAIN_NETWORK, NETWORK, ModelBundle.NETWORK_FILE);
    }

    public static Member network(String name) {
      return new Member(name, NETWORK, MEMBERS_DIR + name + ".zip");
    }

    public static Member trees(String name) {
      return new Member(name, BOOSTED_TREES, MEMBERS_DIR + name + ".json");
    }

    public static Member linear(String name) {
      return new Member(name, LINEAR, MEMBERS_DIR + name + ".json");
    }

    /** Whether the member is the bundle's own network, stored as {@code network.zip}. */
    @JsonIgnore
    public boolean isMainNetwork() {
      return ModelBundle.NETWORK_FILE.equals(file);
    }
  }

  public EnsembleSpec {
    members = List.copyOf(members);
    weights = weights == null ? List.of() : List.copyOf(weights);
    if (LOGISTIC.equals(combiner) && weights.size() != members.size()) {
      throw new IllegalArgumentException(weights.size() + " combiner weights for "
          + members.size() + " members");
    }
  }

  /** Members averaged with equal weight. */
  public static EnsembleSpec mean(String method, List<Member> members) {
    return new EnsembleSpec(method, members, MEAN, List.of(), 0);
  }

  /** Members combined by a logistic regression on their logits. */
  public static EnsembleSpec logistic(String method, List<Member> members, List<Double> weights,
      double intercept) {
    return new EnsembleSpec(method, members, LOGISTIC, weights, intercept);
  }

  /** The ensemble's probability from its members', given in {@link #members} order. */
  public double combine(double[] memberProbabilities) {
    if (memberProbabilities.length != members.size()) {
      throw new IllegalArgumentException(memberProbabilities.length + " probabilities for "
          + members.size() + " members");
    }
    if (MEAN.equals(combiner)) {
      double sum = 0;
      for (double p : memberProbabilities) {
        sum += p;
      }
      return sum / memberProbabilities.length;
    }
    double z = intercept;
    for (int i = 0; i < memberProbabilities.length; i++) {
      z += weights.get(i) * logit(memberProbabilities[i]);
    }
    return sigmoid(z);
  }

  /** {@code ln(p / (1 - p))} of {@code p} clipped to {@code [LOGIT_CLIP, 1 - LOGIT_CLIP]}. */
  public static double logit(double probability) {
    double p = Math.min(1 - LOGIT_CLIP, Math.max(LOGIT_CLIP, probability));
    return Math.log(p / (1 - p));
  }

  public static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /**
   * A one-line description for logs and reports, e.g. {@code bagging of 5 networks (mean)} or
   * {@code stacking of 1 network, 1 boosted-tree model and 1 logistic regression
   * (logistic_regression)}.
   */
  @JsonIgnore
  public String description() {
    List<String> parts = new java.util.ArrayList<>();
    count(NETWORK, " network", " networks").ifPresent(parts::add);
    count(BOOSTED_TREES, " boosted-tree model", " boosted-tree models").ifPresent(parts::add);
    count(LINEAR, " logistic regression", " logistic regressions").ifPresent(parts::add);
    String listed = parts.size() == 1 ? parts.get(0)
        : String.join(", ", parts.subList(0, parts.size() - 1)) + " and "
            + parts.get(parts.size() - 1);
    return method + " of " + listed + " (" + combiner + ")";
  }

  private java.util.Optional<String> count(String kind, String one, String many) {
    long count = members.stream().filter(m -> kind.equals(m.kind())).count();
    return count == 0 ? java.util.Optional.empty()
        : java.util.Optional.of(count + (count == 1 ? one : many));
  }
}
