package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.deepline.features.FeatureModel;
import org.junit.jupiter.api.Test;

/** The layout resampling uses covers every input kind the feature model can hold, slot for slot. */
class SlotLayoutTest {
  @Test
  void everyInputKindGetsItsSlotsInVectorOrder() {
    FeatureModel.TargetEncoding target = new FeatureModel.TargetEncoding(10, 2, 42,
        new long[] {1, 1}, new long[] {0, 1}, List.of(new long[] {1, 1}),
        List.of(new long[] {0, 1}));
    FeatureModel model = new FeatureModel(FeatureModel.FORMAT_VERSION,
        new FeatureModel.FitProvenance("toy", "2026-11-24", "run", "train", 2, "splits", 0, 0),
        List.of(FeatureModel.NumericFeature.standardised("n", 1, 1, 1, true),
            new FeatureModel.NumericFeature("b", 0, 0, 1, false, null, null, null, null, null,
                null, null, List.of(1.0, 2.0))),
        List.of(FeatureModel.CategoricalFeature.oneHot("c", List.of("x", "y"), 2L, 0L),
            new FeatureModel.CategoricalFeature("h", List.of(), null, null, "hashing", 4, null, null, null),
            new FeatureModel.CategoricalFeature("t", List.of("a"), 1L, 0L, "target", null, target, null,
                null)),
        List.of(new FeatureModel.CrossFeature(List.of("c", "h"), 5)),
        List.of(new FeatureModel.DateTimeFeature("d", List.of(
            new FeatureModel.DateTimePart("hour", "cyclical", 0, 0, 0),
            new FeatureModel.DateTimePart("month", "numeric", 6, 6, 3)), true)),
        List.of(new FeatureModel.ProductFeature(List.of("n", "n"))),
        List.of(new FeatureModel.PositionalFeature("n", 4, 100)));

    SlotLayout layout = SlotLayout.of(model);

    // n (0) and its indicator (1); b's 3 bins (2-4); c one-hot (5-7); h hashed (8-11); t target
    // encoded (12); the cross (13-17); d's hour sin/cos (18-19), month (20), indicator (21); the
    // product (22); the position's two sin/cos pairs (23-24, 25-26).
    assertEquals(27, model.width());
    assertEquals(27, layout.width());
    assertArrayEquals(new int[] {0, 12, 20, 22}, layout.continuous());
    assertEquals(List.of(new SlotLayout.Group(1, 2, true), new SlotLayout.Group(2, 5, true),
        new SlotLayout.Group(5, 8, true), new SlotLayout.Group(8, 12, true),
        new SlotLayout.Group(13, 18, true), new SlotLayout.Group(18, 20, false),
        new SlotLayout.Group(21, 22, true), new SlotLayout.Group(23, 25, false),
        new SlotLayout.Group(25, 27, false)), layout.groups());
  }
}
