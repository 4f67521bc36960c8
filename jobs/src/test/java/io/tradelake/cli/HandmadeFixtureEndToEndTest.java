package io.tradelake.cli;

import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.table.Tables;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code tradelake run} on a hand-made fixture (jobs/src/test/resources/fixtures/handmade) whose gold
 * numbers were worked out by hand. FX in the fixture: USD 7, JPY 0.06, EUR 8, KRW 0.006 CNY.
 *
 * <pre>
 * 2018  IMPORT JP  O1  2×1000 JPY = 120      B1 (b.1995)  Tmall Global → cross-border platform
 *       IMPORT FR  O9  1×100 EUR  = 800      B1           DFS Galleria → duty-free (JSON, 02:00Z = 10:00 Shanghai)
 *       EXPORT US  O2  1×50 USD   = 350      B2
 * 2019  IMPORT JP  O3  3×1000 + 1×500 JPY = 210, refund 1×1000 JPY = 60    B1 (age 24)
 *       IMPORT US  O4  1×100 USD  = 700      B3 (b.1990, age 29) Amazon → integrated platform ("China" → CN)
 *       IMPORT KR  O8  2×20000 KRW = 240     B5 (b.1998, age 21) WeChat → social
 *       EXPORT US  O5  2×25 USD   = 350      B2 ("U.S.A." → US)
 *       EXPORT MY  O6  cancelled: no gross, no order
 * 2020  IMPORT JP  O10 1×5000 JPY = 300      B6 (b.1985, age 35) daigou; 2019-12-31T20:00Z is 2020 in Shanghai
 * Quarantine: blank_line, unparsable_line (JSON), non_positive_price, bad_timestamp, unknown_buyer_country
 * ("Atlantis"), unknown_currency ("XYZ"): 1 each. Duplicates: s3 repeated once.
 * </pre>
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandmadeFixtureEndToEndTest {

  static final Path FIXTURE = Path.of("src/test/resources/fixtures/handmade");

  Path warehouse;
  SparkSession spark;
  Tables tables;
  String summary;
  int exitCode;

  @BeforeAll
  void runPipeline(SparkSession spark, @TempDir Path warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    exitCode = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(out, true, StandardCharsets.UTF_8))
        .execute("run", "--input", FIXTURE.resolve("input").toString(), "--warehouse", warehouse.toString(),
            "--conf", "fx.rates-file=" + FIXTURE.resolve("fx.csv").toAbsolutePath(),
            // Every cell of the fixture has one or two buyers: publish them all to check the numbers.
            "--conf", "privacy.min-buyers=1");
    summary = out.toString(StandardCharsets.UTF_8);
    tables = Tables.at(warehouse.toString(), spark);
  }

  Dataset<Row> growth(String periodType) {
    return tables.read(Tables.GROWTH_BY_MARKET).where("period_type = '" + periodType + "'");
  }

  @Test
  void runSucceedsAndPrintsTheLedger() {
    assertThat(exitCode).isZero();
    assertThat(summary).contains("ingest", "clean", "aggregate", "model", "elapsed");
  }

  @Test
  void everyLineIsAccountedForAtEveryStage() {
    List<String> ledger = sorted(tables.read(Tables.RUN_METRICS),
        "stage", "table_name", "rows_in", "rows_out", "rows_quarantined", "duplicates_removed", "balanced");
    assertThat(ledger).contains(
        "ingest|bronze_events|21|21|0|0|true",
        "clean|silver_events|19|12|6|1|true");
    assertThat(sorted(tables.read(Tables.QUARANTINE).groupBy("rule").count())).containsExactly(
        "bad_timestamp|1", "blank_line|1", "non_positive_price|1", "unknown_buyer_country|1",
        "unknown_currency|1", "unparsable_line|1");
  }

  @Test
  void yearlyTotalsSharesAndGrowthMatchTheHandComputation() {
    assertThat(sorted(growth("year").where("market = 'ALL'"),
        "period", "direction", "gross_value", "refund_value", "net_value", "orders", "buyers", "share_pct",
        "yoy_pct", "pop_pct")).containsExactly(
        "2018|EXPORT|350.00|0.00|350.00|1|1|100.00|null|null",
        "2018|IMPORT|920.00|0.00|920.00|2|1|100.00|null|null",
        "2018|TOTAL|1270.00|0.00|1270.00|3|2|100.00|null|null",
        "2019|EXPORT|350.00|0.00|350.00|1|1|100.00|0.00|0.00",
        "2019|IMPORT|1150.00|60.00|1090.00|3|3|100.00|25.00|25.00",
        "2019|TOTAL|1500.00|60.00|1440.00|4|4|100.00|18.11|18.11",
        "2020|IMPORT|300.00|0.00|300.00|1|1|100.00|-73.91|-73.91",
        "2020|TOTAL|300.00|0.00|300.00|1|1|100.00|-80.00|-80.00");
    assertThat(sorted(growth("year").where("period = '2019' AND market <> 'ALL'"),
        "direction", "market", "gross_value", "orders", "buyers", "share_pct", "yoy_pct")).containsExactly(
        "EXPORT|US|350.00|1|1|100.00|0.00",
        "IMPORT|JP|210.00|1|1|18.26|75.00",
        "IMPORT|KR|240.00|1|1|20.87|null",
        "IMPORT|US|700.00|1|1|60.87|null",
        "TOTAL|JP|210.00|1|1|14.00|75.00",
        "TOTAL|KR|240.00|1|1|16.00|null",
        "TOTAL|US|1050.00|2|2|70.00|200.00");
  }

  @Test
  void halvesQuartersAndMonthsAreCutInTheReportingTimeZone() {
    assertThat(sorted(growth("half").where("direction = 'TOTAL' AND market = 'ALL'"),
        "period", "period_start", "gross_value", "yoy_pct", "pop_pct")).containsExactly(
        "2018-H1|2018-01-01|1270.00|null|null",
        "2019-H1|2019-01-01|1500.00|18.11|null",
        "2020-H1|2020-01-01|300.00|-80.00|null");
    assertThat(sorted(growth("quarter").where("direction = 'IMPORT' AND market = 'ALL'"),
        "period", "gross_value", "refund_value", "orders")).containsExactly(
        "2018-Q1|120.00|0.00|1", "2018-Q2|800.00|0.00|1", "2019-Q1|910.00|60.00|2",
        "2019-Q2|240.00|0.00|1", "2020-Q1|300.00|0.00|1");
    assertThat(sorted(growth("month").where("direction = 'IMPORT' AND market = 'JP'"),
        "period", "gross_value", "refund_value", "pop_pct")).containsExactly(
        "2018-03|120.00|0.00|null", "2019-03|210.00|60.00|null", "2020-01|300.00|0.00|null");
  }

  @Test
  void youngBuyersChannelSplitMatchesTheHandComputation() {
    Dataset<Row> youth = tables.read(Tables.YOUTH_CHANNEL).where("period_type = 'year'");
    assertThat(sorted(youth.where("period = '2019' AND cohort = 'ALL' AND age_band = 'ALL'"),
        "channel", "buyers", "orders", "gross_value", "value_share_pct", "buyer_share_pct", "avg_order_value"))
        .containsExactly(
            "ALL|3|3|1150.00|100.00|100.00|383.33",
            "cross_border_ecommerce_platform|1|1|210.00|18.26|33.33|210.00",
            "integrated_ecommerce_platform|1|1|700.00|60.87|33.33|700.00",
            "social_ecommerce|1|1|240.00|20.87|33.33|240.00");
    assertThat(sorted(youth.where("period = '2019' AND cohort = 'post-95s' AND age_band = 'ALL'"),
        "channel", "gross_value", "value_share_pct")).containsExactly(
        "ALL|450.00|100.00", "cross_border_ecommerce_platform|210.00|46.67", "social_ecommerce|240.00|53.33");
    assertThat(sorted(youth.where("period = '2018' AND cohort = 'ALL' AND age_band = '18-24'"),
        "channel", "buyers", "gross_value", "value_share_pct", "buyer_share_pct")).containsExactly(
        "ALL|1|920.00|100.00|100.00",
        "cross_border_ecommerce_platform|1|120.00|13.04|100.00",
        "duty_free_travel_retail|1|800.00|86.96|100.00");
    assertThat(sorted(youth.where("period = '2020' AND channel = 'ALL' AND cohort <> 'ALL' AND age_band <> 'ALL'"),
        "cohort", "age_band", "gross_value")).containsExactly("post-80s|30-35|300.00");
  }

  @Test
  void silverHoldsTypedConvertedClassifiedEvents() {
    Dataset<Row> silver = tables.read(Tables.SILVER);
    assertThat(silver.count()).isEqualTo(12);
    assertThat(sorted(silver.where("event_id IN ('s5', 'g2', 'g4', 's8')"),
        "event_id", "event_type", "event_date", "buyer_country", "seller_country", "direction", "market", "channel",
        "reporting_value", "cohort", "age_band")).containsExactly(
        "g2|ORDER|2018-06-15|CN|FR|IMPORT|FR|duty_free_travel_retail|800.0000|post-95s|18-24",
        "g4|ORDER|2020-01-01|CN|JP|IMPORT|JP|overseas_purchasing_agent|300.0000|post-80s|30-35",
        "s5|ORDER|2019-03-05|CN|US|IMPORT|US|integrated_ecommerce_platform|700.0000|post-90s|25-29",
        "s8|CANCEL|2019-04-03|MY|CN|EXPORT|MY|cross_border_ecommerce_platform|null|post-00s|18-24");
  }

  @Test
  void noRawBuyerIdLeavesBronze() {
    for (String table : List.of(Tables.SILVER, Tables.QUARANTINE)) {
      assertThat(sorted(tables.read(table).where("buyer_id IS NOT NULL").select("buyer_id")))
          .isNotEmpty()
          .allSatisfy(id -> assertThat(id).matches("[0-9a-f]{64}"));
    }
    assertThat(tables.read(Tables.QUARANTINE).columns()).doesNotContain("raw_line");
    assertThat(sorted(tables.read(Tables.BRONZE).where("event_id = 's1'").select("buyer_id"))).containsExactly("B1");
  }

  @Test
  void deltaKeepsStatisticsOfTheFilteredColumnsOfBronzeAndSilverOnly() {
    for (String table : List.of(Tables.BRONZE, Tables.SILVER)) {
      List<String> stats = spark.read().json(tables.path(table) + "/_delta_log/*.json")
          .where("add IS NOT NULL").select("add.stats").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
      assertThat(stats).isNotEmpty().allSatisfy(s -> assertThat(s)
          .contains("\"ingest_batch\"", "\"line_number\"")
          .doesNotContain("\"raw_line\"", "\"buyer_id\"", "\"event_id\""));
    }
    // Gold tables keep Delta's default (their first 32 columns).
    assertThat(spark.read().json(tables.path(Tables.GROWTH_BY_MARKET) + "/_delta_log/*.json")
        .where("add IS NOT NULL").select("add.stats").first().getString(0)).contains("\"yoy_pct\"");
  }

  @Test
  void marketsAreClusteredAndTheModelIsSaved() throws Exception {
    Dataset<Row> clusters = tables.read(Tables.MARKET_CLUSTERS);
    assertThat(sorted(clusters, "market", "direction")).containsExactly(
        "FR|IMPORT", "JP|IMPORT", "KR|IMPORT", "US|EXPORT", "US|IMPORT");
    Row run = tables.read(Tables.MODEL_RUNS).where("model = 'market_growth'").first();
    int k = run.getInt(run.fieldIndex("k"));
    assertThat(k).isBetween(2, 4);
    assertThat(clusters.select("cluster").distinct().count()).isEqualTo(k);
    assertThat(tables.read(Tables.MARKET_CLUSTER_PROFILES).selectExpr("sum(size)").first().getLong(0)).isEqualTo(5);
    assertThat(Files.isDirectory(Path.of(run.<String>getAs("model_path"), "stages"))).isTrue();
  }

  @Test
  void statusShowsTheRunAndMaintainKeepsContentWhileCompacting() throws Exception {
    ByteArrayOutputStream status = new ByteArrayOutputStream();
    int exit = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(status, true, StandardCharsets.UTF_8))
        .execute("status", "--warehouse", warehouse.toString(), "--input", FIXTURE.resolve("input").toString(),
            "--conf", "privacy.min-buyers=1", "--conf", "fx.rates-file=" + FIXTURE.resolve("fx.csv").toAbsolutePath());
    assertThat(exit).isZero();
    String shown = status.toString(StandardCharsets.UTF_8);
    // After the run, nothing waits: every landed file is logged, every batch cleaned and aggregated.
    assertThat(shown).containsPattern("ingest +no new raw files in ")
        .containsPattern("clean +nothing new: bronze_events batches up to 1 are done\n")
        .containsPattern("aggregate +nothing new: silver_events batches up to 1 are done\n")
        // Given the run's settings, status finds none changed.
        .doesNotContain("with these settings");
    assertThat(shown).contains("clean", "silver_events", "19")
        // The details under a stage's row, as the run summary prints them: bronze's 2 header lines, a rule.
        .containsPattern("header_lines +2\\n").containsPattern("unknown_currency +1\\n");
    // The latest run's rows come stage by stage, in the order the pipeline ran them.
    List<String> latest = shown.lines().dropWhile(l -> !l.startsWith("run ")).skip(1)
        .takeWhile(l -> !l.startsWith("run ") && !l.startsWith("waiting ")).filter(l -> !l.isBlank() && !l.startsWith(" ") && !l.startsWith("stage"))
        .map(l -> l.split(" +")[0]).distinct().toList();
    assertThat(latest).containsExactly("ingest", "clean", "aggregate", "model");

    List<String> silverBefore = sorted(tables.read(Tables.SILVER));
    ByteArrayOutputStream maintain = new ByteArrayOutputStream();
    exit = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(maintain, true, StandardCharsets.UTF_8))
        .execute("maintain", "--warehouse", warehouse.toString());
    assertThat(exit).isZero();
    // Every Delta table in the warehouse is compacted and vacuumed: none left to grow with old versions.
    List<String> written;
    try (var dirs = Files.list(warehouse)) {
      written = dirs.filter(d -> Files.isDirectory(d.resolve("_delta_log"))).map(d -> d.getFileName().toString())
          .toList();
    }
    assertThat(written).contains(Tables.BUYER_FEATURES, Tables.GROWTH_BY_MARKET);
    List<String> maintained = maintain.toString(StandardCharsets.UTF_8).lines().skip(1)
        .filter(l -> !l.startsWith("saved models: ")).map(l -> l.split(" +")[0]).toList();
    assertThat(maintained).containsExactlyInAnyOrderElementsOf(written);
    // The run's models (the market model: too few buyers to segment) are recent, and the latest: kept.
    long models;
    Path modelRoot = warehouse.resolve("models");
    try (var saved = Files.walk(modelRoot, 2)) {
      models = saved.filter(p -> modelRoot.relativize(p).getNameCount() == 2).count();
    }
    assertThat(models).isPositive();
    assertThat(maintain.toString(StandardCharsets.UTF_8)).contains("saved models: 0 removed (older than 168 hours")
        .contains(", " + models + " kept\n");
    assertThat(sorted(tables.read(Tables.SILVER))).isEqualTo(silverBefore);
    assertThat(TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
        .execute("maintain", "--warehouse", warehouse.toString(), "--retain-hours", "1")).isEqualTo(TradeLake.BAD_CONFIG);
  }

  @Test
  void aSecondRunOnTheSameInputChangesNothing() {
    List<String> before = sorted(tables.read(Tables.GROWTH_BY_MARKET));
    int again = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
        .execute("run", "--input", FIXTURE.resolve("input").toString(), "--warehouse", warehouse.toString(),
            "--conf", "fx.rates-file=" + FIXTURE.resolve("fx.csv").toAbsolutePath(),
            // Every cell of the fixture has one or two buyers: publish them all to check the numbers.
            "--conf", "privacy.min-buyers=1");
    assertThat(again).isZero();
    assertThat(tables.read(Tables.BRONZE).count()).isEqualTo(21);
    assertThat(sorted(tables.read(Tables.GROWTH_BY_MARKET))).isEqualTo(before);
  }

  String sql(int[] exit, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    picocli.CommandLine cli = TradeLake.commandLine(SessionLifecycle.shared(spark),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    List<String> all = new java.util.ArrayList<>(List.of("sql", "--warehouse", warehouse.toString()));
    all.addAll(List.of(args));
    exit[0] = cli.execute(all.toArray(String[]::new));
    return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void sqlQueriesTheWarehouseTablesByName(@TempDir Path dir) throws Exception {
    int[] exit = new int[1];
    String csv = sql(exit, "--format", "csv", "SELECT period, gross_value FROM growth_by_market "
        + "WHERE period_type = 'year' AND direction = 'TOTAL' AND market = 'ALL' ORDER BY period");
    assertThat(exit[0]).isZero();
    assertThat(csv.lines().toList()).containsExactly("period,gross_value", "2018,1270.00", "2019,1500.00",
        "2020,300.00");
    Path file = dir.resolve("q.sql");
    Files.writeString(file, "SELECT count(*) AS n FROM quarantine;\nSELECT 'a;b' AS s;\n");
    String table = sql(exit, "-f", file.toString());
    assertThat(exit[0]).isZero();
    assertThat(table).contains("n\n-\n6\n(1 row)").contains("a;b");
    String bad = sql(exit, "SELECT nope FROM growth_by_market");
    assertThat(exit[0]).isNotZero();
    assertThat(bad).contains("tradelake sql:").contains("nope").doesNotContain("\tat ");
  }
}
