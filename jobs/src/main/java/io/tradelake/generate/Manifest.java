package io.tradelake.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The ground truth of a generated landing area ({@code _truth/manifest.json}): every kind of dirt counted
 * exactly, what the pipeline must therefore quarantine (per rule) and remove as duplicates, and the clean
 * aggregates the generator knows it produced: gross value per year and half, before and after scaling,
 * against the published series; market, channel and currency mixes; young buyers' channel split.
 * Computed with Spark aggregations over the generated lines; deterministic (no timings in it).
 */
final class Manifest {

  private Manifest() {}

  static final int YOUTH_MIN_AGE = 18;
  static final int YOUTH_MAX_AGE = 35;

  static Map<String, Object> build(Dataset<GenLine> generated, List<FileStat> files, GeneratorSettings g,
      Calibration cal, BuyerPopulation pop, String fxFile) {
    Dataset<Row> lines = generated.toDF();
    Dataset<Row> facts = lines.where(col("fact"));
    Column order = col("eventType").equalTo("ORDER");
    Column counted = order.and(col("cancelled").equalTo(false));

    Map<String, Object> m = new LinkedHashMap<>();
    m.put("generator", "io.tradelake.generate.TradeLogGenerator");
    m.put("seed", g.seed());
    m.put("start", g.start().toString());
    m.put("end", g.end().toString());
    m.put("sample_days_per_month", g.sampleDaysPerMonth());
    m.put("events_requested", g.events());
    m.put("layout_mix", new TreeMap<>(g.layoutMix()));
    m.put("fx_rates_file", fxFile);
    m.put("scale_factor", cal.scale);
    m.put("scale_factor_means", "RMB of the published series per generated CNY: scaled = generated x scale_factor");

    // ------------------------------------------------------------ value by period
    List<Row> byHalf = facts.groupBy("year", "half", "direction")
        .agg(sum("gross").as("gross"), sum("refund").as("refund"),
            count_distinct(when(counted, col("orderId"))).as("orders"),
            count_distinct(when(order.and(col("cancelled")), col("orderId"))).as("cancelled_orders"),
            count(when(col("eventType").equalTo("REFUND"), lit(1))).as("refunds"),
            count(lit(1)).as("events"))
        .orderBy("year", "half", "direction").collectAsList();
    Map<Integer, Period> periods = new TreeMap<>(); // key(year, half); years under key(year, 0)
    long cleanEvents = 0;
    long orders = 0;
    long cancelled = 0;
    long refunds = 0;
    for (Row r : byHalf) {
      int dir = r.getString(2).equals(Catalog.EXPORT) ? 0 : 1;
      for (int key : new int[] {Calibration.key(r.getInt(0), r.getInt(1)), Calibration.key(r.getInt(0), 0)}) {
        Period p = periods.computeIfAbsent(key, k -> new Period());
        p.gross[dir] = p.gross[dir].add(r.getDecimal(3));
        p.refund[dir] = p.refund[dir].add(r.getDecimal(4));
        p.orders[dir] += r.getLong(5);
      }
      cleanEvents += r.getLong(8);
      orders += r.getLong(5);
      cancelled += r.getLong(6);
      refunds += r.getLong(7);
    }
    Map<String, Object> years = new LinkedHashMap<>();
    Map<String, Object> halves = new LinkedHashMap<>();
    periods.forEach((key, p) -> (key % 10 == 0 ? years : halves).put(Calibration.periodName(key),
        periodEntry(p, cal.periodTargets.get(key), cal)));
    m.put("totals", totals(cleanEvents, orders, cancelled, refunds, files, pop));
    m.put("gross_by_year", years);
    m.put("gross_by_half", halves);
    m.put("growth_h1_2020_over_h1_2019_pct", growth(periods.get(Calibration.key(2020, 1)),
        periods.get(Calibration.key(2019, 1))));

    // ------------------------------------------------------------ mixes
    m.put("market_share_pct", shares(facts.where(counted).groupBy("direction", "market").agg(sum("gross"))
        .collectAsList()));
    m.put("channel_share_pct", shares(facts.where(counted).groupBy("direction", "channel").agg(sum("gross"))
        .collectAsList()));
    Map<String, Object> currencies = new TreeMap<>();
    for (Row r : facts.where(col("eventType").notEqual("CANCEL")).groupBy("currency").count().collectAsList()) {
      currencies.put(r.getString(0), r.getLong(1));
    }
    m.put("priced_lines_by_currency", currencies);

    // ------------------------------------------------------------ young buyers
    for (int year : new int[] {2019, 2020}) {
      Dataset<Row> young = facts.where(counted.and(col("direction").equalTo(Catalog.IMPORT))
          .and(col("year").equalTo(year)).and(col("half").equalTo(1))
          .and(col("age").between(YOUTH_MIN_AGE, YOUTH_MAX_AGE)));
      m.put("youth_import_" + year + "_h1", youth(young));
    }

    // ------------------------------------------------------------ dirt
    Map<String, Long> kinds = new TreeMap<>();
    for (Row r : lines.where(length(col("kinds")).gt(0)).select(explode(split(col("kinds"), " ")).as("kind"))
        .groupBy("kind").count().collectAsList()) {
      kinds.put(r.getString(0), r.getLong(1));
    }
    long misrouted = files.stream().filter(FileStat::isMisrouted).count();
    kinds.merge(DirtKind.WRONG_LAYOUT_LINE.label, misrouted, Long::sum); // their header lines
    kinds.put(DirtKind.BOM_FILE.label, files.stream().filter(FileStat::isBom).count());
    kinds.put(DirtKind.WRONG_LAYOUT_FILE.label, misrouted);
    kinds.put(DirtKind.TRUNCATED_GZIP.label, files.stream().filter(FileStat::isTruncated).count());
    Map<String, Object> dirt = new LinkedHashMap<>();
    Map<String, Object> fate = new LinkedHashMap<>();
    Map<String, Long> quarantine = new TreeMap<>();
    long duplicates = 0;
    for (DirtKind k : DirtKind.values()) {
      long n = kinds.getOrDefault(k.label, 0L);
      dirt.put(k.label, n);
      fate.put(k.label, k.fate());
      if (k.outcome == DirtKind.Outcome.QUARANTINED) {
        quarantine.merge(k.rule, n, Long::sum);
      } else if (k.outcome == DirtKind.Outcome.DUPLICATE) {
        duplicates += n;
      }
    }
    m.put("dirt", dirt);
    m.put("dirt_fate", fate);
    m.put("dirt_rates", recordMap(g.dirt()));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("bronze_data_lines", cleanEvents + duplicates + quarantine.values().stream().mapToLong(x -> x).sum());
    expected.put("silver_events", cleanEvents);
    expected.put("duplicates_removed", duplicates);
    expected.put("quarantined", quarantine.values().stream().mapToLong(x -> x).sum());
    expected.put("quarantine_by_rule", quarantine);
    m.put("expected_clean_stage", expected);
    return m;
  }

