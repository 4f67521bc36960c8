package io.tradelake.model;

import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tradelake.config.Settings;
import io.tradelake.runtime.StageSqlConf;
import io.tradelake.testing.SparkTest;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Buyer features and the clustering pipeline's transforms on tiny inline data. */
@SparkTest
class BuyerFeaturesTest {

  static final List<String> CHANNELS = List.of("social_ecommerce", "brand_official_website");

  /** Silver's columns the features read; money as decimals, as silver has it. */
  static Dataset<Row> silver(SparkSession spark) {
    return spark.sql("""
        SELECT buyer_id, order_id, event_type, CAST(event_date AS DATE) AS event_date,
               CAST(reporting_value AS DECIMAL(38,4)) AS reporting_value, CAST(quantity AS INT) AS quantity,
               channel, direction, buyer_country, CAST(birth_year AS INT) AS buyer_birth_year,
               CAST(age AS INT) AS buyer_age, cohort, age_band, category
        FROM VALUES
          ('a', 'o1', 'ORDER',  '2019-11-11', 100.00, 1, 'social_ecommerce', 'IMPORT', 'CN', 1995, 24, 'post-95s', '18-24', 'cosmetics'),
          ('a', 'o1', 'ORDER',  '2019-11-11', 300.00, 3, 'social_ecommerce', 'IMPORT', 'CN', 1995, 24, 'post-95s', '18-24', 'apparel'),
          ('a', 'o2', 'ORDER',  '2019-11-29', 200.00, 1, 'brand_official_website', 'IMPORT', 'CN', 1995, 24, 'post-95s', '18-24', 'cosmetics'),
          ('a', 'o2', 'REFUND', '2019-12-10', 200.00, 1, 'brand_official_website', 'IMPORT', 'CN', 1995, 24, 'post-95s', '18-24', 'cosmetics'),
          ('a', 'o3', 'ORDER',  '2019-12-05', 50.00,  1, 'social_ecommerce', 'IMPORT', 'CN', 1995, 24, 'post-95s', '18-24', 'cosmetics'),
          ('a', 'o3', 'CANCEL', '2019-12-05', NULL,   NULL, 'social_ecommerce', 'IMPORT', 'CN', 1995, 24, 'post-95s', '18-24', NULL),
          ('b', 'o4', 'ORDER',  '2019-12-20', 100.00, 1, 'social_ecommerce', 'IMPORT', 'CN', 1980, 39, 'post-80s', '36-45', 'cosmetics'),
          (NULL, 'o5', 'ORDER', '2019-12-31', 100.00, 1, 'social_ecommerce', 'IMPORT', 'CN', NULL, NULL, NULL, NULL, 'cosmetics')
        AS t(buyer_id, order_id, event_type, event_date, reporting_value, quantity, channel, direction,
             buyer_country, birth_year, age, cohort, age_band, category)
        """);
  }

  /** The features' rows by buyer id (a handful, on this inline data). */
  static Map<String, Row> byBuyer(Dataset<Row> features) {
    Map<String, Row> byBuyer = new java.util.HashMap<>();
    for (Row r : features.collectAsList()) {
      byBuyer.put(r.getAs("buyer_id"), r);
    }
    return byBuyer;
  }

  @Test
  void recencyFrequencyMoneyRefundsFestivalsAndChannelsPerBuyer(SparkSession spark) {
    Map<String, Row> byBuyer = byBuyer(BuyerFeatures.from(silver(spark), CHANNELS));
    assertThat(byBuyer).containsOnlyKeys("a", "b"); // a row without a buyer id is nobody's
    Row a = byBuyer.get("a");
    // Recency is counted to silver's last event date (2019-12-31), not to today.
    assertThat(a.<Integer>getAs("recency_days")).isEqualTo(26);
    assertThat(a.<Long>getAs("orders")).isEqualTo(3);
    assertThat(a.<Long>getAs("orders_cancelled")).isEqualTo(1);
    // The cancelled order's 50 is not spent; the refund does not undo the order's value.
    assertThat(a.<BigDecimal>getAs("monetary_value")).isEqualByComparingTo("600.00");
    assertThat(a.<BigDecimal>getAs("avg_order_value")).isEqualByComparingTo("300.00");
    assertThat(a.<BigDecimal>getAs("avg_unit_price")).isEqualByComparingTo("120.00");
    assertThat(a.<Double>getAs("refund_rate_pct")).isEqualTo(33.33);
    assertThat(a.<Double>getAs("cancel_rate_pct")).isEqualTo(33.33);
    // 11.11 and Black Friday 2019 (29 November) are festivals, 5 December is not.
    assertThat(a.<Double>getAs("festival_order_pct")).isEqualTo(66.67);
    assertThat(a.<Double>getAs("pct_social_ecommerce")).isEqualTo(66.67);
    assertThat(a.<Double>getAs("pct_brand_official_website")).isEqualTo(33.33);
    assertThat(a.<String>getAs("main_channel")).isEqualTo("social_ecommerce");
    assertThat(a.<Double>getAs("units_per_line")).isEqualTo(1.5);
    assertThat(a.<String>getAs("cohort")).isEqualTo("post-95s");
    // Spend by category leaves the cancelled order out: 300 of 600 on each.
    Map<String, BigDecimal> byCategory = a.getJavaMap(a.fieldIndex("category_spend_pct"));
    assertThat(byCategory).containsOnlyKeys("apparel", "cosmetics");
    assertThat(byCategory.get("apparel")).isEqualByComparingTo("50.00");
  }

