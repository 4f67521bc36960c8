package io.tradelake.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The generator on 20,000 events over the default range (2015 … H1 2020): determinism, the manifest's
 * dirt counts against the files themselves, and the calibration against the published series.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TradeLogGeneratorTest {

  static final long EVENTS = 20_000;
  static final long SEED = 20_250_101;

  SparkSession spark;
  Settings settings;
  Path output;
  TradeLogGenerator.Result result;
  JsonNode manifest;

  @BeforeAll
  void generate(SparkSession spark, @TempDir Path dir) throws IOException {
    this.spark = spark;
    settings = Settings.from(ConfigLoader.load("local", Optional.empty(), List.of()));
    output = dir.resolve("landing");
    result = TradeLogGenerator.run(spark, settings(3), settings, output.toString(), false);
    manifest = new ObjectMapper().readTree(output.resolve("_truth/manifest.json").toFile());
  }

  static GeneratorSettings settings(int partitions) {
    return GeneratorSettings.defaults().withEvents(EVENTS).withSeed(SEED).withPartitions(partitions);
  }

  @Test
  void sameSeedGivesByteIdenticalFilesWhateverThePartitions(@TempDir Path dir) throws IOException {
    Path single = dir.resolve("one-partition");
    TradeLogGenerator.run(spark, settings(1), settings, single.toString(), false);

    Map<String, String> three = digests(output);
    Map<String, String> one = digests(single);
    assertThat(one.keySet()).containsExactlyElementsOf(three.keySet());
    assertThat(one).isEqualTo(three);
    assertThat(three).containsKeys("_truth/manifest.json", "_truth/buyers.csv");
    assertThat(three.keySet()).anyMatch(p -> p.endsWith(".csv.gz")).anyMatch(p -> p.endsWith(".jsonl"));
  }

  @Test
  void aDifferentSeedGivesDifferentData(@TempDir Path dir) throws IOException {
    Path other = dir.resolve("other");
    TradeLogGenerator.run(spark, settings(2).withSeed(SEED + 1).withRange(LocalDate.of(2019, 1, 1),
        LocalDate.of(2019, 1, 31)).withEvents(500), settings, other.toString(), false);
    Path same = dir.resolve("same");
    TradeLogGenerator.run(spark, settings(2).withRange(LocalDate.of(2019, 1, 1), LocalDate.of(2019, 1, 31))
        .withEvents(500), settings, same.toString(), false);
    assertThat(digests(other).get("_truth/manifest.json")).isNotEqualTo(digests(same).get("_truth/manifest.json"));
  }

  @Test
  void cleanEventCountIsNearWhatWasAskedFor() {
    assertThat(result.cleanEvents()).isBetween((long) (EVENTS * 0.9), (long) (EVENTS * 1.1));
    assertThat(manifest.at("/totals/clean_events").asLong()).isEqualTo(result.cleanEvents());
  }

  @Test
  void yearlyTotalsAfterScalingReproduceThePublishedSeries() {
    double[][] series = { // total, export, import (RMB bn), from cbec-retail-china-2015-2019.csv
        {36.02, Double.NaN, Double.NaN}, {49.96, 23.82, 26.15}, {90.24, 33.65, 56.59}, {134.70, 56.12, 78.58},
        {186.21, 94.40, 91.81}};
    for (int i = 0; i < series.length; i++) {
      JsonNode year = manifest.at("/gross_by_year/" + (2015 + i));
      double total = year.at("/TOTAL/scaled_gross_rmb").asDouble() / 1e9;
      assertThat(total).as("total %d", 2015 + i).isCloseTo(series[i][0], within(series[i][0] * 0.005));
      double exportShare = year.at("/EXPORT/scaled_gross_rmb").asDouble() / 1e9 / total;
      double expected = Double.isNaN(series[i][1]) ? 23.82 / (23.82 + 26.15) : series[i][1] / (series[i][1] + series[i][2]);
      assertThat(exportShare).as("export share %d", 2015 + i).isCloseTo(expected, within(0.01));
      // and the generated (unscaled) values times the stated scale are those scaled values
      double generated = year.at("/TOTAL/generated_gross_cny").asDouble();
      assertThat(generated * manifest.get("scale_factor").asDouble() / 1e9).isCloseTo(total, within(1e-6 * total));
    }
  }

  @Test
  void firstHalfOf2020GrowsAsCustomsReported() {
    JsonNode growth = manifest.get("growth_h1_2020_over_h1_2019_pct");
    assertThat(growth.get("EXPORT").asDouble()).isCloseTo(28.7, within(0.05));
    assertThat(growth.get("IMPORT").asDouble()).isCloseTo(24.4, within(0.05));
    assertThat(growth.get("TOTAL").asDouble()).isBetween(24.4, 28.7);
  }

  @Test
  void marketsFollowTheCustomsMix() {
    JsonNode exports = manifest.at("/market_share_pct/EXPORT");
    JsonNode imports = manifest.at("/market_share_pct/IMPORT");
    assertThat(exports.fieldNames().next()).isEqualTo("US");
    assertThat(exports.get("US").asDouble()).isBetween(28.0, 41.0);
    assertThat(imports.fieldNames().next()).isEqualTo("JP");
    assertThat(imports.get("JP").asDouble()).isBetween(16.0, 28.0);
    assertThat(exports.size()).isGreaterThanOrEqualTo(20);
    assertThat(imports.size()).isGreaterThanOrEqualTo(15);
  }

  @Test
  void youngBuyersMoveFromOfflineChannelsToPlatformsIn2020() {
    JsonNode y2019 = manifest.at("/youth_import_2019_h1/channels");
    JsonNode y2020 = manifest.at("/youth_import_2020_h1/channels");
    double offline2019 = y2019.at("/duty_free_travel_retail/value_share_pct").asDouble()
        + y2019.at("/overseas_purchasing_agent/value_share_pct").asDouble();
    double offline2020 = y2020.at("/duty_free_travel_retail/value_share_pct").asDouble()
        + y2020.at("/overseas_purchasing_agent/value_share_pct").asDouble();
    assertThat(offline2020).isLessThan(offline2019 * 0.6);
    double platforms2020 = y2020.at("/cross_border_ecommerce_platform/value_share_pct").asDouble()
        + y2020.at("/integrated_ecommerce_platform/value_share_pct").asDouble();
    assertThat(platforms2020).isGreaterThan(50);
    assertThat(y2020.at("/ALL/value_share_pct").asDouble()).isEqualTo(100.0);
  }

  @Test
  void manifestCountsWhatIsInTheFiles() throws IOException {
    int blank = 0;
    int duplicates = 0;
    int malformedCsv = 0;
    int malformedJson = 0;
    int misrouted = 0;
    ObjectMapper json = new ObjectMapper();
    for (String layout : List.of(GeneratorSettings.SHOPLINE, GeneratorSettings.GLOBALBUY)) {
      Set<String> seen = new HashSet<>();
      for (Path file : files(output.resolve(layout))) {
        List<String> lines = lines(file);
        boolean csvFile = file.getFileName().toString().contains(".csv");
        boolean wrongLayout = csvFile && layout.equals(GeneratorSettings.GLOBALBUY);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i);
          if (wrongLayout) {
            misrouted++;
            continue;
          }
          if (csvFile && i == 0) {
            assertThat(line).isEqualTo(LineFormat.SHOPLINE_HEADER);
            continue;
          }
          if (line.isBlank()) {
            blank++;
            continue;
          }
          if (!seen.add(line)) {
            duplicates++;
          }
          if (csvFile ? csvFields(line) != LineFormat.SHOPLINE_COLUMNS.size() : !isJsonObject(json, line)) {
            if (csvFile) {
              malformedCsv++;
            } else {
              malformedJson++;
            }
          }
        }
      }
    }
    JsonNode dirt = manifest.get("dirt");
    assertThat(blank).isEqualTo(dirt.get("blank_line").asInt()).isPositive();
    assertThat(duplicates).isEqualTo(dirt.get("exact_duplicate").asInt()).isPositive();
    assertThat(malformedCsv + malformedJson).isEqualTo(dirt.get("malformed_line").asInt());
    assertThat(malformedCsv).isPositive();
    assertThat(malformedJson).isPositive();
    assertThat(misrouted).isEqualTo(dirt.get("wrong_layout_line").asInt()).isPositive();
    JsonNode expected = manifest.at("/expected_clean_stage/quarantine_by_rule");
    assertThat(expected.get("unparsable_line").asInt()).isEqualTo(malformedCsv + malformedJson + misrouted);
    assertThat(expected.get("blank_line").asInt()).isEqualTo(blank);
    assertThat(manifest.at("/expected_clean_stage/duplicates_removed").asInt()).isEqualTo(duplicates);
    for (String kind : List.of("bad_timestamp", "unknown_currency", "unknown_buyer_country",
        "unknown_seller_country", "non_positive_price", "decimal_comma_price", "offsetless_timestamp",
        "country_spelling", "late_arrival", "bom_file", "wrong_layout_file")) {
      assertThat(dirt.get(kind).asInt()).as(kind).isPositive();
    }
    long resent;
    try (var walk = Files.walk(output)) {
      resent = walk.filter(p -> p.getFileName().toString().contains("-resent.")).count();
    }
    assertThat(dirt.get("truncated_gzip").asInt()).isEqualTo(resent).isPositive();
    assertThat(expected.get("truncated_file").asInt()).isEqualTo(resent);
  }

  @Test
  void buyersTruthFileHasEverySegment() throws IOException {
    List<String> buyers = Files.readAllLines(output.resolve("_truth/buyers.csv"));
    assertThat(buyers.get(0)).isEqualTo("buyer_id,home_country,birth_year,cohort,segment,lapses_after");
    assertThat(buyers).hasSize((int) manifest.at("/totals/buyers_in_population").asLong() + 1);
    Map<String, Integer> segments = new TreeMap<>();
    buyers.subList(1, buyers.size()).forEach(b -> segments.merge(b.split(",")[4], 1, Integer::sum));
    assertThat(segments).containsOnlyKeys("agent_client", "deal_hunter", "occasional", "premium");
  }

  @Test
  void commandPrintsWhatItWroteAndChecksTheScale(@TempDir Path dir) {
    StringWriter text = new StringWriter();
    CommandLine cli = new CommandLine(new GenerateCommand(s -> spark, s -> { }));
    cli.setOut(new PrintWriter(text, true));
    int code = cli.execute("--output", dir.resolve("cmd").toString(), "--events", "3000", "--seed", "7",
        "--start", "2019-01-01", "--end", "2020-06-30", "--partitions", "2", "--scale-check");
    assertThat(code).as(text.toString()).isZero();
    assertThat(text.toString()).contains("clean events", "files", "bytes", "scale factor", "2019", "2020-H1", "ok")
        .doesNotContain("OFF");
  }

  // ------------------------------------------------------------------ helpers

  static List<Path> files(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted().toList();
    }
  }

  static Map<String, String> digests(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (Path f : files(root)) {
      try {
        out.put(root.relativize(f).toString(),
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  /** A file's lines as the pipeline reads them: gunzipped, UTF-8, the byte order mark dropped. */
  static List<String> lines(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (file.toString().endsWith(".gz")) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
        in.transferTo(b);
      } catch (java.io.EOFException cutShort) {
        // a re-sent copy cut short: its whole lines are what the pipeline reads
        byte[] partial = b.toByteArray();
        int end = partial.length;
        while (end > 0 && partial[end - 1] != '\n') {
          end--;
        }
        b.reset();
        b.write(partial, 0, end);
      }
      bytes = b.toByteArray();
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1); // after the last newline
    }
    return lines;
  }

  /** Fields of a CSV line with double-quote quoting; -1 when a quote is left open. */
  static int csvFields(String line) {
    int fields = 1;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields++;
      }
    }
    return quoted ? -1 : fields;
  }

  static boolean isJsonObject(ObjectMapper json, String line) {
    try {
      return json.readTree(line).isObject();
    } catch (IOException e) {
      return false;
    }
  }
}
