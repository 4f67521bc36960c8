package io.tradelake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Renders the effective configuration, for the log and for {@code tradelake config}, with secret values masked. */
public final class ConfigPrinter {

  private ConfigPrinter() {}

  public static String render(Config config) {
    return masked(config).root().render(ConfigRenderOptions.concise().setFormatted(false).setJson(false));
  }

  /**
   * One line per setting, sorted by key: {@code key = value  # where it was set} (reference.conf, the
   * environment's or a user's file with its line, or the --conf flags), secret values masked.
   */
  public static String renderWithOrigins(Config config) {
    Config all = config.getConfig("tradelake");
    Config masked = masked(config);
    StringBuilder out = new StringBuilder();
    toMap(masked).forEach((key, value) ->
        out.append(key).append(" = ").append(value.render(ConfigRenderOptions.concise()))
            .append("  # ").append(origin(all.getValue(key).origin())).append('\n'));
    return out.toString();
  }

  /** The settings by path, sorted. */
  private static Map<String, ConfigValue> toMap(Config c) {
    Map<String, ConfigValue> m = new TreeMap<>();
    c.entrySet().forEach(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  /** "reference.conf:12", "conf/local.conf:3", "--conf flags": short enough to read beside each value. */
  static String origin(ConfigOrigin o) {
    String where = o.resource() != null ? o.resource() : o.filename() != null ? o.filename() : o.description();
    return o.lineNumber() > 0 && (o.resource() != null || o.filename() != null) ? where + ":" + o.lineNumber() : where;
  }

  private static Config masked(Config config) {
    Config masked = config.getConfig("tradelake");
    for (Map.Entry<String, ?> e : masked.entrySet()) {
      if (isSecret(e.getKey())) {
        // entrySet keys are path expressions, quoted where needed, so they address the same value.
        masked = masked.withValue(e.getKey(), ConfigValueFactory.fromAnyRef("****"));
      }
    }
    return masked;
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("secret") || k.contains("password") || k.contains("token") || k.endsWith("key")
        || k.contains("access.key") || k.contains("credential");
  }
}
