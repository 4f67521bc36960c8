package io.tradelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tradelake.table.Tables;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * A generated landing area's {@code _truth/manifest.json}, and the checks that a warehouse built from it
 * holds exactly what the generator knows it wrote: quarantine per rule, duplicates, silver events, and the
 * gross value of every year and direction to the cent.
 */
final class GroundTruth {

  final JsonNode manifest;

  private GroundTruth(JsonNode manifest) {
    this.manifest = manifest;
  }

  static GroundTruth of(Path landing) throws IOException {
    return new GroundTruth(new ObjectMapper().readTree(landing.resolve("_truth/manifest.json").toFile()));
  }

  Map<String, Long> quarantineByRule() {
    Map<String, Long> expected = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = manifest.at("/expected_clean_stage/quarantine_by_rule").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().asLong() > 0) {
        expected.put(e.getKey(), e.getValue().asLong());
      }
    }
    return expected;
  }

  long silverEvents() {
    return manifest.at("/expected_clean_stage/silver_events").asLong();
  }

  long duplicates() {
    return manifest.at("/expected_clean_stage/duplicates_removed").asLong();
  }

  BigDecimal scaleFactor() {
    return new BigDecimal(manifest.at("/scale_factor").asText());
  }

  /** Generated gross CNY of a year and direction (EXPORT, IMPORT or TOTAL), to the cent. */
  BigDecimal gross(int year, String direction) {
    JsonNode y = manifest.at("/gross_by_year/" + year);
    BigDecimal export = y.at("/EXPORT/generated_gross_cny").decimalValue();
    BigDecimal imp = y.at("/IMPORT/generated_gross_cny").decimalValue();
    BigDecimal v = switch (direction) {
      case "EXPORT" -> export;
      case "IMPORT" -> imp;
      default -> export.add(imp);
    };
    return v.setScale(2, RoundingMode.HALF_UP);
  }

  /** Every stage balanced; clean's ledger and quarantine per rule equal the manifest. */
  void assertCleanStageMatches(Tables tables) {
    assertThat(tables.read(Tables.RUN_METRICS).where("NOT balanced").count()).isZero();
    Map<String, Long> actual = new TreeMap<>();
    for (Row r : tables.read(Tables.QUARANTINE).groupBy("rule").count().collectAsList()) {
      actual.put(r.getString(0), r.getLong(1));
    }
    assertThat(actual).isEqualTo(quarantineByRule());
    Row clean = tables.read(Tables.RUN_METRICS).where("stage = 'clean' AND table_name = 'silver_events'")
        .selectExpr("sum(rows_out)", "sum(duplicates_removed)").first();
    assertThat(clean.getLong(0)).isEqualTo(silverEvents());
    assertThat(clean.getLong(1)).isEqualTo(duplicates());
    assertThat(tables.read(Tables.SILVER).count()).isEqualTo(silverEvents());
  }

  /** growth_by_market's yearly gross per direction equals the generator's, to the cent (up to 1 cent of rounding). */
  void assertYearlyGrossMatches(Tables tables) {
    for (Row r : tables.read(Tables.GROWTH_BY_MARKET)
        .where("period_type = 'year' AND market = 'ALL' AND direction IN ('EXPORT', 'IMPORT', 'TOTAL')")
        .select("period", "direction", "gross_value").collectAsList()) {
      BigDecimal expected = gross(Integer.parseInt(r.getString(0)), r.getString(1));
      assertThat(r.getDecimal(2)).as(r.getString(0) + " " + r.getString(1))
          .isBetween(expected.subtract(new BigDecimal("0.01")), expected.add(new BigDecimal("0.01")));
    }
  }
}
