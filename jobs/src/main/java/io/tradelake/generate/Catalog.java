package io.tradelake.generate;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The fixed world the generator draws from: markets and their currencies, categories and their price
 * levels, platform labels per channel, country spellings, holiday dates. Shares that a user may want to
 * tune (layouts, dirt, channel mix) are in {@link GeneratorSettings}; these are facts and conventions.
 */
final class Catalog {

  private Catalog() {}

  static final String EXPORT = "EXPORT";
  static final String IMPORT = "IMPORT";
  static final String HOME = "CN";
  static final String HOME_CURRENCY = "CNY";

  // The channel taxonomy, in the order and spelling of tradelake.channels (reference.conf).
  static final String CROSS_BORDER = "cross_border_ecommerce_platform";
  static final String INTEGRATED = "integrated_ecommerce_platform";
  static final String SOCIAL = "social_ecommerce";
  static final String AGENT = "overseas_purchasing_agent";
  static final String BRAND = "brand_official_website";
  static final String DUTY_FREE = "duty_free_travel_retail";
  static final String OTHER = "other";
  static final List<String> CHANNELS = List.of(CROSS_BORDER, INTEGRATED, SOCIAL, AGENT, BRAND, DUTY_FREE, OTHER);

  /** A market: ISO code, share of its direction's value (percent), the currency its prices are quoted in. */
  record Market(String code, double weight, String currency) implements Serializable {}

  /**
   * Export destinations: customs' top five (US 34.3%, GB 6.5%, DE 4.6%, MY 3.9%, RU 2.9%) and a long tail
   * that makes up the other 47.8%. Markets without a rate in the FX table quote in USD.
   */
  static final List<Market> EXPORT_MARKETS = List.of(
      new Market("US", 34.3, "USD"), new Market("GB", 6.5, "GBP"), new Market("DE", 4.6, "EUR"),
      new Market("MY", 3.9, "USD"), new Market("RU", 2.9, "RUB"),
      new Market("FR", 4.2, "EUR"), new Market("JP", 4.0, "JPY"), new Market("KR", 3.6, "KRW"),
      new Market("AU", 3.4, "AUD"), new Market("CA", 3.3, "USD"), new Market("ES", 3.0, "EUR"),
      new Market("IT", 2.8, "EUR"), new Market("BR", 2.6, "USD"), new Market("NL", 2.2, "EUR"),
      new Market("SG", 2.2, "SGD"), new Market("TH", 2.2, "USD"), new Market("MX", 2.0, "USD"),
      new Market("PH", 1.8, "USD"), new Market("ID", 1.8, "USD"), new Market("VN", 1.6, "USD"),
      new Market("PL", 1.5, "USD"), new Market("SA", 1.3, "USD"), new Market("AE", 1.3, "USD"),
      new Market("IL", 1.0, "USD"), new Market("CL", 1.0, "USD"), new Market("UA", 1.0, "USD"));

  /** Import origins: JP 21.7%, US 17.9%, AU 10.5%, FR 7.5% and a tail of 42.4%. */
  static final List<Market> IMPORT_MARKETS = List.of(
      new Market("JP", 21.7, "JPY"), new Market("US", 17.9, "USD"), new Market("AU", 10.5, "AUD"),
      new Market("FR", 7.5, "EUR"),
      new Market("KR", 11.0, "KRW"), new Market("DE", 6.5, "EUR"), new Market("GB", 4.0, "GBP"),
      new Market("NZ", 3.5, "USD"), new Market("IT", 3.5, "EUR"), new Market("NL", 3.0, "EUR"),
      new Market("HK", 2.5, "HKD"), new Market("CA", 2.0, "USD"), new Market("SG", 1.5, "SGD"),
      new Market("TH", 1.4, "USD"), new Market("CH", 1.2, "EUR"), new Market("ES", 1.1, "EUR"),
      new Market("RU", 0.7, "RUB"), new Market("DK", 0.5, "EUR"));

  static List<Market> markets(String direction) {
    return direction.equals(EXPORT) ? EXPORT_MARKETS : IMPORT_MARKETS;
  }

  /** Minor units a price is quoted in: 0 for JPY and KRW, 2 for the others. */
  static int decimals(String currency) {
    return currency.equals("JPY") || currency.equals("KRW") ? 0 : 2;
  }

  /** A category: share of order lines, median unit price in CNY and the log-scale spread around it. */
  record Category(String name, double weight, double medianCny, double sigma) implements Serializable {}

