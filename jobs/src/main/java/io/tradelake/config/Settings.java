package io.tradelake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Typed, validated view of the {@code tradelake} configuration. Built once per run, before any I/O. */
public record Settings(
    String input,
    String warehouse,
    java.time.Duration ingestMinFileAge,
    String reportingCurrency,
    String reportingCountry,
    String reportingTimeZone,
    String fxRatesFile,
    int fxMaxRateAgeDays,
    Rules rules,
    List<Band> cohorts,
    List<Band> ageBands,
    List<ChannelRule> channels,
    Map<String, List<String>> countryAliases,
    Map<String, SourceLayout> layouts,
    Youth youth,
    ClusterModel marketModel,
    BuyerModel buyerModel,
    PseudonymKey privacyKey,
    int minBuyersPerCell,
    Map<String, String> spark,
    Map<String, Map<String, String>> stageSpark,
    Catalog catalog) {

  /**
   * Spark SQL settings for work on a few thousand rows ({@code small-data.spark}): a small batch once its keys
   * are looked up, and the gold tables computed from their cells. Applied on top of the stage's own.
   */
  public static final String SMALL_DATA = "small-data";
  /** What may carry Spark SQL settings of its own ({@code <scope>.spark { … }}): the stages, and small data. */
  static final List<String> SPARK_SCOPES = List.of("ingest", "clean", "aggregate", "model", SMALL_DATA);

  /**
   * The Spark SQL settings {@code stage} runs with, on top of the session's ({@code <stage>.spark}); also those of
   * {@link #SMALL_DATA}.
   */
  public Map<String, String> sparkFor(String stage) {
    return stageSpark.getOrDefault(stage, Map.of());
  }

  public record Rules(long maxQuantity, long maxUnitPrice, LocalDate minEventDate, int maxDaysInFuture,
      int minBirthYear) {}

  public record Youth(String direction, int minAge, int maxAge) {}

  /**
   * How one model is fitted: the algorithm ({@link #ALGORITHMS}), the k range searched, the seed, the iteration
   * cap, the feature columns in the order the model sees them, and those log-transformed (log1p) first.
   */
  public record ClusterModel(String algorithm, int kMin, int kMax, long seed, int maxIter, List<String> features,
      List<String> logFeatures) {

    /** The same model over only {@code kept} of its features. */
    public ClusterModel withFeatures(List<String> kept) {
      return new ClusterModel(algorithm, kMin, kMax, seed, maxIter,
          features.stream().filter(kept::contains).toList(), logFeatures.stream().filter(kept::contains).toList());
    }
  }

  /**
   * Buyer segmentation: the model, and which buyers are clustered: direction of their orders (EXPORT, IMPORT
   * or TOTAL), age at their last order (a missing birth year passes only when the range is the full 0–150),
   * and a minimum number of orders; and about how many of them, at most, the search for k fits and scores on.
   */
  public record BuyerModel(ClusterModel model, String direction, int minAge, int maxAge, int minOrders,
      long kSearchRows) {}

  public static final List<String> ALGORITHMS = List.of("kmeans", "bisecting-kmeans", "gaussian-mixture");

  /** Where tables are registered by name: see {@code tradelake.catalog} in reference.conf. */
  public record Catalog(Metastore metastore, String metastoreUri, String database) {
    public enum Metastore { EMBEDDED, EXTERNAL, NONE }
  }

  private static final Set<String> DIRECTIONS = Set.of("EXPORT", "IMPORT", "TOTAL");

  public static Settings from(Config root) {
    return from(root, System::getenv);
  }

  /** @param env how environment variables are read (secrets come only from there, or a local dev key) */
  public static Settings from(Config root, java.util.function.Function<String, String> env) {
    try {
      Config c = root.getConfig("tradelake");
      KnownKeys.check(c);
      Config agg = c.getConfig("aggregate");
      Config youth = agg.getConfig("youth");
      Config markets = c.getConfig("model.markets");
      Config buyers = c.getConfig("model.buyers");
      Settings s = new Settings(
          nonBlank(c, "input"),
          nonBlank(c, "warehouse"),
          notNegative(c, "ingest.min-file-age"),
          currency(nonBlank(c, "reporting-currency"), "reporting-currency"),
          countryCode(nonBlank(c, "reporting-country")),
          zone(nonBlank(c, "reporting-time-zone"), "reporting-time-zone"),
          nonBlank(c, "fx.rates-file"),
          positive(c, "fx.max-rate-age-days"),
          new Rules(c.getLong("rules.max-quantity"), c.getLong("rules.max-unit-price"),
              date(c, "rules.min-event-date"), c.getInt("rules.max-days-in-future"), c.getInt("rules.min-birth-year")),
          bands(c, "cohorts"),
          bands(c, "age-bands"),
          channels(c),
          countryAliases(c),
          layouts(c),
          new Youth(directions(List.of(youth.getString("direction")), "aggregate.youth.direction").get(0),
              youth.getInt("min-age"), youth.getInt("max-age")),
          clusterModel(markets, "model.markets"),
          new BuyerModel(clusterModel(buyers, "model.buyers"),
              directions(List.of(buyers.getString("population.direction")), "model.buyers.population.direction").get(0),
              buyers.getInt("population.min-age"), buyers.getInt("population.max-age"),
              buyers.getInt("population.min-orders"), buyers.getLong("k-search-rows")),
          pseudonymKey(c, env),
          positive(c, "privacy.min-buyers"),
          sparkConf(c),
          stageSparkConf(c),
          catalog(c));
      if (s.rules.maxQuantity() > 999_999 || s.rules.maxUnitPrice() > 999_999_999) {
        throw new SettingsException("rules: max-quantity may be at most 999999 and max-unit-price at most 999999999 "
            + "(money is computed exactly in 38 digits)");
      }
      if (s.buyerModel.minAge() > s.buyerModel.maxAge() || s.buyerModel.minOrders() < 1) {
        throw new SettingsException("model.buyers.population: need min-age <= max-age and min-orders >= 1");
      }
      if (s.buyerModel.kSearchRows() <= s.buyerModel.model().kMax()) {
        throw new SettingsException("model.buyers.k-search-rows must be above k-max ("
            + s.buyerModel.model().kMax() + "): each candidate k needs more buyers than clusters");
      }
      if (s.youth.minAge() > s.youth.maxAge()) {
        throw new SettingsException("aggregate.youth: min-age is above max-age");
      }
      return s;
    } catch (ConfigException e) {
      throw new SettingsException(e.getMessage());
    }
  }

  public Settings withInput(String newInput) {
    return new Settings(newInput, warehouse, ingestMinFileAge, reportingCurrency, reportingCountry, reportingTimeZone,
        fxRatesFile, fxMaxRateAgeDays, rules, cohorts, ageBands, channels, countryAliases, layouts, youth, marketModel,
        buyerModel, privacyKey, minBuyersPerCell, spark, stageSpark, catalog);
  }

  private static java.time.Duration notNegative(Config c, String key) {
    java.time.Duration d = c.getDuration(key);
    if (d.isNegative()) {
      throw new SettingsException(key + ": must not be negative, got " + c.getString(key));
    }
    return d;
  }

  private static Catalog catalog(Config c) {
    String name = nonBlank(c, "catalog.metastore");
    Catalog.Metastore metastore;
    try {
      metastore = Catalog.Metastore.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SettingsException("catalog.metastore: expected embedded, external or none, got '" + name + "'");
    }
    String uri = c.getString("catalog.metastore-uri").trim();
    if (metastore == Catalog.Metastore.EXTERNAL && uri.isEmpty()) {
      throw new SettingsException("catalog.metastore = external needs catalog.metastore-uri (thrift://host:9083)");
    }
    String database = nonBlank(c, "catalog.database");
    if (!database.matches("[a-z_][a-z0-9_]*")) {
      throw new SettingsException("catalog.database: lower-case letters, digits and '_' only, got '" + database + "'");
    }
    return new Catalog(metastore, uri, database);
  }

  @Override
  public String toString() {
    return "Settings[input=" + input + ", warehouse=" + warehouse + ", pseudonymKey=****]";
  }

  /** The key's sources, read now; the key itself is resolved when first asked for ({@link #pseudonymKey()}). */
  private static PseudonymKey pseudonymKey(Config c, java.util.function.Function<String, String> env) {
    String variable = c.getString("privacy.key-env");
    return new PseudonymKey(variable, env.apply(variable), c.getString("privacy.dev-key"));
  }

  /** Where the pseudonym key comes from ({@link PseudonymKey#source()}), without reading it. */
  public String pseudonymKeySource() {
    return privacyKey.source();
  }

  /** The key buyer ids are pseudonymised with ({@link PseudonymKey}): fails when the environment has none. */
  public String pseudonymKey() {
    return privacyKey.value();
  }

  private static ClusterModel clusterModel(Config m, String where) {
    String algorithm = m.getString("algorithm");
    if (!ALGORITHMS.contains(algorithm)) {
      throw new SettingsException("tradelake." + where + ".algorithm: unknown " + algorithm + " (one of "
          + String.join(", ", ALGORITHMS) + ")");
    }
    ClusterModel model = new ClusterModel(algorithm, m.getInt("k-min"), m.getInt("k-max"), m.getLong("seed"),
        m.getInt("max-iter"), names(m, "features"), names(m, "log-features"));
    if (model.kMin() < 2 || model.kMax() < model.kMin()) {
      throw new SettingsException("tradelake." + where + ": need 2 <= k-min <= k-max");
    }
    if (model.features().isEmpty() || !model.features().containsAll(model.logFeatures())) {
      throw new SettingsException("tradelake." + where + ": features must not be empty and must include every "
          + "log-feature");
    }
    return model;
  }

  /** A list of names, or one comma-separated string (as a --conf flag gives it). */
  private static List<String> names(Config c, String key) {
    if (c.getValue(key).valueType() == ConfigValueType.STRING) {
      return java.util.Arrays.stream(c.getString(key).split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList();
    }
    return List.copyOf(c.getStringList(key));
  }

  private static String nonBlank(Config c, String key) {
    String v = c.getString(key).trim();
    if (v.isEmpty()) {
      throw new SettingsException("tradelake." + key + " is empty");
    }
    return v;
  }

  private static int positive(Config c, String key) {
    int v = c.getInt(key);
    if (v <= 0) {
      throw new SettingsException("tradelake." + key + " must be positive, got " + v);
    }
    return v;
  }

  private static LocalDate date(Config c, String key) {
    try {
      return LocalDate.parse(c.getString(key));
    } catch (DateTimeException e) {
      throw new SettingsException("tradelake." + key + " is not a yyyy-MM-dd date: " + c.getString(key));
    }
  }

  private static String currency(String v, String key) {
    if (!v.matches("[A-Z]{3}")) {
      throw new SettingsException("tradelake." + key + " is not an ISO 4217 code: " + v);
    }
    return v;
  }

  private static String countryCode(String v) {
    if (!Set.of(Locale.getISOCountries()).contains(v)) {
      throw new SettingsException("tradelake.reporting-country is not an ISO 3166 alpha-2 code: " + v);
    }
    return v;
  }

  private static String zone(String v, String key) {
    try {
      ZoneId.of(v);
      return v;
    } catch (DateTimeException e) {
      throw new SettingsException("tradelake." + key + " is not a time zone: " + v);
    }
  }

  private static List<String> directions(List<String> values, String key) {
    for (String v : values) {
      if (!DIRECTIONS.contains(v)) {
        throw new SettingsException("tradelake." + key + ": unknown direction " + v + " (EXPORT, IMPORT or TOTAL)");
      }
    }
    return List.copyOf(values);
  }

  private static List<Band> bands(Config c, String key) {
    List<Band> bands = new ArrayList<>();
    for (Config b : c.getConfigList(key)) {
      Band band = new Band(b.getString("name"), b.getInt("from"), b.getInt("to"));
      if (band.from() > band.to()) {
        throw new SettingsException("tradelake." + key + ": band " + band.name() + " has from > to");
      }
      for (Band other : bands) {
        if (band.from() <= other.to() && other.from() <= band.to()) {
          throw new SettingsException("tradelake." + key + ": bands " + other.name() + " and " + band.name() + " overlap");
        }
      }
      bands.add(band);
    }
    return List.copyOf(bands);
  }

  private static List<ChannelRule> channels(Config c) {
    List<ChannelRule> rules = new ArrayList<>();
    for (Config ch : c.getConfigList("channels")) {
      List<String> patterns = ch.getStringList("patterns");
      for (String p : patterns) {
        try {
          Pattern.compile(p);
        } catch (PatternSyntaxException e) {
          throw new SettingsException("tradelake.channels: bad pattern for " + ch.getString("channel") + ": " + p);
        }
      }
      rules.add(new ChannelRule(ch.getString("channel"), List.copyOf(patterns)));
    }
    return List.copyOf(rules);
  }

  private static Map<String, List<String>> countryAliases(Config c) {
    Map<String, List<String>> aliases = new TreeMap<>();
    ConfigObject obj = c.getObject("country-aliases");
    for (String code : obj.keySet()) {
      if (!Set.of(Locale.getISOCountries()).contains(code)) {
        throw new SettingsException("tradelake.country-aliases: " + code + " is not an ISO 3166 alpha-2 code");
      }
      aliases.put(code, List.copyOf(obj.toConfig().getStringList(code)));
    }
    return aliases;
  }

  private static Map<String, SourceLayout> layouts(Config c) {
    Map<String, SourceLayout> layouts = new TreeMap<>();
    if (!c.hasPath("layouts")) {
      return layouts;
    }
    ConfigObject obj = c.getObject("layouts");
    for (String name : obj.keySet()) {
      layouts.put(name, layout(name, obj.toConfig().getConfig("\"" + name + "\"")));
    }
    return layouts;
  }

  private static SourceLayout layout(String name, Config l) {
    String where = "tradelake.layouts." + name;
    if (!name.matches("[A-Za-z0-9_.-]+")) {
      throw new SettingsException(where + ": a layout name is also a folder name: letters, digits, '.', '-', '_'");
    }
    SourceLayout.Format format;
    try {
      format = SourceLayout.Format.valueOf(l.getString("format").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SettingsException(where + ".format must be csv or jsonl, got " + l.getString("format"));
    }
    List<String> columns = l.hasPath("columns") ? l.getStringList("columns") : List.of();
    String schema = l.hasPath("schema") ? l.getString("schema") : "";
    if (format == SourceLayout.Format.CSV && columns.isEmpty()) {
      throw new SettingsException(where + ": a csv layout needs its columns");
    }
    if (format == SourceLayout.Format.JSONL && schema.isBlank()) {
      throw new SettingsException(where + ": a jsonl layout needs its schema");
    }
    String encoding = l.hasPath("encoding") ? l.getString("encoding") : "UTF-8";
    if (!encoding.equalsIgnoreCase("UTF-8")) {
      throw new SettingsException(where + ".encoding: only UTF-8 is read, got " + encoding);
    }
    Map<String, FieldSource> fields = new LinkedHashMap<>();
    ConfigObject fieldObj = l.getObject("fields");
    for (String field : fieldObj.keySet()) {
      if (!SourceLayout.CANONICAL_FIELDS.contains(field)) {
        throw new SettingsException(where + ".fields: unknown canonical field " + field
            + " (known: " + String.join(", ", SourceLayout.CANONICAL_FIELDS) + ")");
      }
      fields.put(field, fieldSource(where + ".fields." + field, fieldObj.get(field)));
    }
    if (!fields.containsKey("event_id")) {
      throw new SettingsException(where + ".fields: event_id must be mapped");
    }
    List<String> patterns = l.hasPath("timestamp-patterns") ? l.getStringList("timestamp-patterns") : List.of();
    String tz = l.hasPath("time-zone") ? zone(l.getString("time-zone"), "layouts." + name + ".time-zone") : "UTC";
    return new SourceLayout(name, format,
        l.hasPath("delimiter") ? l.getString("delimiter") : ",",
        l.hasPath("quote") ? l.getString("quote") : "\"",
        l.hasPath("header") && l.getBoolean("header"),
        List.copyOf(columns), schema, Map.copyOf(fields), List.copyOf(patterns), tz);
  }

  private static FieldSource fieldSource(String where, ConfigValue v) {
    if (v.valueType() == ConfigValueType.STRING) {
      return new FieldSource(FieldSource.Kind.COLUMN, (String) v.unwrapped());
    }
    if (v.valueType() == ConfigValueType.OBJECT) {
      Config f = ((ConfigObject) v).toConfig();
      if (f.hasPath("column")) {
        return new FieldSource(FieldSource.Kind.COLUMN, f.getString("column"));
      }
      if (f.hasPath("constant")) {
        return new FieldSource(FieldSource.Kind.CONSTANT, f.getString("constant"));
      }
      if (f.hasPath("expr")) {
        return new FieldSource(FieldSource.Kind.EXPRESSION, f.getString("expr"));
      }
    }
    throw new SettingsException(where + ": expected a column name, { column = … }, { constant = … } or { expr = … }");
  }

  private static Map<String, Map<String, String>> stageSparkConf(Config c) {
    Map<String, Map<String, String>> byStage = new TreeMap<>();
    for (String stage : SPARK_SCOPES) {
      if (c.hasPath(stage + ".spark")) {
        Map<String, String> conf = sparkConf(c, stage + ".spark");
        conf.keySet().stream().filter(k -> !k.startsWith("spark.sql.")).findFirst().ifPresent(k -> {
          throw new SettingsException(stage + ".spark." + k + ": only Spark SQL settings (spark.sql.*) can be set "
              + "per stage; set it in spark { } for the whole session");
        });
        byStage.put(stage, Map.copyOf(conf));
      }
    }
    return Map.copyOf(byStage);
  }

  private static Map<String, String> sparkConf(Config c) {
    return sparkConf(c, "spark");
  }

  private static Map<String, String> sparkConf(Config c, String path) {
    Map<String, String> conf = new TreeMap<>();
    ConfigObject obj = c.getObject(path);
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      conf.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
    }
    return conf;
  }
}
