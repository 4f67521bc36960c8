package io.tradelake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.util.Locale;
import java.util.Map;

/** Renders the effective configuration for the log, with secret values masked. */
public final class ConfigPrinter {

  private ConfigPrinter() {}

  public static String render(Config config) {
    Config masked = config.getConfig("tradelake");
    for (Map.Entry<String, ?> e : masked.entrySet()) {
      if (isSecret(e.getKey())) {
        // entrySet keys are path expressions, quoted where needed, so they address the same value.
        masked = masked.withValue(e.getKey(), ConfigValueFactory.fromAnyRef("****"));
      }
    }
    return masked.root().render(ConfigRenderOptions.concise().setFormatted(false).setJson(false));
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("secret") || k.contains("password") || k.contains("token") || k.endsWith("key")
        || k.contains("access.key") || k.contains("credential");
  }
}