  static final List<Category> IMPORT_CATEGORIES = List.of(
      new Category("cosmetics", 22, 210, 0.55),
      new Category("health_supplements", 13, 160, 0.45),
      new Category("infant_formula", 11, 250, 0.20),
      new Category("baby_care", 8, 140, 0.45),
      new Category("food_snacks", 10, 70, 0.55),
      new Category("apparel", 10, 280, 0.55),
      new Category("household", 9, 120, 0.55),
      new Category("electronics", 9, 850, 0.70),
      new Category("luxury_fashion", 8, 2600, 0.60));

  static final List<Category> EXPORT_CATEGORIES = List.of(
      new Category("apparel", 22, 95, 0.55),
      new Category("electronics", 17, 190, 0.80),
      new Category("home_garden", 14, 85, 0.60),
      new Category("phone_accessories", 11, 28, 0.55),
      new Category("toys_hobbies", 10, 65, 0.55),
      new Category("jewelry_accessories", 10, 35, 0.70),
      new Category("beauty", 8, 45, 0.55),
      new Category("sports_outdoor", 8, 130, 0.60));

  static List<Category> categories(String direction) {
    return direction.equals(EXPORT) ? EXPORT_CATEGORIES : IMPORT_CATEGORIES;
  }

  /** What an import origin is known for: category weight multipliers. */
  static final Map<String, Map<String, Double>> IMPORT_TILTS = Map.ofEntries(
      Map.entry("JP", Map.of("cosmetics", 1.8, "household", 1.5, "food_snacks", 1.4, "baby_care", 1.6)),
      Map.entry("KR", Map.of("cosmetics", 2.8, "apparel", 1.3)),
      Map.entry("AU", Map.of("health_supplements", 2.6, "infant_formula", 2.4, "food_snacks", 1.2)),
      Map.entry("NZ", Map.of("infant_formula", 3.0, "health_supplements", 1.8, "food_snacks", 1.5)),
      Map.entry("FR", Map.of("cosmetics", 1.7, "luxury_fashion", 2.5)),
      Map.entry("IT", Map.of("luxury_fashion", 2.8, "apparel", 1.6)),
      Map.entry("CH", Map.of("luxury_fashion", 3.0, "food_snacks", 1.3)),
      Map.entry("US", Map.of("health_supplements", 1.8, "electronics", 1.6)),
      Map.entry("DE", Map.of("infant_formula", 1.8, "household", 1.7)),
      Map.entry("NL", Map.of("infant_formula", 2.6)),
      Map.entry("GB", Map.of("luxury_fashion", 1.4, "apparel", 1.3)),
      Map.entry("HK", Map.of("luxury_fashion", 1.6, "cosmetics", 1.3, "electronics", 1.3)));

  static double tilt(String direction, String market, String category) {
    if (!direction.equals(IMPORT)) {
      return 1.0;
    }
    Map<String, Double> t = IMPORT_TILTS.get(market);
    return t == null ? 1.0 : t.getOrDefault(category, 1.0);
  }

  /** Expected unit price (CNY) of a line in a market: its category mix, tilted, with log-normal means. */
  static double meanPrice(String direction, String market) {
    double total = 0;
    double price = 0;
    for (Category c : categories(direction)) {
      double w = c.weight() * tilt(direction, market, c.name());
      total += w;
      price += w * c.medianCny() * StrictMath.exp(c.sigma() * c.sigma() / 2);
    }
    return price / total;
  }

  /**
   * Weights to draw an order's market with: the market's share of value divided by its mean price, so that
   * the value (not the order count) of each market follows the customs mix.
   */
  static double[] marketDrawWeights(String direction) {
    List<Market> markets = markets(direction);
    double[] w = new double[markets.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = markets.get(i).weight() / meanPrice(direction, markets.get(i).code());
    }
    return w;
  }

  /** Lines per order: 1..5 with these weights. */
  static final double[] LINES_PER_ORDER = {0.58, 0.25, 0.11, 0.04, 0.02};
  /** Quantity per line before a segment's multiplier: 1, 2, 3, 4, 6. */
  static final int[] QUANTITIES = {1, 2, 3, 4, 6};
  static final double[] QUANTITY_WEIGHTS = {0.72, 0.17, 0.06, 0.03, 0.02};
  /** Unit prices are kept within this range (CNY before conversion): no free items, no absurd ones. */
  static final double MIN_PRICE_CNY = 3.0;
  static final double MAX_PRICE_CNY = 60000.0;