  /** Broadcast or joined by a shuffle, the cancelled and refunded orders give every buyer the same features. */
  @Test
  void fewFlaggedOrdersBroadcastGiveTheSameFeaturesAsJoinedOnes(SparkSession spark) {
    Dataset<Row> joined = BuyerFeatures.from(silver(spark), CHANNELS, false);
    Dataset<Row> broadcast = BuyerFeatures.from(silver(spark), CHANNELS, true);
    // Maps cannot be compared as rows: the spend by category as its sorted entries.
    String[] columns = java.util.Arrays.stream(joined.columns())
        .map(c -> c.equals("category_spend_pct") ? "array_sort(map_entries(" + c + ")) AS " + c : c)
        .toArray(String[]::new);
    assertThat(sorted(broadcast.selectExpr(columns))).hasSize(2)
        .containsExactlyElementsOf(sorted(joined.selectExpr(columns)));
    assertThat(BuyerFeatures.fewFlaggedOrders(silver(spark))).isTrue(); // 2 events
  }

  /** With the flagged orders broadcast, order lines are shuffled on the buyer only: never on the order id. */
  @Test
  void broadcastFlagsShuffleTheLinesOnceOnTheBuyer(SparkSession spark) {
    String plan;
    try (StageSqlConf sorted = StageSqlConf.apply(spark, BuyerFeatures.SPARK_SETTINGS)) {
      plan = BuyerFeatures.from(silver(spark), CHANNELS, true).queryExecution().executedPlan().toString();
    }
    assertThat(plan).doesNotContain("SortMergeJoin [order_id");
    assertThat(plan.lines().filter(l -> l.contains("Exchange") && l.contains("order_id")
        && !l.contains("hashpartitioning(order_id#"))).isEmpty();
    assertThat(plan.lines().filter(l -> l.contains("Exchange hashpartitioning(buyer_id#"))).isNotEmpty();
    // The buyer's aggregation streams over orders sorted by buyer: no hash map of its own.
    assertThat(plan.lines().filter(l -> l.contains("SortAggregate(key=[buyer_id#") && !l.contains("order_id")))
        .isNotEmpty();
  }

