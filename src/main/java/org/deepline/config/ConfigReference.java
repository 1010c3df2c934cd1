package org.deepline.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates the config reference ({@code docs/config-reference.md}) and the JSON Schema of a job
 * config ({@code conf/deepline-config.schema.json}) from the config records, so that neither is
 * written by hand nor drifts from the code: keys as Jackson binds them, defaults from binding
 * {@code {}}, descriptions from {@code @JsonPropertyDescription}, required keys and allowed values
 * from {@link org.deepline.core.Required} and {@link org.deepline.core.OneOf}.
 *
 * <p>Regenerate both after changing a config record, from the repository root:
 * {@value #REGENERATE}. {@code ConfigReferenceTest} fails while the committed files differ.
 */
public final class ConfigReference {
  public static final Path MARKDOWN = Path.of("docs", "config-reference.md");
  public static final Path SCHEMA = Path.of("conf", "deepline-config.schema.json");
  public static final String REGENERATE = "submit/deepline-submit config-reference";

  private static final String PREAMBLE = """
      # Job configuration reference (generated)

      <!-- Generated from the config records by org.deepline.config.ConfigReference; do not edit.
           Regenerate with: %s -->

      Every key of a job config, one table per config record in the order of the records. Keys,
      types and defaults are read from the records in `src/main/java/org/deepline/` (defaults by
      binding `{}`), descriptions from their `@JsonPropertyDescription`. The rules of the whole
      file, the notation of ranges, the checks that span keys and worked examples are in
      [configuration.md](configuration.md).

      A key that is not **required** may be left out or set to `null`: it then takes its default
      ("none": unset, with the meaning its description gives). "Allowed values" lists them all.
      The same keys, types, defaults and descriptions are in the JSON Schema
      [`conf/deepline-config.schema.json`](../conf/deepline-config.schema.json), for completion and
      checks in an editor ([configuration.md](configuration.md#editor-completion-json-schema)).

      """.formatted(REGENERATE);

  private ConfigReference() {}

  /** The sections of {@link DeeplineConfig}'s reference. */
  static List<ConfigSection> sections() {
    return ConfigModel.sections(DeeplineConfig.class);
  }

  /** The text of {@code docs/config-reference.md}. */
  public static String markdown() {
    return ConfigReferenceMarkdown.of(sections(), PREAMBLE);
  }

  /** The text of {@code conf/deepline-config.schema.json}. */
  public static String schema() {
    return ConfigModel.writePretty(ConfigSchema.of(sections())) + "\n";
  }

  /**
   * The keys of the records reachable from {@code root} that have no description, by path
   * ({@code training.layers[i].units}); the reference is complete when this is empty.
   */
  static List<String> undescribedKeys(Class<?> root) {
    List<String> undescribed = new ArrayList<>();
    for (ConfigSection section : ConfigModel.sections(root)) {
      String prefix = section.path().isEmpty() ? "" : section.path() + ".";
      for (ConfigKey key : section.keys()) {
        if (key.description().isBlank()) {
          undescribed.add(prefix + key.name());
        }
      }
    }
    return undescribed;
  }

  /** Writes the reference to {@code markdown} and the schema to {@code schema}. */
  public static void write(Path markdown, Path schema) {
    writeText(markdown, markdown());
    writeText(schema, schema());
  }

  private static void writeText(Path file, String text) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
