package org.deepline.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deepline.baselines.BaselineConfig;
import org.deepline.compression.CompressionConfig;
import org.deepline.core.ConfigErrors;
import org.deepline.core.JobConfig;
import org.deepline.core.Required;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.IngestConfig;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.SchemaConfig;
import org.deepline.etl.SourceConfig;
import org.deepline.evaluation.EvaluationConfig;
import org.deepline.features.FeatureConfig;
import org.deepline.featurestore.FeatureStoreConfig;
import org.deepline.labeling.LabelingConfig;
import org.deepline.leakage.LeakageConfig;
import org.deepline.monitoring.MonitoringConfig;
import org.deepline.quality.ValidationConfig;
import org.deepline.sampling.SampleConfig;
import org.deepline.sampling.SplitConfig;
import org.deepline.scoring.ScoringConfig;
import org.deepline.training.TrainingConfig;
import org.deepline.training.TuningConfig;

/**
 * One data set's job config: a JSON file in {@code conf/}, one section per stage. Sections a user
 * leaves out take the defaults documented on each section's record; source, schema, label and features
 * have no sensible default and are required.
 *
 * <p>Stages see it as a {@link JobConfig} and ask for their section by its record's type, so that
 * this record, which imports every section, is imported by no stage.
 */
public record DeeplineConfig(
    @JsonPropertyDescription("Name of the data set; its tables and artifacts live under "
        + "`<warehouse>/<dataset>/` and registry rows are keyed by it. Allowed: "
        + "`[a-z][a-z0-9_]{0,63}`.")
    @Required
    String dataset,
    @JsonPropertyDescription("Where the raw data comes from.")
    @Required
    SourceConfig source,
    @JsonPropertyDescription("The silver table's columns.")
    @Required
    SchemaConfig schema,
    @JsonPropertyDescription("The binary target.")
    @Required
    LabelConfig label,
    @JsonPropertyDescription("Ingest thresholds.")
    IngestConfig ingest,
    @JsonPropertyDescription("Table-wide data quality thresholds.")
    ValidationConfig validation,
    @JsonPropertyDescription("Train/validation/test assignment.")
    SplitConfig split,
    @JsonPropertyDescription("Which columns become network inputs and how.")
    @Required
    FeatureConfig features,
    @JsonPropertyDescription("Leakage gate thresholds.")
    LeakageConfig leakage,
    @JsonPropertyDescription("The network and its training.")
    TrainingConfig training,
    @JsonPropertyDescription("The baseline ladder trained next to the network.")
    BaselineConfig baselines,
    @JsonPropertyDescription("What `train --tune` searches and for how long.")
    TuningConfig tuning,
    @JsonPropertyDescription("Batch scoring.")
    ScoringConfig scoring,
    @JsonPropertyDescription("What the `monitor` command (and `nightly`) calls drift of the "
        + "model's inputs and probabilities.")
    MonitoringConfig monitoring,
    @JsonPropertyDescription("The evaluation report, slices, behavioural tests, blessing and "
        + "their gates.")
    EvaluationConfig evaluation,
    @JsonPropertyDescription("Post-training compression by the `compress` command.")
    CompressionConfig compression,
    @JsonPropertyDescription("Row samples of silver drawn by the `sample` command: seeded random, "
        + "stratified, weighted, reservoir or importance sampling.")
    SampleConfig sample,
    @JsonPropertyDescription("Weak supervision for the `label` command: labelling functions, gold "
        + "column.")
    LabelingConfig labeling,
    @JsonPropertyDescription("Feature tables materialised by the `feature-store` command, and the "
        + "Redis online store.")
    FeatureStoreConfig featureStore) implements JobConfig {

  public DeeplineConfig {
    ingest = ingest == null ? IngestConfig.defaults() : ingest;
    validation = validation == null ? ValidationConfig.defaults() : validation;
    split = split == null ? SplitConfig.defaults() : split;
    leakage = leakage == null ? LeakageConfig.defaults() : leakage;
    training = training == null ? TrainingConfig.defaults() : training;
    baselines = baselines == null ? BaselineConfig.defaults() : baselines;
    tuning = tuning == null ? TuningConfig.defaults() : tuning;
    scoring = scoring == null ? ScoringConfig.defaults() : scoring;
    monitoring = monitoring == null ? MonitoringConfig.defaults() : monitoring;
    evaluation = evaluation == null ? EvaluationConfig.defaults() : evaluation;
    compression = compression == null ? CompressionConfig.defaults() : compression;
    sample = sample == null ? SampleConfig.defaults() : sample;
    labeling = labeling == null ? LabelingConfig.defaults() : labeling;
    featureStore = featureStore == null ? FeatureStoreConfig.defaults() : featureStore;
    if (schema != null) {
      List<String> required = new ArrayList<>(schema.key());
      if (label != null && !label.isExpression() && label.column() != null) {
        required.add(label.column());
      }
      schema = schema.requiring(required);
    }
  }

  /** The section whose record is of {@code type}: each section has a record type of its own. */
  @Override
  public <T> T section(Class<T> type) {
    RecordComponent[] components = DeeplineConfig.class.getRecordComponents();
    for (RecordComponent component : components) {
      if (component.getType() == type) {
        Object section;
        try {
          section = component.getAccessor().invoke(this);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read config section " + component.getName(), e);
        }
        if (section == null) {
          throw new IllegalArgumentException("the job config has no " + component.getName()
              + " section; it was not validated");
        }
        return type.cast(section);
      }
    }
    throw new IllegalArgumentException("the job config has no section of type "
        + type.getSimpleName() + "; it holds "
        + Arrays.stream(components).map(RecordComponent::getName).toList());
  }

  /**
   * This config with {@code section} in place of the section of its type, e.g. a scoring section
   * that names the model a stage must score with, whatever the file says.
   *
   * <pre>{@code
   * DeeplineConfig pinned = config.withSection(config.scoring().withModelVersion(version));
   * }</pre>
   */
  @Override
  public DeeplineConfig withSection(Object section) {
    RecordComponent[] components = DeeplineConfig.class.getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    boolean replaced = false;
    try {
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        boolean ofSection = types[i] == section.getClass();
        values[i] = ofSection ? section : components[i].getAccessor().invoke(this);
        replaced |= ofSection;
      }
      if (!replaced) {
        throw new IllegalArgumentException("the job config has no section of type "
            + section.getClass().getSimpleName());
      }
      return DeeplineConfig.class.getDeclaredConstructor(types).newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot copy the config with a new "
          + section.getClass().getSimpleName(), e);
    }
  }

  /** Every problem of the config, each named by its path; empty when the config is usable. */
  public ConfigErrors validate() {
    ConfigErrors errors = new ConfigErrors();
    if (dataset == null || !dataset.matches("[a-z][a-z0-9_]{0,63}")) {
      errors.add("dataset", "must be lower-case letters, digits and _, starting with a letter, got "
          + dataset);
    }
    if (source == null) {
      errors.add("source", "is required");
    } else {
      source.validate(errors.at("source"));
    }
    Map<String, ColumnSpec> columns = Map.of();
    if (schema == null) {
      errors.add("schema", "is required");
    } else {
      schema.validate(errors.at("schema"));
      columns = schema.byName();
    }
    if (label == null) {
      errors.add("label", "is required");
    } else {
      label.validate(errors.at("label"), columns);
    }
    // Features may list the columns feature_store.joins adds to silver's, as declared there.
    Map<String, ColumnSpec> featureInputs = new LinkedHashMap<>(columns);
    featureStore.joinedColumns().forEach(featureInputs::putIfAbsent);
    if (features == null) {
      errors.add("features", "is required");
    } else {
      features.validate(errors.at("features"), featureInputs, label);
    }
    ingest.validate(errors.at("ingest"), schema);
    validation.validate(errors.at("validation"), schema == null || !errors.isEmpty()
        ? java.util.List.of() : org.deepline.quality.SchemaConstraints.names(schema), columns);
    split.validate(errors.at("split"), columns);
    leakage.validate(errors.at("leakage"), columns, features);
    training.validate(errors.at("training"));
    // A loss must fit the label: where the config says what the label is, before any job runs
    // (a label the data decides is checked by train before a row is read).
    if (label != null && label.isRegression() && training.loss().isFocal()) {
      errors.at("training").at("loss").add("type", "focal is a classification loss, and "
          + label.describe() + " is a regression label: use mse, mae or huber");
    }
    if (label != null && !label.isRegression() && !label.isUndecided()
        && training.loss().isRegressionLoss()) {
      errors.at("training").at("loss").add("type", training.loss().type() + " is a regression "
          + "loss, and " + label.describe() + " is a class label: use cross_entropy or focal, or "
          + "set label.regression for a number");
    }
    baselines.validate(errors.at("baselines"));
    // Stacking's boosting member is the ladder's gbt rung, fitted with its settings and compared
    // with it in the run record: without that rung there is nothing to stack.
    if (org.deepline.training.EnsembleConfig.STACKING.equals(training.ensemble().method())) {
      errors.at("training").at("ensemble").require(baselines.enabled()
          && baselines.models().contains(org.deepline.baselines.BaselineLadder.GBT), "method",
          "stacking needs the baseline ladder's gbt: set baselines.enabled to true and list gbt "
          + "in baselines.models (now enabled " + baselines.enabled() + ", models "
          + baselines.models() + ")");
    }
    tuning.validate(errors.at("tuning"), training);
    scoring.validate(errors.at("scoring"));
    monitoring.validate(errors.at("monitoring"));
    evaluation.validate(errors.at("evaluation"));
    compression.validate(errors.at("compression"));
    sample.validate(errors.at("sample"), columns);
    labeling.validate(errors.at("labeling"), columns,
        label == null ? java.util.Set.of() : label.columnsRead(columns));
    featureStore.validate(errors.at("feature_store"), columns);
    return errors;
  }
}
