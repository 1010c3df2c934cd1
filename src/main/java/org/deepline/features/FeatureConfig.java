package org.deepline.features;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.deepline.core.ConfigErrors;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.LabelConfig;

/**
 * Which columns become features and how.
 *
 * @param numeric          imputed with the training median (plus a missing indicator when training
 *                         had gaps) and standardised, unless {@code numericTransforms} says otherwise
 * @param categorical      one-hot encoded over the training vocabulary, with one slot for unseen values
 * @param crosses          hashed crosses of two or three categorical or binned numeric columns
 * @param maxCategories    the most frequent values kept per categorical column
 * @param minCategoryCount values seen fewer times in training share the unseen slot
 * @param datetime         date and timestamp columns turned into calendar parts
 * @param numericTransforms by numeric column: clipping, log1p, imputation, scaling or bins
 * @param categoricalEncodings by categorical column: one-hot (default), hashing or out-of-fold
 *                         target encoding
 * @param products         products of two or three scaled numeric columns
 * @param positional       sinusoidal encodings of a position or time column
 */
public record FeatureConfig(
    @JsonPropertyDescription("Missing values are imputed with the training median (plus a "
        + "`<name>__missing` 0/1 input when the training split had gaps), then standardised with "
        + "the training mean and standard deviation, unless `numeric_transforms` says otherwise. "
        + "Allowed: declared columns of type `int`, `long`, `double` or `boolean`.")
    List<String> numeric,
    @JsonPropertyDescription("One-hot encoded over the training vocabulary, with one extra "
        + "`__other__` slot for values not in it, unless `categorical_encodings` says otherwise; "
        + "a missing value is the token `__missing__`. Allowed: declared columns of any type.")
    List<String> categorical,
    @JsonPropertyDescription("Hashed crosses of two or three categorical or binned numeric "
        + "columns.")
    List<CrossSpec> crosses,
    @JsonPropertyDescription("At most this many most frequent training values are kept per "
        + "categorical column (ties broken by value); the others share the `__other__` slot. "
        + "Allowed: `> 0`.")
    Integer maxCategories,
    @JsonPropertyDescription("Values seen fewer times in training share the `__other__` slot. "
        + "Allowed: `> 0`.")
    Long minCategoryCount,
    @JsonPropertyDescription("Date and timestamp columns turned into calendar parts.")
    List<DateTimeSpec> datetime,
    @JsonPropertyDescription("Clipping, log1p, the imputation, the scaling or bins of a numeric "
        + "column. Allowed: keys listed in `numeric`.")
    Map<String, NumericTransformSpec> numericTransforms,
    @JsonPropertyDescription("Hashing, out-of-fold target encoding, an embedding or a bag of "
        + "words instead of one-hot. Allowed: keys listed in `categorical`.")
    Map<String, CategoricalEncodingSpec> categoricalEncodings,
    @JsonPropertyDescription("Products of two or three scaled numeric columns.")
    List<ProductSpec> products,
    @JsonPropertyDescription("Sinusoidal encodings of a numeric, date or timestamp column.")
    List<PositionalSpec> positional) {
  public static final int DEFAULT_MAX_CATEGORIES = 100;

  public FeatureConfig {
    numeric = numeric == null ? List.of() : List.copyOf(numeric);
    categorical = categorical == null ? List.of() : List.copyOf(categorical);
    crosses = crosses == null ? List.of() : List.copyOf(crosses);
    maxCategories = maxCategories == null ? DEFAULT_MAX_CATEGORIES : maxCategories;
    minCategoryCount = minCategoryCount == null ? 1L : minCategoryCount;
    datetime = datetime == null ? List.of() : List.copyOf(datetime);
    // A TreeMap keeps a null entry (reported by validate) and a stable order.
    numericTransforms = numericTransforms == null ? Map.of()
        : Collections.unmodifiableMap(new TreeMap<>(numericTransforms));
    categoricalEncodings = categoricalEncodings == null ? Map.of()
        : Collections.unmodifiableMap(new TreeMap<>(categoricalEncodings));
    products = products == null ? List.of() : List.copyOf(products);
    positional = positional == null ? List.of() : List.copyOf(positional);
  }

  /** The declared encoding of a categorical column, or the default (one-hot). */
  public CategoricalEncodingSpec encodingOf(String categoricalColumn) {
    CategoricalEncodingSpec spec = categoricalEncodings.get(categoricalColumn);
    return spec == null ? CategoricalEncodingSpec.DEFAULT : spec;
  }

  /** The numeric columns cut into bins by their transform. */
  public Set<String> binnedNumeric() {
    Set<String> binned = new HashSet<>();
    numericTransforms.forEach((column, spec) -> {
      if (spec != null && spec.bins() != null) {
        binned.add(column);
      }
    });
    return binned;
  }

  /** The declared treatment of a numeric column, or the default (median, standardised). */
  public NumericTransformSpec transformOf(String numericColumn) {
    return numericTransforms.getOrDefault(numericColumn, NumericTransformSpec.DEFAULT);
  }

  /** Every raw column a feature is computed from. */
  public List<String> inputColumns() {
    return Stream.of(numeric.stream(), categorical.stream(),
        datetime.stream().map(DateTimeSpec::column), positional.stream().map(PositionalSpec::column))
        .flatMap(s -> s).distinct().toList();
  }

  public void validate(ConfigErrors errors, Map<String, ColumnSpec> columns, LabelConfig label) {
    if (numeric.isEmpty() && categorical.isEmpty() && datetime.isEmpty()) {
      errors.add("numeric", "at least one numeric, categorical or datetime feature is required");
    }
    Set<String> labelInputs = label == null ? Set.of() : label.columnsRead(columns);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < numeric.size(); i++) {
      String name = numeric.get(i);
      errors.requireColumn(name, columns, "numeric[" + i + "]");
      ColumnSpec spec = columns.get(name);
      if (spec != null && !spec.isNumeric() && !"boolean".equals(spec.type())) {
        errors.add("numeric[" + i + "]", name + " is declared " + spec.type()
            + "; list it under " + ("date".equals(spec.type()) || "timestamp".equals(spec.type())
                ? "datetime" : "categorical"));
      }
      errors.require(seen.add(name), "numeric[" + i + "]", name + " is listed twice");
      requireNotLabelInput(errors, "numeric[" + i + "]", name, label, labelInputs);
    }
    for (int i = 0; i < categorical.size(); i++) {
      String name = categorical.get(i);
      errors.requireColumn(name, columns, "categorical[" + i + "]");
      errors.require(seen.add(name), "categorical[" + i + "]", name + " is listed twice");
      requireNotLabelInput(errors, "categorical[" + i + "]", name, label, labelInputs);
    }
    for (int i = 0; i < datetime.size(); i++) {
      DateTimeSpec spec = datetime.get(i);
      ConfigErrors at = errors.at("datetime", i);
      if (spec == null) {
        at.add(null, "must be an object");
        continue;
      }
      spec.validate(at, columns);
      if (spec.column() != null) {
        at.require(seen.add(spec.column()), "column", spec.column() + " is listed twice");
        requireNotLabelInput(at, "column", spec.column(), label, labelInputs);
      }
    }
    requireNoIndicatorNames(errors, seen);
    numericTransforms.forEach((column, spec) -> {
      ConfigErrors at = errors.at("numeric_transforms").at(column);
      if (!numeric.contains(column)) {
        at.add(null, column + " is not listed under features.numeric");
      }
      if (spec == null) {
        at.add(null, "must be an object");
      } else {
        spec.validate(at);
      }
    });
    categoricalEncodings.forEach((column, spec) -> {
      ConfigErrors at = errors.at("categorical_encodings").at(column);
      if (!categorical.contains(column)) {
        at.add(null, column + " is not listed under features.categorical");
      }
      if (spec == null) {
        at.add(null, "must be an object");
      } else {
        spec.validate(at);
      }
    });
    Set<String> binned = binnedNumeric();
    for (int i = 0; i < crosses.size(); i++) {
      crosses.get(i).validate(errors.at("crosses", i), categorical, binned, numeric);
    }
    for (int i = 0; i < products.size(); i++) {
      ProductSpec spec = products.get(i);
      if (spec == null) {
        errors.at("products", i).add(null, "must be an object");
      } else {
        spec.validate(errors.at("products", i), numeric, binned);
      }
    }
    for (int i = 0; i < positional.size(); i++) {
      PositionalSpec spec = positional.get(i);
      ConfigErrors at = errors.at("positional", i);
      if (spec == null) {
        at.add(null, "must be an object");
        continue;
      }
      spec.validate(at, columns);
      if (spec.column() != null) {
        requireNotLabelInput(at, "column", spec.column(), label, labelInputs);
      }
    }
    errors.requirePositive(maxCategories, "max_categories");
    errors.requirePositive(minCategoryCount, "min_category_count");
  }

  /**
   * A numeric or date/time feature {@code x} with gaps gets a slot {@code x__missing}, and the
   * leakage gate judges its gaps under that name: a feature of that name as well would share the
   * slot's and the finding's name with it, and one of them would be judged or weighted as the
   * other. Refused, naming both, so the user renames one column.
   */
  private void requireNoIndicatorNames(ConfigErrors errors, Set<String> features) {
    List<String> withIndicator = Stream.concat(numeric.stream(),
        datetime.stream().filter(Objects::nonNull).map(DateTimeSpec::column))
        .filter(Objects::nonNull).toList();
    for (String name : withIndicator) {
      String indicator = name + FeatureModel.MISSING_INDICATOR_SUFFIX;
      if (features.contains(indicator)) {
        errors.add(fieldOf(indicator), indicator + " is the name of " + name
            + "'s missing-value indicator; rename one of the two columns");
      }
    }
  }

  /** The config field that lists {@code feature}, for an error about it. */
  private String fieldOf(String feature) {
    if (numeric.contains(feature)) {
      return "numeric[" + numeric.indexOf(feature) + "]";
    }
    if (categorical.contains(feature)) {
      return "categorical[" + categorical.indexOf(feature) + "]";
    }
    for (int i = 0; i < datetime.size(); i++) {
      if (datetime.get(i) != null && feature.equals(datetime.get(i).column())) {
        return "datetime[" + i + "].column";
      }
    }
    return "datetime";
  }

  /**
   * A feature computed from the label's own inputs hands the network its target (a label
   * {@code delay > 15} with {@code delay} as a feature is a perfect leak), so it is a config error.
   */
  private static void requireNotLabelInput(ConfigErrors errors, String field, String name,
      LabelConfig label, Set<String> labelInputs) {
    if (!labelInputs.contains(name)) {
      return;
    }
    if (label.isExpression()) {
      errors.add(field, name + " is read by " + label.describe()
          + "; a feature computed from the label's inputs leaks the label");
    } else {
      errors.add(field, "the label column " + name + " cannot be a feature");
    }
  }
}
