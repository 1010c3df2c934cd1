package org.deepline.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The config reference page: one table of keys per config record, in the order of the records. */
final class ConfigReferenceMarkdown {
  private static final String TABLE_HEADER =
      "| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n";
  /** The top level and the sections are {@code ##}, records inside a section {@code ###}. */
  private static final int SECTION_HEADING_LEVEL = 2;
  private static final int NESTED_HEADING_LEVEL = 3;
  private static final String NO_DEFAULT = "none";
  private static final String REQUIRED = "**required**";

  private final Map<Class<?>, ConfigSection> byRecord = new HashMap<>();

  private ConfigReferenceMarkdown(List<ConfigSection> sections) {
    sections.forEach(section -> byRecord.put(section.record(), section));
  }

  /** The page: {@code preamble}, then every section's heading and table. */
  static String of(List<ConfigSection> sections, String preamble) {
    ConfigReferenceMarkdown page = new ConfigReferenceMarkdown(sections);
    return preamble + sections.stream().map(page::section).collect(Collectors.joining("\n"));
  }

  private String section(ConfigSection section) {
    String hashes = "#".repeat(section.depth() <= 1 ? SECTION_HEADING_LEVEL : NESTED_HEADING_LEVEL);
    return hashes + " " + section.title() + "\n\n" + TABLE_HEADER
        + section.keys().stream().map(this::row).collect(Collectors.joining());
  }

  private String row(ConfigKey key) {
    return "| `" + key.name() + "` | " + cell(type(key.type())) + " | " + cell(defaultText(key))
        + " | " + cell(description(key)) + " |\n";
  }

  private String type(Type type) {
    if (ConfigModel.isRecord(type)) {
      return "object, " + link((Class<?>) type);
    }
    if (ConfigModel.isList(type)) {
      return "list of " + plural(ConfigModel.elementType(type));
    }
    if (ConfigModel.isMap(type)) {
      return "map of string to " + plural(ConfigModel.elementType(type));
    }
    return JsonTypes.of(type);
  }

  private String plural(Type element) {
    return ConfigModel.isRecord(element)
        ? "objects, " + link((Class<?>) element) : JsonTypes.of(element) + "s";
  }

  private String link(Class<?> record) {
    ConfigSection section = byRecord.get(record);
    String name = section.path().isEmpty() ? ConfigSection.TOP_LEVEL : "`" + section.path() + "`";
    return "[" + name + "](#" + anchor(section.title()) + ")";
  }

  private String defaultText(ConfigKey key) {
    if (key.required()) {
      return REQUIRED;
    }
    JsonNode value = key.defaultValue();
    if (value == null) {
      return NO_DEFAULT;
    }
    if (ConfigModel.isRecord(key.type())) {
      return "its keys' defaults";
    }
    return "`" + ConfigModel.writeCompact(value) + "`";
  }

  private static String description(ConfigKey key) {
    if (key.allowed().isEmpty()) {
      return key.description();
    }
    String values = key.allowed().stream().map(value -> "`" + value + "`")
        .collect(Collectors.joining(", "));
    return key.description() + " Allowed values: " + values + ".";
  }

  /** Text safe in a table cell: a {@code |} would end the cell. */
  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  /**
   * The anchor GitHub gives a heading: lower case, punctuation other than {@code -} and {@code _}
   * dropped, spaces as {@code -}.
   */
  static String anchor(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
  }
}
