package io.tradelake.cli;

import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradelake.clean.CleanJob;
import io.tradelake.config.FieldSource;
import io.tradelake.config.SettingsException;
import io.tradelake.config.SourceLayout;
import io.tradelake.table.StageSettings;
import io.tradelake.table.Tables;
import io.tradelake.testing.Dirs;
import io.tradelake.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warehouse remembers the settings its rows were made with (clean_log, aggregate_log): a run whose currency,
 * reporting country, time zone or pseudonym key differ stops before clean writes, and a change of who counts
 * as a young buyer rebuilds the aggregate's cells, so that no table mixes rows made two ways.
 */
@SparkTest
class ChangedSettingsTest {

  static CommandLineTest.Result run(SparkSession spark, Path input, Path warehouse, String... conf) {
    return execute(spark, List.of("run", "--until", "aggregate"), input, warehouse, conf);
  }

  static CommandLineTest.Result execute(SparkSession spark, List<String> command, Path input, Path warehouse,
      String... conf) {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of("--input", input.toString(),
        "--warehouse", warehouse.toString(), "--conf",
        "fx.rates-file=" + IncrementalEqualsFullRebuildTest.FIXTURE.resolve("fx.csv").toAbsolutePath(),
        "--conf", "privacy.min-buyers=1"));
    for (String c : conf) {
      args.add("--conf");
      args.add(c);
    }
    return CommandLineTest.execute(spark, args.toArray(String[]::new));
  }

  @Test
  void rowsMadeUnderOtherSettingsDoNotMix(SparkSession spark, @TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(System.getenv("TRADELAKE_HMAC_KEY") == null, "the local development key is used");
    List<String> days = IncrementalEqualsFullRebuildTest.DAYS.subList(0, 3);
    Path input = dir.resolve("input");
    Path warehouse = dir.resolve("wh");
    for (String day : days.subList(0, 2)) {
      IncrementalEqualsFullRebuildTest.land(input, day, null);
    }
    // The first run's FX table is a copy of the one later runs name: the same rates, so no change.
    Path rates = dir.resolve("rates").resolve("fx.csv");
    Files.createDirectories(rates.getParent());
    Files.copy(IncrementalEqualsFullRebuildTest.FIXTURE.resolve("fx.csv"), rates);
    assertThat(run(spark, input, warehouse, "fx.rates-file=" + rates).exit()).isZero();
    Tables tables = Tables.at(warehouse.toString(), spark);
    long silverRows = tables.read(Tables.SILVER).count();
    IncrementalEqualsFullRebuildTest.land(input, days.get(2), null);

    CommandLineTest.Result usd = run(spark, input, warehouse, "reporting-currency=USD");
    assertThat(usd.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(usd.err()).contains("silver_events was cleaned with other settings: reporting-currency (was CNY, "
        + "now USD)").contains("(clean --rebuild)");
    CommandLineTest.Result otherKey = run(spark, input, warehouse, "privacy.dev-key=another-key");
    assertThat(otherKey.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(otherKey.err()).contains("privacy.key-check (another HMAC key)").doesNotContain("another-key");
    // Without clean in the run, a stage reading silver is held to silver's settings too: its tables' column
    // comments would call CNY values USD.
    List<String> gold = sorted(tables.read(Tables.GROWTH_BY_MARKET));
    for (List<String> alone : List.of(List.of("aggregate"), List.of("model"))) {
      CommandLineTest.Result stage = execute(spark, alone, input, warehouse, "reporting-currency=USD");
      assertThat(stage.exit()).as(alone.toString()).isEqualTo(TradeLake.BAD_CONFIG);
      assertThat(stage.err()).contains("silver_events was cleaned with other settings: reporting-currency (was "
          + "CNY, now USD)");
    }
    assertThat(sorted(tables.read(Tables.GROWTH_BY_MARKET))).isEqualTo(gold);
    assertThat(warehouse.resolve(Tables.MODEL_RUNS)).doesNotExist();
    // Nor does an ingest or the data dictionary under USD relabel the warehouse: the catalog's comments and the
    // dictionary name the currency silver was cleaned in.
    assertThat(execute(spark, List.of("ingest"), input, warehouse, "reporting-currency=USD").exit()).isZero();
    assertThat(spark.sql("DESCRIBE TABLE tradelake.growth_by_market").where("col_name = 'gross_value'").first()
        .getString(2)).startsWith("Gross merchandise value of orders, CNY,");
    Path dictionary = dir.resolve("dictionary.md");
    assertThat(execute(spark, List.of("docs", "-o", dictionary.toString()), input, warehouse,
        "reporting-currency=USD").exit()).isZero();
    assertThat(Files.readString(dictionary)).contains("Money is in CNY;")
        .contains("| `gross_value` | decimal(38,2) | Gross merchandise value of orders, CNY,").doesNotContain("USD");
    // Quarantine lost: clean takes every batch again to write it, but silver keeps its rows, so it still stops.
    Dirs.deleteRecursively(warehouse.resolve(Tables.QUARANTINE));
    assertThat(run(spark, input, warehouse, "reporting-currency=USD").exit()).isEqualTo(TradeLake.BAD_CONFIG);
    // None wrote a row; the day is cleaned by the next run with the warehouse's settings.
    assertThat(tables.read(Tables.SILVER).count()).isEqualTo(silverRows);
    // status says so beforehand, without the key.
    String[] status = {"status", "--input", input.toString(), "--warehouse", warehouse.toString(), "--conf",
        "fx.rates-file=" + IncrementalEqualsFullRebuildTest.FIXTURE.resolve("fx.csv").toAbsolutePath()};
    assertThat(CommandLineTest.execute(spark, status).out()).contains("clean      bronze_events batch 2\n")
        .doesNotContain("with these settings")
        .contains("model      trains on each run; no saved buyer model yet for model --score\n");
    String usdStatus = CommandLineTest.execute(spark, concat(status, "--conf", "reporting-currency=USD",
        "--conf", "aggregate.youth.max-age=25")).out();
    assertThat(usdStatus).contains("with these settings clean, aggregate and model stop before they write: "
        + "reporting-currency (was CNY, now USD) changed since its last run")
        .contains("with these settings aggregate builds its cells again: aggregate.youth");

    // A rate corrected in the copy, under the same name: a change of the FX table, which applies to new rows.
    List<String> lines = new ArrayList<>(Files.readAllLines(rates));
    lines.set(1, "2018-01-01,USD,7.05");
    Files.write(rates, lines);
    assertThat(CommandLineTest.execute(spark, concat(status, "--conf", "fx.rates-file=" + rates)).out())
        .containsPattern("with these settings they apply to new rows only: fx\\.rates \\(was \\d+ rates of "
            + "\\d+ currencies, .*, checksum \\w+, now \\d+ rates .*\\) changed since its last run");

    // Young buyers up to 25 instead of 35: the stored cells are rebuilt, as a fresh warehouse would build them.
    assertThat(run(spark, input, warehouse, "aggregate.youth.max-age=25").exit()).isZero();
    assertThat(tables.read(Tables.SILVER).count()).isGreaterThan(silverRows);
    Path fresh = dir.resolve("fresh-wh");
    assertThat(run(spark, input, fresh, "aggregate.youth.max-age=25").exit()).isZero();
    Tables expected = Tables.at(fresh.toString(), spark);
    for (String table : List.of(Tables.YOUTH_CHANNEL, Tables.GROWTH_BY_MARKET)) {
      assertThat(sorted(tables.read(table))).as(table).isEqualTo(sorted(expected.read(table)));
    }
    assertThat(tables.read(Tables.YOUTH_CHANNEL).where("age_band = '30-35'").count()).isZero();

    // Cleaned again in USD: silver and quarantine replaced from all of bronze, then the aggregate's cells built
    // again. The warehouse ends as one built in USD from the start, and a second rebuild changes nothing.
    // The buyer model is trained on silver in CNY, and records so (buyers of one order count: the days are few).
    String oneOrder = "model.buyers.population.min-orders=1";
    assertThat(execute(spark, List.of("model"), input, warehouse, "aggregate.youth.max-age=25", oneOrder).exit())
        .isZero();
    assertThat(tables.read(Tables.MODEL_RUNS).selectExpr("params['silver.reporting-currency']").distinct()
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("CNY");
    assertThat(CommandLineTest.execute(spark, status).out())
        .containsPattern("model      trains on each run; model --score loads the buyer model of run \\S+\n");
    String[] inUsd = {"reporting-currency=USD", "aggregate.youth.max-age=25"};
    assertThat(execute(spark, List.of("clean", "--rebuild"), input, warehouse, inUsd).exit()).isZero();
    // Silver is now in USD: scoring buyers with the CNY model stops, and leaves buyer_segments as it was.
    List<String> segments = sorted(tables.read(Tables.BUYER_SEGMENTS));
    CommandLineTest.Result score = execute(spark, List.of("model", "--score"), input, warehouse,
        concat(inUsd, oneOrder));
    assertThat(score.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(score.err()).contains("the saved buyer model (run ")
        .contains("was trained on silver_events cleaned with other settings: reporting-currency (was CNY, now USD)")
        .contains("Run model to train one");
    assertThat(sorted(tables.read(Tables.BUYER_SEGMENTS))).isEqualTo(segments);
    // status says so beforehand.
    assertThat(CommandLineTest.execute(spark, concat(status, "--conf", "reporting-currency=USD")).out())
        .containsPattern("model      trains on each run; model --score stops until then: its buyer model \\(run "
            + "\\S+\\) was trained before silver was cleaned again with reporting-currency \\(was CNY, now USD\\)\n");
    assertThat(run(spark, input, warehouse, inUsd).exit()).isZero();
    Path usdFresh = dir.resolve("usd-wh");
    assertThat(run(spark, input, usdFresh, inUsd).exit()).isZero();
    Tables usdExpected = Tables.at(usdFresh.toString(), spark);
    List<String> rebuiltSilver = withoutRunOrBatch(tables, Tables.SILVER);
    assertThat(rebuiltSilver).isEqualTo(withoutRunOrBatch(usdExpected, Tables.SILVER))
        .isNotEqualTo(withoutRunOrBatch(expected, Tables.SILVER));
    for (String table : List.of(Tables.QUARANTINE, Tables.YOUTH_CHANNEL, Tables.GROWTH_BY_MARKET)) {
      assertThat(withoutRunOrBatch(tables, table)).as(table).isEqualTo(withoutRunOrBatch(usdExpected, table));
    }
    // The rebuild took every bronze row in, and its counts balance.
    assertThat(sorted(tables.read(Tables.RUN_METRICS).where("stage = 'clean' AND table_name = 'silver_events'")
        .orderBy(org.apache.spark.sql.functions.desc("run_started_at")).limit(2),
        "rows_in", "rows_in = rows_out + rows_quarantined + duplicates_removed"))
        .contains(tables.read(Tables.BRONZE).where("line_kind <> 'HEADER'").count() + "|true");
    assertThat(execute(spark, List.of("clean", "--rebuild"), input, warehouse, inUsd).exit()).isZero();
    assertThat(withoutRunOrBatch(tables, Tables.SILVER)).isEqualTo(rebuiltSilver);
    // Nothing new to clean, and the run in CNY still stops: its aggregate would read USD rows as CNY.
    CommandLineTest.Result cny = run(spark, input, warehouse, "aggregate.youth.max-age=25");
    assertThat(cny.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(cny.err()).contains("reporting-currency (was USD, now CNY)");
  }

  /** The table's rows without the run ids and batch numbers, which differ between warehouses run differently. */
  static List<String> withoutRunOrBatch(Tables tables, String table) {
    return sorted(tables.read(table), java.util.Arrays.stream(tables.read(table).columns())
        .filter(c -> !c.endsWith("run_id") && !c.equals("ingest_batch")).toArray(String[]::new));
  }

  static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }

  static SourceLayout layout(Map<String, FieldSource> fields) {
    return new SourceLayout("l", SourceLayout.Format.CSV, ",", "\"", true, List.of("id", "qty"), null, fields,
        List.of(), "UTC");
  }

  @Test
  void aCleanStopsOnlyForSettingsRowsCannotMixUnder() {
    StageSettings before = new StageSettings(Map.of("reporting-currency", "CNY", "channels", "[a]",
        "privacy.key-check", "0123456789abcdef"));
    assertThat(StageSettings.parse(before.text())).isEqualTo(before);
    assertThat(StageSettings.parse(null).values()).isEmpty();
    // A channel pattern added: warned of, not stopped.
    CleanJob.checkSettings(new StageSettings(Map.of("reporting-currency", "CNY", "channels", "[a, b]",
        "privacy.key-check", "0123456789abcdef")), before);
    // A setting the earlier run did not record is not compared.
    CleanJob.checkSettings(new StageSettings(Map.of("reporting-currency", "CNY", "rules", "x")), before);
    // The same settings read in another JVM, where a map's order may differ, are the same text.
    Map<String, FieldSource> fields = new LinkedHashMap<>();
    fields.put("event_id", new FieldSource(FieldSource.Kind.COLUMN, "id"));
    fields.put("quantity", new FieldSource(FieldSource.Kind.EXPRESSION, "qty"));
    Map<String, FieldSource> reversed = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(fields.keySet());
    java.util.Collections.reverse(names);
    names.forEach(k -> reversed.put(k, fields.get(k)));
    assertThat(StageSettings.layoutText(layout(fields))).isEqualTo(StageSettings.layoutText(layout(reversed)))
        .contains("event_id=FieldSource[kind=COLUMN, value=id]");
    assertThatThrownBy(() -> CleanJob.checkSettings(new StageSettings(Map.of("reporting-currency", "CNY",
        "privacy.key-check", "fedcba9876543210")), before))
        .isInstanceOf(SettingsException.class).hasMessageContaining("privacy.key-check (another HMAC key)")
        .hasMessageNotContaining("fedcba");
  }
}
