package org.deepline.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a config record component that has no default and that every config must set, whatever
 * the other keys say; {@code validate} rejects a config without it. Keys required only together
 * with others (a JDBC table or a query) say so in their description instead.
 *
 * <p>Read by {@code org.deepline.config.ConfigReference}: such keys are "required" in the config
 * reference and listed in the JSON Schema's {@code required}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Required {}
