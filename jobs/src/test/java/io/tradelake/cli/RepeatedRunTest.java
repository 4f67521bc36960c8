package io.tradelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.table.ServeMarker;
import io.tradelake.table.Tables;
import io.tradelake.testing.ChildJvm;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run --every}: one process, a run per period, each taking the files landed since the one before. */
@SparkTest
class RepeatedRunTest {

  static final Path FIXTURE = IncrementalEqualsFullRebuildTest.FIXTURE;
  static final List<String> DAYS = IncrementalEqualsFullRebuildTest.DAYS.subList(0, 2);

  @Test
  void eachRunTakesWhatLandedSinceTheOneBeforeUntilStopped(SparkSession spark, @TempDir Path dir) throws Exception {
    Path input = dir.resolve("input");
    Path warehouse = dir.resolve("wh");
    land(input, DAYS.get(0));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CommandLine cli = TradeLake.commandLine(SessionLifecycle.shared(spark),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    cli.parseArgs("run", "--until", "aggregate", "--every", "6h", "--input", input.toString(),
        "--warehouse", warehouse.toString(), "--conf", "fx.rates-file=" + FIXTURE.resolve("fx.csv").toAbsolutePath());
    TradeLake.Run run = cli.getSubcommands().get("run").getCommand();
    List<Duration> waits = new ArrayList<>();
    // Between runs the next day lands; after the second run the process is asked to stop.
    int exit = run.repeat(new RunSchedule(run.every, run.maxRuns), wait -> {
      waits.add(wait);
      if (waits.size() < DAYS.size()) {
        land(input, DAYS.get(waits.size()));
        return false;
      }
      return true;
    });

    assertThat(exit).isZero();
    assertThat(waits).hasSize(2).allSatisfy(w -> assertThat(w).isPositive().isLessThanOrEqualTo(Duration.ofHours(6)));
    assertThat(out.toString(StandardCharsets.UTF_8).split("TradeLake run ", -1)).hasSize(3);
    // One ledger row per run for bronze: each run read exactly the day landed before it, every line of it.
    List<Row> ingested = Tables.at(warehouse.toString(), spark).read(Tables.RUN_METRICS)
        .where("stage = 'ingest' AND table_name = 'bronze_events'").orderBy("run_started_at", "run_id")
        .select("rows_in", "files_read").collectAsList();
    assertThat(ingested).hasSize(2);
    for (int day = 0; day < DAYS.size(); day++) {
      long lines = Files.readAllLines(FIXTURE.resolve("input").resolve(DAYS.get(day))).size();
      assertThat(ingested.get(day).getLong(0)).as("lines read by run " + (day + 1)).isEqualTo(lines);
      assertThat(ingested.get(day).getLong(1)).as("files read by run " + (day + 1)).isEqualTo(1);
    }
    assertThat(Tables.at(warehouse.toString(), spark).read(Tables.GROWTH_BY_MARKET).count()).isPositive();
  }

  @Test
  void maxRunsEndsTheProcessAfterThatManyRuns(SparkSession spark, @TempDir Path dir) throws Exception {
    Path input = Files.createDirectories(dir.resolve("input").resolve("shopline-csv"));
    CommandLineTest.Result r = CommandLineTest.execute(spark, "run", "--until", "ingest", "--every", "1s",
        "--max-runs", "2", "--input", input.getParent().toString(), "--warehouse", dir.resolve("wh").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().split("TradeLake run ", -1)).hasSize(3);
  }

  /**
   * The process holds the embedded metastore for its lifetime, as serve does, so that sql and other runs leave
   * it alone meanwhile; SIGTERM between runs stops it at once, its session closed, no lock or marker left.
   */
  @Test
  void aStopBetweenRunsEndsTheProcessInOrder(@TempDir Path dir) throws Exception {
    Path input = Files.createDirectories(dir.resolve("input").resolve("shopline-csv")).getParent();
    Path warehouse = dir.resolve("wh");
    Path log = dir.resolve("run.log");
    Process run = ChildJvm.start(System.getProperty("java.class.path"), TradeLake.class.getName(), List.of("run",
        "--until", "ingest", "--every", "1h", "--input", input.toString(), "--warehouse", warehouse.toString()), log);
    try {
      ChildJvm.awaitLine(run, log, "run 1 done", 5);
      assertThat(ServeMarker.holder(warehouse.toString())).get()
          .satisfies(h -> assertThat(h.describe()).startsWith("tradelake run --every (pid " + run.pid()));
    } finally {
      run.destroy();
    }
    ChildJvm.await(run, log, 2);
    assertThat(Files.readString(log)).contains("stopped after 1 runs");
    assertThat(warehouse.resolve("_tradelake.lock")).doesNotExist();
    assertThat(warehouse.resolve("_catalog").resolve(ServeMarker.FILE)).doesNotExist();
  }

  @Test
  void badSchedulesAreBadUsage(SparkSession spark) {
    CommandLineTest.Result notADuration = CommandLineTest.execute(spark, "run", "--every", "daily");
    assertThat(notADuration.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(notADuration.err()).contains("'daily' is not a duration");
    assertThat(CommandLineTest.execute(spark, "run", "--every", "0s").err())
        .contains("--every must be at least 1s, not 0s");
    assertThat(CommandLineTest.execute(spark, "run", "--every", "PT0.5S").err()).contains("at least 1s, not 0.5s");
    CommandLineTest.Result alone = CommandLineTest.execute(spark, "run", "--max-runs", "2");
    assertThat(alone.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(alone.err()).contains("give --every too");
    assertThat(CommandLineTest.execute(spark, "run", "--help").out()).contains("--every=<period>", "--max-runs=<n>");
  }

  @Test
  void startsKeepFixedTimesAndSkipThoseARunOverran() {
    RunSchedule hourly = new RunSchedule(new RunSchedule.DurationConverter().convert("1h"), 0);
    Instant first = Instant.parse("2026-01-01T02:00:00Z");
    assertThat(hourly.nextStart(first, first.plusSeconds(35))).isEqualTo(Instant.parse("2026-01-01T03:00:00Z"));
    // A run that took 2.5 periods: the next start is the next whole period, not one made up at once.
    assertThat(hourly.nextStart(first, first.plus(Duration.ofMinutes(150))))
        .isEqualTo(Instant.parse("2026-01-01T05:00:00Z"));
    assertThat(new RunSchedule.DurationConverter().convert("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
    assertThat(new RunSchedule.DurationConverter().convert("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(hourly.another(1_000)).isTrue();
    assertThat(new RunSchedule(Duration.ofHours(1), 2).another(1)).isTrue();
    assertThat(new RunSchedule(Duration.ofHours(1), 2).another(2)).isFalse();
  }

  /** The fixture's file for that day, as {@link IncrementalEqualsFullRebuildTest#land} lands it. */
  private static void land(Path input, String relative) {
    try {
      IncrementalEqualsFullRebuildTest.land(input, relative, null);
    } catch (Exception e) {
      throw new IllegalStateException("cannot land " + relative, e);
    }
  }
}
