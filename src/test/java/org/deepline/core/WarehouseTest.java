package org.deepline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How {@code --warehouse} is read: local paths as written (spaces too), URIs as given. */
class WarehouseTest {
  private static final String HERE = Path.of("").toAbsolutePath().toString();

  @Test
  void aLocalPathIsMadeAbsoluteAndKeptAsWrittenSpacesAndAll() {
    assertEquals("file:///data/wh", Warehouse.at("/data/wh/").root());
    assertEquals("file://" + HERE + "/warehouse", Warehouse.at("./warehouse").root());
    // Rejected as "not a valid URI" before: a space is no URI character, but a path may hold one.
    assertEquals("file:///tmp/wh with space/2026", Warehouse.at(" /tmp/wh with space/2026 ").root());
  }

  @Test
  void aUriIsKeptAsGiven() {
    assertEquals("s3a://bucket/prefix", Warehouse.at("s3a://bucket/prefix/").root());
    assertEquals("hdfs://nn:8020/wh", Warehouse.at("hdfs://nn:8020/wh").root());
    assertEquals("file:/tmp/wh", Warehouse.at("file:/tmp/wh").root());
  }

  @Test
  void credentialsInAUriAndABrokenUriAreRefused() {
    DeeplineException credentials = assertThrows(DeeplineException.class,
        () -> Warehouse.at("s3a://AKIAEXAMPLE:secret@bucket/wh"));
    assertEquals("--warehouse: credentials in the URI are not accepted (they would be written to "
        + "run records and logs); use the environment or a credential provider",
        credentials.getMessage());
    DeeplineException broken = assertThrows(DeeplineException.class,
        () -> Warehouse.at("s3a://bucket/wh with space"));
    assertEquals("--warehouse: not a valid URI: s3a://bucket/wh with space (Illegal character in "
        + "path); a local directory may be given as a plain path, spaces and all",
        broken.getMessage());
    assertEquals("--warehouse: must not be empty",
        assertThrows(DeeplineException.class, () -> Warehouse.at(" ")).getMessage());
  }
}
