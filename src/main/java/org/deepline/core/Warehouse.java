package org.deepline.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Paths;
import java.util.regex.Pattern;

/**
 * The root under which every table and artifact of deepline lives, and the one place that knows the
 * layout below it. Stages ask the warehouse for a table of a data set instead of building paths, so the
 * layout can change in one file.
 *
 * <pre>{@code
 * <root>/<dataset>/bronze|silver|quarantine|quality|splits|features|leakage|predictions|evaluations
 * <root>/<dataset>/stream_predictions
 * <root>/<dataset>/metrics
 * <root>/<dataset>/watermarks
 * <root>/<dataset>/sample
 * <root>/<dataset>/weak_labels|to_label
 * <root>/<dataset>/artifacts/features/<run_date>/feature_model.json
 * <root>/<dataset>/models/<model_version>/{network.zip,model.json}
 * <root>/<dataset>/reports/<run_date>/evaluation.{json,html}
 * <root>/<dataset>/reports/<run_date>/quality.{json,html}, suggested_constraints.json
 * <root>/<dataset>/feature_store/<feature_table>
 * <root>/<dataset>/streams/<stream>/checkpoint   a stream's progress (score-stream)
 * <root>/_deepline/runs      every command's run record
 * <root>/_deepline/models    the model registry
 * <root>/_deepline/model_aliases  every change of a model alias (champion, challenger, ...)
 * <root>/_deepline/feature_definitions  every version of every feature definition
 * }</pre>
 */
public final class Warehouse {
  private static final String SYSTEM_DIR = "_deepline";
  /** A URI's scheme of two or more letters ({@code s3a:}, {@code file:}); one is a drive letter. */
  private static final Pattern SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]+:");

  private final String root;

  private Warehouse(String root) {
    this.root = root;
  }

  /**
   * A warehouse at {@code uri}: {@code s3a://bucket/prefix}, {@code hdfs://nn/path}, {@code file:/...}
   * or a plain local path (made absolute, so executors and the driver agree on it).
   */
  public static Warehouse at(String uri) {
    if (uri == null || uri.isBlank()) {
      throw new DeeplineException("--warehouse: must not be empty");
    }
    String trimmed = uri.strip().replaceAll("/+$", "");
    if (!SCHEME.matcher(trimmed).lookingAt()) {
      // A local path as written, not percent-encoded: Hadoop's Path encodes a space itself, and
      // would encode the '%' of an encoded one again (a directory named "wh%20x").
      return new Warehouse("file://" + Paths.get(trimmed).toAbsolutePath().normalize());
    }
    try {
      URI parsed = new URI(trimmed);
      if (parsed.getRawUserInfo() != null) {
        throw new DeeplineException("--warehouse: credentials in the URI are not accepted (they would "
            + "be written to run records and logs); use the environment or a credential provider");
      }
    } catch (URISyntaxException e) {
      throw new DeeplineException("--warehouse: not a valid URI: " + uri + " (" + e.getReason()
          + "); a local directory may be given as a plain path, spaces and all");
    }
    return new Warehouse(trimmed);
  }

  public String root() {
    return root;
  }

  public String table(String dataset, Table table) {
    return root + "/" + dataset + "/" + table.dirName();
  }

  public String runsTable() {
    return root + "/" + SYSTEM_DIR + "/runs";
  }

  public String modelsTable() {
    return root + "/" + SYSTEM_DIR + "/models";
  }

  /** The append-only log of alias changes: which model version held which alias, and when. */
  public String modelAliasesTable() {
    return root + "/" + SYSTEM_DIR + "/model_aliases";
  }

  /** A feature store table of the data set (the feature store's {@code feature_store.tables[].name}). */
  public String featureTable(String dataset, String name) {
    return root + "/" + dataset + "/feature_store/" + name;
  }

  /** The feature store's registry: one row per version of each feature definition. */
  public String featureDefinitionsTable() {
    return root + "/" + SYSTEM_DIR + "/feature_definitions";
  }

  public String featureArtifact(String dataset, String runDate) {
    return root + "/" + dataset + "/artifacts/features/" + runDate + "/feature_model.json";
  }

  /**
   * The positive class an earlier run took from a data set's label column when the config names
   * none (etl's PositiveClass), kept so that every date labels its rows alike.
   */
  public String labelClassArtifact(String dataset) {
    return root + "/" + dataset + "/artifacts/label/positive_class.json";
  }

  /** The classes of a multi-class label taken from the data, kept for the data set's later dates. */
  public String labelClassesArtifact(String dataset) {
    return root + "/" + dataset + "/artifacts/label/classes.json";
  }

  /** Where a label column taken from the data as a number to predict is kept for later dates. */
  public String labelRegressionArtifact(String dataset) {
    return root + "/" + dataset + "/artifacts/label/regression.json";
  }

  public String modelDir(String dataset, String modelVersion) {
    return root + "/" + dataset + "/models/" + modelVersion;
  }

  public String reportDir(String dataset, String runDate) {
    return root + "/" + dataset + "/reports/" + runDate;
  }

  /**
   * A training run's checkpoints (network and updater state after each epoch): kept while the run may
   * still be resumed, deleted when it succeeds.
   */
  public String checkpointDir(String dataset, String runId) {
    return root + "/" + dataset + "/checkpoints/" + runId;
  }

  /**
   * Where a stream of the data set keeps its progress (Spark's checkpoint: the table versions it has
   * read, the batches it has committed), so that the next run goes on where the last one stopped.
   */
  public String streamCheckpoint(String dataset, String stream) {
    return root + "/" + dataset + "/streams/" + stream + "/checkpoint";
  }

  @Override
  public String toString() {
    return root;
  }

  /** The Delta tables kept for each data set. */
  public enum Table {
    BRONZE("ingest"), SILVER("ingest"), QUARANTINE("ingest"), QUALITY("validate"),
    SPLITS("split"), FEATURES("features"), LEAKAGE("leakage"), PREDICTIONS("score"),
    EVALUATIONS("evaluate"),
    /** The high-water marks of incremental database loads (etl's Watermarks). */
    WATERMARKS("ingest"),
    /** A seeded sample of silver rows (sampling's SampleJob). */
    SAMPLE("sample"),
    /** Votes of the labelling functions and the labels combined from them (labeling's LabelJob). */
    WEAK_LABELS("label"),
    /** The rows a model is least sure of, for people to label ({@code label --uncertain N}). */
    TO_LABEL("label --uncertain N"),
    /** Every run date's profile of silver, metric by metric (quality's MetricsTable). */
    METRICS("validate"),
    /** Each run date's drift of the model's inputs and probabilities (monitoring's DriftJob). */
    DRIFT("monitor"),
    /** Predictions of silver's rows as they land, one per version of a record (scoring's StreamScoreJob). */
    STREAM_PREDICTIONS("score-stream");

    private final String writtenBy;

    Table(String writtenBy) {
      this.writtenBy = writtenBy;
    }

    /** The command that writes the table, for a message that says what to run first. */
    public String writtenBy() {
      return writtenBy;
    }

    public String dirName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
