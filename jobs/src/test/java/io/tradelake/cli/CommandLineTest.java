package io.tradelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's contract: help everywhere, exit codes, and one-line causes for bad input or config. */
@SparkTest
class CommandLineTest {

  record Result(int exit, String out, String err) {}

  static Result execute(SparkSession spark, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    CommandLine cli = TradeLake.commandLine(SessionLifecycle.shared(spark),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    StringWriter help = new StringWriter();
    cli.setOut(new PrintWriter(help));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Result(exit, help + out.toString(StandardCharsets.UTF_8), err.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ingest", "clean", "aggregate", "model", "run", "sql", "serve", "docs", "config"})
  void everyCommandHasHelp(String command, SparkSession spark) {
    Result r = execute(spark, command, "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: tradelake " + command, "--env", "--config", "--conf", "--input",
        "--warehouse");
  }

  /** Picocli formats descriptions with String.format: a lone '%' fails and is only warned about on stderr. */
  @Test
  void everyHelpTextFormatsCleanly(SparkSession spark) {
    PrintStream stderr = System.err;
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    StringBuilder usage = new StringBuilder();
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      appendUsage(TradeLake.commandLine(SessionLifecycle.shared(spark), System.out), usage);
    } finally {
      System.setErr(stderr);
    }
    assertThat(usage).contains("Usage: tradelake generate", "0.5%.");
    assertThat(warnings.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
  }

  private static void appendUsage(CommandLine cli, StringBuilder usage) {
    usage.append(cli.getUsageMessage());
    cli.getSubcommands().values().forEach(sub -> appendUsage(sub, usage));
  }

  @Test
  void topLevelHelpListsTheCommands(SparkSession spark) {
    Result r = execute(spark, "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("ingest", "clean", "aggregate", "model", "run", "sql", "serve", "docs", "config");
  }

  /** config shows each setting with the layer that set it, secrets masked, and checks it as a run would. */
  @Test
  void configShowsWhereEachSettingComesFrom(SparkSession spark, @TempDir Path dir) throws Exception {
    Path user = dir.resolve("user.conf");
    Files.writeString(user, "tradelake {\n  reporting-country = \"US\"\n  privacy.dev-key = \"s3cr3t\"\n"
        + "  rules.max-quantity = 50\n}\n");
    Result r = execute(spark, "config", "--config", user.toString(), "--conf", "reporting-currency=USD",
        "--warehouse", "/tmp/wh");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("# env local: reference.conf < conf/local.conf < " + user + " < --conf flags\n")
        .contains("reporting-currency = \"USD\"  # --conf flags\n")
        .contains("warehouse = \"/tmp/wh\"  # --conf flags\n")
        .contains("reporting-country = \"US\"  # " + user + ":2\n")
        .contains("rules.max-quantity = 50  # " + user + ":4\n")
        .containsPattern("rules.max-unit-price = \\d+  # reference\\.conf:\\d+\n")
        .containsPattern("spark.\"spark.sql.shuffle.partitions\" = \"\\d+\"  # .*local\\.conf:\\d+\n")
        .contains("privacy.dev-key = \"****\"").doesNotContain("s3cr3t")
        .contains("# pseudonym key: ");
    Result bad = execute(spark, "config", "--conf", "rules.max-quantty=5");
    assertThat(bad.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(bad.err()).contains("unknown setting tradelake.rules.max-quantty");
  }

  /** The command list shows each command's first description line alone: it must be a whole sentence. */
  @Test
  void theCommandListGivesEachCommandAWholeSentence(SparkSession spark) {
    CommandLine cli = TradeLake.commandLine(SessionLifecycle.shared(spark), System.out);
    assertThat(cli.getSubcommands()).containsKeys("ingest", "clean", "aggregate", "model", "run", "status",
        "maintain", "sql", "serve", "docs", "generate");
    cli.getSubcommands().forEach((name, sub) -> {
      String[] description = sub.getCommandSpec().usageMessage().description();
      if (!name.equals("help")) {
        assertThat(description).as(name).isNotEmpty();
        assertThat(description[0]).as(name).endsWith(".");
      }
    });
  }

  @Test
  void statusAndMaintainOnAWarehouseWithoutTablesSaySoAndCreateNothing(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path warehouse = dir.resolve("no-such-warehouse");
    Path landing = dir.resolve("landing");
    for (String day : List.of("2019-03-01", "2019-03-02")) {
      Path folder = Files.createDirectories(landing.resolve("shopline-csv").resolve(day));
      Files.writeString(folder.resolve("orders.csv"), "event_id\n");
    }
    Result status = execute(spark, "status", "--warehouse", warehouse.toString(), "--input", landing.toString());
    assertThat(status.exit()).isZero();
    assertThat(status.out()).contains("no runs yet in")
        .containsPattern("ingest +2 new raw files \\(18 B\\) of 2 days, 2019-03-01 to 2019-03-02\\n")
        .containsPattern("clean +nothing yet: no bronze_events \\(ingest writes it\\)\\n");
    Result young = execute(spark, "status", "--warehouse", warehouse.toString(), "--input", landing.toString(),
        "--conf", "ingest.min-file-age=1h");
    assertThat(young.out()).containsPattern("ingest +no new raw files in .*; 2 modified less than 3600 s ago, left "
        + "for a later run \\(ingest.min-file-age\\)\\n");
    Result negative = execute(spark, "status", "--runs", "-2", "--warehouse", warehouse.toString());
    assertThat(negative.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(negative.err()).contains("--runs must be 0 or more, not -2");
    Result noLanding = execute(spark, "status", "--warehouse", warehouse.toString(), "--input",
        dir.resolve("no-landing").toString());
    assertThat(noLanding.exit()).isZero();
    assertThat(noLanding.out()).containsPattern("ingest +cannot tell: input folder does not exist: ");
    Result maintain = execute(spark, "maintain", "--warehouse", warehouse.toString());
    assertThat(maintain.exit()).isZero();
    assertThat(maintain.out()).contains("no tables yet in").doesNotContain("files before");
    // sql and docs are about the tables: none is most likely a mistyped --warehouse.
    Result sql = execute(spark, "sql", "SELECT 1", "--warehouse", warehouse.toString());
    Result docs = execute(spark, "docs", "-o", dir.resolve("dictionary.md").toString(), "--warehouse",
        warehouse.toString());
    for (Result r : List.of(sql, docs)) {
      assertThat(r.exit()).as(r.err()).isEqualTo(TradeLake.BAD_CONFIG);
      assertThat(r.err()).contains("no tables in " + warehouse + ": run the pipeline first, or check --warehouse");
    }
    assertThat(dir.resolve("dictionary.md")).doesNotExist();
    assertThat(warehouse).doesNotExist();
  }

  @Test
  void runStopsOnlyAtAStageItKnows(SparkSession spark) {
    assertThat(execute(spark, "run", "--help").out()).contains("--until=<stage>", "Stop after this stage");
    Result r = execute(spark, "run", "--until", "gold");
    assertThat(r.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(r.err()).contains("--until", "gold", "ingest, clean, aggregate, model");
  }

  @Test
  void unknownEnvironmentFailsWithOneLine(SparkSession spark) {
    Result r = execute(spark, "ingest", "--env", "nosuchenv");
    assertThat(r.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(r.err().strip()).contains("unknown env 'nosuchenv'").doesNotContain("\n");
  }

  @Test
  void malformedOverrideFailsWithOneLine(SparkSession spark) {
    Result r = execute(spark, "clean", "--conf", "no-equals-sign");
    assertThat(r.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(r.err().strip()).contains("malformed --conf 'no-equals-sign'").doesNotContain("\n");
  }

  @Test
  void badSettingValueIsNamed(SparkSession spark) {
    Result r = execute(spark, "aggregate", "--conf", "reporting-time-zone=Mars/Olympus");
    assertThat(r.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(r.err()).contains("reporting-time-zone", "Mars/Olympus");
  }

  @Test
  void missingInputFolderFailsBeforeWritingAnything(SparkSession spark, @TempDir Path dir) throws Exception {
    Path warehouse = dir.resolve("wh");
    Result r = execute(spark, "ingest", "--input", dir.resolve("nope").toString(), "--warehouse",
        warehouse.toString());
    assertThat(r.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(r.err()).contains("input folder does not exist");
    // A file given as the landing folder (a raw file's path, say) is no landing area either.
    Path file = Files.writeString(dir.resolve("orders.csv"), "event_id\n");
    Result onFile = execute(spark, "ingest", "--input", file.toString(), "--warehouse", warehouse.toString());
    assertThat(onFile.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(onFile.err()).contains("input is a file, not the landing folder: ");
    assertThat(Files.exists(warehouse)).isFalse();
  }

  @Test
  void serveOnAPortInUseSaysSoBeforeStarting(SparkSession spark) throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Result r = execute(spark, "serve", "--port", String.valueOf(taken.getLocalPort()));
      assertThat(r.exit()).isEqualTo(TradeLake.BAD_CONFIG);
      assertThat(r.err()).contains("cannot serve on 127.0.0.1:" + taken.getLocalPort(), "choose another --port");
    }
    assertThat(execute(spark, "serve", "--port", "80").err()).contains("--port must be 1024-65535");
  }

  @Test
  void sqlNamesAMissingQueryFile(SparkSession spark, @TempDir Path dir) {
    Result r = execute(spark, "sql", "-f", dir.resolve("missing.sql").toString());
    assertThat(r.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(r.err()).contains("no such file: " + dir.resolve("missing.sql"));
  }

  @Test
  void aLayoutWithABrokenExpressionInAUserConfigFailsBeforeReading(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path conf = dir.resolve("extra.conf");
    Files.writeString(conf, """
        tradelake.layouts.broken {
          format = csv
          columns = [a, b]
          fields { event_id = a, quantity = { expr = "no_such(b)" } }
        }
        """);
    Files.createDirectories(dir.resolve("in"));
    Result r = execute(spark, "ingest", "--config", conf.toString(), "--input", dir.resolve("in").toString(),
        "--warehouse", dir.resolve("wh").toString());
    assertThat(r.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(r.err()).contains("layout broken");
    assertThat(Files.exists(dir.resolve("wh"))).isFalse();
  }

  @Test
  void anEnvironmentWithoutADevKeyNeedsTheHmacKeyVariable(SparkSession spark) {
    // cluster.conf has no development key; the test JVM does not set TRADELAKE_HMAC_KEY.
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("TRADELAKE_HMAC_KEY") == null);
    Result r = execute(spark, "clean", "--env", "cluster", "--conf", "input=x", "--conf", "warehouse=y");
    assertThat(r.exit()).isEqualTo(TradeLake.BAD_CONFIG);
    assertThat(r.err()).contains("TRADELAKE_HMAC_KEY is not set");
    assertThat(execute(spark, "run", "--env", "cluster", "--conf", "input=x", "--conf", "warehouse=y").err())
        .contains("TRADELAKE_HMAC_KEY is not set");
  }

  /** Only clean pseudonymises: a command that reads the warehouse, or a run that stops before clean, needs no key. */
  @Test
  void onlyACommandThatCleansNeedsTheHmacKey(SparkSession spark, @TempDir Path dir) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("TRADELAKE_HMAC_KEY") == null);
    Files.createDirectories(dir.resolve("in"));
    String[] cluster = {"--env", "cluster", "--input", dir.resolve("in").toString(), "--warehouse",
        dir.resolve("wh").toString()};
    Result ingest = execute(spark, concat(new String[] {"run", "--until", "ingest"}, cluster));
    assertThat(ingest.exit()).as(ingest.err()).isZero();
    Result status = execute(spark, concat(new String[] {"status"}, cluster));
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("ingest");
    assertThat(ingest.err() + status.err()).doesNotContain("TRADELAKE_HMAC_KEY");
  }

  private static String[] concat(String[] a, String[] b) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
        .toArray(String[]::new);
  }

  @Test
  void aSecondRunOnABusyWarehouseStopsWithTheHoldersName(SparkSession spark, @TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("in"));
    // A live holder: this very JVM, as if another run in it held the warehouse.
    try (var held = io.tradelake.table.WarehouseLock.acquire(dir.resolve("wh").toString(), "run-A",
        spark.sparkContext().hadoopConfiguration())) {
      Result r = execute(spark, "ingest", "--input", dir.resolve("in").toString(), "--warehouse",
          dir.resolve("wh").toString());
      assertThat(r.exit()).isEqualTo(TradeLake.BUSY);
      assertThat(r.err()).contains("is in use by run run-A").doesNotContain("\n\tat ");
      // status reads on beside a run, and names it.
      Result status = execute(spark, "status", "--input", dir.resolve("in").toString(), "--warehouse",
          dir.resolve("wh").toString());
      assertThat(status.exit()).isZero();
      assertThat(status.out()).containsPattern("running now: run run-A \\(pid " + ProcessHandle.current().pid())
          .contains("waiting for the next run (or taken by the one running now):");
    }
    // Released: the next run goes ahead.
    assertThat(execute(spark, "ingest", "--input", dir.resolve("in").toString(), "--warehouse",
        dir.resolve("wh").toString()).exit()).isZero();
  }

  @Test
  void aLockLeftByADeadProcessIsTakenOver(SparkSession spark, @TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("in"));
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Files.createDirectories(dir.resolve("wh"));
    Files.writeString(dir.resolve("wh").resolve(io.tradelake.table.WarehouseLock.FILE), "run=killed\npid="
        + dead.pid() + "\nhost=" + java.net.InetAddress.getLocalHost().getHostName() + "\nsince=earlier\n");
    assertThat(execute(spark, "status", "--input", dir.resolve("in").toString(), "--warehouse",
        dir.resolve("wh").toString()).out()).contains("left locked by run killed (pid " + dead.pid(),
        "whose process is gone: the next run takes the lock over").contains("waiting for the next run:");
    assertThat(execute(spark, "ingest", "--input", dir.resolve("in").toString(), "--warehouse",
        dir.resolve("wh").toString()).exit()).isZero();
    assertThat(dir.resolve("wh").resolve(io.tradelake.table.WarehouseLock.FILE)).doesNotExist();
  }

  @ParameterizedTest
  @CsvSource({"clean, bronze_events, ingest", "aggregate, silver_events, clean", "model, growth_by_market, aggregate"})
  void aStageWithoutItsInputSaysWhatToRunFirst(String stage, String input, String writtenBy, SparkSession spark,
      @TempDir Path dir) {
    Result r = execute(spark, stage, "--warehouse", dir.toString());
    assertThat(r.exit()).isEqualTo(TradeLake.FAILED);
    assertThat(r.err()).contains("no " + input + " table at " + dir.resolve(input) + ": run " + writtenBy + " first");
  }
}
