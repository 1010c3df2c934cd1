package org.deepline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Json#differences}: what changed between two records, by config path. */
class JsonTest {
  record Layer(int units, String activation) {}

  record Section(Integer epochs, Double learningRate, List<Layer> layers, Map<String, String> tags) {}

  @Test
  void eachDifferingValueIsNamedByItsSnakeCasePath() {
    Section was = new Section(400, 0.005, List.of(new Layer(32, "relu")), Map.of("a", "x"));
    Section now = new Section(10, 0.005, List.of(new Layer(16, "relu")), Map.of("a", "x", "b", "y"));
    assertEquals(List.of("training.epochs 400 (now 10)",
            "training.layers [{\"units\":32,\"activation\":\"relu\"}] (now "
                + "[{\"units\":16,\"activation\":\"relu\"}])",
            "training.tags.b absent (now \"y\")"),
        Json.differences("training", was, now));
    assertEquals(List.of(), Json.differences("training", was, was));
    assertEquals(List.of("learning_rate 0.005 (now null)"),
        Json.differences("", was, new Section(400, null, was.layers(), was.tags())));
  }
}
