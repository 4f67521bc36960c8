package io.tradelake.cli;

import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.table.Tables;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code tradelake run} on data-sample/ with the shipped configuration: every row accounted for, known totals. */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataSampleEndToEndTest {

  static final Path SAMPLE = Path.of(System.getProperty("tradelake.project.dir", ".."), "data-sample");
  Tables tables;
  int exit;

  @BeforeAll
  void run(SparkSession spark, @TempDir Path warehouse) {
    exit = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
        .execute("run", "--input", SAMPLE.toString(), "--warehouse", warehouse.toString());
    tables = Tables.at(warehouse.toString(), spark);
  }

  @Test
  void everyStageBalancesAndEveryPlantedFaultIsQuarantinedByName() {
    assertThat(exit).isZero();
    assertThat(tables.read(Tables.RUN_METRICS).where("NOT balanced").count()).isZero();
    assertThat(sorted(tables.read(Tables.RUN_METRICS).where("stage IN ('ingest', 'clean')"),
        "stage", "rows_in", "rows_out", "rows_quarantined", "duplicates_removed")).containsExactly(
        "clean|3837|3818|13|6", "ingest|3897|3897|0|0");
    assertThat(sorted(tables.read(Tables.QUARANTINE).groupBy("rule").count())).containsExactly(
        "bad_timestamp|2", "blank_line|1", "non_positive_price|3", "unknown_buyer_country|2",
        "unknown_currency|2", "unknown_seller_country|1", "unparsable_line|2");
  }

  @Test
  void yearlyTotalsEqualTheSamplesOwnArithmetic() {
    // gross CNY of clean, not cancelled order lines per year, summed line by line when the sample was made
    assertThat(sorted(tables.read(Tables.GROWTH_BY_MARKET)
        .where("period_type = 'year' AND direction = 'TOTAL' AND market = 'ALL'"),
        "period", "gross_value", "orders")).containsExactly(
        "2018|502387.56|805", "2019|620340.94|1104", "2020|178868.10|295");
  }

  @Test
  void coverageIsWhatTheSamplePromises() {
    assertThat(tables.read(Tables.SILVER).select("channel").distinct().count()).isEqualTo(7);
    assertThat(tables.read(Tables.SILVER).where("direction = 'EXPORT'").select("market").distinct().count())
        .isGreaterThanOrEqualTo(10);
    assertThat(tables.read(Tables.SILVER).where("direction = 'IMPORT'").select("market").distinct().count())
        .isGreaterThanOrEqualTo(10);
    assertThat(tables.read(Tables.SILVER).select("currency").distinct().count()).isGreaterThanOrEqualTo(4);
    assertThat(tables.read(Tables.GROWTH_BY_MARKET)
        .where("period = '2019-H1' AND direction = 'TOTAL' AND market = 'ALL' AND yoy_pct IS NOT NULL").count())
        .isEqualTo(1);
    assertThat(tables.read(Tables.MARKET_CLUSTER_PROFILES).count()).isGreaterThanOrEqualTo(2);
  }
}
