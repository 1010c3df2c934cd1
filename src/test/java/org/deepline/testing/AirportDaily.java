package org.deepline.testing;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The offline table of a feature-store definition the feature-store tests join and look up: daily
 * flights and mean delay per airport, with the columns {@code feature-store} writes beside them.
 */
public final class AirportDaily {
  public static final StructType SCHEMA = new StructType()
      .add("airport", DataTypes.StringType, false)
      .add("event_time", DataTypes.TimestampType, false)
      .add("flights", DataTypes.LongType, true)
      .add("mean_delay", DataTypes.DoubleType, true)
      .add("run_date", DataTypes.DateType, false)
      .add("definition_version", DataTypes.LongType, false);

  private AirportDaily() {}
}
