package io.tradelake.generate;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the raw-log generator produces. {@link #defaults()} covers 2015-01-01 … 2020-06-30 with 100,000
 * clean events; every field has a {@code with…} copy.
 *
 * @param start first day with orders (Asia/Shanghai calendar)
 * @param end last day with events; follow-ups (refunds, cancellations) that would fall later are not made
 * @param events clean events wanted (order lines, refunds, cancellations); the volume is calibrated in value,
 *     so the count lands within a few percent of this
 * @param seed the same seed gives byte-identical output, whatever the number of partitions or cores
 * @param partitions Spark partitions for generating and for writing; 0: the session's default parallelism
 * @param sampleDaysPerMonth 0: orders every day; n: orders only on the first n of the days
 *     1, 11, 18, 25, 5, 21, 8, 14, 28 of each month (11.11 and 618 stay in), each period's value unchanged
 * @param layoutMix share of orders per source layout (normalised)
 * @param gzipShare share of day files written gzip-compressed
 * @param scaleOverride RMB of the published series per generated RMB; 0 derives it from {@code events}
 * @param growth growth of the periods after the published series
 * @param lifecycle cancellations, refunds and late deliveries
 * @param channels the channel mix by cohort and period
 * @param dirt the rates of every kind of dirt; {@link Dirt#none()} for clean output
 */
public record GeneratorSettings(
    LocalDate start,
    LocalDate end,
    long events,
    long seed,
    int partitions,
    int sampleDaysPerMonth,
    Map<String, Double> layoutMix,
    double gzipShare,
    double scaleOverride,
    Growth growth,
    Lifecycle lifecycle,
    ChannelMix channels,
    Dirt dirt) implements Serializable {

  public static final String SHOPLINE = "shopline-csv";
  public static final String GLOBALBUY = "globalbuy-jsonl";
  /** The published series starts here; the FX table ends in 2021. */
  public static final LocalDate EARLIEST = LocalDate.of(2015, 1, 1);
  public static final LocalDate LATEST = LocalDate.of(2021, 12, 31);

  public GeneratorSettings {
    if (start.isBefore(EARLIEST) || end.isAfter(LATEST) || end.isBefore(start)) {
      throw new IllegalArgumentException("need " + EARLIEST + " <= start <= end <= " + LATEST
          + ", got " + start + " … " + end);
    }
    if (events <= 0) {
      throw new IllegalArgumentException("events must be positive, got " + events);
    }
    if (sampleDaysPerMonth < 0 || sampleDaysPerMonth > 9) {
      throw new IllegalArgumentException("days per month is 0 (all) or 1..9, got " + sampleDaysPerMonth);
    }
    if (partitions < 0 || scaleOverride < 0 || gzipShare < 0 || gzipShare > 1) {
      throw new IllegalArgumentException("partitions, scale and gzip share must not be negative");
    }
    for (String layout : layoutMix.keySet()) {
      if (!layout.equals(SHOPLINE) && !layout.equals(GLOBALBUY)) {
        throw new IllegalArgumentException("unknown layout " + layout + " (" + SHOPLINE + ", " + GLOBALBUY + ")");
      }
    }
    layoutMix = Map.copyOf(layoutMix);
  }

  /**
   * Growth of each half-year after 2019 over the same half a year earlier: customs' H1 2020 figures,
   * exports +28.7%, imports +24.4%. (Customs' total of +26.2% is on a different base: with the 2019 split of
   * the series the two directions give +26.6% in total; the manifest states the value produced.)
   */
  public record Growth(double exportAfter2019, double importAfter2019) implements Serializable {
    public static Growth customsH1of2020() {
      return new Growth(0.287, 0.244);
    }
  }

  /**
   * @param cancelScale multiplies each segment's cancellation rate
   * @param refundScale multiplies each segment's refund rate
   * @param refundMinDays earliest refund after the order (days)
   * @param refundMaxDays latest refund after the order (days)
   * @param maxCancelHours latest cancellation after the order (hours)
   */
  public record Lifecycle(double cancelScale, double refundScale, int refundMinDays, int refundMaxDays,
      int maxCancelHours) implements Serializable {

    public Lifecycle {
      // Every segment's rate times its scale must stay well below 1: cancelled orders do not fill a budget.
      if (cancelScale < 0 || cancelScale > 10 || refundScale < 0 || refundScale > 10) {
        throw new IllegalArgumentException("cancel and refund scales must be within 0..10");
      }
      if (refundMinDays < 1 || refundMaxDays < refundMinDays || maxCancelHours < 1) {
        throw new IllegalArgumentException("need 1 <= refund-min-days <= refund-max-days, cancel hours >= 1");
      }
    }

    public static Lifecycle defaults() {
      return new Lifecycle(1.0, 1.0, 3, 45, 48);
    }
  }

  /**
   * The channel mix: a base per cohort for imports (Chinese buyers) and one for exports, multiplied by each
   * segment's preferences and by the period's shifts, then normalised.
   *
   * @param importBase cohort name → channel → weight
   * @param exportBase channel → weight
   * @param socialGrowthPerYear social e-commerce weight × (1 + this × (year − 2015))
   * @param agentLawFrom the e-commerce law that regulated purchasing agents took effect
   * @param agentLawFactor purchasing-agent weight multiplier from then on
   * @param shiftFrom the epidemic: from this day offline channels lose to platforms
   * @param shift channel → weight multiplier from {@code shiftFrom}
   */
  public record ChannelMix(Map<String, Map<String, Double>> importBase, Map<String, Double> exportBase,
      double socialGrowthPerYear, LocalDate agentLawFrom, double agentLawFactor, LocalDate shiftFrom,
      Map<String, Double> shift) implements Serializable {

    public static ChannelMix defaults() {
      Map<String, Map<String, Double>> importBase = new LinkedHashMap<>();
      importBase.put("post-70s", mix(0.26, 0.32, 0.05, 0.14, 0.08, 0.12, 0.03));
      importBase.put("post-80s", mix(0.30, 0.31, 0.07, 0.12, 0.08, 0.10, 0.02));
      importBase.put("post-90s", mix(0.32, 0.31, 0.10, 0.10, 0.07, 0.08, 0.02));
      importBase.put("post-95s", mix(0.33, 0.31, 0.13, 0.08, 0.07, 0.06, 0.02));
      importBase.put("post-00s", mix(0.32, 0.32, 0.17, 0.06, 0.06, 0.05, 0.02));
      return new ChannelMix(importBase, mix(0.55, 0.24, 0.07, 0.02, 0.07, 0.01, 0.04), 0.08,
          LocalDate.of(2019, 1, 1), 0.75, LocalDate.of(2020, 1, 23),
          mix(1.25, 1.2, 1.3, 0.3, 1.0, 0.12, 0.6));
    }

    /** Weights in the order cross-border, integrated, social, agent, brand site, duty-free, other. */
    static Map<String, Double> mix(double... weights) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (int i = 0; i < weights.length; i++) {
        m.put(Catalog.CHANNELS.get(i), weights[i]);
      }
      return m;
    }

    double[] importWeights(String cohort) {
      return weights(importBase.get(cohort));
    }

    double[] exportWeights() {
      return weights(exportBase);
    }

    double[] shiftWeights() {
      return weights(shift);
    }

    private static double[] weights(Map<String, Double> byChannel) {
      if (byChannel == null) {
        throw new IllegalArgumentException("channel mix misses a cohort");
      }
      double[] w = new double[Catalog.CHANNELS.size()];
      for (int i = 0; i < w.length; i++) {
        w[i] = byChannel.getOrDefault(Catalog.CHANNELS.get(i), 0.0);
      }
      return w;
    }
  }

  /**
   * Dirt rates. "Per line" rates apply to each clean line written; a dirty line is an extra line (a mangled
   * copy of a clean event under a new event id), so the clean data and its aggregates do not depend on the
   * dirt. Each dirty line fails exactly one quality rule of the pipeline (see {@link DirtKind}).
   *
   * @param duplicateLine per line: the same line again (same file, or the next day's file)
   * @param malformedLine per line: a cut or wrongly delimited line (unparsable_line)
   * @param badTimestamp per line: an impossible date (bad_timestamp)
   * @param offsetlessTimestamp share of globalbuy lines whose time has no offset (UTC per the layout: fine)
   * @param unknownCurrency per priced line: a currency no FX table has (unknown_currency)
   * @param countrySpelling share of country fields spelled as a name, alias or alpha-3 (fine: normalised)
   * @param unknownCountry per priced line: a country that does not exist, buyer or seller
   *     (unknown_buyer_country / unknown_seller_country)
   * @param nonPositivePrice per priced line: a zero or negative price (non_positive_price)
   * @param decimalCommaPrice per priced line: "12,50" (unparsable_price)
   * @param blankLine per line: an empty line after it (blank_line)
   * @param bomFile share of files starting with a UTF-8 byte order mark (fine)
   * @param wrongLayoutFile share of days with a shopline CSV file misrouted into the globalbuy folder
   *     (every line of it, header included: unparsable_line)
   * @param lateArrival share of lines delivered one to three days late, in a later day's folder (fine)
   * @param truncatedGzip share of gzip files sent a second time with the transfer cut short after the header
   *     ({@code *-resent.*.gz}; truncated_file)
   */
  public record Dirt(double duplicateLine, double malformedLine, double badTimestamp, double offsetlessTimestamp,
      double unknownCurrency, double countrySpelling, double unknownCountry, double nonPositivePrice,
      double decimalCommaPrice, double blankLine, double bomFile, double wrongLayoutFile, double lateArrival,
      double truncatedGzip) implements Serializable {

    public Dirt {
      double[] rates = {duplicateLine, malformedLine, badTimestamp, offsetlessTimestamp, unknownCurrency,
          countrySpelling, unknownCountry, nonPositivePrice, decimalCommaPrice, blankLine, bomFile, wrongLayoutFile,
          lateArrival, truncatedGzip};
      for (double r : rates) {
        if (!(r >= 0 && r <= 1)) {
          throw new IllegalArgumentException("a dirt rate must be between 0 and 1, got " + r);
        }
      }
    }

    public static Dirt defaults() {
      return new Dirt(0.010, 0.002, 0.002, 0.05, 0.001, 0.03, 0.001, 0.001, 0.001, 0.002, 0.10, 0.02, 0.015, 0.03);
    }

    /** Clean output: every line parses and passes every rule, no duplicates, no late deliveries. */
    public static Dirt none() {
      return new Dirt(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
  }

  public static GeneratorSettings defaults() {
    Map<String, Double> layouts = new LinkedHashMap<>();
    layouts.put(SHOPLINE, 0.6);
    layouts.put(GLOBALBUY, 0.4);
    return new GeneratorSettings(LocalDate.of(2015, 1, 1), LocalDate.of(2020, 6, 30), 100_000, 42, 0, 0, layouts,
        0.3, 0, Growth.customsH1of2020(), Lifecycle.defaults(), ChannelMix.defaults(), Dirt.defaults());
  }

  /** The layouts in a fixed order (shopline first), with their shares. */
  List<String> layoutOrder() {
    return List.of(SHOPLINE, GLOBALBUY);
  }

  double[] layoutWeights() {
    return new double[] {layoutMix.getOrDefault(SHOPLINE, 0.0), layoutMix.getOrDefault(GLOBALBUY, 0.0)};
  }

  public GeneratorSettings withRange(LocalDate newStart, LocalDate newEnd) {
    return new GeneratorSettings(newStart, newEnd, events, seed, partitions, sampleDaysPerMonth, layoutMix,
        gzipShare, scaleOverride, growth, lifecycle, channels, dirt);
  }

  public GeneratorSettings withEvents(long newEvents) {
    return new GeneratorSettings(start, end, newEvents, seed, partitions, sampleDaysPerMonth, layoutMix,
        gzipShare, scaleOverride, growth, lifecycle, channels, dirt);
  }

  public GeneratorSettings withSeed(long newSeed) {
    return new GeneratorSettings(start, end, events, newSeed, partitions, sampleDaysPerMonth, layoutMix,
        gzipShare, scaleOverride, growth, lifecycle, channels, dirt);
  }

  public GeneratorSettings withPartitions(int newPartitions) {
    return new GeneratorSettings(start, end, events, seed, newPartitions, sampleDaysPerMonth, layoutMix,
        gzipShare, scaleOverride, growth, lifecycle, channels, dirt);
  }

  public GeneratorSettings withSampleDaysPerMonth(int days) {
    return new GeneratorSettings(start, end, events, seed, partitions, days, layoutMix, gzipShare, scaleOverride,
        growth, lifecycle, channels, dirt);
  }

  public GeneratorSettings withLayoutMix(Map<String, Double> mix) {
    return new GeneratorSettings(start, end, events, seed, partitions, sampleDaysPerMonth, mix, gzipShare,
        scaleOverride, growth, lifecycle, channels, dirt);
  }

  public GeneratorSettings withGzipShare(double share) {
    return new GeneratorSettings(start, end, events, seed, partitions, sampleDaysPerMonth, layoutMix, share,
        scaleOverride, growth, lifecycle, channels, dirt);
  }

  public GeneratorSettings withScale(double scale) {
    return new GeneratorSettings(start, end, events, seed, partitions, sampleDaysPerMonth, layoutMix, gzipShare,
        scale, growth, lifecycle, channels, dirt);
  }

  public GeneratorSettings withGrowth(Growth g) {
    return new GeneratorSettings(start, end, events, seed, partitions, sampleDaysPerMonth, layoutMix, gzipShare,
        scaleOverride, g, lifecycle, channels, dirt);
  }

  public GeneratorSettings withLifecycle(Lifecycle l) {
    return new GeneratorSettings(start, end, events, seed, partitions, sampleDaysPerMonth, layoutMix, gzipShare,
        scaleOverride, growth, l, channels, dirt);
  }

  public GeneratorSettings withChannels(ChannelMix c) {
    return new GeneratorSettings(start, end, events, seed, partitions, sampleDaysPerMonth, layoutMix, gzipShare,
        scaleOverride, growth, lifecycle, c, dirt);
  }

  public GeneratorSettings withDirt(Dirt d) {
    return new GeneratorSettings(start, end, events, seed, partitions, sampleDaysPerMonth, layoutMix, gzipShare,
        scaleOverride, growth, lifecycle, channels, d);
  }
}
