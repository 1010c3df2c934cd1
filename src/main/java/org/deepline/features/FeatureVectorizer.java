package org.deepline.features;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

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
  /** What separates words: anything but letters (with their combining marks) and digits. */
  private static final Pattern NOT_A_WORD =
      Pattern.compile("[^\\p{L}\\p{M}\\p{N}]+");
  /** A binned numeric input's token in a cross: its bin index after this prefix. */
  public static final String BIN_TOKEN = "bin:";

  private final FeatureModel model;
  private final List<Map<String, Integer>> vocabularyIndex;
  private final int width;

  /** Seconds per day: a date or timestamp position counts days. */
  private static final double SECONDS_PER_DAY = 86_400;

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
    return vectorize(valueOf, null);
  }

  /**
   * The vector of a record of the training split whose fold key is {@code foldKey}
   * ({@link TargetEncoder#foldKey}; see {@link FeatureModel.TargetEncoding}): target-encoded
   * inputs leave the record's own fold out. Null for any other record, which is encoded as scoring
   * encodes it.
   */
  public double[] vectorize(Function<String, Object> valueOf, Long foldKey) {
    double[] out = new double[width];
    write(valueOf, foldKey, (slot, value) -> out[slot] = value);
    return out;
  }

  /**
   * Writes the vector of a record as floats, the network's input type, into {@code target} from
   * {@code offset}: batch scoring fills a minibatch in place instead of allocating a vector per row.
   * The {@link #width()} floats from {@code offset} must be zero (slots of absent one-hot values are
   * not written).
   */
  public void vectorizeInto(Function<String, Object> valueOf, float[] target, int offset) {
    write(valueOf, null, (slot, value) -> target[offset + slot] = (float) value);
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
    write(valueOf, null, (slot, value) -> {
      if (value != 0.0) {
        slots[end[0]] = slot;
        values[end[0]++] = (float) value;
      }
    });
    return end[0];
  }

  /**
   * The vector of a record as the features table stores it: its slots other than +0.0, in slot
   * order, as (slot, value) entries from 0 of {@code slots} and {@code values}; returns how many.
   * A -0.0 is kept, so the dense vector read back from these entries is bit-identical to
   * {@link #vectorize(Function, Long)}'s. Each array needs room for {@link #width()} entries.
   *
   * @param foldKey as {@link #vectorize(Function, Long)} takes it: null outside the training split
   */
  public int vectorizeSparse(Function<String, Object> valueOf, Long foldKey, int[] slots,
      double[] values) {
    int[] end = {0};
    write(valueOf, foldKey, (slot, value) -> {
      if (Double.doubleToRawLongBits(value) != 0L) {
        int at = end[0];
        if (at > 0 && slots[at - 1] >= slot) {
          throw new IllegalStateException("feature slot " + slot + " written after slot "
              + slots[at - 1] + ": the vectorizer must write slots in order");
        }
        slots[at] = slot;
        values[at] = value;
        end[0] = at + 1;
      }
    });
    return end[0];
  }

  /** Where a vector's slots go: a double array or a row of a float minibatch. */
  @FunctionalInterface
  private interface Slots {
    void set(int slot, double value);
  }

  private void write(Function<String, Object> valueOf, Long foldKey, Slots out) {
    int at = 0;
    // Only crosses and products look inputs up by column; scoring calls this per row, so no maps
    // without them.
    Map<String, String> tokenByColumn = model.crosses().isEmpty() ? null : new HashMap<>();
    Map<String, Double> scaledByColumn = model.products().isEmpty() ? null : new HashMap<>();
    for (FeatureModel.NumericFeature f : model.numeric()) {
      Double raw = toDouble(valueOf.apply(f.name()), f.name());
      boolean missing = raw == null || raw.isNaN();
      double value = missing ? f.imputedValue() : transformed(f, raw);
      if (f.binned()) {
        int bin = bin(f.binEdges(), value);
        out.set(at + bin, 1.0);
        at += f.binEdges().size() + 1;
        if (tokenByColumn != null) {
          tokenByColumn.put(f.name(), BIN_TOKEN + bin);
        }
      } else {
        double spread = f.spreadOrStddev();
        double scaled = spread > 0 ? (value - f.centerOrMean()) / spread : value - f.centerOrMean();
        out.set(at++, scaled);
        if (scaledByColumn != null) {
          scaledByColumn.put(f.name(), scaled);
        }
      }
      if (f.missingIndicator()) {
        out.set(at++, missing ? 1.0 : 0.0);
      }
    }
    for (int c = 0; c < model.categorical().size(); c++) {
      FeatureModel.CategoricalFeature f = model.categorical().get(c);
      String token = token(valueOf.apply(f.name()));
      if (tokenByColumn != null) {
        tokenByColumn.put(f.name(), token);
      }
      Integer index = vocabularyIndex.get(c).get(token);
      if (f.hashed()) {
        out.set(at + hashBucket(f.buckets(), token), 1.0);
      } else if (f.targetEncoded()) {
        FeatureModel.TargetEncoding target = f.target();
        int fold = foldKey == null ? FeatureModel.TargetEncoding.ALL_FOLDS
            : (int) Math.floorMod(foldKey, (long) target.folds());
        out.set(at, target.encode(index == null ? -1 : index, fold));
      } else if (f.embedded()) {
        // Values outside the vocabulary share the table's last row.
        out.set(at, index == null ? f.vocabulary().size() : index);
      } else if (f.words()) {
        // The sparse writers take slots in order, and a value's words come in the text's: sorted.
        int[] known = words(valueOf.apply(f.name())).stream()
            .map(vocabularyIndex.get(c)::get).filter(Objects::nonNull)
            .mapToInt(Integer::intValue).sorted().toArray();
        for (int wordIndex : known) {
          out.set(at + wordIndex, 1.0);
        }
        if (known.length == 0) {
          out.set(at + f.vocabulary().size(), 1.0);
        }
      } else {
        out.set(at + (index == null ? f.vocabulary().size() : index), 1.0);
      }
      at += f.width();
    }
    for (FeatureModel.CrossFeature f : model.crosses()) {
      String[] tokens = f.columns().stream().map(tokenByColumn::get).toArray(String[]::new);
      out.set(at + hashBucket(f.buckets(), tokens), 1.0);
      at += f.buckets();
    }
    for (FeatureModel.DateTimeFeature f : model.datetime()) {
      // An input without values is 0 whatever the row holds, even text that is no date.
      at = f.withoutValuesInTraining() ? dateTime(f, null, out, at)
          : dateTime(f, DateTimeParts.utc(valueOf.apply(f.name()), f.name()), out, at);
    }
    for (FeatureModel.ProductFeature f : model.products()) {
      double product = 1;
      for (String column : f.columns()) {
        product *= scaledByColumn.get(column);
      }
      out.set(at++, product);
    }
    for (FeatureModel.PositionalFeature f : model.positional()) {
      Double position = position(valueOf.apply(f.name()), f.name());
      if (position != null) {
        double[] slots = f.encode(position);
        for (int i = 0; i < slots.length; i++) {
          out.set(at + i, slots[i]);
        }
      }
      at += f.dimensions();
    }
  }

  /** A position: a number as it is, a date or timestamp in days since 1970-01-01 UTC. */
  private static Double position(Object value, String column) {
    if (value == null || value instanceof Number || value instanceof Boolean) {
      Double number = toDouble(value, column);
      return number == null || number.isNaN() ? null : number;
    }
    if (value instanceof CharSequence text) {
      String stripped = text.toString().strip();
      if (stripped.isEmpty()) {
        return null;
      }
      try {
        return Double.parseDouble(stripped);
      } catch (NumberFormatException notANumber) {
        // ISO-8601 text: a date or timestamp, parsed below.
      }
    }
    java.time.LocalDateTime time = DateTimeParts.utc(value, column);
    return time.toEpochSecond(java.time.ZoneOffset.UTC) / SECONDS_PER_DAY;
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
    if (f.withoutValuesInTraining()) {
      return at + f.parts().stream().mapToInt(FeatureModel.DateTimePart::width).sum();
    }
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

  /**
   * The distinct words of a value, in order of first appearance: its runs of letters and digits,
   * lower-cased ({@code "Braund, Mr. Owen"}: braund, mr, owen). Empty for null or blank text.
   * Fitting counts the same words, so a vocabulary word is always found again at scoring.
   */
  public static Set<String> words(Object value) {
    Set<String> words = new LinkedHashSet<>();
    if (value == null) {
      return words;
    }
    for (String word : NOT_A_WORD.split(String.valueOf(value).toLowerCase(Locale.ROOT))) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return words;
  }

  /** FNV-1a (64 bit) of the two tokens: stable across JVMs, languages and Spark versions. */
  public static int crossBucket(String left, String right, int buckets) {
    return hashBucket(buckets, left, right);
  }

  /**
   * The bucket of one token (the hashing trick) or of a cross of tokens: FNV-1a (64 bit) of the
   * tokens joined by the unit separator, stable across JVMs, languages and Spark versions.
   */
  public static int hashBucket(int buckets, String... tokens) {
    long hash = FNV_OFFSET;
    byte[] bytes = String.join(String.valueOf(CROSS_SEPARATOR), tokens)
        .getBytes(StandardCharsets.UTF_8);
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
