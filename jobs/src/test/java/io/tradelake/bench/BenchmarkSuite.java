package io.tradelake.bench;

import io.tradelake.cli.SessionLifecycle;
import io.tradelake.cli.TradeLake;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.config.SourceLayout;
import io.tradelake.generate.GeneratorSettings;
import io.tradelake.generate.TradeLogGenerator;
import io.tradelake.runtime.SparkSessions;
import io.tradelake.table.Tables;
import io.tradelake.testing.Dirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The benchmark suite ({@code mvn -B -Pbench verify}, never part of the tests): for each size, generated
 * data cached under {@code bench.data}, the scan floor, the pipeline per stage against it, DuckDB on the
 * same silver data, a one-day increment, driver heap, files and bytes per table. Writes BENCHMARKS.md.
 *
 * <p>Properties: {@code bench.sizes} (events, comma separated; default 1000000), {@code bench.data}
 * (cache folder), {@code bench.out} (the report), {@code bench.daysPerMonth} (generator sample mode, 0 =
 * every day), {@code bench.dailyRuns} (days landed and run one at a time, then files per table; 0 = skip).
 */
public final class BenchmarkSuite {

  /** One size's figures, in the order they are printed. */
  static final class Figures {
    final long events;
    final Map<String, String> rows = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, Double> stageSeconds = new HashMap<>();
    /** Heap in use after a collection, peak over the full run (see HeapAfterGc). */
    double peakHeapMb;

    Figures(long events) {
      this.events = events;
    }

    void put(String name, String value) {
      rows.put(name, value);
      System.out.printf("bench %,d: %-55s %s%n", events, name, value);
    }
  }

  public static void main(String[] args) throws Exception {
    List<Long> sizes = sizes();
    Path cache = Path.of(System.getProperty("bench.data", "target/bench-data"));
    Path report = Path.of(System.getProperty("bench.out", "../BENCHMARKS.md"));
    int daysPerMonth = Integer.getInteger("bench.daysPerMonth", 0);
    Settings settings = Settings.from(ConfigLoader.load("local", Optional.empty(), List.of()));
    SparkSession spark = SparkSessions.create(settings);
    SparkWork work = SparkWork.install(spark);
    List<Figures> all = new ArrayList<>();
    int dailyRuns = Integer.getInteger("bench.dailyRuns", 0);
    Map<String, Long> dailyFiles = Map.of();
    try {
      for (long events : sizes) {
        all.add(measure(spark, work, settings, events, cache, daysPerMonth));
      }
      if (dailyRuns > 0) {
        dailyFiles = DailyRuns.filesAfter(spark, settings, dailyRuns, cache);
        System.out.println("bench: files per table after " + dailyRuns + " daily runs: " + dailyFiles);
      }
    } finally {
      spark.stop();
    }
    String previous = Files.exists(report) ? Files.readString(report) : "";
    Files.writeString(report, Report.render(previous, all, daysPerMonth, dailyRuns, dailyFiles),
        StandardCharsets.UTF_8);
    System.out.println("bench: wrote " + report.toAbsolutePath());
  }

  /** {@code bench.sizes}: the event counts to measure, comma separated (default 1000000). */
  static List<Long> sizes() {
    return Stream.of(System.getProperty("bench.sizes", "1000000").split(","))
        .map(String::trim).filter(x -> !x.isEmpty()).map(Long::parseLong).toList();
  }

