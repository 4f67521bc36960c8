package io.tradelake.cli;

import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.table.Tables;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.spark.sql.Row;
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
  void everyStageBalancesAndEveryPlantedFaultIsQuarantinedByName() throws Exception {
    assertThat(exit).isZero();
    GroundTruth.of(SAMPLE).assertCleanStageMatches(tables);
  }

  @Test
  void cleanTakesBronzesRowsButItsHeaderLinesWhichIngestCounts() {
    Row ingest = tables.read(Tables.RUN_METRICS).where("stage = 'ingest' AND table_name = 'bronze_events'")
        .selectExpr("rows_out", "rule_counts['header_lines']").first();
    long cleanIn = tables.read(Tables.RUN_METRICS).where("stage = 'clean' AND table_name = 'silver_events'")
        .selectExpr("rows_in").first().getLong(0);
    long headers = tables.read(Tables.BRONZE).where("line_kind = 'HEADER'").count();
    assertThat(headers).isPositive();
    assertThat(ingest.getLong(1)).isEqualTo(headers);
    assertThat(ingest.getLong(0) - ingest.getLong(1)).isEqualTo(cleanIn);
  }

  @Test
  void yearlyGrossEqualsWhatTheGeneratorWrote() throws Exception {
    GroundTruth.of(SAMPLE).assertYearlyGrossMatches(tables);
    assertThat(tables.read(Tables.GROWTH_BY_MARKET).where("period_type = 'year' AND direction = 'TOTAL' "
        + "AND market = 'ALL'").count()).isEqualTo(3);
  }

  @Test
  void coverageIsWhatTheSamplePromises() {
    assertThat(tables.read(Tables.SILVER).select("channel").distinct().count()).isEqualTo(7);
    assertThat(tables.read(Tables.SILVER).where("direction = 'EXPORT'").select("market").distinct().count())
        .isGreaterThanOrEqualTo(10);
    assertThat(tables.read(Tables.SILVER).where("direction = 'IMPORT'").select("market").distinct().count())
        .isGreaterThanOrEqualTo(10);
    assertThat(tables.read(Tables.SILVER).select("currency").distinct().count()).isGreaterThanOrEqualTo(7);
    assertThat(tables.read(Tables.GROWTH_BY_MARKET)
        .where("period = '2019-H1' AND direction = 'TOTAL' AND market = 'ALL' AND yoy_pct IS NOT NULL").count())
        .isEqualTo(1);
    assertThat(tables.read(Tables.MARKET_CLUSTER_PROFILES).count()).isGreaterThanOrEqualTo(2);
  }
}
