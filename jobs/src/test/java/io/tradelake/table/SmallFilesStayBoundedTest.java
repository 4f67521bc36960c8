package io.tradelake.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.ingest.IngestJob;
import io.tradelake.runtime.JobContext;
import io.tradelake.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Daily runs append a few small files to each table; Delta's auto compaction (on in reference.conf) folds
 * them once a table holds autoCompact.minNumFiles of them, so the file count stays bounded however many
 * days run. Here the threshold is lowered to 3 to show it in 7 days of ingest (the benchmark suite counts
 * every table's files after 60 daily runs of the whole pipeline).
 */
@SparkTest
class SmallFilesStayBoundedTest {

  static final String HEADER = "event_id,order_no,kind,created_at,shop,customer_id,customer_country,birth_year,"
      + "merchant_country,category,qty,unit_price,ccy\n";

  static long files(SparkSession spark, Tables tables, String table) {
    return DeltaTable.forPath(spark, tables.path(table)).detail().select("numFiles").first().getLong(0);
  }

  @Test
  void dailyIngestsKeepBronzeAndItsLogSmall(SparkSession spark, @TempDir Path dir) throws Exception {
    Path input = dir.resolve("in");
    Settings s = Settings.from(ConfigLoader.load("local", Optional.empty(),
        List.of("input=" + input, "warehouse=" + dir.resolve("wh"))));
    String enabled = spark.conf().get("spark.databricks.delta.autoCompact.enabled", "false");
    spark.conf().set("spark.databricks.delta.autoCompact.enabled", "true");
    spark.conf().set("spark.databricks.delta.autoCompact.minNumFiles", "3");
    try {
      JobContext ctx = null;
      for (int d = 0; d < 7; d++) {
        LocalDate day = LocalDate.of(2019, 3, 1).plusDays(d);
        Path folder = Files.createDirectories(input.resolve("shopline-csv").resolve(day.toString()));
        Files.writeString(folder.resolve("part.csv"), HEADER + "E" + d + ",O" + d + ",order," + day
            + " 10:00:00,Tmall Global,B1,CN,1990,JP,food,1,100,JPY\n");
        ctx = JobContext.create(spark, s, "day-" + d, Clock.systemUTC());
        new IngestJob().run(ctx);
      }
      assertThat(files(spark, ctx.tables(), Tables.BRONZE)).isLessThanOrEqualTo(3);
      // The ingest log is a ledger: compacted on every tenth commit (LedgerCompactionTest).
      assertThat(files(spark, ctx.tables(), Tables.INGEST_LOG)).isLessThan(Tables.LEDGER_MAX_FILES);
      // Compaction moves rows, it never adds or drops one.
      assertThat(ctx.tables().read(Tables.BRONZE).count()).isEqualTo(14);
    } finally {
      spark.conf().set("spark.databricks.delta.autoCompact.enabled", enabled);
      spark.conf().unset("spark.databricks.delta.autoCompact.minNumFiles");
    }
  }
}
