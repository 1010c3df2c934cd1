package org.deepline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.sql.SparkSession;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class UncompressedCacheTest {
  @Test
  void turnsCompressionOffWhileOpenAndRestoresTheSessionsOwnSetting() {
    SparkSession spark = SparkTestSession.get();
    String before = spark.conf().get(UncompressedCache.SETTING, "true");
    try {
      spark.conf().set(UncompressedCache.SETTING, "true");
      try (UncompressedCache uncompressed = UncompressedCache.open(spark)) {
        assertEquals("false", spark.conf().get(UncompressedCache.SETTING));
      }
      assertEquals("true", spark.conf().get(UncompressedCache.SETTING));

      // A session that had it off already keeps it off.
      spark.conf().set(UncompressedCache.SETTING, "false");
      UncompressedCache.open(spark).close();
      assertEquals("false", spark.conf().get(UncompressedCache.SETTING));
    } finally {
      spark.conf().set(UncompressedCache.SETTING, before);
    }
  }
}
