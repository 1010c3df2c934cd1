package org.deepline.etl;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The URL arithmetic of {@link RestSource}: query parameters, next links, masking secrets. */
final class RestUrls {
  static final String MASK = "***";
  /** One link of an RFC 8288 {@code Link} header: {@code <uri>; param; param}. */
  private static final Pattern LINK = Pattern.compile("<([^>]*)>([^,<]*)");
  private static final Pattern REL = Pattern.compile("(?i);\\s*rel\\s*=\\s*(\"([^\"]*)\"|([^;\\s]+))");

  private static final int HTTP_PORT = 80;
  private static final int HTTPS_PORT = 443;

  private RestUrls() {}

  /**
   * Whether {@code url} has {@code origin}'s scheme, host and port (a port left out is the scheme's
   * own): where a source's credentials may go. A token sent wherever a page's next link pointed
   * left for any host a page named; curl, browsers and Python's requests drop it when the host
   * changes. False for a text that is no URL.
   */
  static boolean sameOrigin(String origin, String url) {
    try {
      URI expected = URI.create(origin);
      URI requested = URI.create(url);
      return equalsIgnoreCase(expected.getScheme(), requested.getScheme())
          && equalsIgnoreCase(expected.getHost(), requested.getHost())
          && port(expected) == port(requested);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean equalsIgnoreCase(String a, String b) {
    return a != null && a.equalsIgnoreCase(b);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? HTTPS_PORT : HTTP_PORT;
  }

  /** The decoded names of a raw query's parameters, in order. */
  static List<String> parameterNames(String rawQuery) {
    List<String> names = new ArrayList<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        int equals = pair.indexOf('=');
        names.add(decode(equals < 0 ? pair : pair.substring(0, equals)));
      }
    }
    return names;
  }

  /**
   * {@code url} with each of {@code params} set: a parameter already in the URL under the same name
   * is replaced, the others are appended in the map's order. Names and values are percent-encoded.
   */
  static String withParams(String url, Map<String, String> params) {
    if (params.isEmpty()) {
      return url;
    }
    int hash = url.indexOf('#');
    String fragment = hash < 0 ? "" : url.substring(hash);
    String base = hash < 0 ? url : url.substring(0, hash);
    int question = base.indexOf('?');
    String path = question < 0 ? base : base.substring(0, question);
    List<String> pairs = new ArrayList<>();
    if (question >= 0 && question < base.length() - 1) {
      for (String pair : base.substring(question + 1).split("&")) {
        int equals = pair.indexOf('=');
        if (!params.containsKey(decode(equals < 0 ? pair : pair.substring(0, equals)))) {
          pairs.add(pair);
        }
      }
    }
    params.forEach((name, value) -> pairs.add(encode(name) + "=" + encode(value)));
    return path + "?" + String.join("&", pairs) + fragment;
  }

  /**
   * {@code url} as it may be shown (logs, errors, bronze): the value of every query parameter whose
   * name looks like a credential ({@link RestConfig#SECRET_NAME}) or is {@code secretParam} masked.
   */
  static String shown(String url, String secretParam) {
    int question = url.indexOf('?');
    if (question < 0) {
      return url;
    }
    int hash = url.indexOf('#', question);
    String query = hash < 0 ? url.substring(question + 1) : url.substring(question + 1, hash);
    List<String> pairs = new ArrayList<>();
    for (String pair : query.split("&", -1)) {
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      boolean secret = RestConfig.SECRET_NAME.matcher(name).matches() || name.equals(secretParam);
      pairs.add(secret && equals >= 0 ? pair.substring(0, equals + 1) + MASK : pair);
    }
    return url.substring(0, question + 1) + String.join("&", pairs)
        + (hash < 0 ? "" : url.substring(hash));
  }

  /** {@code link} (absolute, or relative to {@code page}) as an absolute URL. */
  static String resolve(String page, String link) {
    return URI.create(page).resolve(link.strip()).toString();
  }

  /** The target of the {@code rel="next"} link among a response's {@code Link} headers. */
  static Optional<String> nextLink(List<String> linkHeaders) {
    for (String header : linkHeaders) {
      Matcher link = LINK.matcher(header);
      while (link.find()) {
        Matcher rel = REL.matcher(link.group(2));
        while (rel.find()) {
          String relations = rel.group(2) != null ? rel.group(2) : rel.group(3);
          for (String relation : relations.strip().split("\\s+")) {
            if (relation.toLowerCase(Locale.ROOT).equals("next")) {
              return Optional.of(link.group(1));
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }
}
