package io.tradelake.cli;

import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.runtime.CrashPoints;
import io.tradelake.table.Tables;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills {@code tradelake run} in a child JVM (Runtime.halt: no cleanup, like kill -9) at named points, then
 * reruns it: the gold equals an uninterrupted run's, silver has no duplicate event ids, every ledger balances.
 * Seven child JVMs take minutes on 2 cores: tagged {@code crash}, run with {@code mvn -B verify -Pcrash}.
 */
@SparkTest
@Tag("crash")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryTest {

  static final Path FIXTURE = Path.of("src/test/resources/fixtures/handmade");
  SparkSession spark;
  String referenceGold;

  /** {@code command}'s words are joined by '+' ("clean+--rebuild"). */
  static List<String> args(String command, Path warehouse) {
    List<String> args = new ArrayList<>(List.of(command.split("\\+")));
    args.addAll(List.of("--input", FIXTURE.resolve("input").toString(), "--warehouse", warehouse.toString(),
        "--conf", "fx.rates-file=" + FIXTURE.resolve("fx.csv").toAbsolutePath(), "--conf", "privacy.min-buyers=1"));
    return args;
  }

  String goldHash(Path warehouse) throws Exception {
    Tables tables = Tables.at(warehouse.toString(), spark);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (String table : List.of(Tables.GROWTH_BY_MARKET, Tables.YOUTH_CHANNEL, Tables.QUARANTINE + "#rules")) {
      List<String> rows = table.endsWith("#rules")
          ? sorted(tables.read(Tables.QUARANTINE).groupBy("rule").count())
          : sorted(tables.read(table));
      rows.forEach(r -> sha.update((r + "\n").getBytes(StandardCharsets.UTF_8)));
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  int runInProcess(String command, Path warehouse) {
    return TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
        .execute(args(command, warehouse).toArray(String[]::new));
  }

  @BeforeAll
  void reference(SparkSession spark, @TempDir Path dir) throws Exception {
    this.spark = spark;
    assertThat(runInProcess("run", dir)).isZero();
    referenceGold = goldHash(dir);
  }

  /** Runs the CLI in a fresh JVM with the test's classpath and JVM flags, crashing at {@code point}. */
  static int crashingRun(String command, String point, Path warehouse, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--") || arg.startsWith("-XX:+IgnoreUnrecognized") || arg.startsWith("-Djdk.reflect")
          || arg.startsWith("-Dio.netty")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-D" + CrashPoints.PROPERTY + "=" + point,
        "-cp", System.getProperty("java.class.path"), TradeLake.class.getName()));
    cmd.addAll(args(command, warehouse));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("child run did not end; log: " + log);
    }
    return p.exitValue();
  }

  /**
   * Each point as {@code point:stages run before:command killed}. The stages before the killed command run
   * in this JVM (fast, warm), so the child JVM only does the work up to its crash point.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "mid-bronze-write::ingest",
      "after-ingest-log::ingest",
      "mid-silver-write:ingest:clean",
      "after-clean:ingest:run",
      "mid-gold-write:ingest,clean:aggregate",
      "mid-silver-write:ingest,clean:clean+--rebuild",
      "mid-model-save:ingest,clean,aggregate:model"})
  void aRunKilledAtAnyPointIsCompletedExactlyByTheNextRun(String scenario, @TempDir Path dir) throws Exception {
    String[] parts = scenario.split(":", -1);
    String point = parts[0];
    Path warehouse = dir.resolve("wh");
    for (String before : parts[1].isEmpty() ? new String[0] : parts[1].split(",")) {
      assertThat(runInProcess(before, warehouse)).isZero();
    }
    Path log = dir.resolve("child.log");
    assertThat(crashingRun(parts[2], point, warehouse, log))
        .as("child log:\n%s", Files.exists(log) ? Files.readString(log) : "")
        .isEqualTo(CrashPoints.EXIT_CODE);
    assertThat(Files.readString(log)).contains("crash injected at " + point);

    assertThat(runInProcess("run", warehouse)).isZero();
    Tables tables = Tables.at(warehouse.toString(), spark);
    assertThat(goldHash(warehouse)).isEqualTo(referenceGold);
    assertThat(tables.read(Tables.BRONZE).count()).isEqualTo(21);
    assertThat(tables.read(Tables.SILVER).groupBy("event_id").count().where("count > 1").count()).isZero();
    assertThat(tables.read(Tables.SILVER).count()).isEqualTo(12);
    assertThat(tables.read(Tables.RUN_METRICS).where("NOT balanced").count()).isZero();
    assertThat(tables.read(Tables.MODEL_RUNS).count()).isPositive();
    if (parts[2].endsWith("--rebuild")) {
      // Killed after quarantine was replaced, before silver was: the next run cleaned every bronze row again.
      assertThat(sorted(tables.read(Tables.RUN_METRICS).where("stage = 'clean' AND table_name = 'silver_events'")
          .orderBy(org.apache.spark.sql.functions.desc("run_started_at")).limit(1), "rows_in"))
          .containsExactly("19");
    }
  }
}
