package org.deepline.featurestore;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.deepline.core.DeeplineException;

/**
 * Where the online store's Redis server is and how to log in: the config's
 * {@code feature_store.online.url}, overridden by the environment's {@value #URL_VARIABLE}; the
 * password only from the environment ({@value #PASSWORD_VARIABLE}, or the password part of
 * {@value #URL_VARIABLE}). {@link #toString} never shows the password, so the settings can be logged.
 *
 * <pre>{@code
 * RedisSettings redis = RedisSettings.resolve(config.online(), System.getenv());
 * }</pre>
 *
 * @param password null for a server without authentication
 */
public record RedisSettings(String host, int port, int database, boolean ssl, String password)
    implements Serializable {
  public static final String URL_VARIABLE = "REDIS_URL";
  public static final String PASSWORD_VARIABLE = "REDIS_PASSWORD";
  private static final long serialVersionUID = 1L;
  private static final int DEFAULT_PORT = 6379;
  private static final String TLS_SCHEME = "rediss";

  /** The settings from the config, overridden by the environment {@code env}. */
  public static RedisSettings resolve(OnlineStoreConfig online, Map<String, String> env) {
    String fromEnv = env.get(URL_VARIABLE);
    boolean useEnv = fromEnv != null && !fromEnv.isBlank();
    String where = useEnv ? "environment variable " + URL_VARIABLE : "feature_store.online.url";
    URI uri;
    try {
      uri = new URI(useEnv ? fromEnv.strip() : online.url());
    } catch (URISyntaxException e) {
      // Not the value itself: from the environment it may hold a password.
      throw new DeeplineException(DeeplineException.Failure.CONFIG, where + ": not a valid URI");
    }
    if (uri.getScheme() == null || !OnlineStoreConfig.SCHEMES.contains(uri.getScheme())
        || uri.getHost() == null) {
      throw new DeeplineException(DeeplineException.Failure.CONFIG, where
          + ": must be redis://host[:port][/db] or rediss://...");
    }
    int database = 0;
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+", "");
    if (!path.isEmpty()) {
      try {
        database = Integer.parseInt(path);
      } catch (NumberFormatException e) {
        throw new DeeplineException(DeeplineException.Failure.CONFIG, where
            + ": the path must be a database number, got /" + path);
      }
    }
    String password = env.get(PASSWORD_VARIABLE);
    if ((password == null || password.isEmpty()) && useEnv && uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      password = URLDecoder.decode(info.substring(info.indexOf(':') + 1), StandardCharsets.UTF_8);
    }
    return new RedisSettings(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
        database, TLS_SCHEME.equals(uri.getScheme()),
        password == null || password.isEmpty() ? null : password);
  }

  @Override
  public String toString() {
    return (ssl ? TLS_SCHEME : "redis") + "://" + host + ":" + port + "/" + database
        + (password == null ? "" : " (password from the environment)");
  }
}
