package io.tradelake.generate;

import static io.tradelake.testing.Rows.sorted;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tradelake.aggregate.GrowthByMarket;
import io.tradelake.aggregate.SalesFacts;
import io.tradelake.aggregate.YouthConsumptionChannel;
import io.tradelake.clean.CleanJob;
import io.tradelake.clean.Pseudonymizer;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.testing.InMemoryPipeline;
import io.tradelake.testing.SparkTest;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated logs through the pipeline's own transformations (read and number lines, parse the layouts,
 * label in clean, silver, sales facts, gold), in memory: the pipeline quarantines exactly what the manifest
 * says, per rule, removes exactly its duplicates, and its gold values are the generator's, to the cent.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedLogsThroughPipelineTest {

  JsonNode manifest;
  Dataset<Row> labeled;
  Dataset<Row> facts;

  @BeforeAll
  void generateAndLabel(SparkSession spark, @TempDir Path dir) throws IOException {
    Settings s = Settings.from(ConfigLoader.load("local", Optional.empty(), List.of()));
    Path input = dir.resolve("input");
    // Dirt rates raised so that every kind shows up in a small run.
    GeneratorSettings.Dirt dirt = new GeneratorSettings.Dirt(0.02, 0.01, 0.01, 0.05, 0.01, 0.05, 0.01, 0.01, 0.01,
        0.01, 0.2, 0.05, 0.02, 0);
    GeneratorSettings g = GeneratorSettings.defaults().withRange(LocalDate.of(2018, 1, 1), LocalDate.of(2020, 6, 30))
        .withEvents(4000).withSeed(11).withPartitions(2).withSampleDaysPerMonth(4).withDirt(dirt);
    TradeLogGenerator.run(spark, g, s, input.toString(), false);
    manifest = new ObjectMapper().readTree(input.resolve("_truth/manifest.json").toFile());

    // ingest and clean, as the jobs do it, without the Delta tables
    labeled = InMemoryPipeline.labeled(spark, s, InMemoryPipeline.bronze(spark, s, input))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> silver = CleanJob.silver(labeled.where(col("outcome").equalTo("SILVER")), "test-run",
        new Pseudonymizer("test-key"));
    facts = SalesFacts.from(silver).persist(StorageLevel.MEMORY_AND_DISK());
  }

  @AfterAll
  void release() {
    labeled.unpersist();
    facts.unpersist();
  }

  @Test
  void quarantineHoldsExactlyTheManifestsDirtPerRule() {
    Map<String, Long> expected = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = manifest.at("/expected_clean_stage/quarantine_by_rule").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().asLong() > 0) {
        expected.put(e.getKey(), e.getValue().asLong());
      }
    }
    Map<String, Long> actual = new TreeMap<>();
    for (Row r : labeled.where(col("outcome").equalTo("QUARANTINED")).groupBy("quarantine_rule").count()
        .collectAsList()) {
      actual.put(r.getString(0), r.getLong(1));
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(expected).containsKeys("blank_line", "unparsable_line", "bad_timestamp", "unknown_currency",
        "unknown_buyer_country", "unknown_seller_country", "non_positive_price", "unparsable_price");
  }

  @Test
  void everyLineHasTheOutcomeTheManifestExpects() {
    Map<String, Long> outcomes = new TreeMap<>();
    for (Row r : labeled.groupBy("outcome").count().collectAsList()) {
      outcomes.put(r.getString(0), r.getLong(1));
    }
    JsonNode e = manifest.get("expected_clean_stage");
    assertThat(outcomes.values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(e.get("bronze_data_lines").asLong());
    assertThat(outcomes.get("SILVER")).isEqualTo(e.get("silver_events").asLong());
    assertThat(outcomes.get("QUARANTINED")).isEqualTo(e.get("quarantined").asLong());
    assertThat(outcomes.get("DUPLICATE")).isEqualTo(e.get("duplicates_removed").asLong()).isPositive();
  }

  @Test
  void goldYearlyValuesAreTheGeneratorsValues() {
    List<String> expected = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = manifest.get("gross_by_year").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> year = it.next();
      for (String dir : List.of("EXPORT", "IMPORT")) {
        JsonNode d = year.getValue().get(dir);
        expected.add(year.getKey() + "|" + dir + "|" + money(d.get("generated_gross_cny"))
            + "|" + money(d.get("generated_refund_cny")) + "|" + d.get("orders").asLong());
      }
    }
    assertThat(sorted(GrowthByMarket.compute(facts)
            .where("period_type = 'year' AND market = 'ALL' AND direction <> 'TOTAL'"),
        "period", "direction", "gross_value", "refund_value", "orders"))
        .containsExactlyElementsOf(expected.stream().sorted().toList());
  }

  @Test
  void goldYouthChannelSharesAreTheGeneratorsShares() {
    JsonNode channels = manifest.at("/youth_import_2020_h1/channels");
    List<String> expected = new ArrayList<>();
    channels.fields().forEachRemaining(c -> expected.add(c.getKey() + "|" + c.getValue().get("buyers").asLong()
        + "|" + c.getValue().get("orders").asLong() + "|" + money(c.getValue().get("gross_cny"))
        + "|" + money(c.getValue().get("value_share_pct")) + "|" + money(c.getValue().get("buyer_share_pct"))));
    Settings.Youth youth = new Settings.Youth("IMPORT", Manifest.YOUTH_MIN_AGE, Manifest.YOUTH_MAX_AGE);
    assertThat(sorted(YouthConsumptionChannel.compute(facts, youth)
            .where("period_type = 'half' AND period = '2020-H1' AND cohort = 'ALL' AND age_band = 'ALL'"),
        "channel", "buyers", "orders", "gross_value", "value_share_pct", "buyer_share_pct"))
        .containsExactlyElementsOf(expected.stream().sorted().toList());
  }

  private static String money(JsonNode n) {
    return new BigDecimal(n.asText()).setScale(2, RoundingMode.HALF_UP).toPlainString();
  }
}
