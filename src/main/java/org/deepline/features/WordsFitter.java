package org.deepline.features;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import scala.Tuple2;

/**
 * Fits the {@code words} encoding of categorical columns, and tells free text from categories for
 * columns whose encoding the config leaves open. A column whose training values are mostly distinct
 * is cut by one-hot's {@code max_categories} to a few values and folds the rest into one slot, which
 * says nothing about any of them; when those values hold several words each (a product review, a
 * passenger's name with its title), the words they share carry what the values cannot.
 *
 * <pre>{@code
 * Set<String> candidates = WordsFitter.mostlyDistinct(oneHot, trainingRows, maxCategories,
 *     declared);
 * Map<String, WordsFitter.Fitted> words = WordsFitter.fit(train, maxWordsByColumn, declaredWords,
 *     minValues);
 * }</pre>
 */
final class WordsFitter {
  /**
   * Share of the training rows that must be distinct values for a one-hot column cut by
   * {@code max_categories} to be looked at as text: an identifier or free text, not a category.
   */
  static final double TEXT_MIN_DISTINCT_SHARE = 0.5;
  /**
   * Mean words of a present value that make such a column free text rather than an identifier: a
   * passenger's name holds 3 to 5, a review dozens, a product code or a ticket number 1 or 2.
   */
  static final double TEXT_MIN_WORDS_PER_VALUE = 2.5;
  /** A word in fewer training values than this cannot generalise, and gets no slot. */
  static final long MIN_WORD_VALUES = 2;
  /**
   * Stands for "a present value" in the word counts: no word can be it, since words are runs of
   * letters and digits; its count is the column's present values.
   */
  private static final String VALUE_MARK = "\u0000";
  private static final String COLUMN = "_1";
  private static final String WORD = "_2";
  private static final String VALUES = "values";
  private static final String DISTINCT = "distinct_words";
  private static final String TOTAL = "word_values";
  private static final String RANK = "rank";

  private WordsFitter() {}

  /**
   * A column's fitted bag of words and the mean words of its present training values.
   *
   * @param feature       the encoding (its folded rows: training rows holding no kept word)
   * @param wordsPerValue distinct words of a present value, on average; 0 without present values
   */
  record Fitted(FeatureModel.CategoricalFeature feature, double wordsPerValue) {
    /** Whether the column reads as free text: several words a value, some of them shared. */
    boolean looksLikeText() {
      return wordsPerValue >= TEXT_MIN_WORDS_PER_VALUE && !feature.vocabulary().isEmpty();
    }

    /** The same bag of words, with the training rows holding none of its words counted. */
    Fitted withFoldedRows(long rows) {
      return new Fitted(FeatureModel.CategoricalFeature.words(feature.name(),
          feature.vocabulary(), feature.distinctValues(), rows, feature.vocabularyCap()),
          wordsPerValue);
    }
  }

  /**
   * The columns among {@code oneHot} (fitted one-hot features) with more training values than
   * {@code max_categories}, at least {@value #TEXT_MIN_DISTINCT_SHARE} of {@code trainingRows} are distinct values,
   * leaving out those whose encoding the config names ({@code declared}).
   */
  static Set<String> mostlyDistinct(Map<String, FeatureModel.CategoricalFeature> oneHot,
      long trainingRows, int maxCategories, Set<String> declared) {
    Set<String> columns = new LinkedHashSet<>();
    oneHot.forEach((name, f) -> {
      // More values than max_categories, whatever min_category_count cut besides.
      if (!declared.contains(name) && f.distinctValues() != null
          && f.distinctValues() > maxCategories && mostlyDistinct(f, trainingRows)) {
        columns.add(name);
      }
    });
    return columns;
  }

  /**
   * Whether at least {@value #TEXT_MIN_DISTINCT_SHARE} of {@code trainingRows} are distinct values
   * of {@code f}: an identifier or free text, not a category.
   */
  static boolean mostlyDistinct(FeatureModel.CategoricalFeature f, long trainingRows) {
    return f.distinctValues() != null
        && f.distinctValues() >= TEXT_MIN_DISTINCT_SHARE * trainingRows;
  }

