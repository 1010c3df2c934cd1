package org.deepline.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the constant that lists every value a string config key (or each string of a list key) may
 * take: the same {@code List<String>} the record's {@code validate} checks with
 * {@link ConfigErrors#requireOneOf}, so the values are written once.
 *
 * <pre>{@code
 * public record LossConfig(@OneOf("TYPES") String type, ...)
 * }</pre>
 *
 * <p>Read by {@code org.deepline.config.ConfigReference} for the config reference and the JSON
 * Schema's {@code enum}, which gives editors completion of the values.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface OneOf {
  /** The name of a public static {@code Collection<String>} field. */
  String value();

  /** The class that declares the field; {@code void.class} (the default) is the record itself. */
  Class<?> in() default void.class;
}
