package org.deepline.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Type;
import java.util.List;

/**
 * One key of a config record, read from its record component.
 *
 * @param name         the key as Jackson binds it (snake_case, or the {@code @JsonProperty} name)
 * @param type         the component's generic Java type
 * @param defaultValue what binding {@code {}} leaves in the component, as JSON; null for none
 * @param required     the component is {@link org.deepline.core.Required}
 * @param description  its {@code @JsonPropertyDescription}; blank when it has none
 * @param allowed      the values of its {@link org.deepline.core.OneOf} constant or enum type; else
 *                     empty
 */
record ConfigKey(String name, Type type, JsonNode defaultValue, boolean required,
    String description, List<String> allowed) {}