  static Figures measure(SparkSession spark, SparkWork work, Settings settings, long events, Path cache,
      int daysPerMonth) throws Exception {
    Figures f = new Figures(events);
    Path data = cache.resolve("events-" + events + (daysPerMonth > 0 ? "-dpm" + daysPerMonth : ""));
    if (!Files.exists(data.resolve("_truth/manifest.json"))) {
      long t = System.nanoTime();
      GeneratorSettings g = GeneratorSettings.defaults().withEvents(events).withSeed(7)
          .withSampleDaysPerMonth(daysPerMonth);
      TradeLogGenerator.run(spark, g, settings, data.toString(), true);
      f.put("generate (s)", String.format(Locale.ROOT, "%.1f", secs(t)));
    }
    List<Path> files = rawFiles(data);
    long bytes = 0;
    for (Path p : files) {
      bytes += Files.size(p);
    }
    f.put("raw files / MB", files.size() + " / " + String.format(Locale.ROOT, "%.1f", bytes / 1e6));

    // Scan floor: the raw files read with each layout's explicit schema, every record counted. The first pass
    // warms the JVM and the page cache (the stages after it find both warm), the second is timed.
    long scanned = 0;
    double floorSeconds = 0;
    for (int pass = 0; pass < 2; pass++) {
      long t0 = System.nanoTime();
      scanned = 0;
      for (SourceLayout layout : settings.layouts().values()) {
        List<String> paths = files.stream().filter(p -> p.startsWith(data.resolve(layout.name())))
            .map(Path::toString).toList();
        scanned += scanFloor(spark, layout, paths);
      }
      floorSeconds = secs(t0);
    }
    double floorRate = scanned / floorSeconds;
    f.put("scan floor: records / s", String.format(Locale.ROOT, "%,.0f (%,d records in %.1f s)", floorRate,
        scanned, floorSeconds));

    // The pipeline on all days but the last, then the last day alone (incremental).
    Path landing = Files.createTempDirectory("bench-landing");
    Path warehouse = Files.createTempDirectory("bench-warehouse");
    String lastDay = linkDays(data, landing, false);
    resetPeaks();
    long full = System.nanoTime();
    long fullFrom = System.currentTimeMillis();
    run(spark, landing, warehouse);
    double fullSeconds = secs(full);
    Map<String, SparkWork.Totals> fullWork = work.between(spark, fullFrom, System.currentTimeMillis());
    double poolPeaksMb = peakHeapMb();
    f.peakHeapMb = HEAP_AFTER_GC.peakMb();
    Tables tables = Tables.at(warehouse.toString(), spark);
    Dataset<Row> metrics = tables.read(Tables.RUN_METRICS);
    String firstRun = metrics.selectExpr("min(run_id)").first().getString(0);
    List<Row> ledger = new ArrayList<>(metrics.where("run_id = '" + firstRun + "' AND rows_in > 0")
        .select("stage", "table_name", "rows_in", "duration_ms").collectAsList());
    List<String> order = List.of("ingest", "clean", "aggregate", "model");
    ledger.sort(java.util.Comparator.comparingInt(r -> order.indexOf(r.getString(0))));
    for (Row m : ledger) {
      String stage = m.getString(0);
      if (f.stageSeconds.containsKey(stage)) {
        continue; // aggregate reports two tables with one duration
      }
      double s = m.getLong(3) / 1000.0;
      f.stageSeconds.put(stage, s);
      double rate = m.getLong(2) / s;
      f.put(stage + ": rows / s (per core) · × scan floor", String.format(Locale.ROOT,
          "%,.0f (%,.0f) · %.2f  [%,d rows in %.1f s]", rate, rate / cores(spark), rate / floorRate, m.getLong(2), s));
    }
    f.put("full run, all stages (s)", String.format(Locale.ROOT, "%.1f", fullSeconds));
    putWork(f, "Spark work, full run: ", fullWork, durations(metrics.where("run_id = '" + firstRun + "'"), order),
        cores(spark));
    f.put("JVM heap in use after GC, peak, full run (MB)", String.format(Locale.ROOT, "%.0f", f.peakHeapMb));
    f.put("JVM heap pools' peaks summed, full run (MB)", String.format(Locale.ROOT, "%.0f", poolPeaksMb));
    f.put("JIT code cache, peak use, full run (MB of MB)", codeCache());
    for (Row m : metrics.where("run_id = '" + firstRun + "'").groupBy("table_name")
        .agg(org.apache.spark.sql.functions.sum("files_written"), org.apache.spark.sql.functions.sum("bytes_written"))
        .orderBy("table_name").collectAsList()) {
      f.put("written: " + m.getString(0) + " (files / MB)", m.getLong(1) + " / "
          + String.format(Locale.ROOT, "%.2f", m.getLong(2) / 1e6));
    }

    if (Boolean.getBoolean("bench.fullRunOnly")) { // scaling and memory only: no floors of bronze/silver, DuckDB, increment
      Dirs.deleteRecursively(landing);
      Dirs.deleteRecursively(warehouse);
      return f;
    }

    // Inputs of clean and aggregate, scanned: their floors.
    long tb = System.nanoTime();
    long bronzeRows = tables.read(Tables.BRONZE).selectExpr("max(xxhash64(*))", "count(*)").first().getLong(1);
    double bronzeRate = bronzeRows / secs(tb);
    long ts = System.nanoTime();
    long silverRows = tables.read(Tables.SILVER).selectExpr("max(xxhash64(*))", "count(*)").first().getLong(1);
    double silverRate = silverRows / secs(ts);
    f.put("scan floor of bronze / silver (rows / s)", String.format(Locale.ROOT, "%,.0f / %,.0f", bronzeRate,
        silverRate));
    Double cleanS = f.stageSeconds.get("clean");
    if (cleanS != null) {
      f.put("clean: rows / s × bronze scan floor", String.format(Locale.ROOT, "%.3f",
          bronzeRows / cleanS / bronzeRate));
    }
    // Aggregate and model both read silver: their silver rows per second against silver's own floor (the
    // model's ledger counts buyers and markets, not the events it reads).
    List<String> fromSilver = new ArrayList<>();
    for (String stage : List.of("aggregate", "model")) {
      Double s = f.stageSeconds.get(stage);
      if (s != null) {
        fromSilver.add(stage + " " + String.format(Locale.ROOT, "%.3f", silverRows / s / silverRate));
      }
    }
    if (!fromSilver.isEmpty()) {
      f.put("silver rows / s × silver scan floor", String.join(" · ", fromSilver));
    }

    // DuckDB on the same silver, exported as Parquet.
    DuckDbComparison.Result duck = DuckDbComparison.run(spark, tables, Files.createTempDirectory("bench-parquet"));
    Double aggS = f.stageSeconds.get("aggregate");
    f.put("DuckDB: growth_by_market yearly + monthly (s)", String.format(Locale.ROOT, "%.2f", duck.seconds()));
    if (aggS != null) {
      f.put("aggregate (TradeLake) / DuckDB time", String.format(Locale.ROOT, "%.1f", aggS / duck.seconds()));
    }
    f.put("DuckDB rows equal to gold", duck.compared() + " compared, " + duck.mismatches() + " differ");

    // One more day, landed as a daily run would: up to the gold, then the models retrained in their own command.
    linkDays(data, landing, true);
    // The same daily run as its own command, in a new JVM (as a scheduler starts it), on a copy of the warehouse:
    // it pays what the warm JVM does not (JIT compilation, first Delta reads, compaction of each partition it
    // appends to, which Delta tracks per JVM).
    Path copy = Files.createTempDirectory("bench-warehouse-copy");
    IncrementBench.copy(warehouse, copy);
    // The copy's metastore names the original's paths: a run with nothing new registers the copy's tables first,
    // untimed, as the previous day's run has on a scheduler's own warehouse.
    Path nothingNew = Files.createTempDirectory("bench-no-input");
    inNewJvm(Path.of("target", "bench-daily-run-" + events + "-register.log"), "run", "--until", "aggregate",
        "--input", nothingNew.toString(), "--warehouse", copy.toString());
    Dirs.deleteRecursively(nothingNew);
    double ownJvm = inNewJvm(Path.of("target", "bench-daily-run-" + events + ".log"), "run", "--until", "aggregate",
        "--input", landing.toString(), "--warehouse", copy.toString());
    Dirs.deleteRecursively(copy);
    resetPeaks();
    long inc = System.nanoTime();
    long incFrom = System.currentTimeMillis();
    tradelake(spark, "run", "--until", "aggregate", "--input", landing.toString(), "--warehouse", warehouse.toString());
    double toGold = secs(inc);
    Map<String, SparkWork.Totals> incWork = work.between(spark, incFrom, System.currentTimeMillis());
    long retrain = System.nanoTime();
    tradelake(spark, "model", "--input", landing.toString(), "--warehouse", warehouse.toString());
    double incSeconds = toGold + secs(retrain);
    f.put("one-day increment (" + lastDay + "): whole pipeline (s) · share of full", String.format(Locale.ROOT,
        "%.1f · %.1f%%", incSeconds, 100 * incSeconds / fullSeconds));
    f.put("one-day increment: daily run to the gold, run --until aggregate (s) · share of full",
        String.format(Locale.ROOT, "%.1f · %.1f%%", toGold, 100 * toGold / fullSeconds));
    f.put("one-day increment: the same daily run in a new JVM (s) · share of full", String.format(Locale.ROOT,
        "%.1f · %.1f%%", ownJvm, 100 * ownJvm / fullSeconds));
    f.put("JVM heap in use after GC, peak, increment (MB)", String.format(Locale.ROOT, "%.0f",
        HEAP_AFTER_GC.peakMb()));
    Dataset<Row> incMetrics = tables.read(Tables.RUN_METRICS).where("run_id <> '" + firstRun + "'");
    Map<String, Double> incSecondsByStage = durations(incMetrics, order);
    StringBuilder byStage = new StringBuilder();
    incSecondsByStage.forEach((stage, seconds) -> byStage.append(byStage.isEmpty() ? "" : " · ").append(stage)
        .append(' ').append(String.format(Locale.ROOT, "%.1f", seconds)));
    f.put("one-day increment by stage (s)", byStage.toString());
    putWork(f, "Spark work, daily run (warm JVM): ", incWork, incSecondsByStage, cores(spark));
    f.put("JIT code cache, peak use, increment (MB of MB)", codeCache());
    Dirs.deleteRecursively(landing);
    Dirs.deleteRecursively(warehouse);
    return f;
  }

