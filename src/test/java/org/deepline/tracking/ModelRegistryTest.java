package org.deepline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.deepline.core.DeeplineException;
import org.deepline.core.Warehouse;
import org.deepline.testing.SparkTestSession;
import org.deepline.tracking.ModelRegistry.AliasChange;
import org.deepline.tracking.ModelRegistry.ModelEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelRegistryTest {
  private static final String V1 = "20261120T010000-aaaaaa";
  private static final String V2 = "20261121T010000-bbbbbb";
  private static final String V3 = "20261122T010000-cccccc";

  /** One registry for the class: each test uses its own aliases, so they do not meet. */
  @TempDir
  static Path dir;
  private ModelRegistry models;

  @BeforeAll
  void registerThreeVersions() {
    models = new ModelRegistry(SparkTestSession.get(), Warehouse.at(dir.toString()));
    models.register(entry(V1, "2026-11-20"));
    models.register(entry(V2, "2026-11-21"));
    models.register(entry(V3, "2026-11-22"));
  }

  private static ModelEntry entry(String version, String runDate) {
    return new ModelEntry(version, "churn", version, runDate, Instant.parse(runDate + "T01:00:00Z"),
        "file:/wh/churn/models/" + version, Map.of("validation_roc_auc", 0.8));
  }

  @Test
  void promoteAndRollbackMoveTheChampionLikeAStack() {
    assertTrue(models.alias("churn", ModelRegistry.CHAMPION).isEmpty(), "no champion yet");

    models.promote("churn", V1);
    models.promote("churn", V2);
    AliasChange third = models.promote("churn", V3);
    assertEquals(new AliasChange("churn", "champion", 3, "promote", V3, V2, third.changedAt()), third);
    assertEquals(V3, models.alias("churn", "champion").orElseThrow().modelVersion());

    AliasChange back = models.rollback("churn", ModelRegistry.CHAMPION);
    assertEquals(V2, back.modelVersion());
    assertEquals(V3, back.previousVersion());
    assertEquals(V2, models.alias("churn", "champion").orElseThrow().modelVersion());
    models.rollback("churn", ModelRegistry.CHAMPION);
    assertEquals(V1, models.alias("churn", "champion").orElseThrow().modelVersion());
    assertEquals("file:/wh/churn/models/" + V1,
        models.alias("churn", "champion").orElseThrow().path());

    DeeplineException none = assertThrows(DeeplineException.class,
        () -> models.rollback("churn", ModelRegistry.CHAMPION));
    assertEquals("cannot roll back champion of churn: " + V1 + " is its first holder, there is no "
        + "earlier champion to restore", none.getMessage());
    assertEquals(List.of("promote", "promote", "promote", "rollback", "rollback"),
        models.aliasHistory("churn", "champion").stream().map(AliasChange::action).toList());
    assertEquals(List.of(V1, V2, V3, V2, V1),
        models.aliasHistory("churn", "champion").stream().map(AliasChange::modelVersion).toList());
  }

  @Test
  void aliasesAreSeparateAndResolveLikeVersions() {
    models.setAlias("churn", ModelRegistry.CHALLENGER, V3);

    assertEquals(V3, models.resolve("churn", "challenger").modelVersion());
    assertEquals(V2, models.resolve("churn", V2).modelVersion());
    assertTrue(models.alias("credit", "challenger").isEmpty(), "aliases belong to one data set");
    DeeplineException noHolder = assertThrows(DeeplineException.class,
        () -> models.resolve("churn", "staging"));
    assertTrue(noHolder.getMessage().startsWith("no model of churn holds the alias staging"),
        noHolder.getMessage());
    DeeplineException unknownVersion = assertThrows(DeeplineException.class,
        () -> models.named("churn", "2026-11-30", "20990101T000000-ffffff"));
    assertTrue(unknownVersion.getMessage().startsWith("no model 20990101T000000-ffffff of churn in "),
        unknownVersion.getMessage());
    assertEquals(V2, models.named("churn", "2026-11-30", V2).modelVersion());
  }

  @Test
  void badPromotionsAreRefusedAndLeaveTheAliasAlone() {
    models.setAlias("churn", "canary", V1);

    DeeplineException unknown = assertThrows(DeeplineException.class,
        () -> models.setAlias("churn", "canary", "20261123T010000-dddddd"));
    assertTrue(unknown.getMessage().startsWith("cannot give alias canary to model "
        + "20261123T010000-dddddd: no such model of churn in "), unknown.getMessage());
    DeeplineException otherDataset = assertThrows(DeeplineException.class,
        () -> models.promote("credit", V2));
    assertTrue(otherDataset.getMessage().contains("no such model of credit"),
        otherDataset.getMessage());
    DeeplineException again = assertThrows(DeeplineException.class,
        () -> models.setAlias("churn", "canary", V1));
    assertEquals("model " + V1 + " already holds the alias canary of churn", again.getMessage());
    DeeplineException badName = assertThrows(DeeplineException.class,
        () -> models.setAlias("churn", "Prod!", V2));
    assertTrue(badName.getMessage().startsWith("alias: must be lower-case"), badName.getMessage());
    DeeplineException noHolder = assertThrows(DeeplineException.class,
        () -> models.rollback("churn", "shadow"));
    assertEquals("cannot roll back shadow of churn: no model holds it", noHolder.getMessage());

    assertEquals(1, models.aliasHistory("churn", "canary").size());
    assertEquals(V1, models.alias("churn", "canary").orElseThrow().modelVersion());
  }
}
