package org.deepline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deepline.cli.DeeplineCli;
import org.deepline.core.Json;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed config reference and JSON Schema are exactly what the config records generate,
 * every key is described, and every shipped config is valid under the schema.
 */
class ConfigReferenceTest {
  private static final Path PROJECT = TestRuns.project();

  /** Two keys undescribed, one of them in a nested record: the check must name both. */
  record UndescribedFixture(
      @JsonPropertyDescription("A described key.") String described,
      String bare,
      @JsonPropertyDescription("A described section.") Nested nested) {
    record Nested(@JsonPropertyDescription(" ") String blank) {}
  }

  @Test
  void committedReferenceIsWhatTheRecordsGenerate() throws IOException {
    assertGenerated(ConfigReference.MARKDOWN, ConfigReference.markdown());
  }

  @Test
  void committedSchemaIsWhatTheRecordsGenerate() throws IOException {
    assertGenerated(ConfigReference.SCHEMA, ConfigReference.schema());
  }

  @Test
  void theCliSubcommandWritesBothFiles(@TempDir Path dir) throws IOException {
    Path markdown = dir.resolve("reference.md");
    Path schema = dir.resolve("schema.json");

    int code = DeeplineCli.execute("config-reference", "--markdown", markdown.toString(),
        "--schema", schema.toString());

    assertEquals(0, code);
    assertEquals(ConfigReference.markdown(), Files.readString(markdown));
    assertEquals(ConfigReference.schema(), Files.readString(schema));
  }

  @Test
  void everyKeyHasADescription() {
    assertEquals(List.of(), ConfigReference.undescribedKeys(DeeplineConfig.class),
        "config keys without a description: put @JsonPropertyDescription on their record "
            + "components, then regenerate the reference with `" + ConfigReference.REGENERATE + "`");
  }

  @Test
  void theDescriptionCheckNamesUndescribedKeys() {
    assertEquals(List.of("bare", "nested.blank"),
        ConfigReference.undescribedKeys(UndescribedFixture.class));
  }

  @Test
  void everyShippedConfigIsValidUnderTheSchema() throws IOException {
    JsonSchemaSubset schema =
        new JsonSchemaSubset(Json.mapper().readTree(ConfigReference.schema()));
    List<Path> configs = ConfigLoaderTest.jobConfigs().toList();
    assertFalse(configs.isEmpty(), "no configs in conf/");
    for (Path config : configs) {
      assertEquals(List.of(), schema.validate(Json.mapper().readTree(config.toFile())),
          config + " breaks " + ConfigReference.SCHEMA);
    }
  }

  @Test
  void theSchemaRejectsWhatTheLoaderRejects() throws IOException {
    JsonSchemaSubset schema =
        new JsonSchemaSubset(Json.mapper().readTree(ConfigReference.schema()));
    ObjectNode config =
        (ObjectNode) Json.mapper().readTree(PROJECT.resolve("conf/churn.json").toFile());
    ObjectNode training = (ObjectNode) config.get("training");
    training.put("epoch", 5);
    training.put("patience", "abc");
    training.putObject("loss").put("type", "hinge");
    config.remove("dataset");

    List<String> errors = schema.validate(config);

    assertEquals(List.of("$.dataset: is required",
        "$.training: matches none of the anyOf alternatives"), errors.subList(0, 2));
    JsonNode trainingSchema = Json.mapper().readTree(ConfigReference.schema())
        .at("/$defs/TrainingConfig");
    List<String> inTraining = new JsonSchemaSubset(withDefs(trainingSchema)).validate(training);
    assertTrue(inTraining.contains("$.epoch: unknown key"), inTraining.toString());
    assertTrue(inTraining.stream().anyMatch(e -> e.startsWith("$.patience: expected")),
        inTraining.toString());
    assertTrue(inTraining.contains("$.loss: matches none of the anyOf alternatives"),
        inTraining.toString());
  }

  @Test
  void defaultsAreTheOnesTheLoaderFillsIn() throws IOException {
    JsonNode schema = Json.mapper().readTree(ConfigReference.schema());
    JsonNode training = schema.at("/$defs/TrainingConfig/properties");
    assertEquals(42, training.at("/seed/default").asInt());
    assertTrue(training.at("/epochs/default").isMissingNode(), "epochs follow the split's size");
    assertEquals(0.0001, training.at("/l2/default").asDouble());
    assertTrue(training.at("/batch_size_per_worker/default").isMissingNode(),
        "a key left null by its record has no default");
    assertEquals("[\"string\",\"null\"]",
        Json.writeCompact(schema.at("/$defs/LossConfig/properties/type/type")));
    assertEquals("[\"cross_entropy\",\"focal\",\"mse\",\"mae\",\"huber\",null]",
        Json.writeCompact(schema.at("/$defs/LossConfig/properties/type/enum")));
    assertEquals("[\"dataset\",\"source\",\"schema\",\"label\",\"features\"]",
        Json.writeCompact(schema.get("required")));
  }

  /** {@code schema} with the generated schema's {@code $defs}, so that its $refs resolve. */
  private static JsonNode withDefs(JsonNode schema) throws IOException {
    ObjectNode copy = schema.deepCopy();
    copy.set("$defs", Json.mapper().readTree(ConfigReference.schema()).get("$defs"));
    return copy;
  }

  /** Fails at the first line where the committed file and the generated text part, with the fix. */
  private static void assertGenerated(Path relative, String generated) throws IOException {
    Path committed = PROJECT.resolve(relative);
    // A checkout with CRLF line endings is not a difference.
    String text = Files.exists(committed) ? Files.readString(committed).replace("\r\n", "\n") : "";
    if (text.equals(generated)) {
      return;
    }
    String[] had = text.split("\n", -1);
    String[] wants = generated.split("\n", -1);
    int line = 0;
    while (line < had.length && line < wants.length && had[line].equals(wants[line])) {
      line++;
    }
    fail(relative + " is not what the config records generate (first difference at line "
        + (line + 1) + ":\n  committed: " + (line < had.length ? had[line] : "<end of file>")
        + "\n  generated: " + (line < wants.length ? wants[line] : "<end of file>")
        + ").\nRegenerate it from the repository root with `" + ConfigReference.REGENERATE
        + "` and commit it.");
  }
}