  /** A line without a category is spend all the same, under "unknown": a map key cannot be null. */
  @Test
  void spendWithoutACategoryIsUnknownAndABuyerWithOnlyCancelledOrdersHasNoSpendByCategory(SparkSession spark) {
    Dataset<Row> more = silver(spark).union(spark.sql("""
        SELECT buyer_id, order_id, event_type, CAST(event_date AS DATE), CAST(reporting_value AS DECIMAL(38,4)),
               CAST(quantity AS INT), channel, direction, buyer_country, CAST(birth_year AS INT),
               CAST(age AS INT), cohort, age_band, category
        FROM VALUES
          ('c', 'o6', 'ORDER',  '2019-12-01', 30.00, 1, 'social_ecommerce', 'IMPORT', 'CN', 1990, 29, 'post-90s', '25-29', NULL),
          ('c', 'o6', 'ORDER',  '2019-12-01', 10.00, 1, 'social_ecommerce', 'IMPORT', 'CN', 1990, 29, 'post-90s', '25-29', 'toys'),
          ('d', 'o7', 'ORDER',  '2019-12-02', 10.00, 1, 'social_ecommerce', 'IMPORT', 'CN', 1990, 29, 'post-90s', '25-29', 'toys'),
          ('d', 'o7', 'CANCEL', '2019-12-02', NULL, NULL, 'social_ecommerce', 'IMPORT', 'CN', 1990, 29, 'post-90s', '25-29', NULL)
        AS t(buyer_id, order_id, event_type, event_date, reporting_value, quantity, channel, direction,
             buyer_country, birth_year, age, cohort, age_band, category)
        """));
    Map<String, Row> byBuyer = byBuyer(BuyerFeatures.from(more, CHANNELS, true));
    Row c = byBuyer.get("c");
    Map<String, BigDecimal> byCategory = c.getJavaMap(c.fieldIndex("category_spend_pct"));
    assertThat(byCategory).containsOnlyKeys(BuyerFeatures.NO_CATEGORY, "toys");
    assertThat(byCategory.get(BuyerFeatures.NO_CATEGORY)).isEqualByComparingTo("75.00");
    // A buyer whose every order was cancelled spent nothing: no shares, rather than shares of zero.
    Row d = byBuyer.get("d");
    assertThat(d.<Long>getAs("orders_cancelled")).isEqualTo(1);
    assertThat(d.isNullAt(d.fieldIndex("category_spend_pct"))).isTrue();
    Row a = byBuyer.get("a");
    assertThat(a.<String, BigDecimal>getJavaMap(a.fieldIndex("category_spend_pct")))
        .containsOnlyKeys("apparel", "cosmetics");
  }

  @Test
  void perLineMeasuresAreShrunkTowardEveryonesSoOneLineIsNotExtreme(SparkSession spark) {
    Row b = BuyerFeatures.from(silver(spark), CHANNELS).where("buyer_id = 'b'").first();
    // b's one line is at its category's median price (cosmetics lines: 100, 200, 50, 100 per unit → median 100).
    assertThat(b.<Double>getAs("log_relative_price")).isCloseTo(0.0, within(1e-9));
    assertThat(b.<Double>getAs("relative_price")).isEqualTo(1.0);
    // One single-unit line, pulled toward everyone's multi-unit share (1 of 5 lines) by two pseudo-lines.
    assertThat(b.<Double>getAs("multi_unit_line_pct")).isCloseTo(100.0 * (0 + 0.2 * 2) / 3, within(0.01));
  }

  @Test
  void thePipelineLogsSkewedColumnsImputesMissingOnesAndScales(SparkSession spark) {
    Dataset<Row> rows = spark.sql("""
        SELECT * FROM VALUES ('x', 1, CAST(10.00 AS DECIMAL(10,2)), 0.5), ('y', 2, NULL, 0.6),
          ('z', 1000, CAST(2000.00 AS DECIMAL(10,2)), 9.0), ('w', 900, CAST(1500.00 AS DECIMAL(10,2)), NULL)
        AS t(id, orders, money, other)""");
    Settings.ClusterModel cfg = new Settings.ClusterModel("kmeans", 2, 2, 1, 10,
        List.of("orders", "money", "other"), List.of("orders", "money"));
    PipelineModel model = ClusteringPipeline.of(cfg, 2).fit(rows);
    Map<String, Row> out = new java.util.HashMap<>();
    for (Row r : model.transform(rows).collectAsList()) {
      out.put(r.getAs("id"), r);
    }
    assertThat(out.get("z").<Double>getAs("log1p_orders")).isCloseTo(Math.log1p(1000), within(1e-9));
    // y's missing money is imputed with the mean of the logged values, not left null.
    assertThat(out.get("y").<Double>getAs("imputed_money"))
        .isCloseTo((Math.log1p(10) + Math.log1p(2000) + Math.log1p(1500)) / 3, within(1e-9));
    assertThat(out.get("w").<Double>getAs("imputed_other")).isNotNull();
    org.apache.spark.ml.linalg.Vector scaled = out.get("x").getAs(ClusteringPipeline.SCALED);
    assertThat(scaled.size()).isEqualTo(3);
    // Small buyers together, large ones together.
    assertThat(out.get("x").<Integer>getAs("cluster")).isEqualTo(out.get("y").<Integer>getAs("cluster"));
    assertThat(out.get("z").<Integer>getAs("cluster")).isEqualTo(out.get("w").<Integer>getAs("cluster"))
        .isNotEqualTo(out.get("x").<Integer>getAs("cluster"));
  }
}