  /**
   * Platform labels per direction and channel, in the order of {@link #CHANNELS}. Every label maps to its
   * channel through tradelake.channels (GeneratorCatalogTest checks it against reference.conf).
   */
  static final Map<String, List<List<String>>> LABELS = Map.of(
      IMPORT, List.of(
          List.of("Tmall Global", "JD Worldwide", "Kaola", "Vipshop International", "Xiaohongshu Store"),
          List.of("Tmall", "JD.com", "Taobao", "Pinduoduo", "Suning"),
          List.of("WeChat Mini Shop", "Douyin Store", "Kuaishou Shop", "Little Red Book"),
          List.of("Daigou", "Personal Shopper", "Proxy Buy", "Overseas Purchasing Agent"),
          List.of("Official Site", "Brand Official Store", "brand.com", "Official Website"),
          List.of("DFS Galleria", "CDF Sanya", "Lotte Duty Free", "Heinemann Duty Free", "Airport Travel Retail"),
          List.of("Offline", "Other", "Unknown Store")),
      EXPORT, List.of(
          List.of("AliExpress", "Shopee", "Lazada", "Wish", "DHgate Cross-border"),
          List.of("Amazon", "eBay", "Rakuten", "Coupang"),
          List.of("TikTok Shop", "Instagram Shop"),
          List.of("Personal Shopper", "Proxy Buy"),
          List.of("Official Store", "brand.com"),
          List.of("CDF Haikou", "Duty Free Shop"),
          List.of("Offline", "Other")));

  /** Other spellings of a country that tradelake recognises (ISO names, alpha-3, configured aliases). */
  static final Map<String, List<String>> SPELLINGS = Map.ofEntries(
      Map.entry("CN", List.of("China", "PRC", "CHN", "中国", "Mainland China")),
      Map.entry("US", List.of("USA", "U.S.A.", "United States", "America")),
      Map.entry("GB", List.of("UK", "U.K.", "United Kingdom", "Great Britain", "England")),
      Map.entry("DE", List.of("Deutschland", "Germany", "DEU")),
      Map.entry("JP", List.of("Japan", "日本", "JPN")),
      Map.entry("KR", List.of("South Korea", "Korea", "KOR")),
      Map.entry("RU", List.of("Russia", "RUS")),
      Map.entry("MY", List.of("Malaysia", "MYS")),
      Map.entry("FR", List.of("France", "FRA")),
      Map.entry("AU", List.of("Australia", "AUS")),
      Map.entry("NL", List.of("Holland", "The Netherlands", "Netherlands")));

  /** Country names no table knows: such events are quarantined (unknown_buyer/seller_country). */
  static final String[] UNKNOWN_COUNTRIES = {"Atlantis", "Wakanda", "Narnia", "Elbonia", "Zubrowka"};
  /** Currency codes no FX table has: quarantined (unknown_currency). */
  static final String[] UNKNOWN_CURRENCIES = {"RMB", "US$", "EURO", "XYZ", "BTC"};

  /** Chinese New Year (first day of the first lunar month). */
  static final Map<Integer, LocalDate> SPRING_FESTIVAL = Map.of(
      2014, LocalDate.of(2014, 1, 31), 2015, LocalDate.of(2015, 2, 19), 2016, LocalDate.of(2016, 2, 8),
      2017, LocalDate.of(2017, 1, 28), 2018, LocalDate.of(2018, 2, 16), 2019, LocalDate.of(2019, 2, 5),
      2020, LocalDate.of(2020, 1, 25), 2021, LocalDate.of(2021, 2, 12), 2022, LocalDate.of(2022, 2, 1));

  /** Relative order activity by hour of day in Shanghai, for Chinese buyers. */
  static final double[] HOURS_CN = {2.2, 1.2, 0.6, 0.3, 0.2, 0.2, 0.4, 0.9, 1.4, 1.8, 2.0, 2.1,
      2.4, 2.2, 2.0, 2.0, 2.0, 2.0, 2.2, 2.7, 3.2, 3.6, 3.4, 2.8};

  /** Buyers abroad (mostly Americas and Europe): their evening is Shanghai's night and morning. */
  static final double[] HOURS_ABROAD = {1.6, 1.6, 1.7, 1.8, 1.9, 2.0, 2.1, 2.2, 2.3, 2.4, 2.2, 2.0,
      1.7, 1.5, 1.4, 1.4, 1.5, 1.6, 1.7, 1.7, 1.7, 1.6, 1.6, 1.6};
}
