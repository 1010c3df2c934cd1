package org.deepline.featurestore;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;
import org.deepline.core.ConfigErrors;

/**
 * {@code feature_store.online}: the Redis server the latest feature values are published to. The
 * password is never part of the config: it comes from the environment ({@link RedisSettings}).
 *
 * @param url               {@code redis://host:port/db} or {@code rediss://} for TLS; default
 *                          {@value #DEFAULT_URL}; the environment's {@code REDIS_URL} overrides it
 * @param keyPrefix         the first part of every key written; default {@value #DEFAULT_KEY_PREFIX}
 * @param consistencySample how many entities of each table the consistency check compares value by
 *                          value with the offline table; default {@value #DEFAULT_CONSISTENCY_SAMPLE}
 * @param sampleSeed        the seed choosing those entities (by a hash of the key); default 0
 */
public record OnlineStoreConfig(
    @JsonPropertyDescription("The server. The environment's `REDIS_URL` overrides it. Allowed: "
        + "`redis://host[:port][/db]`, `rediss://` for TLS; no user or password.")
    String url,
    @JsonPropertyDescription("First part of every key. Allowed: `[a-z][a-z0-9_]{0,63}`.")
    String keyPrefix,
    @JsonPropertyDescription("Entities per table compared value by value. Allowed: > 0.")
    Integer consistencySample,
    @JsonPropertyDescription("Chooses the sampled entities (`xxhash64(keys, seed)`, the same "
        + "whatever the partitioning).")
    Long sampleSeed) {
  public static final String DEFAULT_URL = "redis://127.0.0.1:6379/0";
  public static final String DEFAULT_KEY_PREFIX = "deepline";
  public static final int DEFAULT_CONSISTENCY_SAMPLE = 100;
  static final List<String> SCHEMES = List.of("redis", "rediss");
  private static final Pattern KEY_PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  public OnlineStoreConfig {
    url = url == null ? DEFAULT_URL : url;
    keyPrefix = keyPrefix == null ? DEFAULT_KEY_PREFIX : keyPrefix;
    consistencySample = consistencySample == null ? DEFAULT_CONSISTENCY_SAMPLE : consistencySample;
    sampleSeed = sampleSeed == null ? 0L : sampleSeed;
  }

  public void validate(ConfigErrors errors) {
    try {
      URI parsed = new URI(url);
      errors.require(parsed.getScheme() != null && SCHEMES.contains(parsed.getScheme()), "url",
          "must start with redis:// or rediss://, got " + parsed.getScheme());
      errors.require(parsed.getRawUserInfo() == null, "url", "must not hold credentials (they would "
          + "be written to run records and logs); set REDIS_PASSWORD in the environment");
      errors.require(parsed.getHost() != null, "url", "names no host");
    } catch (URISyntaxException e) {
      errors.add("url", "is not a valid URI");
    }
    errors.require(KEY_PREFIX.matcher(keyPrefix).matches(), "key_prefix",
        "must be lower-case letters, digits and _, starting with a letter, got " + keyPrefix);
    errors.requirePositive(consistencySample, "consistency_sample");
  }
}
