package io.tradelake.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.table.Tables;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus (src/test/resources/bad-input): one small file per kind of dirt, with its expected
 * outcome in expected.csv (rows in silver, duplicates removed, quarantine rows by rule). The whole corpus
 * goes through {@code tradelake run} at once: nothing may crash, every bad row must land in quarantine
 * under its rule, and the good rows of the same file must reach silver.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCorpusTest {

  static final Path CORPUS = Path.of("src/test/resources/bad-input");

  /** One line of expected.csv. */
  record Expected(String file, String kind, long silver, long duplicates, Map<String, Long> quarantine) {}

  List<Expected> expected;
  int exitCode;
  String summary;
  Tables tables;

  @BeforeAll
  void runCorpus(SparkSession spark, @TempDir Path warehouse) throws Exception {
    expected = readExpected();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    exitCode = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(out, true, StandardCharsets.UTF_8))
        .execute("run", "--input", CORPUS.toString(), "--warehouse", warehouse.toString());
    summary = out.toString(StandardCharsets.UTF_8);
    tables = Tables.at(warehouse.toString(), spark);
  }

  static List<Expected> readExpected() throws Exception {
    List<Expected> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(CORPUS.resolve("expected.csv"));
    for (String line : lines.subList(1, lines.size())) {
      List<String> f = csvFields(line);
      Map<String, Long> q = new TreeMap<>();
      if (!f.get(4).isBlank()) {
        for (String part : f.get(4).split(";")) {
          String[] kv = part.split("=");
          q.put(kv[0], Long.parseLong(kv[1]));
        }
      }
      rows.add(new Expected(f.get(0), f.get(1), Long.parseLong(f.get(2)), Long.parseLong(f.get(3)), q));
    }
    return rows;
  }

  /** Splits a CSV line with double-quoted fields. */
  static List<String> csvFields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /** {@code <layout>/<day>/<name>} of a source file path. */
  static Column relative() {
    return regexp_extract(col("source_file"), "([^/]+/[^/]+/[^/]+)$", 1);
  }

  static Map<String, Long> countBy(Dataset<Row> rows, String... extra) {
    List<Column> keys = new ArrayList<>(List.of(relative().as("f")));
    for (String e : extra) {
      keys.add(col(e));
    }
    Map<String, Long> out = new HashMap<>();
    for (Row r : rows.groupBy(keys.toArray(Column[]::new)).count().collectAsList()) {
      String key = r.getString(0) + (extra.length > 0 ? "|" + r.getString(1) : "");
      out.put(key, r.getLong(r.length() - 1));
    }
    return out;
  }

  @Test
  void theCorpusHasAtLeastThirtyKindsEachWithAFile() {
    assertThat(expected.stream().map(Expected::kind).distinct().count()).isGreaterThanOrEqualTo(30);
    for (Expected e : expected) {
      assertThat(CORPUS.resolve(e.file())).exists();
    }
  }

  @Test
  void nothingCrashesAndEveryStageBalances() {
    assertThat(exitCode).as(summary).isZero();
    assertThat(tables.read(Tables.RUN_METRICS).where("NOT balanced").count()).isZero();
  }

  @Test
  void everyFileEndsAsExpected() {
    Map<String, Long> silver = countBy(tables.read(Tables.SILVER));
    Map<String, Long> quarantine = countBy(tables.read(Tables.QUARANTINE), "rule");
    Map<String, Long> bronzeRows = countBy(tables.read(Tables.BRONZE).where("line_kind <> 'HEADER'"));
    List<String> actual = new ArrayList<>();
    List<String> wanted = new ArrayList<>();
    for (Expected e : expected) {
      long good = silver.getOrDefault(e.file(), 0L);
      Map<String, Long> rules = new TreeMap<>();
      quarantine.forEach((k, v) -> {
        if (k.startsWith(e.file() + "|")) {
          rules.put(k.substring(e.file().length() + 1), v);
        }
      });
      long quarantined = rules.values().stream().mapToLong(Long::longValue).sum();
      long duplicates = bronzeRows.getOrDefault(e.file(), 0L) - good - quarantined;
      actual.add(e.file() + " silver=" + good + " duplicates=" + duplicates + " quarantine=" + rules);
      wanted.add(e.file() + " silver=" + e.silver() + " duplicates=" + e.duplicates() + " quarantine=" + e.quarantine());
    }
    assertThat(actual).containsExactlyElementsOf(wanted);
  }

  @Test
  void aTruncatedGzipKeepsItsLinesUpToTheBreakAndNamesTheRest() {
    Expected truncated = expected.stream().filter(e -> e.kind().equals("truncated gzip")).findFirst().orElseThrow();
    List<Row> finding = tables.read(Tables.QUARANTINE).where("rule = 'truncated_file'")
        .select("line_number", "detail").collectAsList();
    assertThat(finding).hasSize(1);
    // Header, the kept lines, then the row that stands for the lost rest.
    assertThat(finding.get(0).getLong(0)).isEqualTo(truncated.silver() + 2);
    assertThat(finding.get(0).getString(1)).contains("breaks after line " + (truncated.silver() + 1));
    assertThat(summary).contains("truncated_file");
  }
}
