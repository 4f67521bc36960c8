package io.tradelake.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.generate.GeneratorSettings;
import io.tradelake.generate.TradeLogGenerator;
import io.tradelake.table.TableDocs;
import io.tradelake.table.Tables;
import io.tradelake.testing.Dirs;
import io.tradelake.testing.SharedSpark;
import io.tradelake.testing.SparkTest;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The paper's figures from raw rows: 200,000 generated events (2015-01 … 2020-06, two order days a month,
 * every kind of dirt) through {@code tradelake ingest}, {@code clean} and {@code aggregate}. The gold
 * {@code growth_by_market} TOTAL × ALL yearly rows, times the generator's stated scale factor, must give
 * China's published cross-border e-commerce retail series (generate/cbec-retail-china-2015-2019.csv):
 * each year within 0.5%, year-on-year growth within 0.5 points, the export/import split within 1 point,
 * and H1 2020 growth within 1 point of FIGURES.md (+26.2% total, +28.7% export, +24.4% import).
 * {@code tradelake model} then trains both models on it (a short k search), and the landing area and warehouse
 * stay in jobs/target/paper-figures: CI executes the analyst notebooks on them (see .ci/run), so that they
 * read the same calibrated history without a second pipeline run.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaperFiguresReproducedTest {

  /** Published H1 2020 growth over H1 2019, percent (customs, as quoted in the paper). */
  static final Map<String, Double> H1_2020_GROWTH = Map.of("TOTAL", 26.2, "EXPORT", 28.7, "IMPORT", 24.4);

  record Published(int year, double total, Double export, Double imp, Double totalYoy) {}

  GroundTruth truth;
  Tables tables;
  Map<Integer, Published> series = new HashMap<>();
  int[] exits = new int[4];

  /** Kept after the run (deleted before it): the notebooks' data in CI. */
  static final Path DIR = Path.of(System.getProperty("tradelake.project.dir", ".."), "jobs/target/paper-figures");

  @BeforeAll
  void generateAndRun(SparkSession spark) throws Exception {
    Dirs.deleteRecursively(DIR);
    Path input = DIR.resolve("landing");
    Settings s = Settings.from(ConfigLoader.load("local", Optional.empty(), List.of()));
    GeneratorSettings g = GeneratorSettings.defaults().withEvents(200_000).withSeed(7).withSampleDaysPerMonth(2);
    String warehouse = DIR.resolve("warehouse").toString();
    String[] stages = {"ingest", "clean", "aggregate", "model"};
    // The biggest run of the suite, with the code generation a production run uses.
    try (var compiled = SharedSpark.compiledCode(spark)) {
      TradeLogGenerator.run(spark, g, s, input.toString(), false);
      for (int i = 0; i < stages.length; i++) {
        exits[i] = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
            .execute(stages[i], "--input", input.toString(), "--warehouse", warehouse,
                "--conf", "model.markets.k-max=4", "--conf", "model.buyers.k-max=4");
      }
    }
    truth = GroundTruth.of(input);
    tables = Tables.at(warehouse, spark);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(getClass().getClassLoader()
        .getResourceAsStream("generate/cbec-retail-china-2015-2019.csv"), StandardCharsets.UTF_8))) {
      r.lines().skip(1).map(l -> l.split(",", -1)).forEach(f -> series.put(Integer.parseInt(f[0]), new Published(
          Integer.parseInt(f[0]), Double.parseDouble(f[1]), num(f[2]), num(f[3]), num(f[4]))));
    }
  }

  static Double num(String s) {
    return s.isBlank() ? null : Double.valueOf(s);
  }

  /** Gold gross value of a yearly or half-yearly TOTAL/EXPORT/IMPORT × ALL row, in billion RMB after scaling. */
  double scaledBn(String period, String direction) {
    Row r = tables.read(Tables.GROWTH_BY_MARKET).where("period = '" + period + "' AND direction = '" + direction
        + "' AND market = 'ALL'").select("gross_value").first();
    return r.getDecimal(0).multiply(truth.scaleFactor()).divide(BigDecimal.valueOf(1e9)).doubleValue();
  }

  double yoy(String period, String direction) {
    return tables.read(Tables.GROWTH_BY_MARKET).where("period = '" + period + "' AND direction = '" + direction
        + "' AND market = 'ALL'").select("yoy_pct").first().getDecimal(0).doubleValue();
  }

  @Test
  void everyStageRanAndBalancedAndQuarantineEqualsTheManifest() {
    assertThat(exits).containsOnly(0);
    truth.assertCleanStageMatches(tables);
    truth.assertYearlyGrossMatches(tables);
    assertThat(truth.quarantineByRule()).containsKeys("truncated_file", "unparsable_line", "bad_timestamp",
        "unknown_currency", "non_positive_price", "unparsable_price", "blank_line");
  }

  @Test
  void yearlyTotalsAndGrowthReproduceThePublishedSeries() {
    for (int year = 2015; year <= 2019; year++) {
      Published p = series.get(year);
      assertThat(scaledBn(String.valueOf(year), "TOTAL")).as("total " + year)
          .isCloseTo(p.total(), within(p.total() * 0.005));
      if (p.totalYoy() != null) {
        assertThat(yoy(String.valueOf(year), "TOTAL")).as("yoy " + year).isCloseTo(p.totalYoy(), within(0.5));
      }
    }
  }

  @Test
  void theExportImportSplitIsThePublishedOne() {
    for (int year = 2016; year <= 2019; year++) {
      Published p = series.get(year);
      double total = scaledBn(String.valueOf(year), "TOTAL");
      assertThat(100 * scaledBn(String.valueOf(year), "EXPORT") / total).as("export share " + year)
          .isCloseTo(100 * p.export() / (p.export() + p.imp()), within(1.0));
      assertThat(100 * scaledBn(String.valueOf(year), "IMPORT") / total).as("import share " + year)
          .isCloseTo(100 * p.imp() / (p.export() + p.imp()), within(1.0));
    }
  }

  @Test
  void bothModelsAreTrainedOnTheCalibratedHistory() {
    assertThat(tables.read(Tables.MODEL_RUNS).select("model").distinct().count()).isEqualTo(2);
    assertThat(tables.read(Tables.MARKET_CLUSTERS).select("cluster").distinct().count()).isBetween(2L, 4L);
    assertThat(tables.read(Tables.BUYER_SEGMENTS).select("cluster").distinct().count()).isBetween(2L, 4L);
  }

  /**
   * Every table the pipeline writes is here, both models included: each column carries the comment the docs
   * give it, stored with the data by the write that made the table (appends after it add none).
   */
  @Test
  void everyColumnOfEveryTableIsDocumented() {
    TableDocs docs = TableDocs.inCurrency("CNY");
    for (String table : TableDocs.tables()) {
      assertThat(tables.exists(table)).as(table).isTrue();
      for (StructField f : tables.read(table).schema().fields()) {
        assertThat(f.getComment().isDefined()).as(table + "." + f.name() + " has a comment").isTrue();
        assertThat(f.getComment().get()).as(table + "." + f.name()).isEqualTo(docs.column(table, f.name()))
            .doesNotContain("{column}", "{currency}", "<channel>");
      }
    }
    assertThat(docs.column(Tables.BUYER_CLUSTER_PROFILES, "orders")).startsWith("Mean of buyer_features.orders ");
    assertThat(docs.column(Tables.MARKET_CLUSTER_PROFILES, "market")).isNull();
  }

  @Test
  void firstHalfOf2020GrowsAsPublished() {
    H1_2020_GROWTH.forEach((direction, growth) ->
        assertThat(yoy("2020-H1", direction)).as("H1 2020 " + direction).isCloseTo(growth, within(1.0)));
  }

  @Test
  void youngBuyersChannelSharesAreTheGeneratorsMix() {
    JsonNode channels = truth.manifest.at("/youth_import_2020_h1/channels");
    int compared = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = channels.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("ALL")) {
        continue;
      }
      Row gold = tables.read(Tables.YOUTH_CHANNEL).where("period = '2020-H1' AND cohort = 'ALL' AND age_band = 'ALL' "
          + "AND channel = '" + e.getKey() + "'").select("value_share_pct", "buyer_share_pct").first();
      assertThat(gold.getDecimal(0).doubleValue()).as(e.getKey())
          .isCloseTo(e.getValue().get("value_share_pct").asDouble(), within(1.0));
      assertThat(gold.getDecimal(1).doubleValue()).as(e.getKey())
          .isCloseTo(e.getValue().get("buyer_share_pct").asDouble(), within(1.0));
      compared++;
    }
    assertThat(compared).isEqualTo(7);
  }
}
