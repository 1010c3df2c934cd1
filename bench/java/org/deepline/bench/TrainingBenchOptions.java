package org.deepline.bench;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What a {@link TrainingBench} run measures. The full run is sized for about 30 minutes on a quiet
 * 2-core machine, {@code --quick} for about 5 on a sample; every {@code --name value} flag overrides
 * either (names as in bench/README.md).
 *
 * @param sampleRows           keep about this many input rows (0: all 3 M)
 * @param floorRows            training rows (a) collects to the driver (0: all)
 * @param perceptronRows       training rows (b) fits on (0: all)
 * @param sweepRows            training rows of the sweep, overhead and learning-rate parts
 * @param sweepEpochCapSeconds a sweep cell whose epoch would take longer fits only this long
 * @param candidateBatch       batch size per worker of the proposed defaults: part candidate runs
 *                             (d) with it on all rows, parts overhead and rates on the sweep rows
 * @param candidateFrequency   averaging frequency of the proposed defaults
 * @param candidateRate        learning rate of the proposed defaults (part candidate)
 * @param parts                the parts to run, of {@link TrainingBench#PARTS}
 */
record TrainingBenchOptions(String data, long seed, long sampleRows, long floorRows,
    int floorEpochs, int deeplineEpochs, long perceptronRows, int perceptronIterations,
    int logisticIterations, long sweepRows, int sweepEpochs, double sweepEpochCapSeconds,
    List<Integer> sweepFrequencies, List<Integer> sweepBatches, List<Double> learningRates,
    int ratesEpochs, int candidateBatch, int candidateFrequency, double candidateRate,
    Set<String> parts, boolean quick) {

  static final String DEFAULT_DATA = "/work/shared/datasets/flights-3m.parquet";
  static final long DEFAULT_SEED = 42L;
  private static final String QUICK = "--quick";
  /** The defaults bench/README.md proposes, from the sweep and the learning-rate check. */
  static final int CANDIDATE_BATCH = 512;
  static final int CANDIDATE_FREQUENCY = 20;
  static final double CANDIDATE_RATE = 0.005;

  static TrainingBenchOptions fullRun() {
    return new TrainingBenchOptions(DEFAULT_DATA, DEFAULT_SEED, 0, 0, 4, 5, 300_000, 100, 100,
        300_000, 2, 60, List.of(1, 5, 20), List.of(32, 128, 512, 1024),
        List.of(0.001, 0.002, 0.005, 0.01, 0.02), 3, CANDIDATE_BATCH, CANDIDATE_FREQUENCY,
        CANDIDATE_RATE, Set.copyOf(TrainingBench.PARTS), false);
  }

  static TrainingBenchOptions quickRun() {
    return new TrainingBenchOptions(DEFAULT_DATA, DEFAULT_SEED, 600_000, 0, 2, 3, 100_000, 30, 100,
        100_000, 2, 15, List.of(5, 20), List.of(128, 512), List.of(0.002, 0.005, 0.02), 2,
        CANDIDATE_BATCH, CANDIDATE_FREQUENCY, CANDIDATE_RATE, Set.copyOf(TrainingBench.PARTS), true);
  }

  static TrainingBenchOptions parse(String[] args) {
    boolean quick = Arrays.asList(args).contains(QUICK);
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(QUICK)) {
        continue;
      }
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]
            + " (see bench/README.md)");
      }
      values.put(args[i].substring(2), args[++i]);
    }
    TrainingBenchOptions base = quick ? quickRun() : fullRun();
    Flags flags = new Flags(values);
    TrainingBenchOptions options = new TrainingBenchOptions(
        flags.get("data", base.data(), Function.identity()),
        flags.get("seed", base.seed(), Long::valueOf),
        flags.get("sample-rows", base.sampleRows(), Long::valueOf),
        flags.get("floor-rows", base.floorRows(), Long::valueOf),
        flags.get("floor-epochs", base.floorEpochs(), Integer::valueOf),
        flags.get("deepline-epochs", base.deeplineEpochs(), Integer::valueOf),
        flags.get("perceptron-rows", base.perceptronRows(), Long::valueOf),
        flags.get("perceptron-iterations", base.perceptronIterations(), Integer::valueOf),
        flags.get("logistic-iterations", base.logisticIterations(), Integer::valueOf),
        flags.get("sweep-rows", base.sweepRows(), Long::valueOf),
        flags.get("sweep-epochs", base.sweepEpochs(), Integer::valueOf),
        flags.get("sweep-epoch-cap", base.sweepEpochCapSeconds(), Double::valueOf),
        flags.get("sweep-frequencies", base.sweepFrequencies(), list(Integer::valueOf)),
        flags.get("sweep-batches", base.sweepBatches(), list(Integer::valueOf)),
        flags.get("learning-rates", base.learningRates(), list(Double::valueOf)),
        flags.get("rates-epochs", base.ratesEpochs(), Integer::valueOf),
        flags.get("candidate-batch", base.candidateBatch(), Integer::valueOf),
        flags.get("candidate-frequency", base.candidateFrequency(), Integer::valueOf),
        flags.get("candidate-rate", base.candidateRate(), Double::valueOf),
        flags.get("only", base.parts(), text -> Set.copyOf(Arrays.asList(text.split(",")))),
        quick);
    flags.requireAllUsed();
    for (String part : options.parts()) {
      if (!TrainingBench.PARTS.contains(part)) {
        throw new IllegalArgumentException("--only takes parts of " + TrainingBench.PARTS
            + ", got " + part);
      }
    }
    return options;
  }

  boolean runs(String part) {
    return parts.contains(part);
  }

  private static <T> Function<String, List<T>> list(Function<String, T> element) {
    return text -> Arrays.stream(text.split(",")).map(String::trim).map(element).toList();
  }

  /** The flags given, remembering which were read so that a misspelt one is an error. */
  private static final class Flags {
    private final Map<String, String> values;
    private final Set<String> used = new HashSet<>();

    Flags(Map<String, String> values) {
      this.values = values;
    }

    <T> T get(String name, T fallback, Function<String, T> parser) {
      used.add(name);
      String value = values.get(name);
      return value == null ? fallback : parser.apply(value);
    }

    void requireAllUsed() {
      Set<String> unknown = new HashSet<>(values.keySet());
      unknown.removeAll(used);
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException("unknown options " + unknown + " (see bench/README.md)");
      }
    }
  }
}
