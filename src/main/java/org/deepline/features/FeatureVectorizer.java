package org.deepline.features;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns one record into the network's input vector with a {@link FeatureModel}. Plain Java with no
 * Spark types, so the Spark transform, the training data and a scorer without Spark share this one
 * implementation and cannot drift apart.
 *
 * <pre>{@code
 * FeatureVectorizer vectorizer = new FeatureVectorizer(model);
 * double[] x = vectorizer.vectorize(Map.of("tenure", 12, "contract", "One year")::get);
 * }</pre>
 */
public final class FeatureVectorizer implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final char CROSS_SEPARATOR = '\u001f';

  private final FeatureModel model;
  private final List<Map<String, Integer>> vocabularyIndex;
  private final int width;

  public FeatureVectorizer(FeatureModel model) {
    this.model = model;
    this.width = model.width();
    this.vocabularyIndex = model.categorical().stream().map(f -> {
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < f.vocabulary().size(); i++) {
        index.put(f.vocabulary().get(i), i);
      }
      return index;
    }).toList();
  }

  public int width() {
    return width;
  }

  /** The vector of a record whose raw values {@code valueOf} returns by column name. */
  public double[] vectorize(Function<String, Object> valueOf) {
    double[] out = new double[width];
    write(valueOf, (slot, value) -> out[slot] = value);
    return out;
  }

  /**
   * Writes the vector of a record as floats, the network's input type, into {@code target} from
   * {@code offset}: batch scoring fills a minibatch in place instead of allocating a vector per row.
   * The {@link #width()} floats from {@code offset} must be zero (slots of absent one-hot values are
   * not written).
   */
  public void vectorizeInto(Function<String, Object> valueOf, float[] target, int offset) {
    write(valueOf, (slot, value) -> target[offset + slot] = (float) value);
  }

  /**
   * Appends the non-zero values of a record's vector as (slot, value) entries from {@code from} of
   * {@code slots} and {@code values}, in slot order, and returns the end of them; zero values are
   * left out. Batch scoring feeds these to the network's first layer directly, so a 480-wide one-hot
   * vector with 7 non-zero values costs 7 entries, not 480 floats written and read back. Each array
   * needs room for {@link #width()} entries from {@code from}.
   */
  public int vectorizeSparse(Function<String, Object> valueOf, int[] slots, float[] values,
      int from) {
    int[] end = {from};
    write(valueOf, (slot, value) -> {
      if (value != 0.0) {
        slots[end[0]] = slot;
        values[end[0]++] = (float) value;
      }
    });
    return end[0];
  }

  /** Where a vector's slots go: a double array or a row of a float minibatch. */
  @FunctionalInterface
  private interface Slots {
    void set(int slot, double value);
  }

  private void write(Function<String, Object> valueOf, Slots out) {
    int at = 0;
    for (FeatureModel.NumericFeature f : model.numeric()) {
      Double raw = toDouble(valueOf.apply(f.name()), f.name());
      boolean missing = raw == null || raw.isNaN();
      double value = missing ? f.imputedValue() : transformed(f, raw);
      if (f.binned()) {
        out.set(at + bin(f.binEdges(), value), 1.0);
        at += f.binEdges().size() + 1;
      } else {
        double spread = f.spreadOrStddev();
        out.set(at++, spread > 0 ? (value - f.centerOrMean()) / spread : value - f.centerOrMean());
      }
      if (f.missingIndicator()) {
        out.set(at++, missing ? 1.0 : 0.0);
      }
    }
    String[] tokens = new String[model.categorical().size()];
    // Only crosses look tokens up by column; scoring calls this per row, so no map without them.
    Map<String, String> tokenByColumn = model.crosses().isEmpty() ? null : new HashMap<>();
    for (int c = 0; c < tokens.length; c++) {
      FeatureModel.CategoricalFeature f = model.categorical().get(c);
      tokens[c] = token(valueOf.apply(f.name()));
      if (tokenByColumn != null) {
        tokenByColumn.put(f.name(), tokens[c]);
      }
      Integer slot = vocabularyIndex.get(c).get(tokens[c]);
      out.set(at + (slot == null ? f.vocabulary().size() : slot), 1.0);
      at += f.vocabulary().size() + 1;
    }
    for (FeatureModel.CrossFeature f : model.crosses()) {
      String left = tokenByColumn.get(f.columns().get(0));
      String right = tokenByColumn.get(f.columns().get(1));
      out.set(at + crossBucket(left, right, f.buckets()), 1.0);
      at += f.buckets();
    }
    for (FeatureModel.DateTimeFeature f : model.datetime()) {
      at = dateTime(f, DateTimeParts.utc(valueOf.apply(f.name()), f.name()), out, at);
    }
  }

  /**
   * A present value after clipping and log1p: the units the imputed value, the scaling and the bins
   * of {@code f} are in.
   */
  static double transformed(FeatureModel.NumericFeature f, double raw) {
    return transformed(f.clipLower(), f.clipUpper(), f.log1p(), raw);
  }

  static double transformed(Double clipLower, Double clipUpper, Boolean log1p, double raw) {
    double value = raw;
    if (clipLower != null && value < clipLower) {
      value = clipLower;
    }
    if (clipUpper != null && value > clipUpper) {
      value = clipUpper;
    }
    return Boolean.TRUE.equals(log1p) ? Math.log1p(value) : value;
  }

  /** The bin of {@code value}: how many cut points are at or below it. */
  static int bin(List<Double> edges, double value) {
    int low = 0;
    int high = edges.size();
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (edges.get(middle) <= value) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  /** Writes one date or timestamp input's slots from {@code at}; returns the next free slot. */
  private static int dateTime(FeatureModel.DateTimeFeature f, java.time.LocalDateTime time,
      Slots out, int from) {
    int at = from;
    for (FeatureModel.DateTimePart p : f.parts()) {
      Integer value = time == null ? null : DateTimeParts.part(time, p.part());
      switch (p.encoding()) {
        case DateTimeSpec.ONE_HOT -> {
          if (value != null) {
            out.set(at + DateTimeParts.PERIODIC.get(p.part()).index(value), 1.0);
          }
        }
        case DateTimeSpec.CYCLICAL -> {
          if (value != null) {
            double[] sinCos = DateTimeParts.cyclical(value, p.part());
            out.set(at, sinCos[0]);
            out.set(at + 1, sinCos[1]);
          }
        }
        default -> {
          double number = value == null ? p.median() : value;
          out.set(at, p.stddev() > 0 ? (number - p.mean()) / p.stddev() : number - p.mean());
        }
      }
      at += p.width();
    }
    if (f.missingIndicator()) {
      out.set(at++, time == null ? 1.0 : 0.0);
    }
    return at;
  }

  /** The categorical token of a raw value: its text, or the missing token. */
  public static String token(Object value) {
    if (value == null) {
      return FeatureModel.MISSING_TOKEN;
    }
    String text = String.valueOf(value);
    return text.isEmpty() ? FeatureModel.MISSING_TOKEN : text;
  }

  /** FNV-1a (64 bit) of the two tokens: stable across JVMs, languages and Spark versions. */
  public static int crossBucket(String left, String right, int buckets) {
    long hash = FNV_OFFSET;
    byte[] bytes = (left + CROSS_SEPARATOR + right).getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      hash ^= b & 0xff;
      hash *= FNV_PRIME;
    }
    return (int) Long.remainderUnsigned(hash, buckets);
  }

  private static Double toDouble(Object value, String column) {
    if (value == null) {
      return null;
    }
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    if (value instanceof Boolean bool) {
      return bool ? 1.0 : 0.0;
    }
    String text = value.toString().strip();
    if (text.isEmpty()) {
      return null;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("feature " + column + ": not a number: '" + text + "'");
    }
  }
}
