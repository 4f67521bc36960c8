package io.tradelake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Rejects {@code tradelake} keys the pipeline does not read. HOCON takes any key, so a misspelt one
 * ({@code reporting-curency}, a layout's {@code delimeter}) would otherwise be ignored and its default used.
 * The known keys are reference.conf's, plus the places whose keys are the user's own: Spark settings, country
 * aliases, and source layouts (whose keys are checked against {@link #LAYOUT_KEYS}).
 */
final class KnownKeys {

  static final Set<String> LAYOUT_KEYS = Set.of("format", "delimiter", "quote", "header", "columns", "schema",
      "encoding", "fields", "timestamp-patterns", "time-zone");
  private static final Set<String> FIELD_SOURCE_KEYS = Set.of("column", "constant", "expr");

  private KnownKeys() {}

  /** Fails on the first key of {@code tradelake} that is not a setting, naming where it was set. */
  static void check(Config tradelake) {
    Config reference = ConfigFactory.parseResources(KnownKeys.class.getClassLoader(), "reference.conf")
        .getConfig("tradelake");
    tradelake.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      List<String> path = ConfigUtil.splitPath(e.getKey());
      if (!known(path, reference)) {
        throw new SettingsException("unknown setting tradelake." + e.getKey() + " (set in " + e.getValue().origin().description()
            + ")" + suggestion(path, reference).map(s -> ": did you mean tradelake." + s + "?").orElse(""));
      }
    });
  }

  private static boolean known(List<String> path, Config reference) {
    String head = path.get(0);
    if (head.equals("spark") || head.equals("country-aliases")) {
      return true;
    }
    if (path.size() >= 2 && path.get(1).equals("spark") && Settings.SPARK_SCOPES.contains(head)) {
      return true;
    }
    if (head.equals("layouts")) {
      // layouts.<name>.<key>, and layouts.<name>.fields.<field> = column or { column | constant | expr = … }
      if (path.size() < 3 || !LAYOUT_KEYS.contains(path.get(2))) {
        return path.size() < 3;
      }
      return path.get(2).equals("fields")
          ? path.size() == 4 || path.size() == 5 && FIELD_SOURCE_KEYS.contains(path.get(4))
          : path.size() == 3;
    }
    return reference.hasPathOrNull(ConfigUtil.joinPath(path));
  }

  /** The known key spelt nearest to {@code path}, if it is a slip of one or two letters. */
  private static Optional<String> suggestion(List<String> path, Config reference) {
    Stream<String> candidates = path.get(0).equals("layouts") && path.size() >= 3
        ? LAYOUT_KEYS.stream().map(k -> ConfigUtil.joinPath(path.get(0), path.get(1), k))
        : reference.entrySet().stream().map(Map.Entry::getKey);
    String wrong = ConfigUtil.joinPath(path);
    return candidates.filter(k -> distance(k, wrong) <= 2)
        .min(Comparator.comparingInt((String k) -> distance(k, wrong)).thenComparing(k -> k));
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
