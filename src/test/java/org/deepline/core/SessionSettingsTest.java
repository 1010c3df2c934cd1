package org.deepline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class SessionSettingsTest {
  /** A key no part of Spark defines: absent unless set. */
  private static final String FREE_KEY = "spark.deepline.test.setting";
  private static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";

  @Test
  void aSettingTheSessionHadComesBackAndOneItLackedIsUnsetAgain() {
    SparkSession spark = SparkTestSession.get();
    String partitions = spark.conf().get(SHUFFLE_PARTITIONS);
    try (SessionSettings settings = SessionSettings.override(spark,
        Map.of(SHUFFLE_PARTITIONS, "17", FREE_KEY, "on"))) {
      assertEquals("17", spark.conf().get(SHUFFLE_PARTITIONS));
      assertEquals("on", spark.conf().get(FREE_KEY));
      assertEquals(Map.of(SHUFFLE_PARTITIONS, Optional.of(partitions), FREE_KEY,
          Optional.empty()), settings.previous());
    }
    assertEquals(partitions, spark.conf().get(SHUFFLE_PARTITIONS));
    assertFalse(spark.conf().getOption(FREE_KEY).isDefined());
  }
}