  /** A record's components in declaration order. */
  static Map<String, Object> recordMap(Record r) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (java.lang.reflect.RecordComponent c : r.getClass().getRecordComponents()) {
      try {
        out.put(c.getName(), c.getAccessor().invoke(r));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  /** Running sums of one period (a year or a half), per direction. */
  private static final class Period {
    final BigDecimal[] gross = {BigDecimal.ZERO, BigDecimal.ZERO};
    final BigDecimal[] refund = {BigDecimal.ZERO, BigDecimal.ZERO};
    final long[] orders = new long[2];

    BigDecimal total() {
      return gross[0].add(gross[1]);
    }
  }

  private static Map<String, Object> totals(long events, long orders, long cancelled, long refunds,
      List<FileStat> files, BuyerPopulation pop) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("clean_events", events);
    t.put("orders_not_cancelled", orders);
    t.put("orders_cancelled", cancelled);
    t.put("refunds", refunds);
    t.put("buyers_in_population", pop.size());
    t.put("files", (long) files.size());
    t.put("gzip_files", files.stream().filter(FileStat::isGzip).count());
    t.put("lines_written", files.stream().mapToLong(FileStat::getLines).sum());
    t.put("bytes_written", files.stream().mapToLong(FileStat::getBytes).sum());
    return t;
  }

  private static Map<String, Object> periodEntry(Period p, double[] target, Calibration cal) {
    Map<String, Object> e = new LinkedHashMap<>();
    for (int r = 0; r <= 2; r++) {
      BigDecimal gen = r < 2 ? p.gross[r] : p.total();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("generated_gross_cny", gen.setScale(4, RoundingMode.HALF_UP));
      BigDecimal scaled = gen.multiply(cal.scale).setScale(2, RoundingMode.HALF_UP);
      d.put("scaled_gross_rmb", scaled);
      if (target != null) {
        double t = r < 2 ? target[r] : target[0] + target[1];
        BigDecimal tb = new BigDecimal(t).setScale(2, RoundingMode.HALF_UP);
        d.put("target_rmb", tb);
        d.put("deviation_pct", tb.signum() == 0 ? null
            : scaled.subtract(tb).multiply(BigDecimal.valueOf(100)).divide(tb, 6, RoundingMode.HALF_UP));
      }
      if (r < 2) {
        d.put("generated_refund_cny", p.refund[r].setScale(4, RoundingMode.HALF_UP));
        d.put("orders", p.orders[r]);
      }
      e.put(r == 0 ? Catalog.EXPORT : r == 1 ? Catalog.IMPORT : "TOTAL", d);
    }
    e.put("export_share_pct", pct(p.gross[0], p.total()));
    if (target != null && target[0] + target[1] > 0) {
      e.put("target_export_share_pct", BigDecimal.valueOf(100 * target[0] / (target[0] + target[1]))
          .setScale(4, RoundingMode.HALF_UP));
    }
    return e;
  }

  private static Map<String, Object> growth(Period now, Period before) {
    if (now == null || before == null) {
      return null;
    }
    Map<String, Object> g = new LinkedHashMap<>();
    g.put(Catalog.EXPORT, growthPct(now.gross[0], before.gross[0]));
    g.put(Catalog.IMPORT, growthPct(now.gross[1], before.gross[1]));
    g.put("TOTAL", growthPct(now.total(), before.total()));
    return g;
  }

  private static BigDecimal growthPct(BigDecimal now, BigDecimal before) {
    return before.signum() == 0 ? null : pct(now.subtract(before), before);
  }

  private static BigDecimal pct(BigDecimal part, BigDecimal whole) {
    return whole.signum() == 0 ? null
        : part.multiply(BigDecimal.valueOf(100)).divide(whole, 4, RoundingMode.HALF_UP);
  }

  /** Rows (direction, key, value) → direction → key → percent of the direction, largest first. */
  private static Map<String, Object> shares(List<Row> rows) {
    Map<String, List<Row>> byDir = new TreeMap<>();
    for (Row r : rows) {
      byDir.computeIfAbsent(r.getString(0), d -> new ArrayList<>()).add(r);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    byDir.forEach((dir, list) -> {
      BigDecimal total = list.stream().map(r -> r.getDecimal(2)).reduce(BigDecimal.ZERO, BigDecimal::add);
      list.sort((a, b) -> {
        int c = b.getDecimal(2).compareTo(a.getDecimal(2));
        return c != 0 ? c : a.getString(1).compareTo(b.getString(1));
      });
      Map<String, Object> s = new LinkedHashMap<>();
      for (Row r : list) {
        s.put(r.getString(1), pct(r.getDecimal(2), total).round(new MathContext(6)));
      }
      out.put(dir, s);
    });
    return out;
  }

  /**
   * Young buyers' orders by channel, as youth_consumption_channel computes them for the half (cohort ALL,
   * age band ALL): gross value, distinct buyers and orders, value and buyer shares (2 decimals).
   */
  private static Map<String, Object> youth(Dataset<Row> young) {
    Row all = young.agg(sum("gross"), count_distinct(col("buyerId")), count_distinct(col("orderId"))).first();
    if (all.isNullAt(0)) {
      return null;
    }
    BigDecimal totalValue = all.getDecimal(0).setScale(2, RoundingMode.HALF_UP);
    long totalBuyers = all.getLong(1);
    Map<String, Object> y = new LinkedHashMap<>();
    y.put("direction", Catalog.IMPORT);
    y.put("min_age", YOUTH_MIN_AGE);
    y.put("max_age", YOUTH_MAX_AGE);
    Map<String, Object> channels = new LinkedHashMap<>();
    channels.put("ALL", youthCell(totalValue, totalBuyers, all.getLong(2), totalValue, totalBuyers));
    List<Row> rows = young.groupBy("channel")
        .agg(sum("gross"), count_distinct(col("buyerId")), count_distinct(col("orderId")))
        .orderBy("channel").collectAsList();
    for (Row r : rows) {
      channels.put(r.getString(0), youthCell(r.getDecimal(1).setScale(2, RoundingMode.HALF_UP), r.getLong(2),
          r.getLong(3), totalValue, totalBuyers));
    }
    y.put("channels", channels);
    Map<String, Map<String, Object>> byCohort = new TreeMap<>();
    Map<String, BigDecimal> cohortTotal = new TreeMap<>();
    List<Row> cells = young.groupBy("cohort", "channel").agg(sum("gross")).orderBy("cohort", "channel").collectAsList();
    for (Row r : cells) {
      cohortTotal.merge(r.getString(0), r.getDecimal(2).setScale(2, RoundingMode.HALF_UP), BigDecimal::add);
    }
    for (Row r : cells) {
      byCohort.computeIfAbsent(r.getString(0), c -> new LinkedHashMap<>()).put(r.getString(1),
          share(r.getDecimal(2).setScale(2, RoundingMode.HALF_UP), cohortTotal.get(r.getString(0))));
    }
    y.put("value_share_pct_by_cohort", byCohort);
    return y;
  }

  private static Map<String, Object> youthCell(BigDecimal value, long buyers, long orders, BigDecimal totalValue,
      long totalBuyers) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("gross_cny", value);
    c.put("buyers", buyers);
    c.put("orders", orders);
    c.put("value_share_pct", share(value, totalValue));
    c.put("buyer_share_pct", share(BigDecimal.valueOf(buyers), BigDecimal.valueOf(totalBuyers)));
    return c;
  }

  private static BigDecimal share(BigDecimal part, BigDecimal whole) {
    return whole.signum() == 0 ? null
        : part.multiply(BigDecimal.valueOf(100)).divide(whole, 2, RoundingMode.HALF_UP);
  }
}
