package io.tradelake.cli;

import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.table.TableDocs;
import io.tradelake.table.Tables;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tables by name: a run on the hand-made fixture registers every table in the {@code tradelake} database of
 * the session's catalog, with the gold columns documented, and {@code tradelake sql} queries them by name.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogTest {

  static final Path FIXTURE = Path.of("src/test/resources/fixtures/handmade");
  static final List<String> GOLD = List.of(Tables.GROWTH_BY_MARKET, Tables.YOUTH_CHANNEL);

  SparkSession spark;
  Path warehouse;
  Tables tables;

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
  }

  @Test
  void everyTableIsRegisteredByNameAtItsPath() {
    List<String> names = sorted(spark.sql("SHOW TABLES IN tradelake").where("NOT isTemporary"), "tableName");
    assertThat(names).containsExactlyInAnyOrderElementsOf(TableDocs.tables());
    for (String table : GOLD) {
      assertThat(sorted(spark.table("tradelake." + table))).isEqualTo(sorted(tables.read(table)));
      assertThat(spark.sql("DESCRIBE DETAIL tradelake." + table).first().<String>getAs("location"))
          .endsWith(warehouse.resolve(table).toString());
    }
  }

  @Test
  void everyGoldColumnAndEveryTableCarriesItsDocumentation() {
    for (String table : GOLD) {
      for (StructField f : spark.table("tradelake." + table).schema().fields()) {
        assertThat(f.getComment().isDefined()).as(table + "." + f.name() + " has a comment").isTrue();
        assertThat(f.getComment().get()).isEqualTo(TableDocs.inCurrency("CNY").column(table, f.name()));
      }
    }
    assertThat(spark.table("tradelake.growth_by_market").schema().apply("gross_value").getComment().get())
        .contains("CNY");
    for (String table : TableDocs.tables()) {
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
}
