package org.deepline.notebook;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deepline.quality.ColumnProfile;
import org.deepline.quality.Profiler;
import org.deepline.quality.TableProfile;

/**
 * A first look at a table in a notebook: the profile {@code validate} computes ({@link Profiler},
 * one Spark aggregation: per column its type, nulls, approximate distinct count, minimum, maximum,
 * mean, standard deviation, quantiles and top values), printed one line per column.
 *
 * <pre>{@code
 * Profile silver = Profile.of("silver", dl.table("silver"));
 * long rows = silver.rows();
 * Double median = silver.column("tenure").quantiles().get("0.5");
 * }</pre>
 */
public final class Profile {
  /** Minimum and maximum values longer than this are cut in the printed table. */
  private static final int MAX_VALUE_WIDTH = 24;
  /** The quantile printed as the median. */
  private static final String MEDIAN = "0.5";

  private final String name;
  private final TableProfile profile;

  private Profile(String name, TableProfile profile) {
    this.name = name;
    this.profile = profile;
  }

  /** Profiles every column of {@code rows} in one pass; {@code name} titles the printout. */
  public static Profile of(String name, Dataset<Row> rows) {
    return new Profile(name, Profiler.profile(rows, Profiler.DEFAULT_TOP_K));
  }

  public long rows() {
    return profile.rows();
  }

  public List<ColumnProfile> columns() {
    return profile.columns();
  }

  /** One column's statistics; fails naming the columns when there is no such one. */
  public ColumnProfile column(String column) {
    return profile.column(column);
  }

  @Override
  public String toString() {
    TextTable table = new TextTable("column", "type", "nulls", "distinct~", "min", "max", "mean",
        "median~");
    for (ColumnProfile c : profile.columns()) {
      table.row(c.name(), c.type(), (double) c.nulls(),
          c.distinct() == null ? null : (double) c.distinct(), cut(c.min()), cut(c.max()),
          c.mean(), c.quantiles().get(MEDIAN));
    }
    return String.format(Locale.ROOT, "%s: %d rows, %d columns%n", name, profile.rows(),
        profile.columns().size()) + table;
  }

  private static String cut(String value) {
    String text = Objects.toString(value, "-");
    return text.length() <= MAX_VALUE_WIDTH ? text : text.substring(0, MAX_VALUE_WIDTH - 1) + "…";
  }
}
