package org.deepline.tracking;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deepline.core.DeeplineException;
import org.deepline.core.Json;

/**
 * Writes run records in MLflow's file-store layout, so that {@code mlflow ui --backend-store-uri DIR}
 * browses them: one experiment per data set, one MLflow run per deepline run, with the config as
 * params, the metrics, the git commit, parent run and tables as tags, and the whole record as an
 * artifact.
 *
 * <pre>{@code
 * DIR/<experiment_id>/meta.yaml                       name = the data set
 * DIR/<experiment_id>/<run_id>/meta.yaml              times, status, run name
 * DIR/<experiment_id>/<run_id>/params/<key>           one config value: training.epochs -> 20
 * DIR/<experiment_id>/<run_id>/metrics/<key>          "<timestamp_ms> <value> <step>" lines
 * DIR/<experiment_id>/<run_id>/tags/<key>             mlflow.source.git.commit, mlflow.parentRunId, ...
 * DIR/<experiment_id>/<run_id>/artifacts/run_record.json
 * }</pre>
 *
 * <p>The experiment id is a number derived from the data set's name, so exporting again (after more
 * runs) writes into the same experiments; a run already exported is replaced. MLflow's own stores
 * number experiments too, and keep experiment {@code 0} for runs without one.
 */
public final class MlflowExport {
  /** MLflow's RunStatus values as its file store writes them. */
  static final int STATUS_FINISHED = 3;
  static final int STATUS_FAILED = 4;
  /** MLflow's SourceType.LOCAL, which its file store always writes. */
  static final int SOURCE_TYPE_LOCAL = 4;
  static final String USER = "deepline";
  /** The experiment of runs without a data set (e.g. a config that failed to load). */
  static final String NO_DATASET = "deepline";
  /** Characters MLflow accepts in metric, param and tag names; others become {@code _}. */
  private static final Pattern NOT_IN_NAME = Pattern.compile("[^A-Za-z0-9_\\-. ]");
  private static final String RECORD_ARTIFACT = "run_record.json";

  private MlflowExport() {}

  /** What an export wrote. */
  public record Summary(Path root, int experiments, int runs) {}

  /** Writes {@code runs} under {@code mlruns} (created if missing). */
  public static Summary write(List<RunRecord> runs, Path mlruns) {
    Map<String, List<RunRecord>> byExperiment = runs.stream().collect(Collectors.groupingBy(
        r -> r.dataset() == null ? NO_DATASET : r.dataset(), TreeMap::new, Collectors.toList()));
    try {
      Path root = Files.createDirectories(mlruns).toAbsolutePath().normalize();
      for (Map.Entry<String, List<RunRecord>> experiment : byExperiment.entrySet()) {
        Path dir = Files.createDirectories(root.resolve(experimentId(experiment.getKey())));
        writeExperiment(dir, experiment.getKey(), experiment.getValue());
        for (RunRecord run : experiment.getValue()) {
          writeRun(dir, run);
        }
      }
      return new Summary(root, byExperiment.size(), runs.size());
    } catch (IOException e) {
      throw new DeeplineException("runs export --mlflow: cannot write " + mlruns + ": " + e);
    }
  }

