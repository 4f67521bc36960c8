package io.tradelake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads configuration in layers, lowest first: {@code reference.conf} in the jar, {@code conf/<env>.conf},
 * a user's {@code --config} file, then {@code --conf key=value} overrides.
 *
 * <p>The environment file is looked up in the configuration directory ({@code TRADELAKE_CONF_DIR},
 * else {@code ./conf}) and then in the jar (under {@code tradelake-conf/}), so the application jar alone
 * runs under spark-submit.
 */
public final class ConfigLoader {

  public static final String CONF_DIR_ENV = "TRADELAKE_CONF_DIR";
  static final String JAR_CONF_PREFIX = "tradelake-conf/";

  private ConfigLoader() {}

  public static Config load(String env, Optional<Path> userFile, List<String> overrides) {
    return load(env, userFile, overrides, defaultConfDir());
  }

  public static Config load(String env, Optional<Path> userFile, List<String> overrides, Optional<Path> confDir) {
    Config reference = ConfigFactory.parseResources("reference.conf", strict());
    Config envConfig = envConfig(env, confDir);
    Config user = userFile.map(ConfigLoader::userConfig).orElse(ConfigFactory.empty());
    Config flags = ConfigFactory.parseMap(parseOverrides(overrides), "--conf flags");
    try {
      return flags.withFallback(user).withFallback(envConfig).withFallback(reference)
          .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(true));
    } catch (ConfigException e) {
      throw new SettingsException("configuration does not resolve: " + e.getMessage());
    }
  }

  static Optional<Path> defaultConfDir() {
    String fromEnv = System.getenv(CONF_DIR_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(Path.of(fromEnv));
    }
    Path local = Path.of("conf");
    return Files.isDirectory(local) ? Optional.of(local) : Optional.empty();
  }

  private static Config envConfig(String env, Optional<Path> confDir) {
    if (!env.matches("[A-Za-z0-9_-]+")) {
      throw new SettingsException("unknown env '" + env + "': env names are letters, digits, '-' and '_'");
    }
    if (confDir.isPresent()) {
      Path file = confDir.get().resolve(env + ".conf");
      if (Files.isRegularFile(file)) {
        return parse(() -> ConfigFactory.parseFile(file.toFile(), strict()), file.toString());
      }
    }
    String resource = JAR_CONF_PREFIX + env + ".conf";
    if (ConfigLoader.class.getClassLoader().getResource(resource) != null) {
      return parse(() -> ConfigFactory.parseResources(resource, strict()), resource);
    }
    throw new SettingsException("unknown env '" + env + "': no " + env + ".conf in "
        + confDir.map(Path::toString).orElse("./conf") + " or in the application jar");
  }

  private static Config userConfig(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new SettingsException("config file not found: " + file);
    }
    return parse(() -> ConfigFactory.parseFile(file.toFile(), strict()), file.toString());
  }

  private static Config parse(java.util.function.Supplier<Config> parser, String origin) {
    try {
      return parser.get();
    } catch (ConfigException e) {
      throw new SettingsException("cannot parse " + origin + ": " + e.getMessage());
    }
  }

  private static ConfigParseOptions strict() {
    return ConfigParseOptions.defaults().setAllowMissing(false);
  }

  /** {@code key=value} pairs; a key without the {@code tradelake.} or {@code spark.} prefix gets {@code tradelake.}. */
  static Map<String, Object> parseOverrides(List<String> overrides) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new SettingsException("malformed --conf '" + override + "': expected key=value");
      }
      String key = override.substring(0, eq).trim();
      String value = override.substring(eq + 1).trim();
      if (key.startsWith("spark.")) {
        // Spark keys contain dots; keep them as one key under tradelake.spark.
        map.put("tradelake.spark.\"" + key + "\"", value);
      } else {
        map.put(key.startsWith("tradelake.") ? key : "tradelake." + key, value);
      }
    }
    return map;
  }
}
