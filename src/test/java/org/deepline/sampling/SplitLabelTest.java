package org.deepline.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.etl.IngestJob;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A label that gives every row one class fails the split, naming what the data holds. */
class SplitLabelTest {
  private static DeeplineException splitFails(Path dir, String... overrides) {
    RunContext context = ToyData.context(dir, 60, false, overrides);
    new IngestJob().run(context);
    return assertThrows(DeeplineException.class, () -> new SplitJob().run(context));
  }

  @Test
  void aPositiveValueTheDataNeverHoldsIsNamedWithTheValuesItDoes(@TempDir Path dir) {
    // The toy label column holds "yes" and "no": "maybe" matches no row ("YES" would: letter
    // case does not count).
    DeeplineException error = splitFails(dir, "label.positive=maybe");

    assertEquals(Failure.DATA_QUALITY, error.failure());
    assertEquals("split: all 60 labelled rows of 2026-11-24 are negative: label.column label "
        + "never matches label.positive 'maybe'; its most common values are 'no' (31), 'yes' (29); a "
        + "model needs both classes (set label.positive to the value of the positive class, "
        + "written as the data writes it, letter case aside)", error.getMessage());
  }

  @Test
  void aNightWithOneClassIsSplitForScoring(@TempDir Path dir) {
    // A rare event that did not happen that day: nightly scores and evaluates it, trains nothing.
    RunContext context = ToyData.context(dir, 60, false, "label.positive=maybe");
    new IngestJob().run(context);

    StageResult result = SplitJob.forScoring().run(context);

    assertEquals(0.0, result.metric("positive_rate_train"));
    assertEquals(0.0, result.metric("positive_rate_test"));
    assertEquals(60.0, result.metric("rows_train") + result.metric("rows_validation")
        + result.metric("rows_test"));
  }

  @Test
  void aConditionTrueForEveryRowIsNamed(@TempDir Path dir) {
    DeeplineException error = splitFails(dir, "label.column=null", "label.positive=null",
        "label.expression=id >= 0");

    assertEquals("split: all 60 labelled rows of 2026-11-24 are positive: label.expression "
        + "`id >= 0` is true for every one; a model needs both classes (check the condition "
        + "against the data)", error.getMessage());
  }
}