  /** A stable positive number for a data set name: the first 63 bits of its SHA-256. */
  static String experimentId(String name) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(name.getBytes(StandardCharsets.UTF_8));
      return Long.toString(ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static void writeExperiment(Path dir, String name, List<RunRecord> runs)
      throws IOException {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("artifact_location", dir.toUri().toString().replaceAll("/$", ""));
    meta.put("creation_time", runs.stream().map(RunRecord::startedAt).min(Comparator.naturalOrder())
        .map(Instant::toEpochMilli).orElse(0L));
    meta.put("experiment_id", dir.getFileName().toString());
    meta.put("last_update_time", runs.stream().map(RunRecord::finishedAt)
        .max(Comparator.naturalOrder()).map(Instant::toEpochMilli).orElse(0L));
    meta.put("lifecycle_stage", "active");
    meta.put("name", name);
    Files.writeString(dir.resolve("meta.yaml"), yaml(meta));
  }

  private static void writeRun(Path experimentDir, RunRecord run) throws IOException {
    Path dir = experimentDir.resolve(run.runId());
    deleteRecursively(dir);
    Files.createDirectories(dir);
    String runName = run.command() + " " + (run.dataset() == null ? "" : run.dataset() + " ")
        + (run.runDate() == null ? "" : run.runDate());
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("artifact_uri", dir.resolve("artifacts").toUri().toString().replaceAll("/$", ""));
    meta.put("end_time", run.finishedAt().toEpochMilli());
    meta.put("entry_point_name", "");
    meta.put("experiment_id", experimentDir.getFileName().toString());
    meta.put("lifecycle_stage", "active");
    meta.put("run_id", run.runId());
    meta.put("run_name", runName.strip());
    meta.put("run_uuid", run.runId());
    meta.put("source_name", "");
    meta.put("source_type", SOURCE_TYPE_LOCAL);
    meta.put("source_version", "");
    meta.put("start_time", run.startedAt().toEpochMilli());
    meta.put("status", RunRecord.SUCCEEDED.equals(run.status()) ? STATUS_FINISHED : STATUS_FAILED);
    meta.put("tags", List.of());
    meta.put("user_id", USER);
    Files.writeString(dir.resolve("meta.yaml"), yaml(meta));

    Path params = Files.createDirectories(dir.resolve("params"));
    for (Map.Entry<String, String> param : run.params().entrySet()) {
      Files.writeString(params.resolve(name(param.getKey())), param.getValue());
    }
    Path metrics = Files.createDirectories(dir.resolve("metrics"));
    long timestamp = run.finishedAt().toEpochMilli();
    for (Map.Entry<String, Double> metric : new TreeMap<>(run.metrics()).entrySet()) {
      // One value per metric, logged when the run finished, at step 0.
      Files.writeString(metrics.resolve(name(metric.getKey())),
          timestamp + " " + metric.getValue() + " 0\n");
    }
    Path tags = Files.createDirectories(dir.resolve("tags"));
    for (Map.Entry<String, String> tag : tags(run, runName.strip()).entrySet()) {
      Files.writeString(tags.resolve(tag.getKey()), tag.getValue());
    }
    Path artifacts = Files.createDirectories(dir.resolve("artifacts"));
    Files.writeString(artifacts.resolve(RECORD_ARTIFACT), Json.write(run));
  }

  private static Map<String, String> tags(RunRecord run, String runName) {
    Map<String, String> tags = new TreeMap<>();
    tags.put("mlflow.runName", runName);
    tags.put("mlflow.user", USER);
    if (run.gitCommit() != null) {
      tags.put("mlflow.source.git.commit", run.gitCommit());
    }
    if (run.parentRunId() != null) {
      // The MLflow UI nests a pipeline's stage runs under the pipeline's run.
      tags.put("mlflow.parentRunId", run.parentRunId());
    }
    tags.put("deepline.command", run.command());
    tags.put("deepline.status", run.status());
    if (run.dataset() != null) {
      tags.put("deepline.dataset", run.dataset());
    }
    if (run.runDate() != null) {
      tags.put("deepline.run_date", run.runDate());
    }
    if (run.configHash() != null) {
      tags.put("deepline.config_hash", run.configHash());
    }
    if (run.error() != null) {
      tags.put("deepline.error", run.error());
    }
    tags.put("deepline.inputs", Json.writeCompact(run.inputs()));
    tags.put("deepline.outputs", Json.writeCompact(run.outputs()));
    run.artifacts().forEach((key, uri) -> tags.put(name("deepline.artifact." + key), uri));
    return tags;
  }

  static String name(String key) {
    return NOT_IN_NAME.matcher(key).replaceAll("_");
  }

  /** The flat YAML MLflow's file store writes: one {@code key: value} per line, keys sorted. */
  static String yaml(Map<String, Object> values) {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(values).forEach((key, value) -> {
      out.append(key).append(": ");
      if (value instanceof String text) {
        out.append('\'').append(text.replace("'", "''")).append('\'');
      } else if (value instanceof List<?> list && list.isEmpty()) {
        out.append("[]");
      } else {
        out.append(value);
      }
      out.append('\n');
    });
    return out.toString();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = new ArrayList<>(walk.toList());
    }
    paths.sort(Comparator.reverseOrder());
    for (Path path : paths) {
      Files.delete(path);
    }
  }
}
