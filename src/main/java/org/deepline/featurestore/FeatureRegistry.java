package org.deepline.featurestore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeltaKernelAppend;
import org.deepline.core.DeltaSnapshots;
import org.deepline.core.Json;
import org.deepline.core.Warehouse;

/**
 * The registry of feature definitions: an append-only Delta table
 * ({@code <warehouse>/_deepline/feature_definitions}) with one row per version of each definition of
 * each data set. Registering a definition that differs in any field from its latest version appends
 * the next version; registering an unchanged one returns the version it has. Reads and writes go
 * through Delta Kernel, as the model registry's aliases do: no Spark job for a handful of rows.
 *
 * <pre>{@code
 * FeatureRegistry registry = new FeatureRegistry(hadoopConf, Warehouse.at("/lake"));
 * Registered airport = registry.register("flights", definition, runId); // version 1, changed
 * registry.register("flights", definition, runId);                     // version 1, unchanged
 * }</pre>
 */
public final class FeatureRegistry {
  static final StructType SCHEMA = new StructType()
      .add("dataset", DataTypes.StringType, false)
      .add("name", DataTypes.StringType, false)
      .add("version", DataTypes.LongType, false)
      .add("owner", DataTypes.StringType, false)
      .add("description", DataTypes.StringType, false)
      .add("source", DataTypes.StringType, false)
      .add("source_format", DataTypes.StringType, false)
      .add("transform", DataTypes.StringType, false)
      .add("entity_keys", DataTypes.StringType, false)
      .add("event_time", DataTypes.StringType, false)
      .add("ttl", DataTypes.StringType, true)
      .add("fingerprint", DataTypes.StringType, false)
      .add("registered_at", DataTypes.TimestampType, false)
      .add("run_id", DataTypes.StringType, true);
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final Configuration hadoopConf;
  private final String path;

  public FeatureRegistry(Configuration hadoopConf, Warehouse warehouse) {
    this.hadoopConf = hadoopConf;
    this.path = warehouse.featureDefinitionsTable();
  }

  public String path() {
    return path;
  }

  /** A definition as registered: its version, and whether this registration created it. */
  public record Registered(FeatureDefinition definition, long version, boolean created,
      Instant registeredAt) {}

  /** Registers {@code definition} for the data set; a changed definition gets the next version. */
  public Registered register(String dataset, FeatureDefinition definition, String runId) {
    Optional<Registered> latest = latest(dataset, definition.name());
    String fingerprint = fingerprint(definition);
    if (latest.isPresent() && fingerprint(latest.get().definition()).equals(fingerprint)) {
      return new Registered(latest.get().definition(), latest.get().version(), false,
          latest.get().registeredAt());
    }
    long version = latest.map(r -> r.version() + 1).orElse(1L);
    Instant now = Instant.now();
    Row row = RowFactory.create(dataset, definition.name(), version, definition.owner(),
        definition.description(), definition.source(), definition.sourceFormat(),
        definition.transform(), Json.writeCompact(definition.entityKeys()), definition.eventTime(),
        definition.ttl(), fingerprint, Timestamp.from(now), runId);
    DeltaKernelAppend.rows(hadoopConf, path, SCHEMA, List.of(row));
    return new Registered(definition, version, true, now);
  }

  /** The latest version of the data set's definition {@code name}, if registered. */
  public Optional<Registered> latest(String dataset, String name) {
    return history(dataset, name).stream().max(Comparator.comparingLong(Registered::version));
  }

  /** Every version of the data set's definition {@code name}, oldest first. */
  public List<Registered> history(String dataset, String name) {
    List<Registered> versions = new ArrayList<>();
    DeltaSnapshots.latest(hadoopConf, path).ifPresent(snapshot -> snapshot.rows().stream()
        .filter(r -> dataset.equals(r.get("dataset")) && name.equals(r.get("name")))
        .forEach(r -> versions.add(registered(r))));
    versions.sort(Comparator.comparingLong(Registered::version));
    return versions;
  }

  private static Registered registered(Map<String, Object> row) {
    List<String> keys;
    try {
      keys = Json.mapper().readValue((String) row.get("entity_keys"), STRINGS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("feature registry: entity_keys of " + row.get("name")
          + " is not a JSON list", e);
    }
    FeatureDefinition definition = new FeatureDefinition((String) row.get("name"),
        (String) row.get("owner"), (String) row.get("description"), (String) row.get("source"),
        (String) row.get("source_format"), (String) row.get("transform"), keys,
        (String) row.get("event_time"), (String) row.get("ttl"));
    return new Registered(definition, (Long) row.get("version"), false,
        (Instant) row.get("registered_at"));
  }

  /** A SHA-256 of every field of the definition: equal exactly when the definitions are equal. */
  static String fingerprint(FeatureDefinition definition) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("name", definition.name());
    fields.put("owner", definition.owner());
    fields.put("description", definition.description());
    fields.put("source", definition.source());
    fields.put("source_format", definition.sourceFormat());
    fields.put("transform", definition.transform());
    fields.put("entity_keys", definition.entityKeys());
    fields.put("event_time", definition.eventTime());
    fields.put("ttl", definition.ttl());
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Json.writeCompact(fields).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
