package org.deepline.testing;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.RunContext;

/**
 * A small synthetic binary data set with a known signal: {@code x} and {@code segment} predict the
 * label, {@code noise} does not, {@code income} has gaps. With {@code leaky} a column {@code outcome_code}
 * copies the label, the textbook leak the leakage gate must catch.
 */
public final class ToyData {
  private static final double SIGNAL = 1.5;

  private ToyData() {}

  public static Path csv(Path dir, int rows, long seed, boolean leaky) {
    Random random = new Random(seed);
    StringBuilder out = new StringBuilder("id,x,noise,income,segment,channel,"
        + (leaky ? "outcome_code," : "") + "label\n");
    String[] segments = {"a", "b", "c"};
    String[] channels = {"web", "shop", "phone", "mail"};
    for (int i = 0; i < rows; i++) {
      String segment = segments[random.nextInt(segments.length)];
      double x = random.nextGaussian();
      double logit = SIGNAL * x + ("a".equals(segment) ? 1.0 : "c".equals(segment) ? -1.0 : 0.0);
      boolean positive = random.nextDouble() < 1 / (1 + Math.exp(-logit));
      String income = random.nextDouble() < 0.1 ? ""
          : String.format(Locale.ROOT, "%.1f", 20 + 80 * random.nextDouble());
      out.append(i).append(',')
          .append(String.format(Locale.ROOT, "%.4f", x)).append(',')
          .append(String.format(Locale.ROOT, "%.4f", random.nextGaussian())).append(',')
          .append(income).append(',')
          .append(segment).append(',')
          .append(channels[random.nextInt(channels.length)]).append(',')
          .append(leaky ? (positive ? "1," : "0,") : "")
          .append(positive ? "yes" : "no").append('\n');
    }
    return TestRuns.writeFile(dir, "toy.csv", out.toString());
  }

  public static String configJson(Path csv, boolean leaky) {
    return """
        {"dataset": "toy",
         "source": {"path": "%s"},
         "schema": {"key": ["id"], "columns": [
           {"name": "id", "type": "int", "nullable": false},
           {"name": "x", "type": "double", "nullable": false},
           {"name": "noise", "type": "double", "nullable": false},
           {"name": "income", "type": "double", "min": 0},
           {"name": "segment", "type": "string", "allowed_values": ["a", "b", "c"]},
           {"name": "channel", "type": "string"},
           %s
           {"name": "label", "type": "string", "nullable": false}]},
         "label": {"column": "label", "positive": "yes"},
         "validation": {"min_rows": 10},
         "features": {"numeric": ["x", "noise", "income"%s],
                      "categorical": ["segment", "channel"],
                      "crosses": [{"columns": ["segment", "channel"], "buckets": 8}]},
         "training": {"epochs": 6, "patience": 3, "batch_size_per_worker": 16,
                      "learning_rate": 0.01, "layers": [{"units": 8}]},
         "baselines": {"models": ["majority", "logistic_regression"]}}
        """.formatted(csv.toString().replace("\\", "\\\\"),
        leaky ? "{\"name\": \"outcome_code\", \"type\": \"int\", \"nullable\": false}," : "",
        leaky ? ", \"outcome_code\"" : "");
  }

  /** A run context over a fresh toy data set of {@code rows} rows in {@code dir}. */
  public static RunContext context(Path dir, int rows, boolean leaky, String... overrides) {
    Path csv = csv(dir, rows, 17, leaky);
    DeeplineConfig config = TestRuns.configFromJson(configJson(csv, leaky), overrides);
    return TestRuns.context(config, dir.resolve("warehouse"), "test");
  }
}
