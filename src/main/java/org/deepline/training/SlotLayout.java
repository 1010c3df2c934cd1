package org.deepline.training;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.deepline.features.DateTimeSpec;
import org.deepline.features.FeatureModel;

/**
 * Which slots of a feature vector are continuous numbers and which form discrete groups, for the
 * resampling and augmentation that make new training vectors ({@link Smote}, {@link Augmenter}).
 *
 * <p>Continuous slots (a scaled numeric input, a numeric date part, a target-encoded categorical
 * input, a numeric product) can be interpolated and noised. A discrete group must stay a value one
 * real row had: a one-hot group (a categorical input with its other slot, a hashed categorical input,
 * a hashed cross, the bins of a binned input, a one-hot date part), a missing indicator (a group of
 * one slot), an embedding's index (one slot) and a sine-cosine pair (of a cyclical date part, or of a positional encoding: a point
 * between two angles on the chord is on no angle). New vectors copy each group whole from one of their parents.
 *
 * <pre>{@code
 * SlotLayout layout = SlotLayout.of(featureModel);
 * layout.continuous();   // {0, 2, 4, ...}
 * layout.groups();       // [Group[start=9, end=14, oneHot=true], ...]
 * }</pre>
 *
 * @param width      the vector's length
 * @param continuous the continuous slots, ascending
 * @param groups     the discrete groups, in vector order
 */
public record SlotLayout(int width, int[] continuous, List<Group> groups) implements Serializable {
  private static final long serialVersionUID = 1L;

  public SlotLayout {
    continuous = continuous.clone();
    groups = List.copyOf(groups);
  }

  /**
   * Slots {@code [start, end)} taken whole from one parent.
   *
   * @param oneHot one-hot or an indicator (0/1 values); false for a cyclical pair or an index
   */
  public record Group(int start, int end, boolean oneHot) implements Serializable {
    private static final long serialVersionUID = 1L;

    public int size() {
      return end - start;
    }

    /** An embedding's index: the only discrete group of one slot that is not an indicator. */
    public boolean index() {
      return !oneHot && size() == 1;
    }
  }

  /** The layout of the vectors {@code model} makes, in the order {@code FeatureVectorizer} writes. */
  public static SlotLayout of(FeatureModel model) {
    List<Integer> continuous = new ArrayList<>();
    List<Group> groups = new ArrayList<>();
    int at = 0;
    for (FeatureModel.NumericFeature f : model.numeric()) {
      if (f.binned()) {
        int bins = f.binEdges().size() + 1;
        groups.add(new Group(at, at + bins, true));
        at += bins;
      } else {
        continuous.add(at++);
      }
      if (f.missingIndicator()) {
        groups.add(new Group(at, ++at, true));
      }
    }
    for (FeatureModel.CategoricalFeature f : model.categorical()) {
      if (f.targetEncoded()) {
        continuous.add(at);
      } else if (f.embedded()) {
        // An index is a label, not a quantity: a new vector takes one parent's whole.
        groups.add(new Group(at, at + 1, false));
      } else {
        groups.add(new Group(at, at + f.width(), true));
      }
      at += f.width();
    }
    for (FeatureModel.CrossFeature f : model.crosses()) {
      groups.add(new Group(at, at + f.buckets(), true));
      at += f.buckets();
    }
    for (FeatureModel.DateTimeFeature f : model.datetime()) {
      for (FeatureModel.DateTimePart p : f.parts()) {
        switch (p.encoding()) {
          case DateTimeSpec.ONE_HOT -> groups.add(new Group(at, at + p.width(), true));
          case DateTimeSpec.CYCLICAL -> groups.add(new Group(at, at + p.width(), false));
          default -> continuous.add(at);
        }
        at += p.width();
      }
      if (f.missingIndicator()) {
        groups.add(new Group(at, ++at, true));
      }
    }
    for (int i = 0; i < model.products().size(); i++) {
      continuous.add(at++);
    }
    for (FeatureModel.PositionalFeature f : model.positional()) {
      for (int pair = 0; pair < f.dimensions() / 2; pair++) {
        groups.add(new Group(at, at + 2, false));
        at += 2;
      }
    }
    if (at != model.width()) {
      throw new IllegalStateException("slot layout of " + at + " slots for a feature model of "
          + model.width() + ": an input kind is missing from SlotLayout.of");
    }
    return new SlotLayout(at, continuous.stream().mapToInt(Integer::intValue).toArray(), groups);
  }

  /**
   * Whether {@code vector} holds a valid value in every one-hot group: exactly one slot 1 and the
   * others 0 (a one-hot date part of a missing date is all zeros, so at most one there), and 0 or 1 in
   * an indicator.
   */
  public boolean validGroups(double[] vector) {
    for (Group group : groups) {
      if (!group.oneHot()) {
        continue;
      }
      int ones = 0;
      for (int slot = group.start(); slot < group.end(); slot++) {
        if (vector[slot] == 1.0) {
          ones++;
        } else if (vector[slot] != 0.0) {
          return false;
        }
      }
      if (ones > 1) {
        return false;
      }
    }
    return true;
  }
}
