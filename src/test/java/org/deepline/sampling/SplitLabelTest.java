package org.deepline.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.RunContext;
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
    // The toy label column holds "yes" and "no": "YES" matches no row.
    DeeplineException error = splitFails(dir, "label.positive=YES");

    assertEquals(Failure.DATA_QUALITY, error.failure());
    assertTrue(error.getMessage().matches("split: all 60 labelled rows of 2026-11-24 are negative: "
        + "label.column label never equals label.positive 'YES'; its most common values are "
        + "'(no|yes)' \\(\\d+\\), '(no|yes)' \\(\\d+\\); a model needs both classes \\(set "
        + "label.positive to the value of the positive class, spelled as the data spells it\\)"),
        error.getMessage());
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
