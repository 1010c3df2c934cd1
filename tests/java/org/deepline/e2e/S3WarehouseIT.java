package org.deepline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline with its warehouse on {@code s3a://}: every table, artifact, model and report goes
 * through S3A to a local S3 endpoint (moto's server, which ships with this machine image), and the
 * credentials come from the environment only, as they would in production.
 */
class S3WarehouseIT {
  private static final String BUCKET = "deepline-it";
  private static final String ACCESS_KEY = "deepline-it-access";
  private static final String SECRET_KEY = "deepline-it-secret-8f3a1c";
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final double MIN_CREDIT_AUC = 0.75;

  private static Process s3;
  private static int port;

  @BeforeAll
  static void startS3() throws Exception {
    Assumptions.assumeTrue(motoInstalled(), "python3 with moto is not installed: S3 check skipped");
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    s3 = new ProcessBuilder("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p",
        String.valueOf(port)).redirectErrorStream(true)
        .redirectOutput(Path.of(System.getProperty("java.io.tmpdir"), "deepline-moto.log").toFile())
        .start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      try {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(endpoint("/" + BUCKET))
            .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, created.statusCode(), created.body());
        return;
      } catch (IOException notYetListening) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("local S3 endpoint did not start on port " + port);
        }
        Thread.sleep(200);
      }
    }
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.destroy();
    }
  }

  private static boolean motoInstalled() {
    try {
      return new ProcessBuilder("python3", "-c", "import moto.server").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static URI endpoint(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static Submit.Result submit(String... deeplineArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--conf", "spark.hadoop.fs.s3a.endpoint=" + endpoint(""),
        "--conf", "spark.hadoop.fs.s3a.path.style.access=true",
        "--conf", "spark.hadoop.fs.s3a.connection.ssl.enabled=false"));
    args.addAll(List.of(deeplineArgs));
    return Submit.run(Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY),
        args);
  }

  @Test
  void pipelineRunsWithItsWarehouseOnS3AndNeverShowsTheSecret() throws Exception {
    String warehouse = "s3a://" + BUCKET + "/warehouse";
    Submit.Result run = submit("pipeline", "--conf", "conf/credit.json", "--warehouse", warehouse,
        "--run-date", "2026-11-24", "--set", "training.epochs=4");
    assertEquals(0, run.code(), run.errTail());

    Submit.Result shown = submit("runs", "show", "--last", "--json", "--warehouse", warehouse);
    assertEquals(0, shown.code(), shown.errTail());
    JsonNode record = Submit.json(shown.out());
    assertEquals("SUCCEEDED", record.get("status").asText());
    assertTrue(record.get("metrics").get("evaluate.roc_auc").asDouble() >= MIN_CREDIT_AUC,
        record.get("metrics").toString());
    assertTrue(record.get("artifacts").get("evaluate.report_html").asText()
        .startsWith(warehouse + "/credit/reports/"), record.get("artifacts").toString());
    assertTrue(record.get("artifacts").get("train.model").asText().startsWith(warehouse));
    for (String text : List.of(run.out(), run.err(), shown.out(), shown.err())) {
      assertFalse(text.contains(SECRET_KEY), "the secret key leaked into output");
    }
  }
}