  /**
   * The bag of words of each column of {@code maxWords} that is {@code declared} words or reads as
   * text ({@link Fitted#looksLikeText}): its words found in the most training values (ties broken
   * by word), up to its cap in {@code maxWords}, each in at least {@code minValues} of them. Two passes over the
   * training rows: the word counts, then, for the columns kept, the rows holding none of the
   * kept words.
   */
  static Map<String, Fitted> fit(Dataset<Row> train, Map<String, Integer> maxWords,
      Set<String> declared, long minValues) {
    if (maxWords.isEmpty()) {
      return Map.of();
    }
    List<String> names = List.copyOf(maxWords.keySet());
    // Each column's own cap, plus its value mark, which ranks first.
    Column rankLimit = null;
    for (int i = 0; i < names.size(); i++) {
      Column matches = functions.col(COLUMN).equalTo(i);
      long limit = (long) maxWords.get(names.get(i)) + 1;
      rankLimit = rankLimit == null ? functions.when(matches, limit)
          : rankLimit.when(matches, limit);
    }
    Dataset<Row> text = train.select(names.stream().map(c -> Columns.col(c).cast("string"))
        .toArray(Column[]::new));
    WindowSpec byColumn = Window.partitionBy(COLUMN);
    List<Row> counts = text.flatMap(wordsOfEachValue(names.size()),
            Encoders.tuple(Encoders.INT(), Encoders.STRING()))
        .groupBy(COLUMN, WORD).agg(functions.count(functions.lit(1)).as(VALUES))
        .withColumn(DISTINCT, functions.count(functions.lit(1)).over(byColumn))
        .withColumn(TOTAL, functions.sum(VALUES).over(byColumn))
        .withColumn(RANK, functions.row_number().over(byColumn
            .orderBy(functions.col(VALUES).desc(), functions.col(WORD))))
        .where(functions.col(RANK).leq(rankLimit))
        .collectAsList();
    Map<Integer, List<Row>> kept = new LinkedHashMap<>();
    Map<Integer, long[]> totals = new LinkedHashMap<>();
    for (Row row : counts) {
      int column = row.getInt(0);
      long values = row.getLong(2);
      if (VALUE_MARK.equals(row.getString(1))) {
        // Present values; distinct words (the mark aside); distinct words summed over the values.
        totals.put(column, new long[] {values, row.getLong(3) - 1, row.getLong(4) - values});
      } else if (values >= minValues) {
        kept.computeIfAbsent(column, k -> new ArrayList<>()).add(row);
      }
    }
    // Only the declared columns and those that read as text get the second pass.
    Map<String, Fitted> fitted = new LinkedHashMap<>();
    List<Integer> encoded = new ArrayList<>();
    List<Set<String>> keptWords = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      // Collected in no set order: in the most values first, ties by word.
      List<String> vocabulary = kept.getOrDefault(i, List.of()).stream()
          .sorted(Comparator.<Row>comparingLong(r -> r.getLong(2)).reversed()
              .thenComparing(r -> r.getString(1)))
          .map(r -> r.getString(1)).toList();
      long[] total = totals.getOrDefault(i, new long[3]);
      double wordsPerValue = total[0] == 0 ? 0 : (double) total[2] / total[0];
      // Rows without a kept word are counted by the second pass.
      Fitted column = new Fitted(FeatureModel.CategoricalFeature.words(names.get(i), vocabulary,
          total[1], 0, maxWords.get(names.get(i))), wordsPerValue);
      if (declared.contains(names.get(i)) || column.looksLikeText()) {
        fitted.put(names.get(i), column);
        encoded.add(i);
        keptWords.add(new HashSet<>(vocabulary));
      }
    }
    if (encoded.isEmpty()) {
      return Map.of();
    }
    Dataset<Row> encodedText = text.select(encoded.stream().map(i -> text.col(text.columns()[i]))
        .toArray(Column[]::new));
    long[] withoutAKeptWord = encodedText.javaRDD().map(row -> {
      long[] none = new long[keptWords.size()];
      for (int i = 0; i < keptWords.size(); i++) {
        if (FeatureVectorizer.words(row.get(i)).stream().noneMatch(keptWords.get(i)::contains)) {
          none[i] = 1;
        }
      }
      return none;
    }).fold(new long[keptWords.size()], WordsFitter::sum);
    // The second pass's columns are the fitted ones, in the same order.
    List<String> fittedNames = List.copyOf(fitted.keySet());
    for (int i = 0; i < fittedNames.size(); i++) {
      fitted.put(fittedNames.get(i), fitted.get(fittedNames.get(i))
          .withFoldedRows(withoutAKeptWord[i]));
    }
    return fitted;
  }

  private static long[] sum(long[] a, long[] b) {
    long[] sum = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      sum[i] = a[i] + b[i];
    }
    return sum;
  }

  /** (column index, word) for each distinct word of each present value, and the value's mark. */
  private static FlatMapFunction<Row, Tuple2<Integer, String>> wordsOfEachValue(int columns) {
    return row -> {
      List<Tuple2<Integer, String>> words = new ArrayList<>();
      for (int i = 0; i < columns; i++) {
        if (row.isNullAt(i) || row.getString(i).isBlank()) {
          continue;
        }
        words.add(new Tuple2<>(i, VALUE_MARK));
        for (String word : FeatureVectorizer.words(row.getString(i))) {
          words.add(new Tuple2<>(i, word));
        }
      }
      return words.iterator();
    };
  }
}
