package io.tradelake.aggregate;

import static io.tradelake.testing.Rows.row;
import static io.tradelake.testing.Rows.sorted;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.config.Settings;
import io.tradelake.testing.Rows;
import io.tradelake.testing.SparkTest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Periods, roll-ups, shares, growth and the youth table on a few inline facts. */
@SparkTest
class AggregateTransformsTest {

  @Test
  void aYearHasNineteenPeriodsWithTheirMonths(SparkSession spark) {
    Dataset<Row> out = spark.range(1).selectExpr("2020 AS y")
        .select(col("y"), explode(Periods.masks()).as("m"))
        .select(Periods.describe(col("y"), col("m.index")).as("p"), col("m.months").as("months")).select("p.*", "months");
    assertThat(sorted(out, "period_type", "period", "CAST(period_start AS STRING)", "period_months", "months"))
        .hasSize(19)
        .contains("year|2020|2020-01-01|12|4095", "half|2020-H1|2020-01-01|6|63", "half|2020-H2|2020-07-01|6|4032",
            "quarter|2020-Q3|2020-07-01|3|448", "month|2020-01|2020-01-01|1|1", "month|2020-12|2020-12-01|1|2048");
  }

  /**
   * Seeded random rows, with entities spread over several months and cells and null cell values: the sums
   * and distinct counts per period equal a plain GROUP BY with COUNT(DISTINCT) over every row's four periods.
   */
  @Test
  void periodMeasuresEqualCountDistinctOverEveryPeriod(SparkSession spark) {
    Dataset<Row> in = randomRows(spark);
    Dataset<Row> fast = PeriodMeasures.byCell("a", "b").sumOf("v").countDistinct("orders", "order_id")
        .countDistinct("buyers", "buyer_id").of(in);
    String[] columns = {"period_type", "period", "a", "b", "v", "orders", "buyers"};
    assertThat(sorted(fast, columns)).hasSizeGreaterThan(200)
        .containsExactlyElementsOf(sorted(countDistinctPerPeriod(spark, in), columns));
    assertThat(sorted(fast, "period_type", "period", "CAST(period_start AS STRING)", "period_months").stream()
        .distinct().toList()).hasSize(38)
        .contains("half|2019-H2|2019-07-01|6", "quarter|2020-Q4|2020-10-01|3", "month|2020-02|2020-02-01|1");
  }

  /**
   * With a roll-up (each row also counts in b = ALL, and in a = ALL), taken after the entities' masks per cell:
   * the same as COUNT(DISTINCT) over the rolled-up rows, so an entity in several cells counts once in ALL.
   */
  @Test
  void rolledUpPeriodMeasuresEqualCountDistinctOverRolledUpRows(SparkSession spark) {
    Dataset<Row> in = randomRows(spark);
    UnaryOperator<Dataset<Row>> rollUp = d -> d
        .withColumn("b", explode(array(col("b"), lit("ALL"))))
        .withColumn("a", explode(array(col("a"), lit("ALL"))));
    Dataset<Row> fast = PeriodMeasures.byCell(rollUp, "a", "b").sumOf("v").countDistinct("orders", "order_id")
        .countDistinct("buyers", "buyer_id").of(in);
    String[] columns = {"period_type", "period", "a", "b", "v", "orders", "buyers"};
    List<String> expected = sorted(countDistinctPerPeriod(spark, rollUp.apply(in)), columns);
    assertThat(sorted(fast, columns)).hasSizeGreaterThan(400).containsExactlyElementsOf(expected);
    assertThat(expected).anyMatch(r -> r.contains("|ALL|ALL|"));
  }

  /** An entity's rows are shuffled once, on the entity alone: no shuffle of entities per roll-up level. */
  @Test
  void entitiesAreShuffledOnceWhateverTheRollUp(SparkSession spark) {
    Dataset<Row> f = facts(spark, row("2019-01-15", "IMPORT", "JP", "c", "k", "b", "30", "o1", "b1", "100", "0"));
    for (Dataset<Row> out : List.of(GrowthByMarket.cells(f),
        YouthConsumptionChannel.compute(f, new Settings.Youth("IMPORT", 18, 35)))) {
      String plan = out.queryExecution().executedPlan().toString();
      List<String> entityShuffles = plan.lines().filter(l -> l.contains("Exchange") && l.contains("_entity")).toList();
      assertThat(entityShuffles).hasSize(1);
      assertThat(entityShuffles.get(0)).matches(".*hashpartitioning\\(_kind#\\d+, _entity#\\d+, \\d+\\).*");
    }
  }

