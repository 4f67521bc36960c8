package io.tradelake.table;

import io.tradelake.config.Settings;
import io.tradelake.config.SourceLayout;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The settings that shape what a stage writes, as its ledger records them with each batch range
 * ({@code clean_log.settings}, {@code aggregate_log.settings}): one {@code key=value} line per setting, sorted.
 * A later run compares its own with the last recorded, so rows made under different settings do not mix
 * unnoticed. Only what shapes rows counts; paths, Spark settings and models do not.
 */
public record StageSettings(Map<String, String> values) {

  /**
   * The settings of silver rows that cannot be mixed: money in one currency, direction from one country, days
   * in one time zone, and buyers under one pseudonym key (recorded as a check value, never the key).
   */
  public static final List<String> CLEAN_FIXED = List.of("reporting-currency", "reporting-country",
      "reporting-time-zone", "privacy.key-check");

  public StageSettings {
    values = new TreeMap<>(values);
  }

  /** What clean's rows depend on, {@code fxRates} being the FX table's description (FxRates.Contents). */
  public static StageSettings clean(Settings s, String fxRates) {
    StageSettings withoutKey = cleanWithoutKey(s, fxRates);
    Map<String, String> v = new TreeMap<>(withoutKey.values);
    v.put("privacy.key-check", keyCheck(s.pseudonymKey()));
    return new StageSettings(v);
  }

  /**
   * {@link #clean} but the key's check value: for a command that reads (status), which needs no key. A null
   * {@code fxRates} (a table status could not read) leaves the FX table out, so it is not compared.
   */
  public static StageSettings cleanWithoutKey(Settings s, String fxRates) {
    Map<String, String> v = new TreeMap<>();
    v.put("reporting-currency", s.reportingCurrency());
    v.put("reporting-country", s.reportingCountry());
    v.put("reporting-time-zone", s.reportingTimeZone());
    if (fxRates != null) {
      // The table's content, not its name: a corrected file under the same name is a change, a copy elsewhere is not.
      v.put("fx.rates", fxRates);
    }
    v.put("fx.max-rate-age-days", Integer.toString(s.fxMaxRateAgeDays()));
    v.put("rules", s.rules().toString());
    v.put("cohorts", s.cohorts().toString());
    v.put("age-bands", s.ageBands().toString());
    v.put("channels", s.channels().toString());
    v.put("country-aliases", new TreeMap<>(s.countryAliases()).toString());
    v.put("layouts", new TreeMap<>(s.layouts()).values().stream().map(StageSettings::layoutText)
        .collect(Collectors.joining("; ")));
    return new StageSettings(v);
  }

  /** A layout as text with its fields in name order (its map's own order differs from one JVM to the next). */
  public static String layoutText(SourceLayout l) {
    return new SourceLayout(l.name(), l.format(), l.delimiter(), l.quote(), l.header(), l.columns(), l.jsonSchema(),
        Map.of(), l.timestampPatterns(), l.timeZone()) + " fields " + new TreeMap<>(l.fields());
  }

  /** What the aggregate's stored cells depend on beyond silver: who counts as a young buyer. */
  public static StageSettings aggregate(Settings s) {
    return new StageSettings(Map.of("aggregate.youth", s.youth().toString()));
  }

  /**
   * The settings silver's rows were last cleaned with, as clean_log's last range recorded them: empty when
   * there is no clean_log or its last range recorded none.
   */
  public static Optional<StageSettings> ofSilver(Tables tables) {
    return BatchProgress.last(tables, Tables.CLEAN_LOG).map(BatchProgress.Range::settings).filter(Objects::nonNull)
        .map(StageSettings::parse);
  }

  /** The money of silver's rows is in this currency: clean_log's, else {@code fallback} (nothing recorded yet). */
  public static String silverCurrency(Tables tables, String fallback) {
    return ofSilver(tables).map(s -> s.values.get("reporting-currency")).orElse(fallback);
  }

  /** As a ledger stores it. */
  public String text() {
    return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().replace('\n', ' '))
        .collect(Collectors.joining("\n"));
  }

  /** From a ledger's text; empty for null (a range recorded before settings were). */
  public static StageSettings parse(String text) {
    Map<String, String> v = new TreeMap<>();
    if (text != null) {
      for (String line : text.split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          v.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    }
    return new StageSettings(v);
  }

  /** The settings both record, with different values (a setting only one records is not compared). */
  public List<String> changedFrom(StageSettings earlier) {
    TreeSet<String> changed = new TreeSet<>();
    values.forEach((k, v) -> {
      String before = earlier.values.get(k);
      if (before != null && !before.equals(v)) {
        changed.add(k);
      }
    });
    return List.copyOf(changed);
  }

  /** {@link #describeChange} of each of {@code keys}, for one line. */
  public String describeChanges(StageSettings earlier, List<String> keys) {
    return keys.stream().map(k -> describeChange(earlier, k)).collect(Collectors.joining(", "));
  }

  /** "key was X, now Y" for short values, else just the key. */
  public String describeChange(StageSettings earlier, String key) {
    String before = earlier.values.get(key);
    String now = values.get(key);
    return before.length() + now.length() <= 170 && !key.equals("privacy.key-check")
        ? key + " (was " + before + ", now " + now + ")"
        : key + (key.equals("privacy.key-check") ? " (another HMAC key)" : "");
  }

  /** HMAC-SHA256 of a fixed text under the key, shortened: tells keys apart without revealing one. */
  static String keyCheck(String key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal("tradelake key check".getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
