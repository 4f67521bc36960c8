package io.tradelake.generate;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** A small, deterministic JSON writer for the manifest: maps keep their order, two-space indentation. */
final class Json {

  private Json() {}

  static String write(Object value) {
    StringBuilder b = new StringBuilder();
    write(b, value, 0);
    return b.append('\n').toString();
  }

  private static void write(StringBuilder b, Object v, int indent) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      LineFormat.str(b, s);
    } else if (v instanceof BigDecimal d) {
      b.append(d.toPlainString());
    } else if (v instanceof Double d) {
      b.append(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        b.append("{}");
        return;
      }
      b.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        pad(b, indent + 2);
        LineFormat.str(b, String.valueOf(e.getKey()));
        b.append(": ");
        write(b, e.getValue(), indent + 2);
        b.append(++i < m.size() ? ",\n" : "\n");
      }
      pad(b, indent);
      b.append('}');
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        b.append("[]");
        return;
      }
      boolean flat = l.stream().noneMatch(x -> x instanceof Map || x instanceof List);
      b.append(flat ? "[" : "[\n");
      for (int i = 0; i < l.size(); i++) {
        if (!flat) {
          pad(b, indent + 2);
        }
        write(b, l.get(i), indent + 2);
        if (i + 1 < l.size()) {
          b.append(flat ? ", " : ",\n");
        }
      }
      if (!flat) {
        b.append('\n');
        pad(b, indent);
      }
      b.append(']');
    } else {
      LineFormat.str(b, v.toString());
    }
  }

  private static void pad(StringBuilder b, int n) {
    b.append(" ".repeat(n));
  }
}