  private static Dataset<Row> randomRows(SparkSession spark) {
    java.util.Random rnd = new java.util.Random(11);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      boolean refund = rnd.nextInt(10) == 0;
      rows.add(row(String.format("%d-%02d-01", 2019 + rnd.nextInt(2), 1 + rnd.nextInt(12)),
          rnd.nextInt(8) == 0 ? null : "a" + rnd.nextInt(3), "b" + rnd.nextInt(2),
          refund ? null : "o" + rnd.nextInt(250), refund ? null : "u" + rnd.nextInt(40),
          String.format("%d.%04d", rnd.nextInt(500), rnd.nextInt(10_000))));
    }
    return Rows.strings(spark, "month,a,b,order_id,buyer_id,v", rows.toArray(Object[][]::new))
        .withColumn("month", col("month").cast("date")).withColumn("v", col("v").cast(SalesFacts.MONEY));
  }

  /** The reference: every row copied into its four periods, then GROUP BY with COUNT(DISTINCT). */
  private static Dataset<Row> countDistinctPerPeriod(SparkSession spark, Dataset<Row> in) {
    in.createOrReplaceTempView("period_rows");
    return spark.sql("""
        WITH p AS (
          SELECT 'year' AS period_type, CAST(year(month) AS STRING) AS period, * FROM period_rows
          UNION ALL SELECT 'half', concat(year(month), '-H', IF(month(month) <= 6, 1, 2)), * FROM period_rows
          UNION ALL SELECT 'quarter', concat(year(month), '-Q', quarter(month)), * FROM period_rows
          UNION ALL SELECT 'month', date_format(month, 'yyyy-MM'), * FROM period_rows)
        SELECT period_type, period, a, b, sum(v) AS v, count(DISTINCT order_id) AS orders,
               count(DISTINCT buyer_id) AS buyers
        FROM p GROUP BY period_type, period, a, b""");
  }

  static Dataset<Row> facts(SparkSession spark, Object[]... rows) {
    return Rows.strings(spark, "event_date,direction,market,channel,cohort,age_band,buyer_age,order_id,buyer_id,gross,refund",
            rows)
        .withColumn("event_date", col("event_date").cast("date"))
        .withColumn("buyer_age", col("buyer_age").cast("int"))
        .withColumn("gross", col("gross").cast(SalesFacts.MONEY))
        .withColumn("refund", col("refund").cast(SalesFacts.MONEY));
  }

  @Test
  void cellsRollUpToTotalAndAllWithSharesAndGrowthAgainstTheirBases(SparkSession spark) {
    Dataset<Row> f = facts(spark,
        row("2019-01-15", "IMPORT", "JP", "c", "k", "b", "30", "o1", "b1", "100", "0"),
        row("2019-01-20", "EXPORT", "US", "c", "k", "b", "30", "o2", "b2", "300", "0"),
        row("2019-02-03", "IMPORT", "JP", "c", "k", "b", "30", "o3", "b1", "150", "0"),
        row("2019-02-10", "IMPORT", "JP", "c", "k", "b", "30", null, null, "0", "50"),
        row("2019-03-01", "DOMESTIC", "CN", "c", "k", "b", "30", "o4", "b3", "999", "0"));
    Dataset<Row> gold = GrowthByMarket.compute(f).where("period_type = 'month'");
    assertThat(sorted(gold, "period", "direction", "market", "gross_value", "refund_value", "net_value", "orders",
        "buyers", "share_pct", "pop_pct")).containsExactly(
        "2019-01|EXPORT|ALL|300.00|0.00|300.00|1|1|100.00|null",
        "2019-01|EXPORT|US|300.00|0.00|300.00|1|1|100.00|null",
        "2019-01|IMPORT|ALL|100.00|0.00|100.00|1|1|100.00|null",
        "2019-01|IMPORT|JP|100.00|0.00|100.00|1|1|100.00|null",
        "2019-01|TOTAL|ALL|400.00|0.00|400.00|2|2|100.00|null",
        "2019-01|TOTAL|JP|100.00|0.00|100.00|1|1|25.00|null",
        "2019-01|TOTAL|US|300.00|0.00|300.00|1|1|75.00|null",
        "2019-02|IMPORT|ALL|150.00|50.00|100.00|1|1|100.00|50.00",
        "2019-02|IMPORT|JP|150.00|50.00|100.00|1|1|100.00|50.00",
        "2019-02|TOTAL|ALL|150.00|50.00|100.00|1|1|100.00|-62.50",
        "2019-02|TOTAL|JP|150.00|50.00|100.00|1|1|100.00|50.00",
        "2019-03|DOMESTIC|ALL|999.00|0.00|999.00|1|1|100.00|null",
        "2019-03|DOMESTIC|CN|999.00|0.00|999.00|1|1|100.00|null");
  }

  @Test
  void youngBuyersSplitAcrossChannelsWithinTheirGroup(SparkSession spark) {
    Dataset<Row> f = facts(spark,
        row("2019-05-01", "IMPORT", "JP", "social", "post-95s", "18-24", "18", "o1", "b1", "100", "0"),
        row("2019-05-02", "IMPORT", "JP", "platform", "post-95s", "18-24", "18", "o2", "b1", "300", "0"),
        row("2019-05-03", "IMPORT", "US", "platform", "post-90s", "25-29", "35", "o3", "b2", "600", "0"),
        row("2019-05-04", "IMPORT", "US", "platform", "post-80s", "36-45", "36", "o4", "b3", "1000", "0"),
        row("2019-05-05", "EXPORT", "US", "platform", "post-95s", "18-24", "20", "o5", "b4", "1000", "0"));
    Dataset<Row> youth = YouthConsumptionChannel.compute(f, new Settings.Youth("IMPORT", 18, 35))
        .where("period_type = 'month' AND age_band = 'ALL'");
    assertThat(sorted(youth.where("cohort = 'ALL'"), "channel", "buyers", "orders", "gross_value",
        "value_share_pct", "buyer_share_pct", "avg_order_value")).containsExactly(
        "ALL|2|3|1000.00|100.00|100.00|333.33",
        "platform|2|2|900.00|90.00|100.00|450.00",
        "social|1|1|100.00|10.00|50.00|100.00");
  }
}
