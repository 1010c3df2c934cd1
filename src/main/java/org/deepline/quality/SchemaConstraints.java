package org.deepline.quality;

import java.util.ArrayList;
import java.util.List;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.SchemaConfig;

/**
 * Derives a check from what the config declares: the table's minimum size, each column's null limit,
 * numeric ranges and allowed values, then the constraints of {@code validation.constraints};
 * severities of the schema's constraints can be overridden by constraint name. Every derived
 * constraint is an error, except the null limit a nullable column gets without declaring one, which
 * is a warning unless {@code validation.default_max_null_fraction} is set; such a column still
 * fails the run when every row of the date is null ({@code not_all_null:<column>}), unless no
 * earlier run saw a value in it either ({@link EmptyColumns}).
 */
public final class SchemaConstraints {
  /** The constraint a column with no value at all fails: {@code not_all_null:<column>}. */
  public static final String NOT_ALL_NULL = "not_all_null:";
  private SchemaConstraints() {}

  public static QualityCheck forSilver(SchemaConfig schema, ValidationConfig validation) {
    List<Constraint> constraints = new ArrayList<>();
    long minRows = validation.minRows();
    constraints.add(new Constraint("size", null, Severity.ERROR, Analyzers.size(),
        v -> v >= minRows, ">= " + minRows + " rows"));
    for (ColumnSpec column : schema.columns()) {
      String name = column.name();
      // A limit the column declares (or its being required) is an error; the default one for a
      // sparse column is as strict as the config made it (ValidationConfig.nullLimitSeverity).
      boolean declared = column.maxNullFraction() != null || !column.nullable();
      double maxNulls = column.maxNullFraction() != null ? column.maxNullFraction()
          : column.nullable() ? validation.nullLimit() : 0.0;
      Severity nullSeverity = declared ? Severity.ERROR : validation.nullLimitSeverity();
      constraints.add(new Constraint("null_fraction:" + name, name, nullSeverity,
          Analyzers.nullFraction(name), v -> v <= maxNulls, "<= " + maxNulls,
          Analyzers.nullFractionInProfile(name)));
      if (nullSeverity == Severity.WARNING) {
        // A sparse column is data; a column with no value at all is a feed or a config gone wrong
        // (a renamed source column, a parse that no longer matches), and fails the run.
        constraints.add(new Constraint(NOT_ALL_NULL + name, name, Severity.ERROR,
            Analyzers.nullFraction(name), v -> v < 1, "< 1.0 (not every row null)",
            Analyzers.nullFractionInProfile(name)));
      }
      if (column.min() != null || column.max() != null) {
        constraints.add(new Constraint("range:" + name, name, Severity.ERROR,
            Analyzers.outOfRange(name, column.min(), column.max()), v -> v == 0,
            "0 values outside [" + bound(column.min()) + ", " + bound(column.max()) + "]"));
      }
      if (!column.allowedValues().isEmpty()) {
        constraints.add(new Constraint("allowed_values:" + name, name, Severity.ERROR,
            Analyzers.notAllowed(name, column.allowedValues()), v -> v == 0,
            "0 values outside " + column.allowedValues()));
      }
    }
    for (ConstraintSpec declared : validation.constraints()) {
      constraints.add(declared(declared));
    }
    QualityCheck check = QualityCheck.of("silver");
    for (Constraint constraint : constraints) {
      String override = validation.severities().get(constraint.name());
      check = check.with(override == null ? constraint
          : constraint.withSeverity(Severity.parse(override)));
    }
    return check;
  }

  /** A constraint of {@code validation.constraints}, named {@code <kind>:<column>}. */
  static Constraint declared(ConstraintSpec spec) {
    String column = spec.column();
    Severity severity = Severity.parse(spec.severity());
    return switch (spec.kind()) {
      case ConstraintSpec.COMPLETENESS -> {
        double least = spec.requiredFraction();
        yield new Constraint(spec.name(), column, severity, Analyzers.completeness(column),
            v -> v >= least, ">= " + least + " non-null");
      }
      case ConstraintSpec.UNIQUENESS -> new Constraint(spec.name(), column, severity,
          Analyzers.duplicates(column), v -> v == 0, "0 repeated values");
      case ConstraintSpec.RANGE -> new Constraint(spec.name(), column, severity,
          Analyzers.outOfRange(column, spec.min(), spec.max()), v -> v == 0,
          "0 values outside [" + bound(spec.min()) + ", " + bound(spec.max()) + "]");
      case ConstraintSpec.ALLOWED_VALUES -> new Constraint(spec.name(), column, severity,
          Analyzers.notAllowed(column, spec.values()), v -> v == 0,
          "0 values outside " + spec.values());
      default -> throw new IllegalArgumentException("no constraint kind " + spec.kind()
          + "; kinds: " + ConstraintSpec.KINDS);
    };
  }

  /** The names of the constraints {@link #forSilver} derives from {@code schema}. */
  public static List<String> names(SchemaConfig schema) {
    return forSilver(schema, ValidationConfig.defaults()).constraints().stream()
        .map(Constraint::name).toList();
  }

  private static String bound(Double value) {
    return value == null ? "-inf" : value.toString();
  }
}
