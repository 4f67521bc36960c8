package io.tradelake.cli;

import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.table.Tables;
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
 * Landing the hand-made fixture day by day, with late events (a 2018 order arriving in a 2019 folder and in
 * a 2020 folder, a 2020 cancellation of a 2019 order), and running the pipeline after each day gives exactly
 * the gold of one run over everything, also when the last day's run is taken again after an interruption.
 */
@SparkTest
class IncrementalEqualsFullRebuildTest {

  static final Path FIXTURE = Path.of("src/test/resources/fixtures/handmade");
  static final String HEADER = "event_id,order_no,kind,created_at,shop,customer_id,customer_country,birth_year,"
      + "merchant_country,category,qty,unit_price,ccy\n";
  static final List<String> DAYS = List.of(
      "shopline-csv/2018-03-01/a.csv", "globalbuy-jsonl/2019-06-15/c.jsonl", "shopline-csv/2019-03-01/b.csv",
      "shopline-csv/2020-02-01/late.csv");

  /** {@code run --until aggregate}: the daily job; the models are retrained on their own schedule. */
  static int run(SparkSession spark, Path input, Path warehouse) {
    return TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
        .execute("run", "--until", "aggregate", "--input", input.toString(), "--warehouse", warehouse.toString(),
            "--conf", "fx.rates-file=" + FIXTURE.resolve("fx.csv").toAbsolutePath(),
            // Every cell of the fixture has one or two buyers: publish them all to check the numbers.
            "--conf", "privacy.min-buyers=1");
  }

  static void land(Path input, String relative, Path late) throws Exception {
    Path target = input.resolve(relative);
    Files.createDirectories(target.getParent());
    Files.copy(relative.endsWith("late.csv") ? late : FIXTURE.resolve("input").resolve(relative), target);
  }

  @Test
  void dayByDayGivesTheSameGoldAsOneFullRun(SparkSession spark, @TempDir Path dir) throws Exception {
    Path late = dir.resolve("late.csv");
    Files.writeString(late, HEADER
        + "s10,O3,cancel,2020-02-01 10:00:00,Tmall Global,B1,CN,1995,JP,,,,\n"
        + "s11,O20,order,2018-12-30 10:00:00,Tmall Global,B9,CN,1999,FR,fashion,1,100,EUR\n");
    Path daily = dir.resolve("daily-input");
    Path dailyWh = dir.resolve("daily-wh");
    for (String day : DAYS) {
      land(daily, day, late);
      assertThat(run(spark, daily, dailyWh)).as("run after " + day).isZero();
    }
    // The last day's run as if interrupted after its cells and gold were written, before its DONE mark: the
    // next run takes the same range again and must not add the day's change to the cells a second time.
    String log = "delta.`" + Tables.at(dailyWh.toString(), spark).path(Tables.AGGREGATE_LOG) + "`";
    long lastTo = spark.sql("SELECT max(batch_to) FROM " + log).first().getLong(0);
    spark.sql("DELETE FROM " + log + " WHERE phase = 'DONE' AND batch_to = " + lastTo);
    assertThat(run(spark, daily, dailyWh)).as("rerun of the interrupted last day").isZero();
    assertThat(spark.sql("SELECT count(*) FROM " + log + " WHERE phase = 'STARTED' AND batch_to = " + lastTo)
        .first().getLong(0)).as("the last range taken twice").isEqualTo(2);
    Path all = dir.resolve("all-input");
    for (String day : DAYS) {
      land(all, day, late);
    }
    Path fullWh = dir.resolve("full-wh");
    assertThat(run(spark, all, fullWh)).isZero();

    Tables daily4 = Tables.at(dailyWh.toString(), spark);
    Tables full = Tables.at(fullWh.toString(), spark);
    for (String table : List.of(Tables.GROWTH_BY_MARKET, Tables.YOUTH_CHANNEL)) {
      List<String> expected = sorted(full.read(table));
      assertThat(sorted(daily4.read(table))).as(table).isEqualTo(expected);
    }
    // The late cancel removed 2019's only Japanese order; its refund stays, in a cell with no buyer left, which
    // is therefore suppressed. The late 2018 order added to France.
    assertThat(sorted(full.read(Tables.GROWTH_BY_MARKET)
        .where("period_type = 'year' AND direction = 'IMPORT' AND market IN ('JP', 'FR')"),
        "period", "market", "gross_value", "orders")).containsExactly(
        "2018|FR|1600.00|2", "2018|JP|120.00|1", "2019|JP|null|null", "2020|JP|300.00|1");
    assertThat(sorted(daily4.read(Tables.SILVER).groupBy("event_id").count().where("count > 1"))).isEmpty();
    // --until aggregate stopped there: no model was trained.
    assertThat(daily4.exists(Tables.MARKET_FEATURES)).isFalse();
    assertThat(daily4.exists(Tables.MODEL_RUNS)).isFalse();
  }
}
