package io.tradelake.cli;

import static io.tradelake.cli.IncrementalEqualsFullRebuildTest.DAYS;
import static io.tradelake.cli.IncrementalEqualsFullRebuildTest.HEADER;
import static io.tradelake.cli.IncrementalEqualsFullRebuildTest.land;
import static io.tradelake.cli.IncrementalEqualsFullRebuildTest.run;
import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.table.Tables;
import io.tradelake.testing.Dirs;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables deleted from a warehouse by hand (or left out of a restore): rebuilt where that can be done exactly, so
 * that the warehouse ends as one that lost nothing.
 */
@SparkTest
class LostTablesTest {

  /**
   * Silver deleted while clean_log records its batches as cleaned: the next run cleans every bronze batch again
   * (and the new day), writes quarantine only the new day's rows, and ends with the tables of a warehouse that
   * never lost it. Then quarantine and a gold table deleted: the next run writes them again. Then clean_log
   * deleted: the next run goes on from the batch silver holds, not from the first. Then clean_log and silver
   * deleted: from the batch quarantine holds.
   */
  @Test
  void aLostSilverGoldOrCleanLogIsMadeGood(SparkSession spark, @TempDir Path dir) throws Exception {
    Path late = dir.resolve("late.csv");
    Files.writeString(late, HEADER + "s11,O20,order,2018-12-30 10:00:00,Tmall Global,B9,CN,1999,FR,fashion,1,100,EUR\n"
        + "s12,O21,order,2020-02-01 10:00:00,Tmall Global,B9,CN,1999,FR,fashion,0,100,EUR\n");
    Path input = dir.resolve("input");
    Path kept = dir.resolve("kept-wh");
    Path lost = dir.resolve("lost-wh");
    // A day, then the late day after silver was lost.
    List<String> days = List.of(DAYS.get(0), DAYS.get(DAYS.size() - 1));
    for (String day : days) {
      land(input, day, late);
      if (day.equals(days.get(1))) {
        Dirs.deleteRecursively(lost.resolve(Tables.SILVER));
      }
      assertThat(run(spark, input, kept)).as("run after " + day).isZero();
      assertThat(run(spark, input, lost)).as("run after " + day + ", silver lost before the last").isZero();
    }
    Tables a = Tables.at(kept.toString(), spark);
    Tables b = Tables.at(lost.toString(), spark);
    assertSameTables(a, b);
    // The last run took every bronze row in; the warehouse that kept silver took them in over two runs.
    String clean = "stage = 'clean' AND table_name = 'silver_events'";
    long inOverTwoRuns = a.read(Tables.RUN_METRICS).where(clean).agg(org.apache.spark.sql.functions.sum("rows_in"))
        .first().getLong(0);
    assertThat(sorted(b.read(Tables.RUN_METRICS).where(clean).orderBy(org.apache.spark.sql.functions.desc(
        "run_started_at")).limit(1), "rows_in", "rows_in = rows_out + rows_quarantined + duplicates_removed"))
        .containsExactly(inOverTwoRuns + "|true");

    // Quarantine and a gold table lost, nothing new landed: clean writes quarantine again from bronze (silver
    // keeps its rows), aggregate the gold table from its cells.
    Dirs.deleteRecursively(lost.resolve(Tables.QUARANTINE));
    Dirs.deleteRecursively(lost.resolve(Tables.GROWTH_BY_MARKET));
    assertThat(run(spark, input, lost)).as("run with quarantine and growth_by_market lost").isZero();
    assertSameTables(a, b);

    // clean_log lost, then a new day: clean goes on from the batch silver's last write was for.
    Dirs.deleteRecursively(lost.resolve(Tables.CLEAN_LOG));
    land(input, DAYS.get(1), late);
    assertThat(run(spark, input, kept)).isZero();
    assertThat(run(spark, input, lost)).as("run with clean_log lost").isZero();
    assertSameTables(a, b);

    // clean_log and silver lost together, then a new day: quarantine's own writes say where clean was.
    Dirs.deleteRecursively(lost.resolve(Tables.CLEAN_LOG));
    Dirs.deleteRecursively(lost.resolve(Tables.SILVER));
    land(input, DAYS.get(2), late);
    assertThat(run(spark, input, kept)).isZero();
    assertThat(run(spark, input, lost)).as("run with clean_log and silver lost").isZero();
    assertSameTables(a, b);
  }

  private static void assertSameTables(Tables a, Tables b) {
    for (String table : List.of(Tables.SILVER, Tables.QUARANTINE, Tables.GROWTH_BY_MARKET, Tables.YOUTH_CHANNEL)) {
      String[] columns = java.util.Arrays.stream(a.read(table).columns()).filter(c -> !c.endsWith("run_id"))
          .toArray(String[]::new);
      assertThat(sorted(b.read(table), columns)).as(table).isNotEmpty().isEqualTo(sorted(a.read(table), columns));
    }
  }


  /** Batches without a bad row still leave a quarantine table (empty): nothing looks lost, nothing is redone. */
  @Test
  void batchesWithoutBadRowsLeaveAnEmptyQuarantineAndTheNextRunTakesOnlyItsBatch(SparkSession spark,
      @TempDir Path dir) throws Exception {
    Path input = dir.resolve("input");
    Path warehouse = dir.resolve("wh");
    for (String day : List.of("2019-03-01", "2019-03-02")) {
      Path folder = Files.createDirectories(input.resolve("shopline-csv").resolve(day));
      Files.writeString(folder.resolve("part.csv"), HEADER + "e" + day + ",O" + day
          + ",order,2019-03-01 10:00:00,Tmall Global,B1,CN,1990,JP,food,1,100,JPY\n");
      int exit = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
          .execute("run", "--until", "clean", "--input", input.toString(), "--warehouse", warehouse.toString());
      assertThat(exit).as("run after " + day).isZero();
    }
    Tables tables = Tables.at(warehouse.toString(), spark);
    assertThat(tables.exists(Tables.QUARANTINE)).isTrue();
    assertThat(tables.read(Tables.QUARANTINE).count()).isZero();
    assertThat(tables.read(Tables.SILVER).count()).isEqualTo(2);
    assertThat(sorted(tables.read(Tables.RUN_METRICS).where("stage = 'clean' AND table_name = 'silver_events'"),
        "rows_in")).containsExactly("1", "1");
  }
}
