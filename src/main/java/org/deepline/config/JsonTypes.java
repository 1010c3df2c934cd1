package org.deepline.config;

import java.lang.reflect.Type;

/** The JSON type a config key's Java type binds from: what the reference and the schema call it. */
final class JsonTypes {
  static final String STRING = "string";
  static final String INTEGER = "integer";
  static final String NUMBER = "number";
  static final String BOOLEAN = "boolean";
  static final String ARRAY = "array";
  static final String OBJECT = "object";

  private JsonTypes() {}

  /** The JSON Schema type name of {@code type}. */
  static String of(Type type) {
    if (ConfigModel.isList(type)) {
      return ARRAY;
    }
    if (ConfigModel.isMap(type) || ConfigModel.isRecord(type)) {
      return OBJECT;
    }
    if (type == String.class || type instanceof Class<?> c && c.isEnum()) {
      return STRING;
    }
    if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
      return INTEGER;
    }
    if (type == Double.class || type == Float.class || type == double.class
        || type == float.class) {
      return NUMBER;
    }
    if (type == Boolean.class || type == boolean.class) {
      return BOOLEAN;
    }
    throw new IllegalArgumentException("no JSON type for config key type " + type.getTypeName());
  }
}
