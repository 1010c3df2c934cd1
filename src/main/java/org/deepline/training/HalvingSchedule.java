package org.deepline.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Asynchronous successive halving (ASHA, Li et al. 2020) run by one worker: the next job is the
 * promotion of a trial that is among the best 1/eta of its rung and not promoted yet (the highest
 * rung first), else a new trial at the first rung. Pure bookkeeping: {@link Tuner} trains.
 *
 * <p>Why ASHA and not synchronous halving: a trial already uses both cores (one parameter-averaging
 * worker per core), so trials run one after the other either way; ASHA needs no trial count fixed up
 * front, so a budget in minutes is spent on promising trials as it goes and the search can stop at
 * any job with the best trial of the highest rung so far, where a synchronous bracket cut short by
 * the budget leaves its top rung empty.
 *
 * <pre>{@code
 * HalvingSchedule schedule = new HalvingSchedule(HalvingSchedule.rungEpochs(20, 1, 3), 3);
 * HalvingSchedule.Job job = schedule.next(true).orElseThrow(); // trial 0, rung 0: 2 epochs
 * schedule.report(job.trial(), job.rung(), 0.84);
 * }</pre>
 */
public final class HalvingSchedule {
  /** One job: train {@code trial} up to {@code rung}'s epochs. */
  public record Job(int trial, int rung) {
    /** A new trial, drawn and started at the first rung. */
    public boolean starts() {
      return rung == 0;
    }
  }

  private final int[] rungEpochs;
  private final int eta;
  /** Per rung: the trials that completed it and their validation score, in completion order. */
  private final List<Map<Integer, Double>> results = new ArrayList<>();
  /** Per rung: the trials already promoted from it. */
  private final List<Set<Integer>> promoted = new ArrayList<>();
  /** Trials that failed at some rung: out of every ranking, their earlier rungs' included. */
  private final Set<Integer> failed = new HashSet<>();
  private int trialsStarted;

  public HalvingSchedule(int[] rungEpochs, int eta) {
    if (rungEpochs.length == 0 || eta < TuningConfig.MIN_ETA) {
      throw new IllegalArgumentException("rungs " + rungEpochs.length + ", eta " + eta);
    }
    this.rungEpochs = rungEpochs.clone();
    this.eta = eta;
    for (int rung = 0; rung < rungEpochs.length; rung++) {
      results.add(new LinkedHashMap<>());
      promoted.add(new HashSet<>());
    }
  }

  /**
   * The epochs of each rung, first to last: {@code epochs / eta^k} for k from the largest with at
   * least {@code minEpochs} down to 0, so the last rung trains the configured epochs.
   *
   * <pre>{@code
   * HalvingSchedule.rungEpochs(20, 1, 3); // [2, 6, 20]
   * }</pre>
   */
  public static int[] rungEpochs(int epochs, int minEpochs, int eta) {
    List<Integer> topDown = new ArrayList<>();
    for (long divisor = 1; epochs / divisor >= minEpochs; divisor *= eta) {
      int rung = (int) (epochs / divisor);
      if (topDown.isEmpty() || topDown.get(topDown.size() - 1) != rung) {
        topDown.add(rung);
      }
    }
    int[] rungs = new int[topDown.size()];
    for (int i = 0; i < rungs.length; i++) {
      rungs[i] = topDown.get(rungs.length - 1 - i);
    }
    return rungs;
  }

  /** The epochs of every rung, first to last. */
  public int[] rungEpochs() {
    return rungEpochs.clone();
  }

  public int rungs() {
    return rungEpochs.length;
  }

  public int epochs(int rung) {
    return rungEpochs[rung];
  }

  public int trialsStarted() {
    return trialsStarted;
  }

  /**
   * The next job: a promotion when one is due, else a new trial when {@code mayStartTrial}, else
   * none (the search is over).
   */
  public Optional<Job> next(boolean mayStartTrial) {
    for (int rung = rungEpochs.length - 2; rung >= 0; rung--) {
      Optional<Integer> candidate = promotable(rung);
      if (candidate.isPresent()) {
        promoted.get(rung).add(candidate.get());
        return Optional.of(new Job(candidate.get(), rung + 1));
      }
    }
    if (!mayStartTrial) {
      return Optional.empty();
    }
    return Optional.of(new Job(trialsStarted++, 0));
  }

  /** A trial's validation score at a rung; NaN for a trial that failed (never promoted). */
  public void report(int trial, int rung, double score) {
    results.get(rung).put(trial, score);
    if (Double.isNaN(score)) {
      failed.add(trial);
    }
  }

  /** The best trial of the highest rung any trial completed, with its score there. */
  public Optional<Map.Entry<Integer, Double>> best() {
    for (int rung = rungEpochs.length - 1; rung >= 0; rung--) {
      Optional<Map.Entry<Integer, Double>> top = ranked(rung).stream().findFirst();
      if (top.isPresent()) {
        return top;
      }
    }
    return Optional.empty();
  }

  /**
   * Up to {@code count} trials, best first: those of the highest rung ranked by their score there,
   * then those that stopped one rung below, and so on; failed trials are left out.
   */
  public List<Integer> leaders(int count) {
    Set<Integer> leaders = new LinkedHashSet<>();
    for (int rung = rungEpochs.length - 1; rung >= 0 && leaders.size() < count; rung--) {
      for (Map.Entry<Integer, Double> result : ranked(rung)) {
        if (leaders.size() == count) {
          break;
        }
        leaders.add(result.getKey());
      }
    }
    return List.copyOf(leaders);
  }

  /** The highest rung a trial completed; -1 for none. */
  public int rungOf(int trial) {
    for (int rung = rungEpochs.length - 1; rung >= 0; rung--) {
      if (results.get(rung).containsKey(trial)) {
        return rung;
      }
    }
    return -1;
  }

  /** The best not yet promoted among the top floor(n / eta) of a rung's n results. */
  private Optional<Integer> promotable(int rung) {
    List<Map.Entry<Integer, Double>> ranked = ranked(rung);
    int top = results.get(rung).size() / eta;
    return ranked.stream().limit(top).map(Map.Entry::getKey)
        .filter(trial -> !promoted.get(rung).contains(trial)).findFirst();
  }

  /** A rung's scored (not failed) trials, best first, earlier trials first among equals. */
  private List<Map.Entry<Integer, Double>> ranked(int rung) {
    return results.get(rung).entrySet().stream()
        .filter(result -> !failed.contains(result.getKey()))
        .sorted(Comparator.comparing((Map.Entry<Integer, Double> result) -> -result.getValue())
            .thenComparing(Map.Entry::getKey))
        .toList();
  }
}
