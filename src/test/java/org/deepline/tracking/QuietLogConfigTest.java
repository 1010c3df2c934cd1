package org.deepline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;

/** conf/log4j2.properties drops the warnings nobody can act on and keeps the rest. */
class QuietLogConfigTest {
  @Test
  void startupNoiseIsDroppedAndOtherWarningsKept() throws IOException {
    String output = LogConfigs.outputOf(List.of(LogConfigs.NORMAL), context -> {
      Logger utils = context.getLogger("org.apache.spark.util.Utils");
      utils.warn("Your hostname, vm resolves to a loopback address: 127.0.0.1; using 192.0.2.2 "
          + "instead (on interface eth0)");
      utils.warn("Set SPARK_LOCAL_IP if you need to bind to another address");
      utils.warn("Service 'SparkUI' could not bind on port 4040. Attempting port 4041.");
      utils.warn("Failed to delete directory /tmp/spark-1");
      context.getLogger("org.apache.hadoop.util.NativeCodeLoader").warn("Unable to load "
          + "native-hadoop library for your platform... using builtin-java classes");
      context.getLogger("org.apache.spark.sql.catalyst.util.SparkStringUtils")
          .warn("Truncated the string representation of a plan since it was too large.");
      context.getLogger("dev.ludovic.netlib.blas.InstanceBuilder")
          .warn("Failed to load implementation from:dev.ludovic.netlib.blas.JNIBLAS");
      context.getLogger("org.apache.spark.scheduler.DAGScheduler")
          .warn("Broadcasting large task binary with size 6.3 MiB");
      context.getLogger("org.deepline.training.TrainJob").info("epoch 1/15: validation ...");
    });

    assertEquals(List.of("WARN Utils: Failed to delete directory /tmp/spark-1",
            "WARN DAGScheduler: Broadcasting large task binary with size 6.3 MiB",
            "INFO TrainJob: epoch 1/15: validation ..."),
        output.lines().map(line -> line.substring(line.indexOf(' ') + 1)).toList());
  }
}
