package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.deepline.core.ConfigErrors;
import org.junit.jupiter.api.Test;

/** The sizes training picks for itself when the config leaves them out. */
class TrainingConfigTest {
  private static TrainingConfig with(Integer batch, Integer averagingFrequency) {
    return new TrainingConfig(null, null, null, batch, averagingFrequency, null, null, null, null,
        null, null, null, null, null, null, null, null);
  }

  @Test
  void largeDataGetsTheLargestBatchAndTheLeastFrequentAveraging() {
    TrainingConfig resolved = TrainingConfig.defaults().resolve(2_099_868);
    assertEquals(512, resolved.batchSizePerWorker());
    assertEquals(20, resolved.averagingFrequency());
  }

  @Test
  void smallDataAveragesOftenEnoughForTenRoundsPerEpoch() {
    // 4,900 rows: 2,450 per worker, batch 32 (64 would leave 38 minibatches, fewer than 200),
    // 76 minibatches per worker, so every 7 for 10 rounds.
    TrainingConfig churnSized = TrainingConfig.defaults().resolve(4_900);
    assertEquals(32, churnSized.batchSizePerWorker());
    assertEquals(7, churnSized.averagingFrequency());
    // 700 rows: 10 minibatches per worker, so averaging after every one.
    assertEquals(1, TrainingConfig.defaults().resolve(700).averagingFrequency());
    assertEquals(1, TrainingConfig.defaults().resolve(3).averagingFrequency());
  }

  @Test
  void configuredSizesAreKept() {
    TrainingConfig resolved = with(64, 3).resolve(2_099_868);
    assertEquals(64, resolved.batchSizePerWorker());
    assertEquals(3, resolved.averagingFrequency());
  }

  @Test
  void aResumedRunComparesWithTheSizesItsCheckpointResolved() {
    TrainingConfig checkpointed = TrainingConfig.defaults().resolve(2_099_868);
    assertEquals(checkpointed, TrainingConfig.defaults().resolvedAs(checkpointed));
    assertEquals(with(128, 20), with(128, null).resolvedAs(checkpointed));
  }

  @Test
  void workersOnNamesItsPlacesAndAResumedRunTakesTheCheckpointsPlace() {
    ConfigErrors errors = new ConfigErrors().at("training");
    TrainingConfig.defaults().withWorkersOn("gpu").validate(errors);
    assertEquals(List.of("training.workers_on: must be one of [auto, executors, driver], got gpu"),
        errors.messages());
    assertEquals("auto", TrainingConfig.defaults().workersOn());
    TrainingConfig checkpointed = TrainingConfig.defaults().withWorkersOn("executors").resolve(4_900);
    assertEquals(checkpointed, TrainingConfig.defaults().resolvedAs(checkpointed));
    ConfigErrors statsOnDriver = new ConfigErrors().at("training");
    new TrainingConfig(null, null, null, null, null, null, null, null, null, null, null, null,
        null, true, null, null, null).withWorkersOn("driver").validate(statsOnDriver);
    assertEquals(List.of("training.collect_stats: DL4J's timing breakdown exists only for "
        + "averaging on the executors; set workers_on to executors or auto, or collect_stats to "
        + "false"), statsOnDriver.messages());
  }
}
