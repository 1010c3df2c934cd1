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
  void smallDataTrainsMoreEpochsWithMorePatience() {
    // 2.1 M rows: 2,050 minibatches of 512 per worker; 4,000 minibatches take 2 epochs: the floor.
    TrainingConfig large = TrainingConfig.defaults().resolve(2_099_868);
    assertEquals(20, large.epochs());
    assertEquals(5, large.patience());
    // 4,900 rows: 76 minibatches of 32 per worker, 4,000 / 76 = 52.6, so 53 epochs; 53 / 10 = 5.
    TrainingConfig churnSized = TrainingConfig.defaults().resolve(4_900);
    assertEquals(53, churnSized.epochs());
    assertEquals(5, churnSized.patience());
    // 1,023 rows (a year of daily weather): 15 minibatches per worker, 267 epochs capped at 200.
    TrainingConfig tiny = TrainingConfig.defaults().resolve(1_023);
    assertEquals(200, tiny.epochs());
    assertEquals(20, tiny.patience());
    // Fewer rows than one minibatch per worker still count as one minibatch.
    assertEquals(200, TrainingConfig.defaults().resolve(3).epochs());
    // 12,800 rows: 200 minibatches per worker, exactly 20 epochs; one row fewer still 20 + 1.
    assertEquals(20, TrainingConfig.defaults().resolve(12_800).epochs());
    assertEquals(21, TrainingConfig.defaults().resolve(12_799).epochs());
  }

  @Test
  void configuredEpochsAndPatienceAreKept() {
    TrainingConfig configured = new TrainingConfig(null, 7, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null).resolve(700);
    assertEquals(7, configured.epochs());
    // The automatic patience follows the epochs in use, configured or not.
    assertEquals(5, configured.patience());
    TrainingConfig patient = new TrainingConfig(null, null, 2, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null).resolve(700);
    assertEquals(200, patient.epochs());
    assertEquals(2, patient.patience());
  }

  @Test
  void unsetEpochsAndPatienceAreNotConfigErrors() {
    ConfigErrors errors = new ConfigErrors().at("training");
    TrainingConfig.defaults().validate(errors);
    assertEquals(List.of(), errors.messages());
    ConfigErrors zero = new ConfigErrors().at("training");
    new TrainingConfig(null, 0, 0, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null).validate(zero);
    assertEquals(List.of("training.epochs: must be > 0, got 0",
        "training.patience: must be > 0, got 0"), zero.messages());
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
    // The epochs and patience it resolved, too: the config file leaves them unset.
    assertEquals(new TrainingConfig(null, 20, 5, 128, 20, null, null, null, null, null, null,
        null, null, null, null, null, null), with(128, null).resolvedAs(checkpointed));
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
