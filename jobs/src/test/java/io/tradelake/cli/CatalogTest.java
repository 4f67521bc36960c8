package io.tradelake.cli;

import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.table.TableDocs;
import io.tradelake.table.Tables;
import io.tradelake.testing.ChildJvm;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tables by name: a run on the hand-made fixture registers every table in the {@code tradelake} database of
 * the session's catalog, with the gold columns documented, and {@code tradelake sql} queries them by name.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CatalogTest {

  static final Path FIXTURE = Path.of("src/test/resources/fixtures/handmade");
  static final List<String> GOLD = List.of(Tables.GROWTH_BY_MARKET, Tables.YOUTH_CHANNEL);

  SparkSession spark;
  Path warehouse;
  Tables tables;
  // The documented tables this run wrote (the fixture has too few repeat buyers for the buyer model).
  List<String> present;

  static String[] runArgs(String command, Path warehouse) {
    return new String[] {command, "--input", FIXTURE.resolve("input").toString(), "--warehouse",
        warehouse.toString(), "--conf", "fx.rates-file=" + FIXTURE.resolve("fx.csv").toAbsolutePath(),
        "--conf", "privacy.min-buyers=1"};
  }

  @BeforeAll
  void run(SparkSession spark, @TempDir Path warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
    assertThat(TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
        .execute(runArgs("run", warehouse))).isZero();
    tables = Tables.at(warehouse.toString(), spark);
    present = TableDocs.tables().stream().filter(tables::exists).toList();
  }

  @Test
  void everyTableIsRegisteredByNameAtItsPath() {
    List<String> names = sorted(spark.sql("SHOW TABLES IN tradelake").where("NOT isTemporary"), "tableName");
    assertThat(names).containsExactlyInAnyOrderElementsOf(present);
    for (String table : GOLD) {
      assertThat(sorted(spark.table("tradelake." + table))).isEqualTo(sorted(tables.read(table)));
      assertThat(spark.sql("DESCRIBE DETAIL tradelake." + table).first().<String>getAs("location"))
          .endsWith(warehouse.resolve(table).toString());
    }
  }

  @Test
  void everyColumnAndEveryTableCarriesItsDocumentation() {
    for (String table : present) {
      for (StructField f : spark.table("tradelake." + table).schema().fields()) {
        assertThat(f.getComment().isDefined()).as(table + "." + f.name() + " has a comment").isTrue();
        assertThat(f.getComment().get()).isEqualTo(TableDocs.inCurrency("CNY").column(table, f.name()));
      }
    }
    // The appended tables were created with their comments: the catalog added none, one commit per column.
    for (String table : Stream.of(Tables.SILVER, Tables.QUARANTINE, Tables.BRONZE, Tables.RUN_METRICS,
        Tables.INGEST_LOG, Tables.CLEAN_LOG, Tables.AGGREGATE_LOG, Tables.MODEL_RUNS).filter(present::contains).toList()) {
      assertThat(sorted(spark.sql("DESCRIBE HISTORY tradelake." + table).select("operation").distinct(), "operation"))
          .as(table).doesNotContain("CHANGE COLUMN");
    }
    assertThat(spark.table("tradelake.growth_by_market").schema().apply("gross_value").getComment().get())
        .contains("CNY");
    for (String table : present) {
      assertThat(spark.sql("DESCRIBE DETAIL tradelake." + table).first().<String>getAs("description"))
          .as(table).isEqualTo(TableDocs.inCurrency("CNY").table(table).comment());
    }
  }

  @Test
  void aSecondRegistrationChangesNothing() {
    long version = spark.sql("DESCRIBE HISTORY tradelake.growth_by_market").count();
    assertThat(TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
        .execute("sql", "--warehouse", warehouse.toString(), "SELECT 1")).isZero();
    assertThat(spark.sql("DESCRIBE HISTORY tradelake.growth_by_market").count()).isEqualTo(version);
  }

  @Test
  void sqlQueriesTheCatalogNames() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(out, true, StandardCharsets.UTF_8))
        .execute("sql", "--warehouse", warehouse.toString(), "--format", "csv",
            "SELECT period, gross_value FROM tradelake.growth_by_market WHERE period_type = 'year' "
                + "AND direction = 'TOTAL' AND market = 'ALL' ORDER BY period");
    assertThat(exit).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).lines().toList())
        .containsExactly("period,gross_value", "2018,1270.00", "2019,1500.00", "2020,300.00");
  }

  /** Spark's parse errors begin with a line break: the cause shown is the first line that says something. */
  @Test
  void aBadQueryFailsWithSparksMessageInOneLine() {
    for (String[] query : new String[][] {
        {"SELECT_1", "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELECT_1'."},
        {"SELECT * FROM tradelake.no_such_table", "[TABLE_OR_VIEW_NOT_FOUND]"}}) {
      java.io.StringWriter err = new java.io.StringWriter();
      picocli.CommandLine cli = TradeLake.commandLine(SessionLifecycle.shared(spark),
          new PrintStream(new ByteArrayOutputStream()));
      cli.setErr(new java.io.PrintWriter(err, true));
      int exit = cli.execute("sql", "--warehouse", warehouse.toString(), query[0]);
      assertThat(exit).isEqualTo(TradeLake.FAILED);
      assertThat(err.toString().lines().toList()).as(query[0]).singleElement().asString()
          .startsWith("tradelake sql: " + query[1]);
    }
  }

  @Test
  void anyDeltaReaderSeesTheSameGoldRows() throws Exception {
    for (String table : GOLD) {
      List<String> columns = List.of(tables.read(table).columns());
      assertThat(io.tradelake.testing.KernelReader.sortedRows(tables.path(table), columns))
          .as(table + " read by the Delta Kernel")
          .isNotEmpty()
          .isEqualTo(sorted(tables.read(table)));
    }
  }

  @Test
  void docsWritesTheDataDictionaryFromTheCatalog(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("dictionary.md");
    int exit = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
        .execute("docs", "--warehouse", warehouse.toString(), "-o", file.toString());
    assertThat(exit).isZero();
    String md = java.nio.file.Files.readString(file);
    long goldRows = tables.read(Tables.GROWTH_BY_MARKET).count();
    assertThat(md)
        .contains("| [`tradelake.growth_by_market`](#growth_by_market) | gold | " + goldRows + " | ")
        .contains("| `gross_value` | decimal(38,2) | Gross merchandise value of orders, CNY, 2 decimals")
        .contains("| `yoy_pct` |")
        .contains("## Last run")
        .contains("| clean | silver_events | 19 | 12 | 6 | 1 |");
    for (String table : present) {
      assertThat(md).contains("\n## " + table + "\n");
    }
  }

  /**
   * In a child JVM, whose session is opened as a command's (with the embedded metastore): a command that reads
   * a warehouse without tables leaves the folder uncreated (a mistyped --warehouse must not become a warehouse).
   */
  @Test
  void aReadingCommandOnAMistypedWarehouseCreatesNothing(@TempDir Path dir) throws Exception {
    Path none = dir.resolve("no-such-warehouse");
    Path log = dir.resolve("status.log");
    int exit = ChildJvm.await(ChildJvm.start(System.getProperty("java.class.path"), TradeLake.class.getName(),
        List.of("status", "--warehouse", none.toString(), "--input", dir.toString()), log), log, 5);
    assertThat(exit).as(Files.readString(log)).isZero();
    // A reading command's answer is not preceded by a page of settings (a run logs them at INFO, below).
    assertThat(Files.readString(log)).contains("no runs yet in").doesNotContain("effective configuration");
    assertThat(none).doesNotExist();
  }

  /**
   * In child JVMs on this warehouse's embedded metastore: sql registers the tables; serve finds them already
   * registered (the catalog outlived the sql process); a run (of the ingest stage: any command that writes
   * registers at its end) while serve holds the metastore succeeds and leaves registration to serve; a Spark Connect client in its own JVM reads the same gold rows as this JVM.
   */
  @Test
  @Order(Integer.MAX_VALUE - 1) // after the tests in this JVM: its child JVMs hold the warehouse's metastore
  void serveSharesThePersistentCatalogWithClientsWhileRunsGoOn(@TempDir Path dir) throws Exception {
    String cp = System.getProperty("java.class.path");
    String main = TradeLake.class.getName();
    Path sqlLog = dir.resolve("sql.log");
    int sqlExit = ChildJvm.await(ChildJvm.start(cp, main, List.of("sql", "--warehouse", warehouse.toString(),
        "--format", "csv", "SELECT period, gross_value FROM tradelake.growth_by_market WHERE period_type = 'year' "
            + "AND direction = 'TOTAL' AND market = 'ALL' ORDER BY period"), sqlLog), sqlLog, 8);
    String sqlOut = Files.readString(sqlLog);
    assertThat(sqlExit).as(sqlOut).isZero();
    assertThat(sqlOut).contains(present.size() + " newly registered").contains("2018,1270.00\n2019,1500.00\n2020,300.00");
    assertThat(warehouse.resolve("_catalog/metastore_db")).isDirectory();

    int port = ChildJvm.freePort();
    Path serveLog = dir.resolve("serve.log");
    // The default refresh (60 s): none falls within the test, whose children would share the cores with it.
    Process serve = ChildJvm.start(cp, main, List.of("serve", "--warehouse", warehouse.toString(), "--port",
        String.valueOf(port)), serveLog);
    try {
      ChildJvm.awaitLine(serve, serveLog, "serving ", 8);
      assertThat(Files.readString(serveLog)).contains(present.size() + " tables in tradelake (0 newly registered");

      Path runLog = dir.resolve("run.log");
      Process run = ChildJvm.start(cp, main, List.of(runArgs("ingest", warehouse)), runLog);
      Path clientLog = dir.resolve("client.log");
      String clientCp = Files.readString(Path.of("target/connect-client-classpath.txt")).trim();
      int clientExit = ChildJvm.await(ChildJvm.start(clientCp, "src/test/connect-client/ConnectQuery.java",
          List.of("sc://127.0.0.1:" + port, "SELECT * FROM tradelake.growth_by_market"), clientLog), clientLog, 5);
      List<String> remote = Files.readAllLines(clientLog).stream().filter(l -> l.matches("^(year|half|quarter|month)\\|.*"))
          .sorted().toList();
      assertThat(clientExit).as(Files.readString(clientLog)).isZero();
      assertThat(remote).isNotEmpty().isEqualTo(sorted(tables.read(Tables.GROWTH_BY_MARKET)));

      assertThat(ChildJvm.await(run, runLog, 8)).as(Files.readString(runLog)).isZero();
      assertThat(Files.readString(runLog)).contains("tables not registered by this run: the metastore is held by "
          + "tradelake serve");
    } finally {
      serve.destroy(); // SIGTERM: serve stops the server and removes its marker
      ChildJvm.await(serve, serveLog, 3);
    }
    assertThat(warehouse.resolve("_catalog/serve.lock")).doesNotExist();
  }

  /**
   * In child JVMs, after serve: a run registers the tables and records it; the next run, its tables unchanged,
   * leaves the metastore closed; sql, which may change the metastore, drops the record.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void aRunWhoseTablesAreRegisteredAsTheyAreLeavesTheMetastoreClosed(@TempDir Path dir) throws Exception {
    String cp = System.getProperty("java.class.path");
    String main = TradeLake.class.getName();
    Path record = warehouse.resolve("_catalog/registered");
    Path first = dir.resolve("first.log");
    assertThat(ChildJvm.await(ChildJvm.start(cp, main, List.of(runArgs("ingest", warehouse)), first), first, 8))
        .as(Files.readString(first)).isZero();
    assertThat(Files.readString(first)).contains(present.size() + " tables in tradelake (0 newly registered")
        .contains("effective configuration (env local; tradelake config shows where each setting is set)");
    assertThat(record).isRegularFile();

    Path second = dir.resolve("second.log");
    assertThat(ChildJvm.await(ChildJvm.start(cp, main, List.of(runArgs("ingest", warehouse)), second), second, 8))
        .as(Files.readString(second)).isZero();
    assertThat(Files.readString(second)).contains("registered as they are").doesNotContain("newly registered")
        .doesNotContain("HiveConf");

    Path sql = dir.resolve("sql.log");
    assertThat(ChildJvm.await(ChildJvm.start(cp, main, List.of("sql", "--warehouse", warehouse.toString(),
        "SELECT 1"), sql), sql, 8)).as(Files.readString(sql)).isZero();
    assertThat(record).doesNotExist();
  }
}