  /**
   * Seconds per stage, in the order of {@code stages}, of those with rows in {@code runMetrics}: a stage's tables
   * share its duration; the model stage runs two jobs (markets, buyers), each with its own.
   */
  static Map<String, Double> durations(Dataset<Row> runMetrics, List<String> stages) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String stage : stages) {
      Row d = runMetrics.where("stage = '" + stage + "' AND duration_ms > 0").selectExpr("sum(DISTINCT duration_ms)")
          .first();
      if (!d.isNullAt(0)) {
        out.put(stage, d.getLong(0) / 1000.0);
      }
    }
    return out;
  }

  /** A row per stage of Spark's own metrics of its work ({@link SparkWork}), set against its {@link #durations}. */
  static void putWork(Figures f, String prefix, Map<String, SparkWork.Totals> work, Map<String, Double> seconds,
      int cores) {
    seconds.forEach((stage, s) -> {
      SparkWork.Totals t = work.get(stage);
      if (t != null) {
        f.put(prefix + stage, t.describe(s, cores));
      }
    });
  }

  static long scanFloor(SparkSession spark, SourceLayout layout, List<String> paths) {
    if (paths.isEmpty()) {
      return 0;
    }
    if (layout.format() == SourceLayout.Format.CSV) {
      StructType schema = new StructType();
      for (String c : layout.columns()) {
        schema = schema.add(c, DataTypes.StringType);
      }
      return spark.read().schema(schema).option("header", String.valueOf(layout.header()))
          .option("sep", layout.delimiter()).csv(paths.toArray(String[]::new))
          .selectExpr("max(xxhash64(*))", "count(*)").first().getLong(1);
    }
    return spark.read().schema(StructType.fromDDL(layout.jsonSchema())).json(paths.toArray(String[]::new))
        .selectExpr("max(xxhash64(*))", "count(*)").first().getLong(1);
  }

  static void run(SparkSession spark, Path landing, Path warehouse) {
    tradelake(spark, "run", "--input", landing.toString(), "--warehouse", warehouse.toString());
  }

  static void tradelake(SparkSession spark, String... args) {
    int exit = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
        .execute(args);
    if (exit != 0) {
      throw new IllegalStateException("tradelake " + args[0] + " failed with exit code " + exit);
    }
  }

  /**
   * Runs a TradeLake command in a new JVM with this JVM's options and classpath (the suite's, as {@code
   * bin/tradelake} would give it), its output to {@code log}; returns its wall time in seconds.
   */
  static double inNewJvm(Path log, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-Dbench.") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent"))
        .forEach(command::add);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), TradeLake.class.getName()));
    command.addAll(List.of(args));
    long t = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int exit = p.waitFor();
    double seconds = secs(t);
    if (exit != 0) {
      throw new IllegalStateException("tradelake " + args[0] + " in a new JVM failed with exit code " + exit
          + " (log: " + log.toAbsolutePath() + ")");
    }
    return seconds;
  }

  /** Links the generated day folders into {@code landing}: all but the last day, or only the last. */
  static String linkDays(Path data, Path landing, boolean lastOnly) throws IOException {
    String last = "";
    List<Path> days = new ArrayList<>();
    for (String layout : List.of("shopline-csv", "globalbuy-jsonl")) {
      try (Stream<Path> s = Files.list(data.resolve(layout))) {
        s.forEach(days::add);
      }
    }
    for (Path d : days) {
      last = d.getFileName().toString().compareTo(last) > 0 ? d.getFileName().toString() : last;
    }
    for (Path d : days) {
      boolean isLast = d.getFileName().toString().equals(last);
      if (isLast == lastOnly) {
        Path target = landing.resolve(d.getParent().getFileName()).resolve(d.getFileName());
        Files.createDirectories(target);
        try (Stream<Path> s = Files.list(d)) {
          for (Path file : s.toList()) {
            Files.createSymbolicLink(target.resolve(file.getFileName()), file.toAbsolutePath());
          }
        }
      }
    }
    return last;
  }

  static List<Path> rawFiles(Path data) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String layout : List.of("shopline-csv", "globalbuy-jsonl")) {
      try (Stream<Path> s = Files.walk(data.resolve(layout))) {
        s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().contains("-resent."))
            .forEach(out::add);
      }
    }
    return out;
  }

  static int cores(SparkSession spark) {
    return spark.sparkContext().defaultParallelism() > 0
        ? Math.min(Runtime.getRuntime().availableProcessors(), spark.sparkContext().defaultParallelism())
        : Runtime.getRuntime().availableProcessors();
  }

  static final HeapAfterGc HEAP_AFTER_GC = HeapAfterGc.install();

  static void resetPeaks() {
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    HEAP_AFTER_GC.reset();
  }

  /**
   * Peak heap used over the pools since the last reset, summed: an upper bound (pools peak at different times,
   * and eden's peak is its size, garbage included).
   */
  static double peakHeapMb() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum / 1e6;
  }

  /**
   * Peak use of the JIT's code cache segments (MB of their size). When a segment fills, HotSpot stops
   * compiling and new code runs interpreted, which would slow every stage after it.
   */
  static String codeCache() {
    StringBuilder b = new StringBuilder();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().startsWith("CodeHeap") && pool.getUsage().getMax() > 0) {
        b.append(b.isEmpty() ? "" : " · ").append(pool.getName().replaceAll("CodeHeap '(.*)'", "$1"))
            .append(String.format(Locale.ROOT, " %.0f of %.0f", pool.getPeakUsage().getUsed() / 1e6,
                pool.getUsage().getMax() / 1e6));
      }
    }
    return b.toString();
  }

  static double secs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** DuckDB computing growth_by_market's cells from silver exported as Parquet, checked against the gold. */
  static final class DuckDbComparison {
    record Result(double seconds, long compared, long mismatches) {}

    static Result run(SparkSession spark, Tables tables, Path dir) throws Exception {
      Path parquet = dir.resolve("silver");
      tables.read(Tables.SILVER).select("event_type", "event_date", "direction", "market", "order_id", "buyer_id",
          "reporting_value").write().parquet(parquet.toString());
      String sql = """
          WITH s AS (SELECT * FROM read_parquet('%s/*.parquet')),
          cancelled AS (SELECT DISTINCT order_id FROM s WHERE event_type = 'CANCEL'),
          sales AS (SELECT * FROM s WHERE event_type = 'ORDER' AND direction IN ('EXPORT', 'IMPORT')
                    AND order_id NOT IN (SELECT order_id FROM cancelled)),
          periods AS (
            SELECT 'year' AS period_type, strftime(event_date, '%%Y') AS period, * FROM sales
            UNION ALL
            SELECT 'month', strftime(event_date, '%%Y-%%m'), * FROM sales)
          SELECT period_type, period, coalesce(direction, 'TOTAL') AS direction, coalesce(market, 'ALL') AS market,
                 round(sum(reporting_value), 2) AS gross, count(DISTINCT order_id) AS orders,
                 count(DISTINCT buyer_id) AS buyers
          FROM periods
          GROUP BY GROUPING SETS ((period_type, period, direction, market), (period_type, period, direction),
                                  (period_type, period))
          """.formatted(parquet.toAbsolutePath());
      Map<String, String> duck = new HashMap<>();
      long t;
      double seconds;
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
        st.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
        t = System.nanoTime();
        try (ResultSet rs = st.executeQuery(sql)) {
          while (rs.next()) {
            duck.put(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4),
                new BigDecimal(rs.getString(5)).setScale(2) + "|" + rs.getLong(6) + "|" + rs.getLong(7));
          }
        }
        seconds = secs(t);
      }
      long compared = 0;
      long mismatches = 0;
      for (Row r : tables.read(Tables.GROWTH_BY_MARKET)
          .where("period_type IN ('year', 'month') AND direction IN ('EXPORT', 'IMPORT', 'TOTAL') AND NOT suppressed")
          .select("period_type", "period", "direction", "market", "gross_value", "orders", "buyers").collectAsList()) {
        String key = r.getString(0) + "|" + r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3);
        String expected = duck.get(key);
        if (expected == null) {
          continue; // TOTAL per market is not in DuckDB's grouping sets
        }
        compared++;
        String gold = r.getDecimal(4).setScale(2) + "|" + r.getLong(5) + "|" + r.getLong(6);
        if (!gold.equals(expected)) {
          mismatches++;
          if (mismatches <= 5) {
            System.out.println("bench: DuckDB differs at " + key + ": gold " + gold + ", DuckDB " + expected);
          }
        }
      }
      return new Result(seconds, compared, mismatches);
    }
  }
}
