package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class SanityCheckTest {
  @Test
  void theLossFloorIsTheLabelEntropyWithinIdenticalVectors() {
    float[][] features = {{1, 0}, {1, 0}, {0, 1}, {0, 1}, {0, 1}, {2, 2}};
    // {1,0}: one of each label, ln 2 each; {0,1}: 2 positives and 1 negative; {2,2}: alone, 0.
    double expected = (2 * Math.log(2) - 2 * Math.log(2 / 3.0) - Math.log(1 / 3.0)) / 6;

    assertEquals(expected, SanityCheck.lossFloor(features, List.of(RowFactory.create(null, 1),
        RowFactory.create(null, 0), RowFactory.create(null, 1), RowFactory.create(null, 1),
        RowFactory.create(null, 0), RowFactory.create(null, 1))), 1e-12);
    assertEquals(0.0, SanityCheck.lossFloor(new float[][] {{1}, {2}},
        List.of(RowFactory.create(null, 1), RowFactory.create(null, 0))));
  }
}
