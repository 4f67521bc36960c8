package io.tradelake.bench;

import io.delta.tables.DeltaTable;
import io.tradelake.cli.SessionLifecycle;
import io.tradelake.cli.TradeLake;
import io.tradelake.config.Settings;
import io.tradelake.generate.GeneratorSettings;
import io.tradelake.generate.TradeLogGenerator;
import io.tradelake.table.Tables;
import io.tradelake.testing.Dirs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Daily operation: {@code days} days of generated logs landed one day at a time, {@code tradelake run}
 * after each, then the number of data files in each table (with Delta's auto compaction as configured).
 */
final class DailyRuns {

  private DailyRuns() {}

  static Map<String, Long> filesAfter(SparkSession spark, Settings settings, int days, Path cache) throws Exception {
    LocalDate end = LocalDate.of(2020, 6, 30);
    LocalDate start = end.minusDays(days - 1L);
    Path data = cache.resolve("daily-" + days);
    if (!Files.exists(data.resolve("_truth/manifest.json"))) {
      GeneratorSettings g = GeneratorSettings.defaults().withRange(start, end).withEvents(200L * days).withSeed(7);
      TradeLogGenerator.run(spark, g, settings, data.toString(), true);
    }
    Path landing = Files.createTempDirectory("daily-landing");
    Path warehouse = Files.createTempDirectory("daily-warehouse");
    for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
      for (String layout : List.of("shopline-csv", "globalbuy-jsonl")) {
        Path day = data.resolve(layout).resolve(d.toString());
        if (!Files.isDirectory(day)) {
          continue;
        }
        Path target = Files.createDirectories(landing.resolve(layout).resolve(d.toString()));
        try (Stream<Path> s = Files.list(day)) {
          for (Path f : s.toList()) {
            Files.createSymbolicLink(target.resolve(f.getFileName()), f.toAbsolutePath());
          }
        }
      }
      int exit = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
          .execute("ingest", "--input", landing.toString(), "--warehouse", warehouse.toString());
      exit += TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
          .execute("clean", "--input", landing.toString(), "--warehouse", warehouse.toString());
      exit += TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
          .execute("aggregate", "--input", landing.toString(), "--warehouse", warehouse.toString());
      if (exit != 0) {
        throw new IllegalStateException("daily run for " + d + " failed");
      }
      System.out.println("bench: daily run " + d + " done");
    }
    Tables tables = Tables.at(warehouse.toString(), spark);
    Map<String, Long> files = new LinkedHashMap<>();
    for (String t : List.of(Tables.BRONZE, Tables.INGEST_LOG, Tables.SILVER, Tables.QUARANTINE, Tables.CLEAN_LOG,
        Tables.GROWTH_CELLS, Tables.YOUTH_CELLS, Tables.GROWTH_BY_MARKET, Tables.YOUTH_CHANNEL, Tables.AGGREGATE_LOG,
        Tables.RUN_METRICS)) {
      files.put(t, DeltaTable.forPath(spark, tables.path(t)).detail().select("numFiles").first().getLong(0));
    }
    Dirs.deleteRecursively(landing);
    Dirs.deleteRecursively(warehouse);
    return files;
  }
}
