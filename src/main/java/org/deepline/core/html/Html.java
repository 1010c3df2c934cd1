package org.deepline.core.html;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A very small HTML (and inline SVG) tree: the report's sections are functions returning nodes, and
 * text is escaped when the tree is written, so no section can forget to.
 *
 * <pre>{@code
 * Html.Node table = Html.el("table").add(Html.el("tr").add(Html.el("td").text(name)));
 * String page = Html.document(Html.el("html").add(...));
 * }</pre>
 *
 * <p>Block elements end with a newline, so the output diffs line by line against a golden file.
 */
public final class Html {
  /** HTML elements without content or end tag. */
  private static final Set<String> VOID = Set.of("meta", "br", "hr", "img", "input", "link");
  /** Elements followed by a newline: the structure, not the inline text. */
  private static final Set<String> BLOCK = Set.of("html", "head", "body", "main", "header",
      "footer", "section", "div", "dl", "table", "thead", "tbody", "tr", "p", "h1", "h2", "h3",
      "svg", "g", "path", "line", "circle", "rect", "text", "style", "script", "title", "meta",
      "ul", "li", "details", "summary", "figure", "figcaption");

  private Html() {}

  /** Something that writes itself as HTML. */
  public interface Node {
    void write(StringBuilder out);
  }

  public static Element el(String tag) {
    return new Element(tag);
  }

  /** Text, escaped. */
  public static Node text(String text) {
    return out -> out.append(escape(text));
  }

  /**
   * Markup written as is: only for the page's own constant style and script, never for data.
   */
  public static Node trusted(String markup) {
    return out -> out.append(markup);
  }

  public static Node fragment(List<? extends Node> nodes) {
    return out -> nodes.forEach(node -> node.write(out));
  }

  public static String document(Element html) {
    StringBuilder out = new StringBuilder("<!DOCTYPE html>\n");
    html.write(out);
    return out.toString();
  }

  /** An element with attributes (in the order set) and children. */
  public static final class Element implements Node {
    private final String tag;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final List<Node> children = new ArrayList<>();

    private Element(String tag) {
      this.tag = tag;
    }

    public Element attr(String name, String value) {
      attributes.put(name, value);
      return this;
    }

    public Element attr(String name, long value) {
      return attr(name, Long.toString(value));
    }

    public Element cls(String names) {
      return attr("class", names);
    }

    public Element add(Node... nodes) {
      children.addAll(Arrays.asList(nodes));
      return this;
    }

    public Element add(List<? extends Node> nodes) {
      children.addAll(nodes);
      return this;
    }

    public Element text(String text) {
      return add(Html.text(text));
    }

    @Override
    public void write(StringBuilder out) {
      out.append('<').append(tag);
      attributes.forEach((name, value) -> out.append(' ').append(name).append("=\"")
          .append(escape(value)).append('"'));
      out.append('>');
      if (!VOID.contains(tag)) {
        boolean blockChildren = children.stream()
            .anyMatch(c -> c instanceof Element e && BLOCK.contains(e.tag));
        if (blockChildren) {
          out.append('\n');
        }
        children.forEach(child -> child.write(out));
        out.append("</").append(tag).append('>');
      }
      if (BLOCK.contains(tag)) {
        out.append('\n');
      }
    }
  }

  /** Escapes text for element content and quoted attribute values alike. */
  public static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
